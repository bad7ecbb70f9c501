"""The documented boundaries of the locate stages, each pinned at an exact tie.

Every test builds a small input by hand whose measure equals the stage's limit exactly (a
speck's size, the stacked pieces' height, a dash's height, a tilted line's gap, the strong
threshold's noise term, a large digit's darkness, a line's length, BBDT's label order) and
asserts the side of the limit the docstrings put it on; the limits are the parameters'
defaults (:mod:`edge_digits.locate.params`), chosen with heights that make each product an
exact integer.
"""
from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest

from edge_digits.locate import LocateOptions
from edge_digits.locate.blobs import FaintStrokes, digit_blobs, grow_faint, merge_pieces
from edge_digits.locate.group import (drop_lone_marks, follows, group_lines, line_heights, poles,
                                      writing_lines)
from edge_digits.locate.ink import darkness, paper_background, thresholds
from edge_digits.locate.lines import box_sides, connected, may_hold_lines
from edge_digits.locate.params import BlobParams, GroupParams, InkParams, LineParams, ScaleParams
from edge_digits.locate.scale import large_writing
from edge_digits.locate.types import Blob, Candidate
from edge_digits.results import Box


#: a line of two digits 10 tall ending at x = 20, centred at y = 25
LEFT_LINE = [Blob(0, 20, 8, 30, [1]), Blob(12, 20, 20, 30, [2])]


def _line_from(x: int, y: int) -> list[Blob]:
    """Two digits 8 wide, 10 tall, 4 apart, the first at (``x``, ``y``)."""
    return [Blob(x, y, x + 8, y + 10, [3]), Blob(x + 12, y, x + 20, y + 10, [4])]


#: the faint stroke of most growing tests: rows 20-29, columns 30-32, and its darkest piece
STROKE, PIECE = (20, 30, 30, 33), Blob(30, 24, 33, 27, [5])


def _grow(stroke=STROKE, piece=PIECE, others=()):
    """:func:`grow_faint` on a 60x80 frame holding one faint stroke (darkness 30, above half
    the weak threshold 40) at ``stroke`` (top, bottom, left, right) whose ``piece`` passed
    the ink threshold (label 5), line height 10, new label 9: ``(grown blob or None,
    labels after)``."""
    top, bottom, left, right = stroke
    dark = np.zeros((60, 80), np.uint8)
    dark[top:bottom, left:right] = 30
    labels = np.zeros((60, 80), np.int32)
    labels[piece.y0:piece.y1, piece.x0:piece.x1] = 5
    return grow_faint(piece, [*others, piece], dark, 40, labels, 10.0, 9), labels


def _no_faint(shape: tuple[int, int]) -> FaintStrokes:
    """Faint-stroke growing over a blank frame: small pieces stay as they are."""
    return FaintStrokes(np.zeros(shape, np.uint8), 15, np.zeros(shape, np.int32), 3)


def test_a_speck_exactly_the_smallest_size_is_kept():
    # min_height 10: a component whose longer side is below 0.4 * 10 = 4 pixels is a speck
    assert 10 * BlobParams().speck == 4
    mask = np.zeros((60, 80), np.uint8)
    mask[20:22, 10:14] = 255  # 4 x 2: exactly the smallest size
    mask[20:22, 40:43] = 255  # 3 x 2: a speck
    count, _, stats, _ = connected(mask)
    keep = np.arange(count) > 0
    blobs = digit_blobs(stats, keep, mask.shape, 10.0, 48.0, None)
    assert [(b.x0, b.y0, b.x1, b.y1) for b in blobs] == [(10, 20, 14, 22)]


def test_pieces_stacked_exactly_the_stacked_height_are_merged():
    # Two halves of a digit cut apart by a removed line: the same columns, a 2-pixel gap
    # (the smallest stacked gap), together 24 = 2.4 line heights of 10: taller than a
    # digit (1.3), so only being stacked lets them merge.
    assert BlobParams().stacked_height * 10 == 24
    top, bottom = Blob(10, 10, 20, 21, [1]), Blob(10, 23, 20, 34, [2])
    assert merge_pieces([top, bottom], 10.0) == [Blob(10, 10, 20, 34, [1, 2])]


def test_pieces_stacked_taller_than_the_stacked_height_stay_apart():
    for bottom_end in (35, 40):  # together 25 and 30 pixels: 2.5 and 3 line heights of 10
        top, bottom = Blob(10, 10, 20, 24, [1]), Blob(10, bottom_end - 14, 20, bottom_end, [2])
        assert bottom.y0 - top.y1 <= 2  # as close as stacked pieces are
        assert merge_pieces([top, bottom], 10.0) == [top, bottom], bottom_end


def test_a_wide_blob_exactly_the_dash_height_is_writing():
    # line height 10: a blob over 3 times wider than tall and lower than 0.6 * 10 = 6 is a
    # dash; 6 pixels tall it is writing (a flat digit), 5 tall (not small enough to be
    # grown as a faint stroke: 0.45 * 10) a dash
    assert GroupParams().dash_height * 10 == 6
    digit = Blob(10, 10, 17, 20, [1])
    for height, kept in ((6, True), (5, False)):
        dash = Blob(30, 12, 50, 12 + height, [2])
        (line, line_height), = writing_lines([[digit, dash]], [10.0], _no_faint((60, 80)))
        assert line_height == 10.0
        assert line == ([digit, dash] if kept else [digit]), height


def test_a_line_exactly_the_tilt_gap_away_continues_it():
    # digits 10 tall: a line whose first digit starts 1.2 * 10 = 12 pixels after the other
    # line's last digit ends (centres 2 pixels apart) continues it; 13 pixels after, not
    assert GroupParams().tilt_gap * 10 == 12
    assert follows(LEFT_LINE, _line_from(32, 22), 8.0)
    assert not follows(LEFT_LINE, _line_from(33, 22), 8.0)


def test_the_strong_threshold_follows_the_noise_above_twice_the_weak():
    # Half the pixels at 10 (the median), the next quarter at 24 (the 75th percentile),
    # the rest ink: noise (24 - 10) / 0.674 = 20.8 sigmas-worth. The weak threshold,
    # 10 + 4 * 20.8 = 93, stops at its ceiling 0.2 * 255 = 51; the strong one is the larger
    # of 10 + 8 * 20.8 = 176 and 2 * 51, within the peak contrast bounds (raised to 0.8 *
    # 255 = 204: by default 0.35 * 255 caps it below twice the weak ceiling).
    dark = np.repeat(np.array([10, 24, 200], np.uint8), [200, 100, 100]).reshape(20, 20)
    options = dataclasses.replace(LocateOptions(), max_peak_contrast=0.8)
    noise = (24 - 10) / InkParams().quartile_sigma
    strong = 10 + InkParams().strong_noise * noise
    assert strong > 2 * 51 and strong < 0.8 * 255
    assert thresholds(dark, options) == (51, int(strong)) == (51, 176)


def _large_seven(ink_darkness: int) -> tuple[np.ndarray, np.ndarray]:
    """A work image (256x192, white paper) holding a '7' 20 thumbnail pixels (80 work
    pixels) tall with strokes 3 wide, whose pixels are, in turn, 40, ``ink_darkness`` and
    200 dark (as many of each: the median is ``ink_darkness``); and the '7' in the
    thumbnail."""
    seven = np.zeros((48, 64), bool)
    seven[14:17, 20:32] = True  # the bar
    seven[14:34, 29:32] = True  # the stem
    ys, xs = np.nonzero(seven)
    thumb = np.full((48, 64), 255, np.uint8)
    thumb[ys, xs] = 255 - np.array([40, ink_darkness, 200])[(ys + xs) % 3]
    # 4x4 blocks: the thumbnail (an area resize by 4) is ``thumb`` exactly
    return np.kron(thumb, np.ones((4, 4), np.uint8)), seven


def test_large_writing_exactly_as_dark_as_large_ink_counts():
    small, seven = _large_seven(80)
    thumb = cv2.resize(small, (64, 48), interpolation=cv2.INTER_AREA)
    dark = darkness(thumb, paper_background(thumb))
    assert dark[~seven].max() == 0  # the paper is 255 everywhere: darkness 255 - gray
    assert np.median(dark[seven]) == 80  # the default large_ink
    assert large_writing(small, LocateOptions()) == 80.0  # 20 thumbnail pixels * 4


def test_large_writing_lighter_than_large_ink_does_not_count():
    small, _ = _large_seven(79)
    assert large_writing(small, LocateOptions()) == 0.0


@pytest.mark.parametrize("width, shortest", [(256, 25), (120, 15)], ids=["tenth", "min_length"])
def test_a_flat_component_exactly_the_line_length_may_hold_a_line(width, shortest):
    # a horizontal line is at least max(15, width // 10) pixels long: 25 at width 256, and
    # at width 120 (a tenth is 12) the shortest line, 15
    assert max(LineParams().min_length, width // LineParams().horizontal_fraction) == shortest
    for length, holds in ((shortest, True), (shortest - 1, False)):
        mask = np.zeros((width * 3 // 4, width), np.uint8)
        mask[50:52, 60:60 + length] = 255
        _, _, stats, _ = connected(mask)
        assert stats[1].tolist() == [60, 50, length, 2, 2 * length]
        assert may_hold_lines(stats, mask.shape) is holds, length


def test_connected_numbers_ink_from_an_odd_row_as_the_whole_mask_does():
    # BBDT labels 2x2 blocks in raster order. In the whole mask rows 10-11 are one block
    # row and 12-13 the next: C (row 11) comes first, then B before A (left to right).
    # Labelled from the ink's top row 11, rows 11-12 would be one block row: A, C, then B.
    mask = np.zeros((200, 200), np.uint8)
    mask[11:14, 150] = 255  # C, far right
    mask[12:15, 100] = 255  # A, in the middle
    mask[13:16, 50] = 255  # B, on the left
    assert cv2.boundingRect(mask) == (50, 11, 101, 5)
    expected = cv2.connectedComponentsWithStatsWithAlgorithm(mask, 8, cv2.CV_32S, cv2.CCL_BBDT)
    assert expected[2][1:, :2].tolist() == [[150, 11], [50, 13], [100, 12]]
    count, labels, stats, centroids = connected(mask)
    assert count == expected[0] == 4
    assert np.array_equal(labels, expected[1]) and np.array_equal(stats, expected[2])
    assert np.allclose(centroids, expected[3])


def test_a_box_side_exactly_the_shortest_side_is_found():
    # writing 2 work pixels tall: a side is at least max(5, 1.3 * 2) = 5 long; a stroke
    # 5 tall between two removed rules is a box side, 4 tall it is not
    assert max(LineParams().min_box_side, LineParams().box_side * 2.0) == 5
    for height, side in ((5, True), (4, False)):
        mask = np.zeros((40, 40), np.uint8)
        horizontal = np.zeros_like(mask)
        horizontal[10, 5:35] = horizontal[11 + height, 5:35] = 255  # the removed rules
        mask[11:11 + height, 20] = 255
        thick_v = cv2.dilate(mask, np.ones((1, 3), np.uint8))
        sides = box_sides(thick_v, mask, horizontal, 2.0)
        assert np.array_equal(sides, mask) if side else not sides.any(), height


def test_a_small_piece_joins_a_line_within_half_its_height():
    # a line 20 tall (rows 20-40): a piece whose centre is 10 below it (half the line's
    # height) joins it, 11 below it is dropped
    assert GroupParams().small_margin * 20 == 10
    digit = Blob(10, 20, 22, 40, [1])
    for centre, joins in ((50, True), (51, False)):
        piece = Blob(30, centre - 2, 34, centre + 2, [2])
        assert piece.cy == centre
        lines = group_lines([digit, piece], 15.0)
        assert lines == ([[digit, piece]] if joins else [[digit]]), centre


def test_lines_come_in_the_order_of_their_middles():
    # A: a digit 40 tall (rows 50-90) and a small piece above it that joins it (rows 26-34,
    # within half its height); B: a digit 36 tall (rows 20-56), starting between them. A
    # spans rows 26-90 (middle 58), B 20-56 (middle 38): B comes first, though A's tops
    # (26, 34) lie higher than B's bottom
    a, piece, b = Blob(10, 50, 22, 90, [1]), Blob(12, 26, 16, 34, [2]), Blob(12, 20, 24, 56, [3])
    lines = group_lines([a, piece, b], 15.0)
    assert lines == [[b], [a, piece]]


def test_a_component_a_third_of_the_width_wide_or_half_the_height_tall_may_hold_lines():
    # 256x192: neither flat (width < 1.5 height) nor upright (height < 2.5 width) enough to
    # be a line, but 86 wide (at least 256 // 3) or 96 tall (192 // 2): a digit joined to
    # a long line, or the line itself, may be in it
    for width, height, holds in ((86, 60, True), (40, 96, True), (84, 60, False),
                                 (40, 95, False)):
        mask = np.zeros((192, 256), np.uint8)
        mask[40:40 + height, 50:50 + width] = 255  # an outline 2 pixels thick
        mask[42:38 + height, 52:48 + width] = 0
        _, _, stats, _ = connected(mask)
        assert stats[1].tolist()[2:4] == [width, height]
        assert may_hold_lines(stats, mask.shape) is holds, (width, height)


def test_a_line_rising_exactly_the_tilt_rise_continues_it():
    # digits 10 tall: the next line's first digit centred 0.5 * 10 = 5 lower than the
    # other's last continues it (a tilted line cut in two); 6 lower, it is another line
    assert GroupParams().tilt_rise * 10 == 5
    assert follows(LEFT_LINE, _line_from(26, 25), 8.0)
    assert not follows(LEFT_LINE, _line_from(26, 26), 8.0)


def test_a_lone_thin_stroke_beside_one_other_line_is_dropped():
    # a line holding only a stroke 4 wide and 30 tall (thinner than lone_thin of its
    # height) beside one line of writing: an edge or a margin, dropped; alone: a '1', kept
    assert 4 < GroupParams().lone_thin * 30
    faint = _no_faint((120, 120))
    stroke = [Blob(5, 10, 9, 40, [1])]
    writing = [Blob(30, 70, 48, 100, [2]), Blob(55, 70, 73, 100, [3])]
    assert writing_lines([stroke, writing], [30.0, 30.0], faint) == [(writing, 30.0)]
    assert writing_lines([stroke], [30.0], faint) == [(stroke, 30.0)]


def test_a_small_piece_closer_than_the_bridge_joins_its_digit():
    # line height 20: a piece lower than 0.45 * 20 = 9 is too small to be a digit, and
    # one starting less than 0.2 * 20 = 4 pixels after a digit ends (the union no larger
    # than a digit) is a piece of it; exactly 4 pixels away it stays apart
    assert BlobParams().bridge * 20 == 4
    digit = Blob(10, 10, 22, 30, [1])
    joined = merge_pieces([digit, Blob(25, 20, 28, 26, [2])], 20.0)
    assert joined == [Blob(10, 10, 28, 30, [1, 2])]
    apart = Blob(26, 20, 29, 26, [2])
    assert merge_pieces([digit, apart], 20.0) == [digit, apart]
    # below its end (a dot under a stroke): exactly 4 pixels lower joins, 5 does not
    below = merge_pieces([digit, Blob(23, 34, 26, 38, [2])], 20.0)
    assert below == [Blob(10, 10, 26, 38, [1, 2])]
    lower = Blob(23, 35, 26, 39, [2])
    assert merge_pieces([digit, lower], 20.0) == [digit, lower]


def test_dim_paper_with_dark_writing_and_a_bright_spot_is_not_inverted():
    # paper at 75 (dim light), 1% dark ink at 10, 0.5% glare at 200: the brightest 0.2%
    # lie 125 above the median, but the darkest 65 below it (2 x 65 > 125): dark writing,
    # not chalk; without the ink, only the glare stands out: taken for light writing
    from edge_digits.locate.ink import light_on_dark

    page = np.full((192, 256), 75, np.uint8)
    flat = page.reshape(-1)
    flat[:492] = 10  # 1% of 49,152 pixels
    flat[-246:] = 200  # 0.5%
    assert not light_on_dark(page)
    flat[:492] = 75
    assert light_on_dark(page)


def test_a_tall_blob_exactly_the_thin_side_is_writing():
    # line height 10: a blob over 2.2 line heights tall and narrower than 0.3 of its own
    # height is a box side; 30 tall and exactly 9 wide it is writing (a tall digit)
    assert GroupParams().thin_side * 30 == 9
    digit = Blob(10, 20, 17, 30, [1])
    for width, kept in ((9, True), (8, False)):
        tall = Blob(30, 5, 30 + width, 35, [2])
        (line, _), = writing_lines([[digit, tall]], [10.0], _no_faint((60, 80)))
        assert line == ([digit, tall] if kept else [digit]), width


def test_a_line_is_continued_from_its_digits_not_its_specks():
    # the right line's first tall digit starts 20 pixels after the left line's end (more
    # than the tilt gap, 12): not a continuation, though a speck of it lies 2 pixels away
    left = LEFT_LINE
    speck, right = Blob(22, 26, 24, 28, [3]), [Blob(40, 20, 48, 30, [4]), Blob(52, 20, 60, 30, [5])]
    assert not follows(left, [speck] + right, 8.0)
    assert follows(left, [Blob(30, 20, 38, 30, [3])] + right, 8.0)


def test_pieces_exactly_the_smallest_stacked_gap_apart_are_merged():
    # line height 5: the stacked gap is the larger of 0.2 * 5 = 1 and 2 pixels; pieces
    # 12 = 2.4 * 5 tall together (far taller than one digit, 1.3 * 5) merge only as
    # stacked pieces: 2 pixels apart they are, 3 apart they are not
    assert BlobParams().stacked_gap * 5 < BlobParams().min_stacked_gap == 2
    top, bottom = Blob(10, 0, 14, 5, [1]), Blob(10, 7, 14, 12, [2])
    assert merge_pieces([top, bottom], 5.0) == [Blob(10, 0, 14, 12, [1, 2])]
    top = Blob(10, 0, 14, 4, [1])  # 3 pixels above the bottom piece, together still 12
    assert merge_pieces([top, bottom], 5.0) == [top, bottom]


def test_large_writing_touching_the_frames_side_does_not_count():
    # the '7' of _large_seven moved down and right in steps of a thumbnail pixel (4 work
    # pixels): it ends 1 thumbnail pixel above the bottom (counted), then at the bottom
    # (cut by the frame: not counted); the same at the right side
    small, _ = _large_seven(80)
    for axis, inside, touching in ((0, 13, 14), (1, 31, 32)):
        assert large_writing(np.roll(small, 4 * inside, axis=axis), LocateOptions()) == 80.0
        assert large_writing(np.roll(small, 4 * touching, axis=axis), LocateOptions()) == 0.0


def test_a_large_square_holding_marks_is_a_box_not_large_writing():
    # a square outline 20 thumbnail pixels tall (80 work pixels, as tall as _large_seven)
    # counts as large writing (an 'O'); holding ScaleParams.enclosing (3) marks, it is the
    # frame of a grid or a box (a sudoku photographed whole was searched at 48x64 and the
    # corner of its grid read as a '7'); holding 2, still writing (a loop and a speck)
    assert ScaleParams().enclosing == 3
    for marks, expected in ((0, 80.0), (2, 80.0), (3, 0.0)):
        thumb = np.full((48, 64), 255, np.uint8)
        thumb[14:34, 20:40] = 55
        thumb[16:32, 22:38] = 255
        for at in range(marks):
            thumb[19 + 4 * at:21 + 4 * at, 26:28] = 55  # 2x2 marks inside, apart from the sides
        small = np.kron(thumb, np.ones((4, 4), np.uint8))
        assert large_writing(small, LocateOptions()) == expected, marks


def test_a_line_starting_at_or_before_the_other_does_not_follow_it():
    # follows() joins lines side by side: one that starts where the other starts (or
    # ends where it ends) is not to its right, however close and level its digits are
    one = [Blob(10, 20, 14, 30, [1])]
    assert not follows(one, [Blob(10, 22, 18, 32, [2]), Blob(30, 22, 38, 32, [3])], 8.0)
    assert follows(one, [Blob(11, 22, 18, 32, [2]), Blob(30, 22, 38, 32, [3])], 8.0)
    assert not follows([Blob(0, 20, 8, 30, [1]), Blob(12, 20, 38, 30, [2])],
                       [Blob(30, 22, 38, 32, [3])], 8.0)


def test_a_faint_digit_grown_against_its_neighbours_box_is_kept():
    # a faint stroke (darkness 30, above half the weak threshold 40) 10 tall, grown from
    # its darkest piece: its box starts at x = 30, where its neighbour's ends (boxes are
    # half-open, so they do not overlap): a digit; a neighbour ending at 31 overlaps it
    for neighbour_end, grown in ((30, Blob(30, 20, 33, 30, [9])), (31, None)):
        blob, labels = _grow(others=[Blob(20, 20, neighbour_end, 30, [7])])
        assert blob == grown
        assert (labels == 9).sum() == (30 if grown else 0)


def test_a_lines_height_counts_blobs_exactly_the_smallest_digit_height():
    # blobs 10, 10 and 20 tall, the smallest digit height 10: all three count, and the
    # 0.75 quantile of (10, 10, 20) is 15; smaller blobs (pieces) do not count
    line = [Blob(0, 0, 5, 10, [1]), Blob(10, 0, 15, 10, [2]), Blob(20, 0, 25, 20, [3])]
    assert line_heights([line], 10.0) == [15.0]
    assert line_heights([line + [Blob(30, 0, 32, 4, [4])]], 10.0) == [15.0]


def test_a_tall_thin_stroke_beside_one_digit_is_a_pole():
    # a line of a digit 10 tall and a stroke 30 tall, 2 wide: the stroke is a box's side
    digit, pole = Blob(0, 10, 8, 20, [1]), Blob(20, 0, 22, 30, [2])
    assert poles([digit, pole]) == [pole]
    assert poles([pole]) == []  # alone it has nothing to be taller than


def _spots_of(pattern: np.ndarray) -> bool:
    """Whether bright_spots finds a spot in ``pattern`` (True: 230) laid on a board at 50."""
    from edge_digits.locate.ink import bright_spots

    image = np.full((40, 40), 50, np.uint8)
    h, w = pattern.shape
    image[10:10 + h, 10:10 + w][pattern] = 230
    return bright_spots(image, 150) is not None


def test_a_bright_spot_exactly_the_smallest_side_the_longest_and_the_emptiest():
    # spot_side 4, spot_aspect 2, spot_fill 0.6: a filled 4x4 square is a spot, 3x4 not;
    # 4x8 (exactly twice as long) is, 4x9 not; a 5x5 shape filling 15 of its 25 pixels
    # (exactly 0.6) is, with 14 not
    params = InkParams()
    assert (params.spot_side, params.spot_aspect, params.spot_fill) == (4, 2.0, 0.6)
    assert _spots_of(np.ones((4, 4), bool)) and not _spots_of(np.ones((3, 4), bool))
    assert _spots_of(np.ones((8, 4), bool)) and not _spots_of(np.ones((9, 4), bool))
    shape = np.zeros((5, 5), bool)
    shape[[0, 4]] = True  # top and bottom rows: 10
    shape[1:4, 2] = True  # the middle column: 13
    shape[1:3, 0] = True  # 15 pixels, the box still 5x5
    assert shape.sum() == 15 and _spots_of(shape)
    shape[2, 0] = False
    assert shape.sum() == 14 and not _spots_of(shape)


def test_the_strong_threshold_is_at_least_the_peak_contrast_floor():
    # paper at 10 with no noise: the weak threshold is its floor, 0.06 * 255 = 15, and
    # twice it 30; a floor of 0.3 * 255 = 76 for the strong one lifts it there
    dark = np.full((20, 20), 10, np.uint8)
    dark[:2] = 200
    assert thresholds(dark, LocateOptions()) == (15, 30)
    floored = dataclasses.replace(LocateOptions(), min_peak_contrast=0.3)
    assert thresholds(dark, floored) == (15, 76)


def test_a_frame_exactly_as_bright_as_the_dark_surface_limit_is_paper():
    # dark_surface 96: a frame whose median is 96 with a light stroke is paper (its stroke
    # is not chalk); at 95 it is a dark board with light writing
    from edge_digits.locate.ink import light_on_dark

    assert InkParams().dark_surface == 96
    for median, board in ((96, False), (95, True)):
        image = np.full((48, 64), median, np.uint8)
        image[20:23, 10:50] = 250  # a light stroke, 3 px: no spot
        assert light_on_dark(image) is board, median


def test_candidates_are_frozen():
    candidate = Candidate(np.zeros((4, 4), np.uint8), Box(0, 0, 4, 4), 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        candidate.line = 1


def test_a_component_exactly_line_aspect_times_wider_than_tall_may_hold_a_line():
    # 256x192 (shortest line 25): an outline 60 wide and 40 tall is exactly 1.5 times wider
    # than tall: it may hold a line; 59 wide it may not (nor is it a third of the width
    # wide, or half the height tall, or upright)
    for width, holds in ((60, True), (59, False)):
        mask = np.zeros((192, 256), np.uint8)
        mask[40:80, 50:50 + width] = 255
        mask[42:78, 52:48 + width] = 0
        _, _, stats, _ = connected(mask)
        assert stats[1].tolist()[2:4] == [width, 40]
        assert may_hold_lines(stats, mask.shape) is holds, width


def test_a_component_wider_than_frame_wide_of_the_frame_is_no_digit_blob():
    # a 200-wide work image: a flat component 180 wide (0.9 of it, not touching its sides)
    # stays a blob, 181 wide it is an edge or a shadow's border
    assert 200 * BlobParams().frame_wide == 180
    for width, kept in ((180, True), (181, False)):
        stats = np.array([[0, 0, 200, 100, 0], [5, 40, width, 12, 12 * width]], np.int32)
        blobs = digit_blobs(stats, np.array([False, True]), (100, 200), 10.0, 48.0, None)
        assert len(blobs) == int(kept), width


def test_a_line_whose_end_overlaps_only_the_others_first_digit_follows_it():
    # LEFT_LINE ends at x = 20; a line whose first digit (14-19) lies under that end and
    # whose second goes on to 38 is side by side with it: it ends beyond the left line's
    # end, so it follows (overlap 6 <= 0.8 of 10, centres 2 apart)
    right = [Blob(14, 22, 19, 32, [3]), Blob(30, 22, 38, 32, [4])]
    assert follows(LEFT_LINE, right, 8.0)


def test_a_speck_ending_a_line_does_not_bring_the_next_line_closer():
    # min_height 10: the left line's digit is exactly 10 tall, so its end is that digit's
    # (x = 8), not the speck's after it (x = 24): the next line, 18 columns away (more
    # than 1.2 of 10), does not follow it
    left = [Blob(0, 20, 8, 30, [1]), Blob(22, 24, 24, 26, [2])]
    right = [Blob(26, 20, 34, 30, [3]), Blob(38, 20, 46, 30, [4])]
    assert not follows(left, right, 10.0)
    assert follows(left[:1] + [Blob(22, 20, 24, 30, [2])], right, 10.0)


def test_the_writings_height_is_its_tallest_line_of_two_blobs_or_more():
    # a line of two digits 10 tall and a lone mark 30 tall: the handwriting is 10 tall (a
    # lone mark may be a smudge or a drawing), so the line of digits is not "much smaller
    # than the handwriting" and stays
    digits = [Blob(0, 20, 8, 30, [1]), Blob(12, 20, 20, 30, [2])]
    lone = [Blob(40, 50, 70, 80, [3])]
    kept = writing_lines([digits, lone], [10.0, 30.0], _no_faint((100, 100)))
    assert [len(line) for line, _ in kept] == [2, 1]


def test_a_frame_no_wider_than_the_work_width_is_its_own_work_image():
    # nothing to shrink: the frame itself, not a copy (nor enlarged to the smallest side)
    from edge_digits.locate.scale import work_image

    for shape in ((20, 30), (192, 256)):
        gray = np.full(shape, 200, np.uint8)
        assert work_image(gray, LocateOptions()) is gray


def test_writing_exactly_large_text_tall_is_not_searched_again():
    from edge_digits.locate.scale import rescaled

    limit = LocateOptions().scale.large_text
    assert rescaled(LocateOptions(), float(limit), 256) is None
    again = rescaled(LocateOptions(), float(limit + 1), 256)
    assert again is not None and again.work_width < 256


def test_a_crop_of_one_ink_pixel_is_stretched_to_full_darkness():
    from edge_digits.locate.ink import stretch_masked

    dark = np.zeros((5, 5), np.uint8)
    dark[2, 2] = 100
    stretched = stretch_masked(dark)
    assert stretched[2, 2] == 255 and stretched.sum() == 255
    empty = np.zeros((5, 5), np.uint8)
    assert stretch_masked(empty) is empty


def test_a_faint_stroke_running_out_of_its_window_above_or_below_is_no_digit():
    # a piece 3 tall (rows 24-26, centre 25.5) grows in rows 16-35 (0.9 of a line height of
    # 10 above and below its centre): a faint stroke of rows 22-33 stays inside and is a
    # digit; one running to row 40 (cut by the window's bottom) or up from row 5 (cut by
    # its top) is part of a line or a larger mark, however tall the part inside
    for top, bottom, grown in ((22, 33, True), (24, 40, False), (5, 27, False)):
        assert (_grow((top, bottom, 30, 33))[0] is not None) is grown, (top, bottom)


def test_faint_strokes_grow_from_pieces_exactly_faint_seed_tall_each_with_its_label():
    # line height 10: a piece 2 tall (0.2, faint_seed) grows into its faint stroke; a piece
    # 1 tall is a speck. Each grown digit gets the next free label: 3, then 4
    dark = np.zeros((60, 120), np.uint8)
    dark[20:30, 30:33] = 30
    dark[20:30, 60:63] = 30
    dark[20:30, 90:93] = 30
    labels = np.zeros((60, 120), np.int32)
    labels[24:26, 30:33] = 1
    labels[24:26, 60:63] = 2
    labels[24:25, 90:93] = 6
    faint = FaintStrokes(dark, 40, labels, 3)
    first, second = Blob(30, 24, 33, 26, [1]), Blob(60, 24, 63, 26, [2])
    speck = Blob(90, 24, 93, 25, [6])
    line = [first, second, speck]
    assert faint.grow(first, line, 10.0) == Blob(30, 20, 33, 30, [3])
    assert faint.grow(second, line, 10.0) == Blob(60, 20, 63, 30, [4])
    assert faint.grow(speck, line, 10.0) is None
    assert faint.next_label == 5
    assert (labels == 3).sum() == 30 and (labels == 4).sum() == 30


def test_a_piece_exactly_small_piece_tall_is_no_small_piece():
    # line height 20: a piece 8 tall (under 0.45 * 20 = 9) beside a digit, 2 columns away,
    # is a small piece near its digit: merged; 9 tall it is a piece of its own
    digit = Blob(0, 0, 10, 20, [1])
    assert merge_pieces([digit, Blob(12, 5, 16, 13, [2])], 20.0) == [Blob(0, 0, 16, 20, [1, 2])]
    assert len(merge_pieces([digit, Blob(12, 5, 16, 14, [2])], 20.0)) == 2


def test_a_small_piece_exactly_bridge_above_its_digit_is_bridged():
    # line height 20 (bridge 4): a small piece over the digit's last column, 4 rows above
    # it, is bridged (the union, 30 tall, is a digit cut by a removed line: stacked); 5 rows
    # above, it is not. Beside the digit, a piece exactly 4 columns away is near it too.
    from edge_digits.locate.blobs import _mergeable

    digit = Blob(0, 10, 10, 30, [1])
    assert merge_pieces([digit, Blob(9, 0, 19, 6, [2])], 20.0) == [Blob(0, 0, 19, 30, [1, 2])]
    assert len(merge_pieces([digit, Blob(9, 0, 19, 5, [2])], 20.0)) == 2
    beside = Blob(0, 0, 10, 20, [1])
    assert _mergeable(beside, Blob(14, 5, 18, 13, [2]), 20.0, BlobParams())
    assert not _mergeable(beside, Blob(15, 5, 19, 13, [2]), 20.0, BlobParams())


def test_pieces_overlapping_exactly_the_overlap_share_merge():
    # two pieces of a digit, not small (16 tall at line height 20), overlapping 3 columns
    # of the narrower's 10 (0.3, overlap): one digit; 2 columns: two
    digit = Blob(0, 0, 10, 20, [1])
    assert merge_pieces([digit, Blob(7, 2, 17, 18, [2])], 20.0) == [Blob(0, 0, 17, 20, [1, 2])]
    assert len(merge_pieces([digit, Blob(8, 2, 18, 18, [2])], 20.0)) == 2


def test_a_component_exactly_the_largest_digit_height_is_a_blob():
    for height, kept in ((48, True), (49, False)):
        stats = np.array([[0, 0, 200, 100, 0], [20, 20, 30, height, 30 * height]], np.int32)
        blobs = digit_blobs(stats, np.array([False, True]), (100, 200), 10.0, 48.0, None)
        assert len(blobs) == int(kept), height


def test_a_blob_exactly_min_height_founds_a_line_and_one_centred_on_a_span_joins_it():
    # min_height 10: a blob 10 tall far below another founds its own line (it is no
    # piece); one whose centre lies exactly on a line's top or bottom row joins that line
    top = Blob(0, 20, 8, 40, [1])
    assert len(group_lines([top, Blob(20, 60, 28, 70, [2])], 10.0)) == 2
    assert len(group_lines([top, Blob(20, 15, 28, 25, [2])], 10.0)) == 1  # centre 20
    assert len(group_lines([top, Blob(20, 35, 28, 45, [2])], 10.0)) == 1  # centre 40
    assert len(group_lines([top, Blob(20, 36, 28, 46, [2])], 10.0)) == 2  # centre 41


def test_a_speck_starting_a_line_does_not_bring_it_closer():
    # min_height 10: the right line's first digit-sized blob starts at x = 40, 20 columns
    # after LEFT_LINE's end (more than 1.2 of 10): not a continuation, whatever speck
    # lies before it
    right = [Blob(22, 24, 24, 26, [3]), Blob(40, 20, 48, 30, [4])]
    assert not follows(LEFT_LINE, right, 10.0)


def test_lines_overlapping_exactly_tilt_overlap_of_a_digit_are_side_by_side():
    # LEFT_LINE ends at x = 20 (digits 10 tall): a line starting at 12 overlaps it 8
    # columns (0.8, tilt_overlap): it follows; starting at 11 (9 columns) it does not
    assert follows(LEFT_LINE, [Blob(12, 22, 19, 32, [3]), Blob(30, 22, 38, 32, [4])], 8.0)
    assert not follows(LEFT_LINE, [Blob(11, 22, 19, 32, [3]), Blob(30, 22, 38, 32, [4])], 8.0)


def test_a_pole_is_more_than_pole_height_tall_and_less_than_pole_width_wide():
    # digits 20 tall: a stroke 27 tall (1.35 of them, pole_height) is no pole, 28 is (when
    # thinner than 0.2 of its height); 30 tall, 6 wide (exactly 0.2) is no pole, 5 is
    digits = [Blob(30 * k, 0, 30 * k + 12, 20, [k + 1]) for k in range(3)]

    def is_pole(height, width):
        stroke = Blob(100, 0, 100 + width, height, [9])
        return poles(digits + [stroke]) == [stroke]

    assert not is_pole(27, 5) and is_pole(28, 5)
    assert not is_pole(30, 6) and is_pole(30, 5)


def test_dashes_and_box_sides_start_beyond_their_limits():
    # line height 20: a blob 6 tall (under 0.6 of it) exactly 3 times wider than tall is
    # writing, one column wider a dash; a blob exactly 2.2 line heights tall and thin is
    # writing, one row taller a box's side
    from edge_digits.locate.group import _is_writing
    from edge_digits.locate.params import GroupParams

    params = GroupParams()
    assert _is_writing(Blob(0, 0, 18, 6, [1]), 20.0, params)
    assert not _is_writing(Blob(0, 0, 19, 6, [1]), 20.0, params)
    assert _is_writing(Blob(0, 0, 3, 44, [1]), 20.0, params)
    assert not _is_writing(Blob(0, 0, 3, 45, [1]), 20.0, params)


def test_writing_lines_keep_their_limits():
    # the tallest line 20: a line exactly 0.35 of it (7) is handwriting too; a blob exactly
    # 0.45 of its line tall is no piece to grow; a lone blob exactly 0.3 of its height wide
    # beside other writing is a '1', not an edge
    digits = [Blob(0, 0, 12, 20, [1]), Blob(20, 0, 32, 20, [2])]
    small = [Blob(0, 50, 4, 57, [3]), Blob(10, 50, 14, 57, [4])]
    faint = _no_faint((100, 100))
    kept = writing_lines([digits, small], [20.0, 7.0], faint)
    assert [line for line, _ in kept] == [digits, small]
    piece = Blob(40, 5, 44, 14, [5])  # 9 tall: 0.45 of 20
    kept = writing_lines([digits + [piece]], [20.0], faint)
    assert kept[0][0] == digits + [piece]
    lone = [Blob(60, 60, 66, 80, [6])]  # 6 wide, 20 tall
    assert [line for line, _ in writing_lines([digits, lone], [20.0, 20.0], faint)] == [digits, lone]
    thinner = [Blob(60, 60, 65, 80, [6])]
    assert [line for line, _ in writing_lines([digits, thinner], [20.0, 20.0], faint)] == [digits]


def test_a_lone_mark_beside_a_string_of_exactly_string_length_is_dropped_unless_wide():
    three = ([Blob(30 * k, 0, 30 * k + 12, 20, [k + 1]) for k in range(3)], 20.0)
    mark = ([Blob(0, 60, 12, 80, [9])], 20.0)  # 12 wide, 20 tall
    assert drop_lone_marks([three, mark]) == [three]
    assert drop_lone_marks([(three[0][:2], 20.0), mark]) == [(three[0][:2], 20.0), mark]
    wide = ([Blob(0, 60, 24, 80, [9])], 20.0)  # exactly 1.2 of its height: may be a string
    assert drop_lone_marks([three, wide]) == [three, wide]


def test_merged_pieces_exactly_merged_width_wide_or_merged_height_tall_are_one_digit():
    # line height 20: pieces overlapping enough, together exactly 22 wide (1.1 of it) are
    # one digit, 23 wide two; a small piece 5 rows under a digit (not stacked: more than 4
    # apart) together exactly 26 tall (1.3) is one digit, 27 tall not
    digit = Blob(0, 0, 14, 20, [1])
    assert len(merge_pieces([digit, Blob(8, 2, 22, 18, [2])], 20.0)) == 1
    assert len(merge_pieces([digit, Blob(8, 2, 23, 18, [2])], 20.0)) == 2
    narrow = Blob(0, 0, 12, 20, [1])
    assert len(merge_pieces([narrow, Blob(2, 25, 10, 26, [2])], 20.0)) == 1
    assert len(merge_pieces([narrow, Blob(2, 25, 10, 27, [2])], 20.0)) == 2


def test_a_faint_stroke_grows_to_exactly_its_limits():
    # line height 10: a grown stroke exactly 5 tall (faint_min 0.5), exactly 13 tall
    # (faint_max 1.3) or exactly 11 wide (faint_width 1.1) is a digit; 4 tall, 14 tall or
    # 12 wide is not
    def grows(top, bottom, left, right, piece=PIECE):
        return _grow((top, bottom, left, right), piece)[0] is not None

    assert grows(23, 28, 30, 33) and not grows(23, 27, 30, 33)
    assert grows(19, 32, 30, 33) and not grows(19, 33, 30, 33)
    wide_piece = Blob(30, 24, 36, 27, [5])
    assert grows(20, 30, 30, 41, wide_piece) and not grows(20, 30, 30, 42, wide_piece)


def test_a_faint_stroke_may_touch_another_blobs_box_but_not_overlap_it():
    # the stroke grows to rows 20-29, columns 30-32 (a box 30-33 x 20-30): another blob of
    # the line whose box ends where it starts, or starts where it ends, on either axis,
    # leaves it a digit; one overlapping it by a row or a column does not
    def grows(other):
        return _grow(others=[other])[0] is not None

    assert grows(Blob(33, 20, 40, 30, [7])) and not grows(Blob(32, 20, 40, 30, [7]))
    assert grows(Blob(30, 30, 33, 36, [7])) and not grows(Blob(30, 29, 33, 36, [7]))
    assert grows(Blob(30, 14, 33, 20, [7])) and not grows(Blob(30, 14, 33, 21, [7]))


def test_a_small_piece_between_two_digits_exactly_inside_piece_high_is_kept():
    # line height 20: a piece lower than 0.45 * 20 = 9 is too small for a digit; between
    # two digits, each at most 1.0 * 20 away, it is kept from 0.3 * 20 = 6 pixels high
    assert GroupParams().inside_piece * 20 == 6 and GroupParams().inside_reach * 20 == 20
    left, right = Blob(0, 0, 12, 20, [1]), Blob(50, 0, 62, 20, [2])
    faint = _no_faint((40, 80))
    for height, kept in ((6, True), (5, False)):
        piece = Blob(26, 20 - height, 34, 20, [3])
        (line, _), = writing_lines([[left, piece, right]], [20.0], faint)
        assert line == ([left, piece, right] if kept else [left, right]), height
    # beside one digit only: dropped; the next digit exactly the reach away (20 px): kept,
    # a pixel farther: dropped
    (line, _), = writing_lines([[left, Blob(26, 12, 34, 20, [3])]], [20.0], faint)
    assert line == [left]
    piece = Blob(26, 12, 34, 20, [3])
    for start, kept in ((54, True), (55, False)):
        far = Blob(start, 0, start + 12, 20, [2])
        (line, _), = writing_lines([[left, piece, far]], [20.0], faint)
        assert line == ([left, piece, far] if kept else [left, far]), start
