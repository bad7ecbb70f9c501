"""Normalize one digit the way MNIST was made: the one function both training and cameras use.

MNIST's recipe (LeCun et al.): take the digit's ink bounding box, scale it so that its longer
side is 20 pixels keeping the aspect ratio (anti-aliased), and place it in a 28x28 field so
that its centre of mass sits at the centre. Ink is white (high) on black (0).

    >>> patch = normalize_digit(ink)          # ink: (H, W) uint8, white ink on black
    >>> patch.shape, patch.dtype
    ((28, 28), dtype('uint8'))

The host side (``export/``) calls this same function for every training augmentation, so
camera crops and training images cannot drift apart.
"""
from __future__ import annotations

import cv2
import numpy as np

from .errors import FrameError

CANVAS = 28  #: side of the classifier's input
BOX = 20  #: the longer side of the digit's bounding box after scaling


def ink_bounds(ink: np.ndarray, floor: int = 0) -> tuple[int, int, int, int] | None:
    """Bounding box (x0, y0, x1, y1), exclusive ends, of pixels above ``floor``; None if blank."""
    if ink.dtype == np.uint8 and floor == 0:
        # OpenCV's bounding box of the nonzero pixels: one call instead of five numpy calls
        # on a crop this small (~3 us against ~15 us; the same box)
        x, y, width, height = cv2.boundingRect(ink)
    else:
        x, y, width, height = cv2.boundingRect((ink > floor).view(np.uint8))
    if width == 0:
        return None
    return x, y, x + width, y + height


def normalize_digit(ink: np.ndarray, box: int = BOX, canvas: int = CANVAS) -> np.ndarray:
    """Return the MNIST-style (canvas, canvas) uint8 patch of one digit.

    Parameters
    ----------
    ink : (H, W) uint8 or float ndarray
        The digit as white ink on a black (0) background; values above 0 are ink. Floats
        are taken as 0..255.
    box : int
        Side of the square the ink's bounding box is scaled into (20 for MNIST).
    canvas : int
        Side of the output (28 for MNIST).

    Returns
    -------
    (canvas, canvas) uint8 ndarray, centre of mass at the centre. A blank input gives a
    blank patch.
    """
    if not isinstance(ink, np.ndarray) or ink.ndim != 2 or ink.size == 0:
        raise FrameError(f"normalize_digit: expected a non-empty 2-D ink image, got "
                         f"{getattr(ink, 'shape', type(ink).__name__)}")
    if ink.dtype != np.uint8:
        ink = np.clip(np.nan_to_num(ink.astype(np.float32)), 0, 255).astype(np.uint8)
    out = np.zeros((canvas, canvas), np.uint8)
    x0, y0, width, height = cv2.boundingRect(ink)  # ink_bounds(ink), one call less a digit
    if width == 0:
        return out
    crop = ink[y0:y0 + height, x0:x0 + width]
    scale = box / max(height, width)
    new_w = max(1, min(box, int(round(width * scale))))
    new_h = max(1, min(box, int(round(height * scale))))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    scaled = cv2.resize(crop, (new_w, new_h), interpolation=interpolation)

    moments = cv2.moments(scaled, binaryImage=False)
    if moments["m00"] > 0:
        cx, cy = moments["m10"] / moments["m00"], moments["m01"] / moments["m00"]
    else:  # everything rounded away: centre the box
        cx, cy = new_w / 2.0, new_h / 2.0
    # MNIST puts the centre of mass at index (14, 14) in moment coordinates (measured on
    # the test set: 14.00 +- 0.29 on both axes), not at the pixel centre 13.5.
    left = int(round(canvas / 2.0 - cx))
    top = int(round(canvas / 2.0 - cy))
    left = min(max(left, 0), canvas - new_w)
    top = min(max(top, 0), canvas - new_h)
    out[top:top + new_h, left:left + new_w] = scaled
    return out
