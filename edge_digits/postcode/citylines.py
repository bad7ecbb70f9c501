"""Free-form postal codes: runs of digit-sized marks on a written line (a city line).

    >>> fields = line_fields(work, ink, options, short_side, exclude, lengths)

A run of digit-sized marks on one written line separated from the rest of the line by word
gaps (the code at the start or end of a city line) is a token. Marks that are flat and
short between two digits are taken for a hyphen and recorded as a separator; glyphs of
touching digits are split as the code's length needs (:mod:`edge_digits.touching`).
"""
from __future__ import annotations

import cv2
import numpy as np

from ..results import Box
from ..touching import division_cuts, glyph_counts
from .params import TokenParams
from .work import Field, FieldOptions, Work, components, crop_ink

def line_fields(work: Work, ink: np.ndarray, options: FieldOptions, short_side: int,
                exclude: list[tuple], lengths) -> list[Field]:
    """Free-form tokens of digit-sized marks, separated from other ink by word gaps.

    Parameters
    ----------
    work : Work
        The frame at the work resolutions (:func:`~.work.work_images`).
    ink : (M, N) uint8 ndarray
        The ink mask at ``work.ink_scale`` (:func:`~.work.ink_mask`).
    short_side : int
        The frame's shorter side (frame pixels): digit sizes are fractions of it.
    exclude : list of (x0, y0, x1, y1)
        Frame areas not searched (box rows).
    lengths : set of int or None
        Digit counts a code may have (tokens of other lengths are dropped).
    """
    params = options.tokens
    scale = work.ink_scale
    mask = _without(ink, exclude, scale)
    # the bounding box of every component, also those inside another's hole (the paper's
    # edge on a dark table encloses the whole envelope); labelling gives them all at once
    _, _, stats = components(mask)
    min_h = max(params.min_height, options.min_digit * short_side * scale)
    max_h = options.max_digit * short_side * scale
    glyphs, flats, everything = marks_of(stats, min_h, max_h, params)
    back = 1.0 / scale
    fields = []
    for token, separators in chain(glyphs, flats, options.word_gap, params):
        parts = glyph_counts(token, lengths, options.touching)
        if parts is None:
            continue
        x0, y0 = min(g[0] for g in token), min(g[1] for g in token)
        x1, y1 = max(g[2] for g in token), max(g[3] for g in token)
        if not _isolated(everything, x0, y0, x1, y1, options.word_gap * params.isolation,
                         params):
            continue  # ink close by on the same line: part of a word, a barcode, a drawing
        inks, boxes = token_inks(work.channel, token, parts, back, options)
        # a hyphen before glyph i stands before digit i plus the extra digits of the
        # touching glyphs split before it
        shifted = tuple(i + sum(parts[:i]) - i for i in separators)
        whole = Box(int(x0 * back), int(y0 * back), int((x1 - x0) * back), int((y1 - y0) * back))
        fields.append(Field("line", tuple(inks), tuple(boxes), shifted, whole))
    return fields


def _without(ink: np.ndarray, exclude: list[tuple], scale: float) -> np.ndarray:
    """``ink`` with the frame areas ``exclude`` cleared (a copy if any)."""
    if not exclude:
        return ink
    mask = ink.copy()
    for x0, y0, x1, y1 in exclude:
        mask[max(0, int(y0 * scale)):max(0, int(y1 * scale) + 1),
             max(0, int(x0 * scale)):max(0, int(x1 * scale) + 1)] = 0
    return mask


def marks_of(stats: np.ndarray, min_h: float, max_h: float,
             params: TokenParams = TokenParams()):
    """The glyphs (digit-sized marks, pieces of one digit joined), the flat marks that may
    be hyphens (both lists of [x0, y0, x1, y1]) and every mark not a speck ((K, 4) ndarray)
    of a mask's component ``stats`` ((K, 5), row 0 the background)."""
    rects = stats[1:, :4].astype(np.int32)
    x, y, w, h = rects[:, 0], rects[:, 1], rects[:, 2], rects[:, 3]
    box_of = np.stack([x, y, x + w, y + h], axis=1)
    digit_like = (h >= min_h) & (h <= max_h) & (w <= params.glyph_aspect * h)
    # pieces too small to be a digit: a broken-off stroke of one (joined below) or a dot
    small = (h < min_h) & (h >= params.small_mark * min_h) & (w < 2 * h)
    # flat and short: perhaps a hyphen
    flat = (h < min_h) & (w >= params.flat_aspect * h) & (w >= params.flat_width * min_h) & \
        (w <= max_h)
    flats = box_of[flat].tolist()
    merged = _join_pieces(sorted(box_of[digit_like | small].tolist()), params.join_gap * min_h,
                          params)
    # (up to 2.8 heights wide: two or three digits that touch are one mark; see glyph_counts)
    glyphs = [m for m in merged if min_h <= m[3] - m[1] <= max_h and
              m[2] - m[0] <= params.glyph_aspect * (m[3] - m[1])]
    everything = box_of[(h >= params.small_mark * min_h) | (w >= params.small_mark * min_h)]
    return glyphs, flats, everything


def _join_pieces(marks: list[list], limit: float,
                 params: TokenParams = TokenParams()) -> list[list]:
    """Marks ([x0, y0, x1, y1], by left edge) with the pieces of one broken digit (a 5's
    flag, a 4's open top) joined: strong x-overlap, less than ``limit`` apart vertically."""
    merged: list[list] = []
    for mark in marks:
        x0, y0, x1, y1 = mark
        for other in merged[-params.recent:]:
            ox0, oy0, ox1, oy1 = other
            # marks come by their left edges: other's left edge is not right of mark's, so
            # the overlap is min(x1, ox1) - x0; none at all is the usual case
            if ox1 <= x0:
                continue
            if min(x1, ox1) - x0 >= params.join_overlap * min(x1 - x0, ox1 - ox0) and \
                    max(y0, oy0) - min(y1, oy1) < limit:
                other[0], other[1] = min(ox0, x0), min(oy0, y0)
                other[2], other[3] = max(ox1, x1), max(oy1, y1)
                break
        else:
            merged.append(mark)
    return merged


def token_inks(channel: np.ndarray, token: list, parts: list[int], back: float,
               options: FieldOptions = FieldOptions()):
    """The ink crops (None where blank) and boxes (frame pixels) of a token's digits:
    glyph ``i`` of ``token`` (work pixels, ``back`` frame pixels each) holds ``parts[i]``
    digits, cut apart by :func:`~edge_digits.touching.division_cuts`.

    Parameters
    ----------
    channel : (H, W) uint8 ndarray
        The full-resolution ink channel.
    """
    inks, boxes = [], []
    for (gx0, gy0, gx1, gy1), count in zip(token, parts):
        fx0, fy0 = max(int((gx0 - 1) * back), 0), max(int((gy0 - 1) * back), 0)
        fx1, fy1 = int((gx1 + 1) * back), int((gy1 + 1) * back)
        crop = crop_ink(channel, fx0, fy0, fx1, fy1, options.work)
        if count == 1 or crop is None:
            inks.append(None if crop is None else digit_parts(crop, options.tokens))
            boxes.append(Box(fx0, fy0, fx1 - fx0, fy1 - fy0))
            continue
        for left, right in division_cuts(crop, count, options.touching):
            piece = crop[:, left:right]
            inks.append(digit_parts(piece, options.tokens) if piece.any() else None)
            boxes.append(Box(fx0 + left, fy0, right - left, fy1 - fy0))
    return inks, boxes


def chain(glyphs, flats, word_gap: float,
          params: TokenParams = TokenParams()) -> list[tuple[list, list]]:
    """Chain glyphs into tokens: same line, about the same height, small gaps. A hyphen
    between two glyphs bridges a wider gap and is recorded as a separator."""
    tokens: list[tuple[list, list]] = []
    # a token whose last glyph ends further left than the widest gap the tallest glyph
    # allows cannot take this glyph nor any later one (they come by their left edges):
    # only the tokens still in reach are tried (a frame has a hundred glyphs)
    tallest = max((g[3] - g[1] for g in glyphs), default=0)
    reach = max(word_gap, params.hyphen_gap) * tallest
    live: list[tuple[list, list]] = []
    for glyph in sorted(glyphs):
        height = glyph[3] - glyph[1]
        cy = (glyph[1] + glyph[3]) / 2
        live = [t for t in live if glyph[0] - t[0][-1][2] <= reach]
        for token, separators in live:
            last = token[-1]
            last_h = last[3] - last[1]
            size = max(height, last_h)
            if abs(cy - (last[1] + last[3]) / 2) > params.rise * size or \
                    not params.min_height_ratio <= height / last_h <= params.max_height_ratio:
                continue
            gap = glyph[0] - last[2]
            if params.min_gap * last_h <= gap <= word_gap * size:
                token.append(glyph)
                break
            if gap <= params.hyphen_gap * size and hyphen_between(flats, last, glyph, params):
                separators.append(len(token))
                token.append(glyph)
                break
        else:
            tokens.append(([glyph], []))
            live.append(tokens[-1])
    return tokens


def _isolated(boxes: np.ndarray, x0, y0, x1, y1, gap: float,
              params: TokenParams = TokenParams()) -> bool:
    """True if no mark outside the token lies within ``gap`` token heights left or right of
    it on its line (a code is a word of its own)."""
    height = y1 - y0
    reach = gap * height
    band_top, band_bottom = y0 + params.line_band * height, y1 - params.line_band * height
    on_line = (boxes[:, 1] < band_bottom) & (boxes[:, 3] > band_top)
    left = (boxes[:, 2] > x0 - reach) & (boxes[:, 2] <= x0)
    right = (boxes[:, 0] < x1 + reach) & (boxes[:, 0] >= x1)
    return not bool(np.any(on_line & (left | right)))


def hyphen_between(flats, left, right, params: TokenParams = TokenParams()) -> bool:
    """True if a flat mark lies in the gap between two glyphs, at about mid-height."""
    top, bottom = min(left[1], right[1]), max(left[3], right[3])
    for fx0, fy0, fx1, fy1 in flats:
        slack, middle = params.hyphen_slack, params.hyphen_middle
        if left[2] - slack <= fx0 and fx1 <= right[0] + slack and \
                top + middle * (bottom - top) <= (fy0 + fy1) / 2 <= bottom - middle * (bottom - top):
            return True
    return False


def digit_parts(ink: np.ndarray, params: TokenParams = TokenParams()) -> np.ndarray:
    """A free-form digit's crop without what fell into it beside the digit: specks and
    neighbours' edges (parts under 15% of the largest), and a hyphen (``100-0001``
    written close: the hyphen falls into the next digit's crop, or joins it at the search
    resolution).

    A hyphen is a part of its own, flat, thin, about the middle of the crop's height and
    wholly left or right of the digit's largest part; a digit's own bars (a 7's, a 4's)
    are joined to the digit.
    """
    count, labels, stats = components((ink > 0).view(np.uint8))
    if count <= 2:
        return ink
    height = ink.shape[0]
    areas = stats[:, cv2.CC_STAT_AREA]
    main = 1 + int(np.argmax(areas[1:]))
    mx0 = stats[main, cv2.CC_STAT_LEFT]
    mx1 = mx0 + stats[main, cv2.CC_STAT_WIDTH]
    keep = areas >= params.part_share * areas[main]
    keep[0] = False
    for label in keep.nonzero()[0].tolist():
        x, y, w, h = stats[label, :4].tolist()
        middle = y + h / 2
        if label != main and w >= params.dash_aspect * h and h <= params.dash_height * height and \
                params.dash_top * height <= middle <= params.dash_bottom * height and \
                (x + w <= mx0 + 1 or x >= mx1 - 1):
            keep[label] = False
    return np.where(keep[labels], ink, 0).astype(np.uint8)
