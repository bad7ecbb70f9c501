"""The HTTP API under load, over loopback: `edge-digits web` in a child process.

Group ``web``:

- ``POST /v1/read`` of seeded 640x480 frames (PNG), one client on a keep-alive connection,
  against the same frames' bytes decoded and read in this process (the worker's own job,
  ``jobs.read_frame``, without HTTP): the two are timed in alternating rounds and the
  HTTP overhead is the difference of the medians (p50) and of the 95th percentiles;
- load at concurrency 1, 2 and 4 (one keep-alive connection per client thread) against
  a server with 1 and 2 workers: throughput, p50 and p95 latency (per item = one request);
- the server's resident memory before and after 10,000 requests (500 under
  ``--benchmark-disable``), a mix of reads and classifications.

The server may use every CPU (the session itself is pinned to one, see conftest.py), so the
client's own work competes with it only on that one; figures are medians on a shared machine.
"""
from __future__ import annotations

import http.client
import os
import statistics
import threading
import time

import cv2
import numpy as np
import pytest

pytest.importorskip("starlette", reason="the web extra is not installed: pip install -e '.[web]'")
pytest.importorskip("uvicorn", reason="the web extra is not installed: pip install -e '.[web]'")

from bench_support import describe
from web_support import drawn_digit, encode, start_server

ALL_CPUS = set(range(os.cpu_count() or 1))


@pytest.fixture(scope="module")
def pngs(frame_sets, quick):
    frames = frame_sets("clean", (640, 480), 2 if quick else 8)
    return [encode(frame.image, ".png") for frame in frames]


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """Two servers: 1 worker and 2 workers (the machine's cores), all CPUs allowed."""
    started = {}
    folder = tmp_path_factory.mktemp("bench-web")
    try:
        for workers in (1, 2):
            started[workers] = start_server(folder / f"server-{workers}.log", "--workers", str(workers),
                                            "--queue", "32", cpus=ALL_CPUS)
        yield started
    finally:
        for server in started.values():
            server.stop()


class Client:
    """One keep-alive connection; ``post(path, body)`` -> seconds."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def post(self, path: str, body: bytes) -> float:
        start = time.perf_counter()
        self.connection.request("POST", path, body=body, headers={"Content-Type": "image/png"})
        answer = self.connection.getresponse()
        answer.read()
        seconds = time.perf_counter() - start
        assert answer.status == 200, answer.status
        return seconds

    def close(self) -> None:
        self.connection.close()


def percentile(values, q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def test_http_read_overhead(benchmark, servers, pngs, quick):
    from edge_digits import DigitReader
    from edge_digits.web.jobs import read_frame

    server = servers[2]
    client = Client(server.port)
    rounds = 3 if quick else 40
    http_ms, local_ms = [], []
    with DigitReader() as reader:
        for _ in range(5):  # warm both up
            client.post("/v1/read", pngs[0])
            read_frame(reader, pngs[0], threshold=0.7, max_pixels=25_000_000, name="x")
        for _ in range(rounds):  # alternating rounds: the same load on both
            for data in pngs:
                http_ms.append(client.post("/v1/read", data) * 1e3)
                start = time.perf_counter()
                read_frame(reader, data, threshold=0.7, max_pixels=25_000_000, name="x")
                local_ms.append((time.perf_counter() - start) * 1e3)
            for data in pngs:
                start = time.perf_counter()
                read_frame(reader, data, threshold=0.7, max_pixels=25_000_000, name="x")
                local_ms.append((time.perf_counter() - start) * 1e3)
                http_ms.append(client.post("/v1/read", data) * 1e3)
    frames = iter(pngs * 1000)
    benchmark.group = "web"
    describe(benchmark, role="edge-digits", label="POST /v1/read 640x480 PNG, 1 client",
             backend=reader.backend, frame_size="640x480",
             http_p50_ms=round(statistics.median(http_ms), 3),
             http_p95_ms=round(percentile(http_ms, 95), 3),
             in_process_p50_ms=round(statistics.median(local_ms), 3),
             in_process_p95_ms=round(percentile(local_ms, 95), 3),
             overhead_p50_ms=round(statistics.median(http_ms) - statistics.median(local_ms), 3),
             overhead_p95_ms=round(percentile(http_ms, 95) - percentile(local_ms, 95), 3),
             # each HTTP request against the in-process read next to it in time: slow drifts
             # of a shared machine's load cancel out
             overhead_paired_p50_ms=round(statistics.median(h - l for h, l in zip(http_ms, local_ms)), 3),
             # the least disturbed rounds: what an idle machine approaches
             http_min_ms=round(min(http_ms), 3), in_process_min_ms=round(min(local_ms), 3),
             samples=len(http_ms))
    benchmark(lambda: client.post("/v1/read", next(frames)))
    client.close()


def test_in_process_read(benchmark, pngs):
    """The same bytes decoded and read here: what the HTTP figure is compared with."""
    from edge_digits import DigitReader
    from edge_digits.web.jobs import read_frame

    with DigitReader() as reader:
        frames = iter(pngs * 100000)
        benchmark.group = "web"
        describe(benchmark, role="floor", label="in process: decode the PNG + read (no HTTP)",
                 backend=reader.backend, frame_size="640x480")
        benchmark(lambda: read_frame(reader, next(frames), threshold=0.7, max_pixels=25_000_000, name="x"))


def load(port: int, bodies: list[bytes], concurrency: int, requests: int) -> tuple[float, list[float]]:
    """``requests`` POST /v1/read from ``concurrency`` threads; (wall seconds, latencies)."""
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(requests))

    def client():
        session = Client(port)
        mine = []
        for index in counter:
            mine.append(session.post("/v1/read", bodies[index % len(bodies)]))
        session.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, latencies


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("concurrency", [1, 2, 4])
def test_load(benchmark, servers, pngs, quick, workers, concurrency):
    server = servers[workers]
    requests = 8 if quick else 160
    load(server.port, pngs, concurrency, 8)  # warm-up: every worker has read
    runs = []

    def once():
        runs.append(load(server.port, pngs, concurrency, requests))
    benchmark.group = "web"
    benchmark.pedantic(once, rounds=1 if quick else 3, iterations=1)
    walls = [wall for wall, _ in runs]
    latencies = [seconds * 1e3 for _, run in runs for seconds in run]
    describe(benchmark, role="edge-digits" if workers == 2 and concurrency == 1 else "variant",
             label=f"load: {concurrency} client(s), {workers} worker(s), POST /v1/read 640x480",
             frame_size="640x480", items=requests, concurrency=concurrency, workers=workers,
             throughput_rps=round(requests / statistics.median(walls), 1),
             p50_ms=round(statistics.median(latencies), 3), p95_ms=round(percentile(latencies, 95), 3))


def test_memory_over_many_requests(benchmark, servers, pngs, mnist_test, quick):
    psutil = pytest.importorskip("psutil")
    server = servers[2]
    process = psutil.Process(server.process.pid)
    images, _ = mnist_test
    drawings = [encode(drawn_digit(images[i])) for i in range(16)]
    total = 500 if quick else 10_000

    def run():
        load(server.port, pngs + drawings * 4, 2, 400)  # warm: every size of input seen
        before = process.memory_info().rss / 2**20
        wall, latencies = load_mixed(server.port, pngs, drawings, total)
        after = process.memory_info().rss / 2**20
        return before, after, wall, latencies

    benchmark.group = "web"
    before, after, wall, latencies = benchmark.pedantic(run, rounds=1, iterations=1)
    describe(benchmark, role="info" if quick else "variant",
             label=f"{total} requests (1 read : 3 classify), 2 clients: RSS before/after",
             items=total, rss_before_mb=round(before, 1), rss_after_mb=round(after, 1),
             rss_growth_mb=round(after - before, 1), throughput_rps=round(total / wall, 1),
             p50_ms=round(statistics.median(latencies) * 1e3, 3))
    health = server.request("GET", "/healthz").json
    assert health["status"] == "ok"
    assert "Traceback" not in server.log


def load_mixed(port: int, reads: list[bytes], drawings: list[bytes], total: int):
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(total))

    def client():
        session = Client(port)
        mine = []
        for index in counter:
            if index % 4 == 0:
                mine.append(session.post("/v1/read", reads[index % len(reads)]))
            else:
                mine.append(session.post("/v1/classify", drawings[index % len(drawings)]))
        session.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(2)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, latencies
