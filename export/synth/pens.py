"""Pens for :mod:`export.synth.strangers`: what draws a glyph, and how its ink sits on a surface.

    >>> pen = choose_pen(rng, surface_is_dark=False, level="hard")
    >>> coverage = draw_glyph(glyph, height=60, pen=pen, rng=rng)   # (h, w) float32 0..1

A scanned glyph (FEMNIST, hwd1000) is thinned to its centre line (Zhang-Suen) and drawn
again at the pen's own width, so a thin ballpoint stays thin and a felt pen stays wide at
any size; a loop the scan filled in (a writer's small '6', '8' or '9' at 28x28) is drawn
round its edge (:func:`centre_line`), not thinned to a line; a font glyph keeps its
designed outline. How ink meets the surface is the pen's too: ballpoint, gel and felt ink
darken the paper they lie on (multiplied), pencil graphite follows the paper's tooth
(grainy, grey), chalk and a marker on a board cover it.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

#: RGB 0..1 ink colours
INKS = {
    "black": (0.08, 0.08, 0.10),
    "blue": (0.10, 0.16, 0.55),
    "royal": (0.15, 0.25, 0.75),
    "red": (0.70, 0.10, 0.12),
    "green": (0.10, 0.45, 0.20),
    "graphite": (0.30, 0.30, 0.32),
    "chalk": (0.93, 0.93, 0.88),
    "yellow chalk": (0.95, 0.90, 0.55),
}


@dataclass(frozen=True)
class Pen:
    """A writing tool."""

    kind: str  #: ballpoint, gel, felt, pencil, chalk, marker
    colour: tuple  #: RGB 0..1
    width: float  #: stroke width, a fraction of the digit height
    min_width: float  #: stroke width at least this many pixels
    opacity: float  #: 0..1 how strongly the ink shows
    grain: float  #: 0 even ink .. 1 broken grainy strokes (pencil, chalk)
    covers: bool  #: True: the ink covers the surface (chalk, marker); False: it darkens it


def choose_pen(rng: np.random.Generator, surface_is_dark: bool, level: str,
               whiteboard: bool = False) -> Pen:
    """A pen that suits the surface: chalk on a dark board, markers on a whiteboard, the
    usual pens and pencils on paper (pencil and thin pens more often at ``level='hard'``)."""
    hard = level == "hard"
    if surface_is_dark:
        colour = INKS["yellow chalk"] if rng.random() < 0.2 else INKS["chalk"]
        return Pen("chalk", colour, rng.uniform(0.07, 0.12), 2.0, rng.uniform(0.65, 0.9),
                   rng.uniform(0.3, 0.6) if hard else rng.uniform(0.15, 0.35), True)
    if whiteboard:
        colour = INKS[str(rng.choice(["black", "royal", "red", "green"]))]
        return Pen("marker", colour, rng.uniform(0.07, 0.11), 3.0, rng.uniform(0.8, 0.95),
                   rng.uniform(0.0, 0.2), True)
    kinds = ["ballpoint", "gel", "felt", "pencil"]
    weights = [0.4, 0.2, 0.2, 0.2] if hard else [0.45, 0.25, 0.2, 0.1]
    kind = kinds[int(rng.choice(4, p=weights))]
    if kind == "ballpoint":
        colour = INKS["blue"] if rng.random() < 0.55 else INKS["black"]
        return Pen(kind, colour, rng.uniform(0.025, 0.05), 1.3, rng.uniform(0.75, 0.95), 0.1, False)
    if kind == "gel":
        colour = INKS[str(rng.choice(["black", "blue", "red"], p=[0.4, 0.4, 0.2]))]
        return Pen(kind, colour, rng.uniform(0.04, 0.07), 1.6, rng.uniform(0.85, 1.0), 0.0, False)
    if kind == "felt":
        colour = INKS[str(rng.choice(["black", "royal", "red", "green"], p=[0.4, 0.3, 0.2, 0.1]))]
        return Pen(kind, colour, rng.uniform(0.07, 0.12), 2.5, rng.uniform(0.85, 1.0), 0.05, False)
    return Pen("pencil", INKS["graphite"], rng.uniform(0.03, 0.06), 1.4,
               rng.uniform(0.35, 0.6) if hard else rng.uniform(0.5, 0.7),
               rng.uniform(0.35, 0.7), False)


#: a part of a scanned glyph that holds a disc this many times as wide as its strokes is a
#: loop the scan filled in (:func:`centre_line`). FEMNIST's test writers' digits re-drawn by a
#: ballpoint on plain paper: thinned to lines, 92.2% read right and 2.7% wrong (their '6's
#: lose their loops and read as 'L', their '8's as '9'); with filled loops drawn round their
#: edge at 1.6, 94.3 / 1.7% (1.3: 95.1 / 2.0%, 2.0: 93.0 / 2.1%); the scans themselves read
#: 96.5 / 0.6% (1,500 digits, docs/devsets.md)
LOOP_WIDTH = 1.6


def thin(mask: np.ndarray) -> np.ndarray:
    """Zhang-Suen thinning of a binary mask to lines one pixel wide (uint8 0/1)."""
    image = np.pad((mask > 0).astype(np.uint8), 1)
    while True:
        changed = False
        for step in (0, 1):
            p = image
            p2, p3, p4 = p[:-2, 1:-1], p[:-2, 2:], p[1:-1, 2:]
            p5, p6, p7 = p[2:, 2:], p[2:, 1:-1], p[2:, :-2]
            p8, p9 = p[1:-1, :-2], p[:-2, :-2]
            ring = (p2, p3, p4, p5, p6, p7, p8, p9, p2)
            neighbours = sum(n.astype(np.int32) for n in ring[:8])
            transitions = sum(((a == 0) & (b == 1)).astype(np.int32) for a, b in zip(ring[:8], ring[1:]))
            if step == 0:
                side = ((p2 & p4 & p6) == 0) & ((p4 & p6 & p8) == 0)
            else:
                side = ((p2 & p4 & p8) == 0) & ((p2 & p6 & p8) == 0)
            remove = (p[1:-1, 1:-1] == 1) & (neighbours >= 2) & (neighbours <= 6) & \
                (transitions == 1) & side
            if remove.any():
                image[1:-1, 1:-1][remove] = 0
                changed = True
        if not changed:
            return image[1:-1, 1:-1]


def centre_line(mask: np.ndarray, loop_width: float = LOOP_WIDTH) -> np.ndarray:
    """The line a pen re-draws a scanned glyph along (uint8 0/1): the mask's skeleton
    (:func:`thin`), except where the mask holds a disc ``loop_width`` times as wide as its
    strokes (their width: twice the median depth of the skeleton inside the mask). There
    the scan filled in a small loop, which thinning would turn into a line (a '6' into an
    'L'): the line runs round that part's edge, half a stroke inside it, and the skeleton
    stops where it meets it."""
    centre = thin(mask)
    if not centre.any():
        return centre
    binary = (mask > 0).astype(np.uint8)
    half = float(np.median(cv2.distanceTransform(binary, cv2.DIST_L2, 5)[centre > 0]))
    radius = int(round(loop_width * half))
    if radius < 2:
        return centre  # strokes one or two pixels wide: no filled loop to tell apart
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1,) * 2)
    filled = cv2.morphologyEx(binary, cv2.MORPH_OPEN, disc)
    if not filled.any():
        return centre
    core = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * int(half) + 1,) * 2)
    inner = cv2.erode(filled, core)  # half a stroke inside the filled part
    interior = cv2.erode(inner, np.ones((3, 3), np.uint8))
    return (centre & (1 - interior)) | (inner & (1 - interior))


def draw_glyph(glyph, height: int, pen: Pen, rng: np.random.Generator) -> np.ndarray:
    """A glyph (:class:`export.synth.devsources.Glyph`) drawn ``height`` pixels tall (times
    its relative height) with ``pen``: (h, w) float32 ink coverage 0..1, with a margin of
    the pen's width around the ink."""
    h = max(6, int(round(height * glyph.relative_height)))
    src_h, src_w = glyph.image.shape
    w = max(2, int(round(src_w * h / src_h)))
    width = max(pen.min_width, pen.width * height)
    margin = int(np.ceil(width)) + 2
    scaled = cv2.resize(glyph.image, (w, h), interpolation=cv2.INTER_CUBIC)
    if glyph.raster:
        mask = np.pad(scaled > 0.45, margin)
        if not mask.any():
            mask = np.pad(scaled > 0.5 * scaled.max(), margin)
        centre = centre_line(mask)
        distance = cv2.distanceTransform((1 - centre).astype(np.uint8), cv2.DIST_L2, 5)
        coverage = np.clip(width / 2.0 + 0.5 - distance, 0.0, 1.0)
    else:  # a font's outline, at the pen's width only where the pen is wider
        coverage = np.pad(np.clip(scaled, 0.0, 1.0), margin)
        if width > 0.12 * height:
            side = int(width - 0.08 * height) | 1
            coverage = cv2.dilate(coverage, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side)))
    # pressure: the ink thins and thickens along the stroke
    field = cv2.resize(rng.uniform(0.7, 1.0, (3, 3)).astype(np.float32),
                       coverage.shape[::-1], interpolation=cv2.INTER_CUBIC)
    return (coverage * np.clip(field, 0.6, 1.0)).astype(np.float32)


def lay_ink(surface: np.ndarray, coverage: np.ndarray, pen: Pen, rng: np.random.Generator,
            tooth: np.ndarray | None = None, origin: tuple[int, int] = (0, 0)) -> None:
    """Put ink of ``coverage`` ((h, w) 0..1, its top left at ``origin`` (x, y) of the
    surface, clipped to it) on ``surface`` ((H, W, 3) float32 RGB 0..1) in place.
    ``tooth`` ((H, W) 0..1): the surface's grain, which pencil and chalk catch on."""
    x, y = int(origin[0]), int(origin[1])
    height, width = surface.shape[:2]
    h, w = coverage.shape
    x0, y0, x1, y1 = max(0, x), max(0, y), min(width, x + w), min(height, y + h)
    if x1 <= x0 or y1 <= y0:
        return
    alpha = coverage[y0 - y:y1 - y, x0 - x:x1 - x] * np.float32(pen.opacity)
    if pen.grain > 0:
        grain = tooth[y0:y1, x0:x1] if tooth is not None else \
            cv2.GaussianBlur(rng.random(alpha.shape, dtype=np.float32), (0, 0), 0.7)
        # high spots of the surface take the graphite or chalk, hollows stay bare
        keep = np.clip((grain - pen.grain * 0.6) / (1.0 - pen.grain * 0.6 + 1e-6) * 1.6, 0.0, 1.0)
        alpha = alpha * (1.0 - pen.grain + pen.grain * keep)
    alpha = alpha[:, :, None]
    region = surface[y0:y1, x0:x1]
    colour = np.asarray(pen.colour, np.float32)
    if pen.covers:
        region += alpha * (colour - region)
    else:  # ink is a filter: it darkens what lies under it, keeping the paper's texture
        region *= 1.0 - alpha * (1.0 - colour)
