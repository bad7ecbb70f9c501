"""Helpers of the web tests: a real server on a free loopback port, a small HTTP client,
multipart bodies, and digits drawn the way the page's pad draws them.

    server = start_server(tmp_path / "web.log", "--workers", "2")   # `edge-digits web`
    response = server.request("POST", "/v1/read", data, {"Content-Type": "image/png"})
    response.status, response.json
    server.stop()
"""
from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "edge_digits" / "samples"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


def request(port: int, method: str, path: str, body: bytes | None = None,
            headers: dict | None = None, timeout: float = 60.0) -> Response:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read())
    finally:
        connection.close()


class Server:
    """``edge-digits web`` in a child process, on a free port; its log in a file."""

    def __init__(self, log_path: Path, *arguments: str, env: dict | None = None,
                 startup: float = 90.0, cpus: set[int] | None = None) -> None:
        self.port = free_port()
        self.log_path = Path(log_path)
        self._log = open(self.log_path, "wb")
        environment = {**os.environ, "OMP_NUM_THREADS": "1", **(env or {})}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "edge_digits", "web", "--port", str(self.port), *arguments],
            stdout=self._log, stderr=subprocess.STDOUT, env=environment, cwd=ROOT,
            preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None)
        deadline = time.monotonic() + startup
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"edge-digits web exited with {self.process.returncode}:\n{self.log}")
            try:
                if request(self.port, "GET", "/healthz", timeout=2).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"edge-digits web did not answer in {startup:g} s:\n{self.log}")
            time.sleep(0.1)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None, timeout: float = 60.0) -> Response:
        return request(self.port, method, path, body, headers, timeout)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def start_server(log_path: Path, *arguments: str, env: dict | None = None,
                 cpus: set[int] | None = None) -> Server:
    """``edge-digits web`` on a free port (``cpus``: the CPUs it may use; default: as this
    process)."""
    return Server(log_path, *arguments, env=env, cpus=cpus)


@contextlib.contextmanager
def app_server(app):
    """Serve ``app`` (an ASGI app built in this process) with uvicorn in a thread; yields
    the port."""
    import uvicorn

    from edge_digits.web.server import server_config
    from edge_digits.web.config import WebConfig

    port = free_port()
    config = server_config(WebConfig(port=port), app=app, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the in-process server did not start")
        time.sleep(0.05)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def multipart(data: bytes, filename: str = "frame.png", content_type: str = "image/png",
              field: str = "image") -> tuple[bytes, str]:
    """A multipart/form-data body with one file part, and its Content-Type header."""
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; "
            f"filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n").encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def encode(image: np.ndarray, extension: str = ".png", *params: int) -> bytes:
    ok, data = cv2.imencode(extension, image, list(params))
    assert ok, extension
    return data.tobytes()


def drawn_digit(digit: np.ndarray, size: tuple[int, int] = (560, 280), height: int = 200) -> np.ndarray:
    """An MNIST digit as a person draws it on the page's pad: dark ink on white, about
    ``height`` pixels tall, in the middle of a ``size`` canvas (BGR)."""
    width, full = size
    scaled = cv2.resize(digit, (height, height), interpolation=cv2.INTER_LINEAR)
    canvas = np.zeros((full, width), np.uint8)
    y, x = (full - height) // 2, (width - height) // 2
    canvas[y:y + height, x:x + height] = scaled
    return cv2.cvtColor(255 - canvas, cv2.COLOR_GRAY2BGR)


def digit_strokes(digit: np.ndarray) -> list[list[tuple[int, int]]]:
    """Pen strokes that write an MNIST digit: its skeleton (Zhang-Suen thinning of the
    thresholded 28x28 image) traced into polylines and smoothed, in 28x28 pixel
    coordinates (x, y), as floats."""
    skeleton = _thin(digit > 100)
    remaining = {(int(y), int(x)) for y, x in zip(*np.nonzero(skeleton))}
    neighbours = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]

    def around(point):
        return [(point[0] + dy, point[1] + dx) for dy, dx in neighbours
                if (point[0] + dy, point[1] + dx) in remaining]

    strokes = []
    while remaining:
        # start at an end point (one neighbour) when there is one: fewer, longer strokes
        start = min(remaining, key=lambda p: (len(around(p)) != 1, p))
        stroke = [start]
        remaining.discard(start)
        point = start
        while True:
            following = around(point)
            if not following:
                break
            # prefer the 4-connected neighbour: the path does not cut corners
            point = min(following, key=lambda q: abs(q[0] - point[0]) + abs(q[1] - point[1]))
            stroke.append(point)
            remaining.discard(point)
        if len(stroke) >= 2:
            strokes.append(_smooth([(float(x), float(y)) for y, x in stroke]))
    return strokes


def _smooth(points: list, rounds: int = 2) -> list:
    """Chaikin's corner cutting: the pixel staircase of a skeleton as a pen's curve (the
    ends stay where they are)."""
    for _ in range(rounds):
        if len(points) < 3:
            return points
        cut = [points[0]]
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            cut += [(0.75 * x0 + 0.25 * x1, 0.75 * y0 + 0.25 * y1),
                    (0.25 * x0 + 0.75 * x1, 0.25 * y0 + 0.75 * y1)]
        points = cut + [points[-1]]
    return points


def _thin(image: np.ndarray) -> np.ndarray:
    """Zhang-Suen thinning of a boolean image (one-pixel-wide skeleton)."""
    skeleton = np.pad(image.astype(np.uint8), 1)
    changed = True
    while changed:
        changed = False
        for step in (0, 1):
            p = skeleton
            n = [np.roll(np.roll(p, dy, 0), dx, 1) for dy, dx in
                 ((1, 0), (1, -1), (0, -1), (-1, -1), (-1, 0), (-1, 1), (0, 1), (1, 1))]
            # n[0]=P2 (north) ... clockwise: P2, P3, P4, P5, P6, P7, P8, P9
            count = sum(n)
            transitions = sum(((n[i] == 0) & (n[(i + 1) % 8] == 1)).astype(np.uint8) for i in range(8))
            if step == 0:
                condition = (n[0] * n[2] * n[4] == 0) & (n[2] * n[4] * n[6] == 0)
            else:
                condition = (n[0] * n[2] * n[6] == 0) & (n[0] * n[4] * n[6] == 0)
            remove = (p == 1) & (count >= 2) & (count <= 6) & (transitions == 1) & condition
            if remove.any():
                skeleton = np.where(remove, 0, p).astype(np.uint8)
                changed = True
    return skeleton[1:-1, 1:-1].astype(bool)
