"""One JSON error shape for every answer that is not a result.

    {"error": {"code": "too_many_pixels", "message": "the PNG declares 100000x100000 ..."}}

``code`` is short and stable (clients branch on it), ``message`` says what was received
and what is expected. Handlers raise :class:`ApiError`; the app's exception handlers turn
it, Starlette's own HTTP errors (404, 405) and anything unexpected (500, logged) into
this shape, never an HTML page or a traceback.
"""
from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

log = logging.getLogger("edge_digits.web")

#: every error code the service answers with, and its HTTP status
CODES = {
    "bad_request": 400,
    "not_an_image": 400,
    "bad_image": 400,
    "bad_multipart": 400,
    "bad_parameter": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "request_timeout": 408,
    "too_large": 413,
    "too_many_pixels": 413,
    "unsupported_type": 415,
    "internal": 500,
    "busy": 503,
    "timeout": 503,
}

_BY_STATUS = {400: "bad_request", 401: "unauthorized", 404: "not_found",
              405: "method_not_allowed", 413: "too_large", 415: "unsupported_type"}


class ApiError(Exception):
    """An answer that is not a result: ``code`` (a key of CODES) and a message."""

    def __init__(self, code: str, message: str, headers: dict | None = None) -> None:
        super().__init__(message)
        self.code, self.message = code, message
        self.status = CODES[code]
        self.headers = headers or {}


def error_response(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status,
                        headers=headers)


async def api_error(request: Request, exc: ApiError) -> JSONResponse:
    return error_response(exc.status, exc.code, exc.message, exc.headers)


async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
    """Starlette's own errors (unknown path, wrong method, ...), in the same shape."""
    code = _BY_STATUS.get(exc.status_code, "bad_request" if exc.status_code < 500 else "internal")
    message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if exc.status_code == 404:
        message = f"no such path: {request.url.path}"
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
    return error_response(exc.status_code, code, message, dict(exc.headers or {}))


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    """A bug, not a bad request: logged with its traceback, answered without it."""
    log.error("unexpected error on %s %s: %s: %s", request.method, request.url.path,
              type(exc).__name__, exc, exc_info=exc)
    return error_response(500, "internal", "the service failed on this request; the log has "
                          "the details")
