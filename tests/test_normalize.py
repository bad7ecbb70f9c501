"""The MNIST normalization recipe: reproduces MNIST, invariant to where and how large."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from edge_digits.errors import FrameError
from edge_digits.normalize import normalize_digit


def test_reproduces_mnist_test_images(mnist):
    """MNIST digits are already normalized: the recipe must give them back unchanged."""
    images = mnist["x_test"]
    same = np.mean([np.array_equal(normalize_digit(image), image) for image in images])
    assert same >= 0.999, f"only {same:.4f} of MNIST test images reproduced exactly"


def test_blank_and_bad_inputs():
    assert not normalize_digit(np.zeros((40, 30), np.uint8)).any()
    with pytest.raises(FrameError):
        normalize_digit(np.zeros((0, 5), np.uint8))
    with pytest.raises(FrameError):
        normalize_digit(None)
    # NaN is no ink: a NaN image is blank, and NaN pixels in a digit are background
    patch = normalize_digit(np.full((5, 5), np.nan, np.float32))
    assert patch.shape == (28, 28) and patch.dtype == np.uint8 and not patch.any()
    digit = np.zeros((30, 30), np.float32)
    digit[5:25, 12:16] = 255.0  # a '1'
    holed = digit.copy()
    holed[:5] = np.nan  # NaN rows above it
    np.testing.assert_array_equal(normalize_digit(holed), normalize_digit(digit))
    assert normalize_digit(digit).any()


def test_float_ink_above_255_is_full_ink(mnist):
    """Floats are taken as 0..255: a digit's float ink scaled by 3 (most of it above 255)
    normalizes as the same ink clipped at 255."""
    digit = mnist["x_test"][0]
    bright = digit.astype(np.float32) * 3
    clipped = np.minimum(digit.astype(np.int32) * 3, 255).astype(np.uint8)
    np.testing.assert_array_equal(normalize_digit(bright), normalize_digit(clipped))


def _centre_of_mass(patch):
    moments = cv2.moments(patch, binaryImage=False)
    return moments["m10"] / moments["m00"], moments["m01"] / moments["m00"]


@settings(max_examples=40, deadline=None)
@given(index=st.integers(0, 199), scale=st.floats(0.6, 4.0), dx=st.integers(0, 120),
       dy=st.integers(0, 120))
def test_invariant_to_position_and_scale(mnist, index, scale, dx, dy):
    """The same digit drawn anywhere, at any size, normalizes to (nearly) the same patch."""
    digit = mnist["x_test"][index]
    size = max(8, int(round(28 * scale)))
    drawn = cv2.resize(digit, (size, size), interpolation=cv2.INTER_LINEAR if scale > 1 else cv2.INTER_AREA)
    canvas = np.zeros((size + 130, size + 130), np.uint8)
    canvas[dy:dy + size, dx:dx + size] = drawn
    patch = normalize_digit(canvas)
    reference = normalize_digit(drawn)
    # placement on the canvas changes nothing at all
    np.testing.assert_array_equal(patch, reference)
    # resampling changes the pixels a little, not the shape: box, centre of mass, overlap
    ys, xs = np.nonzero(patch > 0)
    assert max(ys.max() - ys.min(), xs.max() - xs.min()) + 1 in (19, 20, 21)
    cx, cy = _centre_of_mass(patch)
    assert abs(cx - 14) <= 1.0 and abs(cy - 14) <= 1.0
    # compared at the scale of a stroke (blurred), the shape is the original's. Resampling
    # may move the rounded centre of mass by one pixel (a thin "1" then overlaps itself
    # poorly), so the best of the one-pixel shifts counts.
    a = cv2.GaussianBlur(patch.astype(np.float32), (0, 0), 1.0)
    b = cv2.GaussianBlur(normalize_digit(digit).astype(np.float32), (0, 0), 1.0)
    overlap = max(
        float((np.roll(a, (sy, sx), axis=(0, 1)) * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))
        for sy in (-1, 0, 1) for sx in (-1, 0, 1))
    assert overlap > 0.9


def test_ink_bounds_are_the_box_of_the_pixels_above_the_floor(mnist):
    """ink_bounds (OpenCV's bounding box) against the rows and columns numpy finds, on MNIST
    test digits shifted into wider fields, as uint8, as floats, and above a floor."""
    from edge_digits.normalize import ink_bounds

    def expected(image, floor):
        rows = np.flatnonzero((image > floor).any(axis=1))
        cols = np.flatnonzero((image > floor).any(axis=0))
        if rows.size == 0:
            return None
        return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1

    rng = np.random.default_rng(5)
    for image in mnist["x_test"][:200]:
        field = np.zeros((40, 50), np.uint8)
        y, x = rng.integers(0, 12), rng.integers(0, 22)
        field[y:y + 28, x:x + 28] = image
        for ink, floor in ((field, 0), (field, 100), (field[:, ::2], 0),
                           (field.astype(np.float32) / 2, 0), (np.zeros_like(field), 0)):
            assert ink_bounds(ink, floor) == expected(ink, floor)
