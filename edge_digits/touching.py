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

The reader's side: :func:`doubt` (how sure the model must be of a first guess),
:func:`worth_cutting` (whether to classify the pieces), :func:`best_path` and
:func:`choose_reading` (the segmentation kept).

The postal-code reader's free-form tokens split by the code's length instead:
:func:`glyph_counts` (how many digits each glyph holds) and :func:`division_cuts` (the
thinnest column near each even division).

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
    min_probability: float = 1e-6  # probabilities are at least this in log scores
    max_missing: int = 3  # a postal-code token may lack at most this many digits (touching)
    wide_glyph: float = 1.6  # a glyph this many times wider than tall is no single digit
    one_glyph: float = 1.05  # glyphs narrower than this (of the token's height) are one digit
    triple_glyph: float = 2.0  # glyphs at least this wide may hold three digits
    division_reach: float = 0.2  # a division cut is sought within this much of a digit ...
    division_widen: float = 1.5  # ... times this (two factors: the same rounding as before)


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


def width_penalty(width: int, height: int, params: TouchingParams = TouchingParams()) -> float:
    """Log-prior of a part ``width`` wide of ink ``height`` tall: handwritten digits are
    rarely wider than ``wide_digit`` heights; wider parts are penalized in proportion."""
    return -params.width_penalty * max(0.0, width / height - params.wide_digit)


def shape_prior(parts, height: int, params: TouchingParams = TouchingParams()) -> float:
    """Log-prior of a segmentation from the widths of its parts (the model alone is
    overconfident on ink that is not one digit)."""
    return sum(width_penalty(part.box.width, height, params) for part in parts)


def best_path(found, first: int, log_best: list, height: int, end: int,
              params: TouchingParams = TouchingParams()):
    """The likeliest reading of touching digits from their pieces.

    Parameters
    ----------
    found : list of (start, stop, Candidate)
        The pieces between cuts (:func:`pieces`); piece ``k`` is crop ``first + k``.
    log_best : list of float
        Each crop's log-probability of its best digit.
    height : int
        The ink's height (for the width prior).
    end : int
        The index of the ink's right end among its cuts.

    Returns
    -------
    (crop indices, candidates) of the path of pieces from cut 0 to cut ``end`` with the
    largest sum of log-probabilities and width priors (dynamic programming over the
    cuts), or None when no path crosses the ink.
    """
    score = [float("-inf")] * (end + 1)
    back = [None] * (end + 1)
    score[0] = 0.0
    for k, (start, stop, piece) in sorted(enumerate(found), key=lambda item: item[1][1]):
        if score[start] == float("-inf"):
            continue
        value = score[start] + log_best[first + k] + width_penalty(piece.box.width, height, params)
        if value > score[stop]:
            score[stop], back[stop] = value, (start, k)
    if back[end] is None:
        return None
    indices, parts = [], []
    at = end
    while at:
        start, k = back[at]
        indices.append(first + k)
        parts.append(found[k][2])
        at = start
    return indices[::-1], parts[::-1]


def worth_cutting(candidate: Candidate, best: float, none: float | None, doubt_: float,
                  options) -> bool:
    """Whether ink with cuts is worth reading as touching digits, from its whole's best
    digit probability and not-a-digit probability (None: the model has no such class).
    ``options``: a ReadOptions (``one_digit_sure``, ``none_split``)."""
    if candidate.split_first:  # wide ink: several digits unless surely one
        return not (best >= options.one_digit_sure
                    and (none is None or none < options.none_split))
    if none is not None:
        return none >= options.none_split
    return best < doubt_


def choose_reading(readings: list, candidate: Candidate, best, log_best: list, doubt_: float,
                   margin: float, params: TouchingParams = TouchingParams()) -> int:
    """The index of the reading kept among ``readings`` ((crop indices, candidates), the
    whole ink first) of ``candidate``.

    The first guess is the whole, or the split for ink whose ``split_first`` is set.
    Another reading is considered only when the first guess is not confidently digits
    (below ``doubt_``: halves of a wide '0' are often confident '1's too; a whole with
    pieces was already judged in doubt, :func:`worth_cutting`), and wins when its score
    (log-probabilities plus :func:`shape_prior`) is higher by more than ``margin``.
    """
    if len(readings) < 2:
        return 0
    height = max(candidate.box.height, 1)
    scores = [sum(log_best[i] for i in indices) + shape_prior(parts, height, params)
              for indices, parts in readings]
    first = choice = 1 if candidate.split_first else 0
    if (candidate.cuts and first == 0) or min(best[i] for i in readings[first][0]) < doubt_:
        for index, score in enumerate(scores):
            if index != first and score > scores[choice] + margin:
                choice = index
    return choice


def glyph_counts(token: list, lengths,
                 params: TouchingParams = TouchingParams()) -> list[int] | None:
    """How many digits each glyph of a token holds, so that the token has a length a code
    may have; None if no such reading.

    Parameters
    ----------
    token : list of [x0, y0, x1, y1]
        The glyphs' boxes, left to right.
    lengths : set of int or None
        Digit counts a code may have (None: any).

    A glyph much wider than the token's glyphs are tall is two (or three) digits that
    touch (written close, or joined by a stroke); only as many glyphs are split as the
    code needs, the widest first, and a glyph is never split that is not clearly wider
    than a digit. A token of the right length is read as it is, wide glyphs and all (a
    flat 5 is wide; a touching pair there is the classifier's to reject).
    """
    if lengths is None or len(token) in lengths:
        return [1] * len(token)
    if not any(1 <= length - len(token) <= params.max_missing for length in lengths):
        return None  # (most tokens: a word's letters, one glyph or two)
    # a glyph wider than wide_glyph of its own height is no single digit (a bold 5 is wide
    # but also tall); a touching pair is wide for the token's usual height
    heights = sorted(g[3] - g[1] for g in token)
    height = max(1, heights[len(heights) // 2])
    wide = [g[2] - g[0] > params.wide_glyph * max(height, g[3] - g[1]) for g in token]
    widths = [(g[2] - g[0]) / height for g in token]
    for length in sorted(lengths):
        missing = length - len(token)
        if not 1 <= missing <= params.max_missing:
            continue
        parts = _split_widest(widths, missing, params)
        if parts is not None and not any(w and p == 1 for w, p in zip(wide, parts)):
            return parts
    return None


def _split_widest(widths: list[float], missing: int, params: TouchingParams) -> list[int] | None:
    """Digits per glyph (``widths``: of the token's height) when the widest glyphs hold
    the ``missing`` digits, or None when too few glyphs are wider than one digit."""
    parts = [1] * len(widths)
    for i in sorted(range(len(widths)), key=lambda i: -widths[i]):
        if missing == 0:
            break
        if widths[i] < params.one_glyph:
            break  # as narrow as one digit: no more touching pairs
        extra = 2 if widths[i] >= params.triple_glyph and missing >= 2 else 1
        parts[i] += extra
        missing -= extra
    return parts if missing == 0 else None


def division_cuts(ink: np.ndarray, count: int,
                  params: TouchingParams = TouchingParams()) -> list[tuple[int, int]]:
    """Column ranges that cut a crop of ``count`` touching digits apart: at the column
    holding the least ink near each even division (where two digits touch).

    Parameters
    ----------
    ink : (M, N) uint8 ndarray
        White ink on black.
    """
    profile = ink.sum(axis=0, dtype=np.int64)
    width = profile.size
    cuts = [0]
    for k in range(1, count):
        centre = k * width / count
        reach = params.division_reach * width / count * params.division_widen
        low = max(cuts[-1] + 1, int(centre - reach))
        high = min(width - 1, int(centre + reach) + 1)
        cuts.append(low + int(np.argmin(profile[low:high])) if high > low else int(centre))
    cuts.append(width)
    return list(zip(cuts[:-1], cuts[1:]))
