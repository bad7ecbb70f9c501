"""edge_digits.web.images: sizes from headers (no decoding), limits before decoding."""
from __future__ import annotations

import struct
import zlib

import cv2
import numpy as np
import pytest

pytest.importorskip("starlette", reason="the web extra is not installed: pip install -e '.[web]'")

from edge_digits.web.images import (ImageRejected, check_size, decode_image, image_header,
                                    sniff_format)
from web_support import SAMPLES, encode


def frame(width, height, channels=3, seed=0):
    rng = np.random.default_rng(seed)
    shape = (height, width) if channels == 1 else (height, width, channels)
    return rng.integers(0, 256, shape, dtype=np.uint8)


ENCODINGS = {
    "png": (".png",), "jpeg": (".jpg",), "bmp": (".bmp",),
    "webp": (".webp", cv2.IMWRITE_WEBP_QUALITY, 80),          # lossy: VP8
    "webp-lossless": (".webp", cv2.IMWRITE_WEBP_QUALITY, 101),  # VP8L
}


@pytest.mark.parametrize("kind", list(ENCODINGS))
@pytest.mark.parametrize("size", [(8, 8), (640, 480), (37, 1001), (4000, 3)])
def test_header_size_is_the_decoded_size(kind, size):
    width, height = size
    data = encode(frame(width, height), *ENCODINGS[kind])
    header = image_header(data)
    assert header.format == kind.split("-")[0]
    assert (header.width, header.height) == size
    decoded = decode_image(data, max_pixels=width * height)
    assert decoded.shape == (height, width, 3) and decoded.dtype == np.uint8


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.jpg")), ids=lambda p: p.name)
def test_bundled_samples(path):
    header = image_header(path.read_bytes())
    assert (header.format, header.width, header.height) == ("jpeg", 640, 480)


def png_header(width, height, idat=b""):
    """A PNG that declares ``width`` x ``height`` (8-bit gray) with the given IDAT data."""
    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + \
            struct.pack(">I", zlib.crc32(kind + payload))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_a_tiny_png_declaring_ten_gigapixels_is_refused_before_decoding():
    # a zlib stream of zeros: 10 MB of a 100,000 x 100,000 image in a few kB (a bomb)
    bomb = png_header(100_000, 100_000, zlib.compress(b"\x00" * 10_000_000, 9))
    assert len(bomb) < 20_000
    with pytest.raises(ImageRejected) as caught:
        decode_image(bomb, max_pixels=25_000_000)
    assert caught.value.status == 413 and caught.value.code == "too_many_pixels"
    assert "100000x100000" in caught.value.message
    assert image_header(bomb[:24]).pixels == 10 ** 10  # the first 24 bytes say it all


def forged_jpeg(width, height):
    """SOI, an APP0 segment, then a baseline SOF declaring width x height."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def forged_bmp(width, height, top_down=False):
    info = struct.pack("<IiiHHIIiiII", 40, width, -height if top_down else height, 1, 24, 0, 0,
                       0, 0, 0, 0)
    return b"BM" + struct.pack("<IHHI", 54 + len(info), 0, 0, 54) + info


def forged_webp(kind, width, height):
    if kind == "VP8X":
        payload = b"\x00\x00\x00\x00" + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    elif kind == "VP8L":
        bits = (width - 1) | ((height - 1) << 14)
        payload = b"\x2f" + struct.pack("<I", bits)
    else:
        payload = b"\x00\x00\x00\x9d\x01\x2a" + struct.pack("<HH", width, height)
    chunk = kind.encode().ljust(4) + struct.pack("<I", len(payload)) + payload
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


@pytest.mark.parametrize("data, size", [
    (forged_jpeg(60_000, 60_000), (60_000, 60_000)),
    (forged_bmp(50_000, 40_000), (50_000, 40_000)),
    (forged_bmp(50_000, 40_000, top_down=True), (50_000, 40_000)),
    (forged_webp("VP8X", 16_000_000, 16_000_000), (16_000_000, 16_000_000)),
    (forged_webp("VP8L", 16_384, 16_384), (16_384, 16_384)),
    (forged_webp("VP8 ", 16_383, 16_383), (16_383, 16_383)),
], ids=["jpeg", "bmp", "bmp-top-down", "webp-vp8x", "webp-vp8l", "webp-vp8"])
def test_forged_headers_are_measured_and_refused(data, size):
    header = image_header(data)
    assert (header.width, header.height) == size
    with pytest.raises(ImageRejected) as caught:
        check_size(header, 25_000_000)
    assert caught.value.status == 413


@pytest.mark.parametrize("data, name", [
    (b"GIF89a\x01\x00\x01\x00", "gif"), (b"II*\x00\x08\x00\x00\x00", "tiff"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00", "heic"), (b"%PDF-1.7", "pdf"),
    (b"  <svg xmlns='http://www.w3.org/2000/svg'/>", "svg"),
])
def test_other_formats_are_named_and_unsupported(data, name):
    assert sniff_format(data) == name
    with pytest.raises(ImageRejected) as caught:
        image_header(data)
    assert caught.value.status == 415 and name.upper() in caught.value.message


@pytest.mark.parametrize("data", [b"", b"hello world", b"\x00" * 100, b"{\"image\": 1}"])
def test_bytes_of_no_format_are_not_an_image(data):
    with pytest.raises(ImageRejected) as caught:
        image_header(data)
    assert caught.value.status == 400 and caught.value.code == "not_an_image"


@pytest.mark.parametrize("kind", list(ENCODINGS))
def test_every_truncation_is_a_clear_rejection_or_a_frame(kind):
    data = encode(frame(64, 48), *ENCODINGS[kind])
    for cut in sorted(set(range(0, min(len(data), 64))) | set(range(64, len(data), 97))):
        try:
            image = decode_image(data[:cut], max_pixels=10_000)
        except ImageRejected as rejected:
            assert rejected.status == 400 and rejected.code == "not_an_image", rejected.message
        else:  # a decoder may fill the missing rows (JPEG): still the declared frame
            assert image.shape == (48, 64, 3)


def test_alpha_is_laid_over_white_and_16_bit_kept_to_8():
    drawing = np.zeros((40, 40, 4), np.uint8)       # transparent black everywhere
    drawing[10:30, 18:22] = (0, 0, 0, 255)          # an opaque black stroke
    image = decode_image(encode(drawing), max_pixels=10_000)
    assert image[0, 0].tolist() == [255, 255, 255] and image[20, 20].tolist() == [0, 0, 0]
    deep = np.full((20, 20), 40000, np.uint16)
    assert decode_image(encode(deep), max_pixels=10_000)[0, 0].tolist() == [156] * 3


def test_jpeg_exif_orientation_is_applied():
    image = frame(80, 40)
    data = bytearray(encode(image, ".jpg"))
    # an APP1 Exif segment with Orientation = 6 (rotate 90 clockwise), after SOI
    ifd = b"MM\x00*\x00\x00\x00\x08\x00\x01" + b"\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00" + b"\x00\x00\x00\x00"
    app1 = b"\xff\xe1" + struct.pack(">H", 2 + 6 + len(ifd)) + b"Exif\x00\x00" + ifd
    data[2:2] = app1
    assert image_header(bytes(data)).width == 80     # the header's own size ...
    assert decode_image(bytes(data), max_pixels=10_000).shape == (80, 40, 3)  # ... turned upright
