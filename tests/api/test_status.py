"""A database failure is a server error, never a refusal.

The statuses of the store and the refusals of the rules used to share
the value -1, so a failing query came back as a 403, as a 409 naming no
field, or as an empty 422. Here the database fails for real - a table
the request needs is renamed away under the running server - and the
answer must be 500 each time, and nothing may change.
"""

import pytest
from conftest import PASSWORD, Client, versioned
from server import ADMIN_EMAIL, ADMIN_PASSWORD, Server


@pytest.fixture(scope="module")
def broken():
    """A server of its own, so that the broken table harms no other test."""
    s = Server(name="status").start()
    yield s
    assert s.stop() == 0


def person(server, admin, name):
    email = "%s@example.org" % name.lower()
    r = admin.post("/api/v1/people", json={"email": email, "name": name, "password": PASSWORD})
    assert r.status_code == 201, r.text
    return Client(server.url).sign_in(email, PASSWORD)


def assert_server_error(r):
    assert r.status_code == 500, r.text
    assert r.headers["Content-Type"].startswith("application/problem+json")
    assert "field" not in r.json() and "errors" not in r.json()


def test_database_errors_are_never_refusals(broken):
    admin = Client(broken.url).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
    p = admin.post("/api/v1/programs", json={"status": "enrolling",
        "name": "Status", "selection": {"access": "open", "questions": []},
        "training": {"required_before_matching": False, "modules": []}}).json()
    parts = {}
    for name, role in [("Mentor", "mentor"), ("Mentee", "mentee"), ("Other", "mentor"), ("Second", "mentee")]:
        c = person(broken, admin, name)
        r = c.post("/api/v1/programs/%d/participants" % p["id"], json={"role": role})
        assert r.status_code == 201, r.text
        parts[name] = (c, r.json()["id"])
    r = admin.post("/api/v1/programs/%d/relationships" % p["id"],
                   json={"mentor": parts["Mentor"][1], "mentees": [parts["Mentee"][1]]})
    assert r.status_code == 201, r.text
    rel = r.json()

    broken.sql("ALTER TABLE relationship_members RENAME TO relationship_members_away")
    try:
        # Was 403: the failed membership read looked like "visible, not writable".
        assert_server_error(admin.get("/api/v1/relationships/%d" % rel["id"]))
        # Was 409 with an empty field: the failed insert looked like a broken rule.
        assert_server_error(admin.post("/api/v1/programs/%d/relationships" % p["id"],
                                       json={"mentor": parts["Other"][1], "mentees": [parts["Second"][1]]}))
    finally:
        broken.sql("ALTER TABLE relationship_members_away RENAME TO relationship_members")
    assert len(admin.get("/api/v1/programs/%d/relationships" % p["id"]).json()["items"]) == 1

    mentee = parts["Mentee"][0]
    broken.sql("ALTER TABLE reflections RENAME TO reflections_away")
    try:
        # Was an empty 422: the failed insert looked like a bad reflection.
        assert_server_error(mentee.patch("/api/v1/relationships/%d" % rel["id"], json={**versioned(mentee, "/api/v1/relationships/%d" % rel["id"]),
            "action": "close", "reflection": {"learned": "a lot"}}))
    finally:
        broken.sql("ALTER TABLE reflections_away RENAME TO reflections")
    assert mentee.get("/api/v1/relationships/%d" % rel["id"]).json()["status"] == "active"
