"""Per-stage benchmarks of a 640x480 read, clean and hard frames, with the straightforward
pipeline measured in the same run (group ``stage-plain``) as the baseline.

One group per stage (``stage-work-image``, ``stage-ink``, ``stage-components``,
``stage-blobs``, ``stage-group``, ``stage-crop``, ``stage-classify``, ``stage-read``,
``stage-plain``), each with a clean and a hard benchmark. A stage's inputs are the frame's
own outputs of the stages before it (:func:`edge_digits.stages.stage_calls`), computed
outside the timed calls; each timed call takes the next frame of a seeded set in turn.
``edge-digits bench --stages`` prints the same stages' medians on a device.
"""
from __future__ import annotations

import pytest

from bench_support import describe

from edge_digits.stages import STAGES, stage_calls

LEVELS = ("clean", "hard")


@pytest.fixture(scope="module")
def calls(frame_sets, reader, quick):
    """Per level: each frame's stage callables."""
    count = 2 if quick else 12
    return {level: [stage_calls(reader, f.image) for f in frame_sets(level, (640, 480), count)]
            for level in LEVELS}


def _cycle(functions):
    state = {"i": 0}

    def call():
        function = functions[state["i"] % len(functions)]
        state["i"] += 1
        return function()
    return call


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("stage", STAGES)
def test_stage(benchmark, calls, reader, stage, level):
    functions = [frame[stage] for frame in calls[level] if stage in frame]
    assert functions, f"no {level} frame has the {stage} stage"
    benchmark.group = f"stage-{stage.replace(' ', '-')}"
    describe(benchmark, role="peer" if stage == "plain" else "edge-digits",
             label=f"{stage} 640x480 {level}", frame_size="640x480",
             backend=reader.backend if stage in ("classify", "read", "plain") else None,
             frames=len(functions), level=level)
    benchmark(_cycle(functions))
