"""Components to digit blobs: hysteresis, size filters, pieces of one digit, faint strokes.

    >>> keep = hysteresis(labels, count, dark, strong)
    >>> blobs = digit_blobs(stats, keep, work_shape, min_height, rules, options)
    >>> line = merge_pieces(line, line_height)

A blob is one or more components (:class:`~edge_digits.locate.types.Blob`): pieces of one
digit (broken strokes, halves cut by a removed line) that overlap in x, or a piece too small
for a digit near another, are merged while the union stays digit-sized. A faint stroke that
passed the threshold in specks only is grown from its darkest pieces (:func:`grow_faint`).
"""
from __future__ import annotations

import cv2
import numpy as np

from .lines import between_rules
from .params import BlobParams, LineParams
from .types import Blob


def hysteresis(labels: np.ndarray, count: int, dark: np.ndarray, strong: int) -> np.ndarray:
    """Which components hold at least one pixel darker than ``strong``.

    Parameters
    ----------
    labels : (M, N) int32 ndarray
        Component labels of the weak-threshold mask (0: background), ``count`` of them.
    dark : (M, N) uint8 ndarray
        Relative darkness.

    Returns
    -------
    (count,) bool ndarray, False for the background
    """
    # A 0/1 threshold viewed as booleans picks their labels in one step; no AND with the
    # mask is needed: strong >= weak, so a strong pixel outside the mask (a removed line)
    # has the background's label 0, which is not kept
    _, strong_mask = cv2.threshold(dark, strong, 1, cv2.THRESH_BINARY)
    keep = np.zeros(count, bool)
    keep[labels[strong_mask.view(bool)]] = True  # (no np.unique: sorting is slower)
    keep[0] = False
    return keep


def digit_blobs(stats: np.ndarray, keep: np.ndarray, shape: tuple[int, int], min_height: float,
                max_height: float, rules: np.ndarray | None,
                params: BlobParams = BlobParams(),
                rule_reach: int = LineParams().rule_reach) -> list[Blob]:
    """One blob per kept component that may be (part of) a digit.

    Parameters
    ----------
    stats : (K, 5) int32 ndarray
        Component stats (row 0: background); ``keep``: (K,) bool, the components to consider.
    shape : (height, width) of the work image
    min_height, max_height : float
        The smallest and largest digit heights (work pixels).
    rules : (M, N) uint8 ndarray or None
        Removed horizontal lines: a thin stroke from one to another is a box side.

    Dropped: frame-sized components (an edge or a shadow boundary), specks (pieces of
    digits are merged later, so small parts stay), components cut by the frame's border
    (unreadable, or the paper's edge) and box sides.
    """
    height, width = shape
    blobs = []
    rows = stats.tolist()  # Python ints: one conversion instead of five per component
    for label in np.flatnonzero(keep).tolist():
        x, y, w, h, area = rows[label]
        if h > max_height or w > params.frame_wide * width:
            continue
        if max(w, h) < min_height * params.speck or area < params.min_area:
            continue
        if x <= 0 or y <= 0 or x + w >= width or y + h >= height:
            continue
        if rules is not None and w < params.thin_side * h and \
                between_rules(rules, x, y, w, h, rule_reach):
            continue
        blobs.append(Blob(x, y, x + w, y + h, [label]))
    return blobs


def _mergeable(a: Blob, b: Blob, line_height: float, params: BlobParams) -> bool:
    """Whether ``a`` and ``b`` (``b`` not left of ``a``) are pieces of one digit."""
    bridge = params.bridge * line_height
    overlap = min(a.x1, b.x1) - max(a.x0, b.x0)
    small = min(a.height, b.height) < params.small_piece * line_height
    gap = max(a.y0, b.y0) - min(a.y1, b.y1)
    # a piece too small for a digit (of a broken or dotted stroke) may lie beside the rest
    # of its digit with a small gap: bridged when the union fits a digit
    near = small and -overlap <= bridge and gap <= bridge
    share = params.small_overlap if small else params.overlap
    if overlap < share * min(a.width, b.width) and not near:
        return False
    union_h = max(a.y1, b.y1) - min(a.y0, b.y0)
    union_w = max(a.x1, b.x1) - min(a.x0, b.x0)
    # Pieces cut apart by a removed line are stacked with a thin gap; the line's height
    # may then be that of the pieces, so it does not bound them.
    stacked = gap <= max(params.min_stacked_gap, params.stacked_gap * line_height) and \
        union_h <= params.stacked_height * line_height
    # together they must not be larger than one digit
    return not (union_w > params.merged_width * max(line_height, union_h)
                or (union_h > params.merged_height * line_height and not stacked))


def merge_pieces(blobs: list[Blob], line_height: float,
                 params: BlobParams = BlobParams()) -> list[Blob]:
    """Merge pieces of one digit of a line: overlapping in x (or a small piece near
    another), together not larger than a digit. Returns the blobs left to right."""
    blobs = sorted(blobs, key=lambda b: b.x0)
    bridge = params.bridge * line_height
    while True:
        pair = next(((i, j) for i in range(len(blobs))
                     for j in _reachable(blobs, i, bridge)
                     if _mergeable(blobs[i], blobs[j], line_height, params)), None)
        if pair is None:
            return blobs
        i, j = pair
        blobs[i] = blobs[i].union(blobs[j])
        del blobs[j]


def _reachable(blobs: list[Blob], i: int, bridge: float):
    """Indices after ``i`` of the blobs starting before ``blobs[i]``'s end plus ``bridge``
    (blobs sorted by ``x0``)."""
    end = blobs[i].x1 + bridge
    for j in range(i + 1, len(blobs)):
        if blobs[j].x0 >= end:
            return
        yield j


def grow_faint(blob: Blob, line: list[Blob], dark: np.ndarray, weak: int, labels: np.ndarray,
               line_height: float, label: int, params: BlobParams = BlobParams()) -> Blob | None:
    """A digit of faint ink grown from a piece too small for a digit, or None.

    A faint or thin stroke (pencil, a '1' written lightly, JPEG and blur on top) may pass
    the ink threshold only in a few specks, which are dropped as dots. Around such a piece,
    ink down to ``params.faint_ink`` of the threshold is taken, joined to the piece; if that
    makes something of a digit's size that touches no other blob of the line, it is the
    digit: its pixels get the new ``label`` in ``labels`` (modified in place, so crops find
    them) and its blob is returned.

    Parameters
    ----------
    dark : (M, N) uint8 ndarray
        Relative darkness of the work image.
    labels : (M, N) int32 ndarray
        Component labels of the work image (written to).
    """
    reach = params.faint_reach * line_height
    x0, x1 = max(0, int(blob.x0 - reach)), min(dark.shape[1], int(blob.x1 + reach) + 1)
    y0 = max(0, int(blob.cy - params.faint_rise * line_height))
    y1 = min(dark.shape[0], int(blob.cy + params.faint_rise * line_height) + 1)
    window = labels[y0:y1, x0:x1]
    _, faint = cv2.threshold(dark[y0:y1, x0:x1], int(params.faint_ink * weak), 255,
                             cv2.THRESH_BINARY)
    _, parts = cv2.connectedComponents(faint, connectivity=8)
    own = np.isin(window, blob.labels)
    chosen = np.unique(parts[own & (parts > 0)])
    if chosen.size == 0:
        return None
    grown = np.isin(parts, chosen)
    bx, by, bw, bh = cv2.boundingRect(grown.view(np.uint8))
    if not (params.faint_min * line_height <= bh <= params.faint_max * line_height
            and bw <= params.faint_width * line_height):
        return None
    if bx == 0 or by == 0 or bx + bw == x1 - x0 or by + bh == y1 - y0:
        return None  # runs out of the window: a line or a larger mark, not one digit
    gx0, gy0, gx1, gy1 = x0 + bx, y0 + by, x0 + bx + bw, y0 + by + bh
    if any(b is not blob and b.x0 < gx1 and gx0 < b.x1 and b.y0 < gy1 and gy0 < b.y1
           for b in line):
        return None  # reaches another blob of the line: not a separate digit
    window[grown & ((window == 0) | own)] = label
    return Blob(gx0, gy0, gx1, gy1, [label])


class FaintStrokes:
    """:func:`grow_faint` over one frame: the darkness, threshold and labels it grows in,
    and the next free label (one per grown digit)."""

    def __init__(self, dark: np.ndarray, weak: int, labels: np.ndarray, next_label: int,
                 params: BlobParams = BlobParams()) -> None:
        self.dark, self.weak, self.labels = dark, weak, labels
        self.next_label = next_label
        self.params = params

    def grow(self, blob: Blob, line: list[Blob], line_height: float) -> Blob | None:
        """A digit grown from ``blob`` (a piece too small for a digit), or None; pieces
        lower than ``faint_seed`` of the line are specks, never grown."""
        if blob.height < self.params.faint_seed * line_height:
            return None
        grown = grow_faint(blob, line, self.dark, self.weak, self.labels, line_height,
                           self.next_label, self.params)
        if grown is not None:
            self.next_label += 1
        return grown
