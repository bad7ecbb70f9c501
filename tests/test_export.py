"""The export end to end on a small subset (one epoch), its artifacts, its gate and its failures.

One quick export is built once for the module; gating and writing are then exercised on it.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import replace

import numpy as np
import pytest

pytest.importorskip("tensorflow")
pytestmark = [pytest.mark.host, pytest.mark.slow]

from edge_digits.classify import DigitClassifier  # noqa: E402
from export import artifacts, pipeline, quantize  # noqa: E402
from export.__main__ import main  # noqa: E402
from export.errors import DataError, GateRefused, OutputError  # noqa: E402
from export.train import TrainSettings  # noqa: E402
from tests.conftest import missing, mnist_path  # noqa: E402


def _config(tmp_path, **changes):
    path = mnist_path()
    if path is None or not path.exists():
        missing("MNIST not found: set EDGE_DIGITS_MNIST")
    base = dict(mnist=str(path), out=tmp_path / "out", bundle_dir=tmp_path / "bundle",
                train=TrainSettings(epochs=1, batch_size=64, warmup_epochs=0.0), train_limit=4000, augment_copies=1,
                calibration_digits=64, camera_test_digits=500, verbose=0)
    base.update(changes)
    return pipeline.quick_config(**base)


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """A quick export, built in memory once (not yet gated or written)."""
    return pipeline.build(_config(tmp_path_factory.mktemp("quick")))


def _previous(folder):
    """Put a 'previous' model and manifest in ``folder``; return their bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {artifacts.MODEL_NAME: b"previous model bytes", artifacts.MANIFEST_NAME: b'{"old": 1}'}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


def _unchanged(folder, files):
    assert {name: (folder / name).read_bytes() for name in files} == files
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_quick_export_writes_verified_artifacts(quick, tmp_path):
    export = replace(quick, config=replace(quick.config, out=tmp_path / "out",
                                           bundle_dir=tmp_path / "bundle"))
    pipeline.publish(export)
    out, bundle = tmp_path / "out", tmp_path / "bundle"
    for name in ("digits_float32.tflite", "digits_float16.tflite", "digits_dynamic.tflite",
                 "digits_int8.tflite", "manifest.json", "model.keras", "training_curves.png",
                 "confusion_int8.png"):
        assert (out / name).stat().st_size > 0, name
    assert (out / "training_curves.png").read_bytes()[:4] == b"\x89PNG"
    assert sorted(p.name for p in bundle.iterdir()) == ["digits_int8.tflite", "manifest.json"]
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest == json.loads((out / "manifest.json").read_text())
    model_bytes = (bundle / "digits_int8.tflite").read_bytes()
    assert manifest["file"] == "digits_int8.tflite"
    assert manifest["sha256"] == hashlib.sha256(model_bytes).hexdigest()
    assert model_bytes == (out / "digits_int8.tflite").read_bytes()
    assert manifest["labels"] == [str(d) for d in range(10)]
    assert manifest["input"]["dtype"] == "int8" and manifest["output"]["dtype"] == "int8"
    assert manifest["input"]["shape"][1:] == [28, 28, 1]
    assert manifest["input"]["quantization"]["scale"] == pytest.approx(1 / 255)
    assert manifest["input"]["quantization"]["zero_point"] == -128
    assert manifest["architecture"]["params"] == 56_714
    assert set(manifest["accuracy"]) == {"keras", "float32", "float16", "dynamic", "int8"}
    assert len(manifest["data"]["sha256"]) == 64 and manifest["training"]["epochs"] == 1
    versions = manifest["versions"]
    assert "keras" in versions and "numpy" in versions
    assert "tensorflow" in versions or "tensorflow-cpu" in versions
    assert len(manifest["variants"]["int8"]["per_class_accuracy"]) == 10
    assert 0.5 < manifest["camera_test_accuracy"]["int8"] <= 1.0
    # what the augmentation drew, from the one dataclass the code draws with
    from dataclasses import asdict

    from export.augment import CAMERA
    assert manifest["training"]["augmentation"] == "camera"
    assert manifest["training"]["augmentation_details"] == json.loads(json.dumps(asdict(CAMERA)))
    assert manifest["training"]["augmentation_details"]["stroke_bands"] == [0.2, 0.2, 0.2, 0.15]
    # The runtime reads it with its manifest, and agrees with the Keras model it came from.
    x_test = np.load(mnist_path())["x_test"]
    with DigitClassifier(bundle / "digits_int8.tflite") as classifier:
        assert classifier.manifest["sha256"] == manifest["sha256"]
        int8 = classifier.classify(x_test[:2000]).argmax(axis=1)
    keras_predictions = quick.results["keras"].predictions[:2000]
    assert (int8 == keras_predictions).mean() >= 0.95
    assert quick.results["float32"].agreement >= 0.999
    assert quick.results["int8"].accuracy >= 0.70  # one epoch on 3,600 digits


def test_sizes_shrink_with_quantization(quick):
    sizes = {name: result.size_bytes for name, result in quick.results.items()}
    assert sizes["int8"] < sizes["float16"] < sizes["float32"]
    assert sizes["dynamic"] < sizes["float16"]


def test_int8_input_is_pixel_xor_0x80(quick):
    quantize.check_int8_input(quick.variants["int8"])  # raises if not scale 1/255, zp -128
    with pytest.raises(Exception, match="expected int8 scale 1/255"):
        quantize.check_int8_input(quick.variants["float32"])


def test_gate_refusal_leaves_previous_model_untouched(quick, tmp_path, capsys):
    previous_out, previous_bundle = _previous(tmp_path / "out"), _previous(tmp_path / "bundle")
    export = replace(quick, config=replace(quick.config, out=tmp_path / "out",
                                           bundle_dir=tmp_path / "bundle", gate=0.999))
    with pytest.raises(GateRefused) as caught:
        pipeline.publish(export)
    message = str(caught.value)
    assert "below the gate 99.90%" in message and "left untouched" in message
    assert "\n" not in message
    _unchanged(tmp_path / "out", previous_out)
    _unchanged(tmp_path / "bundle", previous_bundle)


def test_gate_refuses_a_large_drop_against_float():
    with pytest.raises(GateRefused, match="0.30 points below the float"):
        artifacts.check_gate(0.990, 0.993, gate=0.988)
    artifacts.check_gate(0.990, 0.992, gate=0.988)  # 0.2 points is allowed


def test_export_interrupted_halfway_leaves_previous_model_untouched(tmp_path, monkeypatch):
    previous = _previous(tmp_path / "bundle")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(pipeline.quantize, "convert_all", interrupted)  # after training
    with pytest.raises(KeyboardInterrupt):
        pipeline.run(_config(tmp_path, train_limit=1000))
    _unchanged(tmp_path / "bundle", previous)
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_failure_while_writing_leaves_previous_files(quick, tmp_path, monkeypatch):
    previous = _previous(tmp_path / "bundle")
    real_replace = artifacts.os.replace
    calls = []

    def failing_replace(source, target):
        calls.append(target)
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(artifacts.os, "replace", failing_replace)
    with pytest.raises(OutputError, match="No space left on device"):
        artifacts.commit(tmp_path / "bundle", {artifacts.MODEL_NAME: quick.variants["int8"],
                                               artifacts.MANIFEST_NAME: b"{}"})
    monkeypatch.setattr(artifacts.os, "replace", real_replace)
    assert calls
    _unchanged(tmp_path / "bundle", previous)


def test_unwritable_output_folder_fails_before_training(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match="a-file/out is not writable"):
        pipeline.run(_config(tmp_path, out=blocker / "out"))


def test_cli_bad_mnist_is_one_line_and_exit_2(tmp_path, capsys):
    code = main(["--mnist", str(tmp_path / "nope.npz"), "--quick", "--out", str(tmp_path / "o")])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("export: MNIST file not found") and "\n" not in err


@pytest.mark.parametrize("argv", [["--gate", "98.8"], ["--epochs", "0"], ["--threads", "-1"],
                                  ["--members", "0"]])
def test_cli_rejects_bad_options(argv, capsys):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert "expected" in capsys.readouterr().err


def test_cli_quick_export_does_not_bundle(tmp_path, monkeypatch):
    from export.__main__ import config_from, parse_args

    config = config_from(parse_args(["--quick", "--out", str(tmp_path)]))
    assert config.bundle_dir is None and config.train.epochs == 1
    default = config_from(parse_args([]))
    assert default.bundle_dir is None and default.train.epochs == 20  # make bundle does it
    none_class = config_from(parse_args(["--none-class"]))
    assert none_class.bundle_dir is None and str(none_class.out) == "artifacts/none-class"
    assert config_from(parse_args(["--members", "2"])).members == 2 and default.members == 1
    assert default.fast_graph and not config_from(parse_args(["--plain-graph"])).fast_graph
    with pytest.raises(DataError):
        pipeline.load_mnist(str(tmp_path / "missing.npz"))


def augment_again(x, config):
    """The pool made afresh, without the cache."""
    return pipeline._camera_pool(x, replace(config, cache_dir=None), "data-sha", lambda _: None)


def test_augmented_digits_are_cached_and_reused(tmp_path):
    config = _config(tmp_path, cache_dir=tmp_path / "cache", augment_copies=1)  # skips without MNIST
    x = np.load(mnist_path())["x_train"][:300]
    lines = []
    first = pipeline._camera_pool(x, config, "data-sha", lines.append)
    assert len(list((tmp_path / "cache").glob("camera-pool-*.npy"))) == 1 and not lines
    again = pipeline._camera_pool(x, config, "data-sha", lines.append)
    np.testing.assert_array_equal(first, again)
    assert lines and "from the cache" in lines[0]
    other = pipeline._camera_pool(x, replace(config, train=replace(config.train, seed=9)),
                                  "data-sha", lines.append)
    assert not np.array_equal(first, other)  # another seed is another cache entry
    assert len(list((tmp_path / "cache").glob("camera-pool-*.npy"))) == 2
    # the same shape, seed and settings but other digits (another split, another order):
    # never the pool of the first, whose variants would be paired with the wrong labels
    lines.clear()
    shuffled = pipeline._camera_pool(x[::-1], config, "data-sha", lines.append)
    assert not lines and len(list((tmp_path / "cache").glob("camera-pool-*.npy"))) == 3
    np.testing.assert_array_equal(shuffled, augment_again(x[::-1], config))


def test_none_class_export_has_eleven_labels(tmp_path):
    export = pipeline.build(_config(tmp_path, none_class=True, train_limit=2000,
                                    camera_test_digits=200, none_test_marks=200))
    manifest = export.manifest
    assert manifest["labels"] == [str(d) for d in range(10)] + ["none"]
    assert manifest["output"]["shape"][-1] == 11 and manifest["architecture"]["params"] == 56_779
    assert manifest["architecture"]["graph"].startswith("export.network.fast_form")
    metrics = manifest["none_class"]
    assert metrics["generated_test_non_digits"] == 200
    assert 0.0 <= metrics["test_digits_called_none"] <= metrics["non_digits_called_none"]
    path = tmp_path / "digits_int8.tflite"
    path.write_bytes(export.variants["int8"])
    (tmp_path / "manifest.json").write_bytes(artifacts.manifest_bytes(manifest))
    with DigitClassifier(path) as classifier:
        assert classifier.labels[-1] == "none" and classifier.num_classes == 11
