"""Printed words for :mod:`export.synth.strangers`: labels, form words, sentences, place names.

    >>> fonts = printed_fonts()                 # Debian's DejaVu, Liberation, FreeFont
    >>> box = print_text(canvas, "Tel:", (40, 120), 24, fonts[0])   # canvas: (H, W) 0..1

Typefaces come from Debian font packages (``fonts-dejavu-core``, ``fonts-liberation``,
``fonts-freefont-ttf``; ``.ci/run`` installs them). Where none is installed, Pillow's own
default font is used, with a warning: the frames are then plainer than they should be.
No word here holds a digit, so a frame's truth is its handwriting alone.
"""
from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np

#: where Debian's font packages put their files
SYSTEM_FONT_DIRECTORIES = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation",
                           "/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/freefont")
#: labels printed before a field
LABELS = ("Tel:", "No.", "Nr.", "Ref.", "Date:", "Room", "Order", "Total", "Qty", "Phone:",
          "Code:", "Kunde", "Seat", "Invoice", "Page", "ID:", "Amount", "Postcode:", "Flat",
          "Box", "Item", "Lot", "PIN", "Fax:", "Gate")
#: words and place names printed around, and sentences for digit-free print
WORDS = ("Uppsala", "Malmö", "Göteborg", "Lyon", "Bergen", "Aarhus", "Leipzig", "Bologna",
         "Sevilla", "Helsinki", "Tallinn", "Zürich", "Oxford", "Ghent", "Utrecht", "Kraków",
         "Sample", "Total", "Name", "Address", "Signature", "Received", "Delivery", "Notes",
         "Office", "Reception", "Kitchen", "Library", "Minutes", "Attendance", "Balance",
         "Wiring", "Meeting", "Allowance", "Illustrated", "Hall", "Lilla", "Ollie", "Solo")
SENTENCES = ("Please write your number below.", "Delivery to Uppsala central station.",
             "All rooms must be cleared by noon.", "Keep this slip for your records.",
             "Signed on behalf of the committee.", "Return to sender if undelivered.",
             "The library is closed on Sundays.", "Leave the parcel at the reception.",
             "Minutes of the annual meeting", "Fill in with a ballpoint pen.",
             "Office hours: Monday to Friday", "Thank you for your order!")


@lru_cache(maxsize=1)
def printed_fonts() -> tuple:
    """The installed Debian typefaces (paths), or ``(None,)`` for Pillow's default font
    (warns once)."""
    found = []
    for directory in SYSTEM_FONT_DIRECTORIES:
        folder = Path(directory)
        if folder.is_dir():
            # monospaced faces look like no label; one of them stays for variety
            found.extend(sorted(p for p in folder.iterdir() if p.suffix.lower() in (".ttf", ".otf")
                                and ("Mono" not in p.name or p.name == "DejaVuSansMono.ttf")))
    if not found:
        warnings.warn("no Debian font package found (apt-get install fonts-dejavu-core "
                      "fonts-liberation fonts-freefont-ttf): printed words use Pillow's "
                      "default font", RuntimeWarning, stacklevel=2)
        return (None,)
    return tuple(str(p) for p in found)


@lru_cache(maxsize=256)
def _font(path: str | None, size: int):
    from PIL import ImageFont

    if path is None:
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(path, size)


def text_size(text: str, height: int, font_path) -> tuple[int, int]:
    """(width, height) in pixels of ``text`` printed with capitals ``height`` pixels tall."""
    font = _font(font_path, _point_size(height, font_path))
    left, top, right, bottom = font.getbbox(text)
    return int(right - left), int(bottom - top)


@lru_cache(maxsize=256)
def _point_size(height: int, font_path) -> int:
    """The font size whose capital 'H' is about ``height`` pixels tall."""
    probe = _font(font_path, 100)
    left, top, right, bottom = probe.getbbox("H")
    return max(6, int(round(100 * height / max(1, bottom - top))))


def print_text(canvas: np.ndarray, text: str, origin: tuple[int, int], height: int,
               font_path) -> tuple[int, int, int, int]:
    """Print ``text`` on ``canvas`` ((H, W) float32 coverage 0..1, in place), the top left
    of its ink at ``origin`` (x, y), capitals ``height`` pixels tall. Returns the ink's box
    (x, y, w, h), clipped to the canvas."""
    from PIL import Image, ImageDraw

    font = _font(font_path, _point_size(height, font_path))
    left, top, right, bottom = font.getbbox(text)
    w, h = int(right - left) + 2, int(bottom - top) + 2
    image = Image.new("L", (w, h), 0)
    ImageDraw.Draw(image).text((-left + 1, -top + 1), text, font=font, fill=255)
    ink = np.asarray(image, np.float32) / 255.0
    x, y = int(origin[0]), int(origin[1])
    H, W = canvas.shape
    x0, y0, x1, y1 = max(0, x), max(0, y), min(W, x + w), min(H, y + h)
    if x1 <= x0 or y1 <= y0:
        return (x0, y0, 0, 0)
    region = canvas[y0:y1, x0:x1]
    np.maximum(region, ink[y0 - y:y1 - y, x0 - x:x1 - x], out=region)
    return (x0, y0, x1 - x0, y1 - y0)
