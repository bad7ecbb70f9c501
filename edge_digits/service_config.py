"""The reading service's configuration: one frozen dataclass per TOML section, a comment
per field, and a loader whose :class:`~edge_digits.errors.ConfigError` names the bad key.

    >>> config = load_config("config.toml")       # ConfigError naming the key if anything is off
    >>> config.source.spec, config.reader.threshold

See devices/raspberry-pi/config.example.toml; :mod:`edge_digits.service` runs the loop.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .reader_config import BACKENDS, ReaderConfig
from .sources import Backoff


# --- configuration: one frozen dataclass per section, a comment per field -----------------

@dataclass(frozen=True, slots=True)
class SourceConfig:
    #: what to read: "picamera2", "picamera2:1", a camera index "0", a stream URL, a video,
    #: an image or a directory of images
    spec: str = "picamera2"
    #: Picamera2: size of the YUV420 stream that is read (width, height); small is fast
    lores_size: tuple[int, int] = (320, 240)
    #: Picamera2: size of the main stream (used for the preview window)
    main_size: tuple[int, int] = (1280, 960)
    #: camera index / stream: requested capture size (width, height); [] = the driver's
    camera_size: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class OutputConfig:
    #: where JSON lines go: "-" = stdout (the journal under systemd), else a file (appended)
    path: str = "-"
    #: write a line only when the text read changes, or whether it holds writing it could
    #: not read (a camera watching a meter)
    only_changes: bool = False
    #: also write frames where nothing was read; a frame with writing it could not read
    #: whole (its "unread" boxes: a person should look) is written either way
    include_empty: bool = True
    #: also write camera events ({"event": "lost"|"reconnecting"|"reconnected"|"gave-up"})
    events: bool = True


@dataclass(frozen=True, slots=True)
class ReconnectConfig:
    #: seconds before the first reopen attempt
    initial: float = 0.5
    #: growth of the wait between attempts
    factor: float = 2.0
    #: cap of the wait, seconds
    maximum: float = 10.0
    #: reopen attempts before the service exits with code 3 for systemd; 0 = never give up
    attempts: int = 0


@dataclass(frozen=True, slots=True)
class ServiceConfig:
    source: SourceConfig = field(default_factory=SourceConfig)
    #: the reader (see :class:`~edge_digits.reader_config.ReaderConfig`); a service
    #: defaults to 2 interpreter threads (a Pi 4/5 has 4 cores)
    reader: ReaderConfig = field(default_factory=lambda: ReaderConfig(threads=2))
    output: OutputConfig = field(default_factory=OutputConfig)
    reconnect: ReconnectConfig = field(default_factory=ReconnectConfig)
    #: at most this many frames a second (0 = as fast as the device reads)
    max_fps: float = 0.0
    #: log frames per second and reading time this often, seconds (0 = never)
    stats_every: float = 300.0
    #: show a live window with an FPS overlay: "auto" (when a display and a GUI OpenCV
    #: exist), "on" or "off"
    preview: str = "off"

    @property
    def backoff(self) -> Backoff:
        r = self.reconnect
        return Backoff(r.initial, r.factor, r.maximum, r.attempts)


_SECTIONS = {"source": SourceConfig, "reader": ReaderConfig, "output": OutputConfig,
             "reconnect": ReconnectConfig}


def _convert(key: str, value: Any, default: Any) -> Any:
    """``value`` checked against the type of the field's default; ConfigError naming key."""
    if isinstance(default, tuple):
        return _size(key, value, allowed_empty=default == ())
    for kind, accepts, expected in _SCALARS:  # bool first: a bool is an int too
        if isinstance(default, kind):
            if not accepts(value):
                raise _bad(key, value, expected)
            return float(value) if kind is float else value
    raise AssertionError(f"no converter for {key}")  # a field type this loader lacks


def _bad(key: str, value: Any, expected: str) -> ConfigError:
    return ConfigError(f"{key}: received {value!r} ({type(value).__name__}); expected {expected}")


def _number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float))


#: (field type, check of a TOML value, what is expected), in the order they are tried
_SCALARS = ((bool, lambda v: isinstance(v, bool), "true or false"),
            (int, lambda v: _number(v) and isinstance(v, int), "an integer"),
            (float, _number, "a number"),
            (str, lambda v: isinstance(v, str), "a string"))


def _size(key: str, value: Any, allowed_empty: bool) -> tuple:
    """A (width, height) of two positive integers, or () where the default is ()."""
    if isinstance(value, list) and allowed_empty and not value:
        return ()
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)):
        raise _bad(key, value, "[width, height], two positive integers"
                   + (" or []" if allowed_empty else ""))
    return tuple(value)


def _section(name: str, cls: type, table: Any, defaults: Any) -> Any:
    if not isinstance(table, dict):
        raise ConfigError(f"[{name}]: received {table!r}; expected a table")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(table) - set(fields))
    if unknown:
        raise ConfigError(f"[{name}] {unknown[0]}: unknown key; expected one of "
                          f"{', '.join(fields)}")
    values = {key: _convert(f"[{name}] {key}", value, getattr(defaults, key))
              for key, value in table.items()}
    return dataclasses.replace(defaults, **values)


def parse_config(data: dict, base_dir: Path | None = None) -> ServiceConfig:
    """A :class:`ServiceConfig` from a parsed TOML mapping; ConfigError names the bad key."""
    top_fields = {"max_fps", "stats_every", "preview"}
    unknown = sorted(set(data) - set(_SECTIONS) - top_fields)
    if unknown:
        raise ConfigError(f"{unknown[0]}: unknown key; expected sections "
                          f"{', '.join(f'[{s}]' for s in _SECTIONS)} and keys "
                          f"{', '.join(sorted(top_fields))}")
    defaults = ServiceConfig()
    sections = {name: _section(name, cls, data.get(name, {}), getattr(defaults, name))
                for name, cls in _SECTIONS.items()}
    top = {key: _convert(key, data[key], getattr(defaults, key)) for key in top_fields
           if key in data}
    config = ServiceConfig(**sections, **top)
    _check_values(config)
    reader = config.reader
    if reader.model and base_dir is not None and not Path(reader.model).expanduser().is_absolute():
        reader = dataclasses.replace(reader, model=str(base_dir / reader.model))
        config = dataclasses.replace(config, reader=reader)
    return config


def _check_values(config: ServiceConfig) -> None:
    def check(ok: bool, key: str, value: Any, expected: str) -> None:
        if not ok:
            raise ConfigError(f"{key}: received {value!r}; expected {expected}")

    source, reader, reconnect = config.source, config.reader, config.reconnect
    check(bool(source.spec.strip()), "[source] spec", source.spec,
          "picamera2, a camera index, a stream URL, a video, an image or a directory")
    for key in ("lores_size", "main_size"):
        width, height = getattr(source, key)
        check(width % 2 == 0 and height % 2 == 0 and min(width, height) >= 16,
              f"[source] {key}", [width, height], "even sizes of at least 16")
    check(source.lores_size[0] <= source.main_size[0] and
          source.lores_size[1] <= source.main_size[1], "[source] lores_size",
          list(source.lores_size), f"no larger than main_size {list(source.main_size)}")
    check(1 <= reader.threads <= 64, "[reader] threads", reader.threads, "1..64")
    check(0.0 <= reader.threshold <= 1.0, "[reader] threshold", reader.threshold, "0..1")
    check(reader.backend in BACKENDS,
          "[reader] backend", reader.backend,
          "auto, ai-edge-litert, tflite-runtime or tensorflow")
    check(bool(config.output.path.strip()), "[output] path", config.output.path,
          '"-" for stdout or a file path')
    check(0 <= reconnect.initial <= reconnect.maximum, "[reconnect] initial",
          reconnect.initial, f"0..maximum ({reconnect.maximum})")
    check(reconnect.factor >= 1, "[reconnect] factor", reconnect.factor, ">= 1")
    check(reconnect.attempts >= 0, "[reconnect] attempts", reconnect.attempts,
          ">= 0 (0 = never give up)")
    check(config.max_fps >= 0, "max_fps", config.max_fps, ">= 0 (0 = no limit)")
    check(config.stats_every >= 0, "stats_every", config.stats_every, ">= 0 (0 = never)")
    check(config.preview in ("auto", "on", "off"), "preview", config.preview,
          "auto, on or off")


def load_config(path: str | Path) -> ServiceConfig:
    """Read and validate a TOML config file (relative model paths: from its directory)."""
    path = Path(path)
    try:
        import tomllib  # Python 3.11+
    except ModuleNotFoundError:  # pragma: no cover - Python 3.9/3.10
        try:
            import tomli as tomllib
        except ModuleNotFoundError:
            raise ConfigError(f"{path}: reading TOML needs Python 3.11+ or the tomli "
                              f"package (pip install tomli)") from None
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    try:
        return parse_config(data, base_dir=path.parent)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
