"""The image of a request: raw bytes or a multipart form, bounded before it is read.

    >>> upload = await read_upload(request, max_body_bytes=16 << 20)
    >>> upload.data, upload.name                     # bytes (not yet decoded), a file name

Accepted bodies: the image's bytes with ``Content-Type`` ``image/jpeg``, ``image/png``,
``image/bmp``, ``image/webp``, ``application/octet-stream`` or none; or
``multipart/form-data`` with one file part (any field name; ``image`` by convention). The
content type is checked first (415 for any other), the ``Content-Length`` next (413 before
a byte is read), then the body is read in chunks and refused at the limit (bodies sent
without a length). Whether the bytes are an image, and of what size, is
:mod:`edge_digits.web.images`' business.
"""
from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect, Request

from .errors import ApiError
from .images import ACCEPTED

#: declared content types taken as an image body (the bytes decide the format)
IMAGE_TYPES = frozenset({"image/jpeg", "image/jpg", "image/pjpeg", "image/png", "image/bmp",
                         "image/x-bmp", "image/x-ms-bmp", "image/webp",
                         "application/octet-stream", ""})
MULTIPART = "multipart/form-data"


@dataclass(frozen=True, slots=True)
class Upload:
    """An uploaded image, not yet decoded."""

    data: bytes
    name: str  #: the part's file name, else "upload"
    content_type: str  #: as declared ("" when none)


def media_type(value: str | None) -> str:
    """``'image/png; charset=x'`` -> ``'image/png'``."""
    return (value or "").split(";", 1)[0].strip().lower()


def check_image_type(declared: str, where: str = "Content-Type") -> None:
    """415 for a declared type that is not an image the service reads."""
    if declared in IMAGE_TYPES:
        return
    hint = "" if declared.startswith("image/") else f" or a {MULTIPART} form with the image as a file"
    raise ApiError("unsupported_type", f"{where} {declared!r} is not accepted; send {ACCEPTED} "
                   f"(image/jpeg, image/png, image/bmp, image/webp){hint}")


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing more than ``limit`` bytes before and while reading it."""
    length = request.headers.get("content-length")
    if length is not None:
        if not length.strip().isdigit():
            raise ApiError("bad_request", f"Content-Length {length[:40]!r} is not a number of bytes")
        if int(length) > limit:
            raise ApiError("too_large", f"the body is {int(length)} bytes; the limit is {limit} "
                           "bytes: send a smaller image")
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise ApiError("too_large", f"the body is over {limit} bytes, the limit: send a "
                               "smaller image")
            chunks.append(chunk)
    except ClientDisconnect:
        raise ApiError("bad_request", "the client disconnected before the body was complete") from None
    return b"".join(chunks)


async def read_upload(request: Request, max_body_bytes: int) -> Upload:
    """The image sent with ``request`` (see the module docstring)."""
    declared = media_type(request.headers.get("content-type"))
    if declared != MULTIPART:
        check_image_type(declared)
    body = await read_body(request, max_body_bytes)
    if declared != MULTIPART:
        return Upload(body, "upload", declared)
    return await _multipart_file(request, body, max_body_bytes)


async def _multipart_file(request: Request, body: bytes, limit: int) -> Upload:
    """The one file part of a multipart body already read into ``body``."""
    sent = False

    async def replay():  # the buffered body, once, as the ASGI server would deliver it
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    form_request = Request(request.scope, replay)
    try:
        form = await form_request.form(max_files=1, max_fields=20, max_part_size=limit)
    except Exception as exc:  # any failure to parse the client's multipart is a bad request
        detail = getattr(exc, "detail", None) or getattr(exc, "message", None) or str(exc)
        raise ApiError("bad_multipart", f"the {MULTIPART} body could not be parsed: {detail}; "
                       "send one file part (field 'image')") from None
    try:
        files = [value for _, value in form.multi_items() if isinstance(value, UploadFile)]
        if not files:
            raise ApiError("bad_multipart", f"the {MULTIPART} body has no file part; send the "
                           "image as a file field named 'image'")
        upload = files[0]
        declared = media_type(upload.content_type)
        check_image_type(declared, where="the file part's Content-Type")
        data = await upload.read()
        return Upload(data, upload.filename or "upload", declared)
    finally:
        await form.close()
