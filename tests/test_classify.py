"""The classifier on real MNIST test digits: accuracy, batching, errors, lifecycle."""
from __future__ import annotations

import numpy as np
import pytest

from edge_digits.classify import DigitClassifier
from edge_digits.errors import FrameError, ModelError


def test_bundled_model_reads_mnist_test_digits(classifier, mnist):
    x, y = mnist["x_test"][:3000], mnist["y_test"][:3000]
    best, _ = classifier.predict(x)
    accuracy = float(np.mean(best == y))  # measured 0.9797 (the first 3,000 are the harder)
    assert accuracy >= 0.975, f"bundled model: {accuracy:.4f} on 3000 MNIST test digits"


def test_probabilities_are_a_distribution(classifier, mnist):
    probabilities = classifier.classify(mnist["x_test"][:17])
    assert probabilities.shape == (17, classifier.num_classes)
    assert probabilities.dtype == np.float32
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=0.02)


def test_batches_equal_single_calls(classifier, mnist):
    x = mnist["x_test"][:70]  # more than one batch of 64
    batch = classifier.classify(x)
    singles = np.concatenate([classifier.classify(image) for image in x[:5]])
    np.testing.assert_array_equal(batch[:5], singles)
    assert classifier.classify(np.zeros((0, 28, 28), np.uint8)).shape == (0, classifier.num_classes)


@pytest.mark.parametrize("patches", [
    np.zeros((3, 28, 28), np.float32), np.zeros((3, 32, 32), np.uint8), [[0]], None])
def test_bad_patches(classifier, patches):
    with pytest.raises(FrameError):
        classifier.classify(patches)


def test_missing_and_corrupt_models(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        DigitClassifier(tmp_path / "nothing.tflite")
    corrupt = tmp_path / "corrupt.tflite"
    corrupt.write_bytes(b"not a model at all")
    with pytest.raises(ModelError, match="TFLite"):
        DigitClassifier(corrupt)
    with pytest.raises(ValueError):
        DigitClassifier(num_threads=0)


def test_context_manager_and_labels():
    with DigitClassifier() as loaded:
        assert loaded.labels[:10] == [str(d) for d in range(10)]
        assert loaded.backend in ("ai-edge-litert", "tflite-runtime", "tensorflow")
