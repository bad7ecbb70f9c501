"""Result types: small frozen dataclasses, in frame pixel coordinates.

A :class:`Reading` of one frame holds the :class:`DigitString` s found (one per written
line, top to bottom), each holding its :class:`Digit` s (left to right). A digit the model
is not sure of has ``value=None`` and prints as ``?``.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned rectangle in frame pixels."""

    x: int  #: left column
    y: int  #: top row
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    @property
    def center(self) -> tuple[float, float]:
        return (self.x + self.width / 2.0, self.y + self.height / 2.0)

    @property
    def area(self) -> int:
        return self.width * self.height

    def overlaps(self, other: "Box") -> bool:
        """Whether the two share any pixel (boxes that only touch do not)."""
        return (self.x < other.right and other.x < self.right and self.y < other.bottom
                and other.y < self.bottom)

    def union(self, other: "Box") -> "Box":
        x0, y0 = min(self.x, other.x), min(self.y, other.y)
        x1, y1 = max(self.right, other.right), max(self.bottom, other.bottom)
        return Box(x0, y0, x1 - x0, y1 - y0)

    def as_list(self) -> list[int]:
        return [self.x, self.y, self.width, self.height]


@dataclass(frozen=True, slots=True)
class Digit:
    """One classified digit."""

    value: int | None  #: 0-9, or None when rejected (not sure enough)
    confidence: float  #: the model's probability of its best class, 0..1
    box: Box  #: where the digit's ink is in the frame
    best: int = -1  #: the model's best guess even when rejected (-1: not a digit)

    @property
    def text(self) -> str:
        return "?" if self.value is None else str(self.value)

    @property
    def accepted(self) -> bool:
        return self.value is not None


@dataclass(frozen=True, slots=True)
class DigitString:
    """Digits written on one line, left to right."""

    digits: tuple[Digit, ...]
    box: Box  #: union of the digit boxes

    @property
    def text(self) -> str:
        return "".join(d.text for d in self.digits)

    @property
    def confidence(self) -> float:
        """Confidence of the whole string: the product of its digits' confidences, where a
        rejected digit (``?``) counts as 0: a string with an unread digit is not read."""
        product = 1.0
        for digit in self.digits:
            product *= digit.confidence if digit.value is not None else 0.0
        return product

    @property
    def accepted(self) -> bool:
        """True when every digit was accepted."""
        return all(d.accepted for d in self.digits)


@dataclass(frozen=True, slots=True)
class Reading:
    """Everything read from one frame."""

    strings: tuple[DigitString, ...]
    frame_size: tuple[int, int]  #: (width, height) of the frame that was read
    seconds: float = field(default=0.0, compare=False)  #: time spent reading
    #: when nothing is reported because of them: the boxes of writing that looks like
    #: digits the reader could not read whole (a line of digits it could not read, a line
    #: cut in two, a lone digit beside other numbers; see
    #: :func:`edge_digits.numbers.read_frame`; a string with digits it could not read
    #: among those it did: ``ReadOptions.partial_strings``): a person should look. Empty
    #: otherwise.
    unread: tuple[Box, ...] = ()

    @property
    def text(self) -> str:
        """All strings, top to bottom, separated by spaces."""
        return " ".join(s.text for s in self.strings)

    @property
    def digits(self) -> tuple[Digit, ...]:
        return tuple(d for s in self.strings for d in s.digits)

    @property
    def confidence(self) -> float:
        """The lowest string confidence (0 when nothing was read)."""
        return min((s.confidence for s in self.strings), default=0.0)

    def to_dict(self) -> dict:
        """A JSON-ready dict (used by ``edge-digits read --json``)."""
        return {
            "text": self.text,
            "confidence": round(self.confidence, 4),
            "frame_size": list(self.frame_size),
            "seconds": round(self.seconds, 6),
            "unread": [box.as_list() for box in self.unread],
            "strings": [
                {
                    "text": s.text,
                    "confidence": round(s.confidence, 4),
                    "box": s.box.as_list(),
                    "digits": [
                        {
                            "value": d.value,
                            "confidence": round(d.confidence, 4),
                            "box": d.box.as_list(),
                        }
                        for d in s.digits
                    ],
                }
                for s in self.strings
            ],
        }
