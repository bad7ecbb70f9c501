"""Touching digits: how many a blob may hold, where to cut it, its pieces, the best path.

    >>> counts = segmentations(blob, line_height, options)         # locate: [1], [3, 4, 1] ...
    >>> cuts = ink_cuts(blob, box, labels, line_height, counts, sx, options)
    >>> found = pieces(candidate)                                   # read: (start, stop, piece)
    >>> path = best_path(found, first, log_best, height, len(candidate.cuts) - 1)

Ink that may be several touching digits (wider than ``ambiguous_aspect`` of its height)
carries :attr:`Candidate.cuts`: the columns where it may be cut apart (the minima of its
column ink profile, and even divisions for overlapping digits); narrower ink from
``narrow_pair_aspect`` heights wide (a '1' touching another digit) gets three cuts near its
middle. The reader classifies the pieces between cuts (:func:`pieces`) only when it doubts
the first guess, and keeps the likeliest path of pieces across the ink
(:func:`best_path`) if the classifier is clearly surer of it. Two neighbours that almost
touch and together are no wider than one digit (a faint '0' broken into '(' and ')',
:func:`fragments`) become one candidate whose first guess is the two pieces.

The user-facing knobs stay in :class:`~edge_digits.locate.LocateOptions` (``split_*``,
``*_aspect``) and :class:`~edge_digits.read.ReadOptions` (``split_margin``, doubts);
:class:`TouchingParams` holds the rest.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .locate.ink import stretch_masked
from .locate.types import Blob, Candidate
from .results import Box


@dataclass(frozen=True, slots=True)
class TouchingParams:
    """Tunables of splitting touching digits (fractions of the ink's height)."""

    height_floor: float = 0.8  # ink is measured as at least this tall (of its line)
    narrowest_part: float = 0.25  # each of k digits is at least this wide (a '1')
    pair_cuts: tuple = (0.35, 0.5, 0.65)  # cuts (of the width) of narrow ink that may be two
    min_piece: float = 0.15  # narrowest piece a cut may leave: a thin '1'
    max_piece: float = 1.3  # widest piece: wider ones are several digits
    max_cuts: int = 10  # at most this many cuts, the thinnest columns kept
    smoothing: int = 3  # the column profile is averaged over this many columns
    division_penalty: float = 0.5  # an even division ranks as a minimum with this much more ink
    fragment_gap: float = 0.08  # two pieces of one broken digit are at most this far apart ...
    fragment_width: float = 0.95  # ... and together at most this wide
    wide_digit: float = 1.25  # digits are rarely wider than this (1% of MNIST) ...
    width_penalty: float = 3.0  # ... wider parts lose this much log-prior per height


def segmentations(blob: Blob, line_height: float, options,
                  params: TouchingParams = TouchingParams()) -> list[int]:
    """How many digits a blob may hold, the likeliest first (by its width); ``options``:
    :class:`~edge_digits.locate.LocateOptions`."""
    height = max(blob.height, params.height_floor * line_height)
    aspect = blob.width / height
    if not options.split_touching or aspect < options.ambiguous_aspect:
        return [1]
    estimate = max(2, int(round(aspect / options.digit_aspect)))
    counts = [estimate, estimate + 1, 1] if aspect >= options.split_aspect else [1, estimate]
    if estimate > 2:
        counts.append(estimate - 1)
    # each part must stay wide enough to hold a digit (a '1' is ~0.25 of its height)
    return [k for k in dict.fromkeys(counts) if k == 1 or aspect / k >= params.narrowest_part]


def fragments(a: Blob, b: Blob, line_height: float,
              params: TouchingParams = TouchingParams()) -> bool:
    """True when ``a`` and its right neighbour ``b`` may be one digit broken in two: they
    almost touch, overlap vertically, and together are no wider than one digit."""
    gap = b.x0 - a.x1
    union_h = max(a.y1, b.y1) - min(a.y0, b.y0)
    union_w = max(a.x1, b.x1) - a.x0
    overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
    return (gap <= params.fragment_gap * line_height and overlap > 0
            and union_w <= params.fragment_width * max(line_height, union_h))


def profile_cuts(blob: Blob, labels: np.ndarray, height: float, counts: list[int],
                 params: TouchingParams = TouchingParams()) -> list[int]:
    """Where touching digits of a blob may be cut apart: work-resolution columns from its
    left end, both ends included.

    Parameters
    ----------
    labels : (M, N) int32 ndarray
        Component labels of the work image (the blob's are ``blob.labels``).

    The cuts are the minima of the column ink profile (where two digits touch the column
    holds little ink), and the even divisions into each count of ``counts`` (overlapping
    digits leave no minimum), at most ``max_cuts``, keeping the thinnest columns.
    """
    width = blob.width
    region = labels[blob.y0:blob.y1, blob.x0:blob.x1]
    mask = region == blob.labels[0] if len(blob.labels) == 1 else np.isin(region, blob.labels)
    # column ink counts as float32 in one call (the same values as sum().astype(float32))
    profile = cv2.reduce(mask.view(np.uint8), 0, cv2.REDUCE_SUM, dtype=cv2.CV_32F).ravel()
    profile = np.convolve(profile, _smoothing(params.smoothing), mode="same")
    edge = max(2, int(round(params.min_piece * height)))
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
                found.setdefault(at, values[at] + params.division_penalty)  # not a minimum
    cuts = []
    for at in sorted(found, key=found.get):  # thinnest first; neighbours of a kept cut go
        if all(abs(at - kept) > 1 for kept in cuts):
            cuts.append(at)
        if len(cuts) == params.max_cuts:
            break
    return [0] + sorted(cuts) + [width]


_SMOOTHING: dict = {}


def _smoothing(size: int) -> np.ndarray:
    """The column profile's smoothing kernel (made once per size)."""
    kernel = _SMOOTHING.get(size)
    if kernel is None:
        kernel = _SMOOTHING[size] = np.ones(size, np.float32) / size
    return kernel


def ink_cuts(blob: Blob, box: Box, labels: np.ndarray, line_height: float, counts: list[int],
             sx: float, options, params: TouchingParams = TouchingParams()) -> tuple:
    """:attr:`Candidate.cuts` for a blob whose ink crop is ``box``: its profile cuts
    (:func:`profile_cuts`) moved from work columns to the ink's columns when it may be
    several digits; three cuts near the middle of narrower ink that may still be two (a
    '1' beside a digit; no profile needed); empty otherwise. ``sx``: frame pixels per work
    pixel; ``options``: :class:`~edge_digits.locate.LocateOptions`."""
    width = box.width
    height = max(blob.height, params.height_floor * line_height)
    if counts == [1]:
        if options.split_touching and blob.width >= options.narrow_pair_aspect * height:
            return tuple(sorted({0, width} | {round(width * f) for f in params.pair_cuts}))
        return ()
    found = profile_cuts(blob, labels, height, counts, params)
    cuts = sorted({0, width} | {min(width, max(0, round((blob.x0 + at) * sx) - box.x))
                                for at in found})
    return tuple(cuts) if len(cuts) > 2 else ()


def pieces(candidate: Candidate,
           params: TouchingParams = TouchingParams()) -> list[tuple[int, int, Candidate]]:
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
    low, high = params.min_piece * box.height, params.max_piece * box.height
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
            part = stretch_masked(np.ascontiguousarray(part[by:by + bh, bx:bx + bw]))
            result.append((i, j, Candidate(part, Box(box.x + start + bx, box.y + by, bw, bh),
                                           candidate.line)))
    return result
