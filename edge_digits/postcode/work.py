"""The frame at the postal-code search's work resolutions, its ink mask and components.

    >>> work = work_images(frame)             # BGR or gray uint8 frame
    >>> ink = ink_mask(work.ink_image)        # 255 where darker than the neighbourhood

Also the types both field pipelines return (:class:`Field`) and take
(:class:`FieldOptions`), and :func:`crop_ink`, the full-resolution crop of one digit's ink.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from ..results import Box
from ..touching import TouchingParams
from .params import BoxRowParams, CellParams, TokenParams, WorkParams

#: colour is examined at half resolution, ink at quarter resolution (of a 1280x720 frame);
#: larger frames are scaled to these widths, smaller ones less (see :class:`WorkParams`)
COLOUR_WIDTH = WorkParams().colour_width
INK_WIDTH = WorkParams().ink_width

# structuring elements, made once (np.ones costs more than a small dilation)
SQUARE_3 = np.ones((3, 3), np.uint8)
SQUARE_5 = np.ones((5, 5), np.uint8)
ROW_3 = np.ones((1, 3), np.uint8)
COLUMN_3 = np.ones((3, 1), np.uint8)


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
    work: WorkParams = field(default_factory=WorkParams)  #: work images, ink mask, crops
    boxes: BoxRowParams = field(default_factory=BoxRowParams)  #: rows of boxes
    cells: CellParams = field(default_factory=CellParams)  #: a digit in one box
    tokens: TokenParams = field(default_factory=TokenParams)  #: free-form tokens
    #: splitting touching glyphs of free-form tokens
    touching: TouchingParams = field(default_factory=TouchingParams)


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
class Work:
    """The frame at the two work resolutions (scales are work pixels per frame pixel)."""

    channel: np.ndarray  #: (H, W) full-resolution ink channel (red, or gray), a view
    ink_image: np.ndarray  #: ink channel at ``ink_scale``
    ink_scale: float
    line_image: np.ndarray  #: darkest channel at ``colour_scale``, where box lines are sought
    colour_scale: float


def work_images(frame: np.ndarray, params: WorkParams = WorkParams()) -> Work:
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
    colour_scale = min(1.0, params.colour_width / width)
    ink_scale = min(1.0, params.ink_width / width)
    def size(scale):
        return (max(1, int(round(width * scale))), max(1, int(round(height * scale))))
    # INTER_AREA by two is fast (a SIMD path); from there to the ink width is cheap
    if frame.ndim == 2:
        half = frame if colour_scale == 1.0 else cv2.resize(frame, size(colour_scale),
                                                            interpolation=cv2.INTER_AREA)
        small = half if ink_scale == colour_scale else cv2.resize(
            half, size(ink_scale), interpolation=cv2.INTER_AREA)
        return Work(frame, small, ink_scale, half, colour_scale)
    darkest, red = darkest_and_red(frame, size(colour_scale), params)
    ink_image = red if ink_scale == colour_scale else cv2.resize(
        red, size(ink_scale), interpolation=cv2.INTER_AREA)
    return Work(frame[:, :, 2], ink_image, ink_scale, darkest, colour_scale)


def darkest_and_red(frame: np.ndarray, size: tuple[int, int],
                    params: WorkParams = WorkParams()) -> tuple[np.ndarray, np.ndarray]:
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
    rows = max(1, params.strip_pixels // out_width)  # rows per strip: ~100 kB, reused
    for top in range(0, out_height, rows):
        bottom = min(out_height, top + rows)
        strip = cv2.resize(frame[top * factor:bottom * factor], (out_width, bottom - top),
                           interpolation=cv2.INTER_AREA)
        blue, green, red[top:bottom] = cv2.split(strip)  # (split: SIMD, extractChannel not)
        cv2.min(cv2.min(blue, green, dst=blue), red[top:bottom], dst=darkest[top:bottom])
    return darkest, red


def ink_mask(ink_image: np.ndarray, params: WorkParams = WorkParams()) -> np.ndarray:
    """Pixels clearly darker than their neighbourhood (255), robust to uneven light."""
    return darker_than_mean(ink_image, block(ink_image, params), params.ink_delta)


def darker_than_mean(image: np.ndarray, block: int, delta: int) -> np.ndarray:
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
    # darkest_and_red on fresh memory)
    cv2.subtract(mean, image, dst=mean)
    return cv2.threshold(mean, delta - 1, 255, cv2.THRESH_BINARY, dst=mean)[1]


def components(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """8-connected components of a mask: (count, (H, W) int32 labels, (count, 5) stats).

    The same labels and stats as ``cv2.connectedComponentsWithStats(mask,
    connectivity=8)`` (both label 2x2 blocks in raster order), in half the time: OpenCV's
    default algorithm (Spaghetti) gathers the statistics slowly into int32 labels.
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(
        mask, 8, cv2.CV_32S, cv2.CCL_GRANA)
    return count, labels, stats


def block(image: np.ndarray, params: WorkParams = WorkParams()) -> int:
    """Neighbourhood of the adaptive threshold: larger than a digit's stroke and bowl."""
    return max(params.min_block, (min(image.shape) // params.block_fraction) | 1)


def crop_ink(channel: np.ndarray, x0: int, y0: int, x1: int, y1: int,
             params: WorkParams = WorkParams()) -> np.ndarray | None:
    """Ink of a full-resolution crop as white on black uint8 (Otsu), or None if blank.

    Ink keeps its grey edges (anti-aliasing), scaled by darkness, like MNIST's strokes.
    """
    crop = np.ascontiguousarray(channel[y0:y1, x0:x1])
    if crop.size < params.min_crop:
        return None
    level, binary = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    dark = cv2.mean(crop, binary)[0]
    paper = cv2.mean(crop, cv2.bitwise_not(binary))[0]
    if paper - dark < params.min_contrast:  # no pen stroke: an empty box or plain paper
        return None
    # ink as dark as the stroke's mean or darker saturates: bold strokes, as in MNIST (not
    # the locate stage's stretch: see docs/tuning.md)
    soft = cv2.subtract(np.full_like(crop, int(min(255, paper))), crop)
    soft = cv2.convertScaleAbs(soft, alpha=255.0 / max(1.0, paper - dark))
    return cv2.bitwise_and(soft, binary)
