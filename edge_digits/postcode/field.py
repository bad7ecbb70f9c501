"""Find where a postal code may be written on an envelope photo: box rows and free-form tokens.

    >>> fields = find_fields(frame)          # BGR, BGRA or grayscale uint8, any size
    >>> [(f.kind, len(f.inks), f.box) for f in fields]

Two kinds of :class:`Field`, each a left-to-right list of ink crops (one per digit, white on
black, ready for :func:`~edge_digits.normalize.normalize_digit`):

- ``"boxes"``: a row of three or more pre-printed boxes of about the same size, equally
  spaced (red, orange, green, grey, black: any colour), found from their interiors: the
  holes of a mask of dark-in-any-channel lines that are box-sized and rectangular seed a
  row, and the row's pitch then predicts the boxes whose holes a digit broke, kept where
  the mask outlines them (:mod:`~edge_digits.postcode.boxrows`). Each box gives one crop cut from the
  full-resolution red channel (red and orange lines fade there, the "drop-out colour"
  of form readers), with the box's own lines found again at full resolution and
  dropped, then put back where a stroke crosses them, so that digits that touch or cross
  a line survive and the lines are not read as 1s. An empty box gives no crop (None)
  (:mod:`~edge_digits.postcode.cells`).
- ``"line"``: a run of digit-sized marks on one written line separated from the rest of the
  line by word gaps (the code at the start or end of a city line). Marks that are flat and
  short between two digits are taken for a hyphen and recorded as a separator
  (:mod:`~edge_digits.postcode.citylines`).

Box lines are sought at half resolution (1280x720 -> 640x360), free-form marks at quarter
resolution (320x180) (:mod:`~edge_digits.postcode.work`); crops are cut at full
resolution. Pure functions; no classifier here (see :mod:`edge_digits.postcode.decide`).
"""
from __future__ import annotations

import cv2
import numpy as np

from ..frame import check_frame
from . import boxrows
from .citylines import line_fields
from .work import Field, FieldOptions, ink_mask, work_images

__all__ = ["Field", "FieldOptions", "find_fields"]


def find_fields(frame: np.ndarray, options: FieldOptions | None = None,
                lengths: set[int] | None = None, box_fields: bool = True) -> list[Field]:
    """Box-field rows and free-form digit tokens of a frame, box fields first.

    Parameters
    ----------
    frame : (H, W), (H, W, 3) BGR or (H, W, 4) BGRA uint8 ndarray
    options : FieldOptions, optional
    lengths : set of int, optional
        Digit counts a code may have: free-form tokens of other lengths are dropped before
        their crops are cut (the expensive part). Box rows are kept whatever their length.
    box_fields : bool
        Search for rows of pre-printed boxes (False: free-form tokens only, for countries
        whose envelopes have no boxes; see :class:`~edge_digits.postcode.profiles.Profile`).

    Returns
    -------
    list of :class:`Field`; empty when nothing digit-like was found.
    """
    frame = check_frame(frame)
    options = options or FieldOptions()
    if frame.ndim == 3 and frame.shape[2] == 4:
        frame = cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
    if frame.ndim == 3 and frame.shape[2] == 1:
        frame = frame[:, :, 0]
    work = work_images(frame, options.work)
    ink = ink_mask(work.ink_image, options.work)
    short_side = min(frame.shape[:2])
    rows, areas = boxrows.box_fields(work, ink, options, short_side, lengths) if box_fields \
        else ([], [])
    return rows + line_fields(work, ink, options, short_side, areas, lengths)
