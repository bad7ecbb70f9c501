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

import json
import logging
import os
import sys
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Callable

try:  # POSIX: lines of several writers to one file are written under an advisory lock
    import fcntl
except ImportError:  # Windows: O_APPEND alone
    fcntl = None

from .errors import ConfigError, FrameError, SourceError, SourceUnavailable
from .service_config import (OutputConfig, ReconnectConfig, ServiceConfig, SourceConfig,
                             load_config, parse_config)
from .sources import SourceEvent, is_live, open_source

logger = logging.getLogger(__name__)

__all__ = ["EXIT_OK", "EXIT_SOURCE_LOST", "JsonLines", "OutputConfig", "ReconnectConfig",
           "ServiceConfig", "SourceConfig", "check", "load_config", "parse_config", "serve",
           "source_options"]

EXIT_OK = 0
EXIT_SOURCE_LOST = 3  #: a live source could not be (re)opened within reconnect.attempts


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
    loop = _Loop(config, stop, reader, output, on_frame, opener)
    try:
        while not stop.is_set():
            source = loop.open()
            if isinstance(source, int):
                return source  # the live source could not be opened: gave up
            if source is None:
                continue  # waited; try again
            try:
                loop.read(source)
            except SourceError as exc:
                # The source gave up reopening (reconnect.attempts ran out).
                logger.error("%s", exc)
                return EXIT_SOURCE_LOST
            if not loop.live:
                break  # a file, directory or video was read to its end
        return EXIT_OK
    finally:
        output.close()
        if own_reader:
            reader.close()


class _Loop:
    """The state of :func:`serve`'s loop: opening the source with retries, reading it."""

    def __init__(self, config: ServiceConfig, stop: threading.Event, reader: Any,
                 output: JsonLines, on_frame: Callable[[Any, Any], None] | None,
                 opener: Callable[..., Any]) -> None:
        self.config, self.stop, self.reader, self.output = config, stop, reader, output
        self.on_frame, self.opener = on_frame, opener
        self.backoff = config.backoff
        self.live = is_live(config.source.spec)
        self.stats = _Stats(config.stats_every)
        self.last_said: tuple[str, bool] | None = None
        self.failed_opens = 0

    def on_event(self, event: SourceEvent) -> None:
        if self.config.output.events:
            self.output.write({"time": _now(), "event": event.kind, "source": event.source,
                               "message": event.message, "attempt": event.attempt})

    def open(self) -> Any:
        """The opened source; None after waiting to retry a live source that is not there
        (yet); :data:`EXIT_SOURCE_LOST` when ``reconnect.attempts`` ran out. A file that
        cannot be read and a source that cannot work here raise their SourceError."""
        spec = self.config.source.spec
        try:
            source = self.opener(spec, backoff=self.backoff, on_event=self.on_event,
                                 stop=self.stop,
                                 **source_options(self.config, self.on_frame is not None))
        except SourceError as exc:
            if not self.live or isinstance(exc, SourceUnavailable):
                raise  # a file that cannot be read, a missing module: waiting cannot help
            # Not there (yet): at boot the camera may come up after us; or it is busy.
            self.failed_opens += 1
            attempts = self.backoff.attempts
            if attempts and self.failed_opens > attempts:
                logger.error("%s; giving up after %d attempts", exc, attempts)
                self.on_event(SourceEvent("gave-up", spec, str(exc), self.failed_opens - 1))
                return EXIT_SOURCE_LOST
            delay = self.backoff.delay(self.failed_opens)
            logger.warning("%s; retrying in %.1f s (attempt %d)", exc, delay, self.failed_opens)
            self.on_event(SourceEvent("reconnecting", spec, str(exc), self.failed_opens, delay))
            self.stop.wait(delay)
            return None
        self.failed_opens = 0
        logger.info("reading %s", source.name)
        return source

    def read(self, source: Any) -> None:
        """Read every frame of an opened source (closing it) until it ends or stop is set."""
        with source:
            for frame in source:
                started = time.monotonic()
                self.read_frame(frame)
                if self.config.max_fps > 0:
                    self.stop.wait(max(0.0, 1.0 / self.config.max_fps
                                       - (time.monotonic() - started)))
                if self.stop.is_set():
                    break

    def read_frame(self, frame: Any) -> None:
        """Read one frame and write its line (a bad frame is logged and skipped)."""
        try:
            reading = self.reader.read(frame.image)
        except FrameError as exc:  # one bad frame is not a reason to stop
            logger.warning("%s: skipped: %s", frame.name, exc)
            return
        self.stats.add(reading.seconds)
        # what the line says: its text, or that it holds writing a person should look at
        # (``unread``: never an empty frame, whatever include_empty says)
        said = (reading.text, bool(reading.unread))
        output = self.config.output
        if (output.include_empty or any(said)) and not (output.only_changes
                                                        and said == self.last_said):
            self.output.write({"time": _now(), "frame": frame.name, "index": frame.index,
                               **reading.to_dict()})
        self.last_said = said
        if self.on_frame is not None:
            self.on_frame(frame, reading)


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
