"""Signing in and out, sessions, CSRF, bearer tokens, the rate limit."""
import hashlib

import requests
from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Client, problem


def test_sign_in_sets_a_safe_cookie_and_returns_the_csrf_token(anon):
    r = anon.post("/api/v1/session", json={"email": ADMIN_EMAIL.upper(), "password": ADMIN_PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert body["person"]["email"] == ADMIN_EMAIL and body["person"]["site_role"] == "admin"
    assert len(body["csrf_token"]) >= 32
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith("tandem_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    me = anon.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["email"] == ADMIN_EMAIL
    assert me.json()["csrf_token"] == body["csrf_token"]
    assert isinstance(me.json()["participations"], list)


def test_me_needs_credentials(anon):
    problem(anon.get("/api/v1/me"), 401)


def test_wrong_password_and_unknown_address_look_the_same(anon):
    a = anon.post("/api/v1/session", json={"email": ADMIN_EMAIL, "password": "not the password"})
    b = anon.post("/api/v1/session", json={"email": "nobody@example.org", "password": "not the password"})
    problem(a, 401)
    problem(b, 401)
    assert a.json()["detail"] == b.json()["detail"]
    assert "Set-Cookie" not in a.headers


def test_sign_in_input_is_checked(anon):
    problem(anon.post("/api/v1/session", json={"email": ADMIN_EMAIL}), 422, "password")
    problem(anon.post("/api/v1/session", json={"email": 5, "password": "x"}), 422, "email")
    # a password that is no string is named as the password, not the address
    problem(anon.post("/api/v1/session", json={"email": ADMIN_EMAIL, "password": 12}), 422, "password")
    problem(anon.post("/api/v1/session", json={"email": ADMIN_EMAIL, "password": None, "x": 1}), 422,
            "password")
    problem(anon.post("/api/v1/session", json={"email": ADMIN_EMAIL, "password": "x", "extra": 1}), 422)
    problem(anon.post("/api/v1/session", data='{"email": "a@b.c", "password": ',
                      headers={"Content-Type": "application/json"}), 400)
    problem(anon.post("/api/v1/session", data=b'{"email": "\xff\xfe", "password": "x"}',
                      headers={"Content-Type": "application/json"}), 400)
    problem(anon.post("/api/v1/session", data="email=a", headers={"Content-Type": "text/plain"}), 415)
    problem(anon.post("/api/v1/session", data='[1, 2]', headers={"Content-Type": "application/json"}), 400)
    problem(anon.post("/api/v1/session", data='{"email": "a@b.c", "email": "d@e.f", "password": "x"}',
                      headers={"Content-Type": "application/json"}), 400)


def test_malformed_json_names_line_and_column(anon):
    r = anon.post("/api/v1/session", data='{\n  "email": "a@b.c",\n  "password" "x"\n}',
                  headers={"Content-Type": "application/json"})
    body = problem(r, 400)
    assert "line 3" in body["detail"] and "column" in body["detail"]


def test_csrf_token_is_required_for_changes_with_the_cookie(admin, base):
    c = Client(base).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
    token = c.headers.pop("X-CSRF-Token")
    body = {"name": "x", "password": ADMIN_PASSWORD}
    problem(c.post("/api/v1/tokens", json=body), 403, "X-CSRF-Token")
    problem(c.post("/api/v1/tokens", json=body, headers={"X-CSRF-Token": "wrong" * 9}), 403)
    problem(c.post("/api/v1/tokens", json=body,
                   headers={"X-CSRF-Token": token, "Sec-Fetch-Site": "cross-site"}), 403)
    assert c.post("/api/v1/tokens", json=body, headers={"X-CSRF-Token": token}).status_code == 201


def test_bearer_tokens_work_without_csrf_and_bad_ones_are_refused(admin, base):
    r = admin.post("/api/v1/tokens", json={"name": "integration", "password": ADMIN_PASSWORD})
    assert r.status_code == 201
    token = r.json()["token"]
    assert token.startswith("tdm_") and r.json()["expires_at"]
    h = {"Authorization": "Bearer " + token}
    assert requests.get(base + "/api/v1/me", headers=h).json()["email"] == ADMIN_EMAIL
    created = requests.post(base + "/api/v1/programs", headers=h, json={"name": "By token"})
    assert created.status_code == 201
    problem(requests.get(base + "/api/v1/me", headers={"Authorization": "Bearer tdm_nope"}), 401)
    problem(requests.get(base + "/api/v1/me", headers={"Authorization": "Basic abc"}), 401)
    problem(requests.get(base + "/api/v1/me", headers={"Authorization": "Bearer " + token + "x"}), 401)
    problem(admin.post("/api/v1/tokens", json={"name": "x", "expires_in_days": 0,
                                               "password": ADMIN_PASSWORD}), 422, "expires_in_days")
    problem(admin.post("/api/v1/tokens", json={"nom": "x"}), 422, "nom")


def test_sign_out_ends_the_session(base):
    c = Client(base).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
    cookie = c.cookies.get("tandem_session")
    assert c.delete("/api/v1/session").status_code == 204
    problem(requests.get(base + "/api/v1/me", cookies={"tandem_session": cookie}), 401)


def test_a_new_sign_in_rotates_the_session(base):
    c = Client(base).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
    first = c.cookies.get("tandem_session")
    c.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
    assert c.cookies.get("tandem_session") != first
    problem(requests.get(base + "/api/v1/me", cookies={"tandem_session": first}), 401)


def test_bad_and_expired_cookies_are_anonymous(base, server):
    problem(requests.get(base + "/api/v1/me", cookies={"tandem_session": "garbage"}), 401)
    problem(requests.get(base + "/api/v1/me", cookies={"tandem_session": "x" * 500}), 401)
    c = Client(base).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
    assert c.get("/api/v1/me").status_code == 200
    # Age this session past the idle limit, as time passing would.
    digest = hashlib.sha256(c.cookies.get("tandem_session").encode()).hexdigest()
    sql = "UPDATE sessions SET last_seen_at = last_seen_at - 86400 WHERE token_hash = '%s'" % digest
    server.sql(sql)
    problem(c.get("/api/v1/me"), 401)


def test_failed_sign_ins_are_rate_limited(anon, make_person):
    person = make_person()
    email = person.person["email"]
    for _ in range(10):
        problem(anon.post("/api/v1/session", json={"email": email, "password": "wrong password"}), 401)
    r = anon.post("/api/v1/session", json={"email": email, "password": PASSWORD})
    problem(r, 429)
    assert r.headers.get("Retry-After")


def test_admins_create_accounts_and_weak_passwords_are_refused(admin, make_person):
    problem(admin.post("/api/v1/people", json={"email": "weak@example.org", "name": "W",
                                               "password": "short"}), 422, "password")
    problem(admin.post("/api/v1/people", json={"email": "not-an-email", "name": "W"}), 422, "email")
    problem(admin.post("/api/v1/people", json={"email": ADMIN_EMAIL, "name": "W"}), 422, "email")
    problem(admin.post("/api/v1/people", json={"email": "x@example.org", "name": "W",
                                               "site_role": "king"}), 422, "site_role")
    member = make_person()
    problem(member.post("/api/v1/people", json={"email": "y@example.org", "name": "Y"}), 403)
    problem(member.get("/api/v1/people"), 404)
    listed = admin.get("/api/v1/people", params={"q": member.person["name"]}).json()
    assert [p["email"] for p in listed["items"]] == [member.person["email"]]
