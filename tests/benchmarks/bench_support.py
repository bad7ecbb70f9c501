"""Helpers shared by the benchmark modules (imported as ``bench_support``; see conftest.py).

State that the hooks in ``conftest.py`` and the benchmark modules share lives here, in one
module object: the pinned CPU and the figures measured in other processes.
"""
from __future__ import annotations

import itertools
import statistics
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "edge_digits" / "models" / "digits_int8.tflite"
TFLITE_VENV = ROOT / "artifacts" / "tflite-venv"  #: made by `make bench` (numpy < 2 inside)
KERAS_MODELS = (ROOT / "artifacts" / "export" / "model.keras", ROOT / "artifacts" / "quick" / "model.keras")

EXTERNAL: list[dict] = []  #: entries for the JSON's 'external' list
PINNED: dict = {"cpu": None}  #: the CPU the session is pinned to
SKIPPED: list[dict] = []  #: benchmarks not measured in this run, with the reason


def add_external(entry: dict) -> None:
    """Record a figure measured elsewhere: name, group, stats (seconds), extra_info."""
    EXTERNAL.append(entry)


def describe(benchmark, *, role: str, label: str, backend: str | None = None, threads: int = 1,
             model: str | Path | None = MODEL, frame_size: str | None = None, items: int = 1,
             **more) -> None:
    """Fill ``benchmark.extra_info`` with the fields every figure carries."""
    benchmark.extra_info.update({
        "role": role, "label": label, "backend": backend, "threads": threads,
        "model": None if model is None else Path(model).name, "frame_size": frame_size,
        "items": items, "pinned_cpu": PINNED["cpu"], **more})


def interleaved_us(functions: dict, items: int, rounds: int, calls: int = 100) -> dict:
    """Median and minimum µs per item of each function, timed in alternating rounds.

    Taking turns round by round exposes every function to the same load on a shared
    machine, so their differences are meaningful where separate benchmarks are not.
    """
    samples = {name: [] for name in functions}
    for _ in range(rounds):
        for name, function in functions.items():
            start = time.perf_counter()
            for _ in range(calls):
                function()
            samples[name].append((time.perf_counter() - start) / calls / items * 1e6)
    return {"median": {name: round(statistics.median(v), 2) for name, v in samples.items()},
            "min": {name: round(min(v), 2) for name, v in samples.items()}, "rounds": rounds}


def cycling(function, inputs):
    """A no-argument callable applying ``function`` to each input in turn.

    Timing a stage over a small seeded set, not one frame, keeps a median from being the
    cost of one lucky input.
    """
    items = itertools.cycle(inputs)
    return lambda: function(next(items))


def frames_module():
    """export.synth.frames, or skip with the reason."""
    try:
        from export.synth import frames
    except ImportError as exc:
        pytest.skip(f"frame generator export/synth/frames.py not importable: {exc}")
    return frames


def reader_module():
    try:
        from edge_digits import read
    except ImportError as exc:
        pytest.skip(f"edge_digits.read not importable: {exc}")
    return read


def import_tensorflow():
    """TensorFlow with one intra-op and one inter-op thread, or skip.

    On one pinned core TensorFlow's default pools (one thread per CPU, spinning while they
    wait) compete with each other for that core: one thread each is the fair "one core".
    """
    tf = pytest.importorskip("tensorflow", reason="TensorFlow (host side) not installed")
    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:  # already initialized in this process: keep what it has
        pass
    return tf


def keras_model_and_weights():
    """The reference network in Keras, with trained weights if an export left them.

    Returns ``(model, description)``. Latency does not depend on the weights, only the
    accuracy would.
    """
    import_tensorflow()
    keras = pytest.importorskip("keras", reason="Keras (host side) not installed")
    for path in KERAS_MODELS:
        if path.exists():
            try:
                return keras.models.load_model(path), f"trained weights from {path.relative_to(ROOT)}"
            except Exception as exc:  # a stale or partial export: fall back to building
                print(f"cannot load {path}: {exc}", file=sys.stderr)
    try:
        from export.network import build_sequential
    except ImportError as exc:
        pytest.skip(f"export/network.py not importable: {exc}")
    return build_sequential(), "untrained weights from export.network.build_sequential"
