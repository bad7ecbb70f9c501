"""The one parser of source specs (:func:`parse_spec`), and :func:`open_source` /
:func:`is_live` built on it.

    >>> parse_spec("0").kind, parse_spec("rtsp://cam/1").kind, parse_spec("picamera2:1").target
    ('camera', 'stream', '1')
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SourceError
from .base import EXPECTED_SPEC, IMAGE_SUFFIXES, VIDEO_SUFFIXES, FrameSource
from .capture import CameraSource, VideoFileSource
from .files import DirectorySource, ImageFileSource

#: kinds of source that are devices or streams (reopened with backoff when they stop)
LIVE_KINDS = frozenset({"picamera2", "camera", "stream"})


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """What a command-line style source spec names (see :func:`parse_spec`)."""

    #: "picamera2", "camera", "stream", "directory", "image", "video", "file" (an existing
    #: file of unknown suffix), "missing" (no such path) or "empty"
    kind: str
    #: the camera index (int), the picamera2 camera number as written (str, checked when
    #: opened), the URL (str) or the path (Path); the text for "missing" and "empty"
    target: Any
    text: str  #: the spec, stripped

    @property
    def live(self) -> bool:
        """True for cameras and streams (reopened on loss), False for files."""
        return self.kind in LIVE_KINDS


def parse_spec(spec: str | Path | int) -> SourceSpec:
    """Classify a source spec: an image file, a directory of images, a video file, a camera
    index (``"0"``: a digit string that is not an existing path), a stream URL (anything
    with ``://``), or ``"picamera2"`` / ``"picamera2:N"``. Never raises: what cannot be
    opened is :func:`open_source`'s to report."""
    text = str(spec).strip()
    if not text:
        return SourceSpec("empty", text, text)
    if text == "picamera2" or text.startswith("picamera2:"):
        return SourceSpec("picamera2", text.partition(":")[2] or "0", text)
    path = Path(text).expanduser()
    if text.isdigit() and not path.exists():
        return SourceSpec("camera", int(text), text)
    if "://" in text:
        return SourceSpec("stream", text, text)
    if path.is_dir():
        return SourceSpec("directory", path, text)
    if not path.exists():
        return SourceSpec("missing", text, text)
    suffix = path.suffix.lower()
    kind = "image" if suffix in IMAGE_SUFFIXES else "video" if suffix in VIDEO_SUFFIXES else "file"
    return SourceSpec(kind, path, text)


def is_live(spec: str | Path | int) -> bool:
    """True if ``spec`` names a camera or stream (reopened on loss), not a file."""
    return parse_spec(spec).live


def open_source(spec: str | Path | int, **options: Any) -> FrameSource:
    """Open a frame source from a command-line style ``spec``.

    Parameters
    ----------
    spec : str, Path or int
        An image file, a directory of images (read in sorted order), a video file, a camera
        index (``"0"``), a stream URL (``"rtsp://..."``), or ``"picamera2"`` /
        ``"picamera2:N"`` (camera number N, default 0).
    **options
        Live sources: ``backoff`` (:class:`Backoff` or None to end on loss), ``on_event``
        (callable taking a :class:`SourceEvent`), ``stop`` (``threading.Event`` that ends the
        stream and interrupts backoff waits), ``capture_factory`` (for tests). Cameras:
        ``width``, ``height`` (requested capture size). Picamera2: ``lores_size``,
        ``main_size`` ((width, height)), ``with_main`` (also deliver the main stream as
        ``Frame.display``), ``main_format``, ``picamera2_class`` (a stand-in, for tests).
        Directories: ``on_error`` (callable taking the :class:`SourceError` of a file that
        cannot be read; the file is skipped instead of ending the iteration). Files and
        videos take no options besides ``capture_factory`` for videos.

    Raises
    ------
    SourceError
        If the spec names nothing that exists, or what it names cannot be opened.
    TypeError
        If an option is unknown to every source (options known to other kinds of source
        are ignored, so one caller can open any spec with the same options).
    """
    _only(options, "any", ())  # unknown option names fail first, whatever the spec
    parsed = parse_spec(spec)
    text, kind = parsed.text, parsed.kind
    if kind == "empty":
        raise SourceError(f"received an empty source; {EXPECTED_SPEC}")
    if kind == "picamera2":
        if not str(parsed.target).isdigit():
            raise SourceError(f"received {text!r}; expected picamera2 or picamera2:N, N a "
                              f"camera number")
        options = _only(options, "picamera2", _PICAMERA_OPTIONS)
        from .picamera import Picamera2Source  # only now: Picamera2 is optional
        return Picamera2Source(int(parsed.target), **options)
    if kind in ("camera", "stream"):
        return CameraSource(parsed.target, **_only(options, kind, _CAMERA_OPTIONS))
    if kind == "directory":
        return DirectorySource(parsed.target, **_only(options, "directory", ("on_error",)))
    if kind == "missing":
        raise SourceError(f"received {text!r}: no such file, directory or camera; "
                          f"{EXPECTED_SPEC}")
    if kind == "image":
        return ImageFileSource(parsed.target, **_only(options, "image", ()))
    if kind == "video":
        return VideoFileSource(parsed.target, **_only(options, "video", ("capture_factory",)))
    # Unknown suffix: an image if it decodes as one, else try it as a video.
    try:
        return ImageFileSource(parsed.target)
    except SourceError:
        pass
    try:
        return VideoFileSource(parsed.target, **_only(options, "video", ("capture_factory",)))
    except SourceError:
        raise SourceError(f"cannot read {text!r} as an image or a video; "
                          f"{EXPECTED_SPEC}") from None


_LIVE_OPTIONS = ("backoff", "on_event", "stop")
_CAMERA_OPTIONS = ("width", "height", "capture_factory") + _LIVE_OPTIONS
_PICAMERA_OPTIONS = ("lores_size", "main_size", "with_main", "main_format", "buffer_count",
                     "picamera2_class") + _LIVE_OPTIONS
_KNOWN_OPTIONS = frozenset(_CAMERA_OPTIONS + _PICAMERA_OPTIONS + ("on_error",))


def _only(options: dict[str, Any], kind: str, applies: tuple[str, ...]) -> dict[str, Any]:
    """The options that apply to this kind of source.

    A name no source knows is a TypeError (a typo must not pass silently); a known option
    that does not apply (``backoff`` for a directory) is dropped, so that one caller can
    open any spec with the same options.
    """
    unknown = sorted(set(options) - _KNOWN_OPTIONS)
    if unknown:
        raise TypeError(f"open_source: unknown option(s) {', '.join(unknown)}; known: "
                        f"{', '.join(sorted(_KNOWN_OPTIONS))}")
    return {key: value for key, value in options.items() if key in applies}
