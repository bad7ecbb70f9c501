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
   and uneven light cancel out), weak and strong thresholds from the image's own noise
   (the paper's, when a table or a dark surround would raise them).
3. :mod:`~edge_digits.locate.lines` -- connected components; ruled lines, underlines and
   box sides removed, strokes that crossed them re-joined.
4. :mod:`~edge_digits.locate.blobs` -- hysteresis, size filters, pieces of one digit
   merged, faint strokes grown from their darkest pieces.
5. :mod:`~edge_digits.locate.group` -- blobs into lines (tilted lines joined), each
   line's height, what is not handwriting dropped.
6. :mod:`~edge_digits.locate.crop` -- ink crops at full resolution, with the cuts of
   touching digits (:mod:`edge_digits.touching`).

:func:`look_again` searches a frame a second time at half the thresholds, for writing too
faint for the first search (the reader's doubt, not its digits); :func:`work_view` and
:func:`measure_ink` give both searches the same work image and ink.

Types: :mod:`~edge_digits.locate.types`; options: :mod:`~edge_digits.locate.options`
(knobs) and :mod:`~edge_digits.locate.params` (each stage's tunables).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np

from ..frame import paper_shade
from ..results import Box
from .blobs import FaintStrokes, digit_blobs, hysteresis
from .crop import FullDarkness, line_candidates
from .group import drop_lone_marks, find_lines, line_heights, writing_lines
from .ink import darkness, light_on_dark, paper_background, paper_thresholds, thresholds
from .lines import above_rules, ink_components
from .options import LocateOptions
from .scale import large_writing, rescaled, work_image
from .types import Blob, Candidate, Ink

__all__ = ["Blob", "Candidate", "Ink", "LocateOptions", "WorkView", "dark_beside",
           "fainter_thresholds", "locate_digits", "look_again", "measure_ink", "pieces", "search",
           "work_view"]


def __getattr__(name: str):
    # ``pieces`` lives in edge_digits.touching, which imports this package's types
    if name == "pieces":
        from ..touching import pieces

        return pieces
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True, slots=True)
class WorkView:
    """A frame as the search sees it (see :func:`work_view`)."""

    gray: np.ndarray  #: the frame, dark ink on lighter paper (chalk on a board inverted)
    small: np.ndarray  #: the frame at the work resolution
    options: LocateOptions  #: the options that suit its writing (large writing: coarser)
    text_height: float | None = None  #: the writing's height (work pixels) when known


def work_view(gray: np.ndarray, options: LocateOptions) -> WorkView:
    """The frame at the resolution its writing is searched at: the work image, inverted
    for light ink on a dark surface, searched again coarser for writing much larger than
    usual."""
    small = work_image(gray, options)
    if light_on_dark(small, options.ink):  # chalk on a board: read as ink on paper
        gray, small = cv2.bitwise_not(gray), cv2.bitwise_not(small)
    again = rescaled(options, large_writing(small, options), small.shape[1])
    if again is not None:  # large writing: searched at the resolution that suits it
        return WorkView(gray, work_image(gray, again), again, again.scale.text_target)
    return WorkView(gray, small, options)


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
    view = work_view(gray, options or LocateOptions())
    return search(view.gray, view.small, view.options, view.text_height)


def measure_ink(small: np.ndarray, options: LocateOptions, flat: bool = False) -> Ink:
    """The paper's brightness, the relative darkness and its thresholds of a work image.

    ``flat``: the paper is one shade, that of the image's outermost pixels (a small scan
    enlarged and framed by :func:`edge_digits.frame.enlarge_small`). The paper of a photo
    is measured by a closing sized for pen strokes (:func:`paper_background`), which takes
    strokes wider than its kernel for paper: an enlarged scan's strokes are that wide,
    and a '1' stretched to fill its box (as some collections store digits) came out as
    the outline of a slab, read as a sure '3' or '8'. A photo's thresholds are the
    paper's when a table around the sheet would raise them
    (:func:`~edge_digits.locate.ink.paper_thresholds`).
    """
    background = (np.full_like(small, paper_shade(small)) if flat
                  else paper_background(small, options.ink))
    dark = darkness(small, background)
    if flat:
        return Ink(background, dark, *thresholds(dark, options))
    return Ink(background, *paper_thresholds(dark, background, options))


def look_again(view: WorkView, ink: Ink, skip: Sequence[Box], fraction: float,
               min_height: float) -> list[list[Candidate]]:
    """Search a frame again for writing too faint for the first search: with its
    thresholds at ``fraction`` of the first search's (:func:`fainter_thresholds`). 1: no
    second search.

    Parameters
    ----------
    view, ink : the first search's (:func:`work_view`, :func:`measure_ink`)
    skip : boxes (frame pixels)
        What the first search read: lines that overlap one are left out.
    min_height : float
        Lines shorter than this (frame pixels) are left out, and lines of one mark.

    The frame is searched again only when it holds, away from ``skip`` (by half a box's
    height), at least twice ``min_height`` of pixels as dark as the second search's strong
    threshold: two strokes of the shortest line worth finding (a clean page with its
    numbers alone is not searched again). Returns lines as :func:`locate_digits` does, or
    none.
    """
    options = view.options
    weak, strong = fainter_thresholds(ink, fraction)
    if (weak, strong) == (ink.weak, ink.strong):
        return []
    sy, sx = view.gray.shape[0] / view.small.shape[0], view.gray.shape[1] / view.small.shape[1]
    if dark_beside(ink.dark, strong, skip, sx, sy) < 2 * min_height / sy:
        return []
    return search(view.gray, view.small, options, view.text_height,
                  replace(ink, weak=weak, strong=strong), tuple(skip), min_height, 2)


def fainter_thresholds(ink: Ink, fraction: float) -> tuple[int, int]:
    """The second search's (weak, strong) thresholds (:func:`look_again`): ``fraction`` of
    the first search's (which are at least the options' floors, ``min_contrast`` and
    ``min_peak_contrast``: a clean page's are its floors halved)."""
    return int(fraction * ink.weak), int(fraction * ink.strong)


def dark_beside(dark: np.ndarray, level: int, boxes: Sequence[Box], sx: float, sy: float) -> int:
    """How many pixels of ``dark`` (work pixels, ``sx`` by ``sy`` frame pixels each) reach
    ``level`` away from ``boxes`` (frame pixels), each widened by half its height."""
    _, found = cv2.threshold(dark, level - 1, 255, cv2.THRESH_BINARY)
    for box in boxes:
        pad = box.height / 2
        found[max(0, int((box.y - pad) / sy)):max(0, math.ceil((box.bottom + pad) / sy)),
              max(0, int((box.x - pad) / sx)):max(0, math.ceil((box.right + pad) / sx))] = 0
    return cv2.countNonZero(found)


def search(gray: np.ndarray, small: np.ndarray, options: LocateOptions,
           text_height: float | None = None, ink: Ink | None = None,
           skip: Sequence[Box] = (), min_height: float = 0.0,
           min_marks: int = 1) -> list[list[Candidate]]:
    """:func:`locate_digits` at one work resolution.

    Parameters
    ----------
    gray : (H, W) uint8 ndarray
        The frame (crops are cut from it).
    small : (h, w) uint8 ndarray
        The frame at the work resolution (:func:`~edge_digits.locate.scale.work_image`).
    text_height : float, optional
        The writing's height (work pixels) when known (a second search); else measured.
    ink : Ink, optional
        The work image's ink (:func:`measure_ink`), when already measured.
    skip, min_height, min_marks : optional
        Lines that overlap a box of ``skip`` (frame pixels), are shorter than
        ``min_height`` (frame pixels) or have fewer than ``min_marks`` marks are left out
        (:func:`look_again`).
    """
    sy, sx = gray.shape[0] / small.shape[0], gray.shape[1] / small.shape[1]
    ink = ink if ink is not None else measure_ink(small, options)
    dark, weak = ink.dark, ink.weak
    min_digit = options.min_digit_height / sy
    whole = sy <= 1.0 and sx <= 1.0
    count, labels, stats, rules = ink_components(dark, weak, min_digit, text_height, options,
                                                 whole=whole)
    above = above_rules(dark, rules, weak, ink.strong, options.lines)
    if above != weak:  # printed lines fainter than the writing: searched above them
        weak = above
        count, labels, stats, rules = ink_components(dark, weak, min_digit, text_height,
                                                     options, whole=whole)
    blobs = digit_blobs(stats, hysteresis(labels, count, dark, ink.strong), small.shape,
                        min_digit, options.max_digit_height * small.shape[0], rules,
                        options.blobs, options.lines.rule_reach)
    lines = find_lines(blobs, min_digit, options.group) if blobs else []
    if not lines:
        return []
    faint = FaintStrokes(dark, weak, labels, count, options.blobs)
    kept = writing_lines(lines, line_heights(lines, min_digit, options.group), faint,
                         options.blobs, options.group)
    shown = drop_lone_marks(kept, options.group)
    if skip or min_height or min_marks > 1:
        kept = shown = [(marks, height) for marks, height in shown if height * sy >= min_height
                        and len(marks) >= min_marks and not _overlaps(marks, skip, sx, sy)]
    if not shown:
        return []
    # relative darkness at full resolution, once per frame, over the part of the frame
    # that holds candidates (all kept lines): every crop is cut from it
    full_dark = FullDarkness(gray, ink.background, int(weak * options.crop_floor), sx, sy,
                             kept, options.crop)
    return [line_candidates(blobs, line_height, index, full_dark, labels, sx, sy, options)
            for index, (blobs, line_height) in enumerate(shown)]


def _overlaps(blobs: list[Blob], boxes: Sequence[Box], sx: float, sy: float) -> bool:
    """Whether a line (its blobs, work pixels) overlaps one of ``boxes`` (frame pixels)."""
    x0, y0 = min(b.x0 for b in blobs) * sx, min(b.y0 for b in blobs) * sy
    x1, y1 = max(b.x1 for b in blobs) * sx, max(b.y1 for b in blobs) * sy
    return any(x0 < box.right and box.x < x1 and y0 < box.bottom and box.y < y1
               for box in boxes)
