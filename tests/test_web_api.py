"""The HTTP API over loopback: `edge-digits web` in a child process, real requests, real
images (the bundled samples, generated frames and envelopes of MNIST test digits, MNIST
test digits drawn as on the page's pad). Results must equal the in-process library's;
every refusal must be the one JSON error shape with the right status."""
from __future__ import annotations

import asyncio
import base64
import json
import socket
import subprocess
import sys
import threading
import time
import zlib

import cv2
import numpy as np
import pytest

pytest.importorskip("starlette", reason="the web extra is not installed: pip install -e '.[web]'")
pytest.importorskip("uvicorn", reason="the web extra is not installed: pip install -e '.[web]'")

from web_support import (ROOT, SAMPLES, app_server, drawn_digit, encode, multipart, request,
                         start_server)

TOKEN = "test-token-0123456789"
RESPONSES: list[tuple[str, str, int, object]] = []  #: (method, path, status, JSON) seen, for the schema test


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(tmp_path_factory.mktemp("web") / "server.log", "--workers", "2")
    yield running
    running.stop()
    assert "Traceback" not in running.log, running.log


@pytest.fixture(scope="module")
def reader():
    from edge_digits import DigitReader, ReadOptions

    with DigitReader(options=ReadOptions()) as loaded:
        yield loaded


def call(server, method, path, body=None, headers=None):
    response = server.request(method, path, body, headers)
    payload = response.json if response.headers.get("content-type", "").startswith("application/json") else None
    RESPONSES.append((method, path.split("?")[0], response.status, payload))
    return response


def without_seconds(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "seconds"}


# -- results ---------------------------------------------------------------------------------
def test_read_gives_what_read_json_prints(server):
    printed = subprocess.run([sys.executable, "-m", "edge_digits", "read", str(SAMPLES), "--json"],
                             capture_output=True, text=True, check=True, cwd=ROOT).stdout
    expected = {record["name"]: record for record in map(json.loads, printed.splitlines())}
    assert len(expected) == 4
    for path in sorted(SAMPLES.glob("*.jpg")):
        data = path.read_bytes()
        raw = call(server, "POST", "/v1/read", data, {"Content-Type": "image/jpeg"})
        body, content_type = multipart(data, path.name, "image/jpeg")
        form = call(server, "POST", "/v1/read", body, {"Content-Type": content_type})
        assert raw.status == form.status == 200
        want = {**without_seconds(expected[path.name]), "index": 0}  # one frame a request
        assert without_seconds(form.json) == want                    # name = the file's name
        assert without_seconds(raw.json) == {**want, "name": "upload"}
    assert expected["digits_one_line.jpg"]["text"] == "7439234"


@pytest.fixture(scope="module")
def frames(mnist):
    from export.synth.frames import make_frame

    digits = (mnist["x_test"], mnist["y_test"])
    return [make_frame(np.random.default_rng([14, i]), level, (640, 480), digits)
            for i, level in enumerate(["clean"] * 6 + ["hard"] * 4)]


def test_read_of_generated_frames_equals_the_library(server, reader, frames):
    right = 0
    for index, frame in enumerate(frames):
        png = encode(frame.image, ".png")                 # lossless: the same pixels arrive
        body, content_type = multipart(png, f"frame{index}.png")
        answer = call(server, "POST", "/v1/read", body, {"Content-Type": content_type})
        assert answer.status == 200, answer.body
        expected = {"name": f"frame{index}.png", "index": 0, **reader.read(frame.image).to_dict()}
        assert without_seconds(answer.json) == without_seconds(expected)
        right += answer.json["text"] == frame.text
    assert right >= 6, f"{right} of {len(frames)} frames read exactly"


def test_threshold_parameter_changes_rejections(server):
    data = (SAMPLES / "digits_shadow_box.jpg").read_bytes()
    loose = call(server, "POST", "/v1/read?threshold=0", data, {"Content-Type": "image/jpeg"}).json
    strict = call(server, "POST", "/v1/read?threshold=1&partial=1", data,
                  {"Content-Type": "image/jpeg"}).json
    loose_digits = [d for s in loose["strings"] for d in s["digits"]]
    assert loose_digits and all(d["value"] is not None for d in loose_digits)
    # at threshold 1 hardly a digit passes: its line is taken for writing that is not digits
    strict_digits = [d for s in strict["strings"] for d in s["digits"]]
    assert strict_digits
    assert sum(d["value"] is None for d in strict_digits) >= len(strict_digits) // 2


def test_a_string_with_unread_digits_is_named_unread_unless_partial_is_asked(server, reader):
    """``partial`` (ReadOptions.partial_strings): 1 shows a string with '?'s among its read
    digits as it is; by default the frame reports nothing and names it in ``unread``, as
    the library does."""
    import cv2

    from edge_digits.read import DigitReader, ReadOptions

    frame = cv2.imread(str(SAMPLES / "digits_two_lines.jpg"))  # '1312?6 657' at 0.99
    data = encode(frame, ".png")
    shown = call(server, "POST", "/v1/read?threshold=0.99&partial=1", data,
                 {"Content-Type": "image/png"}).json
    assert any("?" in s["text"] and s["text"].strip("?") for s in shown["strings"]), shown["text"]
    hidden = call(server, "POST", "/v1/read?threshold=0.99", data,
                  {"Content-Type": "image/png"}).json
    assert hidden["strings"] == [] and hidden["text"] == "" and len(hidden["unread"]) >= 1
    with DigitReader(options=ReadOptions(threshold=0.99)) as library:
        assert without_seconds(hidden) == without_seconds(
            {"name": "upload", "index": 0, **library.read(frame).to_dict()})


def test_postcode_equals_the_library(server, reader, mnist):
    from edge_digits.postcode import read_postcode
    from export.synth.envelopes import EnvelopeGenerator

    read = 0
    envelopes = EnvelopeGenerator(mnist["x_test"], mnist["y_test"], seed=14).batch(6)
    for envelope in envelopes:
        png = encode(envelope.image, ".png")
        answer = call(server, "POST", f"/v1/postcode?profile={envelope.profile}", png,
                      {"Content-Type": "image/png"})
        assert answer.status == 200, answer.body
        expected = read_postcode(reader, envelope.image, envelope.profile).to_dict()
        assert without_seconds(answer.json) == without_seconds({"name": "upload", "index": 0, **expected})
        read += answer.json["code"] == envelope.code
    assert read >= 3, f"{read} of {len(envelopes)} codes read"


def test_classify_drawn_mnist_digits(server, reader, mnist):
    from edge_digits import normalize_digit
    from edge_digits.web.jobs import drawing_ink

    images, labels = mnist["x_test"], mnist["y_test"]
    choice = np.random.default_rng(14).choice(len(images), 150, replace=False)
    right = 0
    for index in choice:
        drawing = drawn_digit(images[index])
        answer = call(server, "POST", "/v1/classify", encode(drawing), {"Content-Type": "image/png"})
        assert answer.status == 200, answer.body
        result = answer.json
        assert result["labels"] == [str(i) for i in range(10)] + ["none"]
        assert abs(sum(result["probabilities"]) - 1) < 0.02
        assert result["best"] == result["labels"][int(np.argmax(result["probabilities"]))]
        right += result["value"] == int(labels[index])
        # the 28x28 image shown is the one the model saw: normalize_digit of the drawing's ink
        patch = cv2.imdecode(np.frombuffer(base64.b64decode(result["normalized"]["png_base64"]), np.uint8),
                             cv2.IMREAD_GRAYSCALE)
        gray = cv2.cvtColor(drawing, cv2.COLOR_BGR2GRAY)
        assert np.array_equal(patch, normalize_digit(drawing_ink(gray)))
        expected = reader.classifier.classify(patch)[0]
        assert np.allclose(result["probabilities"], expected, atol=6e-5)
    # MNIST test digits at threshold 0.7: 0.61% rejected, 0.44% wrong (edge_digits/read.py)
    assert right >= 0.97 * len(choice), f"{right} of {len(choice)}"


def test_classify_decisions(server, mnist):
    images, labels = mnist["x_test"], mnist["y_test"]
    drawing = encode(drawn_digit(images[0]))                     # a 7
    sure = call(server, "POST", "/v1/classify", drawing, {"Content-Type": "image/png"}).json
    assert (sure["decision"], sure["value"], sure["best"]) == ("digit", int(labels[0]), str(labels[0]))
    above = min(1.0, sure["confidence"] + 0.001)
    unsure = call(server, "POST", f"/v1/classify?threshold={above}", drawing,
                  {"Content-Type": "image/png"}).json
    assert (unsure["decision"], unsure["value"], unsure["best"]) == ("not sure", None, str(labels[0]))
    blank = call(server, "POST", "/v1/classify", encode(np.full((280, 560, 3), 255, np.uint8)),
                 {"Content-Type": "image/png"}).json
    assert blank["decision"] == "empty" and blank["value"] is None
    # a transparent canvas with black strokes (what a page that forgets the white fill sends)
    transparent = np.zeros((280, 560, 4), np.uint8)
    transparent[..., 3] = 255 - cv2.cvtColor(drawn_digit(images[0]), cv2.COLOR_BGR2GRAY)
    clear = call(server, "POST", "/v1/classify", encode(transparent), {"Content-Type": "image/png"}).json
    assert clear["value"] == sure["value"]


def test_model_and_health(server):
    from edge_digits.models import DEFAULT_MODEL, sha256_of

    model = call(server, "GET", "/v1/model").json
    assert model["manifest"]["sha256"] == sha256_of(DEFAULT_MODEL)
    assert model["backend"] in ("ai-edge-litert", "tflite-runtime", "tensorflow")
    assert model["labels"][-1] == "none" and model["workers"] == 2
    assert "jp" in model["profiles"] and model["threshold"] == 0.7
    start = model["latency"]["measured_at_start"]
    assert start["frame_size"] == [640, 480] and start["read_frame_ms"] > 0
    health = call(server, "GET", "/healthz").json
    assert health["status"] == "ok" and health["workers"] == 2


def test_page_and_static_files_are_served_without_a_cdn(server):
    page = server.request("GET", "/")
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for name in ("app.js", "style.css"):
        assert server.request("GET", f"/static/{name}").status == 200
    for path in (ROOT / "edge_digits" / "web" / "static").iterdir():
        text = path.read_text()
        assert "http://" not in text and "https://" not in text, f"{path.name} loads from the network"


# -- refusals --------------------------------------------------------------------------------
def png_bomb(width=100_000, height=100_000):
    import struct

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
            chunk(b"IDAT", zlib.compress(b"\x00" * 5_000_000, 9)) + chunk(b"IEND", b""))


def raw_exchange(port: int, head: bytes, body: bytes = b"") -> tuple[int, bytes]:
    """Send bytes as they are; the status and body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(head + body)
        answer = b""
        while True:
            try:
                block = connection.recv(65536)
            except ConnectionResetError:
                break
            if not block:
                break
            answer += block
            if b"\r\n\r\n" in answer:
                head_end = answer.index(b"\r\n\r\n")
                length = [line.split(b":", 1)[1] for line in answer[:head_end].split(b"\r\n")
                          if line.lower().startswith(b"content-length:")]
                if length and len(answer) >= head_end + 4 + int(length[0]):
                    break
    status = int(answer.split(b" ", 2)[1])
    return status, answer[answer.index(b"\r\n\r\n") + 4:]


PNG = encode(np.full((40, 40, 3), 255, np.uint8))
REFUSALS = {
    "text as png": ("POST", "/v1/read", b"hello, world", "image/png", 400, "not_an_image"),
    "empty body": ("POST", "/v1/read", b"", "image/png", 400, "not_an_image"),
    "truncated png": ("POST", "/v1/read", PNG[:60], "image/png", 400, "not_an_image"),
    "text/plain": ("POST", "/v1/read", PNG, "text/plain", 415, "unsupported_type"),
    "json": ("POST", "/v1/classify", b'{"image": 1}', "application/json", 415, "unsupported_type"),
    "gif bytes": ("POST", "/v1/read", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/png", 415, "unsupported_type"),
    "image/gif": ("POST", "/v1/read", PNG, "image/gif", 415, "unsupported_type"),
    "png bomb": ("POST", "/v1/read", png_bomb(), "image/png", 413, "too_many_pixels"),
    "tiny frame": ("POST", "/v1/read", encode(np.zeros((4, 4, 3), np.uint8)), "image/png", 400, "bad_image"),
    "threshold 2": ("POST", "/v1/read?threshold=2", PNG, "image/png", 400, "bad_parameter"),
    "threshold nan": ("POST", "/v1/classify?threshold=nan", PNG, "image/png", 400, "bad_parameter"),
    "unknown parameter": ("POST", "/v1/read?treshold=0.5", PNG, "image/png", 400, "bad_parameter"),
    "twice": ("POST", "/v1/read?threshold=0.5&threshold=0.6", PNG, "image/png", 400, "bad_parameter"),
    "partial 2": ("POST", "/v1/read?partial=2", PNG, "image/png", 400, "bad_parameter"),
    "no profile": ("POST", "/v1/postcode", PNG, "image/png", 400, "bad_parameter"),
    "unknown profile": ("POST", "/v1/postcode?profile=xx", PNG, "image/png", 400, "bad_parameter"),
    "profile as a path": ("POST", "/v1/postcode?profile=/etc/passwd", PNG, "image/png", 400, "bad_parameter"),
    "profile file": ("POST", "/v1/postcode?profile=edge_digits/postcode/profiles/jp.json", PNG,
                     "image/png", 400, "bad_parameter"),
    "no boundary": ("POST", "/v1/read", PNG, "multipart/form-data", 400, "bad_multipart"),
    "no file part": ("POST", "/v1/read", b"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--b--\r\n",
                     "multipart/form-data; boundary=b", 400, "bad_multipart"),
    "text part": ("POST", "/v1/read", multipart(b"hello", "a.txt", "text/plain")[0], None, 415, "unsupported_type"),
    "unknown path": ("GET", "/v2/read", None, None, 404, "not_found"),
    "trailing slash": ("POST", "/v1/read/", PNG, "image/png", 404, "not_found"),
    "wrong method": ("GET", "/v1/read", None, None, 405, "method_not_allowed"),
    "model with parameters": ("GET", "/v1/model?x=1", None, None, 400, "bad_parameter"),
}


@pytest.mark.parametrize("name", list(REFUSALS))
def test_refusals_are_one_json_shape(server, name):
    method, path, body, content_type, status, code = REFUSALS[name]
    headers = {}
    if content_type:
        headers["Content-Type"] = content_type
    elif name == "text part":
        headers["Content-Type"] = multipart(b"hello", "a.txt", "text/plain")[1]
    if name == "text part":  # the body and its boundary must come from the same call
        body, headers["Content-Type"] = multipart(b"hello", "a.txt", "text/plain")
    answer = call(server, method, path, body, headers)
    assert answer.status == status, answer.body
    assert answer.json == {"error": {"code": code, "message": answer.json["error"]["message"]}}
    assert answer.json["error"]["message"] and "Traceback" not in answer.json["error"]["message"]


@pytest.mark.parametrize("host, status", [
    ("evil.example", 403), ("evil.example:8080", 403), ("192.168.1.5:8080", 403), ("[fe80::1]:80", 403),
    ("localhost", 200), ("127.0.0.1:1", 200), ("[::1]:8080", 200),
])
def test_without_a_token_only_loopback_names_are_answered(server, host, status):
    answer = call(server, "GET", "/v1/model", None, {"Host": host})
    assert answer.status == status, answer.body
    if status == 403:
        assert answer.json["error"]["code"] == "forbidden"


def test_too_large_is_refused_before_the_body_is_read(server):
    head = (b"POST /v1/read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/jpeg\r\n"
            b"Content-Length: 17000000\r\n\r\n")
    status, body = raw_exchange(server.port, head, b"\xff\xd8\xff" + b"\x00" * 1000)
    assert status == 413 and json.loads(body)["error"]["code"] == "too_large"
    # without a length (chunked), the body is counted as it arrives and refused at the limit
    chunk = b"\x00" * 1_000_000
    chunked = b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(17)) + b"0\r\n\r\n"
    head = b"POST /v1/read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/jpeg\r\nTransfer-Encoding: chunked\r\n\r\n"
    status, body = raw_exchange(server.port, head, chunked)
    assert status == 413 and json.loads(body)["error"]["code"] == "too_large"


def test_openapi_document_matches_the_routes_and_the_answers(server):
    jsonschema = pytest.importorskip("jsonschema")
    document = call(server, "GET", "/openapi.json").json
    jsonschema.Draft202012Validator.check_schema(document["components"]["schemas"]["Reading"])
    from edge_digits.web.app import Service
    from edge_digits.web.config import WebConfig

    routes = {(route.path, method.lower()) for route in Service(WebConfig()).routes()
              if getattr(getattr(route, "endpoint", None), "openapi", None)
              for method in route.methods - {"HEAD"}}
    documented = {(path, method) for path, operations in document["paths"].items() for method in operations}
    assert documented == routes == {("/v1/read", "post"), ("/v1/postcode", "post"),
                                    ("/v1/classify", "post"), ("/v1/model", "get"),
                                    ("/healthz", "get")}
    schemas = document["components"]["schemas"]
    validators = {name: jsonschema.Draft202012Validator(schema) for name, schema in schemas.items()}
    seen = set()
    for method, path, status, payload in RESPONSES:
        operation = document["paths"].get(path, {}).get(method.lower())
        if operation is None or payload is None:
            continue
        assert str(status) in operation["responses"], f"{method} {path} answered {status}, not documented"
        reference = operation["responses"][str(status)]["content"]["application/json"]["schema"]["$ref"]
        validators[reference.rsplit("/", 1)[1]].validate(payload)
        seen.add((path, status))
    assert {("/v1/read", 200), ("/v1/postcode", 200), ("/v1/classify", 200), ("/v1/model", 200),
            ("/v1/read", 400), ("/v1/read", 413), ("/v1/read", 415), ("/v1/model", 403)} <= seen


# -- the token, binding, the pool --------------------------------------------------------------
def test_a_token_is_checked_on_every_api_call(tmp_path):
    guarded = start_server(tmp_path / "token.log", "--workers", "1", env={"EDGE_DIGITS_TOKEN": TOKEN})
    try:
        png = encode(np.full((40, 40, 3), 255, np.uint8))
        calls = [("POST", "/v1/read", png), ("POST", "/v1/classify", png),
                 ("POST", "/v1/postcode?profile=jp", png), ("GET", "/v1/model", None)]
        for method, path, body in calls:
            for headers in ({}, {"Authorization": "Bearer wrong-token-000"}, {"Authorization": TOKEN},
                            {"Authorization": f"Basic {TOKEN}"}):
                answer = guarded.request(method, path, body, {"Content-Type": "image/png", **headers})
                assert answer.status == 401, (path, headers)
                assert answer.json["error"]["code"] == "unauthorized"
                assert answer.headers["www-authenticate"].startswith("Bearer")
            good = guarded.request(method, path, body, {"Content-Type": "image/png",
                                                        "Authorization": f"Bearer {TOKEN}"})
            assert good.status == 200, (path, good.body)
        # the page and the liveness check carry no secrets
        assert guarded.request("GET", "/").status == 200
        assert guarded.request("GET", "/healthz").status == 200
    finally:
        guarded.stop()


@pytest.mark.parametrize("arguments, message", [
    (["--host", "0.0.0.0"], "give a token"),
    (["--host", "192.168.1.20"], "give a token"),
    (["--host", "0.0.0.0", "--token", "short"], "at least 8 characters"),
    (["--model", "no/such/model.tflite"], "model file not found"),
])
def test_the_command_refuses_unsafe_or_broken_settings(arguments, message):
    result = subprocess.run([sys.executable, "-m", "edge_digits", "web", "--port", "0", *arguments],
                            capture_output=True, text=True, timeout=120, cwd=ROOT,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(ROOT)})
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_loopback_needs_no_token():
    from edge_digits.web.config import WebConfig, is_loopback

    assert all(is_loopback(host) for host in ("127.0.0.1", "127.0.1.1", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(host) for host in ("0.0.0.0", "::", "10.0.0.2", "pi.local"))
    assert WebConfig(host="::1").token is None


def occupy(pool, release: threading.Event, timeout: float = 60.0) -> tuple[threading.Thread, threading.Event]:
    """A job that holds one worker (or a queue place) until ``release`` is set; and an
    event set when a worker has started it."""
    started = threading.Event()

    def job(reader):
        started.set()
        return release.wait(timeout)
    thread = threading.Thread(target=lambda: asyncio.run(pool.run(job, timeout)), daemon=True)
    thread.start()
    return thread, started


def wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_a_full_queue_answers_503_with_retry_after():
    from edge_digits.web.app import create_app
    from edge_digits.web.config import WebConfig

    app = create_app(WebConfig(workers=1, queue_size=1, timeout=30))
    release = threading.Event()
    png = encode(np.full((40, 40, 3), 255, np.uint8))
    with app_server(app) as port:
        pool = app.state.service.pool
        first, running = occupy(pool, release)
        assert running.wait(30)  # the worker took the first job
        second, _ = occupy(pool, release)  # the one place in the queue
        wait_until(lambda: pool.waiting == 1)
        holders = [first, second]
        answer = request(port, "POST", "/v1/read", png, {"Content-Type": "image/png"})
        assert answer.status == 503 and answer.json["error"]["code"] == "busy"
        assert int(answer.headers["retry-after"]) >= 1
        release.set()
        for holder in holders:
            holder.join(30)
        assert request(port, "POST", "/v1/read", png, {"Content-Type": "image/png"}).status == 200


def test_a_request_that_waits_too_long_times_out():
    from edge_digits.web.app import create_app
    from edge_digits.web.config import WebConfig

    app = create_app(WebConfig(workers=1, queue_size=4, timeout=0.5))
    release = threading.Event()
    png = encode(np.full((40, 40, 3), 255, np.uint8))
    with app_server(app) as port:
        pool = app.state.service.pool
        holder, running = occupy(pool, release)
        assert running.wait(30)
        answer = request(port, "POST", "/v1/read", png, {"Content-Type": "image/png"})
        assert answer.status == 503 and answer.json["error"]["code"] == "timeout"
        assert "Retry-After".lower() in answer.headers
        release.set()
        holder.join(30)
        assert request(port, "POST", "/v1/read", png, {"Content-Type": "image/png"}).status == 200


def test_a_body_that_does_not_arrive_times_out_with_408():
    from edge_digits.web.app import create_app
    from edge_digits.web.config import WebConfig

    app = create_app(WebConfig(workers=1, timeout=0.5))
    with app_server(app) as port:
        head = (b"POST /v1/read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\n"
                b"Content-Length: 1000\r\n\r\n")
        status, body = raw_exchange(port, head, b"\x89PNG\r\n\x1a\n")  # 8 of 1000 bytes, then nothing
        assert status == 408 and json.loads(body)["error"]["code"] == "request_timeout"
        assert app.state.service.pool.completed == 1  # the start-up measurement only: no worker held


def test_marks_that_are_not_digits_are_called_so(server):
    def canvas():
        return np.full((280, 560, 3), 255, np.uint8)
    marks = {"filled square": cv2.rectangle(canvas(), (200, 40), (360, 240), (0, 0, 0), -1),
             "X": cv2.line(cv2.line(canvas(), (200, 40), (360, 240), (0, 0, 0), 18),
                           (360, 40), (200, 240), (0, 0, 0), 18)}
    for letter in "#AM":
        marks[letter] = cv2.putText(canvas(), letter, (160, 240), cv2.FONT_HERSHEY_SIMPLEX, 7, (0, 0, 0), 18)
    decisions = {name: call(server, "POST", "/v1/classify", encode(image), {"Content-Type": "image/png"}).json
                 for name, image in marks.items()}
    called = [name for name, result in decisions.items()
              if result["decision"] == "not a digit" and result["best"] == "none" and result["value"] is None]
    # the bundled model calls 95.75% of generated non-digits 'none' (its manifest)
    assert len(called) >= 4, {name: (r["decision"], r["best"]) for name, r in decisions.items()}


def test_a_steady_server_does_not_fault_in_fresh_memory_for_each_frame(server, frames):
    """glibc would give each request's frame-sized blocks back and fault them in again
    (718 minor faults a 640x480 read, ~1 ms; see edge_digits/web/server.steady_heap)."""
    stat = f"/proc/{server.process.pid}/stat"
    try:
        open(stat).close()
    except OSError:
        pytest.skip("no /proc: minor page faults are counted on Linux only")

    def faults() -> int:
        with open(stat) as handle:
            return int(handle.read().rsplit(")", 1)[1].split()[7])  # minflt
    bodies = [encode(frame.image, ".png") for frame in frames[:4]]
    for body in bodies:  # warm: the heap has grown to a frame's needs
        call(server, "POST", "/v1/read", body, {"Content-Type": "image/png"})
    before = faults()
    for _ in range(5):
        for body in bodies:
            call(server, "POST", "/v1/read", body, {"Content-Type": "image/png"})
    per_request = (faults() - before) / (5 * len(bodies))
    assert per_request < 50, f"{per_request:.0f} minor page faults a request"
