"""The locate stage's options: the user-facing knobs, and each stage's parameters nested."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .params import BlobParams, CropParams, GroupParams, InkParams, LineParams, ScaleParams

if TYPE_CHECKING:
    from ..touching import TouchingParams


def _touching_params():
    # imported when first needed: edge_digits.touching imports this package's types
    from ..touching import TouchingParams

    return TouchingParams()


@dataclass(frozen=True, slots=True)
class LocateOptions:
    """Options of the locate stage. Sizes are in frame pixels unless said otherwise.

    The fields up to ``digit_aspect`` are the knobs; the nested parameters (``ink``,
    ``lines``, ``blobs``, ``group``, ``scale``, ``crop``, ``touching``) are each stage's
    tunables (:mod:`edge_digits.locate.params`, :class:`edge_digits.touching.TouchingParams`).
    """

    #: width of the image digits are *found* in (crops are cut at full resolution); smaller
    #: is faster, but strokes thinner than ~2 frame pixels per work pixel may vanish
    work_width: int = 256
    #: frames wider than ``work_width / work_fraction`` are searched at this fraction of
    #: their width, up to ``max_work_width``: digits are a smaller part of a large photo
    work_fraction: float = 0.2
    max_work_width: int = 512
    #: digits shorter than this (frame pixels) are taken for specks or print
    min_digit_height: int = 14
    #: digits taller than this fraction of the frame height are not digits (edges, hands)
    max_digit_height: float = 0.8
    #: the weak (extent) threshold on relative darkness (0..1) follows the paper's noise,
    #: within these bounds
    min_contrast: float = 0.06
    max_weak_contrast: float = 0.2
    #: a component must hold a pixel this dark (0..1): twice the weak threshold, within
    #: these bounds (faint pencil reaches ~0.15 at the work resolution, pens 0.4-0.8)
    min_peak_contrast: float = 0.12
    max_peak_contrast: float = 0.35
    #: crops keep the darkness above this fraction of the weak threshold, within their
    #: component's (dilated) mask: the faint edges and thin parts of strokes that finding
    #: needs no more (the mask keeps the paper's noise out)
    crop_floor: float = 0.8
    #: remove ruled lines, underlines and box sides
    remove_lines: bool = True
    #: split components wider than one digit into several
    split_touching: bool = True
    #: width / height (of the line's height) above which a component is taken for several
    #: touching digits; between ``ambiguous_aspect`` and this, one digit is the first guess
    #: and the reader also tries splits, keeping whichever the classifier is surer of
    split_aspect: float = 1.5
    #: width / height below which a component is always one digit
    ambiguous_aspect: float = 0.95
    #: narrower ink, down to this width / height, may still be two touching digits (a '1'
    #: beside another): it gets cuts near its middle only, which the reader tries only
    #: when the model calls the whole not-a-digit
    narrow_pair_aspect: float = 0.6
    #: average width / height of one handwritten digit, to count touching digits
    digit_aspect: float = 0.68
    ink: InkParams = field(default_factory=InkParams)  #: background, darkness, thresholds
    lines: LineParams = field(default_factory=LineParams)  #: ruled lines and box sides
    blobs: BlobParams = field(default_factory=BlobParams)  #: components to digit blobs
    group: GroupParams = field(default_factory=GroupParams)  #: blobs to lines of writing
    scale: ScaleParams = field(default_factory=ScaleParams)  #: work size, large writing
    crop: CropParams = field(default_factory=CropParams)  #: full-resolution crops
    touching: TouchingParams = field(default_factory=_touching_params)  #: splitting touching digits
