"""The scoring every accuracy test uses: right, wrong and rejected, as tests/scoring.py says."""
from __future__ import annotations

import numpy as np
import pytest

from tests.scoring import REJECTED, RIGHT, WRONG, Score, judge, score_labels, score_one


@pytest.mark.parametrize("read, truth, verdict", [
    ("123 45", "123 45", RIGHT),
    ((), (), RIGHT),  # an empty page read as empty
    ("1?3 45", "123 45", REJECTED),  # a '?' where a digit was
    ("", "123", REJECTED),  # nothing read: the reader asked
    ("???", "123", REJECTED),
    ("??", "123", REJECTED),  # nothing accepted at all: no claim made
    ("?", "", REJECTED),  # a '?' on an empty page
    ("45", "123 45", REJECTED),  # a line left out, the other right
    ("1?3", "123 45", REJECTED),
    ("129 45", "123 45", WRONG),  # an accepted digit that disagrees
    ("1?9", "123", WRONG),
    ("1234", "123", WRONG),  # a digit too many
    ("12", "123", WRONG),  # a digit too few
    ("1?", "123", WRONG),
    ("123 45 6", "123 45", WRONG),  # a string that was not written
    ("7", "", WRONG),  # a digit on an empty page
    ("45 123", "123 45", WRONG),  # the lines swapped
    ("12 45", "123 45", WRONG),
])
def test_judge(read, truth, verdict):
    assert judge(read, truth) == verdict


def test_digits_of_correctly_segmented_strings_are_counted_apart():
    one = score_one("1?9 45", "123 45")
    assert (one.wrong, one.digits, one.digits_wrong, one.digits_rejected) == (1, 5, 1, 1)
    missegmented = score_one("1234", "123")  # no digit counted from a string cut wrong
    assert missegmented.digits == 0 and missegmented.wrong == 1
    total = one + missegmented + score_one("", "5")
    assert (total.right, total.wrong, total.rejected, total.n) == (0, 2, 1, 3)
    assert total.rates == (0.0, 2 / 3)


def test_classifier_labels_below_threshold_or_not_digits_are_rejected():
    found = score_labels(np.array([1, 2, 10, 4]), np.array([0.9, 0.9, 0.99, 0.5]),
                         np.array([1, 3, 5, 4]), threshold=0.7)
    assert found == Score(right=1, wrong=1, rejected=2, digits=4, digits_wrong=1, digits_rejected=2)
