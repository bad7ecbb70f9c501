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
from .holes import best_box, box_holes, ring
from .params import BoxRowParams
from .work import SQUARE_3, Field, FieldOptions, Work, block, darker_than_mean


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
    holes = [c for c in holes if ring(support, *c) >= params.seed_ring]
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
            coverage, box = best_box(lines, support, *guess, shifts, pitch.reach_y, params)
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
            coverage, box = best_box(lines, support, *guess, shifts, pitch.reach_y, params)
            if coverage < params.coverage:
                break
            if direction > 0:
                filled.append(box)
            else:
                filled.insert(0, box)
    return filled


def merge_rows(rows: list[list[tuple]], lengths,
               params: BoxRowParams = BoxRowParams()) -> list[list[tuple]]:
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
    gap = params.separator_gap
    separators = tuple(i for i in range(1, len(row))
                       if row[i][0] - (row[i - 1][0] + row[i - 1][2]) > gap * row[i][2])
    x0, y0 = min(c[0] for c in row), min(c[1] for c in row)
    x1 = max(c[0] + c[2] for c in row)
    y1 = max(c[1] + c[3] for c in row)
    field = Field("boxes", tuple(inks), tuple(boxes), separators,
                  Box(x0, y0, x1 - x0, y1 - y0), tuple(alternates))
    # the row and the margin digits stick out into are not searched again
    pad = int(params.skip_pad * (y1 - y0))
    return field, (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
