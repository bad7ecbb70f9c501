"""Find where a postal code may be written on an envelope photo: box rows and free-form tokens.

    >>> fields = find_fields(frame)          # BGR, BGRA or grayscale uint8, any size
    >>> [(f.kind, len(f.inks), f.box) for f in fields]

Two kinds of :class:`Field`, each a left-to-right list of ink crops (one per digit, white on
black, ready for :func:`~edge_digits.normalize.normalize_digit`):

- ``"boxes"``: a row of three or more pre-printed boxes of about the same size (red, orange,
  any colour, grey or black), found from two straight horizontal lines a box height apart
  and box sides at regular steps between them (see :func:`_band_cells`). Each box gives one
  crop cut from the full-resolution frame, with the box lines dropped: red and orange lines
  vanish in the red channel ("drop-out colour", as form readers do); dark lines are masked
  out and the strokes that crossed them re-joined, so that digits that touch or cross a
  line survive and the lines are not read as 1s. An empty box gives an empty crop (None).
- ``"line"``: a run of digit-sized marks on one written line separated from the rest of the
  line by word gaps (the code at the start or end of a city line). Marks that are flat and
  short between two digits are taken for a hyphen and recorded as a separator.

Box lines are sought at half resolution (1280x720 -> 640x360), free-form marks at quarter
resolution (320x180); crops are cut at full resolution. Pure functions; no classifier here (see :mod:`edge_digits.postcode.decide`).
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..frame import check_frame
from ..results import Box

#: colour is examined at half resolution, ink at quarter resolution (of a 1280x720 frame);
#: larger frames are scaled to these widths, smaller ones less
COLOUR_WIDTH = 640
INK_WIDTH = 320


@dataclass(frozen=True, slots=True)
class FieldOptions:
    """Options of field finding. Sizes are relative, so they hold at any resolution."""

    #: smallest box side, as a fraction of the frame's shorter side (720p: 25 px)
    min_box: float = 0.035
    #: largest box side, as a fraction of the frame's shorter side (720p: 115 px)
    max_box: float = 0.16
    #: fewest boxes of about the same size in a row that make a box field
    min_boxes: int = 3
    #: smallest free-form digit height, fraction of the shorter side (720p: 14 px)
    min_digit: float = 0.02
    #: largest free-form digit height, fraction of the shorter side (720p: 115 px)
    max_digit: float = 0.16
    #: a gap wider than this times the line's digit height ends a token (a word gap)
    word_gap: float = 0.6
    #: also seek box lines in gray (thin red or orange lines lose their colour to the
    #: downscale and to JPEG): +2 points of box rows found on the generated set, ~1.5 ms
    gray_lines: bool = True


@dataclass(frozen=True, slots=True)
class Field:
    """A place that may hold a postal code."""

    kind: str  #: "boxes" or "line"
    inks: tuple  #: per digit place: (h, w) uint8 ink crop (white on black), or None if empty
    boxes: tuple[Box, ...]  #: per digit place, in frame pixels
    separators: tuple[int, ...]  #: indices i where a hyphen stands before digit i
    box: Box  #: the whole field in frame pixels


@dataclass(frozen=True, slots=True)
class _Work:
    """The frame at the two work resolutions (scales are work pixels per frame pixel)."""

    channel: np.ndarray  #: (H, W) full-resolution ink channel (red, or gray), a view
    ink_image: np.ndarray  #: ink channel at ``ink_scale``
    ink_scale: float
    line_image: np.ndarray  #: ink channel at ``colour_scale``, where dark box lines are sought
    reddish: np.ndarray | None  #: 255 where the frame is reddish, at ``colour_scale``
    colour_scale: float
    gray: np.ndarray | None = None  #: gray at ``colour_scale`` (thin coloured lines)


def _work(frame: np.ndarray, gray_lines: bool = True) -> _Work:
    """Scale the frame down for finding; keep the full-resolution ink channel for crops.

    The ink channel is the red channel of a colour frame: blue and black pens stay dark
    while red and orange pre-printed boxes and red postmarks fade into the paper (the
    "drop-out colour" of form readers).
    """
    height, width = frame.shape[:2]
    colour_scale = min(1.0, COLOUR_WIDTH / width)
    ink_scale = min(1.0, INK_WIDTH / width)
    def size(scale):
        return (max(1, int(round(width * scale))), max(1, int(round(height * scale))))
    if frame.ndim == 2:
        half = frame if colour_scale == 1.0 else cv2.resize(frame, size(colour_scale),
                                                            interpolation=cv2.INTER_AREA)
        small = half if ink_scale == colour_scale else cv2.resize(
            half, size(ink_scale), interpolation=cv2.INTER_AREA)
        return _Work(frame, small, ink_scale, half, None, colour_scale)
    # INTER_AREA by two is fast (a SIMD path); from there to the ink width is cheap
    half = frame if colour_scale == 1.0 else cv2.resize(frame, size(colour_scale),
                                                        interpolation=cv2.INTER_AREA)
    blue, green, red = cv2.split(half)
    # reddish: red at least ~18% above both green and blue (red, vermilion, orange,
    # magenta), relative so that it holds in shadow and for one-pixel lines that the
    # downscale mixed with paper; cream and kraft paper stay below
    reddish = cv2.subtract(cv2.convertScaleAbs(red, alpha=0.85), cv2.max(green, blue))
    _, reddish = cv2.threshold(reddish, 3, 255, cv2.THRESH_BINARY)
    ink_image = red if ink_scale == colour_scale else cv2.resize(
        red, size(ink_scale), interpolation=cv2.INTER_AREA)
    gray = cv2.cvtColor(half, cv2.COLOR_BGR2GRAY) if gray_lines else None
    return _Work(frame[:, :, 2], ink_image, ink_scale, red, reddish, colour_scale, gray)


def _ink_mask(ink_image: np.ndarray) -> np.ndarray:
    """Pixels clearly darker than their neighbourhood (255), robust to uneven light."""
    return cv2.adaptiveThreshold(ink_image, 255, cv2.ADAPTIVE_THRESH_MEAN_C,
                                 cv2.THRESH_BINARY_INV, _block(ink_image), 14)


def _block(image: np.ndarray) -> int:
    """Neighbourhood of the adaptive threshold: larger than a digit's stroke and bowl."""
    return max(9, (min(image.shape) // 12) | 1)


def _band_cells(lines: np.ndarray, min_side: int, max_side: int, scale: float) -> list[tuple]:
    """Boxes in a mask of box-line pixels, as (x, y, w, h) interiors in frame pixels.

    A box row has a top and a bottom line: two straight horizontal runs, one above the
    other at a box's height, about as long as each other. Between them, the box sides are
    the columns that the mask covers over (nearly) the whole band height; a pen stroke that
    crosses a line adds ink but never removes a side, and an upright stroke (a 1) seldom
    spans the whole box. Boxes drawn apart give one band each; joined boxes share a band.
    """
    # three rows tall: a one-pixel line that is slightly rotated stays one horizontal run
    thick = cv2.dilate(lines, np.ones((3, 1), np.uint8))
    horizontal = cv2.morphologyEx(thick, cv2.MORPH_OPEN, cv2.getStructuringElement(
        cv2.MORPH_RECT, (min_side, 1)))
    # outer contours are ~3x cheaper than labelling here (OpenCV 5, one core)
    contours, hierarchy = cv2.findContours(horizontal, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is not None:  # outer boundaries only (see _line_fields)
        contours = [c for c, link in zip(contours, hierarchy[0]) if link[3] < 0]
    segments, segments_area = [], {}
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if w < min_side:
            continue
        # a line's thickness: its area over its length (less the two rows the dilation added)
        thickness = cv2.countNonZero(horizontal[y:y + h, x:x + w]) / w
        if thickness <= max(8, 0.7 * min_side):  # thin: a line, not a blot or a stamp
            segments.append((x, y, w, h))
            segments_area[(x, y, w, h)] = max(1.0, thickness - 2)
    segments.sort(key=lambda seg: seg[1])
    back = 1.0 / scale
    cells = []
    for index, top_line in enumerate(segments):
        tx, ty, tw, th = top_line
        # the lines below that could close a row with this one; a pen stroke inside the
        # boxes (a 7's bar) may match too, but seldom gives regular sides
        best, best_likeness = [], 0.0
        for bottom_line in segments[index + 1:]:
            bx, by, bw, bh = bottom_line
            distance = (by + bh / 2) - (ty + th / 2)
            if distance < min_side:
                continue
            if distance > max_side:
                break
            overlap = min(tx + tw, bx + bw) - max(tx, bx)
            # (a pen stroke crossing a line may have cut it short: compare with the shorter)
            if overlap < 0.7 * min(tw, bw) or overlap < 0.6 * distance:
                continue
            found = _row_between(lines, horizontal, top_line, bottom_line,
                                 segments_area[top_line], back)
            # the real bottom line is about as long as the top line; a run of bold pen
            # strokes across the boxes is shorter
            likeness = min(tw, bw) / max(tw, bw)
            if found and likeness > best_likeness:
                best, best_likeness = found, likeness
        cells.extend(best)
    return cells


def _row_between(lines, horizontal, top_line, bottom_line, thickness, back) -> list[tuple]:
    """The boxes between two horizontal lines, or [] if their sides are not regular."""
    tx, ty, tw, th = top_line
    bx, by, bw, bh = bottom_line
    width = lines.shape[1]
    # the row spans the longer of its two lines (the other may be cut short)
    x0, x1 = (tx, tx + tw) if tw >= bw else (bx, bx + bw)
    # the lines' bounding boxes include their slant: the band between them is safely
    # inside the boxes; the box height is the distance between the lines' centres
    y0, y1 = ty + th, by
    band_height = (by + bh / 2) - (ty + th / 2)
    left_edge = max(x0 - 3, 0)
    inner = lines[y0:y1, left_edge:min(x1 + 3, width)]
    if inner.shape[0] < 3:
        return []
    coverage = (cv2.dilate(inner, np.ones((1, 3), np.uint8)) > 0).mean(axis=0)
    # a side may stand a little off its regular place (thick sides, overhanging ends)
    reach = max(1, int(0.1 * band_height))
    coverage = cv2.dilate(coverage.astype(np.float32)[None, :],
                          np.ones((1, 2 * reach + 1), np.uint8))[0]
    span = x1 - x0
    first, last = x0 - left_edge, min(x1 - left_edge, coverage.size - 1)
    if coverage[first] < 0.85 or coverage[last] < 0.85:
        return []  # no side at an end: not a row of boxes (text, a stroke, a stamp)
    best, best_score = 0, 0.0
    for boxes in range(max(1, int(np.ceil(span / (1.6 * band_height)))),
                       int(span / (0.6 * band_height)) + 1):
        positions = np.minimum((first + np.arange(boxes + 1) * (span / boxes)).astype(int), last)
        found = coverage[positions]
        # every side there; more boxes win only if their sides are as solid (a pen
        # stroke in the middle of each box is not a side)
        if found.min() >= 0.85 and found.mean() >= 0.97 * best_score:
            best, best_score = boxes, max(best_score, float(found.mean()))
    if not best:
        return []
    step = span / best
    # interiors: between the lines' centres, less half a line on each side; the row may be
    # slanted (rotation, perspective): follow each line's slope
    thickness = min(thickness, 0.2 * band_height)
    top_left, top_slope = _line_course(horizontal, tx, ty, tw, th)
    bottom_left, bottom_slope = _line_course(horizontal, bx, by, bw, bh)
    cells = []
    for k in range(best):
        left = x0 + k * step + thickness / 2
        centre = left + (step - thickness) / 2
        top = top_left + top_slope * (centre - tx) + thickness / 2
        bottom = bottom_left + bottom_slope * (centre - bx) - thickness / 2
        if bottom - top < 0.5 * band_height:
            continue
        cells.append((int(round(left * back)), int(round(top * back)),
                      int(round((step - thickness) * back)), int(round((bottom - top) * back))))
    return cells


def _line_course(horizontal: np.ndarray, x: int, y: int, w: int, h: int) -> tuple[float, float]:
    """(centre row at column x, slope) of a nearly horizontal line in its bounding box."""
    def centre_row(column):
        rows = np.flatnonzero(horizontal[y:y + h, column])
        return y + float(rows.mean()) if rows.size else y + h / 2.0
    left, right = centre_row(x + 1), centre_row(x + w - 2)
    return left, (right - left) / max(1, w - 3)


def _rows(cells, min_boxes: int) -> list[list[tuple]]:
    """Group cells of about the same size into horizontal rows of ``min_boxes`` or more."""
    rows: list[list[tuple]] = []
    for cell in sorted(set(cells), key=lambda c: c[0]):
        x, y, w, h = cell
        for row in rows:
            rx, ry, rw, rh = row[-1]
            if abs(x - rx) < 0.5 * rw and abs(y - ry) < 0.5 * rh:
                break  # the same box found twice (from colour and from dark lines)
            same_size = 0.75 <= h / rh <= 1.33 and 0.6 <= w / rw <= 1.6
            aligned = abs((y + h / 2) - (ry + rh / 2)) < 0.35 * rh
            gap = x - (rx + rw)
            if same_size and aligned and -0.2 * rw <= gap <= 0.9 * rw:
                row.append(cell)
                break
        else:
            rows.append([cell])
    return [row for row in rows if len(row) >= min_boxes]


def _merge_rows(rows: list[list[tuple]], lengths) -> list[list[tuple]]:
    """One row per place: of rows that overlap, keep the one whose box count a code may
    have (``lengths``), else the one with more boxes."""
    def extent(row):
        return (row[0][0], min(c[1] for c in row), row[-1][0] + row[-1][2],
                max(c[1] + c[3] for c in row))

    def rank(row):
        return (lengths is not None and len(row) in lengths, len(row))
    kept: list[list[tuple]] = []
    for row in sorted(rows, key=rank, reverse=True):
        x0, y0, x1, y1 = extent(row)
        overlaps = False
        for other in kept:
            ox0, oy0, ox1, oy1 = extent(other)
            if min(x1, ox1) - max(x0, ox0) > 0.5 * min(x1 - x0, ox1 - ox0) and \
                    min(y1, oy1) - max(y0, oy0) > 0.5 * min(y1 - y0, oy1 - oy0):
                overlaps = True
                break
        if not overlaps:
            kept.append(row)
    return kept


def _crop_ink(channel: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> np.ndarray | None:
    """Ink of a full-resolution crop as white on black uint8 (Otsu), or None if blank.

    Ink keeps its grey edges (anti-aliasing), scaled by darkness, like MNIST's strokes.
    """
    crop = np.ascontiguousarray(channel[y0:y1, x0:x1])
    if crop.size < 4:
        return None
    level, binary = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    dark = cv2.mean(crop, binary)[0]
    paper = cv2.mean(crop, cv2.bitwise_not(binary))[0]
    if paper - dark < 40:  # no pen stroke: an empty box or plain paper
        return None
    soft = cv2.subtract(np.full_like(crop, int(min(255, paper))), crop)
    soft = cv2.convertScaleAbs(soft, alpha=255.0 / max(1.0, paper - dark))
    return cv2.bitwise_and(soft, binary)


def _cell_ink(channel, cell):
    """The digit written in one box (full resolution), box lines dropped; None if empty."""
    x, y, w, h = cell
    # the box plus a margin: digits often stick out of their box
    mx, my = int(0.3 * w), int(0.3 * h)
    fx0, fy0 = max(x - mx, 0), max(y - my, 0)
    fx1, fy1 = min(x + w + mx, channel.shape[1]), min(y + h + my, channel.shape[0])
    original = _crop_ink(channel, fx0, fy0, fx1, fy1)
    if original is None:
        return None, None
    # the box interior in crop coordinates
    ix0, iy0, ix1, iy1 = x - fx0, y - fy0, x + w - fx0, y + h - fy0
    # the box's lines: a band from just inside the interior to a few pixels outside it
    width = max(3, int(0.14 * w))
    band = np.zeros(original.shape, np.uint8)
    cv2.rectangle(band, (ix0 - width // 2 + 1, iy0 - width // 2 + 1),
                  (ix1 + width // 2 - 1, iy1 + width // 2 - 1), 255, width)
    on_band = original[band > 0] > 0
    if on_band.size and on_band.mean() > 0.2:
        # the lines show in the ink channel (grey, black, green boxes): drop them
        ink = cv2.bitwise_and(original, cv2.bitwise_not(band))
    else:
        # red and orange lines vanish in the red channel: nothing to drop
        ink, band = original, None
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        (ink > 0).view(np.uint8), connectivity=8)
    keep = np.zeros(count, bool)
    min_area = max(4, int(0.004 * w * h))
    for label in range(1, count):
        cx0, cy0, cw, ch, area = stats[label]
        if area < min_area:
            continue
        # overlap of the component's bounding box with the interior
        ox = min(cx0 + cw, ix1) - max(cx0, ix0)
        oy = min(cy0 + ch, iy1) - max(cy0, iy0)
        if ox <= 0 or oy <= 0 or ox * oy < 0.35 * cw * ch:
            continue  # outside or mostly outside: a neighbour's stroke, a letter, the line
        if (cw >= 0.6 * w and ch <= 0.15 * h) or (ch >= 0.6 * h and cw <= 0.15 * w and
                                                  (cx0 <= ix0 + 2 or cx0 + cw >= ix1 - 2)):
            continue  # a remnant of the box's own line along one side
        keep[label] = True
    if not keep.any():
        return None, None
    mask = keep[labels]
    if band is not None:
        # put back the line pixels where a kept stroke crossed the line, so that a digit
        # crossing its box is whole again (but the rest of the line stays out)
        near = cv2.dilate(mask.view(np.uint8), np.ones((5, 5), np.uint8)) > 0
        mask |= near & (band > 0) & (original > 0)
        # and the stroke's continuation beyond the line (a digit crossing its box)
        beyond = cv2.dilate(mask.view(np.uint8), np.ones((3, 3), np.uint8)) > 0
        touching = np.unique(labels[beyond & (labels > 0)])
        for label in touching:
            if not keep[label] and stats[label, cv2.CC_STAT_AREA] >= min_area:
                keep[label] = True
        mask |= keep[labels]
    ys, xs = np.nonzero(mask)
    bx0, by0, bx1, by1 = xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
    ink = np.where(mask[by0:by1, bx0:bx1], original[by0:by1, bx0:bx1], 0).astype(np.uint8)
    return ink, Box(int(fx0 + bx0), int(fy0 + by0), int(bx1 - bx0), int(by1 - by0))


def _box_fields(work: _Work, ink: np.ndarray, options: FieldOptions, short_side: int,
                lengths=None) -> tuple[list[Field], list[tuple]]:
    """Box rows and, per row, the area (frame pixels) free-form search must skip."""
    def sides(scale):
        low = max(4, int(options.min_box * short_side * scale))
        return low, max(low + 1, int(options.max_box * short_side * scale))
    # box lines are sought at the colour scale, where a thin line keeps its contrast and a
    # digit's strokes are short next to the box's sides; a low threshold keeps faint lines
    # (noise does not survive the opening into long straight runs)
    low, high = sides(work.colour_scale)
    faint = cv2.adaptiveThreshold(work.line_image, 255, cv2.ADAPTIVE_THRESH_MEAN_C,
                                  cv2.THRESH_BINARY_INV, _block(work.line_image), 6)
    # rows are made per source of lines, then the sources' rows over the same place are
    # merged: the row whose box count a code may have wins, else the one with more boxes
    rows = _rows(_band_cells(faint, low, high, work.colour_scale), options.min_boxes)
    if work.gray is not None:
        faint_gray = cv2.adaptiveThreshold(work.gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C,
                                           cv2.THRESH_BINARY_INV, _block(work.gray), 6)
        rows += _rows(_band_cells(faint_gray, low, high, work.colour_scale), options.min_boxes)
    if work.reddish is not None:
        # red and orange lines, apart: a pen stroke crossing one cuts it, bridge such gaps
        bridge = max(3, low // 2)
        closed = cv2.bitwise_or(
            cv2.morphologyEx(work.reddish, cv2.MORPH_CLOSE, np.ones((1, bridge), np.uint8)),
            cv2.morphologyEx(work.reddish, cv2.MORPH_CLOSE, np.ones((bridge, 1), np.uint8)))
        rows += _rows(_band_cells(closed, low, high, work.colour_scale), options.min_boxes)
    rows = _merge_rows(rows, lengths)
    fields, areas = [], []
    for row in rows:
        inks, boxes = [], []
        for cell in row:
            cell_ink, box = _cell_ink(work.channel, cell)
            inks.append(cell_ink)
            boxes.append(box or Box(*cell))
        separators = tuple(i for i in range(1, len(row))
                           if row[i][0] - (row[i - 1][0] + row[i - 1][2]) > 0.4 * row[i][2])
        x0, y0 = min(c[0] for c in row), min(c[1] for c in row)
        x1 = max(c[0] + c[2] for c in row)
        y1 = max(c[1] + c[3] for c in row)
        fields.append(Field("boxes", tuple(inks), tuple(boxes), separators,
                            Box(x0, y0, x1 - x0, y1 - y0)))
        # the row and the margin digits stick out into are not searched again
        pad = int(0.35 * (y1 - y0))
        areas.append((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
    return fields, areas


def _line_fields(work: _Work, ink: np.ndarray, options: FieldOptions, short_side: int,
                 exclude: list[tuple], lengths) -> list[Field]:
    """Free-form tokens of digit-sized marks, separated from other ink by word gaps."""
    scale = work.ink_scale
    mask = ink
    if exclude:
        mask = ink.copy()
        for x0, y0, x1, y1 in exclude:
            mask[max(0, int(y0 * scale)):max(0, int(y1 * scale) + 1),
                 max(0, int(x0 * scale)):max(0, int(x1 * scale) + 1)] = 0
    # outer boundaries of every component, also those inside another's hole (the paper's
    # edge on a dark table encloses the whole envelope): CCOMP's top level
    contours, hierarchy = cv2.findContours(mask, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is not None:
        contours = [c for c, link in zip(contours, hierarchy[0]) if link[3] < 0]
    min_h = max(4.0, options.min_digit * short_side * scale)
    max_h = options.max_digit * short_side * scale
    rects = np.array([cv2.boundingRect(c) for c in contours], np.int32).reshape(-1, 4)
    x, y, w, h = rects[:, 0], rects[:, 1], rects[:, 2], rects[:, 3]
    box_of = np.stack([x, y, x + w, y + h], axis=1)
    digit_like = (h >= min_h) & (h <= max_h) & (w <= 1.6 * h)
    # pieces too small to be a digit: a broken-off stroke of one (joined below) or a dot
    small = (h < min_h) & (h >= 0.3 * min_h) & (w < 2 * h)
    # flat and short: perhaps a hyphen
    flat = (h < min_h) & (w >= 1.5 * h) & (w >= 0.25 * min_h) & (w <= max_h)
    flats = box_of[flat].tolist()
    marks = sorted(box_of[digit_like | small].tolist())
    # join the pieces of one broken digit (a 5's flag, a 4's open top): strong x-overlap
    merged: list[list] = []
    for mark in marks:
        for other in merged[-3:]:
            overlap = min(mark[2], other[2]) - max(mark[0], other[0])
            narrower = min(mark[2] - mark[0], other[2] - other[0])
            vertical_gap = max(mark[1], other[1]) - min(mark[3], other[3])
            if overlap >= 0.5 * narrower and vertical_gap < 0.3 * min_h:
                other[0], other[1] = min(other[0], mark[0]), min(other[1], mark[1])
                other[2], other[3] = max(other[2], mark[2]), max(other[3], mark[3])
                break
        else:
            merged.append(mark)
    glyphs = [m for m in merged if min_h <= m[3] - m[1] <= max_h and
              m[2] - m[0] <= 1.6 * (m[3] - m[1])]
    tokens = _chain(glyphs, flats, options.word_gap)
    everything = box_of[(h >= 0.3 * min_h) | (w >= 0.3 * min_h)]
    back = 1.0 / scale
    fields = []
    for token, separators in tokens:
        if lengths is not None and len(token) not in lengths:
            continue
        x0, y0 = min(g[0] for g in token), min(g[1] for g in token)
        x1, y1 = max(g[2] for g in token), max(g[3] for g in token)
        if not _isolated(everything, x0, y0, x1, y1, options.word_gap * 0.8):
            continue  # ink close by on the same line: part of a word, a barcode, a drawing
        inks, boxes = [], []
        for gx0, gy0, gx1, gy1 in token:
            fx0, fy0 = max(int((gx0 - 1) * back), 0), max(int((gy0 - 1) * back), 0)
            fx1, fy1 = int((gx1 + 1) * back), int((gy1 + 1) * back)
            crop = _crop_ink(work.channel, fx0, fy0, fx1, fy1)
            inks.append(None if crop is None else _largest_parts(crop))
            boxes.append(Box(fx0, fy0, fx1 - fx0, fy1 - fy0))
        whole = Box(int(x0 * back), int(y0 * back), int((x1 - x0) * back), int((y1 - y0) * back))
        fields.append(Field("line", tuple(inks), tuple(boxes), tuple(separators), whole))
    return fields


def _chain(glyphs, flats, word_gap: float) -> list[tuple[list, list]]:
    """Chain glyphs into tokens: same line, about the same height, small gaps. A hyphen
    between two glyphs bridges a wider gap and is recorded as a separator."""
    tokens: list[tuple[list, list]] = []
    for glyph in sorted(glyphs):
        height = glyph[3] - glyph[1]
        cy = (glyph[1] + glyph[3]) / 2
        for token, separators in tokens:
            last = token[-1]
            last_h = last[3] - last[1]
            size = max(height, last_h)
            if abs(cy - (last[1] + last[3]) / 2) > 0.4 * size or not 0.6 <= height / last_h <= 1.66:
                continue
            gap = glyph[0] - last[2]
            if -0.25 * last_h <= gap <= word_gap * size:
                token.append(glyph)
                break
            if gap <= 2.2 * size and _hyphen_between(flats, last, glyph):
                separators.append(len(token))
                token.append(glyph)
                break
        else:
            tokens.append(([glyph], []))
    return tokens


def _isolated(boxes: np.ndarray, x0, y0, x1, y1, gap: float) -> bool:
    """True if no mark outside the token lies within ``gap`` token heights left or right of
    it on its line (a code is a word of its own)."""
    height = y1 - y0
    reach = gap * height
    band_top, band_bottom = y0 + 0.25 * height, y1 - 0.25 * height
    on_line = (boxes[:, 1] < band_bottom) & (boxes[:, 3] > band_top)
    left = (boxes[:, 2] > x0 - reach) & (boxes[:, 2] <= x0)
    right = (boxes[:, 0] < x1 + reach) & (boxes[:, 0] >= x1)
    return not bool(np.any(on_line & (left | right)))


def _hyphen_between(flats, left, right) -> bool:
    """True if a flat mark lies in the gap between two glyphs, at about mid-height."""
    top, bottom = min(left[1], right[1]), max(left[3], right[3])
    for fx0, fy0, fx1, fy1 in flats:
        if left[2] - 3 <= fx0 and fx1 <= right[0] + 3 and \
                top + 0.2 * (bottom - top) <= (fy0 + fy1) / 2 <= bottom - 0.2 * (bottom - top):
            return True
    return False


def _largest_parts(ink: np.ndarray) -> np.ndarray:
    """Drop specks and neighbours' edges that fell into a digit's crop (small components)."""
    binary = (ink > 0).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if count <= 2:
        return ink
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = np.zeros(count, bool)
    keep[1:] = areas >= 0.15 * areas.max()
    return np.where(keep[labels], ink, 0).astype(np.uint8)


def find_fields(frame: np.ndarray, options: FieldOptions | None = None,
                lengths: set[int] | None = None) -> list[Field]:
    """Box-field rows and free-form digit tokens of a frame, box fields first.

    Parameters
    ----------
    frame : (H, W), (H, W, 3) BGR or (H, W, 4) BGRA uint8 ndarray
    options : FieldOptions, optional
    lengths : set of int, optional
        Digit counts a code may have: free-form tokens of other lengths are dropped before
        their crops are cut (the expensive part). Box rows are kept whatever their length.

    Returns
    -------
    list of :class:`Field`; empty when nothing digit-like was found.
    """
    frame = check_frame(frame)
    options = options or FieldOptions()
    if frame.ndim == 3 and frame.shape[2] == 4:
        frame = cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
    if frame.ndim == 3 and frame.shape[2] == 1:
        frame = frame[:, :, 0]
    work = _work(frame, options.gray_lines)
    ink = _ink_mask(work.ink_image)
    short_side = min(frame.shape[:2])
    box_fields, areas = _box_fields(work, ink, options, short_side, lengths)
    return box_fields + _line_fields(work, ink, options, short_side, areas, lengths)
