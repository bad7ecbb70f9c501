"""Raspberry Pi camera through Picamera2: a low-resolution YUV420 stream to read, main to draw.

    >>> with open_source("picamera2", lores_size=(320, 240), main_size=(1280, 960),
    ...                  with_main=True) as camera:
    ...     for frame in camera:          # frame.image: (240, 320) gray; frame.display: BGR
    ...         ...

Why two streams: the ISP scales for free, so reading works on a small ``lores`` frame (cheap
to locate digits in) while the ``main`` stream keeps the detail for the annotated picture.
``lores`` is YUV420 (the only lores format a Pi 4 offers): Picamera2 returns it as one
``(h * 3 // 2, stride)`` uint8 array whose first ``h`` rows are the Y plane, i.e. the
grayscale frame, at no conversion cost. ``main`` is XRGB8888, which arrives in numpy as
B,G,R,X: dropping X gives OpenCV's BGR. Picamera2 comes from apt (``python3-picamera2``), not
PyPI, and is imported only when this module is used.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import SourceError, SourceUnavailable
from .base import LiveSource

#: main formats we accept, all of which are B,G,R(,X) in numpy memory order (libcamera
#: names formats by the opposite byte order: "RGB888" is B,G,R in numpy)
MAIN_FORMATS = ("XRGB8888", "RGB888")

INSTALL_HINT = ("on Raspberry Pi OS: sudo apt install -y python3-picamera2, and make the venv "
                "with --system-site-packages (see devices/raspberry-pi/README.md)")


def import_picamera2() -> type:
    """The Picamera2 class, or a SourceError saying how to install it."""
    try:
        from picamera2 import Picamera2  # noqa: PLC0415 (optional dependency, on demand)
    except ImportError as exc:
        raise SourceUnavailable(f"picamera2 was asked for but cannot be imported ({exc}); "
                          f"{INSTALL_HINT}") from None
    return Picamera2


def _check_size(name: str, size: Any) -> tuple[int, int]:
    try:
        width, height = (int(value) for value in size)
    except (TypeError, ValueError):
        raise SourceError(f"{name}: received {size!r}; expected (width, height)") from None
    if width < 16 or height < 16 or width % 2 or height % 2:
        raise SourceError(f"{name}: received {width}x{height}; expected even sizes of at "
                          f"least 16x16 (YUV420 halves the chroma planes)")
    return width, height


def y_plane(yuv420: np.ndarray, width: int) -> np.ndarray:
    """The Y (luma) plane of a Picamera2 YUV420 array: the grayscale frame.

    Parameters
    ----------
    yuv420 : (h * 3 // 2, stride) uint8 ndarray
        As ``capture_array("lores")`` returns it: Y rows, then the U and V planes; each row
        may be padded to ``stride >= width`` bytes.
    width : int
        The stream's configured width.

    Returns
    -------
    (h, width) uint8 ndarray, C-contiguous (a copy: Picamera2 may reuse its buffer).
    """
    if yuv420.ndim != 2 or yuv420.dtype != np.uint8 or yuv420.shape[0] % 3 \
            or yuv420.shape[1] < width:
        raise SourceError(f"lores: received an array of shape {yuv420.shape} and dtype "
                          f"{yuv420.dtype}; expected YUV420 of shape (h * 3 // 2, stride >= "
                          f"{width}) uint8")
    height = yuv420.shape[0] * 2 // 3
    return np.ascontiguousarray(yuv420[:height, :width])


def main_bgr(array: np.ndarray) -> np.ndarray:
    """Picamera2's XRGB8888 (B,G,R,X) or RGB888 (B,G,R) main array as contiguous BGR."""
    if array.ndim != 3 or array.shape[2] not in (3, 4) or array.dtype != np.uint8:
        raise SourceError(f"main: received an array of shape {array.shape} and dtype "
                          f"{array.dtype}; expected (h, w, 4) XRGB8888 or (h, w, 3) RGB888")
    return np.ascontiguousarray(array[:, :, :3])


class Picamera2Source(LiveSource):
    """A Raspberry Pi camera: gray frames from ``lores``, BGR ``main`` for annotation."""

    def __init__(self, camera_num: int = 0, *, lores_size: Any = (320, 240),
                 main_size: Any = (1280, 960), with_main: bool = False,
                 main_format: str = "XRGB8888", buffer_count: int = 4,
                 picamera2_class: type | None = None, **live_options: Any) -> None:
        super().__init__(**live_options)
        self.camera_num = int(camera_num)
        self.name = f"picamera2 {self.camera_num}"
        self.lores_size = _check_size("lores_size", lores_size)
        self.main_size = _check_size("main_size", main_size)
        if self.lores_size[0] > self.main_size[0] or self.lores_size[1] > self.main_size[1]:
            raise SourceError(f"lores_size {self.lores_size} must not exceed main_size "
                              f"{self.main_size} (the ISP only scales down)")
        if main_format not in MAIN_FORMATS:
            raise SourceError(f"main_format: received {main_format!r}; expected one of "
                              f"{', '.join(MAIN_FORMATS)}")
        self.main_format = main_format
        self.with_main = bool(with_main)
        self.buffer_count = int(buffer_count)
        self._class = picamera2_class or import_picamera2()
        self._camera: Any = None
        self._start()

    def _open(self) -> None:
        try:
            camera = self._class(self.camera_num)
        except Exception as exc:  # noqa: BLE001 - Picamera2 raises IndexError/RuntimeError
            raise SourceError(f"{self.name} could not be opened: {exc or type(exc).__name__} "
                              f"(no camera connected, cable loose, or busy in another "
                              f"program?)") from None
        try:
            # A preview configuration: continuous capture with a small buffer queue, which is
            # what a reading loop wants (still = one large frame, video = encoder-sized).
            config = camera.create_preview_configuration(
                main={"size": self.main_size, "format": self.main_format},
                lores={"size": self.lores_size, "format": "YUV420"},
                buffer_count=self.buffer_count)
            camera.configure(config)
            camera.start()
        except Exception as exc:  # noqa: BLE001 - libcamera errors surface as RuntimeError
            camera.close()
            raise SourceError(f"{self.name}: cannot start with lores {self.lores_size} YUV420 "
                              f"and main {self.main_size} {self.main_format}: {exc}") from None
        self._camera = camera

    def _grab(self) -> tuple[np.ndarray, np.ndarray | None] | None:
        try:
            if self.with_main:
                # Both arrays from the same request, so the drawing matches what was read.
                (lores, main), _metadata = self._camera.capture_arrays(["lores", "main"])
                return y_plane(lores, self.lores_size[0]), main_bgr(main)
            return y_plane(self._camera.capture_array("lores"), self.lores_size[0]), None
        except SourceError:
            raise
        except Exception:  # noqa: BLE001 - a camera fault (timeout, unplugged): reopen
            return None

    def _release(self) -> None:
        camera, self._camera = self._camera, None
        if camera is None:
            return
        # stop() then close(); a dying camera may fail either: still release what we can.
        for step in (camera.stop, camera.close):
            try:
                step()
            except Exception:  # noqa: BLE001,S112
                continue
