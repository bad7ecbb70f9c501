"""The reading service: config validation, JSON lines on generated frames, camera faults
(a real camera index that does not exist here, a capture whose device stops), signals."""
from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from edge_digits.cli import main
from edge_digits.errors import ConfigError, SourceError
from edge_digits.read import DigitReader
from edge_digits.service import (EXIT_OK, EXIT_SOURCE_LOST, ServiceConfig, load_config,
                                 parse_config, serve)
from edge_digits.sources import open_source

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "devices" / "raspberry-pi" / "config.example.toml"
FAST = {"initial": 0.001, "factor": 2.0, "maximum": 0.004}


@pytest.fixture(scope="module")
def synth_frames(digit_pictures):
    from export.synth.frames import make_frames

    return make_frames(11, 4, level="clean", digits=(digit_pictures["x_test"], digit_pictures["y_test"]))


@pytest.fixture(scope="module")
def frame_dir(tmp_path_factory, synth_frames):
    folder = tmp_path_factory.mktemp("frames")
    for index, frame in enumerate(synth_frames):
        cv2.imwrite(str(folder / f"frame_{index:02d}.png"), frame.image)
    return folder


@pytest.fixture(scope="module")
def reader():
    with DigitReader() as loaded:
        yield loaded


def config_for(spec, out="-", **sections) -> ServiceConfig:
    data = {"source": {"spec": str(spec)}, "output": {"path": str(out)}, "stats_every": 0.0}
    for name, values in sections.items():
        if isinstance(values, dict):
            data.setdefault(name, {}).update(values)
        else:
            data[name] = values
    return parse_config(data)


def records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


# --- config ----------------------------------------------------------------------------------

def test_example_config_is_valid_and_sets_what_it_says():
    config = load_config(EXAMPLE)
    assert config.source.spec == "picamera2"
    assert config.reconnect.attempts == 0  # at boot: never give up
    assert config.output.path.endswith(".jsonl")
    assert 1 <= config.reader.threads <= 4


def test_defaults_from_an_empty_file(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("")
    assert load_config(path) == ServiceConfig()


@pytest.mark.parametrize("toml, message", [
    ('[source]\nspce = "0"', r"\[source\] spce: unknown key; expected one of spec, "),
    ('treads = 2', r"treads: unknown key"),
    ('[reader]\nthreads = "2"', r"\[reader\] threads: received '2' \(str\); expected an integer"),
    ('[reader]\nthreads = 0', r"\[reader\] threads: received 0; expected 1..64"),
    ('[reader]\nthreshold = 1.5', r"\[reader\] threshold: received 1.5; expected 0..1"),
    ('[reader]\nbackend = "gpu"', r"\[reader\] backend: received 'gpu'"),
    ('[source]\nlores_size = [320]', r"\[source\] lores_size: received \[320\] \(list\); "
                                     r"expected \[width, height\]"),
    ('[source]\nlores_size = [321, 240]', r"\[source\] lores_size: received \[321, 240\]; "
                                          r"expected even"),
    ('[source]\nlores_size = [1920, 1080]', r"no larger than main_size"),
    ('[reconnect]\nattempts = -1', r"\[reconnect\] attempts: received -1"),
    ('[output]\nonly_changes = "yes"', r"\[output\] only_changes: received 'yes' \(str\); "
                                       r"expected true or false"),
    ('preview = "maybe"', r"preview: received 'maybe'; expected auto, on or off"),
    ('source = 3', r"\[source\]: received 3; expected a table"),
    ('[source\nspec = 1', r"is not valid TOML"),
])
def test_bad_config_names_the_key(tmp_path, toml, message):
    path = tmp_path / "c.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=message) as info:
        load_config(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_missing_config_and_relative_model_path(tmp_path):
    with pytest.raises(ConfigError, match=r"config file .*nope.toml cannot be read"):
        load_config(tmp_path / "nope.toml")
    (tmp_path / "c.toml").write_text('[reader]\nmodel = "models/m.tflite"\n')
    assert load_config(tmp_path / "c.toml").reader.model == str(tmp_path / "models/m.tflite")


# --- the loop on files -------------------------------------------------------------------------

def test_directory_is_read_once_into_json_lines_matching_the_reader(frame_dir, reader,
                                                                    synth_frames, digit_pictures):
    out = io.StringIO()
    code = serve(config_for(frame_dir), reader=reader, stdout=out)
    assert code == EXIT_OK
    lines = records(out.getvalue())
    assert [line["frame"] for line in lines] == [f"frame_{i:02d}.png" for i in range(4)]
    for line in lines:
        direct = reader.read(cv2.imread(str(frame_dir / line["frame"])))
        assert line["text"] == direct.text and line["strings"] == direct.to_dict()["strings"]
    # the four frames (the first four of test_accuracy's frames/clean) are all read right
    truth = [" ".join(frame.strings) for frame in synth_frames]
    if digit_pictures["source"] == "mnist":  # (drawn digits are content, not a measure)
        assert [line["text"] for line in lines] == truth  # measured 4 of 4


def test_output_file_is_appended_and_only_changes_filters(tmp_path, frame_dir, reader):
    out = tmp_path / "logs" / "readings.jsonl"
    for _ in range(2):
        serve(config_for(frame_dir, out), reader=reader)
    assert len(records(out.read_text())) == 8  # appended, directory created
    video = tmp_path / "same.avi"
    image = cv2.imread(str(frame_dir / "frame_00.png"))
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 5,
                             (image.shape[1], image.shape[0]))
    for _ in range(4):
        writer.write(image)
    writer.release()
    stream = io.StringIO()
    serve(config_for(video, output={"only_changes": True}), reader=reader, stdout=stream)
    assert len(records(stream.getvalue())) == 1  # four identical frames, one line


def test_a_frame_it_could_not_read_whole_is_written_even_without_empty_frames(tmp_path,
                                                                               reader, mnist):
    """``include_empty = false`` skips frames with nothing in them, not frames holding
    writing the reader could not read whole (``unread`` boxes: a person should look, as a
    sorting loop routes them); ``only_changes`` tells them from an empty frame. ``[reader]
    partial = true`` shows a string with unread digits as it is."""
    from tests.test_look_again import sheet

    frames = tmp_path / "frames"
    frames.mkdir()
    grainy = np.clip(sheet(mnist, 0.15) + np.random.default_rng(1).normal(0, 14, (480, 640)),
                     0, 255).astype(np.uint8)
    cv2.imwrite(str(frames / "a_blank.png"), np.full((480, 640), 215, np.uint8))
    cv2.imwrite(str(frames / "b_unread.png"), grainy)
    cv2.imwrite(str(frames / "c_blank.png"), np.full((480, 640), 215, np.uint8))
    for only_changes in (False, True):
        out = io.StringIO()
        config = config_for(frames, output={"include_empty": False, "only_changes": only_changes})
        assert serve(config, reader=reader, stdout=out) == EXIT_OK
        (line,) = records(out.getvalue())
        assert line["frame"] == "b_unread.png" and line["text"] == "" and len(line["unread"]) == 1
    sample = ROOT / "edge_digits" / "samples" / "digits_two_lines.jpg"
    texts = []
    for partial in (False, True):
        out = io.StringIO()
        config = config_for(sample, reader={"threshold": 0.99, "partial": partial})
        assert serve(config, stdout=out) == EXIT_OK
        texts.append(records(out.getvalue())[0]["text"])
    assert texts == ["", "1312?6 657"]


def test_file_source_errors_propagate_and_bad_output_path(tmp_path, reader):
    with pytest.raises(SourceError, match="holds no images"):
        serve(config_for(tmp_path), reader=reader, stdout=io.StringIO())
    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigError, match=r"\[output\] path: cannot open"):
        serve(config_for(tmp_path, tmp_path / "file" / "out.jsonl"), reader=reader)


# --- the loop on live sources: faults, backoff, stop -----------------------------------------

def test_camera_absent_at_start_is_retried_with_backoff_then_exit_3(reader):
    # Camera index 9 does not exist on this machine: real cv2.VideoCapture fails to open.
    out = io.StringIO()
    config = config_for("9", reconnect={**FAST, "attempts": 3})
    code = serve(config, reader=reader, stdout=out)
    assert code == EXIT_SOURCE_LOST
    events = records(out.getvalue())
    assert [e["event"] for e in events] == ["reconnecting"] * 3 + ["gave-up"]
    assert "camera 9 could not be opened" in events[0]["message"]


def test_stop_ends_an_open_retry_wait_at_once(reader):
    stop = threading.Event()
    config = config_for("9", reconnect={"initial": 30.0, "maximum": 60.0, "attempts": 0})
    timer = threading.Timer(0.3, stop.set)
    timer.start()
    started = time.monotonic()
    assert serve(config, reader=reader, stop=stop, stdout=io.StringIO()) == EXIT_OK
    assert time.monotonic() - started < 25  # not the 30 s wait: the stop ended it


def test_camera_that_stops_mid_stream_keeps_the_service_going(tmp_path, frame_dir, reader):
    # The "camera" is a real video file: it stops delivering when the file ends, and the
    # source reopens it (from the start) with backoff.
    images = [cv2.imread(str(path)) for path in sorted(frame_dir.glob("*.png"))]
    video = tmp_path / "cam.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 5,
                             (images[0].shape[1], images[0].shape[0]))
    for image in images[:2]:
        writer.write(image)
    writer.release()

    def opener(spec, **options):
        options["capture_factory"] = lambda target: cv2.VideoCapture(str(video))
        return open_source(spec, **options)

    stop = threading.Event()
    seen = []

    def on_frame(frame, reading):
        seen.append(frame.index)
        if len(seen) == 5:
            stop.set()

    out = io.StringIO()
    code = serve(config_for("0", reconnect=FAST), reader=reader, stop=stop, stdout=out,
                 on_frame=on_frame, opener=opener)
    assert code == EXIT_OK and seen == [0, 1, 2, 3, 4]
    lines = records(out.getvalue())
    kinds = [line.get("event", "reading") for line in lines]
    assert kinds == ["reading"] * 2 + ["lost", "reconnecting", "reconnected"] + \
        ["reading"] * 2 + ["lost", "reconnecting", "reconnected"] + ["reading"]
    assert lines[5]["text"] == lines[0]["text"]  # the reopened camera sees the same again


# --- the CLI -----------------------------------------------------------------------------------

def test_cli_bad_config_is_one_line_and_exit_2(tmp_path, capsys):
    path = tmp_path / "c.toml"
    path.write_text('[source]\nspec = "0"\nfps = 3\n')
    assert main(["serve", "--config", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "[source] fps: unknown key" in err


def test_cli_check_and_serve_a_directory(tmp_path, frame_dir, capsys):
    path = tmp_path / "c.toml"
    out = tmp_path / "r.jsonl"
    path.write_text(f'stats_every = 0.0\n[source]\nspec = "{frame_dir}"\n'
                    f'[output]\npath = "{out}"\n[reader]\nthreads = 1\n')
    assert main(["serve", "--config", str(path), "--check"]) == 0
    assert "OK" in capsys.readouterr().out
    assert main(["serve", "--config", str(path)]) == 0
    assert len(records(out.read_text())) == 4


@pytest.mark.slow
def test_sigterm_stops_the_service_during_a_reconnect_wait(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[source]\nspec = "9"\n[reconnect]\ninitial = 20.0\nmaximum = 20.0\n')
    process = subprocess.Popen([sys.executable, "-m", "edge_digits", "serve", "--config",
                                str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=ROOT)
    try:
        # wait for the first retry to be announced, then ask it to stop like systemd does
        first = process.stdout.readline()
        assert first, process.communicate(timeout=15)[1]
        assert json.loads(first)["event"] == "reconnecting"
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=15)  # not the 20 s wait
    finally:
        process.kill()
    stderr = process.stderr.read()
    assert code == 0, stderr
    assert "camera 9 could not be opened" in stderr and "stopping" in stderr


# --- preview (drawing only: this OpenCV is headless) -----------------------------------------

def test_fps_meter_smooths_frame_intervals():
    from edge_digits.preview import FpsMeter

    meter = FpsMeter(smoothing=0.5)
    assert meter.tick(0.0) == 0.0
    assert meter.tick(0.1) == pytest.approx(10.0)
    assert meter.tick(0.3) == pytest.approx(1 / 0.15)  # (0.1 + 0.2) / 2


def test_overlay_draws_scaled_boxes_on_the_display_image(frame_dir, reader):
    from edge_digits.preview import draw_overlay

    image = cv2.imread(str(frame_dir / "frame_00.png"))
    small = cv2.resize(image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    reading = reader.read(small)
    assert reading.strings
    drawn = draw_overlay(image, reading, 12.5, (small.shape[1], small.shape[0]))
    assert drawn.shape == image.shape and not np.array_equal(drawn, image)
    box = reading.strings[0].digits[0].box
    # the box edge lands at twice the coordinates read on the half-size frame
    x, y = 2 * box.x, 2 * box.y + box.height  # left edge, halfway down
    changed = np.any(drawn != image, axis=2)
    assert changed[y, max(0, x - 1): x + 2].any()


def test_preview_window_refuses_a_headless_opencv():
    from edge_digits.preview import PreviewWindow, gui_available

    if gui_available():
        pytest.skip("this OpenCV has a GUI")
    with pytest.raises(SourceError, match="no GUI"):
        PreviewWindow()


def test_service_on_picamera2_reads_the_lores_stream_through_a_timeout(synth_frames, reader):
    from test_sources import World  # the Picamera2 stand-in

    world = World(scene=cv2.resize(synth_frames[0].image, (1280, 960)))
    stop, seen = threading.Event(), []

    def opener(spec, **options):
        return open_source(spec, picamera2_class=world.make_class(), **options)

    def on_frame(frame, reading):
        seen.append(frame)
        if len(seen) == 2:  # one more frame, then two captures time out
            world.fail_after, world.failures = world.frames_delivered + 1, 2
        if len(seen) == 5:
            stop.set()

    out = io.StringIO()
    config = config_for("picamera2", reconnect=FAST,
                        source={"lores_size": [640, 480], "main_size": [1280, 960]})
    code = serve(config, reader=reader, stop=stop, stdout=out, on_frame=on_frame,
                 opener=opener)
    assert code == EXIT_OK
    lines = records(out.getvalue())
    events = [(line["event"], line["attempt"]) for line in lines if "event" in line]
    # the reopened camera timed out again before a frame: the outage went on to attempt 2
    assert events == [("lost", 0), ("reconnecting", 1), ("reconnected", 1),
                      ("lost", 0), ("reconnecting", 2), ("reconnected", 2)]
    readings = [line for line in lines if "event" not in line]
    assert len(readings) == 5 and [f.index for f in seen] == list(range(5))
    assert all(line["frame_size"] == [640, 480] for line in readings)  # the lores stream
    assert seen[0].image.ndim == 2 and seen[0].display is not None  # gray read, BGR to draw
    assert len({line["text"] for line in readings}) == 1 and readings[0]["text"]
