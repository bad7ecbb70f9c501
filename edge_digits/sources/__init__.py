"""Frame sources with one interface: image, directory, video file, camera, Picamera2.

    >>> from edge_digits.sources import open_source
    >>> with open_source("frames/") as source:        # or "photo.jpg", "clip.avi", "0", "picamera2"
    ...     for frame in source:
    ...         reading = reader.read(frame.image)

A source is a context manager and an iterable of :class:`Frame`. Files and videos end when
they run out; a live camera (index, stream URL, Picamera2) that stops delivering is closed and
reopened with bounded exponential backoff (:class:`Backoff`), and says so through
``on_event`` (a :class:`SourceEvent` per lost / reconnecting / reconnected / gave-up) and the
``edge_digits.sources`` logger; it never prints. Anything that cannot be opened raises
:class:`~edge_digits.errors.SourceError` with one line saying what was received and expected.

Modules: :mod:`~edge_digits.sources.base` (Frame, Backoff, SourceEvent, FrameSource,
LiveSource), :mod:`~edge_digits.sources.files` (images, directories),
:mod:`~edge_digits.sources.capture` (OpenCV: videos, cameras, streams),
:mod:`~edge_digits.sources.picamera` (Picamera2, imported only when ``"picamera2"`` is asked
for) and :mod:`~edge_digits.sources.spec` (the one spec parser, :func:`open_source`).
"""
from __future__ import annotations

from .base import (EXPECTED_SPEC, IMAGE_SUFFIXES, VIDEO_SUFFIXES, Backoff, EventHook, Frame,
                   FrameSource, LiveSource, SourceEvent, logger)
from .capture import CameraSource, VideoFileSource, default_capture
from .files import DirectorySource, ImageFileSource, read_image_file
from .spec import LIVE_KINDS, SourceSpec, is_live, open_source, parse_spec

__all__ = ["Backoff", "CameraSource", "DirectorySource", "EXPECTED_SPEC", "EventHook", "Frame",
           "FrameSource", "IMAGE_SUFFIXES", "ImageFileSource", "LIVE_KINDS", "LiveSource",
           "SourceEvent", "SourceSpec", "VIDEO_SUFFIXES", "VideoFileSource", "default_capture",
           "is_live", "logger", "open_source", "parse_spec", "read_image_file"]


def __getattr__(name: str):
    # Picamera2Source lives in .picamera, imported on first use (picamera2 itself only
    # when a camera is opened)
    if name == "Picamera2Source":
        from .picamera import Picamera2Source

        return Picamera2Source
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
