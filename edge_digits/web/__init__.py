"""The demo page and the HTTP JSON API: ``edge-digits web``.

    >>> from edge_digits.web import WebConfig, create_app, serve
    >>> serve(WebConfig(port=8080))                   # blocks; Ctrl-C stops it

Modules: ``config`` (settings), ``app`` (routes and endpoints, ``create_app``), ``uploads``
(the request body, bounded), ``images`` (header sizes, decoding), ``jobs`` (what a worker
does per endpoint), ``workers`` (the pool of readers), ``errors`` (the one error shape),
``openapi`` (the document from the routes), ``server`` (uvicorn), ``static/`` (the page).
Needs the ``web`` extra: ``pip install 'edge-digits[web]'``.
"""
from __future__ import annotations

from .config import WebConfig

__all__ = ["WebConfig", "create_app", "serve"]


def __getattr__(name: str):
    if name == "create_app":
        from .app import create_app
        return create_app
    if name == "serve":
        from .server import serve
        return serve
    raise AttributeError(f"module 'edge_digits.web' has no attribute {name!r}")
