"""Read / misread / reject rates of ``read_postcode`` on a fixed seeded set of envelopes.

140 generated 1280x720 envelope frames (export/synth/envelopes.py, seed 0): 20 per
(profile, layout): JP and FR box fields, free-form codes at the start (JP, FR, DE, HU) or
end (US, 5 or 5+4 digits) of the city line, MNIST *test* digits, camera perspective and light.

The issue's targets are >= 95% read and <= 1% misread. Right (the written code), wrong (another
code) and rejected (no code) on this set, overall, for free-form and box fields and per
(profile, layout), are asserted in test_accuracy.py against tests/expected.py (sets
``postcode/...``; the misread ceiling matters most: a wrong code is far worse than a
rejection). Run ``python tests/test_postcode_accuracy.py`` for the table with the
rejection reasons.
"""
from __future__ import annotations

import collections

COUNT = 140


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
