"""Uploaded image bytes -> a frame, with the size checked from the header before decoding.

    >>> header = image_header(data)                  # format, width, height: no decoding
    >>> frame = decode_image(data, max_pixels=25_000_000)     # BGR uint8, or ImageRejected

A 20-byte PNG header can declare 100,000 x 100,000 pixels, and a few kilobytes of
compressed data can decode into gigabytes, so the pixel count is read from the header of
PNG, JPEG, BMP and WebP files (the formats the service accepts) and checked against the
limit before any decoder runs. Other recognizable formats (GIF, TIFF, HEIC, ...) are named in
the rejection; bytes of no known format are "not an image".

Every rejection is an :class:`ImageRejected` with the HTTP status, a short machine-readable
``code`` and a message saying what was received and what is expected.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

from ..frame import flatten_decoded

#: the formats decoded, by the name used in messages
FORMATS = ("png", "jpeg", "bmp", "webp")

#: formats recognized by their first bytes but not accepted (name, magic prefix)
_OTHER_FORMATS = (
    ("gif", b"GIF87a"), ("gif", b"GIF89a"), ("tiff", b"II*\x00"), ("tiff", b"MM\x00*"),
    ("jpeg 2000", b"\x00\x00\x00\x0cjP  "), ("ico", b"\x00\x00\x01\x00"),
    ("pdf", b"%PDF"), ("svg", b"<svg"), ("svg", b"<?xml"),
)

#: JPEG start-of-frame markers (baseline, progressive, lossless, arithmetic): not C4, C8, CC
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}

ACCEPTED = "a JPEG, PNG, BMP or WebP image"


class ImageRejected(ValueError):
    """Uploaded bytes that are not an image the service reads (``status``: 400, 413, 415)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True, slots=True)
class ImageHeader:
    """What an image's header declares."""

    format: str  #: one of FORMATS
    width: int
    height: int

    @property
    def pixels(self) -> int:
        return self.width * self.height


def sniff_format(data: bytes) -> str | None:
    """The format of ``data`` from its first bytes: one of FORMATS, another format's name,
    or None when the bytes start like no image format known here."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"BM"):
        return "bmp"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"avif", b"msf1"):
        return "avif" if data[8:12] == b"avif" else "heic"
    head = data[:64].lstrip()
    for name, magic in _OTHER_FORMATS:
        if data.startswith(magic) or (name == "svg" and head.startswith(magic)):
            return name
    return None


def image_header(data: bytes) -> ImageHeader:
    """The format and declared size of ``data``, read from its header alone.

    Raises
    ------
    ImageRejected
        415 ``unsupported_type`` for a recognized format the service does not read; 400
        ``not_an_image`` for bytes of no known format, a truncated or malformed header, or a
        declared size of zero.
    """
    if not data:
        raise ImageRejected(400, "not_an_image", f"the image is empty (0 bytes); expected {ACCEPTED}")
    kind = sniff_format(data)
    if kind is None:
        start = data[:8].hex(" ")
        raise ImageRejected(400, "not_an_image", f"the {len(data)} bytes received are not an "
                            f"image (they start with {start}); expected {ACCEPTED}")
    if kind not in FORMATS:
        raise ImageRejected(415, "unsupported_type", f"received a {kind.upper()} image; expected "
                            f"{ACCEPTED} (convert it first)")
    try:
        width, height = _SIZE_READERS[kind](data)
    except (struct.error, IndexError):
        width = height = None
    if not width or not height or width < 0 or height < 0:
        raise ImageRejected(400, "not_an_image", f"the {kind.upper()} header is truncated or "
                            f"malformed ({len(data)} bytes); expected {ACCEPTED}")
    return ImageHeader(kind, width, height)


def _png_size(data: bytes) -> tuple[int, int]:
    if data[12:16] != b"IHDR":
        return 0, 0
    return struct.unpack(">II", data[16:24])


def _jpeg_size(data: bytes) -> tuple[int, int]:
    """The size in the first start-of-frame segment, walking the segments before it."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return 0, 0  # not at a marker: malformed
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            at += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, or scan data before any frame header
            return 0, 0
        (length,) = struct.unpack(">H", data[at + 2:at + 4])
        if length < 2:
            return 0, 0
        if marker in _JPEG_SOF:
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return width, height
        at += 2 + length
    return 0, 0


def _bmp_size(data: bytes) -> tuple[int, int]:
    (header_size,) = struct.unpack("<I", data[14:18])
    if header_size == 12:  # OS/2 BITMAPCOREHEADER: 16-bit unsigned sides
        return struct.unpack("<HH", data[18:22])
    if header_size < 40:
        return 0, 0
    width, height = struct.unpack("<ii", data[18:26])
    return width, abs(height)  # a negative height is a top-down bitmap


def _webp_size(data: bytes) -> tuple[int, int]:
    chunk = data[12:16]
    if chunk == b"VP8 ":  # lossy: a key frame's start code, then 14-bit sides
        if data[23:26] != b"\x9d\x01\x2a":
            return 0, 0
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":  # lossless: signature 0x2f, then width-1 and height-1, 14 bits each
        if data[20] != 0x2F:
            return 0, 0
        (bits,) = struct.unpack("<I", data[21:25])
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":  # extended: the canvas size, 24 bits each, minus one
        if len(data) < 30:
            return 0, 0
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return 0, 0


_SIZE_READERS = {"png": _png_size, "jpeg": _jpeg_size, "bmp": _bmp_size, "webp": _webp_size}


def check_size(header: ImageHeader, max_pixels: int) -> None:
    """413 ``too_many_pixels`` when the declared size exceeds ``max_pixels``."""
    if header.pixels > max_pixels:
        raise ImageRejected(413, "too_many_pixels", f"the {header.format.upper()} declares "
                            f"{header.width}x{header.height} pixels ({header.pixels / 1e6:.1f} MP); "
                            f"the limit is {max_pixels / 1e6:.1f} MP: send a smaller image")


def decode_image(data: bytes, max_pixels: int) -> np.ndarray:
    """Decode ``data`` (JPEG, PNG, BMP, WebP) into a BGR uint8 frame, checking the declared
    size against ``max_pixels`` first.

    JPEGs are turned upright by their EXIF orientation, as phones and browsers show them.
    Transparent pixels are laid over white (a drawing on a transparent canvas is dark ink on
    paper, not ink on black); 16-bit images keep their top 8 bits.

    Raises
    ------
    ImageRejected
        See :func:`image_header` and :func:`check_size`; also 400 ``not_an_image`` when
        the decoder cannot read the data (truncated, corrupt).
    """
    import cv2

    header = image_header(data)
    check_size(header, max_pixels)
    buffer = np.frombuffer(data, np.uint8)
    flags = cv2.IMREAD_COLOR if header.format == "jpeg" else cv2.IMREAD_UNCHANGED
    try:
        image = cv2.imdecode(buffer, flags)
    except cv2.error:
        image = None
    if image is None or image.size == 0:
        raise ImageRejected(400, "not_an_image", f"the {header.format.upper()} image "
                            f"({len(data)} bytes, {header.width}x{header.height} declared) could not "
                            "be decoded: it is truncated or corrupt")
    if image.shape[0] * image.shape[1] > max_pixels:  # a decoder that disagreed with the header
        check_size(ImageHeader(header.format, image.shape[1], image.shape[0]), max_pixels)
    frame = flatten_decoded(image)
    return frame if frame.ndim == 3 else cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
