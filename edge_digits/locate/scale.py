"""The work resolution, and a second search for writing much larger than usual.

    >>> small = work_image(gray, options)
    >>> again = rescaled(options, large_writing(small, options), small.shape[1])

Digits are *found* at a reduced resolution (``LocateOptions.work_width``, 256 px by
default; a fifth of the width of frames wider than 1280 px, up to 512); the crops handed
to the classifier are cut from the full-resolution frame. Writing much larger than usual (a
digit photographed close up, a number written large) is searched again at a lower
resolution that brings it to the usual size in work pixels: its strokes would otherwise be
wider than the background's kernel and come out hollow, and its long strokes would look
like ruled lines.
"""
from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from .ink import darkness, paper_background, shrink, thresholds
from .lines import connected


def work_image(gray: np.ndarray, options) -> np.ndarray:
    """The frame at the work resolution of ``options`` (:class:`LocateOptions`).

    Parameters
    ----------
    gray : (M, N) uint8 ndarray

    Returns
    -------
    (m, n) uint8 ndarray, ``gray`` itself when it is no wider than the work width
    """
    full_h, full_w = gray.shape
    work_width = max(options.work_width,
                     min(options.max_work_width, round(full_w * options.work_fraction)))
    scale = min(1.0, work_width / full_w)
    if scale >= 1.0:
        return gray
    smallest = options.scale.min_work_side
    work_size = (max(smallest, int(round(full_w * scale))), max(smallest, int(round(full_h * scale))))
    return shrink(gray, work_size)


def large_writing(small: np.ndarray, options) -> float:
    """The height (work pixels) of the tallest digit-shaped component taller than
    ``options.scale.large_text``, 0 if there is none.

    Parameters
    ----------
    small : (M, N) uint8 ndarray
        The work image.

    Looked for in a thumbnail a quarter of the work image's width, where the background's
    kernel is four times wider relative to the strokes: at the work resolution a large
    digit's thick strokes come out hollow or in pieces, and its long strokes may be
    removed as lines, so its size is not seen there. A component that holds
    ``options.scale.enclosing`` other marks or more is a box or a grid, not writing
    (:func:`enclosed`).
    """
    params = options.scale
    height, width = small.shape
    thumb = cv2.resize(small, (max(params.min_thumb_side, width // params.thumb),
                               max(params.min_thumb_side, height // params.thumb)),
                       interpolation=cv2.INTER_AREA)
    dark = darkness(thumb, paper_background(thumb, options.ink))
    weak, _ = thresholds(dark, options)
    _, mask = cv2.threshold(dark, weak, 255, cv2.THRESH_BINARY)
    _, labels, stats, _ = connected(mask)
    thumb_h, thumb_w = thumb.shape
    max_h = options.max_digit_height * thumb_h
    # a plain loop over the few components: a dozen numpy calls on arrays this short cost
    # more than the comparisons themselves
    boxes = stats.tolist()[1:]
    large = [label for label, (x, y, w, h, _) in enumerate(boxes, start=1)
             if h * params.thumb > params.large_text and h <= max_h
             and params.min_aspect * h <= w <= params.max_aspect * h
             and x > 0 and y > 0 and x + w < thumb_w and y + h < thumb_h
             and enclosed(boxes, x, y, w, h) < params.enclosing]
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
        if inside[box][region].max() <= params.half_stroke * lh and \
                np.median(dark[box][region]) >= params.large_ink:
            tallest = max(tallest, lh)
    return tallest * height / thumb_h


def enclosed(boxes: list, x: int, y: int, w: int, h: int) -> int:
    """How many of ``boxes`` (component stats rows: x, y, width, height, area) lie strictly
    inside the box ``(x, y, w, h)``. A large digit holds none, or a speck; the frame of a
    printed grid or box holds what is written and printed in it (a sudoku's outer square,
    as tall as a large digit and as wide, holds its givens)."""
    return sum(1 for bx, by, bw, bh, _ in boxes
               if bx > x and by > y and bx + bw < x + w and by + bh < y + h)


def rescaled(options, text_height: float, work_width: int):
    """Options (:class:`LocateOptions`) to search again at a lower resolution that suits
    large writing, or None.

    The background's closing kernel spans a fixed part of the work image: a pen stroke
    wider than it (digits written large, or photographed close up: a single digit filling
    the frame) becomes background, its digit comes out hollow or in pieces, and its long
    strokes look like ruled lines. Writing taller than ``large_text`` work pixels is
    searched once more at the width that makes it ``text_target`` pixels tall, as
    writing of the usual size is (see docs/tuning.md for small writing).
    """
    params = options.scale
    if text_height <= params.large_text:
        return None
    width = max(params.min_work_width, round(work_width * params.text_target / text_height))
    return replace(options, work_width=width, work_fraction=0.0, max_work_width=width)
