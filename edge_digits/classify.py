"""Classify normalized 28x28 digit patches with a TFLite model: the one stateful stage.

    >>> with DigitClassifier() as classifier:              # the bundled int8 model
    ...     probabilities = classifier.classify(patches)   # (N, 28, 28) uint8 -> (N, C)

The interpreter is loaded and allocated once and reused for every call; all patches of a
frame go through in one invocation (the input is resized to each call's exact batch: the
re-allocation costs a few microseconds, a blank padding row the model's ~34 us; on batches
of 1-12 digits in turn, 24% less time than padding to powers of two). Input shape, dtype
and quantization are read from the model, never assumed. Not thread-safe: use one
classifier per thread.
"""
from __future__ import annotations

import contextlib
import math
import os

from pathlib import Path

import numpy as np

from .backends import load_interpreter_class
from .errors import ConfigError, FrameError, ModelError
from .models import DEFAULT_MODEL, labels_from, load_manifest

MAX_BATCH = 64  #: larger batches are split into calls of this size


def _check_model_bytes(path: Path) -> bytes:
    if not path.exists():
        raise ModelError(f"model file not found: {path}")
    if path.is_dir():
        raise ModelError(f"model path is a directory, expected a .tflite file: {path}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"model file {path} cannot be read: {exc}") from exc
    # A TFLite flatbuffer carries the file identifier "TFL3" at bytes 4..8.
    if data[4:8] != b"TFL3":  # shorter than 8 bytes: fewer than 4 to compare
        raise ModelError(
            f"model file {path} is not a TFLite model ({len(data)} bytes, no 'TFL3' "
            "identifier): it may be truncated or corrupt; re-export it with 'make export' "
            "and 'make bundle'"
        )
    return data


@contextlib.contextmanager
def native_stderr_silenced():
    """Silence the C library's stderr (file descriptor 2) for the duration.

    LiteRT's C++ core prints "INFO: Created TensorFlow Lite XNNPACK delegate for CPU." on
    the first allocation, which would make a CLI error two lines instead of one. Its real
    errors still arrive as Python exceptions. Python's own ``sys.stderr`` is untouched.
    """
    try:
        saved = os.dup(2)
    except OSError:  # no file descriptor 2 (some embedded hosts): nothing to silence
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class DigitClassifier:
    """A loaded TFLite digit classifier.

    Parameters
    ----------
    model_path : path, optional
        A ``.tflite`` file; default: the bundled int8 model.
    num_threads : int
        Interpreter threads (1 is best for batches of a few digits on a Pi).
    backend : str
        ``"auto"`` (ai-edge-litert, else tflite-runtime, else tensorflow), or one of those.
    """

    def __init__(self, model_path: str | Path | None = None, *, num_threads: int = 1,
                 backend: str = "auto") -> None:
        if not isinstance(num_threads, int) or num_threads < 1:
            raise ValueError(f"num_threads must be a positive int, got {num_threads!r}")
        self.model_path = Path(model_path) if model_path is not None else DEFAULT_MODEL
        data = _check_model_bytes(self.model_path)
        interpreter_class, self.backend = load_interpreter_class(backend)
        self.num_threads = num_threads
        try:
            with native_stderr_silenced():  # (XNNPACK's CPU probe may print at creation)
                self._interpreter = interpreter_class(model_content=data,
                                                      num_threads=num_threads)
                self._interpreter.allocate_tensors()
        except Exception as exc:  # the interpreter's own errors are RuntimeError/ValueError
            raise ModelError(f"model file {self.model_path} could not be loaded by "
                             f"{self.backend}: {str(exc).strip().splitlines()[0]}") from exc
        self._read_details()
        self.manifest = load_manifest(self.model_path, data)  # checks the sha256
        self.labels = labels_from(self.manifest, self.num_classes)
        self._resize(1)
        self._invoke_checked(np.zeros((1, 28, 28), np.uint8))  # a corrupt model fails here

    def _read_details(self) -> None:
        inputs = self._interpreter.get_input_details()
        outputs = self._interpreter.get_output_details()
        if len(inputs) != 1 or len(outputs) != 1:
            raise ModelError(f"{self.model_path}: expected one input and one output, got "
                             f"{len(inputs)} and {len(outputs)}")
        self._input, self._output = inputs[0], outputs[0]
        shape = tuple(int(v) for v in self._input["shape"])
        if shape[1:3] != (28, 28) or len(shape) not in (3, 4) or (len(shape) == 4 and shape[3] != 1):
            raise ModelError(f"{self.model_path}: input shape {shape}; expected (N, 28, 28, 1)")
        self.input_shape = shape
        self.input_dtype = np.dtype(self._input["dtype"])
        if self.input_dtype not in (np.dtype(np.int8), np.dtype(np.uint8), np.dtype(np.float32)):
            raise ModelError(f"{self.model_path}: input dtype {self.input_dtype}; expected "
                             "int8, uint8 or float32")
        self.input_scale, self.input_zero_point = self._input["quantization"]
        self.output_scale, self.output_zero_point = self._output["quantization"]
        out_shape = tuple(int(v) for v in self._output["shape"])
        if len(out_shape) != 2:
            raise ModelError(f"{self.model_path}: output shape {out_shape}; expected (N, classes)")
        self.num_classes = out_shape[1]
        self.output_dtype = np.dtype(self._output["dtype"])
        self._feed = self._make_feed()
        self._dequantize = self._make_dequantize()
        #: the largest probability this model can output: 1 for a float output, the largest
        #: quantized code's value for an integer one (255/256 = 0.9961 for int8 with scale
        #: 1/256 and zero point -128). A threshold above it rejects every digit.
        self.max_probability = float(min(1.0, self._dequantize(
            np.array([np.iinfo(self.output_dtype).max], self.output_dtype))[0])) \
            if self.output_dtype != np.float32 else 1.0

    def _make_feed(self):
        """A function from uint8 pixels (N, 28, 28) to the model's input dtype.

        The int8 export uses scale 1/255 and zero point -128 (calibrated on 0..1 inputs),
        so a pixel p maps to p - 128: no float arithmetic. Other quantizations take the
        general path.
        """
        dtype, scale, zero = self.input_dtype, self.input_scale, self.input_zero_point
        self._xor_feed = False
        if dtype == np.float32:
            return lambda pixels: pixels.astype(np.float32) * np.float32(1.0 / 255.0)
        if scale == 0:
            raise ModelError(f"{self.model_path}: integer input without quantization parameters")
        if abs(scale * 255.0 - 1.0) < 1e-6 and dtype == np.int8 and zero == -128:
            self._xor_feed = True  # classify() writes this one straight into the input buffer
            return lambda pixels: (pixels ^ np.uint8(0x80)).view(np.int8)
        info = np.iinfo(dtype)

        def general(pixels):
            values = np.round(pixels.astype(np.float32) / (255.0 * scale)) + zero
            return np.clip(values, info.min, info.max).astype(dtype)
        return general

    def _make_dequantize(self):
        """A function from the raw output rows to float32 probabilities.

        For 8-bit outputs a 256-entry table replaces the subtract-and-scale: one gather,
        no temporaries (it is bit-for-bit the same arithmetic, done once per code).
        """
        dtype, scale, zero = self.output_dtype, self.output_scale, self.output_zero_point
        if dtype == np.float32:
            return lambda raw: raw.astype(np.float32, copy=True)
        if dtype in (np.dtype(np.int8), np.dtype(np.uint8)):
            codes = np.arange(256, dtype=np.uint8).view(dtype)  # table index = the raw byte
            table = ((codes.astype(np.float32) - zero) * scale).astype(np.float32)
            return lambda raw: table.take(raw.view(np.uint8))
        return lambda raw: ((raw.astype(np.float32) - zero) * scale).astype(np.float32)

    def _resize(self, batch: int) -> None:
        shape = [batch, *self.input_shape[1:]]
        self._interpreter.resize_tensor_input(self._input["index"], shape)
        self._interpreter.allocate_tensors()
        self._capacity = batch
        # One input buffer per batch size, reused: set_tensor copies it into the interpreter.
        self._batch = np.empty(shape, self.input_dtype)
        self._batch_pixels = self._batch.view(np.uint8).reshape(batch, 28, 28) if self._xor_feed else None

    def _fill_input(self, patches: np.ndarray) -> None:
        """Convert ``patches`` (as many as the input's batch) into the reused input buffer
        and hand it over.

        Measured on the int8 model (medians, one core): converting in place and calling
        ``set_tensor`` costs about 4 us a call, 2 us less than a fresh converted array, and
        3 us less than writing through the ``tensor()`` view, whose Python wrapper costs more
        than the copy it saves at these sizes (784 bytes a digit).
        """
        if self._xor_feed:
            np.bitwise_xor(patches, np.uint8(0x80), out=self._batch_pixels)
        else:
            self._batch[...] = self._feed(patches).reshape(self._batch.shape)
        self._interpreter.set_tensor(self._input["index"], self._batch)

    def classify(self, patches: np.ndarray) -> np.ndarray:
        """Class probabilities for normalized patches.

        Parameters
        ----------
        patches : (N, 28, 28) or (28, 28) uint8 ndarray
            Output of :func:`~edge_digits.normalize.normalize_digit`: white ink on black.

        Returns
        -------
        (N, num_classes) float32 ndarray of probabilities.
        """
        if not isinstance(patches, np.ndarray) or patches.dtype != np.uint8:
            raise FrameError(f"classify: expected uint8 patches of shape (N, 28, 28), got "
                             f"{getattr(patches, 'dtype', type(patches).__name__)}")
        if patches.ndim == 2:
            patches = patches[None]
        if patches.ndim != 3 or patches.shape[1:] != (28, 28):
            raise FrameError(f"classify: expected patches of shape (N, 28, 28), got {patches.shape}")
        count = patches.shape[0]
        if count == 0:
            return np.zeros((0, self.num_classes), np.float32)
        if count > MAX_BATCH:
            return np.concatenate([self.classify(patches[i:i + MAX_BATCH])
                                   for i in range(0, count, MAX_BATCH)])
        return self._invoke_checked(patches)

    def _invoke_checked(self, patches: np.ndarray) -> np.ndarray:
        try:
            if patches.shape[0] != self._capacity:
                self._resize(patches.shape[0])
            self._fill_input(patches)
            self._interpreter.invoke()
            return self._dequantize(self._interpreter.get_tensor(self._output["index"]))
        except (RuntimeError, ValueError) as exc:  # the interpreter's errors: a corrupt model
            raise ModelError(f"model file {self.model_path} failed to run in {self.backend}: "
                             f"{str(exc).strip().splitlines()[0][:200]}") from exc

    def check_reachable(self, threshold: float, name: str = "threshold") -> None:
        """Raise :class:`ConfigError` if no output of this model can reach ``threshold``
        (every digit would be rejected)."""
        if float(threshold) > self.max_probability:
            raise ConfigError(
                f"{name} {threshold:g} cannot be reached: the model's largest attainable "
                f"probability is {self.max_probability:.4f} ({self.output_dtype} output), so "
                f"every digit would be rejected; use a {name} of at most "
                f"{math.floor(self.max_probability * 1e4) / 1e4:.4f}")

    def predict(self, patches: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(best class index, its probability) for each patch."""
        probabilities = self.classify(patches)
        best = probabilities.argmax(axis=1)
        return best, probabilities[np.arange(len(best)), best]

    def close(self) -> None:
        """Release the interpreter."""
        self._interpreter = None

    def __enter__(self) -> "DigitClassifier":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return (f"DigitClassifier({str(self.model_path)!r}, backend={self.backend!r}, "
                f"threads={self.num_threads}, input={self.input_dtype}, classes={self.num_classes})")
