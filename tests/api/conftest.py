"""Fixtures for the HTTP API tests: a real `tandem serve` on a fresh
database (SQLite or PostgreSQL, per TANDEM_TEST_DB_KIND) and signed-in
clients for people in each role."""
import itertools
import os
import sys

import pytest
import requests

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from server import ADMIN_EMAIL, ADMIN_PASSWORD, Server  # noqa: E402
from smtp import Receiver  # noqa: E402

import contract  # noqa: E402

# Every reply any test receives, through a Client or through requests.get()
# and friends (which open a requests.Session too), is checked against
# docs/openapi.json: its route, status, media type and body schema.
contract.install(requests.Session)

PASSWORD = "a long enough password"
_ids = itertools.count(1)


class Client(requests.Session):
    """A requests session bound to the server, sending the CSRF token."""

    def __init__(self, base):
        super().__init__()
        self.base = base
        self.person = None

    def request(self, method, url, *args, **kwargs):
        if url.startswith("/"):
            url = self.base + url
        try:
            return super().request(method, url, *args, **kwargs)
        except requests.ConnectionError as e:
            # The server closes a connection idle for 30 s (LIMIT_HTTP_TIMEOUT_S).
            # A session-wide client that sends on it as it closes gets no
            # answer to a request the server never read; a browser sends it
            # again on a new connection, and so does this client, once. A
            # server that is gone fails the second try as well.
            if "RemoteDisconnected" not in repr(e):
                raise
            return super().request(method, url, *args, **kwargs)

    def sign_in(self, email, password):
        r = self.post("/api/v1/session", json={"email": email, "password": password})
        assert r.status_code == 200, r.text
        self.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        self.person = r.json()["person"]
        return self


@pytest.fixture(scope="session")
def mailbox():
    """The real SMTP receiver the session's server delivers to (tests/lib/smtp.py)."""
    rx = Receiver().start()
    yield rx
    rx.stop()


@pytest.fixture(scope="session")
def server(mailbox):
    s = Server(name="api", env=mailbox.env()).start()
    yield s
    # Every write of the session kept the facts the reports read
    # (relationship_facts, docs/internals/reports.md) equal to their rows:
    # a write path that forgets them fails here.
    check = s.run("facts", "--check", "--db", s.db, check=False)
    assert check.returncode == 0, check.stderr
    # A clean stop is part of the contract (and, in the sanitizer build,
    # the moment leaks are reported).
    assert s.stop() == 0, "tandem serve did not exit cleanly; see " + s.log_path


@pytest.fixture(scope="session")
def base(server):
    return server.url


@pytest.fixture
def anon(base):
    return Client(base)


@pytest.fixture(scope="session")
def admin(server):
    return Client(server.url).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)


@pytest.fixture(scope="session")
def make_person(admin, server):
    """Creates an account and returns a client signed in as it."""

    def make(role="member", name=None):
        n = next(_ids)
        email = "person%d-%s@example.org" % (n, role)
        r = admin.post("/api/v1/people", json={"email": email, "name": name or "Person %d" % n,
                                               "password": PASSWORD, "site_role": role})
        assert r.status_code == 201, r.text
        return Client(server.url).sign_in(email, PASSWORD)

    return make


def versioned(client, url):
    """The version the client reads at url, as part of a PATCH body: a
    change to a resource with a version names the version it changes (the
    web UI sends the one it shows). Nothing when the client cannot read it."""
    r = client.get(url)
    return {"version": r.json()["version"]} if r.status_code == 200 else {}


def problem(r, status, field=None):
    """Asserts r is a problem+json reply with the status (and field)."""
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("application/problem+json"), r.headers
    body = r.json()
    assert body["status"] == status and body["detail"]
    if field is not None:
        assert body.get("field") == field, body
    return body
