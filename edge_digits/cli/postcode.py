"""``edge-digits postcode``: read the postal code on envelope or postcard photos.

    edge-digits postcode envelope.jpg --format jp               # Japanese 7-digit codes
    edge-digits postcode scans/ --format fr --json              # a directory, JSON lines
    edge-digits postcode 0 --format "digits:6" --annotate out   # camera 0, annotated frames
    edge-digits postcode photo.png --format my_country.json     # a profile file of your own

One line per frame: ``name<TAB>code<TAB>confidence`` (``-`` and the rejection reason when
the code was not read: such envelopes go to a person), or one JSON object per line with
``--json``. Exit codes as ``read``: 0 on success (a rejected envelope is a result, not an
error), 1 when some files of a folder could not be read (one line each on stderr), 2 on bad
usage or input (unknown profile, malformed profile file, unreadable image, a threshold the
model cannot reach).
"""
from __future__ import annotations

import argparse

from . import common


def add_parser(subparsers) -> argparse.ArgumentParser:
    from ..postcode.decide import PostcodeOptions
    from ..postcode.profiles import available_profiles

    defaults = PostcodeOptions()
    parser = subparsers.add_parser(
        "postcode", help="read the postal code on envelope or postcard photos",
        description="Find and read the handwritten postal code of an envelope or postcard; "
                    "print the code or why it was rejected, one line (or JSON object) per frame.")
    common.add_source_argument(parser)
    parser.add_argument("--format", required=True, metavar="PROFILE", dest="profile",
                        help=f"postal-code profile: one of {', '.join(available_profiles())}, "
                             "'digits:N' (any N digits), or a profile .json file")
    common.add_output_arguments(parser)
    parser.add_argument("--threshold", type=common.threshold_type, default=defaults.threshold,
                        metavar="T", help="every digit of a returned code must reach "
                        f"probability T, else the envelope is rejected (default {defaults.threshold})")
    parser.add_argument("--margin", type=common.threshold_type, default=defaults.margin, metavar="M",
                        help="reject when a second, different code scores within M of the "
                        f"best (default {defaults.margin}: any second code rejects)")
    parser.add_argument("--threads", type=common.threads_type, default=1, metavar="N",
                        help="interpreter threads (default 1)")
    parser.add_argument("--model", default=None, metavar="PATH",
                        help="a .tflite digit model (default: the bundled int8 model)")
    parser.set_defaults(run=run)
    return parser


def postcode_line(name: str, result) -> str:
    """``name<TAB>code<TAB>confidence``, or ``name<TAB>-<TAB>0.00<TAB>reason: detail``."""
    if result.accepted:
        return f"{name}\t{result.text}\t{result.confidence:.2f}"
    return f"{name}\t-\t0.00\t{result.reason}: {result.detail}"


def run(args: argparse.Namespace) -> int:
    from ..postcode import load_profile, read_postcode
    from ..postcode.decide import PostcodeOptions
    from ..postcode.draw import draw_postcode
    from ..read import DigitReader
    from ..reader_config import DEFAULT_THRESHOLD

    profile = load_profile(args.profile)  # a bad profile fails before the model loads
    options = PostcodeOptions(threshold=args.threshold, margin=args.margin)
    # the reader's own threshold stays the default: the postcode decision applies its own
    with DigitReader.from_config(common.reader_config(args, DEFAULT_THRESHOLD)) as reader:
        reader.classifier.check_reachable(args.threshold)
        return common.run_frames(
            args, read=lambda image: read_postcode(reader, image, profile, options),
            draw=draw_postcode, line=postcode_line)
