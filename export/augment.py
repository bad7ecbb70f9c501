"""Make MNIST look like camera crops, and make non-digits, all through ``normalize_digit``.

    >>> pool = camera_pool(x_fit, copies=2, seed=1)    # (2, N, 28, 28) uint8
    >>> junk = non_digits(x_fit, count=5000, seed=2)   # (5000, 28, 28) uint8

The runtime crops pen-on-paper digits from camera frames: other stroke widths, slight
rotation and slant, other aspect ratios, blur, broken strokes, faint ink, specks and bits
of neighbours at the crop's edge. :func:`camera_digit` distorts the raw digit like that at
twice MNIST's resolution, then re-normalizes it with :func:`edge_digits.normalize.normalize_digit`,
the function the runtime uses on camera crops, so training and camera inputs share one
normalization (an undistorted MNIST digit comes back unchanged). A pool is precomputed once
(about 30 us per digit with OpenCV), so training pays nothing per step.

:func:`non_digits` makes the 11th class of the optional none-class model from generated
marks only (no other digit data set): fragments of digits, two digits squeezed into one
crop or written so close that they touch (whole, or one of them cut in half), straight
lines and box corners, blobs, specks, and printed letters and symbols drawn with OpenCV's
Hershey fonts.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import cv2
import numpy as np

from edge_digits.normalize import normalize_digit

UPSCALE = 2  #: distortions are applied at 56x56 so stroke width changes by half-pixels
PAD = 12  #: margin (at 56x56) so rotation and shear never cut the digit

@dataclass(frozen=True)
class CameraAugment:
    """What :func:`camera_batch` draws for each digit: the one place for these values; the
    manifest's ``augmentation_details`` is ``asdict()`` of the instance an export used."""

    #: distortions run at twice MNIST's resolution, then ``normalize_digit`` re-normalizes
    resolution: str = "distorted at 2x (56x56), re-normalized with edge_digits.normalize.normalize_digit"
    rotation_degrees: float = 15.0  #: rotation, uniform within +-this
    shear_slant: float = 0.3  #: horizontal shear (slant), uniform within +-this
    aspect_x_scale: tuple = (0.75, 1.3)  #: horizontal stretch, uniform within this range
    #: probabilities of the stroke bands drawn in this order: thinner (3x3 elliptic erosion),
    #: unchanged, thicker (3x3 dilation), much thicker (5x5: a felt pen); the rest unchanged
    #: (so a stroke changes with p = 0.2 + 0.2 + 0.15 = 0.55)
    stroke_bands: tuple = (0.2, 0.2, 0.2, 0.15)
    thin_min_ink: int = 40  #: a digit left with fewer ink pixels (at 2x) by thinning is not thinned
    gaps: float = 0.15  #: p of 1-2 short background strokes across the ink (broken strokes)
    specks: float = 0.1  #: p of 1-3 small dots next to the digit
    edge_clutter: float = 0.1  #: p of a short stroke at one side of the crop (neighbour, line)
    blur: float = 0.3  #: p of a Gaussian blur ...
    blur_sigmas: tuple = (0.7, 1.1)  #: ... of one of these sigmas (MNIST pixels), one per batch
    faint_ink: float = 0.3  #: p of fainter ink ...
    faint_range: tuple = (0.45, 1.0)  #: ... its intensity scaled by a factor in this range
    halo_floor: int = 16  #: background below this is cut before normalizing (as the runtime does)


#: the augmentation exports use
CAMERA = CameraAugment()
#: recorded in the manifest (``augmentation_details``)
DESCRIPTION = asdict(CAMERA)

NON_DIGITS = {
    "kinds": ["digit fragment", "two squeezed digits", "two touching digits",
              "a digit with a large part of its neighbour", "lines and box corners", "blob",
              "specks", "printed letters/symbols (cv2 Hershey fonts)"],
    "excluded": "vertical-ish strokes and fragments (look like 1), letters that look like digits",
}

#: printed characters for the none class; digit look-alikes (O o I l i S s Z z B b g q G T
#: J D d y) are left out so the none class does not fight the digits
LETTERS = "ACEFHKMNPRUVWXYacefhkmnprtuvwx+#%&@=*<>?!$"
FONTS = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_COMPLEX,
         cv2.FONT_HERSHEY_TRIPLEX, cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, cv2.FONT_HERSHEY_PLAIN)
_ELLIPSE3 = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
_ELLIPSE5 = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))


def _upscale(digit: np.ndarray) -> np.ndarray:
    """(28, 28) -> padded (56 + 2 PAD)^2 float-free uint8 canvas."""
    big = cv2.resize(digit, None, fx=UPSCALE, fy=UPSCALE, interpolation=cv2.INTER_LINEAR)
    return cv2.copyMakeBorder(big, PAD, PAD, PAD, PAD, cv2.BORDER_CONSTANT, value=0)


def _affine(image: np.ndarray, rng: np.random.Generator, max_degrees: float,
            max_shear: float, aspect: tuple) -> np.ndarray:
    """Rotation, slant (horizontal shear) and horizontal stretch about the centre."""
    angle = math.radians(rng.uniform(-max_degrees, max_degrees))
    shear = rng.uniform(-max_shear, max_shear)
    stretch = rng.uniform(*aspect)
    cos, sin = math.cos(angle), math.sin(angle)
    linear = np.array([[cos, -sin], [sin, cos]]) @ np.array([[stretch, shear], [0.0, 1.0]])
    height, width = image.shape
    centre = np.array([width / 2.0, height / 2.0])
    matrix = np.hstack([linear, (centre - linear @ centre)[:, None]])
    return cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=0)


SMALL = 28 + 2 * 6  #: side of one digit's cell at MNIST scale (40): room to rotate and slant
CELL = SMALL * UPSCALE  #: side of one digit's cell at 2x (80), where strokes are changed
CHUNK = 256  #: digits per strip: cv2.remap needs coordinates below 32767


def _choose(options: list, choice: np.ndarray, side: int = CELL) -> np.ndarray:
    """Per-cell pick among same-shape strips: options[choice[i]] for cell i."""
    cells = np.stack([option.reshape(-1, side, side) for option in options])
    return cells[choice, np.arange(len(choice))].reshape(-1, side)


def _affine_maps(count: int, rng: np.random.Generator, max_degrees: float, max_shear: float,
                 aspect: tuple, side: int = SMALL) -> tuple[np.ndarray, np.ndarray]:
    """cv2.remap maps for a per-cell rotation, slant (shear) and stretch about its centre.

    The cells are stacked vertically (a (count * side, side) strip). A destination pixel
    whose source falls outside its own cell reads background, so no digit leaks into its
    neighbour.
    """
    angle = np.radians(rng.uniform(-max_degrees, max_degrees, count))
    shear = rng.uniform(-max_shear, max_shear, count)
    stretch = rng.uniform(aspect[0], aspect[1], count)
    cos, sin = np.cos(angle), np.sin(angle)
    # forward = rotation @ [[stretch, shear], [0, 1]]; the maps need its inverse
    forward = np.empty((count, 2, 2))
    forward[:, 0, 0], forward[:, 0, 1] = cos * stretch, cos * shear - sin
    forward[:, 1, 0], forward[:, 1, 1] = sin * stretch, sin * shear + cos
    inverse = np.linalg.inv(forward).astype(np.float32)
    centre = (side - 1) / 2.0
    ys, xs = np.mgrid[0:side, 0:side].astype(np.float32) - np.float32(centre)
    src_x = inverse[:, 0, 0, None, None] * xs + inverse[:, 0, 1, None, None] * ys + centre
    src_y = inverse[:, 1, 0, None, None] * xs + inverse[:, 1, 1, None, None] * ys + centre
    inside = (src_x >= 0) & (src_x <= side - 1) & (src_y >= 0) & (src_y <= side - 1)
    src_y += (np.arange(count, dtype=np.float32) * side)[:, None, None]
    src_x[~inside], src_y[~inside] = -10.0, -10.0  # outside the strip: border value 0
    return src_x.reshape(-1, side), src_y.reshape(-1, side)


def _ink_box(image: np.ndarray, floor: int = 40):
    ys, xs = np.nonzero(image > floor)
    if len(xs) == 0:
        return None
    return xs.min(), ys.min(), xs.max() + 1, ys.max() + 1


def _clutter(cell: np.ndarray, rng: np.random.Generator, gaps: bool, specks: bool,
             edge: bool) -> None:
    """Draw broken strokes, specks or a neighbour's bit into one (CELL, CELL) view in place."""
    box = _ink_box(cell)
    if box is None:
        return
    x0, y0, x1, y1 = box
    if gaps:  # the pen skipped: short background strokes across the ink
        ys, xs = np.nonzero(cell > 128)
        for _ in range(rng.integers(1, 3)):
            if len(xs) == 0:
                break
            pick = rng.integers(len(xs))
            angle = rng.uniform(0, math.pi)
            half = rng.uniform(2.0, 5.0)
            dx, dy = half * math.cos(angle), half * math.sin(angle)
            cv2.line(cell, (int(xs[pick] - dx), int(ys[pick] - dy)),
                     (int(xs[pick] + dx), int(ys[pick] + dy)), 0, int(rng.integers(2, 4)))
    if specks:  # dust or pen dots beside the digit
        for _ in range(rng.integers(1, 4)):
            centre = (int(rng.uniform(x0 - 4, x1 + 4)), int(rng.uniform(y0 - 4, y1 + 4)))
            cv2.circle(cell, centre, int(rng.integers(1, 3)), int(rng.integers(120, 256)), -1)
    if edge:  # a bit of a neighbouring digit or of a ruled line at one side of the crop
        side = rng.integers(4)
        length = rng.uniform(0.2, 0.5)
        thickness, value = int(rng.integers(2, 5)), int(rng.integers(150, 256))
        if side < 2:
            x = x0 - 3 if side == 0 else x1 + 2
            middle, half = rng.uniform(y0, y1), length * (y1 - y0) / 2
            cv2.line(cell, (int(x), int(middle - half)),
                     (int(x + rng.uniform(-2, 2)), int(middle + half)), value, thickness)
        else:
            y = y0 - 3 if side == 2 else y1 + 2
            middle, half = rng.uniform(x0, x1), length * (x1 - x0) / 2
            cv2.line(cell, (int(middle - half), int(y)),
                     (int(middle + half), int(y + rng.uniform(-2, 2))), value, thickness)


def camera_batch(digits: np.ndarray, rng: np.random.Generator,
                 params: CameraAugment = CAMERA) -> np.ndarray:
    """Camera-like variants of up to CHUNK MNIST digits, re-normalized.

    Parameters
    ----------
    digits : (B, 28, 28) uint8 ndarray
        White ink on black, as in MNIST; B <= CHUNK.
    rng : numpy Generator
        The only source of randomness (seeded by the caller).
    params : CameraAugment
        What is drawn (probabilities and ranges).

    Returns
    -------
    (B, 28, 28) uint8 ndarray, each patch from :func:`normalize_digit`.

    The distortions run on one tall strip of all B cells at once (one OpenCV call per
    operation), so only normalization runs per digit.
    """
    count = len(digits)
    pad = (SMALL - 28) // 2
    strip = np.pad(digits, ((0, 0), (pad, pad), (pad, pad))).reshape(-1, SMALL)
    # Geometry at MNIST scale (4x fewer pixels to map), then strokes at 2x.
    map_x, map_y = _affine_maps(count, rng, params.rotation_degrees, params.shear_slant,
                                params.aspect_x_scale)
    strip = cv2.remap(strip, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                      borderValue=0)
    strip = cv2.resize(strip, None, fx=UPSCALE, fy=UPSCALE, interpolation=cv2.INTER_LINEAR)
    # Stroke width: thinner, as is, thicker, much thicker (a felt pen).
    thinner = cv2.erode(strip, _ELLIPSE3)
    stroke = np.searchsorted(np.cumsum(params.stroke_bands), rng.random(count))  # 0..4
    stroke[stroke == 4] = 1  # 0 thin, 1 as is, 2 thick, 3 thicker
    ink_left = (thinner.reshape(count, -1) > 64).sum(axis=1)
    stroke[(stroke == 0) & (ink_left < params.thin_min_ink)] = 1  # the pen was thin already: keep the digit
    strip = _choose([thinner, strip, cv2.dilate(strip, _ELLIPSE3), cv2.dilate(strip, _ELLIPSE5)],
                    stroke)
    cells = strip.reshape(count, CELL, CELL)
    gaps, specks, edge = (rng.random((3, count)) < np.array(
        [[params.gaps], [params.specks], [params.edge_clutter]]))
    for index in np.flatnonzero(gaps | specks | edge):
        _clutter(cells[index], rng, gaps[index], specks[index], edge[index])
    # Blur only the cells that get it: blurring the whole strip costs more than the rest.
    blurred = np.flatnonzero(rng.random(count) < params.blur)
    if len(blurred):
        sigma = params.blur_sigmas[rng.integers(len(params.blur_sigmas))]
        size = int(round(5 * sigma * UPSCALE)) | 1  # at 2x: ~2.5 sigma each side, odd
        cells[blurred] = cv2.GaussianBlur(cells[blurred].reshape(-1, CELL), (size, size),
                                          sigma * UPSCALE).reshape(-1, CELL, CELL)
    faint = np.where(rng.random(count) < params.faint_ink,
                     rng.uniform(*params.faint_range, count), 1.0)
    cells = (cells * faint[:, None, None].astype(np.float32)).astype(np.uint8)
    # Blur and interpolation leave a faint halo; the runtime cuts a crop's background at a
    # threshold before normalizing, so do the same here.
    cells[cells < params.halo_floor] = 0
    # normalize_digit crops to the ink first; cropping all cells at once here (vectorized)
    # gives the same patches and spares it scanning 80x80 pixels per digit.
    rows, cols = cells.any(axis=2), cells.any(axis=1)
    has_ink = rows.any(axis=1)
    top, bottom = rows.argmax(axis=1), CELL - rows[:, ::-1].argmax(axis=1)
    left, right = cols.argmax(axis=1), CELL - cols[:, ::-1].argmax(axis=1)
    out = np.empty((count, 28, 28), np.uint8)
    for index in range(count):
        if has_ink[index]:
            out[index] = normalize_digit(cells[index, top[index]:bottom[index],
                                               left[index]:right[index]])
        else:  # everything faded away: keep the digit as it was
            out[index] = digits[index]
    return out


def camera_digit(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One camera-like variant of a (28, 28) uint8 MNIST digit (see :func:`camera_batch`)."""
    return camera_batch(digit[None], rng)[0]


def camera_pool(digits: np.ndarray, copies: int, seed: int) -> np.ndarray:
    """``copies`` camera-like variants of every digit: (copies, N, 28, 28) uint8."""
    rng = np.random.default_rng(seed)
    pool = np.empty((copies, *digits.shape), np.uint8)
    for copy in range(copies):
        for start in range(0, len(digits), CHUNK):
            pool[copy, start:start + CHUNK] = camera_batch(digits[start:start + CHUNK], rng)
    return pool


# ---------------------------------------------------------------- non-digits (class "none")

def _canvas(size: int = 64) -> np.ndarray:
    return np.zeros((size, size), np.uint8)


def _fragment(digits, rng):
    for _ in range(10):
        digit = _upscale(digits[rng.integers(len(digits))])
        box = _ink_box(digit)
        if box is None:
            continue
        x0, y0, x1, y1 = box
        width, height = x1 - x0, y1 - y0
        keep_w, keep_h = rng.uniform(0.35, 0.6) * width, rng.uniform(0.35, 0.6) * height
        left = int(rng.uniform(x0, x1 - keep_w))
        top = int(rng.uniform(y0, y1 - keep_h))
        piece = np.zeros_like(digit)
        piece[top:top + int(keep_h), left:left + int(keep_w)] = \
            digit[top:top + int(keep_h), left:left + int(keep_w)]
        inner = _ink_box(piece)
        if inner is None:
            continue
        ys, xs = np.nonzero(piece > 64)
        if len(xs) < 30:
            continue
        # A thin straight sliver in any direction reads as a "1": not a non-digit.
        (_, _), (side_a, side_b), _ = cv2.minAreaRect(np.column_stack([xs, ys]).astype(np.float32))
        if max(side_a, side_b) <= 2.5 * max(1.0, min(side_a, side_b)):
            return piece
    return None


def _pair(digits, rng):
    left = digits[rng.integers(len(digits))]
    right = digits[rng.integers(len(digits))]
    overlap = int(rng.integers(2, 9))
    joined = np.zeros((28, 56 - overlap), np.uint8)
    joined[:, :28] = left
    joined[:, 28 - overlap:] = np.maximum(joined[:, 28 - overlap:], right)
    return cv2.resize(joined, None, fx=UPSCALE, fy=UPSCALE, interpolation=cv2.INTER_LINEAR)


def _touching_pair(digits, rng, partial: bool = False):
    """Two digits written so close that their ink touches or overlaps, as one crop: what
    the locate stage hands over when it cannot separate them (the reader then tries splits,
    so the whole must not read as one confident digit). ``partial``: one of the two keeps
    only 35-65% of its width, as when touching digits are cut in the wrong place (a digit
    with a small bit of its neighbour stays a digit: see :func:`_clutter`)."""
    inks = []
    for _ in range(2):
        digit = _upscale(digits[rng.integers(len(digits))])
        box = _ink_box(digit)
        if box is None:
            return None
        x0, y0, x1, y1 = box
        inks.append(digit[y0:y1, x0:x1])
    left, right = inks
    if partial:  # keep the near side of one of them
        keep = rng.uniform(0.35, 0.65)
        if rng.random() < 0.5:
            left = left[:, left.shape[1] - max(2, int(round(keep * left.shape[1]))):]
        else:
            right = right[:, :max(2, int(round(keep * right.shape[1])))]
        if not left.any() or not right.any():
            return None
    height = left.shape[0]
    scale = height * rng.uniform(0.85, 1.15) / right.shape[0]
    right = cv2.resize(right, (max(1, int(round(right.shape[1] * scale))),
                               max(1, int(round(right.shape[0] * scale)))), interpolation=cv2.INTER_LINEAR)
    gap = int(round(rng.uniform(-0.15, 0.06) * height))
    shift = int(round(rng.uniform(-0.12, 0.12) * height))
    top_l, top_r = max(0, -shift), max(0, shift)
    x_r = max(1, left.shape[1] + gap)
    out = np.zeros((max(top_l + left.shape[0], top_r + right.shape[0]),
                    max(left.shape[1], x_r + right.shape[1])), np.uint8)
    out[top_l:top_l + left.shape[0], :left.shape[1]] = left
    region = out[top_r:top_r + right.shape[0], x_r:x_r + right.shape[1]]
    np.maximum(region, right, out=region)
    return out


def _lines(rng):
    image = _canvas()
    thickness = int(rng.integers(2, 7))
    kind = rng.integers(4)
    if kind == 0:  # a near-horizontal line, or two ("=")
        for offset in ([0] if rng.random() < 0.6 else [-8, 8]):
            angle = math.radians(rng.uniform(-35, 35))
            half = rng.uniform(15, 28)
            dx, dy = half * math.cos(angle), half * math.sin(angle)
            cv2.line(image, (int(32 - dx), int(32 - dy + offset)), (int(32 + dx), int(32 + dy + offset)),
                     255, thickness)
    elif kind == 1:  # a box corner (not the top-right one, which reads as a 7)
        arm = int(rng.integers(14, 26))
        corner = rng.integers(3)
        sx, sy = [(1, 1), (1, -1), (-1, -1)][corner]
        cv2.line(image, (32, 32), (32 + sx * arm, 32), 255, thickness)
        cv2.line(image, (32, 32), (32, 32 + sy * arm), 255, thickness)
    elif kind == 2:  # a cross
        half = int(rng.integers(10, 22))
        cv2.line(image, (32 - half, 32), (32 + half, 32), 255, thickness)
        cv2.line(image, (32, 32 - half), (32, 32 + half), 255, thickness)
    else:  # a box side with a bit of its neighbours: a "U"/"n"-like bracket
        width, height = int(rng.integers(16, 30)), int(rng.integers(8, 16))
        points = np.array([[32 - width // 2, 32 - height // 2], [32 - width // 2, 32 + height // 2],
                           [32 + width // 2, 32 + height // 2], [32 + width // 2, 32 - height // 2]])
        if rng.random() < 0.5:
            points[:, 1] = 64 - points[:, 1]
        cv2.polylines(image, [points.astype(np.int32)], False, 255, thickness)
    return image


def _blob(rng):
    image = _canvas()
    axes = (int(rng.integers(5, 18)), int(rng.integers(5, 18)))
    cv2.ellipse(image, (32, 32), axes, float(rng.uniform(0, 180)), 0, 360, 255, -1)
    return image


def _specks(rng):
    image = _canvas()
    for _ in range(rng.integers(2, 6)):
        cv2.circle(image, (int(rng.integers(8, 56)), int(rng.integers(8, 56))),
                   int(rng.integers(1, 4)), int(rng.integers(128, 256)), -1)
    return image


def _letter(rng):
    image = _canvas(96)
    text = LETTERS[rng.integers(len(LETTERS))]
    font = FONTS[rng.integers(len(FONTS))] | (cv2.FONT_ITALIC if rng.random() < 0.3 else 0)
    thickness = int(rng.integers(1, 5))
    cv2.putText(image, text, (20, 70), font, 2.0, 255, thickness, cv2.LINE_AA)
    return image


def non_digit(digits: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One generated non-digit mark, normalized like a camera crop: (28, 28) uint8."""
    for _ in range(10):
        kind = rng.random()
        if kind < 0.2:
            image = _fragment(digits, rng)
        elif kind < 0.28:
            image = _pair(digits, rng)
        elif kind < 0.36:
            image = _touching_pair(digits, rng)
        elif kind < 0.4:
            image = _touching_pair(digits, rng, partial=True)
        elif kind < 0.55:
            image = _lines(rng)
        elif kind < 0.62:
            image = _blob(rng)
        elif kind < 0.7:
            image = _specks(rng)
        else:
            image = _letter(rng)
        if image is None:
            continue
        image = _affine(cv2.copyMakeBorder(image, PAD, PAD, PAD, PAD, cv2.BORDER_CONSTANT, value=0),
                        rng, max_degrees=10.0, max_shear=0.2, aspect=(0.85, 1.15))
        if rng.random() < 0.3:
            image = cv2.GaussianBlur(image, (0, 0), rng.uniform(0.5, 1.2) * UPSCALE)
        image[image < 16] = 0
        patch = normalize_digit(image)
        if patch.any():
            return patch
    return normalize_digit(_blob(rng))


def non_digits(digits: np.ndarray, count: int, seed: int) -> np.ndarray:
    """``count`` generated non-digits (using ``digits`` for fragments and pairs)."""
    rng = np.random.default_rng(seed)
    out = np.empty((count, 28, 28), np.uint8)
    for index in range(count):
        out[index] = non_digit(digits, rng)
    return out
