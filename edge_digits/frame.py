"""Frame validation and conversion to grayscale: the one check at every public entry point.

``as_gray(frame)`` accepts what cameras and ``cv2.imread`` deliver (uint8 grayscale, BGR,
BGRA or Picamera2's XRGB8888, which arrives as B,G,R,X) and returns a 2-D uint8 array, or
raises :class:`~edge_digits.errors.FrameError` saying what was received.
"""
from __future__ import annotations

import cv2
import numpy as np

from .errors import FrameError

MIN_SIDE = 8  #: frames smaller than this on both sides cannot hold a readable digit
MIN_NARROW = 3  #: ... or narrower than this (a '1' cut tight is a few pixels wide)
MAX_ENLARGED = 1024  #: :func:`enlarge_small` keeps the enlarged frame's longer side below this
#: :func:`clean_edges`: a frame's outermost pixels spread over at most this share of its
#: range when they are all paper
EDGE_SPREAD = 0.2
#: :func:`lined_sides`: a grid's line is ink this share of the way from the paper to the
#: darkest pixel
LINE_INK = 0.2
MAX_PIXELS = 120_000_000  #: about 11000 x 11000; larger frames are refused, not processed


def describe(frame: object) -> str:
    """A short description of what was received, for error messages."""
    if frame is None:
        return "None"
    if isinstance(frame, np.ndarray):
        return f"array of shape {frame.shape} and dtype {frame.dtype}"
    return f"object of type {type(frame).__name__}"


def check_frame(frame: object, name: str = "frame") -> np.ndarray:
    """Validate a frame; return it as an ndarray (H, W) or (H, W, C), uint8, C in 1, 3, 4."""
    expected = "expected a uint8 image of shape (H, W), (H, W, 3) BGR or (H, W, 4) BGRA"
    if not isinstance(frame, np.ndarray):
        raise FrameError(f"{name}: received {describe(frame)}; {expected}")
    if frame.ndim not in (2, 3) or (frame.ndim == 3 and frame.shape[2] not in (1, 3, 4)):
        raise FrameError(f"{name}: received {describe(frame)}; {expected}")
    if frame.size == 0:
        raise FrameError(f"{name}: received an empty {describe(frame)}; {expected}")
    if frame.dtype != np.uint8:
        hint = ""
        if frame.dtype.kind == "f":
            if np.isnan(frame).any():
                hint = " (it contains NaN)"
            hint += "; for floats in 0..1 pass (frame * 255).astype(np.uint8)"
        elif frame.dtype == np.uint16:
            hint = "; for 16-bit frames pass (frame >> 8).astype(np.uint8)"
        raise FrameError(f"{name}: received {describe(frame)}{hint}; {expected}")
    height, width = frame.shape[:2]
    if max(height, width) < MIN_SIDE or min(height, width) < MIN_NARROW:
        raise FrameError(
            f"{name}: received a {width}x{height} frame; need at least {MIN_SIDE} pixels on "
            f"its longer side and {MIN_NARROW} on its shorter"
        )
    if height * width > MAX_PIXELS:
        raise FrameError(
            f"{name}: received a {width}x{height} frame ({height * width / 1e6:.0f} MP); "
            f"the limit is {MAX_PIXELS / 1e6:.0f} MP: resize it first"
        )
    return frame


def as_gray(frame: object, name: str = "frame") -> np.ndarray:
    """Validate ``frame`` and return it as a contiguous 2-D uint8 grayscale image."""
    frame = check_frame(frame, name)
    if frame.ndim == 2:
        return np.ascontiguousarray(frame)
    channels = frame.shape[2]
    if channels == 1:
        return np.ascontiguousarray(frame[:, :, 0])
    code = cv2.COLOR_BGR2GRAY if channels == 3 else cv2.COLOR_BGRA2GRAY
    return cv2.cvtColor(frame, code)


def flatten_decoded(image: np.ndarray) -> np.ndarray:
    """A decoded image file of any depth and channel count as a uint8 frame: gray stays
    gray (H, W), colour is BGR (H, W, 3).

    16-bit images keep their top 8 bits, floats (0..1) are scaled to 0..255, and
    transparent pixels are laid over white: a digit drawn on a transparent canvas is dark
    ink on paper, not ink on black (its colour channels are black where it is
    transparent). Only for decoded files, whose fourth channel is alpha: a camera's
    B,G,R,X frame goes to :func:`as_gray` as it is.
    """
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    elif image.dtype != np.uint8:
        image = np.clip(np.nan_to_num(image.astype(np.float32)) * 255.0, 0, 255).astype(np.uint8)
    if image.ndim == 2:
        return image
    channels = image.shape[2]
    if channels == 1:
        return np.ascontiguousarray(image[:, :, 0])
    if channels == 4:
        return _over_white(image[:, :, :3], image[:, :, 3:4])
    if channels == 2:  # gray + alpha
        return _over_white(image[:, :, 0], image[:, :, 1])
    return np.ascontiguousarray(image[:, :, :3])


def _over_white(colour: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """``colour`` (uint8) laid by its ``alpha`` (uint8, 255: opaque) over white."""
    alpha = alpha.astype(np.float32) * np.float32(1.0 / 255.0)
    over_white = colour.astype(np.float32) * alpha + np.float32(255.0) * (np.float32(1.0) - alpha)
    return np.clip(over_white + 0.5, 0, 255).astype(np.uint8)


def enlarge_small(gray: np.ndarray, min_side: int,
                  framed: bool = True) -> tuple[np.ndarray, int, int]:
    """A frame smaller than ``min_side`` on a side, enlarged to be read like a photo.

    A crop of one digit (a 28x28 scan, a 16x16 form cell) holds a digit too small for the
    locate stage's smallest digit and too large a part of the frame for its largest. It
    is scaled up by the smallest whole factor that brings its shorter side to ``min_side``
    and framed with a border of the paper's shade, a quarter of its size on each side,
    so that the digit is a part of the frame as it is in a photo.

    Parameters
    ----------
    gray : (H, W) uint8 ndarray
    min_side : int
        0 never enlarges.
    framed : bool
        False: no border (a cell cut from a grid: the locate stage leaves out the marks
        its edges cut, its grid's lines; framed, they would be read as '1's and '7's).

    Returns
    -------
    (image, factor, border): ``gray`` itself, 1 and 0 when it is large enough; else the
    enlarged image, the factor and the border (pixels of the enlarged image). A point
    ``(x, y)`` of the result is ``((x - border) / factor, (y - border) / factor)`` of ``gray``.
    """
    height, width = gray.shape
    if min(height, width) >= min_side:
        return gray, 1, 0
    # the smallest whole factor that brings the shorter side to min_side (a tight crop of
    # a '1' may be 3 pixels wide), bounded so that the longer side stays a frame's size
    factor = max(1, min(-(-min_side // min(height, width)), MAX_ENLARGED // max(height, width)))
    enlarged = cv2.resize(gray, (width * factor, height * factor), interpolation=cv2.INTER_CUBIC)
    if not framed:
        return enlarged, factor, 0
    bordered, border = with_border(enlarged, paper_shade(gray))
    return bordered, factor, border


def _outermost(gray: np.ndarray) -> np.ndarray:
    """The frame's outermost pixels, all four sides."""
    return np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])


def bitmap_levels(gray: np.ndarray, faint: int = 64) -> np.ndarray:
    """``gray`` with its two grey levels black and white (0 and 255) when it holds exactly
    two, ``faint`` or fewer apart: a bitmap saved as 0 and 1 (a binary mask, a scanned
    form's bits), which shows black and reads nothing. Any other frame as it is: a
    photo's flat paper holds more levels, its noise, which stretched would be ink."""
    low, high, _, _ = cv2.minMaxLoc(gray)
    if not 0 < high - low <= faint:
        return gray
    if cv2.countNonZero(cv2.inRange(gray, low + 1, high - 1)):  # a third level
        return gray
    return cv2.compare(gray, low, cv2.CMP_GT)  # 255 where the upper level, else 0


def paper_shade(gray: np.ndarray) -> int:
    """The median of the frame's outermost pixels: the paper's shade of a crop or a scan
    with paper all round its writing."""
    return int(np.median(_outermost(gray)))


def shrink_to(gray: np.ndarray, side: int) -> np.ndarray:
    """``gray`` scaled down (pixel areas averaged) so that its shorter side is ``side``
    pixels (its longer side in proportion): a crop of one large digit or number read at
    the size of the writing the locate stage is made for. A point ``(x, y)`` of the result
    is ``(x * width / new_width, y * height / new_height)`` of ``gray``."""
    height, width = gray.shape
    scale = side / min(height, width)
    size = (max(side, round(width * scale)), max(side, round(height * scale)))
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA)


def lined_sides(gray: np.ndarray, reach: float = 0.75, band: float = 0.15) -> int:
    """How many of the frame's four sides have a straight line of ink running along them
    (within ``band`` of the frame from that side, at least ``reach`` of it long): a grid's
    or a box's lines at a cell's edges. Ink here is darker than the paper by a fifth of the
    way to the darkest pixel (a grid's lines are printed fainter than the writing in it:
    at half the way, as :func:`cut_tight` takes ink, lines along two sides were found in
    412 of the 973 real sudoku cells cut at 40 px, at a fifth in 930, and in none of 288
    crops of numbers written on a ruled line)."""
    return _side_lines(gray, reach, band)[0]


def lines_only(gray: np.ndarray, reach: float = 0.75, band: float = 0.15,
               least: float = 0.02) -> bool:
    """Whether the frame holds nothing but straight lines of ink along two of its sides or
    more (:func:`lined_sides`): an empty cell cut from a grid. Ink beside them, ``least``
    of the frame's pixels or more, is writing (a digit stretched to fill its box has
    strokes along its sides too)."""
    sides, lines, ink = _side_lines(gray, reach, band)
    if sides < 2:
        return False
    ink[cv2.dilate(lines, np.ones((3, 3), np.uint8)) > 0] = 0
    return cv2.countNonZero(ink) < least * gray.shape[0] * gray.shape[1]


def _side_lines(gray: np.ndarray, reach: float, band: float) -> tuple[int, np.ndarray, np.ndarray]:
    """(how many sides have a line along them, those lines, the ink) of :func:`lined_sides`."""
    ink = _ink_mask(gray, LINE_INK)  # a fresh array: lines_only may clear its lines
    height, width = gray.shape
    across = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, max(2, int(reach * width))),
                                                           np.uint8))
    down = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((max(2, int(reach * height)), 1),
                                                         np.uint8))
    rows, columns = max(1, round(band * height)), max(1, round(band * width))
    sides = (int(across[:rows].any()) + int(across[height - rows:].any())
             + int(down[:, :columns].any()) + int(down[:, width - columns:].any()))
    across[rows:height - rows] = 0
    down[:, columns:width - columns] = 0
    return sides, cv2.bitwise_or(across, down), ink


def _ink_mask(gray: np.ndarray, share: float = 0.5) -> np.ndarray:
    """Ink as 1s: darker than the paper (the median), or lighter on a dark frame, by
    ``share`` of the way to the extreme."""
    paper = int(np.median(gray))
    low, high = int(gray.min()), int(gray.max())
    if paper - low >= high - paper:
        return (gray < paper - (paper - low) * share).view(np.uint8)
    return (gray > paper + (high - paper) * share).view(np.uint8)


def with_border(gray: np.ndarray, shade: int | None = None) -> tuple[np.ndarray, int]:
    """``gray`` framed on each side by a border a quarter of its longer side wide, of
    ``shade`` (default: the median of its outermost pixels, the paper's shade: ink that
    touches the edge is not smeared into the border, as replicating the edge would), and
    the border's width. A point ``(x, y)`` of the result is ``(x - border, y - border)``
    of ``gray``."""
    border = max(gray.shape) // 4
    shade = paper_shade(gray) if shade is None else shade
    return (cv2.copyMakeBorder(gray, border, border, border, border, cv2.BORDER_CONSTANT,
                               value=shade), border)


def cut_tight(gray: np.ndarray, reach: float = 0.75, least: float = 0.02,
              tallest: float = 0.8) -> bool:
    """Whether ``gray`` is a crop cut tight around its writing, too tight for the locate
    stage (which leaves out marks the frame's edge cuts, and marks taller than
    ``max_digit_height`` of the frame): a mark of ink (darker than the paper, or lighter
    on a dark frame, by half the way to the extreme; at least ``least`` of the frame's
    pixels) reaches the frame's edges or is taller than ``tallest`` of its height.
    Straight runs of ink ``reach`` of the frame's longer side long are left out first: a
    grid's or a box's lines, at a cell's edges or across it, make no cell a tight crop
    (nor does a '1' cut tight: a line to this test).
    """
    ink = _without_lines(_ink_mask(gray), reach)
    height, width = gray.shape
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    return any(area >= least * height * width
               and (x <= 0 or y <= 0 or x + w >= width or y + h >= height
                    or h > tallest * height)
               for x, y, w, h, area in stats.tolist()[1:])


def straight_lines_only(gray: np.ndarray, reach: float = 0.75, least: float = 0.02,
                        thicken: int = 5) -> bool:
    """Whether the frame's ink (a fifth of the way to the darkest pixel, as
    :func:`lined_sides` takes it) is nothing but straight lines, level or upright, at least
    ``reach`` of its longer side long, wherever they lie: a grid's or a box's lines across
    a cell or along its sides, a ruled line across a crop. What is left of the ink is
    writing when it makes ``least`` of the frame's pixels. A line turned a few degrees is
    kept whole by thickening it across by ``thicken`` pixels (a photo's cells are seldom
    level)."""
    ink = _without_lines(_ink_mask(gray, LINE_INK), reach, thicken)
    return cv2.countNonZero(ink) < least * gray.shape[0] * gray.shape[1]


def ink_beside(gray: np.ndarray, box, pad: float = 0.1, reach: float = 0.75) -> float:
    """The share of the frame's ink (as :func:`cut_tight` takes it, its straight lines
    ``reach`` of its longer side long left out) that lies outside ``box`` (a
    :class:`~edge_digits.results.Box` of the frame) widened by ``pad`` of the frame's
    longer side: 0 when one mark is all the writing there is, more when the crop holds
    another digit beside it. 0 for a frame without such ink."""
    ink = _without_lines(_ink_mask(gray), reach)
    total = cv2.countNonZero(ink)
    if not total:
        return 0.0
    margin = round(pad * max(gray.shape))
    inside = cv2.countNonZero(ink[max(0, box.y - margin):box.bottom + margin,
                                  max(0, box.x - margin):box.right + margin])
    return (total - inside) / total


def ink_inside(gray: np.ndarray, margin: float = 0.2) -> bool:
    """Whether a crop holds ink away from its edges: a pixel of its inside (``margin`` of
    its height and width left out on each side) darker than halfway from its paper (the
    95th percentile) to its ink (the 5th). An empty cell's grid lines lie along its
    edges; a digit, even one stretched to fill its box, crosses the inside."""
    height, width = gray.shape
    inside = gray[round(margin * height):round((1 - margin) * height),
                  round(margin * width):round((1 - margin) * width)]
    if not inside.size:
        return False
    paper, ink = np.percentile(gray, (95, 5))
    return float(inside.min()) < (paper + ink) / 2


def _without_lines(ink: np.ndarray, reach: float, thicken: int = 1) -> np.ndarray:
    """``ink`` (a fresh mask of 1s) less its straight runs, level or upright, at least
    ``reach`` of the frame's longer side long (found in the mask thickened across them by
    ``thicken`` pixels), and a pixel round them."""
    run = max(2, int(reach * max(ink.shape)))
    across = ink if thicken == 1 else cv2.dilate(ink, np.ones((thicken, 1), np.uint8))
    down = ink if thicken == 1 else cv2.dilate(ink, np.ones((1, thicken), np.uint8))
    across = cv2.morphologyEx(across, cv2.MORPH_OPEN, np.ones((1, run), np.uint8))
    down = cv2.morphologyEx(down, cv2.MORPH_OPEN, np.ones((run, 1), np.uint8))
    ink[cv2.dilate(cv2.bitwise_or(across, down), np.ones((3, 3), np.uint8)) > 0] = 0
    return ink


def clean_edges(gray: np.ndarray, share: float = EDGE_SPREAD) -> bool:
    """Whether nothing lies on the frame's outermost pixels: their spread (brightest
    minus darkest) is at most ``share`` of the whole frame's. A single digit drawn or
    scanned alone has paper all round it; a cell cut from a grid has the grid's lines
    at its edges, a crop of a photo whatever was beside it."""
    ring = _outermost(gray)
    whole = int(gray.max()) - int(gray.min())
    return whole > 0 and int(ring.max()) - int(ring.min()) <= share * whole
