"""Seeded camera-like frames of handwritten digit strings, composed from MNIST *test* digits.

    >>> from export.synth.frames import make_frame, load_mnist_test
    >>> digits = load_mnist_test()                         # (images, labels), uint8
    >>> frame = make_frame(7, level="hard", digits=digits) # seed or np.random.Generator
    >>> frame.image.shape, frame.strings, frame.boxes[0][0]
    ((480, 640, 3), ('40312', '8867'), (x, y, w, h))

``level="clean"``: even light, plain paper filling the frame, dark pen, some blur and noise.
``level="hard"`` adds, each with some probability: uneven light, a soft shadow, paper that
does not fill the frame (a table visible), ruled lines, an underline, pre-printed boxes,
printed words, specks, faint pencil, blur, noise, JPEG, slight rotation and perspective,
touching digits, thinner or thicker strokes, paper texture.

Digits are drawn like pen on paper: each MNIST pixel's intensity is the ink's coverage, so
strokes are anti-aliased and the paper shows between them (never a pasted square). Ground
truth: the strings top to bottom, and each digit's ink box in frame pixels.

Only numpy and OpenCV: tests, benchmarks, the runtime's sample frames and the postcode
generator use it without TensorFlow.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

LEVELS = ("clean", "hard")
#: printed words the hard level scatters on the paper (small, like labels on a form)
WORDS = ("Total", "No.", "Date", "Ref", "Invoice", "Room", "Qty", "Page", "Code", "ID")


@dataclass(frozen=True)
class SynthFrame:
    """A generated frame and its ground truth."""

    image: np.ndarray  #: (H, W, 3) uint8 BGR
    strings: tuple  #: the digit strings, top to bottom (tuple of str)
    boxes: tuple  #: per string, a tuple of (x, y, w, h) ink boxes, left to right
    level: str = "clean"
    #: per string, the MNIST test indices of its digits (to compare with the source digit)
    sources: tuple = ()

    @property
    def text(self) -> str:
        """The strings joined by spaces, as :attr:`edge_digits.results.Reading.text`."""
        return " ".join(self.strings)


def default_mnist_path() -> Path:
    """$EDGE_DIGITS_MNIST, else ``../shared/data/mnist.npz`` beside the repository."""
    env = os.environ.get("EDGE_DIGITS_MNIST")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "data" / "mnist.npz"


@lru_cache(maxsize=2)
def load_mnist_test(path: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """MNIST test images (N, 28, 28) uint8 and labels (N,) from a Keras-format ``.npz``."""
    path = Path(path) if path else default_mnist_path()
    with np.load(path) as data:
        return data["x_test"], data["y_test"]


def _rng(seed_or_rng) -> np.random.Generator:
    if isinstance(seed_or_rng, np.random.Generator):
        return seed_or_rng
    return np.random.default_rng(seed_or_rng)


def _digit_alpha(image: np.ndarray, height: int, stroke: int, rng) -> np.ndarray:
    """One MNIST digit as ink coverage 0..1, cropped to its ink, ``height`` pixels tall."""
    img = image
    if stroke > 0:
        img = cv2.dilate(img, np.ones((2, 2), np.uint8))
    elif stroke < 0:
        img = cv2.erode(img, np.ones((2, 2), np.uint8))
        if img.max() < 128:
            img = image
    ys, xs = np.nonzero(img > 30)
    img = img[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    h, w = img.shape
    scale = height / h
    width = max(2, int(round(w * scale * rng.uniform(0.9, 1.1))))
    return pen_coverage(img, (width, height))


def pen_coverage(digit: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """A cropped MNIST digit (uint8) resized to ``size`` (width, height) as ink coverage 0..1.

    Upscaling a 20-pixel digit makes a blurry wide stroke; sharpening the coverage curve
    after the resize gives a pen-like stroke that is still anti-aliased at its edges.
    """
    alpha = cv2.resize(digit.astype(np.float32) / 255.0, size, interpolation=cv2.INTER_CUBIC)
    return np.clip((alpha - 0.25) * 2.0, 0.0, 1.0)


def _paper(size, rng, hard: bool) -> np.ndarray:
    width, height = size
    tone = rng.uniform(200, 245) if hard else rng.uniform(215, 245)
    tint = np.array([rng.uniform(-8, 4), rng.uniform(-4, 4), rng.uniform(-2, 8)])
    paper = np.empty((height, width, 3), np.float32)
    paper[:] = (tone + tint).astype(np.float32)
    if hard:  # paper texture: low-frequency blotches and fibres
        blotch = cv2.resize(rng.normal(0, 1, (height // 32 + 2, width // 32 + 2)).astype(np.float32),
                            (width, height), interpolation=cv2.INTER_CUBIC)
        fibre = cv2.GaussianBlur(rng.standard_normal((height, width), dtype=np.float32), (0, 0), 1.0)
        paper += (blotch * rng.uniform(1, 4) + fibre * rng.uniform(1, 5))[:, :, None]
    return paper


def _light(size, rng) -> np.ndarray:
    """A multiplicative light field: a gradient and, often, a soft shadow."""
    width, height = size
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * (xx / width - 0.5) + np.sin(angle) * (yy / height - 0.5))
    light = 1.0 + ramp * rng.uniform(0.2, 0.7)
    if rng.random() < 0.6:  # a soft shadow: a blurred polygon (a hand, a phone)
        shadow = np.zeros((height, width), np.float32)
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        points = np.array([[cx + rng.uniform(-1, 1) * width * 0.5, cy + rng.uniform(-1, 1) * height * 0.5]
                           for _ in range(5)], np.int32)
        cv2.fillPoly(shadow, [cv2.convexHull(points)], 1.0)
        shadow = cv2.GaussianBlur(shadow, (0, 0), rng.uniform(12, 40))
        light *= 1.0 - shadow * rng.uniform(0.25, 0.55)
    return np.clip(light, 0.35, 1.3)


def _layout(rng, size, hard: bool, digits):
    """Strings, their digit images and places: list of lines of (label, alpha, x, y)."""
    width, height = size
    images, labels = digits
    count_lines = 1 if rng.random() < 0.6 else 2
    line_height = int(rng.uniform(30, 80) if hard else rng.uniform(36, 80))
    line_height = min(line_height, int(height / (count_lines * 2.2)))
    stroke_choice = rng.choice([-1, 0, 0, 1]) if hard else 0
    lines = []
    top = rng.uniform(0.12, 0.3) * height
    spacing = line_height * rng.uniform(1.6, 2.4)
    for line_index in range(count_lines):
        length = int(rng.integers(3, 8))
        touching = hard and rng.random() < 0.35
        items = []
        for _ in range(length):
            index = int(rng.integers(len(labels)))
            h = int(line_height * rng.uniform(0.85, 1.1))
            alpha = _digit_alpha(images[index], h, int(stroke_choice), rng)
            items.append((int(labels[index]), alpha, index))
        gaps = [(rng.uniform(-0.08, 0.05) if touching and rng.random() < 0.5 else rng.uniform(0.15, 0.5))
                * line_height for _ in items]
        total = sum(a.shape[1] for _, a, _ in items) + sum(gaps[:-1])
        if total > width * 0.85:  # too long for the frame: shrink nothing, drop digits
            while len(items) > 3 and total > width * 0.85:
                _, dropped, _ = items.pop()
                total -= dropped.shape[1] + gaps.pop()
        x = rng.uniform(0.05 * width, max(0.06 * width, width * 0.95 - total))
        y_base = top + line_index * spacing
        placed = []
        for (label, alpha, index), gap in zip(items, gaps):
            y = y_base + (line_height - alpha.shape[0]) * rng.uniform(0.3, 0.7) + rng.uniform(-2, 2)
            placed.append((label, alpha, int(round(x)), int(round(y)), index))
            x += alpha.shape[1] + gap
        lines.append(placed)
    return lines, line_height


def _draw_ink(canvas: np.ndarray, coverage: np.ndarray, color, strength: float) -> None:
    """Darken ``canvas`` toward ``color`` by ``coverage`` (0..1) times ``strength``."""
    rows = np.flatnonzero(coverage.any(axis=1))
    if rows.size == 0:
        return
    cols = np.flatnonzero(coverage.any(axis=0))
    y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    a = (coverage[y0:y1, x0:x1] * np.float32(strength))[:, :, None]
    region = canvas[y0:y1, x0:x1]
    region *= 1.0 - a
    region += a * np.asarray(color, np.float32)


def make_frame(seed_or_rng=0, level: str = "clean", size: tuple[int, int] = (640, 480),
               digits: tuple[np.ndarray, np.ndarray] | None = None) -> SynthFrame:
    """Compose one frame of 1-2 handwritten digit strings (3-7 digits each).

    Parameters
    ----------
    seed_or_rng : int or numpy.random.Generator
        The same seed gives the same frame.
    level : "clean" or "hard"
    size : (width, height)
    digits : (images (N, 28, 28) uint8, labels (N,)), optional
        Source digits; default: the MNIST test set (:func:`load_mnist_test`).
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    rng = _rng(seed_or_rng)
    hard = level == "hard"
    digits = digits if digits is not None else load_mnist_test()
    width, height = size
    paper = _paper(size, rng, hard)
    lines, line_height = _layout(rng, size, hard, digits)

    forms = np.zeros((height, width), np.uint8)  # pre-printed marks (lines, boxes, print)
    if hard:
        if rng.random() < 0.35:  # ruled paper
            step = line_height * rng.uniform(1.3, 1.8)
            offset = rng.uniform(0, step)
            for y in np.arange(offset, height, step):
                cv2.line(forms, (0, int(y)), (width, int(y)), 255, int(rng.integers(1, 3)), cv2.LINE_AA)
        for line in lines:
            x0 = min(p[2] for p in line)
            x1 = max(p[2] + p[1].shape[1] for p in line)
            y1 = max(p[3] + p[1].shape[0] for p in line)
            y0 = min(p[3] for p in line)
            choice = rng.random()
            if choice < 0.3:  # underline
                yl = int(y1 + rng.uniform(-0.05, 0.15) * line_height)
                cv2.line(forms, (int(x0 - 10), yl), (int(x1 + 10), yl), 255, int(rng.integers(1, 4)), cv2.LINE_AA)
            elif choice < 0.5:  # a printed box around the string
                pad = int(rng.uniform(0.2, 0.4) * line_height)
                cv2.rectangle(forms, (x0 - pad, y0 - pad), (x1 + pad, y1 + pad), 255, int(rng.integers(1, 3)), cv2.LINE_AA)
            if rng.random() < 0.5:  # a printed label before or above the string
                word = str(rng.choice(WORDS))
                font_scale = rng.uniform(0.4, min(0.7, 0.4 * line_height / 22 + 0.2))
                (tw, th), _ = cv2.getTextSize(word + ":", cv2.FONT_HERSHEY_SIMPLEX, font_scale, 1)
                if x0 - tw - 15 > 0 and rng.random() < 0.5:
                    org = (int(x0 - tw - 12), int(y1 - 2))
                else:
                    org = (int(x0), int(y0 - rng.uniform(0.35, 0.6) * line_height))
                cv2.putText(forms, word + ":", org, cv2.FONT_HERSHEY_SIMPLEX, font_scale, 255, 1, cv2.LINE_AA)
    form_color = rng.uniform(60, 150)
    _draw_ink(paper, forms.astype(np.float32) / 255.0, (form_color,) * 3, rng.uniform(0.5, 0.9))

    faint = hard and rng.random() < 0.25
    if faint:  # pencil: grey, light
        color, strength = (100, 100, 100), rng.uniform(0.35, 0.6)
    else:  # a pen: black or blue ballpoint
        color = (40, 30, 30) if rng.random() < 0.5 else (110, 40, 20)
        strength = rng.uniform(0.8, 0.95)
    ink = np.zeros((height, width), np.float32)
    strings, boxes, sources = [], [], []
    for line in lines:
        text, line_boxes = "", []
        sources.append(tuple(p[4] for p in line))
        for label, alpha, x, y, _ in line:
            h, w = alpha.shape
            region = ink[y:y + h, x:x + w]
            np.maximum(region, alpha[:region.shape[0], :region.shape[1]], out=region)
            text += str(label)
            line_boxes.append((x, y, w, h))
        strings.append(text)
        boxes.append(line_boxes)
    _draw_ink(paper, ink, color, strength)

    if hard and rng.random() < 0.5:  # specks and dust
        specks = np.zeros((height, width), np.float32)
        for _ in range(int(rng.integers(3, 25))):
            cv2.circle(specks, (int(rng.integers(width)), int(rng.integers(height))),
                       int(rng.integers(1, 3)), 1.0, -1, cv2.LINE_AA)
        _draw_ink(paper, specks, (50, 50, 50), rng.uniform(0.4, 0.9))

    image = paper
    if hard and rng.random() < 0.4:  # the paper does not fill the frame: a table around it
        table = np.empty_like(image)
        table[:] = np.array([rng.uniform(30, 120), rng.uniform(50, 130), rng.uniform(70, 160)], np.float32)
        grain = cv2.GaussianBlur(rng.standard_normal((height, width), dtype=np.float32), (0, 0), sigmaX=8, sigmaY=1)
        table += (grain * 25)[:, :, None]
        margin_x = [rng.uniform(0, 0.06) * width for _ in range(2)]
        margin_y = [rng.uniform(0, 0.06) * height for _ in range(2)]
        mask = np.zeros((height, width), np.float32)
        quad = np.array([[margin_x[0], margin_y[0]], [width - margin_x[1], margin_y[0] + rng.uniform(-5, 5)],
                         [width - margin_x[1] + rng.uniform(-5, 5), height - margin_y[1]],
                         [margin_x[0] + rng.uniform(-5, 5), height - margin_y[1]]], np.int32)
        cv2.fillPoly(mask, [quad], 1.0, cv2.LINE_AA)
        image = image * mask[:, :, None] + table * (np.float32(1) - mask[:, :, None])
    if hard:
        image = image * _light(size, rng)[:, :, None]
    else:
        image = image * (1.0 + rng.uniform(-0.08, 0.08))

    # Camera: slight rotation and perspective (hard), blur, noise, JPEG.
    if hard:
        angle = np.deg2rad(rng.uniform(-3, 3))
        src = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
        centre = np.float32([width / 2, height / 2])
        rot = np.float32([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        dst = (src - centre) @ rot.T + centre + rng.uniform(-12, 12, (4, 2)).astype(np.float32)
        homography = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
        image = cv2.warpPerspective(image, homography, (width, height), flags=cv2.INTER_LINEAR,
                                    borderMode=cv2.BORDER_REFLECT)
        boxes = [[_warp_box(b, homography, size) for b in line] for line in boxes]
    sigma = rng.uniform(0.6, 1.6) if hard else rng.uniform(0.3, 0.8)
    image = cv2.GaussianBlur(image, (0, 0), sigma)
    image = image.astype(np.float32)
    image += rng.standard_normal(image.shape, dtype=np.float32) * np.float32(
        rng.uniform(2, 7) if hard else rng.uniform(0.5, 2.5))
    image = np.clip(image, 0, 255).astype(np.uint8)
    if hard and rng.random() < 0.7:
        ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(35, 85))])
        image = cv2.imdecode(encoded, cv2.IMREAD_COLOR)
    return SynthFrame(image, tuple(strings), tuple(tuple(line) for line in boxes), level,
                      tuple(sources))


def _warp_box(box, homography, size):
    x, y, w, h = box
    corners = np.float32([[[x, y]], [[x + w, y]], [[x + w, y + h]], [[x, y + h]]])
    moved = cv2.perspectiveTransform(corners, homography).reshape(-1, 2)
    x0, y0 = np.floor(moved.min(axis=0))
    x1, y1 = np.ceil(moved.max(axis=0))
    return (int(x0), int(y0), int(x1 - x0), int(y1 - y0))


def make_frames(seed: int, count: int, level: str = "clean", size: tuple[int, int] = (640, 480),
                digits=None) -> list[SynthFrame]:
    """``count`` frames from one seed: frame ``i`` is ``make_frame((seed, i), ...)``."""
    digits = digits if digits is not None else load_mnist_test()
    return [make_frame(np.random.default_rng([seed, i]), level, size, digits) for i in range(count)]


#: (file name, seed, level) of the sample frames shipped in ``edge_digits/samples``
SAMPLES = (("digits_one_line.jpg", 104, "clean"), ("digits_two_lines.jpg", 102, "clean"),
           ("digits_ruled_table.jpg", 68, "hard"), ("digits_shadow_box.jpg", 19, "hard"))


def write_samples(directory: str | Path, quality: int = 85) -> list[Path]:
    """Write the package's sample frames (small JPEGs) into ``directory``; return the paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, seed, level in SAMPLES:
        frame = make_frame(seed, level)
        path = directory / name
        cv2.imwrite(str(path), frame.image, [cv2.IMWRITE_JPEG_QUALITY, quality])
        paths.append(path)
    return paths


if __name__ == "__main__":  # python -m export.synth.frames --samples edge_digits/samples
    import argparse

    parser = argparse.ArgumentParser(description="Write generated sample frames.")
    parser.add_argument("--samples", required=True, metavar="DIR")
    for written in write_samples(parser.parse_args().samples):
        print(written)
