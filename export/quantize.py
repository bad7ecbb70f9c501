"""Convert a trained Keras model to TFLite: float32, float16, dynamic-range and full int8.

    >>> variants = convert_all(model, representative_pixels)   # name -> .tflite bytes

The int8 model has int8 input and output and is calibrated on a representative sample of
the *training* digits. Its input quantization is chosen so the runtime needs no float
arithmetic: the network's input is pixel / 255 in 0..1, and calibration data that spans
exactly 0..1 gives scale 1/255 and zero point -128, so

    q = round(pixel / 255 / (1/255)) - 128 = pixel - 128 = int8(pixel ^ 0x80)

which :class:`edge_digits.classify.DigitClassifier` feeds with one XOR. The conversion
checks that it got exactly this quantization and refuses the model otherwise.
"""
from __future__ import annotations

import contextlib
import io
import tempfile
import warnings

import keras
import numpy as np

from .errors import ExportError
from .train import to_input

VARIANTS = ("float32", "float16", "dynamic", "int8")
INT8_INPUT_SCALE = 1.0 / 255.0
INT8_INPUT_ZERO_POINT = -128


def _saved_model(model: keras.Model, folder: str) -> str:
    """Export once to a SavedModel that every variant converts from (Keras prints; hush it)."""
    with contextlib.redirect_stdout(io.StringIO()):
        model.export(folder, format="tf_saved_model")
    return folder


def _representative(pixels: np.ndarray):
    """Calibration batches, one digit each; the first spans exactly 0..1 to pin the scale."""
    span = np.zeros((1, 28, 28, 1), np.float32)
    span[0, 14, 14, 0] = 1.0  # guarantees min 0 and max 1 whatever the sample holds

    def batches():
        yield [span]
        for image in to_input(pixels):
            yield [image[None]]
    return batches


def convert(saved_model: str, variant: str, representative: np.ndarray | None = None) -> bytes:
    """One TFLite variant of the exported model in ``saved_model`` as flatbuffer bytes."""
    import tensorflow as tf

    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; expected one of {VARIANTS}")
    converter = tf.lite.TFLiteConverter.from_saved_model(saved_model)
    if variant == "float16":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.target_spec.supported_types = [tf.float16]
    elif variant == "dynamic":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    elif variant == "int8":
        if representative is None or len(representative) == 0:
            raise ValueError("int8 conversion needs representative training digits")
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = _representative(representative)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    with warnings.catch_warnings():
        # The int8 input's statistics come from the representative data, as intended.
        warnings.filterwarnings("ignore", message="Statistics for quantized inputs")
        return bytes(converter.convert())


def io_details(flatbuffer: bytes) -> dict:
    """Input/output shape, dtype and quantization of a TFLite model, read by the runtime."""
    from edge_digits.backends import load_interpreter_class

    interpreter_class, _ = load_interpreter_class()
    interpreter = interpreter_class(model_content=flatbuffer)

    def describe(detail: dict) -> dict:
        scale, zero_point = detail["quantization"]
        return {"shape": [int(v) for v in detail["shape_signature"]],
                "dtype": np.dtype(detail["dtype"]).name,
                "quantization": {"scale": float(scale), "zero_point": int(zero_point)}}
    return {"input": describe(interpreter.get_input_details()[0]),
            "output": describe(interpreter.get_output_details()[0])}


def check_int8_input(flatbuffer: bytes) -> None:
    """Refuse an int8 model whose input is not the pixel ^ 0x80 quantization."""
    details = io_details(flatbuffer)["input"]
    quant = details["quantization"]
    if (details["dtype"] != "int8" or abs(quant["scale"] - INT8_INPUT_SCALE) > 1e-9
            or quant["zero_point"] != INT8_INPUT_ZERO_POINT):
        raise ExportError(f"int8 model input is {details['dtype']} scale {quant['scale']} zero "
                          f"point {quant['zero_point']}; expected int8 scale 1/255 zero point "
                          "-128 (calibration data must span 0..1)")


def convert_all(model: keras.Model, representative: np.ndarray,
                variants: tuple[str, ...] = VARIANTS) -> dict[str, bytes]:
    """Every variant as bytes; the int8 one checked for the runtime's input quantization."""
    with tempfile.TemporaryDirectory(prefix="edge-digits-savedmodel-") as folder:
        saved_model = _saved_model(model, folder)
        converted = {variant: convert(saved_model, variant, representative)
                     for variant in variants}
    if "int8" in converted:
        check_int8_input(converted["int8"])
    return converted
