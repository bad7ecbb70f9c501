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
Picamera2 is imported only when ``"picamera2"`` is asked for (see ``picamera_source``).
"""
from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import cv2
import numpy as np

from .errors import SourceError

logger = logging.getLogger(__name__)

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


# --- files ----------------------------------------------------------------------------------

def read_image_file(path: Path) -> np.ndarray:
    """Read an image file as (H, W) gray or (H, W, 3) BGR uint8, or raise SourceError."""
    try:
        # imdecode on the bytes, not imread: works for any path (non-ASCII on Windows) and
        # lets us tell "cannot open" from "not an image".
        data = np.fromfile(str(path), dtype=np.uint8)
    except OSError as exc:
        raise SourceError(f"cannot open image {path}: {exc.strerror or exc}") from None
    from .classify import native_stderr_silenced

    try:
        # libpng / libjpeg print their own "libpng error: IDAT: CRC error" on fd 2: our
        # SourceError is the one line that reports a corrupt file
        with native_stderr_silenced():
            image = cv2.imdecode(data, cv2.IMREAD_ANYCOLOR) if data.size else None
    except cv2.error as exc:  # e.g. a header declaring more pixels than OpenCV allows
        reason = str(exc).strip().splitlines()[-1].split("error: ")[-1][:160]
        raise SourceError(f"cannot decode image {path} ({data.size} bytes): OpenCV refused "
                          f"it ({reason}); a corrupt file or a declared size too large") from None
    if image is None or image.size == 0:
        raise SourceError(f"cannot decode image {path} ({data.size} bytes): the file is empty, "
                          f"corrupt or not an image format OpenCV reads")
    return image


class ImageFileSource(FrameSource):
    """One still image: one frame."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.name = str(self.path)
        self._image = read_image_file(self.path)  # fail at open, not mid-iteration

    def __iter__(self) -> Iterator[Frame]:
        yield Frame(self._image, self.path.name, 0)


class DirectorySource(FrameSource):
    """The images of a directory, sorted by file name (other files are ignored).

    A file that cannot be read raises :class:`SourceError` mid-iteration, unless
    ``on_error`` is given: then it is called with the error and the file is skipped
    (``edge-digits read DIR`` reports it in one line and reads the others).
    """

    def __init__(self, path: Path, *, on_error: Callable[[SourceError], None] | None = None
                 ) -> None:
        self.on_error = on_error
        self.path = Path(path)
        self.name = str(self.path)
        try:
            entries = sorted(self.path.iterdir())
        except OSError as exc:
            raise SourceError(f"cannot list directory {path}: {exc.strerror or exc}") from None
        self.files = [entry for entry in entries
                      if entry.suffix.lower() in IMAGE_SUFFIXES and not entry.name.startswith(".")
                      and entry.is_file()]
        if not self.files:
            raise SourceError(
                f"directory {path} holds no images ({len(entries)} entries; expected files "
                f"ending in {', '.join(sorted(IMAGE_SUFFIXES))})")

    def __iter__(self) -> Iterator[Frame]:
        for index, file in enumerate(self.files):
            try:
                image = read_image_file(file)
            except SourceError as exc:
                if self.on_error is None:
                    raise
                self.on_error(exc)
                continue
            yield Frame(image, file.name, index)


# --- OpenCV captures: video files, cameras, stream URLs ------------------------------------

@contextmanager
def _opencv_errors_only() -> Iterator[None]:
    """Silence OpenCV's own warnings for a moment (our SourceError reports the failure).

    The log-level API moved: ``cv2.utils.logging`` in OpenCV 5, ``cv2.setLogLevel`` in some
    4.x builds, neither in others (4.11 on aarch64 has no ``cv2.utils.logging``).
    """
    api = getattr(getattr(cv2, "utils", None), "logging", None)
    get_level = getattr(api, "getLogLevel", None) or getattr(cv2, "getLogLevel", None)
    set_level = getattr(api, "setLogLevel", None) or getattr(cv2, "setLogLevel", None)
    if get_level is None or set_level is None:
        yield
        return
    level = get_level()
    set_level(2)  # LOG_LEVEL_ERROR in every version
    try:
        yield
    finally:
        set_level(level)


def default_capture(target: int | str) -> Any:
    """``cv2.VideoCapture(target)`` without OpenCV's ``[ WARN:0@...] can't open camera``,
    and for a stream URL without FFmpeg's own ``[tcp @ 0x...] Connection refused`` (its C
    library writes to file descriptor 2; our SourceError reports the failure)."""
    from .classify import native_stderr_silenced

    with _opencv_errors_only():
        if isinstance(target, str) and "://" in target:
            with native_stderr_silenced():
                return cv2.VideoCapture(target)
        return cv2.VideoCapture(target)


class VideoFileSource(FrameSource):
    """The frames of a video file, until it ends."""

    def __init__(self, path: Path, *, capture_factory: Callable[[Any], Any] = default_capture
                 ) -> None:
        self.path = Path(path)
        self.name = str(self.path)
        self._capture = capture_factory(str(self.path))
        if not self._capture.isOpened():
            self.close()
            raise SourceError(f"cannot open video {path}: no OpenCV backend can decode it "
                              f"(corrupt, or a codec this OpenCV build lacks)")
        ok, first = self._capture.read()
        if not ok or first is None or first.size == 0:
            self.close()
            raise SourceError(f"video {path} opened but no frame could be decoded from it")
        self._first: np.ndarray | None = first

    def __iter__(self) -> Iterator[Frame]:
        index = 0
        try:
            while self._capture is not None:
                if self._first is not None:
                    image, self._first = self._first, None
                else:
                    ok, image = self._capture.read()
                    if not ok or image is None or image.size == 0:
                        return  # end of the video
                yield Frame(image, f"{self.path.name}#{index}", index)
                index += 1
        finally:
            self.close()

    def close(self) -> None:
        capture, self._capture = getattr(self, "_capture", None), None
        if capture is not None:
            capture.release()


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


class CameraSource(LiveSource):
    """A camera by index (``cv2.VideoCapture(0)``) or a stream URL (rtsp://, http://)."""

    def __init__(self, target: int | str, *, width: int | None = None, height: int | None = None,
                 capture_factory: Callable[[Any], Any] = default_capture,
                 **live_options: Any) -> None:
        super().__init__(**live_options)
        self.target = target
        self.name = f"camera {target}" if isinstance(target, int) else f"stream {target}"
        self.width, self.height = width, height
        self._capture_factory = capture_factory
        self._capture: Any = None
        self._start()  # fail at open: absent or busy camera -> SourceError now

    def _open(self) -> None:
        capture = self._capture_factory(self.target)
        if not capture.isOpened():
            capture.release()
            why = ("refused, unreachable or not a video stream?" if isinstance(self.target, str)
                   else "absent, unplugged, or busy in another program?")
            raise SourceError(f"{self.name} could not be opened ({why})")
        if self.width and self.height:
            capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
            capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        # A busy or broken V4L2 device can open and still deliver nothing: check one frame.
        ok, image = capture.read()
        if not ok or image is None or image.size == 0:
            capture.release()
            raise SourceError(f"{self.name} opened but delivered no frame (busy in another "
                              f"program, or not a video capture device?)")
        self._pending: np.ndarray | None = image
        self._capture = capture

    def _grab(self) -> tuple[np.ndarray, None] | None:
        if self._pending is not None:
            image, self._pending = self._pending, None
            return image, None
        ok, image = self._capture.read()
        if not ok or image is None or image.size == 0:
            return None
        return image, None

    def _release(self) -> None:
        capture, self._capture = self._capture, None
        if capture is not None:
            capture.release()


# --- the one entry point --------------------------------------------------------------------

def is_live(spec: str | Path | int) -> bool:
    """True if ``spec`` names a camera or stream (reopened on loss), not a file."""
    text = str(spec).strip()
    if text == "picamera2" or text.startswith("picamera2:") or "://" in text:
        return True
    return text.isdigit() and not Path(text).exists()


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
    text = str(spec).strip()
    if not text:
        raise SourceError(f"received an empty source; {EXPECTED_SPEC}")
    if text == "picamera2" or text.startswith("picamera2:"):
        camera = text.partition(":")[2] or "0"
        if not camera.isdigit():
            raise SourceError(f"received {text!r}; expected picamera2 or picamera2:N, N a "
                              f"camera number")
        options = _only(options, "picamera2", _PICAMERA_OPTIONS)
        from .picamera_source import Picamera2Source  # only now: Picamera2 is optional
        return Picamera2Source(int(camera), **options)
    path = Path(text).expanduser()
    if text.isdigit() and not path.exists():
        return CameraSource(int(text), **_only(options, "camera", _CAMERA_OPTIONS))
    if "://" in text:
        return CameraSource(text, **_only(options, "stream", _CAMERA_OPTIONS))
    if path.is_dir():
        return DirectorySource(path, **_only(options, "directory", ("on_error",)))
    if not path.exists():
        raise SourceError(f"received {text!r}: no such file, directory or camera; "
                          f"{EXPECTED_SPEC}")
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return ImageFileSource(path, **_only(options, "image", ()))
    if suffix in VIDEO_SUFFIXES:
        return VideoFileSource(path, **_only(options, "video", ("capture_factory",)))
    # Unknown suffix: an image if it decodes as one, else try it as a video.
    try:
        return ImageFileSource(path)
    except SourceError:
        pass
    try:
        return VideoFileSource(path, **_only(options, "video", ("capture_factory",)))
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
