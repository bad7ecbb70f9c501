"""Generated bad input (hypothesis, seeded and derandomized): every case gets a clear error
of ours (an :class:`~edge_digits.errors.EdgeDigitsError` with one line) or a correct result,
never another exception.

Kinds: frames (dtypes, shapes, NaN/inf, strides, 1- to 10,000-pixel sides), image files
(truncated, wrong magic, huge declared sizes, random bytes), model files (truncated, bit
flips anywhere and in the flatbuffer's tables, where they change tensor shapes, types and
quantization; no manifest beside them, so the interpreter itself is reached), postcode
profiles and service configs. The default
run is CI-sized; ``pytest -m fuzz`` runs >= 10,000 cases and prints the counts by kind.
"""
from __future__ import annotations

import json
import struct
import time
import zlib
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from edge_digits.classify import DigitClassifier
from edge_digits.errors import EdgeDigitsError, FrameError
from edge_digits.models import DEFAULT_MODEL
from edge_digits.postcode.profiles import profile_from_dict
from edge_digits.read import DigitReader
from edge_digits.service import parse_config
from edge_digits.sources import read_image_file

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "edge_digits" / "samples" / "digits_one_line.jpg"
COUNTS: Counter = Counter()
SLOWEST: dict = {}  #: kind -> the longest case, seconds
#: every case must end within this (a bound, not a speed goal: the machine is shared)
CASE_SECONDS = 30.0


@contextmanager
def case(kind: str):
    """Counts a case of ``kind`` and checks it ended within :data:`CASE_SECONDS`."""
    started = time.perf_counter()
    yield
    seconds = time.perf_counter() - started
    SLOWEST[kind] = max(SLOWEST.get(kind, 0.0), seconds)
    assert seconds < CASE_SECONDS, f"{kind}: a case took {seconds:.1f} s"
    COUNTS[kind] += 1
#: cases per kind: (CI run, ``-m fuzz`` run)
SIZES = {"frames": (150, 2500), "image files": (150, 2500), "model files": (40, 600),
         "postcode profiles": (300, 2500), "service configs": (300, 2500)}


def fuzz_settings(kind: str, large: bool):
    return settings(max_examples=SIZES[kind][int(large)], derandomize=True, database=None,
                    deadline=None, suppress_health_check=list(HealthCheck))


def one_line_error(exc: BaseException) -> None:
    assert isinstance(exc, EdgeDigitsError), f"{type(exc).__name__}: {exc}"
    message = str(exc)
    assert message and "\n" not in message and "Traceback" not in message


@pytest.fixture(scope="module", autouse=True)
def print_counts():
    """Prints the cases run by kind when the module is done (``-s`` shows it)."""
    yield
    ran = {kind: COUNTS[kind] for kind in SIZES}
    print("\nfuzz cases by kind:", json.dumps(ran), "total", sum(ran.values()))
    print("slowest case by kind, s:", json.dumps({k: round(v, 3) for k, v in SLOWEST.items()}))


@pytest.fixture(scope="module")
def reader():
    with DigitReader() as loaded:
        yield loaded


# --- frames ----------------------------------------------------------------------------------

DTYPES = [np.uint8, np.int8, np.uint16, np.int32, np.float32, np.float64, np.bool_]


@st.composite
def frames(draw):
    dtype = draw(st.sampled_from(DTYPES))
    ndim = draw(st.sampled_from([0, 1, 2, 2, 3, 3, 4]))
    long_side = draw(st.sampled_from([1, 2, 7, 8, 9, 64, 333, 1000, 10_000]))
    short_side = draw(st.integers(1, 64))
    height, width = (long_side, short_side) if draw(st.booleans()) else (short_side, long_side)
    channels = draw(st.sampled_from([1, 2, 3, 4, 5]))
    shape = {0: (), 1: (width,), 2: (height, width), 3: (height, width, channels),
             4: (1, height, width, channels)}[ndim]
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    fill = draw(st.sampled_from(["zeros", "noise", "white", "special"]))
    if fill == "noise":
        array = (rng.random(shape) * 255).astype(dtype)
    elif fill == "white":
        array = np.full(shape, 255 if dtype != np.bool_ else True).astype(dtype)
    else:
        array = np.zeros(shape, dtype)
    if fill == "special" and array.dtype.kind == "f" and array.size:
        array.flat[rng.integers(0, array.size, 3)] = [np.nan, np.inf, -np.inf]
    if array.ndim >= 2 and draw(st.booleans()):  # a strided or transposed view
        view = draw(st.sampled_from(["step", "transpose", "fortran"]))
        if view == "step":
            array = array[::2, ::3]
        elif view == "transpose":
            array = np.swapaxes(array, 0, 1)
        else:
            array = np.asfortranarray(array)
    return array


def _check_frame_case(reader, frame) -> None:
    with case("frames"):
        try:
            reading = reader.read(frame)
        except FrameError as exc:
            one_line_error(exc)
            assert "received" in str(exc)
        else:  # only what the reader accepts gets here, and the result describes the frame
            assert frame.dtype == np.uint8 and frame.ndim in (2, 3)
            assert reading.frame_size == (frame.shape[1], frame.shape[0])
            assert all(0.0 <= d.confidence <= 1.0 for d in reading.digits)


def _frames_test(large: bool):
    @fuzz_settings("frames", large)
    @given(frame=frames())
    def run(reader, frame):
        _check_frame_case(reader, frame)
    return run


test_frames = _frames_test(False)
test_frames_large = pytest.mark.fuzz(_frames_test(True))


# --- image files -----------------------------------------------------------------------------

def _png(width: int, height: int) -> bytes:
    """A PNG whose header declares ``width`` x ``height`` (valid CRCs) and holds one row."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) +
            chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


@st.composite
def image_bytes(draw):
    good = SAMPLE.read_bytes()
    png = cv2.imencode(".png", cv2.imread(str(SAMPLE))[:64, :64])[1].tobytes()
    kind = draw(st.sampled_from(["truncated", "magic", "huge", "random", "flipped"]))
    if kind == "truncated":
        source = draw(st.sampled_from([good, png]))
        return kind, source[:draw(st.integers(0, len(source) - 1))]
    if kind == "magic":
        return kind, draw(st.binary(min_size=1, max_size=8)) + good[8:]
    if kind == "huge":
        side = st.sampled_from([0, 1, 65_535, 100_000, 2 ** 31 - 1, 2 ** 32 - 1])
        return kind, _png(draw(side), draw(side))
    if kind == "random":
        return kind, draw(st.binary(max_size=2048))
    data = bytearray(png)
    for position in draw(st.lists(st.integers(0, len(data) - 1), min_size=1, max_size=8)):
        data[position] ^= 0xFF
    return kind, bytes(data)


def _image_file_test(large: bool):
    @fuzz_settings("image files", large)
    @given(sample=image_bytes(), suffix=st.sampled_from([".png", ".jpg", ".bmp", ".webp"]))
    def run(tmp_path, sample, suffix):
        _, data = sample
        path = tmp_path / f"case{suffix}"
        path.write_bytes(data)
        with case("image files"):
            try:
                image = read_image_file(path)
            except EdgeDigitsError as exc:
                one_line_error(exc)
            else:
                assert image.dtype == np.uint8 and image.ndim in (2, 3) and image.size > 0
    return run


test_image_files = _image_file_test(False)
test_image_files_large = pytest.mark.fuzz(_image_file_test(True))


# --- model files -----------------------------------------------------------------------------

@st.composite
def model_bytes(draw):
    data = bytearray(DEFAULT_MODEL.read_bytes())
    kind = draw(st.sampled_from(["truncated", "flips", "header flips", "empty-ish"]))
    if kind == "truncated":
        return bytes(data[:draw(st.integers(0, len(data) - 1))])
    if kind == "empty-ish":
        return draw(st.binary(max_size=16))
    high = 4096 if kind == "header flips" else len(data)  # the flatbuffer's tables first
    for position in draw(st.lists(st.integers(0, high - 1), min_size=1, max_size=6)):
        data[position] ^= 1 << draw(st.integers(0, 7))
    return bytes(data)


def _model_test(large: bool):
    @fuzz_settings("model files", large)
    @given(data=model_bytes())
    def run(tmp_path, data):
        path = tmp_path / "model.tflite"  # no manifest beside it: the interpreter is reached
        path.write_bytes(data)
        with case("model files"):
            try:
                with DigitClassifier(path) as classifier:
                    probabilities = classifier.classify(np.zeros((3, 28, 28), np.uint8))
                    assert probabilities.shape == (3, classifier.num_classes)
            except EdgeDigitsError as exc:
                one_line_error(exc)
    return run


test_model_files = _model_test(False)
test_model_files_large = pytest.mark.fuzz(_model_test(True))


def test_a_bit_flip_in_the_bundled_pair_is_caught_by_the_sha256(tmp_path):
    import shutil

    shutil.copy(DEFAULT_MODEL, tmp_path / DEFAULT_MODEL.name)
    shutil.copy(DEFAULT_MODEL.with_name("manifest.json"), tmp_path / "manifest.json")
    data = bytearray((tmp_path / DEFAULT_MODEL.name).read_bytes())
    data[len(data) // 2] ^= 1  # a weight: the model would still load and run
    (tmp_path / DEFAULT_MODEL.name).write_bytes(bytes(data))
    with pytest.raises(EdgeDigitsError, match="does not match its manifest"):
        DigitClassifier(tmp_path / DEFAULT_MODEL.name)


# --- postcode profiles and service configs ---------------------------------------------------

JSONISH = st.recursive(st.none() | st.booleans() | st.integers(-10 ** 6, 10 ** 6) |
                       st.floats(allow_nan=True) | st.text(max_size=12),
                       lambda inner: st.lists(inner, max_size=4) |
                       st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


@st.composite
def profiles(draw):
    data = {"name": "x", "formats": ["NNN-NNNN"]}
    for key in draw(st.lists(st.sampled_from(["name", "formats", "description", "box_fields",
                                              "hyphen", "lengths", "bogus"]), max_size=4)):
        data[key] = draw(JSONISH | st.lists(st.text("N-0 ", max_size=14), max_size=3))
    return draw(st.sampled_from([data, data, draw(JSONISH)]))


def _profile_test(large: bool):
    @fuzz_settings("postcode profiles", large)
    @given(data=profiles())
    def run(data):
        with case("postcode profiles"):
            try:
                profile = profile_from_dict(data, "fuzz")
            except EdgeDigitsError as exc:
                one_line_error(exc)
            else:
                assert profile.lengths and all(1 <= n <= 32 for n in profile.lengths)
    return run


test_postcode_profiles = _profile_test(False)
test_postcode_profiles_large = pytest.mark.fuzz(_profile_test(True))

SECTION_KEYS = {"source": ["spec", "lores_size", "main_size", "camera_size"],
                "reader": ["model", "threads", "threshold", "backend"],
                "output": ["path", "only_changes", "include_empty", "events"],
                "reconnect": ["initial", "factor", "maximum", "attempts"]}


@st.composite
def service_configs(draw):
    data: dict = {}
    for section, keys in SECTION_KEYS.items():
        if draw(st.booleans()):
            data[section] = {key: draw(JSONISH | st.lists(st.integers(-5, 5000), max_size=3))
                             for key in draw(st.lists(st.sampled_from(keys + ["nope"]),
                                                      max_size=3))}
    for key in draw(st.lists(st.sampled_from(["max_fps", "stats_every", "preview", "bogus"]),
                             max_size=2)):
        data[key] = draw(JSONISH)
    return data


def _config_test(large: bool):
    @fuzz_settings("service configs", large)
    @given(data=service_configs())
    def run(data):
        with case("service configs"):
            try:
                config = parse_config(data)
            except EdgeDigitsError as exc:
                one_line_error(exc)
            else:
                assert 0.0 <= config.reader.threshold <= 1.0 and config.reader.threads >= 1
    return run


test_service_configs = _config_test(False)
test_service_configs_large = pytest.mark.fuzz(_config_test(True))


def test_zz_every_kind_ran():
    """Last in the file: in the default run every kind ran its CI-sized share."""
    for kind, (small, _) in SIZES.items():
        assert COUNTS[kind] >= small, kind
