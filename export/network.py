"""The reference CNN of the design, built with the Sequential and with the Functional API.

    Conv2D 16 3x3 -> ReLU -> MaxPool 2 -> Conv2D 32 3x3 -> ReLU -> MaxPool 2 -> Flatten
    -> Dense 64 -> ReLU -> Dropout 0.2 -> Dense 10 -> softmax         (56,714 parameters)

    >>> model = build_sequential()          # or build_functional(); num_classes=11 adds 'none'
    >>> wide = build_sequential(width=2)    # the same design with twice the filters and units
    >>> deeper = build_blocks3(num_classes=11)  # not the reference: three batch-normalized blocks
    >>> cheap = build_blocks2x2(num_classes=11)  # not the reference: 2x2 pixel blocks as channels
    >>> pair = average([first, second])         # trained apart, averaged in one graph
    >>> fast = fast_form(model)                 # the same function, cheaper to run as int8

Both builders give the same layers with the same names and shapes (tests/test_network.py
checks that they compute the same function for the same weights). Input: (28, 28, 1)
float32 in 0..1 (pixel / 255).
"""
from __future__ import annotations

import keras
import numpy as np
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


def build_blocks3(num_classes: int = 10, dropout_rate: float = DROPOUT_RATE,
                  width: float = 1) -> keras.Model:
    """Not the reference design: three blocks of Conv2D 3x3 ('same') -> batch normalization
    -> ReLU -> MaxPool 2 (24, 48, 64 filters at ``width`` 1; 28 -> 14 -> 7 -> 3), then
    Dense 96 -> ReLU -> Dropout -> Dense. Batch normalization folds into the convolutions
    when converted, so the int8 model is three convolutions and two dense layers (~3.6
    million multiply-adds a digit at width 1, 2.4x the 1.5x-width reference's)."""
    if width <= 0:
        raise ValueError(f"width must be positive, got {width}")
    inputs = keras.Input(INPUT_SHAPE, name="pixels")
    tensor = inputs
    for block, filters in enumerate((24, 48, 64), start=1):
        tensor = layers.Conv2D(round(filters * width), 3, padding="same", use_bias=False,
                               name=f"conv{block}")(tensor)
        tensor = layers.BatchNormalization(name=f"norm{block}")(tensor)
        tensor = layers.ReLU(name=f"relu{block}")(tensor)
        tensor = layers.MaxPooling2D(2, name=f"pool{block}")(tensor)
    tensor = layers.Flatten(name="flatten")(tensor)
    tensor = layers.Dense(round(96 * width), activation="relu", name="dense1")(tensor)
    tensor = layers.Dropout(dropout_rate, name="dropout")(tensor)
    outputs = layers.Dense(num_classes, activation="softmax", name="probabilities")(tensor)
    return keras.Model(inputs, outputs, name="digits_cnn_blocks3")


def build_blocks2x2(num_classes: int = 10, dropout_rate: float = DROPOUT_RATE,
                    width: float = 1) -> keras.Model:
    """Not the reference design: a cheaper first layer. The 28x28 input is rearranged into
    14x14 blocks of 2x2 pixels as 4 channels (space-to-depth: exact, no arithmetic; in the
    int8 model a RESHAPE, a TRANSPOSE and a RESHAPE), then Conv2D 16 3x3 -> ReLU -> Conv2D
    32 3x3 -> ReLU -> MaxPool 2 -> the reference's dense head (5x5x32 = 800 inputs, as the
    reference's). The input the runtime feeds stays 28x28x1. A 3x3 convolution over four
    channels uses the int8 kernels far better than the reference's over one: 22 µs a digit
    in a batch of 8 at width 1 against the reference's 49 (BENCHMARKS.md)."""
    if width <= 0:
        raise ValueError(f"width must be positive, got {width}")
    inputs = keras.Input(INPUT_SHAPE, name="pixels")
    tensor = layers.Reshape((14, 2, 14, 2), name="rows_cols")(inputs)
    tensor = layers.Permute((1, 3, 2, 4), name="blocks")(tensor)
    tensor = layers.Reshape((14, 14, 4), name="space_to_depth")(tensor)
    tensor = layers.Conv2D(round(16 * width), 3, activation="relu", name="conv1")(tensor)
    tensor = layers.Conv2D(round(32 * width), 3, activation="relu", name="conv2")(tensor)
    tensor = layers.MaxPooling2D(2, name="pool2")(tensor)
    tensor = layers.Flatten(name="flatten")(tensor)
    tensor = layers.Dense(round(64 * width), activation="relu", name="dense1")(tensor)
    tensor = layers.Dropout(dropout_rate, name="dropout")(tensor)
    outputs = layers.Dense(num_classes, activation="softmax", name="probabilities")(tensor)
    return keras.Model(inputs, outputs, name="digits_cnn_blocks2x2")


def average(members: list[keras.Model]) -> keras.Model:
    """One model whose output is the mean of ``members``' probabilities (an ensemble in one
    graph: the runtime makes one interpreter call a batch). Networks trained apart (their
    own seeds and batch orders) agree on what they read right more than on what they read
    wrong, so averaged they read fewer crops surely wrong. Each member is renamed
    ``member1``, ``member2``, ... (layer names are unique in a model)."""
    if len(members) < 2:
        raise ValueError(f"average needs two members or more, got {len(members)}")
    inputs = keras.Input(INPUT_SHAPE, name="pixels")
    renamed = [keras.Model(member.inputs[0], member.outputs[0], name=f"member{k}")
               for k, member in enumerate(members, start=1)]
    outputs = [member(inputs) for member in renamed]
    return keras.Model(inputs, layers.Average(name="probabilities")(outputs),
                       name=f"{members[0].name}_x{len(members)}")


def blocks_kernel(kernel: np.ndarray) -> np.ndarray:
    """conv1's kernel (3, 3, 1, filters), Keras' layout, as :func:`fast_form`'s 2x2 kernel
    over 2x2 pixel blocks (2, 2, 4, 4 x filters): output ``p * filters + f`` is filter ``f``
    at position ``p`` = (row, column) of the pooling window, zeros where it does not reach.
    Any dtype (the int8 kernel of a converted model too: :mod:`export.regraph`)."""
    filters = kernel.shape[-1]
    placed = np.zeros((2, 2, 4, 4 * filters), kernel.dtype)
    for position in range(4):
        row, col = divmod(position, 2)
        for y in range(4):  # pixel (y, x) of the 4x4 input window: block (y // 2, x // 2),
            for x in range(4):  # channel (y % 2) * 2 + x % 2
                if 0 <= y - row < 3 and 0 <= x - col < 3:
                    placed[y // 2, x // 2, (y % 2) * 2 + x % 2,
                           position * filters:(position + 1) * filters] = \
                        kernel[y - row, x - col, 0]
    return placed


def fast_form(model: keras.Model) -> keras.Model:
    """The same function as a reference-design network (any width, any classes; or an
    :func:`average` of them), in a graph that runs in some 0.7 of the time as int8.

    The reference's first layer, a 3x3 convolution over one channel, makes poor use of the
    int8 kernels (a third of the network's time for a tenth of its multiply-adds). Here
    the input is read as 14x14 blocks of 2x2 pixels in 4 channels, and conv1 -> ReLU ->
    MaxPool 2 becomes a 2x2 convolution over the blocks with four outputs per filter (the
    filter at each of the four positions a pooling window covers, its 3x3 kernel placed in
    4x4 with zeros), ReLU, and the largest of the four: each 13x13 output is the pooled
    output of the reference exactly. conv2 is given the 12x12 of its 13x13 input that
    MaxPool 2 after it uses (the reference computes an 11th row and column and pools them
    away). Weights are copied; the int8 conversion of both forms quantizes the same values
    with the same ranges."""
    if any(isinstance(layer, keras.Model) for layer in model.layers):  # an average
        return average([fast_form(layer) for layer in model.layers
                        if isinstance(layer, keras.Model)])
    names = [layer.name for layer in model.layers]
    if "conv1" not in names or "pool1" not in names:
        raise ValueError(f"fast_form needs the reference design's conv1 and pool1; "
                         f"{model.name!r} has {names}")
    conv1 = model.get_layer("conv1")
    if (tuple(model.inputs[0].shape[1:]) != INPUT_SHAPE or conv1.kernel_size != (3, 3)
            or conv1.strides != (1, 1) or conv1.padding != "valid"
            or model.get_layer("pool1").pool_size != (2, 2)):
        raise ValueError(f"fast_form needs the reference design's conv1 and pool1; "
                         f"{model.name!r} has others")
    kernel, bias = conv1.get_weights()  # (3, 3, 1, filters), (filters,)
    filters = kernel.shape[-1]
    inputs = keras.Input(INPUT_SHAPE, name="pixels")
    tensor = layers.Reshape((14, 2, 14, 2), name="rows_cols")(inputs)
    tensor = layers.Permute((1, 3, 2, 4), name="blocks")(tensor)
    tensor = layers.Reshape((14, 14, 4), name="space_to_depth")(tensor)
    blocks_conv = layers.Conv2D(4 * filters, 2, activation="relu", name="conv1_blocks")
    tensor = blocks_conv(tensor)
    tensor = layers.Reshape((13 * 13, 4, filters), name="window_positions")(tensor)
    tensor = layers.MaxPooling2D((1, 4), name="pool1")(tensor)
    tensor = layers.Reshape((13, 13, filters), name="pool1_grid")(tensor)
    tensor = layers.Cropping2D(((0, 1), (0, 1)), name="pooled_rows")(tensor)
    blocks_conv.set_weights([blocks_kernel(kernel), np.tile(bias, 4)])
    rest = model.layers[model.layers.index(model.get_layer("pool1")) + 1:]
    copies = []
    for layer in rest:
        copy = type(layer).from_config(layer.get_config())
        tensor = copy(tensor)
        copies.append((copy, layer))
    for copy, layer in copies:
        copy.set_weights(layer.get_weights())
    return keras.Model(inputs, tensor, name=f"{model.name}_fast")


#: builder name -> function; "sequential" and "functional" build the reference network
BUILDERS = {"sequential": build_sequential, "functional": build_functional,
            "blocks3": build_blocks3, "blocks2x2": build_blocks2x2}
REFERENCE_BUILDERS = ("sequential", "functional")


def architecture(model: keras.Model) -> list[dict]:
    """The layers as plain data for the manifest: name, type, output shape, parameters;
    the layers of an averaged model's members as ``member1/conv1``, ..."""
    found = []
    for layer in model.layers:
        if isinstance(layer, layers.InputLayer):
            continue
        if isinstance(layer, keras.Model):
            found += [{**entry, "name": f"{layer.name}/{entry['name']}"}
                      for entry in architecture(layer)]
            continue
        found.append({"name": layer.name, "type": type(layer).__name__,
                      "output_shape": [None if d is None else int(d) for d in layer.output.shape],
                      "params": int(layer.count_params())})
    return found
