"""``python -m export.regraph``: an exported int8 model in the faster graph, the same
integers out, or refused."""
from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.host

from edge_digits.models import DEFAULT_MODEL  # noqa: E402
from export import regraph  # noqa: E402


@pytest.fixture(scope="module")
def old_new(mnist):
    """A reference-design int8 model in the graph as trained (1.5x width, 11 classes, one
    quick epoch on 3,000 digits) and the same regraphed."""
    import keras

    from export.network import build_sequential
    from export.quantize import convert_all
    from export.train import to_input

    keras.utils.set_random_seed(8)
    model = build_sequential(num_classes=11, width=1.5)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(to_input(mnist["x_train"][:3000]), mnist["y_train"][:3000], epochs=1,
              batch_size=128, verbose=0)
    old = convert_all(model, mnist["x_train"][:200], variants=("int8",))["int8"]
    return old, regraph.regraph(old)


@pytest.fixture
def source(old_new, tmp_path):
    """An export folder holding the old model with the bundled manifest describing it."""
    folder = tmp_path / "source"
    folder.mkdir()
    (folder / "digits_int8.tflite").write_bytes(old_new[0])
    manifest = json.loads((DEFAULT_MODEL.parent / "manifest.json").read_text())
    manifest["sha256"] = regraph.artifacts.sha256_bytes(old_new[0])
    manifest.pop("regraphed", None)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_regraphed_model_gives_the_same_integers_in_the_fast_graph(old_new, mnist):
    from edge_digits.backends import load_interpreter_class

    old, new = old_new
    assert regraph.check_same_outputs(old, new, mnist["x_test"][:2000]) == 2000
    interpreter = load_interpreter_class()[0](model_content=new)
    ops = [detail["op_name"] for detail in interpreter._get_ops_details()]
    assert "TRANSPOSE" in ops and ops.count("CONV_2D") == 2
    first = interpreter.get_tensor_details()
    assert any(list(detail["shape"]) == [96, 2, 2, 4] for detail in first)  # conv1's kernel
    # the outputs are not all alike: the comparison above can fail
    assert len(np.unique(regraph.outputs(new, mnist["x_test"][:200]).argmax(axis=1))) == 10


def test_regraph_refuses_a_model_whose_outputs_would_change(old_new, mnist):
    from tensorflow.lite.tools import flatbuffer_utils

    old, new = old_new
    model = flatbuffer_utils.read_model_from_bytearray(bytearray(new))
    bias = regraph._one(model, "conv1_blocks", regraph.INT32)
    values = np.frombuffer(bytes(bytearray(model.buffers[bias.buffer].data)), np.int32).copy()
    values[len(values) // 4:] += 5000  # the filters at three of the window's positions
    model.buffers[bias.buffer].data = np.frombuffer(values.tobytes(), np.uint8).copy()
    changed = bytes(flatbuffer_utils.convert_object_to_bytearray(model))
    with pytest.raises(regraph.RegraphError, match="differ on"):
        regraph.check_same_outputs(old, changed, mnist["x_test"][:500])


def test_regraph_refuses_what_is_not_the_reference_design(old_new, source, tmp_path, capsys):
    old, new = old_new
    with pytest.raises(regraph.RegraphError, match="fast graph already"):
        regraph.regraph(new)
    with pytest.raises(regraph.RegraphError, match="not a TFLite model"):
        regraph.regraph(b"not a model at all")
    # the command line: one line on stderr, exit 2, nothing written
    (source / "digits_int8.tflite").write_bytes(new)
    manifest = json.loads((source / "manifest.json").read_text())
    manifest["sha256"] = regraph.artifacts.sha256_bytes(new)
    (source / "manifest.json").write_text(json.dumps(manifest))
    from tests.conftest import mnist_path

    code = regraph.main([str(source), str(tmp_path / "out"), "--mnist", str(mnist_path())])
    assert code == 2 and not (tmp_path / "out").exists()
    assert "fast graph already" in capsys.readouterr().err


def test_regraph_folder_writes_the_pair_with_its_provenance(old_new, source, tmp_path, mnist):
    out = tmp_path / "regraphed"
    manifest = regraph.regraph_folder(source, out, mnist["x_test"][:300], "test")
    data = (out / "digits_int8.tflite").read_bytes()
    written = json.loads((out / "manifest.json").read_text())
    assert written == manifest and written["sha256"] == regraph.artifacts.sha256_bytes(data)
    assert written["regraphed"]["from_sha256"] == regraph.artifacts.sha256_bytes(old_new[0])
    assert written["regraphed"]["identical_outputs_on"] == "300 MNIST test digits"
    assert written["size_bytes"] == len(data) and "fast_form" in written["architecture"]["graph"]
    assert data == old_new[1]
