"""The bundled default model: its file matches its manifest, and it reads MNIST as promised."""
from __future__ import annotations

import json

import pytest

from edge_digits.models import DEFAULT_MODEL, MODELS_DIR, sha256_of


def design_params(width: float, classes: int) -> int:
    """Parameters of the reference design (conv 16 -> conv 32 -> dense 64) at ``width``."""
    c1, c2, units = round(16 * width), round(32 * width), round(64 * width)
    return (9 * c1 + c1) + (9 * c1 * c2 + c2) + (25 * c2 * units + units) + (units * classes + classes)


def test_design_params_is_the_reference_count():
    assert design_params(1, 10) == 56_714 and design_params(1, 11) == 56_714 + 65


@pytest.fixture(scope="module")
def manifest():
    return json.loads((MODELS_DIR / "manifest.json").read_text())


def test_bundled_file_matches_manifest(manifest):
    assert manifest["file"] == DEFAULT_MODEL.name
    assert sha256_of(DEFAULT_MODEL) == manifest["sha256"]
    assert DEFAULT_MODEL.stat().st_size == manifest["size_bytes"]


def test_manifest_says_what_the_model_is(manifest, classifier):
    # the ten digits, and the bundled model's 11th class 'none' (not a digit) when present
    assert manifest["labels"][:10] == [str(d) for d in range(10)]
    assert manifest["labels"][10:] in ([], ["none"])
    assert manifest["labels"] == classifier.labels
    # the reference design (56,714 parameters at width 1) at the manifest's width
    assert manifest["architecture"]["params"] == design_params(manifest["architecture"].get("width", 1),
                                                               len(manifest["labels"]))
    assert manifest["input"]["dtype"] == "int8" == classifier.input_dtype.name
    assert manifest["input"]["quantization"]["zero_point"] == -128 == classifier.input_zero_point
    assert classifier.input_scale == pytest.approx(1 / 255)
    assert manifest["training"]["epochs"] >= 20 and len(manifest["data"]["sha256"]) == 64
    # the export's gate (98.8%); measured 98.84%: the model trained for strangers' writing
    # gave up 0.36 points of MNIST (the MNIST-only model before it: 99.20%)
    assert manifest["accuracy"]["int8"] >= 0.988


@pytest.mark.slow
def test_bundled_model_reads_mnist_test_set(mnist, classifier, manifest):
    """Re-measured with the runtime on all 10,000 test digits: at least the export's gate,
    98.8% (measured 98.84%; issue 2 asked 99.0% of the reference network, which `make
    export-reference` still reaches: the bundled model trades 0.36 points of MNIST for
    other writers, see the README)."""
    predictions = classifier.classify(mnist["x_test"]).argmax(axis=1)
    accuracy = float((predictions == mnist["y_test"]).mean())
    assert accuracy >= 0.988
    assert accuracy == pytest.approx(manifest["accuracy"]["int8"], abs=1e-4)
    per_class = [float((predictions[mnist["y_test"] == d] == d).mean()) for d in range(10)]
    assert min(per_class) >= 0.97
