"""Run the app with uvicorn: the settings that keep a small device answering.

    >>> serve(WebConfig(host="0.0.0.0", port=8080, token="..."))     # blocks until stopped

uvicorn's pure-Python h11 protocol is used on purpose: it refuses request heads over
``MAX_HEAD_BYTES`` with a 4xx before the app sees them, on every platform.
"""
from __future__ import annotations

from .config import WebConfig

#: the largest request line plus headers accepted (uvicorn answers 400 above it)
MAX_HEAD_BYTES = 16 * 1024


def server_config(config: WebConfig, app=None, **overrides):
    """The ``uvicorn.Config`` that ``serve`` runs (``app`` default: ``create_app(config)``)."""
    import uvicorn

    from .app import create_app

    settings = dict(host=config.host, port=config.port, http="h11", lifespan="on",
                    h11_max_incomplete_event_size=MAX_HEAD_BYTES, timeout_keep_alive=5,
                    server_header=False, proxy_headers=False, log_level="info",
                    access_log=True)
    settings.update(overrides)
    return uvicorn.Config(app if app is not None else create_app(config), **settings)


def serve(config: WebConfig, **overrides) -> None:
    """Serve the page and the API until interrupted."""
    import uvicorn

    uvicorn.Server(server_config(config, **overrides)).run()
