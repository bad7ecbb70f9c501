"""Blobs to lines of writing: grouping, tilted lines, each line's height, what is not writing.

    >>> lines = find_lines(blobs, min_height)
    >>> heights = line_heights(lines, min_height)
    >>> kept = writing_lines(lines, heights, faint, blob_params)
    >>> kept = drop_lone_marks(kept)

Components are grouped into lines by their vertical centres (digit-sized ones found the
lines, smaller pieces join the line they sit in; lines side by side whose ends are
neighbouring digits are one tilted line). Dropped: specks, dots and dashes small relative to
their line (unless fainter ink joined to a piece makes a digit), box sides and margins,
lines much smaller than the handwriting (print) and lone marks beside strings of digits.
"""
from __future__ import annotations

from .blobs import FaintStrokes, merge_pieces
from .params import BlobParams, GroupParams
from .types import Blob


def group_lines(blobs: list[Blob], min_height: float,
                params: GroupParams = GroupParams()) -> list[list[Blob]]:
    """Group blobs into lines; lines top to bottom, blobs left to right.

    Blobs at least ``min_height`` tall found the lines (tallest first); smaller pieces
    (broken strokes, dots) join the line whose vertical span holds their centre, or are
    dropped.
    """
    lines: list[list[Blob]] = []
    spans: list[list[float]] = []
    ordered = sorted(blobs, key=lambda b: -b.height)
    small = []
    for blob in ordered:
        if blob.height < min_height:
            small.append(blob)
            continue
        for line, span in zip(lines, spans):
            if span[0] <= blob.cy <= span[1]:
                line.append(blob)
                break
        else:
            lines.append([blob])
            spans.append([blob.y0, blob.y1])
    for blob in small:
        for line, span in zip(lines, spans):
            # pieces of a digit cut off by a removed line or a gap lie within half a
            # digit height above or below the line; merging decides which belong
            margin = params.small_margin * (span[1] - span[0])
            if span[0] - margin <= blob.cy <= span[1] + margin:
                line.append(blob)
                break
    lines = join_tilted([sorted(line, key=lambda b: b.x0) for line in lines if line], min_height,
                        params)
    return sorted(lines, key=lambda line: min(b.y0 for b in line) + max(b.y1 for b in line))


def join_tilted(lines: list[list[Blob]], min_height: float,
                params: GroupParams = GroupParams()) -> list[list[Blob]]:
    """Join lines that are pieces of one tilted line (a photo taken at an angle).

    A line is founded by its tallest digit's vertical span; along a line tilted by more
    than a few degrees the digits' centres leave that span, and the line falls apart into
    pieces side by side, each a little higher than the one before. Two lines join when
    they follow each other left to right (overlapping by at most about one digit) and the
    digits where they meet are neighbours: a gap of at most about one digit height and
    centres within half a digit height of each other. Lines written one under the other
    are further apart than that (and mostly overlap in x), so they stay apart.
    """
    while True:
        pair = next(((i, j) for i, left in enumerate(lines) for j, right in enumerate(lines)
                     if i != j and follows(left, right, min_height, params)), None)
        if pair is None:
            return lines
        i, j = pair
        lines[i] = sorted(lines[i] + lines[j], key=lambda b: b.x0)
        del lines[j]


def follows(left: list[Blob], right: list[Blob], min_height: float,
            params: GroupParams = GroupParams()) -> bool:
    """True when ``right`` continues ``left`` to its right (see :func:`join_tilted`)."""
    tall_left = [b for b in left if b.height >= min_height] or left
    tall_right = [b for b in right if b.height >= min_height] or right
    end = max(tall_left, key=lambda b: b.x1)
    start = min(tall_right, key=lambda b: b.x0)
    if start.x0 <= min(b.x0 for b in tall_left) or end.x1 >= max(b.x1 for b in tall_right):
        return False  # not side by side
    height = max(end.height, start.height)
    overlap = end.x1 - start.x0
    if overlap > params.tilt_overlap * height or -overlap > params.tilt_gap * height:
        return False
    return abs(end.cy - start.cy) <= params.tilt_rise * height


def poles(line: list[Blob], params: GroupParams = GroupParams()) -> list[Blob]:
    """Thin blobs much taller than the others of their line: box sides, edges, margins."""
    if len(line) < 2:
        return []
    found = []
    heights = sorted(b.height for b in line)
    for blob in line:
        others = list(heights)
        others.remove(blob.height)
        median = others[len(others) // 2]
        if blob.height > params.pole_height * median and blob.width < params.pole_width * blob.height:
            found.append(blob)
    return found


def find_lines(blobs: list[Blob], min_height: float,
               params: GroupParams = GroupParams()) -> list[list[Blob]]:
    """:func:`group_lines` without poles: a tall thin blob (a box side, the paper's edge)
    founds a line of its own and swallows the digits beside it, so blobs much taller than
    the rest of their line are dropped and the rest grouped again."""
    lines = group_lines(blobs, min_height, params)
    dropped = {id(b) for line in lines for b in poles(line, params)}
    if dropped:
        lines = group_lines([b for b in blobs if id(b) not in dropped], min_height, params)
    return lines


def quantile(values: list, q: float) -> float:
    """``np.percentile(values, 100 * q)`` (linear) of a short list of integer-valued
    numbers, without numpy's overhead (called once per line). Exact for ``q = 0.75``: the
    interpolation weight is a multiple of 1/4, so every step is exact in float64."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    weight = position - low
    return float(ordered[low] + (ordered[high] - ordered[low]) * weight)


def line_heights(lines: list[list[Blob]], min_height: float,
                 params: GroupParams = GroupParams()) -> list[float]:
    """Each line's height: from its blobs tall enough to be digits (attached pieces would
    pull it down)."""
    return [quantile([b.height for b in line if b.height >= min_height] or [min_height],
                     params.line_quantile) for line in lines]


def _tallest(lines: list[list[Blob]], heights: list[float]) -> float:
    """The height of the handwriting: the tallest line of more than one blob (any line if
    there is none, or only one line)."""
    if any(len(line) > 1 for line in lines) or len(lines) == 1:
        return max(h for h, line in zip(heights, lines) if len(line) > 1 or len(lines) == 1)
    return max(heights)


def _is_writing(blob: Blob, line_height: float, params: GroupParams) -> bool:
    """False for a dash or a piece of line, and for a box side or margin line."""
    if blob.width > params.dash_aspect * blob.height and \
            blob.height < params.dash_height * line_height:
        return False
    return not (blob.height > params.tall_side * line_height
                and blob.width < params.thin_side * blob.height)


def _between_digits(blob: Blob, digits: list[Blob], line_height: float,
                    params: GroupParams) -> bool:
    """Whether a piece too small for a digit (``blob``) stands between two ``digits`` of its
    line, each within ``params.inside_reach`` of the line's height, overlapping neither,
    and is at least ``params.inside_piece`` of the line high: a digit a writer made small
    (a '0' among digits with long tails, '1972096'), dropped it would be a lost digit and
    a wrong number. A speck or a comma is lower; a dash is dropped as one later."""
    if blob.height < params.inside_piece * line_height:
        return False
    reach, slack = params.inside_reach * line_height, 0.2 * blob.width
    if any(d.x0 < blob.x1 and blob.x0 < d.x1 and d.y0 < blob.y1 and blob.y0 < d.y1
           for d in digits):
        return False
    return (any(d.x1 <= blob.x0 + slack and blob.x0 - d.x1 <= reach for d in digits)
            and any(d.x0 >= blob.x1 - slack and d.x0 - blob.x1 <= reach for d in digits))


def writing_lines(lines: list[list[Blob]], heights: list[float], faint: FaintStrokes,
                  blob_params: BlobParams = BlobParams(),
                  params: GroupParams = GroupParams()) -> list[tuple[list[Blob], float]]:
    """The lines of handwriting, each ``(blobs left to right, line height)``: pieces of one
    digit merged, small pieces dropped unless ``faint`` grows a digit from them or they
    stand between two digits (:func:`_between_digits`; dots, dashes, specks beside the
    digits), dashes and box sides dropped, and a lone thin stroke beside other writing (an
    edge or margin, not a '1')."""
    tallest = _tallest(lines, heights)
    kept_lines = []
    for line, line_height in zip(lines, heights):
        if line_height < params.small_line * tallest:
            continue  # much smaller than the handwriting: print, specks
        line = merge_pieces(line, line_height, blob_params)
        digits = [b for b in line if b.height >= blob_params.small_piece * line_height]
        kept = []
        for blob in line:
            if blob.height < blob_params.small_piece * line_height:
                grown = faint.grow(blob, line, line_height)
                if grown is not None:
                    blob = grown
                elif not _between_digits(blob, digits, line_height, params):
                    continue
            if _is_writing(blob, line_height, params):
                kept.append(blob)
        if len(kept) == 1 and kept[0].width < params.lone_thin * kept[0].height and len(lines) > 1:
            continue
        if kept:
            kept_lines.append((kept, line_height))
    return kept_lines


def drop_lone_marks(kept_lines: list[tuple[list[Blob], float]],
                    params: GroupParams = GroupParams()) -> list[tuple[list[Blob], float]]:
    """Without lone marks beside strings of digits: a paper corner, a tick, a smudge (but
    ink as wide as several digits may be a string of touching digits: kept)."""
    longest = max((len(kept) for kept, _ in kept_lines), default=0)
    return [(kept, line_height) for kept, line_height in kept_lines
            if not (len(kept) == 1 and longest >= params.string_length
                    and kept[0].width < params.lone_string * kept[0].height)]
