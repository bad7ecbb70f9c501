"""Faults in a stream: a fake camera that is absent at boot, stalls, delivers empty frames,
changes resolution, raises, disappears and comes back. ``serve`` keeps every reading it
made, resumes, and its JSON lines file is never cut or interleaved, also across SIGTERM."""
from __future__ import annotations

import io
import json
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from edge_digits.errors import SourceError
from edge_digits.read import DigitReader
from edge_digits.service import EXIT_OK, JsonLines, parse_config, serve
from edge_digits.sources import Backoff, LiveSource

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "edge_digits" / "samples"


@pytest.fixture(scope="module")
def reader():
    with DigitReader() as loaded:
        yield loaded


@pytest.fixture(scope="module")
def pictures():
    return [cv2.imread(str(path)) for path in sorted(SAMPLES.glob("*.jpg"))]


class ScriptedCamera(LiveSource):
    """A camera that plays a script shared across reopenings. Steps: ("frame", image),
    ("stall", seconds) then a frame, ("empty",), ("raise",), ("gone", failed_opens): the
    camera disappears and the next ``failed_opens`` opens fail."""

    def __init__(self, state: dict, **live_options) -> None:
        super().__init__(**live_options)
        self.name = "fake camera"
        self.state = state
        self._start()

    def _open(self) -> None:
        if self.state["failing_opens"] > 0:
            self.state["failing_opens"] -= 1
            raise SourceError("fake camera could not be opened (not there)")
        self.state["opens"] += 1

    def _grab(self):
        script = self.state["script"]
        if not script:
            self.stop.set()  # the script is over: end the service like SIGTERM would
            last = np.full((16, 16), 255, np.uint8)  # the frame in flight is still read
            self.state["delivered"].append(last)
            return last, None
        step = script.pop(0)
        if step[0] == "frame":
            self.state["delivered"].append(step[1])
            return step[1], None
        if step[0] == "stall":
            time.sleep(step[1])
            return self._grab()
        if step[0] == "empty":
            self.state["delivered"].append(None)
            return np.zeros((0, 0, 3), np.uint8), None
        if step[0] == "raise":
            raise RuntimeError("fake driver: dequeue timed out")
        if step[0] == "gone":
            self.state["failing_opens"] = step[1]
            return None
        raise AssertionError(step)

    def _release(self) -> None:
        pass


def test_serve_survives_every_fault_and_keeps_every_reading(reader, pictures, tmp_path):
    small = [cv2.resize(p, (320, 240)) for p in pictures]
    large = [cv2.resize(p, (1280, 960)) for p in pictures]
    script = [("frame", pictures[0]), ("stall", 0.05), ("frame", pictures[1]), ("empty",),
              ("frame", small[2]), ("frame", large[3]), ("raise",), ("frame", pictures[2]),
              ("gone", 2), ("frame", small[0]), ("frame", pictures[3]), ("raise",),
              ("gone", 0), ("frame", large[1])]
    state = {"script": list(script), "failing_opens": 1, "opens": 0, "delivered": []}
    stop = threading.Event()

    def opener(spec, backoff=None, on_event=None, stop=None, **_):
        return ScriptedCamera(state, backoff=backoff, on_event=on_event, stop=stop)

    out = tmp_path / "readings.jsonl"
    config = parse_config({"source": {"spec": "fake://camera"}, "output": {"path": str(out)},
                           "reconnect": {"initial": 0.001, "maximum": 0.004, "attempts": 0},
                           "stats_every": 0.0})
    assert serve(config, reader=reader, stop=stop, opener=opener) == EXIT_OK
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    readings = [line for line in lines if "event" not in line]
    delivered = [image for image in state["delivered"] if image is not None]
    # every frame with pixels was read and written, in order, as the reader reads it
    assert [r["frame_size"] for r in readings] == [[i.shape[1], i.shape[0]] for i in delivered]
    assert len(readings) == len(delivered) == 9  # 8 scripted frames and the last one
    for record, image in zip(readings, delivered):
        assert record["frame_size"] == [image.shape[1], image.shape[0]]
        assert record["text"] == reader.read(image).text
    indices = [record["index"] for record in readings]
    assert indices == sorted(indices) and len(set(indices)) == len(indices)
    events = [line["event"] for line in lines if "event" in line]
    assert events[0] == "reconnecting"  # absent at boot: retried
    assert events.count("lost") == 4  # two raises, two disappearances
    assert events.count("reconnected") == 4 and state["opens"] == 5


def test_a_line_cut_by_a_kill_is_ended_before_new_lines(tmp_path):
    out = tmp_path / "r.jsonl"
    out.write_text('{"a":1}\n{"b":')  # a previous run killed mid-line (SIGKILL, power)
    lines = JsonLines(str(out))
    lines.write({"c": 3})
    lines.close()
    assert out.read_text().splitlines() == ['{"a":1}', '{"b":', '{"c":3}']


def _write_at_once(out, tags: str, opens: int, lines_per_open: int) -> list[dict]:
    """One thread a tag, each opening ``out`` ``opens`` times and writing ``lines_per_open``
    lines larger than any buffer each time (one os.write a line keeps it whole); the
    records read back."""
    big = "x" * 20_000

    def writer(tag):
        i = 0
        for _ in range(opens):
            lines = JsonLines(str(out))
            for _ in range(lines_per_open):
                lines.write({"tag": tag, "i": i, "pad": big})
                i += 1
            lines.close()
    threads = [threading.Thread(target=writer, args=(tag,)) for tag in tags]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_two_writers_never_interleave_lines(tmp_path):
    records = _write_at_once(tmp_path / "r.jsonl", "ab", 1, 200)
    assert len(records) == 400
    for tag in "ab":
        assert [r["i"] for r in records if r["tag"] == tag] == list(range(200))


def test_a_writer_opening_while_another_writes_leaves_no_empty_line(tmp_path):
    """Opening the file checks whether its last line was cut (and ends it): a line being
    written by another writer at that moment is not a cut one. Without the file lock,
    4 writers opening the file 30 times each left ~4 empty lines a run."""
    records = _write_at_once(tmp_path / "r.jsonl", "abcd", 30, 5)
    assert len(records) == 4 * 30 * 5


@pytest.fixture(scope="module")
def long_video(tmp_path_factory, pictures):
    path = tmp_path_factory.mktemp("video") / "long.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25, (320, 240))
    if not writer.isOpened():
        pytest.skip("this OpenCV cannot write MJPG video")
    for index in range(3000):  # longer than a run lasts: the SIGTERM comes while it reads
        writer.write(cv2.resize(pictures[index % len(pictures)], (320, 240)))
    writer.release()
    return path


def test_sigterm_at_random_moments_never_cuts_a_line(tmp_path, long_video):
    """Three runs append to one file and are stopped by SIGTERM at random moments: every
    line parses, and each run's frame indices are 0, 1, 2, ... without a gap (no reading
    it made was lost)."""
    out = tmp_path / "readings.jsonl"
    config = tmp_path / "c.toml"
    config.write_text(f'stats_every = 0.0\n[source]\nspec = "{long_video}"\n'
                      f'[output]\npath = "{out}"\n[reader]\nthreads = 1\n')
    rng = random.Random(5)
    runs = 0
    for _ in range(3):
        process = subprocess.Popen([sys.executable, "-m", "edge_digits", "serve", "--config",
                                    str(config)], stderr=subprocess.PIPE, text=True, cwd=ROOT)
        time.sleep(rng.uniform(1.0, 2.5))  # start-up is about a second
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0, process.stderr.read()
        process.stderr.close()
        runs += 1
    records = [json.loads(line) for line in out.read_text().splitlines()]  # all parse
    starts = [i for i, record in enumerate(records) if record["index"] == 0]
    assert 1 <= len(starts) <= runs
    for begin, end in zip(starts, starts[1:] + [len(records)]):
        assert [r["index"] for r in records[begin:end]] == list(range(end - begin))
