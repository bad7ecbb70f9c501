"""The second look: writing too faint for the first search makes a frame's numbers doubtful.

A frame is searched again with its thresholds halved (:func:`edge_digits.locate.look_again`);
a line of digits found there that the first search missed, as tall as the frame's numbers,
means the numbers read are not the whole answer, and the reader reports nothing
(``Reading.unread`` names the line), as it does for such a line the first search finds
(:func:`edge_digits.numbers.read_frame`). The frames are MNIST test digits on a sheet: one
number in dark ink, one so pale that only the second look finds it.
"""
from __future__ import annotations

import numpy as np
import pytest

from edge_digits import DigitReader
from edge_digits.locate import (Ink, LocateOptions, _overlaps, dark_beside, fainter_thresholds,
                                look_again, measure_ink, work_view)
from edge_digits.locate.types import Blob
from edge_digits.numbers import missed_lines
from edge_digits.read import ReadOptions
from edge_digits.results import Box, Digit

BOLD = (3, 2, 1, 18)  #: MNIST test indices: 0, 1, 2, 3 (read right by the bundled model)
PALE = (4, 8, 11, 0, 61)  #: 4, 5, 6, 7, 8
BOLD_TOP, PALE_TOP = 80, 300


def sheet(mnist, pale: float | None, pale_size: int = 80, seed: int = 0,
          pale_digits: tuple = PALE) -> np.ndarray:
    """A 640x480 clean sheet: the BOLD number 80 px tall (darkness 0.7) and, unless
    ``pale`` is None, the ``pale_digits`` ``pale_size`` px tall at that darkness (0..1)."""
    import cv2

    rng = np.random.default_rng(seed)
    paper = np.full((480, 640), 215.0) + rng.normal(0, 2.0, (480, 640))

    def write(indices, left, top, size, darkness):
        for k, index in enumerate(indices):
            ink = cv2.resize(mnist["x_test"][index], (size, size), interpolation=cv2.INTER_LINEAR)
            x = left + k * int(size * 0.8)
            paper[top:top + size, x:x + size] *= 1 - darkness * ink.astype(float) / 255

    write(BOLD, 120, BOLD_TOP, 80, 0.7)
    if pale is not None:
        write(pale_digits, 100, PALE_TOP, pale_size, pale)
    return np.clip(paper, 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def readers():
    # blind: without the second search, and showing a string with '?'s as it is
    with DigitReader() as reader, \
            DigitReader(options=ReadOptions(look_again=0.0, partial_strings=True)) as blind:
        yield reader, blind


def test_the_digits_are_the_ones_named(mnist):
    assert "".join(str(mnist["y_test"][i]) for i in BOLD) == "0123"
    assert "".join(str(mnist["y_test"][i]) for i in PALE) == "45678"


@pytest.mark.parametrize("pale", [0.08, 0.1])
def test_a_number_too_pale_for_the_first_search_makes_the_frame_report_nothing(mnist, readers,
                                                                               pale):
    reader, blind = readers
    frame = sheet(mnist, pale)
    # without the second look, the bold number alone: an incomplete, wrong answer
    assert blind.read(frame).text == "0123"
    reading = reader.read(frame)
    assert reading.strings == ()
    assert len(reading.unread) == 1
    box = reading.unread[0]
    assert PALE_TOP <= box.y + box.height / 2 <= PALE_TOP + 80 and box.x < 200 and box.right > 380


def test_a_number_dark_enough_for_the_first_search_is_read(mnist, readers):
    reader, _ = readers
    assert reader.read(sheet(mnist, 0.3)).text == "0123 45678"


def test_a_frame_with_one_number_and_nothing_else_is_read(mnist, readers):
    reader, _ = readers
    reading = reader.read(sheet(mnist, None))
    assert reading.text == "0123" and reading.unread == ()


def test_a_pale_number_half_as_tall_is_a_doubt_pale_marks_a_third_as_tall_are_not(mnist, readers):
    # 40 px digits (ink ~29 px tall) beside 80 px ones (~62): a number as small as the first
    # search reads one (small_line 0.35); 24 px digits (~17 px): specks or print
    reader, _ = readers
    half = reader.read(sheet(mnist, 0.1, pale_size=40))
    assert half.strings == () and len(half.unread) == 1
    assert reader.read(sheet(mnist, 0.1, pale_size=24)).text == "0123"


def test_the_second_search_finds_the_pale_line_and_leaves_out_what_was_read(mnist, readers):
    reader, _ = readers
    view = work_view(sheet(mnist, 0.1), reader.options.locate)
    ink = measure_ink(view.small, view.options)
    bold = Box(120, BOLD_TOP, 330, 80)
    lines = look_again(view, ink, [bold], 0.5, 20.0)
    assert len(lines) == 1 and len(lines[0]) == 5  # the pale number's five digits
    assert all(c.box.y > BOLD_TOP + 80 for c in lines[0])
    # no second search with the floors as they are, nor for lines shorter than asked
    assert look_again(view, ink, [bold], 1.0, 20.0) == []
    assert look_again(view, ink, [bold], 0.5, 200.0) == []


def test_the_second_search_leaves_out_a_line_of_one_mark(mnist, readers):
    reader, _ = readers
    for digits, found in ((PALE[:1], 0), (PALE[:2], 1)):
        view = work_view(sheet(mnist, 0.1, pale_digits=digits), reader.options.locate)
        ink = measure_ink(view.small, view.options)
        assert len(look_again(view, ink, [Box(120, BOLD_TOP, 330, 80)], 0.5, 20.0)) == found


def test_a_line_touching_a_box_does_not_overlap_it():
    # two blobs, work x 10..50, y 18..44: frame pixels at 2 x 3 per work pixel x 20..100,
    # y 54..132 (the line's box spans both blobs: its least x0 and y0, its largest x1, y1)
    line = [Blob(10, 20, 30, 40, [1]), Blob(32, 18, 50, 44, [2])]
    assert _overlaps(line, [Box(100, 60, 10, 20)], 2.0, 3.0) is False  # touching its right
    assert _overlaps(line, [Box(99, 60, 10, 20)], 2.0, 3.0) is True
    assert _overlaps(line, [Box(10, 60, 10, 20)], 2.0, 3.0) is False  # touching its left
    assert _overlaps(line, [Box(10, 60, 11, 20)], 2.0, 3.0) is True
    assert _overlaps(line, [Box(0, 60, 15, 20)], 2.0, 3.0) is False  # left of it
    assert _overlaps(line, [Box(30, 40, 20, 14)], 2.0, 3.0) is False  # touching its top
    assert _overlaps(line, [Box(30, 40, 20, 15)], 2.0, 3.0) is True
    assert _overlaps(line, [Box(80, 132, 10, 5)], 2.0, 3.0) is False  # touching its bottom
    assert _overlaps(line, [Box(80, 125, 10, 5)], 2.0, 3.0) is True  # under blob 1, in blob 2
    assert _overlaps(line, [], 2.0, 3.0) is False


def test_on_grainy_paper_the_second_search_halves_the_thresholds_of_its_noise(mnist, readers):
    # a grainy sheet: thresholds follow the paper's noise, above the floors; the pale
    # number (0.15) is under them, not under their halves
    reader, blind = readers
    options = LocateOptions()
    frame = sheet(mnist, 0.15)
    grainy = np.clip(frame + np.random.default_rng(1).normal(0, 14, frame.shape), 0, 255)
    grainy = grainy.astype(np.uint8)
    ink = measure_ink(work_view(grainy, options).small, options)
    assert ink.weak > options.min_contrast * 255 and ink.strong > options.min_peak_contrast * 255
    # the bold number is found (the grain spreads with its strokes in the broader pen's
    # view of the unsure '3': 0.97 with two views, 0.66 with three, a '?')
    assert blind.read(grainy).text == "012?"
    reading = reader.read(grainy)
    assert reading.strings == () and len(reading.unread) == 1
    assert PALE_TOP <= reading.unread[0].y + reading.unread[0].height / 2 <= PALE_TOP + 80


def test_no_second_search_without_enough_dark_pixels_beside_the_numbers(mnist, readers):
    # the only ink is the bold number: with its box skipped, nothing is left to find
    reader, _ = readers
    view = work_view(sheet(mnist, None), reader.options.locate)
    ink = measure_ink(view.small, view.options)
    assert look_again(view, ink, [], 0.5, 1.0) != []  # without skipping: the bold number
    assert look_again(view, ink, [Box(100, 60, 360, 120)], 0.5, 1.0) == []


# ---------------------------------------------------------------- missed_lines' limits
OPTIONS = ReadOptions()
JUDGE = 0.7


def digits(values, height: int, left: int = 0, confidence: float = 0.99) -> list[Digit]:
    return [Digit(v if confidence >= JUDGE else None, confidence,
                  Box(left + 30 * k, 300 - height, 20, height), best=v)
            for k, v in enumerate(values)]


def test_a_missed_number_exactly_small_line_as_tall_is_a_doubt():
    numbers = [digits((1, 2, 3), 40)]
    small = digits((4, 5), 14, left=200)  # 14 = 0.35 (GroupParams.small_line) x 40
    assert missed_lines(numbers, [(small, [])], JUDGE, OPTIONS) == [Box(200, 286, 50, 14)]
    smaller = digits((4, 5), 13, left=200)
    assert missed_lines(numbers, [(smaller, [])], JUDGE, OPTIONS) == []


def test_a_missed_line_of_one_digit_is_no_doubt_and_unread_digits_are():
    numbers = [digits((1, 2, 3), 50)]
    one = digits((4,), 50, left=200)  # one digit: no number of two, no line of unread digits
    assert missed_lines(numbers, [(one, [])], JUDGE, OPTIONS) == []
    # two sure digits and two unsure ones: no number (half accepted, under
    # min_accepted_fraction), but digits the reader cannot read, partial_line tall
    marks = digits((4, 7), 40, left=200) + digits((5, 3), 40, left=260, confidence=0.5)
    assert missed_lines(numbers, [(marks, [])], JUDGE, OPTIONS) == [Box(200, 260, 110, 40)]
    lower = digits((4, 7), 39, left=200) + digits((5, 3), 39, left=260, confidence=0.5)
    assert missed_lines(numbers, [(lower, [])], JUDGE, OPTIONS) == []


def test_nothing_missed_without_numbers_or_digits():
    assert missed_lines([], [(digits((4, 5), 50), [])], JUDGE, OPTIONS) == []
    none = [Digit(None, 0.0, Box(200, 250, 20, 50), best=0)]
    assert missed_lines([digits((1, 2), 50)], [([], none)], JUDGE, OPTIONS) == []


# ---------------------------------------------------------------- the second search's limits
def _ink(weak: int, strong: int) -> Ink:
    blank = np.zeros((4, 4), np.uint8)
    return Ink(blank, blank, weak, strong)


def test_the_second_thresholds_are_a_fraction_of_the_first():
    assert fainter_thresholds(_ink(40, 90), 0.5) == (20, 45)
    assert fainter_thresholds(_ink(15, 30), 0.5) == (7, 15)  # a clean page: the floors'
    assert fainter_thresholds(_ink(15, 31), 0.4) == (6, 12)
    assert fainter_thresholds(_ink(40, 90), 1.0) == (40, 90)  # 1: the first's


def test_dark_pixels_beside_boxes_are_counted_away_from_them_by_half_their_height():
    dark = np.zeros((60, 80), np.uint8)  # work pixels; frame pixels are 2 x 3 of them
    dark[10, 20] = 30  # frame (x 60, y 20): inside a box's padding
    dark[50, 70] = 30  # frame (x 210, y 100): far from it
    dark[0, 0] = 29  # under the level
    box = Box(70, 24, 30, 8)  # x 70..100, y 24..32; padded by 4: x 66..104, y 20..36
    assert dark_beside(dark, 30, [], 3.0, 2.0) == 2
    assert dark_beside(dark, 29, [], 3.0, 2.0) == 3
    assert dark_beside(dark, 30, [Box(56, 24, 30, 8)], 3.0, 2.0) == 1  # x 52..90 holds 60
    assert dark_beside(dark, 30, [box], 3.0, 2.0) == 2  # x 66..104 does not (work x 22..35)
    # the padding reaches row 10 (frame y 20) exactly, and not row 9
    above = np.zeros((60, 80), np.uint8)
    above[9, 20] = 30
    assert dark_beside(above, 30, [Box(56, 24, 30, 8)], 3.0, 2.0) == 1
    # a box at the frame's edge (its padding starts before row and column 0)
    corner = np.zeros((60, 80), np.uint8)
    corner[0, 0] = corner[0, 79] = corner[59, 0] = 30
    assert dark_beside(corner, 30, [Box(0, 0, 12, 12)], 3.0, 2.0) == 2
    # sx and sy apart: a box 10 frame pixels tall and 240 wide covers work columns 0..~82
    wide = np.zeros((60, 80), np.uint8)
    wide[2, 60] = 30
    assert dark_beside(wide, 30, [Box(0, 0, 240, 10)], 3.0, 2.0) == 0
    assert dark_beside(wide, 30, [Box(0, 0, 150, 10)], 3.0, 2.0) == 1
