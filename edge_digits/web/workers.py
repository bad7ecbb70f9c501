"""A bounded pool of worker threads, each with its own interpreter (DigitReader).

    >>> pool = ReaderPool(lambda: DigitReader(), workers=2, queue_size=8)
    >>> pool.start()                                     # loads one reader a worker
    >>> result = await pool.run(lambda reader: reader.read(frame), timeout=10.0)
    >>> pool.close()

A TFLite interpreter is not thread-safe, so each worker thread makes and keeps its own
reader and is the only one to use it. Decoding and reading run in the workers, never in
the event loop. ``run`` raises :class:`Busy` at once when ``queue_size`` requests already
wait (the service answers 503 with Retry-After), and :class:`TimedOut` when a request has
not finished ``timeout`` seconds after it was queued (a job still waiting is then
skipped; one already running finishes, and its result is dropped).
"""
from __future__ import annotations

import asyncio
import collections
import math
import queue
import statistics
import threading
import time
from typing import Any, Callable


class Busy(Exception):
    """Every worker is busy and the queue is full."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"all workers are busy and {retry_after} s of work is queued")
        self.retry_after = retry_after


class TimedOut(Exception):
    """A request did not finish within the timeout."""


_STOP = object()


class ReaderPool:
    """Worker threads, each owning one reader made by ``make_reader()``.

    Parameters
    ----------
    make_reader : callable
        ``make_reader() -> reader`` (a DigitReader); called once in each worker thread.
    workers : int
    queue_size : int
        Jobs that may wait for a worker; one more raises :class:`Busy`.
    """

    def __init__(self, make_reader: Callable[[], Any], workers: int, queue_size: int) -> None:
        self._make_reader = make_reader
        self.workers = workers
        self.queue_size = queue_size
        self._jobs: queue.Queue = queue.Queue(maxsize=queue_size)
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        #: seconds of the last jobs run (for Retry-After and the model page's latency)
        self.recent = collections.deque(maxlen=200)
        self.completed = 0

    def start(self, timeout: float = 120.0) -> None:
        """Start the workers and wait until each has loaded its reader; a reader that fails
        to load raises its error here."""
        failures: list[BaseException] = []
        ready = threading.Barrier(self.workers + 1, timeout=timeout)
        for index in range(self.workers):
            thread = threading.Thread(target=self._work, args=(ready, failures),
                                      name=f"edge-digits-reader-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)
        ready.wait()
        if failures:
            self.close()
            raise failures[0]

    def _work(self, ready: threading.Barrier, failures: list) -> None:
        try:
            reader = self._make_reader()
        except BaseException as exc:  # reported by start()
            failures.append(exc)
            ready.wait()
            return
        ready.wait()
        while True:
            job = self._jobs.get()
            if job is _STOP:
                break
            function, future, loop = job
            if future.cancelled():  # timed out while waiting
                continue
            start = time.perf_counter()
            try:
                result, error = function(reader), None
            except Exception as exc:  # handed to the request that sent the job
                result, error = None, exc
            seconds = time.perf_counter() - start
            with self._lock:
                self.recent.append(seconds)
                self.completed += 1
            try:
                loop.call_soon_threadsafe(_settle, future, result, error)
            except RuntimeError:  # the event loop has closed: nobody is waiting
                pass
        close = getattr(reader, "close", None)
        if close is not None:
            close()

    async def run(self, function: Callable[[Any], Any], timeout: float) -> Any:
        """``function(reader)`` in a worker; its result, or its exception re-raised here."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        try:
            self._jobs.put_nowait((function, future, loop))
        except queue.Full:
            raise Busy(self.retry_after()) from None
        try:
            return await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            raise TimedOut(f"the request did not finish within {timeout:g} s") from None

    def retry_after(self) -> int:
        """Seconds after which a refused request may find room: the queued work spread over
        the workers, at least 1."""
        typical = self.median_seconds() or 0.05
        return max(1, math.ceil((self._jobs.qsize() + self.workers) * typical / self.workers))

    def median_seconds(self) -> float | None:
        with self._lock:
            recent = list(self.recent)
        return statistics.median(recent) if recent else None

    @property
    def waiting(self) -> int:
        """Jobs queued and not yet taken by a worker."""
        return self._jobs.qsize()

    def close(self) -> None:
        """Stop the workers after the jobs already queued; release their readers."""
        for thread in self._threads:
            while thread.is_alive():
                try:
                    self._jobs.put(_STOP, timeout=0.1)
                    break
                except queue.Full:
                    continue
        for thread in self._threads:
            thread.join(timeout=30)
        self._threads.clear()


def _settle(future: asyncio.Future, result: Any, error: BaseException | None) -> None:
    if future.done():  # cancelled by the timeout
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
