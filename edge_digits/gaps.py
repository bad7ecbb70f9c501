"""A stroke in a gap of a number that the locate stage left out: a thin '1', found again.

    >>> found = gap_strokes(gray, [digit.box for digit in number], height, 0.7, paper)
    >>> for at, (ink, box) in found.items():   # the stroke before number[at]
    ...     ...                                  # ink: white on black, for the classifier

The locate stage finds ink at a work resolution of about a quarter of a large frame. A
thin stroke written between two digits fades there under its threshold, and the number is
read without it: '591010' as '59010', '416' as '46', a wrong answer. In the frame itself
the stroke is as dark as the digits beside it. Between two digits of a number, a stroke
at least ``tall`` of the number's height, within the digits' band (a box's wall or a rule
runs out of it), as dark as half their ink and as wide as half their pen's (a hatch line
is thinner), is a mark of the number: the reader classifies it and puts it in, as a '?'
when the model calls it no digit (measurements: docs/tuning.md, "A stroke in a number's
gap").
"""
from __future__ import annotations

import cv2
import numpy as np

from .locate.ink import share_level
from .results import Box

#: gaps at least this wide (of the number's height) are searched
MIN_GAP = 0.3
#: the band searched reaches this far above and below the two digits (of the height): a
#: stroke that runs out of it (a comb's wall, a margin's rule) is no digit
MARGIN = 0.3
#: a stroke's pixels are at least this dark (of the digits' ink, as relative darkness)
INK = 0.5
#: the digits' ink: the darkest this share of the pixels of the number's band
DIGIT_INK = 0.03
#: a stroke at least this wide (of the thinner digit's strokes) is the same pen's: a thin
#: line between two bold digits is a tick or a hatch, not a digit of theirs
PEN = 0.5


def stroke_width(mask: np.ndarray) -> float:
    """The mean width of the strokes of a binary mask: twice its area over its outline
    (a stroke of width w and length L has area wL and an outline about 2L long)."""
    contours, _ = cv2.findContours(mask.view(np.uint8), cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    outline = sum(cv2.arcLength(contour, True) for contour in contours)
    return 2.0 * float(cv2.countNonZero(mask.view(np.uint8))) / outline if outline else 0.0


def gap_strokes(gray: np.ndarray, boxes: list[Box], height: float, tall: float,
                paper: float) -> dict[int, tuple[np.ndarray, Box]]:
    """The strokes in the gaps of a number whose digits are at ``boxes`` (of ``gray``, left
    to right), ``{i: (ink, box)}`` for the gap before ``boxes[i]``: in each gap at least
    ``MIN_GAP`` times ``height`` (the number's median digit height) wide, the tallest
    stroke that touches neither digit nor the band's top or bottom, at least ``tall``
    times ``height`` tall and as wide as ``PEN`` of the digits' strokes; its ink is uint8,
    white on black, saturated where it is as dark as the digits. Nothing is computed for a
    number without such a gap.

    Parameters
    ----------
    gray : (H, W) uint8 ndarray
        The frame the boxes are in, dark ink on lighter paper.
    paper : float
        The paper's brightness around the number (the locate stage's estimate).
    """
    # (and 4 px at least: a stroke in a gap has a column of paper on each side)
    gaps = [i for i in range(1, len(boxes))
            if boxes[i].x - boxes[i - 1].right >= max(MIN_GAP * height, 4)]
    if not gaps:
        return {}
    rows = gray.shape[0]
    reach = int(MARGIN * height)
    y0 = max(0, min(box.y for box in boxes) - reach)
    y1 = min(rows, max(box.bottom for box in boxes) + reach)
    digits = [gray[y0:y1, box.x:box.right] for box in boxes]
    band = gray[y0:y1, max(0, boxes[0].x):boxes[-1].right]
    ink = (paper - share_level(band, DIGIT_INK)) / paper if paper and band.size else 0.0
    if ink <= 0.05:
        return {}  # no ink to compare with
    level = paper * (1.0 - INK * ink)  # a pixel this dark or darker is ink
    found = {}
    for i in gaps:
        x0, x1 = boxes[i - 1].right + 1, boxes[i].x - 1
        stroke = _stroke(gray[y0:y1, x0:x1], level, height * tall,
                         (digits[i - 1], digits[i]))
        if stroke is not None:
            x, y, mask = stroke
            h, w = mask.shape
            dark = (paper - gray[y0 + y:y0 + y + h, x0 + x:x0 + x + w].astype(np.float32))
            ink_image = np.where(mask, np.clip(dark / (paper * ink) * 255, 0, 255), 0)
            found[i] = ink_image.astype(np.uint8), Box(x0 + x, y0 + y, w, h)
    return found


def _stroke(gap: np.ndarray, level: float, least: float, beside: tuple):
    """``(x, y, mask)`` of the tallest component of ``gap``'s pixels at ``level`` or darker
    that touches none of its sides, at least ``least`` pixels tall and, by
    :func:`stroke_width`, ``PEN`` as wide as the thinner of the digits' strokes
    (``beside``: their pixels in the band), or None."""
    if not gap.size or cv2.minMaxLoc(gap)[0] > level:
        return None  # no pixel as dark as ink
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        (gap <= level).view(np.uint8), connectivity=8)
    best = None
    for label in range(1, count):
        x, y, w, h, area = stats[label]
        inside = x > 0 and x + w < gap.shape[1] and y > 0 and y + h < gap.shape[0]
        if inside and h >= least and area >= 0.5 * h and (best is None or h > best[3]):
            best = (int(x), int(y), int(w), int(h), label)
    if best is None:
        return None
    x, y, w, h, label = best
    own = labels[y:y + h, x:x + w] == label
    if stroke_width(own) < PEN * min(stroke_width(part <= level) for part in beside):
        return None  # thinner than the digits' pen: a tick or a hatch line
    return x, y, own
