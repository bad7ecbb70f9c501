"""The OpenAPI 3.1 document, generated from the app's routes.

Each endpoint carries its description, set with ``@operation(...)`` where it is defined:

    @operation("Read the digit strings of an image", body="image", result="Reading",
               parameters=("threshold",))
    async def read(self, request): ...

:func:`openapi_document` walks the routes and writes one operation per (path, method), with
the query parameters, the request body and the result and error schemas named here. A route
without ``@operation`` (the page, the static files) is not part of the API.
"""
from __future__ import annotations

from .errors import CODES
from .uploads import IMAGE_TYPES

_BOX = {"type": "array", "items": {"type": "integer"}, "minItems": 4, "maxItems": 4,
        "description": "x, y, width, height in frame pixels"}
_DIGIT = {"type": "object", "required": ["value", "confidence", "box"], "properties": {
    "value": {"type": ["integer", "null"], "description": "0-9, or null when rejected (shown as ?)"},
    "confidence": {"type": "number"}, "box": _BOX}}

SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "additionalProperties": False,
              "properties": {"error": {
                  "type": "object", "required": ["code", "message"], "additionalProperties": False,
                  "properties": {"code": {"type": "string", "enum": sorted(CODES)},
                                 "message": {"type": "string"}}}}},
    "Reading": {
        "type": "object", "description": "What `edge-digits read --json` prints for one frame",
        "required": ["name", "index", "text", "confidence", "frame_size", "seconds", "unread",
                     "strings"],
        "properties": {
            "name": {"type": "string"}, "index": {"type": "integer"},
            "text": {"type": "string", "description": "all strings, top to bottom, space-separated"},
            "confidence": {"type": "number"},
            "frame_size": {"type": "array", "items": {"type": "integer"}},
            "seconds": {"type": "number"},
            "unread": {"type": "array", "items": _BOX,
                       "description": "when nothing is reported because of them: boxes of "
                                      "writing that looks like digits the reader could not "
                                      "read whole (a person should look); else empty"},
            "strings": {"type": "array", "items": {
                "type": "object", "required": ["text", "confidence", "box", "digits"],
                "properties": {"text": {"type": "string"}, "confidence": {"type": "number"},
                               "box": _BOX, "digits": {"type": "array", "items": _DIGIT}}}}}},
    "Postcode": {
        "type": "object", "description": "What `edge-digits postcode --json` prints for one frame",
        "required": ["name", "index", "code", "text", "confidence", "accepted", "reason", "detail",
                     "profile", "field", "box", "digits", "candidates", "frame_size", "seconds"],
        "properties": {
            "name": {"type": "string"}, "index": {"type": "integer"},
            "code": {"type": ["string", "null"]}, "text": {"type": "string"},
            "confidence": {"type": "number"}, "accepted": {"type": "boolean"},
            "reason": {"type": ["string", "null"]}, "detail": {"type": "string"},
            "profile": {"type": "string"}, "field": {"type": ["string", "null"]},
            "box": {"oneOf": [_BOX, {"type": "null"}]},
            "digits": {"type": "array", "items": _DIGIT}, "candidates": {"type": "integer"},
            "frame_size": {"type": "array", "items": {"type": "integer"}},
            "seconds": {"type": "number"}}},
    "Classification": {
        "type": "object",
        "required": ["decision", "value", "best", "confidence", "threshold", "labels",
                     "probabilities", "normalized", "frame_size", "seconds"],
        "properties": {
            "decision": {"type": "string", "enum": ["digit", "not sure", "not a digit", "empty"]},
            "value": {"type": ["integer", "null"]},
            "best": {"type": "string", "description": "the likeliest class's label"},
            "confidence": {"type": "number"}, "threshold": {"type": "number"},
            "labels": {"type": "array", "items": {"type": "string"}},
            "probabilities": {"type": "array", "items": {"type": "number"},
                              "description": "one per label, in the same order"},
            "normalized": {"type": "object", "required": ["width", "height", "png_base64"],
                           "description": "the 28x28 patch the model sees (normalize_digit)",
                           "properties": {"width": {"type": "integer"}, "height": {"type": "integer"},
                                          "png_base64": {"type": "string"}}},
            "frame_size": {"type": "array", "items": {"type": "integer"}},
            "seconds": {"type": "number"}}},
    "Model": {
        "type": "object",
        "required": ["model", "backend", "threads", "labels", "input", "manifest", "threshold",
                     "workers", "queue_size", "timeout", "max_body_bytes", "max_pixels",
                     "profiles", "latency"],
        "properties": {
            "model": {"type": "string"}, "backend": {"type": "string"},
            "threads": {"type": "integer"}, "labels": {"type": "array", "items": {"type": "string"}},
            "input": {"type": "object"}, "manifest": {"type": ["object", "null"]},
            "threshold": {"type": "number"}, "workers": {"type": "integer"},
            "queue_size": {"type": "integer"}, "timeout": {"type": "number"},
            "max_body_bytes": {"type": "integer"}, "max_pixels": {"type": "integer"},
            "profiles": {"type": "array", "items": {"type": "string"}},
            "latency": {"type": "object"}}},
    "Health": {"type": "object", "required": ["status", "workers", "waiting", "completed"],
               "properties": {"status": {"const": "ok"}, "workers": {"type": "integer"},
                              "waiting": {"type": "integer"}, "completed": {"type": "integer"}}},
}

PARAMETERS = {
    "threshold": {"description": "reject a digit below this probability (default: the "
                                 "service's --threshold)",
                  "schema": {"type": "number", "minimum": 0, "maximum": 1}},
    "profile": {"description": "postal-code profile: jp, us, fr, de, hu or digits:N",
                "required": True, "schema": {"type": "string", "examples": ["jp"]}},
    "partial": {"description": "1: report a string with unread digits among the read ones "
                               "as it is (1?34); 0 (default): the frame reports nothing and "
                               "names it in 'unread'",
                "schema": {"type": "integer", "enum": [0, 1]}},
    "margin": {"description": "reject when a second code scores within this of the best",
               "schema": {"type": "number", "minimum": 0, "maximum": 1}},
}

_BINARY = {"type": "string", "contentMediaType": "application/octet-stream"}
IMAGE_BODY = {
    "required": True,
    "description": "A JPEG, PNG, BMP or WebP image: its bytes, or a multipart form with one "
                   "file part (field 'image'). Size and pixels are checked before decoding.",
    "content": {**{media: {"schema": _BINARY} for media in sorted(IMAGE_TYPES) if media},
                "multipart/form-data": {"schema": {
                    "type": "object", "required": ["image"],
                    "properties": {"image": {"type": "string", "format": "binary"}}}}},
}


def operation(summary: str, *, result: str, body: str | None = None,
              parameters: tuple[str, ...] = (), auth: bool = True):
    """Describe an endpoint for the OpenAPI document (see the module docstring)."""
    def mark(function):
        function.openapi = {"summary": summary, "result": result, "body": body,
                            "parameters": parameters, "auth": auth}
        return function
    return mark


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _operation(name: str, spec: dict) -> dict:
    responses = {"200": {"description": spec["summary"], "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{spec['result']}"}}}}}
    if spec["auth"]:  # every /v1 call refuses unknown query parameters
        responses["400"] = _error("not an image, bad multipart or a bad parameter")
    if spec["auth"]:
        responses["401"] = _error("the token is missing or wrong")
        responses["403"] = _error("without a token: a request addressed to a name other than "
                                  "127.0.0.1 or localhost")
    if spec["body"]:
        responses["408"] = _error("the body did not arrive within the timeout")
        responses["413"] = _error("the body or the declared pixel count is over the limit")
        responses["415"] = _error("a content type or image format the service does not read")
        responses["503"] = _error("busy (queue full) or timed out; see Retry-After")
    operation = {"operationId": name, "summary": spec["summary"], "responses": responses,
                 "parameters": [{"name": p, "in": "query", "required": False, **PARAMETERS[p]}
                                for p in spec["parameters"]]}
    if spec["body"]:
        operation["requestBody"] = IMAGE_BODY
    operation["security"] = [{"bearer": []}] if spec["auth"] else []
    return operation


def openapi_document(routes) -> dict:
    """The OpenAPI document of ``routes`` (Starlette routes; those without ``@operation``
    are left out)."""
    from .. import __version__

    paths: dict = {}
    for route in routes:
        spec = getattr(getattr(route, "endpoint", None), "openapi", None)
        if spec is None:
            continue
        for method in sorted(route.methods - {"HEAD"}):
            paths.setdefault(route.path, {})[method.lower()] = _operation(route.endpoint.__name__, spec)
    return {
        "openapi": "3.1.0",
        "info": {"title": "edge-digits", "version": __version__,
                 "description": "Read handwritten digits from images: strings, postal codes, "
                                "single drawn digits. Every error is {\"error\": {\"code\", "
                                "\"message\"}}."},
        "paths": paths,
        "components": {"schemas": SCHEMAS,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                      "description": "needed when the service "
                                                      "was started with a token"}}},
    }
