"""Which of a line's marks are a number: the reader's last step, pure and testable alone.

    >>> digits = digit_groups(digits, not_digits, judge, options)   # one line, left to right
    >>> numbers = frame_numbers(lines, judge, options)              # every line of a frame
    >>> numbers, unread = read_frame(lines, judge, options)         # ... and why none

A line's marks (digits, and marks the model calls not-a-digit) fall into groups at wide
gaps; each group reports at most one number (:func:`_number_in`): its longest run of
digits, kept beside other marks (a printed label, a word whose letters read as digits)
only when clearly taller, with two thirds of its digits accepted, of even height and not
all '1's; a line with unread marks as tall as its number reports nothing (smaller ones
between its digits are its '?'s); a lone thin '1'
on an edge between two surfaces, or any lone mark where two surfaces meet, is not a digit
(:func:`on_an_edge`, :func:`on_a_boundary`, used by the reader);
a frame with a line of digit-like marks that is no number reports nothing
(:func:`frame_numbers`), as does one with a digit a number left out (:func:`left_out`), a
digit far from the rest of its number (:func:`far_ends`) or a line that only the reader's
second search finds (:func:`missed_lines`). A frame whose only digit mark is rejected holds
a lone doubt (:func:`lone_rejected`: the reader shows it as ``?`` in a cell).
``options`` is a :class:`edge_digits.read.ReadOptions` (``group_gap``, ``partial_line``,
``label_height``, ``sure_run``, ``sure_label``, ``min_accepted_fraction``, ``short_one``,
``ones_only``, ``text_marks``, ``text_share``, ``short_mark``, ``unread_line``,
``trailing_marks``, ``tall_neighbour``, ``left_out``, ``left_out_tall``, ``far_end``);
measurements in docs/tuning.md ("Read stage: which marks are a number").
"""
from __future__ import annotations

import math
from dataclasses import replace
from typing import Callable, NamedTuple

import numpy as np

from .locate.group import quantile
from .results import Box, Digit


def median(values: list) -> float:
    """``statistics.median`` of a non-empty list of box heights (integers), as a float:
    the locate stage's :func:`~edge_digits.locate.group.quantile` at one half, exact for
    integers (statistics' import, decimal, fractions and random, is 1.5 MB of a read
    process's memory)."""
    return quantile(values, 0.5)


class _Mark(NamedTuple):
    """One mark of a line: a digit, or a mark the model calls not-a-digit."""

    box: Box
    digit: Digit
    is_digit: bool


def digit_groups(digits: list[Digit], not_digits: list[Digit], judge: float,
                 options) -> list[Digit]:
    """The digits of a line that belong to numbers, left to right.

    The line's marks (digits and marks the model calls not-a-digit) fall into groups at
    gaps wider than ``options.group_gap`` times the line's height ('Tel: 0123', a word
    beside a string); each group reports at most one number (:func:`_number_in`). A line
    where a group of marks at least ``options.partial_line`` as tall as its numbers (some
    read as digits) is no number reports nothing: that group may be digits of the number;
    the digit marks of a smaller such group between the number's digits are its ``?``s.
    """
    if not digits:
        return []
    marks = sorted([_Mark(d.box, d, True) for d in digits] +
                   [_Mark(d.box, d, False) for d in not_digits], key=lambda mark: mark.box.x)
    height = float(median([mark.box.height for mark in marks]))
    read = [(group, _number_in(group, judge, options))
            for group in _split_at_gaps(marks, options.group_gap * height)]
    kept = [digit for _, number in read for digit in number]
    # lone strokes far apart on one line (a sheet's two sides) make a number of 1s too
    if _partial(kept, read, options.partial_line) or _all_ones(kept, options.ones_only):
        return []
    return _with_unread_inside(read)


def _partial(kept: list[Digit], read: list[tuple[list[_Mark], list[Digit]]],
             partial_line: float) -> bool:
    """Whether the digits ``kept`` of a line's numbers are only part of what it holds: a
    group of marks (``read``: each group with its number's digits, or none) with digit
    marks that is no number, its median height at least ``partial_line`` of the kept
    digits'. Such marks may be digits of the number: the number with some of them missing
    would be a wrong answer, so the line is not read."""
    unread = [float(median([mark.box.height for mark in group])) for group, number in read
              if not number and any(mark.is_digit for mark in group)]
    return bool(kept and unread) and max(unread) >= partial_line * float(
        median([digit.box.height for digit in kept]))


def _with_unread_inside(read: list[tuple[list[_Mark], list[Digit]]]) -> list[Digit]:
    """The digits of a line's numbers (``read``: each group of marks, left to right, with
    its number's digits, or none), with the digit marks of the groups between the first
    and the last group that holds a number as rejected digits (``?``): a digit the reader
    cannot read between two it can ('1', an unsure '5', '0' far apart) is a '?' of the
    number, not a gap ('150' read '10' is a wrong answer, '1?0' a question)."""
    holding = [at for at, (_, number) in enumerate(read) if number]
    digits: list[Digit] = []
    for group, number in read[holding[0]:holding[-1] + 1] if holding else ():
        digits += number or [replace(mark.digit, value=None) for mark in group if mark.is_digit]
    return digits


def _all_ones(digits: list[Digit], ones_only: int) -> bool:
    """Whether ``digits`` are ``ones_only`` (> 0) or more, all read as '1': strokes alone
    (ruling, hatching, box walls, table edges, a word's l and i), not a writer's number
    (all 1s once in ten to the power of its length less one)."""
    return bool(ones_only) and len(digits) >= ones_only and all(d.best == 1 for d in digits)


def frame_numbers(lines: list[tuple[list[Digit], list[Digit]]], judge: float, options,
                  keep: Callable[[list[Digit]], bool] = lambda number: True) -> list[list[Digit]]:
    """The numbers of a frame, one per line that holds one (top to bottom), or none at all
    (:func:`read_frame` says why)."""
    return read_frame(lines, judge, options, keep)[0]


def read_frame(lines: list[tuple[list[Digit], list[Digit]]], judge: float, options,
               keep: Callable[[list[Digit]], bool] = lambda number: True
               ) -> tuple[list[list[Digit]], list[Box]]:
    """``(numbers, unread)``: the numbers of a frame, one per line that holds one (top to
    bottom), or none at all and the boxes of the writing that made the reader doubt them.

    Each line is ``(digits, not_digits)``, read by :func:`digit_groups`; ``keep`` may veto
    a line's number (the reader's lone '1' on an edge). A line that is no number although
    its marks read as digits (:func:`_unread_ratio`), as tall as the frame's numbers, is
    writing the reader cannot read: the frame reports nothing, since its other numbers
    alone would be an incomplete answer (:func:`digit_groups` does the same within a
    line). Two numbers side by side on one row are one line cut in two
    (:func:`_split_line`), a number of one digit beside others is most often what was
    found of a line, and a frame's only digit amid marks read as digits that make no number
    is one more of them (:func:`lone_among_digits`): nothing is reported either.
    ``options.unread_line`` 0 reports every number read, whatever else the frame holds.
    """
    numbers: list[list[Digit]] = []
    unread: list[tuple[float, float, Box]] = []  # (median height, ratio, box) of lines of digits
    for digits, not_digits in lines:
        number = digit_groups(digits, not_digits, judge, options)
        if number:
            if keep(number):
                numbers.append(number)
            continue
        ratio = _unread_ratio(digits, not_digits, judge, options)
        if ratio is not None:
            unread.append((float(median([digit.box.height for digit in digits])), ratio,
                           box_of(digits + not_digits)))
    if not options.unread_line or not numbers:
        return numbers, []  # every number read, whatever the frame holds besides
    doubts = (_doubts(numbers, unread, options) or left_out(numbers, lines, options)
              or far_ends(numbers, options) or lone_among_digits(numbers, lines, options))
    return ([], doubts) if doubts else (numbers, [])


def lone_rejected(lines: list[tuple[list[Digit], list[Digit]]]) -> Digit | None:
    """The only mark of a frame's ``lines`` (as :func:`read_frame` takes them) that reads
    as a digit, when it is rejected and at most one other mark (one the model calls
    not-a-digit) is beside it; else None. In a cell or a crop of one digit it is a digit
    the reader cannot read: shown as ``?``, not as an empty cell."""
    digits = [digit for found, _ in lines for digit in found]
    others = sum(len(not_digits) for _, not_digits in lines)
    return digits[0] if len(digits) == 1 and digits[0].value is None and others <= 1 else None


def missed_lines(numbers: list[list[Digit]], lines: list[tuple[list[Digit], list[Digit]]],
                 judge: float, options) -> list[Box]:
    """The boxes of writing a second search found beside a frame's ``numbers`` (``lines``
    as :func:`read_frame` takes them, none overlapping a number) that makes them doubtful:
    a line with a number of two digits or more, as tall as a line of numbers the first
    search reads (``options.locate.group.small_line`` of the numbers' height), or one that
    reads as digits the reader cannot read (:func:`_unread_ratio`), as tall as
    :func:`_doubts` asks of the first search's lines."""
    if not numbers:
        return []
    height = float(median([digit.box.height for number in numbers for digit in number]))
    missed = []
    for digits, not_digits in lines:
        if not digits:
            continue
        if len(digit_groups(digits, not_digits, judge, options)) >= 2:
            ratio = options.locate.group.small_line  # a number, as small as the first reads
        else:
            ratio = _unread_ratio(digits, not_digits, judge, options)
        if ratio is not None and median([digit.box.height for digit in digits]) >= ratio * height:
            missed.append(box_of(digits + not_digits))
    return missed


def _doubts(numbers: list[list[Digit]], unread: list[tuple[float, float, Box]],
            options) -> list[Box]:
    """The boxes of what makes a frame's ``numbers`` doubtful (see :func:`read_frame`):
    lines of digits not read as numbers (``unread``: (median height, least share of the
    numbers' height, box)) as tall as the numbers, else two numbers on one row, else the
    numbers of one digit beside others."""
    height = float(median([digit.box.height for number in numbers for digit in number]))
    doubts = [box for line, ratio, box in unread if line >= ratio * height]
    doubts = doubts or _split_line(numbers, options.group_gap)
    # a lone digit beside other numbers is most often the one digit found of a line whose
    # others were lost (or a mark); strings of one digit among others are rare
    if not doubts and len(numbers) >= 2:
        doubts = [box_of(number) for number in numbers if len(number) == 1]
    return doubts


def box_of(digits: list[Digit]) -> Box:
    """The box around ``digits`` (one or more)."""
    box = digits[0].box
    for digit in digits[1:]:
        box = box.union(digit.box)
    return box


def left_out(numbers: list[list[Digit]], lines: list[tuple[list[Digit], list[Digit]]],
             options) -> list[Box]:
    """The boxes of marks read as digits that a number left out, or none: on its row (the
    mark's middle between the number's top and bottom), within ``options.group_gap`` of its
    median height from its ends, at least ``options.left_out`` as tall, overlapping none of
    its digits and, unless it is ``options.left_out_tall`` as tall or more, with no mark
    that is no digit beside it (:func:`_near`: a word's letter, the 'g' of a printed
    'Page' read as 9; a printed label is smaller than the number written after it). The
    grouping and the number rules dropped it (a wider gap, a piece taken for a label's),
    but a digit beside or inside a number most often belongs to it: the number read
    without it is a wrong answer ('8547416' read '416', '31822' read '1822' when the
    slanted '1's lead stroke reads as no digit). ``options.left_out`` 0: none."""
    if not options.left_out:
        return []
    found = []
    for number in numbers:
        box = box_of(number)
        height = float(median([digit.box.height for digit in number]))
        reach = options.group_gap * height
        tall = options.left_out_tall * height if options.left_out_tall else math.inf
        for digits, not_digits in lines:
            for mark in digits:
                other = mark.box
                if (other.height >= options.left_out * height
                        and box.y <= other.y + other.height / 2 <= box.bottom
                        and other.right >= box.x - reach and other.x <= box.right + reach
                        and not any(other.overlaps(digit.box) for digit in number)
                        and (other.height >= tall
                             or not any(_near(other, letter.box) for letter in not_digits))):
                    found.append(other)
    return found


def lone_among_digits(numbers: list[list[Digit]],
                      lines: list[tuple[list[Digit], list[Digit]]], options) -> list[Box]:
    """The boxes of the marks read as accepted digits that made no number, when the
    frame's only number is one digit and they are ``options.lone_among`` or more; else
    none. Such a digit is most likely one more of them: wood grain reads as columns of
    '1's that no rule reports (all ones), and one of its knots as a sure '4'. A digit
    written alone stands on paper with few marks that read as digits. 0: none."""
    if not options.lone_among or len(numbers) != 1 or len(numbers[0]) != 1:
        return []
    alone = numbers[0][0]
    others = [digit.box for digits, _ in lines for digit in digits
              if digit.value is not None and digit.box != alone.box]
    return others if len(others) >= options.lone_among else []


def far_ends(numbers: list[list[Digit]], options) -> list[Box]:
    """The boxes of accepted digits at a number's ends farther from its next digit than
    ``options.far_end`` times the median height of its other digits, or none: a stroke (a
    sheet's edge, a box's wall) read as '1' and joined to the number ('1947' for '947'),
    another mark joined ('3025' for '025'), or digits between them lost ('876' for
    '8346'). ``options.far_end`` 0: none."""
    ratio = options.far_end
    if not ratio:
        return []
    found = []
    for number in numbers:
        if len(number) < 2:
            continue
        for end, nearest, others in ((number[0], number[1], number[1:]),
                                     (number[-1], number[-2], number[:-1])):
            if end.value is None:
                continue
            height = float(median([digit.box.height for digit in others]))
            gap = max(nearest.box.x - end.box.right, end.box.x - nearest.box.right)
            if gap > ratio * height:
                found.append(end.box)
    return found


def _near(a: Box, b: Box) -> bool:
    """Whether ``b`` is beside ``a``, closer than half its height (a word's next letter)."""
    return max(b.x - a.right, a.x - b.right) < a.height / 2


def _split_line(numbers: list[list[Digit]], gap: float) -> list[Box]:
    """The boxes of two numbers that lie side by side on one row (overlapping by more than
    half the lower one's height), closer than ``gap`` times their height, or none: one line
    of writing that the grouping of lines cut in two (tilted writing); on one line they
    would be one group, so the two strings read are each a part of a number."""
    boxes = [(box_of(number), float(median([digit.box.height for digit in number])))
             for number in numbers]
    for left, left_height in boxes:
        for right, right_height in boxes:
            overlap = min(left.bottom, right.bottom) - max(left.y, right.y)
            if (right is not left and 2 * overlap > min(left.height, right.height)
                    and 0 <= right.x - left.right < gap * max(left_height, right_height)):
                return [left, right]
    return []


def _unread_ratio(digits: list[Digit], not_digits: list[Digit], judge: float,
                  options) -> float | None:
    """For a line that is no number: how tall (of the frame's numbers) it must be to count
    as digits the reader cannot read, or None when its marks do not look like digits.

    At least ``options.unread_line`` (> 0) of its marks read as digits, two of them
    accepted at ``judge``: ``options.partial_line`` as tall. The more of them read surely,
    the smaller such a line may be: ``options.unread_sure`` or more accepted, making
    ``options.unread_sure_share`` of its marks, ``options.unread_small`` as tall (print
    beside a number reads as a few sure digits among letters, at about half its height).
    """
    if not options.unread_line or not digits:
        return None
    marks = len(digits) + len(not_digits)
    sure = sum(digit.confidence >= judge for digit in digits)
    if sure >= options.unread_sure and sure >= options.unread_sure_share * marks:
        return options.unread_small
    if sure >= 2 and len(digits) >= options.unread_line * marks:
        return options.partial_line
    return None


def _number_in(group: list[_Mark], judge: float, options) -> list[Digit]:
    """The digits of the number in a group of marks, or none.

    The number is the group's longest run of digits (a mark the model calls not-a-digit
    ends a run; of two as long, the taller), not followed in the group by
    ``options.trailing_marks`` marks or more (a word going on) nor right beside a mark as
    tall as its digits (:func:`_tall_neighbour`), cleared of the marks beside it
    (:func:`_beside_label`), of short '1's (:func:`_without_pieces`), and kept when it reads
    as one writer's number (:func:`_reads_as_number`).
    """
    start, end = _longest_run(group)
    if start == end:
        return []
    # marks going on after the digits with no gap: a word whose first letters read as
    # digits ('Add' of 'Address' as '122'), or a longer string only part of which is read
    if options.trailing_marks and len(group) - end >= options.trailing_marks:
        return []
    run, rest = group[start:end], group[:start] + group[end:]
    middle = float(median([mark.box.height for mark in run]))
    if _tall_neighbour(group, start, end, middle, options.tall_neighbour):
        return []
    if rest:
        run = _beside_label(run, rest, middle, judge, options)
    run = _without_pieces(run, middle, options)
    return [mark.digit for mark in run] if _reads_as_number(run, middle, judge, options) else []


def _tall_neighbour(group: list[_Mark], start: int, end: int, middle: float,
                    ratio: float) -> bool:
    """Whether the mark just before ``group[start:end]`` or just after it is at least
    ``ratio`` (> 0) of the run's median height ``middle``: a mark as tall as the digits
    beside them with no gap is part of the same writing (a broken digit, an unsure one),
    so the run is only part of a number; a label is printed smaller."""
    beside = group[start - 1:start] + group[end:end + 1]
    return bool(ratio) and any(mark.box.height >= ratio * middle for mark in beside)


def _beside_label(run: list[_Mark], rest: list[_Mark], middle: float, judge: float,
                  options) -> list[_Mark]:
    """A run of digits beside other marks ('Order', 'Phone:' touching the number, or a word
    whose 'l' and 'o' read as digits), less the label's letters at its ends; empty when
    the run is no number.

    The run is kept only when it has two digits or more and its median height ``middle`` is
    ``options.label_height`` times the other marks' (a label is printed smaller than the
    number written after it; letters of a word are as tall as its other letters), or
    ``options.sure_label`` times for a run of ``options.sure_run`` digits or more, all read
    surely, at most half of them 0s and 1s (what a word's letters read as). Marks at the
    run's ends shorter than the label's share of it are the label's letters, cut off; when
    one of them reads surely as a digit and none lies beside a mark of the label that is no
    digit (:func:`_near`), it is a digit of the number written smaller: no number.
    """
    sure = (len(run) >= options.sure_run and sum(mark.digit.best in (0, 1) for mark in run)
            <= len(run) / 2 and all(mark.digit.confidence >= judge for mark in run))
    taller = options.sure_label if sure else options.label_height
    if len(run) < 2 or middle < taller * float(median([mark.box.height for mark in rest])):
        return []
    # a letter of the label that reads as a digit ('Tel' + '0123': its 'l') is as short as
    # the label beside the number: off the run's ends
    cut = []
    while run and run[0].box.height * options.label_height < middle:
        cut, run = cut + [run[0]], run[1:]
    while run and run[-1].box.height * options.label_height < middle:
        cut, run = cut + [run[-1]], run[:-1]
    # ... and beside the label's other marks: a sure digit cut off with no mark that is no
    # digit beside it is a smaller digit of the number ('00194' after 'Tel:' read '0194')
    if any(mark.digit.confidence >= judge for mark in cut) and not any(
            _near(mark.box, other.box) for mark in cut for other in rest if not other.is_digit):
        return []
    return run


def _without_pieces(run: list[_Mark], middle: float, options) -> list[_Mark]:
    """The run less its '1's shorter than ``options.short_one`` of the number's height
    ``middle``: a piece of a digit, a pen's lift or a speck."""
    return [mark for mark in run
            if not (mark.digit.best == 1 and mark.box.height < options.short_one * middle)]


def _reads_as_number(run: list[_Mark], middle: float, judge: float, options) -> bool:
    """Whether a run of digits is a number: at least ``options.min_accepted_fraction`` of
    them read with a probability of ``judge`` or more; of one height (``text_share`` or more
    of them shorter than ``short_mark`` of the median height ``middle`` is a word's
    x-height letters beside its capitals and ascenders); not all '1's when
    ``options.ones_only`` long or more (:func:`_all_ones`)."""
    heights = [mark.box.height for mark in run]
    accepted = sum(mark.digit.confidence >= judge for mark in run)
    if accepted < options.min_accepted_fraction * len(run):
        return False
    if len(run) >= options.text_marks and sum(
            h < options.short_mark * middle for h in heights) >= options.text_share * len(run):
        return False
    return not _all_ones([mark.digit for mark in run], options.ones_only)


def _longest_run(group: list[_Mark]) -> tuple[int, int]:
    """``(start, end)`` of the longest run of digit marks in ``group`` (the taller of two
    as long, by median height); ``(0, 0)`` when it has none."""
    runs = []
    start = None
    for at, mark in enumerate(group + [None]):
        if mark is not None and mark.is_digit:
            start = at if start is None else start
        elif start is not None:
            runs.append((start, at))
            start = None
    # max keeps the first of equal keys: of two as long and as tall, the left one
    return max(runs, default=(0, 0), key=lambda run: (
        run[1] - run[0], float(median([m.box.height for m in group[run[0]:run[1]]]))))


def _split_at_gaps(marks: list[_Mark], gap: float) -> list[list[_Mark]]:
    """Marks sorted by x, in runs separated by more than ``gap`` pixels of empty columns."""
    groups: list[list[_Mark]] = []
    right = None
    for mark in marks:
        box = mark.box
        if right is None or box.x - right > gap:
            groups.append([])
            right = box.x + box.width
        groups[-1].append(mark)
        right = max(right, box.x + box.width)
    return groups


def on_an_edge(gray: np.ndarray, box: Box, ratio: float) -> bool:
    """Whether a mark at ``box`` of ``gray`` lies on an edge between two surfaces (a
    paper's side on a table, a shadow's border): the paper to its left and to its right
    (medians of strips half its height wide) differ, the darker below ``ratio`` of the
    lighter. Alone, such a thin stroke is a '1' to the model and to anyone; beside it a
    written '1' has the same paper on both sides.
    """
    left, right, _, _ = _strips_beside(gray, box, whole=False)
    if left.size == 0 or right.size == 0:
        return False
    a, b = float(np.median(left)), float(np.median(right))
    return min(a, b) < ratio * max(a, b)


def on_a_boundary(gray: np.ndarray, box: Box, ratio: float) -> bool:
    """Whether a mark at ``box`` of ``gray`` lies where two surfaces meet (a sheet's corner
    or side on a table, a shadow's border): of the strips of ``gray`` half its height wide
    above, below, left and right of it that lie whole inside the frame, the darkest's
    median is below ``ratio`` of the lightest's. Alone, such a mark is the corner or edge
    itself read as a '4', '7' or '1'; a digit written on a page has one paper around it.
    A mark at the frame's side (a crop of one cell) is judged by the strips that fit.
    """
    medians = [float(np.median(strip)) for strip in _strips_beside(gray, box, whole=True)
               if strip is not None and strip.size]
    return len(medians) >= 2 and min(medians) < ratio * max(medians)


def _strips_beside(gray: np.ndarray, box: Box, whole: bool) -> tuple:
    """The strips of ``gray`` half the mark's height wide left of, right of, above and below
    ``box``; one that the frame's side cuts is clipped, or None when ``whole``."""
    height, width = gray.shape
    reach = max(2, box.height // 2)
    rows, cols = slice(box.y, box.bottom), slice(box.x, box.right)

    def span(start: int, stop: int, size: int) -> slice | None:
        if whole and (start < 0 or stop > size):
            return None
        return slice(max(0, start), min(size, stop))

    left, right = span(box.x - reach, box.x, width), span(box.right, box.right + reach, width)
    above = span(box.y - reach, box.y, height)
    below = span(box.bottom, box.bottom + reach, height)
    return tuple(None if None in (ys, xs) else gray[ys, xs] for ys, xs in
                 ((rows, left), (rows, right), (above, cols), (below, cols)))
