"""Training material beyond MNIST: other writers' digits, handwritten letters, fonts.

    >>> extra = load_extra(ExtraPaths(femnist="../shared/data/femnist_digits.npz"))
    >>> extra.digits.shape, extra.letters.shape, [s.name for s in extra.sources]

Every source is optional (``make export`` passes the files in ``../shared/data`` when they
exist; ``python -m export --femnist PATH ...`` or the ``EDGE_DIGITS_FEMNIST``,
``EDGE_DIGITS_LETTERS``, ``EDGE_DIGITS_HWD1000``, ``EDGE_DIGITS_FONTS`` variables name
them): without any, the export trains on MNIST alone. Only the *training* parts are read
(FEMNIST's and hwd1000's test parts are development sets of writers the model never sees),
and only the training font families (see :mod:`export.synth.fontsplit`). Each source used
is listed in the manifest with its checksum.
"""
from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from edge_digits.models import sha256_of

from .errors import DataError

#: FEMNIST letters (LEAF 62-class labels, 10-35 A-Z, 36-61 a-z) that look like digits in
#: someone's hand: left out of the "none" class so that it does not fight the digits
#: (B 8, D O Q 0, G b 6, I J l i j 1, S s 5, T 7, Z z 2, g q 9)
LOOK_ALIKES = "BDGIJOQSTZbgijloqsz"


def _letter_codes(letters: str) -> set[int]:
    return {10 + ord(c) - ord("A") if c.isupper() else 36 + ord(c) - ord("a") for c in letters}


@dataclass(frozen=True)
class Source:
    """One data source as the manifest records it."""

    name: str  #: what it is
    path: str  #: where it was read
    sha256: str  #: of the file (fonts: of the sorted file names and their checksums)
    used: int  #: images taken into training
    role: str  #: "digits" or "none" (not a digit)

    def as_dict(self) -> dict:
        return {"name": self.name, "path": self.path, "sha256": self.sha256,
                "used": self.used, "role": self.role}


@dataclass(frozen=True)
class ExtraPaths:
    """Where the optional sources are; None: not used."""

    femnist: str | None = None  #: femnist_digits.npz (x_train, y_train used)
    letters: str | None = None  #: femnist_letters.npz (x_train, y62_train used)
    hwd1000: str | None = None  #: hwd1000_digits.npz (x_train, y_train used)
    fonts: str | None = None  #: a folder of handwriting fonts (training families only)


@dataclass(frozen=True)
class Extra:
    """The extra training material, white ink on black, MNIST-normalized (28x28 uint8)."""

    digits: np.ndarray  #: (N, 28, 28) uint8 other writers' digits
    labels: np.ndarray  #: (N,) uint8 0..9
    letters: np.ndarray  #: (M, 28, 28) uint8 handwritten letters (not look-alikes): "none"
    fonts: tuple = ()  #: training font files (Path), for rendered digits and letters
    sources: tuple = field(default_factory=tuple)  #: of Source


def _load_npz(path: str, keys: tuple, what: str) -> dict:
    file = Path(path)
    if not file.is_file():
        raise DataError(f"{what} file not found: {file}; pass an existing .npz or leave the "
                        "option out to train without it")
    try:
        with np.load(file, allow_pickle=False) as data:
            missing = [key for key in keys if key not in data.files]
            if missing:
                raise DataError(f"{file}: missing arrays {missing}; expected {list(keys)} "
                                f"({what}), got {sorted(data.files)}")
            arrays = {key: data[key] for key in keys}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        if isinstance(exc, DataError):
            raise
        raise DataError(f"{what} file {file} is not a readable .npz ({type(exc).__name__})") from exc
    images = arrays[keys[0]]
    if images.ndim != 3 or images.shape[1:] != (28, 28) or images.dtype != np.uint8:
        raise DataError(f"{file}: {keys[0]} has shape {images.shape} and dtype {images.dtype}; "
                        "expected (N, 28, 28) uint8, white ink on black, MNIST-normalized")
    for key in keys[1:]:
        if len(arrays[key]) != len(images):
            raise DataError(f"{file}: {key} has {len(arrays[key])} entries for "
                            f"{len(images)} images; expected one each")
    return arrays


def _digits(path: str, what: str) -> tuple[np.ndarray, np.ndarray, Source]:
    arrays = _load_npz(path, ("x_train", "y_train"), what)
    labels = arrays["y_train"].astype(np.uint8)
    if labels.size and labels.max() > 9:
        raise DataError(f"{path}: y_train has label {int(labels.max())}; expected digits 0..9")
    return arrays["x_train"], labels, Source(what, str(path), sha256_of(path), len(labels), "digits")


def fonts_checksum(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for file in sorted(files, key=lambda f: f.name):
        digest.update(file.name.encode() + b"\0" + sha256_of(file).encode())
    return digest.hexdigest()


def load_extra(paths: ExtraPaths) -> Extra:
    """Read every source given in ``paths`` (see :class:`ExtraPaths`)."""
    from .synth.fontsplit import training_fonts

    digits, labels, sources = [], [], []
    letters = np.zeros((0, 28, 28), np.uint8)
    if paths.femnist:
        x, y, source = _digits(paths.femnist, "FEMNIST digits, training writers")
        digits.append(x), labels.append(y), sources.append(source)
    if paths.hwd1000:
        x, y, source = _digits(paths.hwd1000, "hwd1000 digits drawn on screens, training part")
        digits.append(x), labels.append(y), sources.append(source)
    if paths.letters:
        arrays = _load_npz(paths.letters, ("x_train", "y62_train"), "FEMNIST letters")
        keep = ~np.isin(arrays["y62_train"], sorted(_letter_codes(LOOK_ALIKES)))
        letters = arrays["x_train"][keep]
        sources.append(Source("FEMNIST handwritten letters, training writers, without "
                              f"digit look-alikes ({LOOK_ALIKES})", str(paths.letters),
                              sha256_of(paths.letters), int(keep.sum()), "none"))
    fonts: tuple = ()
    if paths.fonts:
        folder = Path(paths.fonts)
        if not folder.is_dir():
            raise DataError(f"fonts folder not found: {folder}; pass a folder of .ttf/.otf/"
                            ".woff2 handwriting fonts or leave the option out")
        fonts = tuple(training_fonts(folder))
        if not fonts:
            raise DataError(f"no training font files (.ttf, .otf, .woff2) in {folder}")
        sources.append(Source(f"handwriting fonts ({len(fonts)} training files; held-out "
                              "families never used)", str(folder), fonts_checksum(list(fonts)),
                              len(fonts), "digits and none"))
    if digits:
        x, y = np.concatenate(digits), np.concatenate(labels)
    else:
        x, y = np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.uint8)
    return Extra(x, y, letters, fonts, tuple(sources))
