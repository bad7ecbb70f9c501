"""The locate stage's values: :class:`Candidate` (its result), :class:`Blob` and :class:`Ink`
(work)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..results import Box


@dataclass(frozen=True, slots=True)
class Candidate:
    """One probable digit: its ink crop and where it is in the frame."""

    ink: np.ndarray  #: (h, w) uint8, white ink on black, ready for normalize_digit
    box: Box  #: the crop's place in the frame (frame pixels)
    line: int  #: index of its line, top to bottom
    #: readings of the same ink as several touching digits, likeliest first: each a tuple
    #: of 2 or more candidates, left to right. Empty for ink as narrow as one digit. The
    #: reader classifies them all and keeps the segmentation the model is surest of.
    splits: tuple = ()
    #: True when the ink is so wide that it is likelier several digits than one
    split_first: bool = False
    #: for ink that may be several touching digits: the columns of ``ink`` where they may
    #: be cut apart, ascending, its two ends included (see
    #: :func:`edge_digits.touching.pieces`); empty otherwise
    cuts: tuple = ()


@dataclass(slots=True)
class Blob:
    """A group of work-resolution components that make one digit (mutable while grouping).

    ``x0, y0`` inclusive, ``x1, y1`` exclusive, in work pixels; ``labels`` are the
    component labels (of the work image's label image) that make it.
    """

    x0: int
    y0: int
    x1: int
    y1: int
    labels: list

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2.0

    def union(self, other: "Blob") -> "Blob":
        """The blob of both (labels of ``self`` first)."""
        return Blob(min(self.x0, other.x0), min(self.y0, other.y0), max(self.x1, other.x1),
                    max(self.y1, other.y1), self.labels + other.labels)


@dataclass(frozen=True, slots=True)
class Ink:
    """The ink of a work image (:func:`edge_digits.locate.measure_ink`)."""

    background: np.ndarray  #: (h, w) uint8, the paper's brightness
    dark: np.ndarray  #: (h, w) uint8, relative darkness
    weak: int  #: the extent threshold on ``dark``
    strong: int  #: the threshold a component must reach somewhere
