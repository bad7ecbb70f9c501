"""The locate stage's tunables, one frozen dataclass per stage, one comment per field.

Lengths are fractions of the writing's (line's) height unless said otherwise; darkness is
relative (0..255 of the paper's brightness). The user-facing knobs are
:class:`~edge_digits.locate.LocateOptions`' own fields; these nest in it
(``LocateOptions().blobs.bridge``). How the values were measured: docs/tuning.md.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class InkParams:
    """Background, relative darkness and thresholds (:mod:`edge_digits.locate.ink`)."""

    min_half: int = 4  # smallest side (pixels) of the half-resolution background image
    close: int = 7  # ellipse (pixels at half resolution) closing pen strokes into the paper
    blur: int = 3  # box blur of the closed background (pixels at half resolution)
    step: float = 0.15  # a background step steeper than this (of the brightness, 3 px) is an edge
    step_kernel: int = 3  # square that measures background steps and widens them
    step_border: float = 0.1  # steps this close to the border (of the size) are the paper's edge
    edge_close: int = 15  # square (work pixels) closing strokes near a sharp edge
    quartile_sigma: float = 0.674  # (p75 - median) of a normal distribution, in sigmas
    weak_noise: float = 4.0  # the weak threshold: the paper's median plus this many noise sigmas
    strong_noise: float = 8.0  # the strong threshold: median plus this many sigmas ...
    strong_over_weak: float = 2.0  # ... and at least this many times the weak threshold
    paper_share: float = 0.8  # the paper: background at least this share of its 90th percentile;
    min_paper: float = 0.2  # when it is this share of the frame or more, and the whole frame's
    paper_noise: float = 1.5  # weak threshold this many times the paper's or more, the paper's
    # thresholds are used (edge_digits.locate.ink.paper_thresholds); 0: the whole frame's
    dark_surface: int = 96  # a frame whose median brightness is below this is a dark surface;
    tail: float = 0.002  # its writing is light on dark (chalk: inverted) if its brightest
    tail_ratio: float = 2.0  # 0.2% lies this many times farther above the median than its
    min_tail: int = 40  # darkest 0.2% below it, and at least this far ...
    light_share: float = 0.1  # ... and at most this share is half as far above (strokes, not a sheet)
    stroke_share: float = 0.3  # ... or up to this share when that part is strokes (a light digit
    stroke_half: float = 0.2  # filling the frame): half its widest stroke <= this of its height
    stroke_fill: float = 0.6  # ... and it fills at most this share of its bounding box
    spot_side: int = 4  # a bright spot (glare, a lamp's reflection) is this wide and high or more,
    spot_aspect: float = 2.0  # ... at most this many times longer one way than the other,
    spot_fill: float = 0.6  # ... fills this share of its box or more,
    spot_halo: int = 5  # ... and takes a margin with it (ellipse, work pixels)


@dataclass(frozen=True, slots=True)
class LineParams:
    """Ruled lines, underlines and box sides (:mod:`edge_digits.locate.lines`)."""

    min_length: int = 15  # no line is shorter than this (work pixels)
    horizontal_fraction: int = 10  # a horizontal line is at least 1/this of the width ...
    vertical_fraction: int = 4  # ... a vertical one 1/this of the height ...
    text_lengths: float = 2.0  # ... and both this many times the writing's height
    line_aspect: float = 1.5  # a component this many times wider than tall may hold a line
    upright_aspect: float = 2.5  # ... or this many times taller than wide
    wide_fraction: int = 3  # a component 1/this of the width wide may hold a line
    tall_fraction: int = 2  # ... or half the height tall
    thicken: int = 3  # thickening across a line (pixels) keeps a slightly rotated line whole
    rejoin: int = 9  # closing (pixels) across a removed line re-joins the strokes it cut
    box_side: float = 1.3  # a box side is at least this many times the writing's height
    min_box_side: int = 5  # ... and at least this long (work pixels)
    side_width: float = 0.25  # a box side is at most this wide (of its height) ...
    min_side_width: int = 3  # ... or this many pixels
    rule_reach: int = 3  # a box side's ends are within this many pixels of a removed line
    shaped_aspect: float = 2.5  # digit-shaped components (for the writing's height) are narrower
    rule_pixels: float = 0.3  # removed lines of this many times the width or more, whose ...
    rule_share: float = 0.9  # ... darkness at this share of their pixels, plus ...
    rule_margin: int = 2  # ... this, is below this of the writing's median darkness: the
    rule_writing: float = 0.5  # weak threshold is raised to it (lines.above_rules); 0: never


@dataclass(frozen=True, slots=True)
class BlobParams:
    """Components to digit blobs: filters, merging, faint strokes (:mod:`.blobs`)."""

    frame_wide: float = 0.9  # a component this much of the frame's width is an edge or shadow
    speck: float = 0.4  # a component smaller than this of the smallest digit is a speck ...
    min_area: int = 3  # ... as is one of fewer pixels
    thin_side: float = 0.3  # a stroke between rules thinner than this (of its height) is a box side
    bridge: float = 0.2  # gap bridged between a small piece and its digit
    small_piece: float = 0.45  # a piece lower than this is too small to be a digit
    small_overlap: float = 0.2  # a small piece merges overlapping this much (of the narrower) ...
    overlap: float = 0.3  # ... larger pieces this much
    stacked_gap: float = 0.2  # pieces cut apart by a removed line are this close ...
    min_stacked_gap: float = 2.0  # ... or this many pixels
    stacked_height: float = 2.4  # ... and together at most this high
    merged_width: float = 1.1  # merged pieces are at most this wide (of the larger height) ...
    merged_height: float = 1.3  # ... and at most this high
    faint_seed: float = 0.2  # a faint stroke grows from a piece at least this high ...
    faint_ink: float = 0.5  # ... takes ink down to this much of the weak threshold ...
    faint_min: float = 0.5  # ... and must reach this height ...
    faint_max: float = 1.3  # ... and no more than this ...
    faint_width: float = 1.1  # ... and this width
    faint_reach: float = 0.5  # the window it grows in reaches this far beside the piece ...
    faint_rise: float = 0.9  # ... and this far above and below its centre


@dataclass(frozen=True, slots=True)
class GroupParams:
    """Blobs to lines of writing (:mod:`edge_digits.locate.group`)."""

    small_margin: float = 0.5  # small pieces join a line within this much of its span
    tilt_overlap: float = 0.8  # lines side by side overlap at most this much (of a digit) ...
    tilt_gap: float = 1.2  # ... or leave a gap at most this wide ...
    tilt_rise: float = 0.5  # ... with neighbouring digits' centres this close
    pole_height: float = 1.35  # a blob this many times the line's median height ...
    pole_width: float = 0.2  # ... and narrower than this (of its height) is a box side or edge
    line_quantile: float = 0.75  # a line's height: this quantile of its digit-sized blobs
    small_line: float = 0.35  # lines lower than this of the tallest are print or specks
    dash_aspect: float = 3.0  # a blob this many times wider than tall ...
    dash_height: float = 0.6  # ... and lower than this is a dash or a piece of line
    tall_side: float = 2.2  # a blob this many times the line's height ...
    thin_side: float = 0.3  # ... and narrower than this (of its height) is a box side
    lone_thin: float = 0.3  # a lone blob narrower than this (of its height) is an edge
    lone_string: float = 1.2  # a lone blob at least this wide (of its height) may be a string
    string_length: int = 3  # ... beside strings of at least this many digits
    inside_piece: float = 0.3  # a piece this high (of its line) between two digits ...
    inside_reach: float = 1.0  # ... each this near (of the line's height) is kept: a small '0'


@dataclass(frozen=True, slots=True)
class ScaleParams:
    """Work resolution and the search for large writing (:mod:`edge_digits.locate.scale`)."""

    min_work_side: int = 8  # smallest side (pixels) of the work image
    thumb: int = 4  # the large-writing check's thumbnail is this many times smaller
    min_thumb_side: int = 8  # smallest side (pixels) of the thumbnail
    large_text: int = 48  # writing taller than this (work pixels) is searched again, smaller
    text_target: int = 24  # the writing's height (work pixels) after rescaling
    min_work_width: int = 48  # the rescaled work image is at least this wide
    min_aspect: float = 0.15  # a large digit is at least this wide (of its height) ...
    max_aspect: float = 1.6  # ... and at most this wide
    half_stroke: float = 0.2  # half a stroke's width, at most, of a large digit's height
    large_ink: int = 80  # median darkness (0..255) of a large digit's pixels, at least
    enclosing: int = 3  # a component whose box holds this many other marks is a box or grid


@dataclass(frozen=True, slots=True)
class CropParams:
    """Ink crops at full resolution (:mod:`edge_digits.locate.crop`)."""

    pad: int = 1  # work pixels around a blob's box
    region_pad: int = 2  # work pixels around all candidates (the full-resolution region)
    core: float = 0.8  # the darkest 1 - core of a crop's ink saturates (like MNIST)
