"""Who is asking, when several servers share one database: a token revoked
or a session ended through one server is refused by the very next request
to another, on a connection that was already open and had just been
served. Nothing about a credential may be remembered between requests.
And GET /api/v1/me says exactly what is stored, whatever the characters."""

import requests
from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Client, problem
from server import Server


def servers():
    one = Server(name="ident-a").start()
    two = Server(name="ident-b", db=one.db).start()
    return one, two


def stop(*ss):
    for s in ss:
        assert s.stop() == 0


def test_a_token_revoked_on_one_server_is_refused_by_the_next_request_on_another():
    one, two = servers()
    try:
        a = Client(one.url).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
        r = a.post("/api/v1/tokens", json={"name": "ci", "password": ADMIN_PASSWORD})
        assert r.status_code == 201, r.text
        tid, token = r.json()["id"], r.json()["token"]
        b = requests.Session()  # one kept-alive connection to the second server
        b.headers["Authorization"] = "Bearer " + token
        for _ in range(50):  # as warm as it gets
            assert b.get(two.url + "/api/v1/me").json()["email"] == ADMIN_EMAIL
        assert a.delete("/api/v1/tokens/%d" % tid).status_code == 204
        r = b.get(two.url + "/api/v1/me")
        problem(r, 401)
        assert "invalid_token" in r.headers["WWW-Authenticate"]
        problem(b.get(one.url + "/api/v1/me"), 401)
        problem(b.post(two.url + "/api/v1/programs", json={"name": "After revocation"}), 401)
    finally:
        stop(two, one)


def test_an_expired_token_is_refused_everywhere():
    one, two = servers()
    try:
        a = Client(one.url).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
        r = a.post("/api/v1/tokens", json={"name": "ci", "expires_in_days": 1, "password": ADMIN_PASSWORD})
        tid, token = r.json()["id"], r.json()["token"]
        b = requests.Session()
        b.headers["Authorization"] = "Bearer " + token
        assert b.get(two.url + "/api/v1/me").status_code == 200
        # Time passing, for this token: it ended a second ago.
        one.sql("UPDATE api_tokens SET expires_at = CAST(strftime('%%s','now') AS INTEGER) - 1 "
                 "WHERE id = %d" % tid if one.kind == "sqlite" else
            "UPDATE api_tokens SET expires_at = extract(epoch from now())::bigint - 1 WHERE id = %d" % tid)
        problem(b.get(two.url + "/api/v1/me"), 401)
        problem(b.get(one.url + "/api/v1/me"), 401)
    finally:
        stop(two, one)


def test_signed_out_on_one_server_is_signed_out_on_all():
    one, two = servers()
    try:
        a = Client(one.url).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
        b = Client(two.url)
        b.cookies.update(a.cookies)
        b.headers["X-CSRF-Token"] = a.headers["X-CSRF-Token"]
        for _ in range(20):
            me = b.get("/api/v1/me").json()
            assert me["email"] == ADMIN_EMAIL and me["csrf_token"] == a.headers["X-CSRF-Token"]
        assert a.delete("/api/v1/session").status_code == 204
        problem(b.get("/api/v1/me"), 401)
        problem(b.post("/api/v1/programs", json={"name": "After sign-out"}), 401)

        # Signing in again on the second server ends the first server's session too.
        a = Client(one.url).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
        old = a.cookies.get("tandem_session")
        b = Client(two.url)
        b.cookies.update(a.cookies)
        b.headers["X-CSRF-Token"] = a.headers["X-CSRF-Token"]
        assert b.get("/api/v1/me").status_code == 200
        b.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
        assert b.cookies.get("tandem_session") != old
        problem(requests.get(one.url + "/api/v1/me", cookies={"tandem_session": old}), 401)
        assert b.get("/api/v1/me").status_code == 200
    finally:
        stop(two, one)


def test_me_says_exactly_what_is_stored(admin, base):
    name = 'Zoë "Q" O\'Brien \\ 李 \U0001F600'
    email = "me-exact@example.org"
    r = admin.post("/api/v1/people", json={"email": email, "name": name, "password": PASSWORD})
    assert r.status_code == 201, r.text
    c = Client(base).sign_in(email, PASSWORD)
    me = c.get("/api/v1/me")
    assert me.headers["Content-Type"].startswith("application/json")
    body = me.json()
    assert body == {"id": r.json()["id"], "email": email, "name": name, "site_role": "member",
                    "csrf_token": c.headers["X-CSRF-Token"], "participations": []}
    # By token: the same person, no CSRF token; programs by name, then role.
    t = c.post("/api/v1/tokens", json={"name": "t", "password": PASSWORD}).json()["token"]
    c.headers["Authorization"] = "Bearer " + t
    for pname in ["Zulu \"program\"", "Alpha \\ program"]:
        p = requests.post(base + "/api/v1/programs", json={"name": pname},
                          headers={"Authorization": "Bearer " + t})
        if p.status_code == 403:  # members may not create programs: the admin makes it
            p = admin.post("/api/v1/programs", json={"name": pname})
        assert p.status_code == 201, p.text
        pid = p.json()["id"]
        for role in ["mentor", "mentee"]:
            assert admin.post("/api/v1/programs/%d/participants" % pid,
                              json={"email": email, "role": role}).status_code == 201
    body = requests.get(base + "/api/v1/me", headers={"Authorization": "Bearer " + t}).json()
    assert "csrf_token" not in body
    assert body["name"] == name
    got = [(p["program_name"], p["role"]) for p in body["participations"]]
    assert got == sorted(got) and len(got) == 4
    assert {p["program_name"] for p in body["participations"]} == {"Zulu \"program\"", "Alpha \\ program"}
