"""``serve --check`` opens what the service would use; permanent source errors end the
service in one line; one ReaderConfig for the CLI and ``serve``; a refused stream URL is one
line; postcode reasons and annotations a person can read (long reasons wrap, labels never
cover digits)."""
from __future__ import annotations

import dataclasses
import importlib.util
import socket
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from edge_digits.annotate import draw_reading, fit_lines
from edge_digits.cli import build_parser, main
from edge_digits.read import DigitReader, ReadOptions
from edge_digits.reader_config import DEFAULT_THRESHOLD, ReaderConfig
from edge_digits.service import ServiceConfig, check, load_config

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "edge_digits" / "samples"
HAVE_PICAMERA2 = importlib.util.find_spec("picamera2") is not None


def cli(*argv, timeout=120):
    return subprocess.run([sys.executable, "-m", "edge_digits", *argv], capture_output=True,
                          text=True, timeout=timeout)


def write_config(tmp_path, spec, out="-", extra=""):
    path = tmp_path / "config.toml"
    path.write_text(f'stats_every = 0.0\n[source]\nspec = "{spec}"\n[output]\npath = "{out}"\n'
                    f'{extra}')
    return path


@pytest.mark.skipif(HAVE_PICAMERA2, reason="picamera2 is installed here")
@pytest.mark.parametrize("check_only", [True, False])
def test_picamera2_missing_ends_the_service_in_one_line(tmp_path, check_only):
    out = tmp_path / "readings.jsonl"
    config = write_config(tmp_path, "picamera2", out)
    result = cli("serve", "--config", str(config), *(["--check"] if check_only else []),
                 timeout=60)
    assert result.returncode == 2  # systemd: RestartPreventExitStatus=2
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and "picamera2" in errors[0] and "Traceback" not in result.stderr
    assert "reconnecting" not in result.stderr
    if not check_only:  # it said where it writes, and wrote no 'reconnecting' events
        assert f"writing readings to {out.resolve()}" in result.stderr
        assert out.read_text() == ""


def test_check_opens_the_source_and_says_where_readings_go(tmp_path):
    out = tmp_path / "sub" / "readings.jsonl"
    config = write_config(tmp_path, SAMPLES, out)
    result = cli("serve", "--config", str(config), "--check")
    assert result.returncode == 0, result.stderr
    assert "opened (640x480 frames)" in result.stdout
    assert f"readings to {out.resolve()}" in result.stdout
    # the model is loaded too: a model that is not one fails the check
    bad_model = tmp_path / "bad.tflite"
    bad_model.write_bytes(b"\0" * 100)
    config = write_config(tmp_path, SAMPLES, out, f'[reader]\nmodel = "{bad_model}"\n')
    result = cli("serve", "--config", str(config), "--check")
    assert result.returncode == 2 and "not a TFLite model" in result.stderr


def test_check_of_an_absent_camera_fails_at_once_with_exit_3(tmp_path):
    config = write_config(tmp_path, "7")
    result = cli("serve", "--config", str(config), "--check", timeout=60)
    assert result.returncode == 3
    assert len(result.stderr.strip().splitlines()) == 1
    assert "camera 7" in result.stderr and "would keep retrying" in result.stderr


def test_check_refuses_an_unreachable_threshold(tmp_path):
    config = write_config(tmp_path, SAMPLES, "-", "[reader]\nthreshold = 0.999\n")
    result = cli("serve", "--config", str(config), "--check")
    assert result.returncode == 2 and "cannot be reached" in result.stderr


def test_one_default_threshold_for_library_cli_and_service():
    args = build_parser().parse_args(["read", "x.png"])
    assert (ReadOptions().threshold == ReaderConfig().threshold == DEFAULT_THRESHOLD
            == ServiceConfig().reader.threshold == args.threshold)
    service_source = (ROOT / "edge_digits" / "service.py").read_text()
    assert "threshold: float = 0.7" not in service_source
    assert ServiceConfig().reader.threads == 2  # the service's own default is kept


def test_from_config_builds_the_reader_both_use():
    config = ReaderConfig(threshold=0.9, threads=2)
    frame = cv2.imread(str(SAMPLES / "digits_two_lines.jpg"))
    with DigitReader.from_config(config) as built, \
            DigitReader(options=ReadOptions(threshold=0.9), num_threads=2) as direct:
        assert built.options == direct.options and built.classifier.num_threads == 2
        assert built.read(frame) == direct.read(frame)


def test_service_config_reader_section_is_a_reader_config(tmp_path):
    config = load_config(write_config(tmp_path, SAMPLES, "-", "[reader]\nthreshold = 0.8\n"))
    assert isinstance(config.reader, ReaderConfig)
    assert config.reader == dataclasses.replace(ReaderConfig(threads=2), threshold=0.8)
    assert "opened" in check(config)


def test_refused_stream_url_is_one_line():
    with socket.socket() as probe:  # a port nobody listens on: the connection is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = cli("read", f"http://127.0.0.1:{port}/video.mjpg", timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"edge-digits read: error: stream http://127.0.0.1:{port}/video.mjpg could not be "
        "opened (refused, unreachable or not a video stream?)"]


def test_two_four_digit_strings_are_rejected_as_two_candidates(mnist, capsys, tmp_path):
    from export.synth.frames import make_frame

    from edge_digits.postcode import REJECT_AMBIGUOUS

    frame = make_frame(177, "clean", digits=(mnist["x_test"], mnist["y_test"]))
    assert frame.text == "3393 4421"
    path = tmp_path / "two_codes.png"
    cv2.imwrite(str(path), frame.image)
    assert main(["postcode", str(path), "--format", "digits:4", "--annotate",
                 str(tmp_path / "out")]) == 0
    line = capsys.readouterr().out.strip()
    assert "two candidates too close" in line and "3393" in line and "4421" in line
    from edge_digits.postcode.decide import REJECT_AMBIGUOUS as reason
    assert reason == REJECT_AMBIGUOUS


def _red_text_columns(picture: np.ndarray, frame: np.ndarray) -> np.ndarray:
    """Columns where something reddish was drawn over the frame."""
    drawn = (picture.astype(int) - frame.astype(int)).any(axis=2)
    reddish = (picture[:, :, 2] > 150) & (picture[:, :, 0] < 120)
    return np.flatnonzero((drawn & reddish).any(axis=0))


@pytest.mark.parametrize("size", [(640, 480), (320, 240)])
def test_a_long_rejection_reason_fits_in_the_annotated_picture(size):
    from edge_digits.postcode import read_postcode
    from edge_digits.postcode.draw import draw_postcode

    frame = np.full((size[1], size[0], 3), 235, np.uint8)  # a blank envelope: no field
    with DigitReader() as reader:
        result = read_postcode(reader, frame, "jp")
    assert result.reason == "no field found" and len(result.detail) > 100
    picture = draw_postcode(frame, result)
    columns = _red_text_columns(picture, frame)
    assert columns.size and columns.max() < size[0] - 4  # nothing runs off the right edge
    label = f"jp: rejected ({result.reason}) {result.detail}"
    lines = fit_lines(label, size[0] - 20, max(0.4, size[0] / 1400), 1)
    assert len(lines) >= 2 and " ".join(lines) == label
    rows = np.flatnonzero((picture != frame).any(axis=(1, 2)))
    assert rows.max() < size[1]  # the lines stack downwards inside the picture


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.jpg")))
@pytest.mark.parametrize("size", [(640, 480), (1920, 1080)])
def test_labels_never_cover_a_digit(name, size):
    """Pixels inside every digit box are the same with and without the labels: only boxes
    are drawn there; labels are drawn somewhere (not just left out)."""
    frame = cv2.resize(cv2.imread(str(SAMPLES / name)), size)
    with DigitReader() as reader:
        reading = reader.read(frame)
    full, bare = draw_reading(frame, reading), draw_reading(frame, reading, labels=False)
    for digit in reading.digits:
        box = digit.box
        inside = (slice(box.y, box.bottom), slice(box.x, box.right))
        assert np.array_equal(full[inside], bare[inside]), (name, digit)
    labelled = (full != bare).any(axis=2).sum()
    assert labelled > 40 * len(reading.digits)
