"""``edge-digits web``: the demo page and the HTTP JSON API.

    edge-digits web                                   # http://127.0.0.1:8080/
    edge-digits web --host 0.0.0.0 --token "$(cat ~/.edge-digits-token)"   # on the network
    EDGE_DIGITS_TOKEN=... edge-digits web --host 0.0.0.0 --port 80 --workers 4

Binding to anything but loopback needs a token (``--token`` or ``EDGE_DIGITS_TOKEN``); API
calls then send ``Authorization: Bearer <token>``, and the page asks for it once (or open
``http://HOST:PORT/#token=...``). Needs the ``web`` extra (starlette, uvicorn).
"""
from __future__ import annotations

import argparse
import os

from . import common

TOKEN_VARIABLE = "EDGE_DIGITS_TOKEN"


def add_parser(subparsers) -> argparse.ArgumentParser:
    from ..web.config import WebConfig

    defaults = WebConfig()
    parser = subparsers.add_parser(
        "web", help="serve the demo page and the HTTP JSON API",
        description="Serve the demo page (draw, photo, model) and the HTTP JSON API "
                    "(/v1/read, /v1/postcode, /v1/classify, /v1/model; /openapi.json).")
    parser.add_argument("--host", default=defaults.host,
                        help=f"interface to listen on (default {defaults.host}; any other needs a token)")
    parser.add_argument("--port", type=common.int_at_least(0), default=defaults.port,
                        help=f"TCP port (default {defaults.port})")
    parser.add_argument("--model", default=None, metavar="PATH",
                        help="a .tflite digit model (default: the bundled int8 model)")
    parser.add_argument("--threshold", type=common.threshold_type, default=defaults.threshold,
                        metavar="T", help=f"default rejection threshold (default {defaults.threshold})")
    parser.add_argument("--token", default=None,
                        help=f"a shared secret every API call must send (default: ${TOKEN_VARIABLE}, "
                             "better: a flag is visible to other users in `ps`)")
    parser.add_argument("--workers", type=common.int_at_least(1), default=defaults.workers,
                        metavar="N", help=f"reader threads, each with its own interpreter "
                        f"(default {defaults.workers}: one a core, at most 4)")
    parser.add_argument("--queue", type=common.int_at_least(1), default=defaults.queue_size,
                        metavar="N", help="requests that may wait for a worker; more get 503 "
                        f"(default {defaults.queue_size})")
    parser.add_argument("--timeout", type=float, default=defaults.timeout, metavar="S",
                        help=f"seconds a request may wait and run (default {defaults.timeout:g})")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from ..errors import ConfigError
    from ..web.config import WebConfig

    try:
        from ..web.server import serve
    except ModuleNotFoundError as exc:
        raise ConfigError(f"edge-digits web needs {exc.name}: pip install 'edge-digits[web]'") from None
    token = args.token if args.token is not None else os.environ.get(TOKEN_VARIABLE) or None
    config = WebConfig(host=args.host, port=args.port, model_path=args.model,
                       threshold=args.threshold, token=token, workers=args.workers,
                       queue_size=args.queue, timeout=args.timeout)
    serve(config)
    return 0
