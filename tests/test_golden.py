"""Identical outputs: the reader's strings, confidences, boxes, locate candidates and postal
codes on a fixed set of frames are the ones recorded in tests/golden/golden.json.gz.

A restructuring must keep every one of them. A change of behaviour that is meant (a retuned
stage, a new bundled model) regenerates the record with
``python -m tests.golden.make_golden`` and says so in its commit.
"""
from __future__ import annotations

import pytest

from edge_digits.models import DEFAULT_MODEL, sha256_of
from tests.golden import make_golden

REGENERATE = "python -m tests.golden.make_golden"


@pytest.fixture(scope="module")
def golden():
    if not make_golden.GOLDEN.exists():
        pytest.fail(f"{make_golden.GOLDEN} is missing: make it with `{REGENERATE}`")
    return make_golden.read()


def test_golden_belongs_to_the_bundled_model(golden):
    model = sha256_of(DEFAULT_MODEL)
    assert golden["model_sha256"] == model, (
        f"the golden outputs were recorded with model sha256 {golden['model_sha256'][:12]}..., "
        f"the bundled model is {model[:12]}...: the bundled model changed, so regenerate the "
        f"golden outputs with `{REGENERATE}` (on code whose outputs you trust) and commit them")


def test_outputs_are_identical_to_the_golden_record(golden, mnist):
    if golden["model_sha256"] != sha256_of(DEFAULT_MODEL):
        pytest.fail(f"the bundled model changed: regenerate the golden outputs with "
                    f"`{REGENERATE}`")
    from edge_digits.models import DEFAULT_MODEL as model_path
    from edge_digits.read import DigitReader

    expected = {entry["name"]: entry for entry in golden["frames"]}
    names = []
    differences = []
    with DigitReader(model_path) as reader:
        for name, image, kind in make_golden.frames(mnist):
            names.append(name)
            got = make_golden.record(reader, name, image, kind)
            want = expected.get(name)
            if want is None:
                differences.append(f"{name}: not in the golden record")
            elif want["input"] != got["input"]:
                differences.append(f"{name}: the generated input frame changed (export/synth "
                                   f"changed?): regenerate with `{REGENERATE}` on code whose "
                                   f"outputs you trust")
            else:
                for key in sorted(set(want) | set(got)):
                    if want.get(key) != got.get(key):
                        differences.append(f"{name} {key}: expected {want.get(key)!r:.300}, "
                                           f"got {got.get(key)!r:.300}")
    missing = sorted(set(expected) - set(names))
    if missing:
        differences.append(f"frames in the golden record but not generated: {missing[:5]}")
    assert not differences, f"{len(differences)} differences:\n" + "\n".join(differences[:20])
