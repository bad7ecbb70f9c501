"""Hard negatives: what the reader's own locate stage cuts out of digit-free frames.

    >>> crops = mine_negatives(count=2000, seed=5, letters=letters, fonts=printed_fonts())

Every candidate that :func:`edge_digits.locate.locate_digits` finds in a frame with no digit in it is, by
construction, not a digit: they are trained as "none", so the classifier learns the
table edges, wood grain, printed letters and scribbles the locate stage really hands
over. Thin vertical strokes are left out: alone they are a '1' to anyone, and only their
context (a printed word, a table edge) can tell, which is the reader's job, not the
classifier's. Optional extra material: real photographs shipped in scikit-image's wheel
(brick, grass, gravel), when it is installed.
"""
from __future__ import annotations

import numpy as np

from edge_digits.frame import as_gray
from edge_digits.locate import LocateOptions, locate_digits
from edge_digits.normalize import normalize_digit

from .extra_data import LOOK_ALIKES
from .synth.clutter import clutter_frame

THIN = 0.3  #: crops narrower than this (of their height) are strokes that read as '1': kept out
PHOTO_NAMES = ("brick", "grass", "gravel")  #: scikit-image sample photos without digits


def _photos() -> list[np.ndarray]:
    try:
        from skimage import data
    except ImportError:
        return []
    out = []
    for name in PHOTO_NAMES:
        try:
            image = getattr(data, name)()
        except Exception:  # a sample missing from this wheel: skipped
            continue
        out.append(image if image.ndim == 2 else image[..., :3][..., ::-1].copy())
    return out


def _crops(frame: np.ndarray, options: LocateOptions) -> list[np.ndarray]:
    out = []
    for line in locate_digits(as_gray(frame), options):
        for candidate in line:
            # whole candidates only: pieces of letters cut where touching digits would be
            # cut look like digits' strokes too often (a trial with them: 0.7% of MNIST's
            # test digits called none, against 0.2%)
            for ink in (candidate.ink,):
                height, width = ink.shape
                if width < THIN * height or not ink.any():
                    continue
                out.append(normalize_digit(ink))
    return out


def mine_negatives(count: int, seed: int, letters: np.ndarray | None = None,
                   fonts: list | None = None, options: LocateOptions | None = None,
                   limit: int | None = None) -> np.ndarray:
    """Crops from ``count`` digit-free frames (and photo tiles): (N, 28, 28) uint8."""
    import cv2

    rng = np.random.default_rng(seed)
    options = options or LocateOptions()
    found: list[np.ndarray] = []
    for _ in range(count):
        found += _crops(clutter_frame(rng, letters, fonts, drop=LOOK_ALIKES), options)
    for photo in _photos():
        for _ in range(max(1, count // 50)):
            height, width = photo.shape[:2]
            scale = rng.uniform(0.5, 2.0)
            tile = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            y = int(rng.integers(0, max(1, tile.shape[0] - 480)))
            x = int(rng.integers(0, max(1, tile.shape[1] - 640)))
            found += _crops(np.ascontiguousarray(tile[y:y + 480, x:x + 640]), options)
    if not found:
        return np.zeros((0, 28, 28), np.uint8)
    crops = np.stack(found)
    if limit is not None and len(crops) > limit:
        crops = crops[rng.choice(len(crops), limit, replace=False)]
    return crops
