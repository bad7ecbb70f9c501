"""Frame by frame: how a reader reads the strangers' frames and digit-free scenes of three
seeds, and what a change of the reader moved.

    python -m export.labsets read before.json                  # the reader as it is
    python -m export.labsets read after.json --model m.tflite  # another model
    python -m export.labsets read small.json --sets small      # only the small frames
    python -m export.labsets compare before.json after.json    # totals, and every frame that moved

The sets are the development sets the tuning history measures (docs/tuning.md): strangers'
frames (:func:`export.synth.strangers.make_strangers`) of seeds 12, 31 and 57, 80 / 200 /
300 a level (1,160 frames), and their digit-free scenes, 48 / 96 / 100 a level (488). A
reading file holds every frame's strings with the truth, so two of them compare without
the frames. Frames are made by two spawned processes (about two minutes) and kept in
``--cache`` (default ``artifacts/labsets``), named by a checksum of the generator's code
and the development data, so a changed generator makes new frames.

The small frames (:func:`small_frames`, cut anew each time in seconds) are the ones the
reader reads as cells or crops of one digit: every cell of the 80 real sudoku photos at 116
and 40 px (``cells116-hand``, ``-printed``, ``-empty``; ``cells40-...``), the development
writers' digits on paper and as files (``femnist-paper``, ``femnist-40px``,
``femnist-tight``, ``hwd-paper``, ``hwd-64px``) and ``digit-free-crops``: four square crops
(48-250 px, up to 1.4 times as wide) of each digit-free scene.

How a frame is judged: :func:`export.devsets.judge` (exact / rejected / wrong); a digit-free
scene, an empty cell or a crop of a digit-free scene is wrong when it reports any accepted
digit. The printed figures depend on Debian's
font packages (printed words beside the numbers, ``export/synth/printing.py``): measure
with the same ones installed.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import pickle
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from export.devsets import (StandardSets, development_writers, generate, judge, photo_cells,
                            reports_digit)
from export.synth.devsources import default_data_directory

ROOT = Path(__file__).resolve().parents[1]
#: (seed, strangers' frames a level, digit-free scenes a level)
LAB_SETS = ((12, 80, 48), (31, 200, 96), (57, 300, 100))
LEVELS = ("clean", "hard")
OUTCOMES = ("right", "rejected", "wrong")
#: the sudoku photos' cells: (name, cell px, margin px), as ``make devsets`` cuts them
CELL_CUTS = (("cells116", 96, 10), ("cells40", 32, 4))
CELL_KINDS = {"H": "hand", "P": "printed", ".": "empty"}
#: the development writers' sets of :func:`export.devsets.development_writers`, by name
WRITERS = {"FEMNIST test writers, on paper": "femnist-paper",
           "hwd1000 test, on paper": "hwd-paper",
           "FEMNIST test writers, 40 px files": "femnist-40px",
           "FEMNIST test writers, cut tight, 100 px": "femnist-tight",
           "hwd1000 test, 64 px white-on-black files": "hwd-64px"}
CROPS_A_SCENE = 4  #: square crops of each digit-free scene (seed ``CROP_SEED``)
CROP_SEED = 5


def set_names(sets=LAB_SETS) -> list[tuple[str, str, int, str, int]]:
    """(name, kind, seed, level, count) of every set, e.g. ``("s31-strangers-hard",
    "strangers", 31, "hard", 200)``."""
    return [(f"s{seed}-{kind}-{level}", kind, seed, level, count)
            for seed, strangers, free in sets for level in LEVELS
            for kind, count in (("strangers", strangers), ("digit-free", free))]


def fingerprint(data: Path | None = None) -> str:
    """A checksum of the frame generator's code and of the development data's file sizes:
    frames cached under another fingerprint are made anew."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "export" / "synth").glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    data = data or default_data_directory()
    for path in sorted(data.glob("*.npz")) + sorted((data / "fonts").glob("*")):
        digest.update(f"{path.name}:{path.stat().st_size}".encode())
    return digest.hexdigest()[:12]


def frames(cache: Path, workers: int = 2, sets=LAB_SETS) -> dict:
    """name -> [(image, truth)] of every set, from ``cache`` or made (and cached: about
    3 GB for :data:`LAB_SETS`, the frames as they are)."""
    sizes = "_".join(f"{seed}-{strangers}-{free}" for seed, strangers, free in sets)
    path = cache / f"frames-{fingerprint()}-{sizes}.pickle"
    if path.exists():
        with path.open("rb") as handle:
            return pickle.load(handle)
    found: dict = {}
    for seed, strangers, free in sets:  # each set made in halves by the workers
        made = generate(StandardSets(seed=seed, strangers=strangers, digit_free=free), workers)
        for key, items in made.items():  # "strangers clean", "digit-free hard", ...
            kind, level = key.rsplit(" ", 1)
            found[f"s{seed}-{kind}-{level}"] = [(frame.image, tuple(frame.strings))
                                               for frame in items]
    cache.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("wb") as handle:
        pickle.dump(found, handle)
    partial.replace(path)  # whole or not at all
    return found


def small_frames(found: dict, data: Path | None = None) -> dict:
    """name -> [(image, truth)] of the small frames (see the module's docstring), the
    crops cut from ``found``'s digit-free scenes; sets whose data is missing are left out."""
    data = data or default_data_directory()
    small: dict = {}
    for cut, cell, margin in CELL_CUTS:
        for kind, truth, crop in photo_cells(data, cell, margin):
            if kind in CELL_KINDS:
                small.setdefault(f"{cut}-{CELL_KINDS[kind]}", []).append(
                    (crop, (truth,) if truth else ()))
    for name, items in development_writers(data, StandardSets()).items():
        small[WRITERS.get(name, name)] = [(item.image, tuple(item.strings)) for item in items]
    rng = np.random.default_rng(CROP_SEED)
    crops = []
    for name in sorted(n for n in found if "-digit-free-" in n):
        for image, _ in found[name]:
            height, width = image.shape[:2]
            for _ in range(CROPS_A_SCENE):
                side = int(rng.integers(48, 250))
                wide = int(side * rng.uniform(1.0, 1.4))
                y, x = int(rng.integers(0, height - side)), int(rng.integers(0, width - wide))
                crops.append((image[y:y + side, x:x + wide].copy(), ()))
    if crops:
        small["digit-free-crops"] = crops
    return small


def _read_set(name: str, items: list, model: str | None) -> tuple[str, list]:
    from edge_digits.read import DigitReader

    with DigitReader(model) as reader:
        return name, [[s.text for s in reader.read(image).strings] for image, _ in items]


def read(found: dict, model: str | None = None, workers: int = 2) -> dict:
    """A reading file's content: {"model": ..., "sets": {name: [{"truth", "read"}, ...]}}."""
    names = sorted(found)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = dict(pool.map(_read_set, names, [found[n] for n in names], [model] * len(names)))
    return {"model": model or "bundled",
            "sets": {name: [{"truth": list(truth), "read": got}
                            for (_, truth), got in zip(found[name], results[name])]
                     for name in names}}


def digit_free(name: str) -> bool:
    """Whether set ``name`` holds no digit: digit-free scenes, their crops, empty cells."""
    return "digit-free" in name or name.endswith("-empty")


def outcome(name: str, frame: dict) -> str:
    """right / rejected / wrong of one frame of set ``name`` (a frame of a digit-free set
    is wrong when it reports a digit)."""
    if digit_free(name):
        return "wrong" if reports_digit(frame["read"]) else "right"
    return judge(frame["read"], tuple(frame["truth"]))


def totals(reading: dict) -> dict:
    """name -> {right, rejected, wrong}, and "strangers" / "digit-free" (the seeds' frames,
    not the small ones) summed over seeds."""
    out: dict = {}
    for name, frames_read in reading["sets"].items():
        counts = {key: 0 for key in OUTCOMES}
        for frame in frames_read:
            counts[outcome(name, frame)] += 1
        out[name] = counts
        seeds = re.match(r"s\d+-(strangers|digit-free)-", name)
        if not seeds:
            continue
        kind = seeds.group(1)
        out.setdefault(kind, {key: 0 for key in OUTCOMES})
        for key in OUTCOMES:
            out[kind][key] += counts[key]
    return out


def moved(before: dict, after: dict) -> list[tuple[str, int, str, str, list, list, list]]:
    """(set, frame, outcome before, after, truth, read before, after) of every frame whose
    outcome changed; sets in one file only are left out."""
    changes = []
    for name in sorted(set(before["sets"]) & set(after["sets"])):
        for index, (old, new) in enumerate(zip(before["sets"][name], after["sets"][name])):
            a, b = outcome(name, old), outcome(name, new)
            if a != b:
                changes.append((name, index, a, b, old["truth"], old["read"], new["read"]))
    return changes


def print_totals(reading: dict, out=print) -> None:
    """Each set's outcomes, and how many of its frames show a '?' (a person asked to look)."""
    found = totals(reading)
    sums = ("strangers", "digit-free")
    for name in sorted(n for n in found if n not in sums) + [n for n in sums if n in found]:
        counts = found[name]
        label = f"{name}, all seeds" if name in sums else name
        asked = sum("?" in "".join(frame["read"]) for frame in reading["sets"].get(name, ()))
        out(f"  {label:26s} " + "  ".join(f"{key} {counts[key]:4d}" for key in OUTCOMES) +
            (f"  ({asked} show '?')" if name not in sums else ""))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m export.labsets",
                                     description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    reading = commands.add_parser("read", help="read every frame, write the readings")
    reading.add_argument("out", type=Path, help="the reading file to write (JSON)")
    reading.add_argument("--model", help="a .tflite classifier (default: the bundled model)")
    reading.add_argument("--cache", type=Path, default=ROOT / "artifacts" / "labsets",
                         help="where the frames are kept (default artifacts/labsets)")
    reading.add_argument("--sets", choices=("all", "frames", "small"), default="all",
                         help="the seeds' frames, the small frames or both (default)")
    comparing = commands.add_parser("compare", help="totals of two readings, and what moved")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "read":
            start = time.perf_counter()
            found = frames(args.cache)
            sets = {} if args.sets == "small" else dict(found)
            if args.sets != "frames":
                sets.update(small_frames(found))
            result = read(sets, args.model)
            args.out.write_text(json.dumps(result))
            print_totals(result)
            print(f"wrote {args.out} ({time.perf_counter() - start:.0f} s)")
            return 0
        before, after = (json.loads(path.read_text()) for path in (args.before, args.after))
    except (OSError, ValueError) as exc:
        print(f"python -m export.labsets: {exc}", file=sys.stderr)
        return 2
    for label, result in (("before", before), ("after", after)):
        print(f"{label} ({result.get('model')}):")
        print_totals(result)
    changes = moved(before, after)
    counts: dict = {}
    for _, _, a, b, *_ in changes:
        counts[f"{a} -> {b}"] = counts.get(f"{a} -> {b}", 0) + 1
    print("moved: " + (", ".join(f"{key} {n}" for key, n in sorted(counts.items())) or "nothing"))
    for name, index, a, b, truth, old, new in changes:
        print(f"  {name}[{index}] {a} -> {b}: truth {truth}, read {old} -> {new}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
