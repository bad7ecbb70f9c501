"""Load MNIST: a local Keras-format ``mnist.npz``, else ``keras.datasets.mnist.load_data()``.

    >>> mnist = load_mnist("../shared/data/mnist.npz")   # offline: tests, CI, make export
    >>> mnist = load_mnist(None)                          # online: Keras downloads it once
    >>> mnist.x_train.shape, mnist.sha256[:12]

The CLI (``python -m export``) passes ``--mnist PATH`` or, when that is absent, the
``EDGE_DIGITS_MNIST`` environment variable; the library itself reads no environment.
``split_validation`` holds out part of the training set; the test set is only used for
the final evaluation.
"""
from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edge_digits.models import sha256_of

from .errors import DataError

#: key -> (shape after the first axis, dtype) of a Keras-format mnist.npz
EXPECTED = {
    "x_train": ((28, 28), np.uint8),
    "y_train": ((), np.uint8),
    "x_test": ((28, 28), np.uint8),
    "y_test": ((), np.uint8),
}
HOW_TO_GET = ("pass --mnist PATH (or set EDGE_DIGITS_MNIST) to a Keras-format mnist.npz, "
              "or go online once so that keras.datasets.mnist.load_data() can download it")


@dataclass(frozen=True)
class Mnist:
    """MNIST as uint8 arrays, white ink on black, with where it came from."""

    x_train: np.ndarray  #: (N, 28, 28) uint8
    y_train: np.ndarray  #: (N,) uint8 labels 0..9
    x_test: np.ndarray  #: (M, 28, 28) uint8
    y_test: np.ndarray  #: (M,) uint8
    source: str  #: the .npz path, or "keras.datasets.mnist"
    sha256: str  #: of the .npz file, or of the arrays' bytes when downloaded by Keras


def _sha256_arrays(arrays: dict) -> str:
    digest = hashlib.sha256()
    for key in EXPECTED:
        digest.update(np.ascontiguousarray(arrays[key]).tobytes())
    return digest.hexdigest()


def validate(arrays: dict, source: str) -> dict:
    """Check keys, shapes, dtypes and label range; return the four arrays as uint8."""
    missing = [key for key in EXPECTED if key not in arrays]
    if missing:
        raise DataError(f"{source}: missing arrays {missing}; a Keras-format mnist.npz holds "
                        f"{list(EXPECTED)}, got {sorted(arrays)}")
    out = {}
    for key, (tail, dtype) in EXPECTED.items():
        value = np.asarray(arrays[key])
        if value.ndim != 1 + len(tail) or value.shape[1:] != tail or value.shape[0] == 0:
            raise DataError(f"{source}: {key} has shape {value.shape}; expected (N, "
                            f"{', '.join(map(str, tail))}{')' if tail else ')'} with N > 0")
        if value.dtype != dtype:
            if not np.issubdtype(value.dtype, np.integer):
                raise DataError(f"{source}: {key} has dtype {value.dtype}; expected uint8")
            if value.size and (value.min() < 0 or value.max() > 255):
                raise DataError(f"{source}: {key} has values outside 0..255 "
                                f"({value.min()}..{value.max()}); expected uint8")
            value = value.astype(np.uint8)
        out[key] = value
    for split in ("train", "test"):
        x, y = out[f"x_{split}"], out[f"y_{split}"]
        if len(x) != len(y):
            raise DataError(f"{source}: x_{split} has {len(x)} images but y_{split} has "
                            f"{len(y)} labels; expected the same number")
        if y.max() > 9:
            raise DataError(f"{source}: y_{split} has label {int(y.max())}; expected 0..9")
    return out


def load_npz(path: str | Path) -> Mnist:
    """Load and validate a Keras-format ``mnist.npz``."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"MNIST file not found: {path}; {HOW_TO_GET}")
    if path.is_dir():
        raise DataError(f"MNIST path is a directory, expected an .npz file: {path}")
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise DataError(f"MNIST file {path} is not a readable .npz ({type(exc).__name__}: "
                        f"{str(exc).splitlines()[0] if str(exc) else 'corrupt'}); "
                        "expected a Keras-format mnist.npz") from exc
    arrays = validate(arrays, str(path))
    return Mnist(arrays["x_train"], arrays["y_train"], arrays["x_test"], arrays["y_test"],
                 source=str(path), sha256=sha256_of(path))


def load_mnist(path: str | Path | None = None) -> Mnist:
    """MNIST from ``path`` if given, else from ``keras.datasets.mnist.load_data()``.

    Raises
    ------
    DataError
        The file is missing/corrupt/malformed, or no path was given and Keras could not
        load MNIST (offline): the message names both ways to provide it.
    """
    if path is not None and str(path) != "":
        return load_npz(path)
    try:
        import keras

        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception as exc:  # offline: URLError, SSL errors, a broken cache, no keras
        raise DataError(f"MNIST not available: no local file given and "
                        f"keras.datasets.mnist.load_data() failed ({type(exc).__name__}: "
                        f"{str(exc).splitlines()[0] if str(exc) else ''}); {HOW_TO_GET}") from exc
    arrays = validate({"x_train": x_train, "y_train": y_train, "x_test": x_test,
                       "y_test": y_test}, "keras.datasets.mnist")
    return Mnist(arrays["x_train"], arrays["y_train"], arrays["x_test"], arrays["y_test"],
                 source="keras.datasets.mnist", sha256=_sha256_arrays(arrays))


def split_validation(x: np.ndarray, y: np.ndarray, fraction: float, seed: int):
    """Seeded random holdout: ``(x_fit, y_fit, x_val, y_val)``, ``fraction`` of it for validation."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"validation fraction must be in (0, 1), got {fraction}")
    order = np.random.default_rng(seed).permutation(len(x))
    count = max(1, int(round(len(x) * fraction)))
    val, fit = order[:count], order[count:]
    return x[fit], y[fit], x[val], y[val]
