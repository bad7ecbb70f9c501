"""Rows of pre-printed boxes: found from their interiors, grown along the row, read per box.

    >>> fields, areas = box_fields(work, options, short_side, lengths)

A row of three or more pre-printed boxes of about the same size, equally spaced (red,
orange, green, grey, black: any colour), is found from the box interiors: the holes of a
mask of dark-in-any-channel lines that are box-sized and rectangular seed a row, and the
row's pitch then predicts the boxes whose holes a digit broke, kept where the mask outlines
them (see :func:`hole_rows`). Each box gives one crop (:func:`~.cells.cell_ink`).
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..results import Box
from .cells import cell_ink
from .params import BoxRowParams
from .work import SQUARE_3, Field, FieldOptions, Work, block, darker_than_mean


def hole_cells(lines: np.ndarray, min_side: int, max_side: int,
               params: BoxRowParams = BoxRowParams()) -> list[tuple]:
    """Box interiors: the holes of the line mask that are box-sized and nearly rectangular.

    Returns (x, y, w, h) in the mask's pixels. A pen stroke that touches a line from inside
    only notches its box's hole; a digit's own loops are holes too, but they lie inside a
    box's hole (dropped here) or are oval: their bounding box is not outlined (see
    hole_rows).
    """
    contours, hierarchy = cv2.findContours(lines, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return []
    # holes only (contours with a parent); the outer boundaries are most of the contours
    inner = (hierarchy[0][:, 3] >= 0).nonzero()[0].tolist()
    if not inner:
        return []
    # the bounding boxes of all holes at once (a frame has a hundred or more: the holes of
    # letters and of the paper's texture), from the concatenated points
    chains = [contours[index] for index in inner]
    points = np.concatenate(chains).reshape(-1, 2)
    starts = np.zeros(len(chains), np.intp)
    np.cumsum(np.fromiter(map(len, chains[:-1]), np.intp, len(chains) - 1), out=starts[1:])
    x = np.minimum.reduceat(points[:, 0], starts)
    y = np.minimum.reduceat(points[:, 1], starts)
    w = np.maximum.reduceat(points[:, 0], starts) - x + 1
    h = np.maximum.reduceat(points[:, 1], starts) - y + 1
    sized = ((min_side <= w) & (w <= max_side) & (min_side <= h) & (h <= max_side)
             & (params.min_aspect * h <= w) & (w <= params.max_aspect * h))
    holes = []
    for k in sized.nonzero()[0].tolist():
        cx, cy, cw, ch = int(x[k]), int(y[k]), int(w[k]), int(h[k])
        if cv2.contourArea(chains[k]) < params.rect_fill * cw * ch:
            continue  # not a rectangle: the space between letters, a stamp's picture
        holes.append((cx, cy, cw, ch))
    # a hole inside another's box is a digit's loop (a 0 in its box)
    holes.sort(key=lambda c: -c[2] * c[3])
    kept: list[tuple] = []
    for x, y, w, h in holes:
        if not any(kx <= x and ky <= y and x + w <= kx + kw and y + h <= ky + kh
                   for kx, ky, kw, kh in kept):
            kept.append((x, y, w, h))
    return kept


def _ring(support: np.ndarray, x: int, y: int, w: int, h: int) -> float:
    """Fraction of the pixels just outside a rectangle that ``support`` covers."""
    height, width = support.shape
    if x < 1 or y < 1 or x + w >= width or y + h >= height:
        return 0.0
    covered = (np.count_nonzero(support[y - 1, x:x + w]) + np.count_nonzero(support[y + h, x:x + w])
               + np.count_nonzero(support[y:y + h, x - 1]) + np.count_nonzero(support[y:y + h, x + w]))
    return covered / (2.0 * (w + h))


def _solid(lines: np.ndarray, x: int, y: int, w: int, h: int, params: BoxRowParams = BoxRowParams()) -> bool:
    """True if solid ink fills part of a box's inside (the table beyond the paper's edge,
    a stamp, a bar): a written digit's strokes are thin."""
    inside = lines[y + 2:y + h - 2, x + 2:x + w - 2]
    if not inside.size:
        return False
    full = inside > 0
    # (the fraction of ink per column, per row: what .mean() gives, without its overhead)
    rows, columns = full.shape
    solid, share = params.solid_column, params.solid_share
    return bool(np.count_nonzero(full.sum(axis=0) / rows > solid) > share * columns or
                np.count_nonzero(full.sum(axis=1) / columns > solid) > share * rows)


def _best_box(lines, support, x, y, w, h, shifts, reach_y,
              params: BoxRowParams = BoxRowParams()) -> tuple[float, tuple]:
    """The best outlined w x h box near (x, y), over the given x shifts and up to
    ``reach_y`` rows up or down: (coverage, (x, y, w, h)).

    Coverage is the fraction of the box's outline (the pixels just outside the interior)
    that the line mask covers (``support``: the mask dilated by a pixel); a box with two
    sides broken, not wholly in the frame or with solid ink inside counts 0. Of about
    equally covered places (a thick line), the one nearest the guess wins. All places
    are scored at once from running sums of the mask along rows and columns.
    """
    dxs = np.asarray(list(shifts), np.int64)
    if not dxs.size:
        return 0.0, (x, y, w, h)
    dys = np.arange(-reach_y, reach_y + 1)
    height, width = support.shape
    xs = x + dxs[None, :] + 0 * dys[:, None]
    ys = y + dys[:, None] + 0 * dxs[None, :]
    valid = (xs >= 1) & (ys >= 1) & (xs + w < width) & (ys + h < height)
    if not valid.any():
        return 0.0, (x, y, w, h)
    r0, r1 = max(0, y - reach_y - 1), min(height, y + h + reach_y + 1)
    c0, c1 = max(0, x + int(dxs.min()) - 1), min(width, x + int(dxs.max()) + w + 1)
    window = (support[r0:r1, c0:c1] > 0).astype(np.int32)
    along = np.zeros((window.shape[0], window.shape[1] + 1), np.int32)
    np.cumsum(window, axis=1, out=along[:, 1:])
    down = np.zeros((window.shape[0] + 1, window.shape[1]), np.int32)
    np.cumsum(window, axis=0, out=down[1:])
    # indices into the window (clipped where the place is invalid anyway)
    left = np.minimum(np.maximum(xs - c0, 1), window.shape[1] - w - 1)
    top = np.minimum(np.maximum(ys - r0, 1), window.shape[0] - h - 1)
    sides = (along[top - 1, left + w] - along[top - 1, left],
             along[top + h, left + w] - along[top + h, left],
             down[top + h, left - 1] - down[top, left - 1],
             down[top + h, left + w] - down[top, left + w])
    outline = (sides[0] + sides[1] + sides[2] + sides[3]) / (2.0 * (w + h))
    # a box has four sides: one may be broken (a faint line), not two
    half_w, half_h = params.broken_side * w, params.broken_side * h
    broken = ((sides[0] < half_w).astype(int) + (sides[1] < half_w) + (sides[2] < half_h) +
              (sides[3] < half_h))
    outline = np.where(valid & ((outline < params.coverage) | (broken <= 1)), outline, 0.0)
    score = outline - params.nearness * (np.abs(xs - x) + np.abs(ys - y))
    for flat in np.argsort(-score, axis=None):
        row, column = divmod(int(flat), score.shape[1])
        coverage = float(outline[row, column])
        place = (int(xs[row, column]), int(ys[row, column]), w, h)
        if coverage < params.coverage:
            return coverage, place  # the best left is not a box: nothing better follows
        if not _solid(lines, *place, params):
            return coverage, place
    return 0.0, (x, y, w, h)


def hole_rows(holes: list[tuple], lines: np.ndarray, support: np.ndarray, min_boxes: int,
              params: BoxRowParams = BoxRowParams()) -> list[list[tuple]]:
    """Rows of equal, equally spaced boxes, seeded by their holes and grown along the row.

    Holes of about the same size, side by side on one line, seed a row; its step (box
    pitch) and size then predict the boxes whose holes were lost (a digit touching two
    sides splits one, a thin line broken by the camera opens one): a box is put in the
    row where the line mask outlines it, between and beyond the seeds. ``support`` is the
    line mask dilated by a pixel (nonzero: line), where outlines are measured.
    """
    # a box's hole is outlined all round by its lines; a digit's oval loop (a 0, the
    # bowls of 6 8 9) touches its bounding box only at a few places
    holes = [c for c in holes if _ring(support, *c) >= params.seed_ring]
    seeds: list[list[tuple]] = []
    for cell in sorted(holes):
        x, y, w, h = cell
        best, best_gap = None, None
        for row in seeds:
            rx, ry, rw, rh = row[-1]
            low, high = params.min_size_ratio, params.max_size_ratio
            same_size = low <= h / rh <= high and low <= w / rw <= high
            aligned = abs((y + h / 2) - (ry + rh / 2)) < params.aligned * rh
            gap = x - (rx + rw)
            if same_size and aligned and params.min_gap * rw <= gap <= params.max_gap * rw and (
                    best_gap is None or gap < best_gap):
                best, best_gap = row, gap
        if best is None:
            seeds.append([cell])
        else:
            best.append(cell)
    rows = []
    for seed in seeds:
        if len(seed) < 2:
            continue
        row = grow_row(seed, lines, support, params.max_boxes, params)
        if len(row) >= min_boxes:
            rows.append(row)
    return rows


@dataclass(frozen=True, slots=True)
class _Pitch:
    """A row's box size, step from box to box, slope and search reach (pixels)."""

    width: int
    height: int
    step: float
    slope: float
    reach: int  #: how far (x) a box may be from its guess
    reach_y: int  #: how far (y) a box may be from its guess

    def boxed(self, cx: float, cy: float) -> tuple:
        """The box of this size centred at (cx, cy)."""
        return (int(round(cx - self.width / 2)), int(round(cy - self.height / 2)),
                self.width, self.height)


def grow_row(seed: list[tuple], lines: np.ndarray, support: np.ndarray,
             max_boxes: int, params: BoxRowParams = BoxRowParams()) -> list[tuple]:
    """The boxes of the row that ``seed`` (two or more holes) starts, left to right."""
    width = float(np.median([w for _, _, w, _ in seed]))
    height = float(np.median([h for _, _, _, h in seed]))
    # holes much off the row's size are notched or leaking: their boxes are predicted
    seed = [c for c in seed if abs(c[2] - width) <= params.size_tolerance * width + 1
            and abs(c[3] - height) <= params.size_tolerance * height + 1]
    if len(seed) < 2:
        return seed
    width, height = int(round(width)), int(round(height))
    centres = [(x + w / 2, y + h / 2) for x, y, w, h in seed]
    steps = np.diff([c[0] for c in centres])
    # the pitch: a box and its line, or a box and the gap between separate boxes; the
    # shortest step may span a lost box or two
    shortest = float(steps.min())
    step = shortest / max(1, int(round(shortest / (params.pitch * width))))
    if step < params.min_step * width:
        return []
    slope = (centres[-1][1] - centres[0][1]) / max(1.0, centres[-1][0] - centres[0][0])
    pitch = _Pitch(width, height, step, slope, max(2, int(params.reach * width)),
                   max(2, int(params.reach_y * height)))
    filled = _fill_gaps([pitch.boxed(*c) for c in centres], steps, pitch, lines, support, params)
    return _extend(filled, pitch, lines, support, max_boxes, params)


def _fill_gaps(row: list[tuple], steps: np.ndarray, pitch: _Pitch, lines: np.ndarray,
               support: np.ndarray, params: BoxRowParams = BoxRowParams()) -> list[tuple]:
    """The seed boxes ``row`` with the boxes the outline shows between them (the gaps
    ``steps`` longer than the pitch)."""
    width, height, reach = pitch.width, pitch.height, pitch.reach
    filled = [row[0]]
    for previous, cell, distance in zip(row, row[1:], steps):
        missing = int(round(distance / pitch.step)) - 1
        for k in range(1, missing + 1):
            t = k / (missing + 1)
            guess = pitch.boxed(previous[0] + width / 2 + t * distance,
                                previous[1] + height / 2 + t * (cell[1] - previous[1]))
            # between its neighbours, not over them
            left_end = filled[-1][0] + width - 2 - guess[0]
            right_end = cell[0] - width + 2 - guess[0]
            shifts = range(max(-reach, left_end), min(reach, right_end) + 1)
            coverage, box = _best_box(lines, support, *guess, shifts, pitch.reach_y, params)
            if coverage >= params.coverage:
                filled.append(box)
        filled.append(cell)
    return filled


def _extend(filled: list[tuple], pitch: _Pitch, lines: np.ndarray, support: np.ndarray,
            max_boxes: int, params: BoxRowParams = BoxRowParams()) -> list[tuple]:
    """``filled`` grown outwards while the next box is outlined; a wider gap (the hyphen
    between Japanese 3 + 4 boxes) is allowed by shifting the guess away from the row."""
    width, reach, step = pitch.width, pitch.reach, pitch.step
    for direction in (1, -1):
        while len(filled) < max_boxes:
            end = filled[-1] if direction > 0 else filled[0]
            guess = (int(round(end[0] + direction * step)),
                     int(round(end[1] + direction * step * pitch.slope)), width, pitch.height)
            # beyond the end box, not over it
            shifts = range(max(-2, end[0] + width - 2 - guess[0]), reach + 1) if direction > 0 \
                else range(-reach, min(3, end[0] - width + 2 - guess[0] + 1))
            coverage, box = _best_box(lines, support, *guess, shifts, pitch.reach_y, params)
            if coverage < params.coverage:
                break
            if direction > 0:
                filled.append(box)
            else:
                filled.insert(0, box)
    return filled


def merge_rows(rows: list[list[tuple]], lengths, params: BoxRowParams = BoxRowParams()) -> list[list[tuple]]:
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
            if min(x1, ox1) - max(x0, ox0) > params.overlap * min(x1 - x0, ox1 - ox0) and \
                    min(y1, oy1) - max(y0, oy0) > params.overlap * min(y1 - y0, oy1 - oy0):
                overlaps = True
                break
        if not overlaps:
            kept.append(row)
    return kept


def box_fields(work: Work, ink: np.ndarray, options: FieldOptions, short_side: int,
               lengths=None) -> tuple[list[Field], list[tuple]]:
    """Box rows and, per row, the area (frame pixels) free-form search must skip.

    Parameters
    ----------
    work : Work
        The frame at the work resolutions (:func:`~.work.work_images`).
    ink : (M, N) uint8 ndarray
        The ink mask at the ink scale (unused here; the free-form search's).
    short_side : int
        The frame's shorter side (frame pixels): box sizes are fractions of it.
    lengths : set of int, optional
        Digit counts a code may have: of overlapping rows, one of such a length is kept.
    """
    params = options.boxes
    low = max(params.min_side, int(options.min_box * short_side * work.colour_scale))
    high = max(low + 1, int(options.max_box * short_side * work.colour_scale))
    # box lines are sought at the colour scale, where a thin line keeps its contrast and a
    # digit's strokes are short next to the box's sides; a low threshold keeps faint lines
    # (noise does not survive the opening into long straight runs)
    faint = darker_than_mean(work.line_image, block(work.line_image, options.work),
                             params.line_delta)
    support = cv2.dilate(faint, SQUARE_3)
    holes = box_holes(faint, support, low, high, params)
    back = 1.0 / work.colour_scale
    rows = [[(int(round(x * back)), int(round(y * back)), int(round(w * back)),
              int(round(h * back))) for x, y, w, h in row]
            for row in hole_rows(holes, faint, support, options.min_boxes, params)]
    fields, areas = [], []
    for row in merge_rows(rows, lengths, params):
        found = row_field(work.channel, row, options.min_boxes, options)
        if found is not None:
            fields.append(found[0])
            areas.append(found[1])
    return fields, areas


def box_holes(faint: np.ndarray, support: np.ndarray, low: int, high: int,
              params: BoxRowParams = BoxRowParams()) -> list[tuple]:
    """Box interiors (x, y, w, h) from the line mask ``faint`` and its thickened
    ``support`` ((M, N) uint8, 0 or 255), ``low`` to ``high`` pixels a side.

    Holes are also sought in the mask thickened by a pixel: a thin line that the camera
    broke (a one-pixel gap) still closes its box there (its holes are a pixel smaller all
    round); but thickened strokes also touch the lines more often: both are used. Specks
    (paper grain, a textured table) are most of the mask's contours, and finding contours
    costs time per contour: the first search drops pixels with fewer than two neighbours
    (a one-pixel line keeps its pixels, but for its ends); the second, in the thickened
    mask, keeps them (thickened, specks merge into few blobs).
    """
    crowded = cv2.boxFilter(faint, -1, (3, 3))
    cv2.compare(crowded, params.crowded, cv2.CMP_GT, dst=crowded)
    holes = hole_cells(cv2.bitwise_and(faint, crowded, dst=crowded), low, high, params)
    second = [(x, y + top, w, h) for top, bottom in _seed_bands(holes, support, params)
              for x, y, w, h in hole_cells(support[top:bottom], low - 2, high, params)]
    for x, y, w, h in second:
        x, y, w, h = x - 1, y - 1, w + 2, h + 2
        # (the same hole, or a part of one: a digit that touches a line thickened cuts
        # the hole it sits in)
        if not any(hx - 2 <= x and hy - 2 <= y and x + w <= hx + hw + 2 and
                   y + h <= hy + hh + 2 for hx, hy, hw, hh in holes):
            holes.append((x, y, w, h))
    return holes


def _seed_bands(holes: list[tuple], support: np.ndarray,
                params: BoxRowParams = BoxRowParams()) -> list[list[int]]:
    """The bands of rows (top, bottom) where the second search for holes is made.

    It only completes rows: it is skipped where no hole was outlined by lines (most
    frames without a box field), and made only in the bands of rows around the holes
    that may seed a row (outlined half round, see hole_rows): a row of boxes is about
    level, its other boxes lie there, and contours cost time per contour.
    """
    rings = [_ring(support, *hole) for hole in holes]
    bands: list[list[int]] = []
    if not any(ring >= params.band_ring for ring in rings):
        return bands
    for top, bottom in sorted((max(0, hole[1] - hole[3]), hole[1] + 2 * hole[3])
                              for hole, ring in zip(holes, rings) if ring >= params.seed_ring):
        if bands and top <= bands[-1][1]:
            bands[-1][1] = max(bands[-1][1], bottom)
        else:
            bands.append([top, bottom])
    return bands


def row_field(channel: np.ndarray, row: list[tuple], min_boxes: int,
              options: FieldOptions = FieldOptions()):
    """The field of one row of boxes (frame pixels) and the area (x0, y0, x1, y1) the
    free-form search must skip, or None when fewer than ``min_boxes`` places are left.

    Parameters
    ----------
    channel : (H, W) uint8 ndarray
        The full-resolution ink channel.
    """
    params = options.boxes
    inks, boxes, alternates = [], [], []
    for cell in row:
        digit_ink, box, alternate = cell_ink(channel, cell, options.cells, options.work)
        inks.append(digit_ink)
        boxes.append(box or Box(*cell))
        alternates.append(alternate)
    # empty boxes at the row's ends are not places of the code (a row may have more boxes
    # than the code has digits, or a box-like mark was taken for one)
    filled = [i for i, found in enumerate(inks) if found is not None]
    if not filled:
        return None
    first, last = filled[0], filled[-1] + 1
    row, inks, boxes, alternates = (row[first:last], inks[first:last], boxes[first:last],
                                    alternates[first:last])
    if len(row) < min_boxes:
        return None
    separators = tuple(i for i in range(1, len(row))
                       if row[i][0] - (row[i - 1][0] + row[i - 1][2]) > params.separator_gap * row[i][2])
    x0, y0 = min(c[0] for c in row), min(c[1] for c in row)
    x1 = max(c[0] + c[2] for c in row)
    y1 = max(c[1] + c[3] for c in row)
    field = Field("boxes", tuple(inks), tuple(boxes), separators,
                  Box(x0, y0, x1 - x0, y1 - y0), tuple(alternates))
    # the row and the margin digits stick out into are not searched again
    pad = int(params.skip_pad * (y1 - y0))
    return field, (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
