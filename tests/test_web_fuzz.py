"""1,500 malformed requests against `edge-digits web` over loopback, seeded: broken multipart,
truncated and corrupted images, wrong content types, huge heads, decompression bombs, bad
parameters, broken HTTP. None may answer 5xx; every answer of the app is JSON (a result, or
the one error shape); the server's log has no traceback and it still answers afterwards."""
from __future__ import annotations

import collections
import json
import socket
import struct
import zlib

import cv2
import numpy as np
import pytest

pytest.importorskip("starlette", reason="the web extra is not installed: pip install -e '.[web]'")

from web_support import SAMPLES, encode, multipart, start_server

SEED = 2026
PATHS = ("/v1/read", "/v1/classify", "/v1/postcode?profile=jp")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_server(tmp_path_factory.mktemp("fuzz") / "server.log", "--workers", "2",
                           "--queue", "64")
    yield running
    running.stop()


def exchange(port: int, data: bytes, half_close: bool = False,
             timeout: float = 30.0) -> tuple[int | None, dict, bytes]:
    """Send raw bytes; (status, headers, body) of the answer, or (None, {}, b"") when the
    server closes without one. ``half_close`` ends the sending side after the bytes (for a
    body that never arrives in full: the server sees the client leave)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        try:
            connection.sendall(data)
            if half_close:
                connection.shutdown(socket.SHUT_WR)
        except OSError:  # the server answered and closed before all was sent
            pass
        answer = b""
        while True:
            try:
                block = connection.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not block:
                break
            answer += block
    if not answer:
        return None, {}, b""
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower().decode()] = value.strip().decode(errors="replace")
    if headers.get("transfer-encoding") == "chunked":
        body = dechunk(body)
    return status, headers, body


def dechunk(body: bytes) -> bytes:
    out = b""
    while body:
        size_line, _, body = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out, body = out + body[:size], body[size + 2:]
    return out


def http(method: str, path: str, body: bytes = b"", content_type: str | None = "image/png",
         extra: tuple = ()) -> bytes:
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close",
            f"Content-Length: {len(body)}"]
    if content_type is not None:
        head.append(f"Content-Type: {content_type}")
    head.extend(extra)
    return "\r\n".join(head).encode("latin-1", errors="replace") + b"\r\n\r\n" + body


def images() -> dict[str, bytes]:
    frame = cv2.imread(str(SAMPLES / "digits_one_line.jpg"))[100:220, 40:360]  # digits, small
    return {"png": encode(frame, ".png"), "jpeg": encode(frame, ".jpg"), "bmp": encode(frame, ".bmp"),
            "webp": encode(frame, ".webp"), "webp-lossless": encode(frame, ".webp", cv2.IMWRITE_WEBP_QUALITY, 101)}


def png(width: int, height: int, idat: bytes, colour: int = 0, depth: int = 8) -> bytes:
    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def bombs() -> list[bytes]:
    zeros = zlib.compress(b"\x00" * 20_000_000, 9)  # ~20 kB that inflate to 20 MB
    webp_x = (b"RIFF" + struct.pack("<I", 22) + b"WEBPVP8X" + struct.pack("<I", 10) + b"\x00" * 4 +
              (99_999).to_bytes(3, "little") * 2)
    jpeg = (b"\xff\xd8\xff\xc0" + struct.pack(">HBHHB", 11, 8, 65_000, 65_000, 1) + b"\x01\x11\x00" +
            b"\xff\xda" + b"\x00" * 2000)
    bmp = b"BM" + struct.pack("<IHHI", 70, 0, 0, 54) + struct.pack("<IiiHHIIiiII", 40, 90_000, 90_000, 1, 24, 0, 0, 0, 0, 0, 0)
    made = [png(100_000, 100_000, zeros), png(20_000, 20_000, zeros), png(65_535, 65_535, zeros, 6, 16),
            png(5_001, 5_001, zeros), webp_x, jpeg, bmp,
            png(4_000, 4_000, zeros),     # 16 MP: under the limit, decoded (mostly missing rows)
            png(2_000_000, 1, zeros), png(1, 2_000_000, zeros)]
    return made


def mutations(rng, data: bytes, count: int) -> list[bytes]:
    """Truncations, flipped bytes, inserted and deleted runs of ``data``."""
    out = []
    for _ in range(count):
        choice = rng.integers(4)
        mutated = bytearray(data)
        if choice == 0:
            mutated = mutated[:int(rng.integers(0, len(data)))]
        elif choice == 1:
            for position in rng.integers(0, len(data), int(rng.integers(1, 20))):
                mutated[position] = int(rng.integers(256))
        elif choice == 2:
            at = int(rng.integers(0, len(data)))
            mutated[at:at] = rng.integers(0, 256, int(rng.integers(1, 200)), dtype=np.uint8).tobytes()
        else:
            at = int(rng.integers(0, len(data)))
            del mutated[at:at + int(rng.integers(1, 500))]
        out.append(bytes(mutated))
    return out


def broken_multiparts(rng, image: bytes, count: int) -> list[tuple[bytes, str]]:
    body, content_type = multipart(image, "frame.png")
    boundary = content_type.split("boundary=")[1]
    made = [
        (body, "multipart/form-data"),                                   # no boundary
        (body, "multipart/form-data; boundary="),                        # empty boundary
        (body, "multipart/form-data; boundary=other"),                   # wrong boundary
        (body.replace(b"\r\n", b"\n"), content_type),                    # bare newlines
        (body.replace(b"filename=\"frame.png\"", b""), content_type),     # a field, not a file
        (body.replace(b"name=\"image\"; ", b""), content_type),          # no name
        (body.replace(b"Content-Disposition", b"X-Nothing"), content_type),
        (body[: len(body) // 2], content_type),                          # cut in the image
        (body[:60], content_type),                                       # cut in the part's head
        (body + body, content_type),                                     # two bodies
        (body.replace(f"--{boundary}--".encode(), b""), content_type),   # no closing boundary
        (body * 3, content_type),
        (b"", content_type),
        (b"--" + boundary.encode() + b"--\r\n", content_type),           # no parts
        (body, f"multipart/form-data; boundary={boundary}; charset=nonsense"),
        (body, f"multipart/form-data; boundary={'x' * 5000}"),
        (multipart(image, "a.png", "image/gif")[0], multipart(image, "a.png", "image/gif")[1]),
        (multipart(b"", "empty.png")[0], multipart(b"", "empty.png")[1]),
    ]
    # three files in one form
    many = b"".join(multipart(image, f"{i}.png")[0].rsplit(b"\r\n--", 1)[0] + b"\r\n" for i in range(3))
    made.append((many, content_type))
    for mutated in mutations(rng, body, count - len(made)):
        made.append((mutated, content_type))
    return made


CONTENT_TYPES = ["text/plain", "application/json", "application/x-www-form-urlencoded", "image/gif",
                 "image/svg+xml", "image/tiff", "video/mp4", "image", "/", ";", "image/png; charset=utf-8",
                 "IMAGE/PNG", "image/png;;;", "image/png; boundary=x", "multipart/mixed; boundary=x",
                 "application/octet-stream; x=\"unterminated", "\u00e9/\u00e9", "a" * 3000,
                 "multipart/form-data; boundary=\"quoted\"", "text/html; charset=latin-1"]


def requests_to_send(rng) -> list[tuple[str, bytes]]:
    """(category, raw request bytes), about 1,500 of them."""
    sent: list[tuple[str, bytes]] = []
    encoded = images()
    # truncated and corrupted images, as raw bodies and in multipart forms
    for name, data in encoded.items():
        for index, mutated in enumerate(mutations(rng, data, 80)):
            path = PATHS[index % len(PATHS)]
            if index % 4 == 3:
                body, content_type = multipart(mutated, f"x.{name}")
                sent.append(("truncated image", http("POST", path, body, content_type)))
            else:
                sent.append(("truncated image", http("POST", path, mutated, "application/octet-stream")))
    # broken multipart
    for index, (body, content_type) in enumerate(broken_multiparts(rng, encoded["png"], 300)):
        sent.append(("broken multipart", http("POST", PATHS[index % len(PATHS)], body, content_type)))
    # wrong content types
    for index in range(200):
        content_type = CONTENT_TYPES[index % len(CONTENT_TYPES)]
        data = list(encoded.values())[index % len(encoded)] if index % 3 else b"not an image at all"
        sent.append(("content type", http("POST", PATHS[index % len(PATHS)], data, content_type)))
    # decompression bombs and lying headers
    for index, bomb in enumerate(bombs() * 5):
        if index % 2:
            body, content_type = multipart(bomb, "bomb.png")
            sent.append(("bomb", http("POST", PATHS[index % len(PATHS)], body, content_type)))
        else:
            sent.append(("bomb", http("POST", PATHS[index % len(PATHS)], bomb, "image/png")))
    # bad parameters
    values = ["", "-1", "1.5", "nan", "inf", "1e309", "0x1", "%00", "%ff%fe", "\u00e9", "0.5%20", "a" * 2000,
              "../../etc/passwd", "digits:999", "digits:-1", "JP", "jp.json", "/etc/passwd"]
    for index in range(150):
        value = values[index % len(values)]
        name = ["threshold", "profile", "margin", "Threshold", "x", "threshold[]"][index % 6]
        from urllib.parse import quote
        path = ["/v1/read", "/v1/classify", "/v1/postcode", "/v1/model"][index % 4]
        query = f"{quote(name)}={quote(value, safe='%')}"
        if path == "/v1/postcode" and name != "profile" and index % 2:
            query = "profile=jp&" + query
        method = "GET" if path == "/v1/model" else "POST"
        sent.append(("parameter", http(method, f"{path}?{query}", encoded["png"] if method == "POST" else b"")))
    # huge heads
    for index in range(60):
        kind = index % 6
        if kind == 0:
            sent.append(("huge head", http("POST", "/v1/read?threshold=" + "9" * 20_000, encoded["png"])))
        elif kind == 1:
            sent.append(("huge head", http("POST", "/v1/read", encoded["png"], extra=(f"X-Big: {'a' * 20_000}",))))
        elif kind == 2:
            sent.append(("huge head", http("POST", "/v1/read", encoded["png"],
                                           extra=tuple(f"X-H{i}: {i}" for i in range(2000)))))
        elif kind == 3:
            sent.append(("huge head", http("GET", "/" + "a" * 30_000, b"", None)))
        elif kind == 4:
            sent.append(("huge head", http("POST", "/v1/read", encoded["png"],
                                           extra=(f"Authorization: Bearer {'t' * 15_000}",))))
        else:
            sent.append(("huge head", http("POST", "/v1/read", encoded["png"], f"image/png; x={'y' * 15_000}")))
    # broken HTTP: lengths that lie, bad chunking, odd methods and paths
    body = encoded["png"]
    broken = [
        b"POST /v1/read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: -5\r\n\r\n" + body,
        b"POST /v1/read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: abc\r\n\r\n" + body,
        b"POST /v1/read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: 999999\r\n\r\n" + body,
        b"POST /v1/read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: 10\r\nContent-Length: 20\r\n\r\n" + body,
        b"POST /v1/read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n" + body,
        b"POST /v1/read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n" + body[:5],
        b"POST /v1/read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nTransfer-Encoding: gzip\r\n\r\n" + body,
        b"POST /v1/read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nabcd",
        b"POST /v1/read HTTP/1.0\r\nContent-Type: image/png\r\n\r\n" + body,
        b"POST /v1/read HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n",
        b"GARBAGE\r\n\r\n", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(40),  # a TLS hello
        b"POST /v1/read\r\n\r\n", b"POST  HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", b"\r\n\r\n\r\n",
        b"POST /v1/read HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n",
        b"POST /v1/read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: 0\r\n\r\n",
        b"POST /%00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", b"POST /v1/read?%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n",
        b"POST /v1/read HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: \xff\xfe\r\nContent-Length: 3\r\n\r\nabc",
    ]
    for method in ("GET", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW", "HEAD"):
        for path in ("/v1/read", "/v1/model", "/v1/classify", "/", "/static/../../etc/passwd",
                     "/static/app.js%00", "/v1//read", "/v1/read/", "/.env", "/openapi.json/x"):
            broken.append(http(method, path, b"", None))
    for raw in broken:
        sent.append(("broken http", raw))
    return sent


def test_malformed_requests_never_get_a_5xx(server):
    rng = np.random.default_rng(SEED)
    sent = requests_to_send(rng)
    assert len(sent) >= 1000
    statuses = collections.Counter()
    problems = []
    for category, raw in sent:
        status, headers, body = exchange(server.port, raw, half_close=category == "broken http")
        statuses[(category, status)] += 1
        if status is not None and status >= 500:
            problems.append((category, status, raw[:120], body[:300]))
            continue
        if raw.startswith(b"HEAD "):  # an answer to HEAD has no body
            continue
        if headers.get("content-type", "").startswith("application/json") and status is not None and status >= 400:
            payload = json.loads(body)
            if set(payload) != {"error"} or set(payload["error"]) != {"code", "message"}:
                problems.append((category, status, raw[:120], body[:300]))
    assert not problems, problems[:10]
    # the app itself answered most of them (not only the HTTP layer's 400s)
    by_status = collections.Counter()
    for (category, status), count in statuses.items():
        by_status[status] += count
    assert by_status[None] <= 20, statuses
    assert {400, 413, 415} <= set(by_status), by_status
    # and it is still serving, with nothing unexpected in its log
    assert server.request("POST", "/v1/read", images()["png"], {"Content-Type": "image/png"}).status == 200
    log = server.log
    assert "Traceback" not in log and '" 500' not in log, log[-3000:]
    print("fuzz answers:", dict(sorted(by_status.items(), key=str)))
