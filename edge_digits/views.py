"""Other views of a normalized digit the model is unsure of: turned towards upright, and
drawn with a broader pen. The classifier reads them and the reader averages its answers.

Most people's handwriting leans to the right, and most pens draw thinner strokes than
MNIST's writers did (the strangers' digits as the reader cuts them: a median stroke 0.79 px
wide at 28x28 against MNIST's 1.05, measured as twice the ink's area over its outline). The
model reads a crop it is not sure of again, turned a few degrees counter-clockwise and with
its strokes thickened by a small square, and the reader averages the three probability rows:
where the views agree the answer keeps its confidence, where they disagree it drops below
the threshold and the digit becomes a ``?`` instead of a wrong digit; a crop the other views
read surely may reach the threshold (measured in docs/tuning.md, "A second view of unsure
digits" and "A broader pen"). Pure functions of the patches.

    >>> views = turned(patches, 8.0)          # (N, 28, 28) uint8 -> (N, 28, 28) uint8
    >>> broad = thickened(patches, 2)         # ... each stroke one pixel wider
    >>> first = classifier.classify(patches)
    >>> rows = averaged(classifier.classify, patches, first, 8.0, sure=0.95, thicken=2)
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


def thickened(patches: np.ndarray, size: int) -> np.ndarray:
    """Each (28, 28) patch of ``patches`` (N, 28, 28) drawn with a broader pen: its grey
    levels dilated by a ``size`` x ``size`` square (2: each stroke one pixel wider, towards
    the right and the bottom; ink at the patch's border stays inside it). ``size`` 1 or 0:
    the patches as they are (a copy)."""
    if size <= 1 or not len(patches):
        return patches.copy()
    square = np.ones((int(size), int(size)), np.uint8)
    return np.stack([cv2.dilate(patch, square) for patch in patches])


def averaged(classify, patches: np.ndarray, first: np.ndarray, degrees: float,
             sure: float = 1.0, thicken: int = 0) -> np.ndarray:
    """The rows of ``first`` (``classify``'s probabilities for ``patches``, (N, classes)),
    each row whose likeliest class (any class) is below ``sure`` replaced by the mean of it
    and of the rows of its other views: turned ``degrees`` (:func:`turned`) and thickened by
    ``thicken`` (:func:`thickened`), all classified in one more call (``sure`` above 1:
    every patch). ``degrees`` 0 and ``thicken`` below 2: ``first`` itself."""
    if not (degrees or thicken > 1) or not len(patches):
        return first
    unsure = first.max(axis=1) < sure
    if not unsure.any():
        return first
    doubtful = patches[unsure]
    views = ([turned(doubtful, degrees)] if degrees else []) + \
        ([thickened(doubtful, thicken)] if thicken > 1 else [])
    others = classify(np.concatenate(views)).reshape(len(views), len(doubtful), -1)
    rows = first.copy()
    rows[unsure] = (first[unsure] + others.sum(axis=0)) / np.float32(1 + len(views))
    return rows
