"""MNIST loading: a local Keras-format .npz or Keras's download, and clear errors otherwise."""
from __future__ import annotations

import numpy as np
import pytest

from export.data import load_mnist, load_npz, split_validation
from export.errors import DataError


def _save(path, **arrays):
    np.savez(path, **arrays)
    return path


@pytest.fixture()
def tiny():
    rng = np.random.default_rng(0)
    return {"x_train": rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
            "y_train": rng.integers(0, 10, 20, dtype=np.uint8),
            "x_test": rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
            "y_test": rng.integers(0, 10, 5, dtype=np.uint8)}


def test_real_mnist_loads_with_checksum(mnist):
    from tests.conftest import mnist_path

    data = load_npz(mnist_path())
    assert data.x_train.shape == (60000, 28, 28) and data.x_test.shape == (10000, 28, 28)
    assert data.x_train.dtype == np.uint8 and len(data.sha256) == 64
    np.testing.assert_array_equal(data.y_test, mnist["y_test"])


def test_valid_small_file_loads(tmp_path, tiny):
    data = load_npz(_save(tmp_path / "m.npz", **tiny))
    assert data.x_train.shape == (20, 28, 28) and data.source.endswith("m.npz")


def test_missing_file_names_both_ways(tmp_path):
    with pytest.raises(DataError, match=r"not found.*--mnist.*EDGE_DIGITS_MNIST.*load_data"):
        load_mnist(tmp_path / "absent.npz")


def test_corrupt_file(tmp_path):
    path = tmp_path / "mnist.npz"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive" * 10)
    with pytest.raises(DataError, match="not a readable .npz"):
        load_npz(path)


def test_truncated_file(tmp_path, tiny):
    good = _save(tmp_path / "good.npz", **tiny).read_bytes()
    path = tmp_path / "cut.npz"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(DataError, match="cut.npz"):
        load_npz(path)


def test_directory_instead_of_file(tmp_path):
    with pytest.raises(DataError, match="directory"):
        load_npz(tmp_path)


def test_wrong_keys(tmp_path, tiny):
    tiny["images"] = tiny.pop("x_train")
    with pytest.raises(DataError, match=r"missing arrays \['x_train'\].*got \['images'"):
        load_npz(_save(tmp_path / "m.npz", **tiny))


@pytest.mark.parametrize("key, bad", [
    ("x_train", np.zeros((20, 32, 32), np.uint8)),
    ("x_test", np.zeros((5, 784), np.uint8)),
    ("y_train", np.zeros((20, 10), np.uint8)),
])
def test_wrong_shapes(tmp_path, tiny, key, bad):
    tiny[key] = bad
    with pytest.raises(DataError, match=rf"{key} has shape {tuple(bad.shape)}".replace("(", r"\(").replace(")", r"\)")):
        load_npz(_save(tmp_path / "m.npz", **tiny))


def test_wrong_dtype_and_range(tmp_path, tiny):
    tiny["x_train"] = tiny["x_train"].astype(np.float32) / 255
    with pytest.raises(DataError, match="x_train has dtype float32; expected uint8"):
        load_npz(_save(tmp_path / "a.npz", **tiny))
    tiny["x_train"] = np.full((20, 28, 28), 300, np.int32)
    with pytest.raises(DataError, match="outside 0..255"):
        load_npz(_save(tmp_path / "b.npz", **tiny))


def test_label_mismatch_and_range(tmp_path, tiny):
    tiny["y_train"] = tiny["y_train"][:7]
    with pytest.raises(DataError, match="20 images but y_train has 7 labels"):
        load_npz(_save(tmp_path / "a.npz", **tiny))
    tiny["y_train"] = np.full(20, 12, np.uint8)
    with pytest.raises(DataError, match="label 12; expected 0..9"):
        load_npz(_save(tmp_path / "b.npz", **tiny))


def test_offline_without_file_names_both_ways(monkeypatch):
    keras = pytest.importorskip("keras")

    def offline():
        raise OSError("Temporary failure in name resolution")
    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    with pytest.raises(DataError) as caught:
        load_mnist(None)
    message = str(caught.value)
    assert "--mnist" in message and "EDGE_DIGITS_MNIST" in message and "load_data()" in message
    assert "name resolution" in message and "\n" not in message


def test_validation_split_is_seeded_and_disjoint():
    x = np.arange(1000).reshape(1000, 1, 1).repeat(28, 1).repeat(28, 2)
    y = np.arange(1000) % 10
    a = split_validation(x, y, 0.1, seed=3)
    b = split_validation(x, y, 0.1, seed=3)
    c = split_validation(x, y, 0.1, seed=4)
    assert len(a[2]) == 100 and len(a[0]) == 900
    np.testing.assert_array_equal(a[2], b[2])
    assert not np.array_equal(a[2], c[2])
    assert not set(a[0][:, 0, 0]) & set(a[2][:, 0, 0])
