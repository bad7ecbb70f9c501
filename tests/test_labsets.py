"""export/labsets.py: the development sets read frame by frame, and two readings compared."""
from __future__ import annotations

import json

import pytest

from export import labsets


def test_the_sets_are_the_three_seeds_of_the_tuning_history():
    names = labsets.set_names()
    assert len(names) == 12 and len({n[0] for n in names}) == 12
    assert sum(n[4] for n in names if n[1] == "strangers") == 1160
    assert sum(n[4] for n in names if n[1] == "digit-free") == 488
    assert ("s31-strangers-hard", "strangers", 31, "hard", 200) in names


def _reading(sets: dict) -> dict:
    return {"model": "test", "sets": {name: [{"truth": list(truth), "read": got}
                                             for truth, got in frames]
                                      for name, frames in sets.items()}}


BEFORE = _reading({
    "s12-strangers-clean": [(("123", "45"), ["123", "45"]), (("678",), ["6?8"]),
                            (("901",), ["907"]), (("22",), [])],
    "s12-digit-free-clean": [((), []), ((), ["??"]), ((), ["1?"])],
})
AFTER = _reading({
    "s12-strangers-clean": [(("123", "45"), ["123", "45"]), (("678",), ["678"]),
                            (("901",), ["9?1"]), (("22",), ["22", "1"])],
    "s12-digit-free-clean": [((), []), ((), ["7"]), ((), [])],
})


def test_frames_are_judged_as_the_development_report_judges_them():
    totals = labsets.totals(BEFORE)
    assert totals["s12-strangers-clean"] == {"right": 1, "rejected": 2, "wrong": 1}
    # a digit-free scene is wrong when it reports an accepted digit, not for a '?'
    assert totals["s12-digit-free-clean"] == {"right": 2, "rejected": 0, "wrong": 1}
    assert totals["strangers"] == totals["s12-strangers-clean"]
    assert totals["digit-free"] == totals["s12-digit-free-clean"]


def test_what_moved_between_two_readings():
    changes = labsets.moved(BEFORE, AFTER)
    assert [(c[0], c[1], c[2], c[3]) for c in changes] == [
        ("s12-digit-free-clean", 1, "right", "wrong"),
        ("s12-digit-free-clean", 2, "wrong", "right"),
        ("s12-strangers-clean", 1, "rejected", "right"),
        ("s12-strangers-clean", 2, "wrong", "rejected"),
        ("s12-strangers-clean", 3, "rejected", "wrong"),
    ]
    assert changes[2][4:] == (["678"], ["6?8"], ["678"])
    assert labsets.moved(BEFORE, BEFORE) == []


def test_compare_prints_totals_and_every_frame_that_moved(tmp_path, capsys):
    before, after = tmp_path / "before.json", tmp_path / "after.json"
    before.write_text(json.dumps(BEFORE))
    after.write_text(json.dumps(AFTER))
    assert labsets.main(["compare", str(before), str(after)]) == 0
    out = capsys.readouterr().out
    assert "moved: rejected -> right 1, rejected -> wrong 1, right -> wrong 1, " \
           "wrong -> rejected 1, wrong -> right 1" in out
    assert "s12-strangers-clean[3] rejected -> wrong: truth ['22'], read [] -> ['22', '1']" in out


def test_an_unreadable_reading_is_one_clear_error(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert labsets.main(["compare", str(bad), str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("python -m export.labsets:") and len(err.strip().splitlines()) == 1
    assert labsets.main(["compare", str(tmp_path / "missing.json"), str(bad)]) == 2


def test_frames_are_made_once_and_read(tmp_path, shared_data):
    """A small set (one frame a level and kind of one seed), made by the spawned workers,
    cached and read by the bundled reader."""
    shared_data("femnist_digits.npz")
    sets = ((12, 1, 1),)
    found = labsets.frames(tmp_path, workers=2, sets=sets)
    assert sorted(found) == sorted(n[0] for n in labsets.set_names(sets))
    assert all(len(items) == 1 and items[0][0].ndim == 3 for items in found.values())
    assert found["s12-strangers-clean"][0][1]  # a stranger's frame has strings
    assert found["s12-digit-free-hard"][0][1] == ()
    cached = list(tmp_path.glob("frames-*.pickle"))
    assert len(cached) == 1 and not list(tmp_path.glob("*.partial"))
    assert cached[0].name.endswith("-12-1-1.pickle")  # other sizes are other files
    again = labsets.frames(tmp_path, workers=2, sets=sets)  # from the cache
    assert (again["s12-strangers-hard"][0][0] == found["s12-strangers-hard"][0][0]).all()
    reading = labsets.read(found, workers=1)
    assert reading["model"] == "bundled" and set(reading["sets"]) == set(found)
    first = reading["sets"]["s12-strangers-clean"][0]
    assert first["truth"] == list(found["s12-strangers-clean"][0][1])
    assert isinstance(first["read"], list)


def test_small_sets_are_judged_like_their_kind_and_left_out_of_the_seeds_sums(capsys):
    """An empty cell or a crop of a digit-free scene is wrong when it reports a digit; a
    cell of a digit is judged as a frame. The seeds' sums hold the seeds' frames only, and
    the totals say how many frames of each set show a '?'."""
    reading = _reading({
        "cells116-hand": [(("5",), ["5"]), (("3",), ["?"]), (("8",), ["3"]), (("1",), [])],
        "cells116-empty": [((), []), ((), ["?"]), ((), ["7"])],
        "digit-free-crops": [((), ["1"]), ((), [])],
    })
    totals = labsets.totals(reading)
    assert totals["cells116-hand"] == {"right": 1, "rejected": 2, "wrong": 1}
    assert totals["cells116-empty"] == {"right": 2, "rejected": 0, "wrong": 1}
    assert totals["digit-free-crops"] == {"right": 1, "rejected": 0, "wrong": 1}
    assert "strangers" not in totals and "digit-free" not in totals
    labsets.print_totals(reading)
    out = capsys.readouterr().out
    assert "cells116-hand              right    1  rejected    2  wrong    1  (1 show '?')" in out
    assert "cells116-empty             right    2  rejected    0  wrong    1  (1 show '?')" in out


def test_small_frames_are_the_photos_cells_the_writers_files_and_crops_of_scenes(shared_data):
    """Every cell of the 80 sudoku photos at both cuts (576 handwritten, 2,304 printed and
    3,224 empty), the development writers' sets, and four crops of each digit-free scene."""
    shared_data("sudoku_photos/labels.json")
    shared_data("femnist_digits.npz")
    import numpy as np

    scene = np.full((480, 640, 3), 200, np.uint8)
    found = {"s12-digit-free-clean": [(scene, ())], "s12-strangers-clean": [(scene, ("1",))]}
    small = labsets.small_frames(found)
    counts = {name: len(items) for name, items in small.items()}
    for cut, side in (("cells116", 116), ("cells40", 40)):
        assert (counts[f"{cut}-hand"], counts[f"{cut}-printed"], counts[f"{cut}-empty"]) == \
            (576, 2304, 3224)
        image, truth = small[f"{cut}-hand"][0]
        assert image.shape[:2] == (side, side) and len(truth) == 1 and truth[0].isdigit()
        assert all(truth == () for _, truth in small[f"{cut}-empty"])
    assert counts["femnist-paper"] == 1000 and counts["femnist-tight"] == 1000
    crops = small["digit-free-crops"]
    assert len(crops) == labsets.CROPS_A_SCENE
    for image, truth in crops:
        height, width = image.shape[:2]
        assert truth == () and 48 <= height < 250 and height <= width <= 1.4 * height
    again = labsets.small_frames(found)["digit-free-crops"]
    assert all((a[0] == b[0]).all() for a, b in zip(crops, again))  # seeded
