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


def drawn_digits(per_class: int = 30, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Digit pictures without MNIST: 0-9 drawn with OpenCV's Hershey fonts at random
    slants and stroke widths, white on black and MNIST-normalized, (N, 28, 28) uint8 and
    labels, in a shuffled (seeded) order. Content for tests that need digit-shaped
    pictures, not a measure of accuracy."""
    import cv2

    from edge_digits.normalize import normalize_digit

    rng = np.random.default_rng(seed)
    fonts = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_COMPLEX,
             cv2.FONT_HERSHEY_SCRIPT_SIMPLEX)
    images, labels = [], []
    for label in range(10):
        for _ in range(per_class):
            canvas = np.zeros((96, 96), np.uint8)
            cv2.putText(canvas, str(label), (22, 76), int(rng.choice(fonts)), 2.4, 255,
                        int(rng.integers(5, 10)), cv2.LINE_AA)
            shear = np.float32([[1, rng.uniform(-0.25, 0.25), 0], [0, 1, 0]])
            canvas = cv2.warpAffine(canvas, shear, (96, 96))
            images.append(normalize_digit(canvas))
            labels.append(label)
    order = rng.permutation(len(labels))
    return np.stack(images)[order], np.array(labels, np.uint8)[order]


@pytest.fixture(scope="session")
def digit_pictures():
    """Digit pictures for tests that only need picture content: MNIST test where it is
    found, else :func:`drawn_digits` (never a skip). ``source`` says which."""
    path = mnist_path()
    if path is not None and path.exists():
        with np.load(path) as data:
            return {"x_test": data["x_test"], "y_test": data["y_test"], "source": "mnist"}
    images, labels = drawn_digits()
    return {"x_test": images, "y_test": labels, "source": "drawn"}
