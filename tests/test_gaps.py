"""A stroke in a number's gap that the locate stage left out (edge_digits/gaps.py)."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from edge_digits.gaps import MIN_GAP, gap_strokes
from edge_digits.locate import LocateOptions
from edge_digits.locate.params import InkParams
from edge_digits.read import DigitReader, ReadOptions
from edge_digits.results import Box
from export.synth.devsources import default_data_directory

LEFT, RIGHT = Box(10, 20, 30, 40), Box(80, 20, 30, 40)  # two digits 40 px tall, gap 40 px


def stroke_in_gap(page: np.ndarray, left: Box, right: Box, height: float, tall: float):
    """The stroke found between two digits on paper of 220, or None."""
    return gap_strokes(page, [left, right], height, tall, paper=220.0).get(1)


def _page(stroke=None) -> np.ndarray:
    """Paper at 220 with two dark digit-like rings at LEFT and RIGHT and a 3-px stroke
    ``(x, top, bottom)``, as dark as they are."""
    page = np.full((100, 130), 220, np.uint8)
    for box in (LEFT, RIGHT):
        cv2.ellipse(page, (box.x + 15, box.y + 20), (12, 18), 0, 0, 360, 40, 3)
    if stroke is not None:
        x, top, bottom = stroke
        cv2.line(page, (x, top), (x, bottom), 40, 3)
    return page


def test_a_stroke_between_two_digits_is_found_with_its_ink():
    found = stroke_in_gap(_page((55, 24, 56)), LEFT, RIGHT, 40.0, tall=0.7)
    assert found is not None
    ink, box = found
    assert box.x <= 55 < box.right and box.y <= 25 and box.bottom >= 55
    assert ink.shape == (box.height, box.width) and ink.dtype == np.uint8
    assert ink.max() == 255 and (ink > 0).sum() >= 3 * 32  # the stroke's pixels, saturated


@pytest.mark.parametrize("stroke, why", [
    (None, "no stroke"),
    ((55, 34, 52), "about 21 px: shorter than 0.7 of 40"),
    ((55, 0, 99), "a wall: runs out of the digits' band"),
])
def test_no_stroke_is_made_up(stroke, why):
    assert stroke_in_gap(_page(stroke), LEFT, RIGHT, 40.0, tall=0.7) is None, why


def test_a_line_thinner_than_half_the_digits_pen_is_no_digit():
    # digits written 6 px wide; a 2-px line between them is a tick or a hatch: none; a
    # 4-px stroke is the same pen's
    for width, found in ((2, False), (4, True)):
        page = np.full((100, 130), 220, np.uint8)
        for box in (LEFT, RIGHT):
            cv2.ellipse(page, (box.x + 15, box.y + 20), (11, 17), 0, 0, 360, 40, 6)
        page[24:57, 54:54 + width] = 40
        assert (stroke_in_gap(page, LEFT, RIGHT, 40.0, tall=0.7) is not None) == found, width


def test_a_gap_narrower_than_min_gap_is_not_searched():
    narrow = Box(LEFT.right + int(MIN_GAP * 40) - 1, 20, 30, 40)  # 11 px after LEFT
    page = _page()
    cv2.line(page, (LEFT.right + 5, 24), (LEFT.right + 5, 56), 40, 2)
    assert stroke_in_gap(page, LEFT, narrow, 40.0, tall=0.7) is None
    wide = Box(LEFT.right + int(MIN_GAP * 40) + 1, 20, 30, 40)
    assert stroke_in_gap(page, LEFT, wide, 40.0, tall=0.7) is not None


def test_gap_stroke_must_be_a_fraction():
    with pytest.raises(ValueError, match="gap_stroke"):
        ReadOptions(gap_stroke=1.5)


@pytest.mark.skipif(not (default_data_directory() / "femnist_digits.npz").exists(),
                    reason="development data not found")
def test_strangers_ones_the_locate_stage_lost_are_read():
    """The four strangers' frames whose '1' the locate stage lost at its work resolution;
    without the gaps' search each reads a wrong number. The first and the last were found
    with the whole frame's thresholds (``InkParams.paper_noise`` 0), and are read so: at
    the paper's, the first's squared paper joins its '4' (a person is asked to look) and
    the last's '1' is found by the locate stage itself."""
    from export.synth.strangers import make_strangers

    whole_frame = LocateOptions(ink=InkParams(paper_noise=0))
    # the last: chalk on a board, searched in the inverted frame the locate stage reads
    for seed, level, at, lost, locate in ((31, "clean", 197, "46", whole_frame),
                                          (57, "hard", 120, "59010", LocateOptions()),
                                          (57, "hard", 167, "5010", LocateOptions()),
                                          (57, "hard", 78, "7420", whole_frame)):
        frame, = make_strangers(seed, 1, level, start=at)
        readings = {}
        for gap_stroke in (ReadOptions().gap_stroke, 0.0):
            options = ReadOptions(gap_stroke=gap_stroke, locate=locate)
            with DigitReader(options=options) as reader:
                readings[gap_stroke] = [s.text for s in reader.read(frame.image).strings]
        assert readings[ReadOptions().gap_stroke] == list(frame.strings), (seed, level, at)
        assert readings[0.0] == [lost], (seed, level, at)
