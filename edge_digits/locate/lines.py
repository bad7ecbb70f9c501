"""Ruled lines, underlines and pre-printed boxes: found and removed from the ink mask.

    >>> count, labels, stats, _ = connected(mask)
    >>> if may_hold_lines(stats, mask.shape):
    ...     mask, rules = remove_lines(mask, writing_height(stats, min_height, height))

Lines are found by morphological opening with long horizontal and vertical lines and
removed; strokes that crossed a line are re-joined by a short closing across it. The sides
of pre-printed boxes, too short for the long kernel, are vertical strokes taller than the
writing that run from one removed horizontal line to another: removed too, so a digit
touching one is freed.
"""
from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from .ink import share_level
from .params import LineParams


def connected(mask: np.ndarray):
    """8-connected components with stats (BBDT: about twice as fast here as the default).

    Parameters
    ----------
    mask : (M, N) uint8 ndarray, 0 or nonzero

    Returns
    -------
    ``cv2.connectedComponentsWithStats``' (count, labels (M, N) int32, stats, centroids);
    the background's centroid (row 0) is computed from the others' (to rounding)

    When the ink lies in a small part of the mask (a clean page: 3-37% of it), only that
    part is labelled: OpenCV's stats cost a dependency chain per background pixel (~70 of
    a ~100 us labelling of a 256x192 mask). BBDT numbers components in the raster order
    of 2x2 blocks, so the part starts on an even row, pairing rows as the whole mask does;
    its first column is free (two pixels of one block are 8-connected, so a block column
    never holds the first pixels of two components).
    """
    x0, y, w, h = cv2.boundingRect(mask)
    height, width = mask.shape
    y0 = y - y % 2
    x1, y1 = x0 + w, y + h
    if w == 0 or x0 == 0 or y0 == 0 or x1 >= width or y1 >= height or \
            (x1 - x0) * (y1 - y0) > _PART * width * height:
        # blank, ink at the border (the background's box is then not the whole mask), or
        # ink all over
        return cv2.connectedComponentsWithStatsWithAlgorithm(mask, 8, cv2.CV_32S, cv2.CCL_BBDT)
    count, part, stats, centroids = cv2.connectedComponentsWithStatsWithAlgorithm(
        mask[y0:y1, x0:x1], 8, cv2.CV_32S, cv2.CCL_BBDT)
    labels = np.zeros(mask.shape, np.int32)
    labels[y0:y1, x0:x1] = part
    stats[1:, cv2.CC_STAT_LEFT] += x0
    stats[1:, cv2.CC_STAT_TOP] += y0
    ink = stats[1:, cv2.CC_STAT_AREA]
    background = width * height - int(ink.sum())
    stats[0] = (0, 0, width, height, background)
    centroids[1:] += (x0, y0)
    # the background's centroid: the mask's minus the ink's, weighted by area
    centroids[0] = ((width - 1) / 2 * width * height - ink @ centroids[1:, 0],
                    (height - 1) / 2 * width * height - ink @ centroids[1:, 1])
    centroids[0] /= max(background, 1)
    return count, labels, stats, centroids


#: label only the part of a mask that holds ink when it is at most this share of the mask
_PART = 0.5


def writing_height(stats: np.ndarray, min_height: float, max_height: float,
                   params: LineParams = LineParams()) -> float:
    """A rough height of the writing: the median height of digit-shaped components no
    taller than ``max_height`` (work pixels: a digit may fill most of a small frame; one
    at half the frame's height was not counted and had its strokes removed as lines).

    Parameters
    ----------
    stats : (K, 5) int32 ndarray
        Component stats of :func:`connected` (row 0: the background).
    """
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    shaped = heights[(heights >= min_height) & (widths < params.shaped_aspect * heights)
                     & (heights <= max_height)]
    return float(np.median(shaped)) if shaped.size else 0.0


def may_hold_lines(stats: np.ndarray, shape: tuple[int, int],
                   params: LineParams = LineParams()) -> bool:
    """True when a component (of :func:`connected`'s ``stats``) is long enough to be or
    hold a line of a mask of ``shape`` (a line with a digit joined to it is not as flat as
    a line alone)."""
    height, width = shape
    if len(stats) < 2:
        return False
    widths, heights = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    return bool(
        ((widths >= max(params.min_length, width // params.horizontal_fraction))
         & (widths >= params.line_aspect * heights)).any()
        or ((heights >= max(params.min_length, height // params.vertical_fraction))
            & (heights >= params.upright_aspect * widths)).any()
        or (widths >= width // params.wide_fraction).any()
        or (heights >= height // params.tall_fraction).any())


def remove_lines(mask: np.ndarray, text_height: float = 0.0,
                 params: LineParams = LineParams()) -> tuple[np.ndarray, np.ndarray | None]:
    """Remove long horizontal and vertical lines from a binary mask; re-join crossings.

    A line is longer than any stroke of a digit: at least a tenth of the frame (a quarter
    for vertical lines) and twice the height of the writing.

    Parameters
    ----------
    mask : (M, N) uint8 ndarray, 0 or 255
    text_height : float
        The writing's height (work pixels), 0 if unknown (box sides are then kept).

    Returns
    -------
    the cleaned (M, N) uint8 mask, and the removed horizontal lines ((M, N) uint8) or None
    if there were none (to find box sides by them)
    """
    height, width = mask.shape
    h_len = int(max(params.min_length, width // params.horizontal_fraction,
                    params.text_lengths * text_height))
    v_len = int(max(params.min_length, height // params.vertical_fraction,
                    params.text_lengths * text_height))
    # Thickening across the line first keeps a slightly rotated thin line (a few degrees)
    # in one piece under the long opening kernel.
    thick_h = cv2.dilate(mask, np.ones((params.thicken, 1), np.uint8))
    thick_v = cv2.dilate(mask, np.ones((1, params.thicken), np.uint8))
    horizontal = cv2.morphologyEx(thick_h, cv2.MORPH_OPEN,
                                  cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1)))
    vertical = cv2.morphologyEx(thick_v, cv2.MORPH_OPEN,
                                cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len)))
    horizontal = cv2.bitwise_and(horizontal, mask)
    vertical = cv2.bitwise_and(vertical, mask)
    if text_height > 0 and horizontal.any():
        vertical = cv2.bitwise_or(vertical, box_sides(thick_v, mask, horizontal, text_height, params))
    lines = cv2.bitwise_or(horizontal, vertical)
    if not lines.any():
        return mask, None
    cleaned = cv2.bitwise_and(mask, cv2.bitwise_not(lines))
    # A stroke that crossed a line is cut in two: close across the line's thickness, but
    # only inside the removed band, so the line itself does not come back.
    rejoin_h = cv2.morphologyEx(cleaned, cv2.MORPH_CLOSE, np.ones((params.rejoin, 1), np.uint8))
    rejoin_v = cv2.morphologyEx(cleaned, cv2.MORPH_CLOSE, np.ones((1, params.rejoin), np.uint8))
    rejoined = cv2.bitwise_or(rejoin_h, rejoin_v)
    restored = cv2.bitwise_and(rejoined, lines)
    return cv2.bitwise_or(cleaned, restored), (horizontal if horizontal.any() else None)


def box_sides(thick_v: np.ndarray, mask: np.ndarray, horizontal: np.ndarray,
              text_height: float, params: LineParams = LineParams()) -> np.ndarray:
    """Vertical strokes taller than the writing that run from one horizontal line to
    another: the sides of pre-printed boxes (too short for the long vertical kernel). A
    digit touching a box side would otherwise be one component with it.

    Parameters
    ----------
    thick_v, mask, horizontal : (M, N) uint8 ndarray, 0 or 255
        The mask widened by a pixel each side, the mask, the removed horizontal lines.

    Returns
    -------
    (M, N) uint8 ndarray, 255 on box sides
    """
    length = int(max(params.min_box_side, params.box_side * text_height))
    upright = cv2.morphologyEx(thick_v, cv2.MORPH_OPEN,
                               cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    upright = cv2.bitwise_and(upright, mask)
    sides = np.zeros_like(mask)
    if not upright.any():
        return sides
    count, labels, stats, _ = connected(upright)
    for label, (x, y, w, h, _) in enumerate(stats.tolist()[1:], start=1):
        if w <= max(params.min_side_width, params.side_width * h) and \
                between_rules(horizontal, x, y, w, h, params.rule_reach):
            box = slice(y, y + h), slice(x, x + w)  # a label's pixels lie in its box
            sides[box][labels[box] == label] = 255
    return sides


def between_rules(rules: np.ndarray, x: int, y: int, w: int, h: int, reach: int) -> bool:
    """True when removed horizontal lines (``rules``: (M, N) uint8) touch both the top and
    the bottom of a box (within ``reach`` pixels)."""
    x0, x1 = max(0, x - reach), x + w + reach
    top = rules[max(0, y - reach):y + reach, x0:x1]
    bottom = rules[max(0, y + h - reach):y + h + reach, x0:x1]
    return bool(top.any() and bottom.any())


def above_rules(dark: np.ndarray, rules: np.ndarray | None, weak: int, strong: int,
                params: LineParams = LineParams()) -> int:
    """The weak threshold raised above the printed lines the writing is much darker than.

    Squared or ruled paper's lines, fainter than the writing but above the paper's noise,
    join the writing in the weak threshold's mask wherever they are too broken for
    :func:`remove_lines` (noise, a pale print): a number's digits come out with pieces of
    the grid attached, read as no digit. When the removed horizontal lines (``rules``) are
    ``rule_pixels`` times the mask's width or more, and ``rule_share`` of their pixels'
    darkness plus ``rule_margin`` is below ``rule_writing`` of the median darkness of the
    pixels at ``strong`` or above (the writing), that level is the weak threshold
    (twenty-fourth session: strangers' frames 583 / 518 / 59 -> 584 / 520 / 56 exact /
    rejected / wrong; generated grid scenes 75 -> 85% exact). Else ``weak``; 0
    ``rule_writing``: always ``weak``.

    Parameters
    ----------
    dark : (M, N) uint8 ndarray
        Relative darkness.
    rules : (M, N) uint8 ndarray or None
        The removed horizontal lines (:func:`ink_components`).
    weak, strong : int
        The thresholds the mask was taken at.
    """
    if rules is None or not params.rule_writing or \
            cv2.countNonZero(rules) < params.rule_pixels * dark.shape[1]:
        return weak
    level = share_level(dark, params.rule_share, rules) + params.rule_margin
    writing = share_level(dark, 0.5, low=strong)  # 0: nothing as dark as the strong threshold
    return level if weak < level < params.rule_writing * writing else weak


def ink_components(dark: np.ndarray, weak: int, min_height: float, text_height: float | None,
                   options, whole: bool = False):
    """The components of the ink above ``weak``, ruled lines removed if there may be any.

    Parameters
    ----------
    dark : (M, N) uint8 ndarray
        Relative darkness.
    min_height : float
        The smallest digit height (work pixels), to measure the writing's height by.
    text_height : float or None
        The writing's height (work pixels) if known.
    options : LocateOptions
    whole : bool
        The work image is the frame at its own resolution or finer (a small frame: a cell
        cut from a grid, a crop), whose long lines are a grid's or a box's.

    Returns
    -------
    count, labels ((M, N) int32), stats ((count, 5) int32) of :func:`connected`, and the
    removed horizontal lines ((M, N) uint8) or None
    """
    _, mask = cv2.threshold(dark, weak, 255, cv2.THRESH_BINARY)
    count, labels, stats, _ = connected(mask)
    if not (options.remove_lines and may_hold_lines(stats, mask.shape, options.lines)):
        return count, labels, stats, None
    # something long enough to be a line: remove lines, then take components again
    height = mask.shape[0]
    tallest = options.max_digit_height * height
    text_height = text_height or writing_height(stats, min_height, tallest, options.lines)
    if not text_height and whole:
        # no component is shaped like writing: in a small frame, all of it is joined to
        # its grid's or box's lines (a digit touching them). Measured once the lines
        # across half the frame are removed: else any stroke longer than the shortest line
        # (a '7''s bar) would go. (In a photo such a frame is more often a sheet on a
        # table, all edges, whose corner would then be read as a '7'.)
        spanning = replace(options.lines, horizontal_fraction=2, vertical_fraction=2)
        _, _, freed, _ = connected(remove_lines(mask, 0.0, spanning)[0])
        text_height = writing_height(freed, min_height, tallest, options.lines)
    mask, rules = remove_lines(mask, text_height, options.lines)
    count, labels, stats, _ = connected(mask)
    return count, labels, stats, rules
