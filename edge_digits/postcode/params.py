"""The postal-code field search's tunables, one frozen dataclass per stage, a comment a field.

The user-facing knobs are :class:`~edge_digits.postcode.work.FieldOptions`' own fields;
these nest in it (``FieldOptions().boxes.coverage``). Lengths are fractions of a box's or a
digit's size unless said otherwise; pixels are work pixels of the stage's image.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WorkParams:
    """Work images, ink mask and crops (:mod:`edge_digits.postcode.work`)."""

    colour_width: int = 640  # box lines are sought at this width (of a wider frame) ...
    ink_width: int = 320  # ... free-form marks at this width
    strip_pixels: int = 32768  # output pixels per strip of the colour downscale (~100 kB)
    ink_delta: int = 14  # ink is this much darker (0..255) than its neighbourhood's mean
    min_block: int = 9  # the neighbourhood's side is at least this (pixels) ...
    block_fraction: int = 12  # ... and 1/this of the image's shorter side
    min_crop: int = 4  # a crop of fewer pixels is blank
    min_contrast: int = 40  # ink this little darker (0..255) than the paper is no stroke


@dataclass(frozen=True, slots=True)
class BoxRowParams:
    """Rows of pre-printed boxes (:mod:`edge_digits.postcode.boxrows`)."""

    line_delta: int = 6  # box lines are this much darker (0..255) than their neighbourhood
    min_side: int = 4  # no box is smaller than this (pixels at the colour scale)
    crowded: int = 84  # a line pixel has at least two line neighbours (mean of 3x3 > this)
    min_aspect: float = 0.5  # a hole is at least this wide (of its height) ...
    max_aspect: float = 2.0  # ... and at most this
    rect_fill: float = 0.55  # a hole fills at least this much of its bounding box
    solid_column: float = 0.9  # a column or row this full of ink is solid ...
    solid_share: float = 0.2  # ... and a box with this many such is not a digit's box
    broken_side: float = 0.5  # a side less covered than this is broken (one may be)
    coverage: float = 0.7  # a box's outline is at least this much covered
    nearness: float = 0.01  # coverage a place loses per pixel from the guess
    seed_ring: float = 0.5  # a hole that seeds a row is outlined this much all round
    band_ring: float = 0.75  # the second search is made when a hole is outlined this much
    max_boxes: int = 12  # a row has at most this many boxes
    min_size_ratio: float = 0.8  # boxes of one row are of about the same size ...
    max_size_ratio: float = 1.25  # ... (within these ratios)
    aligned: float = 0.3  # ... and their centres this close in height (of a box)
    min_gap: float = -0.1  # holes of one row are this far apart at least (of a box) ...
    max_gap: float = 3.6  # ... and at most this far (lost boxes between)
    size_tolerance: float = 0.15  # a seed this much off the row's size is predicted anew
    pitch: float = 1.15  # a box and its line are at most this wide (of the box)
    min_step: float = 0.9  # the row's step is at least this (of the box)
    reach: float = 0.4  # a predicted box is sought this far from its guess (x) ...
    reach_y: float = 0.08  # ... and this far (y)
    overlap: float = 0.5  # rows overlapping this much (each way) are one row
    separator_gap: float = 0.4  # a wider gap (of a box) between boxes holds a hyphen
    skip_pad: float = 0.35  # around a row (of its height) the free-form search does not look


@dataclass(frozen=True, slots=True)
class CellParams:
    """A digit in one box, the box's lines dropped (:mod:`edge_digits.postcode.cells`)."""

    margin: float = 0.3  # the crop reaches this far beyond the box (digits stick out)
    run_length: float = 0.6  # a side is a straight run at least this long (of the box)
    strong_run: float = 0.5  # a row of runs this long (of the box) may be a side ...
    side_reach: float = 0.9  # ... whose runs reach over this much of the box
    min_interior: float = 0.5  # two sides closer than this (of the box) are not its sides
    peak_share: float = 0.85  # of sides about this long (of the longest), the nearest wins
    far: float = 0.35  # a side is sought this far outward of the estimated edge ...
    inward: float = 0.25  # ... and this far inward
    slab_above: int = 4  # rows above and below a side (pixels) where strokes are looked for
    band: float = 1.0  # a side's band reaches this far (pixels) beyond its half thickness
    crossing: float = 3.0  # a stroke within this many pixels each side crosses the line
    along: float = 0.25  # a crossing this long (of the box) is a stroke along the line
    rejoin: float = 0.15  # a closing this long (of the box) re-joins crossed strokes
    min_area: int = 4  # a component of fewer pixels is a speck ...
    area_share: float = 0.004  # ... as is one smaller than this of the box
    inside: float = 0.5  # a component at least this much inside the box may be the digit
    sliver: float = 0.6  # a component this long (of the box) and thin is a piece of a side
    sliver_width: int = 3  # ... (at most this many pixels thick)
    speck: float = 0.2  # components smaller than this of the largest are specks
    beside: float = 0.03  # a line beside the digit of this much of its area: an alternate


@dataclass(frozen=True, slots=True)
class TokenParams:
    """Free-form tokens on written lines (:mod:`edge_digits.postcode.citylines`)."""

    min_height: float = 4.0  # no digit is lower than this (pixels at the ink scale)
    glyph_aspect: float = 2.8  # a glyph is at most this wide (of its height): 2-3 touching
    small_mark: float = 0.3  # pieces from this much of a digit's height are kept
    flat_aspect: float = 1.5  # a mark this many times wider than tall ...
    flat_width: float = 0.25  # ... and this wide (of a digit) may be a hyphen
    join_gap: float = 0.3  # ... and less than this apart vertically (of a digit)
    join_overlap: float = 0.5  # marks overlapping this much (of the narrower) are one glyph
    recent: int = 3  # a mark is joined to one of the last this many glyphs
    hyphen_gap: float = 2.2  # a gap holding a hyphen is at most this wide (of a glyph)
    rise: float = 0.4  # glyphs of a token have centres this close (of their height) ...
    min_height_ratio: float = 0.6  # ... and heights within these ratios
    max_height_ratio: float = 1.66  # (the upper ratio of heights)
    min_gap: float = -0.25  # glyphs of a token overlap at most this much (of a glyph)
    isolation: float = 0.8  # no ink within this much of the word gap beside a token
    line_band: float = 0.25  # ink on the token's line: within its height, less this much
    hyphen_slack: int = 3  # a hyphen may overlap a glyph by this many pixels
    hyphen_middle: float = 0.2  # a hyphen's centre is this far from a glyph's top and bottom
    part_share: float = 0.15  # parts of a crop under this share of the largest are specks
    dash_aspect: int = 2  # a part this many times wider than tall ...
    dash_height: float = 0.25  # ... at most this high (of the crop) ...
    dash_top: float = 0.3  # ... with its centre this far down the crop at least ...
    dash_bottom: float = 0.7  # ... and this far at most, is a hyphen
