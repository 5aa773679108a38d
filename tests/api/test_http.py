"""The HTTP layer: headers, limits, framing, errors, health, metrics,
the OpenAPI document, and a graceful stop."""
import json
import socket
import subprocess
import time

import requests
from conftest import problem
from server import Server


def raw(base, data, timeout=5):
    """Sends bytes on a fresh connection and returns the reply's bytes."""
    host, port = base.rsplit(":", 1)
    with socket.create_connection((host.replace("http://", ""), int(port)), timeout=timeout) as s:
        s.sendall(data)
        out = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
                if b"\r\n\r\n" in out and len(out) > 200:
                    break
        except socket.timeout:
            pass
        return out


def test_security_headers_on_every_reply(base):
    for path in ["/healthz", "/api/v1/me", "/", "/api/v1/nope"]:
        r = requests.get(base + path)
        h = r.headers
        assert "frame-ancestors 'none'" in h["Content-Security-Policy"], path
        assert "default-src 'self'" in h["Content-Security-Policy"]
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["Referrer-Policy"] == "no-referrer"


def test_health_and_metrics(base):
    assert requests.get(base + "/healthz").json() == {"status": "ok"}
    m = requests.get(base + "/metrics")
    assert m.headers["Content-Type"].startswith("text/plain")
    assert 'tandem_http_requests_total{class="2xx"}' in m.text
    assert "tandem_http_request_duration_seconds_bucket" in m.text


def test_unknown_paths_and_methods(base):
    problem(requests.get(base + "/api/v1/nope"), 404)
    problem(requests.put(base + "/api/v1/me"), 405)
    problem(requests.get(base + "/assets/missing.js"), 404)


def test_the_ui_is_served_for_its_routes(base):
    for path in ["/", "/signin", "/programs/12/settings"]:
        r = requests.get(base + path)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
        assert "<" in r.text


def test_duplicate_content_length_is_refused(base):
    out = raw(base, b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 2\r\nContent-Length: 30\r\n\r\n{}")
    assert out.startswith(b"HTTP/1.1 400"), out[:100]


def test_content_length_with_chunked_is_refused(base):
    out = raw(base, b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 400"), out[:100]


def test_oversized_bodies_are_refused(base):
    big = b"{" + b" " * (1 << 20) + b"}"
    r = requests.post(base + "/api/v1/session", data=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413

    # A chunked body carries no length: the server counts its bytes and
    # answers 413 once the body has passed the limit.
    host, port = base.replace("http://", "").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as c:
        c.sendall(b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"%x\r\n" % 65536 + b" " * 65536 + b"\r\n"
        try:
            for _ in range(40):
                c.sendall(chunk)
            c.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server may stop reading once it has answered
        assert c.recv(4096).startswith(b"HTTP/1.1 413")


def test_too_many_headers_are_refused(base):
    headers = {"X-Filler-%d" % i: "v" for i in range(80)}
    assert requests.get(base + "/healthz", headers=headers).status_code == 431
    assert requests.get(base + "/healthz", headers={"X-Big": "v" * 9000}).status_code in (431, 413)


def test_keep_alive(base):
    s = requests.Session()
    for _ in range(3):
        r = s.get(base + "/healthz")
        assert r.headers.get("Connection", "").lower() != "close"


def test_openapi_lists_exactly_the_routed_endpoints(base, server):
    doc = requests.get(base + "/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    documented = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    out = subprocess.run([server.binary, "routes"], capture_output=True, text=True, check=True).stdout
    routed = {tuple(line.split(" ", 1)) for line in out.splitlines() if line}
    assert routed, "no routes printed"
    assert routed - documented == set(), "routed but not documented"
    assert documented - routed == set(), "documented but not routed"


def test_sigterm_finishes_in_flight_requests_and_exits_0():
    s = Server(name="sigterm").start()
    body = json.dumps({"email": "admin@example.org", "password": "correct horse battery staple"}).encode()
    host, port = s.url.replace("http://", "").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as c:
        c.sendall(b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: %d\r\n\r\n" % len(body) + body[:10])
        time.sleep(0.3)
        s.proc.terminate()  # the request is in flight: half its body is here
        time.sleep(0.3)
        assert s.proc.poll() is None, "the server quit with a request in flight"
        # A connection made now is closed without an answer.
        with socket.create_connection((host, int(port)), timeout=5) as late:
            late.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                assert late.recv(100) == b""
            except ConnectionResetError:
                pass
        c.sendall(body[10:])
        reply = c.recv(65536)
    assert reply.startswith(b"HTTP/1.1 200"), reply[:200]
    assert s.stop() == 0
