"""edge-digits: read handwritten digit strings from camera frames on small devices.

    >>> import cv2
    >>> from edge_digits import DigitReader
    >>> with DigitReader() as reader:                 # the bundled int8 model
    ...     reading = reader.read(cv2.imread("frame.jpg"))
    >>> reading.text, reading.confidence

Pipeline stages, one module each: ``frame`` (validate, grayscale) -> ``locate`` (find,
crop, group into lines) -> ``normalize`` (MNIST recipe) -> ``classify`` (TFLite) ->
``read`` (assemble, reject). This package never imports TensorFlow unless it is the only
interpreter installed.
"""
from __future__ import annotations

from .errors import (BackendError, ConfigError, EdgeDigitsError, FrameError, ModelError,
                     SourceError, SourceUnavailable)
from .results import Box, Digit, DigitString, Reading

__version__ = "0.1.0"

__all__ = [
    "BackendError", "Box", "ConfigError", "Digit", "DigitClassifier", "DigitReader",
    "DigitString", "EdgeDigitsError", "FrameError", "ModelError", "ReadOptions", "Reading",
    "SourceError", "SourceUnavailable", "normalize_digit", "open_source", "read_postcode",
]


def __getattr__(name: str):
    # Lazy: `import edge_digits` stays cheap (no interpreter, no OpenCV until needed).
    if name == "DigitClassifier":
        from .classify import DigitClassifier
        return DigitClassifier
    if name in ("DigitReader", "ReadOptions"):
        from . import read
        return getattr(read, name)
    if name == "open_source":
        from .sources import open_source
        return open_source
    if name == "read_postcode":
        from .postcode import read_postcode
        return read_postcode
    if name == "normalize_digit":
        from .normalize import normalize_digit
        return normalize_digit
    raise AttributeError(f"module 'edge_digits' has no attribute {name!r}")
