"""edge_digits.numbers: which marks are a number (see also tests/test_read.py's groups)."""
from __future__ import annotations

import numpy as np

from edge_digits.numbers import on_an_edge
from edge_digits.results import Box


def test_a_stroke_on_the_edge_of_a_sheet_is_on_an_edge():
    """A table (grey 120) to the left of a sheet (230): a dark stroke along the sheet's
    side has table on one side and paper on the other; a stroke written on the sheet has
    paper on both. The same holds against a light wall (the sheet darker)."""
    frame = np.full((200, 300), 230, np.uint8)
    frame[:, :100] = 120
    frame[60:140, 98:103] = 40  # the sheet's side, dark
    frame[60:140, 200:205] = 40  # a written '1'
    assert on_an_edge(frame, Box(98, 60, 5, 80), 0.85)
    assert not on_an_edge(frame, Box(200, 60, 5, 80), 0.85)
    assert not on_an_edge(frame, Box(98, 60, 5, 80), 0.5)  # 120 / 230 = 0.52: not below
    assert not on_an_edge(255 - frame, Box(200, 60, 5, 80), 0.85)
    assert on_an_edge(255 - frame, Box(98, 60, 5, 80), 0.85)
    # at the frame's side there is nothing to compare: not an edge
    assert not on_an_edge(frame, Box(0, 60, 5, 80), 0.85)


def test_a_long_sure_number_beside_a_label_nearly_as_tall_is_kept():
    """'Ref 2149472': a printed label 41 px tall before a number written 50 px tall (1.22x,
    under label_height): kept, as a run of 4 or more sure digits that are not mostly 0s
    and 1s; a run of '1101' beside the same label is a word's letters, not kept."""
    from edge_digits.numbers import digit_groups
    from edge_digits.read import ReadOptions
    from edge_digits.results import Digit

    def mark(x, value, height, confidence=0.99):
        return Digit(value, confidence, Box(x, 60 - height, 20, height),
                     best=value if value is not None else 0)

    label = [Digit(None, 0.0, Box(x, 19, 20, 41), best=0) for x in (0, 25, 50)]
    number = [mark(100 + 30 * k, v, 50) for k, v in enumerate((2, 1, 4, 9, 4, 7, 2))]
    kept = digit_groups(number, label, 0.7, ReadOptions())
    assert "".join(d.text for d in kept) == "2149472"
    assert digit_groups(number, label, 0.7, ReadOptions(sure_run=8)) == []
    assert digit_groups(number, label, 0.7, ReadOptions(sure_label=1.45)) == []
    ones = [mark(100 + 30 * k, v, 50) for k, v in enumerate((1, 1, 0, 1))]
    assert digit_groups(ones, label, 0.7, ReadOptions()) == []
    unsure = number[:3] + [mark(190, 9, 50, 0.75)] + number[4:]
    assert "".join(d.text for d in digit_groups(unsure, label, 0.7, ReadOptions())) == "2149472"
    unsure = number[:3] + [mark(190, None, 50, 0.6)] + number[4:]
    assert digit_groups(unsure, label, 0.7, ReadOptions()) == []


def test_a_number_of_only_ones_is_strokes():
    """Two or more marks all read as '1' are strokes (ruling, box walls, table edges, a
    word's 'l' and 'i'): not reported; a lone '1' and a number with other digits are."""
    from edge_digits.numbers import digit_groups
    from edge_digits.read import ReadOptions
    from edge_digits.results import Digit

    def mark(x, value):
        return Digit(value, 0.99, Box(x, 10, 10, 40), best=value)

    assert digit_groups([mark(0, 1), mark(20, 1), mark(40, 1)], [], 0.7, ReadOptions()) == []
    assert len(digit_groups([mark(0, 1), mark(20, 1), mark(40, 1)], [], 0.7,
                            ReadOptions(ones_only=0))) == 3
    assert len(digit_groups([mark(0, 1)], [], 0.7, ReadOptions())) == 1
    assert len(digit_groups([mark(0, 1), mark(20, 7), mark(40, 1)], [], 0.7, ReadOptions())) == 3


def test_a_frame_with_a_line_of_digits_it_cannot_read_reports_nothing():
    """A frame of two written lines: '4127' read surely, and five marks below it the model
    reads as digits, only two of them surely (no number: under two thirds accepted). The
    frame holds digits the reader cannot read, so '4127' alone would be an incomplete
    answer: nothing is reported. The same unsure line written at half the height (small
    print, specks), a printed word (marks the model calls not-a-digit) or the rule turned
    off (``unread_line`` 0) leave '4127' reported; ``keep`` vetoes a line's number."""
    from edge_digits.numbers import frame_numbers
    from edge_digits.read import ReadOptions
    from edge_digits.results import Digit

    def mark(x, y, value, height=40, confidence=0.99):
        accepted = confidence >= 0.7
        return Digit(value if accepted else None, confidence, Box(x, y, 20, height), best=value)

    number = [mark(30 * k, 10, v) for k, v in enumerate((4, 1, 2, 7))]
    unsure = [mark(30 * k, 80, v, confidence=c)
              for k, (v, c) in enumerate(zip((3, 5, 8, 0, 6), (0.99, 0.5, 0.99, 0.6, 0.4)))]
    text = lambda numbers: ["".join(d.text for d in n) for n in numbers]  # noqa: E731
    options = ReadOptions()
    assert text(frame_numbers([(number, []), (unsure, [])], 0.7, options)) == []
    assert text(frame_numbers([(number, []), (unsure, [])], 0.7,
                              ReadOptions(unread_line=0))) == ["4127"]
    small = [mark(d.box.x, 80, d.best, 20, d.confidence) for d in unsure]
    assert text(frame_numbers([(number, []), (small, [])], 0.7, options)) == ["4127"]
    # one sure digit of five marks: a word whose 'l' reads as a digit, not a line of digits
    word = ([mark(0, 80, 1)], [Digit(None, 0.0, Box(30 * k, 80, 20, 40), best=0)
                              for k in range(1, 5)])
    assert text(frame_numbers([(number, []), word], 0.7, options)) == ["4127"]
    # two surely read digits of five marks, three not-digits: not a line of digits either
    two = ([mark(0, 80, 3), mark(30, 80, 5)], [Digit(None, 0.0, Box(30 * k, 80, 20, 40),
                                                     best=0) for k in range(2, 5)])
    assert text(frame_numbers([(number, []), two], 0.7, options)) == ["4127"]
    assert text(frame_numbers([(number, []), (number, [])], 0.7, options)) == ["4127", "4127"]
    assert text(frame_numbers([(number, [])], 0.7, options, keep=lambda n: False)) == []


def test_lone_ones_far_apart_on_one_line_are_not_a_number():
    """Two thin strokes at a frame's two sides (a sheet's edges) fall into two groups of one
    '1' each; the line would read '11': strokes, not reported (``ones_only``)."""
    from edge_digits.numbers import digit_groups
    from edge_digits.read import ReadOptions
    from edge_digits.results import Digit

    def mark(x, value):
        return Digit(value, 0.99, Box(x, 10, 10, 40), best=value)

    assert digit_groups([mark(10, 1), mark(600, 1)], [], 0.7, ReadOptions()) == []
    assert len(digit_groups([mark(10, 1), mark(600, 1)], [], 0.7, ReadOptions(ones_only=0))) == 2
    assert len(digit_groups([mark(10, 1), mark(600, 7)], [], 0.7, ReadOptions())) == 2


def test_a_mark_at_a_sheets_corner_is_on_a_boundary():
    """A sheet (230) on a table (120) whose corner is at (100, 100): a mark at the corner
    has table above and to its left, paper below and to its right; the same mark on the
    sheet has paper all round. A strip that would leave the frame is not used, so a digit
    filling a crop of one cell is judged by what fits (nothing: not a boundary)."""
    from edge_digits.numbers import on_a_boundary

    frame = np.full((300, 400), 230, np.uint8)
    frame[:100, :] = 120
    frame[:, :100] = 120
    corner = Box(95, 95, 30, 40)
    written = Box(250, 180, 30, 40)
    assert on_a_boundary(frame, corner, 0.9)
    assert not on_a_boundary(frame, written, 0.9)
    assert not on_a_boundary(frame, corner, 0.5)  # 120 / 230 = 0.52: not below
    assert on_a_boundary(255 - frame, corner, 0.9)  # a dark sheet on a light table
    cell = np.full((40, 40), 230, np.uint8)
    assert not on_a_boundary(cell, Box(5, 2, 30, 36), 0.9)


def test_a_smaller_line_of_sure_digits_the_reader_cannot_read_counts_too():
    """Below '4127' (40 px), a line 28 px tall (0.7 of it) of four marks, three read surely
    as digits ('5', then a mark the model calls not-a-digit, '3', '8': no number, the run
    '38' is no taller than the marks beside it). Too small for ``partial_line`` (0.8), but
    three sure digits make it digits the reader could not read (``unread_small`` 0.65):
    the frame reports nothing; with ``unread_small`` 0.8, or the same line written at half
    the height (print), '4127' is reported."""
    from edge_digits.numbers import frame_numbers
    from edge_digits.read import ReadOptions
    from edge_digits.results import Digit

    def mark(x, y, value, height):
        return Digit(value, 0.99, Box(x, y, 15, height), best=value)

    number = [mark(30 * k, 10, v, 40) for k, v in enumerate((4, 1, 2, 7))]

    def line(height):
        digits = [mark(0, 80, 5, height), mark(50, 80, 3, height), mark(75, 80, 8, height)]
        return digits, [Digit(None, 0.0, Box(25, 80, 15, height), best=0)]

    text = lambda numbers: ["".join(d.text for d in n) for n in numbers]  # noqa: E731
    assert text(frame_numbers([(number, []), line(28)], 0.7, ReadOptions())) == []
    assert text(frame_numbers([(number, []), line(28)], 0.7,
                              ReadOptions(unread_small=0.8))) == ["4127"]
    assert text(frame_numbers([(number, []), line(20)], 0.7, ReadOptions())) == ["4127"]


def test_two_numbers_side_by_side_on_one_row_are_one_line_cut_in_two():
    """'0452' and '92' read as two lines although they stand on one row, 20 px apart (half
    a digit's height): on one line they would be one group, so each is part of a number
    (tilted writing the line grouping cut in two); nothing is reported. Far apart on the
    row (two groups), or one above the other, both are reported."""
    from edge_digits.numbers import frame_numbers
    from edge_digits.read import ReadOptions
    from edge_digits.results import Digit

    def number(x, y, values):
        return [Digit(v, 0.99, Box(x + 30 * k, y, 20, 40), best=v) for k, v in enumerate(values)]

    text = lambda numbers: ["".join(d.text for d in n) for n in numbers]  # noqa: E731
    first = number(0, 100, (0, 4, 5, 2))  # ends at x = 110
    assert text(frame_numbers([(first, []), (number(130, 108, (9, 2)), [])], 0.7,
                              ReadOptions())) == []
    assert text(frame_numbers([(first, []), (number(130, 108, (9, 2)), [])], 0.7,
                              ReadOptions(unread_line=0))) == ["0452", "92"]
    assert text(frame_numbers([(first, []), (number(300, 108, (9, 2)), [])], 0.7,
                              ReadOptions())) == ["0452", "92"]
    assert text(frame_numbers([(first, []), (number(0, 200, (9, 2)), [])], 0.7,
                              ReadOptions())) == ["0452", "92"]


def test_a_smaller_number_overlapping_more_than_half_its_height_is_on_the_same_row():
    """'475' 40 px tall and '300' 20 px tall after it, 20 px apart: overlapping by 11 px
    (more than half the smaller one's height, though not half the larger one's), they
    stand on one row, one line cut in two: nothing is reported. Overlapping by 10 px,
    exactly half, they are two lines: both are reported."""
    from edge_digits.numbers import frame_numbers
    from edge_digits.read import ReadOptions
    from edge_digits.results import Digit

    def number(x, y, height, values):
        return [Digit(v, 0.99, Box(x + 30 * k, y, 20, height), best=v)
                for k, v in enumerate(values)]

    text = lambda numbers: ["".join(d.text for d in n) for n in numbers]  # noqa: E731
    large = number(0, 100, 40, (4, 7, 5))  # ends at x = 80, y = 140
    assert text(frame_numbers([(large, []), (number(100, 129, 20, (3, 0, 0)), [])], 0.7,
                              ReadOptions())) == []
    assert text(frame_numbers([(large, []), (number(100, 130, 20, (3, 0, 0)), [])], 0.7,
                              ReadOptions())) == ["475", "300"]


def test_a_mark_sure_to_be_no_digit_apart_from_a_number_is_not_reported():
    """A line of '2149' and, far to its right (its own group), one mark the model is sure
    is no digit: the number alone is reported; the mark, a group without digits, reports
    nothing (not even a '?')."""
    from edge_digits.numbers import digit_groups
    from edge_digits.read import ReadOptions
    from edge_digits.results import Digit

    number = [Digit(v, 0.99, Box(30 * k, 10, 20, 40), best=v) for k, v in enumerate((2, 1, 4, 9))]
    mark = Digit(None, 0.99, Box(400, 10, 20, 40), best=3)
    assert digit_groups(number, [mark], 0.7, ReadOptions()) == number


def test_a_lone_digit_beside_other_numbers_makes_the_frame_doubtful():
    """'4127' and, on another line, one '3': most often the one digit found of a line whose
    others were lost (strangers' frames: 10 of 560 wrong so; no development set has a
    string of one digit beside others). Nothing is reported; either alone is."""
    from edge_digits.numbers import frame_numbers
    from edge_digits.read import ReadOptions
    from edge_digits.results import Digit

    def number(y, values):
        return [Digit(v, 0.99, Box(30 * k, y, 20, 40), best=v) for k, v in enumerate(values)]

    text = lambda numbers: ["".join(d.text for d in n) for n in numbers]  # noqa: E731
    four, one = number(10, (4, 1, 2, 7)), number(100, (3,))
    assert text(frame_numbers([(four, []), (one, [])], 0.7, ReadOptions())) == []
    assert text(frame_numbers([(four, []), (one, [])], 0.7,
                              ReadOptions(unread_line=0))) == ["4127", "3"]
    assert text(frame_numbers([(four, [])], 0.7, ReadOptions())) == ["4127"]
    assert text(frame_numbers([(one, [])], 0.7, ReadOptions())) == ["3"]


def test_a_lone_digit_amid_marks_that_read_as_digits_is_one_of_them():
    """Wood grain beside a sheet: columns of sure '1's that make no number (all ones), and
    one knot read as a sure '4'. A frame whose only number is one digit, amid three marks
    or more read as accepted digits, reports nothing and shows them; with two, or a number
    of two digits, or the rule off, the number is reported."""
    from edge_digits.numbers import read_frame
    from edge_digits.read import ReadOptions
    from edge_digits.results import Digit

    def mark(x, y, value, height=40):
        return Digit(value, 0.99, Box(x, y, 12, height), best=value)

    def read(lines, **options):
        numbers, unread = read_frame(lines, 0.7, ReadOptions(**options))
        return ["".join(d.text for d in n) for n in numbers], unread

    # '111': strokes, no number; half the knot's height (a line of digits the reader
    # cannot read as tall as the number would make the frame doubtful anyway)
    grain = [mark(0, 10, 1, 20), mark(20, 10, 1, 20), mark(40, 10, 1, 20)]
    knot = [mark(200, 300, 4)]
    assert read([(grain, []), (knot, [])]) == ([], [d.box for d in grain])
    assert read([(grain[:2], []), (knot, [])]) == (["4"], [])
    assert read([(grain, []), (knot, [])], lone_among=0) == (["4"], [])
    assert read([(grain, []), (knot, [])], lone_among=4) == (["4"], [])
    number = [mark(200, 300, 4), mark(230, 300, 7)]
    assert read([(grain, []), (number, [])]) == (["47"], [])


def test_a_frame_that_reports_nothing_says_where_to_look():
    """read_frame gives, with no numbers, the boxes of the writing that made the reader
    doubt them: the line of digits it could not read, the two halves of a line cut in
    two, the lone digit beside other numbers; nothing when it reports the numbers."""
    from edge_digits.numbers import read_frame
    from edge_digits.read import ReadOptions
    from edge_digits.results import Digit

    def number(x, y, values, confidence=0.99):
        return [Digit(v if confidence >= 0.7 else None, confidence, Box(x + 30 * k, y, 20, 40),
                      best=v) for k, v in enumerate(values)]

    four = number(0, 10, (4, 1, 2, 7))
    unsure = number(0, 80, (3, 5, 8), confidence=0.99)[:2] + number(60, 80, (8, 0, 6), 0.5)
    assert read_frame([(four, []), (unsure, [])], 0.7, ReadOptions()) == ([], [Box(0, 80, 140, 40)])
    halves = read_frame([(four, []), (number(130, 18, (9, 2)), [])], 0.7, ReadOptions())
    assert halves == ([], [Box(0, 10, 110, 40), Box(130, 18, 50, 40)])
    lone = read_frame([(four, []), (number(0, 100, (3,)), [])], 0.7, ReadOptions())
    assert lone == ([], [Box(0, 100, 20, 40)])
    numbers, unread = read_frame([(four, [])], 0.7, ReadOptions())
    assert ["".join(d.text for d in n) for n in numbers] == ["4127"] and unread == []


def test_digits_followed_by_more_marks_are_a_word_going_on():
    """Chalk 'Address': 'A', 'd', 'd' read as '1', '2', '2' (taller: a capital and two
    ascenders), then 'r' (not-a-digit) and 'e', 's' read as digits, shorter. The label rule
    alone would keep '122' (1.5x the marks beside it); marks going on right after the run
    make it a word: no number. '4127' followed by one mark (a full stop, a tick) is kept."""
    from edge_digits.numbers import digit_groups
    from edge_digits.read import ReadOptions
    from edge_digits.results import Digit

    def mark(x, value, height, digit=True):
        return Digit(value if digit else None, 0.99 if digit else 0.0,
                     Box(x, 120 - height, 25, height), best=value)

    word = [mark(0, 1, 119), mark(30, 2, 118), mark(60, 2, 107), mark(120, 5, 80),
            mark(150, 5, 77)]
    letters = [mark(90, 2, 74, digit=False)]
    assert digit_groups(word, letters, 0.7, ReadOptions()) == []
    assert "".join(d.text for d in digit_groups(word, letters, 0.7,
                                                ReadOptions(trailing_marks=0))) == "122"
    number = [mark(30 * k, v, 60) for k, v in enumerate((4, 1, 2, 7))]
    tick = [mark(125, 0, 20, digit=False)]
    assert "".join(d.text for d in digit_groups(number, tick, 0.7, ReadOptions())) == "4127"


def test_marks_exactly_the_short_mark_height_are_a_numbers_not_a_words():
    """A word's x-height letters are under short_mark (0.6) of its capitals' height: a run
    of five with two marks 30 px tall beside 50 px ones (exactly 0.6) is a number; with
    two 29 px tall (a third of the marks or more under 0.6) it is a word."""
    from edge_digits.numbers import digit_groups
    from edge_digits.read import ReadOptions
    from edge_digits.results import Digit

    def run(short):
        heights = (50, short, 50, short, 50)
        return [Digit(v, 0.99, Box(100 + 30 * k, 60 - h, 20, h), best=v)
                for k, (v, h) in enumerate(zip((2, 5, 8, 3, 6), heights))]

    assert ReadOptions().short_mark * 50 == 30
    assert "".join(d.text for d in digit_groups(run(30), [], 0.7, ReadOptions())) == "25836"
    assert digit_groups(run(29), [], 0.7, ReadOptions()) == []


def test_a_line_with_any_unread_group_as_tall_as_its_number_is_not_read():
    """A line holding a number (50 px) and two groups of digit marks that are no number (too
    unsure): one 20 px tall (a speck's worth of marks) and one 50 px (digits the reader
    could not read): the tallest decides, so the line reports nothing; without the tall
    group, the number."""
    from edge_digits.numbers import digit_groups
    from edge_digits.read import ReadOptions
    from edge_digits.results import Digit

    def group(x, values, height, confidence):
        return [Digit(v if confidence >= 0.7 else None, confidence,
                      Box(x + 30 * k, 60 - height, 20, height), best=v)
                for k, v in enumerate(values)]

    number = group(0, (2, 5, 8, 3), 50, 0.99)
    small, tall = group(400, (6, 9), 20, 0.3), group(800, (4, 7), 50, 0.3)
    assert "".join(d.text for d in digit_groups(number + small, [], 0.7, ReadOptions())) == "2583"
    assert digit_groups(number + tall + small, [], 0.7, ReadOptions()) == []
    assert digit_groups(number + small + tall, [], 0.7, ReadOptions()) == []


def test_digits_exactly_as_sure_as_the_judge_count_as_accepted():
    """A run counts as a number when two thirds of its marks are read at the judging
    threshold or above: marks exactly at it count."""
    from edge_digits.numbers import digit_groups
    from edge_digits.read import ReadOptions
    from edge_digits.results import Digit

    run = [Digit(v, c, Box(30 * k, 10, 20, 50), best=v)
           for k, (v, c) in enumerate(((2, 0.99), (5, 0.75), (8, 0.75)))]
    assert "".join(d.text for d in digit_groups(run, [], 0.75, ReadOptions())) == "258"
    assert digit_groups(run, [], 0.76, ReadOptions()) == []


def test_a_mark_near_the_frames_edge_is_judged_by_the_strips_that_lie_whole_in_it():
    """A mark 60 px tall 20 px below the top of a page whose top 25 rows are a table: the
    strip above it (30 px) is cut by the frame, so only the whole ones (paper all round)
    judge it: not on a boundary; 40 px down, its strip above is whole and half table. Where
    two surfaces meet, a tie in brightness (exactly ``ratio``) is not yet a boundary."""
    from edge_digits.numbers import on_a_boundary

    frame = np.full((200, 300), 230, np.uint8)
    frame[:25] = 100
    assert not on_a_boundary(frame, Box(140, 20, 10, 60), 0.9)
    assert on_a_boundary(frame, Box(140, 40, 10, 60), 0.9)
    halves = np.full((200, 300), 100, np.uint8)
    halves[:, 150:] = 50
    assert not on_a_boundary(halves, Box(140, 70, 20, 60), 0.5)  # 50 is not below 0.5 * 100
    assert on_a_boundary(halves, Box(140, 70, 20, 60), 0.51)


def test_median_is_statistics_median():
    """numbers.median (statistics' import costs memory) gives statistics.median's value, as
    a float, for odd and even counts of box heights."""
    import statistics

    from hypothesis import given, strategies as st

    from edge_digits.numbers import median

    @given(st.lists(st.integers(0, 2000), min_size=1, max_size=12))
    def same(heights):
        assert median(heights) == float(statistics.median(heights))
        assert isinstance(median(heights), float)

    same()
    assert median([10, 40, 20, 30]) == 25.0 and median([3, 1, 2]) == 2.0


def test_two_digits_exactly_label_height_taller_than_a_label_are_kept():
    """A run beside a label ('No' + '42') is kept from two digits up, when its height is
    ``label_height`` (1.45) times the label's or more: 29 px beside 20 px is, 28 px not."""
    from edge_digits.numbers import digit_groups
    from edge_digits.read import ReadOptions
    from edge_digits.results import Digit

    label = [Digit(None, 0.0, Box(x, 40 - 20, 15, 20), best=0) for x in (0, 20)]
    for height, kept in ((29, True), (28, False), (40, True)):
        number = [Digit(v, 0.99, Box(50 + 25 * k, 40 - height, 20, height), best=v)
                  for k, v in enumerate((4, 2))]
        found = digit_groups(number, label, 0.7, ReadOptions())
        assert ("".join(d.text for d in found) == "42") is kept, height


def test_a_digit_it_cannot_read_between_two_it_can_is_a_question_mark():
    """'150' written far apart, its '5' unsure (0.57): three groups, the middle one no
    number; the number's digits around it make '1?0' (a question), not '10' (a wrong
    answer). An unsure digit beyond the number's ends stays out of it."""
    from edge_digits.numbers import digit_groups
    from edge_digits.read import ReadOptions
    from edge_digits.results import Digit

    one = Digit(1, 1.0, Box(424, 169, 15, 46), best=1)
    five = Digit(None, 0.57, Box(500, 179, 31, 37), best=7)
    zero = Digit(0, 1.0, Box(583, 142, 56, 64), best=0)
    read = digit_groups([one, five, zero], [], 0.7, ReadOptions())
    assert "".join(d.text for d in read) == "1?0"
    assert read[1].box == five.box and read[1].confidence == 0.57
    after = Digit(None, 0.57, Box(700, 179, 31, 37), best=7)
    assert "".join(d.text for d in digit_groups([one, zero, after], [], 0.7, ReadOptions())) == "10"


def test_digits_right_beside_a_mark_as_tall_are_only_part_of_a_number():
    """'8547416' whose '8' broke into pieces the model calls no digit, the last one as tall
    as the digits (45 of 50 px, tall_neighbour 0.9) and touching the run: '547416' is only
    part of the number, not reported; a mark 44 px tall there is a label's (the run kept);
    so is any with the rule off (0)."""
    from edge_digits.numbers import digit_groups
    from edge_digits.read import ReadOptions
    from edge_digits.results import Digit

    run = [Digit(v, 1.0, Box(100 + 30 * k, 10, 20, 50), best=v)
           for k, v in enumerate((5, 4, 7, 4, 1, 6))]
    pieces = [Digit(None, 0.0, Box(x, 40, 8, 20), best=1) for x in (40, 55)]

    def read(neighbour_height, **options):
        neighbour = Digit(None, 0.0, Box(70, 60 - neighbour_height, 20, neighbour_height), best=0)
        return "".join(d.text for d in digit_groups(run, pieces + [neighbour], 0.7,
                                                     ReadOptions(**options)))

    assert read(45) == ""
    assert read(44) == "547416"
    assert read(45, tall_neighbour=0.0) == "547416"
    # after the run as well as before it
    after = Digit(None, 0.0, Box(280, 15, 20, 45), best=0)
    assert digit_groups(run, pieces + [after], 0.7, ReadOptions()) == []


def test_the_strips_below_a_mark_judge_it_down_to_the_frames_bottom():
    """Paper (230) above a table (100): a mark whose strip below is table lies on a
    boundary, also when that strip ends exactly at the frame's bottom (it lies whole in the
    frame). A mark 4 px tall looks 2 px below itself (its reach is at least 2): one row of
    paper and one of table (median 165, not below 0.6 of 230) is not yet a boundary."""
    from edge_digits.numbers import on_a_boundary

    frame = np.full((200, 300), 230, np.uint8)
    frame[120:] = 100
    assert on_a_boundary(frame, Box(140, 60, 10, 60), 0.9)
    assert not on_a_boundary(frame, Box(140, 20, 10, 60), 0.9)  # its strip below is paper
    edge = np.full((200, 300), 230, np.uint8)
    edge[180:] = 100
    assert on_a_boundary(edge, Box(140, 140, 10, 40), 0.9)  # strip rows 180-199: whole
    small = np.full((200, 300), 230, np.uint8)
    small[105:] = 100
    assert not on_a_boundary(small, Box(140, 100, 4, 4), 0.6)
    small[104:] = 100
    assert on_a_boundary(small, Box(140, 100, 4, 4), 0.6)


def test_unread_marks_exactly_partial_line_of_the_number_make_it_partial():
    """A number 50 px tall and, beyond a wide gap, a group of unsure digit marks exactly
    0.8 of its height (``partial_line``): the line is not read; 39 px tall, the number is."""
    from edge_digits.numbers import digit_groups
    from edge_digits.read import ReadOptions
    from edge_digits.results import Digit

    number = [Digit(v, 0.99, Box(30 * k, 10, 20, 50), best=v) for k, v in enumerate((2, 5, 8, 3))]

    def unread(height):
        return [Digit(None, 0.3, Box(400 + 30 * k, 60 - height, 20, height), best=v)
                for k, v in enumerate((6, 9))]

    assert digit_groups(number + unread(40), [], 0.7, ReadOptions()) == []
    assert "".join(d.text for d in digit_groups(number + unread(39), [], 0.7,
                                                ReadOptions())) == "2583"


def test_a_line_of_unsure_digits_exactly_partial_line_tall_makes_the_frame_doubtful():
    """'4127' 40 px tall above five marks read as digits, two surely (no number): at 32 px,
    exactly 0.8 of the number's height, the frame reports nothing; at 31 px, '4127'."""
    from edge_digits.numbers import frame_numbers
    from edge_digits.read import ReadOptions
    from edge_digits.results import Digit

    number = [Digit(v, 0.99, Box(30 * k, 10, 20, 40), best=v) for k, v in enumerate((4, 1, 2, 7))]

    def unsure(height):
        return [Digit(v if c >= 0.7 else None, c, Box(30 * k, 80, 20, height), best=v)
                for k, (v, c) in enumerate(zip((3, 5, 8, 0, 6), (0.99, 0.5, 0.99, 0.6, 0.4)))]

    def text(numbers):
        return ["".join(d.text for d in n) for n in numbers]

    assert text(frame_numbers([(number, []), (unsure(32), [])], 0.7, ReadOptions())) == []
    assert text(frame_numbers([(number, []), (unsure(31), [])], 0.7, ReadOptions())) == ["4127"]


def test_a_frames_only_mark_read_as_a_rejected_digit_is_its_lone_doubt():
    """``lone_rejected``: the one mark of a frame read as a digit, when it is rejected and
    at most one mark the model calls not-a-digit lies beside it; an accepted digit, two
    marks read as digits or two other marks are not."""
    from edge_digits.numbers import lone_rejected
    from edge_digits.results import Digit

    unsure = Digit(None, 0.55, Box(10, 10, 20, 30), best=4)
    sure = Digit(4, 0.98, Box(10, 10, 20, 30), best=4)
    speck = Digit(None, 0.0, Box(40, 30, 4, 4), best=-1)
    assert lone_rejected([([unsure], [])]) is unsure
    assert lone_rejected([([unsure], [speck])]) is unsure
    assert lone_rejected([([], [speck]), ([unsure], [])]) is unsure  # on any line
    assert lone_rejected([([unsure], [speck, speck])]) is None
    assert lone_rejected([([sure], [])]) is None
    assert lone_rejected([([unsure], []), ([unsure], [])]) is None
    assert lone_rejected([([], [speck])]) is None
    assert lone_rejected([]) is None
