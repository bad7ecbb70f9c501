"""Surfaces for :mod:`export.synth.strangers`: papers and boards to write on, tables under them.

    >>> page = make_surface("kraft", (800, 600), rng)     # Surface: rgb (H, W, 3) 0..1, tooth
    >>> desk = make_table((800, 600), rng)                # (H, W, 3) float32 RGB 0..1

Every surface is float32 RGB in 0..1 (linear light, before the camera's gamma) with a
``tooth``: the fine grain that pencil and chalk catch on. Textures are sums of octaves of
smooth noise (:func:`fractal_noise`), wood is rings bent by that noise, fabric a weave.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

#: paper and board kinds, and how often each is drawn for strings of digits
PAPERS = ("white", "ruled", "squared", "kraft", "sticky", "whiteboard", "chalkboard")
PAPER_WEIGHTS = (0.3, 0.17, 0.15, 0.1, 0.12, 0.08, 0.08)
#: sticky-note colours, RGB 0..1
STICKY = ((0.98, 0.93, 0.45), (0.98, 0.70, 0.80), (0.70, 0.93, 0.60), (0.98, 0.75, 0.45),
          (0.62, 0.85, 0.97))


@dataclass(frozen=True)
class Surface:
    """Something written on."""

    kind: str  #: one of :data:`PAPERS`
    rgb: np.ndarray  #: (H, W, 3) float32 0..1
    tooth: np.ndarray  #: (H, W) float32 0..1, the fine grain
    dark: bool  #: True for a dark board (light ink)
    #: spacing of ruled or squared lines in pixels (0: none), to write on them
    rule: float = 0.0


def fractal_noise(size: tuple[int, int], rng: np.random.Generator, base: int = 4,
                  octaves: int = 4, persistence: float = 0.5) -> np.ndarray:
    """Smooth noise of several scales, (H, W) float32 with zero mean and unit spread
    (summed at a quarter of the resolution, then resized: it is smooth)."""
    full = size
    width, height = max(8, size[0] // 4), max(8, size[1] // 4)
    total = np.zeros((height, width), np.float32)
    amplitude = 1.0
    for octave in range(octaves):
        cells = base * 2 ** octave
        grid = rng.standard_normal((max(2, cells * height // width + 1), cells + 1)).astype(np.float32)
        total += amplitude * cv2.resize(grid, (width, height), interpolation=cv2.INTER_CUBIC)
        amplitude *= persistence
    total = (total - total.mean()) / (total.std() + 1e-6)
    return cv2.resize(total, full, interpolation=cv2.INTER_LINEAR)


def _tooth(size, rng) -> np.ndarray:
    """Fine grain 0..1 (made at half resolution: paper fibres are a few pixels across)."""
    width, height = size
    fine = rng.random((max(2, height // 2), max(2, width // 2)), dtype=np.float32)
    fine = cv2.resize(fine, (width, height), interpolation=cv2.INTER_LINEAR)
    return np.clip((fine - 0.5) * 2.0 + 0.5, 0.0, 1.0)


def make_surface(kind: str, size: tuple[int, int], rng: np.random.Generator,
                 rule: float = 40.0) -> Surface:
    """A sheet or board of ``kind`` filling ``size`` (width, height); ``rule``: the line
    spacing of ruled and squared paper in pixels."""
    if kind not in PAPERS:
        raise ValueError(f"kind must be one of {PAPERS}, got {kind!r}")
    width, height = size
    blotches = fractal_noise(size, rng, base=3, octaves=3)
    tooth = _tooth(size, rng)
    rgb = np.empty((height, width, 3), np.float32)
    dark = False
    spacing = 0.0
    if kind == "chalkboard":
        base = np.array([0.10, 0.22, 0.16] if rng.random() < 0.6 else [0.09, 0.09, 0.10], np.float32)
        rgb[:] = base
        # wiped chalk: broad pale smears
        smear = np.clip(fractal_noise(size, rng, base=2, octaves=3) - 0.3, 0, None)
        rgb += (smear * rng.uniform(0.03, 0.08) + (tooth - 0.5) * 0.03)[:, :, None]
        dark = True
    elif kind == "whiteboard":
        rgb[:] = np.float32(rng.uniform(0.88, 0.96))
        ghost = np.clip(fractal_noise(size, rng, base=3, octaves=4) - 0.8, 0, None)
        rgb -= (ghost * rng.uniform(0.02, 0.06))[:, :, None]  # old writing wiped off
    else:
        if kind == "kraft":
            colour = np.array([0.62, 0.47, 0.32], np.float32) * np.float32(rng.uniform(0.85, 1.1))
        elif kind == "sticky":
            colour = np.array(STICKY[int(rng.integers(len(STICKY)))], np.float32)
        else:
            colour = np.array([1.0, 1.0, 1.0], np.float32) * np.float32(rng.uniform(0.86, 0.97)) \
                + rng.normal(0, 0.01, 3).astype(np.float32)
        rgb[:] = colour
        rgb *= (1.0 + blotches * np.float32(0.015 if kind != "kraft" else 0.04))[:, :, None]
        fibre_strength = 0.06 if kind == "kraft" else 0.015
        rgb *= (1.0 + (tooth - 0.5) * np.float32(fibre_strength))[:, :, None]
        if kind == "kraft":  # fibres: short dark streaks
            streaks = cv2.GaussianBlur(rng.standard_normal((height, width)).astype(np.float32),
                                       (0, 0), sigmaX=3.0, sigmaY=0.6)
            rgb *= (1.0 + np.clip(streaks, -3, 3) * np.float32(0.02))[:, :, None]
        if kind in ("ruled", "squared"):
            spacing = float(rule)
            _rule(rgb, kind, spacing, rng)
    return Surface(kind, np.clip(rgb, 0.0, 1.0), tooth, dark, spacing)


def _rule(rgb: np.ndarray, kind: str, spacing: float, rng) -> None:
    """Printed rules: blue lines (and a red margin) or a grey or blue squared grid."""
    height, width = rgb.shape[:2]
    lines = np.zeros((height, width), np.float32)
    offset = rng.uniform(0, spacing)
    for y in np.arange(offset, height, spacing):
        cv2.line(lines, (0, int(round(y * 16))), (width * 16, int(round(y * 16))), 1.0, 1,
                 cv2.LINE_AA, shift=4)
    colour = np.array([0.45, 0.6, 0.85], np.float32)
    if kind == "squared":
        for x in np.arange(rng.uniform(0, spacing), width, spacing):
            cv2.line(lines, (int(round(x * 16)), 0), (int(round(x * 16)), height * 16), 1.0, 1,
                     cv2.LINE_AA, shift=4)
        if rng.random() < 0.5:
            colour = np.array([0.55, 0.55, 0.58], np.float32)
    strength = np.float32(rng.uniform(0.3, 0.6))
    rgb *= 1.0 - (lines * strength)[:, :, None] * (1.0 - colour)
    if kind == "ruled" and rng.random() < 0.6:  # a red margin line
        margin = np.zeros((height, width), np.float32)
        x = int(rng.uniform(0.06, 0.14) * width)
        cv2.line(margin, (x, 0), (x, height), 1.0, 2, cv2.LINE_AA)
        rgb *= 1.0 - (margin * strength)[:, :, None] * (1.0 - np.array([0.9, 0.3, 0.35], np.float32))


TABLES = ("oak", "walnut", "pine", "fabric", "laminate", "dark")


def make_table(size: tuple[int, int], rng: np.random.Generator, kind: str | None = None) -> np.ndarray:
    """What the paper lies on: wood grain, a woven cloth, a plain laminate or a dark desk
    (made at half the frame's resolution: it is out of the writing's focus)."""
    kind = kind or TABLES[int(rng.integers(len(TABLES)))]
    full = size
    size = (max(2, size[0] // 2), max(2, size[1] // 2))
    width, height = size
    rgb = np.empty((height, width, 3), np.float32)
    if kind in ("oak", "walnut", "pine"):
        base = {"oak": (0.55, 0.38, 0.22), "walnut": (0.30, 0.18, 0.10), "pine": (0.78, 0.62, 0.40)}[kind]
        yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
        angle = rng.uniform(-0.3, 0.3) + (np.pi / 2 if rng.random() < 0.5 else 0.0)
        along = np.cos(angle) * yy - np.sin(angle) * xx
        bend = fractal_noise(size, rng, base=2, octaves=3) * rng.uniform(8, 25)
        period = rng.uniform(6, 18)
        rings = 0.5 + 0.5 * np.sin((along + bend) * (2 * np.pi / period))
        rings = rings ** rng.uniform(2, 6)  # narrow dark late-wood lines
        fine = cv2.GaussianBlur(rng.standard_normal((height, width)).astype(np.float32), (0, 0),
                                sigmaX=4.0 if angle < 1 else 0.6, sigmaY=0.6 if angle < 1 else 4.0)
        shade = 1.0 - rings * np.float32(rng.uniform(0.2, 0.4)) + fine * np.float32(0.04)
        rgb[:] = np.array(base, np.float32)
        rgb *= shade[:, :, None]
    elif kind == "fabric":
        yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
        period = rng.uniform(3, 7)
        weave = np.sin(xx * 2 * np.pi / period) * np.sin(yy * 2 * np.pi / period)
        colour = rng.uniform(0.15, 0.8, 3).astype(np.float32)
        rgb[:] = colour
        folds = fractal_noise(size, rng, base=2, octaves=2)
        rgb *= (1.0 + weave * np.float32(0.12) + folds * np.float32(0.08))[:, :, None]
    elif kind == "laminate":
        rgb[:] = rng.uniform(0.45, 0.85, 3).astype(np.float32).mean() * np.array([1.0, 0.98, 0.95], np.float32)
        rgb *= (1.0 + fractal_noise(size, rng, base=6, octaves=3) * np.float32(0.03))[:, :, None]
    else:
        rgb[:] = np.float32(rng.uniform(0.04, 0.12))
        rgb *= (1.0 + fractal_noise(size, rng, base=4, octaves=3) * np.float32(0.1))[:, :, None]
    return cv2.resize(np.clip(rgb, 0.0, 1.0), full, interpolation=cv2.INTER_LINEAR)
