"""Digits and letters drawn with fonts, normalized like camera crops (Pillow, host side).

    >>> digits, labels = font_digits(training_fonts(folder), per_glyph=30, seed=1)
    >>> letters = font_letters(training_fonts(folder) + printed_fonts(), per_font=60, seed=2)

Handwriting fonts add pen styles MNIST's writers did not use (open 4s, crossed 7s, round
2s); printed faces add the printed digits of forms and the letters of words that a frame
holds beside the handwriting. Letters go to the "none" class, without the ones that look
like digits (see :data:`export.extra_data.LOOK_ALIKES`).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from edge_digits.normalize import normalize_digit

from .extra_data import LOOK_ALIKES

#: letters and signs rendered for the none class (digits' look-alikes left out)
NONE_GLYPHS = "".join(c for c in "ACEFHKLMNPRUVWXYacdefhkmnprtuvwxy" if c not in LOOK_ALIKES) + "#%&@*<>$+=€£"
#: folders of printed (not handwriting) faces installed by Debian's font packages
PRINTED_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation",
                     "/usr/share/fonts/truetype/freefont")
CANVAS = 96  #: side of the square glyphs are drawn in


def printed_fonts() -> list[Path]:
    """Printed faces installed on this machine (Debian fonts-dejavu, -liberation,
    -freefont): empty where none is installed."""
    found = []
    for folder in PRINTED_FONT_DIRS:
        if Path(folder).is_dir():
            found += sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in (".ttf", ".otf"))
    return found


@lru_cache(maxsize=None)
def _font(path: Path, size: int):
    from PIL import ImageFont

    try:
        return ImageFont.truetype(str(path), size)
    except OSError:
        return None  # a face Pillow cannot read is skipped


def render(font, text: str, stroke: int = 0) -> np.ndarray | None:
    """``text`` in ``font`` as white ink on black, cropped to the ink (None if blank)."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (CANVAS * max(1, len(text)), CANVAS), 0)
    ImageDraw.Draw(image).text((CANVAS // 6, CANVAS // 8), text, fill=255, font=font,
                               stroke_width=stroke, stroke_fill=255)
    pixels = np.asarray(image)
    ys, xs = np.nonzero(pixels > 32)
    if len(xs) == 0:
        return None
    return pixels[ys.min():ys.max() + 1, xs.min():xs.max() + 1]


def _variant(glyph: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Slight rotation, slant and stretch, then MNIST's normalization."""
    height, width = glyph.shape
    pad = max(height, width) // 3 + 2
    canvas = cv2.copyMakeBorder(glyph, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    angle, shear, stretch = rng.uniform(-10, 10), rng.uniform(-0.25, 0.25), rng.uniform(0.8, 1.2)
    centre = (canvas.shape[1] / 2, canvas.shape[0] / 2)
    matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
    matrix[:, :2] = matrix[:, :2] @ np.array([[stretch, shear], [0.0, 1.0]])
    matrix[:, 2] += np.array(centre) - matrix[:, :2] @ np.array(centre)
    warped = cv2.warpAffine(canvas, matrix, (canvas.shape[1], canvas.shape[0]), flags=cv2.INTER_LINEAR)
    warped[warped < 16] = 0
    return normalize_digit(warped)


def _glyphs(fonts: list[Path], texts: str, per: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    images, labels = [], []
    for path in fonts:
        for _ in range(per):
            font = _font(path, int(rng.integers(28, 72)))
            if font is None:
                break
            index = int(rng.integers(len(texts)))
            glyph = render(font, texts[index], stroke=int(rng.choice([0, 0, 0, 1, 2])))
            if glyph is None or glyph.shape[0] < 6:
                continue
            patch = _variant(glyph, rng)
            if patch.any():
                images.append(patch), labels.append(index)
    if not images:
        return np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.uint8)
    return np.stack(images), np.asarray(labels, np.uint8)


def font_digits(fonts: list[Path], per_font: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``per_font`` random digits of each font: ((N, 28, 28) uint8, (N,) labels 0..9)."""
    return _glyphs(fonts, "0123456789", per_font, seed)


def font_letters(fonts: list[Path], per_font: int, seed: int) -> np.ndarray:
    """``per_font`` random non-digit glyphs of each font: (N, 28, 28) uint8."""
    return _glyphs(fonts, NONE_GLYPHS, per_font, seed)[0]
