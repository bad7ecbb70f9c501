"""A frame read as its stages, each callable on its own: what ``bench --stages`` times.

    >>> calls = stage_calls(reader, frame)            # {stage name: no-argument callable}
    >>> timings = time_stages(reader, frames)         # {stage name: StageTiming}

The stages are the locate pipeline's (:func:`edge_digits.locate.search`) in its order,
each applied to the frame's own inputs of that stage (computed once beforehand), then the
classification of the located candidates, the read end to end and, for comparison, the
straightforward pipeline (:func:`read_plain`: Otsu, contours, resize, our model):

============  ==============================================================================
work image    the work resolution, light-on-dark check, large-writing check (and the
              second work image when the writing is large)
ink           paper background, relative darkness, weak and strong thresholds
components    ink components, ruled lines and box sides removed
blobs         hysteresis and the size filters: components to digit blobs
group         blobs to lines, each line's height, pieces merged, faint strokes grown
crop          full-resolution darkness and every candidate's crop and cuts
classify      normalize and classify the candidates, choose the splits of touching digits
read          ``DigitReader.read`` end to end (BGR frame to strings)
plain         :func:`read_plain`, the straightforward pipeline
============  ==============================================================================
"""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Callable

import cv2
import numpy as np

from .frame import as_gray

STAGES = ("work image", "ink", "components", "blobs", "group", "crop", "classify", "read",
          "plain")
#: boxes of the straightforward pipeline shorter than this fraction of the frame are specks
PLAIN_MIN_HEIGHT = 0.02


def read_plain(frame: np.ndarray, classifier) -> str:
    """The digit strings of a frame, joined by spaces, read the straightforward way.

    Global Otsu threshold, external contours, each bounding box resized to 28x28 as it is
    (no MNIST normalization), argmax of the same model, boxes grouped into lines by their
    vertical centres: what a tutorial shows, plus the line grouping without which no
    two-line frame could ever match. The peer of :meth:`DigitReader.read` in benchmarks.
    """
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) if frame.ndim == 3 else frame
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    min_height = PLAIN_MIN_HEIGHT * gray.shape[0]
    boxes = [box for box in map(cv2.boundingRect, contours) if box[3] >= min_height]
    if not boxes:
        return ""
    crops = np.stack([cv2.resize(mask[y:y + h, x:x + w], (28, 28), interpolation=cv2.INTER_AREA)
                      for x, y, w, h in boxes])
    values = classifier.classify(crops).argmax(axis=1)
    lines: list[list[tuple[int, int]]] = []  # per line: (x, value)
    centres: list[float] = []
    heights: list[float] = []
    for (x, y, w, h), value in sorted(zip(boxes, values), key=lambda item: item[0][1] + item[0][3] / 2):
        centre = y + h / 2
        if lines and abs(centre - centres[-1]) < 0.5 * max(h, heights[-1]):
            lines[-1].append((x, int(value)))
        else:
            lines.append([(x, int(value))])
            centres.append(centre)
            heights.append(h)
    return " ".join("".join(str(v) for _, v in sorted(line)) for line in lines)


def _work(gray: np.ndarray, options):
    """:func:`edge_digits.locate.locate_digits` up to the search: (gray, small, options,
    text height) as the search receives them."""
    from .locate import work_view

    view = work_view(gray, options)
    return view.gray, view.small, view.options, view.text_height


def stage_calls(reader, frame: np.ndarray) -> dict[str, Callable[[], object]]:
    """One no-argument callable per stage (:data:`STAGES`) for ``frame`` (BGR or gray).

    Each stage's inputs are computed here, once, by running the stages before it; calling
    the stages in order gives what ``reader.locate`` and ``reader.read`` give. A frame with
    no lines of writing has nothing to crop or classify: those stages are absent.
    """
    gray = as_gray(frame)
    calls = {"work image": lambda: _work(gray, reader.options.locate)}
    lines = _locate_calls(calls, *_work(gray, reader.options.locate))
    if lines is not None:
        calls["classify"] = lambda: reader.read_candidates(lines)
    calls["read"] = lambda: reader.read(frame)
    calls["plain"] = lambda: read_plain(frame, reader.classifier)
    return calls


def _locate_calls(calls: dict, gray: np.ndarray, small: np.ndarray, options,
                  text_height: float | None):
    """Add the stages of :func:`edge_digits.locate.search` (ink to crop) to ``calls``;
    return the located lines, or None when no line of writing is kept (no crop stage)."""
    from .locate import measure_ink
    from .locate.blobs import FaintStrokes, digit_blobs, hysteresis
    from .locate.crop import FullDarkness, line_candidates
    from .locate.group import drop_lone_marks, find_lines, line_heights, writing_lines
    from .locate.lines import ink_components

    sy, sx = gray.shape[0] / small.shape[0], gray.shape[1] / small.shape[1]
    min_height = options.min_digit_height / sy

    ink = measure_ink(small, options)
    background, dark, weak, strong = ink.background, ink.dark, ink.weak, ink.strong
    calls["ink"] = lambda: measure_ink(small, options)
    calls["components"] = lambda: ink_components(dark, weak, min_height, text_height, options,
                                                 whole=sy <= 1.0 and sx <= 1.0)
    count, labels, stats, rules = calls["components"]()

    def blobs():
        return digit_blobs(stats, hysteresis(labels, count, dark, strong), small.shape,
                           min_height, options.max_digit_height * small.shape[0], rules,
                           options.blobs, options.lines.rule_reach)

    found = blobs()
    calls["blobs"] = blobs

    def group():
        # grown faint strokes are written into the labels: each call writes into a copy
        own = labels.copy()
        lines = find_lines(found, min_height, options.group) if found else []
        if not lines:
            return own, []
        faint = FaintStrokes(dark, weak, own, count, options.blobs)
        return own, writing_lines(lines, line_heights(lines, min_height, options.group), faint,
                                  options.blobs, options.group)

    calls["group"] = group
    grown, kept = group()
    shown = drop_lone_marks(kept, options.group)
    if not shown:
        return None

    def crop():
        full = FullDarkness(gray, background, int(weak * options.crop_floor), sx, sy, kept,
                            options.crop)
        return [line_candidates(blobs, height, index, full, grown, sx, sy, options)
                for index, (blobs, height) in enumerate(shown)]

    calls["crop"] = crop
    return crop()


@dataclass(frozen=True, slots=True)
class StageTiming:
    """Median time of one stage per frame, over alternating rounds."""

    stage: str
    wall_ms: float  #: median wall-clock ms per frame
    cpu_ms: float  #: median process CPU ms per frame (less sensitive to a busy machine)
    frames: int  #: frames that have this stage (crop and classify need writing)
    rounds: int


def time_stages(reader, frames: list[np.ndarray], rounds: int = 20,
                stages: tuple[str, ...] = STAGES) -> dict[str, StageTiming]:
    """Median ms per frame of each stage over ``frames``, timed in alternating rounds.

    Each round runs every stage on every frame, stage after stage, so that all stages
    see the same load of a shared machine; the median of the rounds is reported.
    """
    if rounds < 1:
        raise ValueError(f"rounds must be at least 1, got {rounds!r}")
    per_frame = [stage_calls(reader, frame) for frame in frames]
    wall: dict[str, list[float]] = {name: [] for name in stages}
    cpu: dict[str, list[float]] = {name: [] for name in stages}
    counts = {name: sum(name in calls for calls in per_frame) for name in stages}
    for _ in range(rounds):
        for name in stages:
            functions = [calls[name] for calls in per_frame if name in calls]
            if not functions:
                continue
            start, start_cpu = time.perf_counter(), time.process_time()
            for function in functions:
                function()
            wall[name].append((time.perf_counter() - start) / len(functions) * 1e3)
            cpu[name].append((time.process_time() - start_cpu) / len(functions) * 1e3)
    return {name: StageTiming(name, statistics.median(wall[name]), statistics.median(cpu[name]),
                              counts[name], rounds)
            for name in stages if wall[name]}
