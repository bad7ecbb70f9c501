"""Stage and end-to-end benchmarks on seeded generated frames (640x480 and 1280x720).

Groups: ``locate`` (find and crop the digits of a grayscale frame), ``normalize`` (the
MNIST recipe on every crop of a frame), ``read`` (BGR frame to its strings) with the
straightforward pipeline (``baseline.read_plain``) as its peer. The read figures carry the
exact-string accuracy of each pipeline on clean and hard frames in ``extra_info``: a faster
pipeline that reads fewer frames right is not a better one.

Each timed call takes the next frame of a small seeded set in turn, so a median is not
the cost of one lucky frame.
"""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from baseline import read_plain
from bench_support import cycling, describe, interleaved_us

SIZES = {"640x480": (640, 480), "1280x720": (1280, 720)}


@pytest.fixture(scope="module")
def timing_frames(frame_sets, quick):
    """Clean frames per size: the timed inputs."""
    counts = {"640x480": 2 if quick else 8, "1280x720": 1 if quick else 4}
    return {name: frame_sets("clean", size, counts[name]) for name, size in SIZES.items()}


@pytest.fixture(scope="module")
def accuracy(frame_sets, reader, quick):
    """Exact-string accuracy of ours and of the straightforward pipeline, 640x480 frames."""
    count = 4 if quick else 30
    scores = {}
    for level in ("clean", "hard"):
        frames = frame_sets(level, SIZES["640x480"], count)
        ours = sum(reader.read(f.image).text == f.text for f in frames)
        plain = sum(read_plain(f.image, reader.classifier) == f.text for f in frames)
        scores[level] = {"frames": count, "edge-digits": ours / count, "plain": plain / count}
    return scores


@pytest.mark.parametrize("size", list(SIZES))
def test_locate(benchmark, reader, timing_frames, size):
    grays = [cv2.cvtColor(f.image, cv2.COLOR_BGR2GRAY) for f in timing_frames[size]]
    found = [sum(len(line) for line in reader.locate(gray)) for gray in grays]
    benchmark.group = "locate"
    describe(benchmark, role="edge-digits", label=f"locate_digits {size}", frame_size=size,
             backend=None, model=None, frames=len(grays), digits_per_frame=float(np.mean(found)))
    benchmark(cycling(reader.locate, grays))
    assert sum(found) > 0


@pytest.mark.parametrize("size", list(SIZES))
def test_normalize(benchmark, reader, timing_frames, size):
    from edge_digits.normalize import normalize_digit

    inks = []
    for frame in timing_frames[size]:
        lines = reader.locate(cv2.cvtColor(frame.image, cv2.COLOR_BGR2GRAY))
        inks.append([candidate.ink for line in lines for candidate in line])
    per_frame = float(np.mean([len(i) for i in inks]))
    benchmark.group = "normalize"
    describe(benchmark, role="edge-digits", label=f"normalize_digit, all crops of a {size} frame",
             frame_size=size, backend=None, model=None, digits_per_frame=per_frame)
    patches = benchmark(cycling(lambda crops: [normalize_digit(ink) for ink in crops], inks))
    assert all(p.shape == (28, 28) for p in patches)


def stage_shares(reader, frames, quick: bool) -> dict:
    """Read, locate and normalize of the same frames in alternating rounds (ms per frame),
    and the read with one view of each digit (``ReadOptions.upright_view`` and
    ``thick_view`` 0: what the other views of unsure digits cost)."""
    from dataclasses import replace

    from edge_digits.normalize import normalize_digit
    from edge_digits.read import DigitReader

    images = [f.image for f in frames]
    grays = [cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) for image in images]
    inks = [[c.ink for line in reader.locate(gray) for c in line] for gray in grays]
    calls = len(images)
    with DigitReader(options=replace(reader.options, upright_view=0.0, thick_view=0)) as one_view:
        timed = interleaved_us({
            "read": cycling(reader.read, images),
            "read one view": cycling(one_view.read, images),
            "locate": cycling(reader.locate, grays),
            "normalize": cycling(lambda crops: [normalize_digit(ink) for ink in crops], inks),
        }, items=1, rounds=3 if quick else 15, calls=calls)
    return {kind: {name: round(us / 1e3, 3) for name, us in values.items()}
            if isinstance(values, dict) else values for kind, values in timed.items()}


@pytest.mark.parametrize("size", list(SIZES))
def test_read(benchmark, reader, timing_frames, accuracy, size, quick):
    frames = timing_frames[size]
    benchmark.group = "read"
    describe(benchmark, role="edge-digits", label=f"DigitReader.read {size}", frame_size=size,
             backend=reader.backend, frames=len(frames),
             accuracy={level: s["edge-digits"] for level, s in accuracy.items()},
             accuracy_frames=accuracy["clean"]["frames"],
             interleaved_ms_per_frame=stage_shares(reader, frames, quick))
    reading = benchmark(cycling(reader.read, [f.image for f in frames]))
    assert reading.frame_size == SIZES[size]
    # the straightforward pipeline is faster (1.23 ms against 3.30 ms at 640x480 in
    # BENCHMARKS.md: ours is NOT faster, and no ratio is asserted) but reads almost
    # nothing right: ours must read clearly more frames right on both levels
    for level, found in accuracy.items():
        assert found["edge-digits"] >= found["plain"] + 0.5, (level, found)


@pytest.mark.parametrize("size", list(SIZES))
def test_read_plain(benchmark, reader, timing_frames, accuracy, size):
    frames = timing_frames[size]
    benchmark.group = "read"
    describe(benchmark, role="peer", label=f"Otsu + contours + resize {size}", frame_size=size,
             backend=reader.backend, frames=len(frames),
             accuracy={level: s["plain"] for level, s in accuracy.items()},
             accuracy_frames=accuracy["clean"]["frames"])
    text = benchmark(cycling(lambda image: read_plain(image, reader.classifier),
                             [f.image for f in frames]))
    assert isinstance(text, str)
