"""``edge-digits read`` and ``edge-digits info``: outputs, annotation, exit codes."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from edge_digits.cli import main

SAMPLES = Path(__file__).resolve().parents[1] / "edge_digits" / "samples"


def test_samples_are_shipped_and_read_out_of_the_box(capsys, mnist):
    """The bundled samples read right: every line, no wrong digit anywhere, no rejected
    ('?') digit. (The 'ruled table' sample was seed 15 before: its '1166' has a 1 with a
    foot that the model calls not-a-digit, an 'L'; a frame with a line of digits the reader
    cannot read now reports nothing, so that sample showed nothing at all.)"""
    from export.synth.frames import SAMPLES as GENERATED, make_frame

    digits = (mnist["x_test"], mnist["y_test"])  # the samples' truth: regenerated from MNIST
    truth = {name: make_frame(seed, level, digits=digits).strings
             for name, seed, level in GENERATED}
    names = sorted(p.name for p in SAMPLES.iterdir() if p.suffix in (".jpg", ".png"))
    assert names == sorted(truth)
    assert main(["read", str(SAMPLES)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == names
    for line in lines:
        name, text, confidence = line.split("\t")
        expected = list(truth[name])
        got = text.split(" ")
        assert all(string in expected for string in got), f"{line}: expected {expected}"
        assert got == expected  # every line, top to bottom
        assert 0.5 <= float(confidence) <= 1.0


def test_json_lines_and_annotation(tmp_path, capsys):
    image = SAMPLES / "digits_one_line.jpg"
    out_dir = tmp_path / "annotated"
    assert main(["read", str(image), "--json", "--annotate", str(out_dir), "--threshold", "0.5",
                 "--threads", "2"]) == 0
    (line,) = capsys.readouterr().out.strip().splitlines()
    record = json.loads(line)
    assert record["name"] == image.name and record["index"] == 0
    assert record["text"] == "7439234"
    assert all(len(d["box"]) == 4 for s in record["strings"] for d in s["digits"])
    picture = cv2.imread(str(out_dir / "digits_one_line.png"))
    assert picture is not None and picture.shape == (480, 640, 3)
    assert not np.array_equal(picture, cv2.imread(str(image)))  # boxes were drawn


def test_the_text_line_tells_nothing_found_from_writing_it_could_not_read(tmp_path, capsys,
                                                                         mnist):
    """Text ``-`` is "no digits"; a frame that reports nothing because of writing the reader
    could not read whole (a number too pale for its first search beside one it read:
    ``Reading.unread``) says so in a fourth column, as ``postcode`` gives its reason: a
    script reading the lines can route it to a person."""
    from tests.test_look_again import sheet

    cv2.imwrite(str(tmp_path / "blank.png"), np.full((480, 640), 215, np.uint8))
    cv2.imwrite(str(tmp_path / "pale.png"), sheet(mnist, 0.1))
    assert main(["read", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip().splitlines() == [
        "blank.png\t-\t0.00", "pale.png\t-\t0.00\tunread: 1 box a person should look at"]
    assert main(["read", str(tmp_path / "pale.png"), "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["unread"]) == 1


def test_partial_shows_a_string_with_unread_digits_that_the_default_leaves_to_a_person(
        capsys):
    """At a strict threshold a sample's first line has a digit under it: by default the
    frame reports nothing and names that line unread; ``--partial`` shows it with its
    ``?`` (``ReadOptions.partial_strings``)."""
    sample = str(SAMPLES / "digits_two_lines.jpg")
    assert main(["read", sample, "--threshold", "0.99"]) == 0
    assert capsys.readouterr().out.strip() == \
        "digits_two_lines.jpg\t-\t0.00\tunread: 1 box a person should look at"
    assert main(["read", sample, "--threshold", "0.99", "--partial"]) == 0
    assert capsys.readouterr().out.strip() == "digits_two_lines.jpg\t1312?6 657\t0.00"


def test_video_frames(tmp_path, capsys):
    frame = cv2.imread(str(SAMPLES / "digits_two_lines.jpg"))
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 5, (640, 480))
    if not writer.isOpened():
        pytest.skip("this OpenCV cannot write MJPG video")
    for _ in range(3):
        writer.write(frame)
    writer.release()
    assert main(["read", str(path)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3 and all(line.split("\t")[1] == "131216 657" for line in lines)


@pytest.mark.parametrize("argv, message", [
    (["read", "/no/such/file.png"], "no such file"),
    (["read", "{bad}"], "cannot decode"),
    (["read", "{sample}", "--model", "/no/model.tflite"], "model file not found"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, argv, message):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image")
    argv = [a.format(bad=bad, sample=SAMPLES / "digits_one_line.jpg") for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("argv", [["read"], ["read", "x.png", "--threshold", "2"],
                                  ["read", "x.png", "--threads", "0"], ["frobnicate"]])
def test_bad_usage_exits_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "error" in capsys.readouterr().err


def test_camera_that_does_not_open_exits_2():
    result = subprocess.run([sys.executable, "-m", "edge_digits", "read", "7"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "edge-digits read" in line]
    assert len(errors) == 1 and "Traceback" not in result.stderr


def test_info(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "backend" in out and "labels" in out and "0 1 2 3 4 5 6 7 8 9" in out
    assert main(["info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["classes"] >= 10 and info["input"]["dtype"] in ("int8", "uint8", "float32")
