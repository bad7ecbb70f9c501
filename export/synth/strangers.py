"""Seeded frames of strangers' digit strings, and digit-free scenes, for measuring only.

    >>> from export.synth.strangers import make_strangers, make_digit_free_scenes
    >>> frames = make_strangers(seed=1, count=100, level="hard")
    >>> frames[0].image.shape, frames[0].strings        # ((960, 1280, 3), ('40312', '886'))
    >>> empty = make_digit_free_scenes(seed=1, count=80, level="clean")
    >>> empty[0].strings, empty[0].scene                # ((), 'table')

A second generator, written unlike :mod:`export.synth.frames` and
:mod:`export.synth.scenes` so that the reader is measured on scenes it was not tuned on:

- **digits**: only development material the model is never trained on
  (:mod:`export.synth.devsources`: FEMNIST test writers, one writer a string; hwd1000
  test; held-out handwriting fonts), re-drawn by pens (:mod:`export.synth.pens`:
  ballpoint, gel, felt, pencil, chalk, whiteboard marker, black, blue, red, green);
- **surfaces** (:mod:`export.synth.surfaces`): white, ruled, squared, kraft paper,
  sticky notes, a whiteboard, a dark chalkboard; on oak, walnut or pine, cloth, laminate
  or a dark desk;
- **layouts**: one to four strings, each alone, after a printed label (``Tel:``,
  ``No.``), in a printed box, on a form line, in the cells of a form's comb, or beside
  printed words and place names;
- **the camera** (:mod:`export.synth.camera`): perspective, warm and cool casts,
  gradients, vignetting, cast shadows, glare, defocus and shake, sensor noise, JPEG;
- frames of 640x480 to 1280x960.

``level="clean"``: mostly even light, a page filling the frame, a good JPEG.
``level="hard"``: all of the above more often and more strongly, smaller writing.

Digit-free scenes (:func:`make_digit_free`) come from the same surfaces, print and camera,
with no digit written: their truth is ``()``. Do not train or tune on these frames: they
are the development measure (``python -m export.devsets``).
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from . import printing
from .camera import photograph
from .devsources import DevDigits, load_dev_digits, write_string
from .pens import Pen, choose_pen, draw_glyph, lay_ink
from .surfaces import PAPER_WEIGHTS, PAPERS, make_surface, make_table

LEVELS = ("clean", "hard")
#: frame sizes (width, height) and how often each is drawn
SIZES = ((640, 480), (800, 600), (960, 720), (1024, 768), (1280, 720), (1280, 960))
SIZE_WEIGHTS = (0.3, 0.2, 0.15, 0.15, 0.1, 0.1)
#: how a string sits among print
LAYOUTS = ("free", "label", "box", "line", "words", "comb")
LAYOUT_WEIGHTS = {"clean": (0.5, 0.15, 0.15, 0.05, 0.15, 0.0), "hard": (0.2, 0.2, 0.15, 0.15, 0.2, 0.1)}
#: digit-free scene kinds, in the order a set of them cycles through
DIGIT_FREE = ("table", "ruled", "squared", "form", "print", "shadow", "glare", "chalk")


@dataclass(frozen=True)
class StrangerFrame:
    """A generated frame and its truth."""

    image: np.ndarray  #: (H, W, 3) uint8 BGR
    strings: tuple  #: the handwritten digit strings, top to bottom; () when digit-free
    level: str  #: "clean" or "hard"
    scene: str  #: "digits", or the digit-free kind (see :data:`DIGIT_FREE`)
    paper: str  #: the surface written on (see :data:`export.synth.surfaces.PAPERS`)
    #: per string (top to bottom): (source, writer, pen kind, layout)
    details: tuple = ()

    @property
    def text(self) -> str:
        """The strings joined by spaces, as :attr:`edge_digits.results.Reading.text`."""
        return " ".join(self.strings)


def _rng(seed_or_rng) -> np.random.Generator:
    if isinstance(seed_or_rng, np.random.Generator):
        return seed_or_rng
    return np.random.default_rng(seed_or_rng)


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")


@dataclass
class _Placed:
    """A string's glyph coverages placed on the page."""

    pieces: list  #: (coverage, x, y) per glyph, from the string's top left
    origin: tuple  #: (x, y) of the string's top left on the page
    box: tuple  #: (x0, y0, x1, y1) of the ink
    pen: Pen
    text: str
    detail: tuple


def _compose_string(hand, pen: Pen, height: int, rng, cell: float = 0.0) -> tuple[list, int, int]:
    """The glyphs of ``hand`` drawn ``height`` tall and set side by side along a sloping
    baseline: ([(coverage, x, y)], width, ink height), coordinates from the string's top
    left. ``cell`` > 0: each glyph centred in a cell that wide (a form's comb)."""
    slope = np.tan(np.deg2rad(rng.normal(0, 1.5)))
    gap_mean = rng.uniform(0.12, 0.45) * height
    drawn = []
    for glyph in hand.glyphs:
        coverage = draw_glyph(glyph, height, pen, rng)
        if hand.slant:  # the writer's slope: shear about the glyph's foot
            h, w = coverage.shape
            extra = int(abs(hand.slant) * h) + 1
            shear = np.float32([[1, -hand.slant, hand.slant * h if hand.slant > 0 else extra],
                                [0, 1, 0]])
            coverage = cv2.warpAffine(coverage, shear, (w + extra, h), flags=cv2.INTER_LINEAR)
        drawn.append(coverage)
    pieces, x = [], 0.0
    for i, coverage in enumerate(drawn):
        h, w = coverage.shape
        if cell:
            left = i * cell + (cell - w) / 2
        else:
            left = x
            x += w + max(-0.05 * height, rng.normal(gap_mean, 0.08 * height)) - 2 * (pen.min_width + 2)
        baseline = slope * left + rng.normal(0, 0.04 * height)
        pieces.append((coverage, left, baseline - h))
    top = min(y for _, _, y in pieces)
    left_most = min(x for _, x, _ in pieces)
    pieces = [(c, int(round(x - left_most)), int(round(y - top))) for c, x, y in pieces]
    width = max(x + c.shape[1] for c, x, _ in pieces)
    bottom = max(y + c.shape[0] for c, _, y in pieces)
    return pieces, int(width), int(bottom)


def _ink_box(pieces, x: int, y: int) -> tuple:
    """(x0, y0, x1, y1) of the ink of placed pieces (coverages carry a margin)."""
    boxes = []
    for coverage, px, py in pieces:
        rows = np.flatnonzero(coverage.max(axis=1) > 0.2)
        cols = np.flatnonzero(coverage.max(axis=0) > 0.2)
        if rows.size:
            boxes.append((x + px + cols[0], y + py + rows[0], x + px + cols[-1] + 1, y + py + rows[-1] + 1))
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def make_stranger(seed_or_rng=0, level: str = "clean", digits: DevDigits | None = None,
                  size: tuple[int, int] | None = None) -> StrangerFrame:
    """One frame of one to four handwritten digit strings (3-7 digits each) by strangers.

    Parameters
    ----------
    seed_or_rng : int, sequence of ints or numpy.random.Generator
        The same seed gives the same frame.
    level : "clean" or "hard"
    digits : DevDigits, optional
        Development digits (default :func:`export.synth.devsources.load_dev_digits`).
    size : (width, height), optional
        Default: drawn from :data:`SIZES`.
    """
    _check_level(level)
    rng = _rng(seed_or_rng)
    digits = digits if digits is not None else load_dev_digits()
    hard = level == "hard"
    width, height = size or SIZES[int(rng.choice(len(SIZES), p=SIZE_WEIGHTS))]
    digit_height = int(max(22 if hard else 28,
                           (rng.uniform(0.045, 0.14) if hard else rng.uniform(0.07, 0.13)) * height))
    paper_kind = PAPERS[int(rng.choice(len(PAPERS), p=PAPER_WEIGHTS))]
    rule = digit_height * (rng.uniform(1.2, 1.6) if paper_kind == "ruled" else rng.uniform(0.7, 1.1))
    surface = make_surface(paper_kind, (width, height), rng, rule=rule)
    board = paper_kind in ("chalkboard", "whiteboard")
    count = int(rng.choice([1, 2, 3], p=[0.55, 0.35, 0.1])) if not hard else \
        int(rng.choice([1, 2, 3, 4], p=[0.35, 0.35, 0.2, 0.1]))
    first_pen = choose_pen(rng, surface.dark, level, whiteboard=paper_kind == "whiteboard")
    print_mask = np.zeros((height, width), np.float32)
    print_font = _print_font(rng, digits, board)

    margin_x, margin_y = 0.08 * width, 0.1 * height
    y = margin_y + rng.uniform(0, 0.12) * height
    placed: list[_Placed] = []
    for _ in range(count):
        pen = first_pen if rng.random() < 0.7 else \
            choose_pen(rng, surface.dark, level, whiteboard=paper_kind == "whiteboard")
        layout = LAYOUTS[int(rng.choice(len(LAYOUTS), p=LAYOUT_WEIGHTS[level]))]
        if board and layout in ("box", "line", "comb"):
            layout = "free"
        h = int(digit_height * rng.uniform(0.9, 1.1))
        length = int(rng.integers(3, 8))
        hand = write_string(digits, rng, length)
        cell = h * rng.uniform(1.0, 1.25) if layout == "comb" else 0.0
        pieces, string_w, string_h = _compose_string(hand, pen, h, rng, cell)
        while string_w > 0.8 * width and h > 22:  # too long for the page: write smaller
            h = int(h * 0.8)
            cell *= 0.8
            pieces, string_w, string_h = _compose_string(hand, pen, h, rng, cell)
        label_h = int(h * rng.uniform(0.45, 0.7))
        above = int(1.2 * label_h) if layout == "words" else 0
        if y + above + string_h + margin_y > height:
            break
        x = int(rng.uniform(margin_x, max(margin_x + 1, width - margin_x - string_w)))
        top = int(y + above)
        box = _ink_box(pieces, x, top)
        _decorate(print_mask, layout, box, h, label_h, rng, print_font, (width, height), cell, len(pieces))
        placed.append(_Placed(pieces, (x, top), box, pen, hand.text, (hand.source, hand.writer, pen.kind, layout)))
        y = top + string_h + rng.uniform(1.0, 2.0) * h
    if not placed:  # no string fitted (rare): draw again, the generator where it is
        return make_stranger(rng, level, digits, (width, height))

    _lay_print(surface, print_mask, rng, board)
    for string in placed:
        for coverage, px, py in string.pieces:
            lay_ink(surface.rgb, coverage, string.pen, rng, surface.tooth,
                    (px + string.origin[0], py + string.origin[1]))
    show_table = rng.random() < (0.45 if hard else 0.15)
    table_seed = int(rng.integers(2**31))
    shot = photograph(surface.rgb, lambda: make_table((width, height), np.random.default_rng(table_seed)),
                      rng, level, show_table=show_table,
                      glare=hard and rng.random() < (0.4 if board else 0.15))
    # the truth, top to bottom as seen in the frame (the reader orders lines by their centre)
    centres = []
    for string in placed:
        x0, y0, x1, y1 = string.box
        corners = np.float32([[[x0, y0]], [[x1, y0]], [[x1, y1]], [[x0, y1]]])
        moved = cv2.perspectiveTransform(corners, shot.homography).reshape(-1, 2)
        centres.append(float(moved[:, 1].min() + moved[:, 1].max()))
    order = np.argsort(centres, kind="stable")
    return StrangerFrame(shot.image, tuple(placed[i].text for i in order), level, "digits",
                         paper_kind, tuple(placed[i].detail for i in order))


def _print_font(rng, digits: DevDigits, board: bool):
    """Print on paper in a Debian typeface; on a board, words are chalk or marker in a
    held-out handwriting font."""
    if board and digits.fonts:
        return str(digits.fonts[int(rng.integers(len(digits.fonts)))])
    fonts = printing.printed_fonts()
    return fonts[int(rng.integers(len(fonts)))]


def _decorate(mask, layout: str, box, h: int, label_h: int, rng, font, size, cell: float,
              count: int) -> None:
    """Print what surrounds a string of ``layout`` whose ink box is ``box``."""
    width, height = size
    x0, y0, x1, y1 = box
    if layout in ("label", "line"):
        label = str(rng.choice(printing.LABELS))
        tw, th = printing.text_size(label, label_h, font)
        gap = int(rng.uniform(0.3, 0.8) * h)
        if x0 - gap - tw > 4:
            lx, ly = x0 - gap - tw, y1 - th
        else:  # no room before it: above it, as on a form
            lx, ly = x0, int(y0 - th - 0.35 * h)
        printing.print_text(mask, label, (lx, ly), label_h, font)
        if layout == "line":
            yl = int(y1 + rng.uniform(0.03, 0.2) * h)
            end = int(min(width - 4, x1 + rng.uniform(0.2, 1.5) * h))
            start = lx + tw + 4 if lx < x0 else int(x0 - 0.3 * h)
            thickness = int(rng.integers(1, 3))
            if rng.random() < 0.35:  # a dotted line
                for xd in range(start, end, max(4, int(0.15 * h))):
                    cv2.circle(mask, (xd, yl), thickness, 1.0, -1, cv2.LINE_AA)
            else:
                cv2.line(mask, (start, yl), (end, yl), 1.0, thickness, cv2.LINE_AA)
    elif layout == "box":
        pad = int(rng.uniform(0.25, 0.6) * h)
        cv2.rectangle(mask, (x0 - pad, y0 - pad), (x1 + pad, y1 + pad), 1.0, int(rng.integers(1, 3)),
                      cv2.LINE_AA)
        if rng.random() < 0.5:  # the box's caption above it
            caption = str(rng.choice(printing.LABELS))
            printing.print_text(mask, caption, (x0 - pad, int(y0 - pad - 1.3 * label_h)),
                                int(label_h * 0.8), font)
    elif layout == "words":
        word = str(rng.choice(printing.WORDS))
        tw, th = printing.text_size(word, label_h, font)
        gap = int(rng.uniform(0.8, 2.0) * h)
        if x1 + gap + tw < width - 4 and rng.random() < 0.6:
            printing.print_text(mask, word, (x1 + gap, y1 - th), label_h, font)
        else:
            printing.print_text(mask, word, (x0 + int(rng.uniform(-0.5, 0.5) * h), int(y0 - th - 0.4 * h)),
                                label_h, font)
    elif layout == "comb":
        # cells as the string was set in (see _compose_string): its left edge is x0 less
        # the first glyph's margin; cells are taller than the digits
        left = x0 - int((cell - (x1 - x0) / max(count, 1)) / 2)
        top, bottom = int(y0 - 0.25 * h), int(y1 + 0.2 * h)
        thickness = int(rng.integers(1, 3))
        cv2.rectangle(mask, (left, top), (int(left + count * cell), bottom), 1.0, thickness, cv2.LINE_AA)
        for i in range(1, count):
            xc = int(left + i * cell)
            cv2.line(mask, (xc, bottom - int(0.3 * h) if rng.random() < 0.5 else top), (xc, bottom),
                     1.0, thickness, cv2.LINE_AA)


def _lay_print(surface, mask: np.ndarray, rng, board: bool) -> None:
    """Print ``mask``'s coverage on the surface: dark print, a form's blue or red, or on a
    board chalk or marker words."""
    if not mask.any():
        return
    if surface.dark:
        colour, opacity = (0.9, 0.9, 0.85), rng.uniform(0.6, 0.85)
    elif rng.random() < 0.7:
        colour, opacity = (rng.uniform(0.08, 0.3),) * 3, rng.uniform(0.8, 1.0)
    else:
        colour = ((0.2, 0.3, 0.6) if rng.random() < 0.7 else (0.7, 0.25, 0.2))
        opacity = rng.uniform(0.7, 0.95)
    ink = Pen("print", colour, 0.0, 0.0, opacity, 0.3 if surface.dark else 0.0, True)
    lay_ink(surface.rgb, mask, ink, rng, surface.tooth)


def make_strangers(seed: int, count: int, level: str = "clean",
                   digits: DevDigits | None = None, start: int = 0) -> list[StrangerFrame]:
    """``count`` frames from one seed: frame ``i`` is ``make_stranger((seed, k, i), level)``
    with ``k`` the level's index (the clean and hard sets of one seed differ), for ``i``
    from ``start`` (each frame depends on its index only: a set can be made in parts)."""
    _check_level(level)
    digits = digits if digits is not None else load_dev_digits()
    k = LEVELS.index(level)
    return [make_stranger(np.random.default_rng([seed, k, i]), level, digits)
            for i in range(start, start + count)]


def make_digit_free(seed_or_rng=0, level: str = "clean", kind: str | None = None,
                    size: tuple[int, int] | None = None,
                    digits: DevDigits | None = None) -> StrangerFrame:
    """A scene with no digit in it, of ``kind`` (see :data:`DIGIT_FREE`; default: drawn).

    ``table``: paper (blank or with a few printed words) on a table, or the bare table;
    ``ruled`` / ``squared``: notebook paper with a printed heading; ``form``: empty boxes,
    combs and form lines with their labels; ``print``: printed words and sentences,
    place names; ``shadow``: a hard cast shadow over print; ``glare``: a lamp's reflection
    on glossy paper or a whiteboard; ``chalk``: a dark board with chalk words. ``digits``
    supplies the held-out fonts of chalk words (default :func:`load_dev_digits`).
    """
    _check_level(level)
    rng = _rng(seed_or_rng)
    if kind is None:
        kind = DIGIT_FREE[int(rng.integers(len(DIGIT_FREE)))]
    if kind not in DIGIT_FREE:
        raise ValueError(f"kind must be one of {DIGIT_FREE}, got {kind!r}")
    hard = level == "hard"
    width, height = size or SIZES[int(rng.choice(len(SIZES), p=SIZE_WEIGHTS))]
    text_h = int(max(10, rng.uniform(0.02, 0.06) * height))
    paper = {"ruled": "ruled", "squared": "squared", "chalk": "chalkboard"}.get(kind)
    if paper is None:
        paper = "whiteboard" if kind == "glare" and rng.random() < 0.4 else \
            str(rng.choice(["white", "white", "kraft", "sticky"]))
    surface = make_surface(paper, (width, height), rng, rule=text_h * rng.uniform(1.8, 3.0))
    mask = np.zeros((height, width), np.float32)
    fonts = printing.printed_fonts()
    font = fonts[int(rng.integers(len(fonts)))]
    if kind == "chalk":
        digits = digits if digits is not None else load_dev_digits()
        if digits.fonts:
            font = str(digits.fonts[int(rng.integers(len(digits.fonts)))])
        _scatter_words(mask, rng, font, int(text_h * rng.uniform(1.5, 3.0)), (width, height),
                       int(rng.integers(1, 5)), sentences=False)
    elif kind == "form":
        _empty_form(mask, rng, font, text_h, (width, height))
    elif kind in ("print", "shadow", "glare"):
        _scatter_words(mask, rng, font, text_h, (width, height), int(rng.integers(2, 7)),
                       sentences=True)
    elif kind in ("ruled", "squared"):
        if rng.random() < 0.6:
            _scatter_words(mask, rng, font, text_h, (width, height), 1, sentences=False)
    elif kind == "table" and rng.random() < 0.5:
        _scatter_words(mask, rng, font, text_h, (width, height), int(rng.integers(1, 3)),
                       sentences=rng.random() < 0.5)
    _lay_print(surface, mask, rng, kind == "chalk")
    page = surface.rgb
    table_seed = int(rng.integers(2**31))
    bare = kind == "table" and rng.random() < 0.3  # the bare table: wood grain or cloth alone

    def table():
        return make_table((width, height), np.random.default_rng(table_seed))
    if bare:
        page = table()
    shot = photograph(page, table, rng, level,
                      show_table=kind == "table" or rng.random() < (0.4 if hard else 0.15),
                      glare=kind == "glare", shadow=True if kind == "shadow" else None)
    return StrangerFrame(shot.image, (), level, kind, "table" if bare else paper)


def _scatter_words(mask, rng, font, text_h: int, size, count: int, sentences: bool) -> None:
    """Print ``count`` words or sentences, one a line, down the page."""
    width, height = size
    y = rng.uniform(0.08, 0.25) * height
    for _ in range(count):
        h = int(text_h * rng.uniform(0.8, 1.4))
        pool = printing.SENTENCES if sentences and rng.random() < 0.6 else printing.WORDS
        text = str(rng.choice(pool))
        tw, th = printing.text_size(text, h, font)
        if tw > 0.9 * width:
            h = int(h * 0.85 * width / tw)
            tw, th = printing.text_size(text, h, font)
        if y + th > 0.9 * height:
            break
        x = int(rng.uniform(0.05 * width, max(0.06 * width, 0.95 * width - tw)))
        printing.print_text(mask, text, (x, int(y)), h, font)
        y += th + rng.uniform(0.8, 3.0) * h


def _empty_form(mask, rng, font, text_h: int, size) -> None:
    """Labels with empty boxes, combs and lines to fill in."""
    width, height = size
    y = rng.uniform(0.1, 0.2) * height
    while y < 0.8 * height:
        label = str(rng.choice(printing.LABELS))
        tw, th = printing.text_size(label, text_h, font)
        x = int(rng.uniform(0.05, 0.2) * width)
        printing.print_text(mask, label, (x, int(y)), text_h, font)
        field_h = int(text_h * rng.uniform(1.6, 3.0))
        start = x + tw + int(0.5 * text_h)
        end = int(min(0.95 * width, start + rng.uniform(0.25, 0.6) * width))
        what = rng.random()
        thickness = int(rng.integers(1, 3))
        bottom = int(y + th)
        if what < 0.35:
            cv2.rectangle(mask, (start, bottom - field_h), (end, bottom + int(0.3 * text_h)), 1.0,
                          thickness, cv2.LINE_AA)
        elif what < 0.65:  # a comb: a cell a character
            cell = int(field_h * rng.uniform(0.7, 1.0))
            cells = max(2, min(10, (end - start) // max(cell, 1)))
            cv2.rectangle(mask, (start, bottom - field_h), (start + cells * cell, bottom), 1.0,
                          thickness, cv2.LINE_AA)
            for i in range(1, cells):
                cv2.line(mask, (start + i * cell, bottom - field_h), (start + i * cell, bottom), 1.0,
                         thickness, cv2.LINE_AA)
        else:
            cv2.line(mask, (start, bottom), (end, bottom), 1.0, thickness, cv2.LINE_AA)
        y += max(field_h, th) + rng.uniform(1.0, 2.5) * text_h


def make_digit_free_scenes(seed: int, count: int, level: str = "clean",
                           digits: DevDigits | None = None, start: int = 0) -> list[StrangerFrame]:
    """``count`` digit-free scenes cycling through :data:`DIGIT_FREE`: scene ``i`` is
    ``make_digit_free((seed, k, i), level, DIGIT_FREE[i % 8])`` with ``k`` the level's index,
    for ``i`` from ``start``."""
    _check_level(level)
    k = LEVELS.index(level)
    return [make_digit_free(np.random.default_rng([seed, k, i]), level, DIGIT_FREE[i % len(DIGIT_FREE)],
                            digits=digits)
            for i in range(start, start + count)]
