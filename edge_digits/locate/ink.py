"""Ink as relative darkness: the work image, the paper's brightness, thresholds, crops' ink.

    >>> small = shrink(gray, (256, 192))
    >>> background = paper_background(small)
    >>> dark = darkness(small, background)
    >>> weak, strong = thresholds(dark, options)

The paper's brightness is estimated on a coarse grid (a local maximum, then a median: ink
is sparse and darker than paper), and the ink image is the *relative* darkness
``(background - pixel) / background``: shadows and uneven light multiply brightness, so
relative darkness is unaffected by them. Thresholds follow the image's own noise: pixels
above a *weak* threshold form components, and only components that also hold a pixel above
a *strong* threshold are kept (hysteresis). A sheet on a table is searched at the paper's
noise, not the table's (:func:`paper_thresholds`).
"""
from __future__ import annotations

import functools
import math

import cv2
import numpy as np

from ..frame import paper_shade
from .params import InkParams

_AREA_2_5_SUM = 25  #: each output pixel of the 2/5 resize is a weighted sum over 25
_UINT8_VALUES = 256


def shrink(gray: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``cv2.resize(gray, size, interpolation=cv2.INTER_AREA)``, bit for bit.

    Parameters
    ----------
    gray : (M, N) uint8 ndarray
    size : (width, height) of the result

    Returns
    -------
    (height, width) uint8 ndarray

    640x480 frames shrink by exactly 2/5 to the default work width, where OpenCV's generic
    area resize is the slowest step of the locate stage: there each output pixel is
    ``N / 25`` for an integer ``N`` (weights 2, 2, 1 of 5 each way), summed exactly in
    uint16 (:func:`_two_of_five`: rows, then the transposed columns), and rounded as
    OpenCV rounds (``N / 25`` is never half-way, at least 0.02 from it). Other sizes:
    OpenCV.
    """
    height, width = gray.shape
    if (size[0] * 5 != width * 2 or size[1] * 5 != height * 2
            or not gray.flags.c_contiguous):
        return cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    # Integer sums in OpenCV calls on strided row views: 640x480 0.11 -> 0.07 ms against
    # float32 matrix products (the frame's float copy alone cost a quarter of that)
    rows = _two_of_five(gray)  # (height * 2/5, width) sums of 5 weighted rows
    sums = cv2.transpose(_two_of_five(cv2.transpose(rows)))  # then of 5 weighted columns
    # saturate(round(N / 25)) of each sum, checked for every possible N in test_locate
    return cv2.convertScaleAbs(sums, alpha=1 / _AREA_2_5_SUM)


def _two_of_five(image: np.ndarray) -> np.ndarray:
    """Each 5 rows of ``image`` ((5n, m) uint8 or uint16) to 2: the sums ``2a + 2b + c``
    and ``c + 2d + 2e`` of rows ``a..e``, as (2n, m) uint16 (exact: at most 25 * 255)."""
    count, width = image.shape[0] // 5, image.shape[1]
    rows = image.reshape(count, 5, width)  # rows[:, i]: every 5th row, a strided view
    sums = np.empty((count, 2, width), np.uint16)
    sums[:, 0] = cv2.addWeighted(cv2.add(rows[:, 0], rows[:, 1], dtype=cv2.CV_16U), 2,
                                 rows[:, 2], 1, 0, dtype=cv2.CV_16U)
    sums[:, 1] = cv2.addWeighted(cv2.add(rows[:, 3], rows[:, 4], dtype=cv2.CV_16U), 2,
                                 rows[:, 2], 1, 0, dtype=cv2.CV_16U)
    return sums.reshape(2 * count, width)


@functools.lru_cache(maxsize=None)
def _ellipse(size: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))


@functools.lru_cache(maxsize=None)
def _square(size: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))


@functools.lru_cache(maxsize=None)
def step_table(step: float) -> np.ndarray:
    """``cv2.multiply(value, step)`` of every uint8 value, made by that same call: a table
    lookup gives the same bytes at a third of the cost of multiplying by a float scalar."""
    return cv2.multiply(np.arange(_UINT8_VALUES, dtype=np.uint8).reshape(1, _UINT8_VALUES), step)


def paper_background(small: np.ndarray, params: InkParams = InkParams()) -> np.ndarray:
    """The paper's brightness at every pixel.

    Parameters
    ----------
    small : (M, N) uint8 ndarray
        The work image (grayscale, dark ink on lighter paper).
    params : InkParams

    Returns
    -------
    (M, N) uint8 ndarray
    """
    height, width = small.shape
    # A morphological closing at half the work resolution removes dark features narrower
    # than its kernel (pen strokes up to ~1/23 of the frame width) and keeps broad dark
    # regions (shadows, a table) as background, so they are not taken for ink.
    half = cv2.resize(small, (max(params.min_half, width // 2), max(params.min_half, height // 2)),
                      interpolation=cv2.INTER_AREA)
    closed = cv2.morphologyEx(half, cv2.MORPH_CLOSE, _ellipse(params.close))
    closed = cv2.blur(closed, (params.blur, params.blur))
    smooth = cv2.resize(closed, (width, height), interpolation=cv2.INTER_LINEAR)
    near_step = _near_steps(closed, params)
    if near_step is None:
        return smooth
    near_step = cv2.resize(near_step, (width, height), interpolation=cv2.INTER_NEAREST)
    sharp = cv2.min(smooth, cv2.morphologyEx(small, cv2.MORPH_CLOSE, _square(params.edge_close)))
    return cv2.copyTo(sharp, near_step, smooth)


def _near_steps(closed: np.ndarray, params: InkParams) -> np.ndarray | None:
    """Where a smooth background estimate is wrong: near steep steps of the background
    inside the frame (0/255 at half resolution, widened), None if there are none.

    A smooth estimate is too bright for a pixel or two on the dark side of a sharp
    shadow's edge (a phone or a hand under a lamp): a thin false line of ink along the
    edge that joins every digit it crosses into one frame-tall component. Near steep steps,
    a closing at the work resolution with a square as wide keeps a straight edge exactly
    (as it keeps any region wider than the square): there the darker of the two is the
    paper. Not near the frame's border, where steps are mostly the paper's edge with a
    table beyond (see docs/tuning.md, "Sharp shadow edges").
    """
    kernel = _square(params.step_kernel)
    steps = cv2.morphologyEx(closed, cv2.MORPH_GRADIENT, kernel)
    near_step = cv2.compare(steps, cv2.LUT(closed, step_table(params.step)), cv2.CMP_GT)
    half_h, half_w = near_step.shape
    border_y, border_x = int(params.step_border * half_h), int(params.step_border * half_w)
    inner = near_step[border_y:half_h - border_y, border_x:half_w - border_x]
    if not inner.any():
        return None
    near_step = np.zeros_like(near_step)
    near_step[border_y:half_h - border_y, border_x:half_w - border_x] = inner
    return cv2.dilate(near_step, kernel)


def darkness(gray: np.ndarray, background: np.ndarray) -> np.ndarray:
    """Relative darkness ``255 * (background - gray) / background``.

    Parameters
    ----------
    gray, background : (M, N) uint8 ndarray

    Returns
    -------
    (M, N) uint8 ndarray (0: paper or lighter)
    """
    difference = cv2.subtract(background, gray)
    return cv2.divide(difference, cv2.max(background, 1), scale=255)


def thresholds(dark: np.ndarray, options, mask: np.ndarray | None = None) -> tuple[int, int]:
    """(weak, strong) darkness thresholds from the image's own noise level.

    Parameters
    ----------
    dark : (M, N) uint8 ndarray
        Relative darkness (:func:`darkness`).
    options : LocateOptions
        Its contrast bounds and ``ink`` parameters.
    mask : (M, N) uint8 ndarray, optional
        Where to measure the noise (non-zero pixels; default: everywhere).
    """
    params = options.ink
    cumulative = cv2.calcHist([dark], [0], mask, [256], [0, 256]).cumsum()
    total = cumulative[-1]
    median, p75 = cumulative.searchsorted([0.5 * total, 0.75 * total]).tolist()
    # Paper pixels are most of the frame: the spread of the lower three quarters is their
    # noise (a table's texture or ink elsewhere does not reach the median and quartile).
    noise = max(1.0, (p75 - median) / params.quartile_sigma)
    weak = median + params.weak_noise * noise
    weak = min(max(weak, options.min_contrast * 255), options.max_weak_contrast * 255)
    strong = max(median + params.strong_noise * noise, params.strong_over_weak * weak)
    strong = min(max(strong, options.min_peak_contrast * 255), options.max_peak_contrast * 255)
    return int(weak), int(strong)


def share_level(image: np.ndarray, share: float, mask: np.ndarray | None = None,
                low: int = 0) -> int:
    """The value below which ``share`` of a uint8 ``image``'s pixels lie (within ``mask``,
    among those at ``low`` or above): a percentile from one histogram (``np.percentile``
    sorts: ten times as long). ``low`` above every pixel: 0."""
    histogram = cv2.calcHist([image], [0], mask, [256], [0, 256])
    histogram[:low] = 0
    cumulative = histogram.cumsum()
    return int(cumulative.searchsorted(share * cumulative[-1])) if cumulative[-1] else 0


def paper_thresholds(dark: np.ndarray, background: np.ndarray,
                     options) -> tuple[np.ndarray, int, int]:
    """``(dark, weak, strong)``: the darkness and its thresholds (:func:`thresholds`), the
    noise measured on the paper when a table or a dark surround would raise it.

    A sheet photographed on a table fills part of the frame: the wood's grain, the dark
    surround's edges reach the darkness's upper quartile, and the thresholds measured over
    the whole frame rise above thin or faint writing on the sheet (a fine ballpoint, a
    worn pen), found in pieces or not at all. The paper is where the background is at least
    ``InkParams.paper_share`` of its 90th percentile. When it is ``InkParams.min_paper`` of
    the frame or more and the whole frame's weak threshold is ``InkParams.paper_noise``
    times the paper's or more, the paper's thresholds are used, and the darkness off the
    paper is scaled down by the ratio of the two weak thresholds: off the paper the frame
    is searched as with the whole frame's (twenty-fourth session: strangers' frames 563 /
    532 / 65 -> 583 / 518 / 59 exact / rejected / wrong of 1,160, digit-free scenes 4 of
    488 either way; docs/tuning.md). ``paper_noise`` 0: the whole frame's, always.

    Parameters
    ----------
    dark, background : (M, N) uint8 ndarray
        Relative darkness (:func:`darkness`) and the paper's brightness.
    options : LocateOptions
    """
    params = options.ink
    whole = thresholds(dark, options)
    # the paper's weak threshold is at least its floor: a frame whose own is not that many
    # times the floor keeps it (a clean page, most cells: measured no further)
    if not params.paper_noise or whole[0] < params.paper_noise * int(options.min_contrast * 255):
        return (dark, *whole)
    level = params.paper_share * share_level(background, 0.9)
    _, paper = cv2.threshold(background, math.ceil(level) - 1, 255, cv2.THRESH_BINARY)
    if cv2.countNonZero(paper) < params.min_paper * paper.size:
        return (dark, *whole)
    weak, strong = thresholds(dark, options, paper)
    if whole[0] < params.paper_noise * weak:
        return (dark, *whole)
    off_paper = cv2.convertScaleAbs(dark, alpha=weak / whole[0])
    return cv2.copyTo(dark, paper, off_paper), weak, strong


def stretch_masked(dark: np.ndarray, core: float = 0.8) -> np.ndarray:
    """Masked darkness (zero outside the ink) scaled so that the darkest ``1 - core`` of
    the ink saturates (like MNIST).

    Parameters
    ----------
    dark : (M, N) uint8 ndarray

    Returns
    -------
    (M, N) uint8 ndarray (``dark`` itself when it holds no ink)
    """
    # histogram of the ink values 1..255 only (bin j holds value j + 1): the cumulative
    # count's last entry is the number of ink pixels (float32, exact below 2**24)
    # (the array methods, not np.cumsum / np.searchsorted: their dispatch costs ~3 us a
    # crop here, a quarter of this function)
    cumulative = cv2.calcHist([dark], [0], None, [255], [1, 256]).cumsum()
    total = cumulative[-1]
    if total == 0:
        return dark
    saturated = 1 + int(cumulative.searchsorted(core * total))
    return cv2.convertScaleAbs(dark, alpha=255.0 / max(saturated, 1))


def light_on_dark(small: np.ndarray, params: InkParams = InkParams()) -> bool:
    """Whether ``small`` shows light writing on a dark surface (chalk on a board, a white
    marker on a dark folder): a dark frame whose brightest pixels stand far above its
    median while its darkest lie close below it (dark ink on paper in dim light is the
    other way round), and whose bright part is small, as strokes are (a sheet of paper on
    a dark table is a large bright part: not inverted). A compact bright spot (a lamp's
    reflection, glare on dim paper) is no writing: the test must hold without such spots
    too (:func:`bright_spots`).

    Parameters
    ----------
    small : (h, w) uint8 ndarray
        The frame at the work resolution.
    """
    # Most frames are paper: a median of at least ``dark_surface`` (not a dark surface) is
    # known from one count of the darker pixels, 8 times cheaper than the histogram (whose
    # hot bins of paper values make it slow): the median is below ``dark_surface`` exactly
    # when at least half the pixels are
    darker = cv2.countNonZero(cv2.compare(small, params.dark_surface, cv2.CMP_LT))
    if darker < 0.5 * small.size:
        return False
    level = _light_level(small, None, params)
    if level is None:
        return False
    spots = bright_spots(small, level, params)
    return spots is None or _light_level(small, cv2.bitwise_not(spots), params) is not None


def light_crop(gray: np.ndarray, params: InkParams = InkParams()) -> bool:
    """Whether ``gray``, a crop of one digit (a file of a collection of single digits, a
    cell), shows light writing on a dark ground: its paper (:func:`~edge_digits.frame.
    paper_shade`, its outermost pixels) darker than ``dark_surface``, its brightest ``tail``
    of pixels far above that ground and its darkest close below it, as
    :func:`light_on_dark` asks of a frame's median. Not asked: that the bright part is
    small, or strokes. A bold light digit filling a small file (an 8x8 or 16x16 scan,
    enlarged) is bright on more of it, in thicker strokes, than that test lets pass, often
    on more than half of it."""
    ground = paper_shade(gray)
    if ground >= params.dark_surface:
        return False
    low, high = np.percentile(gray, (100 * params.tail, 100 * (1 - params.tail)))
    above, below = high - ground, max(0.0, ground - low)
    return bool(above >= params.min_tail and above >= params.tail_ratio * below)


def _light_level(small: np.ndarray, mask: np.ndarray | None, params: InkParams) -> int | None:
    """The brightness above which light writing lies when the pixels of ``small`` (within
    ``mask``) look like light writing on a dark surface (:func:`light_on_dark`), or None."""
    cumulative = cv2.calcHist([small], [0], mask, [256], [0, 256]).cumsum()
    total = cumulative[-1]
    low, median, high = cumulative.searchsorted(
        [params.tail * total, 0.5 * total, (1 - params.tail) * total]).tolist()
    above, below = high - median, median - low
    if median >= params.dark_surface or above < params.min_tail or above < params.tail_ratio * below:
        return None
    level = median + above // 2
    share = (total - cumulative[level]) / total
    if share <= params.light_share:
        return level
    return level if share <= params.stroke_share and _strokes(small, level, mask, params) else None


def _strokes(small: np.ndarray, level: int, mask: np.ndarray | None, params: InkParams) -> bool:
    """Whether the part of ``small`` brighter than ``level`` (within ``mask``) is strokes:
    half its widest stroke (the largest distance to its edge) is at most ``stroke_half`` of
    its height, and it fills at most ``stroke_fill`` of its bounding box. A light digit
    filling a dark frame (a white-on-black scan, a digit drawn on a black canvas) is
    bright on more than ``light_share`` of it; a sheet of paper on a dark table, or a
    strip of it, is as large a bright part, but solid."""
    _, bright = cv2.threshold(small, level, 255, cv2.THRESH_BINARY)
    if mask is not None:
        bright = cv2.bitwise_and(bright, mask)
    _, _, width, height = cv2.boundingRect(bright)
    if height == 0 or cv2.countNonZero(bright) > params.stroke_fill * width * height:
        return False
    widest = cv2.distanceTransform(bright, cv2.DIST_L2, 3).max()
    return bool(widest <= params.stroke_half * height)


def bright_spots(small: np.ndarray, level: int, params: InkParams = InkParams()) -> np.ndarray | None:
    """The compact bright spots of ``small`` with a margin around them, or None.

    Parameters
    ----------
    small : (h, w) uint8 ndarray
    level : int
        Pixels brighter than this are the bright part.

    Returns
    -------
    (h, w) uint8 mask (255: a spot or its halo), or None when the bright part has no spot.

    A spot is a component of the bright part at least ``spot_side`` pixels each way, no
    more than ``spot_aspect`` times longer one way than the other, filling ``spot_fill`` of
    its box or more: a lamp's reflection or glare. Written strokes are thin, long or hollow
    (a '1', a '0'), so a digit is no spot.
    """
    _, bright = cv2.threshold(small, level, 255, cv2.THRESH_BINARY)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(bright, connectivity=8)
    spots = [label for label, (_, _, w, h, area) in enumerate(stats.tolist()[1:], start=1)
             if min(w, h) >= params.spot_side and max(w, h) <= params.spot_aspect * min(w, h)
             and area >= params.spot_fill * w * h]
    if not spots:
        return None
    mask = np.isin(labels, spots).astype(np.uint8) * 255
    return cv2.dilate(mask, _ellipse(params.spot_halo))
