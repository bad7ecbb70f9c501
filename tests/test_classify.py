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
    truncated = tmp_path / "truncated.tflite"
    truncated.write_bytes(b"\x1c\x00\x00\x00TF")  # a model's first 6 bytes
    with pytest.raises(ModelError, match=r"not a TFLite model \(6 bytes"):
        DigitClassifier(truncated)
    with pytest.raises(ValueError):
        DigitClassifier(num_threads=0)


def test_the_largest_probability_is_the_largest_output_code(classifier):
    # int8 output, scale 1/256, zero point -128: code 127 is 255/256, and no digit can be
    # surer than that (a threshold above it would reject every digit)
    scale, zero = classifier.output_scale, classifier.output_zero_point
    assert classifier.output_dtype == np.int8
    assert classifier.max_probability == pytest.approx((127 - zero) * scale)
    assert classifier.max_probability == pytest.approx(255 / 256)
    probabilities = classifier.classify(np.zeros((1, 28, 28), np.uint8))
    assert probabilities.max() <= classifier.max_probability


def test_context_manager_and_labels():
    with DigitClassifier() as loaded:
        assert loaded.labels[:10] == [str(d) for d in range(10)]
        assert loaded.backend in ("ai-edge-litert", "tflite-runtime", "tensorflow")


def test_the_bundled_models_input_is_fed_without_arithmetic(classifier, mnist):
    """The bundled int8 model's input quantization (scale 1/255, zero point -128) maps a
    pixel p to p - 128: classify writes p ^ 0x80 straight into the input buffer, and that
    gives what the general quantizing path gives."""
    assert classifier.input_dtype == np.int8 and classifier.input_zero_point == -128
    assert classifier._xor_feed
    pixels = mnist["x_test"][:8]
    general = np.clip(np.round(pixels.astype(np.float32) / (255.0 * classifier.input_scale))
                      + classifier.input_zero_point, -128, 127).astype(np.int8)
    np.testing.assert_array_equal((pixels ^ np.uint8(0x80)).view(np.int8), general)
