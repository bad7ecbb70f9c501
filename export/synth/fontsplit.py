"""Which handwriting fonts may be trained on, and which are kept for measuring only.

    >>> from export.synth.fontsplit import training_fonts, held_out_fonts
    >>> [p.name for p in held_out_fonts()][:2]
    ['fonts-breip__Breip.ttf', 'fonts-breip__breipfont.ttf']

The shared font folder (``../shared/data/fonts``; the part of a file's name before ``__``
is its Debian package, WOFF2 files are named after their npm package) is split by family:
the families in :data:`HELD_OUT_FONTS` are strangers' hands for the development frames of
:mod:`export.synth.strangers` and must never reach training; training uses the others.
The list is written once, here: training and measuring both import it.
"""
from __future__ import annotations

from pathlib import Path

#: font families (file-name prefixes) held out of training: measuring only
HELD_OUT_FONTS = (
    "fonts-dkg-handwriting",
    "fonts-sjfonts",
    "fonts-kristi",
    "fonts-tomsontalks",
    "patrick-hand",
    "fonts-breip",
)
#: file name endings Pillow's ``ImageFont.truetype`` reads
FONT_SUFFIXES = (".ttf", ".otf", ".woff2")


def default_font_directory() -> Path:
    """``../shared/data/fonts`` beside the repository."""
    return Path(__file__).resolve().parents[3] / "shared" / "data" / "fonts"


def all_fonts(directory: str | Path | None = None) -> list[Path]:
    """Every font file of ``directory`` (default: :func:`default_font_directory`), sorted;
    an empty list when the folder is absent."""
    directory = Path(directory) if directory is not None else default_font_directory()
    if not directory.is_dir():
        return []
    return sorted(path for path in directory.iterdir()
                  if path.is_file() and path.name.lower().endswith(FONT_SUFFIXES))


def is_held_out(path: str | Path) -> bool:
    """Whether a font file belongs to a held-out family (by its file name)."""
    return Path(path).name.startswith(HELD_OUT_FONTS)


def training_fonts(directory: str | Path | None = None) -> list[Path]:
    """The font files that training may use: all but the held-out families."""
    return [path for path in all_fonts(directory) if not is_held_out(path)]


def held_out_fonts(directory: str | Path | None = None) -> list[Path]:
    """The font files kept for measuring (:data:`HELD_OUT_FONTS`)."""
    return [path for path in all_fonts(directory) if is_held_out(path)]
