"""Score readings against their truth: right, wrong and rejected, counted apart.

A user sees three outcomes, and they cost very differently: a frame read right, a frame
where the reader said it could not read something (a ``?``, or nothing at all), and a frame
where it confidently said something false. A test that counts a ``?`` the same as a wrong
digit rewards switching rejection off (issue 15), so every accuracy test here counts them
apart and asserts a floor on right *and* a ceiling on wrong (tests/expected.py).

Per frame (``judge``), with ``truth`` the strings written, top to bottom:

- **right**: the strings read are exactly the strings written (no ``?``);
- **rejected**: not right, and nothing read is false: every digit the reader accepted
  agrees with the truth at its place and every string read has the truth's digit count
  (a ``?`` stands for one digit). A string left out altogether (a line not reported) is a
  rejection too, provided the strings that are read match the written ones in order.
  A frame where no digit at all is accepted (nothing read, or only ``?``) is rejected,
  whatever was written (also on an empty page: the reader asked rather than invented);
- **wrong**: anything else: an accepted digit that disagrees, a digit too many or too few
  in a string, a string that was not written.

Per digit (the README's error-against-rejection figures): over the strings read with the
truth's digit count (correctly segmented), each digit is right, rejected (``?``) or wrong
(accepted and different).
"""
from __future__ import annotations

from dataclasses import dataclass

RIGHT, WRONG, REJECTED = "right", "wrong", "rejected"


def _compatible(read: str, truth: str) -> bool:
    """Same digit count and every accepted digit agrees (``?`` matches any digit)."""
    return len(read) == len(truth) and all(r == "?" or r == t for r, t in zip(read, truth))


def judge(read, truth) -> str:
    """RIGHT, WRONG or REJECTED for one frame: ``read`` and ``truth`` are sequences of
    strings (or one space-separated text)."""
    read = read.split() if isinstance(read, str) else list(read)
    truth = truth.split() if isinstance(truth, str) else list(truth)
    if read == truth:
        return RIGHT
    if not any(c != "?" for s in read for c in s):
        return REJECTED  # nothing accepted: the reader asked instead of answering
    if len(read) > len(truth):
        return WRONG
    # the read strings must match written ones in order (a left-out line is a rejection)
    at = 0
    for string in read:
        while at < len(truth) and not _compatible(string, truth[at]):
            if len(read) == len(truth):
                return WRONG  # same number of strings: they must pair up one to one
            at += 1
        if at == len(truth):
            return WRONG
        at += 1
    return REJECTED


def text_of(result) -> tuple[str, ...]:
    """The strings of a :class:`~edge_digits.results.Reading` (or a list of strings)."""
    strings = getattr(result, "strings", result)
    return tuple(getattr(s, "text", str(s)) for s in (strings or ()))


@dataclass(frozen=True)
class Score:
    """Counts over a set of frames (and over the digits of its correctly segmented strings)."""

    right: int = 0
    wrong: int = 0
    rejected: int = 0
    digits: int = 0  #: digits in correctly segmented strings
    digits_wrong: int = 0  #: of those, accepted and different from the truth
    digits_rejected: int = 0  #: of those, shown as '?'

    @property
    def n(self) -> int:
        return self.right + self.wrong + self.rejected

    @property
    def rates(self) -> tuple[float, float]:
        """(right, wrong) as fractions of the frames."""
        n = max(1, self.n)
        return self.right / n, self.wrong / n

    @property
    def digit_rates(self) -> tuple[float, float]:
        """(rejected, wrong) as fractions of the digits of correctly segmented strings."""
        n = max(1, self.digits)
        return self.digits_rejected / n, self.digits_wrong / n

    def __add__(self, other: "Score") -> "Score":
        return Score(*(a + b for a, b in zip(self._fields(), other._fields())))

    def _fields(self):
        return (self.right, self.wrong, self.rejected, self.digits, self.digits_wrong,
                self.digits_rejected)

    def __str__(self) -> str:
        right, wrong = self.rates
        return (f"{self.n} frames: right {right:.4f}, wrong {wrong:.4f}, rejected "
                f"{self.rejected / max(1, self.n):.4f}")


def score_one(read, truth) -> Score:
    """The Score of one frame."""
    read = read.split() if isinstance(read, str) else list(read)
    truth = truth.split() if isinstance(truth, str) else list(truth)
    verdict = judge(read, truth)
    digits = wrong = rejected = 0
    if len(read) == len(truth):
        for r, t in zip(read, truth):
            if len(r) == len(t):
                digits += len(t)
                rejected += r.count("?")
                wrong += sum(a != "?" and a != b for a, b in zip(r, t))
    return Score(verdict == RIGHT, verdict == WRONG, verdict == REJECTED, digits, wrong, rejected)


def score(read_frame, items) -> Score:
    """Score ``read_frame(image)`` (a reader's ``read``, or any function returning a
    Reading or strings) over ``items``: (image, truth) pairs."""
    total = Score()
    for image, truth in items:
        total = total + score_one(text_of(read_frame(image)), truth)
    return total


def score_labels(predicted, confidence, truth, threshold: float) -> Score:
    """Per-digit Score of classifier outputs (one 'frame' a digit): ``predicted`` labels
    (a label that is not 0-9, e.g. the not-a-digit class 10, is a rejection), their
    probabilities and the true labels; below ``threshold`` is rejected."""
    import numpy as np

    predicted, confidence, truth = map(np.asarray, (predicted, confidence, truth))
    rejected = (confidence < threshold) | (predicted > 9)
    right = int(((predicted == truth) & ~rejected).sum())
    wrong = int(((predicted != truth) & ~rejected).sum())
    return Score(right, wrong, int(rejected.sum()), len(truth), wrong, int(rejected.sum()))
