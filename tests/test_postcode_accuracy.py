"""Read / misread / reject rates of ``read_postcode`` on a fixed seeded set of envelopes.

140 generated 1280x720 envelope frames (export/synth/envelopes.py, seed 0): 20 per
(profile, layout): JP and FR box fields, free-form codes at the start (JP, FR, DE, HU) or
end (US, 5 or 5+4 digits) of the city line, MNIST *test* digits, camera perspective and light.

The issue's targets are >= 95% read and <= 1% misread. The floors asserted here are what
the pipeline measured when this test was written (see the report / README), so that a
regression fails; the misread ceiling is the one that matters most (a wrong code is far
worse than a rejection). Run ``python tests/test_postcode_accuracy.py`` for the table.
"""
from __future__ import annotations

import collections

import pytest

COUNT = 140

#: measured at the default operating point (threshold 0.97, margin 1.0) on seed 0 with the
#: bundled model of aae47ad (and, in brackets, with the model of fd46811); floors a few
#: points below both, so that the model being retrained does not flip them. The target
#: (0.95 read, 0.01 misread) is not reached: at threshold 0.97 the fd46811 model passes
#: 97.1% of clean MNIST test digits, so even perfect crops would read ~86% of 5-digit and
#: ~81% of 7-digit codes; the misreads are the model's confident mistakes on MNIST digits
#: (a 9 that looks like a 7), which the postcode code of fd46811 makes too.
FLOORS = {
    "read": 0.72,  # measured 0.736 (0.764), 0.743 once us/de skip box rows; fd46811: 0.679 (0.714)
    "misread": 0.025,  # measured 0.021 (0.007); the code of fd46811: 0.021 (0.007)
    "free_form_read": 0.78,  # measured 0.80 (0.83); the code of fd46811: 0.79 (0.82)
    "box_read": 0.55,  # measured 0.575 (0.60); the code of fd46811: 0.40 (0.45)
}


def evaluate(reader, images, labels, count=COUNT, seed=0, options=None):
    """{(profile, layout): Counter(read=, misread=, reject=)} and the reasons."""
    from edge_digits.postcode import read_postcode
    from export.synth.envelopes import EnvelopeGenerator

    table = collections.defaultdict(collections.Counter)
    reasons = collections.Counter()
    for envelope in EnvelopeGenerator(images, labels, seed=seed).batch(count):
        result = read_postcode(reader, envelope.image, envelope.profile, options)
        key = (envelope.profile, envelope.layout)
        if result.code is None:
            table[key]["reject"] += 1
            reasons[result.reason] += 1
        elif result.code == envelope.code:
            table[key]["read"] += 1
        else:
            table[key]["misread"] += 1
    return table, reasons


@pytest.fixture(scope="module")
def rates(mnist):
    from edge_digits.read import DigitReader
    with DigitReader() as reader:
        return evaluate(reader, mnist["x_test"], mnist["y_test"])


@pytest.mark.slow
def test_read_and_misread_rates(rates):
    table, _ = rates
    total = sum((counter for counter in table.values()), collections.Counter())
    frames = sum(total.values())
    assert frames == COUNT
    assert total["read"] / frames >= FLOORS["read"], dict(total)
    assert total["misread"] / frames <= FLOORS["misread"], dict(total)
    free = sum((c for (_, layout), c in table.items() if layout != "boxes"), collections.Counter())
    assert free["read"] / sum(free.values()) >= FLOORS["free_form_read"], dict(free)
    boxes = sum((c for (_, layout), c in table.items() if layout == "boxes"), collections.Counter())
    assert boxes["read"] / sum(boxes.values()) >= FLOORS["box_read"], dict(boxes)


@pytest.mark.slow
def test_every_profile_and_layout_reads_some_and_misreads_few(rates):
    table, _ = rates
    assert len(table) == 7
    for key, counter in table.items():
        frames = sum(counter.values())
        assert counter["read"] >= 0.4 * frames, (key, dict(counter))
        assert counter["misread"] <= 1, (key, dict(counter))


if __name__ == "__main__":
    import sys
    from pathlib import Path

    import numpy as np

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from edge_digits.read import DigitReader
    with np.load(Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist.npz") as data:
        images, labels = data["x_test"], data["y_test"]
    with DigitReader() as loaded:
        found, why = evaluate(loaded, images, labels)
    for (profile, layout), counter in sorted(found.items()):
        n = sum(counter.values())
        print(f"{profile:3s} {layout:11s} read {counter['read']:3d}/{n}  misread "
              f"{counter['misread']:2d}  reject {counter['reject']:2d}")
    print("reasons:", dict(why))
