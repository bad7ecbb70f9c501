"""What a worker does for each endpoint: decode the upload, run the reader, make the JSON.

Each job is a plain function of the worker's own reader and the request's values, so it
runs the same in a test as in a worker thread:

    >>> read_frame(reader, data, threshold=0.7, max_pixels=25_000_000, name="a.jpg")
    {'name': 'a.jpg', 'index': 0, 'text': '7439234', ...}        # as `read --json`

The JSON of ``/v1/read`` is the one ``edge-digits read --json`` prints for a frame
(``name``, ``index``, then :meth:`Reading.to_dict`); ``/v1/postcode`` is
:meth:`PostcodeResult.to_dict` with the same ``name`` and ``index``.
"""
from __future__ import annotations

import base64
import statistics
import time
from dataclasses import replace

import numpy as np

from ..frame import as_gray
from ..normalize import normalize_digit
from .images import decode_image

#: drawn ink fainter than this (0..255, over the background) is noise, not a stroke
INK_FLOOR = 24

#: the decisions of /v1/classify
DIGIT, NOT_SURE, NOT_A_DIGIT, EMPTY = "digit", "not sure", "not a digit", "empty"


def use_threshold(reader, threshold: float) -> None:
    """Set the worker's own reader to ``threshold`` (only its thread uses it)."""
    if reader.options.threshold != threshold:
        reader.options = replace(reader.options, threshold=threshold)


def read_frame(reader, data: bytes, *, threshold: float, max_pixels: int, name: str,
               partial: bool = False) -> dict:
    """``/v1/read``: the digit strings of an uploaded frame (``partial``: see
    ``ReadOptions.partial_strings``)."""
    frame = decode_image(data, max_pixels)
    use_threshold(reader, threshold)
    if reader.options.partial_strings != partial:
        reader.options = replace(reader.options, partial_strings=partial)
    return {"name": name, "index": 0, **reader.read(frame).to_dict()}


def read_postcode_frame(reader, data: bytes, *, profile, options, max_pixels: int,
                        name: str) -> dict:
    """``/v1/postcode``: the postal code of an uploaded envelope, or why it was rejected."""
    from ..postcode import read_postcode

    frame = decode_image(data, max_pixels)
    return {"name": name, "index": 0, **read_postcode(reader, frame, profile, options).to_dict()}


def drawing_ink(gray: np.ndarray) -> np.ndarray:
    """Dark strokes on a light ground -> white ink on black, as :func:`normalize_digit`
    takes it: inverted, the ground's level (the median) subtracted, faint noise dropped.

    Parameters
    ----------
    gray : (H, W) uint8 ndarray
    """
    ink = 255 - gray.astype(np.int16)
    ink -= int(np.median(ink))
    ink[ink < INK_FLOOR] = 0
    return ink.astype(np.uint8)


def classify_drawing(reader, data: bytes, *, threshold: float, max_pixels: int) -> dict:
    """``/v1/classify``: a drawn digit as the model sees it, and every class's probability.

    The decision follows the reader's rule: the likeliest class; ``not a digit`` when that is
    the model's not-a-digit class, ``not sure`` when its probability is below ``threshold``
    (or it is a '0' in which the model also sees an '8': ``ReadOptions.zero_eight``),
    ``empty`` when nothing is drawn.
    """
    start = time.perf_counter()
    gray = as_gray(decode_image(data, max_pixels))
    ink = drawing_ink(gray)
    patch = normalize_digit(ink)
    classifier = reader.classifier
    probabilities = classifier.classify(patch)[0]
    labels = list(classifier.labels)
    best = int(np.argmax(probabilities))
    label, confidence = labels[best], float(probabilities[best])
    is_digit = label.isdigit() and len(label) == 1
    if not ink.any():
        decision, value = EMPTY, None
    elif not is_digit:
        decision, value = NOT_A_DIGIT, None
    elif confidence < threshold or reader.doubted(probabilities[None], [best])[0]:
        decision, value = NOT_SURE, None
    else:
        decision, value = DIGIT, int(label)
    import cv2

    ok, png = cv2.imencode(".png", patch)
    return {
        "decision": decision,
        "value": value,
        "best": label,
        "confidence": round(confidence, 4),
        "threshold": threshold,
        "labels": labels,
        "probabilities": [round(float(p), 4) for p in probabilities],
        "normalized": {"width": int(patch.shape[1]), "height": int(patch.shape[0]),
                       "png_base64": base64.b64encode(png.tobytes()).decode("ascii")},
        "frame_size": [int(gray.shape[1]), int(gray.shape[0])],
        "seconds": round(time.perf_counter() - start, 6),
    }


def measure_latency(reader, frame: np.ndarray, rounds: int = 15) -> dict:
    """Median latency of this device's reader: one digit classified, one frame read."""
    patch = np.zeros((28, 28), np.uint8)
    patch[6:22, 12:16] = 255  # a '1'
    classify_us, read_ms = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        reader.classifier.classify(patch)
        classify_us.append((time.perf_counter() - start) * 1e6)
    for _ in range(max(3, rounds // 3)):
        start = time.perf_counter()
        reader.read(frame)
        read_ms.append((time.perf_counter() - start) * 1e3)
    height, width = frame.shape[:2]
    return {"classify_one_digit_us": round(statistics.median(classify_us), 1),
            "read_frame_ms": round(statistics.median(read_ms), 2),
            "frame_size": [int(width), int(height)]}
