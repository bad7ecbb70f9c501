"""Benchmark fixtures: seeded inputs built outside the timed calls, one pinned core, peers.

    make bench          # pytest tests/benchmarks --benchmarks --benchmark-enable ... + report
    make bench-smoke    # every benchmark once, untimed (CI)

Conventions (every test_bench_*.py follows them, so that ``report.py`` can put each figure
next to its peers):

- one pytest-benchmark ``group`` per stage: ``classify-1``, ``classify-8``,
  ``classify-anatomy``, ``locate``, ``normalize``, ``read``, ``postcode``, ``cold-start``;
- ``bench_support.describe`` fills ``extra_info``: ``role`` ("edge-digits" for ours, "peer" for what
  users would otherwise run, "floor" for a lower bound), ``label`` (short name for tables),
  ``backend``, ``threads``, ``model``, ``frame_size``, ``items`` (digits or frames per call),
  ``pinned_cpu``;
- figures measured outside pytest-benchmark (tflite-runtime in its own environment) go
  through ``bench_support.add_external`` into the JSON's ``external`` list, in the same shape;
- a stage that is not importable skips with the reason (BENCHMARKS.md lists the skips).

A new stage looks like this (``frame_sets`` and ``reader`` are fixtures below)::

    def test_postcode(benchmark, frame_sets, reader):
        frames = [f.image for f in frame_sets("clean", (640, 480), 8)]
        benchmark.group = "postcode"
        describe(benchmark, role="edge-digits", label="read_postcode 640x480",
                 backend=reader.backend, frame_size="640x480")
        benchmark(cycling(read_postcode, frames))     # bench_support.cycling
"""
from __future__ import annotations

import os
from importlib import metadata

import numpy as np
import pytest

from bench_support import EXTERNAL, PINNED, SKIPPED, frames_module, reader_module


def pytest_benchmark_update_json(config, benchmarks, output_json):
    """Add the figures measured in other processes, and the versions, to the saved JSON."""
    output_json["external"] = list(EXTERNAL)
    output_json["skipped"] = list(SKIPPED)
    versions = {}
    for name in ("numpy", "opencv-python-headless", "ai-edge-litert", "tensorflow-cpu", "tensorflow",
                 "keras", "pytest-benchmark"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    output_json["versions"] = versions


def pytest_runtest_logreport(report):
    """Remember what was not measured and why: BENCHMARKS.md lists it."""
    if report.skipped and report.when in ("setup", "call"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        SKIPPED.append({"test": report.nodeid.split("::", 1)[-1],
                        "reason": reason.removeprefix("Skipped: ")})


@pytest.fixture(scope="session")
def quick(request) -> bool:
    """True under ``--benchmark-disable`` (CI's smoke run): fewer frames and rounds."""
    return bool(request.config.getoption("benchmark_disable", False))


@pytest.fixture(scope="session", autouse=True)
def one_core():
    """Pin the session (and the children it starts) to one CPU and OpenCV to one thread:
    "one core" in every figure."""
    if not hasattr(os, "sched_setaffinity"):
        yield None
        return
    import cv2

    before, threads = os.sched_getaffinity(0), cv2.getNumThreads()
    cpu = max(before)
    os.sched_setaffinity(0, {cpu})
    cv2.setNumThreads(1)  # OpenCV's pool on one pinned core only adds hand-overs (bench.py)
    PINNED["cpu"] = cpu
    yield cpu
    os.sched_setaffinity(0, before)
    cv2.setNumThreads(threads)


@pytest.fixture(scope="session")
def mnist_test(mnist):
    """MNIST test images and labels (uint8); skips where MNIST is missing (tests/conftest.py)."""
    return mnist["x_test"], mnist["y_test"]


@pytest.fixture(scope="session")
def patches(mnist_test):
    """64 MNIST test digits, seeded choice: already in the normalized 28x28 form."""
    images, _ = mnist_test
    choice = np.random.default_rng(5).choice(len(images), 64, replace=False)
    return np.ascontiguousarray(images[choice])


@pytest.fixture(scope="session")
def frame_sets(mnist_test):
    """``get(level, (width, height), count)`` -> the first ``count`` seeded generated frames.

    Frames are made once per level and size (frame i is the same whatever the count) and
    shared by every benchmark of the session; generating a 1280x720 frame takes ~0.5 s.
    """
    frames = frames_module()
    cache: dict = {}

    def get(level: str, size: tuple[int, int], count: int) -> list:
        made = cache.setdefault((level, size), [])
        if len(made) < count:
            made.extend(frames.make_frame(np.random.default_rng([2026, i]), level, size, mnist_test)
                        for i in range(len(made), count))
        return made[:count]
    return get


@pytest.fixture(scope="session")
def reader():
    """The runtime's reader with the bundled model, one thread."""
    read = reader_module()
    with read.DigitReader(num_threads=1) as loaded:
        yield loaded


