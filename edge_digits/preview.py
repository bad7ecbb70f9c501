"""A live preview window with an FPS overlay, for a device with a display attached.

    >>> if gui_available():                       # a GUI-capable OpenCV (not -headless)
    ...     with PreviewWindow("edge-digits") as window:
    ...         keep_going = window.show(frame, reading)   # False once q or Esc is pressed

The runtime depends on ``opencv-python-headless``, which has no windows: on a Pi, the apt
``python3-opencv`` (seen through a ``--system-site-packages`` venv) or ``opencv-python`` has
them. Whether a display is attached is the caller's question (the CLI looks at ``DISPLAY`` /
``WAYLAND_DISPLAY``; the library reads no environment variables). Drawing is kept apart from
reading: :func:`draw_overlay` is a pure function returning a new image.
"""
from __future__ import annotations

import time
from typing import Any

import cv2
import numpy as np

from .errors import SourceError


def gui_available() -> bool:
    """True if this OpenCV build can open windows (headless wheels cannot)."""
    for line in cv2.getBuildInformation().splitlines():
        if line.strip().startswith("GUI:"):
            return line.split(":", 1)[1].strip().upper() not in ("NONE", "")
    return False


class FpsMeter:
    """Frames per second, smoothed (an exponential moving average of frame intervals)."""

    def __init__(self, smoothing: float = 0.9) -> None:
        self.smoothing = smoothing
        self._last: float | None = None
        self._interval: float | None = None

    def tick(self, now: float | None = None) -> float:
        """Record a frame at ``now`` (seconds, default monotonic); return the current FPS."""
        now = time.monotonic() if now is None else now
        if self._last is not None:
            interval = max(now - self._last, 1e-6)
            self._interval = interval if self._interval is None else (
                self.smoothing * self._interval + (1 - self.smoothing) * interval)
        self._last = now
        return self.fps

    @property
    def fps(self) -> float:
        return 0.0 if not self._interval else 1.0 / self._interval


def draw_overlay(image: np.ndarray, reading: Any, fps: float,
                 read_size: tuple[int, int] | None = None) -> np.ndarray:
    """A BGR copy of ``image`` with the reading (``annotate.draw_reading``) and the FPS.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 ndarray
        What to draw on (Picamera2's main stream, or the frame that was read).
    reading : Reading
        Its boxes are in the pixels of the frame that was read.
    fps : float
    read_size : (width, height), optional
        Size of the frame that was read, when ``image`` is larger: boxes are scaled by the
        width ratio (keep ``lores_size`` and ``main_size`` at the same aspect ratio).
    """
    from .annotate import draw_reading

    scale = image.shape[1] / read_size[0] if read_size else 1.0
    canvas = draw_reading(image, reading, scale)
    height = canvas.shape[0]
    thickness = max(1, round(min(canvas.shape[:2]) / 320))
    cv2.putText(canvas, f"{fps:5.1f} FPS", (8, height - 10), cv2.FONT_HERSHEY_SIMPLEX,
                0.5 * thickness, (0, 255, 255), thickness, cv2.LINE_AA)
    return canvas


class PreviewWindow:
    """An OpenCV window showing each frame with its reading and the FPS."""

    def __init__(self, title: str = "edge-digits") -> None:
        if not gui_available():
            raise SourceError("preview: this OpenCV has no GUI (opencv-python-headless); on a "
                              "Pi use the apt python3-opencv through a --system-site-packages "
                              "venv, elsewhere pip install opencv-python")
        self.title = title
        self.meter = FpsMeter()
        cv2.namedWindow(title, cv2.WINDOW_NORMAL)

    def show(self, frame: Any, reading: Any) -> bool:
        """Draw ``frame`` (its ``display`` if it has one); False once q or Esc is pressed."""
        fps = self.meter.tick()
        image = frame.display if getattr(frame, "display", None) is not None else frame.image
        read_height, read_width = frame.image.shape[:2]
        cv2.imshow(self.title, draw_overlay(image, reading, fps, (read_width, read_height)))
        return (cv2.waitKey(1) & 0xFF) not in (ord("q"), 27)

    def close(self) -> None:
        try:
            cv2.destroyWindow(self.title)
        except cv2.error:
            pass  # already closed by the user

    def __enter__(self) -> "PreviewWindow":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
