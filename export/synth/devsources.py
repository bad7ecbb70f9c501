"""Digits by strangers, for measuring only: hands the model is never trained on.

    >>> from export.synth.devsources import load_dev_digits, write_string
    >>> sources = load_dev_digits()                      # ../shared/data by default
    >>> hand = write_string(sources, rng, length=5)      # one person's (or font's) string
    >>> hand.text, hand.source, hand.glyphs[0].image.shape

Three development sources, each a different stranger to the model:

- ``femnist``: FEMNIST *test* writers (``x_test_leaf``, the LEAF 28x28 frame as sampled
  from the NIST forms: thin strokes, each digit at its writer's own size). The digits of
  a string are all one writer's (``writer_test``), so a string looks like one hand.
- ``hwd1000``: hwd1000 *test* digits as drawn on screens (``x_test_orig``).
- ``font``: handwriting fonts held out of training (:mod:`export.synth.fontsplit`),
  rendered with Pillow, each digit slightly turned, scaled and lifted.

Training never sees these (FEMNIST and hwd1000 are split by writer and by sample; the
fonts by family), so frames made from them measure strangers, not memory.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from .fontsplit import held_out_fonts

SOURCES = ("femnist", "hwd1000", "font")
#: how often each source writes a string (renormalized over the sources present)
SOURCE_WEIGHTS = {"femnist": 0.5, "hwd1000": 0.2, "font": 0.3}
#: writers with fewer test digits than this are not used for strings
MIN_WRITER_DIGITS = 10


def default_data_directory() -> Path:
    """``../shared/data`` beside the repository."""
    return Path(__file__).resolve().parents[3] / "shared" / "data"


@dataclass(frozen=True)
class Glyph:
    """One written digit before a pen draws it."""

    label: int  #: 0..9
    image: np.ndarray  #: (h, w) float32 coverage 0..1, cropped to its ink
    #: its ink height relative to the hand's usual digit height (a writer's small '0')
    relative_height: float
    #: True: a small scan of a stroke, re-drawn along its centre line by a pen;
    #: False: a font's outline, kept as designed
    raster: bool


@dataclass(frozen=True)
class Hand:
    """A string as one hand writes it."""

    source: str  #: one of :data:`SOURCES`
    writer: str  #: FEMNIST writer id, font file name, or "hwd1000"
    glyphs: tuple  #: tuple of :class:`Glyph`, left to right
    slant: float = 0.0  #: shear of the whole string (x per y), a writer's slope

    @property
    def text(self) -> str:
        return "".join(str(g.label) for g in self.glyphs)


@dataclass(frozen=True)
class DevDigits:
    """The development digits present (any of the arrays may be empty)."""

    femnist_images: np.ndarray  #: (N, 28, 28) uint8, white ink on black
    femnist_labels: np.ndarray
    femnist_writers: np.ndarray  #: (N,) writer ids
    hwd_images: np.ndarray
    hwd_labels: np.ndarray
    fonts: tuple  #: held-out font files (Path)
    #: writer id -> indices of that writer's digits (writers with enough digits)
    writer_index: dict = field(default_factory=dict)

    @property
    def present(self) -> tuple:
        """The sources that have material."""
        found = []
        if self.writer_index:
            found.append("femnist")
        if len(self.hwd_labels):
            found.append("hwd1000")
        if self.fonts:
            found.append("font")
        return tuple(found)


def crop_coverage(image: np.ndarray, floor: float = 0.12) -> np.ndarray:
    """Coverage 0..1 cropped to the pixels above ``floor``."""
    rows = np.flatnonzero((image > floor).any(axis=1))
    cols = np.flatnonzero((image > floor).any(axis=0))
    return image[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


@lru_cache(maxsize=4)
def load_dev_digits(data_directory: str | None = None, font_directory: str | None = None) -> DevDigits:
    """The development digits from ``data_directory`` (default ``../shared/data``) and the
    held-out fonts of ``font_directory`` (default its ``fonts/``). Missing files leave
    their source out; none at all is an error naming what was looked for."""
    data = Path(data_directory) if data_directory else default_data_directory()
    fonts = tuple(held_out_fonts(font_directory or data / "fonts"))
    empty = np.zeros((0, 28, 28), np.uint8)
    femnist = (empty, np.zeros(0, np.uint8), np.zeros(0, str))
    if (data / "femnist_digits.npz").exists():
        with np.load(data / "femnist_digits.npz") as arrays:
            femnist = (arrays["x_test_leaf"], arrays["y_test"], arrays["writer_test"])
    hwd = (empty, np.zeros(0, np.uint8))
    if (data / "hwd1000_digits.npz").exists():
        with np.load(data / "hwd1000_digits.npz") as arrays:
            hwd = (arrays["x_test_orig"], arrays["y_test"])
    writers, counts = np.unique(femnist[2], return_counts=True)
    index = {str(w): np.flatnonzero(femnist[2] == w) for w, c in zip(writers, counts)
             if c >= MIN_WRITER_DIGITS}
    digits = DevDigits(*femnist, *hwd, fonts, index)
    if not digits.present:
        raise FileNotFoundError(
            f"no development digits: expected femnist_digits.npz or hwd1000_digits.npz in "
            f"{data}, or held-out fonts in {font_directory or data / 'fonts'}")
    return digits


def write_string(digits: DevDigits, rng: np.random.Generator, length: int,
                 source: str | None = None) -> Hand:
    """``length`` digits written by one hand of ``source`` (default: drawn by
    :data:`SOURCE_WEIGHTS` among the sources present)."""
    present = digits.present
    if source is None:
        weights = np.array([SOURCE_WEIGHTS[s] for s in present])
        source = present[int(rng.choice(len(present), p=weights / weights.sum()))]
    elif source not in present:
        raise ValueError(f"source {source!r} has no material here; present: {present}")
    if source == "femnist":
        return _femnist_string(digits, rng, length)
    if source == "hwd1000":
        return _hwd_string(digits, rng, length)
    return _font_string(digits, rng, length)


def _femnist_string(digits: DevDigits, rng, length: int) -> Hand:
    writers = sorted(digits.writer_index)
    writer = writers[int(rng.integers(len(writers)))]
    own = digits.writer_index[writer]
    chosen = rng.choice(own, size=length, replace=length > len(own))
    images = [crop_coverage(digits.femnist_images[i].astype(np.float32) / 255.0) for i in chosen]
    # the writer's usual digit height: the median over all of their digits
    usual = float(np.median([
        crop_coverage(digits.femnist_images[i].astype(np.float32) / 255.0).shape[0] for i in own]))
    glyphs = tuple(Glyph(int(digits.femnist_labels[i]), image, image.shape[0] / usual, True)
                   for i, image in zip(chosen, images))
    return Hand("femnist", writer, glyphs, float(rng.normal(0, 0.08)))


def _hwd_string(digits: DevDigits, rng, length: int) -> Hand:
    chosen = rng.choice(len(digits.hwd_labels), size=length, replace=False)
    glyphs = []
    for i in chosen:
        image = crop_coverage(digits.hwd_images[i].astype(np.float32) / 255.0)
        # drawn on a screen by many people at many sizes: one size, a little jitter
        glyphs.append(Glyph(int(digits.hwd_labels[i]), image, float(rng.uniform(0.9, 1.1)), True))
    return Hand("hwd1000", "hwd1000", tuple(glyphs), float(rng.normal(0, 0.05)))


def _font_string(digits: DevDigits, rng, length: int) -> Hand:
    path = digits.fonts[int(rng.integers(len(digits.fonts)))]
    labels = rng.integers(0, 10, size=length)
    usual = _font_digit(str(path), 0, 0.0).shape[0]
    glyphs = []
    for label in labels:
        angle = float(rng.normal(0, 3.0))
        image = _font_digit(str(path), int(label), round(angle))
        scale = float(rng.uniform(0.92, 1.08))
        glyphs.append(Glyph(int(label), image, image.shape[0] / usual * scale, False))
    return Hand("font", path.name, tuple(glyphs))


@lru_cache(maxsize=2048)
def _font_digit(path: str, label: int, angle: float, size: int = 96) -> np.ndarray:
    """One digit of a font as coverage 0..1, turned by ``angle`` degrees, cropped."""
    from PIL import Image, ImageDraw

    font = _font(path, size)
    canvas = Image.new("L", (size * 2, size * 2), 0)
    ImageDraw.Draw(canvas).text((size // 2, size // 3), str(label), font=font, fill=255)
    if angle:
        canvas = canvas.rotate(angle, resample=Image.Resampling.BICUBIC)
    image = np.asarray(canvas, np.float32) / 255.0
    return crop_coverage(image)


@lru_cache(maxsize=64)
def _font(path: str, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(path, size)
