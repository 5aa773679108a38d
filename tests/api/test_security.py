"""The security regression suite: each defect an outside probe found, as
the request (or raw bytes on a socket) that showed it. Every test here
failed before its fix. The authorization probe across roles is
test_permissions.py, generated from the route table."""
import calendar
import concurrent.futures
import json
import re
import secrets
import socket
import subprocess
import time

import pytest
import requests
from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Client, problem
from server import Server

# ---- helpers ----


def connect(base, timeout=5):
    host, port = base.replace("http://", "").split(":")
    return socket.create_connection((host, int(port)), timeout=timeout)


def exchange(base, data, timeout=3):
    """Sends bytes on a fresh connection and reads until the server closes
    it; returns (reply bytes, whether it closed before the timeout)."""
    with connect(base, timeout) as s:
        s.sendall(data)
        out = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    return out, True
                out += chunk
        except socket.timeout:
            return out, False
        except ConnectionResetError:
            return out, True


def sign_in(base, email, password, via=None):
    h = {"X-Forwarded-For": via} if via else {}
    return requests.post(base + "/api/v1/session", json={"email": email, "password": password}, headers=h)


def new_account(admin, name="Someone"):
    email = "sec-%s@example.org" % secrets.token_hex(4)
    r = admin.post("/api/v1/people", json={"email": email, "name": name, "password": PASSWORD})
    assert r.status_code == 201, r.text
    return email


def flood(base, count, via, connections=4):
    """count sign-ins with random e-mail addresses, pipelined on a few
    connections (the cheap flood of the probe); returns the statuses."""
    statuses = []
    per = count // connections
    for _ in range(connections):
        with connect(base, timeout=60) as s:
            batch = []
            for _ in range(per):
                body = json.dumps({"email": "f%s@example.org" % secrets.token_hex(6),
                                   "password": "not the password"}).encode()
                batch.append(b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                             b"X-Forwarded-For: %s\r\nContent-Length: %d\r\n\r\n%s" % (via.encode(), len(body), body))
            s.sendall(b"".join(batch))
            got = b""
            while got.count(b"HTTP/1.1 ") < per:
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                got += chunk
            statuses += [int(m) for m in re.findall(rb"HTTP/1\.1 (\d{3})", got)]
    return statuses


def proxied_server(name, **kw):
    return Server(name=name, args=["--trusted-proxy", "127.0.0.1/32", *kw.pop("args", [])], **kw).start()


# ---- 1. the sign-in lockout and its counters ----


def test_a_flood_of_sign_ins_does_not_unlock_a_locked_account():
    """Ten wrong passwords lock an account; the probe then sent ~19,500 cheap
    sign-ins with random e-mails and the lock was gone 67 s into its 300 s.
    The counters live in the database now and a live one is never pushed
    out: the same flood changes nothing."""
    s = proxied_server("flood")
    try:
        a = Client(s.url).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
        email = new_account(a)
        for _ in range(10):
            problem(sign_in(s.url, email, "wrong password", via="203.0.113.7"), 401)
        locked = sign_in(s.url, email, PASSWORD, via="203.0.113.7")
        problem(locked, 429)
        assert 290 <= int(locked.headers["Retry-After"]) <= 300

        rows_before = int(s.sql("SELECT COUNT(*) FROM signin_counters")[0][0])
        # Scaled down from the probe's 19,500, still twice the old table.
        statuses = flood(s.url, 8000, via="198.51.100.9")
        assert len(statuses) == 8000
        # The flooding address is itself locked after 50 failures: the rest
        # are refused before anything about their e-mail is read or stored.
        assert statuses.count(401) == 50 and statuses.count(429) == 8000 - 50
        rows_after = int(s.sql("SELECT COUNT(*) FROM signin_counters")[0][0])
        assert rows_after == rows_before + 1 + 50  # the flood's address and its 50 e-mails
        # From the locked address even the right password of an unlocked
        # account is refused, and nothing more is stored.
        other = new_account(a)
        r = sign_in(s.url, other, PASSWORD, via="198.51.100.9")
        problem(r, 429)
        assert 0 < int(r.headers["Retry-After"]) <= 300
        assert int(s.sql("SELECT COUNT(*) FROM signin_counters")[0][0]) == rows_after
        assert sign_in(s.url, other, PASSWORD, via="198.51.100.10").status_code == 200

        # A flood from many addresses (behind the trusted proxy) cannot push it out either.
        for i in range(30):
            problem(sign_in(s.url, "g%d-%s@example.org" % (i, secrets.token_hex(3)), "x" * 12,
                            via="192.0.2.%d" % (i + 1)), 401)
        problem(sign_in(s.url, email, PASSWORD, via="203.0.113.7"), 429)
        problem(sign_in(s.url, email, PASSWORD, via="203.0.113.99"), 429)  # the account, from anywhere
        # No e-mail address or IP address is stored in clear.
        keys = [k for (k,) in s.sql("SELECT counter_key FROM signin_counters")]
        assert keys and all(re.fullmatch(r"[0-9a-f]{32}", k) for k in keys)
    finally:
        assert s.stop() == 0


def test_two_servers_on_one_database_share_the_count():
    one = Server(name="shared-a").start()
    two = Server(name="shared-b", db=one.db).start()
    try:
        email = new_account(Client(one.url).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD))
        for _ in range(5):
            problem(sign_in(one.url, email, "wrong password"), 401)
            problem(sign_in(two.url, email, "wrong password"), 401)
        problem(sign_in(one.url, email, PASSWORD), 429)
        problem(sign_in(two.url, email, PASSWORD), 429)
    finally:
        assert two.stop() == 0
        assert one.stop() == 0


def test_x_forwarded_for_names_the_client_only_behind_a_trusted_proxy(server):
    """The address the access log shows is the one the sign-in limit counts."""
    def logged(srv):
        requests.get(srv.url + "/healthz", headers={"X-Forwarded-For": "6.6.6.6, 198.51.100.23"})
        requests.get(srv.url + "/healthz", headers={"X-Forwarded-For": "not-an-ip, 127.0.0.1"})
        time.sleep(0.2)
        assert srv.stop() == 0
        return open(srv.log_path).read()

    # Not from a trusted proxy: the header changes nothing.
    log = logged(Server(name="untrusted-xff").start())
    assert "198.51.100.23" not in log and "6.6.6.6" not in log
    assert len(re.findall(r"127\.0\.0\.1 GET /healthz 200", log)) >= 2
    # From a trusted proxy: the address it saw, not what the client claimed before it.
    log = logged(proxied_server("trusted-xff"))
    assert re.search(r"198\.51\.100\.23 GET /healthz 200", log), log[-500:]
    assert "6.6.6.6" not in log
    assert re.search(r"127\.0\.0\.1 GET /healthz 200", log)  # a bad entry ends the walk
    r = subprocess.run([server.binary, "serve", "--db", "sqlite:/nonexistent/x", "--trusted-proxy", "10.0.0.0/33"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "10.0.0.0/33" in r.stderr


# ---- 2. API tokens ----


def stamp(text):
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


def make_token(client, password=PASSWORD, **body):
    return client.post("/api/v1/tokens", json={"name": body.pop("name", "ci"), "password": password, **body})


def test_tokens_are_listed_without_their_secrets_and_revoked(make_person, base):
    alice = make_person()
    r = make_token(alice, name="deploy")
    assert r.status_code == 201, r.text
    made = r.json()
    token = made["token"]
    h = {"Authorization": "Bearer " + token}
    assert requests.get(base + "/api/v1/me", headers=h).status_code == 200

    listed = alice.get("/api/v1/tokens").json()
    assert listed["default_expiry_days"] == 90 and listed["max_expiry_days"] == 365
    [item] = [t for t in listed["items"] if t["id"] == made["id"]]
    assert set(item) == {"id", "name", "created_at", "last_used_at", "expires_at", "expired"}
    assert item["name"] == "deploy" and item["expired"] is False and item["last_used_at"]
    assert token not in json.dumps(listed) and "hash" not in json.dumps(listed)

    # Someone else's token is not theirs to see or revoke.
    bob = make_person()
    assert all(t["id"] != made["id"] for t in bob.get("/api/v1/tokens").json()["items"])
    problem(bob.delete("/api/v1/tokens/%d" % made["id"]), 404)
    assert requests.get(base + "/api/v1/me", headers=h).status_code == 200

    assert alice.delete("/api/v1/tokens/%d" % made["id"]).status_code == 204
    problem(requests.get(base + "/api/v1/me", headers=h), 401)
    problem(alice.delete("/api/v1/tokens/%d" % made["id"]), 404)
    assert all(t["id"] != made["id"] for t in alice.get("/api/v1/tokens").json()["items"])
    # A token may revoke itself.
    t2 = make_token(alice).json()
    h2 = {"Authorization": "Bearer " + t2["token"]}
    assert requests.delete(base + "/api/v1/tokens/%d" % t2["id"], headers=h2).status_code == 204
    problem(requests.get(base + "/api/v1/me", headers=h2), 401)


def test_tokens_expire_by_default_and_within_the_maximum(make_person, base, server):
    p = make_person()
    t = make_token(p).json()
    assert stamp(t["expires_at"]) - stamp(t["created_at"]) == 90 * 86400
    t7 = make_token(p, expires_in_days=7).json()
    assert t7["expires_at"] < t["expires_at"]
    problem(make_token(p, expires_in_days=366), 422, "expires_in_days")
    problem(make_token(p, expires_in_days=0), 422, "expires_in_days")
    # Once its time is up a token no longer works, and the list says so.
    server.sql("UPDATE api_tokens SET expires_at = created_at - 1 WHERE id = %d" % t7["id"])
    problem(requests.get(base + "/api/v1/me", headers={"Authorization": "Bearer " + t7["token"]}), 401)
    [item] = [x for x in p.get("/api/v1/tokens").json()["items"] if x["id"] == t7["id"]]
    assert item["expired"] is True


def test_the_server_sets_the_token_lifetimes():
    s = Server(name="token-days", args=["--token-days", "10", "--token-max-days", "30"]).start()
    try:
        a = Client(s.url).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
        t = make_token(a, password=ADMIN_PASSWORD).json()
        assert stamp(t["expires_at"]) - stamp(t["created_at"]) == 10 * 86400
        problem(make_token(a, password=ADMIN_PASSWORD, expires_in_days=31), 422, "expires_in_days")
        assert a.get("/api/v1/tokens").json()["max_expiry_days"] == 30
    finally:
        assert s.stop() == 0


def test_the_cap_counts_only_live_tokens(make_person, server):
    p = make_person()
    pid = p.get("/api/v1/me").json()["id"]
    # 48 tokens made earlier (stored directly: each one made through the API
    # costs a password check), then the 49th and 50th through the API.
    now = int(time.time())
    server.sql("INSERT INTO api_tokens (token_hash, person_id, name, created_at, expires_at) VALUES %s" %
        ", ".join("('%s', %d, 'old %d', %d, %d)" % (secrets.token_hex(32), pid, i, now, now + 86400)
                  for i in range(48)))
    made = [make_token(p, name="t%d" % i) for i in range(2)]
    assert all(r.status_code == 201 for r in made), made[0].text
    problem(make_token(p, name="one too many"), 409)
    # Expired and revoked tokens do not count: an account at the cap is not stuck there.
    server.sql("UPDATE api_tokens SET expires_at = created_at - 1 WHERE person_id = %d AND name IN ('old 0', 'old 1')"
        % pid)
    assert make_token(p, name="after expiry 1").status_code == 201
    assert make_token(p, name="after expiry 2").status_code == 201
    problem(make_token(p, name="full again"), 409)
    assert p.delete("/api/v1/tokens/%d" % made[0].json()["id"]).status_code == 204
    assert make_token(p, name="after revoking").status_code == 201
    problem(make_token(p, name="full once more"), 409)
    assert len([t for t in p.get("/api/v1/tokens").json()["items"] if not t["expired"]]) == 50


def test_making_a_token_needs_the_password_and_a_wrong_one_counts():
    s = Server(name="token-password").start()  # its own: the failures count against 127.0.0.1
    try:
        email = new_account(Client(s.url).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD))
        p = Client(s.url).sign_in(email, PASSWORD)
        problem(p.post("/api/v1/tokens", json={"name": "x"}), 422, "password")
        for _ in range(10):
            problem(make_token(p, password="not my password"), 422, "password")
        # Ten wrong passwords lock the account, as failed sign-ins do.
        problem(make_token(p), 429)
        problem(sign_in(s.url, email, PASSWORD), 429)
    finally:
        assert s.stop() == 0


def test_a_token_outlives_signing_out_of_the_browser(base, make_person):
    """Decided: tokens are for integrations and outlive a browser session;
    making one needs the password, so a stolen cookie cannot mint one."""
    p = make_person()
    token = make_token(p).json()["token"]
    assert p.delete("/api/v1/session").status_code == 204
    problem(p.get("/api/v1/me"), 401)
    assert requests.get(base + "/api/v1/me", headers={"Authorization": "Bearer " + token}).status_code == 200


# ---- 4 and 5. the access log ----


def test_the_access_log_redacts_secrets_and_cannot_be_forged():
    s = Server(name="access-log").start()
    try:
        a = Client(s.url).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
        feed = a.post("/api/v1/calendar/feed").json()["url"]
        feed_token = re.search(r"/calendar/(cal_[A-Za-z0-9_-]+)\.ics", feed).group(1)
        assert requests.get(feed.replace("http://127.0.0.1:8080", s.url)).status_code == 200
        # The same token percent-encoded, and in a query, and an invitation link.
        encoded = "".join("%%%02X" % ord(ch) if i % 3 == 0 else ch for i, ch in enumerate(feed_token))
        requests.get(s.url + "/api/v1/calendar/%s.ics" % encoded)
        requests.get(s.url + "/signin?next=/invite/abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456&token=hunter2")
        requests.get(s.url + "/invite/Zq3xV9bT2mW8nL4kP7rJ1sH6dF5gC0yA-_eUoIiQQQ")
        requests.get(s.url + "/reset/short-reset-token")
        # A forged line and a terminal escape, percent-encoded and raw.
        exchange(s.url, b"GET /x%0a2026-01-01T00:00:00Z%201.2.3.4%20GET%20/admin%20200%1b[31m HTTP/1.1\r\n"
                        b"Host: x\r\nConnection: close\r\n\r\n")
        exchange(s.url, b"GET /y\x1b[2J\x1b]0;owned\x07 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        time.sleep(0.2)
    finally:
        assert s.stop() == 0
    raw = open(s.log_path, "rb").read()
    text = raw.decode("utf-8", "replace")
    assert feed_token not in text and feed_token[4:] not in text
    assert "/api/v1/calendar/[redacted].ics 200" in text
    assert "hunter2" not in text and "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456" not in text
    assert "Zq3xV9bT2mW8nL4kP7rJ1sH6dF5gC0yA" not in text and "short-reset-token" not in text
    assert "/invite/[redacted]" in text and "/reset/[redacted]" in text and "token=[redacted]" in text
    assert b"\x1b" not in raw and b"\x07" not in raw
    lines = text.splitlines()
    assert not any(line.startswith("2026-01-01T00:00:00Z 1.2.3.4") for line in lines)
    assert any("GET /x%0a2026-01-01T00:00:00Z%201.2.3.4%20GET%20/admin%20200%1b[31m 200" in line for line in lines)
    assert any("GET /y%1B[2J%1B]0;owned%07 200" in line for line in lines)
    # Every request is one line: time, address, method, target, status, bytes, time taken.
    access = [line for line in lines if re.match(r"\d{4}-\d\d-\d\dT\S+Z 127\.0\.0\.1 ", line)]
    assert access and all(len(line.split(" ")) == 7 for line in access)


# ---- 8. HTTP framing ----


POST_HEAD = b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"


def test_a_space_before_the_colon_of_content_length_is_refused(base):
    # The body, taken as a second request, would answer twice; a proxy
    # that honours the length would desynchronise from us.
    smuggled = b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\n\r\n"
    out, closed = exchange(base, POST_HEAD + b"Content-Length : %d\r\n\r\n" % len(smuggled) + smuggled)
    assert out.startswith(b"HTTP/1.1 400"), out[:200]
    assert out.count(b"HTTP/1.1 ") == 1 and closed
    assert b"not a token" in out


def test_unknown_transfer_codings_are_refused_at_once(base):
    for coding, status in [(b"gzip", b"400"), (b"xchunked", b"400"), (b"identity, chunked", b"501"),
                           (b"chunked, chunked", b"400"), (b"", b"400")]:
        t0 = time.time()
        out, closed = exchange(base, POST_HEAD + b"Transfer-Encoding: " + coding + b"\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        assert out.startswith(b"HTTP/1.1 " + status), (coding, out[:200])
        assert closed and time.time() - t0 < 2, coding
        assert b"application/problem+json" in out
    # Chunked itself still works.
    body = b'{"email": "x@example.org", "password": "wrong password"}'
    out, _ = exchange(base, POST_HEAD + b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                      + b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
    assert out.startswith(b"HTTP/1.1 401"), out[:200]


def test_host_and_content_length_are_strict(base):
    for head, status in [(b"GET /healthz HTTP/1.1\r\n", b"400"),                       # no Host
                         (b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n", b"400"),  # two
                         (POST_HEAD + b"Content-Length: +5\r\n", b"400"),
                         (POST_HEAD + b"Content-Length: 99999999999999999999999\r\n", b"413")]:
        out, closed = exchange(base, head + b"\r\n{}")
        assert out.startswith(b"HTTP/1.1 " + status), (head, out[:200])
    out, _ = exchange(base, b"GET /healthz HTTP/1.0\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 200") or out.startswith(b"HTTP/1.0 200"), out[:100]


# ---- 12. the library's own error pages; connections that trickle ----

SECURITY = [b"Content-Security-Policy: default-src 'self'", b"X-Content-Type-Options: nosniff",
            b"X-Frame-Options: DENY", b"Referrer-Policy: no-referrer"]


def test_the_librarys_own_error_pages_carry_the_security_headers(base):
    for request, status in [(b"GET / HTTP/9.1\r\nHost: x\r\n\r\n", b"505"),
                            (b"GET / HTTP/1.1\r\nHost: x\r\nthis line has no colon\r\n\r\n", b"400")]:
        out, _ = exchange(base, request)
        head = out.split(b"\r\n\r\n")[0]
        assert head.startswith(b"HTTP/1.1 " + status), out[:200]
        for h in SECURITY:
            assert h in head, (status, h, head)
        assert b"<html>" in out  # the library's page, not ours


def test_a_connection_that_trickles_is_cut_at_the_deadline():
    s = Server(name="deadline", args=["--request-deadline", "2"]).start()
    try:
        with connect(s.url, timeout=10) as c:
            t0 = time.time()
            head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
            closed_at = None
            for b in head:  # a byte every 0.2 s: never idle long enough for the idle timeout
                try:
                    c.send(bytes([b]))
                except OSError:
                    closed_at = time.time() - t0
                    break
                c.settimeout(0.2)
                try:
                    if c.recv(100) == b"":
                        closed_at = time.time() - t0
                        break
                except socket.timeout:
                    pass
            assert closed_at is not None and 2 <= closed_at < 5, closed_at
        # A request that arrives in time, on a connection kept alive past
        # the deadline, is answered: the deadline is per request.
        sess = requests.Session()
        assert sess.get(s.url + "/healthz").status_code == 200
        time.sleep(1.3)
        assert sess.get(s.url + "/healthz").status_code == 200
        time.sleep(1.3)
        assert sess.get(s.url + "/healthz").status_code == 200
    finally:
        assert s.stop() == 0


# ---- 3. wants above the program's max_mentors_per_mentee ----


def test_wants_never_exceed_the_programs_maximum_on_any_path(admin, make_person):
    """A mentee could want more mentors than max_mentors_per_mentee: a
    coordinator by hand or by CSV import could set it, and the engine then
    matched more. Every path keeps to the program's maximum now."""
    r = admin.post("/api/v1/programs", json={"status": "enrolling", "name": "Two mentors at most",
                                             "selection": {"access": "open", "questions": []},
                                             "matching": {"max_mentors_per_mentee": 2}})
    assert r.status_code == 201, r.text
    parts = "/api/v1/programs/%d/participants" % r.json()["id"]
    e = make_person()
    problem(e.post(parts, json={"role": "mentee", "wants": 3}), 422, "wants")
    r = e.post(parts, json={"role": "mentee", "wants": 2})
    assert r.status_code == 201 and r.json()["wants"] == 2, r.text
    one = "%s/%d" % (parts, r.json()["id"])
    problem(e.patch(one, json={"wants": 3}), 422, "wants")
    problem(admin.patch(one, json={"wants": 3}), 422, "wants")  # answered 200
    assert admin.get(one).json()["wants"] == 2
    # A coordinator adding someone by e-mail (answered 201 with wants 10).
    problem(admin.post(parts, json={"email": "many-%s@example.org" % secrets.token_hex(4),
                                    "name": "Many", "role": "mentee", "wants": 10}), 422, "wants")
    # The CSV import (answered 201 with wants 10).
    csv = "email,name,role,wants\nimported-%s@example.org,Im Ported,mentee,3\n" % secrets.token_hex(4)
    r = admin.post(parts.replace("/participants", "/imports"), data=csv.encode(),
                   headers={"Content-Type": "text/csv"})
    body = problem(r, 422)
    assert [(x["line"], x["field"]) for x in body["errors"]] == [(2, "wants")], body
    assert "max_mentors_per_mentee" in body["errors"][0]["message"]
    listed = admin.get(parts, params={"limit": 500}).json()["items"]
    assert [p["wants"] for p in listed if p["role"] == "mentee"] == [2]


# ---- 7. one pending request per mentee, under concurrent requests ----


def self_matching(admin, make_person, mentors):
    r = admin.post("/api/v1/programs", json={
        "name": "Self-matching race", "status": "enrolling", "selection": {"access": "open", "questions": []},
        "training": {"required_before_matching": False, "modules": []},
        "matching": {"mode": "self", "criteria": [{"name": "skills", "kind": "overlap", "weight": 1,
                                                   "mentee_field": "development_needs", "mentor_field": "expertise"}]}})
    assert r.status_code == 201, r.text
    p = r.json()["id"]

    def join(person, role):
        r = person.post("/api/v1/programs/%d/participants" % p, json={"role": role, "profile": {}})
        assert r.status_code == 201, r.text
        return r.json()["id"]
    ids = [join(make_person(), "mentor") for _ in range(mentors)]
    mentee = make_person()
    return p, ids, mentee, join(mentee, "mentee")


def test_concurrent_requests_from_one_mentee_leave_one_pending(admin, make_person, server):
    """The rule was a count before the insert: under READ COMMITTED two of
    20 concurrent requests both passed it (1 run in 6). A partial unique
    index holds it now; the loser is told as the second request always was."""
    for _ in range(5):
        p, mentors, mentee, me = self_matching(admin, make_person, 2)
        clients = []
        for _ in range(20):  # one session each, no sign-in (and its password hash) each
            c = Client(server.url)
            c.cookies.update(mentee.cookies)
            c.headers["X-CSRF-Token"] = mentee.headers["X-CSRF-Token"]
            clients.append(c)
        url = "/api/v1/programs/%d/requests" % p
        with concurrent.futures.ThreadPoolExecutor(len(clients)) as pool:
            replies = list(pool.map(lambda ic: ic[1].post(url, json={"mentors": [mentors[ic[0] % 2]]}),
                                    enumerate(clients)))
        assert sorted(r.status_code for r in replies) == [201] + [409] * (len(clients) - 1), \
            [(r.status_code, r.text[:100]) for r in replies if r.status_code not in (201, 409)]
        for r in replies:
            if r.status_code == 409:
                problem(r, 409, "mentors")
        assert server.sql("SELECT COUNT(*) FROM mentoring_requests WHERE mentee_id = %d "
                           "AND status = 'pending'" % me) == [("1",)]


def test_the_database_itself_refuses_a_second_pending_request(admin, make_person, server):
    """Deterministic half of the above: the index, not only the service's
    count, refuses a second pending request of one mentee."""
    p, mentors, mentee, me = self_matching(admin, make_person, 2)
    r = mentee.post("/api/v1/programs/%d/requests" % p, json={"mentors": [mentors[0]]})
    assert r.status_code == 201, r.text
    insert = ("INSERT INTO mentoring_requests (program_id, mentee_id, choices, mentor_id, created_at, "
              "asked_at, expires_at) VALUES (%d, %d, '[%d]', %d, 0, 0, 0)" % (p, me, mentors[1], mentors[1]))
    with pytest.raises(subprocess.CalledProcessError) as refused:
        server.sql(insert)
    assert "UNIQUE" in refused.value.stderr.upper() or "unique" in refused.value.stderr
    # A request that is no longer pending does not count.
    withdraw = "UPDATE mentoring_requests SET status = 'withdrawn' WHERE mentee_id = %d" % me
    server.sql(withdraw)
    server.sql(insert)
    server.sql(withdraw)  # the row written by hand is due at once: leave no job anything to expire


# ---- 9. line breaks, control characters and bidi overrides in single-line fields ----

BAD_LINES = ["P\r\nBcc: victim@example.org", "\x1b[31mred", "evil\u202ecod.exe", "a\u2028b", "tab\tbed"]


def test_single_line_fields_refuse_control_characters(admin):
    """A program named "P\\r\\nBcc: victim@example.org" put that into an
    e-mail subject; names carried ESC sequences and right-to-left overrides
    into the UI. Each single-line field refuses them, naming the field, and
    nothing is stored."""
    before = admin.get("/api/v1/programs", params={"limit": 500}).json()["total"]
    for bad in BAD_LINES:
        body = problem(admin.post("/api/v1/programs", json={"name": bad}), 422, "name")
        assert "single line" in body["errors"][0]["message"]
        problem(admin.post("/api/v1/people", json={"email": "x-%s@example.org" % secrets.token_hex(4),
                                                   "name": bad, "password": PASSWORD}), 422, "name")
        problem(admin.post("/api/v1/programs", json={"name": "Fine", "phases": {"template": "custom", "items": [
            {"name": bad, "key_actions": [], "timeframe_days": 10, "resources": [], "exit_criteria": []}]}}),
            422, "phases.items[0].name")
        problem(admin.post("/api/v1/programs", json={"name": "Fine", "selection": {"questions": [
            {"id": "q", "type": "text", "label": bad}]}}), 422, "selection.questions[0].label")
        problem(admin.post("/api/v1/resources", json={"title": bad, "body_md": "x"}), 422, "title")
    assert admin.get("/api/v1/programs", params={"limit": 500}).json()["total"] == before
    r = admin.post("/api/v1/programs", json={"name": "Zoë’s «program» 山田 🙂"})
    assert r.status_code == 201, r.text
    p = r.json()
    problem(admin.patch("/api/v1/programs/%d" % p["id"], json={"name": "x\ny", "version": p["version"]}), 422, "name")
    # The CSV import names the cell.
    csv = 'email,name,role\nline-%s@example.org,"Two\nlines",mentee\n' % secrets.token_hex(4)
    r = admin.post("/api/v1/programs/%d/imports" % p["id"], data=csv.encode(), headers={"Content-Type": "text/csv"})
    body = problem(r, 422)
    assert [(x["line"], x["field"]) for x in body["errors"]] == [(2, "name")], body
    assert "single line" in body["errors"][0]["message"]


# ---- 10. instants and dates out of any sane range ----


def test_instants_and_dates_stay_within_the_years_allowed(admin, make_person):
    """A meeting at 9999-12-31T23:59:59Z was accepted: its ends_at was
    10000-01-01T00:59:59Z (not RFC 3339) and its .ics DTEND 1970. Every
    instant and date the API takes is within 1900-2199 now."""
    coord = make_person("coordinator")
    p = coord.post("/api/v1/programs", json={"name": "Far future", "status": "enrolling",
                                             "selection": {"access": "open", "questions": []},
                                             "training": {"required_before_matching": False, "modules": []}}).json()
    parts = "/api/v1/programs/%d/participants" % p["id"]
    m, e = make_person(), make_person()
    ids = [c.post(parts, json={"role": role, "profile": {}}).json()["id"] for c, role in [(m, "mentor"), (e, "mentee")]]
    rel = coord.post("/api/v1/programs/%d/relationships" % p["id"], json={"mentor": ids[0], "mentees": [ids[1]]})
    assert rel.status_code == 201, rel.text
    meetings = "/api/v1/relationships/%d/meetings" % rel.json()["id"]
    meeting = {"duration_minutes": 60, "time_zone": "UTC", "mode": "video"}
    for bad in ["9999-12-31T23:59:59Z", "2200-01-01T00:00:00Z", "1899-12-31T23:59:59Z",
                "1900-01-01T00:30:00+01:00", "2199-12-31T23:30:00-01:00"]:
        body = problem(e.post(meetings, json={**meeting, "starts_at": bad}), 422, "starts_at")
        assert "1900" in body["detail"] and "2199" in body["detail"], body
    assert e.get(meetings).json()["items"] == []
    r = e.post(meetings, json={**meeting, "starts_at": "2199-12-31T23:00:00Z"})
    assert r.status_code == 201 and r.json()["ends_at"] == "2200-01-01T00:00:00Z", r.text
    problem(e.patch("%s/%d" % (meetings, r.json()["id"]), json={"starts_at": "9999-12-31T23:59:59Z"}), 422, "starts_at")
    # Dates too: a program's dates, a goal's target.
    problem(admin.post("/api/v1/programs", json={"name": "Dated", "dates": {"starts": "9999-01-01"}}), 422,
            "dates.starts")
    problem(e.post("/api/v1/relationships/%d/goals" % rel.json()["id"],
                   json={"statement": "Later", "target_date": "1800-01-01"}), 422, "target_date")


# ---- 12. a PATCH without the version it changes ----


def test_a_patch_names_the_version_it_changes(admin, make_person):
    """version was optional on PATCH: a client that left it out overwrote
    whatever had been saved in between. It is required where a resource
    has one (programs, relationships), 422 naming it; a stale one is 409."""
    r = admin.post("/api/v1/programs", json={"name": "Versioned", "status": "enrolling",
                                             "selection": {"access": "open", "questions": []},
                                             "training": {"required_before_matching": False, "modules": []}})
    p = r.json()
    url = "/api/v1/programs/%d" % p["id"]
    problem(admin.patch(url, json={"name": "No version"}), 422, "version")
    assert admin.get(url).json()["name"] == "Versioned"
    r = admin.patch(url, json={"name": "Renamed", "version": p["version"]})
    assert r.status_code == 200 and r.json()["version"] == p["version"] + 1, r.text
    problem(admin.patch(url, json={"name": "Stale", "version": p["version"]}), 409, "version")

    parts = url + "/participants"
    m, e = make_person(), make_person()
    ids = [c.post(parts, json={"role": role, "profile": {}}).json()["id"] for c, role in [(m, "mentor"), (e, "mentee")]]
    rel = admin.post(url + "/relationships", json={"mentor": ids[0], "mentees": [ids[1]]}).json()
    rurl = "/api/v1/relationships/%d" % rel["id"]
    problem(e.patch(rurl, json={"action": "pause"}), 422, "version")
    assert e.get(rurl).json()["status"] == "active"
    r = e.patch(rurl, json={"action": "pause", "version": rel["version"]})
    assert r.status_code == 200 and r.json()["status"] == "paused", r.text
    problem(m.patch(rurl, json={"action": "resume", "version": rel["version"]}), 409, "version")


def test_every_change_to_a_versioned_thing_names_its_version(admin, make_person):
    """Resources, surveys and agreements have a version too, and a change
    that left it out overwrote what another person had saved meanwhile
    (each answered 200). Each now needs it: 422 naming it, nothing
    changed; with it the change is made; the same one again is stale."""
    r = admin.post("/api/v1/programs", json={"name": "More versions", "status": "enrolling",
                                             "selection": {"access": "open", "questions": []},
                                             "training": {"required_before_matching": False, "modules": []}})
    url = "/api/v1/programs/%d" % r.json()["id"]
    res = admin.post(url + "/resources", json={"title": "Guide", "url": "https://example.org/guide"})
    assert res.status_code == 201, res.text
    sv = admin.post(url + "/surveys", json={"title": "Check-in", "trigger": {"on": "manual"},
                                            "questions": [{"kind": "likert", "label": "How is it going?"}]})
    assert sv.status_code == 201, sv.text
    m, e = make_person(), make_person()
    ids = [c.post(url + "/participants", json={"role": role, "profile": {}}).json()["id"]
           for c, role in [(m, "mentor"), (e, "mentee")]]
    rel = admin.post(url + "/relationships", json={"mentor": ids[0], "mentees": [ids[1]]}).json()
    agreement = "/api/v1/relationships/%d/agreement" % rel["id"]
    for who, method, thing, change, key in [
            (admin, "PATCH", "/api/v1/resources/%d" % res.json()["id"], {"title": "Renamed"}, "title"),
            (admin, "PATCH", "/api/v1/surveys/%d" % sv.json()["id"], {"title": "Renamed"}, "title"),
            (e, "PUT", agreement, {"goals_summary": "Lead a team"}, None)]:
        before = who.get(thing).json()
        problem(who.request(method, thing, json=change), 422, "version")
        assert who.get(thing).json() == before, thing
        r = who.request(method, thing, json=dict(change, version=before["version"]))
        assert r.status_code == 200 and r.json()["version"] == before["version"] + 1, (thing, r.text)
        if key:
            assert r.json()[key] == "Renamed"
        problem(who.request(method, thing, json=dict(change, version=before["version"])), 409, "version")


# ---- 12. a viewer's own participation ----


def test_a_viewer_reads_their_place_and_changes_nothing(admin, make_person):
    """A viewer could edit their own participation profile although the
    permission table (product.md §9) gives viewers none."""
    r = admin.post("/api/v1/programs", json={"name": "Watched", "status": "enrolling",
                                             "selection": {"access": "open", "questions": []}})
    parts = "/api/v1/programs/%d/participants" % r.json()["id"]
    v = make_person()
    r = admin.post(parts, json={"email": v.person["email"], "role": "viewer", "invite": False})
    assert r.status_code == 201, r.text
    own = "%s/%d" % (parts, r.json()["id"])
    before = v.get(own)
    assert before.status_code == 200, before.text
    problem(v.patch(own, json={"profile": {"bio": "Changed by a viewer"}}), 403)  # answered 200
    assert v.get(own).json() == before.json()
