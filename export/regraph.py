"""An exported int8 model of the reference design in the faster graph, bit for bit the same
outputs: ``python -m export.regraph``.

    python -m export.regraph edge_digits/models artifacts/regraphed --mnist ../shared/data/mnist.npz
    python -m export.bundle artifacts/regraphed        # then bundle it, as any export

``make export`` converts new models in :func:`export.network.fast_form`'s graph already;
this converts a model exported before, without its Keras file or its calibration digits.
The graph is that of a network of the same shape converted through ``fast_form``; every
weight, bias and quantization parameter is then copied from the old model (conv1's kernel
placed at the four positions of a pooling window, its scales and biases repeated), so both
compute the same integers. The new model is written only when its outputs equal the old
one's on every MNIST test digit. Exit 0 on success, 2 on bad input or a refused model.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import sys
from pathlib import Path

import numpy as np

from . import artifacts
from .errors import ExportError

INT8, INT32 = 9, 2  #: TFLite tensor types
#: ops that only move int8 values: their output keeps their input's quantization
MOVERS = ("RESHAPE", "TRANSPOSE", "MAX_POOL_2D", "STRIDED_SLICE")


class RegraphError(ExportError):
    """A model that is not the reference design, or whose outputs would change."""


def _layer(name: str) -> str | None:
    """The Keras layer a converted tensor belongs to ('.../conv2_1/Relu;...' -> 'conv2')."""
    for key in ("conv1_blocks", "conv1", "conv2", "dense1", "probabilities"):
        if f"/{key}_1/" in name or f"/{key}/" in name:
            return key
    return None


def _constants(model, layer: str, kind: int) -> list:
    """The tensors of ``layer``'s weights (``kind`` int8) or bias (int32) that hold data."""
    return [tensor for tensor in model.subgraphs[0].tensors
            if _layer(tensor.name.decode()) == layer and tensor.type == kind
            and model.buffers[tensor.buffer].data is not None
            and len(model.buffers[tensor.buffer].data)]


def _one(model, layer: str, kind: int):
    found = _constants(model, layer, kind)
    if len(found) != 1:
        raise RegraphError(f"expected one {'weights' if kind == INT8 else 'bias'} tensor of "
                           f"{layer}, found {len(found)}: not the reference design")
    return found[0]


def _copy_quantization(target, source) -> None:
    target.quantization = copy.deepcopy(source.quantization)


def _outputs_of(model, op_name: str) -> list:
    from tensorflow.lite.tools import flatbuffer_utils

    graph = model.subgraphs[0]
    return [graph.tensors[op.outputs[0]] for op in graph.operators
            if flatbuffer_utils.opcode_to_name(model, op.opcodeIndex) == op_name]


def regraph(old_bytes: bytes) -> bytes:
    """The int8 reference-design model ``old_bytes`` in the fast graph (not yet checked:
    :func:`check_same_outputs`)."""
    import keras
    from tensorflow.lite.tools import flatbuffer_utils

    from .network import blocks_kernel, build_sequential, fast_form
    from .quantize import convert_all

    try:
        old = flatbuffer_utils.read_model_from_bytearray(bytearray(old_bytes))
    except Exception as exc:  # the flatbuffer library raises anything on garbage
        raise RegraphError(f"not a TFLite model ({type(exc).__name__}: {exc})") from None
    if _constants(old, "conv1_blocks", INT8):
        raise RegraphError("the model is in the fast graph already")
    conv1 = _one(old, "conv1", INT8)
    if list(conv1.shape)[1:] != [3, 3, 1]:
        raise RegraphError(f"conv1 is {list(conv1.shape)}, not the reference design's "
                           "(filters, 3, 3, 1)")
    filters = int(conv1.shape[0])
    classes = int(old.subgraphs[0].tensors[old.subgraphs[0].outputs[0]].shape[-1])
    # a network of the same shape, with non-zero weights (the converter would share
    # constants of zeros between layers), converted through fast_form: the graph
    keras.utils.set_random_seed(0)
    shape = build_sequential(classes, width=filters / 16)
    rng = np.random.default_rng(0)
    shape.set_weights([rng.normal(0, 0.1, w.shape).astype(np.float32)
                       for w in shape.get_weights()])
    calibration = rng.integers(0, 256, (16, 28, 28), dtype=np.uint8)
    new = flatbuffer_utils.read_model_from_bytearray(bytearray(
        convert_all(fast_form(shape), calibration, variants=("int8",))["int8"]))
    buffers = lambda model, tensor: model.buffers[tensor.buffer]  # noqa: E731
    for layer in ("conv2", "dense1", "probabilities"):
        for kind in (INT8, INT32):
            source, target = _one(old, layer, kind), _one(new, layer, kind)
            if list(source.shape) != list(target.shape):
                raise RegraphError(f"{layer} is {list(source.shape)}, expected "
                                   f"{list(target.shape)}: not the reference design")
            buffers(new, target).data = np.array(buffers(old, source).data, np.uint8)
            _copy_quantization(target, source)
    kernel = np.frombuffer(bytes(bytearray(buffers(old, conv1).data)), np.int8)
    source_bias = _one(old, "conv1", INT32)
    bias = np.frombuffer(bytes(bytearray(buffers(old, source_bias).data)), np.int32)
    target_kernel, target_bias = _one(new, "conv1_blocks", INT8), _one(new, "conv1_blocks", INT32)
    # TFLite's kernels are (out, height, width, in), Keras' (height, width, in, out)
    placed = blocks_kernel(kernel.reshape(filters, 3, 3, 1).transpose(1, 2, 3, 0))
    placed = placed.transpose(3, 0, 1, 2)
    buffers(new, target_kernel).data = np.frombuffer(placed.tobytes(), np.uint8).copy()
    buffers(new, target_bias).data = np.frombuffer(np.tile(bias, 4).tobytes(), np.uint8).copy()
    for target, source in ((target_kernel, conv1), (target_bias, source_bias)):
        _copy_quantization(target, source)
        target.quantization.scale = list(source.quantization.scale) * 4
        target.quantization.zeroPoint = list(source.quantization.zeroPoint) * 4
    # activations: each computing op's output takes the old one's quantization ...
    for op_name in ("CONV_2D", "FULLY_CONNECTED", "SOFTMAX"):
        for target, source in zip(_outputs_of(new, op_name), _outputs_of(old, op_name),
                                  strict=True):
            _copy_quantization(target, source)
    graph, old_graph = new.subgraphs[0], old.subgraphs[0]
    _copy_quantization(graph.tensors[graph.inputs[0]], old_graph.tensors[old_graph.inputs[0]])
    # ... and ops that only move values keep their input's (in graph order)
    for op in graph.operators:
        if flatbuffer_utils.opcode_to_name(new, op.opcodeIndex) in MOVERS:
            source, target = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
            if source.type == INT8:
                _copy_quantization(target, source)
    return bytes(flatbuffer_utils.convert_object_to_bytearray(new))


def outputs(model_bytes: bytes, digits: np.ndarray) -> np.ndarray:
    """The int8 outputs of ``model_bytes`` for uint8 ``digits`` (N, 28, 28), fed as the
    runtime feeds them."""
    from edge_digits.backends import load_interpreter_class

    interpreter = load_interpreter_class()[0](model_content=model_bytes, num_threads=1)
    source = interpreter.get_input_details()[0]["index"]
    interpreter.resize_tensor_input(source, [len(digits), 28, 28, 1])
    interpreter.allocate_tensors()
    interpreter.set_tensor(source, (digits ^ np.uint8(0x80)).view(np.int8)[..., None])
    interpreter.invoke()
    return interpreter.get_tensor(interpreter.get_output_details()[0]["index"]).copy()


def check_same_outputs(old_bytes: bytes, new_bytes: bytes, digits: np.ndarray) -> int:
    """The number of ``digits`` checked; raises :class:`RegraphError` when any output of
    the two models differs."""
    before, after = outputs(old_bytes, digits), outputs(new_bytes, digits)
    differ = np.any(before != after, axis=1)
    if differ.any():
        raise RegraphError(f"refused: the new graph's outputs differ on {int(differ.sum())} of "
                           f"{len(digits)} digits (largest difference "
                           f"{int(np.abs(before.astype(int) - after).max())} steps)")
    return len(digits)


def regraph_folder(source: Path, out: Path, digits: np.ndarray, command: str) -> dict:
    """Regraph ``source``'s int8 model into ``out`` with its manifest updated; the new
    manifest."""
    from .bundle import MODEL_NAME, read_pair

    old_bytes, _, manifest = read_pair(source)
    new_bytes = regraph(old_bytes)
    checked = check_same_outputs(old_bytes, new_bytes, digits)
    manifest = copy.deepcopy(manifest)
    manifest["sha256"] = artifacts.sha256_bytes(new_bytes)
    manifest["size_bytes"] = len(new_bytes)
    if isinstance(manifest.get("variants", {}).get("int8"), dict):
        manifest["variants"]["int8"]["size_bytes"] = len(new_bytes)
    manifest.setdefault("architecture", {})["graph"] = (
        "export.network.fast_form: conv1 -> ReLU -> MaxPool as a 2x2 convolution over 2x2 "
        "pixel blocks and the largest of four (the same function)")
    manifest["regraphed"] = {"from_sha256": artifacts.sha256_bytes(old_bytes),
                             "identical_outputs_on": f"{checked} MNIST test digits",
                             "command": command}
    artifacts.commit(artifacts.ensure_writable(out), {
        MODEL_NAME: new_bytes, "manifest.json": artifacts.manifest_bytes(manifest)})
    return manifest


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m export.regraph",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="folder with digits_int8.tflite and "
                        "manifest.json (an export, or edge_digits/models)")
    parser.add_argument("out", type=Path, help="folder to write the regraphed pair into")
    parser.add_argument("--mnist", help="Keras-format mnist.npz (default: $EDGE_DIGITS_MNIST, "
                        "else keras.datasets.mnist.load_data())")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from .data import load_mnist

    try:
        mnist = load_mnist(args.mnist or os.environ.get("EDGE_DIGITS_MNIST") or None)
        manifest = regraph_folder(args.source, args.out, mnist.x_test,
                                  "python -m export.regraph " + " ".join(
                                      argv if argv is not None else sys.argv[1:]))
    except ExportError as exc:
        print(f"regraph: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.out / 'digits_int8.tflite'} ({manifest['size_bytes']} bytes, sha256 "
          f"{manifest['sha256'][:16]}...): {manifest['regraphed']['identical_outputs_on']} "
          "read the same")
    return 0


if __name__ == "__main__":
    sys.exit(main())
