"""Errors of the host side (``export/``): each says what was received and what was expected.

``python -m export`` turns any :class:`ExportError` into one line on stderr and exit code 2.
"""
from __future__ import annotations


class ExportError(Exception):
    """Base class of every error the export raises on purpose."""


class DataError(ExportError, ValueError):
    """MNIST missing, unreadable, or not in the Keras ``mnist.npz`` format."""


class OutputError(ExportError, OSError):
    """An output folder that cannot be created or written."""


class GateRefused(ExportError):
    """The int8 model is not good enough to replace the previous one."""
