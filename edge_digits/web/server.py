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


def steady_heap() -> bool:
    """Keep freed frame-sized blocks in the heap for the next request (glibc only).

    glibc serves blocks above a threshold that adapts to the main thread's frees with
    mmap(), and hands the top of a worker thread's heap back to the system after each
    request; the next frame then touches fresh pages. Measured on the service: 718 minor
    page faults per 640x480 read and ~1 ms of each request's time; with the thresholds
    fixed here, about 1. The cost is that up to ``M_TRIM_THRESHOLD`` of freed memory stays
    resident. Returns whether glibc took the settings.
    """
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the running process's C library
    except (OSError, AttributeError):
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3
    return bool(mallopt(m_mmap_threshold, MMAP_THRESHOLD)) and \
        bool(mallopt(m_trim_threshold, TRIM_THRESHOLD))


#: blocks up to this size come from the heap (glibc's largest allowed value on 64-bit)
MMAP_THRESHOLD = 32 * 1024 * 1024
#: free memory at the top of a heap is given back to the system above this
TRIM_THRESHOLD = 64 * 1024 * 1024


def serve(config: WebConfig, **overrides) -> None:
    """Serve the page and the API until interrupted."""
    import uvicorn

    steady_heap()
    uvicorn.Server(server_config(config, **overrides)).run()
