"""Box interiors: the holes of the line mask that are box-sized and nearly rectangular,
and how well a line mask outlines a box.

    >>> holes = box_holes(faint, support, low, high)        # (x, y, w, h) each
    >>> coverage, box = best_box(lines, support, *guess, shifts, reach_y)
"""
from __future__ import annotations

import cv2
import numpy as np

from .params import BoxRowParams


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
    rings = [ring(support, *hole) for hole in holes]
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


def ring(support: np.ndarray, x: int, y: int, w: int, h: int) -> float:
    """Fraction of the pixels just outside a rectangle that ``support`` covers."""
    height, width = support.shape
    if x < 1 or y < 1 or x + w >= width or y + h >= height:
        return 0.0
    covered = (np.count_nonzero(support[y - 1, x:x + w]) + np.count_nonzero(support[y + h, x:x + w])
               + np.count_nonzero(support[y:y + h, x - 1]) + np.count_nonzero(support[y:y + h, x + w]))
    return covered / (2.0 * (w + h))


def _solid(lines: np.ndarray, x: int, y: int, w: int, h: int,
           params: BoxRowParams = BoxRowParams()) -> bool:
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


def best_box(lines, support, x, y, w, h, shifts, reach_y,
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
