"""Draw a postcode result onto a copy of the frame (``edge-digits postcode --annotate``).

    >>> picture = draw_postcode(frame, result)     # BGR copy; the frame is not changed

A read code is boxed in green with its text and confidence; a rejection draws the best
candidate (if any) in red with the reason, so that the person it goes to sees why; the
text is broken into lines that fit the picture's width.
Kept apart from the pipeline: reading never draws.
"""
from __future__ import annotations

import cv2
import numpy as np

from ..annotate import bgr_copy, fit_lines, text_rect
from .decide import PostcodeResult

READ = (40, 170, 40)  #: BGR of a read code
REJECTED = (30, 30, 220)  #: BGR of a rejected candidate and the reason


def draw_postcode(frame: np.ndarray, result: PostcodeResult) -> np.ndarray:
    """A BGR copy of ``frame`` with ``result`` drawn on it."""
    picture = bgr_copy(frame)
    thickness = max(1, int(round(picture.shape[1] / 400)))
    font = max(0.4, picture.shape[1] / 1400)
    colour = READ if result.accepted else REJECTED
    for digit in result.digits:
        box = digit.box
        cv2.rectangle(picture, (box.x, box.y), (box.right, box.bottom), colour, 1)
    if result.accepted:
        label = f"{result.profile}: {result.text}  {result.confidence:.2f}"
    else:
        label = f"{result.profile}: rejected ({result.reason}) {result.detail}"
    height, width = picture.shape[:2]
    # The label is broken into lines that fit the picture's width (a long rejection reason
    # would run off the right edge), placed above the field, else below it.
    lines = fit_lines(label, width - 20, font, thickness)
    rects = [text_rect(line, (0, 0), font, thickness) for line in lines]
    step = max(r[3] - r[1] for r in rects) + thickness
    block_width = max(r[2] - r[0] for r in rects)
    block_height = step * len(lines)
    if result.box is not None:
        box = result.box
        cv2.rectangle(picture, (box.x - 3, box.y - 3), (box.right + 3, box.bottom + 3), colour,
                      thickness)
        x = min(max(0, box.x), max(0, width - block_width - 10))
        top = box.y - 3 - thickness - int(6 * font) - block_height
        if top < 0:
            top = min(box.bottom + 3 + thickness + int(6 * font), max(0, height - block_height))
    else:
        x, top = 10, 10
    for line, rect in zip(lines, rects):
        top += step
        cv2.putText(picture, line, (x, top - rect[3]), cv2.FONT_HERSHEY_SIMPLEX, font, colour,
                    thickness, cv2.LINE_AA)
    return picture
