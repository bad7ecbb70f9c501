"""Read digit strings from a frame: locate -> normalize -> classify -> reject.

    >>> from edge_digits import DigitReader
    >>> with DigitReader() as reader:
    ...     reading = reader.read(frame)          # BGR, BGRA or grayscale uint8, any size
    >>> reading.text, reading.confidence, reading.strings[0].digits[0].box

Stable API (the postcode reader builds on it):

- :class:`ReadOptions` -- the options (threshold, locate options).
- :class:`DigitReader` -- ``read(frame) -> Reading``; ``classify_inks(inks, boxes) ->
  list[Digit]`` classifies ink crops found by any locate step;
  ``locate(gray) -> list[list[Candidate]]`` runs the locate stage with the reader's
  options; ``close()`` / context manager.

Rejection: a digit whose best probability is below ``ReadOptions.threshold`` is kept in its
string as ``?`` (``value=None``): a wrong digit in a postcode or a meter reading costs more
than asking again. Raising the threshold trades errors for rejections (numbers measured on
MNIST and on generated frames are in the README). Marks that are not digits are dropped:
the locate stage filters them by size and shape relative to their line, a model with a
not-a-digit class drops them by label, and a line whose digits are mostly rejected is taken
for writing that is not digits (printed words, drawings) and not reported.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .classify import DigitClassifier
from .frame import as_gray
from .locate import Candidate, LocateOptions, locate_digits
from .normalize import normalize_digit
from .results import Box, Digit, DigitString, Reading


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Options of :class:`DigitReader`."""

    #: a digit whose best probability is below this is rejected (shown as ``?``); higher
    #: means fewer wrong digits and more rejections
    threshold: float = 0.7
    #: a line where fewer than this fraction of the digits are accepted is not reported
    #: (it is taken for print or drawings, not digits); 0 reports every line
    min_accepted_fraction: float = 0.5
    #: options of the locate stage (see :class:`edge_digits.locate.LocateOptions`)
    locate: LocateOptions = field(default_factory=LocateOptions)

    def __post_init__(self) -> None:
        if not 0.0 <= float(self.threshold) <= 1.0:
            raise ValueError(f"threshold must be within 0..1, got {self.threshold!r}")
        if not 0.0 <= float(self.min_accepted_fraction) <= 1.0:
            raise ValueError(f"min_accepted_fraction must be within 0..1, got "
                             f"{self.min_accepted_fraction!r}")


class DigitReader:
    """Reads the digit strings of a frame with a loaded classifier.

    Parameters
    ----------
    model_path : path, optional
        A ``.tflite`` digit classifier; default: the bundled int8 model.
    options : ReadOptions, optional
    num_threads : int
        Interpreter threads.
    backend : str
        ``"auto"``, ``"ai-edge-litert"``, ``"tflite-runtime"`` or ``"tensorflow"``.
    """

    def __init__(self, model_path: str | Path | None = None, *, options: ReadOptions | None = None,
                 num_threads: int = 1, backend: str = "auto") -> None:
        if options is not None and not isinstance(options, ReadOptions):
            raise TypeError(f"options must be a ReadOptions, got {type(options).__name__}")
        self.options = options or ReadOptions()
        self.classifier = DigitClassifier(model_path, num_threads=num_threads, backend=backend)
        # label index -> digit value, or None for a class that is not a digit
        self._values = [int(label) if str(label).isdigit() and len(str(label)) == 1 else None
                        for label in self.classifier.labels]

    @property
    def manifest(self) -> dict | None:
        return self.classifier.manifest

    @property
    def backend(self) -> str:
        return self.classifier.backend

    def locate(self, gray: np.ndarray) -> list[list[Candidate]]:
        """The locate stage with this reader's options (``gray``: (H, W) uint8)."""
        return locate_digits(gray, self.options.locate)

    def classify_inks(self, inks: list[np.ndarray], boxes: list[Box]) -> list[Digit | None]:
        """Classify ink crops (white on black, any size) in one batch.

        Returns one :class:`Digit` per crop, rejected (``value=None``) below the
        threshold, or ``None`` where the model says the crop is not a digit.
        """
        if len(inks) != len(boxes):
            raise ValueError(f"classify_inks: {len(inks)} inks but {len(boxes)} boxes")
        if not inks:
            return []
        patches = np.stack([normalize_digit(ink) for ink in inks])
        probabilities = self.classifier.classify(patches)
        best = probabilities.argmax(axis=1)
        digits: list[Digit | None] = []
        for index, box in enumerate(boxes):
            label = int(best[index])
            confidence = float(probabilities[index, label])
            value = self._values[label] if label < len(self._values) else None
            if value is None:
                digits.append(None)  # the model's not-a-digit class
                continue
            accepted = confidence >= self.options.threshold
            digits.append(Digit(value if accepted else None, confidence, box, best=value))
        return digits

    def read(self, frame: np.ndarray) -> Reading:
        """Read every digit string in ``frame`` (BGR, BGRA or grayscale uint8)."""
        start = time.perf_counter()
        gray = as_gray(frame)
        lines = self.locate(gray)
        candidates = [c for line in lines for c in line]
        digits = self.classify_inks([c.ink for c in candidates], [c.box for c in candidates])
        strings = []
        position = 0
        for line in lines:
            found = [d for d in digits[position:position + len(line)] if d is not None]
            position += len(line)
            if not found:
                continue
            accepted = sum(d.accepted for d in found)
            if accepted < self.options.min_accepted_fraction * len(found):
                continue
            box = found[0].box
            for digit in found[1:]:
                box = box.union(digit.box)
            strings.append(DigitString(tuple(found), box))
        height, width = gray.shape
        return Reading(tuple(strings), (width, height), time.perf_counter() - start)

    def close(self) -> None:
        """Release the interpreter."""
        self.classifier.close()

    def __enter__(self) -> "DigitReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"DigitReader({self.classifier!r}, options={self.options!r})"
