"""Locate handwritten digits in a grayscale frame: find, clean, split, group into lines.

    >>> lines = locate_digits(gray)                   # gray: (H, W) uint8, any size
    >>> for line in lines:                            # top to bottom
    ...     for candidate in line:                    # left to right
    ...         candidate.ink, candidate.box          # white-on-black crop, frame pixels

Stable API (the postcode reader builds on it): :func:`locate_digits`, :class:`Candidate`,
:class:`LocateOptions`, :func:`ink_image`.

How, and why each step:

1. **Work at a reduced resolution** (``LocateOptions.work_width``, 320 px by default) for
   *finding*; the crops handed to the classifier are cut from the full-resolution frame.
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
   a short closing across it. Remaining components that are long and thin relative to the
   text height (box sides, edges) are dropped.
5. **Components to digits.** Pieces of one digit (broken strokes) that overlap in x and are
   close in y are merged; components are grouped into lines by their vertical centres and
   ordered left to right; specks and dots small relative to their line are dropped; a
   component much wider than a digit is split at the minima of its column ink profile.
6. **Ink crops** are cut at full resolution as anti-aliased relative darkness (not a binary
   mask), restricted to the component's own pixels so that neighbours do not leak in, and
   scaled so that the stroke core is saturated like MNIST's.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .results import Box


@dataclass(frozen=True, slots=True)
class LocateOptions:
    """Options of the locate stage. Sizes are in frame pixels unless said otherwise."""

    #: width of the image digits are *found* in (crops are cut at full resolution); smaller
    #: is faster, but strokes thinner than ~2 frame pixels per work pixel may vanish
    work_width: int = 320
    #: digits shorter than this (frame pixels) are taken for specks or print
    min_digit_height: int = 14
    #: digits taller than this fraction of the frame height are not digits (edges, hands)
    max_digit_height: float = 0.8
    #: weakest relative darkness (0..1) that can be ink, whatever the noise says
    min_contrast: float = 0.08
    #: a component must hold a pixel at least this dark (0..1) to be kept
    min_peak_contrast: float = 0.18
    #: remove ruled lines, underlines and box sides
    remove_lines: bool = True
    #: split components wider than one digit into several
    split_touching: bool = True
    #: width / height above which a component is taken for several touching digits
    split_aspect: float = 1.15
    #: average width / height of one handwritten digit, to count touching digits
    digit_aspect: float = 0.68


@dataclass(frozen=True, slots=True)
class Candidate:
    """One probable digit: its ink crop and where it is in the frame."""

    ink: np.ndarray  #: (h, w) uint8, white ink on black, ready for normalize_digit
    box: Box  #: the crop's place in the frame (frame pixels)
    line: int  #: index of its line, top to bottom


@dataclass(slots=True)
class _Blob:
    """A group of work-resolution components that make one digit (mutable while grouping)."""

    x0: int
    y0: int
    x1: int
    y1: int
    labels: list
    cut: tuple | None = None  #: (x0, x1) column range when split from a wider component

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2.0


def _background(small: np.ndarray) -> np.ndarray:
    """The paper's brightness at every pixel of ``small`` (same shape, uint8)."""
    height, width = small.shape
    # A coarse grid of ~40x30 cells: each cell spans several stroke widths, so its local
    # maximum is paper, and the median over neighbours ignores the rare all-ink cell.
    cw, ch = max(4, width // 8), max(4, height // 8)
    coarse = cv2.resize(small, (cw, ch), interpolation=cv2.INTER_AREA)
    coarse = cv2.dilate(coarse, np.ones((3, 3), np.uint8))
    coarse = cv2.medianBlur(coarse, 3)
    return cv2.resize(coarse, (width, height), interpolation=cv2.INTER_LINEAR)


def _darkness(gray: np.ndarray, background: np.ndarray) -> np.ndarray:
    """Relative darkness ``255 * (background - gray) / background`` as uint8."""
    difference = cv2.subtract(background, gray)
    return cv2.divide(difference, cv2.max(background, 1), scale=255)


def _thresholds(dark: np.ndarray, options: LocateOptions) -> tuple[int, int]:
    """(weak, strong) darkness thresholds from the image's own noise level."""
    hist = cv2.calcHist([dark], [0], None, [256], [0, 256]).ravel()
    cumulative = np.cumsum(hist)
    total = cumulative[-1]
    median = int(np.searchsorted(cumulative, 0.5 * total))
    p90 = int(np.searchsorted(cumulative, 0.9 * total))
    # Paper pixels dominate: their spread (median to 90th percentile ~ 1.3 sigma) sets how
    # dark a pixel must be not to be noise.
    noise = max(1.0, (p90 - median) / 1.28)
    weak = max(options.min_contrast * 255, median + 4.0 * noise)
    strong = max(options.min_peak_contrast * 255, median + 8.0 * noise, 1.6 * weak)
    return int(min(weak, 200)), int(min(strong, 230))


def _remove_lines(mask: np.ndarray) -> np.ndarray:
    """Remove long horizontal and vertical lines from a binary mask; re-join crossings."""
    height, width = mask.shape
    h_len = max(15, width // 10)
    v_len = max(15, height // 4)
    horizontal = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1)))
    vertical = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len)))
    lines = cv2.bitwise_or(horizontal, vertical)
    if not lines.any():
        return mask
    lines = cv2.dilate(lines, np.ones((3, 3), np.uint8))
    cleaned = cv2.bitwise_and(mask, cv2.bitwise_not(lines))
    # A stroke that crossed a line is cut in two: close across the line's thickness, but
    # only inside the removed band, so the line itself does not come back.
    rejoin_h = cv2.morphologyEx(cleaned, cv2.MORPH_CLOSE, np.ones((7, 1), np.uint8))
    rejoin_v = cv2.morphologyEx(cleaned, cv2.MORPH_CLOSE, np.ones((1, 7), np.uint8))
    band_h = cv2.bitwise_and(horizontal if horizontal.any() else lines, lines)
    restored = cv2.bitwise_or(cv2.bitwise_and(rejoin_h, band_h),
                              cv2.bitwise_and(rejoin_v, cv2.bitwise_and(vertical, lines)))
    return cv2.bitwise_or(cleaned, restored)


def _components(mask: np.ndarray, strong: np.ndarray):
    """Connected components of ``mask`` that hold at least one ``strong`` pixel."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    keep = np.zeros(count, bool)
    keep[np.unique(labels[strong > 0])] = True
    keep[0] = False
    return labels, stats, keep


def _merge_pieces(blobs: list[_Blob]) -> list[_Blob]:
    """Merge pieces of one digit: overlapping in x, close in y, not too tall together."""
    blobs = sorted(blobs, key=lambda b: b.x0)
    merged = True
    while merged:
        merged = False
        for i in range(len(blobs)):
            a = blobs[i]
            for j in range(i + 1, len(blobs)):
                b = blobs[j]
                if b.x0 >= a.x1:
                    break
                overlap = min(a.x1, b.x1) - max(a.x0, b.x0)
                if overlap < 0.5 * min(a.width, b.width):
                    continue
                gap = max(a.y0, b.y0) - min(a.y1, b.y1)
                union_h = max(a.y1, b.y1) - min(a.y0, b.y0)
                tall = max(a.height, b.height)
                if gap > 0.5 * tall or union_h > 1.6 * tall:
                    continue
                blobs[i] = _Blob(min(a.x0, b.x0), min(a.y0, b.y0), max(a.x1, b.x1),
                                 max(a.y1, b.y1), a.labels + b.labels)
                del blobs[j]
                merged = True
                break
            if merged:
                break
    return blobs


def _group_lines(blobs: list[_Blob]) -> list[list[_Blob]]:
    """Group blobs into lines by vertical centre; lines top to bottom, blobs left to right."""
    lines: list[list[_Blob]] = []
    for blob in sorted(blobs, key=lambda b: -b.height):  # tall ones found the lines
        for line in lines:
            ref = line[0]
            if abs(blob.cy - ref.cy) < 0.5 * ref.height:
                line.append(blob)
                break
        else:
            lines.append([blob])
    lines.sort(key=lambda line: line[0].cy)
    return [sorted(line, key=lambda b: b.x0) for line in lines]


def _split(blob: _Blob, labels: np.ndarray, line_height: float, options: LocateOptions) -> list[_Blob]:
    """Split a blob wider than one digit at the minima of its column ink profile."""
    width, height = blob.width, max(blob.height, line_height * 0.8)
    if width < options.split_aspect * height:
        return [blob]
    parts = max(2, int(round(width / (options.digit_aspect * height))))
    region = labels[blob.y0:blob.y1, blob.x0:blob.x1]
    mask = np.isin(region, blob.labels)
    profile = mask.sum(axis=0).astype(np.float32)
    profile = np.convolve(profile, np.ones(3, np.float32) / 3, mode="same")
    cuts = [0]
    step = width / parts
    for i in range(1, parts):
        centre = int(round(i * step))
        half = max(1, int(step * 0.3))
        lo, hi = max(cuts[-1] + 2, centre - half), min(width - 2, centre + half)
        if hi <= lo:
            cut = centre
        else:
            cut = lo + int(np.argmin(profile[lo:hi]))
        cuts.append(cut)
    cuts.append(width)
    pieces = []
    for start, stop in zip(cuts[:-1], cuts[1:]):
        if stop - start < 2:
            continue
        rows = np.flatnonzero(mask[:, start:stop].any(axis=1))
        if rows.size == 0:
            continue
        pieces.append(_Blob(blob.x0 + start, blob.y0 + int(rows[0]), blob.x0 + stop,
                            blob.y0 + int(rows[-1]) + 1, blob.labels,
                            cut=(blob.x0 + start, blob.x0 + stop)))
    return pieces or [blob]


def ink_image(gray: np.ndarray, background: np.ndarray, weak: int) -> np.ndarray:
    """Anti-aliased white-on-black ink of a grayscale crop, its background given.

    Relative darkness minus the noise floor ``weak``, stretched so that the stroke core
    (the darkest fifth of the ink pixels) saturates at 255, as MNIST strokes do.
    """
    dark = _darkness(gray, background).astype(np.float32) - weak
    np.maximum(dark, 0, out=dark)
    values = dark[dark > 0]
    if values.size == 0:
        return np.zeros(gray.shape, np.uint8)
    core = float(np.percentile(values, 80))
    scale = 255.0 / max(core, 1.0)
    return np.clip(dark * scale, 0, 255).astype(np.uint8)


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
    options = options or LocateOptions()
    full_h, full_w = gray.shape
    scale = min(1.0, options.work_width / full_w)
    if scale < 1.0:
        work_size = (max(8, int(round(full_w * scale))), max(8, int(round(full_h * scale))))
        small = cv2.resize(gray, work_size, interpolation=cv2.INTER_AREA)
    else:
        small = gray
    sy, sx = full_h / small.shape[0], full_w / small.shape[1]
    background = _background(small)
    dark = _darkness(small, background)
    weak, strong = _thresholds(dark, options)
    _, mask = cv2.threshold(dark, weak, 255, cv2.THRESH_BINARY)
    if options.remove_lines:
        mask = _remove_lines(mask)
    _, strong_mask = cv2.threshold(dark, strong, 255, cv2.THRESH_BINARY)
    strong_mask = cv2.bitwise_and(strong_mask, mask)
    labels, stats, keep = _components(mask, strong_mask)

    min_h = options.min_digit_height / sy
    max_h = options.max_digit_height * small.shape[0]
    blobs = []
    for label in np.flatnonzero(keep):
        x, y, w, h, area = (int(v) for v in stats[label])
        if h > max_h or w > 0.9 * small.shape[1]:
            continue  # frame-sized: an edge or a shadow boundary, not a digit
        if max(w, h) < min_h * 0.4 or area < 3:
            continue  # a speck (pieces of digits are merged below, so keep small parts)
        blobs.append(_Blob(x, y, x + w, y + h, [int(label)]))
    blobs = _merge_pieces(blobs)
    blobs = [b for b in blobs if b.height >= min_h and b.height <= max_h]
    if not blobs:
        return []
    lines = _group_lines(blobs)

    tallest = max(float(np.median([b.height for b in line])) for line in lines)
    result: list[list[Candidate]] = []
    for line in lines:
        line_height = float(np.median([b.height for b in line]))
        if line_height < 0.5 * tallest:
            continue  # much smaller than the handwriting: print, specks
        kept = []
        for blob in line:
            if blob.height < 0.45 * line_height:
                continue  # dots, dashes, specks beside the digits
            if blob.width > 3.0 * blob.height and blob.height < 0.6 * line_height:
                continue  # a dash or a piece of line
            if blob.height > 2.2 * line_height and blob.width < 0.3 * blob.height:
                continue  # a box side or margin line, taller than the text
            if options.split_touching:
                kept.extend(_split(blob, labels, line_height, options))
            else:
                kept.append(blob)
        if not kept:
            continue
        index = len(result)
        result.append([_crop(gray, background, labels, blob, weak, sx, sy, index) for blob in kept])
    return result


def _crop(gray, background, labels, blob: _Blob, weak: int, sx: float, sy: float, line: int) -> Candidate:
    """Cut one candidate's ink at full resolution, restricted to its own components."""
    full_h, full_w = gray.shape
    pad = 1
    wx0, wy0 = max(0, blob.x0 - pad), max(0, blob.y0 - pad)
    wx1, wy1 = min(labels.shape[1], blob.x1 + pad), min(labels.shape[0], blob.y1 + pad)
    x0, y0 = int(np.floor(wx0 * sx)), int(np.floor(wy0 * sy))
    x1, y1 = min(full_w, int(np.ceil(wx1 * sx))), min(full_h, int(np.ceil(wy1 * sy)))
    region = gray[y0:y1, x0:x1]
    bg = cv2.resize(background[wy0:wy1, wx0:wx1], (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR)
    mask = np.isin(labels[wy0:wy1, wx0:wx1], blob.labels).astype(np.uint8)
    if blob.cut is not None:
        cx0, cx1 = blob.cut[0] - wx0, blob.cut[1] - wx0
        mask[:, :max(0, cx0)] = 0
        mask[:, max(0, cx1):] = 0
    mask = cv2.resize(mask, (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST)
    if sx > 1.0 or sy > 1.0:
        mask = cv2.dilate(mask, np.ones((3, 3), np.uint8))
    ink = ink_image(region, bg, weak) * mask
    ys, xs = np.nonzero(ink)
    if ys.size:
        bx0, by0, bx1, by1 = int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1
        ink = ink[by0:by1, bx0:bx1]
        box = Box(x0 + bx0, y0 + by0, bx1 - bx0, by1 - by0)
    else:
        box = Box(x0, y0, x1 - x0, y1 - y0)
    return Candidate(np.ascontiguousarray(ink), box, line)
