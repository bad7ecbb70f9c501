"""A reading service for devices: a TOML config, a loop that writes JSON lines, no giving up.

    edge-digits serve --config /etc/edge-digits/config.toml     # what the systemd unit runs

    >>> config = load_config("config.toml")       # ConfigError naming the key if anything is off
    >>> stop = threading.Event()                   # set it (SIGTERM, Ctrl-C) to end cleanly
    >>> serve(config, stop=stop)                   # -> exit code

The loop opens the source, reads every frame with one :class:`~edge_digits.read.DigitReader`
(loaded once) and writes one JSON object per line (to a file, or stdout for the journal).
A live camera that faults is reopened by the source with backoff; one that cannot be opened
at all (not plugged in yet at boot, busy) is retried here with the same backoff, so the
service never spins and never exits silently; one that cannot work here whatever the wait
(:class:`~edge_digits.errors.SourceUnavailable`: picamera2 not installed) ends it at once: every fault is logged (``edge_digits.service``
and ``edge_digits.sources`` loggers), and if ``reconnect.attempts`` runs out it returns
:data:`EXIT_SOURCE_LOST` for systemd to restart it. Files, directories and videos are read
once, then the service returns 0. See devices/raspberry-pi/config.example.toml.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Callable

try:  # POSIX: lines of several writers to one file are written under an advisory lock
    import fcntl
except ImportError:  # Windows: O_APPEND alone
    fcntl = None

from .errors import ConfigError, FrameError, SourceError, SourceUnavailable
from .reader_config import BACKENDS, ReaderConfig
from .sources import Backoff, SourceEvent, is_live, open_source

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_SOURCE_LOST = 3  #: a live source could not be (re)opened within reconnect.attempts


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
    #: write a line only when the text read changes (a camera watching a meter)
    only_changes: bool = False
    #: also write frames where nothing was read
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
    def bad(expected: str) -> ConfigError:
        return ConfigError(f"{key}: received {value!r} ({type(value).__name__}); "
                           f"expected {expected}")

    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad("an integer")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad("a number")
        return float(value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise bad("a string")
        return value
    if isinstance(default, tuple):
        allowed_empty = default == ()
        if (not isinstance(value, list) or (len(value) != 2 and not (allowed_empty and not value))
                or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0
                           for v in value)):
            raise bad("[width, height], two positive integers" + (" or []" if allowed_empty
                                                                   else ""))
        return tuple(value)
    raise AssertionError(f"no converter for {key}")  # a field type this loader lacks


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


# --- the loop --------------------------------------------------------------------------------

class JsonLines:
    """One JSON object per line, each written whole and at once (a reader tailing the file
    sees it now).

    A file is opened with ``O_APPEND`` and each line goes out in one ``os.write`` (retried
    for the rest on a short write) under an advisory lock of the file (``flock``, where
    the system has it): lines of two writers never interleave and a stop (SIGTERM) between
    frames never leaves half a line. A file whose last line was cut (the process was
    killed, the power failed) gets its line ended first, so every line this service writes
    parses; the lock keeps a line another writer is writing at that moment from being
    taken for a cut one (which left an empty line).
    """

    def __init__(self, path: str, stdout: IO[str] | None = None) -> None:
        self.path = path
        self._fd: int | None = None
        if path == "-":
            self._stream = stdout or sys.stdout
            return
        target = Path(path).expanduser()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            with self._locked():
                size = os.fstat(self._fd).st_size
                if size:
                    with open(target, "rb") as handle:
                        handle.seek(size - 1)
                        if handle.read(1) != b"\n":
                            self._write_all(b"\n")  # end a line cut by a kill
        except OSError as exc:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            raise ConfigError(f"[output] path: cannot open {path} for appending: "
                              f"{exc.strerror or exc}") from None

    @property
    def where(self) -> str:
        """Where the lines go, for a log line: ``stdout`` or the file's absolute path."""
        return "stdout" if self.path == "-" else str(Path(self.path).expanduser().resolve())

    @contextmanager
    def _locked(self):
        if fcntl is None:
            yield
            return
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _write_all(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]

    def write(self, record: dict) -> None:
        line = json.dumps(record, separators=(",", ":")) + "\n"
        if self._fd is None:
            self._stream.write(line)
            self._stream.flush()
        else:
            with self._locked():
                self._write_all(line.encode("utf-8"))

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def source_options(config: ServiceConfig, with_main: bool = False) -> dict[str, Any]:
    """``open_source`` options from the config (options a source does not take are ignored).

    ``with_main``: also capture Picamera2's main stream (only a preview window draws on it).
    """
    options: dict[str, Any] = {"lores_size": config.source.lores_size,
                               "main_size": config.source.main_size,
                               "with_main": with_main}
    if config.source.camera_size:
        options["width"], options["height"] = config.source.camera_size
    return options


def check(config: ServiceConfig, opener: Callable[..., Any] = open_source) -> str:
    """What ``serve --check`` does: load the reader and open the source the service would
    use, once, without retrying; return a one-line summary.

    Raises the error the service would meet at start (ConfigError, ModelError,
    SourceUnavailable) or, for a live source that cannot be opened now, SourceError.
    """
    from .read import DigitReader

    with DigitReader.from_config(config.reader) as reader:
        model = f"{reader.classifier.model_path.name} ({reader.backend})"
    output = config.output.path
    where = "stdout" if output == "-" else str(Path(output).expanduser().resolve())
    options = {**source_options(config), "backoff": None}
    with opener(config.source.spec, **options) as source:
        frame = next(iter(source), None)
    size = "no frame" if frame is None else f"{frame.image.shape[1]}x{frame.image.shape[0]} frames"
    return (f"source {config.source.spec} opened ({size}), model {model}, "
            f"{config.reader.threads} threads, readings to {where}")


def serve(config: ServiceConfig, *, stop: threading.Event | None = None,
          reader: Any = None, stdout: IO[str] | None = None,
          on_frame: Callable[[Any, Any], None] | None = None,
          opener: Callable[..., Any] = open_source) -> int:
    """Run the reading loop until the source ends or ``stop`` is set; return an exit code.

    Parameters
    ----------
    config : ServiceConfig
    stop : threading.Event, optional
        Set it (signal handler) to end cleanly, also during a backoff wait.
    reader : DigitReader-like, optional
        Default: ``DigitReader`` built from ``config.reader`` (loaded once, closed here).
    stdout : text stream, optional
        Where ``output.path = "-"`` writes (default ``sys.stdout``).
    on_frame : callable(frame, reading), optional
        Called after each frame is read (the preview window hooks in here).
    opener : callable
        ``open_source`` (replaceable in tests).

    Raises
    ------
    ConfigError, ModelError, BackendError
        At start, before any frame: the config, the model or the interpreter is wrong.
    SourceError
        A file source (image, directory, video) cannot be read.
    SourceUnavailable
        A source that cannot work here (picamera2 not installed): never retried.
    """
    stop = stop if stop is not None else threading.Event()
    own_reader = reader is None
    if own_reader:
        from .read import DigitReader  # loads the interpreter: once, here
        reader = DigitReader.from_config(config.reader)
    output = JsonLines(config.output.path, stdout)
    logger.info("writing readings to %s", output.where)
    backoff = config.backoff
    live = is_live(config.source.spec)
    stats = _Stats(config.stats_every)

    def on_event(event: SourceEvent) -> None:
        if config.output.events:
            output.write({"time": _now(), "event": event.kind, "source": event.source,
                          "message": event.message, "attempt": event.attempt})

    last_text: str | None = None
    failed_opens = 0
    try:
        while not stop.is_set():
            try:
                source = opener(config.source.spec, backoff=backoff, on_event=on_event,
                                stop=stop, **source_options(config, on_frame is not None))
            except SourceError as exc:
                if not live or isinstance(exc, SourceUnavailable):
                    raise  # a file that cannot be read, a missing module: waiting cannot help
                # Not there (yet): at boot the camera may come up after us; or it is busy.
                failed_opens += 1
                if backoff.attempts and failed_opens > backoff.attempts:
                    logger.error("%s; giving up after %d attempts", exc, backoff.attempts)
                    on_event(SourceEvent("gave-up", config.source.spec, str(exc),
                                         failed_opens - 1))
                    return EXIT_SOURCE_LOST
                delay = backoff.delay(failed_opens)
                logger.warning("%s; retrying in %.1f s (attempt %d)", exc, delay, failed_opens)
                on_event(SourceEvent("reconnecting", config.source.spec, str(exc),
                                     failed_opens, delay))
                stop.wait(delay)
                continue
            failed_opens = 0
            logger.info("reading %s", source.name)
            try:
                with source:
                    for frame in source:
                        started = time.monotonic()
                        try:
                            reading = reader.read(frame.image)
                        except FrameError as exc:  # one bad frame is not a reason to stop
                            logger.warning("%s: skipped: %s", frame.name, exc)
                            continue
                        stats.add(reading.seconds)
                        text = reading.text
                        if ((config.output.include_empty or text)
                                and not (config.output.only_changes and text == last_text)):
                            output.write({"time": _now(), "frame": frame.name,
                                          "index": frame.index, **reading.to_dict()})
                        last_text = text
                        if on_frame is not None:
                            on_frame(frame, reading)
                        if config.max_fps > 0:
                            stop.wait(max(0.0, 1.0 / config.max_fps
                                          - (time.monotonic() - started)))
                        if stop.is_set():
                            break
            except SourceError as exc:
                # The source gave up reopening (reconnect.attempts ran out).
                logger.error("%s", exc)
                return EXIT_SOURCE_LOST
            if not live:
                break  # a file, directory or video was read to its end
        return EXIT_OK
    finally:
        output.close()
        if own_reader:
            reader.close()


class _Stats:
    """Logs frames per second and median reading time every ``every`` seconds."""

    def __init__(self, every: float) -> None:
        self.every = every
        self.start = time.monotonic()
        self.seconds: list[float] = []

    def add(self, seconds: float) -> None:
        if not self.every:
            return
        self.seconds.append(seconds)
        elapsed = time.monotonic() - self.start
        if elapsed >= self.every:
            ordered = sorted(self.seconds)
            logger.info("%.1f frames/s, median read %.1f ms over %d frames",
                        len(ordered) / elapsed, 1000 * ordered[len(ordered) // 2], len(ordered))
            self.start, self.seconds = time.monotonic(), []
