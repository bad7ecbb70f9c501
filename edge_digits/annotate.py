"""Draw what was read onto a copy of the frame: boxes, values, the string and its confidence.

    >>> picture = draw_reading(frame, reading)      # BGR copy; the frame is not changed
    >>> cv2.imwrite("annotated.png", picture)

Accepted digits are boxed in green, rejected ones (``?``) in red; each string's text and
confidence are written above it. Kept apart from the pipeline: reading never draws.
"""
from __future__ import annotations

import cv2
import numpy as np

from .frame import check_frame
from .results import Box, Reading

ACCEPTED = (40, 170, 40)  #: BGR of an accepted digit's box
REJECTED = (30, 30, 220)  #: BGR of a rejected digit's box
TEXT = (200, 60, 20)  #: BGR of a string's text


def _scaled(box: Box, scale: float) -> tuple[tuple[int, int], tuple[int, int]]:
    return ((int(round(box.x * scale)), int(round(box.y * scale))),
            (int(round(box.right * scale)), int(round(box.bottom * scale))))


def bgr_copy(frame: np.ndarray) -> np.ndarray:
    """A BGR copy of a validated gray, BGR or BGRA frame, to draw on."""
    frame = check_frame(frame)
    if frame.ndim == 2 or frame.shape[2] == 1:
        return cv2.cvtColor(frame.reshape(frame.shape[:2]), cv2.COLOR_GRAY2BGR)
    if frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
    return frame.copy()


def draw_reading(frame: np.ndarray, reading: Reading, scale: float = 1.0) -> np.ndarray:
    """A BGR copy of ``frame`` with ``reading`` drawn on it.

    Parameters
    ----------
    frame : (H, W), (H, W, 3) or (H, W, 4) uint8 ndarray
        The frame that was read, or a larger view of it (then pass ``scale``).
    reading : Reading
    scale : float
        Factor from the read frame's pixels to ``frame``'s pixels.
    """
    picture = bgr_copy(frame)
    thickness = max(1, int(round(picture.shape[1] / 400)))
    font = max(0.4, picture.shape[1] / 1200)
    for string in reading.strings:
        for digit in string.digits:
            (x0, y0), (x1, y1) = _scaled(digit.box, scale)
            color = ACCEPTED if digit.accepted else REJECTED
            cv2.rectangle(picture, (x0, y0), (x1, y1), color, thickness)
            cv2.putText(picture, digit.text, (x0, y1 + int(18 * font)), cv2.FONT_HERSHEY_SIMPLEX,
                        font * 0.8, color, thickness, cv2.LINE_AA)
        (x0, y0), _ = _scaled(string.box, scale)
        label = f"{string.text}  {string.confidence:.2f}"
        cv2.putText(picture, label, (x0, max(int(20 * font), y0 - int(8 * font))),
                    cv2.FONT_HERSHEY_SIMPLEX, font, TEXT, thickness, cv2.LINE_AA)
    return picture
