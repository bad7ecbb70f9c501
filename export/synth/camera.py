"""A phone camera for :mod:`export.synth.strangers`: from a lit page to a JPEG frame.

    >>> shot = photograph(page_rgb, table_rgb, rng, level="hard")
    >>> shot.image, shot.homography          # (H, W, 3) uint8 BGR; page -> frame (3x3)

Steps, in the order light and a camera apply them: the page is seen in perspective on the
table (:func:`page_pose`), lit by a coloured illuminant with a gradient, vignetting, a
cast shadow and, at the hard level, glare; the lens defocuses and the hand shakes (disk and
line kernels); the sensor adds shot and read noise in linear light; the image is
gamma-encoded and saved as a JPEG by Pillow (with 4:2:0 chroma subsampling, as phones do).
"""
from __future__ import annotations

from dataclasses import dataclass
import io

import cv2
import numpy as np

#: illuminant colours (RGB gains): daylight, warm tungsten, cool LED / shade, pink, green
ILLUMINANTS = ((1.0, 1.0, 1.0), (1.0, 0.82, 0.6), (0.82, 0.92, 1.05), (1.0, 0.85, 0.92),
               (0.9, 1.0, 0.88))


@dataclass(frozen=True)
class Shot:
    image: np.ndarray  #: (H, W, 3) uint8 BGR
    homography: np.ndarray  #: 3x3, page pixels -> frame pixels
    page_quad: np.ndarray  #: (4, 2) float32 the page's corners in the frame


def page_pose(size: tuple[int, int], rng: np.random.Generator, level: str,
              show_table: bool) -> np.ndarray:
    """Where the page's corners land in the frame: (4, 2) float32, clockwise from top left.

    ``show_table``: the page is smaller than the frame, the table around it; else the
    page overfills the frame a little. Hard: more perspective and turn."""
    width, height = size
    hard = level == "hard"
    corners = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    centre = corners.mean(axis=0)
    if show_table:
        scale = rng.uniform(0.72, 0.9)
    else:
        scale = rng.uniform(1.01, 1.06)
    angle = np.deg2rad(rng.uniform(-5, 5) if hard else rng.uniform(-1.5, 1.5))
    rotation = np.float32([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    quad = (corners - centre) * np.float32(scale) @ rotation.T + centre
    # perspective: the camera is not square above the page (a keystone), plus jitter
    tilt = rng.uniform(-0.06, 0.06) if hard else rng.uniform(-0.015, 0.015)
    quad[0, 0] += tilt * width
    quad[1, 0] -= tilt * width
    jitter = 0.03 if hard else 0.008
    quad += rng.uniform(-jitter, jitter, (4, 2)).astype(np.float32) * np.float32([width, height])
    if show_table:  # the page's shift: the table shows more on one side
        quad += rng.uniform(-0.06, 0.06, 2).astype(np.float32) * np.float32([width, height])
    return quad.astype(np.float32)


def _light(size, rng, level: str, shadow: bool | None = None) -> np.ndarray:
    """(H, W, 3) float32 light falling on the scene."""
    width, height = size
    hard = level == "hard"
    # smooth fields: computed on a coarse grid, resized to the frame
    coarse_w, coarse_h = max(8, width // 8), max(6, height // 8)
    yy, xx = np.mgrid[0:coarse_h, 0:coarse_w].astype(np.float32)
    u, v = (xx + 0.5) / coarse_w - 0.5, (yy + 0.5) / coarse_h - 0.5
    if hard:
        gain = np.array(ILLUMINANTS[int(rng.integers(len(ILLUMINANTS)))], np.float32)
    else:
        gain = np.array(ILLUMINANTS[int(rng.choice(3, p=[0.6, 0.2, 0.2]))], np.float32)
        gain = 1.0 + (gain - 1.0) * np.float32(0.5)
    direction = rng.uniform(0, 2 * np.pi)
    strength = rng.uniform(0.1, 0.5) if hard else rng.uniform(0.0, 0.15)
    level_map = 1.0 + np.float32(strength) * (np.cos(direction) * u + np.sin(direction) * v)
    vignette = rng.uniform(0.2, 0.6) if hard else rng.uniform(0.0, 0.2)
    level_map *= 1.0 - np.float32(vignette) * (u * u + v * v) * 2.0
    exposure = rng.uniform(0.7, 1.15) if hard else rng.uniform(0.9, 1.1)
    level_map = cv2.resize(level_map * np.float32(exposure), (width, height),
                           interpolation=cv2.INTER_LINEAR)
    cast = (rng.random() < (0.5 if hard else 0.15)) if shadow is None else shadow
    if cast:  # a cast shadow: a hand, a phone, a lamp's arm
        level_map *= _shadow(size, rng, hard)
    return level_map[:, :, None] * gain


def _shadow(size, rng, hard: bool) -> np.ndarray:
    width, height = size
    mask = np.zeros((height, width), np.float32)
    # a half-plane cut by a wavy edge, or a blob (a hand), penumbra from sharp to soft
    if rng.random() < 0.5:
        x_top, x_bottom = rng.uniform(0.1, 0.9, 2) * width
        side = 0 if rng.random() < 0.5 else width
        points = np.array([[x_top, -10], [x_bottom, height + 10], [side, height + 10], [side, -10]], np.int32)
        cv2.fillPoly(mask, [points], 1.0, cv2.LINE_AA)
    else:
        centre = rng.uniform(0, 1, 2) * [width, height]
        axes = (int(rng.uniform(0.15, 0.45) * width), int(rng.uniform(0.1, 0.35) * height))
        cv2.ellipse(mask, (int(centre[0]), int(centre[1])), axes, float(rng.uniform(0, 180)), 0, 360,
                    1.0, -1, cv2.LINE_AA)
    softness = rng.uniform(1.0, 30.0) if hard else rng.uniform(10.0, 40.0)
    mask = cv2.GaussianBlur(mask, (0, 0), softness)
    depth = rng.uniform(0.25, 0.6) if hard else rng.uniform(0.1, 0.3)
    return 1.0 - mask * np.float32(depth)


def _glare(size, rng) -> np.ndarray:
    """(H, W) float32 added light: a lamp's reflection on glossy paper or a board."""
    width, height = size
    mask = np.zeros((height, width), np.float32)
    centre = (int(rng.uniform(0.1, 0.9) * width), int(rng.uniform(0.1, 0.9) * height))
    axes = (int(rng.uniform(0.05, 0.2) * width), int(rng.uniform(0.04, 0.15) * height))
    cv2.ellipse(mask, centre, axes, float(rng.uniform(0, 180)), 0, 360, 1.0, -1, cv2.LINE_AA)
    mask = cv2.GaussianBlur(mask, (0, 0), rng.uniform(8, 30))
    return mask * np.float32(rng.uniform(0.3, 0.9))


def _disk(radius: float) -> np.ndarray:
    side = int(np.ceil(radius)) * 2 + 1
    yy, xx = np.mgrid[0:side, 0:side].astype(np.float32) - side // 2
    kernel = np.clip(radius + 0.5 - np.sqrt(xx * xx + yy * yy), 0, 1)
    return kernel / kernel.sum()


def _motion(length: float, angle: float) -> np.ndarray:
    side = int(np.ceil(length)) | 1
    kernel = np.zeros((side, side), np.float32)
    c = side // 2
    dx, dy = np.cos(angle) * length / 2, np.sin(angle) * length / 2
    cv2.line(kernel, (int(round((c - dx) * 16)), int(round((c - dy) * 16))),
             (int(round((c + dx) * 16)), int(round((c + dy) * 16))), 1.0, 1, cv2.LINE_AA, shift=4)
    return kernel / max(kernel.sum(), 1e-6)


def photograph(page: np.ndarray, table: np.ndarray, rng: np.random.Generator, level: str,
               show_table: bool = False, glare: bool = False, shadow: bool | None = None) -> Shot:
    """Photograph ``page`` ((H, W, 3) float32 RGB 0..1) lying on ``table`` (same size, or a
    function that makes it: called only when the table shows) into a frame of that size."""
    height, width = page.shape[:2]
    size = (width, height)
    hard = level == "hard"
    # surfaces and inks are given as they look (sRGB-like values): light adds in linear
    # (gamma 2: squares and square roots, close to sRGB and cheap on a whole frame)
    page = page * page
    quad = page_pose(size, rng, level, show_table)
    source = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    homography = cv2.getPerspectiveTransform(source, quad)
    scene = cv2.warpPerspective(page, homography, size, flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_CONSTANT, borderValue=(-1, -1, -1))
    outside = scene[:, :, 0] < 0
    if outside.any():
        table = table() if callable(table) else table
        scene[outside] = (table * table)[outside]
        if show_table:  # the paper's own thin shadow on the table along its edge
            edge = cv2.GaussianBlur(outside.astype(np.float32), (0, 0), 2.5)
            scene *= (1.0 - 0.35 * edge * (~outside))[:, :, None]
    scene *= _light(size, rng, level, shadow)
    if glare:
        scene += _glare(size, rng)[:, :, None]
    # the lens: defocus, and at times the hand's shake
    radius = rng.uniform(0.6, 2.2) if hard else rng.uniform(0.0, 0.9)
    if radius >= 0.5:
        scene = cv2.filter2D(scene, -1, _disk(radius))
    if hard and rng.random() < 0.35:
        scene = cv2.filter2D(scene, -1, _motion(rng.uniform(2, 6), rng.uniform(0, np.pi)))
    # the sensor: shot noise grows with the light, read noise does not
    scene = np.clip(scene, 0.0, 1.0)
    photons = rng.uniform(300, 1200) if hard else rng.uniform(1500, 4000)
    # (one noise field for the three channels plus a weaker one a channel at a quarter of
    # the resolution: a phone's demosaicing and denoising leave mostly luminance noise)
    noise = rng.standard_normal(scene.shape[:2], dtype=np.float32)[:, :, None]
    chroma = cv2.resize(rng.standard_normal((max(2, height // 4), max(2, width // 4), 3),
                                            dtype=np.float32), size, interpolation=cv2.INTER_LINEAR)
    scene = scene + (noise + 0.3 * chroma) * np.sqrt(scene / np.float32(photons) + np.float32(
        rng.uniform(2e-6, 2e-5) if hard else 1e-6))
    encoded = np.sqrt(np.clip(scene, 0.0, 1.0))
    rgb = (encoded * 255.0 + 0.5).astype(np.uint8)
    quality = int(rng.integers(30, 80)) if hard else int(rng.integers(75, 95))
    return Shot(_jpeg(rgb, quality)[:, :, ::-1].copy(), homography, quad)


def _jpeg(rgb: np.ndarray, quality: int) -> np.ndarray:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="JPEG", quality=quality, subsampling=2)
    buffer.seek(0)
    return np.asarray(Image.open(buffer).convert("RGB"))
