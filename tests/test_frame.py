"""Frame validation: every kind of bad input gets a FrameError naming what was received."""
from __future__ import annotations

import numpy as np
import pytest

from edge_digits.errors import FrameError
from edge_digits.frame import as_gray, check_frame


@pytest.mark.parametrize("frame, words", [
    (None, "None"),
    ("frame.png", "str"),
    (np.zeros((0, 0), np.uint8), "empty"),
    (np.zeros((0, 640, 3), np.uint8), "empty"),
    (np.zeros((480, 640), np.uint16), "uint16"),
    (np.full((480, 640), np.nan, np.float32), "NaN"),
    (np.zeros((480, 640), np.float64), "float64"),
    (np.zeros((1, 1), np.uint8), "1x1"),
    (np.zeros((1, 1, 3), np.uint8), "1x1"),
    (np.zeros((7, 7), np.uint8), "7x7"),
    (np.zeros((480, 640, 2), np.uint8), "(480, 640, 2)"),
    (np.zeros((4, 480, 640), np.uint8), "(4, 480, 640)"),
])
def test_bad_frames_are_refused_with_what_was_received(frame, words):
    with pytest.raises(FrameError, match=None) as info:
        as_gray(frame)
    assert words in str(info.value)
    assert "expected" in str(info.value) or "need" in str(info.value)


def test_oversized_frame_is_refused_before_any_work():
    # 12000 x 11000 = 132 MP: refused from its shape alone (a view, no pixels touched)
    huge = np.broadcast_to(np.zeros((1, 1), np.uint8), (11000, 12000))
    with pytest.raises(FrameError, match="MP"):
        check_frame(huge)


@pytest.mark.parametrize("channels", [None, 1, 3, 4])
def test_gray_from_every_layout_matches_opencv_luma(channels):
    rng = np.random.default_rng(0)
    gray = rng.integers(0, 256, (48, 64), dtype=np.uint8)
    if channels is None:
        frame = gray
    elif channels == 1:
        frame = gray[:, :, None]
    else:
        frame = np.repeat(gray[:, :, None], channels, axis=2)
    out = as_gray(frame)
    assert out.shape == (48, 64) and out.dtype == np.uint8 and out.flags.c_contiguous
    np.testing.assert_array_equal(out, gray)  # equal channels: luma is the channel itself


def test_bgr_order_is_respected():
    frame = np.zeros((16, 16, 3), np.uint8)
    frame[:, :, 0] = 255  # pure blue in BGR: luma 0.114 * 255 = 29
    assert abs(int(as_gray(frame)[0, 0]) - 29) <= 1


def test_a_narrow_crop_is_a_frame():
    """A digit cut tight may be a few pixels wide (a '1'): the longer side decides."""
    assert as_gray(np.zeros((24, 4), np.uint8)).shape == (24, 4)
    with pytest.raises(FrameError, match="2x40"):
        as_gray(np.zeros((40, 2), np.uint8))
