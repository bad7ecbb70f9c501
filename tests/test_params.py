"""Tunables as data: every stage's parameters are frozen dataclasses with one comment a
field, nested in the options, and the stages really read them from there."""
from __future__ import annotations

import dataclasses
import inspect

import cv2
import numpy as np
import pytest

from edge_digits.frame import as_gray
from edge_digits.locate import LocateOptions, locate_digits
from edge_digits.locate import params as locate_params
from edge_digits.postcode import FieldOptions, find_fields
from edge_digits.postcode import params as postcode_params
from edge_digits.touching import TouchingParams
from export.synth.frames import make_frames

PARAMS = [cls for module in (locate_params, postcode_params)
          for _, cls in inspect.getmembers(module, dataclasses.is_dataclass)
          if cls.__module__ == module.__name__] + [TouchingParams]


@pytest.mark.parametrize("cls", PARAMS, ids=lambda cls: cls.__name__)
def test_parameters_are_frozen_slotted_and_each_field_says_what_it_is(cls):
    instance = cls()
    assert not hasattr(instance, "__dict__")  # fields in slots: a misspelt name is an error
    name = dataclasses.fields(cls)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(instance, name, getattr(instance, name))
    source = inspect.getsource(cls)
    for field in dataclasses.fields(cls):
        line = next(line for line in source.splitlines()
                    if line.strip().startswith(f"{field.name}:"))
        assert "#" in line, f"{cls.__name__}.{field.name} has no comment"


def test_options_nest_every_stage():
    options = LocateOptions()
    assert isinstance(options.touching, TouchingParams)
    assert {f.name for f in dataclasses.fields(FieldOptions)} >= {"work", "boxes", "cells",
                                                                 "tokens", "touching"}


@pytest.fixture(scope="module")
def grays(mnist):
    frames = make_frames(1, 12, "hard", digits=(mnist["x_test"], mnist["y_test"]))
    return [as_gray(frame.image) for frame in frames]


def test_nested_locate_parameters_are_the_ones_used(grays):
    """Changing a nested parameter changes what the stage does: fewer cuts allowed, fewer
    cuts made; a softer crop stretch, other ink in the same boxes."""
    base = LocateOptions()
    fewer = dataclasses.replace(base, touching=dataclasses.replace(base.touching, max_cuts=1,
                                                                 pair_cuts=(0.5,)))
    softer = dataclasses.replace(base, crop=dataclasses.replace(base.crop, core=0.5))
    cuts = changed_ink = 0
    for gray in grays:
        lines, few, soft = (locate_digits(gray, o) for o in (base, fewer, softer))
        for line, few_line, soft_line in zip(lines, few, soft):
            for c, f, s in zip(line, few_line, soft_line):
                # the thinnest cut is kept either way: fewer cuts, a subset
                assert set(f.cuts) <= set(c.cuts), (f.cuts, c.cuts)
                cuts += len(c.cuts) - len(f.cuts)
                assert c.box == s.box
                changed_ink += not np.array_equal(c.ink, s.ink)
    assert cuts > 0 and changed_ink > 0, (cuts, changed_ink)


def test_nested_field_parameters_are_the_ones_used():
    """No box is outlined at all when the outline must be more than complete."""
    frame = np.full((360, 640, 3), 235, np.uint8)
    for i in range(5):  # a row of five boxes, a digit in each
        x = 150 + 60 * i
        frame[100:150, x:x + 50] = 40
        frame[103:147, x + 3:x + 47] = 235
        cv2.putText(frame, str(i + 2), (x + 13, 138), cv2.FONT_HERSHEY_SIMPLEX, 1.1,
                    (30, 30, 30), 3)
    rows = [f for f in find_fields(frame) if f.kind == "boxes"]
    strict = FieldOptions(boxes=dataclasses.replace(FieldOptions().boxes, seed_ring=1.01))
    assert rows and not [f for f in find_fields(frame, strict) if f.kind == "boxes"]
