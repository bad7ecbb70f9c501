"""Draw what was read onto a copy of the frame: boxes, values, the string and its confidence.

    >>> picture = draw_reading(frame, reading)      # BGR copy; the frame is not changed
    >>> cv2.imwrite("annotated.png", picture)

Accepted digits are boxed in green, rejected ones (``?``) in red; each digit's value is
written below its box (else above), each string's text and confidence above it (else
below); no label is drawn over a digit or another label (one that fits nowhere is left out). Kept apart from the pipeline: reading never draws.
"""
from __future__ import annotations

import cv2
import numpy as np

from .frame import check_frame
from .results import Box, Reading

ACCEPTED = (40, 170, 40)  #: BGR of an accepted digit's box
REJECTED = (30, 30, 220)  #: BGR of a rejected digit's box
TEXT = (200, 60, 20)  #: BGR of a string's text
UNREAD = (0, 140, 255)  #: BGR of the box of writing the reader could not read whole (orange)


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


def _overlaps(rect, boxes) -> bool:
    x0, y0, x1, y1 = rect
    return any(x0 < bx1 and x1 > bx0 and y0 < by1 and y1 > by0 for bx0, by0, bx1, by1 in boxes)


def text_rect(text: str, origin: tuple[int, int], scale: float, thickness: int) -> tuple:
    """(x0, y0, x1, y1) covered by ``cv2.putText(text, origin, HERSHEY_SIMPLEX, scale)``."""
    (width, height), baseline = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
    x, y = origin
    return (x, y - height - thickness, x + width, y + baseline + thickness)


def fit_lines(text: str, width: int, scale: float, thickness: int) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width`` pixels at ``scale`` (a
    single word wider than that stays one line: it is cut by the picture's edge)."""
    lines: list[str] = []
    for word in text.split(" "):
        trial = f"{lines[-1]} {word}" if lines else word
        size = cv2.getTextSize(trial, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)[0][0]
        if lines and size <= width:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines


def place_label(text: str, below: tuple, above: tuple, scale: float, thickness: int,
                avoid: list, size: tuple[int, int], above_first: bool = False
                ) -> tuple[int, int] | None:
    """The origin of a label: below ``below`` = (x, y) (its top at y), else above ``above``
    (its bottom at y), the first that covers no box of ``avoid`` and lies in the picture
    (``size`` = (width, height)); None when neither does. ``above_first``: try above first."""
    width, height = size
    places = [(*below, "below"), (*above, "above")]
    for x, y, where in (places[::-1] if above_first else places):
        probe = text_rect(text, (0, 0), scale, thickness)
        x = min(max(0, x), max(0, width - (probe[2] - probe[0])))
        y = y - probe[1] if where == "below" else y - probe[3]
        rect = text_rect(text, (x, y), scale, thickness)
        if rect[1] >= 0 and rect[3] <= height and not _overlaps(rect, avoid):
            return (x, y)
    return None


def draw_reading(frame: np.ndarray, reading: Reading, scale: float = 1.0,
                 labels: bool = True) -> np.ndarray:
    """A BGR copy of ``frame`` with ``reading`` drawn on it.

    Parameters
    ----------
    frame : (H, W), (H, W, 3) or (H, W, 4) uint8 ndarray
        The frame that was read, or a larger view of it (then pass ``scale``).
    reading : Reading
    scale : float
        Factor from the read frame's pixels to ``frame``'s pixels.
    labels : bool
        Also write each digit's value (below its box, else above it, never over a digit:
        skipped where neither fits) and each string's text and confidence.
    """
    picture = bgr_copy(frame)
    height, width = picture.shape[:2]
    thickness = max(1, int(round(width / 400)))
    font = max(0.4, width / 1200)
    pad = thickness  # the drawn rectangle's line reaches this far outside the box
    taken = [(x0 - pad, y0 - pad, x1 + pad, y1 + pad) for string in reading.strings
             for digit in string.digits for (x0, y0), (x1, y1) in [_scaled(digit.box, scale)]]  # digit boxes and labels placed so far: a label covers none of them
    for string in reading.strings:
        for digit in string.digits:
            (x0, y0), (x1, y1) = _scaled(digit.box, scale)
            color = ACCEPTED if digit.accepted else REJECTED
            cv2.rectangle(picture, (x0, y0), (x1, y1), color, thickness)
            if not labels:
                continue
            gap = thickness + 2
            origin = place_label(digit.text, (x0, y1 + gap), (x0, y0 - gap), font * 0.8,
                                 thickness, taken, (width, height))
            if origin is not None:
                taken.append(text_rect(digit.text, origin, font * 0.8, thickness))
                cv2.putText(picture, digit.text, origin, cv2.FONT_HERSHEY_SIMPLEX, font * 0.8,
                            color, thickness, cv2.LINE_AA)
        if not labels:
            continue
        (x0, y0), (_, y1) = _scaled(string.box, scale)
        label = f"{string.text}  {string.confidence:.2f}"
        gap = int(8 * font)
        origin = place_label(label, (x0, y1 + gap), (x0, y0 - gap), font, thickness,
                             taken, (width, height), above_first=True)
        if origin is not None:
            taken.append(text_rect(label, origin, font, thickness))
            cv2.putText(picture, label, origin, cv2.FONT_HERSHEY_SIMPLEX, font, TEXT,
                        thickness, cv2.LINE_AA)
    for box in reading.unread:  # writing the reader could not read whole: look here
        (x0, y0), (x1, y1) = _scaled(box, scale)
        cv2.rectangle(picture, (x0, y0), (x1, y1), UNREAD, thickness)
        if labels:
            origin = place_label("unread", (x0, y1 + thickness + 2), (x0, y0 - thickness - 2),
                                 font * 0.8, thickness, taken, (width, height))
            if origin is not None:
                taken.append(text_rect("unread", origin, font * 0.8, thickness))
                cv2.putText(picture, "unread", origin, cv2.FONT_HERSHEY_SIMPLEX, font * 0.8,
                            UNREAD, thickness, cv2.LINE_AA)
    return picture
