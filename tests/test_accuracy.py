"""Every fixed accuracy set, scored into right / wrong / rejected, within its measured bounds.

The sets are in tests/sets.py (generated frames, scenes, envelopes, camera-distorted MNIST,
the development sets of ../shared/data), the scoring in tests/scoring.py, and the measured
figures with their floors (on right) and ceilings (on wrong) in tests/expected.py: a
change that reads fewer frames right *or* more frames wrong fails, and one that trades a
`?` for a wrong digit no longer looks like progress. Re-pin after a model swap with
``python -m tests.measure``.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import expected, sets
from tests.scoring import score_labels

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def reader():
    from edge_digits.read import DigitReader
    with DigitReader() as loaded:
        yield loaded


@pytest.fixture(scope="module")
def digits(mnist):
    return mnist["x_test"], mnist["y_test"]


@pytest.mark.parametrize("name", expected.NAMES)
def test_set_reads_right_and_wrong_within_bounds(name, reader, digits, shared_data):
    if name in sets.NEEDS:
        shared_data(sets.NEEDS[name])
    expected.check(name, sets.measure(expected.base(name), reader, digits))


def test_every_set_is_pinned_and_the_pins_are_for_the_bundled_model():
    """Every set has measured figures, and they were measured with the model the tests run
    (after a model swap: ``python -m tests.measure`` and paste)."""
    from tests.measure import model_digest
    assert set(expected.MEASURED) == set(expected.NAMES)
    assert expected.MODEL == model_digest(), (
        "tests/expected.py was measured with another bundled model: re-pin with "
        "`python -m tests.measure`")


def test_every_bound_can_fail():
    """A floor of 0 or a ceiling of 1 would be a test that cannot fail: every set's
    measured figures must leave room for both (a set where nearly every frame is wrong
    belongs in a report, not here)."""
    for name in expected.NAMES:
        assert expected.floor(name) > 0 and expected.ceiling(name) < 1, name


# The README's error-against-rejection table (and read.py's): per digit, rejected / wrong
# and accepted, bundled model on the MNIST test set, at each threshold it lists.
_README_FIGURE = re.compile(r"([\d.]+)% / ([\d.]+)% at (\d+(?:\.\d+)?)( \(default\))?")


def _readme_mnist_figures():
    """{threshold: (rejected, wrong) as printed}, and the threshold marked default."""
    text = ROOT.joinpath("README.md").read_text()
    paragraph = text[text.index("**Error against rejection**"):]
    paragraph = paragraph[:paragraph.index("On clean generated frames")]
    paragraph = re.sub(r"\s+", " ", paragraph.replace("**", "").replace(" (never)", ""))
    found = _README_FIGURE.findall(paragraph)
    default = [float(t) for _, _, t, marked in found if marked]
    return {float(t): (rejected, wrong) for rejected, wrong, t, _ in found}, default


def _half_unit(printed: str) -> float:
    """Half a unit of the last printed decimal of a percentage ("0.61" -> 0.00005)."""
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return 0.5 * 10 ** -decimals / 100


def test_readme_error_against_rejection_table_is_what_the_model_does(reader, digits):
    """The README's MNIST figures at every threshold it lists, the default among them,
    are what the bundled model measures now (to the README's rounding), and its default
    is the reader's."""
    from edge_digits.read import DEFAULT_THRESHOLD, ReadOptions
    figures, default = _readme_mnist_figures()
    assert set(figures) == {0.0, 0.5, 0.7, 0.9, 0.97}, figures
    assert default == [DEFAULT_THRESHOLD] == [ReadOptions().threshold] == [reader.options.threshold]
    probabilities = reader.classifier.classify(digits[0])
    for threshold, printed in figures.items():
        score = score_labels(probabilities.argmax(axis=1), probabilities.max(axis=1),
                             digits[1], threshold)
        measured = (score.rejected / score.n, score.wrong / score.n)
        for value, text in zip(measured, printed):
            assert abs(value - float(text) / 100) <= _half_unit(text) + 1e-9, (threshold, measured, printed)
