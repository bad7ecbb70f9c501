"""``edge-digits read``: read digit strings from an image, a directory, a video or a camera.

    edge-digits read edge_digits/samples                      # the bundled sample frames
    edge-digits read photo.jpg --annotate annotated           # also save boxes and values
    edge-digits read 0 --json --threshold 0.9                 # camera 0, JSON lines

One line per frame: ``name<TAB>text<TAB>confidence`` (strings separated by spaces,
rejected digits as ``?``, ``-`` when nothing was read), or one JSON object per line with
``--json``. Exit 0 when everything was read, 1 when some files of a folder (or frames)
could not be read (one line each on stderr; the others are read), 2 on bad usage or input
(one line on stderr).
"""
from __future__ import annotations

import argparse

from . import common


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "read", help="read digit strings from images, a directory, a video or a camera",
        description="Read handwritten digit strings; print one line (or JSON object) per frame.")
    common.add_source_argument(parser)
    common.add_output_arguments(parser)
    common.add_reader_arguments(parser)
    parser.add_argument("--partial", action="store_true",
                        help="report a string with unread digits among the read ones as it "
                             "is (1?34); by default the frame reports nothing and names it "
                             "unread, for a person to look at")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from ..annotate import draw_reading

    with common.make_reader(args) as reader:
        return common.run_frames(args, read=reader.read, draw=draw_reading)
