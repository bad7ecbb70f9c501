"""Which of a line's marks are a number: the reader's last step, pure and testable alone.

    >>> digits = digit_groups(digits, not_digits, judge, options)   # one line, left to right

A line's marks (digits, and marks the model calls not-a-digit) fall into groups at wide
gaps; each group reports at most one number (:func:`_number_in`): its longest run of
digits, kept beside other marks (a printed label, a word whose letters read as digits)
only when clearly taller, with two thirds of its digits accepted, of even height and not
all '1's; a line with unread marks as tall as its number reports nothing; a lone thin '1'
on an edge between two surfaces is not a digit (:func:`on_an_edge`, used by the reader).
``options`` is a :class:`edge_digits.read.ReadOptions` (``group_gap``, ``partial_line``,
``label_height``, ``sure_run``, ``sure_label``, ``min_accepted_fraction``, ``short_one``,
``ones_only``, ``text_marks``, ``text_share``, ``short_mark``); measurements in
docs/tuning.md ("Read stage: which marks are a number").
"""
from __future__ import annotations

from statistics import median
from typing import NamedTuple

import numpy as np

from .results import Box, Digit


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
    read as digits) is no number reports nothing: that group may be digits of the number.
    """
    if not digits:
        return []
    marks = sorted([_Mark(d.box, d, True) for d in digits] +
                   [_Mark(d.box, d, False) for d in not_digits], key=lambda mark: mark.box.x)
    height = float(median([mark.box.height for mark in marks]))
    kept: list[Digit] = []
    unread: list[float] = []  # median heights of groups with digit marks that are no number
    for group in _split_at_gaps(marks, options.group_gap * height):
        number = _number_in(group, judge, options)
        kept += number
        if not number and any(mark.is_digit for mark in group):
            unread.append(float(median([mark.box.height for mark in group])))
    # marks as tall as the line's number that are not read as one may be its digits: the
    # number with some of them missing would be a wrong answer, so the line is not read
    if kept and unread and max(unread) >= options.partial_line * float(
            median([digit.box.height for digit in kept])):
        return []
    return kept


def _number_in(group: list[_Mark], judge: float, options) -> list[Digit]:
    """The digits of the number in a group of marks, or none.

    The number is the group's longest run of digits (a mark the model calls not-a-digit
    ends a run; of two as long, the taller). Marks beside it ('Order', 'Phone:' touching
    the number, or a word whose 'l' and 'o' read as digits) must be clearly shorter: the
    run is kept only when it has two digits or more and its median height is
    ``options.label_height`` times theirs (a label is printed smaller than the number
    written after it; letters of a word are as tall as its other letters), or
    ``options.sure_label`` times for a run of ``options.sure_run`` digits or more, all read
    surely, at most half of them 0s and 1s (what a word's letters read as). The run is a
    number when at least ``options.min_accepted_fraction`` of its digits are read with a
    probability of ``judge`` or more, and when its digits are of one height: ``text_share``
    or more of them shorter than ``short_mark`` of its median height is a word's
    x-height letters beside its capitals and ascenders. A '1' shorter than
    ``options.short_one`` of that height is left out (a piece of a digit, not a digit), and
    a run of ``options.ones_only`` or more digits that are all '1's is strokes, not a number.
    """
    start, end = _longest_run(group)
    if start == end:
        return []
    run, rest = group[start:end], group[:start] + group[end:]
    middle = float(median([mark.box.height for mark in run]))
    if rest:
        # a long run of sure digits that are not mostly 0s and 1s (a word's 'o', 'l', 'i')
        # is a number even beside a label printed nearly as tall
        sure = (len(run) >= options.sure_run and sum(mark.digit.best in (0, 1) for mark in run)
                <= len(run) / 2 and all(mark.digit.confidence >= judge for mark in run))
        taller = options.sure_label if sure else options.label_height
        if len(run) < 2 or middle < taller * float(
                median([mark.box.height for mark in rest])):
            return []
        # a letter of the label that reads as a digit ('Tel' + '0123': its 'l') is as
        # short as the label beside the number: off the run's ends
        while run and run[0].box.height * options.label_height < middle:
            run = run[1:]
        while run and run[-1].box.height * options.label_height < middle:
            run = run[:-1]
    # a '1' far shorter than the number's digits is a piece of one, a pen's lift or a speck
    run = [mark for mark in run
           if not (mark.digit.best == 1 and mark.box.height < options.short_one * middle)]
    heights = [mark.box.height for mark in run]
    accepted = sum(mark.digit.confidence >= judge for mark in run)
    if accepted < options.min_accepted_fraction * len(run):
        return []
    if len(run) >= options.text_marks and sum(
            h < options.short_mark * middle for h in heights) >= options.text_share * len(run):
        return []
    # strokes alone (ruling, hatching, box walls, a table's edges, a word's l and i) read
    # as 1s; a writer's number is all 1s once in ten to the power of its length less one
    if options.ones_only and len(run) >= options.ones_only and all(
            mark.digit.best == 1 for mark in run):
        return []
    return [mark.digit for mark in run]


def _longest_run(group: list[_Mark]) -> tuple[int, int]:
    """``(start, end)`` of the longest run of digit marks in ``group`` (the taller of two
    as long, by median height); ``(0, 0)`` when it has none."""
    best, best_key = (0, 0), (0, 0.0)
    start = None
    for at, mark in enumerate(group + [None]):
        if mark is not None and mark.is_digit:
            start = at if start is None else start
            continue
        if start is not None:
            key = (at - start, float(median([m.box.height for m in group[start:at]])))
            if key > best_key:
                best, best_key = (start, at), key
            start = None
    return best


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
    height, width = gray.shape
    reach = max(2, box.height // 2)
    rows = slice(box.y, box.bottom)
    left = gray[rows, max(0, box.x - reach):box.x]
    right = gray[rows, box.right:min(width, box.right + reach)]
    if left.size == 0 or right.size == 0:
        return False
    a, b = float(np.median(left)), float(np.median(right))
    return min(a, b) < ratio * max(a, b)
