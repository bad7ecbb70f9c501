"""The reference CNN: exactly the design's layers, and the Sequential and Functional builds agree."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.host

from export.network import REFERENCE_PARAMS, architecture, build_functional, build_sequential  # noqa: E402
from export.train import to_input  # noqa: E402

DESIGN = [  # (type, output shape) of the design's network, in order
    ("Conv2D", [None, 26, 26, 16]), ("MaxPooling2D", [None, 13, 13, 16]),
    ("Conv2D", [None, 11, 11, 32]), ("MaxPooling2D", [None, 5, 5, 32]),
    ("Flatten", [None, 800]), ("Dense", [None, 64]), ("Dropout", [None, 64]),
    ("Dense", [None, 10]),
]


def test_reference_network_is_the_design():
    model = build_sequential()
    assert model.count_params() == REFERENCE_PARAMS == 56_714
    assert [(layer["type"], layer["output_shape"]) for layer in architecture(model)] == DESIGN
    activations = [getattr(layer, "activation", None) for layer in model.layers]
    assert [a.__name__ for a in activations if a is not None] == ["relu", "relu", "relu", "softmax"]
    assert model.get_layer("dropout").rate == pytest.approx(0.2)


def test_sequential_and_functional_are_the_same_network(mnist):
    sequential, functional = build_sequential(), build_functional()
    assert architecture(sequential) == architecture(functional)
    functional.set_weights(sequential.get_weights())
    digits = to_input(mnist["x_test"][:256])
    expected = sequential.predict(digits, verbose=0)
    np.testing.assert_allclose(functional.predict(digits, verbose=0), expected, atol=1e-6)
    # and the comparison can fail: other weights give other outputs
    other = build_functional()
    assert not np.allclose(other.predict(digits, verbose=0), expected, atol=1e-3)


def test_none_class_adds_one_output():
    model = build_functional(num_classes=11)
    assert model.outputs[0].shape[-1] == 11
    assert model.count_params() == REFERENCE_PARAMS + 65


def test_width_scales_filters_and_units_only():
    wide = build_sequential(num_classes=11, width=1.5)
    shapes = [(layer["type"], layer["output_shape"]) for layer in architecture(wide)]
    assert shapes == [("Conv2D", [None, 26, 26, 24]), ("MaxPooling2D", [None, 13, 13, 24]),
                      ("Conv2D", [None, 11, 11, 48]), ("MaxPooling2D", [None, 5, 5, 48]),
                      ("Flatten", [None, 1200]), ("Dense", [None, 96]), ("Dropout", [None, 96]),
                      ("Dense", [None, 11])]
    assert build_sequential(width=1).count_params() == REFERENCE_PARAMS
    with pytest.raises(ValueError):
        build_sequential(width=0)


def test_blocks3_is_three_normalized_blocks_that_fold_into_an_int8_model(mnist, tmp_path):
    """The non-reference builder: three Conv2D ('same') -> batch normalization -> ReLU ->
    MaxPool blocks, then the reference's dense head. Converted to int8, the batch
    normalization is folded into the convolutions (no op of its own) and the runtime
    computes what Keras computes with it."""
    import keras

    from edge_digits.backends import load_interpreter_class
    from edge_digits.classify import DigitClassifier
    from export.network import build_blocks3
    from export.quantize import convert_all

    model = build_blocks3(num_classes=11)
    shapes = [(layer["type"], layer["output_shape"]) for layer in architecture(model)]
    assert shapes == [
        ("Conv2D", [None, 28, 28, 24]), ("BatchNormalization", [None, 28, 28, 24]),
        ("ReLU", [None, 28, 28, 24]), ("MaxPooling2D", [None, 14, 14, 24]),
        ("Conv2D", [None, 14, 14, 48]), ("BatchNormalization", [None, 14, 14, 48]),
        ("ReLU", [None, 14, 14, 48]), ("MaxPooling2D", [None, 7, 7, 48]),
        ("Conv2D", [None, 7, 7, 64]), ("BatchNormalization", [None, 7, 7, 64]),
        ("ReLU", [None, 7, 7, 64]), ("MaxPooling2D", [None, 3, 3, 64]),
        ("Flatten", [None, 576]), ("Dense", [None, 96]), ("Dropout", [None, 96]),
        ("Dense", [None, 11])]
    with pytest.raises(ValueError):
        build_blocks3(width=0)
    # batch-normalization statistics far from the identity, so that dropping or
    # misfolding them would show: the int8 model must compute what Keras computes with
    # them, much closer than Keras computes without them
    keras.utils.set_random_seed(3)
    model = build_blocks3(num_classes=11)
    rng = np.random.default_rng(3)
    for block in (1, 2, 3):
        layer = model.get_layer(f"norm{block}")
        channels = layer.get_weights()[0].shape[0]
        layer.set_weights([rng.uniform(0.5, 2.0, channels), rng.uniform(-0.5, 0.5, channels),
                           rng.uniform(-0.2, 0.2, channels), rng.uniform(0.3, 2.0, channels)])
    identity = keras.models.clone_model(model)
    identity.set_weights(model.get_weights())
    for block in (1, 2, 3):
        layer = identity.get_layer(f"norm{block}")
        ones = np.ones(layer.get_weights()[0].shape[0])
        layer.set_weights([ones, 0 * ones, 0 * ones, ones])
    flatbuffer = convert_all(model, mnist["x_train"][:64], variants=("int8",))["int8"]
    path = tmp_path / "blocks3.tflite"
    path.write_bytes(flatbuffer)
    interpreter = load_interpreter_class()[0](model_content=flatbuffer)
    ops = [detail["op_name"] for detail in interpreter._get_ops_details()]
    # as the bundled model's: the Flatten's batch-size ops (SHAPE, STRIDED_SLICE, PACK) too
    assert ops.count("CONV_2D") == 3 and ops.count("FULLY_CONNECTED") == 2, ops
    assert set(ops) <= {"CONV_2D", "MAX_POOL_2D", "SHAPE", "STRIDED_SLICE", "PACK", "RESHAPE",
                        "FULLY_CONNECTED", "SOFTMAX"}, ops  # no MUL / ADD of a normalization
    test = mnist["x_test"][:200]
    with DigitClassifier(path) as classifier:
        ours = classifier.classify(test)
    with_norm = model.predict(to_input(test), verbose=0)
    without = identity.predict(to_input(test), verbose=0)
    error, effect = np.abs(ours - with_norm).mean(), np.abs(without - with_norm).mean()
    assert error < 0.2 * effect, (error, effect)


def test_averaged_members_are_one_graph_computing_the_mean_of_their_probabilities(mnist,
                                                                                   tmp_path):
    """``average``: networks trained apart, averaged in one model. Keras and the int8 model
    the runtime loads compute the mean of the members' probabilities, not either member's."""
    import keras

    from edge_digits.classify import DigitClassifier
    from export.network import average
    from export.quantize import convert_all

    members = []
    for seed in (1, 2):
        keras.utils.set_random_seed(seed)
        members.append(build_sequential(num_classes=11))
    pair = average(members)
    assert pair.count_params() == 2 * (REFERENCE_PARAMS + 65)
    names = [layer["name"] for layer in architecture(pair)]
    assert names[:2] == ["member1/conv1", "member1/pool1"] and "member2/dense1" in names
    assert names[-1] == "probabilities" and len(names) == 2 * len(DESIGN) + 1
    digits = mnist["x_test"][:200]
    first, second = (member.predict(to_input(digits), verbose=0) for member in members)
    both = pair.predict(to_input(digits), verbose=0)
    np.testing.assert_allclose(both, (first + second) / 2, atol=1e-6)
    assert np.abs(first - second).mean() > 1e-3  # the members differ: the mean is neither
    path = tmp_path / "pair.tflite"
    path.write_bytes(convert_all(pair, mnist["x_train"][:64], variants=("int8",))["int8"])
    with DigitClassifier(path) as classifier:
        ours = classifier.classify(digits)
    assert ours.shape == (200, 11)
    assert np.abs(ours - both).mean() < 0.2 * np.abs(first - second).mean()
    with pytest.raises(ValueError):
        average([])


def test_blocks2x2_rearranges_pixel_blocks_into_channels_and_runs_as_int8(mnist, tmp_path):
    """The cheaper first layer: the 28x28 input as 14x14 blocks of 2x2 pixels in 4 channels
    (every pixel exactly once, in block order), then the convolutions; converted to int8,
    the runtime feeds it 28x28x1 as any model and computes what Keras computes."""
    import keras

    from edge_digits.classify import DigitClassifier
    from export.network import build_blocks2x2
    from export.quantize import convert_all

    keras.utils.set_random_seed(4)
    model = build_blocks2x2(num_classes=11)
    shapes = [(layer["type"], layer["output_shape"]) for layer in architecture(model)]
    assert shapes == [
        ("Reshape", [None, 14, 2, 14, 2]), ("Permute", [None, 14, 14, 2, 2]),
        ("Reshape", [None, 14, 14, 4]), ("Conv2D", [None, 12, 12, 16]),
        ("Conv2D", [None, 10, 10, 32]), ("MaxPooling2D", [None, 5, 5, 32]),
        ("Flatten", [None, 800]), ("Dense", [None, 64]), ("Dropout", [None, 64]),
        ("Dense", [None, 11])]
    wide = [layer["output_shape"][-1] for layer in architecture(build_blocks2x2(width=1.5))]
    assert wide[3:6] == [24, 48, 48] and wide[-1] == 10
    with pytest.raises(ValueError):
        build_blocks2x2(width=0)
    # channel c of block (i, j) is pixel (2i + c // 2, 2j + c % 2)
    blocks = keras.Model(model.inputs, model.get_layer("space_to_depth").output)
    image = np.arange(28 * 28, dtype=np.float32).reshape(1, 28, 28, 1)
    out = blocks.predict(image, verbose=0)[0]
    assert out[3, 5].tolist() == [image[0, 6, 10, 0], image[0, 6, 11, 0],
                                  image[0, 7, 10, 0], image[0, 7, 11, 0]]
    assert sorted(out.ravel().tolist()) == sorted(image.ravel().tolist())
    flatbuffer = convert_all(model, mnist["x_train"][:64], variants=("int8",))["int8"]
    path = tmp_path / "blocks2x2.tflite"
    path.write_bytes(flatbuffer)
    test = mnist["x_test"][:200]
    expected = model.predict(to_input(test), verbose=0)
    with DigitClassifier(path) as classifier:
        ours = classifier.classify(test)
    assert ours.shape == (200, 11)
    assert np.abs(ours - expected).mean() < 0.01, np.abs(ours - expected).mean()
    other = build_blocks2x2(num_classes=11).predict(to_input(test), verbose=0)
    assert np.abs(other - expected).mean() > 0.01  # and the comparison can fail


def test_fast_form_computes_the_reference_function_and_converts_to_the_same_integers(
        mnist, tmp_path):
    """``fast_form``: conv1 -> ReLU -> MaxPool over 2x2 pixel blocks. Keras computes the
    same probabilities (a single network and an average of two), and converted to int8
    with the same calibration digits both graphs give the same integers."""
    import keras

    from edge_digits.backends import load_interpreter_class
    from export.network import average, fast_form
    from export.quantize import convert_all

    keras.utils.set_random_seed(6)
    model = build_sequential(num_classes=11, width=1.5)
    rng = np.random.default_rng(6)  # biases off zero, so a misplaced one would show
    model.set_weights([w + rng.normal(0, 0.05, w.shape).astype(np.float32)
                       for w in model.get_weights()])
    fast = fast_form(model)
    names = [layer["name"] for layer in architecture(fast)]
    assert names[:9] == ["rows_cols", "blocks", "space_to_depth", "conv1_blocks",
                         "window_positions", "pool1", "pool1_grid", "pooled_rows", "conv2"]
    assert fast.get_layer("conv1_blocks").output.shape[1:] == (13, 13, 96)
    assert fast.get_layer("pooled_rows").output.shape[1:] == (12, 12, 24)
    digits = to_input(mnist["x_test"][:300])
    expected = model.predict(digits, verbose=0)
    np.testing.assert_allclose(fast.predict(digits, verbose=0), expected, atol=1e-5)
    pair = average([model, build_sequential(num_classes=11, width=1.5)])
    np.testing.assert_allclose(fast_form(pair).predict(digits, verbose=0),
                               pair.predict(digits, verbose=0), atol=1e-5)
    with pytest.raises(ValueError, match="reference design"):
        fast_form(build_blocks2x2_for_test())
    calibration = mnist["x_train"][:64]
    plain = convert_all(model, calibration, variants=("int8",))["int8"]
    quick = convert_all(fast, calibration, variants=("int8",))["int8"]
    outputs = []
    for flatbuffer in (plain, quick):
        interpreter = load_interpreter_class()[0](model_content=flatbuffer)
        source = interpreter.get_input_details()[0]["index"]
        interpreter.resize_tensor_input(source, [300, 28, 28, 1])
        interpreter.allocate_tensors()
        pixels = (mnist["x_test"][:300] ^ np.uint8(0x80)).view(np.int8)[..., None]
        interpreter.set_tensor(source, pixels)
        interpreter.invoke()
        outputs.append(interpreter.get_tensor(interpreter.get_output_details()[0]["index"]))
        ops = [detail["op_name"] for detail in interpreter._get_ops_details()]
    np.testing.assert_array_equal(outputs[0], outputs[1])
    assert ops.count("CONV_2D") == 2 and "TRANSPOSE" in ops and ops.count("MAX_POOL_2D") == 2


def build_blocks2x2_for_test():
    from export.network import build_blocks2x2

    return build_blocks2x2(num_classes=11)
