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
