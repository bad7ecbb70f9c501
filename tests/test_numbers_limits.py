"""The limits of edge_digits.numbers' rules, each pinned at an exact tie.

Every test builds marks by hand whose measure equals a rule's limit exactly (with the
default :class:`~edge_digits.read.ReadOptions`, heights chosen so that each product is an
exact float) and asserts the side of the limit the docstrings put it on, then one step
beyond it. The rules' purpose and their measured effect are in tests/test_numbers.py and
docs/tuning.md; these pin where each one starts.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from edge_digits.numbers import (_Mark, _beside_label, _reads_as_number, _split_at_gaps,
                                 _split_line, _unread_ratio, _without_pieces, digit_groups,
                                 far_ends, left_out, on_a_boundary)
from edge_digits.read import ReadOptions
from edge_digits.results import Box, Digit

OPTIONS = ReadOptions()
JUDGE = 0.7


def digit(x: int, value: int | None, height: int = 40, confidence: float = 0.99,
          width: int = 20) -> Digit:
    """A mark read as ``value`` (None: rejected, or no digit when ``confidence`` is 0),
    standing on the row y = 100."""
    accepted = value is not None and confidence >= JUDGE
    return Digit(value if accepted else None, confidence, Box(x, 100 - height, width, height),
                 best=0 if value is None else value)


def mark(d: Digit, is_digit: bool = True) -> _Mark:
    return _Mark(d.box, d, is_digit)


def text(digits: list[Digit]) -> str:
    return "".join(d.text for d in digits)


def test_three_sure_digits_making_exactly_the_sure_share_count_down_to_unread_small():
    # five marks read as digits, three exactly at the judge (0.7): 3 sure (unread_sure) and
    # 3 of 5 (0.6, unread_sure_share): such a line counts as unread down to unread_small
    marks = [digit(30 * k, v, confidence=c)
             for k, (v, c) in enumerate(zip((3, 5, 8, 0, 6), (0.7, 0.7, 0.7, 0.5, 0.4)))]
    assert _unread_ratio(marks, [], JUDGE, OPTIONS) == OPTIONS.unread_small
    # a sixth mark (no digit) makes 3 of 6, under the share: partial_line instead
    assert _unread_ratio(marks, [digit(150, None, confidence=0.0)], JUDGE,
                         OPTIONS) == OPTIONS.partial_line


def test_two_sure_digits_making_exactly_unread_line_of_the_marks_are_unread_digits():
    # two accepted digits and two marks that are no digit: 2 of 4 read as digits, exactly
    # unread_line (0.5): digits the reader cannot read, partial_line tall
    sure = [digit(0, 4), digit(30, 7)]
    others = [digit(60, None, confidence=0.0), digit(90, None, confidence=0.0)]
    assert _unread_ratio(sure, others, JUDGE, OPTIONS) == OPTIONS.partial_line
    assert _unread_ratio(sure, others + [digit(120, None, confidence=0.0)], JUDGE,
                         OPTIONS) is None
    assert _unread_ratio(sure[:1] + [digit(30, 7, confidence=0.69)], others, JUDGE,
                         OPTIONS) is None  # one sure digit only


def test_two_numbers_touching_or_just_under_a_groups_gap_apart_are_one_line_cut():
    # numbers 40 tall on one row: 0 to 39 columns apart (gap 1.0 of 40) they are one line
    # cut in two; 40 apart they are two numbers
    left = [digit(0, 1), digit(25, 2)]  # ends at x = 45

    def right(at):
        return [digit(at, 3), digit(at + 25, 4)]

    assert _split_line([left, right(45)], OPTIONS.group_gap)
    assert _split_line([left, right(84)], OPTIONS.group_gap)
    assert _split_line([left, right(85)], OPTIONS.group_gap) == []
    assert _split_line([left, right(44)], OPTIONS.group_gap) == []  # overlapping columns


def test_marks_exactly_a_groups_gap_apart_are_one_group():
    marks = [mark(digit(0, 1)), mark(digit(60, 2))]  # 40 empty columns (x 20 to 60)
    assert len(_split_at_gaps(marks, 40.0)) == 1
    assert len(_split_at_gaps(marks, 39.0)) == 2


def test_a_sure_run_of_exactly_sure_run_digits_half_of_them_0s_and_1s_passes_a_tall_label():
    # a label 40 tall beside a run 48 tall: 1.2 times (sure_label) is enough for a run of
    # 4 (sure_run) digits, every one accepted (exactly at the judge), 2 of them (half) 0 or 1
    rest = [mark(digit(-100 + 25 * k, None, 40, confidence=0.0), False) for k in range(3)]
    run = [mark(digit(30 * k, v, 48, confidence=0.7)) for k, v in enumerate((0, 1, 5, 8))]
    assert [m.digit.best for m in _beside_label(run, rest, 48.0, JUDGE, OPTIONS)] == [0, 1, 5, 8]
    three = run[:3]
    assert _beside_label(three, rest, 48.0, JUDGE, OPTIONS) == []  # not sure_run long
    mostly_ones = run[:3] + [mark(digit(90, 1, 48, confidence=0.7))]
    assert _beside_label(mostly_ones, rest, 48.0, JUDGE, OPTIONS) == []
    unsure = run[:3] + [mark(digit(90, 8, 48, confidence=0.69))]
    assert _beside_label(unsure, rest, 48.0, JUDGE, OPTIONS) == []


def test_a_label_letter_is_trimmed_off_a_run_only_when_clearly_shorter():
    # the run's median is 58; a mark at its end 40 tall (58 / 1.45, label_height) is one
    # of its digits, 39 tall it is the label's letter that reads as a digit (the label's
    # last mark ends 5 px before the run: beside it)
    rest = [mark(digit(-75 + 25 * k, None, 30, confidence=0.0), False) for k in range(3)]

    def run(first: int, last: int) -> list[_Mark]:
        heights = (first, 58, 58, 58, last)
        return [mark(digit(30 * k, v, h)) for k, (v, h) in enumerate(zip((4, 5, 6, 7, 8), heights))]

    kept = _beside_label(run(40, 40), rest, 58.0, JUDGE, OPTIONS)
    assert [m.digit.best for m in kept] == [4, 5, 6, 7, 8]
    kept = _beside_label(run(39, 39), rest, 58.0, JUDGE, OPTIONS)
    assert [m.digit.best for m in kept] == [5, 6, 7]


def test_a_sure_digit_cut_off_a_run_away_from_the_labels_marks_is_no_number():
    # '00194' after 'Tel:': the first '0' is written smaller than the rest, as short as a
    # label's letter, but the label (its marks no digit) ends 20 px before it, farther than
    # half its height (19.5): a digit of the number, which read without it is wrong
    def run(confidence: float) -> list[_Mark]:
        return [mark(digit(30 * k, v, h, confidence=confidence if k == 0 else 0.99))
                for k, (v, h) in enumerate(zip((0, 0, 1, 9, 4), (39, 58, 58, 58, 58)))]

    apart = [mark(digit(-90 + 25 * k, None, 30, confidence=0.0), False) for k in range(3)]
    assert _beside_label(run(0.99), apart, 58.0, JUDGE, OPTIONS) == []
    # an unsure mark cut off is the label's letter whatever its place
    kept = _beside_label(run(0.69), apart, 58.0, JUDGE, OPTIONS)
    assert [m.digit.best for m in kept] == [0, 1, 9, 4]
    # the label's last mark 19 px before it: beside it, a letter of the label
    beside = [mark(digit(-89 + 25 * k, None, 30, confidence=0.0), False) for k in range(3)]
    kept = _beside_label(run(0.99), beside, 58.0, JUDGE, OPTIONS)
    assert [m.digit.best for m in kept] == [0, 1, 9, 4]
    # a cut mark exactly at the judge is sure
    assert _beside_label(run(JUDGE), apart, 58.0, JUDGE, OPTIONS) == []
    # the run's last mark cut off, unsure, the others sure: a label's letter, trimmed
    tail = run(0.99)[1:] + [mark(digit(150, 7, 39, confidence=0.69))]
    kept = _beside_label(tail, apart, 58.0, JUDGE, OPTIONS)
    assert [m.digit.best for m in kept] == [0, 1, 9, 4]
    tail[-1] = mark(digit(150, 7, 39, confidence=0.99))  # sure: a digit of the number
    assert _beside_label(tail, apart, 58.0, JUDGE, OPTIONS) == []


def test_a_one_exactly_short_one_of_the_number_tall_stays():
    run = [mark(digit(0, 4, 50)), mark(digit(30, 1, 30)), mark(digit(60, 1, 29))]
    assert [m.box.height for m in _without_pieces(run, 50.0, OPTIONS)] == [50, 30]


def test_exactly_min_accepted_fraction_of_a_runs_digits_accepted_is_a_number():
    # 100 digits, 67 accepted (0.67 of them): a number; 66 accepted: not
    def run(accepted: int) -> list[_Mark]:
        return [mark(digit(30 * k, 5, confidence=0.99 if k < accepted else 0.5))
                for k in range(100)]

    assert _reads_as_number(run(67), 40.0, JUDGE, OPTIONS)
    assert not _reads_as_number(run(66), 40.0, JUDGE, OPTIONS)


def test_a_run_of_exactly_text_marks_with_exactly_text_share_short_is_a_word():
    # 3 marks (text_marks), 2 shorter than 0.6 of the median height 50: a word's x-height
    # letters (2 >= 0.34 * 3); 50 marks with 17 short (exactly 0.34 of them): a word too,
    # with 16 a number
    three = [mark(digit(0, 5, 50)), mark(digit(30, 2, 29)), mark(digit(60, 3, 29))]
    assert not _reads_as_number(three, 50.0, JUDGE, OPTIONS)
    assert _reads_as_number(three[:2], 50.0, JUDGE, OPTIONS)  # under text_marks: no test

    def run(short: int) -> list[_Mark]:
        return [mark(digit(30 * k, 5, 29 if k < short else 50)) for k in range(50)]

    assert not _reads_as_number(run(17), 50.0, JUDGE, OPTIONS)
    assert _reads_as_number(run(16), 50.0, JUDGE, OPTIONS)


def test_exactly_trailing_marks_after_a_run_make_it_a_word_going_on():
    number = [digit(30 * k, v, 60) for k, v in enumerate((4, 1, 2, 7))]
    after = [digit(120 + 25 * k, None, 30, confidence=0.0) for k in range(2)]
    assert digit_groups(number, after, JUDGE, OPTIONS) == []
    assert text(digit_groups(number, after[:1], JUDGE, OPTIONS)) == "4127"


def test_a_mark_with_exactly_two_strips_in_the_frame_is_judged_by_them():
    # a mark in a frame's top-left corner whose strips above and left are cut by the frame:
    # the two whole ones (right: paper 230, below: table 100) judge it
    frame = np.full((100, 100), 230, np.uint8)
    frame[40:] = 100
    assert on_a_boundary(frame, Box(1, 1, 10, 38), 0.9)
    # a strip above that starts exactly at the frame's first row lies whole in it
    top = np.full((100, 100), 230, np.uint8)
    top[:10] = 100
    assert on_a_boundary(top, Box(40, 10, 10, 20), 0.9)


# ---------------------------------------------------------------- digits a number left out
def _row(values, height: int, left: int, step: int = 30) -> list[Digit]:
    """Marks read as ``values`` standing on y = 100, ``step`` apart from ``left``."""
    return [digit(left + step * k, v, height) for k, v in enumerate(values)]


def test_a_digit_exactly_left_out_tall_beside_a_number_is_left_out():
    number = _row((4, 1, 6), 40, 100)  # x 100..180, median height 40
    beside = digit(190, 8, 26)  # 26 = 0.65 (left_out) x 40: beside its right end
    assert left_out([number], [(number + [beside], [])], OPTIONS) == [beside.box]
    assert left_out([number], [(number + [digit(190, 8, 25)], [])], OPTIONS) == []
    assert left_out([number], [(number + [beside], [])], replace(OPTIONS, left_out=0.0)) == []


def test_a_digit_exactly_group_gap_heights_from_a_number_is_left_out():
    number = _row((4, 1, 6), 40, 100)  # ends at x = 180; group_gap x 40 = 40
    far = digit(220, 8, 40)  # starts exactly 40 px after the end
    assert left_out([number], [([far], [])], OPTIONS) == [far.box]
    assert left_out([number], [([digit(221, 8, 40)], [])], OPTIONS) == []
    before = digit(40, 8, 40)  # ends at x = 60, exactly 40 px before the start
    assert left_out([number], [([before], [])], OPTIONS) == [before.box]
    assert left_out([number], [([digit(39, 8, 40)], [])], OPTIONS) == []


@pytest.mark.parametrize("on_row, beyond", [(40, 39), (80, 81)])  # middle at y 60 / 100
def test_a_digit_whose_middle_is_exactly_on_a_numbers_top_or_bottom_is_on_its_row(on_row, beyond):
    number = _row((4, 1, 6), 40, 100)  # rows 60..100
    edge = Digit(8, 0.99, Box(190, on_row, 20, 40), best=8)
    assert left_out([number], [([edge], [])], OPTIONS) == [edge.box]
    off = Digit(8, 0.99, Box(190, beyond, 20, 40), best=8)
    assert left_out([number], [([off], [])], OPTIONS) == []


def test_a_digit_overlapping_a_numbers_digit_or_next_to_a_letter_is_not_left_out():
    number = _row((4, 1, 6), 40, 100)
    # a thin '1' between the '1' (130..150) and the '6' (160..180), touching both
    between = digit(150, 1, 40, width=10)
    assert left_out([number], [([between], [])], OPTIONS) == [between.box]
    overlapping = digit(151, 1, 40, width=10)  # one column into the '6'
    assert left_out([number], [([overlapping], [])], OPTIONS) == []
    # the 'g' of a printed 'Page' before a number: its letters are marks that are no digit
    g = digit(60, 9, 30)  # x 60..80, 20 px before the number, 0.75 of its height
    letter = digit(80 + 14, None, 28, confidence=0.0)  # 14 px after it: under half its height
    assert left_out([number], [([g], [letter])], OPTIONS) == []
    apart = digit(80 + 15, None, 28, confidence=0.0)  # exactly half its height away
    assert left_out([number], [([g], [apart])], OPTIONS) == [g.box]


def test_a_digit_left_out_tall_beside_a_mark_that_is_no_digit_is_left_out():
    # '31822' whose slanted '1' lost its lead stroke to the not-a-digit class: the '3'
    # beside that stroke is as tall as a digit of the number, no printed label's letter
    number = _row((1, 8, 2, 2), 40, 100)
    stroke = digit(85, None, 20, confidence=0.0, width=15)  # between the '3' and the '1'
    three = digit(60, 3, 32)  # 32 = 0.8 (left_out_tall) x 40
    assert left_out([number], [([three], [stroke])], OPTIONS) == [three.box]
    assert left_out([number], [([digit(60, 3, 31)], [stroke])], OPTIONS) == []
    assert left_out([number], [([three], [stroke])],
                    replace(OPTIONS, left_out_tall=0.0)) == []
    assert left_out([number], [([three], [])], replace(OPTIONS, left_out_tall=0.0)) == [three.box]


def test_a_digit_exactly_far_end_heights_from_a_numbers_end_is_part_of_it():
    # digits 40 tall, 20 wide, 30 apart from x = 100; a '1' before them, its right side
    # exactly 60 px (1.5 x 40) from the first digit: part of the number; 61: a stroke
    number = _row((9, 4, 7), 40, 100)
    near = digit(100 - 60 - 10, 1, 40, width=10)  # x 30..40, 60 px before x = 100
    assert far_ends([[near] + number], OPTIONS) == []
    far = digit(100 - 61 - 10, 1, 40, width=10)
    assert far_ends([[far] + number], OPTIONS) == [far.box]
    # at the number's other end alike (its last digit ends at x = 180), any digit
    after = digit(180 + 61, 3, 40)
    assert far_ends([number + [after]], OPTIONS) == [after.box]
    assert far_ends([number + [digit(180 + 60, 3, 40)]], OPTIONS) == []
    # the height is the other digits' median: 30-tall digits make 45 px the limit
    short = _row((9, 4), 30, 100)
    assert far_ends([[digit(100 - 46 - 10, 1, 30, width=10)] + short], OPTIONS) != []
    assert far_ends([[digit(100 - 45 - 10, 1, 30, width=10)] + short], OPTIONS) == []


def test_only_an_accepted_digit_far_from_a_number_is_a_doubt():
    number = _row((9, 4, 7), 40, 100)
    unsure = digit(0, 1, 40, confidence=0.5, width=10)  # shown as '?'
    lone = digit(0, 1, 40, width=10)
    assert far_ends([[unsure] + number], OPTIONS) == []
    assert far_ends([[lone]], OPTIONS) == []  # a number of one digit: no other digits
    assert far_ends([[lone] + number], replace(OPTIONS, far_end=0.0)) == []
    assert far_ends([[lone] + number], OPTIONS) == [lone.box]


def test_a_digit_touching_a_numbers_digit_from_below_or_above_does_not_overlap_it():
    # a number whose second digit stands lower (rows 60..120 in all): a mark right under
    # its first digit, touching it, has its middle on the number's row
    number = [digit(100, 4, 40), Digit(1, 0.99, Box(130, 80, 20, 40), best=1)]
    under = Digit(8, 0.99, Box(100, 100, 20, 30), best=8)  # y 100..130, middle 115
    assert left_out([number], [([under], [])], OPTIONS) == [under.box]
    into = Digit(8, 0.99, Box(100, 99, 20, 30), best=8)
    assert left_out([number], [([into], [])], OPTIONS) == []
    # and one right above the second digit, touching it
    over = Digit(8, 0.99, Box(130, 50, 20, 30), best=8)  # y 50..80, middle 65
    assert left_out([number], [([over], [])], OPTIONS) == [over.box]
    assert left_out([number], [([Digit(8, 0.99, Box(130, 51, 20, 30), best=8)], [])],
                    OPTIONS) == []
