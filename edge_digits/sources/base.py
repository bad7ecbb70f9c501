"""What every frame source shares: :class:`Frame`, :class:`Backoff`, :class:`SourceEvent`,
the :class:`FrameSource` interface and :class:`LiveSource` (reopened with backoff).

Live sources log to the ``edge_digits.sources`` logger; they never print.
"""
from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np

from ..errors import SourceError

logger = logging.getLogger("edge_digits.sources")  # the package's logger, as before the split

#: file suffixes read as still images (lower case)
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp",
                            ".pgm", ".ppm", ".pbm"})
#: file suffixes read as videos (lower case)
VIDEO_SUFFIXES = frozenset({".avi", ".mp4", ".mkv", ".mov", ".m4v", ".webm", ".mjpg",
                            ".mjpeg", ".h264", ".mpg", ".mpeg", ".wmv"})

EXPECTED_SPEC = ("expected an image file, a directory of images, a video file, a camera "
                 "index such as 0, a stream URL, or picamera2")


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame delivered by a source."""

    image: np.ndarray  #: (H, W) uint8 grayscale or (H, W, 3) uint8 BGR: what to read
    name: str  #: file name, or ``<source>#<index>`` for videos and cameras
    index: int  #: 0, 1, 2, ... in delivery order (keeps counting across reconnects)
    #: the same view at a higher resolution, for annotation (Picamera2's main stream, BGR);
    #: None when ``image`` is itself the one to draw on. Scale boxes by
    #: ``display.shape[1] / image.shape[1]``.
    display: np.ndarray | None = None


@dataclass(frozen=True, slots=True)
class Backoff:
    """How a live source is reopened after it stops delivering.

    The n-th attempt of one outage waits ``min(initial * factor ** (n - 1), maximum)``
    seconds first; after ``attempts`` failed attempts the source raises
    :class:`~edge_digits.errors.SourceError` (``attempts=0``: keep trying for ever, what a
    service at boot wants).
    """

    initial: float = 0.5  #: seconds before the first reopen attempt
    factor: float = 2.0  #: growth of the wait between attempts
    maximum: float = 10.0  #: cap of the wait, seconds
    attempts: int = 8  #: failed attempts before giving up; 0 = never give up

    def __post_init__(self) -> None:
        if not (self.initial >= 0 and self.maximum >= self.initial and self.factor >= 1):
            raise ValueError(
                f"Backoff: received initial={self.initial}, factor={self.factor}, "
                f"maximum={self.maximum}; expected 0 <= initial <= maximum and factor >= 1")
        if self.attempts < 0:
            raise ValueError(f"Backoff: received attempts={self.attempts}; expected >= 0")

    def delay(self, attempt: int) -> float:
        """Seconds to wait before attempt number ``attempt`` (1-based)."""
        return float(min(self.initial * self.factor ** (attempt - 1), self.maximum))


@dataclass(frozen=True, slots=True)
class SourceEvent:
    """Something a live source wants its user to know (it never prints)."""

    kind: str  #: "lost", "reconnecting", "reconnected", "gave-up"
    source: str  #: the source's name, e.g. "camera 0"
    message: str  #: one line for a log
    attempt: int = 0  #: reopen attempt number within the current outage (1-based)
    delay: float = 0.0  #: seconds waited before this attempt


EventHook = Callable[[SourceEvent], None]


class FrameSource(ABC):
    """An iterable of :class:`Frame` that holds a resource; use it as a context manager."""

    name: str = "source"
    #: True for cameras and streams (reopened with backoff), False for files
    live: bool = False

    @abstractmethod
    def __iter__(self) -> Iterator[Frame]:
        ...

    def close(self) -> None:
        """Release the resource; safe to call twice."""

    def __enter__(self) -> "FrameSource":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


class LiveSource(FrameSource):
    """A device that may stop delivering: reopened with backoff, loss reported via events.

    Subclasses implement ``_open()`` (raise SourceError if it fails), ``_grab()`` (return a
    Frame's ``(image, display)`` or None when no frame came; an exception it raises is
    taken for a loss too: the device is reopened) and ``_release()``.
    """

    live = True

    def __init__(self, *, backoff: Backoff | None = Backoff(), on_event: EventHook | None = None,
                 stop: threading.Event | None = None) -> None:
        self.backoff = backoff  # None: end the stream when the device stops
        self.on_event = on_event
        self.stop = stop if stop is not None else threading.Event()
        self._opened = False

    @abstractmethod
    def _open(self) -> None:
        ...

    @abstractmethod
    def _grab(self) -> tuple[np.ndarray, np.ndarray | None] | None:
        ...

    @abstractmethod
    def _release(self) -> None:
        ...

    def _emit(self, kind: str, message: str, attempt: int = 0, delay: float = 0.0) -> None:
        level = logging.INFO if kind == "reconnected" else logging.WARNING
        logger.log(level, "%s: %s", self.name, message)
        if self.on_event is not None:
            self.on_event(SourceEvent(kind, self.name, message, attempt, delay))

    def _start(self) -> None:
        self._open()
        self._opened = True

    def _reopen(self, attempt: int) -> int:
        """Reopen after a loss; the attempt count it got to, or -1 to end the stream.

        ``attempt`` is the count of the current outage so far: an outage ends only when a
        frame is delivered, so a device that reopens but still delivers nothing keeps
        backing off (and gives up) instead of cycling at the first delay for ever.
        """
        self._release()
        self._opened = False
        if self.backoff is None:
            return -1
        while True:
            attempt += 1
            if self.backoff.attempts and attempt > self.backoff.attempts:
                message = (f"gave up after {self.backoff.attempts} reopen attempts "
                           f"(unplugged, or taken by another program?)")
                self._emit("gave-up", message, attempt - 1)
                raise SourceError(f"{self.name} stopped delivering frames and {message}")
            delay = self.backoff.delay(attempt)
            self._emit("reconnecting", f"reopen attempt {attempt} in {delay:.1f} s",
                       attempt, delay)
            # wait() returns True when stop is set (SIGTERM, Ctrl-C handler): end cleanly
            if self.stop.wait(delay):
                return -1
            try:
                self._start()
            except SourceError as exc:
                logger.debug("%s: attempt %d failed: %s", self.name, attempt, exc)
                continue
            self._emit("reconnected", f"reopened after {attempt} attempt(s)", attempt, delay)
            return attempt

    def __iter__(self) -> Iterator[Frame]:
        index = 0
        outage = 0  # reopen attempts since the last delivered frame
        try:
            if not self._opened:
                self._start()
            while not self.stop.is_set():
                try:
                    grabbed = self._grab()
                except Exception as exc:  # a driver's fault mid-stream: lost, reopened
                    logger.debug("%s: grab failed", self.name, exc_info=True)
                    self._emit("lost", f"failed: {type(exc).__name__}: "
                                       f"{str(exc).strip().splitlines()[0] if str(exc).strip() else ''}")
                    outage = self._reopen(outage)
                    if outage < 0:
                        return
                    continue
                if grabbed is None:
                    self._emit("lost", "stopped delivering frames")
                    outage = self._reopen(outage)
                    if outage < 0:
                        return
                    continue
                outage = 0
                image, display = grabbed
                yield Frame(image, f"{self.name}#{index}", index, display)
                index += 1
        finally:
            self.close()

    def close(self) -> None:
        if getattr(self, "_opened", False):
            self._opened = False
            self._release()
