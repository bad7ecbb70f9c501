"""Measure the runtime on this device: init, first inference, warm-up, then steady latency.

    >>> from edge_digits.bench import run_benchmarks
    >>> report = run_benchmarks(num_threads=1, runs=200)      # bundled model and samples
    >>> report.results[0].name, report.results[0].latency.p50_ms

What ``edge-digits bench`` prints, in the manner of LiteRT's ``benchmark_model``, for a
user who wants to know what to expect on a Pi before writing any code. No pytest needed:
the full benchmark suite with its peers lives in ``tests/benchmarks`` (``make bench``).

Inputs are the frames bundled with the package (``edge_digits/samples``); the classify
benchmarks use the digits located and normalized in them (or, without samples, blank
patches: the interpreter's time does not depend on the pixel values).
"""
from __future__ import annotations

import itertools
import os
import platform
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
SAMPLE_SUFFIXES = (".png", ".jpg", ".jpeg")


@dataclass(frozen=True, slots=True)
class LatencyStats:
    """Steady-state latency of repeated calls, in milliseconds."""

    runs: int  #: timed calls (after warm-up)
    mean_ms: float
    std_ms: float
    p50_ms: float  #: median
    p95_ms: float
    min_ms: float

    @classmethod
    def from_seconds(cls, samples: list[float]) -> "LatencyStats":
        values = np.asarray(samples, np.float64) * 1e3
        return cls(runs=int(values.size), mean_ms=float(values.mean()),
                   std_ms=float(values.std(ddof=1)) if values.size > 1 else 0.0,
                   p50_ms=float(np.percentile(values, 50)), p95_ms=float(np.percentile(values, 95)),
                   min_ms=float(values.min()))


@dataclass(frozen=True, slots=True)
class BenchResult:
    """One benchmarked operation, measured the way ``benchmark_model`` does."""

    name: str  #: e.g. "classify 8 digits", "read 640x480"
    init_ms: float  #: constructing what the operation needs (e.g. loading the model)
    first_ms: float  #: the first call (allocation, delegate preparation)
    warmup_ms: float  #: mean of the warm-up calls
    latency: LatencyStats  #: the timed calls after warm-up
    items: int = 1  #: digits or frames per call, for per-item figures
    info: dict = field(default_factory=dict)  #: what was measured (frame size, digits, ...)

    @property
    def per_item_us(self) -> float:
        """Median microseconds per item (per digit for classify)."""
        return self.latency.p50_ms * 1e3 / self.items


@dataclass(frozen=True, slots=True)
class BenchReport:
    """Every result of one ``edge-digits bench`` run and where it ran."""

    results: tuple[BenchResult, ...]
    peak_rss_mb: float | None  #: peak resident memory of the process; None where unknown
    environment: dict  #: backend, threads, model, pinning, versions, machine

    def as_dict(self) -> dict:
        return {"environment": self.environment, "peak_rss_mb": self.peak_rss_mb,
                "results": [dict(asdict(r), per_item_us=r.per_item_us) for r in self.results]}


def time_calls(function: Callable[[], object], runs: int, warmup: int) -> tuple[float, float, LatencyStats]:
    """Call ``function`` once, then ``warmup`` times, then ``runs`` timed times.

    Returns ``(first call s, mean warm-up call s, stats of the timed calls)``.
    """
    if runs < 1 or warmup < 0:
        raise ValueError(f"need runs >= 1 and warmup >= 0, got runs={runs!r}, warmup={warmup!r}")
    clock = time.perf_counter
    start = clock()
    function()
    first = clock() - start
    start = clock()
    for _ in range(warmup):
        function()
    warm = (clock() - start) / warmup if warmup else 0.0
    samples = []
    for _ in range(runs):
        start = clock()
        function()
        samples.append(clock() - start)
    return first, warm, LatencyStats.from_seconds(samples)


def peak_rss_mb() -> float | None:
    """Peak resident set size of this process in MB (None where it cannot be known).

    Linux: ``VmHWM`` of this process's own memory map. ``ru_maxrss`` is not used there
    because exec() carries the parent's high-water mark into it: a process started by a
    large parent (pytest, an IDE) would report the parent's peak.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # macOS reports bytes, the BSDs kilobytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def pin_to_one_core() -> int | None:
    """Pin this process to one CPU (the last one it may use); return it, or None if unsupported.

    One interpreter thread on one pinned core is what "one core" means in our figures:
    the scheduler cannot move the process between cores mid-measurement.

    OpenCV is set to one thread too: its pool (one thread per CPU it saw at import) would
    take turns on the one core, and hand-overs cost more than they save on work images this
    small (locate of a 640x480 frame, CPU ms on a busy 2-core machine: 1.88 with the pool,
    1.24 with one thread).
    """
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    import cv2

    cv2.setNumThreads(1)
    return cpu


def sample_frames(folder: str | Path = SAMPLES_DIR) -> list[tuple[str, np.ndarray]]:
    """The sample frames in ``folder`` as ``(file name, BGR image)``, sorted by name."""
    import cv2

    paths = sorted(p for p in Path(folder).glob("*") if p.suffix.lower() in SAMPLE_SUFFIXES)
    frames = []
    for path in paths:
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is not None:
            frames.append((path.name, image))
    return frames


def sample_patches(reader, frames: list[np.ndarray], count: int) -> tuple[np.ndarray, str]:
    """``count`` normalized patches cut from ``frames`` by ``reader`` (repeated as needed).

    Returns ``(patches (count, 28, 28) uint8, description)``; blank patches when the frames
    hold no digits.
    """
    from .frame import as_gray
    from .normalize import normalize_digit

    patches = []
    for frame in frames:
        for line in reader.locate(as_gray(frame)):
            patches.extend(normalize_digit(candidate.ink) for candidate in line)
    if not patches:
        return np.zeros((count, 28, 28), np.uint8), "blank patches (no digits found in samples)"
    repeated = [patches[i % len(patches)] for i in range(count)]
    return np.stack(repeated), f"digits located in the sample frames ({len(patches)} distinct)"


def _versions() -> dict:
    versions = {"python": platform.python_version(), "numpy": np.__version__}
    for module, name in (("cv2", "opencv"), ("ai_edge_litert", "ai-edge-litert"),
                         ("tflite_runtime", "tflite-runtime")):
        imported = sys.modules.get(module)
        if imported is not None:
            versions[name] = getattr(imported, "__version__", "?")
    return versions


def run_benchmarks(model_path: str | Path | None = None, *, num_threads: int = 1,
                   backend: str = "auto", runs: int = 200, warmup: int = 20,
                   frames_dir: str | Path = SAMPLES_DIR, batch_sizes: tuple[int, ...] = (1, 8),
                   pinned_cpu: int | None = None) -> BenchReport:
    """Benchmark classify (each batch size) and reading end to end on the sample frames.

    Parameters
    ----------
    model_path : path, optional
        A ``.tflite`` classifier; default: the bundled int8 model.
    num_threads : int
        Interpreter threads.
    backend : str
        Interpreter backend (see :func:`edge_digits.backends.load_interpreter_class`).
    runs, warmup : int
        Timed calls and untimed warm-up calls per benchmark.
    frames_dir : path
        Frames to read (PNG/JPEG); default: the frames bundled with the package.
    batch_sizes : tuple of int
        Digits per classify call.
    pinned_cpu : int, optional
        The CPU the caller pinned the process to, recorded in the environment.
    """
    from .errors import SourceError

    frames = sample_frames(frames_dir)
    if not frames and Path(frames_dir) != SAMPLES_DIR:  # the bundled folder may be empty in a checkout
        raise SourceError(f"no frames (.png, .jpg) to read in {frames_dir}")
    start = time.perf_counter()
    reader, classifier = _load(model_path, num_threads, backend)
    init = time.perf_counter() - start
    try:
        results = _bench_classify(reader, classifier, frames, batch_sizes, runs, warmup, init)
        if reader is not None and frames:  # a checkout without samples benchmarks classify only
            results.append(_bench_read(reader, frames, runs, warmup, init))
    finally:
        (reader or classifier).close()
    environment = {
        "backend": classifier.backend, "threads": num_threads,
        "model": str(classifier.model_path), "pinned_cpu": pinned_cpu,
        "machine": f"{platform.machine()} {platform.system()} {platform.release()}",
        "processor": _processor_name(), "cpus": os.cpu_count(), "versions": _versions(),
    }
    return BenchReport(tuple(results), peak_rss_mb(), environment)


def _load(model_path, num_threads: int, backend: str):
    """``(reader, classifier)``: a DigitReader and its classifier, or (None, a classifier)
    where the read stage is not installed (classify only)."""
    try:
        from .read import DigitReader
    except ImportError:  # the read stage is not installed: classify only
        from .classify import DigitClassifier

        return None, DigitClassifier(model_path, num_threads=num_threads, backend=backend)
    reader = DigitReader(model_path, num_threads=num_threads, backend=backend)
    return reader, reader.classifier


def _bench_classify(reader, classifier, frames, batch_sizes, runs: int, warmup: int,
                    init: float) -> list[BenchResult]:
    """One result per batch size: classify calls on digits cut from the sample frames (or
    blank patches without frames)."""
    if reader is not None and frames:
        patches, source = sample_patches(reader, [image for _, image in frames], max(batch_sizes))
    else:
        patches = np.zeros((max(batch_sizes), 28, 28), np.uint8)
        source = "blank patches (no sample frames)"
    results = []
    for batch in batch_sizes:
        batch_patches = np.ascontiguousarray(patches[:batch])
        first, warm, stats = time_calls(lambda: classifier.classify(batch_patches), runs, warmup)
        results.append(BenchResult(f"classify {batch} digit{'s' if batch > 1 else ''}",
                                   init * 1e3, first * 1e3, warm * 1e3, stats, items=batch,
                                   info={"input": source}))
    return results


def _bench_read(reader, frames, runs: int, warmup: int, init: float) -> BenchResult:
    """Whole reads of the sample frames, each in turn."""
    sizes = sorted({f"{image.shape[1]}x{image.shape[0]}" for _, image in frames})
    images = itertools.cycle([image for _, image in frames])

    def read_next() -> None:
        reader.read(next(images))

    first, warm, stats = time_calls(read_next, runs, warmup)
    return BenchResult(f"read {'/'.join(sizes)}", init * 1e3, first * 1e3, warm * 1e3, stats,
                       items=1, info={"frames": [name for name, _ in frames],
                                      "frame_sizes": sizes})


def _processor_name() -> str:
    """The CPU model from /proc/cpuinfo (Linux, Pi), else what ``platform`` knows."""
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Model", "Hardware"):
                    return value.strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
