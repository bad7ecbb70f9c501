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


def in_ci() -> bool:
    """CI sets CI=true (GitHub, GitLab and .ci/run): there ../shared is always present."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def missing(what: str) -> None:
    """Skip a test whose data is missing; in CI, fail it: a suite that skips its accuracy
    tests and exits 0 would look green while testing nothing."""
    if in_ci():
        pytest.fail(f"{what} (CI=true: the data must be there, not skipped)", pytrace=False)
    pytest.skip(what)


@pytest.fixture(scope="session")
def shared_data():
    """A function: the path of a file of ../shared/data, skipping (failing in CI) the test
    when it is not there."""
    from tests.sets import data_path

    def need(name: str) -> Path:
        path = data_path(name)
        if not path.exists():
            missing(f"../shared/data/{name} not found")
        return path
    return need


@pytest.fixture(scope="session")
def mnist():
    """MNIST as a dict of uint8 arrays (x_train, y_train, x_test, y_test)."""
    path = mnist_path()
    if path is None or not path.exists():
        missing("MNIST not found: set EDGE_DIGITS_MNIST to a Keras-format mnist.npz")
    with np.load(path) as data:
        return {key: data[key] for key in ("x_train", "y_train", "x_test", "y_test")}


@pytest.fixture(scope="session")
def classifier():
    """The bundled default model, loaded once."""
    from edge_digits.classify import DigitClassifier

    with DigitClassifier() as loaded:
        yield loaded
