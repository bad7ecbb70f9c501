"""Plumbing shared by the reading subcommands (``read``, ``postcode``): same options, same
outputs, same exit codes.

    parser = subparsers.add_parser("read", ...)
    add_source_argument(parser); add_reader_arguments(parser); add_output_arguments(parser)
    ...
    def run(args):
        with make_reader(args) as reader:
            return run_frames(args, read=reader.read, draw=draw_reading)

:func:`run_frames` opens the source (image, directory, video, camera index, Picamera2),
reads every frame with ``read(image)``, prints one line per frame (``name<TAB>text<TAB>
confidence``) or, with ``--json``, one JSON object per line (``name``, ``index`` and the
result's ``to_dict()``), and with ``--annotate DIR`` saves ``DIR/<name>.png`` drawn by
``draw(image, result)``. Exit codes (:data:`EXIT_OK`, :data:`EXIT_SOME_FAILED`, 2 for
usage): 0 when every frame was read (finding no digits is not an error); 1 when some
inputs could not be read (each reported in one line on stderr, the others read); 2 for
bad usage or input that stops everything (no such file, bad model, bad threshold) -- the
library's errors become one line on stderr in :func:`edge_digits.cli.main`.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Callable

from ..errors import FrameError, SourceError

EXIT_OK = 0  #: every input was read
EXIT_SOME_FAILED = 1  #: some inputs (files, frames, annotations) failed; the rest were read
EXIT_USAGE = 2  #: bad arguments or input that stops everything (one line on stderr)


def threshold_type(text: str) -> float:
    """argparse type: a probability within 0..1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number within 0..1, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number within 0..1, got {text!r}")
    return value


def int_at_least(minimum: int):
    """argparse type: an integer >= ``minimum``."""
    expected = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value
    return parse


#: argparse type: a positive number of threads
threads_type = int_at_least(1)


def add_source_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", metavar="IMAGE|DIR|VIDEO|CAMERA",
                        help="an image file, a directory of images, a video file, a camera "
                             "index (0), a stream URL or picamera2")


def add_reader_arguments(parser: argparse.ArgumentParser) -> None:
    from ..reader_config import DEFAULT_THRESHOLD

    parser.add_argument("--threshold", type=threshold_type, default=DEFAULT_THRESHOLD,
                        metavar="T", help="reject digits whose probability is below T "
                        f"(shown as ?); default {DEFAULT_THRESHOLD}")
    parser.add_argument("--threads", type=threads_type, default=1, metavar="N",
                        help="interpreter threads (default 1)")
    parser.add_argument("--model", default=None, metavar="PATH",
                        help="a .tflite digit model (default: the bundled int8 model)")


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object per frame instead of a text line")
    parser.add_argument("--annotate", default=None, metavar="DIR",
                        help="save each frame with its boxes and values into DIR")


def make_reader(args: argparse.Namespace, **option_overrides):
    """A :class:`~edge_digits.read.DigitReader` from the parsed reader arguments."""
    from ..read import DigitReader

    return DigitReader.from_config(reader_config(args), **option_overrides)


def reader_config(args: argparse.Namespace, threshold: float | None = None):
    """The :class:`~edge_digits.reader_config.ReaderConfig` of the parsed arguments."""
    from ..reader_config import ReaderConfig

    return ReaderConfig(model=args.model or "", threads=args.threads,
                        threshold=args.threshold if threshold is None else threshold,
                        partial=getattr(args, "partial", False))


def safe_name(name: str) -> str:
    """A file name for a frame name (``clip.avi#12`` -> ``clip.avi_12``)."""
    stem = Path(name).stem if "#" not in name else name.replace("/", "_")
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._") or "frame"
    return cleaned


def text_line(name: str, result) -> str:
    """The text output of one frame: ``name<TAB>text<TAB>confidence`` (text ``-``: none).
    A frame that reports nothing because of writing the reader could not read whole
    (:attr:`~edge_digits.results.Reading.unread`) says so in a fourth column, as the
    postcode command gives its reason: ``name<TAB>-<TAB>0.00<TAB>unread: N boxes``."""
    text = result.text or "-"
    line = f"{name}\t{text}\t{result.confidence:.2f}"
    unread = len(result.unread)
    if unread:
        line += f"\tunread: {unread} {'box' if unread == 1 else 'boxes'} a person should look at"
    return line


def run_frames(args: argparse.Namespace, read: Callable, draw: Callable | None = None,
               line: Callable = text_line, out=None) -> int:
    """Read every frame of ``args.source``; print and annotate as the arguments say.

    Parameters
    ----------
    args : argparse.Namespace
        With ``source``, ``json`` and ``annotate`` (see the ``add_*_arguments``).
    read : callable
        ``read(image) -> result``; the result has ``text``, ``confidence`` and
        ``to_dict()`` (a :class:`~edge_digits.results.Reading`, or the postcode result).
    draw : callable, optional
        ``draw(image, result) -> BGR image`` for ``--annotate``.
    line : callable
        ``line(name, result) -> str``: the text output of one frame.
    """
    import cv2

    from ..sources import open_source

    out = out or sys.stdout
    annotate_dir = None
    if args.annotate:
        annotate_dir = Path(args.annotate)
        try:
            annotate_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SourceError(f"--annotate {args.annotate}: cannot create the directory: "
                              f"{exc.strerror or exc}") from None
    command = getattr(args, "command", None) or "read"
    failed = 0

    def report(problem: str) -> None:
        nonlocal failed
        failed += 1
        print(f"edge-digits {command}: error: {problem}", file=sys.stderr, flush=True)

    with open_source(args.source, on_error=lambda exc: report(str(exc))) as source:
        for frame in source:
            try:
                result = read(frame.image)
            except FrameError as exc:  # one unreadable frame does not stop the others
                report(f"{frame.name}: {exc}")
                continue
            if args.json:
                record = {"name": frame.name, "index": frame.index, **result.to_dict()}
                out.write(json.dumps(record) + "\n")
            else:
                out.write(line(frame.name, result) + "\n")
            out.flush()
            if annotate_dir is not None and draw is not None:
                picture = draw(frame.image, result)
                target = annotate_dir / f"{safe_name(frame.name)}.png"
                if not cv2.imwrite(str(target), picture):
                    report(f"--annotate: cannot write {target}")
    return EXIT_SOME_FAILED if failed else EXIT_OK
