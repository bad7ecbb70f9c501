"""The reference CNN of the design, built with the Sequential and with the Functional API.

    Conv2D 16 3x3 -> ReLU -> MaxPool 2 -> Conv2D 32 3x3 -> ReLU -> MaxPool 2 -> Flatten
    -> Dense 64 -> ReLU -> Dropout 0.2 -> Dense 10 -> softmax         (56,714 parameters)

    >>> model = build_sequential()          # or build_functional(); num_classes=11 adds 'none'
    >>> wide = build_sequential(width=2)    # the same design with twice the filters and units

Both builders give the same layers with the same names and shapes (tests/test_network.py
checks that they compute the same function for the same weights). Input: (28, 28, 1)
float32 in 0..1 (pixel / 255).
"""
from __future__ import annotations

import keras
from keras import layers

INPUT_SHAPE = (28, 28, 1)
DROPOUT_RATE = 0.2
REFERENCE_PARAMS = 56_714  #: parameters of the 10-class network


def _layer_specs(num_classes: int, dropout_rate: float, width: float = 1) -> list:
    """The layers in order, fresh instances each call (a layer belongs to one model).

    ``width`` scales the filters and hidden units (1: the reference design).
    """
    if width <= 0:
        raise ValueError(f"width must be positive, got {width}")
    return [
        layers.Conv2D(round(16 * width), 3, activation="relu", name="conv1"),
        layers.MaxPooling2D(2, name="pool1"),
        layers.Conv2D(round(32 * width), 3, activation="relu", name="conv2"),
        layers.MaxPooling2D(2, name="pool2"),
        layers.Flatten(name="flatten"),
        layers.Dense(round(64 * width), activation="relu", name="dense1"),
        layers.Dropout(dropout_rate, name="dropout"),
        layers.Dense(num_classes, activation="softmax", name="probabilities"),
    ]


def build_sequential(num_classes: int = 10, dropout_rate: float = DROPOUT_RATE,
                     width: float = 1) -> keras.Model:
    """The reference network as a ``keras.Sequential``."""
    return keras.Sequential([keras.Input(INPUT_SHAPE, name="pixels"),
                             *_layer_specs(num_classes, dropout_rate, width)], name="digits_cnn")


def build_functional(num_classes: int = 10, dropout_rate: float = DROPOUT_RATE,
                     width: float = 1) -> keras.Model:
    """The same network with the Functional API."""
    inputs = keras.Input(INPUT_SHAPE, name="pixels")
    tensor = inputs
    for layer in _layer_specs(num_classes, dropout_rate, width):
        tensor = layer(tensor)
    return keras.Model(inputs, tensor, name="digits_cnn")


BUILDERS = {"sequential": build_sequential, "functional": build_functional}


def architecture(model: keras.Model) -> list[dict]:
    """The layers as plain data for the manifest: name, type, output shape, parameters."""
    return [{"name": layer.name, "type": type(layer).__name__,
             "output_shape": [None if d is None else int(d) for d in layer.output.shape],
             "params": int(layer.count_params())}
            for layer in model.layers if not isinstance(layer, layers.InputLayer)]
