"""The digit written in one pre-printed box: the box's own lines dropped, strokes kept whole.

    >>> ink, box, alternate = cell_ink(channel, (x, y, w, h))

The box's lines are found again at full resolution in the crop's ink (:func:`box_lines`),
dropped, then put back where a stroke crosses them, so that digits that touch or cross a
line survive and the lines are not read as 1s. An empty box gives no crop (None).
"""
from __future__ import annotations

import cv2
import numpy as np

from ..results import Box
from .params import CellParams, WorkParams
from .work import COLUMN_3, ROW_3, SQUARE_5, components, crop_ink

def box_lines(binary: np.ndarray, ix0: int, iy0: int, ix1: int, iy1: int,
              params: CellParams = CellParams()
              ) -> tuple[np.ndarray, np.ndarray, tuple[int, int, int, int], float]:
    """The box's own lines in a crop's ink, and its interior measured from them.

    Returns (horizontal, vertical, (ix0, iy0, ix1, iy1), thickness): bool masks of the
    line pixels, the interior between the lines found (an edge with no line in the ink
    channel, such as a red line that the red channel drops, stays where it was
    estimated) and the thickest line's thickness in pixels (0 if none was found).

    A side is a straight run at least 0.6 of the box side long (found on the ink thickened
    by a pixel across it, so that a slightly slanted thin line counts) near the estimated
    edge, reaching over 0.9 of the box: a digit's bars (a 7's top, a 2's foot) and an
    upright 1 are shorter. Of several, the longest wins, and of about equally long ones
    the closest to the estimate. Only the line itself is taken, a straight band as thick
    as the line is (fitted along it), so that a stroke running beside it stays whole.
    """
    w, h = ix1 - ix0, iy1 - iy0
    all_runs = _long_runs(binary, w, h, params)
    # ink that is not part of any long straight run: the strokes
    strokes = binary & ~(all_runs[0] | all_runs[1])
    masks, edges, thickness = [], [], 0.0
    for vertical in (False, True):
        size, other = (w, h) if vertical else (h, w)
        if vertical:  # work on rows of the transposed masks: one code for both directions
            runs, along_binary, along_strokes = all_runs[1].T, binary.T, strokes.T
        else:
            runs, along_binary, along_strokes = all_runs[0], binary, strokes
        low, high = (ix0, ix1) if vertical else (iy0, iy1)
        lines, found, thick = _sides(runs, along_binary, along_strokes, (low, high), size, other,
                                     params)
        thickness = max(thickness, thick)
        masks.append(lines.T if vertical else lines)
        edges.append(found)
    (top, bottom), (left, right) = edges
    return masks[0], masks[1], (left, top, right, bottom), thickness


def _long_runs(binary: np.ndarray, w: int, h: int,
               params: CellParams = CellParams()) -> list[np.ndarray]:
    """Horizontal and vertical straight runs of the ink (bool masks) at least 0.6 of the
    box's side long, found on the ink thickened by a pixel across them."""
    ink = binary.view(np.uint8)
    all_runs = []
    for vertical in (False, True):
        other = h if vertical else w
        thicken = ROW_3 if vertical else COLUMN_3
        kernel = cv2.getStructuringElement(
            cv2.MORPH_RECT, (1, max(3, int(params.run_length * other))) if vertical else
            (max(3, int(params.run_length * other)), 1))
        all_runs.append(cv2.morphologyEx(cv2.dilate(ink, thicken), cv2.MORPH_OPEN, kernel) > 0)
    return all_runs


def _sides(runs: np.ndarray, binary: np.ndarray, strokes: np.ndarray, estimate: tuple[int, int],
           size: int, other: int, params: CellParams = CellParams()):
    """The two sides of a box along rows (the masks transposed for the vertical sides):
    their pixels (bool mask), the interior's edges between them ([low, high]: the
    ``estimate`` where no line or no box was found) and the thickest side's thickness."""
    profile = runs.sum(axis=1)
    lines = np.zeros(binary.shape, bool)
    found = []
    thickness = 0.0
    for edge, outward in ((estimate[0], -1), (estimate[1], 1)):
        line = _side_line(profile, runs, edge, outward, size, other, params)
        if line is None:
            found.append(edge)
            continue
        centre, slope, half, first, last = line
        thickness = max(thickness, 2 * half + 2)
        _draw_side(lines, strokes, line, other, params)
        found.append(int(np.ceil(centre + half)) + 1 if outward < 0 else int(np.floor(centre - half)))
    if found[1] - found[0] < params.min_interior * size:
        found = list(estimate)  # not a box's two sides: keep the estimate
    lines &= binary
    return lines, found, thickness


def _side_line(profile: np.ndarray, runs: np.ndarray, edge: int, outward: int, size: int,
               other: int, params: CellParams = CellParams()):
    """The line (see :func:`fit_line`) of the side near the estimated ``edge`` (row), or
    None: of the runs reaching over 0.9 of the box, the longest, and of about equally long
    ones the closest to the estimate."""
    far, inward = max(2, int(params.far * size)), max(2, int(params.inward * size))
    start = max(0, edge - (far if outward < 0 else inward))
    stop = min(profile.size, edge + (inward if outward < 0 else far))
    strong = (profile[start:stop] >= params.strong_run * other).nonzero()[0] + start
    if not strong.size:
        return None
    bounds = [0, *((strong[1:] - strong[:-1] > 1).nonzero()[0] + 1).tolist(), strong.size]
    clusters = [strong[a:b] for a, b in zip(bounds, bounds[1:])]
    clusters = [c for c in clusters if _reach(runs[c[0]:c[-1] + 1]) >= params.side_reach * other]
    if not clusters:
        return None
    peaks = [int(profile[c].max()) for c in clusters]
    candidates = [c for c, peak in zip(clusters, peaks) if peak >= params.peak_share * max(peaks)]
    cluster = min(candidates, key=lambda c: abs((c[0] + c[-1]) / 2 - edge))
    return fit_line(runs, int(cluster[0]), int(cluster[-1]))


def _draw_side(lines: np.ndarray, strokes: np.ndarray, line, other: int,
               params: CellParams = CellParams()) -> None:
    """Mark a fitted side's band in ``lines`` (bool, in place), but for the columns where
    a stroke crosses it."""
    centre, slope, half, first, last = line
    columns = np.arange(first, last)
    course = centre + slope * (columns - (first + last) / 2)
    # only the rows within a few pixels of the line matter below (its band and the
    # strokes beside it): the slab they lie in, not the whole crop
    r0 = max(0, int(np.floor(course.min() - half)) - params.slab_above)
    r1 = min(lines.shape[0], int(np.ceil(course.max() + half)) + params.slab_above + 1)
    offset = np.arange(r0, r1)[:, None] - course[None, :]
    band = np.abs(offset) <= half + params.band
    # where a stroke crosses the line (ink on both sides of it), the line's pixels there
    # stay, so that the stroke is not cut apart; where a stroke only touches it from one
    # side, the line goes (no stub is left on the stroke)
    near = strokes[r0:r1, first:last]
    above = ((offset >= -half - params.crossing) & (offset < -half - params.band)
             & near).any(axis=0)
    below = ((offset <= half + params.crossing) & (offset > half + params.band)
             & near).any(axis=0)
    touched = cv2.dilate((above & below).view(np.uint8)[None, :], ROW_3)[0].view(bool)
    # ... but a long stretch is a stroke running along the line: it stays whole without
    # the line's pixels, which would turn it into a bar
    touched = _short_stretches(touched, max(3, int(params.along * other)))
    lines[r0:r1, first:last] |= band & ~touched[None, :]


def _short_stretches(flags: np.ndarray, longest: int) -> np.ndarray:
    """``flags`` (1-D bool) without its stretches of True longer than ``longest``."""
    if not flags.any():
        return flags  # (no stroke crosses the line: the usual case)
    padded = np.concatenate(([0], flags.view(np.int8), [0]))
    edges = (padded[1:] != padded[:-1]).nonzero()[0]
    kept = flags.copy()
    for start, end in zip(edges[::2], edges[1::2]):
        if end - start > longest:
            kept[start:end] = False
    return kept


def _reach(band: np.ndarray) -> int:
    """The longest stretch (gaps of two pixels bridged) that a band of rows covers."""
    covered = band.any(axis=0).nonzero()[0]
    if not covered.size:
        return 0
    breaks = (covered[1:] - covered[:-1] > 3).nonzero()[0]
    if not breaks.size:
        return int(covered[-1] - covered[0]) + 1
    starts = np.concatenate(([covered[0]], covered[breaks + 1]))
    ends = np.concatenate((covered[breaks], [covered[-1]]))
    return int((ends - starts).max()) + 1


def _middle(values: np.ndarray) -> float:
    """The upper median of a small array (cheaper than np.median)."""
    ordered = np.sort(values)
    return float(ordered[ordered.size // 2])


def fit_line(runs: np.ndarray, first: int, last: int):
    """A straight line through the runs in rows first..last: (centre row at the middle
    of its length, slope, half thickness, first column, end column), or None."""
    band = runs[max(0, first - 1):last + 2]
    counts = band.sum(axis=0)
    columns = counts.nonzero()[0]
    if columns.size < 3:
        return None
    rows = np.arange(band.shape[0])[:, None] + max(0, first - 1)
    centres = (band * rows).sum(axis=0)[columns] / counts[columns]
    widths = counts[columns]
    # a stroke that crosses or runs along the line widens it there: fit the thin columns
    thin = widths <= _middle(widths) + 1
    if np.count_nonzero(thin) < 3:
        thin = np.ones(columns.size, bool)
    # least squares (the closed form: np.polyfit costs more than the rest of the fit)
    xs, ys = columns[thin].astype(np.float64), centres[thin]
    # (the means as .mean() takes them, without its overhead)
    mean_x, mean_y = xs.sum() / xs.size, ys.sum() / ys.size
    spread = float(((xs - mean_x) ** 2).sum())
    slope = float(((xs - mean_x) * (ys - mean_y)).sum()) / spread if spread else 0.0
    intercept = mean_y - slope * mean_x
    start, end = int(columns[0]), int(columns[-1]) + 1
    middle = (start + end) / 2
    # the runs were found on ink thickened by a pixel on each side of the line
    half = max(0.5, (float(_middle(widths[thin])) - 2) / 2)
    return float(intercept + slope * middle), float(slope), half, start, end


def cell_ink(channel: np.ndarray, cell: tuple, params: CellParams = CellParams(),
             work_params: WorkParams = WorkParams()):
    """The digit written in one box (full resolution), box lines dropped; None if empty.

    Parameters
    ----------
    channel : (H, W) uint8 ndarray
        The full-resolution ink channel.
    cell : (x, y, w, h)
        The box's interior (frame pixels).

    Returns
    -------
    ink : (h, w) uint8 ndarray or None
        White on black.
    box : Box or None
        Where the ink is in the frame.
    alternate : (h, w) uint8 ndarray or None
        The same digit with the line beside its strokes kept as ink (see
        :attr:`~.work.Field.alternates`), None when no line runs along it.

    The box's lines are removed wherever they show in the ink channel (grey, black, green
    boxes; red and orange ones mostly vanish there already), then put back only where a
    stroke crosses them (ink on both sides), so that a digit crossing its box stays whole
    and the lines themselves are never read as 1s. Strokes mostly outside the box (a
    neighbour's digit reaching in, a letter above) are dropped.
    """
    x, y, w, h = cell
    # the box plus a margin: digits often stick out of their box
    mx, my = int(params.margin * w), int(params.margin * h)
    fx0, fy0 = max(x - mx, 0), max(y - my, 0)
    fx1, fy1 = min(x + w + mx, channel.shape[1]), min(y + h + my, channel.shape[0])
    original = crop_ink(channel, fx0, fy0, fx1, fy1, work_params)
    if original is None:
        return None, None, None
    binary = original > 0
    # the box interior in crop coordinates
    horizontal, vertical, inside, thickness = box_lines(
        binary, x - fx0, y - fy0, x + w - fx0, y + h - fy0, params)
    joined = _rejoined(binary & ~(horizontal | vertical), horizontal, vertical,
                       max(3, int(params.rejoin * min(w, h)), int(np.ceil(thickness)) + 3))
    count, labels, stats = components(joined.view(np.uint8))
    keep = _digit_components(labels, stats, count, inside, w, h, params)
    if not keep.any():
        return None, None, None
    # specks beside a digit (noise, a bit of line left over) are not part of it
    areas = np.where(keep, stats[:, cv2.CC_STAT_AREA], 0)
    keep &= areas >= params.speck * areas.max()
    mask = keep[labels]
    # the digit's bounding box and area from its components' (no pass over the mask)
    kept = stats[keep]
    bx0, by0 = int(kept[:, 0].min()), int(kept[:, 1].min())
    bx1, by1 = int((kept[:, 0] + kept[:, 2]).max()), int((kept[:, 1] + kept[:, 3]).max())
    ink = np.where(mask[by0:by1, bx0:bx1], original[by0:by1, bx0:bx1], 0).astype(np.uint8)
    box = Box(int(fx0 + bx0), int(fy0 + by0), int(bx1 - bx0), int(by1 - by0))
    alternate = _with_line_beside(original, binary & ~joined, mask,
                                  int(kept[:, cv2.CC_STAT_AREA].sum()), params)
    return ink, box, alternate


def _rejoined(strokes: np.ndarray, horizontal: np.ndarray, vertical: np.ndarray,
              span: int) -> np.ndarray:
    """The strokes (bool) with the line pixels a stroke crosses put back: ink on both
    sides of the line, within ``span`` (across a horizontal line: above and below; across
    a vertical one: left and right)."""
    down = cv2.morphologyEx(strokes.view(np.uint8), cv2.MORPH_CLOSE,
                            np.ones((span, 1), np.uint8)).view(bool)
    along = cv2.morphologyEx(strokes.view(np.uint8), cv2.MORPH_CLOSE,
                             np.ones((1, span), np.uint8)).view(bool)
    return strokes | (down & horizontal) | (along & vertical & ~horizontal)


def _digit_components(labels: np.ndarray, stats: np.ndarray, count: int, inside: tuple,
                      w: int, h: int, params: CellParams = CellParams()) -> np.ndarray:
    """Which components ((count,) bool) may be the digit of a ``w`` x ``h`` box whose
    interior is ``inside`` (x0, y0, x1, y1 in crop pixels): not specks, mostly inside the
    box, not slivers of the box's own lines."""
    ix0, iy0, ix1, iy1 = inside
    # each component's pixels inside the box (label 0, the background, is not used)
    inside_counts = np.bincount(labels[max(iy0, 0):iy1, max(ix0, 0):ix1].ravel(),
                                minlength=count)
    keep = np.zeros(count, bool)
    min_area = max(params.min_area, int(params.area_share * w * h))
    listed = stats.tolist()
    for label in range(1, count):
        cx0, cy0, cw, ch, area = listed[label]
        if area < min_area or inside_counts[label] < params.inside * area:
            continue  # a speck, or mostly outside: a neighbour's stroke, a letter
        thin = params.sliver_width
        if (cw >= params.sliver * w and ch <= thin) or (ch >= params.sliver * h and cw <= thin and
                                           (cx0 <= ix0 + 2 or cx0 + cw >= ix1 - 2)):
            continue  # a sliver of the box's own line along one side
        keep[label] = True
    return keep


def _with_line_beside(original: np.ndarray, lines: np.ndarray, mask: np.ndarray,
                      digit_area: int, params: CellParams = CellParams()) -> np.ndarray | None:
    """The other reading of a digit that runs along a line: the line's pixels beside its
    strokes taken as ink (a 0 whose side is the box's side), or None when there are too
    few; where the two readings disagree, the line hid part of the digit (see
    read_postcode)."""
    beside = lines & (cv2.dilate(mask.view(np.uint8), SQUARE_5) > 0)
    if np.count_nonzero(beside) < max(3, params.beside * digit_area):
        return None
    both = mask | beside
    ys, xs = np.nonzero(both)
    ax0, ay0, ax1, ay1 = xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
    return np.where(both[ay0:ay1, ax0:ax1], original[ay0:ay1, ax0:ax1], 0).astype(np.uint8)
