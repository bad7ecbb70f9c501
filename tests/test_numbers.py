"""edge_digits.numbers: which marks are a number (see also tests/test_read.py's groups)."""
from __future__ import annotations

import numpy as np

from edge_digits.numbers import on_an_edge
from edge_digits.results import Box


def test_a_stroke_on_the_edge_of_a_sheet_is_on_an_edge():
    """A table (grey 120) to the left of a sheet (230): a dark stroke along the sheet's
    side has table on one side and paper on the other; a stroke written on the sheet has
    paper on both. The same holds against a light wall (the sheet darker)."""
    frame = np.full((200, 300), 230, np.uint8)
    frame[:, :100] = 120
    frame[60:140, 98:103] = 40  # the sheet's side, dark
    frame[60:140, 200:205] = 40  # a written '1'
    assert on_an_edge(frame, Box(98, 60, 5, 80), 0.85)
    assert not on_an_edge(frame, Box(200, 60, 5, 80), 0.85)
    assert not on_an_edge(frame, Box(98, 60, 5, 80), 0.5)  # 120 / 230 = 0.52: not below
    assert not on_an_edge(255 - frame, Box(200, 60, 5, 80), 0.85)
    assert on_an_edge(255 - frame, Box(98, 60, 5, 80), 0.85)
    # at the frame's side there is nothing to compare: not an edge
    assert not on_an_edge(frame, Box(0, 60, 5, 80), 0.85)
