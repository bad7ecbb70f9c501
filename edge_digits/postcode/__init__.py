"""Postal codes on envelopes and postcards: find the field, read it, decide or reject.

    >>> from edge_digits import DigitReader
    >>> from edge_digits.postcode import read_postcode, load_profile
    >>> with DigitReader() as reader:
    ...     result = read_postcode(reader, frame, "jp")     # or load_profile("jp")
    >>> result.code, result.text, result.confidence, result.box     # '1000001', '100-0001', ...
    >>> result.reason, result.detail                                 # when result.code is None

Stages, one module each: ``field`` (box rows and free-form city-line tokens, box lines
dropped) -> the reader's classifier (one batch for the whole frame) -> ``decide`` (profile,
threshold, ambiguity). ``profiles`` loads the profiles (JSON data). The command line is
``edge-digits postcode IMAGE|DIR|VIDEO|CAMERA --format jp [--json] [--annotate DIR]``.
"""
from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from ..frame import check_frame
from ..normalize import normalize_digit
from ..results import Box, Digit
from .decide import (REJECT_AMBIGUOUS, REJECT_LOW_DIGIT, REJECT_NO_FIELD, REJECT_WRONG_LENGTH,
                     FieldCandidate, PostcodeOptions, PostcodeResult, decide)
from .field import Field, FieldOptions, find_fields
from .profiles import Profile, available_profiles, load_profile

__all__ = [
    "REJECT_AMBIGUOUS", "REJECT_LOW_DIGIT", "REJECT_NO_FIELD", "REJECT_WRONG_LENGTH",
    "Field", "FieldCandidate", "FieldOptions", "PostcodeOptions", "PostcodeResult", "Profile",
    "available_profiles", "find_fields", "load_profile", "read_postcode",
]


def _classify(reader, inks: list[np.ndarray], boxes: list[Box],
              views_below: float) -> list[Digit]:
    """Classify crops in one batch; each Digit carries the best class and its probability
    whatever the reader's own threshold (the postcode decision applies its own), the
    crops less sure than ``views_below`` read in the reader's other views too."""
    if not inks:
        return []
    if hasattr(reader, "classify_inks"):  # a DigitReader
        found = reader.classify_inks(inks, boxes, views_below)
        return [Digit(None, 0.0, box, -1) if d is None else Digit(d.best, d.confidence, box, d.best)
                for d, box in zip(found, boxes)]
    if hasattr(reader, "predict"):  # a bare DigitClassifier
        best, confidence = reader.predict(np.stack([normalize_digit(ink) for ink in inks]))
        labels = reader.labels
        digits = []
        for label, probability, box in zip(best, confidence, boxes):
            name = labels[int(label)]
            value = int(name) if name.isdigit() and len(name) == 1 else -1
            digits.append(Digit(value if value >= 0 else None, float(probability) if value >= 0
                                else 0.0, box, value))
        return digits
    raise TypeError(f"read_postcode: expected a DigitReader (or DigitClassifier), got "
                    f"{type(reader).__name__}")


def _crops(fields: list[Field]):
    """The ink crops of all fields' filled places, their boxes, the index of the field
    each belongs to, and each one's second crop (or None)."""
    inks, boxes, owners, seconds = [], [], [], []
    for index, found in enumerate(fields):
        alternates = found.alternates or (None,) * len(found.inks)
        for ink, box, alternate in zip(found.inks, found.boxes, alternates):
            if ink is not None:
                inks.append(ink)
                boxes.append(box)
                owners.append(index)
                seconds.append(alternate)
    return inks, boxes, owners, seconds


def _read_twice(reader, inks: list[np.ndarray], boxes: list[Box], seconds: list,
                views_below: float) -> list[Digit]:
    """One digit per crop; with second readings (one batch with the first): a digit whose
    two crops read differently keeps the lower of the two probabilities, so it cannot
    pass the threshold on one reading alone."""
    extra = [i for i, alternate in enumerate(seconds) if alternate is not None]
    digits = _classify(reader, inks + [seconds[i] for i in extra],
                       boxes + [boxes[i] for i in extra], views_below)
    for i, other in zip(extra, digits[len(inks):]):
        first = digits[i]
        if other.best != first.best or other.confidence < first.confidence:
            digits[i] = Digit(first.value, min(first.confidence, other.confidence), first.box,
                              first.best)
    return digits[:len(inks)]


def read_postcode(reader, frame: np.ndarray, profile: str | Profile,
                  options: PostcodeOptions | None = None,
                  field_options: FieldOptions | None = None) -> PostcodeResult:
    """Read the postal code of the envelope or postcard in ``frame``.

    Parameters
    ----------
    reader : DigitReader (or DigitClassifier)
        Its classifier reads the digit crops (one batch per frame).
    frame : (H, W), (H, W, 3) BGR or (H, W, 4) BGRA uint8 ndarray
    profile : str or Profile
        ``"jp"``, ``"us"``, ``"fr"``, ``"de"``, ``"hu"``, ``"digits:N"``, a .json path,
        or a loaded :class:`Profile`.
    options : PostcodeOptions, optional
        The operating point (threshold, ambiguity margin).

    Returns
    -------
    PostcodeResult
        ``code`` set when read; else ``code is None`` and ``reason`` says why.

    Raises
    ------
    FrameError
        A frame that is not an image (None, empty, wrong dtype or shape).
    ConfigError
        An unknown profile name or a malformed profile file.
    """
    start = time.perf_counter()
    profile = load_profile(profile)
    options = options or PostcodeOptions()
    frame = check_frame(frame)
    fields = find_fields(frame, field_options, set(profile.lengths), profile.box_fields)
    inks, boxes, owners, seconds = _crops(fields)
    digits = _read_twice(reader, inks, boxes, seconds, options.views_below)
    per_field: list[list[Digit]] = [[] for _ in fields]
    for owner, digit in zip(owners, digits):
        per_field[owner].append(digit)
    candidates = [FieldCandidate(kind=f.kind, digits=tuple(d), separators=f.separators,
                                 box=f.box, places=len(f.inks))
                  for f, d in zip(fields, per_field)]
    height, width = frame.shape[:2]
    result = decide(candidates, profile, options, (width, height))
    return replace(result, seconds=time.perf_counter() - start)
