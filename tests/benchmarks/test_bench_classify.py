"""Classify benchmarks: one digit and a batch of 8, per backend, against the peers users run.

Groups ``classify-1`` and ``classify-8`` hold, in the same run:

- ``DigitClassifier`` on every interpreter backend installed here (ours);
- ``interpreter.invoke()`` alone on a batch of 8 (the floor: the kernels without any Python);
- the plain way: ``tf.lite.Interpreter`` / LiteRT ``Interpreter`` fed one digit per call,
  quantized with float math in Python (what most tutorials show);
- Keras on the same network: ``model(x)`` and ``model.predict(x)``;
- tflite-runtime 2.14, which needs numpy < 2: run in its own environment
  (``artifacts/tflite-venv``, made by ``make bench``) by ``tflite_runtime_worker.py`` and
  merged into the JSON.

``classify-anatomy`` times parts of the network alone (built with TensorFlow's converter on
the fly, random weights: timing does not depend on them) to show where the time goes.
"""
from __future__ import annotations

import json
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pytest

from edge_digits.backends import BACKENDS, load_interpreter_class
from edge_digits.classify import DigitClassifier
from edge_digits.errors import BackendError

from bench_support import (MODEL, ROOT, TFLITE_VENV, add_external, describe, import_tensorflow,
                           interleaved_us, keras_model_and_weights)

WORKER = Path(__file__).with_name("tflite_runtime_worker.py")


def unavailable(backend: str) -> str | None:
    """Why ``backend`` cannot be loaded here, or None when it can."""
    try:
        load_interpreter_class(backend)
        return None
    except BackendError as exc:
        reason = str(exc).split(";")[0]
        if backend == "tflite-runtime":
            reason += " (it needs numpy < 2: measured in artifacts/tflite-venv instead)"
        if backend == "tensorflow" and "no attribute 'Interpreter'" in reason:
            reason += (" (edge_digits/backends.py imports the module `tensorflow.lite`, which has no "
                       "Interpreter in TF 2.21; `tf.lite.Interpreter` is measured as a peer)")
        return reason


@pytest.fixture(scope="module", params=list(BACKENDS))
def classifier_on(request):
    reason = unavailable(request.param)
    if reason:
        pytest.skip(reason)
    with DigitClassifier(num_threads=1, backend=request.param) as loaded:
        yield loaded


def plain_classifier(interpreter_class, **kwargs):
    """The tutorial way: one digit per call, float math in Python. Details read once."""
    interpreter = interpreter_class(model_path=str(MODEL), num_threads=1, **kwargs)
    interpreter.allocate_tensors()
    source, target = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    scale, zero = source["quantization"]
    out_scale, out_zero = target["quantization"]

    def classify(patches: np.ndarray) -> np.ndarray:
        results = []
        for patch in patches:
            x = patch.astype(np.float32) / 255.0
            q = np.clip(np.round(x / scale + zero), -128, 127).astype(np.int8)
            interpreter.set_tensor(source["index"], q[None, :, :, None])
            interpreter.invoke()
            y = interpreter.get_tensor(target["index"])[0]
            results.append((y.astype(np.float32) - out_zero) * out_scale)
        return np.array(results)
    return classify


@pytest.mark.parametrize("count", [1, 8])
def test_classify(benchmark, classifier_on, patches, count):
    batch = np.ascontiguousarray(patches[:count])
    benchmark.group = f"classify-{count}"
    describe(benchmark, role="edge-digits", label=f"DigitClassifier ({classifier_on.backend})",
             backend=classifier_on.backend, items=count)
    probabilities = benchmark(classifier_on.classify, batch)
    assert probabilities.shape == (count, classifier_on.num_classes)


EXPORT_VARIANTS = {  #: other quantizations the export writes beside the int8 model
    "float32": "digits_float32.tflite",
    "float16 weights": "digits_float16.tflite",
    "dynamic-range int8 weights": "digits_dynamic.tflite",
}


@pytest.mark.parametrize("variant", list(EXPORT_VARIANTS))
def test_classify_export_variants(benchmark, patches, variant):
    """The same network in the export's other variants, batch of 8, same classifier class."""
    path = ROOT / "artifacts" / "export" / EXPORT_VARIANTS[variant]
    if not path.exists():
        pytest.skip(f"no {path.relative_to(ROOT)}: run `make export` first")
    batch = np.ascontiguousarray(patches[:8])
    with DigitClassifier(path, num_threads=1) as loaded:
        benchmark.group = "classify-8"
        describe(benchmark, role="variant", label=f"DigitClassifier, {variant} model",
                 backend=loaded.backend, model=path, items=8)
        probabilities = benchmark(loaded.classify, batch)
    assert probabilities.shape == (8, loaded.num_classes)


#: what the plain LiteRT loop adds to the kernels (``invoke()``) must be at least this many
#: times what ours adds (medians of alternating rounds). Measured, a batch of 8: 13.4
#: against 0.4 µs a digit on an AMD EPYC of family 26 (2.1x the whole call), 23.8 against
#: 1.4 on one of family 25 without AVX-512, whose int8 kernels take 81 µs a digit (1.27x
#: the whole call: the ratio of whole calls asked before, 1.3x, failed there with ours as
#: lean); the margin is the noise of a shared machine, not a target. One digit a call, on
#: family 25: 43.5 and 34.7 against 16.8 and 14.1 µs a call over the kernels in two runs
#: (2.6x, 2.5x: the 3x it was first given, from one run, failed both)
BEATS_PLAIN = {8: 3.0, 1: 2.0}


def test_invoke_only(benchmark, patches, quick):
    """The floor of one batch of 8: XNNPACK kernels only, input already in place; and, in the
    same alternating rounds, ours against the plain LiteRT loop (ours must be faster)."""
    batch = np.ascontiguousarray(patches[:8])
    with DigitClassifier(num_threads=1) as loaded, DigitClassifier(num_threads=1) as timed, \
            DigitClassifier(num_threads=1) as single:
        loaded.classify(batch)  # resize to 8 and fill the input
        timed.classify(batch)
        single.classify(batch[:1])
        plain = plain_classifier(load_interpreter_class("ai-edge-litert")[0])
        interleaved = interleaved_us({"classify": lambda: timed.classify(batch),
                                      "invoke": loaded._interpreter.invoke,
                                      "plain": lambda: plain(batch),
                                      "classify-1": lambda: single.classify(batch[:1]),
                                      "invoke-1": single._interpreter.invoke,
                                      "plain-1": lambda: plain(batch[:1])}, 8, 3 if quick else 41)
        benchmark.group = "classify-8"
        describe(benchmark, role="floor", label=f"invoke() only, batch 8 ({loaded.backend})",
                 backend=loaded.backend, items=8, interleaved_us_per_digit=interleaved)
        benchmark(loaded._interpreter.invoke)
    median = interleaved["median"]
    # the kernels are the floor: ours adds its Python on top, never less than nothing
    assert median["invoke"] <= median["classify"] * 1.1, median
    if not quick:  # three rounds (the smoke run) are too few for a ratio
        for size, suffix in ((8, ""), (1, "-1")):
            kernels = median["invoke" + suffix]
            ours, theirs = median["classify" + suffix] - kernels, median["plain" + suffix] - kernels
            assert theirs >= BEATS_PLAIN[size] * max(ours, 0.0) and theirs > 0, (size, median)


@pytest.mark.parametrize("count", [1, 8])
@pytest.mark.parametrize("backend", ["ai-edge-litert", "tensorflow"])
def test_plain_interpreter(benchmark, patches, count, backend):
    if backend == "tensorflow":
        tf = import_tensorflow()
        interpreter_class = tf.lite.Interpreter  # deprecated, still there in TF 2.21
    else:
        interpreter_class, _ = load_interpreter_class(backend)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        classify = plain_classifier(interpreter_class)
    deprecation = [" ".join(str(w.message).split()).split(" Please")[0] for w in caught
                   if "deprecated" in str(w.message).lower()]
    batch = patches[:count]
    name = "tf.lite.Interpreter" if backend == "tensorflow" else "LiteRT Interpreter"
    benchmark.group = f"classify-{count}"
    describe(benchmark, role="peer", label=f"{name}, one digit per call, float math",
             backend=backend, items=count, deprecation=deprecation[0] if deprecation else None)
    probabilities = benchmark(classify, batch)
    with DigitClassifier() as ours:  # the same model gives the same answer
        np.testing.assert_allclose(probabilities, ours.classify(batch), atol=1e-6)


@pytest.fixture(scope="module")
def keras_model():
    model, weights = keras_model_and_weights()
    return model, weights


@pytest.mark.parametrize("count", [1, 8])
@pytest.mark.parametrize("call", ["model(x)", "model.predict(x)"])
def test_keras(benchmark, keras_model, patches, count, call):
    tf = import_tensorflow()

    model, weights = keras_model
    x = patches[:count, :, :, None].astype(np.float32) / 255.0
    if call == "model(x)":
        def run(batch):
            return model(batch, training=False)
    else:
        def run(batch):
            return model.predict(batch, verbose=0)
    run(x)  # build/trace outside the timing
    benchmark.group = f"classify-{count}"
    describe(benchmark, role="peer", label=f"Keras {call} (float32)", backend=f"tensorflow {tf.__version__}",
             model="model.keras" if "trained" in weights and "untrained" not in weights else None,
             items=count, weights=weights, keras_version=__import__("keras").__version__)
    probabilities = np.asarray(benchmark(run, x))
    assert probabilities.shape == (count, int(model.outputs[0].shape[-1]))  # 10, or 11 with 'none' 


def test_tflite_runtime(quick, one_core):
    """tflite-runtime 2.14 (numpy < 2) in its own venv; its figures join the JSON as external."""
    python = TFLITE_VENV / "bin" / "python"
    if not python.exists():
        pytest.skip(f"no {python}: `make bench` creates it (tflite-runtime needs numpy < 2)")
    probe = subprocess.run([str(python), "-c", "import tflite_runtime.interpreter"],
                           capture_output=True, text=True, timeout=120)
    if probe.returncode != 0:
        pytest.skip(f"tflite-runtime does not import in {TFLITE_VENV}: "
                    f"{(probe.stderr.strip().splitlines() or ['?'])[-1]}")
    args = [str(python), str(WORKER), "--model", str(MODEL), "--rounds", "1" if quick else "30"]
    done = subprocess.run(args, capture_output=True, text=True, timeout=600, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    for entry in report["results"]:
        entry["extra_info"]["pinned_cpu"] = one_core  # the child inherits the pinning
        add_external(entry)
    names = {entry["name"] for entry in report["results"]}
    assert {"DigitClassifier 1", "DigitClassifier 8", "plain 1", "plain 8"} <= names


# --- where the time goes: parts of the network alone -------------------------------------

ANATOMY = {
    "conv1 alone (3x3, 1->16, 26x26 out)": "conv1",
    "conv1 + pool + conv2 + pool": "convs",
    "whole network, static batch 8": "full",
    # Cheaper first layers with the same dense head (800 inputs), timing only: what the
    # export side could try (their accuracy is not measured here).
    "alternative: stride-2 first conv (13x13x16)": "stride2",
    "alternative: 14x14x4 space-to-depth input": "space_to_depth",
}


@pytest.fixture(scope="module")
def anatomy_models(tmp_path_factory, mnist_test):
    """int8 TFLite models of parts of the reference network (random weights, MNIST calibration)."""
    tf = import_tensorflow()
    keras = pytest.importorskip("keras")
    layers = keras.layers
    images = mnist_test[0][:64, :, :, None].astype(np.float32) / 255.0
    folder = tmp_path_factory.mktemp("anatomy")
    head = lambda: [layers.Flatten(), layers.Dense(64, activation="relu"),  # noqa: E731
                    layers.Dense(10, activation="softmax")]
    parts = {
        "conv1": [layers.Conv2D(16, 3, activation="relu")],
        "convs": [layers.Conv2D(16, 3, activation="relu"), layers.MaxPooling2D(),
                  layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D()],
        "full": [layers.Conv2D(16, 3, activation="relu"), layers.MaxPooling2D(),
                 layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(), layers.Flatten(),
                 layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")],
        "stride2": [layers.Conv2D(16, 3, strides=2, activation="relu"),
                    layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(), *head()],
        "space_to_depth": [layers.Conv2D(16, 3, activation="relu"),
                           layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(), *head()],
    }
    # 2x2 pixel blocks as 4 channels: a free numpy reshape on the runtime side
    blocks = images.reshape(64, 14, 2, 14, 2).transpose(0, 1, 3, 2, 4).reshape(64, 14, 14, 4)
    paths = {}
    keras.utils.set_random_seed(5)
    for name, part in parts.items():
        inputs = blocks if name == "space_to_depth" else images
        model = keras.Sequential([keras.Input(inputs.shape[1:], batch_size=8), *part])
        converter = tf.lite.TFLiteConverter.from_keras_model(model)
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: ([inputs[i:i + 8]] for i in range(0, 64, 8))
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
        paths[name] = folder / f"{name}.tflite"
        paths[name].write_bytes(converter.convert())
    return paths


def ready_interpreter(path: Path):
    """A LiteRT interpreter on ``path`` with a batch of 8 zeros in place."""
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=str(path), num_threads=1)
    source = interpreter.get_input_details()[0]
    if source["shape"][0] != 8:
        interpreter.resize_tensor_input(source["index"], [8, *source["shape"][1:]])
    interpreter.allocate_tensors()
    source = interpreter.get_input_details()[0]
    interpreter.set_tensor(source["index"], np.zeros(source["shape"], source["dtype"]))
    return interpreter


@pytest.fixture(scope="module")
def anatomy_interleaved(anatomy_models, quick):
    """All parts and the bundled model, timed in alternating rounds (µs per digit)."""
    parts = {label: ready_interpreter(anatomy_models[name]).invoke for label, name in ANATOMY.items()}
    parts["bundled model (dynamic batch, resized to 8)"] = ready_interpreter(MODEL).invoke
    return interleaved_us(parts, 8, 3 if quick else 31)


@pytest.mark.parametrize("label", list(ANATOMY))
def test_anatomy(benchmark, anatomy_models, anatomy_interleaved, label):
    interpreter = ready_interpreter(anatomy_models[ANATOMY[label]])
    benchmark.group = "classify-anatomy"
    describe(benchmark, role="floor", label=label, backend="ai-edge-litert", items=8, model=None,
             ops=[op["op_name"] for op in interpreter._get_ops_details()],
             interleaved_us_per_digit=anatomy_interleaved)
    benchmark(interpreter.invoke)
    ops = [op["op_name"] for op in interpreter._get_ops_details()]
    assert "CONV_2D" in ops and ("FULLY_CONNECTED" in ops) == (ANATOMY[label] not in ("conv1", "convs"))
    median = anatomy_interleaved["median"]
    whole = median["whole network, static batch 8"]
    if label.startswith("conv1 alone"):  # a part of the network costs less than all of it
        assert median[label] < whole, median
    elif label == "conv1 + pool + conv2 + pool":
        # (measured 17.9 against the whole's 18.4 us: too close to order them on a shared
        # machine; more than the first conv alone, 10.2 us, it must be)
        assert median["conv1 alone (3x3, 1->16, 26x26 out)"] < median[label], median


@pytest.mark.parametrize("count", [3, 8, 65])
def test_batches_match_single_calls(mnist_test, count):
    """The reused, blank-padded input buffer changes no result (3: padded to 4; 65: split)."""
    images = np.ascontiguousarray(mnist_test[0][:count])
    with DigitClassifier() as batched, DigitClassifier() as single:
        together = batched.classify(images)
        batched.classify(images[:1])  # shrink and grow again: stale rows must not leak
        again = batched.classify(images)
        one_by_one = np.concatenate([single.classify(image) for image in images])
    np.testing.assert_array_equal(together, one_by_one)
    np.testing.assert_array_equal(again, together)
    assert together.dtype == np.float32 and together.shape == (count, batched.num_classes)
    assert (together.argmax(axis=1) == mnist_test[1][:count]).mean() >= 0.9
