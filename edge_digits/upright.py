"""A second view of a normalized digit the model is unsure of, turned towards upright: the
classifier reads both and its two answers are averaged.

Most people's handwriting leans to the right. The model reads a crop it is not sure of a
second time, turned a few degrees counter-clockwise, and the reader averages the two
probability rows: where the two views agree the answer keeps its confidence, where they
disagree it drops below the threshold and the digit becomes a ``?`` instead of a wrong
digit; a crop the second view reads surely may reach the threshold (measured in
docs/tuning.md, "A second view of unsure digits"). Pure functions of the patches.

    >>> views = turned(patches, 8.0)          # (N, 28, 28) uint8 -> (N, 28, 28) uint8
    >>> first = classifier.classify(patches)
    >>> rows = averaged(classifier.classify, patches, first, 8.0, sure=0.95)
"""
from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

from .normalize import CANVAS

#: the point a patch turns about: MNIST's centre of mass, where normalize_digit puts it
CENTRE = (CANVAS / 2.0, CANVAS / 2.0)


@lru_cache(maxsize=8)
def _rotation(degrees: float) -> np.ndarray:
    return cv2.getRotationMatrix2D(CENTRE, degrees, 1.0)


def turned(patches: np.ndarray, degrees: float) -> np.ndarray:
    """Each (28, 28) patch of ``patches`` (N, 28, 28) turned ``degrees`` counter-clockwise
    about its centre of mass (bilinear; ink turned out of the patch is lost, none comes in)."""
    matrix = _rotation(float(degrees))
    size = (patches.shape[2], patches.shape[1])
    return np.stack([cv2.warpAffine(patch, matrix, size) for patch in patches]) \
        if len(patches) else patches.copy()


def averaged(classify, patches: np.ndarray, first: np.ndarray, degrees: float,
             sure: float = 1.0) -> np.ndarray:
    """The rows of ``first`` (``classify``'s probabilities for ``patches``, (N, classes)),
    each row whose likeliest class (any class) is below ``sure`` replaced by the mean of it
    and of the row of its patch turned ``degrees`` (:func:`turned`), those classified in one
    more call (``sure`` above 1: every patch). ``degrees`` 0: ``first`` itself."""
    if not degrees or not len(patches):
        return first
    unsure = first.max(axis=1) < sure
    if not unsure.any():
        return first
    rows = first.copy()
    rows[unsure] = (first[unsure] + classify(turned(patches[unsure], degrees))) * np.float32(0.5)
    return rows
