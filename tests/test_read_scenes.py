"""Reading photos unlike the generator's frames (export/synth/scenes.py).

One digit filling the frame, two large digits, a short number written large, a line
written at 5-15 degrees, a sharp shadow's edge across the string, squared paper, a felt
pen, a coloured sticky note, an 8-megapixel photo: each kind 40 frames of one seed
(photos 16), MNIST test digits.

How many of each kind are read right, wrong or rejected is in test_accuracy.py (sets
``scenes/<kind>``, figures in tests/expected.py). Measured before -> after locate searched
large writing at a lower resolution, joined tilted lines and kept sharp shadow edges out of
the ink (frames read exactly): closeup 0.275 -> 0.95, pair 0.575 -> 0.975, tilted 0.475 ->
0.975, shadow 0.425 -> 0.90. Here: what locating does on them.
"""
from __future__ import annotations

import pytest

from edge_digits.frame import as_gray
from edge_digits.locate import locate_digits
from export.synth.scenes import make_scenes

SEED = 1


def test_a_tilted_line_stays_one_line(mnist):
    """Lines at 5-15 degrees: digits' centres leave the span of the line's tallest digit;
    the pieces side by side are joined again (measured: 40 of 40 frames one line; 27
    before, and 0.475 of the frames read exactly, most as two or three strings)."""
    frames = make_scenes(SEED, 40, "tilted", digits=(mnist["x_test"], mnist["y_test"]))
    one_line = [len(locate_digits(as_gray(frame.image))) == 1 for frame in frames]
    assert sum(one_line) >= 38, sum(one_line)


def test_a_digit_filling_the_frame_is_one_candidate(mnist):
    """A close-up: its strokes are wider than the background's closing kernel at the
    usual work resolution (they came out hollow, in pieces, or as lines); searched at a
    lower resolution it is one candidate as tall as the digit (measured: 40 of 40; 26
    before, and 0.275 of the frames read exactly)."""
    frames = make_scenes(SEED, 40, "closeup", digits=(mnist["x_test"], mnist["y_test"]))
    found = 0
    for frame in frames:
        lines = locate_digits(as_gray(frame.image))
        found += len(lines) == 1 and len(lines[0]) == 1 and lines[0][0].box.height >= 0.4 * 480
    assert found >= 36, found
