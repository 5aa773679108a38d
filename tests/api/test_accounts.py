"""Accounts by mail (issue 11 item 6): a forgotten password reset with a
mailed single-use link, and self sign-up for allowed domains confirmed by
one - on a server of this module's own, delivering to a real SMTP
receiver, behind a trusted proxy so each test is a client of its own."""
import itertools
import time

import pytest
import requests
from conftest import PASSWORD, Client, problem
from server import ADMIN_EMAIL, ADMIN_PASSWORD, Server
from smtp import Receiver

_client = itertools.count(1)


@pytest.fixture(scope="module")
def rx():
    r = Receiver().start()
    yield r
    r.stop()


@pytest.fixture(scope="module")
def srv(rx):
    s = Server(name="accounts", env=dict(rx.env(), TANDEM_TRUSTED_PROXIES="127.0.0.1")).start()
    yield s
    assert s.stop() == 0, s.log_path


@pytest.fixture(scope="module")
def root(srv):
    return Client(srv.url).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)


class Visitor(Client):
    """Someone signed out, from an address of their own."""

    def __init__(self, base):
        super().__init__(base)
        self.headers["X-Forwarded-For"] = "192.0.2.%d" % next(_client)


@pytest.fixture
def visitor(srv):
    return Visitor(srv.url)


_people = itertools.count(1)


def person(root, srv, password=PASSWORD):
    email = "reset%d@example.org" % next(_people)
    r = root.post("/api/v1/people", json={"email": email, "name": "Rosa Reset", "password": password})
    assert r.status_code == 201, r.text
    return email


def reset_link(rx, email, count=1):
    got = rx.wait_for(to=email, subject="Reset your Tandem password", count=count)
    got = got[-1] if isinstance(got, list) else got
    links = [u for u in got.links if "/password-reset/" in u]
    assert len(links) == 1, got.text
    assert 'href="%s"' % links[0] in got.html
    return links[0], got


def test_reset_end_to_end(srv, rx, root, visitor):
    email = person(root, srv)
    # Two browsers and an API token of the person, before the reset.
    a = Client(srv.url).sign_in(email, PASSWORD)
    b = Client(srv.url).sign_in(email, PASSWORD)
    r = a.post("/api/v1/tokens", json={"name": "ci", "password": PASSWORD})
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    assert requests.get(srv.url + "/api/v1/me", headers={"Authorization": "Bearer " + token}).status_code == 200

    r = visitor.post("/api/v1/password-reset", json={"email": email.upper()})
    assert r.status_code == 202, r.text
    known = r.json()
    assert known == {"status": "accepted", "link_minutes": 60}
    link, got = reset_link(rx, email)
    assert "List-Unsubscribe" not in got.email  # required mail
    # The link opens a real page of the web UI.
    page = requests.get(link)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    secret = link.rsplit("/", 1)[1]
    # Only the hash is stored.
    assert not srv.sql("SELECT id FROM account_links WHERE token_hash = '%s'" % secret)

    # A weak password is refused naming the field, and uses nothing up.
    problem(visitor.post("/api/v1/password-reset/complete", json={"token": secret, "password": "short"}),
            422, "password")
    problem(visitor.post("/api/v1/password-reset/complete", json={"token": secret, "password": email}),
            422, "password")
    assert a.get("/api/v1/me").status_code == 200

    new = "a brand new password, long"
    r = visitor.post("/api/v1/password-reset/complete", json={"token": secret, "password": new})
    assert r.status_code == 204, r.text
    # Every session is over, and the API token revoked.
    assert a.get("/api/v1/me").status_code == 401
    assert b.get("/api/v1/me").status_code == 401
    assert requests.get(srv.url + "/api/v1/me", headers={"Authorization": "Bearer " + token}).status_code == 401
    # The old password is gone, the new one signs in.
    problem(Client(srv.url).post("/api/v1/session", json={"email": email, "password": PASSWORD}), 401)
    Client(srv.url).sign_in(email, new)
    # The person is told.
    told = rx.wait_for(to=email, subject="Your Tandem password was changed")
    assert "revoked" in told.text
    # Single use: the same link again changes nothing.
    problem(visitor.post("/api/v1/password-reset/complete", json={"token": secret, "password": "another long password"}),
            404, "token")
    Client(srv.url).sign_in(email, new)


def test_reset_same_answer_for_unknown_address(srv, rx, visitor):
    before = len(rx.messages)
    r = visitor.post("/api/v1/password-reset", json={"email": "nobody-here@example.org"})
    assert r.status_code == 202
    assert r.json() == {"status": "accepted", "link_minutes": 60}
    time.sleep(2.5)  # the mail job runs every second: nothing came
    assert not rx.to("nobody-here@example.org")
    assert not [m for m in rx.messages[before:] if "nobody-here" in m.to]


def test_reset_bad_input(visitor):
    problem(visitor.post("/api/v1/password-reset", json={}), 422, "email")
    problem(visitor.post("/api/v1/password-reset", json={"email": "not an address"}), 422, "email")
    problem(visitor.post("/api/v1/password-reset", json={"email": "a@example.org", "extra": 1}), 422)
    problem(visitor.post("/api/v1/password-reset/complete", json={"password": "a long enough password"}), 422, "token")
    problem(visitor.post("/api/v1/password-reset/complete",
                         json={"token": "forged-token-forged-token-forged", "password": "a long enough password"}),
            404, "token")


def test_reset_link_expires(srv, rx, root, visitor):
    email = person(root, srv)
    assert visitor.post("/api/v1/password-reset", json={"email": email}).status_code == 202
    link, _ = reset_link(rx, email)
    srv.sql("UPDATE account_links SET expires_at = created_at - 1 WHERE email = '%s'" % email)
    problem(visitor.post("/api/v1/password-reset/complete",
                         json={"token": link.rsplit("/", 1)[1], "password": "a long enough password 2"}), 404, "token")
    Client(srv.url).sign_in(email, PASSWORD)


def test_new_link_voids_the_earlier_one(srv, rx, root, visitor):
    email = person(root, srv)
    assert visitor.post("/api/v1/password-reset", json={"email": email}).status_code == 202
    first, _ = reset_link(rx, email)
    assert visitor.post("/api/v1/password-reset", json={"email": email}).status_code == 202
    second, _ = reset_link(rx, email, count=2)
    assert first != second
    problem(visitor.post("/api/v1/password-reset/complete",
                         json={"token": first.rsplit("/", 1)[1], "password": "a long enough password 3"}), 404, "token")
    assert visitor.post("/api/v1/password-reset/complete",
                        json={"token": second.rsplit("/", 1)[1], "password": "a long enough password 3"}).status_code == 204


def test_reset_rate_limits(srv, rx, root, visitor):
    email = person(root, srv)
    # Per address: three mails an hour, whoever asks; the answer stays 202.
    for i in range(5):
        c = Visitor(srv.url)
        r = c.post("/api/v1/password-reset", json={"email": email})
        assert r.status_code == 202, r.text
    rx.wait_for(to=email, subject="Reset your Tandem password", count=3)
    time.sleep(2.5)
    assert len([m for m in rx.to(email) if m.subject == "Reset your Tandem password"]) == 3
    # Per client: 20 requests an hour, then 429 with Retry-After.
    for i in range(20):
        r = visitor.post("/api/v1/password-reset", json={"email": "limit%d@example.org" % i})
        assert r.status_code == 202, (i, r.text)
    r = visitor.post("/api/v1/password-reset", json={"email": "limit-last@example.org"})
    problem(r, 429)
    assert 3000 < int(r.headers["Retry-After"]) <= 3600
    # Another client is not held back, and signing in is counted apart.
    assert Visitor(srv.url).post("/api/v1/password-reset", json={"email": "x@example.org"}).status_code == 202
    Client(srv.url).sign_in(email, PASSWORD)


# ---- self sign-up ----

def set_signup(root, enabled, domains):
    r = root.put("/api/v1/sign-up/settings", json={"enabled": enabled, "domains": domains})
    assert r.status_code == 200, r.text
    return r.json()


def test_signup_settings(srv, root, visitor):
    r = visitor.get("/api/v1/sign-up/settings")
    assert r.status_code == 200 and r.json()["enabled"] is False and r.json()["domains"] == []
    # Off by default: signing up is refused.
    problem(visitor.post("/api/v1/sign-up", json={"email": "a@example.com", "name": "A", "password": PASSWORD}), 409)
    # Admins only.
    member = Client(srv.url)
    em = person(root, srv)
    member.sign_in(em, PASSWORD)
    problem(member.put("/api/v1/sign-up/settings", json={"enabled": True, "domains": ["x.org"]}), 403)
    # Bad domains are named each.
    body = problem(root.put("/api/v1/sign-up/settings", json={"enabled": True, "domains": ["ok.org", "no domain", "-x.org"]}), 422)
    assert {e["field"] for e in body["errors"]} == {"domains[1]", "domains[2]"}
    problem(root.put("/api/v1/sign-up/settings", json={"enabled": True, "domains": []}), 422, "domains")
    got = set_signup(root, True, ["Example.COM ", "example.com", "staff.example.net"])
    assert got["domains"] == ["example.com", "staff.example.net"] and got["enabled"] is True
    assert visitor.get("/api/v1/sign-up/settings").json()["domains"] == ["example.com", "staff.example.net"]


def test_signup_verify_end_to_end(srv, rx, root, visitor):
    set_signup(root, True, ["example.com"])
    email = "sam.signup@example.com"
    # Outside the allowed domains: 422 naming email, nothing mailed.
    problem(visitor.post("/api/v1/sign-up", json={"email": "sam@elsewhere.org", "name": "Sam", "password": PASSWORD}),
            422, "email")
    problem(visitor.post("/api/v1/sign-up", json={"email": "sam@sub.example.com", "name": "Sam", "password": PASSWORD}),
            422, "email")
    body = problem(visitor.post("/api/v1/sign-up", json={"email": email, "name": "", "password": "short"}), 422)
    assert {e["field"] for e in body["errors"]} == {"name", "password"}
    r = visitor.post("/api/v1/sign-up", json={"email": email, "name": "Sam Signup", "password": PASSWORD})
    assert r.status_code == 202, r.text
    assert r.json() == {"status": "accepted", "link_days": 2}
    got = rx.wait_for(to=email, subject="Confirm your address for Tandem")
    link = [u for u in got.links if "/sign-up/verify/" in u][0]
    assert requests.get(link).status_code == 200
    # Until the link is used there is no account: no sign-in.
    problem(Client(srv.url).post("/api/v1/session", json={"email": email, "password": PASSWORD}), 401)
    assert not srv.sql("SELECT id FROM people WHERE email = '%s'" % email)
    c = Client(srv.url)
    r = c.post("/api/v1/sign-up/verify", json={"token": link.rsplit("/", 1)[1]})
    assert r.status_code == 200, r.text
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    me = c.get("/api/v1/me").json()
    assert me["email"] == email and me["name"] == "Sam Signup" and me["site_role"] == "member"
    Client(srv.url).sign_in(email, PASSWORD)
    # Single use.
    problem(visitor.post("/api/v1/sign-up/verify", json={"token": link.rsplit("/", 1)[1]}), 404, "token")
    # Signing up again with the address: the same answer, and the owner gets a note, not a link.
    r = Visitor(srv.url).post("/api/v1/sign-up", json={"email": email, "name": "Mallory", "password": "mallory's long password"})
    assert r.status_code == 202 and r.json() == {"status": "accepted", "link_days": 2}
    note = rx.wait_for(to=email, subject="You have a Tandem account already")
    assert not [u for u in note.links if "/verify/" in u]
    Client(srv.url).sign_in(email, PASSWORD)
    problem(Client(srv.url).post("/api/v1/session", json={"email": email, "password": "mallory's long password"}), 401)


def test_signup_closed_again(root, visitor):
    set_signup(root, False, ["example.com"])
    problem(visitor.post("/api/v1/sign-up", json={"email": "later@example.com", "name": "L", "password": PASSWORD}), 409)
