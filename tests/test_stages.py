"""edge_digits.stages: the stages ``bench --stages`` times are the read's own, in order.

Running the stage callables of a frame gives what ``DigitReader.locate`` and
``read_candidates`` give on it, for clean and hard generated frames and the bundled
samples: a timed stage that drifted from the pipeline would time something else.
"""
from __future__ import annotations

import numpy as np
import pytest

from edge_digits.bench import sample_frames
from edge_digits.frame import as_gray
from edge_digits.read import DigitReader
from edge_digits.stages import STAGES, read_plain, stage_calls, time_stages


@pytest.fixture(scope="module")
def reader():
    with DigitReader() as loaded:
        yield loaded


@pytest.fixture(scope="module")
def images(mnist):
    from export.synth.frames import make_frames

    digits = (mnist["x_test"], mnist["y_test"])
    made = [f.image for level in ("clean", "hard")
            for f in make_frames(4, 6, level, digits=digits)]
    return made + [image for _, image in sample_frames()]


def summary(lines):
    return [[(c.box, c.line, c.cuts, c.split_first, c.ink.tobytes(), len(c.splits)) for c in line]
            for line in lines]


def test_stages_give_what_the_reader_gives(reader, images):
    checked = 0
    for image in images:
        calls = stage_calls(reader, image)
        located = reader.locate(as_gray(image))
        assert list(calls) == [s for s in STAGES if s in calls]
        if "crop" not in calls:
            assert located == []
            continue
        lines = calls["crop"]()
        assert summary(lines) == summary(located)
        assert calls["classify"]() == reader.read_candidates(located)
        assert calls["read"]().strings == reader.read(image).strings
        checked += 1
    assert checked >= len(images) - 2


def test_time_stages_reports_every_stage(reader, images):
    timings = time_stages(reader, images[:3], rounds=2)
    assert list(timings) == list(STAGES)
    for timing in timings.values():
        assert timing.wall_ms > 0 and timing.cpu_ms >= 0 and 1 <= timing.frames <= 3
    with pytest.raises(ValueError, match="rounds"):
        time_stages(reader, images[:1], rounds=0)


def test_read_plain_reads_a_clean_frame(reader, mnist):
    from export.synth.frames import make_frames

    frame = make_frames(4, 1, "clean", digits=(mnist["x_test"], mnist["y_test"]))[0]
    text = read_plain(frame.image, reader.classifier)
    assert isinstance(text, str) and text.replace(" ", "").isdigit()
    assert read_plain(np.full((100, 100, 3), 255, np.uint8), reader.classifier) == ""
