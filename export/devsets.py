"""Development-set figures: what the reader does with strangers' writing and digit-free scenes.

    python -m export.devsets                       # the bundled model, the standard sets
    python -m export.devsets --model m.tflite      # another model
    python -m export.devsets --compare rapidocr    # + a general OCR and the contours baseline

Measured on material the model is never trained on (see :mod:`export.synth.strangers`):

(a) development writers, per digit: FEMNIST test writers and hwd1000 test digits placed on
    paper and read by the whole reader (locate + classify), and the classifier alone on the
    normalized digits: read right / rejected / wrong;
(b) strangers' frames, clean and hard: exact / rejected / wrong frames;
(c) digit-free scenes: the share of frames that report any digit (and scikit-image's
    photos, listed apart);
(d) error against rejection at thresholds 0.5, 0.7, 0.9, 0.97;
and the real sudoku photos of ``../shared/data/sudoku_photos``, cut into cells and read
whole (:func:`whole_photos`), and the time a frame.

How a frame is judged (:func:`judge`): **exact** when the reading's strings, top to bottom,
are the truth's; **rejected** when nothing is reported, or the strings are the truth's
with some digits ``?``; otherwise **wrong** (an accepted digit is wrong, a digit is lost or
added, a string is split, joined, missed or made up). A digit-free frame **reports** when
any accepted digit is read. Fixed seeds: the same code gives the same figures.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import cv2
import numpy as np

from export.synth.devsources import default_data_directory

#: rejection thresholds of the error-against-rejection table
THRESHOLDS = (0.5, 0.7, 0.9, 0.97)


@dataclass(frozen=True)
class StandardSets:
    """Sizes and seeds of the standard development sets (about a minute with the reader)."""

    seed: int = 12  #: the seed of every generated set
    strangers: int = 80  #: strangers' frames per level
    digit_free: int = 48  #: digit-free scenes per level (6 of each kind)
    femnist_on_paper: int = 1000  #: FEMNIST test digits read on paper (of 8806)
    hwd_on_paper: int = 200  #: hwd1000 test digits read on paper (all)
    sudoku_blank: int = 400  #: empty sudoku cells (of about 2,400)


@dataclass(frozen=True)
class Tally:
    """Counts of judged items."""

    right: int = 0  #: exact frames, right digits, or (digit-free) frames reporting nothing
    rejected: int = 0
    wrong: int = 0  #: wrong frames or digits, or (digit-free) frames reporting a digit
    seconds: tuple = field(default=(), compare=False)  #: wall time per item
    cpu_seconds: tuple = field(default=(), compare=False)  #: the process's CPU time per item

    @property
    def count(self) -> int:
        return self.right + self.rejected + self.wrong

    def rate(self, what: str) -> float:
        return getattr(self, what) / max(1, self.count)

    @property
    def median_ms(self) -> float:
        return 1000 * statistics.median(self.seconds) if self.seconds else float("nan")

    @property
    def median_cpu_ms(self) -> float:
        return 1000 * statistics.median(self.cpu_seconds) if self.cpu_seconds else float("nan")

    def line(self, names=("right", "rejected", "wrong")) -> str:
        parts = [f"{name} {100 * self.rate(key):5.1f}%" for name, key in
                 zip(names, ("right", "rejected", "wrong"))]
        timing = f"  {self.median_ms:6.1f} ms ({self.median_cpu_ms:.1f} cpu)" if self.seconds else ""
        return f"{self.count:5d}  " + "  ".join(parts) + timing


def judge(got: Sequence[str], truth: Sequence[str]) -> str:
    """``"right"`` (exact), ``"rejected"`` or ``"wrong"``: see the module's docstring.
    ``got``: the strings read, top to bottom, ``?`` for a rejected digit."""
    got, truth = list(got), list(truth)
    if got == truth:
        return "right"
    if not got:
        return "rejected"
    if len(got) != len(truth):
        return "wrong"
    for read, true in zip(got, truth):
        if len(read) != len(true) or any(a != "?" and a != b for a, b in zip(read, true)):
            return "wrong"
    return "rejected"


def reports_digit(got: Sequence[str]) -> bool:
    """Whether a reading holds any accepted digit."""
    return any(ch.isdigit() for text in got for ch in text)


def tally(outcomes: Sequence[str], seconds=()) -> Tally:
    """Count outcomes; ``seconds``: wall times, or (wall times, CPU times)."""
    wall, cpu = seconds if len(seconds) == 2 and isinstance(seconds[0], (list, tuple)) else (seconds, ())
    return Tally(sum(o == "right" for o in outcomes), sum(o == "rejected" for o in outcomes),
                 sum(o == "wrong" for o in outcomes), tuple(wall), tuple(cpu))


# ---------------------------------------------------------------- readers under test
Read = Callable[[np.ndarray], list]  #: BGR frame -> strings, top to bottom ("?" rejected)


def reader_function(reader) -> Read:
    """``DigitReader.read`` as a function of a frame to its strings."""
    return lambda image: [s.text for s in reader.read(image).strings]


def read_frames(read: Read, frames) -> tuple[list, tuple]:
    """Each frame's strings, and (wall seconds, process CPU seconds) of each reading: on a
    shared machine the CPU time is the fairer comparison."""
    results, wall, cpu = [], [], []
    for frame in frames:
        image = frame.image if hasattr(frame, "image") else frame
        start, start_cpu = time.perf_counter(), time.process_time()
        results.append(read(image))
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return results, (wall, cpu)


def judge_frames(results, seconds, frames) -> Tally:
    return tally([judge(got, frame.strings) for got, frame in zip(results, frames)], seconds)


def judge_digit_free(results, seconds) -> Tally:
    """right: nothing reported; wrong: a digit reported."""
    return tally(["wrong" if reports_digit(got) else "right" for got in results], seconds)


# ---------------------------------------------------------------- development writers
def on_paper(digits: np.ndarray, labels: np.ndarray, count: int, seed: int) -> list:
    """MNIST-style white-on-black 28x28 digits as dark ink 84 px tall on a 112x112 sheet
    (the same placement as the project's development report): (BGR image, truth) pairs."""
    chosen = np.random.default_rng(seed).choice(len(digits), min(count, len(digits)), replace=False)
    items = []
    for k in chosen:
        ink = cv2.resize(digits[k], (84, 84), interpolation=cv2.INTER_CUBIC)
        sheet = np.full((112, 112), 235, np.uint8)
        sheet[14:98, 14:98] = np.clip(235 - ink.astype(np.int32) * 0.85, 0, 255).astype(np.uint8)
        items.append((cv2.cvtColor(sheet, cv2.COLOR_GRAY2BGR), (str(int(labels[k])),)))
    return items


@dataclass(frozen=True)
class _Item:
    image: np.ndarray
    strings: tuple


def cut_to_ink(digit: np.ndarray, height: int) -> np.ndarray:
    """A white-on-black digit cut to its ink's box (above 30) and scaled ``height`` pixels
    tall, keeping its aspect (at least 3 pixels wide): a crop cut tight."""
    ys, xs = np.nonzero(digit > 30)
    ink = digit[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    width = max(3, round(ink.shape[1] * height / ink.shape[0]))
    return cv2.resize(ink, (width, height), interpolation=cv2.INTER_LINEAR)


def as_files(digits: np.ndarray, labels: np.ndarray, count: int, seed: int, side: int,
             dark_on_light: bool, tight: bool = False) -> list:
    """28x28 white-on-black digits as collections of single digits keep them, one small
    image each: ``side`` px square, the digit filling it (``tight``: cut to its ink's box
    and ``side`` px tall), white on black as stored or dark on light: (gray image, truth)
    pairs."""
    chosen = np.random.default_rng(seed).choice(len(digits), min(count, len(digits)), replace=False)
    items = []
    for k in chosen:
        image = cut_to_ink(digits[k], side) if tight else \
            cv2.resize(digits[k], (side, side), interpolation=cv2.INTER_LINEAR)
        items.append((255 - image if dark_on_light else image, (str(int(labels[k])),)))
    return items


def development_writers(data: Path, sets: StandardSets) -> dict:
    """name -> items (image, truth strings) of the development writers on paper, and as
    files of one digit each (FEMNIST's thin strokes as sampled from the forms, filling the
    file or cut tight to their ink; hwd1000's as drawn on screens, white on black)."""
    found = {}
    for name, file, count in (("FEMNIST test writers, on paper", "femnist_digits.npz", sets.femnist_on_paper),
                              ("hwd1000 test, on paper", "hwd1000_digits.npz", sets.hwd_on_paper)):
        if (data / file).exists():
            with np.load(data / file) as arrays:
                found[name] = [_Item(img, truth) for img, truth in
                               on_paper(arrays["x_test"], arrays["y_test"], count, 0)]
    for name, file, key, count, side, dark, tight in (
            ("FEMNIST test writers, 40 px files", "femnist_digits.npz", "x_test_leaf",
             sets.femnist_on_paper, 40, True, False),
            ("FEMNIST test writers, cut tight, 100 px", "femnist_digits.npz", "x_test_leaf",
             sets.femnist_on_paper, 100, True, True),
            ("hwd1000 test, 64 px white-on-black files", "hwd1000_digits.npz", "x_test_orig",
             sets.hwd_on_paper, 64, False, False)):
        if (data / file).exists():
            with np.load(data / file) as arrays:
                if key in arrays.files:
                    found[name] = [_Item(img, truth) for img, truth in
                                   as_files(arrays[key], arrays["y_test"], count, 0, side,
                                            dark, tight)]
    return found


def classifier_alone(reader, data: Path, thresholds=THRESHOLDS) -> dict:
    """(name, threshold) -> Tally of the classifier on the normalized development digits:
    right, rejected (below the threshold, or called not-a-digit), wrong."""
    out = {}
    for name, file in (("FEMNIST test writers (8806)", "femnist_digits.npz"),
                       ("hwd1000 test (200)", "hwd1000_digits.npz")):
        if not (data / file).exists():
            continue
        with np.load(data / file) as arrays:
            images, labels = arrays["x_test"], arrays["y_test"]
        probabilities = reader.classifier.classify(images)
        values = [int(v) if str(v).isdigit() and len(str(v)) == 1 else -1
                  for v in reader.classifier.labels]
        best = probabilities.argmax(axis=1)
        confidence = probabilities.max(axis=1)
        predicted = np.array([values[b] for b in best])
        for threshold in thresholds:
            accepted = (predicted >= 0) & (confidence >= threshold)
            right = int(np.sum(accepted & (predicted == labels)))
            wrong = int(np.sum(accepted & (predicted != labels)))
            out[(name, threshold)] = Tally(right, len(labels) - right - wrong, wrong)
    return out


# ---------------------------------------------------------------- real sudoku cells
#: how cells are cut from the rectified grid: (cell, margin) pixels, and the name suffix
#: of their sets: as the project's development report cuts them (116 px crops), and small
#: (40 px crops: a grid photographed from afar, a form's boxes scanned at low resolution)
SUDOKU_CUTS = {"": (96, 10), ", 40 px": (32, 4)}


def sudoku_photos(data: Path) -> list[tuple[np.ndarray, dict]]:
    """(BGR photo, its labels) of each real phone photo of ``data / "sudoku_photos"``, or
    [] without them. A photo's labels (``labels.json``): ``grid`` (9 strings of 9: a digit,
    ``.`` blank, ``c`` small pencilled candidates), ``handwritten_mask`` (``H``, ``P``
    printed, ``c``, ``.``) and ``grid_corners_xy``."""
    labels_path = data / "sudoku_photos" / "labels.json"
    if not labels_path.exists():
        return []
    return [(cv2.imread(str(data / "sudoku_photos" / photo["file"])), photo)
            for photo in json.loads(labels_path.read_text())["photos"]]


def grid_corners(photo: dict) -> np.ndarray:
    """The grid's corners of a photo's labels, (4, 2) float32: top left, top right,
    bottom right, bottom left."""
    c = photo["grid_corners_xy"]
    return np.float32([c["topleft"], c["topright"], c["bottomright"], c["bottomleft"]])


def photo_cells(data: Path, cell: int = 96, margin: int = 10):
    """Every cell of the real phone photos, row by row: ``(kind, truth, crop)``, the crop
    ``cell`` px and ``margin`` px of its neighbours around it cut from the grid rectified
    by its corners; kind ``H`` handwritten, ``P`` printed, ``.`` empty (truth ``""``),
    ``c`` small pencilled candidates."""
    for image, photo in sudoku_photos(data):
        side = 9 * cell
        target = np.float32([[margin, margin], [margin + side, margin],
                             [margin + side, margin + side], [margin, margin + side]])
        grid = cv2.warpPerspective(image, cv2.getPerspectiveTransform(grid_corners(photo), target),
                                   (side + 2 * margin,) * 2, flags=cv2.INTER_AREA,
                                   borderMode=cv2.BORDER_REPLICATE)
        for i in range(9):
            for j in range(9):
                kind = photo["handwritten_mask"][i][j]
                rows = slice(i * cell, (i + 1) * cell + 2 * margin)
                yield kind, photo["grid"][i][j] if kind in "HP" else "", \
                    grid[rows, j * cell:(j + 1) * cell + 2 * margin]


def sudoku_cells(data: Path, blank_limit: int = 400, cell: int = 96, margin: int = 10) -> dict:
    """Cells cut from the real phone photos (``cell`` px each and ``margin`` px of its
    neighbours around it; by default as the project's development report cuts them):
    {"handwritten": items, "empty": items}; empty cells' truth is nothing."""
    hand, blank = [], []
    for kind, truth, crop in photo_cells(data, cell, margin):
        if kind == "H":
            hand.append(_Item(crop, (truth,)))
        elif kind == ".":
            blank.append(_Item(crop, ()))
    if not hand and not blank:
        return {}
    return {"handwritten": hand, "empty": blank[::max(1, len(blank) // blank_limit)]}


def grid_report(reading, photo: dict) -> tuple[int, int, int]:
    """``(right, wrong, around)``: the accepted digits a reading of a whole sudoku photo
    reports, each placed in the cell that holds its box's centre (the grid rectified by
    its corners): in a cell that holds that digit, printed or handwritten; in a cell that
    holds another digit or none; outside the grid (the newspaper's print, a puzzle's
    number). A cell of pencilled candidates holds several small digits: not judged."""
    to_grid = cv2.getPerspectiveTransform(grid_corners(photo),
                                          np.float32([[0, 0], [9, 0], [9, 9], [0, 9]]))
    right = wrong = around = 0
    for string in reading.strings:
        for digit in string.digits:
            if digit.value is None:
                continue
            box = digit.box
            centre = np.float32([[[box.x + box.width / 2, box.y + box.height / 2]]])
            x, y = cv2.perspectiveTransform(centre, to_grid)[0, 0]
            if not (0 <= x < 9 and 0 <= y < 9):
                around += 1
                continue
            truth = photo["grid"][int(y)][int(x)]
            if truth == "c":
                continue
            right += truth == str(digit.value)
            wrong += truth != str(digit.value)
    return right, wrong, around


def whole_photos(reader, data: Path) -> dict:
    """The real sudoku photos read whole (1200x1600 px, the grid about a third of the
    photo, newspaper print all round it), or {} without them: two tallies of the photos.
    ``"sudoku photos, whole: the grid"``: right when a photo reports digits on the grid,
    all in cells that hold them; wrong when one is in a cell that holds another digit or
    none; rejected when it reports none there. ``"sudoku photos, whole: around the
    grid"``: wrong when it reports a digit outside the grid (:func:`grid_report`)."""
    photos = sudoku_photos(data)
    if not photos:
        return {}
    readings, seconds = read_frames(reader.read, [image for image, _ in photos])
    grid, around = [], []
    for reading, (_, photo) in zip(readings, photos):
        right, wrong, outside = grid_report(reading, photo)
        grid.append("wrong" if wrong else "right" if right else "rejected")
        around.append("wrong" if outside else "right")
    return {"sudoku photos, whole: the grid": tally(grid, seconds),
            "sudoku photos, whole: around the grid": tally(around, seconds)}


# ---------------------------------------------------------------- scikit-image photos
#: scikit-image's sample photos shipped in its wheel (no download) without digits
SKIMAGE_PHOTOS = ("brick", "grass", "gravel", "page", "text", "camera", "coffee", "chelsea",
                  "rocket", "astronaut", "coins", "moon")


def skimage_photos() -> list:
    """(name, BGR image) of :data:`SKIMAGE_PHOTOS`, each also at twice its size (the
    wheel's photos are small), or [] without scikit-image. ``text`` is handwritten maths
    on a board: letters and signs, with strokes like '1'."""
    try:
        from skimage import data as skdata
    except ImportError:
        return []
    photos = []
    for name in SKIMAGE_PHOTOS:
        image = np.asarray(getattr(skdata, name)())
        if image.dtype != np.uint8:
            image = (image > 0).astype(np.uint8) * 255
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else \
            cv2.cvtColor(image[:, :, :3], cv2.COLOR_RGB2BGR)
        photos.append((name, image))
        photos.append((name + " x2", cv2.resize(image, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)))
    return photos


# ---------------------------------------------------------------- the whole report
@dataclass
class Report:
    """Every figure of one run, by name (see :func:`measure`)."""

    tallies: dict = field(default_factory=dict)  #: name -> Tally
    photo_reports: dict = field(default_factory=dict)  #: scikit-image photo -> strings read
    #: set name -> {"paper: kraft": Tally, "print beside": Tally, "source: font": Tally, ...}
    breakdown: dict = field(default_factory=dict)

    def figures(self) -> dict:
        """name -> {right, rejected, wrong (fractions), count, median_ms}."""
        return {name: {"right": t.rate("right"), "rejected": t.rate("rejected"),
                       "wrong": t.rate("wrong"), "count": t.count, "median_ms": t.median_ms,
                       "median_cpu_ms": t.median_cpu_ms}
                for name, t in self.tallies.items()}


def break_down(frames, outcomes: Sequence[str]) -> dict:
    """What the outcome of a generated set depends on: tallies by surface, by print beside
    the strings or not, by digit source and by layout (a frame counts under every source
    and layout of its strings), and digit-free scenes by kind."""
    groups: dict = {}
    for frame, outcome in zip(frames, outcomes):
        keys = [f"paper: {frame.paper}"] if frame.strings else [f"scene: {frame.scene}"]
        if frame.details:
            layouts = {d[3] for d in frame.details}
            keys.append("print beside" if layouts - {"free"} else "no print")
            keys += [f"source: {s}" for s in sorted({d[0] for d in frame.details})]
            keys += [f"pen: {p}" for p in sorted({d[2] for d in frame.details})]
            keys += [f"layout: {l}" for l in sorted(layouts)]
        for key in keys:
            groups.setdefault(key, []).append(outcome)
    return {key: tally(values) for key, values in sorted(groups.items())}


def _generate_part(name: str, seed: int, level: str, start: int, count: int) -> list:
    """Frames ``start`` to ``start + count`` of one generated set (a worker's share)."""
    from export.synth.devsources import load_dev_digits
    from export.synth.strangers import make_digit_free_scenes, make_strangers

    make = make_strangers if name == "strangers" else make_digit_free_scenes
    return make(seed, count, level, load_dev_digits(), start=start)


def generate(sets: StandardSets, workers: int = 1) -> dict:
    """The generated standard sets: {"strangers clean": frames, ..., "digit-free hard": frames}.

    Every frame depends on its index only, so with ``workers`` > 1 the sets are made in
    halves by that many spawned processes (the calling script needs the ``if __name__ ==
    "__main__"`` guard, as multiprocessing's spawn does); the frames are the same however
    they are made."""
    parts = []  # (set name, seed, level, first frame, count): each set in two halves
    for name, total in (("strangers", sets.strangers), ("digit-free", sets.digit_free)):
        for level in ("clean", "hard"):
            half = (total + 1) // 2
            parts += [(name, sets.seed, level, 0, half), (name, sets.seed, level, half, total - half)]
    if workers <= 1:
        made = [_generate_part(*part) for part in parts]
    else:  # spawned, not forked: the caller may hold threads (LiteRT's, OpenCV's)
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            made = list(pool.map(_generate_part, *zip(*parts)))
    generated: dict = {}
    for (name, _, level, _, _), frames in zip(parts, made):
        generated.setdefault(f"{name} {level}", []).extend(frames)
    return generated


def measure(model_path=None, sets: StandardSets = StandardSets(), generated: dict | None = None,
            data: Path | None = None, thresholds=THRESHOLDS, photos: bool = True) -> Report:
    """Run the reader (``model_path`` or the bundled model) on every development set."""
    from edge_digits.read import DEFAULT_THRESHOLD, DigitReader, ReadOptions

    data = data or default_data_directory()
    generated = generated if generated is not None else generate(sets)
    report = Report()
    readers = {t: DigitReader(model_path, options=ReadOptions(threshold=t)) for t in thresholds}
    if DEFAULT_THRESHOLD not in readers:
        readers[DEFAULT_THRESHOLD] = DigitReader(model_path, options=ReadOptions(threshold=DEFAULT_THRESHOLD))
    default = readers[DEFAULT_THRESHOLD]
    try:
        for name, items in development_writers(data, sets).items():
            results, seconds = read_frames(reader_function(default), items)
            report.tallies[name] = judge_frames(results, seconds, items)
        for (name, threshold), counts in classifier_alone(default, data, thresholds).items():
            report.tallies[f"{name}, classifier alone @{threshold}"] = counts
            if threshold == DEFAULT_THRESHOLD:
                report.tallies[f"{name}, classifier alone"] = counts
        for suffix, (cell, margin) in SUDOKU_CUTS.items():
            for name, items in sudoku_cells(data, sets.sudoku_blank, cell, margin).items():
                results, seconds = read_frames(reader_function(default), items)
                report.tallies[f"sudoku photos, {name} cells{suffix}"] = judge_frames(
                    results, seconds, items)
        report.tallies.update(whole_photos(default, data))
        for name, frames in generated.items():
            for threshold, reader in readers.items():
                results, seconds = read_frames(reader_function(reader), frames)
                judged = judge_digit_free(results, seconds) if name.startswith("digit-free") else \
                    judge_frames(results, seconds, frames)
                report.tallies[f"{name} @{threshold}"] = judged
                if threshold == DEFAULT_THRESHOLD:
                    report.tallies[name] = judged
                    report.breakdown[name] = break_down(frames, _outcomes(name, results, frames))
        if photos:
            found = skimage_photos()
            results, seconds = read_frames(reader_function(default), [image for _, image in found])
            report.tallies["scikit-image photos"] = judge_digit_free(results, seconds)
            report.photo_reports = {name: got for (name, _), got in zip(found, results) if got}
    finally:
        for reader in readers.values():
            reader.close()
    return report


def _outcomes(name: str, results, frames) -> list:
    if name.startswith("digit-free"):
        return ["wrong" if reports_digit(got) else "right" for got in results]
    return [judge(got, frame.strings) for got, frame in zip(results, frames)]


def print_breakdown(report: Report, out=print) -> None:
    """Per set, each group's exact (digit-free: reporting) share and size."""
    for name, groups in report.breakdown.items():
        what = "wrong" if name.startswith("digit-free") else "right"
        out(f"  {name}, {'reporting a digit' if what == 'wrong' else 'exact'} by group: " +
            ", ".join(f"{key.split(': ')[-1]} {100 * t.rate(what):.0f}% ({t.count})"
                      for key, t in groups.items()))


def print_report(report: Report, title: str, out=print) -> None:
    out(f"== {title}")
    for name, t in report.tallies.items():
        if "@" in name:
            continue
        if name.startswith(("digit-free", "scikit-image")):
            out(f"  {name:44s} {t.count:5d}  report a digit {100 * t.rate('wrong'):5.1f}%"
                f"  {t.median_ms:6.1f} ms ({t.median_cpu_ms:.1f} cpu)")
        elif name.startswith(("sudoku photos, empty", "sudoku photos, whole: around")):
            out(f"  {name:44s} {t.count:5d}  report a digit {100 * t.rate('wrong'):5.1f}%")
        else:
            names = ("exact", "rejected", "wrong") if name.startswith("strangers") else \
                ("right", "rejected", "wrong")
            out(f"  {name:44s} {t.line(names)}")
    if report.photo_reports:
        out("  scikit-image photos reporting digits: " +
            ", ".join(f"{name} {' '.join(got)!r}" for name, got in report.photo_reports.items()))
    rows = sorted({name.split(" @")[0] for name in report.tallies if " @" in name})
    if rows:
        out("  error against rejection (rejected / wrong; digit-free: share reporting a digit):")
        thresholds = sorted({float(name.split(" @")[1]) for name in report.tallies if " @" in name})
        out("  " + " " * 44 + "".join(f"{t:>17}" for t in thresholds))
        for row in rows:
            cells = []
            for threshold in thresholds:
                t = report.tallies[f"{row} @{threshold}"]
                if row.startswith("digit-free"):
                    cells.append(f"{100 * t.rate('wrong'):16.1f}%")
                else:
                    cells.append(f"{100 * t.rate('rejected'):7.1f}% /{100 * t.rate('wrong'):5.1f}%")
            out(f"  {row:44s}" + "".join(cells))


def compare(name: str, read: Read, generated: dict, data: Path, sets: StandardSets) -> Report:
    """Another reader (see :mod:`export.baselines`) on the same generated sets, the sudoku
    cells and scikit-image's photos."""
    report = Report()
    for set_name, frames in generated.items():
        results, seconds = read_frames(read, frames)
        report.tallies[set_name] = judge_digit_free(results, seconds) if set_name.startswith("digit-free") \
            else judge_frames(results, seconds, frames)
        report.breakdown[set_name] = break_down(frames, _outcomes(set_name, results, frames))
    for suffix, (cell, margin) in SUDOKU_CUTS.items():
        for cells, items in sudoku_cells(data, sets.sudoku_blank, cell, margin).items():
            results, seconds = read_frames(read, items)
            report.tallies[f"sudoku photos, {cells} cells{suffix}"] = judge_frames(
                results, seconds, items)
    found = skimage_photos()
    if found:
        results, seconds = read_frames(read, [image for _, image in found])
        report.tallies["scikit-image photos"] = judge_digit_free(results, seconds)
        report.photo_reports = {photo: got for (photo, _), got in zip(found, results) if got}
    return report


def main(argv=None) -> int:
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m export.devsets", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="a .tflite classifier (default: the bundled model)")
    parser.add_argument("--compare", action="append", choices=("rapidocr", "contours"), default=[],
                        help="also run another reader on the same sets (repeatable)")
    parser.add_argument("--seed", type=int, default=StandardSets.seed)
    parser.add_argument("--strangers", type=int, default=StandardSets.strangers, help="frames per level")
    parser.add_argument("--digit-free", type=int, default=StandardSets.digit_free, help="scenes per level")
    parser.add_argument("--data", type=Path, help="the shared data folder (default ../shared/data)")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    args = parser.parse_args(argv)
    sets = StandardSets(seed=args.seed, strangers=args.strangers, digit_free=args.digit_free)
    data = args.data or default_data_directory()
    start = time.perf_counter()
    generated = generate(sets, workers=min(2, os.cpu_count() or 1))
    print(f"generated {sum(len(f) for f in generated.values())} frames in "
          f"{time.perf_counter() - start:.1f} s (seed {sets.seed})")
    report = measure(args.model, sets, generated, data)
    print_report(report, f"edge-digits reader ({args.model or 'bundled model'})")
    print_breakdown(report)
    figures = {"reader": report.figures()}
    for name in args.compare:
        if name == "rapidocr":
            try:
                from export.baselines import rapidocr_reader
                read, closer = rapidocr_reader(), None
            except ImportError as exc:
                print(f"python -m export.devsets: {exc}", file=sys.stderr)
                return 2
        else:
            from export.baselines import contours_reader
            read, closer = contours_reader(args.model)
        other = compare(name, read, generated, data, sets)
        if closer is not None:
            closer.close()
        print_report(other, name)
        print_breakdown(other)
        figures[name] = other.figures()
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, sort_keys=True))
    print(f"({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
