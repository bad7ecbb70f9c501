"""The development measure (issue 12): strangers' frames, digit-free scenes, development writers.

The generator (export/synth/strangers.py) is deterministic and makes sane frames; the
bundled model's figures on the standard sets (``python -m export.devsets``, seed 12) are
pinned below: a floor under what it reads right AND a ceiling over what it reads wrong,
and a ceiling over the share of digit-free scenes where it reports a digit.

EXPECTED holds the figures measured with the bundled model; after swapping the model,
run ``python -m export.devsets`` and write its figures here. The margins allow for other
CPUs and library versions (JPEG and resize differ by a pixel): 4 frames of 80, 3 scenes of
48, a point on a thousand digits.
"""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from edge_digits.results import Box, Digit, DigitString, Reading
from export.devsets import StandardSets, generate, grid_report, judge, measure, reports_digit
from export.synth import fontsplit, pens
from export.synth.devsources import (Glyph, crop_coverage, default_data_directory,
                                     load_dev_digits)
from export.synth.strangers import (DIGIT_FREE, LEVELS, SIZES, make_digit_free, make_digit_free_scenes,
                                    make_stranger, make_strangers)

#: the bundled model's figures on the standard sets (fractions), measured with the model
#: bundled with this commit (sha256 945956c8..., regraphed as b1620263... with the same
#: outputs; threshold 0.7; at 0991397: strangers 0.225 / 0.062
#: exact, digit-free 0.729 / 0.854 reporting, FEMNIST on paper 0.616; before the numbers-beside-
#: labels and short-'1' rules of edge_digits.numbers: strangers 0.312 / 0.212 exact and 0.475 / 0.525 wrong,
#: digit-free 0.354 / 0.479 reporting, scikit-image photos 4 / 24; before frame_numbers' unread
#: lines: strangers 0.488 / 0.250 exact, 0.300 / 0.400 wrong, digit-free hard 0.146; before the
#: lone marks on a boundary: digit-free hard 0.104, scikit-image photos 1 / 24, sudoku cells 0.880 /
#: 0.030; before smaller lines of sure digits counted as unread: strangers 0.212 / 0.225 wrong;
#: before two numbers side by side were taken for one line cut in two: 0.175 / 0.212 wrong; before
#: a lone digit beside other numbers made a frame doubtful: hard 0.200 wrong, sudoku cells 0.026;
#: before trailing marks ended a number: hard 0.188 wrong, digit-free hard 0.042; before lone
#: small thin '1's were taken for strokes: digit-free hard 0.021; before an unread digit between
#: a number's digits was its '?': strangers clean 0.162 wrong; before a mark as tall as a
#: number's digits right beside them made it part of one: 0.150; before the second look for
#: writing too faint for the first search and digits a number left out: 0.138 / 0.175
#: wrong; before a second, upright view of unsure digits: strangers 0.525 / 0.262 exact,
#: 0.100 / 0.112 wrong, sudoku cells 0.894 / 0.016; before the generator drew the loops its
#: FEMNIST scans filled in (export.synth.pens.centre_line): strangers 0.500 / 0.262 exact,
#: 0.112 / 0.088 wrong; before a small piece between two digits was kept: clean 0.150 wrong;
#: before a third view of unsure digits drawn with a broader pen: clean 0.138 wrong, FEMNIST
#: on paper 0.969 / 0.007, 40 px files 0.965 / 0.003, hwd1000 64 px files 0.975; before
#: the other views for crops below 0.99 instead of 0.95: clean 0.112 wrong, FEMNIST on
#: paper 0.964, 40 px files 0.002 wrong, cut tight 0.018 wrong)
#: -- name: {what: measured}; "right" is exact for frames, "wrong" is reporting a
#: digit for digit-free scenes and photos
EXPECTED = {
    # before the nineteenth session's frames of one digit read shrunk: 0.962 / 0.004
    "FEMNIST test writers, on paper": {"right": 0.983, "wrong": 0.002},
    "hwd1000 test, on paper": {"right": 1.000, "wrong": 0.000},
    "FEMNIST test writers, 40 px files": {"right": 0.960, "wrong": 0.001},
    # before a crop that reads nothing was read framed by paper (DigitReader._read_filling):
    # cut tight 0.831 / 0.014, hwd1000's 64 px files 0.980 / 0.000
    # ... and before a small frame's reading was checked at fainter thresholds
    # (DigitReader._checked): 0.935 / 0.014
    "FEMNIST test writers, cut tight, 100 px": {"right": 0.935, "wrong": 0.012},
    "hwd1000 test, 64 px white-on-black files": {"right": 1.000, "wrong": 0.000},
    "FEMNIST test writers (8806), classifier alone": {"right": 0.980, "wrong": 0.004},
    # before cells were read shrunk (nineteenth session): 0.898 / 0.009 and 0.005; before a
    # cell that reads nothing was searched again at fainter thresholds (DigitReader.
    # _read_faint): 0.938 / 0.002; before a cell's reading was checked at fainter
    # thresholds (DigitReader._checked): 0.964 / 0.002
    "sudoku photos, handwritten cells": {"right": 0.965, "wrong": 0.000},
    "sudoku photos, empty cells": {"wrong": 0.002},
    # before a string with '?'s among its read digits was left to a person
    # (ReadOptions.partial_strings, twenty-third session): clean 0.100 wrong; before the
    # paper's noise set the thresholds (InkParams.paper_noise, twenty-fourth session):
    # exact 0.550 / 0.300; before a grid fainter than the writing was searched above
    # (LineParams.rule_writing): clean 0.562
    "strangers clean": {"right": 0.575, "wrong": 0.050},
    "strangers hard": {"right": 0.312, "wrong": 0.100},
    "digit-free clean": {"wrong": 0.000},
    "digit-free hard": {"wrong": 0.000},
    "scikit-image photos": {"wrong": 0 / 24},
    # the 80 photos read whole report nothing; before a printed grid's frame holding its
    # givens stopped counting as large writing (locate.scale.enclosed), one reported the
    # corner of its grid's top-right box as a '7' at 0.92 (03_02_iphone_14_0.jpg)
    "sudoku photos, whole: the grid": {"right": 0.000, "wrong": 0 / 80},
    "sudoku photos, whole: around the grid": {"wrong": 0 / 80},
}
#: how far a figure may move before the test fails (fraction), by set size
#: (scikit-image's photos are fixed images: no margin)
MARGIN = {"frames": 0.05, "scenes": 0.0625, "digits": 0.01, "cells": 0.02, "photos": 0.0}

DATA = default_data_directory()
needs_data = pytest.mark.skipif(not (DATA / "femnist_digits.npz").exists(),
                                reason=f"development data not found in {DATA}")


def margin_of(name: str) -> float:
    if name.startswith("strangers"):
        return MARGIN["frames"]
    if name.startswith("digit-free"):
        return MARGIN["scenes"]
    if name.startswith("sudoku"):
        return MARGIN["cells"]
    if name.startswith("scikit"):
        return MARGIN["photos"]
    return MARGIN["digits"]


# ------------------------------------------------------------------ the generator
@needs_data
def test_same_seed_same_frames():
    first = make_strangers(3, 3, "hard")
    again = make_strangers(3, 1, "hard") + make_strangers(3, 2, "hard", start=1)  # in parts
    for a, b in zip(first, again, strict=True):
        assert a.strings == b.strings and a.details == b.details
        assert np.array_equal(a.image, b.image)
    other = make_stranger(np.random.default_rng([4, 1, 0]), "hard")
    assert not any(np.array_equal(other.image, a.image) for a in first if a.image.shape == other.image.shape)
    scenes = make_digit_free_scenes(3, 2, "clean")
    parts = make_digit_free_scenes(3, 1, "clean") + make_digit_free_scenes(3, 1, "clean", start=1)
    assert all(np.array_equal(a.image, b.image) for a, b in zip(scenes, parts, strict=True))


@needs_data
def test_clean_and_hard_sets_of_one_seed_differ():
    clean, hard = make_strangers(5, 4, "clean"), make_strangers(5, 4, "hard")
    assert [f.strings for f in clean] != [f.strings for f in hard]


@needs_data
@pytest.mark.parametrize("level", LEVELS)
def test_frames_are_sane(level):
    for frame in make_strangers(7, 12, level):
        height, width = frame.image.shape[:2]
        assert frame.image.dtype == np.uint8 and frame.image.shape[2] == 3
        assert (width, height) in SIZES
        assert 1 <= len(frame.strings) <= 4 and len(frame.details) == len(frame.strings)
        assert all(s.isdigit() and 3 <= len(s) <= 7 for s in frame.strings)
        assert frame.text == " ".join(frame.strings) and frame.scene == "digits"
        # a photo of a surface with writing on it: ink stands out of the median (dark ink
        # below it, chalk above it), the frame is neither black nor blown out
        gray = frame.image.mean(axis=2)
        low, median, high = np.percentile(gray, [0.2, 50, 99.8])
        assert max(median - low, high - median) > 15 and 20 < median < 250, frame.paper


@needs_data
def test_strings_come_from_development_material_only():
    allowed = {path.name for path in fontsplit.held_out_fonts()}
    digits = load_dev_digits()
    writers = set(digits.writer_index)
    for frame in make_strangers(8, 20, "clean"):
        for source, writer, _, _ in frame.details:
            assert source in ("femnist", "hwd1000", "font")
            if source == "font":
                assert writer in allowed
            if source == "femnist":
                assert writer in writers


def _drawn(mask: np.ndarray) -> np.ndarray:
    """A glyph's centre line as a pen draws it, and whether it encloses paper: (line, holes)."""
    line = pens.centre_line(mask)
    paper = (1 - line).astype(np.uint8)
    count, labels = cv2.connectedComponents(paper, connectivity=4)
    outside = {labels[0, 0]}
    return line, count - 1 - len(outside)


def test_a_loop_the_scan_filled_in_is_drawn_as_a_loop():
    # a '6' as a small scan shows it: a stroke 6 px wide down into a solid disc (its loop)
    six = np.zeros((80, 60), np.uint8)
    cv2.line(six, (40, 8), (22, 52), 1, 6)
    cv2.circle(six, (30, 56), 14, 1, -1)
    line, holes = _drawn(six)
    assert holes == 1  # round the disc's edge, not a line through it
    ys, xs = np.nonzero(line)
    assert ys.max() >= 56 + 14 - 6 and xs.min() <= 30 - 14 + 6  # half a stroke inside
    # strokes alone, however thick their corner, stay their skeleton: no loop is made up
    ell = np.zeros((80, 60), np.uint8)
    cv2.line(ell, (20, 8), (20, 66), 1, 6)
    cv2.line(ell, (20, 66), (48, 66), 1, 6)
    line, holes = _drawn(ell)
    assert holes == 0 and np.array_equal(line, pens.thin(ell))
    # strokes one or two pixels wide: the skeleton as it is
    thin_six = np.zeros((80, 60), np.uint8)
    cv2.circle(thin_six, (30, 56), 14, 1, 2)
    assert np.array_equal(pens.centre_line(thin_six), pens.thin(thin_six))


@needs_data
def test_strangers_digits_are_read_about_as_well_as_their_scans():
    """The generator draws FEMNIST's scans again with a pen; it must not lose what the
    writer wrote. Their '6's and '8's, whose small loops the 28x28 scan fills in, thinned
    to lines read as 'L' and '9'. Of these 200, read right: the scans 197, thinned to lines
    173, the filled loops drawn round their edge 191."""
    from edge_digits.read import DigitReader

    digits = load_dev_digits()
    images, labels = digits.femnist_images, digits.femnist_labels
    pen = pens.Pen("ballpoint", pens.INKS["black"], 0.06, 1.5, 1.0, 0.0, False)
    chosen = [k for k in np.random.default_rng(5).permutation(len(labels))
              if labels[k] in (6, 8)][:200]

    def on_sheet(coverage: np.ndarray) -> np.ndarray:
        side = max(coverage.shape) + 28
        sheet = np.full((side, side), 235.0, np.float32)
        h, w = coverage.shape
        top, left = (side - h) // 2, (side - w) // 2
        sheet[top:top + h, left:left + w] *= 1 - 0.85 * coverage / max(coverage.max(), 1e-6)
        return cv2.cvtColor(sheet.astype(np.uint8), cv2.COLOR_GRAY2BGR)

    scans = drawn = 0
    with DigitReader() as reader:
        for k in chosen:
            truth = [str(int(labels[k]))]
            scan = cv2.resize(images[k], (84, 84), interpolation=cv2.INTER_CUBIC)
            scans += [s.text for s in reader.read(on_sheet(scan / 255.0)).strings] == truth
            ink = crop_coverage(images[k].astype(np.float32) / 255.0)
            glyph = Glyph(int(labels[k]), ink, 1.0, True)
            coverage = pens.draw_glyph(glyph, 84, pen, np.random.default_rng(int(k)))
            drawn += [s.text for s in reader.read(on_sheet(coverage)).strings] == truth
    assert scans >= 0.95 * len(chosen)
    assert drawn >= scans - 0.06 * len(chosen), (drawn, scans)


@needs_data
def test_digit_free_scenes_have_no_truth():
    scenes = make_digit_free_scenes(9, len(DIGIT_FREE), "hard")
    assert [s.scene for s in scenes] == list(DIGIT_FREE)
    for scene in scenes:
        assert scene.strings == () and scene.text == ""
        assert scene.image.dtype == np.uint8 and (scene.image.shape[1], scene.image.shape[0]) in SIZES


@needs_data
def test_a_knot_in_wood_grain_beside_a_sheet_is_not_a_digit():
    """The digit-free scene (seed 31, clean, 49): ruled paper on a striped table. Searched
    with the whole frame's thresholds (``InkParams.paper_noise`` 0), the grain reads as
    columns of '1's and one knot at the frame's edge as a sure '4': the lone digit amid the
    grain's sure digits is not reported (``ReadOptions.lone_among``). With the paper's
    thresholds (the default), the table is searched at its own noise and nothing on it is
    found at all."""
    from edge_digits.locate import LocateOptions
    from edge_digits.locate.params import InkParams
    from edge_digits.read import DigitReader, ReadOptions

    scene, = make_digit_free_scenes(31, 1, "clean", start=49)
    whole_frame = LocateOptions(ink=InkParams(paper_noise=0))
    readings = {}
    for lone_among in (ReadOptions().lone_among, 0):
        options = ReadOptions(lone_among=lone_among, locate=whole_frame)
        with DigitReader(options=options) as reader:
            reading = reader.read(scene.image)
        readings[lone_among] = ([s.text for s in reading.strings], len(reading.unread))
    texts, shown = readings[ReadOptions().lone_among]
    assert texts == [] and shown >= ReadOptions().lone_among
    assert readings[0] == (["4"], 0)
    with DigitReader() as reader:
        reading = reader.read(scene.image)
    assert reading.strings == () and reading.unread == ()


@needs_data
def test_writing_on_squared_paper_is_searched_above_its_grid():
    """Strangers' frames on squared paper whose grid lines, broken by the camera's noise,
    stayed in the weak threshold's mask and joined the digits (each read as no digit, a
    `4918151` read nothing). Searched above the grid's darkness (``LineParams.
    rule_writing``), each reads exactly; without, nothing."""
    from edge_digits.locate import LocateOptions
    from edge_digits.locate.params import LineParams
    from edge_digits.read import ReadOptions

    off = ReadOptions(locate=LocateOptions(lines=LineParams(rule_writing=0)))
    _exact_only_with_the_rule(off, ((31, "clean", 27), (12, "clean", 51), (57, "clean", 244)))


@needs_data
def test_faint_writing_on_a_sheet_on_a_table_is_read_at_the_papers_noise():
    """Strangers' frames of a sheet on wood, cloth or a dark surround, written with a thin
    pen: the table raises the whole frame's noise, its weak threshold 37-51 against the
    paper's 15, and the writing is found in pieces (nothing is read). Searched at the
    paper's noise (``InkParams.paper_noise``), each reads exactly."""
    from edge_digits.locate import LocateOptions
    from edge_digits.locate.params import InkParams
    from edge_digits.read import ReadOptions

    whole_frame = ReadOptions(locate=LocateOptions(ink=InkParams(paper_noise=0)))
    _exact_only_with_the_rule(whole_frame, ((31, "hard", 27), (31, "hard", 24), (57, "clean", 128)))


def _exact_only_with_the_rule(off, picks) -> None:
    """Each strangers' frame of ``picks`` ((seed, level, index)) reads exactly with the
    default options and nothing with ``off`` (a ReadOptions with one rule turned off)."""
    from edge_digits.read import DigitReader

    with DigitReader() as reader, DigitReader(options=off) as before:
        for seed, level, at in picks:
            frame, = make_strangers(seed, 1, level, start=at)
            assert [s.text for s in reader.read(frame.image).strings] == list(frame.strings)
            assert before.read(frame.image).strings == (), (seed, level, at)


def test_bad_level_or_kind_is_a_clear_error():
    with pytest.raises(ValueError, match="level must be one of"):
        make_stranger(0, "medium")
    with pytest.raises(ValueError, match="kind must be one of"):
        make_digit_free(0, "clean", kind="beach")


def test_held_out_fonts_are_never_training_fonts():
    training, held_out = fontsplit.training_fonts(), fontsplit.held_out_fonts()
    assert not set(training) & set(held_out)
    assert sorted(training + held_out) == fontsplit.all_fonts()
    if fontsplit.all_fonts():
        for family in fontsplit.HELD_OUT_FONTS:  # every held-out family is there
            assert any(path.name.startswith(family) for path in held_out), family
        assert len(training) >= 15


def test_judge():
    assert judge(["123", "45"], ("123", "45")) == "right"
    assert judge([], ("123",)) == "rejected"
    assert judge(["1?3"], ("123",)) == "rejected"
    assert judge(["173"], ("123",)) == "wrong"  # a digit misread
    assert judge(["12"], ("123",)) == "wrong"  # a digit lost
    assert judge(["12", "3"], ("123",)) == "wrong"  # a string split
    assert judge(["7", "123"], ("123",)) == "wrong"  # a label read as a digit
    assert judge([], ()) == "right" and reports_digit(["??1"]) and not reports_digit(["???"])


def test_a_whole_photo_is_judged_cell_by_cell():
    """grid_report places each accepted digit in the cell under its box's centre (the grid
    rectified by its corners, here a 900 px square at (100, 50)): right in a cell that
    holds it, wrong in one that holds another digit or none, around outside the grid; a
    cell of pencilled candidates and a rejected digit are not judged."""
    photo = {"grid": ["5c......."] + ["........."] * 7 + [".......3."],
             "grid_corners_xy": {"topleft": [100, 50], "topright": [1000, 50],
                                 "bottomright": [1000, 950], "bottomleft": [100, 950]}}

    def at(value, x, y):  # a 60x80 digit centred at (x, y)
        return Digit(value, 0.99, Box(x - 30, y - 40, 60, 80))

    def report(*digits):
        return grid_report(Reading((DigitString(digits, digits[0].box),), (1200, 1000)), photo)

    assert report(at(5, 150, 100)) == (1, 0, 0)  # row 0, column 0
    assert report(at(3, 150, 100)) == (0, 1, 0)  # another digit
    assert report(at(3, 850, 900)) == (1, 0, 0)  # row 8, column 7
    assert report(at(3, 950, 900)) == (0, 1, 0)  # row 8, column 8: blank
    assert report(at(7, 250, 100)) == (0, 0, 0)  # candidates
    assert report(at(None, 150, 100)) == (0, 0, 0)  # rejected
    assert report(at(1, 1100, 500), at(5, 150, 100)) == (1, 0, 1)  # beside the grid


# ------------------------------------------------------------------ the bundled model's figures
@pytest.fixture(scope="module")
def standard():
    """The standard sets' generated frames (``make devsets``: seed 12)."""
    if not (DATA / "femnist_digits.npz").exists():
        pytest.skip(f"development data not found in {DATA}")
    return generate(StandardSets(), workers=2)  # two processes: ~10 s less


@pytest.fixture(scope="module")
def report(standard):
    return measure(None, StandardSets(), standard, DATA, thresholds=(0.7, 0.97))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_figures_hold(report, name):
    measured = report.tallies[name]
    margin = margin_of(name)
    expected = EXPECTED[name]
    if "right" in expected:
        assert measured.rate("right") >= expected["right"] - margin, (name, measured)
    assert measured.rate("wrong") <= expected["wrong"] + margin, (name, measured)


@pytest.mark.parametrize("name", ["strangers clean", "strangers hard", "digit-free clean", "digit-free hard"])
def test_a_higher_threshold_trades_errors_for_rejections(report, name):
    low, high = report.tallies[f"{name} @0.7"], report.tallies[f"{name} @0.97"]
    assert high.rate("wrong") <= low.rate("wrong")


def test_ocr_text_is_made_into_digit_strings_fairly():
    """How a general OCR's lines become strings (export/baselines.py): digits kept, words
    that are mostly digits take look-alikes, labels are no digits; lines on one row join."""
    from export.baselines import _lines, digits_of

    assert digits_of("Tel: 0123") == "0123" and digits_of("Tel:0123") == "0123"
    assert digits_of("1O5") == "105" and digits_of("1O5", lookalikes=False) == "15"
    assert digits_of("Uppsala") == "" and digits_of("Solo") == ""
    rows = _lines([(300, 12, 380, 40, "45"), (10, 10, 200, 42, "123"), (10, 100, 200, 130, "9")])
    assert ["".join(b[4] for b in row) for row in rows] == ["12345", "9"]


def test_devsets_cli_help():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "export.devsets", "--help"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0 and "--compare" in result.stdout


@needs_data
def test_a_frame_that_reports_nothing_shows_where_to_look(standard):
    """Strangers' hard frames (seed 12, the first 40 of the standard set): a frame that holds digits the reader
    cannot read whole reports no string and the boxes of that writing (``unread``: 'a
    person should look here'); a frame that reports strings names none; every unread box
    lies inside the frame. Measured: 11 of 40 frames report nothing with unread boxes."""
    from edge_digits import DigitReader
    from edge_digits.annotate import UNREAD, draw_reading

    frames = standard["strangers hard"][:40]
    assert StandardSets().seed == 12
    doubtful = 0
    with DigitReader() as reader:
        for frame in frames:
            reading = reader.read(frame.image)
            height, width = frame.image.shape[:2]
            if reading.unread:
                doubtful += 1
                assert reading.strings == ()
                assert reading.to_dict()["unread"] == [box.as_list() for box in reading.unread]
                drawn = draw_reading(frame.image, reading)  # --annotate: orange boxes there
                box = reading.unread[0]
                edge = drawn[box.y, box.x:box.right]
                assert (edge == np.array(UNREAD, np.uint8)).all(axis=1).any()
            for box in reading.unread:
                assert 0 <= box.x and box.right <= width and 0 <= box.y and box.bottom <= height
    assert doubtful >= 8
