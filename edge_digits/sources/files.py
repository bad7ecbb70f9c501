"""Still images: one file (:class:`ImageFileSource`) or a directory of them
(:class:`DirectorySource`), decoded by OpenCV with one-line errors."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import cv2
import numpy as np

from ..errors import SourceError
from ..frame import flatten_decoded
from .base import IMAGE_SUFFIXES, Frame, FrameSource


def read_image_file(path: Path) -> np.ndarray:
    """Read an image file as (H, W) gray or (H, W, 3) BGR uint8, or raise SourceError.

    Transparent pixels are laid over white and 16-bit images keep their top 8 bits
    (:func:`edge_digits.frame.flatten_decoded`): a drawing saved on a transparent canvas
    reads as ink on paper."""
    try:
        # imdecode on the bytes, not imread: works for any path (non-ASCII on Windows) and
        # lets us tell "cannot open" from "not an image".
        data = np.fromfile(str(path), dtype=np.uint8)
    except OSError as exc:
        raise SourceError(f"cannot open image {path}: {exc.strerror or exc}") from None
    from ..classify import native_stderr_silenced

    try:
        # libpng / libjpeg print their own "libpng error: IDAT: CRC error" on fd 2: our
        # SourceError is the one line that reports a corrupt file
        with native_stderr_silenced():
            # JPEGs as before (turned upright by their EXIF orientation, which UNCHANGED
            # would ignore); other formats with their alpha and depth, flattened below
            jpeg = data[:3].tobytes() == b"\xff\xd8\xff"
            image = cv2.imdecode(data, cv2.IMREAD_ANYCOLOR if jpeg else cv2.IMREAD_UNCHANGED) \
                if data.size else None
    except cv2.error as exc:  # e.g. a header declaring more pixels than OpenCV allows
        reason = str(exc).strip().splitlines()[-1].split("error: ")[-1][:160]
        raise SourceError(f"cannot decode image {path} ({data.size} bytes): OpenCV refused "
                          f"it ({reason}); a corrupt file or a declared size too large") from None
    if image is None or image.size == 0:
        raise SourceError(f"cannot decode image {path} ({data.size} bytes): the file is empty, "
                          f"corrupt or not an image format OpenCV reads")
    return flatten_decoded(image)


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
