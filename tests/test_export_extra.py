"""Training material beyond MNIST: other writers, letters, fonts, hard negatives."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from export.errors import DataError
from export.extra_data import LOOK_ALIKES, ExtraPaths, load_extra
from export.synth.fontsplit import HELD_OUT_FONTS, held_out_fonts, training_fonts

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def _shared(name: str) -> Path:
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} not found (the project's ../shared data)")
    return path


def test_no_source_means_mnist_alone():
    extra = load_extra(ExtraPaths())
    assert extra.digits.shape == (0, 28, 28) and extra.letters.shape == (0, 28, 28)
    assert extra.sources == () and extra.fonts == ()


def test_femnist_training_writers_only_with_checksum():
    path = _shared("femnist_digits.npz")
    extra = load_extra(ExtraPaths(femnist=str(path)))
    with np.load(path) as data:
        np.testing.assert_array_equal(extra.digits, data["x_train"])  # never x_test
        assert len(extra.digits) == len(data["x_train"]) != len(data["x_test"]) + len(data["x_train"])
    assert extra.labels.max() == 9 and extra.sources[0].used == len(extra.digits)
    assert len(extra.sources[0].sha256) == 64


def test_letters_leave_out_the_digits_look_alikes():
    path = _shared("femnist_letters.npz")
    extra = load_extra(ExtraPaths(letters=str(path)))
    with np.load(path) as data:
        codes = data["y62_train"]
        look = {10 + ord(c) - 65 if c.isupper() else 36 + ord(c) - 97 for c in LOOK_ALIKES}
        assert len(extra.letters) == int((~np.isin(codes, sorted(look))).sum())
        assert 0 < len(extra.letters) < len(codes)
    assert extra.sources[0].role == "none"


def test_fonts_split_by_family_never_overlap():
    folder = _shared("fonts")
    train, held = training_fonts(folder), held_out_fonts(folder)
    assert train and held and not set(train) & set(held)
    assert all(f.name.startswith(HELD_OUT_FONTS) for f in held)
    assert not any(f.name.startswith(HELD_OUT_FONTS) for f in train)
    extra = load_extra(ExtraPaths(fonts=str(folder)))
    assert set(extra.fonts) == set(train)


@pytest.mark.parametrize("content", [b"not a zip", b""])
def test_bad_source_files_say_what_and_where(tmp_path, content):
    path = tmp_path / "femnist.npz"
    path.write_bytes(content)
    with pytest.raises(DataError, match="femnist.npz"):
        load_extra(ExtraPaths(femnist=str(path)))
    with pytest.raises(DataError, match="not found"):
        load_extra(ExtraPaths(hwd1000=str(tmp_path / "absent.npz")))
    with pytest.raises(DataError, match="fonts folder not found"):
        load_extra(ExtraPaths(fonts=str(tmp_path / "nofonts")))


def test_wrong_arrays_are_refused(tmp_path):
    path = tmp_path / "digits.npz"
    np.savez(path, x_train=np.zeros((3, 28, 28), np.uint8), y_train=np.array([1, 2, 12], np.uint8))
    with pytest.raises(DataError, match="label 12"):
        load_extra(ExtraPaths(femnist=str(path)))
    np.savez(path, x_train=np.zeros((3, 32, 32), np.uint8), y_train=np.zeros(3, np.uint8))
    with pytest.raises(DataError, match=r"\(N, 28, 28\) uint8"):
        load_extra(ExtraPaths(femnist=str(path)))


def test_font_digits_are_read_as_their_digits(classifier):
    """Digits rendered in training fonts go through normalize_digit like camera crops;
    the bundled model reads most of them (a check that labels and images agree)."""
    pytest.importorskip("PIL")
    from export.glyphs import font_digits

    folder = _shared("fonts")
    images, labels = font_digits(training_fonts(folder), per_font=10, seed=3)
    assert images.shape[1:] == (28, 28) and images.dtype == np.uint8 and len(images) >= 200
    assert set(labels.tolist()) == set(range(10))
    best = classifier.classify(images).argmax(axis=1)
    assert (best == labels).mean() >= 0.7, (best == labels).mean()


def test_mined_negatives_come_from_digit_free_frames():
    """Every crop the locate stage cuts from generated digit-free frames becomes a
    'none' example; thin strokes (a '1' to anyone) are left out."""
    pytest.importorskip("PIL")
    from export.mining import mine_negatives
    from export.synth.clutter import clutter_frame

    rng = np.random.default_rng(0)
    frame = clutter_frame(rng)
    assert frame.shape == (480, 640, 3) and frame.dtype == np.uint8
    crops = mine_negatives(10, seed=1)
    again = mine_negatives(10, seed=1)
    np.testing.assert_array_equal(crops, again)  # seeded
    assert crops.ndim == 3 and crops.shape[1:] == (28, 28) and len(crops) > 10
    ink = crops > 0
    widths = ink.any(axis=1).sum(axis=1)
    heights = ink.any(axis=2).sum(axis=1)
    assert (widths >= 0.2 * heights).all()
