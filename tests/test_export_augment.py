"""Camera-like augmentation and generated non-digits: seeded, MNIST-normalized, still digits."""
from __future__ import annotations

import numpy as np
import pytest

from edge_digits.normalize import ink_bounds, normalize_digit
from export import augment


@pytest.fixture(scope="module")
def digits(mnist):
    return mnist["x_test"][:600], mnist["y_test"][:600]


@pytest.fixture(scope="module")
def camera(digits):
    return augment.camera_pool(digits[0], copies=1, seed=5)[0]


def test_camera_pool_is_seeded_and_changes_the_digits(digits, camera):
    x, _ = digits
    assert camera.shape == x.shape and camera.dtype == np.uint8
    np.testing.assert_array_equal(augment.camera_pool(x, 1, seed=5)[0], camera)
    assert not np.array_equal(augment.camera_pool(x, 1, seed=6)[0], camera)
    changed = (np.abs(camera.astype(int) - x).reshape(len(x), -1).sum(axis=1) > 0).mean()
    assert changed > 0.95


def test_camera_digits_are_normalized_like_the_runtime(camera):
    """Every variant is a fixed point of normalize_digit: one normalization for both sides."""
    for patch in camera[:200]:
        np.testing.assert_array_equal(normalize_digit(patch), patch)
    sides = {max(b[2] - b[0], b[3] - b[1]) for b in map(ink_bounds, camera)}
    assert sides == {20}


def test_camera_digits_are_still_their_digit(digits, camera, classifier):
    """The bundled model still reads most of them: distortions change style, not identity."""
    x, y = digits
    original = (classifier.classify(x).argmax(axis=1) == y).mean()
    distorted = (classifier.classify(camera).argmax(axis=1) == y).mean()
    # right / wrong / rejected at the reader's threshold: test_accuracy.py, "mnist/camera"
    assert distorted < original  # they are harder than MNIST itself
    assert distorted >= original - 0.1, (distorted, original)  # measured 0.970 / 0.988


def test_camera_pool_shape_for_several_copies(digits):
    pool = augment.camera_pool(digits[0][:40], copies=3, seed=1)
    assert pool.shape == (3, 40, 28, 28)
    assert not np.array_equal(pool[0], pool[1])


def test_non_digits_are_seeded_normalized_marks(digits):
    x, _ = digits
    junk = augment.non_digits(x, 300, seed=2)
    assert junk.shape == (300, 28, 28) and junk.dtype == np.uint8
    np.testing.assert_array_equal(junk, augment.non_digits(x, 300, seed=2))
    assert (junk.reshape(300, -1).max(axis=1) > 0).all()
    for patch in junk[:100]:
        np.testing.assert_array_equal(normalize_digit(patch), patch)
    # several kinds, not one shape repeated: pairwise they differ
    assert len({patch.tobytes() for patch in junk}) == 300


def test_touching_pairs_are_two_digits_in_one_crop(digits):
    """The none class learns touching digits as 'not one digit', so the reader tries cuts."""
    x, _ = digits
    rng = np.random.default_rng(3)
    for partial in (False, True):
        pairs = [augment._touching_pair(x, rng, partial=partial) for _ in range(30)]
        pairs = [p for p in pairs if p is not None]
        assert len(pairs) >= 25
        aspects = [p.shape[1] / p.shape[0] for p in pairs]
        # two digits side by side are wider than one; a cut one keeps part of its width
        assert np.median(aspects) > (0.8 if partial else 1.0)
        for pair in pairs:  # one piece of ink across: the columns hold ink all along
            columns = (pair > 0).any(axis=0)
            assert columns.mean() > 0.9
