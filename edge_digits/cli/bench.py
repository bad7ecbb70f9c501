"""``edge-digits bench``: what to expect on this device (init, first call, latency, memory).

    edge-digits bench                          # bundled model and sample frames, one thread
    edge-digits bench --threads 4 --json       # machine-readable, e.g. on a Pi 5
    edge-digits bench --model my.tflite --frames photos/ --runs 500
    edge-digits bench --stages                 # median time of each stage of a read

With one thread the process is pinned to one core (where the OS allows), so the figures
mean "one core". The full suite with its peers (Keras, tf.lite, tflite-runtime) is
``make bench``.
"""
from __future__ import annotations

import json
import sys

from ..bench import SAMPLES_DIR, pin_to_one_core, run_benchmarks
from .common import int_at_least, threads_type


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "bench", help="measure init time, latency and memory on this device",
        description="Benchmark classify and reading end to end on the bundled sample frames: "
                    "init time, first inference, warm-up, then mean, std, p50, p95 and peak RSS.")
    parser.add_argument("--threads", type=threads_type, default=1,
                        help="interpreter threads (default 1; with 1 the process is pinned to one core)")
    parser.add_argument("--model", default=None, help="a .tflite model (default: the bundled int8 model)")
    parser.add_argument("--backend", default="auto",
                        choices=["auto", "ai-edge-litert", "tflite-runtime", "tensorflow"],
                        help="TFLite interpreter (default: the first one installed)")
    parser.add_argument("--frames", default=str(SAMPLES_DIR),
                        help="folder of frames to read (default: the bundled samples)")
    parser.add_argument("--runs", type=int_at_least(1), default=200, help="timed calls per benchmark (default 200)")
    parser.add_argument("--warmup", type=int_at_least(0), default=20,
                        help="untimed calls before timing (default 20)")
    parser.add_argument("--no-pin", action="store_true", help="do not pin the process to one core")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--stages", action="store_true",
                        help="time each stage of a read (work image, ink, components, blobs, "
                             "group, crop, classify), the read end to end and the "
                             "straightforward pipeline (Otsu, contours, resize), in "
                             "alternating rounds of --runs calls per frame; median ms per frame")
    parser.set_defaults(run=run)


def run(args) -> int:
    pinned = None if (args.no_pin or args.threads != 1) else pin_to_one_core()
    if args.stages:
        return run_stages(args, pinned)
    report = run_benchmarks(args.model, num_threads=args.threads, backend=args.backend,
                            runs=args.runs, warmup=args.warmup, frames_dir=args.frames,
                            pinned_cpu=pinned)
    if args.json:
        json.dump(report.as_dict(), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    env = report.environment
    pin = f"pinned to CPU {pinned}" if pinned is not None else "not pinned"
    print(f"model:   {env['model']}")
    print(f"backend: {env['backend']}, {env['threads']} thread(s), {pin}")
    print(f"machine: {env['processor']} ({env['cpus']} CPUs), {env['machine']}")
    print(f"{'benchmark':22s} {'init ms':>8s} {'first ms':>9s} {'warm ms':>8s} {'mean ms':>8s} "
          f"{'std ms':>7s} {'p50 ms':>7s} {'p95 ms':>7s} {'us/item':>8s}")
    for result in report.results:
        stats = result.latency
        print(f"{result.name:22s} {result.init_ms:8.1f} {result.first_ms:9.3f} {result.warmup_ms:8.3f} "
              f"{stats.mean_ms:8.3f} {stats.std_ms:7.3f} {stats.p50_ms:7.3f} {stats.p95_ms:7.3f} "
              f"{result.per_item_us:8.1f}")
    if report.peak_rss_mb is not None:
        print(f"peak RSS: {report.peak_rss_mb:.1f} MB")
    return 0


def run_stages(args, pinned: int | None) -> int:
    """``--stages``: the median time per frame of each stage of a read."""
    from dataclasses import asdict

    from ..bench import sample_frames
    from ..errors import SourceError
    from ..read import DigitReader
    from ..stages import time_stages

    frames = sample_frames(args.frames)
    if not frames:
        raise SourceError(f"no frames (.png, .jpg) to read in {args.frames}")
    with DigitReader(args.model, num_threads=args.threads, backend=args.backend) as reader:
        images = [image for _, image in frames]
        for image in images[:args.warmup]:
            reader.read(image)
        timings = time_stages(reader, images, rounds=args.runs)
    sizes = sorted({f"{image.shape[1]}x{image.shape[0]}" for image in images})
    if args.json:
        json.dump({"frames": [name for name, _ in frames], "frame_sizes": sizes,
                   "pinned_cpu": pinned, "threads": args.threads,
                   "stages": [asdict(t) for t in timings.values()]}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    pin = f"pinned to CPU {pinned}" if pinned is not None else "not pinned"
    print(f"{len(images)} frame(s) {'/'.join(sizes)}, {args.threads} thread(s), {pin}, "
          f"median of {args.runs} alternating rounds")
    print(f"{'stage':12s} {'wall ms':>8s} {'cpu ms':>8s} {'frames':>7s}")
    for timing in timings.values():
        print(f"{timing.stage:12s} {timing.wall_ms:8.3f} {timing.cpu_ms:8.3f} {timing.frames:7d}")
    located = sum(t.wall_ms for t in timings.values() if t.stage not in ("read", "plain"))
    print(f"{'stages sum':12s} {located:8.3f}")
    return 0
