"""Locate handwritten digits in a grayscale frame: find, clean, split, group into lines.

    >>> lines = locate_digits(gray)                   # gray: (H, W) uint8, any size
    >>> for line in lines:                            # top to bottom
    ...     for candidate in line:                    # left to right
    ...         candidate.ink, candidate.box          # white-on-black crop, frame pixels

Stable API (the postcode reader builds on it): :func:`locate_digits` ``(gray, options) ->
list[list[Candidate]]``, :class:`Candidate` ``(ink, box, line, splits, split_first, cuts)``,
:func:`pieces`, :class:`LocateOptions`. Classify candidates with
:meth:`edge_digits.read.DigitReader.read_candidates` (chooses among splits and cuts) or
:meth:`~edge_digits.read.DigitReader.classify_inks` (one digit per crop).

How, and why each step:

1. **Work at a reduced resolution** (``LocateOptions.work_width``, 256 px by default; a
   fifth of the width of frames wider than 1280 px, up to 512) for *finding*; the crops
   handed to the classifier are cut from the full-resolution frame.
   Writing much larger than usual (a digit photographed close up, a number written
   large) is searched again at a lower resolution that brings it to the usual size in
   work pixels: its strokes would otherwise be wider than the background's kernel and
   come out hollow, and its long strokes would look like ruled lines.
2. **Background normalization.** The paper's brightness is estimated on a coarse grid (a
   local maximum, then a median: ink is sparse and darker than paper), and the ink image is
   the *relative* darkness ``(background - pixel) / background``. Shadows and uneven light
   multiply brightness, so relative darkness is unaffected by them; a table outside the
   paper has its own background and is not ink except along the paper's edge (a long thin
   band, removed in step 4).
3. **Thresholds from the image's own noise.** The paper's darkness distribution gives a
   noise level; pixels above a *weak* threshold form components, and only components that
   also hold a pixel above a *strong* threshold are kept (hysteresis): faint pencil strokes
   keep their full extent, paper texture and noise do not start components.
4. **Ruled lines, underlines and boxes** are found by morphological opening with long
   horizontal and vertical lines and removed; strokes that crossed a line are re-joined by
   a short closing across it. The sides of pre-printed boxes, too short for the long
   kernel, are vertical strokes taller than the writing that run from one removed
   horizontal line to another: removed too, so a digit touching one is freed. Remaining
   components that are long and thin relative to the
   text height (box sides, edges) are dropped.
5. **Components to digits.** Components are grouped into lines by their vertical centres
   (digit-sized ones found the lines, smaller pieces join the line they sit in; lines
   side by side whose ends are neighbouring digits are one tilted line); pieces of
   one digit (broken strokes, halves cut by a removed line) that overlap in x, or a piece
   too small for a digit within a fifth of the line's height of another, are merged
   while the union stays digit-sized; specks, dots and dashes small relative to their
   line (unless fainter ink joined to a piece makes a digit: a faint stroke that passed
   the threshold in specks only), box sides (thin strokes from one printed line to
   another), strokes cut by the frame's border and lines much smaller than the
   handwriting (print) are dropped. Ink
   that may be several touching digits (wider than 0.95 of its height) carries
   ``Candidate.cuts``: the columns where it may be cut apart (the minima of its column ink
   profile, and even divisions for overlapping digits); narrower ink from 0.6 heights wide
   (a '1' touching another digit) gets three cuts near its middle. The reader classifies the pieces
   between cuts (:func:`pieces`) only when it doubts the first guess, and keeps the
   likeliest path of pieces across the ink if the classifier is clearly surer of it. Two
   neighbours that almost touch and together are no wider than one digit (a faint '0'
   broken into '(' and ')') become one candidate whose first guess is the two pieces
   (``split_first``) and whose whole is the union: the classifier decides the same way.
6. **Ink crops** are cut at full resolution as anti-aliased relative darkness (not a binary
   mask) above 0.8 of the finding threshold (strokes keep their faint edges), restricted to
   the component's own pixels so that neighbours and paper noise do not leak in, and
   scaled so that the stroke core is saturated like MNIST's.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import cv2
import numpy as np

from .results import Box


@dataclass(frozen=True, slots=True)
class LocateOptions:
    """Options of the locate stage. Sizes are in frame pixels unless said otherwise."""

    #: width of the image digits are *found* in (crops are cut at full resolution); smaller
    #: is faster, but strokes thinner than ~2 frame pixels per work pixel may vanish
    work_width: int = 256
    #: frames wider than ``work_width / work_fraction`` are searched at this fraction of
    #: their width, up to ``max_work_width``: digits are a smaller part of a large photo
    #: (generated 1920x1440 frames: 85% exact at 256 px, 91% at 384)
    work_fraction: float = 0.2
    max_work_width: int = 512
    #: digits shorter than this (frame pixels) are taken for specks or print
    min_digit_height: int = 14
    #: digits taller than this fraction of the frame height are not digits (edges, hands)
    max_digit_height: float = 0.8
    #: the weak (extent) threshold on relative darkness (0..1) follows the paper's noise,
    #: within these bounds (0.05 kept more of faint strokes: +1 point exact on generated
    #: hard frames, but joined digits to faint print and rules on a sample: not taken)
    min_contrast: float = 0.06
    max_weak_contrast: float = 0.2
    #: a component must hold a pixel this dark (0..1): twice the weak threshold, within
    #: these bounds (faint pencil reaches ~0.15 at the work resolution, pens 0.4-0.8)
    min_peak_contrast: float = 0.12
    max_peak_contrast: float = 0.35
    #: crops keep the darkness above this fraction of the weak threshold, within their
    #: component's (dilated) mask: the faint edges and thin parts of strokes that finding
    #: needs no more (0.8: generated hard frames 61.0 -> 63.2% exact, clean 91.3 -> 90.8%;
    #: 0.5-0.7 gained as much on hard frames, but 0.7 let OpenCV 4.11 and 5.0 read a faint
    #: digit differently in make pi-check; the mask keeps the paper's noise out)
    crop_floor: float = 0.8
    #: remove ruled lines, underlines and box sides
    remove_lines: bool = True
    #: split components wider than one digit into several
    split_touching: bool = True
    #: width / height (of the line's height) above which a component is taken for several
    #: touching digits; between ``ambiguous_aspect`` and this, one digit is the first guess
    #: and the reader also tries splits, keeping whichever the classifier is surer of
    split_aspect: float = 1.5
    #: width / height below which a component is always one digit
    ambiguous_aspect: float = 0.95
    #: narrower ink, down to this width / height, may still be two touching digits (a '1'
    #: beside another): it gets cuts near its middle only, which the reader tries only
    #: when the model calls the whole not-a-digit
    narrow_pair_aspect: float = 0.6
    #: average width / height of one handwritten digit, to count touching digits
    digit_aspect: float = 0.68


@dataclass(frozen=True, slots=True)
class Candidate:
    """One probable digit: its ink crop and where it is in the frame."""

    ink: np.ndarray  #: (h, w) uint8, white ink on black, ready for normalize_digit
    box: Box  #: the crop's place in the frame (frame pixels)
    line: int  #: index of its line, top to bottom
    #: readings of the same ink as several touching digits, likeliest first: each a tuple
    #: of 2 or more candidates, left to right. Empty for ink as narrow as one digit. The
    #: reader classifies them all and keeps the segmentation the model is surest of.
    splits: tuple = ()
    #: True when the ink is so wide that it is likelier several digits than one
    split_first: bool = False
    #: for ink that may be several touching digits: the columns of ``ink`` where they may
    #: be cut apart, ascending, its two ends included (see :func:`pieces`); empty otherwise
    cuts: tuple = ()


@dataclass(slots=True)
class _Blob:
    """A group of work-resolution components that make one digit (mutable while grouping)."""

    x0: int
    y0: int
    x1: int
    y1: int
    labels: list

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2.0


#: weights (times 5) of 5 source pixels in 2 output pixels of an area resize by 2/5
_AREA_2_5 = np.array([[2, 0], [2, 0], [1, 1], [0, 2], [0, 2]], np.float32)
_AREA_2_5_ROWS = np.ascontiguousarray(_AREA_2_5.T)  #: the same weights, for 5 rows -> 2


def _shrink(gray: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``cv2.resize(gray, size, interpolation=cv2.INTER_AREA)``, bit for bit.

    640x480 frames shrink by exactly 2/5 to the default work width, where OpenCV's generic
    area resize is the slowest step of the locate stage: there each output pixel is
    ``N / 25`` for an integer ``N`` (weights 2, 2, 1 of 5 each way), computed exactly as
    two small float32 matrix products of integers, and rounded as OpenCV rounds (``N / 25``
    is never half-way, at least 0.02 from it, so float error cannot change the rounding).
    Other sizes: OpenCV.
    """
    height, width = gray.shape
    if (size[0] * 5 != width * 2 or size[1] * 5 != height * 2
            or not gray.flags.c_contiguous):
        return cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    # Rows first: a batched (2, 5) @ (5, width) product per 5 rows is ~3x faster than the
    # (N, 5) @ (5, 2) product on the full frame's columns, which is then done on 2/5 of
    # the rows only (640x480: 0.40 -> 0.26 ms, same pixels).
    rows = np.matmul(_AREA_2_5_ROWS, gray.reshape(height // 5, 5, width).astype(np.float32))
    sums = (rows.reshape(-1, 5) @ _AREA_2_5).reshape(size[1], size[0])  # each row's 5 -> 2
    # saturate(round(N / 25)) of each sum, checked for every possible N in test_locate
    return cv2.convertScaleAbs(sums, alpha=1 / 25)


def _background(small: np.ndarray) -> np.ndarray:
    """The paper's brightness at every pixel of ``small`` (same shape, uint8)."""
    height, width = small.shape
    # A morphological closing at half the work resolution removes dark features narrower
    # than its kernel (pen strokes up to ~1/23 of the frame width) and keeps broad dark
    # regions (shadows, a table) as background, so they are not taken for ink.
    half = cv2.resize(small, (max(4, width // 2), max(4, height // 2)), interpolation=cv2.INTER_AREA)
    closed = cv2.morphologyEx(half, cv2.MORPH_CLOSE, _CLOSE_KERNEL)
    closed = cv2.blur(closed, (3, 3))
    smooth = cv2.resize(closed, (width, height), interpolation=cv2.INTER_LINEAR)
    # That estimate is smooth, and so it is too bright for a pixel or two on the dark side
    # of a sharp shadow's edge (a phone or a hand under a lamp): a thin false line of ink
    # along the edge that joins every digit it crosses into one frame-tall component.
    # Near steep steps of the background, a closing at the work resolution with a square
    # as wide keeps a straight edge exactly (as it keeps any region wider than the
    # square): there the darker of the two is the paper. Not near the frame's border,
    # where steps are mostly the paper's edge with a table beyond: there the false line
    # joins the table's grain into one frame-sized component, which is dropped (with the
    # sharp estimate, bits of grain came out as marks beside the strings: generated hard
    # frames -1.2 points). Generated frames with a sharp shadow across the digits: 0.40
    # -> 0.90 exact; used everywhere, the sharp estimate lost faint strokes on textured
    # paper (generated hard frames -4 points).
    steps = cv2.morphologyEx(closed, cv2.MORPH_GRADIENT, _STEP_KERNEL)
    near_step = cv2.compare(steps, cv2.LUT(closed, _STEP_TABLE), cv2.CMP_GT)
    half_h, half_w = near_step.shape
    border_y, border_x = int(_STEP_BORDER * half_h), int(_STEP_BORDER * half_w)
    inner = near_step[border_y:half_h - border_y, border_x:half_w - border_x]
    if not inner.any():
        return smooth
    near_step = np.zeros_like(near_step)
    near_step[border_y:half_h - border_y, border_x:half_w - border_x] = inner
    near_step = cv2.resize(cv2.dilate(near_step, _STEP_KERNEL), (width, height),
                           interpolation=cv2.INTER_NEAREST)
    sharp = cv2.min(smooth, cv2.morphologyEx(small, cv2.MORPH_CLOSE, _EDGE_KERNEL))
    return cv2.copyTo(sharp, near_step, smooth)


_EDGE_KERNEL = cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15))
_STEP_KERNEL = np.ones((3, 3), np.uint8)
#: a background step steeper than this fraction of the brightness over 3 half-resolution
#: pixels is a sharp shadow's or the paper's edge (light gradients are far below it)
_STEP = 0.15
_STEP_BORDER = 0.1  #: steps this close to the frame's border (of its size) are the paper's edge
#: ``cv2.multiply(value, _STEP)`` of every uint8 value, made by that same call: a table
#: lookup gives the same bytes at a third of the cost of multiplying by a float scalar
_STEP_TABLE = cv2.multiply(np.arange(256, dtype=np.uint8).reshape(1, 256), _STEP)


_DILATE_KERNELS: dict = {}


def _dilate_kernel(sx: float, sy: float) -> np.ndarray:
    """A rectangle reaching most of a work pixel (``sx`` x ``sy`` frame pixels) each way."""
    size = (2 * max(1, int(sx)) + 1, 2 * max(1, int(sy)) + 1)
    kernel = _DILATE_KERNELS.get(size)
    if kernel is None:
        kernel = _DILATE_KERNELS[size] = np.ones((size[1], size[0]), np.uint8)
    return kernel


_CLOSE_KERNEL = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))


def _darkness(gray: np.ndarray, background: np.ndarray) -> np.ndarray:
    """Relative darkness ``255 * (background - gray) / background`` as uint8."""
    difference = cv2.subtract(background, gray)
    return cv2.divide(difference, cv2.max(background, 1), scale=255)


def _thresholds(dark: np.ndarray, options: LocateOptions) -> tuple[int, int]:
    """(weak, strong) darkness thresholds from the image's own noise level."""
    cumulative = cv2.calcHist([dark], [0], None, [256], [0, 256]).cumsum()
    total = cumulative[-1]
    median, p75 = cumulative.searchsorted([0.5 * total, 0.75 * total]).tolist()
    # Paper pixels are most of the frame: the spread of the lower three quarters is their
    # noise (a table's texture or ink elsewhere does not reach the median and quartile).
    noise = max(1.0, (p75 - median) / 0.674)
    weak = median + 4.0 * noise
    weak = min(max(weak, options.min_contrast * 255), options.max_weak_contrast * 255)
    strong = max(median + 8.0 * noise, 2.0 * weak)
    strong = min(max(strong, options.min_peak_contrast * 255), options.max_peak_contrast * 255)
    return int(weak), int(strong)


def _connected(mask: np.ndarray):
    """8-connected components with stats (BBDT: about twice as fast here as the default)."""
    return cv2.connectedComponentsWithStatsWithAlgorithm(mask, 8, cv2.CV_32S, cv2.CCL_BBDT)


def _text_height(stats: np.ndarray, min_height: float, max_height: float) -> float:
    """A rough height of the writing: the median height of digit-shaped components no
    taller than ``max_height`` (a digit may fill most of a small frame: one read at
    half the frame's height had its strokes removed as lines)."""
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    shaped = heights[(heights >= min_height) & (widths < 2.5 * heights) & (heights <= max_height)]
    return float(np.median(shaped)) if shaped.size else 0.0


def _remove_lines(mask: np.ndarray, text_height: float = 0.0) -> tuple[np.ndarray, np.ndarray | None]:
    """Remove long horizontal and vertical lines from a binary mask; re-join crossings.

    A line is longer than any stroke of a digit: at least a tenth of the frame (a quarter
    for vertical lines) and twice the height of the writing. Returns the cleaned mask and
    the removed horizontal lines (None if there were none), to find box sides by them.
    """
    height, width = mask.shape
    h_len = int(max(15, width // 10, 2.0 * text_height))
    v_len = int(max(15, height // 4, 2.0 * text_height))
    # Thickening across the line first keeps a slightly rotated thin line (a few degrees)
    # in one piece under the long opening kernel.
    thick_h = cv2.dilate(mask, np.ones((3, 1), np.uint8))
    thick_v = cv2.dilate(mask, np.ones((1, 3), np.uint8))
    horizontal = cv2.morphologyEx(thick_h, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1)))
    vertical = cv2.morphologyEx(thick_v, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len)))
    horizontal = cv2.bitwise_and(horizontal, mask)
    vertical = cv2.bitwise_and(vertical, mask)
    if text_height > 0 and horizontal.any():
        vertical = cv2.bitwise_or(vertical, _box_sides(thick_v, mask, horizontal, text_height))
    lines = cv2.bitwise_or(horizontal, vertical)
    if not lines.any():
        return mask, None
    cleaned = cv2.bitwise_and(mask, cv2.bitwise_not(lines))
    # A stroke that crossed a line is cut in two: close across the line's thickness, but
    # only inside the removed band, so the line itself does not come back.
    rejoin_h = cv2.morphologyEx(cleaned, cv2.MORPH_CLOSE, np.ones((9, 1), np.uint8))
    rejoin_v = cv2.morphologyEx(cleaned, cv2.MORPH_CLOSE, np.ones((1, 9), np.uint8))
    rejoined = cv2.bitwise_or(rejoin_h, rejoin_v)
    restored = cv2.bitwise_and(rejoined, lines)
    return cv2.bitwise_or(cleaned, restored), (horizontal if horizontal.any() else None)


def _box_sides(thick_v: np.ndarray, mask: np.ndarray, horizontal: np.ndarray,
               text_height: float) -> np.ndarray:
    """Vertical strokes taller than the writing that run from one horizontal line to
    another: the sides of pre-printed boxes (too short for the long vertical kernel). A
    digit touching a box side would otherwise be one component with it."""
    length = int(max(5, _BOX_SIDE * text_height))
    upright = cv2.morphologyEx(thick_v, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    upright = cv2.bitwise_and(upright, mask)
    sides = np.zeros_like(mask)
    if not upright.any():
        return sides
    count, labels, stats, _ = _connected(upright)
    for label in range(1, count):
        x, y, w, h, _ = (int(v) for v in stats[label])
        if w <= max(3, 0.25 * h) and _between_rules(horizontal, x, y, w, h):
            sides[labels == label] = 255
    return sides


#: a component at least this many times wider than tall (and a tenth of the frame) may
#: hold a line, so lines are looked for; a line with a digit joined to it is not as flat
#: as a line alone
_LINE_ASPECT = 1.5

_BOX_SIDE = 1.3  #: a box side is at least this many times the writing's height


def _between_rules(rules: np.ndarray, x: int, y: int, w: int, h: int) -> bool:
    """True when removed horizontal lines touch both the top and the bottom of a box."""
    x0, x1 = max(0, x - 3), x + w + 3
    top = rules[max(0, y - 3):y + 3, x0:x1]
    bottom = rules[max(0, y + h - 3):y + h + 3, x0:x1]
    return bool(top.any() and bottom.any())


def _poles(line: list[_Blob]) -> list[_Blob]:
    """Thin blobs much taller than the others of their line: box sides, edges, margins."""
    if len(line) < 2:
        return []
    poles = []
    heights = sorted(b.height for b in line)
    for blob in line:
        others = list(heights)
        others.remove(blob.height)
        median = others[len(others) // 2]
        if blob.height > 1.35 * median and blob.width < 0.2 * blob.height:
            poles.append(blob)
    return poles


def _merge_pieces(blobs: list[_Blob], line_height: float) -> list[_Blob]:
    """Merge pieces of one digit of a line: overlapping in x (or a small piece near
    another), together not larger than a digit."""
    blobs = sorted(blobs, key=lambda b: b.x0)
    bridge = _BRIDGE * line_height
    merged = True
    while merged:
        merged = False
        for i in range(len(blobs)):
            a = blobs[i]
            for j in range(i + 1, len(blobs)):
                b = blobs[j]
                if b.x0 >= a.x1 + bridge:
                    break
                overlap = min(a.x1, b.x1) - max(a.x0, b.x0)
                small = min(a.height, b.height) < 0.45 * line_height
                # a piece too small for a digit (of a broken or dotted stroke) may lie beside
                # the rest of its digit with a small gap: bridged when the union fits a digit
                near = small and -overlap <= bridge and max(a.y0, b.y0) - min(a.y1, b.y1) <= bridge
                if overlap < (0.2 if small else 0.3) * min(a.width, b.width) and not near:
                    continue
                union_h = max(a.y1, b.y1) - min(a.y0, b.y0)
                union_w = max(a.x1, b.x1) - min(a.x0, b.x0)
                gap = max(a.y0, b.y0) - min(a.y1, b.y1)
                # Pieces cut apart by a removed line are stacked with a thin gap; the line's
                # height may then be that of the pieces, so it does not bound them.
                stacked = gap <= max(2.0, 0.2 * line_height) and union_h <= 2.4 * line_height
                if union_w > 1.1 * max(line_height, union_h) or (union_h > 1.3 * line_height and not stacked):
                    continue  # together they would be larger than one digit
                blobs[i] = _Blob(min(a.x0, b.x0), min(a.y0, b.y0), max(a.x1, b.x1),
                                 max(a.y1, b.y1), a.labels + b.labels)
                del blobs[j]
                merged = True
                break
            if merged:
                break
    return blobs


def _group_lines(blobs: list[_Blob], min_height: float) -> list[list[_Blob]]:
    """Group blobs into lines; lines top to bottom, blobs left to right.

    Blobs at least ``min_height`` tall found the lines (tallest first); smaller pieces
    (broken strokes, dots) join the line whose vertical span holds their centre, or are
    dropped.
    """
    lines: list[list[_Blob]] = []
    spans: list[list[float]] = []
    ordered = sorted(blobs, key=lambda b: -b.height)
    small = []
    for blob in ordered:
        if blob.height < min_height:
            small.append(blob)
            continue
        for line, span in zip(lines, spans):
            if span[0] <= blob.cy <= span[1]:
                line.append(blob)
                break
        else:
            lines.append([blob])
            spans.append([blob.y0, blob.y1])
    for blob in small:
        for line, span in zip(lines, spans):
            # pieces of a digit cut off by a removed line or a gap lie within half a
            # digit height above or below the line; merging decides which belong
            margin = 0.5 * (span[1] - span[0])
            if span[0] - margin <= blob.cy <= span[1] + margin:
                line.append(blob)
                break
    lines = _join_tilted([sorted(line, key=lambda b: b.x0) for line in lines if line], min_height)
    return sorted(lines, key=lambda line: min(b.y0 for b in line) + max(b.y1 for b in line))


def _join_tilted(lines: list[list[_Blob]], min_height: float) -> list[list[_Blob]]:
    """Join lines that are pieces of one tilted line (a photo taken at an angle).

    A line is founded by its tallest digit's vertical span; along a line tilted by more
    than a few degrees the digits' centres leave that span, and the line falls apart into
    pieces side by side, each a little higher than the one before. Two lines join when
    they follow each other left to right (overlapping by at most about one digit) and the
    digits where they meet are neighbours: a gap of at most about one digit height and
    centres within half a digit height of each other. Lines written one under the other
    are further apart than that (and mostly overlap in x), so they stay apart.
    """
    while True:
        pair = next(((i, j) for i, left in enumerate(lines) for j, right in enumerate(lines)
                     if i != j and _follows(left, right, min_height)), None)
        if pair is None:
            return lines
        i, j = pair
        lines[i] = sorted(lines[i] + lines[j], key=lambda b: b.x0)
        del lines[j]


def _follows(left: list[_Blob], right: list[_Blob], min_height: float) -> bool:
    """True when ``right`` continues ``left`` to its right (see :func:`_join_tilted`)."""
    tall_left = [b for b in left if b.height >= min_height] or left
    tall_right = [b for b in right if b.height >= min_height] or right
    end = max(tall_left, key=lambda b: b.x1)
    start = min(tall_right, key=lambda b: b.x0)
    if start.x0 <= min(b.x0 for b in tall_left) or end.x1 >= max(b.x1 for b in tall_right):
        return False  # not side by side
    height = max(end.height, start.height)
    overlap = end.x1 - start.x0
    if overlap > 0.8 * height or -overlap > 1.2 * height:
        return False
    return abs(end.cy - start.cy) <= 0.5 * height


def _percentile75(values: list) -> float:
    """``np.percentile(values, 75)`` (linear) of a short list of integer-valued numbers,
    without numpy's overhead (called once per line). Exact here: the interpolation weight
    is a multiple of 1/4, so every step is exact in float64."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * 0.75
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    weight = position - low
    return float(ordered[low] + (ordered[high] - ordered[low]) * weight)


def _fragments(a: _Blob, b: _Blob, line_height: float) -> bool:
    """True when ``a`` and its right neighbour ``b`` may be one digit broken in two: they
    almost touch, overlap vertically, and together are no wider than one digit."""
    gap = b.x0 - a.x1
    union_h = max(a.y1, b.y1) - min(a.y0, b.y0)
    union_w = max(a.x1, b.x1) - a.x0
    overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
    return (gap <= _FRAGMENT_GAP * line_height and overlap > 0
            and union_w <= _FRAGMENT_WIDTH * max(line_height, union_h))


_FRAGMENT_GAP = 0.08
_BRIDGE = 0.2  #: gap (of the line height) bridged between a small piece and its digit
_FRAGMENT_WIDTH = 0.95


def _cuts(blob: _Blob, labels: np.ndarray, height: float, counts: list[int]) -> list[int]:
    """Where touching digits of a blob may be cut apart: work-resolution columns from its
    left end, both ends included.

    The cuts are the minima of the column ink profile (where two digits touch the column
    holds little ink), and the even divisions into each count of ``counts`` (overlapping
    digits leave no minimum), at most ``_MAX_CUTS``, keeping the thinnest columns.
    """
    width = blob.width
    region = labels[blob.y0:blob.y1, blob.x0:blob.x1]
    mask = region == blob.labels[0] if len(blob.labels) == 1 else np.isin(region, blob.labels)
    # column ink counts as float32 in one call (the same values as sum().astype(float32))
    profile = cv2.reduce(mask.view(np.uint8), 0, cv2.REDUCE_SUM, dtype=cv2.CV_32F).ravel()
    profile = np.convolve(profile, _THIRDS, mode="same")
    edge = max(2, int(round(_MIN_PIECE * height)))
    found = {}
    values = profile.tolist()  # Python floats: indexed below without numpy scalars
    inner = profile[edge:width - edge]
    if inner.size >= 3:
        low = (inner[1:-1] <= inner[:-2]) & (inner[1:-1] <= inner[2:]) & (
            (inner[1:-1] < inner[:-2]) | (inner[1:-1] < inner[2:]))
        for at in (low.nonzero()[0] + (edge + 1)).tolist():
            found[at] = values[at]
    for parts in counts:
        for i in range(1, parts):
            at = int(round(i * width / parts))
            if edge <= at <= width - edge:
                found.setdefault(at, values[at] + 0.5)  # a division, not a minimum
    cuts = []
    for at in sorted(found, key=found.get):  # thinnest first; neighbours of a kept cut go
        if all(abs(at - kept) > 1 for kept in cuts):
            cuts.append(at)
        if len(cuts) == _MAX_CUTS:
            break
    return [0] + sorted(cuts) + [width]


_LONE_STRING = 1.2  #: width / height of a lone blob kept as possibly touching digits
_MIN_PIECE = 0.15  #: narrowest piece (of the height) a cut may leave: a thin '1'
_MAX_PIECE = 1.3  #: widest piece (of the height): wider ones are several digits
_MAX_CUTS = 10
_THIRDS = np.ones(3, np.float32) / 3  #: the column profile's smoothing kernel


def pieces(candidate: Candidate) -> list[tuple[int, int, Candidate]]:
    """The pieces of touching digits between the cuts of ``candidate`` (see
    :attr:`Candidate.cuts`): ``(start, stop, piece)`` for cut indices ``start < stop``,
    the whole ink excepted, each no narrower than a thin '1' and no wider than a wide digit
    (of the ink's height). Every path of pieces from the first cut to the last is one
    reading of the ink as several digits.

    A piece is the whole ink between two cuts, trimmed to its own ink and stretched like
    a crop (so cheap that the reader cuts pieces only for the candidates it doubts).
    """
    cuts = candidate.cuts
    ink = candidate.ink
    box = candidate.box
    low, high = _MIN_PIECE * box.height, _MAX_PIECE * box.height
    result = []
    for i, start in enumerate(cuts):
        for j in range(i + 1, len(cuts)):
            stop = cuts[j]
            if stop - start > high:
                break
            if stop - start < low or (i == 0 and j == len(cuts) - 1):
                continue
            part = ink[:, start:stop]
            bx, by, bw, bh = cv2.boundingRect(part)
            if not bw:
                continue
            part = _stretch_masked(np.ascontiguousarray(part[by:by + bh, bx:bx + bw]))
            result.append((i, j, Candidate(part, Box(box.x + start + bx, box.y + by, bw, bh),
                                           candidate.line)))
    return result


def _segmentations(blob: _Blob, line_height: float, options: LocateOptions) -> list[int]:
    """How many digits a blob may hold, the likeliest first (by its width)."""
    height = max(blob.height, 0.8 * line_height)
    aspect = blob.width / height
    if not options.split_touching or aspect < options.ambiguous_aspect:
        return [1]
    estimate = max(2, int(round(aspect / options.digit_aspect)))
    counts = [estimate, estimate + 1, 1] if aspect >= options.split_aspect else [1, estimate]
    if estimate > 2:
        counts.append(estimate - 1)
    # each part must stay wide enough to hold a digit (a '1' is ~0.25 of its height)
    return [k for k in dict.fromkeys(counts) if k == 1 or aspect / k >= 0.25]


def locate_digits(gray: np.ndarray, options: LocateOptions | None = None) -> list[list[Candidate]]:
    """Find digit candidates in a grayscale frame, grouped into lines.

    Parameters
    ----------
    gray : (H, W) uint8 ndarray
        A grayscale frame (see :func:`edge_digits.frame.as_gray`); dark ink on lighter paper.
    options : LocateOptions, optional

    Returns
    -------
    list of lines, top to bottom; each a list of :class:`Candidate`, left to right.
    """
    return _locate(gray, options or LocateOptions(), None)


def _locate(gray: np.ndarray, options: LocateOptions, text_height: float | None) -> list[list[Candidate]]:
    """:func:`locate_digits`; ``text_height`` (work pixels) is known when the frame is
    searched again at a resolution chosen for its writing (see :func:`_rescaled`), None
    on the first search."""
    full_h, full_w = gray.shape
    work_width = max(options.work_width, min(options.max_work_width, round(full_w * options.work_fraction)))
    scale = min(1.0, work_width / full_w)
    if scale < 1.0:
        work_size = (max(8, int(round(full_w * scale))), max(8, int(round(full_h * scale))))
        small = _shrink(gray, work_size)
    else:
        small = gray
    if text_height is None:
        rescaled = _rescaled(options, _large_writing(small, options), small.shape[1])
        if rescaled is not None:
            return _locate(gray, rescaled, _TEXT_TARGET)
    sy, sx = full_h / small.shape[0], full_w / small.shape[1]
    background = _background(small)
    dark = _darkness(small, background)
    weak, strong = _thresholds(dark, options)
    _, mask = cv2.threshold(dark, weak, 255, cv2.THRESH_BINARY)
    min_h = options.min_digit_height / sy
    count, labels, stats, _ = _connected(mask)
    height, width = mask.shape
    rules = None
    widths, heights = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    if options.remove_lines and count > 1 and (
            ((widths >= max(15, width // 10)) & (widths >= _LINE_ASPECT * heights)).any()
            or ((heights >= max(15, height // 4)) & (heights >= 2.5 * widths)).any()
            or (widths >= width // 3).any() or (heights >= height // 2).any()):
        # something long enough to be a line: remove lines, then take components again
        mask, rules = _remove_lines(mask, text_height or _text_height(stats, min_h, options.max_digit_height * height))
        count, labels, stats, _ = _connected(mask)
    # hysteresis: keep the components that hold at least one strongly dark pixel. A 0/1
    # threshold viewed as booleans picks their labels in one step; no AND with ``mask`` is
    # needed: strong >= weak, so a strong pixel outside the mask (a removed line) has the
    # background's label 0, which is not kept
    _, strong_mask = cv2.threshold(dark, strong, 1, cv2.THRESH_BINARY)
    keep = np.zeros(count, bool)
    keep[labels[strong_mask.view(bool)]] = True  # (no np.unique: sorting is slower)
    keep[0] = False

    min_h = options.min_digit_height / sy
    max_h = options.max_digit_height * small.shape[0]
    blobs = []
    rows = stats.tolist()  # Python ints: one conversion instead of five per component
    for label in np.flatnonzero(keep).tolist():
        x, y, w, h, area = rows[label]
        if h > max_h or w > 0.9 * small.shape[1]:
            continue  # frame-sized: an edge or a shadow boundary, not a digit
        if max(w, h) < min_h * 0.4 or area < 3:
            continue  # a speck (pieces of digits are merged below, so keep small parts)
        if x <= 0 or y <= 0 or x + w >= small.shape[1] or y + h >= small.shape[0]:
            continue  # cut by the frame's border: unreadable, or the paper's edge
        if rules is not None and w < 0.3 * h and _between_rules(rules, x, y, w, h):
            continue  # a box side: a thin stroke from one printed line to another
        blobs.append(_Blob(x, y, x + w, y + h, [label]))
    if not blobs:
        return []
    lines = _group_lines(blobs, min_h)
    # A tall thin blob (a box side, the paper's edge) founds a line of its own and swallows
    # the digits beside it: drop blobs much taller than the rest of their line, regroup.
    dropped = {id(b) for line in lines for b in _poles(line)}
    if dropped:
        lines = _group_lines([b for b in blobs if id(b) not in dropped], min_h)
    if not lines:
        return []
    # a line's height: from the blobs tall enough to be digits (attached pieces would
    # pull it down)
    heights = [_percentile75([b.height for b in line if b.height >= min_h] or [min_h])
               for line in lines]
    tallest = max(h for h, line in zip(heights, lines) if len(line) > 1 or len(lines) == 1) \
        if any(len(line) > 1 for line in lines) or len(lines) == 1 else max(heights)
    result: list[list[Candidate]] = []
    full_dark = None
    kept_lines = []
    next_label = count  # labels for faint strokes grown from their darkest pieces
    for line, line_height in zip(lines, heights):
        if line_height < 0.5 * tallest:
            continue  # much smaller than the handwriting: print, specks
        line = _merge_pieces(line, line_height)
        kept = []
        for blob in line:
            if blob.height < 0.45 * line_height:
                grown = _grow_faint(blob, line, dark, weak, labels, line_height, next_label) \
                    if blob.height >= _FAINT_SEED * line_height else None
                if grown is None:
                    continue  # dots, dashes, specks beside the digits
                blob, next_label = grown, next_label + 1
            if blob.width > 3.0 * blob.height and blob.height < 0.6 * line_height:
                continue  # a dash or a piece of line
            if blob.height > 2.2 * line_height and blob.width < 0.3 * blob.height:
                continue  # a box side or margin line, taller than the text
            kept.append(blob)
        if len(kept) == 1 and kept[0].width < 0.3 * kept[0].height and len(lines) > 1:
            continue  # a lone thin stroke beside other writing: an edge or margin, not a '1'
        if kept:
            kept_lines.append((kept, line_height))
    longest = max((len(kept) for kept, _ in kept_lines), default=0)
    for kept, line_height in kept_lines:
        if len(kept) == 1 and longest >= 3 and kept[0].width < _LONE_STRING * kept[0].height:
            # a lone mark beside strings of digits: a paper corner, a tick, a smudge (but ink
            # as wide as several digits may be a string of touching digits: kept)
            continue
        index = len(result)
        if full_dark is None:
            # relative darkness at full resolution, once per frame, over the part of the
            # frame that holds candidates: every crop is cut from it
            full_dark = _FullDarkness(gray, background, int(weak * options.crop_floor), sx, sy,
                                      kept_lines)
        candidates = []
        counts_of = [_segmentations(blob, line_height, options) for blob in kept]
        skip = False
        for at, blob in enumerate(kept):
            if skip:
                skip = False
                continue
            counts = counts_of[at]
            if at + 1 < len(kept) and counts == [1] and counts_of[at + 1] == [1] and \
                    _fragments(blob, kept[at + 1], line_height):
                # two pieces that may be one digit broken in two (a faint '0' as '(' and
                # ')'): the two digits are the first guess, the classifier may prefer one
                pair = kept[at + 1]
                union = _Blob(blob.x0, min(blob.y0, pair.y0), max(blob.x1, pair.x1),
                              max(blob.y1, pair.y1), blob.labels + pair.labels)
                whole = _crop(full_dark, labels, union, sx, sy, index)
                parts = (_crop(full_dark, labels, blob, sx, sy, index),
                         _crop(full_dark, labels, pair, sx, sy, index))
                candidates.append(Candidate(whole.ink, whole.box, index, (parts,), True))
                skip = True
                continue
            whole = _crop(full_dark, labels, blob, sx, sy, index)
            cuts = _ink_cuts(blob, whole.box, labels, line_height, counts, sx, options)
            if cuts:
                whole = Candidate(whole.ink, whole.box, index, split_first=counts[0] != 1, cuts=cuts)
            candidates.append(whole)
        result.append(candidates)
    return result


def _grow_faint(blob: _Blob, line: list[_Blob], dark: np.ndarray, weak: int, labels: np.ndarray,
                line_height: float, label: int) -> _Blob | None:
    """A digit of faint ink grown from a piece too small for a digit, or None.

    A faint or thin stroke (pencil, a '1' written lightly, JPEG and blur on top) may pass
    the ink threshold only in a few specks, which are dropped as dots. Around such a piece,
    ink down to ``_FAINT_INK`` of the threshold is taken, joined to the piece; if that makes
    something of a digit's size that touches no other blob of the line, it is the digit:
    its pixels get the new ``label`` in ``labels`` (so crops find them) and its blob is
    returned.
    """
    reach = 0.5 * line_height
    x0, x1 = max(0, int(blob.x0 - reach)), min(dark.shape[1], int(blob.x1 + reach) + 1)
    y0 = max(0, int(blob.cy - 0.9 * line_height))
    y1 = min(dark.shape[0], int(blob.cy + 0.9 * line_height) + 1)
    window = labels[y0:y1, x0:x1]
    _, faint = cv2.threshold(dark[y0:y1, x0:x1], int(_FAINT_INK * weak), 255, cv2.THRESH_BINARY)
    _, parts = cv2.connectedComponents(faint, connectivity=8)
    own = np.isin(window, blob.labels)
    chosen = np.unique(parts[own & (parts > 0)])
    if chosen.size == 0:
        return None
    grown = np.isin(parts, chosen)
    bx, by, bw, bh = cv2.boundingRect(grown.view(np.uint8))
    if not (_FAINT_MIN * line_height <= bh <= 1.3 * line_height and bw <= 1.1 * line_height):
        return None
    if bx == 0 or by == 0 or bx + bw == x1 - x0 or by + bh == y1 - y0:
        return None  # runs out of the window: a line or a larger mark, not one digit
    gx0, gy0, gx1, gy1 = x0 + bx, y0 + by, x0 + bx + bw, y0 + by + bh
    if any(b is not blob and b.x0 < gx1 and gx0 < b.x1 and b.y0 < gy1 and gy0 < b.y1
           for b in line):
        return None  # reaches another blob of the line: not a separate digit
    window[grown & ((window == 0) | own)] = label
    return _Blob(gx0, gy0, gx1, gy1, [label])


#: a faint stroke is grown from a piece at least this much of the line's height (a bit of
#: a stroke, not a speck), with ink down to this much of the threshold, and must reach
#: this much of the line's height (generated hard frames, 4 seeds: 63.0 -> 63.5% exact,
#: three faint '1's found, one faint '3' misread as a '1'; clean frames unchanged)
_FAINT_SEED = 0.2
_FAINT_INK = 0.5
_FAINT_MIN = 0.5


def _large_writing(small: np.ndarray, options: LocateOptions) -> float:
    """The height (work pixels) of the tallest digit-shaped component taller than
    ``_LARGE_TEXT``, 0 if there is none.

    Looked for in a thumbnail a quarter of the work image's width, where the background's
    kernel is four times wider relative to the strokes: at the work resolution a large
    digit's thick strokes come out hollow or in pieces, and its long strokes may be
    removed as lines, so its size is not seen there.
    """
    height, width = small.shape
    thumb = cv2.resize(small, (max(8, width // _THUMB), max(8, height // _THUMB)),
                       interpolation=cv2.INTER_AREA)
    dark = _darkness(thumb, _background(thumb))
    weak, _ = _thresholds(dark, options)
    _, mask = cv2.threshold(dark, weak, 255, cv2.THRESH_BINARY)
    _, labels, stats, _ = _connected(mask)
    thumb_h, thumb_w = thumb.shape
    max_h = options.max_digit_height * thumb_h
    # a plain loop over the few components: a dozen numpy calls on arrays this short cost
    # more than the comparisons themselves
    large = [label for label, (x, y, w, h, _) in enumerate(stats.tolist()[1:], start=1)
             if h * _THUMB > _LARGE_TEXT and h <= max_h and 0.15 * h <= w <= 1.6 * h
             and x > 0 and y > 0 and x + w < thumb_w and y + h < thumb_h]
    if not large:
        return 0.0
    # Ink strokes, not a patch of shadow as large, alone or joined to a string of digits
    # (generated hard frames: 9 of 300 have one): most of the component is as dark as
    # ink, and half a stroke's width (the largest distance to the component's edge) is a
    # small part of a digit's height, even for a felt pen.
    inside = cv2.distanceTransform(mask, cv2.DIST_L2, 3)
    tallest = 0
    for label in large:
        lx, ly, lw, lh, _ = stats[label].tolist()
        box = slice(ly, ly + lh), slice(lx, lx + lw)
        region = labels[box] == label
        if inside[box][region].max() <= _HALF_STROKE * lh and \
                np.median(dark[box][region]) >= _LARGE_INK:
            tallest = max(tallest, lh)
    return tallest * height / thumb_h


_THUMB = 4  #: the large-writing check's thumbnail is this many times smaller
_HALF_STROKE = 0.2  #: half a stroke's width, at most, of a large digit's height
#: the median darkness (0..255, relative) of a large digit's pixels at the thumbnail is
#: at least this (generated large digits: 94 and up; shadows joined to digits: 28-44)
_LARGE_INK = 80


def _rescaled(options: LocateOptions, text_height: float, work_width: int) -> LocateOptions | None:
    """Options to search again at a lower resolution that suits large writing, or None.

    The background's closing kernel spans a fixed part of the work image: a pen stroke
    wider than it (digits written large, or photographed close up: a single digit filling
    the frame) becomes background, its digit comes out hollow or in pieces, and its long
    strokes look like ruled lines. Writing taller than ``_LARGE_TEXT`` work pixels is
    searched once more at the width that makes it ``_TEXT_TARGET`` pixels tall, as
    writing of the usual size is. (Searching small writing again at a higher resolution
    changed nothing measurable: 24-pixel digits in 640x480 frames and 2560x1920 photos
    read the same, at up to 1.5x the time.)
    """
    if text_height <= _LARGE_TEXT:
        return None
    width = max(_MIN_WORK_WIDTH, round(work_width * _TEXT_TARGET / text_height))
    return replace(options, work_width=width, work_fraction=0.0, max_work_width=width)


_LARGE_TEXT = 48  #: writing taller than this (work pixels) is searched at a lower resolution
_TEXT_TARGET = 24  #: the writing's height (work pixels) after rescaling
_MIN_WORK_WIDTH = 48


def _ink_cuts(blob: _Blob, box: Box, labels: np.ndarray, line_height: float, counts: list[int],
              sx: float, options: LocateOptions) -> tuple:
    """:attr:`Candidate.cuts` for a blob whose ink crop is ``box``: its profile cuts
    (:func:`_cuts`) moved from work columns to the ink's columns when it may be several
    digits; three cuts near the middle of narrower ink that may still be two (a '1'
    beside a digit; no profile needed); empty otherwise."""
    width = box.width
    if counts == [1]:
        if options.split_touching and \
                blob.width >= options.narrow_pair_aspect * max(blob.height, 0.8 * line_height):
            return tuple(sorted({0, width} | {round(width * f) for f in (0.35, 0.5, 0.65)}))
        return ()
    found = _cuts(blob, labels, max(blob.height, 0.8 * line_height), counts)
    cuts = sorted({0, width} | {min(width, max(0, round((blob.x0 + at) * sx) - box.x))
                                for at in found})
    return tuple(cuts) if len(cuts) > 2 else ()


class _FullDarkness:
    """Relative darkness minus ``floor`` at the frame's resolution (uint8), computed once
    over the bounding box of all candidates; indexed in frame coordinates."""

    def __init__(self, gray, background, floor, sx, sy, kept_lines):
        blobs = [b for kept, _ in kept_lines for b in kept]
        full_h, full_w = gray.shape
        wx0 = max(0, min(b.x0 for b in blobs) - 2)
        wy0 = max(0, min(b.y0 for b in blobs) - 2)
        wx1 = min(background.shape[1], max(b.x1 for b in blobs) + 2)
        wy1 = min(background.shape[0], max(b.y1 for b in blobs) + 2)
        self.x0, self.y0 = math.floor(wx0 * sx), math.floor(wy0 * sy)
        x1, y1 = min(full_w, math.ceil(wx1 * sx)), min(full_h, math.ceil(wy1 * sy))
        self.shape = (full_h, full_w)
        region = gray[self.y0:y1, self.x0:x1]
        if sx == 1.0 and sy == 1.0:
            region_background = background[self.y0:y1, self.x0:x1]
        else:
            # resize the work-resolution background of the region to the region's size
            # (aligned on the same frame coordinates as a whole-frame resize, to a pixel)
            region_background = cv2.resize(background[wy0:wy1, wx0:wx1], (x1 - self.x0, y1 - self.y0),
                                           interpolation=cv2.INTER_LINEAR)
        self.dark = cv2.subtract(_darkness(region, region_background), floor)

    def crop(self, x0, y0, x1, y1):
        return self.dark[y0 - self.y0:y1 - self.y0, x0 - self.x0:x1 - self.x0]


def _stretch_masked(dark: np.ndarray) -> np.ndarray:
    """Masked darkness (zero outside the ink) scaled so that the darkest fifth of the ink
    saturates (like MNIST)."""
    # histogram of the ink values 1..255 only (bin j holds value j + 1): the cumulative
    # count's last entry is the number of ink pixels (float32, exact below 2**24)
    # (the array methods, not np.cumsum / np.searchsorted: their dispatch costs ~3 us a
    # crop here, a quarter of this function)
    cumulative = cv2.calcHist([dark], [0], None, [255], [1, 256]).cumsum()
    total = cumulative[-1]
    if total == 0:
        return dark
    core = 1 + int(cumulative.searchsorted(0.8 * total))
    return cv2.convertScaleAbs(dark, alpha=255.0 / max(core, 1))


def _crop(full_dark: "_FullDarkness", labels: np.ndarray, blob: _Blob, sx: float, sy: float, line: int) -> Candidate:
    """Cut one candidate's ink at full resolution, restricted to its own components."""
    full_h, full_w = full_dark.shape
    pad = 1
    wx0, wy0 = max(0, blob.x0 - pad), max(0, blob.y0 - pad)
    wx1, wy1 = min(labels.shape[1], blob.x1 + pad), min(labels.shape[0], blob.y1 + pad)
    x0, y0 = math.floor(wx0 * sx), math.floor(wy0 * sy)
    x1, y1 = min(full_w, math.ceil(wx1 * sx)), min(full_h, math.ceil(wy1 * sy))
    region_labels = labels[wy0:wy1, wx0:wx1]
    # a 0/255 mask: it masks by a plain bitwise AND below (one call, no temporaries)
    if len(blob.labels) == 1:
        mask = cv2.compare(region_labels, blob.labels[0], cv2.CMP_EQ)
    else:
        mask = np.isin(region_labels, blob.labels).view(np.uint8) * np.uint8(255)
    mask = cv2.resize(mask, (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST)
    if sx > 1.0 or sy > 1.0:
        # One work pixel covers ~sx x sy frame pixels: the nearest-neighbour mask misses the
        # anti-aliased edges and thin ends of strokes by up to that much, so grow it by most of
        # a work pixel (the crop keeps only the component's ink, so neighbours stay out).
        reach_x, reach_y = max(1, int(sx)), max(1, int(sy))
        if reach_x == reach_y:
            # the same square dilation as one (2r+1)-square kernel, and faster here: OpenCV
            # builds its rectangle kernel itself instead of checking ours
            mask = cv2.dilate(mask, None, iterations=reach_x)
        else:
            mask = cv2.dilate(mask, _dilate_kernel(sx, sy))
    dark = cv2.bitwise_and(full_dark.crop(x0, y0, x1, y1), mask)
    # The ink's box before stretching (stretching keeps every nonzero pixel nonzero: its
    # scale is at least 1), so that only the box is stretched (crops ~10% faster, same ink)
    bx, by, bw, bh = cv2.boundingRect(dark)
    if bw and bh:
        ink = _stretch_masked(dark[by:by + bh, bx:bx + bw])
        box = Box(x0 + bx, y0 + by, bw, bh)
    else:
        ink = dark
        box = Box(x0, y0, x1 - x0, y1 - y0)
    return Candidate(np.ascontiguousarray(ink), box, line)
