"""The classifier on models other than the bundled one: float input and output, a 3-D input
(N, 28, 28), a uint8-quantized input, and shapes it must refuse.

Small Keras models are converted here with TensorFlow (the host extra, which `make test`
installs), so each path of :class:`~edge_digits.classify.DigitClassifier` that the bundled
int8 model does not take is checked against Keras's own output on the same digits.
"""
from __future__ import annotations

import numpy as np
import pytest

from edge_digits.classify import DigitClassifier
from edge_digits.errors import ModelError

tf = pytest.importorskip("tensorflow")  # the host extra: `make test` installs it
keras = tf.keras


def _model(input_shape: tuple) -> "keras.Model":
    """Flatten, then a seeded dense softmax layer of 10 classes."""
    keras.utils.set_random_seed(5)
    model = keras.Sequential([keras.Input(input_shape), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    return model


def _save(tmp_path, model, name: str, calibration: tuple | None = None) -> "Path":
    """The model as a .tflite file: float, or uint8 in and out when ``calibration`` gives
    the (low, high) range of the representative inputs."""
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if calibration is not None:
        shape = (1, *model.input_shape[1:])
        rng = np.random.default_rng(0)
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: (
            [rng.uniform(*calibration, shape).astype(np.float32)] for _ in range(20))
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.uint8
        converter.inference_output_type = tf.uint8
    path = tmp_path / f"{name}.tflite"
    path.write_bytes(converter.convert())
    return path


@pytest.fixture(scope="module")
def digits(mnist):
    return mnist["x_test"][:40]


@pytest.mark.parametrize("input_shape", [(28, 28, 1), (28, 28)], ids=["NHWC", "NHW"])
def test_a_float_model_reads_as_keras_does(tmp_path, digits, input_shape):
    model = _model(input_shape)
    with DigitClassifier(_save(tmp_path, model, "float")) as classifier:
        assert classifier.input_dtype == np.float32 and classifier.output_dtype == np.float32
        assert classifier.max_probability == 1.0  # a float output can reach 1
        ours = classifier.classify(digits)
    pixels = (digits.astype(np.float32) / 255.0).reshape(len(digits), *input_shape)
    np.testing.assert_allclose(ours, model(pixels).numpy(), atol=1e-5)


@pytest.mark.filterwarnings("ignore:Statistics for quantized inputs")
@pytest.mark.parametrize("calibration", [(0.0, 1.0), (-1.0, 1.0)], ids=["0..1", "-1..1"])
def test_a_uint8_model_is_fed_its_own_quantization(tmp_path, digits, calibration):
    """A model quantized with uint8 input and output, calibrated on 0..1 (scale about 1/255,
    zero point 0) or on -1..1 (zero point about 128): pixels are fed through its own scale
    and zero point, outputs dequantized, and its probabilities stay within a few
    quantization steps of the float model's."""
    model = _model((28, 28, 1))
    with DigitClassifier(_save(tmp_path, model, "uint8", calibration)) as classifier:
        assert classifier.input_dtype == np.uint8 and classifier.output_dtype == np.uint8
        assert (classifier.input_zero_point > 100) == (calibration[0] < 0)
        scale, zero = classifier.output_scale, classifier.output_zero_point
        assert classifier.max_probability == pytest.approx(min(1.0, (255 - zero) * scale))
        ours = classifier.classify(digits)
    floats = model((digits.astype(np.float32) / 255.0)[..., None]).numpy()
    assert np.abs(ours - floats).max() <= 3 * scale
    assert (ours.argmax(axis=1) == floats.argmax(axis=1)).mean() >= 0.9


@pytest.mark.parametrize("input_shape", [(28, 28, 3), (32, 32, 1)], ids=["RGB", "32x32"])
def test_a_model_for_other_images_is_refused_naming_its_shape(tmp_path, input_shape):
    path = _save(tmp_path, _model(input_shape), "other")
    with pytest.raises(ModelError, match=r"input shape \(1, %d, %d, %d\); expected "
                       r"\(N, 28, 28, 1\)" % input_shape):
        DigitClassifier(path)
