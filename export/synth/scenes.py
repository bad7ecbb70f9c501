"""Seeded photos unlike the generator's frames: how people actually photograph digits.

    >>> from export.synth.scenes import make_scene, SCENES
    >>> frame = make_scene(3, "closeup")       # a SynthFrame: image, strings (one string)
    >>> len(frame.strings[0])
    1

:mod:`export.synth.frames` varies the paper, the light and the marks around strings of
digits of one size range (36-80 px in a 640x480 frame), written level. A phone pointed at a
note does other things: one digit filling the frame, a line written or photographed at an
angle, a sharp shadow across it, squared notebook paper, a felt pen, a coloured sticky note,
an 8-megapixel photo. Each kind below is one of those, with the clean level's camera
(mild blur, noise, JPEG); they check that locating does not depend on the generator's size
range and layout.

``SCENES`` names the kinds; :func:`make_scene` draws one frame of a kind.
"""
from __future__ import annotations

import cv2
import numpy as np

from .frames import SynthFrame, _draw_ink, _rng, load_mnist_test, pen_coverage

#: kind -> (frame size, digit height (fraction of the frame height), number of digits)
SCENES = {
    "closeup": ((640, 480), (0.5, 0.75), (1, 1)),  # one digit filling the frame
    "pair": ((640, 480), (0.4, 0.55), (2, 2)),  # two large digits
    "large": ((640, 480), (0.25, 0.35), (3, 4)),  # a short number written large
    "tilted": ((640, 480), (0.1, 0.15), (3, 7)),  # a line at 5-15 degrees
    "grid": ((640, 480), (0.1, 0.15), (3, 7)),  # squared notebook paper
    "marker": ((640, 480), (0.12, 0.17), (3, 6)),  # a thick felt pen
    "note": ((640, 480), (0.1, 0.16), (3, 7)),  # a coloured sticky note
    "photo": ((3264, 2448), (0.08, 0.16), (3, 6)),  # an 8-megapixel phone photo
    "shadow": ((640, 480), (0.1, 0.16), (3, 7)),  # a sharp shadow's edge across the string
}


def make_scene(seed_or_rng=0, kind: str = "closeup",
               digits: tuple[np.ndarray, np.ndarray] | None = None) -> SynthFrame:
    """One frame of ``kind`` (see :data:`SCENES`) with one string of MNIST test digits.

    Parameters
    ----------
    seed_or_rng : int or numpy.random.Generator
        The same seed gives the same frame.
    kind : str, a key of :data:`SCENES`
    digits : (images (N, 28, 28) uint8, labels (N,)), optional
        Source digits; default: the MNIST test set.
    """
    if kind not in SCENES:
        raise ValueError(f"kind must be one of {tuple(SCENES)}, got {kind!r}")
    rng = _rng(seed_or_rng)
    images, labels = digits if digits is not None else load_mnist_test()
    (width, height), size_range, count_range = SCENES[kind]
    digit_height = rng.uniform(*size_range) * height
    count = int(rng.integers(count_range[0], count_range[1] + 1))

    paper = np.empty((height, width, 3), np.float32)
    if kind == "note":  # yellow, pink, green or blue
        paper[:] = [(120, 230, 250), (200, 180, 250), (160, 240, 190), (245, 215, 160)][rng.integers(4)]
    else:
        paper[:] = rng.uniform(215, 245)
    if kind == "grid":  # 5 mm squares: light blue or grey lines about a digit's height apart
        step = digit_height * rng.uniform(0.9, 1.4)
        lines = np.zeros((height, width), np.float32)
        for x in np.arange(rng.uniform(0, step), width, step):
            cv2.line(lines, (int(x), 0), (int(x), height), 1.0, 1, cv2.LINE_AA)
        for y in np.arange(rng.uniform(0, step), height, step):
            cv2.line(lines, (0, int(y)), (width, int(y)), 1.0, 1, cv2.LINE_AA)
        color = (200, 150, 90) if rng.random() < 0.5 else (140, 140, 140)
        _draw_ink(paper, lines, color, rng.uniform(0.4, 0.7))

    items = []
    for _ in range(count):
        index = int(rng.integers(len(labels)))
        alpha = _large_alpha(images[index], digit_height * rng.uniform(0.9, 1.1))
        if kind == "marker":  # a felt pen: strokes about a fifth of the digit's height
            side = max(3, int(digit_height * 0.09)) | 1
            alpha = cv2.dilate(alpha, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side)))
        items.append((int(labels[index]), alpha, index))
    gaps = [rng.uniform(0.15, 0.5) * digit_height for _ in items]
    total = sum(a.shape[1] for _, a, _ in items) + sum(gaps[:-1])
    while len(items) > 1 and total > 0.85 * width:
        _, dropped, _ = items.pop()
        total -= dropped.shape[1] + gaps.pop()
    pad = int(digit_height)  # room to rotate the string without losing a digit
    canvas_w, canvas_h = int(total) + 2 * pad, int(digit_height * 1.2) + 2 * pad
    coverage = np.zeros((canvas_h, canvas_w), np.float32)
    x = float(pad)
    for (_, alpha, _), gap in zip(items, gaps):
        h, w = alpha.shape
        y = pad + int((digit_height * 1.2 - h) * rng.uniform(0.3, 0.7))
        region = coverage[y:y + h, int(x):int(x) + w]
        np.maximum(region, alpha[:region.shape[0], :region.shape[1]], out=region)
        x += w + gap
    angle = rng.uniform(5, 15) * rng.choice([-1, 1]) if kind == "tilted" else rng.uniform(-2, 2)
    # the string, rotated about its centre, at a random place where it stays in the frame
    cos, sin = abs(np.cos(np.radians(angle))), abs(np.sin(np.radians(angle)))
    half_w = cos * total / 2 + sin * digit_height * 0.6 + 0.03 * width
    half_h = sin * total / 2 + cos * digit_height * 0.6 + 0.03 * height
    centre_x = rng.uniform(half_w, width - half_w) if half_w < width / 2 else width / 2
    centre_y = rng.uniform(half_h, height - half_h) if half_h < height / 2 else height / 2
    rotation = cv2.getRotationMatrix2D((canvas_w / 2, canvas_h / 2), float(angle), 1.0)
    rotation[:, 2] += (centre_x - canvas_w / 2, centre_y - canvas_h / 2)
    coverage = cv2.warpAffine(coverage, rotation, (width, height), flags=cv2.INTER_LINEAR)
    color = (40, 30, 30) if rng.random() < 0.5 else (110, 40, 20)
    _draw_ink(paper, coverage, color, rng.uniform(0.8, 0.95))

    # the camera: a gentle light gradient, blur, noise and JPEG
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    direction = rng.uniform(0, 2 * np.pi)
    light = 1.0 + (np.cos(direction) * (xx / width - 0.5) + np.sin(direction) * (yy / height - 0.5)) \
        * np.float32(rng.uniform(0.0, 0.3))
    if kind == "shadow":  # a phone or a hand under a lamp: a sharp edge through the string
        shade = np.zeros((height, width), np.float32)
        top, bottom = rng.uniform(0.3, 0.7) * width, rng.uniform(0.3, 0.7) * width
        side = width if rng.random() < 0.5 else 0
        cv2.fillPoly(shade, [np.array([[top, 0], [bottom, height], [side, height], [side, 0]],
                                      np.int32)], 1.0, cv2.LINE_AA)
        shade = cv2.GaussianBlur(shade, (0, 0), rng.uniform(0.8, 2.5))
        light *= 1.0 - shade * np.float32(rng.uniform(0.3, 0.55))
    image = paper * light[:, :, None]
    sigma = rng.uniform(0.4, 1.0) * max(1.0, width / 1000)
    image = cv2.GaussianBlur(image, (0, 0), sigma)
    image += rng.standard_normal(image.shape, dtype=np.float32) * np.float32(rng.uniform(1, 4))
    image = np.clip(image, 0, 255).astype(np.uint8)
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(60, 90))])
    image = cv2.imdecode(encoded, cv2.IMREAD_COLOR)
    text = "".join(str(label) for label, _, _ in items)
    return SynthFrame(image, (text,), (), kind, (tuple(index for _, _, index in items),))


def _large_alpha(image: np.ndarray, height: float) -> np.ndarray:
    """One MNIST digit as ink coverage 0..1 whose ink (pixels above 30) is ``height`` tall.

    Cropped to all of its ink, the faint edge included: scaled up several times, a crop at
    the ink threshold would show as a straight cut across the strokes' ends."""
    ys, xs = np.nonzero(image)
    image = image[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    rows = np.flatnonzero((image > 30).any(axis=1))
    scale = height / (rows[-1] - rows[0] + 1)
    return pen_coverage(image, (max(2, round(image.shape[1] * scale)),
                                max(2, round(image.shape[0] * scale))))


def make_scenes(seed: int, count: int, kind: str, digits=None) -> list[SynthFrame]:
    """``count`` frames of one kind: frame ``i`` is ``make_scene((seed, i), kind)``."""
    digits = digits if digits is not None else load_mnist_test()
    return [make_scene(np.random.default_rng([seed, i]), kind, digits) for i in range(count)]
