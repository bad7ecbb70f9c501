"""Golden outputs of the reader on a fixed, seeded set of frames (regenerate with one command).

    python -m tests.golden.make_golden          # writes tests/golden/golden.json.gz

Pins what a restructuring must not change: for every frame, every string's digits (value,
best class, confidence, box), every candidate of the locate stage (box, line, cuts, splits
and a checksum of its ink crop), and for envelopes every postal-code field (kinds, boxes,
separators, crop checksums) and the decided code. ``tests/test_golden.py`` recomputes all
of it and fails on any difference.

The file records the sha256 of the bundled model it was made with: after replacing the
bundled model, run the command above again (the test says so when the model changed).

Frames (MNIST test digits, seeds fixed here): generated clean and hard 640x480 frames
(:func:`export.synth.frames.make_frames`), every kind of scene
(:func:`export.synth.scenes.make_scenes`) and envelopes of every layout
(:class:`export.synth.envelopes.EnvelopeGenerator`, 1280x720).
"""
from __future__ import annotations

import gzip
import hashlib
import json
import sys
import zlib
from pathlib import Path

import numpy as np

GOLDEN = Path(__file__).resolve().parent / "golden.json.gz"

CLEAN = (1, 96)  #: (seed, count) of generated clean frames
HARD = (2, 96)  #: (seed, count) of generated hard frames
SCENE_SEED, SCENE_COUNT, PHOTO_COUNT = 1, 6, 1  #: scenes of each kind; 8-megapixel photos
ENVELOPE_SEED, ENVELOPES = 3, 14  #: envelopes, cycling through every layout


def image_sum(image: np.ndarray) -> str:
    """A short checksum of an image's shape and bytes."""
    digest = hashlib.sha1(repr(image.shape).encode() + np.ascontiguousarray(image).tobytes())
    return digest.hexdigest()[:16]


def ink_sum(ink: np.ndarray | None):
    """A crc32 of an ink crop's shape and bytes (None for none)."""
    if ink is None:
        return None
    return zlib.crc32(repr(ink.shape).encode() + np.ascontiguousarray(ink).tobytes())


def box(b) -> list[int]:
    return [b.x, b.y, b.width, b.height]


def digit(d) -> list:
    return [d.value, d.best, float(d.confidence), *box(d.box)]


def candidate(c) -> list:
    return [box(c.box), c.line, int(c.split_first), list(c.cuts), ink_sum(c.ink),
            [[[*box(p.box), ink_sum(p.ink)] for p in split] for split in c.splits]]


def frames(mnist: dict | None = None):
    """(name, BGR or gray image, kind) of every golden frame, in order; kind is "read" or
    "postcode:<profile>"."""
    from export.synth.envelopes import EnvelopeGenerator
    from export.synth.frames import make_frames
    from export.synth.scenes import SCENES, make_scenes

    if mnist is None:
        from tests.conftest import mnist_path

        path = mnist_path()
        if path is None or not Path(path).exists():
            raise FileNotFoundError("MNIST not found: set EDGE_DIGITS_MNIST to a Keras-format "
                                    "mnist.npz")
        with np.load(path) as data:
            mnist = {key: data[key] for key in ("x_test", "y_test")}
    digits = (mnist["x_test"], mnist["y_test"])
    for level, (seed, count) in (("clean", CLEAN), ("hard", HARD)):
        for i, frame in enumerate(make_frames(seed, count, level, digits=digits)):
            yield f"{level}-{seed}-{i}", frame.image, "read"
    for kind in sorted(SCENES):
        count = PHOTO_COUNT if kind == "photo" else SCENE_COUNT
        for i, frame in enumerate(make_scenes(SCENE_SEED, count, kind, digits=digits)):
            yield f"{kind}-{SCENE_SEED}-{i}", frame.image, "read"
    generator = EnvelopeGenerator(*digits, seed=ENVELOPE_SEED)
    for i, envelope in enumerate(generator.batch(ENVELOPES)):
        yield f"envelope-{envelope.profile}-{envelope.layout}-{i}", envelope.image, \
            f"postcode:{envelope.profile}"


def record(reader, name: str, image: np.ndarray, kind: str) -> dict:
    """Everything pinned about one frame."""
    from edge_digits.frame import as_gray
    from edge_digits.postcode import find_fields, load_profile, read_postcode

    entry = {"name": name, "input": image_sum(image)}
    if kind == "read":
        reading = reader.read(image)
        entry["strings"] = [[digit(d) for d in s.digits] for s in reading.strings]
        entry["candidates"] = [[candidate(c) for c in line]
                               for line in reader.locate(as_gray(image))]
        return entry
    profile = load_profile(kind.split(":", 1)[1])
    fields = find_fields(image, None, set(profile.lengths), profile.box_fields)
    entry["fields"] = [[f.kind, box(f.box), [box(b) for b in f.boxes], list(f.separators),
                        [ink_sum(ink) for ink in f.inks], [ink_sum(ink) for ink in f.alternates]]
                       for f in fields]
    result = read_postcode(reader, image, profile)
    entry["postcode"] = [result.code, result.text, float(result.confidence),
                         None if result.box is None else box(result.box), result.reason,
                         result.detail, result.kind, [digit(d) for d in result.digits],
                         result.candidates]
    return entry


def compute(mnist: dict | None = None) -> dict:
    """The golden record of the current code and bundled model."""
    from edge_digits.models import DEFAULT_MODEL, sha256_of
    from edge_digits.read import DigitReader

    with DigitReader(DEFAULT_MODEL) as reader:
        entries = [record(reader, *item) for item in frames(mnist)]
    return {"model_sha256": sha256_of(DEFAULT_MODEL), "frames": entries}


def write(golden: dict, path: Path = GOLDEN) -> None:
    """One frame a line (diffs stay readable after ``zcat``), gzip without a time stamp."""
    lines = [json.dumps({"model_sha256": golden["model_sha256"],
                         "regenerate": "python -m tests.golden.make_golden"})]
    lines += [json.dumps(entry, separators=(",", ":")) for entry in golden["frames"]]
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
        handle.write(("\n".join(lines) + "\n").encode())


def read(path: Path = GOLDEN) -> dict:
    with gzip.open(path, "rt") as handle:
        head, *rest = handle.read().splitlines()
    return {"model_sha256": json.loads(head)["model_sha256"],
            "frames": [json.loads(line) for line in rest]}


def main(argv: list[str] | None = None) -> int:
    golden = compute()
    write(golden)
    print(f"{GOLDEN}: {len(golden['frames'])} frames, model {golden['model_sha256'][:12]}, "
          f"{GOLDEN.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
