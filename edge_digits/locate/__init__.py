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

Stages, one module each, each a pure function usable on its own:

1. :mod:`~edge_digits.locate.scale` -- the work resolution (digits are *found* in a
   reduced image, crops cut at full resolution), and a second search at a lower resolution
   for writing much larger than usual.
2. :mod:`~edge_digits.locate.ink` -- the paper's brightness, relative darkness (shadows
   and uneven light cancel out), weak and strong thresholds from the image's own noise.
3. :mod:`~edge_digits.locate.lines` -- connected components; ruled lines, underlines and
   box sides removed, strokes that crossed them re-joined.
4. :mod:`~edge_digits.locate.blobs` -- hysteresis, size filters, pieces of one digit
   merged, faint strokes grown from their darkest pieces.
5. :mod:`~edge_digits.locate.group` -- blobs into lines (tilted lines joined), each
   line's height, what is not handwriting dropped.
6. :mod:`~edge_digits.locate.crop` -- ink crops at full resolution, with the cuts of
   touching digits (:mod:`edge_digits.touching`).

Types: :mod:`~edge_digits.locate.types`; options: :mod:`~edge_digits.locate.options`
(knobs) and :mod:`~edge_digits.locate.params` (each stage's tunables).
"""
from __future__ import annotations

import numpy as np

from .blobs import FaintStrokes, digit_blobs, hysteresis
from .crop import FullDarkness, line_candidates
from .group import drop_lone_marks, find_lines, line_heights, writing_lines
import cv2

from .ink import darkness, light_on_dark, paper_background, thresholds
from .lines import ink_components
from .options import LocateOptions
from .scale import large_writing, rescaled, work_image
from .types import Blob, Candidate

__all__ = ["Blob", "Candidate", "LocateOptions", "locate_digits", "pieces"]


def __getattr__(name: str):
    # ``pieces`` lives in edge_digits.touching, which imports this package's types
    if name == "pieces":
        from ..touching import pieces

        return pieces
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    small = work_image(gray, options)
    if light_on_dark(small, options.ink):  # chalk on a board: read as ink on paper
        gray, small = cv2.bitwise_not(gray), cv2.bitwise_not(small)
    again = rescaled(options, large_writing(small, options), small.shape[1])
    if again is not None:  # large writing: searched at the resolution that suits it
        return search(gray, work_image(gray, again), again, again.scale.text_target)
    return search(gray, small, options)


def search(gray: np.ndarray, small: np.ndarray, options: LocateOptions,
           text_height: float | None = None) -> list[list[Candidate]]:
    """:func:`locate_digits` at one work resolution.

    Parameters
    ----------
    gray : (H, W) uint8 ndarray
        The frame (crops are cut from it).
    small : (h, w) uint8 ndarray
        The frame at the work resolution (:func:`~edge_digits.locate.scale.work_image`).
    text_height : float, optional
        The writing's height (work pixels) when known (a second search); else measured.
    """
    sy, sx = gray.shape[0] / small.shape[0], gray.shape[1] / small.shape[1]
    background = paper_background(small, options.ink)
    dark = darkness(small, background)
    weak, strong = thresholds(dark, options)
    min_height = options.min_digit_height / sy
    count, labels, stats, rules = ink_components(dark, weak, min_height, text_height, options)
    blobs = digit_blobs(stats, hysteresis(labels, count, dark, strong), small.shape, min_height,
                        options.max_digit_height * small.shape[0], rules, options.blobs,
                        options.lines.rule_reach)
    lines = find_lines(blobs, min_height, options.group) if blobs else []
    if not lines:
        return []
    faint = FaintStrokes(dark, weak, labels, count, options.blobs)
    kept = writing_lines(lines, line_heights(lines, min_height, options.group), faint,
                         options.blobs, options.group)
    shown = drop_lone_marks(kept, options.group)
    if not shown:
        return []
    # relative darkness at full resolution, once per frame, over the part of the frame
    # that holds candidates (all kept lines): every crop is cut from it
    full_dark = FullDarkness(gray, background, int(weak * options.crop_floor), sx, sy, kept,
                             options.crop)
    return [line_candidates(blobs, line_height, index, full_dark, labels, sx, sy, options)
            for index, (blobs, line_height) in enumerate(shown)]
