"""The result types' own arithmetic: a digit's text, a string's and a reading's confidence."""
from __future__ import annotations

import pytest

from edge_digits.results import Box, Digit, DigitString, Reading

BOX = Box(0, 0, 10, 20)


def _string(*confidences, rejected=()):
    digits = tuple(Digit(None if i in rejected else i % 10, p, Box(12 * i, 0, 10, 20), i % 10)
                   for i, p in enumerate(confidences))
    box = digits[0].box
    for digit in digits[1:]:
        box = box.union(digit.box)
    return DigitString(digits, box)


def test_a_rejected_digit_shows_as_a_question_mark_and_keeps_its_best_guess():
    digit = Digit(None, 0.4, BOX, best=7)
    assert digit.text == "?" and not digit.accepted and digit.best == 7
    assert Digit(0, 0.99, BOX).text == "0" and Digit(0, 0.99, BOX).accepted  # 0 is a value


def test_a_string_is_as_sure_as_all_its_digits_together():
    """The product of the digits' confidences: the probability that every digit is right
    (neither the weakest digit alone nor the mean)."""
    string = _string(0.9, 0.5, 0.8)
    assert string.confidence == pytest.approx(0.36)
    assert string.confidence < min(d.confidence for d in string.digits)
    assert _string(0.9).confidence == pytest.approx(0.9)
    assert string.text == "012" and string.accepted
    assert string.box == Box(0, 0, 34, 20)


def test_a_string_with_a_rejected_digit_is_not_accepted_and_shows_it():
    string = _string(0.9, 0.3, 0.95, rejected={1})
    assert string.text == "0?2" and not string.accepted
    # a rejected digit counts as 0: a string with an unread digit is not read (README)
    assert string.confidence == 0.0
    assert _string(0.9, 0.8, 0.95).confidence == pytest.approx(0.9 * 0.8 * 0.95)


def test_a_reading_is_as_sure_as_its_least_sure_string():
    """A frame's confidence is its weakest string's (a form with one doubtful line is a
    doubtful form), 0 when nothing was read."""
    sure, doubtful = _string(0.99, 0.98), _string(0.9, 0.5)
    reading = Reading((sure, doubtful), (640, 480))
    assert reading.confidence == pytest.approx(0.45)
    assert Reading((doubtful, sure), (640, 480)).confidence == pytest.approx(0.45)
    assert Reading((), (640, 480)).confidence == 0.0
    assert reading.text == "01 01" and len(reading.digits) == 4
    record = reading.to_dict()
    assert record["confidence"] == 0.45 and [s["confidence"] for s in record["strings"]] == [
        round(0.99 * 0.98, 4), 0.45]
    assert record["strings"][1]["digits"][1] == {"value": 1, "confidence": 0.5, "box": [12, 0, 10, 20]}


def test_a_box_knows_its_edges_centre_and_union():
    box = Box(10, 20, 30, 40)
    assert (box.right, box.bottom, box.area) == (40, 60, 1200)
    assert box.center == (25.0, 40.0)
    assert box.union(Box(0, 50, 5, 5)) == Box(0, 20, 40, 40) and box.as_list() == [10, 20, 30, 40]


def test_every_dataclass_of_the_runtime_keeps_its_fields_in_slots_and_is_frozen():
    """Results, options and parameters of every module of ``edge_digits`` are slotted
    dataclasses that cannot be changed once made (options are shared between readers and
    threads); the one exception is the locate stage's ``Blob``, grown while grouping."""
    import dataclasses
    import importlib
    import inspect
    import pkgutil

    import edge_digits

    mutable = {"edge_digits.locate.types.Blob"}
    optional = {"starlette", "uvicorn", "multipart", "python_multipart", "picamera2"}
    seen = {}
    for info in pkgutil.walk_packages(edge_digits.__path__, "edge_digits."):
        if info.name.endswith("__main__"):  # the CLI: runs on import
            continue
        try:
            module = importlib.import_module(info.name)
        except ModuleNotFoundError as exc:  # the web extra, absent on a bare device install
            if exc.name and exc.name.split(".")[0] in optional:
                continue
            raise
        for cls in vars(module).values():
            if inspect.isclass(cls) and dataclasses.is_dataclass(cls) and \
                    cls.__module__ == module.__name__:
                seen[f"{cls.__module__}.{cls.__qualname__}"] = cls
    assert len(seen) >= 30 and mutable <= set(seen), sorted(seen)
    for name, cls in seen.items():
        assert "__slots__" in cls.__dict__, f"{name} keeps a __dict__"
        assert cls.__dataclass_params__.frozen is (name not in mutable), name


def test_results_are_small_and_frozen():
    """A reading per frame, a box per digit, thousands a minute on a Pi: the result types
    keep their fields in slots (no per-instance dict) and cannot be changed once made."""
    import dataclasses

    from edge_digits.results import Box, Digit, DigitString, Reading

    box = Box(1, 2, 3, 4)
    digit = Digit(7, 0.9, box)
    string = DigitString((digit,), box)
    reading = Reading((string,), (640, 480), 0.001)
    for value in (box, digit, string, reading):
        assert not hasattr(value, "__dict__"), type(value).__name__
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, dataclasses.fields(value)[0].name, None)
