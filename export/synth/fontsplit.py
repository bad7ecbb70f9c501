"""Which handwriting fonts the model may learn from, and which only measure it.

    >>> training_fonts("../shared/data/fonts")     # rendered digits and letters for training
    >>> held_out_fonts("../shared/data/fonts")     # only in the strangers' scenes

Whole families (a Debian package or a web font) are held out, so no style of a held-out
face is ever trained on.
"""
from __future__ import annotations

from pathlib import Path

#: font families (file-name prefixes) never trained on: they draw the strangers' scenes
HELD_OUT_FONTS = ("fonts-dkg-handwriting", "fonts-sjfonts", "fonts-kristi",
                  "fonts-tomsontalks", "patrick-hand", "fonts-breip")
FONT_SUFFIXES = (".ttf", ".otf", ".woff2")


def _fonts(folder) -> list[Path]:
    return sorted(path for path in Path(folder).iterdir()
                  if path.is_file() and path.suffix.lower() in FONT_SUFFIXES)


def is_held_out(path) -> bool:
    return Path(path).name.startswith(HELD_OUT_FONTS)


def training_fonts(folder) -> list[Path]:
    """Font files in ``folder`` whose family is not held out, sorted by name."""
    return [path for path in _fonts(folder) if not is_held_out(path)]


def held_out_fonts(folder) -> list[Path]:
    """Font files in ``folder`` of the held-out families, sorted by name."""
    return [path for path in _fonts(folder) if is_held_out(path)]
