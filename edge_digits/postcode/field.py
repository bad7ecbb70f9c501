"""Find where a postal code may be written on an envelope photo: box rows and free-form tokens.

    >>> fields = find_fields(frame)          # BGR, BGRA or grayscale uint8, any size
    >>> [(f.kind, len(f.inks), f.box) for f in fields]

Two kinds of :class:`Field`, each a left-to-right list of ink crops (one per digit, white on
black, ready for :func:`~edge_digits.normalize.normalize_digit`):

- ``"boxes"``: a row of three or more pre-printed boxes of about the same size, equally
  spaced (red, orange, green, grey, black: any colour), found from their interiors: the
  holes of a mask of dark-in-any-channel lines that are box-sized and rectangular seed a
  row, and the row's pitch then predicts the boxes whose holes a digit broke, kept where
  the mask outlines them (see :func:`_hole_rows`). Each box gives one crop cut from the
  full-resolution red channel (red and orange lines fade there, the "drop-out colour"
  of form readers), with the box's own lines found again at full resolution and
  dropped, then put back where a stroke crosses them, so that digits that touch or cross
  a line survive and the lines are not read as 1s. An empty box gives no crop (None).
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

# structuring elements, made once (np.ones costs more than a small dilation)
_SQUARE_3 = np.ones((3, 3), np.uint8)
_SQUARE_5 = np.ones((5, 5), np.uint8)
_ROW_3 = np.ones((1, 3), np.uint8)
_COLUMN_3 = np.ones((3, 1), np.uint8)


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


@dataclass(frozen=True, slots=True)
class Field:
    """A place that may hold a postal code."""

    kind: str  #: "boxes" or "line"
    inks: tuple  #: per digit place: (h, w) uint8 ink crop (white on black), or None if empty
    boxes: tuple[Box, ...]  #: per digit place, in frame pixels
    separators: tuple[int, ...]  #: indices i where a hyphen stands before digit i
    box: Box  #: the whole field in frame pixels
    #: per digit place: a second crop of the same digit with the box line beside its
    #: strokes kept as ink, or None; empty for free-form fields. The digit keeps the
    #: lower of the two readings' probabilities (a line may hide part of a digit)
    alternates: tuple = ()


@dataclass(frozen=True, slots=True)
class _Work:
    """The frame at the two work resolutions (scales are work pixels per frame pixel)."""

    channel: np.ndarray  #: (H, W) full-resolution ink channel (red, or gray), a view
    ink_image: np.ndarray  #: ink channel at ``ink_scale``
    ink_scale: float
    line_image: np.ndarray  #: darkest channel at ``colour_scale``, where box lines are sought
    colour_scale: float


def _work(frame: np.ndarray) -> _Work:
    """Scale the frame down for finding; keep the full-resolution ink channel for crops.

    The ink channel is the red channel of a colour frame: blue and black pens stay dark
    while red and orange pre-printed boxes and red postmarks fade into the paper (the
    "drop-out colour" of form readers). Box lines are sought in the darkest of the three
    channels instead: a line of any colour (red, orange, green, grey, black) is dark in at
    least one channel while white, cream or tinted paper is light in all three, so even a
    one-pixel orange line that the downscale and JPEG have washed out keeps its contrast
    there (in gray it keeps only a third of it).
    """
    height, width = frame.shape[:2]
    colour_scale = min(1.0, COLOUR_WIDTH / width)
    ink_scale = min(1.0, INK_WIDTH / width)
    def size(scale):
        return (max(1, int(round(width * scale))), max(1, int(round(height * scale))))
    # INTER_AREA by two is fast (a SIMD path); from there to the ink width is cheap
    if frame.ndim == 2:
        half = frame if colour_scale == 1.0 else cv2.resize(frame, size(colour_scale),
                                                            interpolation=cv2.INTER_AREA)
        small = half if ink_scale == colour_scale else cv2.resize(
            half, size(ink_scale), interpolation=cv2.INTER_AREA)
        return _Work(frame, small, ink_scale, half, colour_scale)
    darkest, red = _darkest_and_red(frame, size(colour_scale))
    ink_image = red if ink_scale == colour_scale else cv2.resize(
        red, size(ink_scale), interpolation=cv2.INTER_AREA)
    return _Work(frame[:, :, 2], ink_image, ink_scale, darkest, colour_scale)


def _darkest_and_red(frame: np.ndarray, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The darkest of the three channels and the red channel of a BGR frame, scaled to
    ``size`` (width, height) with INTER_AREA.

    Parameters
    ----------
    frame : (H, W, 3) uint8 ndarray
    size : (width, height), at most the frame's

    Returns
    -------
    darkest, red : (height, width) uint8 ndarrays

    When the frame is a whole multiple of ``size`` (1280x720 to 640x360), it is scaled in
    strips of rows: each output pixel is then the mean of its own block of input pixels,
    so the strips give the very same pixels as the whole, and only the two outputs are
    new memory. Scaling and splitting the whole frame makes four frame-sized arrays
    (the colour one three times as large): fresh memory that the allocator maps anew for
    every frame, and the page faults cost more than the scaling itself (0.8 ms a
    1280x720 frame on the development machine).
    """
    height, width = frame.shape[:2]
    out_width, out_height = size
    factor = width // out_width
    if (out_width, out_height) == (width, height) or factor * out_width != width or \
            factor * out_height != height:
        half = frame if (out_width, out_height) == (width, height) else cv2.resize(
            frame, size, interpolation=cv2.INTER_AREA)
        blue, green, red = cv2.split(half)
        return cv2.min(cv2.min(blue, green, dst=blue), red, dst=blue), red
    darkest = np.empty((out_height, out_width), np.uint8)
    red = np.empty((out_height, out_width), np.uint8)
    rows = max(1, 32768 // out_width)  # output rows per strip: ~100 kB of colour, reused
    for top in range(0, out_height, rows):
        bottom = min(out_height, top + rows)
        strip = cv2.resize(frame[top * factor:bottom * factor], (out_width, bottom - top),
                           interpolation=cv2.INTER_AREA)
        blue, green, red[top:bottom] = cv2.split(strip)  # (split: SIMD, extractChannel not)
        cv2.min(cv2.min(blue, green, dst=blue), red[top:bottom], dst=darkest[top:bottom])
    return darkest, red


def _ink_mask(ink_image: np.ndarray) -> np.ndarray:
    """Pixels clearly darker than their neighbourhood (255), robust to uneven light."""
    return _darker_than_mean(ink_image, _block(ink_image), 14)


def _darker_than_mean(image: np.ndarray, block: int, delta: int) -> np.ndarray:
    """255 where a pixel is at least ``delta`` darker than the mean of its ``block`` x
    ``block`` neighbourhood, else 0: the same mask as ``cv2.adaptiveThreshold(image, 255,
    ADAPTIVE_THRESH_MEAN_C, THRESH_BINARY_INV, block, delta)``, in a third less time (its
    last step, a table lookup per pixel, is not vectorized; a saturated subtraction and a
    threshold are).

    Parameters
    ----------
    image : (H, W) uint8 ndarray
    block : int
        Odd neighbourhood side.
    delta : int
        How much darker than the mean a pixel must be (>= 1).

    Returns
    -------
    (H, W) uint8 ndarray of 0 and 255.
    """
    # the mean as adaptiveThreshold takes it (rounded to uint8, edges replicated)
    mean = cv2.boxFilter(image, -1, (block, block),
                         borderType=cv2.BORDER_REPLICATE | cv2.BORDER_ISOLATED)
    # mean - pixel saturates at 0 where the pixel is lighter than its mean (in place: see
    # _darkest_and_red on fresh memory)
    cv2.subtract(mean, image, dst=mean)
    return cv2.threshold(mean, delta - 1, 255, cv2.THRESH_BINARY, dst=mean)[1]


def _components(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """8-connected components of a mask: (count, (H, W) int32 labels, (count, 5) stats).

    The same labels and stats as ``cv2.connectedComponentsWithStats(mask,
    connectivity=8)`` (both label 2x2 blocks in raster order), in half the time: OpenCV's
    default algorithm (Spaghetti) gathers the statistics slowly into int32 labels.
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(
        mask, 8, cv2.CV_32S, cv2.CCL_GRANA)
    return count, labels, stats


def _block(image: np.ndarray) -> int:
    """Neighbourhood of the adaptive threshold: larger than a digit's stroke and bowl."""
    return max(9, (min(image.shape) // 12) | 1)


def _hole_cells(lines: np.ndarray, min_side: int, max_side: int) -> list[tuple]:
    """Box interiors: the holes of the line mask that are box-sized and nearly rectangular.

    Returns (x, y, w, h) in the mask's pixels. A pen stroke that touches a line from inside
    only notches its box's hole; a digit's own loops are holes too, but they lie inside a
    box's hole (dropped here) or are oval: their bounding box is not outlined (see
    _hole_rows).
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
             & (0.5 * h <= w) & (w <= 2.0 * h))
    holes = []
    for k in sized.nonzero()[0].tolist():
        cx, cy, cw, ch = int(x[k]), int(y[k]), int(w[k]), int(h[k])
        if cv2.contourArea(chains[k]) < 0.55 * cw * ch:
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


def _solid(lines: np.ndarray, x: int, y: int, w: int, h: int) -> bool:
    """True if solid ink fills part of a box's inside (the table beyond the paper's edge,
    a stamp, a bar): a written digit's strokes are thin."""
    inside = lines[y + 2:y + h - 2, x + 2:x + w - 2]
    if not inside.size:
        return False
    full = inside > 0
    # (the fraction of ink per column, per row: what .mean() gives, without its overhead)
    rows, columns = full.shape
    return bool(np.count_nonzero(full.sum(axis=0) / rows > 0.9) > 0.2 * columns or
                np.count_nonzero(full.sum(axis=1) / columns > 0.9) > 0.2 * rows)


def _best_box(lines, support, x, y, w, h, shifts, reach_y) -> tuple[float, tuple]:
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
    broken = ((sides[0] < 0.5 * w).astype(int) + (sides[1] < 0.5 * w) + (sides[2] < 0.5 * h) +
              (sides[3] < 0.5 * h))
    outline = np.where(valid & ((outline < 0.7) | (broken <= 1)), outline, 0.0)
    score = outline - 0.01 * (np.abs(xs - x) + np.abs(ys - y))
    for flat in np.argsort(-score, axis=None):
        row, column = divmod(int(flat), score.shape[1])
        coverage = float(outline[row, column])
        place = (int(xs[row, column]), int(ys[row, column]), w, h)
        if coverage < 0.7:
            return coverage, place  # the best left is not a box: nothing better follows
        if not _solid(lines, *place):
            return coverage, place
    return 0.0, (x, y, w, h)


def _hole_rows(holes: list[tuple], lines: np.ndarray, support: np.ndarray, min_boxes: int,
               max_boxes: int = 12) -> list[list[tuple]]:
    """Rows of equal, equally spaced boxes, seeded by their holes and grown along the row.

    Holes of about the same size, side by side on one line, seed a row; its step (box
    pitch) and size then predict the boxes whose holes were lost (a digit touching two
    sides splits one, a thin line broken by the camera opens one): a box is put in the
    row where the line mask outlines it, between and beyond the seeds. ``support`` is the
    line mask dilated by a pixel (nonzero: line), where outlines are measured.
    """
    # a box's hole is outlined all round by its lines; a digit's oval loop (a 0, the
    # bowls of 6 8 9) touches its bounding box only at a few places
    holes = [c for c in holes if _ring(support, *c) >= 0.5]
    seeds: list[list[tuple]] = []
    for cell in sorted(holes):
        x, y, w, h = cell
        best, best_gap = None, None
        for row in seeds:
            rx, ry, rw, rh = row[-1]
            same_size = 0.8 <= h / rh <= 1.25 and 0.8 <= w / rw <= 1.25
            aligned = abs((y + h / 2) - (ry + rh / 2)) < 0.3 * rh
            gap = x - (rx + rw)
            if same_size and aligned and -0.1 * rw <= gap <= 3.6 * rw and (
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
        row = _grow_row(seed, lines, support, max_boxes)
        if len(row) >= min_boxes:
            rows.append(row)
    return rows


def _grow_row(seed: list[tuple], lines: np.ndarray, support: np.ndarray,
              max_boxes: int) -> list[tuple]:
    """The boxes of the row that ``seed`` (two or more holes) starts, left to right."""
    width = float(np.median([w for _, _, w, _ in seed]))
    height = float(np.median([h for _, _, _, h in seed]))
    # holes much off the row's size are notched or leaking: their boxes are predicted
    seed = [c for c in seed if abs(c[2] - width) <= 0.15 * width + 1
            and abs(c[3] - height) <= 0.15 * height + 1]
    if len(seed) < 2:
        return seed
    width, height = int(round(width)), int(round(height))
    centres = [(x + w / 2, y + h / 2) for x, y, w, h in seed]
    steps = np.diff([c[0] for c in centres])
    # the pitch: a box and its line, or a box and the gap between separate boxes; the
    # shortest step may span a lost box or two
    shortest = float(steps.min())
    step = shortest / max(1, int(round(shortest / (1.15 * width))))
    if step < 0.9 * width:
        return []
    slope = (centres[-1][1] - centres[0][1]) / max(1.0, centres[-1][0] - centres[0][0])
    reach_y = max(2, int(0.08 * height))
    reach = max(2, int(0.4 * width))

    def boxed(cx, cy):
        return (int(round(cx - width / 2)), int(round(cy - height / 2)), width, height)
    row = [boxed(*c) for c in centres]
    filled = [row[0]]
    for previous, cell, distance in zip(row, row[1:], steps):
        missing = int(round(distance / step)) - 1
        for k in range(1, missing + 1):
            t = k / (missing + 1)
            guess = boxed(previous[0] + width / 2 + t * distance,
                          previous[1] + height / 2 + t * (cell[1] - previous[1]))
            # between its neighbours, not over them
            left_end = filled[-1][0] + width - 2 - guess[0]
            right_end = cell[0] - width + 2 - guess[0]
            shifts = range(max(-reach, left_end), min(reach, right_end) + 1)
            coverage, box = _best_box(lines, support, *guess, shifts, reach_y)
            if coverage >= 0.7:
                filled.append(box)
        filled.append(cell)
    # grow outwards while the next box is outlined; a wider gap (the hyphen between
    # Japanese 3 + 4 boxes) is allowed by shifting the guess away from the row
    for direction in (1, -1):
        while len(filled) < max_boxes:
            end = filled[-1] if direction > 0 else filled[0]
            guess = (int(round(end[0] + direction * step)),
                     int(round(end[1] + direction * step * slope)), width, height)
            # beyond the end box, not over it
            shifts = range(max(-2, end[0] + width - 2 - guess[0]), reach + 1) if direction > 0 \
                else range(-reach, min(3, end[0] - width + 2 - guess[0] + 1))
            coverage, box = _best_box(lines, support, *guess, shifts, reach_y)
            if coverage < 0.7:
                break
            if direction > 0:
                filled.append(box)
            else:
                filled.insert(0, box)
    return filled


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
    # ink as dark as the stroke's mean or darker saturates: bold strokes, as in MNIST (a
    # stretch that saturates only the darkest fifth, as the locate stage does, thins
    # ambiguous strokes: on 4 x 140 generated envelopes it read 6 more codes, but 3 more
    # of them wrong)
    soft = cv2.subtract(np.full_like(crop, int(min(255, paper))), crop)
    soft = cv2.convertScaleAbs(soft, alpha=255.0 / max(1.0, paper - dark))
    return cv2.bitwise_and(soft, binary)


def _box_lines(binary: np.ndarray, ix0: int, iy0: int, ix1: int,
               iy1: int) -> tuple[np.ndarray, np.ndarray, tuple[int, int, int, int], float]:
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
    ink = binary.view(np.uint8)
    all_runs = []
    for vertical in (False, True):
        other = h if vertical else w
        thicken = _ROW_3 if vertical else _COLUMN_3
        kernel = cv2.getStructuringElement(
            cv2.MORPH_RECT, (1, max(3, int(0.6 * other))) if vertical else
            (max(3, int(0.6 * other)), 1))
        all_runs.append(cv2.morphologyEx(cv2.dilate(ink, thicken), cv2.MORPH_OPEN, kernel) > 0)
    # ink that is not part of any long straight run: the strokes
    strokes = binary & ~(all_runs[0] | all_runs[1])
    masks, edges, thickness = [], [], 0.0
    for vertical in (False, True):
        size, other = (w, h) if vertical else (h, w)
        runs = all_runs[1] if vertical else all_runs[0]
        if vertical:  # work on rows of the transposed masks: one code for both directions
            runs, along_binary, along_strokes = runs.T, binary.T, strokes.T
        else:
            along_binary, along_strokes = binary, strokes
        profile = runs.sum(axis=1)
        lines = np.zeros(along_binary.shape, bool)
        low, high = (ix0, ix1) if vertical else (iy0, iy1)
        found = []
        for edge, outward in ((low, -1), (high, 1)):
            far, inward = max(2, int(0.35 * size)), max(2, int(0.25 * size))
            start = max(0, edge - (far if outward < 0 else inward))
            stop = min(profile.size, edge + (inward if outward < 0 else far))
            strong = (profile[start:stop] >= 0.5 * other).nonzero()[0] + start
            line = None
            if strong.size:
                bounds = [0, *((strong[1:] - strong[:-1] > 1).nonzero()[0] + 1).tolist(),
                          strong.size]
                clusters = [strong[a:b] for a, b in zip(bounds, bounds[1:])]
                clusters = [c for c in clusters if _reach(runs[c[0]:c[-1] + 1]) >= 0.9 * other]
                if clusters:
                    peaks = [int(profile[c].max()) for c in clusters]
                    candidates = [c for c, peak in zip(clusters, peaks) if peak >= 0.85 * max(peaks)]
                    cluster = min(candidates, key=lambda c: abs((c[0] + c[-1]) / 2 - edge))
                    line = _fit_line(runs, int(cluster[0]), int(cluster[-1]))
            if line is None:
                found.append(edge)
                continue
            centre, slope, half, first, last = line
            thickness = max(thickness, 2 * half + 2)
            columns = np.arange(first, last)
            course = centre + slope * (columns - (first + last) / 2)
            # only the rows within a few pixels of the line matter below (its band and the
            # strokes beside it): the slab they lie in, not the whole crop
            r0 = max(0, int(np.floor(course.min() - half)) - 4)
            r1 = min(lines.shape[0], int(np.ceil(course.max() + half)) + 5)
            offset = np.arange(r0, r1)[:, None] - course[None, :]
            band = np.abs(offset) <= half + 1.0
            # where a stroke crosses the line (ink on both sides of it), the line's pixels
            # there stay, so that the stroke is not cut apart; where a stroke only
            # touches it from one side, the line goes (no stub is left on the stroke)
            near = along_strokes[r0:r1, first:last]
            above = ((offset >= -half - 3.0) & (offset < -half - 1.0) & near).any(axis=0)
            below = ((offset <= half + 3.0) & (offset > half + 1.0) & near).any(axis=0)
            touched = cv2.dilate((above & below).view(np.uint8)[None, :],
                                 _ROW_3)[0].view(bool)
            # ... but a long stretch is a stroke running along the line: it stays whole
            # without the line's pixels, which would turn it into a bar
            touched = _short_stretches(touched, max(3, int(0.25 * other)))
            lines[r0:r1, first:last] |= band & ~touched[None, :]
            mid = centre
            found.append(int(np.ceil(mid + half)) + 1 if outward < 0 else int(np.floor(mid - half)))
        if found[1] - found[0] < 0.5 * size:
            found = [low, high]  # not a box's two sides: keep the estimate
        lines &= along_binary
        masks.append(lines.T if vertical else lines)
        edges.append(found)
    (top, bottom), (left, right) = edges
    return masks[0], masks[1], (left, top, right, bottom), thickness


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


def _fit_line(runs: np.ndarray, first: int, last: int):
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


def _cell_ink(channel, cell):
    """The digit written in one box (full resolution), box lines dropped; None if empty.

    The box's lines are removed wherever they show in the ink channel (grey, black, green
    boxes; red and orange ones mostly vanish there already), then put back only where a
    stroke crosses them (ink on both sides), so that a digit crossing its box stays whole
    and the lines themselves are never read as 1s. Strokes mostly outside the box (a
    neighbour's digit reaching in, a letter above) are dropped.
    """
    x, y, w, h = cell
    # the box plus a margin: digits often stick out of their box
    mx, my = int(0.3 * w), int(0.3 * h)
    fx0, fy0 = max(x - mx, 0), max(y - my, 0)
    fx1, fy1 = min(x + w + mx, channel.shape[1]), min(y + h + my, channel.shape[0])
    original = _crop_ink(channel, fx0, fy0, fx1, fy1)
    if original is None:
        return None, None, None
    # the box interior in crop coordinates
    ix0, iy0, ix1, iy1 = x - fx0, y - fy0, x + w - fx0, y + h - fy0
    binary = original > 0
    horizontal, vertical, (ix0, iy0, ix1, iy1), thickness = _box_lines(
        binary, ix0, iy0, ix1, iy1)
    strokes = binary & ~(horizontal | vertical)
    # put back line pixels a stroke crosses: ink on both sides of the line, close by
    # (across a horizontal line: above and below; across a vertical one: left and right)
    span = max(3, int(0.15 * min(w, h)), int(np.ceil(thickness)) + 3)
    down = cv2.morphologyEx(strokes.view(np.uint8), cv2.MORPH_CLOSE,
                            np.ones((span, 1), np.uint8)).view(bool)
    along = cv2.morphologyEx(strokes.view(np.uint8), cv2.MORPH_CLOSE,
                             np.ones((1, span), np.uint8)).view(bool)
    joined = strokes | (down & horizontal) | (along & vertical & ~horizontal)
    count, labels, stats = _components(joined.view(np.uint8))
    # each component's pixels inside the box (label 0, the background, is not used)
    inside_counts = np.bincount(labels[max(iy0, 0):iy1, max(ix0, 0):ix1].ravel(),
                                minlength=count)
    keep = np.zeros(count, bool)
    min_area = max(4, int(0.004 * w * h))
    listed = stats.tolist()
    for label in range(1, count):
        cx0, cy0, cw, ch, area = listed[label]
        if area < min_area or inside_counts[label] < 0.5 * area:
            continue  # a speck, or mostly outside: a neighbour's stroke, a letter
        if (cw >= 0.6 * w and ch <= 3) or (ch >= 0.6 * h and cw <= 3 and
                                           (cx0 <= ix0 + 2 or cx0 + cw >= ix1 - 2)):
            continue  # a sliver of the box's own line along one side
        keep[label] = True
    if not keep.any():
        return None, None, None
    # specks beside a digit (noise, a bit of line left over) are not part of it
    areas = np.where(keep, stats[:, cv2.CC_STAT_AREA], 0)
    keep &= areas >= 0.2 * areas.max()
    mask = keep[labels]
    # the digit's bounding box and area from its components' (no pass over the mask)
    kept = stats[keep]
    bx0, by0 = int(kept[:, 0].min()), int(kept[:, 1].min())
    bx1, by1 = int((kept[:, 0] + kept[:, 2]).max()), int((kept[:, 1] + kept[:, 3]).max())
    digit_area = int(kept[:, cv2.CC_STAT_AREA].sum())
    ink = np.where(mask[by0:by1, bx0:bx1], original[by0:by1, bx0:bx1], 0).astype(np.uint8)
    box = Box(int(fx0 + bx0), int(fy0 + by0), int(bx1 - bx0), int(by1 - by0))
    # the other reading of a digit that runs along a line: the line's pixels beside its
    # strokes taken as ink (a 0 whose side is the box's side); where the two readings
    # disagree, the line hid part of the digit (see read_postcode)
    beside = binary & ~joined & (cv2.dilate(mask.view(np.uint8), _SQUARE_5) > 0)
    alternate = None
    if np.count_nonzero(beside) >= max(3, 0.03 * digit_area):
        both = mask | beside
        ys, xs = np.nonzero(both)
        ax0, ay0, ax1, ay1 = xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
        alternate = np.where(both[ay0:ay1, ax0:ax1], original[ay0:ay1, ax0:ax1],
                             0).astype(np.uint8)
    return ink, box, alternate


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
    faint = _darker_than_mean(work.line_image, _block(work.line_image), 6)
    back = 1.0 / work.colour_scale
    # holes are also sought in the mask thickened by a pixel: a thin line that the camera
    # broke (a one-pixel gap) still closes its box there (its holes are a pixel smaller
    # all round); but thickened strokes also touch the lines more often: both are used.
    # specks (paper grain, a textured table) are most of the mask's contours, and finding
    # contours costs time per contour: the first search drops pixels with fewer than two
    # neighbours (a one-pixel line keeps its pixels, but for its ends); the second, in
    # the thickened mask, keeps them (thickened, specks merge into few blobs)
    crowded = cv2.boxFilter(faint, -1, (3, 3))
    cv2.compare(crowded, 84, cv2.CMP_GT, dst=crowded)
    holes = _hole_cells(cv2.bitwise_and(faint, crowded, dst=crowded), low, high)
    # the second search only completes rows: it is skipped where no hole was outlined by
    # lines (most frames without a box field), and made only in the bands of rows around
    # the holes that may seed a row (outlined half round, see _hole_rows): a row of boxes
    # is about level, its other boxes lie there, and contours cost time per contour
    support = cv2.dilate(faint, _SQUARE_3)
    rings = [_ring(support, *hole) for hole in holes]
    bands: list[list[int]] = []
    if any(ring >= 0.75 for ring in rings):
        for top, bottom in sorted((max(0, hole[1] - hole[3]), hole[1] + 2 * hole[3])
                                  for hole, ring in zip(holes, rings) if ring >= 0.5):
            if bands and top <= bands[-1][1]:
                bands[-1][1] = max(bands[-1][1], bottom)
            else:
                bands.append([top, bottom])
    second = [(x, y + top, w, h) for top, bottom in bands
              for x, y, w, h in _hole_cells(support[top:bottom], low - 2, high)]
    for x, y, w, h in second:
        x, y, w, h = x - 1, y - 1, w + 2, h + 2
        # (the same hole, or a part of one: a digit that touches a line thickened cuts
        # the hole it sits in)
        if not any(hx - 2 <= x and hy - 2 <= y and x + w <= hx + hw + 2 and
                   y + h <= hy + hh + 2 for hx, hy, hw, hh in holes):
            holes.append((x, y, w, h))
    rows = [[(int(round(x * back)), int(round(y * back)), int(round(w * back)),
              int(round(h * back))) for x, y, w, h in row]
            for row in _hole_rows(holes, faint, support, options.min_boxes)]
    rows = _merge_rows(rows, lengths)
    fields, areas = [], []
    for row in rows:
        inks, boxes, alternates = [], [], []
        for cell in row:
            cell_ink, box, alternate = _cell_ink(work.channel, cell)
            inks.append(cell_ink)
            boxes.append(box or Box(*cell))
            alternates.append(alternate)
        # empty boxes at the row's ends are not places of the code (a row may have more
        # boxes than the code has digits, or a box-like mark was taken for one)
        while inks and inks[-1] is None:
            inks.pop(), boxes.pop(), alternates.pop()
            row = row[:-1]
        while inks and inks[0] is None:
            inks.pop(0), boxes.pop(0), alternates.pop(0)
            row = row[1:]
        if len(row) < options.min_boxes:
            continue
        separators = tuple(i for i in range(1, len(row))
                           if row[i][0] - (row[i - 1][0] + row[i - 1][2]) > 0.4 * row[i][2])
        x0, y0 = min(c[0] for c in row), min(c[1] for c in row)
        x1 = max(c[0] + c[2] for c in row)
        y1 = max(c[1] + c[3] for c in row)
        fields.append(Field("boxes", tuple(inks), tuple(boxes), separators,
                            Box(x0, y0, x1 - x0, y1 - y0), tuple(alternates)))
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
    # the bounding box of every component, also those inside another's hole (the paper's
    # edge on a dark table encloses the whole envelope); labelling gives them all at once
    _, _, stats = _components(mask)
    min_h = max(4.0, options.min_digit * short_side * scale)
    max_h = options.max_digit * short_side * scale
    rects = stats[1:, :4].astype(np.int32)
    x, y, w, h = rects[:, 0], rects[:, 1], rects[:, 2], rects[:, 3]
    box_of = np.stack([x, y, x + w, y + h], axis=1)
    digit_like = (h >= min_h) & (h <= max_h) & (w <= 2.8 * h)
    # pieces too small to be a digit: a broken-off stroke of one (joined below) or a dot
    small = (h < min_h) & (h >= 0.3 * min_h) & (w < 2 * h)
    # flat and short: perhaps a hyphen
    flat = (h < min_h) & (w >= 1.5 * h) & (w >= 0.25 * min_h) & (w <= max_h)
    flats = box_of[flat].tolist()
    marks = sorted(box_of[digit_like | small].tolist())
    # join the pieces of one broken digit (a 5's flag, a 4's open top): strong x-overlap
    merged: list[list] = []
    limit = 0.3 * min_h
    for mark in marks:
        x0, y0, x1, y1 = mark
        for other in merged[-3:]:
            ox0, oy0, ox1, oy1 = other
            # marks come by their left edges: other's left edge is not right of mark's, so
            # the overlap is min(x1, ox1) - x0; none at all is the usual case
            if ox1 <= x0:
                continue
            if min(x1, ox1) - x0 >= 0.5 * min(x1 - x0, ox1 - ox0) and \
                    max(y0, oy0) - min(y1, oy1) < limit:
                other[0], other[1] = min(ox0, x0), min(oy0, y0)
                other[2], other[3] = max(ox1, x1), max(oy1, y1)
                break
        else:
            merged.append(mark)
    # (up to 2.8 heights wide: two or three digits that touch are one mark; see _parts)
    glyphs = [m for m in merged if min_h <= m[3] - m[1] <= max_h and
              m[2] - m[0] <= 2.8 * (m[3] - m[1])]
    tokens = _chain(glyphs, flats, options.word_gap)
    everything = box_of[(h >= 0.3 * min_h) | (w >= 0.3 * min_h)]
    back = 1.0 / scale
    fields = []
    for token, separators in tokens:
        parts = _parts(token, lengths)
        if parts is None:
            continue
        x0, y0 = min(g[0] for g in token), min(g[1] for g in token)
        x1, y1 = max(g[2] for g in token), max(g[3] for g in token)
        if not _isolated(everything, x0, y0, x1, y1, options.word_gap * 0.8):
            continue  # ink close by on the same line: part of a word, a barcode, a drawing
        inks, boxes = [], []
        for (gx0, gy0, gx1, gy1), count in zip(token, parts):
            fx0, fy0 = max(int((gx0 - 1) * back), 0), max(int((gy0 - 1) * back), 0)
            fx1, fy1 = int((gx1 + 1) * back), int((gy1 + 1) * back)
            crop = _crop_ink(work.channel, fx0, fy0, fx1, fy1)
            if count == 1 or crop is None:
                inks.append(None if crop is None else _digit_parts(crop))
                boxes.append(Box(fx0, fy0, fx1 - fx0, fy1 - fy0))
                continue
            for left, right in _cuts(crop, count):
                piece = crop[:, left:right]
                inks.append(_digit_parts(piece) if piece.any() else None)
                boxes.append(Box(fx0 + left, fy0, right - left, fy1 - fy0))
        # a hyphen before glyph i stands before digit i plus the extra digits of the
        # touching glyphs split before it
        shifted = tuple(i + sum(parts[:i]) - i for i in separators)
        whole = Box(int(x0 * back), int(y0 * back), int((x1 - x0) * back), int((y1 - y0) * back))
        fields.append(Field("line", tuple(inks), tuple(boxes), shifted, whole))
    return fields


def _parts(token: list, lengths) -> list[int] | None:
    """How many digits each glyph of a token holds, so that the token has a length a code
    may have; None if no such reading.

    A glyph much wider than the token's glyphs are tall is two (or three) digits that
    touch (written close, or joined by a stroke); only as many glyphs are split as the
    code needs, the widest first, and a glyph is never split that is not clearly wider
    than a digit. A token of the right length is read as it is, wide glyphs and all (a
    flat 5 is wide; a touching pair there is the classifier's to reject).
    """
    if lengths is None or len(token) in lengths:
        return [1] * len(token)
    if not any(1 <= length - len(token) <= 3 for length in lengths):
        return None  # (most tokens: a word's letters, one glyph or two)
    # a glyph wider than 1.6 of its own height is no single digit (a bold 5 is wide but
    # also tall); a touching pair is wide for the token's usual height
    heights = sorted(g[3] - g[1] for g in token)
    height = max(1, heights[len(heights) // 2])
    wide = [g[2] - g[0] > 1.6 * max(height, g[3] - g[1]) for g in token]
    widths = [(g[2] - g[0]) / height for g in token]
    order = sorted(range(len(token)), key=lambda i: -widths[i])
    for length in sorted(lengths):
        missing = length - len(token)
        if not 1 <= missing <= 3:
            continue
        parts = [1] * len(token)
        for i in order:
            if missing == 0:
                break
            if widths[i] < 1.05:
                break  # as narrow as one digit: no more touching pairs
            extra = 2 if widths[i] >= 2.0 and missing >= 2 else 1
            parts[i] += extra
            missing -= extra
        if missing == 0 and not any(w and p == 1 for w, p in zip(wide, parts)):
            return parts
    return None


def _cuts(ink: np.ndarray, count: int) -> list[tuple[int, int]]:
    """Column ranges that cut a crop of ``count`` touching digits apart: at the column
    holding the least ink near each even division (where two digits touch)."""
    profile = ink.sum(axis=0, dtype=np.int64)
    width = profile.size
    cuts = [0]
    for k in range(1, count):
        centre = k * width / count
        low = max(cuts[-1] + 1, int(centre - 0.2 * width / count * 1.5))
        high = min(width - 1, int(centre + 0.2 * width / count * 1.5) + 1)
        cuts.append(low + int(np.argmin(profile[low:high])) if high > low else int(centre))
    cuts.append(width)
    return list(zip(cuts[:-1], cuts[1:]))


def _chain(glyphs, flats, word_gap: float) -> list[tuple[list, list]]:
    """Chain glyphs into tokens: same line, about the same height, small gaps. A hyphen
    between two glyphs bridges a wider gap and is recorded as a separator."""
    tokens: list[tuple[list, list]] = []
    # a token whose last glyph ends further left than the widest gap the tallest glyph
    # allows cannot take this glyph nor any later one (they come by their left edges):
    # only the tokens still in reach are tried (a frame has a hundred glyphs)
    tallest = max((g[3] - g[1] for g in glyphs), default=0)
    reach = max(word_gap, 2.2) * tallest
    live: list[tuple[list, list]] = []
    for glyph in sorted(glyphs):
        height = glyph[3] - glyph[1]
        cy = (glyph[1] + glyph[3]) / 2
        live = [t for t in live if glyph[0] - t[0][-1][2] <= reach]
        for token, separators in live:
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
            live.append(tokens[-1])
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


def _digit_parts(ink: np.ndarray) -> np.ndarray:
    """A free-form digit's crop without what fell into it beside the digit: specks and
    neighbours' edges (parts under 15% of the largest), and a hyphen (``100-0001``
    written close: the hyphen falls into the next digit's crop, or joins it at the search
    resolution).

    A hyphen is a part of its own, flat, thin, about the middle of the crop's height and
    wholly left or right of the digit's largest part; a digit's own bars (a 7's, a 4's)
    are joined to the digit.
    """
    count, labels, stats = _components((ink > 0).view(np.uint8))
    if count <= 2:
        return ink
    height = ink.shape[0]
    areas = stats[:, cv2.CC_STAT_AREA]
    main = 1 + int(np.argmax(areas[1:]))
    mx0 = stats[main, cv2.CC_STAT_LEFT]
    mx1 = mx0 + stats[main, cv2.CC_STAT_WIDTH]
    keep = areas >= 0.15 * areas[main]
    keep[0] = False
    for label in keep.nonzero()[0].tolist():
        x, y, w, h = stats[label, :4].tolist()
        middle = y + h / 2
        if label != main and w >= 2 * h and h <= 0.25 * height and \
                0.3 * height <= middle <= 0.7 * height and (x + w <= mx0 + 1 or x >= mx1 - 1):
            keep[label] = False
    return np.where(keep[labels], ink, 0).astype(np.uint8)


def find_fields(frame: np.ndarray, options: FieldOptions | None = None,
                lengths: set[int] | None = None, box_fields: bool = True) -> list[Field]:
    """Box-field rows and free-form digit tokens of a frame, box fields first.

    Parameters
    ----------
    frame : (H, W), (H, W, 3) BGR or (H, W, 4) BGRA uint8 ndarray
    options : FieldOptions, optional
    lengths : set of int, optional
        Digit counts a code may have: free-form tokens of other lengths are dropped before
        their crops are cut (the expensive part). Box rows are kept whatever their length.
    box_fields : bool
        Search for rows of pre-printed boxes (False: free-form tokens only, for countries
        whose envelopes have no boxes; see :class:`~edge_digits.postcode.profiles.Profile`).

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
    work = _work(frame)
    ink = _ink_mask(work.ink_image)
    short_side = min(frame.shape[:2])
    rows, areas = _box_fields(work, ink, options, short_side, lengths) if box_fields else ([], [])
    return rows + _line_fields(work, ink, options, short_side, areas, lengths)
