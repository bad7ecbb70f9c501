"""Read digit strings from a frame: locate -> normalize -> classify -> reject.

A frame's candidates are read in three steps: *batch* (every crop, and the splits located
for it, classified in one call; the pieces of touching digits the model doubts in a
second), *choose* (per candidate, the segmentation kept: :mod:`edge_digits.touching`),
*assemble* (digits into strings, rejected ones kept as ``?``, lines of non-digits dropped).

    >>> from edge_digits import DigitReader
    >>> with DigitReader() as reader:
    ...     reading = reader.read(frame)          # BGR, BGRA or grayscale uint8, any size
    >>> reading.text, reading.confidence, reading.strings[0].digits[0].box

Stable API (the postcode reader builds on it):

- :class:`ReadOptions` -- the options (threshold, locate options).
- :class:`DigitReader` -- ``read(frame) -> Reading``; ``classify_inks(inks, boxes) ->
  list[Digit | None]`` classifies ink crops found by any locate step;
  ``read_candidates(lines) -> list[list[Digit]]`` classifies located candidates and
  chooses how to split touching digits;
  ``locate(gray) -> list[list[Candidate]]`` runs the locate stage with the reader's
  options; ``close()`` / context manager.

Frame sizes: a frame of one digit or a cell of a grid (under ``ReadOptions.alone_side``,
about square) is read with its shorter side at ``min_side`` (48 px), shrunk when larger
than ``shrink_above`` (a 116 px cell's bold strokes came out hollow at its own size),
enlarged when smaller; a small cell keeps its grid's lines cut by its edges instead of
being framed by paper (:meth:`DigitReader._read_cell`, :meth:`DigitReader._read_edge_cell`).
A frame of one digit that reads nothing is read once more framed by paper
(:meth:`DigitReader._read_filling`: a crop cut tight to its ink), and one about square on
light paper that still reads nothing is searched again at fainter thresholds
(:meth:`DigitReader._read_faint`: pencil in a cell that its lines fill); what a small frame
on light paper reads is checked at half its thresholds (:meth:`DigitReader._checked`:
faint writing found in pieces). Real sudoku cells, right / wrong: 116 px 89.8 / 0.9 ->
96.4 / 0.0%; 40 px 6.4 / 23.4 -> 92.9 / 1.2%. A cell or crop of one digit that reads
nothing at all, in which a reading found a lone mark read as a rejected digit, shows it
as ``?`` (:meth:`DigitReader._lone_doubt`): an unreadable digit is not an empty cell.

Rejection: a digit whose best probability is below ``ReadOptions.threshold`` is kept in its
string as ``?`` (``value=None``): a wrong digit in a postcode or a meter reading costs more
than asking again. A string with such digits among read ones is not reported unless
``ReadOptions.partial_strings`` asks (the frame reports nothing and names it in
``Reading.unread``: the reader cannot vouch for its length); a string of only ``?`` is.
Raising the threshold trades errors for rejections. Measured with the
bundled model (rejected / wrong and accepted, per digit; a digit the model calls not-a-digit
counts as rejected):

============  ===============  ===============  ===============  ===============  ===============
threshold     0 (never)        0.5              0.7 (default)    0.9              0.97
============  ===============  ===============  ===============  ===============  ===============
MNIST test    0.58% / 0.58%    0.63% / 0.56%    1.13% / 0.37%    1.92% / 0.22%    3.15% / 0.14%
clean frames  0.0% / 1.14%     0.10% / 1.05%    0.62% / 0.67%    1.6% / 0.38%     2.9% / 0.24%
hard frames   0.0% / 4.2%      0.69% / 3.7%     2.3% / 2.8%      4.8% / 2.0%      7.2% / 1.8%
============  ===============  ===============  ===============  ===============  ===============

(frames: digits of correctly segmented strings of 300 generated frames per level, seeds 1
and 2, measured with the MNIST-only model bundled before this one; the MNIST row is the
current model's, pinned by tests/test_accuracy.py through the README.) The model is confidently wrong on a part of its camera-crop errors, so a threshold
alone cannot remove them: 0.7 cuts MNIST's errors by 30% for 0.6% rejections.

Marks that are not digits are dropped: the locate stage filters them by size and shape
relative to their line, a model with a not-a-digit class drops them by label, and each
group of a line's marks reports at most one number (:mod:`edge_digits.numbers`): its
longest run of digits, kept beside a printed label only when clearly taller, and only when
two thirds of its digits reach ``min(threshold, DEFAULT_THRESHOLD)`` (else it is taken for
printed words or drawings); a number read with a stricter threshold stays visible, its
rejected digits as ``?``, when all of them are rejected or ``ReadOptions.partial_strings``
asks (else the frame reports nothing and names it unread). A frame that holds digits the
reader cannot read whole (a line of them it could not read, a line cut in two, a lone digit
beside other numbers, a digit beside a number that the number left out or one far from its
other digits, a line of digits that only a second search at half the thresholds finds:
:func:`edge_digits.locate.look_again`) reports nothing, and names that writing in
``Reading.unread`` (:func:`edge_digits.numbers.read_frame`): an incomplete answer is a
wrong one. A stroke in a gap of a number that the locate stage lost (a thin '1' faded at
its work resolution: :mod:`edge_digits.gaps`) is classified and put in. A threshold above
the model's largest attainable probability (0.9961 for the bundled int8 model) is refused
with a :class:`~edge_digits.errors.ConfigError`.
"""
from __future__ import annotations

import copy
import math
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from . import touching
from .classify import DigitClassifier
from .frame import (as_gray, bitmap_levels, clean_edges, cut_tight, enlarge_small, ink_beside, ink_inside,
                    lined_sides, lines_only, shrink_to, straight_lines_only, with_border)
from .gaps import gap_strokes
from .locate import (Candidate, Ink, WorkView, fainter_thresholds, locate_digits, look_again,
                     measure_ink, search, work_view)
from .locate.ink import light_crop
from .normalize import normalize_digit
from .numbers import (box_of, digit_groups, lone_rejected, median, missed_lines, on_a_boundary,
                      on_an_edge, read_frame)
from .read_options import ReadOptions
from .reader_config import DEFAULT_THRESHOLD, ReaderConfig  # one place for the defaults
from .results import Box, Digit, DigitString, Reading
from .views import averaged

__all__ = ["DEFAULT_THRESHOLD", "DigitReader", "ReadOptions"]


#: the earlier name of :func:`edge_digits.numbers.digit_groups`
_digit_groups = digit_groups


def _shrunk(box: Box, factor: int, border: int, width: int, height: int) -> Box:
    """``box`` of an image enlarged by :func:`~edge_digits.frame.enlarge_small`, in the
    pixels of the ``width`` x ``height`` frame it was made from."""
    x0 = min(max(0, (box.x - border) // factor), width - 1)
    y0 = min(max(0, (box.y - border) // factor), height - 1)
    x1 = min(max(x0 + 1, -(-(box.right - border) // factor)), width)
    y1 = min(max(y0 + 1, -(-(box.bottom - border) // factor)), height)
    return Box(x0, y0, x1 - x0, y1 - y0)


def _agree(text: str, other: str) -> bool:
    """Whether two readings of a string agree: as long, and the same digit wherever
    both accepted one (``?``: rejected)."""
    return len(text) == len(other) and all(a == b or "?" in (a, b) for a, b in zip(text, other))


#: a frame at most this many times as long as wide is a cell or a crop of one digit, which
#: its writing fills (:meth:`DigitReader._read_sized`); a longer one holds a number, whose
#: digits may be small beside the frame
SQUARE = 1.5


#: a crop read framed after nothing was found in it unframed holds one digit this tall,
#: of the crop's height, when it is a crop of that digit (:meth:`DigitReader._read_cell`)
FILLS = 0.8


#: a small crop with a line along one side read as a cell (:meth:`DigitReader._read_edge_cell`)
#: holds one digit this tall (of the crop's height) or taller ...
HALF_CELL = 0.5
#: ... and at most this share of the crop's ink beside it
INK_BESIDE = 0.1


#: a '1' that fills a crop read framed (:meth:`DigitReader._read_filling`) is a line
#: across it unless the crop is narrower than this (of its height): a '1' cut tight
WIDE_ONE = 0.6


#: a cell or crop of one digit read at fainter thresholds (:meth:`DigitReader._read_faint`)
#: holds one digit read this surely
FAINT_SURE = 0.9


#: a cell or crop of one digit that reads nothing but holds one mark read as a rejected digit
#: this tall (of its height) or taller shows it as '?' (:meth:`DigitReader._lone_doubt`): an
#: empty cell's specks are smaller
LONE_DOUBT = 0.4


#: a '1' this close to a cell's side (of its width) is a piece of the grid's line there
#: (:func:`_without_side_ones`; 0.15 until the twenty-second session: every 40 px cell of
#: the 80 sudoku photos, handwritten 536 / 6 -> 537 / 5 right / wrong, printed 2,208 / 9 ->
#: 2,210 / 7, empty cells reporting a digit 15 -> 12 of 3,224)
SIDE_BAND = 0.2


def _without_ones(reading: Reading, line: Callable[[Box], bool]) -> Reading:
    """``reading`` of a cell less the '1's whose boxes ``line`` takes for pieces of its
    grid's lines, and the strings they leave empty."""
    strings = []
    for found in reading.strings:
        kept = tuple(digit for digit in found.digits
                     if not (digit.best == 1 and line(digit.box)))
        if kept:
            strings.append(found if len(kept) == len(found.digits) else
                           DigitString(kept, box_of(list(kept))))
    return replace(reading, strings=tuple(strings))


def _in_side_band(box: Box, width: int) -> bool:
    """Whether ``box`` lies within ``SIDE_BAND`` of a side of a cell ``width`` px wide."""
    return box.right <= SIDE_BAND * width or box.x >= (1 - SIDE_BAND) * width


def _without_side_ones(reading: Reading, width: int) -> Reading:
    """``reading`` of a cell less the '1's within ``SIDE_BAND`` of its sides."""
    return _without_ones(reading, lambda box: _in_side_band(box, width))


def _top_to_bottom(box: Box, height: int, slack: int = 1) -> bool:
    """Whether ``box`` runs from a frame's top edge to its bottom edge (within ``slack``
    pixels)."""
    return box.y <= slack and box.bottom >= height - slack


def _without_edge_to_edge_ones(reading: Reading, width: int, height: int) -> Reading:
    """``reading`` of a cell cut small less the '1's from its top edge to its bottom edge
    (within a pixel) whose middle lies outside the middle third of its width: a grid line
    at its side, blurred wider than ``SIDE_BAND``; the cell's own digit lies inside its
    lines (a '1' stretched to fill a scan's box is a slab in its middle)."""
    return _without_ones(reading, lambda box: _top_to_bottom(box, height) and
                         abs(box.x + box.width / 2 - width / 2) > width / 6)


def _without_partial_strings(reading: Reading) -> Reading:
    """``reading`` with nothing reported when a string mixes read digits with rejected
    ones (``1?34``), those strings named in ``unread`` (see
    ``ReadOptions.partial_strings``): the reader cannot say what a mark it could not read
    is (a digit, a piece of one, two touching ones), so it cannot vouch for the string's
    length, nor for where its read digits stand. A string of only rejected digits
    (``???``, a cell's lone ``?``) claims no digit and stays."""
    partial = tuple(found.box for found in reading.strings
                    if any(digit.value is None for digit in found.digits)
                    and any(digit.value is not None for digit in found.digits))
    if not partial:
        return reading
    return Reading((), reading.frame_size, unread=reading.unread + partial)


def _scaled(box: Box, scale_x: float, scale_y: float) -> Box:
    """``box`` of a shrunk frame (:func:`~edge_digits.frame.shrink_to`) in the pixels of
    the frame it was made from (``scale_x``, ``scale_y``: its pixels per shrunk pixel)."""
    x0, y0 = int(box.x * scale_x), int(box.y * scale_y)
    x1, y1 = math.ceil(box.right * scale_x), math.ceil(box.bottom * scale_y)
    return Box(x0, y0, max(1, x1 - x0), max(1, y1 - y0))


def _best_labels(probabilities: np.ndarray) -> tuple[list[int], list[float]]:
    """Each row's likeliest class and its probability, as Python lists: two numpy calls a
    batch instead of two a crop (the same first maximum as ``row.argmax()``, the same
    float32 value as ``float(row[label])``)."""
    return probabilities.argmax(axis=1).tolist(), probabilities.max(axis=1).tolist()


def _crops(lines: list[list[Candidate]]) -> list[Candidate]:
    """Every crop to classify, in order: each candidate, then the parts of its splits."""
    crops: list[Candidate] = []
    for line in lines:
        for candidate in line:
            crops.append(candidate)
            for split in candidate.splits:
                crops.extend(split)
    return crops


def _readings(candidate: Candidate, position: int, pieces_of: dict, log_best: list, params):
    """The readings ((crop indices, candidates), the whole first) of the candidate whose
    crop is ``position`` (see :func:`_crops`): its splits, and the best path of its pieces
    if they were classified. Returns them and the next candidate's position."""
    readings = [([position], [candidate])]
    position += 1
    for split in candidate.splits:
        readings.append((list(range(position, position + len(split))), list(split)))
        position += len(split)
    if id(candidate) in pieces_of:
        first_piece, found = pieces_of[id(candidate)]
        path = touching.best_path(found, first_piece, log_best, max(candidate.box.height, 1),
                                  len(candidate.cuts) - 1, params)
        if path is not None:
            readings.append(path)
    return readings, position


#: the earlier name of :func:`edge_digits.touching.best_path` (tests use it)
_best_path = touching.best_path


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

    #: the share of its thresholds the locate stage searches at (1; :meth:`_checked`'s
    #: fainter reader: ``ReadOptions.look_again``)
    _fraction: float = 1.0

    def __init__(self, model_path: str | Path | None = None, *, options: ReadOptions | None = None,
                 num_threads: int = 1, backend: str = "auto") -> None:
        if options is not None and not isinstance(options, ReadOptions):
            raise TypeError(f"options must be a ReadOptions, got {type(options).__name__}")
        self.options = options or ReadOptions()
        self.classifier = DigitClassifier(model_path, num_threads=num_threads, backend=backend)
        self.classifier.check_reachable(self.options.threshold)
        # label index -> digit value, or None for a class that is not a digit
        self._values = [int(label) if str(label).isdigit() and len(str(label)) == 1 else None
                        for label in self.classifier.labels]
        self._digit_columns = [i for i, value in enumerate(self._values) if value is not None]
        self._none_columns = [i for i, value in enumerate(self._values) if value is None]
        # the columns of '0' and '8' (ReadOptions.zero_eight), when the model has both
        self._zero_eight = (self._values.index(0), self._values.index(8)) \
            if 0 in self._values and 8 in self._values else None

    @classmethod
    def from_config(cls, config: ReaderConfig, **option_overrides) -> "DigitReader":
        """A reader as a :class:`~edge_digits.reader_config.ReaderConfig` says (what the
        command line and ``serve`` use); ``option_overrides`` are further ReadOptions."""
        options = ReadOptions(**{"threshold": config.threshold,
                                 "partial_strings": config.partial, **option_overrides})
        return cls(config.model or None, options=options, num_threads=config.threads,
                   backend=config.backend)

    @property
    def manifest(self) -> dict | None:
        return self.classifier.manifest

    @property
    def backend(self) -> str:
        return self.classifier.backend

    def locate(self, gray: np.ndarray) -> list[list[Candidate]]:
        """The locate stage with this reader's options (``gray``: (H, W) uint8)."""
        return locate_digits(gray, self.options.locate)

    def classify_inks(self, inks: list[np.ndarray], boxes: list[Box],
                      views_below: float | None = None) -> list[Digit | None]:
        """Classify ink crops (white on black, any size) in one batch.

        Returns one :class:`Digit` per crop, rejected (``value=None``) below the
        threshold, or ``None`` where the model says the crop is not a digit.
        ``views_below``: read crops less sure than this in the other views too (default
        ``ReadOptions.upright_below``).
        """
        if len(inks) != len(boxes):
            raise ValueError(f"classify_inks: {len(inks)} inks but {len(boxes)} boxes")
        _, probabilities = self._probabilities(inks, views_below)
        labels, confidences = _best_labels(probabilities)
        doubted = self.doubted(probabilities, labels)
        return [self._digit(label, confidence, box, doubt)
                for label, confidence, box, doubt in zip(labels, confidences, boxes, doubted)]

    def read_candidates(self, lines: list[list[Candidate]]) -> list[list[Digit]]:
        """Classify located candidates, choosing how to split touching digits.

        All candidates are classified in one batch. A candidate that may be several
        touching digits (it has ``cuts``) stays one digit unless the model gives its whole
        at least ``ReadOptions.none_split`` not-a-digit (a model without that class: unless
        it is unsure of it), and very wide ink is several digits unless the model is sure
        of one (``one_digit_sure``). Otherwise its pieces
        between the cuts are classified in a second batch, and the likeliest path of pieces
        across the ink (the largest sum of each piece's log-probability of its best digit,
        plus a prior on its width) is found by dynamic programming over the cuts; the other
        reading wins when it is clearly surer (by ``ReadOptions.split_margin``). Two pieces
        that may be one broken digit come as ``splits`` and are chosen alike. Crops the
        model calls not-a-digit are dropped. Returns, per line, its digits left to right.
        """
        return [digits for digits, _ in self._read_lines(lines)]

    def _read_lines(self, lines: list[list[Candidate]]) -> list[tuple[list[Digit], list[Digit]]]:
        """:meth:`read_candidates`, with the marks of each line that the model called
        not-a-digit (dropped from its digits) as rejected digits of confidence 0."""
        crops = _crops(lines)
        seen, probabilities = self._probabilities([crop.ink for crop in crops])
        # whether ink is worth cutting is asked of the model's one view of each crop (a
        # second view that lowers an unsure whole would send it to be cut into sure strokes)
        none = seen[:, self._none_columns].sum(axis=1) if self._none_columns else None
        doubts, pieces_of, more = self._pieces_in_doubt(lines, self._best_digit(seen), none,
                                                        len(crops))
        best = self._best_digit(probabilities)
        if more:  # the pieces of the candidates in doubt: a second batch
            _, extra = self._probabilities([piece.ink for piece in more])
            probabilities = np.concatenate([probabilities, extra])
            best = np.concatenate([best, self._best_digit(extra)])
        params = self.options.locate.touching
        log_best = np.log(np.maximum(best, params.min_probability)).tolist()
        labels, confidences = _best_labels(probabilities)
        doubted = self.doubted(probabilities, labels)
        position = 0
        result = []
        for line in lines:
            digits: list[Digit] = []
            not_digits: list[Digit] = []
            for candidate in line:
                readings, position = _readings(candidate, position, pieces_of, log_best, params)
                choice = touching.choose_reading(readings, candidate, best, log_best,
                                                 doubts.get(id(candidate)),
                                                 self.options.split_margin, params)
                indices, parts = readings[choice]
                for i, part in zip(indices, parts):
                    digit = self._digit(labels[i], confidences[i], part.box, doubted[i])
                    if digit is not None:
                        digits.append(digit)
                    else:  # kept as an unknown mark, with the likeliest digit it could be
                        column = self._digit_columns[int(np.argmax(
                            probabilities[i, self._digit_columns]))]
                        not_digits.append(Digit(None, 0.0, part.box, best=self._values[column]))
            result.append((digits, not_digits))
        return result

    def _pieces_in_doubt(self, lines: list[list[Candidate]], best: np.ndarray,
                         none: np.ndarray | None, crop_count: int):
        """How sure the model must be of a first guess to keep it, per candidate that has
        other readings (``{id: doubt}``); the pieces of those with cuts whose whole may be
        several digits (see ReadOptions.none_split), ``{id: (first crop index, pieces)}``,
        and those pieces in crop order (to classify in a second batch)."""
        doubts = {}
        pieces_of = {}
        more: list[Candidate] = []
        params = self.options.locate.touching
        position = 0
        for line in lines:
            for candidate in line:
                whole_at = position
                position += 1 + sum(len(split) for split in candidate.splits)
                if not candidate.splits and not candidate.cuts:
                    continue
                doubt = doubts[id(candidate)] = self.options.split_doubt
                if candidate.cuts and touching.worth_cutting(
                        candidate, best[whole_at], None if none is None else none[whole_at],
                        doubt, self.options):
                    found = touching.pieces(candidate, params)
                    if found:
                        pieces_of[id(candidate)] = (crop_count + len(more), found)
                        more.extend(piece for _, _, piece in found)
        return doubts, pieces_of, more

    def _best_digit(self, probabilities: np.ndarray) -> np.ndarray:
        """Each crop's probability of its likeliest digit (not-a-digit excluded)."""
        return probabilities[:, self._digit_columns].max(axis=1)  # (0, k) -> (0,): no rows

    def _probabilities(self, inks: list[np.ndarray], views_below: float | None = None
                       ) -> tuple[np.ndarray, np.ndarray]:
        """The model's probabilities for the crops (one view), and the rows that judge them:
        with other views of the unsure ones (below ``views_below``, default
        ``ReadOptions.upright_below``): upright and drawn with a broader pen
        (``ReadOptions.upright_view``, ``thick_view``)."""
        if not inks:
            empty = np.zeros((0, len(self._values)), np.float32)
            return empty, empty
        patches = np.stack([normalize_digit(ink) for ink in inks])
        first = self.classifier.classify(patches)
        return first, averaged(self.classifier.classify, patches, first,
                               self.options.upright_view, self.options.upright_below
                               if views_below is None else views_below,
                               self.options.thick_view)

    def doubted(self, probabilities: np.ndarray, labels: list[int]) -> list[bool]:
        """Per crop: a '0' in which the model also sees an '8' (``ReadOptions.zero_eight``
        of probability or more), not to be trusted at any threshold."""
        least = self.options.zero_eight
        if not least or self._zero_eight is None or not len(labels):
            return [False] * len(labels)
        zero, eight = self._zero_eight
        return ((np.asarray(labels) == zero) & (probabilities[:, eight] >= least)).tolist()

    def _digit(self, label: int, confidence: float, box: Box, doubted: bool) -> Digit | None:
        """The digit of a crop whose likeliest class is ``label`` (see :func:`_best_labels`),
        or None for the model's not-a-digit class; ``doubted`` (:meth:`doubted`): rejected,
        its confidence 0."""
        value = self._values[label] if label < len(self._values) else None
        if value is None:
            return None  # the model's not-a-digit class
        if doubted:
            return Digit(None, 0.0, box, best=value)
        accepted = confidence >= self.options.threshold
        return Digit(value if accepted else None, confidence, box, best=value)

    def read(self, frame: np.ndarray) -> Reading:
        """Read every digit string in ``frame`` (BGR, BGRA or grayscale uint8)."""
        start = time.perf_counter()
        gray = bitmap_levels(as_gray(frame))
        if max(gray.shape) < self.options.min_side and light_crop(gray, self.options.locate.ink):
            gray = cv2.bitwise_not(gray)  # a small scan of a light digit on a dark ground
        reading = self._without_grid_ones(gray, self._read_sized(gray))
        if not self.options.partial_strings:
            reading = _without_partial_strings(reading)
        return replace(reading, seconds=time.perf_counter() - start)

    def _without_grid_ones(self, gray: np.ndarray, reading: Reading) -> Reading:
        """``reading`` of a cell (about square, under ``alone_side``, with lines along two
        of its sides or more: :func:`~edge_digits.frame.lined_sides`) less its '1's within
        ``SIDE_BAND`` of its sides, pieces of its grid's lines, as
        :meth:`_read_unframed` drops them in cells under ``min_side`` (twenty-second
        session: 116 px empty cells of the 80 sudoku photos reporting a digit 8 -> 1 of
        3,224, a printed '6' read '61' read right; in both of :meth:`_checked`'s readings,
        handwritten cells right 555 -> 556, printed 2,239 -> 2,244)."""
        height, width = gray.shape
        if max(height, width) >= min(self.options.alone_side, SQUARE * min(height, width)):
            return reading
        if any(digit.best == 1 and _in_side_band(digit.box, width) for digit in reading.digits) \
                and lined_sides(gray) >= 2:
            return _without_side_ones(reading, width)
        return reading

    def _read_sized(self, gray: np.ndarray, again: bool = True,
                    doubts: list | None = None) -> Reading:
        """Read a frame at the size that suits it: a small frame about as wide as tall
        (``SQUARE``: a cell, a crop of one digit) is read shrunk to
        ``ReadOptions.min_side`` on its shorter side when larger than ``shrink_above``
        (:meth:`_read_shrunk`); a frame under ``min_side`` is read enlarged, framed by
        paper unless it is a cell cut from a grid: lines along two of its sides or more
        (:func:`~edge_digits.frame.lined_sides`), its writing neither with paper all round
        nor cut tight (:meth:`_read_cell`); one about square with a line along one side
        that reads nothing framed is read as a cell too (:meth:`_read_edge_cell`). Such a
        frame (under ``alone_side``, not under ``min_side`` on both sides) that reads
        nothing may be a crop cut tight to one digit: read framed by paper
        (:meth:`_read_filling`); one about square that still reads nothing may hold faint
        writing: read at fainter thresholds (:meth:`_read_faint`). What a frame under
        ``alone_side`` reads is checked at fainter thresholds (:meth:`_checked`), except in
        one under ``min_side`` about square (a cell cut small), in which a '1' from the top
        edge to the bottom off the middle is a grid line (:func:`_without_edge_to_edge_ones`).
        ``again`` False: neither (the fainter reading itself). One about square that reads
        nothing at all shows the lone rejected mark its readings found as ``?``
        (:meth:`_lone_doubt`; ``doubts`` collects them, None: not collected)."""
        options = self.options
        side, longer = min(gray.shape), max(gray.shape)
        square = longer < SQUARE * side
        crop = side < options.min_side and not clean_edges(gray) and not cut_tight(gray)
        lines = lined_sides(gray) if crop else 0
        if again:
            doubts = [] if square and longer < options.alone_side else None
        if options.shrink_above and options.min_side and options.shrink_above < side and \
                square and longer < options.alone_side:
            reading = self._read_shrunk(gray, doubts)
        elif lines >= 2:
            reading = self._read_cell(gray, doubts)
        else:
            reading = self._read_gray(gray, doubts=doubts)
            if lines == 1 and square and not (reading.strings or reading.unread):
                reading = self._read_edge_cell(gray, doubts) or reading
        if again and crop and square:  # a cell cut small: lines at its sides
            reading = _without_edge_to_edge_ones(reading, gray.shape[1], gray.shape[0])
        if side >= options.alone_side or reading.unread:
            return reading
        if reading.strings:
            small_cell = side < options.min_side and square
            return self._checked(gray, reading) if again and not small_cell else reading
        # an empty cell: nothing to read framed nor fainter (measured once for both)
        only_lines = square and (again or longer >= options.min_side) and \
            straight_lines_only(gray)
        if longer >= options.min_side:
            reading = self._read_filling(gray, only_lines, doubts)
        if again and not reading.strings and square and not only_lines:
            reading = self._read_faint(gray, doubts) or reading
        if reading.strings or only_lines or not (again and doubts):
            return reading
        return self._lone_doubt(gray, doubts, crop) or reading

    @staticmethod
    def _lone_doubt(gray: np.ndarray, doubts: list[Digit], cell: bool) -> Reading | None:
        """A frame about square that read nothing, as one ``?``: the first of ``doubts``
        (the lone marks read as rejected digits that its readings found, see
        :meth:`_read_gray`) ``LONE_DOUBT`` of its height or taller and, in a ``cell`` cut
        small (under ``min_side``, see :meth:`_read_sized`), not from its top edge to its
        bottom edge (a grid line); else None. A digit the reader cannot read in a cell is
        not an empty cell."""
        height, width = gray.shape
        tall = [digit for digit in doubts if digit.box.height >= LONE_DOUBT * height
                and not (cell and _top_to_bottom(digit.box, height, slack=0))]
        if not tall:
            return None
        return Reading((DigitString((tall[0],), tall[0].box),), (width, height))

    def _fainter(self, fraction: float = 1.0, caps: float = 1.0) -> "DigitReader":
        """This reader searching at ``fraction`` of its thresholds, their caps
        (``LocateOptions.max_weak_contrast``, ``max_peak_contrast``) at ``caps`` of theirs:
        a copy that shares the classifier, this reader's options left as they are."""
        fainter = copy.copy(self)
        fainter._fraction = fraction
        if caps != 1.0:
            locate = self.options.locate
            fainter.options = replace(self.options, locate=replace(
                locate, max_weak_contrast=caps * locate.max_weak_contrast,
                max_peak_contrast=caps * locate.max_peak_contrast))
        return fainter

    def _light_paper(self, gray: np.ndarray) -> bool:
        """Whether the frame is light paper, not a dark surface (median at least
        ``InkParams.dark_surface``), and fainter searches are on (``look_again``)."""
        return 0 < self.options.look_again < 1 and \
            np.median(gray) >= self.options.locate.ink.dark_surface

    def _read_faint(self, gray: np.ndarray, doubts: list | None = None) -> Reading | None:
        """A cell or crop of one digit on light paper that read nothing, read again with
        the caps of the locate stage's thresholds at ``ReadOptions.look_again`` of theirs
        (``LocateOptions.max_weak_contrast``, ``max_peak_contrast``): faint writing
        (pencil) in a crop that its grid's lines and its writing fill so much that the
        paper's noise, measured from the darkness's upper quartile, is taken for large and
        the thresholds stop at their caps, above the writing's darkest. The reading is
        kept only as one digit read at least ``FAINT_SURE`` surely, ``HALF_CELL`` of the
        crop's height or taller (an empty cell's specks and small pencilled candidates
        are smaller), not a '1' wider than ``WIDE_ONE`` of its height (a piece of a faint
        digit); else None. Not on a dark surface (:meth:`_light_paper`), whose texture
        the fainter thresholds read as digits; :meth:`_read_sized` leaves out a crop of
        nothing but straight lines (:func:`~edge_digits.frame.straight_lines_only`: an
        empty cell, most of them)."""
        if not self._light_paper(gray):
            return None
        reading = self._fainter(caps=self.options.look_again)._read_sized(gray, again=False,
                                                                          doubts=doubts)
        if len(reading.digits) != 1:
            return None
        digit = reading.digits[0]
        box = digit.box
        if not digit.accepted or digit.confidence < FAINT_SURE or \
                box.height < HALF_CELL * gray.shape[0] or \
                (digit.best == 1 and box.width >= WIDE_ONE * box.height):
            return None
        return reading

    def _checked(self, gray: np.ndarray, reading: Reading) -> Reading:
        """``reading`` of a small frame (a crop of a number or of one digit), or nothing
        when the same frame searched at ``ReadOptions.look_again`` of its thresholds
        (:func:`~edge_digits.locate.fainter_thresholds`) reads other strings: as many, as
        long, their accepted digits the same, or none at all (the fainter ink merged into
        blots) keeps it. Writing so faint that part of it falls between the two
        thresholds (pencil, a worn pen) is read in pieces: a '4' whose fainter strokes
        were lost read as '1', a number missing a digit. The strings that changed are
        ``unread``: a person should look. Not on a dark surface (:meth:`_light_paper`:
        light writing there is read as it is)."""
        if not self._light_paper(gray):
            return reading
        # both without a cell's grid lines read as '1's at its sides (_without_grid_ones)
        kept = self._without_grid_ones(gray, reading)
        texts = [found.text for found in kept.strings]
        fainter = self._fainter(fraction=self.options.look_again)
        again = [found.text for found in
                 self._without_grid_ones(gray, fainter._read_sized(gray, again=False)).strings]
        if not again or (len(again) == len(texts) and all(map(_agree, texts, again))):
            return kept  # read() finds no such '1' left: lined_sides is not measured again
        return Reading((), reading.frame_size,
                       unread=tuple(found.box for found in reading.strings))

    def _read_edge_cell(self, gray: np.ndarray, doubts: list | None = None) -> Reading | None:
        """A small crop about square with a line along one of its sides that read nothing
        framed by paper: a cell whose other lines are faint, or cut off by a loose cut; the
        paper border keeps its line from its edge, and the line and the digit touching it
        read as nothing. Read as a cell (:meth:`_read_cell`), that reading kept only as one
        accepted digit ``HALF_CELL`` of the crop's height or taller with nearly all the
        crop's writing in its box (:func:`~edge_digits.frame.ink_beside` at most
        ``INK_BESIDE``: a crop of a number written on a ruled line, read so, is one of its
        digits); else None. ``doubts``: as :meth:`_read_gray` takes them."""
        # _read_cell less its framed reading, which is the one that just read nothing
        reading = self._read_unframed(gray, doubts)
        digits = [digit for found in reading.strings for digit in found.digits]
        if len(digits) == 1 and digits[0].accepted and \
                digits[0].box.height >= HALF_CELL * gray.shape[0] and \
                ink_beside(gray, digits[0].box) <= INK_BESIDE:
            return reading
        return None

    def _read_shrunk(self, gray: np.ndarray, doubts: list | None = None) -> Reading:
        """Read ``gray`` shrunk to ``min_side`` on its shorter side, its boxes mapped back;
        when that reads nothing, as it is if its writing is too small to survive the
        shrinking (its digits' median height, shrunk, below the locate stage's smallest).
        ``doubts``: as :meth:`_read_gray` takes them."""
        height, width = gray.shape
        small = shrink_to(gray, self.options.min_side)
        scale_x, scale_y = width / small.shape[1], height / small.shape[0]
        inner: list | None = [] if doubts is not None else None
        reading = self._read_gray(small, doubts=inner)
        if inner:
            doubts += [replace(d, box=_scaled(d.box, scale_x, scale_y)) for d in inner]
        if not reading.strings:
            as_it_is = self._read_gray(gray, doubts=doubts)
            heights = [d.box.height for found in as_it_is.strings for d in found.digits]
            if heights and median(heights) / scale_y < self.options.locate.min_digit_height:
                return as_it_is
        strings = tuple(DigitString(tuple(replace(d, box=_scaled(d.box, scale_x, scale_y))
                                          for d in found.digits),
                                    _scaled(found.box, scale_x, scale_y))
                        for found in reading.strings)
        return Reading(strings, (width, height),
                       unread=tuple(_scaled(box, scale_x, scale_y) for box in reading.unread))

    def _read_cell(self, gray: np.ndarray, doubts: list | None = None) -> Reading:
        """A small cell cut from a grid (see :meth:`_read_sized`), read enlarged without
        the paper border (:func:`~edge_digits.frame.enlarge_small`): the locate stage
        leaves out what its edges cut, its grid's lines, which framed by paper read as
        '1's and '7's. A '1' within ``SIDE_BAND`` of either side of the cell is a piece of
        its grid's line ('6' read '61'). When that reads nothing, framed (a crop of one
        digit cut tighter than :func:`~edge_digits.frame.cut_tight` sees, a digit
        stretched to fill its box), unless it holds nothing but lines along its sides
        (:func:`~edge_digits.frame.lines_only`: an empty cell); and that reading only when
        it is one digit as tall as the crop (``FILLS`` of it): pieces of a grid's lines
        beside a digit found framed are more digits ('5' read '151'); and not one from the
        crop's left edge to its right (within a pixel) when no ink lies inside the cell
        (:func:`~edge_digits.frame.ink_inside`): the grid's lines framed, read as a '7'
        filling the cell (twenty-second session, with :func:`_without_edge_to_edge_ones`:
        40 px empty cells of the sudoku photos reporting a digit 42 -> 15 of 3,224; a digit
        stretched to fill a scan's box crosses its inside). ``doubts``: as
        :meth:`_read_gray` takes them."""
        reading = self._read_unframed(gray, doubts)
        if reading.strings or lines_only(gray):
            return reading
        height, width = gray.shape
        framed = self._read_gray(gray, doubts=doubts)
        digits = [digit for found in framed.strings for digit in found.digits]
        if len(digits) == 1 and digits[0].box.height >= FILLS * height and (
                digits[0].box.x > 1 or digits[0].box.right < width - 1 or ink_inside(gray)):
            return framed
        return reading

    def _read_unframed(self, gray: np.ndarray, doubts: list | None = None) -> Reading:
        """A small cell read enlarged without the paper border, less the '1's within
        ``SIDE_BAND`` of its sides (:meth:`_read_cell`'s first reading); ``doubts``: as
        :meth:`_read_gray` takes them."""
        return _without_side_ones(self._read_gray(gray, framed=False, doubts=doubts),
                                  gray.shape[1])

    def _read_filling(self, gray: np.ndarray, only_lines: bool,
                      doubts: list | None = None) -> Reading:
        """A frame of one digit or cell that read nothing, read framed by paper: a crop cut
        tight to its digit's ink, in which the locate stage leaves out what the edges cut,
        and which :func:`~edge_digits.frame.cut_tight` misses when the ink at the edges is
        faint or a long straight stroke (a '4''s stem) is taken for a line. Its reading is
        kept only when it is one digit ``FILLS`` of the crop's height, a '1' only in a crop
        narrower than ``WIDE_ONE`` of its height, and the crop, when about square, without
        lines along two of its sides (:func:`~edge_digits.frame.lined_sides`) and holding
        more than straight lines (``only_lines``: :func:`~edge_digits.frame.
        straight_lines_only` of an about square crop): an empty cell's lines framed read as
        a '7', a ruled line across a crop as a '1'. Else nothing. ``doubts``: as
        :meth:`_read_gray` takes them."""
        height, width = gray.shape
        nothing = Reading((), (width, height))
        if max(height, width) < SQUARE * min(height, width):
            if only_lines or lined_sides(gray) >= 2:
                return nothing
        elif lines_only(gray):
            return nothing
        seen, border = with_border(gray)
        inner: list | None = [] if doubts is not None else None
        digits = [digit for found in self._read_gray(seen, doubts=inner).strings
                  for digit in found.digits]
        if inner:
            doubts += [replace(d, box=_shrunk(d.box, 1, border, width, height)) for d in inner]
        if len(digits) != 1 or digits[0].box.height < FILLS * height or \
                (digits[0].best == 1 and width >= WIDE_ONE * height):
            return nothing
        box = _shrunk(digits[0].box, 1, border, width, height)
        return Reading((DigitString((replace(digits[0], box=box),), box),), (width, height))

    def _read_gray(self, gray: np.ndarray, framed: bool = True,
                   doubts: list | None = None) -> Reading:
        """Read a grayscale frame as it is (enlarged when small: ``framed`` as
        :func:`~edge_digits.frame.enlarge_small` takes it); ``seconds`` is left 0. When it
        reads nothing, its lone rejected mark (:func:`~edge_digits.numbers.lone_rejected`),
        if any, is added to ``doubts`` (in the frame's pixels)."""
        height, width = gray.shape
        # a crop of one digit (a 28x28 scan) is read enlarged, its boxes mapped back
        seen, factor, border = enlarge_small(gray, self.options.min_side, framed)
        strings = []
        # Whether marks are digits at all is judged at the default threshold (or the
        # reader's, if lower): a strict threshold shows a line of digits as '?'s instead
        # of hiding it.
        judge = min(self.options.threshold, DEFAULT_THRESHOLD)
        alone = factor == 1 and min(height, width) < self.options.alone_side
        if alone and cut_tight(gray):
            # a crop cut tight around its writing: the locate stage leaves out marks the
            # frame's edge cuts, and would read what is left of them: framed by paper
            seen, border = with_border(gray)
        # a small scan (both sides under min_side), enlarged and framed by enlarge_small:
        # its paper is one shade (a tight crop of a '1' is small on one side only)
        scan = factor > 1 and max(height, width) < self.options.min_side
        view, ink, lines = self._search(seen, flat=scan)
        if not lines and alone and not border and clean_edges(gray):
            # nothing found in a small frame with paper all round: one digit filling it
            # (taller than the locate stage takes a digit to be), framed by more paper
            seen, border = with_border(gray)
            view, ink, lines = self._search(seen)
        marks = self._read_lines(lines)
        numbers, unread = read_frame(marks, judge, self.options,
                                     lambda number: not (len(number) == 1 and
                                                         self._edge_mark(seen, number[0])))
        lone = lone_rejected(marks) if doubts is not None and not (numbers or unread) else None
        if lone is not None:
            doubts.append(replace(lone, box=_shrunk(lone.box, factor, border, width, height)))
        if self.options.gap_stroke:
            numbers = [self._with_gap_strokes(view, ink, number) for number in numbers]
        if numbers and self.options.look_again and self.options.unread_line:
            unread = self._missed(view, ink, numbers, judge)
            if unread:
                numbers = []
        if factor != 1 or border:
            numbers = [[replace(d, box=_shrunk(d.box, factor, border, width, height))
                        for d in found] for found in numbers]
            unread = [_shrunk(box, factor, border, width, height) for box in unread]
        for found in numbers:
            strings.append(DigitString(tuple(found), box_of(found)))
        return Reading(tuple(strings), (width, height), unread=tuple(unread))

    def _search(self, seen: np.ndarray, flat: bool = False
                ) -> tuple[WorkView, Ink, list[list[Candidate]]]:
        """The work view of ``seen``, its ink (``flat``: its paper of one shade, see
        :func:`~edge_digits.locate.measure_ink`) and the lines of candidates found in it."""
        view = work_view(seen, self.options.locate)
        ink = measure_ink(view.small, view.options, flat)
        if self._fraction != 1.0:  # a fainter reader (_fainter, for _checked)
            weak, strong = fainter_thresholds(ink, self._fraction)
            ink = replace(ink, weak=weak, strong=strong)
        return view, ink, search(view.gray, view.small, view.options, view.text_height, ink)

    def _missed(self, view: WorkView, ink: Ink, numbers: list[list[Digit]],
                judge: float) -> list[Box]:
        """The boxes of writing too faint for the first search beside the frame's
        ``numbers`` that makes them an incomplete answer (``ReadOptions.look_again``)."""
        options = self.options
        height = median([digit.box.height for number in numbers for digit in number])
        least = min(options.partial_line, options.unread_small, options.locate.group.small_line)
        # lines shorter than that (with a margin: a line's height is its blobs', not its
        # digits') cannot make the numbers doubtful: they are not classified
        lines = look_again(view, ink, [box_of(number) for number in numbers], options.look_again,
                           0.8 * least * height)
        return missed_lines(numbers, self._read_lines(lines), judge, options) if lines else []

    def _with_gap_strokes(self, view: WorkView, ink: Ink, number: list[Digit]) -> list[Digit]:
        """``number`` with the strokes in its gaps that the locate stage left out
        (:func:`edge_digits.gaps.gap_strokes`, ``ReadOptions.gap_stroke``) classified and
        put in; one the model calls no digit is a '?'. The paper's brightness is the
        locate stage's estimate over the number (``ink.background``, work pixels)."""
        box = box_of(number)
        sy = view.gray.shape[0] / view.small.shape[0]
        sx = view.gray.shape[1] / view.small.shape[1]
        paper = cv2.mean(ink.background[int(box.y / sy):int(box.bottom / sy) + 1,
                                        int(box.x / sx):int(box.right / sx) + 1])[0]
        height = median([digit.box.height for digit in number])
        found = gap_strokes(view.gray, [digit.box for digit in number], height,
                            self.options.gap_stroke, paper)
        if not found:
            return number
        read = self.classify_inks([stroke for stroke, _ in found.values()],
                                  [where for _, where in found.values()])
        marks = dict(zip(found, read))
        digits: list[Digit] = []
        for at, digit in enumerate(number):
            if at in marks:
                mark = marks[at]
                digits.append(mark if mark is not None else Digit(None, 0.0, found[at][1]))
            digits.append(digit)
        return digits

    def _edge_mark(self, gray: np.ndarray, digit: Digit) -> bool:
        """Whether a lone digit is more likely a stroke or an edge than writing (see
        ``ReadOptions.edge_one``): a thin '1' on an edge or small in the frame, any small
        mark on a boundary between surfaces; not reported."""
        box, ratio = digit.box, self.options.edge_one
        if not ratio:
            return False
        thin_one = digit.best == 1 and box.width < self.options.thin_one * box.height
        small = box.height < self.options.boundary_height * gray.shape[0]
        return ((thin_one and (small or on_an_edge(gray, box, ratio)))
                or (small and on_a_boundary(gray, box, ratio)))

    def close(self) -> None:
        """Release the interpreter."""
        self.classifier.close()

    def __enter__(self) -> "DigitReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"DigitReader({self.classifier!r}, options={self.options!r})"
