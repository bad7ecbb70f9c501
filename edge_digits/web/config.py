"""The web service's settings: one frozen dataclass, validated once.

    >>> config = WebConfig(host="0.0.0.0", token="s3cret", workers=2)
    >>> app = create_app(config)          # edge_digits.web.app

The library reads no environment variables: ``edge-digits web`` takes the token from
``--token`` or ``EDGE_DIGITS_TOKEN`` and passes it here.
"""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..read import DEFAULT_THRESHOLD


def default_workers() -> int:
    """One worker a core, at most 4 (each holds an interpreter and a frame in memory)."""
    return max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True, slots=True)
class WebConfig:
    """Settings of :func:`edge_digits.web.app.create_app` and ``edge-digits web``."""

    #: interface to listen on; anything but loopback requires ``token``
    host: str = "127.0.0.1"
    port: int = 8080
    #: a .tflite digit model; None: the bundled int8 model
    model_path: str | Path | None = None
    #: a digit below this probability is rejected (``?``); requests may override it
    threshold: float = DEFAULT_THRESHOLD
    #: a shared secret: every /v1 call must send ``Authorization: Bearer <token>``
    token: str | None = None
    #: worker threads, each with its own interpreter (DigitReader)
    workers: int = default_workers()
    #: requests waiting for a worker beyond those being read; more answer 503 + Retry-After
    queue_size: int = 8
    #: seconds a request may wait and run before it answers 503 (timeout)
    timeout: float = 10.0
    #: largest request body accepted, in bytes (checked before the body is read)
    max_body_bytes: int = 16 * 1024 * 1024
    #: largest image accepted, in pixels (width x height from the header, before decoding)
    max_pixels: int = 25_000_000
    #: interpreter threads per worker
    num_threads: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.port, int) or not 0 <= self.port <= 65535:
            raise ConfigError(f"port must be within 0..65535, got {self.port!r}")
        if not 0.0 <= float(self.threshold) <= 1.0:
            raise ConfigError(f"threshold must be within 0..1, got {self.threshold!r}")
        for name in ("workers", "queue_size", "max_body_bytes", "max_pixels", "num_threads"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ConfigError(f"{name} must be a positive integer, got {value!r}")
        if not float(self.timeout) > 0:
            raise ConfigError(f"timeout must be a positive number of seconds, got {self.timeout!r}")
        if self.token is not None and (not self.token.strip() or len(self.token) < 8):
            raise ConfigError("the token must be at least 8 characters (not blank); make one with "
                              "`python3 -c 'import secrets; print(secrets.token_urlsafe(16))'`")
        if not is_loopback(self.host) and not self.token:
            raise ConfigError(f"binding to {self.host} exposes the service to the network: give a "
                              "token (--token or EDGE_DIGITS_TOKEN), or bind to 127.0.0.1")


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface
