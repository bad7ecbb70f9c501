"""pi-check helper: make frames on the host, read them on each machine, compare the strings.

    python devices/pi-check/frames.py make OUT_DIR --count 24     # host (needs MNIST)
    python devices/pi-check/frames.py read OUT_DIR > readings.jsonl  # host and arm64 chroot
    python devices/pi-check/frames.py compare host.jsonl arm64.jsonl

``make`` uses the seeded generator in export/synth/frames.py (numpy + OpenCV only), half
clean and half hard frames, saved as PNG so both machines read the same pixels. ``read``
uses the installed ``edge_digits`` (the wheel, in the chroot) with one interpreter thread.
``compare`` exits 1 unless every frame's text is equal; it also reports the largest
confidence difference (int8 kernels may round differently on ARM and x86).
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path


def make(out: Path, count: int, seed: int) -> int:
    import cv2

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from export.synth.frames import make_frames

    out.mkdir(parents=True, exist_ok=True)
    clean = make_frames(seed, count - count // 2, level="clean")
    hard = make_frames(seed + 1, count // 2, level="hard")
    for index, frame in enumerate(clean + hard):
        cv2.imwrite(str(out / f"frame_{index:03d}.png"), frame.image)
    (out / "truth.json").write_text(json.dumps(
        {f"frame_{i:03d}.png": " ".join(f.strings) for i, f in enumerate(clean + hard)}))
    return 0


def read(folder: Path) -> int:
    from edge_digits.read import DigitReader
    from edge_digits.sources import open_source

    with DigitReader(num_threads=1) as reader, open_source(str(folder)) as source:
        for frame in source:
            reading = reader.read(frame.image)
            print(json.dumps({"frame": frame.name, "text": reading.text,
                              "confidences": [round(d.confidence, 4) for d in reading.digits],
                              "machine": platform.machine(), "backend": reader.backend}))
    return 0


def compare(host_path: Path, other_path: Path) -> int:
    host = [json.loads(line) for line in host_path.read_text().splitlines()]
    other = [json.loads(line) for line in other_path.read_text().splitlines()]
    if [r["frame"] for r in host] != [r["frame"] for r in other]:
        print(f"compare: frame lists differ ({len(host)} vs {len(other)} frames)")
        return 1
    differ = [(a["frame"], a["text"], b["text"]) for a, b in zip(host, other)
              if a["text"] != b["text"]]
    deltas = [abs(x - y) for a, b in zip(host, other)
              for x, y in zip(a["confidences"], b["confidences"])]
    machines = f"{host[0]['machine']}/{host[0]['backend']} vs {other[0]['machine']}/{other[0]['backend']}"
    print(f"compare {machines}: {len(host) - len(differ)}/{len(host)} frames read the same; "
          f"largest confidence difference {max(deltas, default=0.0):.4f}")
    for frame, a, b in differ:
        print(f"  {frame}: {a!r} != {b!r}")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("make")
    p.add_argument("out", type=Path)
    p.add_argument("--count", type=int, default=24)
    p.add_argument("--seed", type=int, default=2024)
    p = sub.add_parser("read")
    p.add_argument("folder", type=Path)
    p = sub.add_parser("compare")
    p.add_argument("host", type=Path)
    p.add_argument("other", type=Path)
    args = parser.parse_args(argv)
    if args.command == "make":
        return make(args.out, args.count, args.seed)
    if args.command == "read":
        return read(args.folder)
    return compare(args.host, args.other)


if __name__ == "__main__":
    sys.exit(main())
