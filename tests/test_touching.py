"""edge_digits.touching: which reading of ink that may be touching digits is kept.

The reader's sets decide few frames by these rules' exact values (tests/test_options.py
says which still do); these tests pin what each rule does on readings built by hand, so a
change to a margin or a prior shows here first."""
from __future__ import annotations

import math

import numpy as np
import pytest

from edge_digits.locate import Candidate
from edge_digits.read import ReadOptions
from edge_digits.results import Box
from edge_digits.locate.types import Blob
from edge_digits.touching import (TouchingParams, choose_reading, fragments, glyph_counts,
                                  shape_prior, width_penalty)


def part(x: int, width: int, height: int = 40) -> Candidate:
    return Candidate(np.zeros((height, width), np.uint8), Box(x, 0, width, height), 0)


def readings_of(whole_p: float, halves_p: float):
    """The readings of a 40x40 ink: itself (crop 0) or two 20-wide halves (crops 1, 2);
    their best digits' probabilities and log-probabilities."""
    whole = part(0, 40)
    best = [whole_p, halves_p, halves_p]
    readings = [((0,), (whole,)), ((1, 2), (part(0, 20), part(20, 20)))]
    return whole, readings, best, [math.log(p) for p in best]


def test_another_reading_must_be_surer_by_the_margin():
    """An unsure whole (0.6: log -0.51) against two halves each read at 0.85 (log -0.33
    together, 0.19 nats surer): the margin (0.3 nats) keeps the whole; with no margin the
    halves win; halves read at 0.95 (0.41 nats surer) win over the margin too."""
    margin = ReadOptions().split_margin
    doubt = ReadOptions().split_doubt
    whole, readings, best, log_best = readings_of(0.6, 0.85)
    assert choose_reading(readings, whole, best, log_best, doubt, margin) == 0
    assert choose_reading(readings, whole, best, log_best, doubt, 0.0) == 1
    whole, readings, best, log_best = readings_of(0.6, 0.95)
    assert choose_reading(readings, whole, best, log_best, doubt, margin) == 1


def test_a_confident_first_guess_is_kept():
    """A whole read at 0.9 (over the doubt, 0.7) stays one digit, however sure its halves
    are (halves of a wide '0' are often confident '1's)."""
    whole, readings, best, log_best = readings_of(0.9, 0.99)
    assert choose_reading(readings, whole, best, log_best, ReadOptions().split_doubt, 0.0) == 0


def test_parts_wider_than_a_digit_pay_in_proportion():
    """A part up to 1.25 heights wide costs nothing; beyond, 3 nats a height: a part 2.25
    heights wide costs 3 nats, one 1.75 wide 1.5, and a reading of both 4.5."""
    params = TouchingParams()
    assert width_penalty(50, 40, params) == 0.0
    assert math.isclose(width_penalty(90, 40, params), -3.0)
    assert math.isclose(width_penalty(70, 40, params), -1.5)
    assert math.isclose(shape_prior([part(0, 90), part(90, 70)], 40, params), -4.5)


def test_a_wide_whole_loses_to_digit_wide_parts_by_its_width():
    """Ink 90 wide and 40 tall read as one digit at 0.9 (split first: the geometry says
    two digits) against two 45-wide halves at 0.45 each: the model alone prefers the whole
    (log 0.9 = -0.11 against -1.60), but its width (2.25 heights: -3 nats) makes the halves
    (1.125 heights each: free) the likelier reading."""
    whole = Candidate(np.zeros((40, 90), np.uint8), Box(0, 0, 90, 40), 0, split_first=True)
    halves = (part(0, 45), part(45, 45))
    best = [0.9, 0.45, 0.45]
    readings = [((0,), (whole,)), ((1, 2), halves)]  # the whole first, as always
    options = ReadOptions()
    log_best = [math.log(p) for p in best]
    assert choose_reading(readings, whole, best, log_best, options.split_doubt,
                          options.split_margin) == 1
    # without the width prior the whole wins; with a third of it (1 nat a height: -1.1
    # for the whole against -1.6 + the margin) it does too
    for slope in (0.0, 1.0):
        flat = TouchingParams(width_penalty=slope)
        assert choose_reading(readings, whole, best, log_best, options.split_doubt,
                              options.split_margin, flat) == 0


def _glyphs(widths, height=20, gap=10):
    """Boxes [x0, y0, x1, y1] of glyphs this wide, side by side, all ``height`` tall."""
    boxes, x = [], 0
    for width in widths:
        boxes.append([x, 0, x + width, height])
        x += width + gap
    return boxes


def test_a_code_lacking_digits_splits_its_widest_glyphs():
    # 20 px tall glyphs; 1.8 and 1.7 heights wide are two digits each, 1.0 and 0.6 one
    token = _glyphs([20, 36, 34, 12])
    assert glyph_counts(token, {4}) == [1, 1, 1, 1]  # the right length: read as it is
    assert glyph_counts(token, {6}) == [1, 2, 2, 1]
    assert glyph_counts(token, {8}) is None  # more missing than its glyphs can hold
    assert glyph_counts(token, None) == [1, 1, 1, 1]


def test_a_glyph_wider_than_one_digit_can_be_is_never_read_as_one():
    # one digit missing, two glyphs wider than wide_glyph (1.6) heights: splitting the
    # widest still leaves one no digit is as wide as, so the token is no code
    assert glyph_counts(_glyphs([20, 36, 34, 12]), {5}) is None
    # exactly 1.6 heights wide may still be one digit (a flat 5)
    assert glyph_counts(_glyphs([20, 36, 32, 12]), {5}) == [1, 2, 1, 1]


def test_a_wide_glyph_as_tall_as_it_is_wide_may_be_one_digit():
    # glyphs 20 px tall but the second, 30 tall and 34 wide (1.7 of the token's height,
    # 1.13 of its own): a bold digit, not a pair; the widest (36 wide, 20 tall) is split
    token = [[0, 0, 20, 20], [30, 0, 64, 30], [74, 0, 110, 20], [120, 0, 132, 20]]
    assert glyph_counts(token, {5}) == [1, 1, 2, 1]


def test_a_whole_with_cut_columns_is_weighed_against_its_pieces_however_sure():
    """Ink with cut columns (where digits may touch; :func:`worth_cutting` already judged it
    in doubt) read as one digit at 0.9, over the doubt: its halves are still weighed
    against it, and win when surer (no margin); without cuts a whole that sure is kept."""
    _, readings, best, log_best = readings_of(0.9, 0.99)
    whole = Candidate(np.zeros((40, 40), np.uint8), Box(0, 0, 40, 40), 0, cuts=(0, 20, 40))
    assert choose_reading(readings, whole, best, log_best, ReadOptions().split_doubt, 0.0) == 1
    assert choose_reading(readings, part(0, 40), best, log_best, ReadOptions().split_doubt,
                          0.0) == 0


@pytest.mark.parametrize("line, left, one, two", [
    # pieces 14 tall together, touching, 12 wide together: narrower than 0.95 of their own
    # height (13.3), so one digit broken in two; 14 wide they are two
    (10.0, Blob(0, 0, 6, 14, [1]), Blob(6, 2, 12, 12, [2]), Blob(6, 2, 14, 12, [2])),
    # pieces 1 column apart, together exactly 19 wide (0.95 of the line's 20): one digit
    (20.0, Blob(0, 0, 9, 20, [1]), Blob(10, 2, 19, 18, [2]), Blob(10, 2, 20, 18, [2])),
], ids=["taller-than-its-line", "exactly-fragment-width"])
def test_two_pieces_at_most_fragment_width_wide_together_are_one_digit_broken(line, left, one, two):
    assert fragments(left, one, line)
    assert not fragments(left, two, line)


def test_pieces_are_kept_from_a_thin_ones_width_to_a_wide_digits_exactly():
    """Ink 40 tall: a piece may be 6 to 52 columns wide (0.15 and 1.3 of its height), both
    limits included; the whole ink (first cut to last) is no piece."""
    from edge_digits.touching import pieces

    ink = np.full((40, 110), 255, np.uint8)
    candidate = Candidate(ink, Box(0, 0, 110, 40), 0, cuts=(0, 5, 6, 58, 110))
    found = [(i, j, piece.box.width) for i, j, piece in pieces(candidate)]
    assert found == [(0, 2, 6), (2, 3, 52), (3, 4, 52)]


def test_two_pieces_are_a_broken_digit_only_side_by_side_and_close():
    """Line height 25: pieces 2 columns apart (0.08 of it) may be one digit broken, 3
    apart may not; one piece wholly below the other, or only touching its bottom row,
    is not beside it (they must overlap vertically by a row at least)."""
    line = 25.0
    left = Blob(0, 0, 6, 20, [1])
    assert fragments(left, Blob(8, 2, 14, 20, [2]), line)
    assert not fragments(left, Blob(9, 2, 15, 20, [2]), line)
    upper = Blob(0, 0, 6, 12, [1])
    assert fragments(upper, Blob(8, 11, 14, 24, [2]), line)
    assert not fragments(upper, Blob(8, 12, 14, 24, [2]), line)
    assert not fragments(upper, Blob(8, 13, 14, 24, [2]), line)


def test_a_first_guess_exactly_as_sure_as_the_doubt_is_kept():
    """A whole read at exactly the doubt (0.7) is not in doubt: its halves, however surer,
    are not considered; at 0.69 they are."""
    whole, readings, _, _ = readings_of(0.7, 0.99)
    best, log_best = [0.7, 0.99, 0.99], [-4.0, -0.0625, -0.0625]
    assert choose_reading(readings, whole, best, log_best, 0.7, 0.0) == 0
    assert choose_reading(readings, whole, [0.69] + best[1:], log_best, 0.7, 0.0) == 1


def test_another_reading_exactly_the_margin_surer_does_not_win():
    """Scores as exact binary fractions: the whole -1, the halves -0.75 together, margin
    0.25: a tie is no win; halves at -0.6875 win."""
    whole, readings, best, _ = readings_of(0.5, 0.5)
    assert choose_reading(readings, whole, best, [-1.0, -0.375, -0.375], 0.7, 0.25) == 0
    assert choose_reading(readings, whole, best, [-1.0, -0.34375, -0.34375], 0.7, 0.25) == 1


def test_cutting_is_worth_it_from_exactly_the_limits():
    """Wide ink (split first) stays one digit when read exactly one_digit_sure (0.9) and
    less than none_split (0.5) not-a-digit; exactly none_split of not-a-digit makes it
    worth cutting. Other ink with cuts is cut from exactly none_split of not-a-digit, or,
    with a model without that class, below the doubt (not at it)."""
    from edge_digits.touching import worth_cutting

    options = ReadOptions()
    wide = Candidate(np.zeros((40, 90), np.uint8), Box(0, 0, 90, 40), 0, split_first=True,
                     cuts=(0, 45, 90))
    assert not worth_cutting(wide, 0.9, 0.49, 0.7, options)
    assert worth_cutting(wide, 0.89, 0.49, 0.7, options)
    assert worth_cutting(wide, 0.9, 0.5, 0.7, options)
    assert not worth_cutting(wide, 0.9, None, 0.7, options)
    narrow = Candidate(np.zeros((40, 40), np.uint8), Box(0, 0, 40, 40), 0, cuts=(0, 20, 40))
    assert worth_cutting(narrow, 0.99, 0.5, 0.7, options)
    assert not worth_cutting(narrow, 0.1, 0.49, 0.7, options)
    assert not worth_cutting(narrow, 0.7, None, 0.7, options)
    assert worth_cutting(narrow, 0.69, None, 0.7, options)


def test_a_blob_exactly_ambiguous_or_split_aspect_wide_may_be_more_digits():
    """Ink 20 tall: 19 wide (0.95, ambiguous_aspect) may be two digits, 18 may not; 30
    wide (1.5, split_aspect) is first read as two, then three, then one; 29 as one first.
    A part exactly narrowest_part of the height wide is kept."""
    from edge_digits.locate import LocateOptions
    from edge_digits.touching import segmentations

    options = LocateOptions()

    def counts(width, params=TouchingParams()):
        return segmentations(Blob(0, 0, width, 20, [1]), 10.0, options, params)

    assert counts(19) == [1, 2] and counts(18) == [1]
    assert counts(30) == [2, 3, 1] and counts(29) == [1, 2]
    # three parts of 30 x 20 ink are 0.5 of its height wide: kept at narrowest_part 0.5
    assert counts(30, TouchingParams(narrowest_part=0.5)) == [2, 3, 1]
    assert counts(30, TouchingParams(narrowest_part=0.51)) == [2, 1]


def test_narrow_ink_exactly_narrow_pair_aspect_wide_may_be_two():
    """Ink 20 work pixels tall, one digit wide by its aspect: 12 wide (0.6 of its height,
    narrow_pair_aspect) gets three cuts near its middle (a '1' beside a digit), 11 none."""
    from edge_digits.locate import LocateOptions
    from edge_digits.touching import ink_cuts

    for width, cut in ((12, True), (11, False)):
        blob = Blob(0, 0, width, 20, [1])
        cuts = ink_cuts(blob, Box(0, 0, 4 * width, 80), None, 20.0, [1], 4.0, LocateOptions())
        assert bool(cuts) is cut, width
        if cut:
            assert cuts == (0, 17, 24, 31, 48)


def test_a_glyph_exactly_one_glyph_wide_may_hold_two_digits_and_triple_glyph_three():
    """Widths of a token's glyphs (of its height): the widest glyph holds the missing
    digits when at least one_glyph (1.05) wide, three digits when triple_glyph (2.0) wide
    and two are missing."""
    from edge_digits.touching import _split_widest

    params = TouchingParams()
    assert _split_widest([0.5, 1.05], 1, params) == [1, 2]
    assert _split_widest([0.5, 1.04], 1, params) is None
    assert _split_widest([2.0, 0.5], 2, params) == [3, 1]
    assert _split_widest([1.99, 0.5], 2, params) is None  # two glyphs as wide are needed
    assert _split_widest([1.99, 1.5], 2, params) == [2, 2]


def test_division_cuts_of_ink_two_columns_wide_cut_at_the_middle():
    """Ink 2 columns wide, two digits: the search range near the middle is empty, so the
    cut is the middle column itself."""
    from edge_digits.touching import division_cuts

    assert division_cuts(np.full((5, 2), 255, np.uint8), 2) == [(0, 1), (1, 2)]
    ink = np.full((10, 20), 255, np.uint8)
    ink[:, 11] = 0  # the thinnest column near the middle
    assert division_cuts(ink, 2) == [(0, 11), (11, 20)]


def test_a_token_may_lack_exactly_max_missing_digits():
    # glyphs 20 tall, the first 2.0 heights wide (three digits), the others 1.1 (two):
    # four glyphs for a code of 7 (3 missing, max_missing) are split; for 8 (4 missing)
    # the token is no code
    token = _glyphs([40, 22, 22, 20])
    assert glyph_counts(token, {7}) == [3, 2, 1, 1]
    assert glyph_counts(token, {8}) is None
    assert glyph_counts(token, {7, 8}) == [3, 2, 1, 1]


def test_even_divisions_exactly_a_pieces_width_from_the_ends_are_cuts():
    """Uniform ink 8 columns wide, 10 tall (no thin column: no minimum of its profile),
    divided in four: the divisions at columns 2 and 6 lie exactly the narrowest piece
    (2 columns) from its ends, so they are cuts, as is the middle one."""
    from edge_digits.touching import profile_cuts

    labels = np.zeros((20, 20), np.int32)
    labels[5:15, 4:12] = 1
    blob = Blob(4, 5, 12, 15, [1])
    assert profile_cuts(blob, labels, 10.0, [4]) == [0, 2, 4, 6, 8]
