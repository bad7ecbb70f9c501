"""Shared fixtures: the MNIST file, the bundled model, a classifier loaded once per session.

Benchmarks (tests/benchmarks) are not part of the default run: pass ``--benchmarks``
(``make bench`` does; CI runs them once with ``--benchmark-disable``).
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MNIST = ROOT.parent / "shared" / "data" / "mnist.npz"


def pytest_addoption(parser):
    parser.addoption("--benchmarks", action="store_true", help="also collect tests/benchmarks")


def pytest_ignore_collect(collection_path, config):
    if "benchmarks" in collection_path.parts and not config.getoption("--benchmarks"):
        return True
    return None


def mnist_path() -> Path | None:
    """The local MNIST file: $EDGE_DIGITS_MNIST, else ../shared/data/mnist.npz."""
    env = os.environ.get("EDGE_DIGITS_MNIST")
    if env:
        return Path(env)
    return DEFAULT_MNIST if DEFAULT_MNIST.exists() else None


@pytest.fixture(scope="session")
def mnist():
    """MNIST as a dict of uint8 arrays (x_train, y_train, x_test, y_test)."""
    path = mnist_path()
    if path is None or not path.exists():
        pytest.skip("MNIST not found: set EDGE_DIGITS_MNIST to a Keras-format mnist.npz")
    with np.load(path) as data:
        return {key: data[key] for key in ("x_train", "y_train", "x_test", "y_test")}


@pytest.fixture(scope="session")
def classifier():
    """The bundled default model, loaded once."""
    from edge_digits.classify import DigitClassifier

    with DigitClassifier() as loaded:
        yield loaded
