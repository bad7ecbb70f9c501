"""OpenCV captures: video files (:class:`VideoFileSource`), cameras by index and stream
URLs (:class:`CameraSource`, reopened with backoff)."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import cv2
import numpy as np

from ..errors import SourceError
from .base import Frame, FrameSource, LiveSource


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
    the ``[ERROR:0@...] ... obsensor ... Camera index out of range`` of OpenCV 4.11's
    Orbbec backend (the Raspberry Pi recipe's, for an absent camera), nor for a stream URL
    FFmpeg's own ``[tcp @ 0x...] Connection refused``: their C++ and C libraries write to
    file descriptor 2, and our SourceError reports the failure."""
    from ..classify import native_stderr_silenced

    with _opencv_errors_only(), native_stderr_silenced():
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
