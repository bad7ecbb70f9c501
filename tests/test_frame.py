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


def test_shrink_to_brings_the_shorter_side_to_the_size_asked():
    from edge_digits.frame import shrink_to

    gray = np.zeros((116, 174), np.uint8)
    gray[40:80, 60:100] = 255
    small = shrink_to(gray, 48)
    assert small.shape == (48, 72)
    # areas averaged: the square keeps its share of the frame's brightness
    assert abs(small.mean() - gray.mean()) < 1.0


def _cell(side: int, lines: str, digit: bool) -> np.ndarray:
    """A ``side`` px cell of paper: a grid's lines along the sides named in ``lines``
    ('t', 'b', 'l', 'r'), and a small ring in its middle when ``digit``."""
    cell = np.full((side, side), 220, np.uint8)
    edge = side - 3
    for name, where in (("t", np.s_[1:3, :]), ("b", np.s_[edge:edge + 2, :]),
                        ("l", np.s_[:, 1:3]), ("r", np.s_[:, edge:edge + 2])):
        if name in lines:
            cell[where] = 60
    if digit:
        centre = (side // 2, side // 2)
        import cv2
        cv2.ellipse(cell, centre, (side // 6, side // 4), 0, 0, 360, 40, max(1, side // 16))
    return cell


def test_lines_only_is_an_empty_cell_not_a_cell_with_writing():
    from edge_digits.frame import lined_sides, lines_only

    assert lined_sides(_cell(40, "tblr", digit=True)) == 4
    assert lined_sides(_cell(40, "b", digit=True)) == 1  # a number on a ruled line

    assert lines_only(_cell(40, "tblr", digit=False))
    assert lines_only(_cell(40, "tl", digit=False))
    assert not lines_only(_cell(40, "tblr", digit=True))  # writing besides the lines
    assert not lines_only(_cell(40, "t", digit=False))  # one line: not a grid's cell
    assert not lines_only(np.full((40, 40), 220, np.uint8))  # blank paper: no lines at all


def test_ink_beside_is_the_share_of_the_writing_outside_a_box():
    """``ink_beside``: 0 when the box holds all the crop's writing, about half when a
    second mark as large lies beside it; a cell's straight lines are not writing, and a
    crop with no writing gives 0 (read by ``DigitReader._read_edge_cell``: a crop of a
    number on a ruled line read as a cell finds one of its digits, not all the writing)."""
    from edge_digits.frame import ink_beside
    from edge_digits.results import Box

    crop = np.full((44, 60), 225, np.uint8)
    crop[8:36, 6:10] = 40  # a '1'
    crop[40:42, :] = 120  # the ruled line under it
    box = Box(6, 8, 4, 28)
    assert ink_beside(crop, box) == 0.0
    crop[8:36, 40:44] = 40  # a second '1' beside it
    assert 0.45 <= ink_beside(crop, box) <= 0.55
    assert ink_beside(crop, Box(0, 0, 60, 44)) == 0.0
    empty = np.full((44, 60), 225, np.uint8)
    empty[40:42, :] = 120
    assert ink_beside(empty, box) == 0.0


def test_ink_inside_is_writing_away_from_a_cells_edges():
    """``ink_inside``: a cell's grid lines lie along its edges, its writing crosses its
    inside, even a digit stretched to fill its box (read by ``DigitReader._read_cell``: an
    empty cell whose lines framed read as a '7' filling it is not a digit)."""
    from edge_digits.frame import ink_inside

    assert not ink_inside(_cell(40, "tblr", digit=False))
    assert not ink_inside(_cell(40, "tr", digit=False))  # the corner that reads as a '7'
    assert ink_inside(_cell(40, "tblr", digit=True))
    slab = np.full((16, 16), 255, np.uint8)
    slab[:, 3:13] = 0  # a '1' stretched to fill a scan's box
    assert ink_inside(slab)
    assert not ink_inside(np.full((40, 40), 220, np.uint8))  # blank paper
