"""What a user meets on bad input: a folder with broken files is read to its end (exit 1,
one line per bad file), rejected digits stay visible as '?', a string's confidence counts a
rejected digit as 0, and a threshold the model cannot reach is refused in one line."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from edge_digits.cli import main
from edge_digits.cli.common import EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE
from edge_digits.errors import ConfigError
from edge_digits.read import DEFAULT_THRESHOLD, DigitReader, ReadOptions
from edge_digits.results import Box, Digit, DigitString, Reading

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "edge_digits" / "samples"
GOOD = sorted(p.name for p in SAMPLES.glob("*.jpg"))


@pytest.fixture(scope="module")
def reader():
    with DigitReader() as loaded:
        yield loaded


@pytest.fixture()
def mixed_folder(tmp_path):
    """The bundled samples plus broken files sorting first, in between and last."""
    for name in GOOD:
        shutil.copy(SAMPLES / name, tmp_path / name)
    data = (SAMPLES / GOOD[0]).read_bytes()
    (tmp_path / "a_empty.png").write_bytes(b"")
    (tmp_path / "digits_p_truncated.jpg").write_bytes(data[:300])
    (tmp_path / "z_not_an_image.png").write_bytes(b"GIF89a but not really" * 10)
    return tmp_path


def test_a_folder_with_broken_files_is_read_to_its_end(mixed_folder, capsys):
    assert main(["read", str(mixed_folder)]) == EXIT_SOME_FAILED == 1
    captured = capsys.readouterr()
    assert [line.split("\t")[0] for line in captured.out.splitlines()] == GOOD
    errors = captured.err.strip().splitlines()
    assert len(errors) == 3 and "Traceback" not in captured.err
    for error, name in zip(errors, ["a_empty.png", "digits_p_truncated.jpg", "z_not_an_image.png"]):
        assert error.startswith("edge-digits read: error: cannot decode image") and name in error
    # The same files without the broken ones: 0, nothing on stderr, identical lines.
    for broken in ("a_empty.png", "digits_p_truncated.jpg", "z_not_an_image.png"):
        (mixed_folder / broken).unlink()
    assert main(["read", str(mixed_folder)]) == EXIT_OK == 0
    again = capsys.readouterr()
    assert again.out == captured.out and again.err == ""


def test_postcode_on_a_folder_with_a_broken_file_goes_on(mixed_folder, capsys):
    assert main(["postcode", str(mixed_folder), "--format", "digits:7", "--json"]) == 1
    captured = capsys.readouterr()
    assert [json.loads(line)["name"] for line in captured.out.splitlines()] == GOOD
    assert len(captured.err.strip().splitlines()) == 3


def test_exit_codes_are_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    assert "| 1 |" in readme and "| 2 |" in readme and "| 0 |" in readme
    assert EXIT_USAGE == 2


@pytest.mark.parametrize("command", [["read"], ["postcode", "--format", "digits:7"]])
def test_unreachable_threshold_is_refused_in_one_line(command, reader, capsys):
    top = reader.classifier.max_probability
    assert top == pytest.approx(255 / 256)  # the int8 output's largest code, scale 1/256
    assert main([command[0], str(SAMPLES), *command[1:], "--threshold", "0.997"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "0.997 cannot be reached" in err and "0.9961" in err
    # The largest attainable value itself is allowed: its digits are accepted.
    assert main([command[0], str(SAMPLES / GOOD[0]), *command[1:], "--threshold", "0.996"]) == 0


def test_reader_refuses_an_unreachable_threshold():
    with pytest.raises(ConfigError, match="cannot be reached"):
        DigitReader(options=ReadOptions(threshold=1.0))


def test_a_strict_threshold_keeps_every_string_visible(reader):
    """At the highest reachable threshold the same strings are found as at the default,
    each rejected digit shown as '?' when partial strings are asked for
    (``ReadOptions.partial_strings``), and a string with a '?' has confidence 0; without
    it such a frame reports nothing and names those strings unread."""
    import cv2

    top = reader.classifier.max_probability
    strict = DigitReader(options=ReadOptions(threshold=top, partial_strings=True))
    rejected = 0
    for name in GOOD:
        frame = cv2.imread(str(SAMPLES / name))
        default, high = reader.read(frame), strict.read(frame)
        assert [s.box for s in high.strings] == [s.box for s in default.strings]
        with DigitReader(options=ReadOptions(threshold=top)) as hiding:
            hidden = hiding.read(frame)
        if any("?" in s.text and s.text.strip("?") for s in high.strings):
            assert hidden.strings == () and len(hidden.unread) >= 1
        else:
            assert hidden.strings == high.strings
        for low_string, high_string in zip(default.strings, high.strings):
            for a, b in zip(low_string.text, high_string.text):
                assert b in (a, "?")
            rejected += high_string.text.count("?")
            if "?" in high_string.text:
                assert high_string.confidence == 0.0
            else:
                assert high_string.confidence == pytest.approx(
                    float(__import__("numpy").prod([d.confidence for d in high_string.digits])))
    assert rejected >= 1  # the samples hold digits below 0.9961 (e.g. '1312?6')
    strict.close()


def _digit(value, confidence, x):
    return Digit(value, confidence, Box(x, 0, 10, 20), best=value if value is not None else 3)


def test_all_rejected_string_reads_as_question_marks_with_confidence_0():
    unsure = DigitString(tuple(_digit(None, 0.8, 12 * i) for i in range(3)), Box(0, 0, 34, 20))
    sure = DigitString((_digit(4, 0.9, 0), _digit(2, 0.5, 12)), Box(0, 0, 22, 20))
    mixed = DigitString((_digit(1, 0.99, 0), _digit(None, 0.98, 12), _digit(6, 0.99, 24)),
                        Box(0, 0, 34, 20))
    assert unsure.text == "???" and unsure.confidence == 0.0 and not unsure.accepted
    assert sure.confidence == pytest.approx(0.45) and sure.accepted
    assert mixed.text == "1?6" and mixed.confidence == 0.0
    reading = Reading((sure, unsure), (640, 480))
    assert reading.text == "42 ???" and reading.confidence == 0.0
    record = reading.to_dict()
    assert record["text"] == "42 ???" and record["strings"][1]["text"] == "???"
    assert [d["value"] for d in record["strings"][1]["digits"]] == [None, None, None]
    assert Reading((sure,), (640, 480)).confidence == pytest.approx(0.45)


def test_argument_errors_are_one_line_without_usage():
    result = subprocess.run([sys.executable, "-m", "edge_digits", "read", "x.png", "--threshold",
                             "high"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "edge-digits read: error: argument --threshold: expected a number within 0..1, got "
        "'high' (see edge-digits read -h)"]


def test_default_threshold_is_below_the_bundled_models_reach(reader):
    assert DEFAULT_THRESHOLD < reader.classifier.max_probability


def test_a_corrupt_png_is_one_line_without_library_noise(tmp_path):
    import cv2

    data = bytearray(cv2.imencode(".png", cv2.imread(str(SAMPLES / GOOD[0])))[1].tobytes())
    data[200] ^= 0xFF  # inside IDAT: libpng itself would print "IDAT: CRC error"
    (tmp_path / "broken.png").write_bytes(bytes(data))
    result = subprocess.run([sys.executable, "-m", "edge_digits", "read",
                             str(tmp_path / "broken.png")], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "libpng" not in result.stderr
