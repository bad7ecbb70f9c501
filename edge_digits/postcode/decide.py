"""Decide: a postal code with its confidence and box, or a rejection with its reason.

    >>> result = decide(candidates, profile, PostcodeOptions(), (1280, 720))
    >>> result.code if result.accepted else result.reason

A postal-sorting machine sends every rejection to a person; a wrong code sends the letter
to the wrong city. So a code is returned only when

1. it fits the profile (digit count, hyphen where the format has one),
2. *every* digit's probability reaches ``PostcodeOptions.threshold``, and
3. no other candidate that also passed 1 and 2 reads differently with a score within
   ``PostcodeOptions.margin`` of it (score: the lowest digit probability).

Operating point: ``threshold=0.97``, ``margin=1.0`` (any second distinct code rejects).
Measured on 560 generated envelopes (tests/test_postcode_accuracy.py's generator, seeds
0-3, 140 each) with the bundled model (1.5x width + none): threshold 0.90 -> 85.0% read,
1.79% misread (10); 0.95 -> 82.7%, 1.43% (8); **0.97 -> 79.3%, 0.71% (4)**; 0.99 -> 73.4%,
0.54% (3). The misreads left at 0.99 are digits the model is sure of and wrong
about (an MNIST 9 drawn like a 7). Raising ``threshold`` trades reads for rejections
(fewer wrong codes); lowering ``margin`` lets the clearly better of two codes through
(more reads on envelopes that also carry a sender's code, more risk).
The CLI exposes both (``--threshold``, ``--margin``).
Rejection reasons, in the order they are reported:

- ``REJECT_AMBIGUOUS``: two candidates too close;
- ``REJECT_LOW_DIGIT``: a candidate of the right form, but a digit below threshold;
- ``REJECT_WRONG_LENGTH``: digits found (a box row) but not as many as the profile wants;
- ``REJECT_NO_FIELD``: nothing that could be a code.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..results import Box, Digit
from .profiles import Profile

REJECT_NO_FIELD = "no field found"
REJECT_LOW_DIGIT = "digit below threshold"
REJECT_WRONG_LENGTH = "wrong length"
REJECT_AMBIGUOUS = "two candidates too close"


@dataclass(frozen=True, slots=True)
class PostcodeOptions:
    """The operating point of the decision."""

    #: every digit of a returned code must have at least this probability; higher means
    #: fewer wrong codes and more rejections
    threshold: float = 0.97
    #: a second valid code whose score is within this of the best one rejects both
    #: ("two candidates too close"); 1.0 rejects on any second distinct code
    margin: float = 1.0
    #: a digit read less surely than this is read again in the reader's other views
    #: (``ReadOptions.upright_below`` for a code: the reader's own 0.99, which cuts
    #: strangers' wrong frames, costs generated envelopes 75 -> 71% of codes read for no
    #: fewer wrong ones)
    views_below: float = 0.95

    def __post_init__(self) -> None:
        for name in ("threshold", "margin", "views_below"):
            if not 0.0 <= float(getattr(self, name)) <= 1.0:
                raise ValueError(f"{name} must be within 0..1, got {getattr(self, name)!r}")


@dataclass(frozen=True, slots=True)
class FieldCandidate:
    """One classified field: a string of digits that may be the code (not to be confused
    with :class:`edge_digits.locate.Candidate`, one located mark)."""

    kind: str  #: "boxes" or "line"
    digits: tuple[Digit, ...]  #: left to right; a not-a-digit mark has confidence 0
    separators: tuple[int, ...]  #: digit indices a hyphen stands before
    box: Box
    places: int  #: boxes in the row (filled or not) or marks in the token

    @property
    def score(self) -> float:
        """The lowest digit probability (0 for an empty candidate)."""
        return min((d.confidence for d in self.digits), default=0.0)

    @property
    def text(self) -> str:
        return "".join(d.text for d in self.digits)


#: the earlier name of :class:`FieldCandidate` (tests and callers may still use it)
Candidate = FieldCandidate


@dataclass(frozen=True, slots=True)
class PostcodeResult:
    """The postal code read from one frame, or why none was."""

    code: str | None  #: digits only ("1000001"); None when rejected
    text: str  #: the code laid out by its format ("100-0001"); "" when rejected
    confidence: float  #: product of the code's digit probabilities; 0 when rejected
    box: Box | None  #: the code's field in frame pixels (the best candidate's, if rejected)
    profile: str  #: profile name
    frame_size: tuple[int, int]  #: (width, height) of the frame read
    reason: str | None = None  #: one of the REJECT_* reasons; None when read
    detail: str = ""  #: what the reason is about, for a person ("read 10?-0001")
    kind: str | None = None  #: "boxes" or "line": where the code (or best candidate) was
    digits: tuple[Digit, ...] = ()  #: the best candidate's digits
    candidates: int = 0  #: how many candidates were considered
    seconds: float = field(default=0.0, compare=False)

    @property
    def accepted(self) -> bool:
        return self.code is not None

    def to_dict(self) -> dict:
        """A JSON-ready dict (``edge-digits postcode --json``)."""
        return {
            "code": self.code,
            "text": self.text,
            "confidence": round(self.confidence, 4),
            "accepted": self.accepted,
            "reason": self.reason,
            "detail": self.detail,
            "profile": self.profile,
            "field": self.kind,
            "box": self.box.as_list() if self.box else None,
            "digits": [{"value": d.value, "confidence": round(d.confidence, 4),
                        "box": d.box.as_list()} for d in self.digits],
            "candidates": self.candidates,
            "frame_size": list(self.frame_size),
            "seconds": round(self.seconds, 6),
        }


def decide(candidates: list[FieldCandidate], profile: Profile, options: PostcodeOptions,
           frame_size: tuple[int, int]) -> PostcodeResult:
    """Pick the code among ``candidates`` of a frame of ``frame_size`` (width, height), or
    reject (see the module docstring)."""
    def reject(reason, detail, best=None):
        return PostcodeResult(code=None, text="", confidence=0.0,
                              box=best.box if best else None, profile=profile.name,
                              reason=reason, detail=detail, kind=best.kind if best else None,
                              digits=best.digits if best else (), candidates=len(candidates),
                              frame_size=frame_size)

    formed = _formed(candidates, profile)
    valid = [(c, f) for c, f in formed if c.score >= options.threshold]
    if valid:
        valid.sort(key=lambda item: -item[0].score)
        best, fmt = valid[0]
        code = "".join(str(d.best) for d in best.digits)
        other_code = _close_second(valid, code, options)
        if other_code is not None:
            return reject(REJECT_AMBIGUOUS, f"{profile.format(code, fmt)} and "
                          f"{profile.format(other_code)} both read", best)
        confidence = 1.0
        for digit in best.digits:
            confidence *= digit.confidence
        digits = tuple(Digit(d.best, d.confidence, d.box, d.best) for d in best.digits)
        return PostcodeResult(code=code, text=profile.format(code, fmt), confidence=confidence,
                              box=best.box, profile=profile.name, reason=None, detail="",
                              kind=best.kind, digits=digits, candidates=len(candidates),
                              frame_size=frame_size)
    if formed:
        best = max(formed, key=lambda item: item[0].score)[0]
        low = sum(d.confidence < options.threshold for d in best.digits)
        shown = "".join(str(d.best) if d.confidence >= options.threshold else "?"
                        for d in best.digits)
        return reject(REJECT_LOW_DIGIT, f"read {shown}: {low} digit(s) below {options.threshold}",
                      best)
    found = _wrong_length(candidates, profile)
    if found is not None:
        return reject(REJECT_WRONG_LENGTH, found[1], found[0])
    return reject(REJECT_NO_FIELD, f"no box field and no free-form string of "
                  f"{_lengths(profile)} found (strings of other lengths, and digits touching "
                  f"ruled lines, a table or words, are not taken for a code)")


def _formed(candidates: list[FieldCandidate], profile: Profile) -> list[tuple]:
    """(candidate, format) of the candidates of the profile's form, every place read."""
    formed = []
    for candidate in candidates:
        digits = "".join(str(d.best) if d.best >= 0 else "x" for d in candidate.digits)
        separators = () if candidate.kind == "boxes" else candidate.separators
        fmt = profile.match(digits, separators)
        if fmt is not None and candidate.places == len(candidate.digits):
            formed.append((candidate, fmt))
    return formed


def _close_second(valid: list[tuple], code: str, options: PostcodeOptions) -> str | None:
    """Another code among ``valid`` (best first) read within ``options.margin`` of the
    best's score, or None."""
    best = valid[0][0]
    for other, _ in valid[1:]:
        other_code = "".join(str(d.best) for d in other.digits)
        if other_code != code and best.score - other.score < options.margin:
            return other_code
    return None


def _wrong_length(candidates: list[FieldCandidate], profile: Profile) -> tuple | None:
    """(best candidate, detail) of digits found in a box row or on a line but not as the
    profile wants them, or None."""
    filled = [c for c in candidates if c.kind == "boxes" and c.digits]
    if filled:
        best = max(filled, key=lambda c: len(c.digits))
        return best, (f"{len(best.digits)} digit(s) in a row of {best.places} boxes; "
                      f"{profile.name} wants {_lengths(profile)}")
    lines = [c for c in candidates if c.kind == "line" and c.digits]
    if not lines:
        return None
    best = max(lines, key=lambda c: c.score)
    marks = sum(d.best < 0 for d in best.digits)
    if marks:
        written = (f"{len(best.digits) - marks} digit(s) and {marks} mark(s) that are "
                   f"not digits written")
    elif len(best.digits) in profile.lengths:
        # the right count, the hyphen elsewhere than the format has it
        shown = "".join(("-" if i in best.separators else "") + str(d.best)
                        for i, d in enumerate(best.digits))
        written = f"{shown} written"
    else:
        written = f"{len(best.digits)} digit(s) written"
    return best, f"{written}; {profile.name} wants {_lengths(profile)}"


def _lengths(profile: Profile) -> str:
    return " or ".join(str(n) for n in profile.lengths) + " digits"
