"""Errors raised by the runtime. Each message says what was received and what was expected.

The CLI turns any :class:`EdgeDigitsError` into one line on stderr and exit code 2; the
library never prints and never calls ``sys.exit``.
"""
from __future__ import annotations


class EdgeDigitsError(Exception):
    """Base class of every error the runtime raises on purpose."""


class FrameError(EdgeDigitsError, ValueError):
    """A frame that cannot be read: None, empty, wrong dtype or shape, NaN."""


class ModelError(EdgeDigitsError):
    """A model file that is missing, corrupt, or not a digit classifier."""


class BackendError(EdgeDigitsError, ImportError):
    """No TFLite interpreter is installed (or the one asked for is not)."""


class SourceError(EdgeDigitsError):
    """A frame source that cannot be opened or stopped delivering (camera, video, file)."""


class SourceUnavailable(SourceError):
    """A source that cannot work on this machine as asked, whatever the wait: a missing
    module (picamera2) or a spec that names nothing. Never retried."""


class ConfigError(EdgeDigitsError, ValueError):
    """A configuration or profile that is malformed or names unknown keys."""
