"""The ASGI app: the HTTP JSON API and the demo page, built by ``create_app(config)``.

    >>> from edge_digits.web import WebConfig, create_app
    >>> app = create_app(WebConfig(workers=2))        # loads the model once to check it
    >>> import uvicorn; uvicorn.run(app, port=8080)   # what `edge-digits web` does

Endpoints (the OpenAPI document at ``/openapi.json`` is generated from these routes):

- ``POST /v1/read`` -- an image (bytes or multipart) -> the JSON of ``edge-digits read --json``
- ``POST /v1/postcode?profile=jp`` -- an envelope -> the code, or why it was rejected
- ``POST /v1/classify`` -- a drawn digit -> every class's probability and the 28x28 patch
- ``GET /v1/model`` -- the manifest, the interpreter backend, latency on this device
- ``GET /healthz`` -- liveness (no token needed)
- ``GET /`` -- the page (static files from ``edge_digits/web/static``)

Every answer that is not a result is ``{"error": {"code", "message"}}`` (see ``errors``).
Requests are read by a bounded pool of workers (``workers``); with a token configured every
``/v1`` call must send ``Authorization: Bearer <token>``.
"""
from __future__ import annotations

import asyncio
import contextlib
import hmac
import math
import re
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import EdgeDigitsError
from .config import WebConfig, is_loopback
from .errors import ApiError, api_error, http_error, unexpected_error
from .images import ImageRejected
from .openapi import openapi_document, operation
from .uploads import read_upload
from .workers import Busy, ReaderPool, TimedOut

STATIC = Path(__file__).resolve().parent / "static"
SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "digits_one_line.jpg"

#: the page may load only its own files (no CDN), plus the images it makes itself
PAGE_POLICY = ("default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; "
               "style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; "
               "base-uri 'none'; frame-ancestors 'none'")


def parse_probability(name: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.0 <= value <= 1.0:  # also NaN
        raise ApiError("bad_parameter", f"{name}={text[:40]!r}: expected a number within 0..1")
    return value


def parse_flag(name: str, text: str) -> bool:
    if text not in ("0", "1"):
        raise ApiError("bad_parameter", f"{name}={text[:40]!r}: expected 0 or 1")
    return text == "1"


def query_values(request: Request, allowed: tuple[str, ...]) -> dict[str, str]:
    """The query parameters, refusing unknown or repeated ones (a typo should not pass
    silently)."""
    items = request.query_params.multi_items()
    names = [name for name, _ in items]
    for name in names:
        if name not in allowed:
            expected = ", ".join(allowed) if allowed else "none"
            raise ApiError("bad_parameter", f"unknown parameter {name[:40]!r}; expected: {expected}")
        if names.count(name) > 1:
            raise ApiError("bad_parameter", f"parameter {name!r} is given more than once")
    return dict(items)


def valid_profile(name: str):
    """A bundled postcode profile or ``digits:N``; never a file path (the client's text must
    not name files on the server)."""
    import re

    from ..errors import ConfigError
    from ..postcode import available_profiles, load_profile

    if name not in available_profiles() and not re.fullmatch(r"digits:\d{1,2}", name):
        raise ApiError("bad_parameter", f"profile={name[:40]!r}: expected one of "
                       f"{', '.join(available_profiles())} or digits:N")
    try:
        return load_profile(name)
    except ConfigError as exc:
        raise ApiError("bad_parameter", f"profile={name!r}: {exc}") from None


class Service:
    """The endpoints, over one configuration and one pool of readers."""

    def __init__(self, config: WebConfig) -> None:
        from ..read import DigitReader, ReadOptions

        self.config = config
        options = ReadOptions(threshold=config.threshold)

        def make_reader():
            return DigitReader(config.model_path, options=options, num_threads=config.num_threads)

        # Loaded once here so that a bad model fails before the server starts listening.
        with make_reader() as reader:
            self.model = {
                "model": reader.classifier.model_path.name,
                "backend": reader.backend,
                "threads": reader.classifier.num_threads,
                "labels": list(reader.classifier.labels),
                "input": {"shape": list(reader.classifier.input_shape),
                          "dtype": str(reader.classifier.input_dtype)},
                "manifest": reader.manifest,
            }
        self.pool = ReaderPool(make_reader, config.workers, config.queue_size)
        self.latency: dict | None = None

    # -- lifecycle ---------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def lifespan(self, app):
        import cv2

        from .jobs import measure_latency

        self.pool.start()
        sample = cv2.imread(str(SAMPLE))
        if sample is not None:
            self.latency = await self.pool.run(lambda reader: measure_latency(reader, sample),
                                               timeout=120.0)
        try:
            yield
        finally:
            self.pool.close()

    # -- plumbing --------------------------------------------------------------------
    def authorize(self, request: Request) -> None:
        """With a token configured, the request must carry ``Authorization: Bearer <token>``.
        Without one (loopback), it must be addressed to a loopback name: a web page
        elsewhere cannot reach the API by pointing its own host name at 127.0.0.1 (DNS
        rebinding)."""
        token = self.config.token
        if not token:
            host = request.headers.get("host", "")
            name = host.rsplit(":", 1)[0] if not host.startswith("[") else host[1:].split("]", 1)[0]
            if host and not is_loopback(name):
                raise ApiError("forbidden", f"this service answers requests to 127.0.0.1 or "
                               f"localhost only, not to {host[:60]!r}; to serve other names, "
                               "start it with a token")
            return
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            raise ApiError("unauthorized", "this service needs a token: send the header "
                           "'Authorization: Bearer <token>' (the page asks for it once)",
                           headers={"WWW-Authenticate": 'Bearer realm="edge-digits"'})

    async def in_worker(self, request: Request, function):
        """Run ``function(reader)`` in the pool; its errors as API errors. A client that has
        already left is not given a worker's time."""
        if await request.is_disconnected():
            raise ApiError("bad_request", "the client disconnected before its image was read")
        try:
            return await self.pool.run(function, self.config.timeout)
        except Busy as exc:
            raise ApiError("busy", f"every worker is busy and the queue is full "
                           f"({self.pool.queue_size} waiting): retry after {exc.retry_after} s",
                           headers={"Retry-After": str(exc.retry_after)}) from None
        except TimedOut as exc:
            retry = self.pool.retry_after()
            raise ApiError("timeout", f"{exc}: the service is overloaded or the image too large",
                           headers={"Retry-After": str(retry)}) from None
        except ImageRejected as exc:
            raise ApiError(exc.code, exc.message) from None
        except EdgeDigitsError as exc:  # a frame the reader refuses (too small, ...)
            raise ApiError("bad_image", str(exc)) from None

    async def upload(self, request: Request):
        """The request's image bytes, which must arrive within the timeout (a client that
        sends its body slowly holds no worker, but it must not hold the connection forever)."""
        try:
            return await asyncio.wait_for(read_upload(request, self.config.max_body_bytes),
                                          self.config.timeout)
        except asyncio.TimeoutError:
            raise ApiError("request_timeout", f"the body did not arrive within "
                           f"{self.config.timeout:g} s") from None

    def threshold(self, values: dict) -> float:
        if "threshold" in values:
            return parse_probability("threshold", values["threshold"])
        return self.config.threshold

    # -- endpoints --------------------------------------------------------------------
    @operation("Read the digit strings of an image", body="image", result="Reading",
               parameters=("threshold", "partial"))
    async def read(self, request: Request) -> JSONResponse:
        from .jobs import read_frame

        self.authorize(request)
        values = query_values(request, ("threshold", "partial"))
        threshold = self.threshold(values)
        partial = parse_flag("partial", values.get("partial", "0"))
        upload = await self.upload(request)
        result = await self.in_worker(request, lambda reader: read_frame(
            reader, upload.data, threshold=threshold, max_pixels=self.config.max_pixels,
            name=upload.name, partial=partial))
        return JSONResponse(result)

    @operation("Read the postal code of an envelope or postcard", body="image",
               result="Postcode", parameters=("profile", "threshold", "margin"))
    async def postcode(self, request: Request) -> JSONResponse:
        from ..postcode import PostcodeOptions
        from .jobs import read_postcode_frame

        self.authorize(request)
        values = query_values(request, ("profile", "threshold", "margin"))
        if "profile" not in values:
            raise ApiError("bad_parameter", "missing parameter 'profile' (e.g. ?profile=jp)")
        profile = valid_profile(values["profile"])
        defaults = PostcodeOptions()
        options = PostcodeOptions(
            threshold=parse_probability("threshold", values.get("threshold", str(defaults.threshold))),
            margin=parse_probability("margin", values.get("margin", str(defaults.margin))))
        upload = await self.upload(request)
        result = await self.in_worker(request, lambda reader: read_postcode_frame(
            reader, upload.data, profile=profile, options=options,
            max_pixels=self.config.max_pixels, name=upload.name))
        return JSONResponse(result)

    @operation("Classify a drawn digit: every class's probability and the 28x28 patch",
               body="image", result="Classification", parameters=("threshold",))
    async def classify(self, request: Request) -> JSONResponse:
        from .jobs import classify_drawing

        self.authorize(request)
        threshold = self.threshold(query_values(request, ("threshold",)))
        upload = await self.upload(request)
        result = await self.in_worker(request, lambda reader: classify_drawing(
            reader, upload.data, threshold=threshold, max_pixels=self.config.max_pixels))
        return JSONResponse(result)

    @operation("The model's manifest, the interpreter backend and latency on this device",
               result="Model")
    async def model_info(self, request: Request) -> JSONResponse:
        from ..postcode import available_profiles

        self.authorize(request)
        query_values(request, ())
        median = self.pool.median_seconds()
        return JSONResponse({
            **self.model,
            "threshold": self.config.threshold,
            "workers": self.pool.workers,
            "queue_size": self.pool.queue_size,
            "timeout": self.config.timeout,
            "max_body_bytes": self.config.max_body_bytes,
            "max_pixels": self.config.max_pixels,
            "profiles": available_profiles(),
            "latency": {"measured_at_start": self.latency,
                        "requests": {"completed": self.pool.completed,
                                     "median_ms": None if median is None else round(median * 1e3, 2)}},
        })

    @operation("Liveness: the workers and the queue (no token needed)", result="Health",
               auth=False)
    async def healthz(self, request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "workers": self.pool.workers,
                             "waiting": self.pool.waiting, "completed": self.pool.completed})

    async def page(self, request: Request) -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html",
                            headers={"Content-Security-Policy": PAGE_POLICY,
                                     "X-Content-Type-Options": "nosniff",
                                     "Cache-Control": "no-cache"})

    def routes(self) -> list:
        return [
            Route("/v1/read", self.read, methods=["POST"]),
            Route("/v1/postcode", self.postcode, methods=["POST"]),
            Route("/v1/classify", self.classify, methods=["POST"]),
            Route("/v1/model", self.model_info, methods=["GET"]),
            Route("/healthz", self.healthz, methods=["GET"]),
            Route("/", self.page, methods=["GET"]),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ]


def create_app(config: WebConfig | None = None) -> Starlette:
    """The ASGI app for ``config`` (default: loopback, the bundled model).

    Raises
    ------
    ModelError, BackendError
        The model cannot be loaded (checked here, before the server starts).
    """
    config = config or WebConfig()
    service = Service(config)
    routes = service.routes()
    document = openapi_document(routes)

    async def openapi(request: Request) -> JSONResponse:
        return JSONResponse(document)

    routes.append(Route("/openapi.json", openapi, methods=["GET"], include_in_schema=False))
    app = Starlette(routes=routes, lifespan=service.lifespan, exception_handlers={
        ApiError: api_error, HTTPException: http_error, Exception: unexpected_error})
    app.router.redirect_slashes = False  # /v1/read/ is an unknown path (404), not a 307
    app.state.service = service
    return app
