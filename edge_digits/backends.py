"""Find a TFLite interpreter: ai-edge-litert, else tflite-runtime, else tensorflow.lite.

    >>> Interpreter, name = load_interpreter_class()      # "auto": first one installed
    >>> Interpreter, name = load_interpreter_class("tflite-runtime")

TensorFlow is imported only when it is the last one left, or asked for by name.
"""
from __future__ import annotations

import importlib

from .errors import BackendError

#: backend name -> (module, attribute path of ``Interpreter`` in it), in order of preference.
#: TensorFlow's ``tf.lite`` is a lazily built namespace, not an importable module: the
#: class is reached from ``tensorflow`` itself.
BACKENDS: dict[str, tuple[str, str]] = {
    "ai-edge-litert": ("ai_edge_litert.interpreter", "Interpreter"),
    "tflite-runtime": ("tflite_runtime.interpreter", "Interpreter"),
    "tensorflow": ("tensorflow", "lite.Interpreter"),
}

INSTALL_HINT = (
    "install a TFLite interpreter: 'pip install ai-edge-litert' (Linux, macOS), or "
    "'pip install tflite-runtime \"numpy<2\"' (older Pi images, Windows with Python <= 3.11), "
    "or 'pip install tensorflow' as a last resort"
)


def load_interpreter_class(backend: str = "auto"):
    """Return ``(Interpreter class, backend name)``; raise :class:`BackendError` if none."""
    if backend != "auto" and backend not in BACKENDS:
        raise BackendError(
            f"unknown interpreter backend {backend!r}; expected 'auto' or one of {list(BACKENDS)}"
        )
    names = list(BACKENDS) if backend == "auto" else [backend]
    failures = []
    for name in names:
        try:
            module_name, attribute_path = BACKENDS[name]
            found = importlib.import_module(module_name)
            for attribute in attribute_path.split("."):
                found = getattr(found, attribute)
            return found, name
        except Exception as exc:  # ImportError, or a wheel built for another numpy
            failures.append(f"{name}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    raise BackendError(f"no TFLite interpreter could be loaded ({'; '.join(failures)}); {INSTALL_HINT}")


def available_backends() -> list[str]:
    """Names of the backends that import here (imports each one: slow for tensorflow)."""
    found = []
    for name in BACKENDS:
        try:
            load_interpreter_class(name)
            found.append(name)
        except BackendError:
            pass
    return found
