"""Work driven by time: request expiry runs as a job - from `tandem jobs`
and on tandem serve's timer - and never inside a GET."""
import datetime
import itertools
import subprocess
import time

import pytest
from conftest import PASSWORD, Client, problem
from server import ADMIN_EMAIL, ADMIN_PASSWORD, Server


def join(person, program, role, profile, **extra):
    r = person.post("/api/v1/programs/%d/participants" % program["id"], json={"role": role, "profile": profile, **extra})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def self_matching(admin, days=3):
    r = admin.post("/api/v1/programs", json={"status": "enrolling",
        "name": "Jobs", "selection": {"access": "open", "questions": []},
        "training": {"required_before_matching": False, "modules": []},
        "matching": {"mode": "self", "request_expiry_days": days, "criteria": [
            {"name": "skills", "kind": "overlap", "mentee_field": "development_needs",
             "mentor_field": "expertise", "weight": 1}]}})
    assert r.status_code == 201, r.text
    return r.json()


def after(rfc3339, **delta):
    t = datetime.datetime.strptime(rfc3339, "%Y-%m-%dT%H:%M:%SZ") + datetime.timedelta(**delta)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def inbox(admin, email):
    return [m for m in admin.get("/api/v1/outbox", params={"to": email, "limit": 500}).json()["items"]]


@pytest.fixture
def alone(mailbox):
    """A server of its own, an admin on it and a maker of people: for a test
    that counts what a jobs run did, which other tests' requests would change."""
    s = Server(name="jobs-alone", env=mailbox.env()).start()
    admin = Client(s.url).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
    made = itertools.count(1)

    def make_person():
        email = "alone%d@example.org" % next(made)
        assert admin.post("/api/v1/people", json={"email": email, "name": email,
                                                  "password": PASSWORD}).status_code == 201
        return Client(s.url).sign_in(email, PASSWORD)

    yield s, admin, make_person
    assert s.stop() == 0, "tandem serve did not stop cleanly; see " + s.log_path


def test_expiry_is_a_job_not_a_get(alone):
    server, admin, make_person = alone
    p = self_matching(admin)
    m1, m2, e = make_person(), make_person(), make_person()
    a = join(m1, p, "mentor", {"expertise": ["sql"]})
    b = join(m2, p, "mentor", {"expertise": ["sql"]})
    join(e, p, "mentee", {"development_needs": ["sql"]})
    req = e.post("/api/v1/programs/%d/requests" % p["id"], json={"mentors": [a, b]}).json()
    lists = "/api/v1/programs/%d/requests" % p["id"]
    asked_b = len(inbox(admin, m2.person["email"]))

    # Nothing is due yet, and reading never moves a request on.
    run = server.run("jobs", "--db", server.db, "--once", "--now", after(req["expires_at"], seconds=-1))
    assert "expire-requests: 0 done" in run.stdout
    assert e.get(lists).json()["items"][0]["mentor"] == a

    # The first mentor's days run out: the job asks the next one, and mails them.
    run = server.run("jobs", "--db", server.db, "--once", "--now", after(req["expires_at"], seconds=1))
    assert run.returncode == 0 and "expire-requests: 1 done" in run.stdout, run.stdout + run.stderr
    moved = e.get(lists).json()["items"][0]
    assert moved["status"] == "pending" and moved["mentor"] == b and moved["current"] == 1
    assert moved["history"][0]["outcome"] == "expired" and moved["history"][0]["mentor"] == a
    assert moved["asked_at"] == after(req["expires_at"], seconds=1)
    assert len(inbox(admin, m2.person["email"])) == asked_b + 1
    # The new mentor's request is in their inbox; the old one can no longer answer.
    assert [r["id"] for r in m2.get(lists).json()["items"]] == [req["id"]]
    problem(m1.patch("/api/v1/requests/%d" % req["id"], json={"action": "accept"}), 404)

    # Running it again at the same time does nothing more.
    run = server.run("jobs", "--db", server.db, "--once", "--now", after(req["expires_at"], seconds=1))
    assert "expire-requests: 0 done" in run.stdout

    # The last choice runs out too: the request ends and the mentee is told.
    told = len(inbox(admin, e.person["email"]))
    run = server.run("jobs", "--db", server.db, "--once", "--now", after(moved["expires_at"], seconds=1))
    assert "expire-requests: 1 done" in run.stdout
    done = e.get(lists).json()["items"][0]
    assert done["status"] == "expired" and [h["outcome"] for h in done["history"]] == ["expired", "expired"]
    assert [m["kind"] for m in inbox(admin, e.person["email"])][:1] == ["request_closed"]
    assert len(inbox(admin, e.person["email"])) == told + 1
    # Free again to ask.
    assert e.post(lists, json={"mentors": [a]}).status_code == 201


def test_jobs_command_refuses_bad_input(server):
    r = server.run("jobs", "--db", server.db, "--once", "--now", "tomorrow", check=False)
    assert r.returncode == 2 and "--now" in r.stderr and r.stderr.count("\n") == 1
    r = server.run("jobs", "--db", server.db, "--every", "0", check=False)
    assert r.returncode == 2 and "--every" in r.stderr
    env = {k: v for k, v in server.env.items() if k != "TANDEM_DB"}
    r = subprocess.run([server.binary, "jobs", "--once"], env=env, capture_output=True, text=True)
    assert r.returncode == 2 and "--db" in r.stderr
    r = server.run("jobs", "--db", server.db, "--sometimes", check=False)
    assert r.returncode == 2 and "unknown option" in r.stderr


def test_serve_runs_the_jobs_on_its_timer():
    """tandem serve moves a request on by itself, in its jobs thread, and
    stops cleanly on SIGTERM with the thread running."""
    s = Server(name="jobs-timer", env={"TANDEM_JOBS_EVERY": "1"}).start()
    try:
        admin = Client(s.url).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
        p = self_matching(admin)
        people = []
        for i, role in enumerate(["mentor", "mentor", "mentee"]):
            email = "timer%d@example.org" % i
            assert admin.post("/api/v1/people", json={"email": email, "name": "Timer %d" % i,
                                                      "password": PASSWORD}).status_code == 201
            c = Client(s.url).sign_in(email, PASSWORD)
            people.append((c, join(c, p, role, {"expertise": ["sql"], "development_needs": ["sql"]})))
        (_, a), (_, b), (e, _) = people
        req = e.post("/api/v1/programs/%d/requests" % p["id"], json={"mentors": [a, b]}).json()
        s.sql("UPDATE mentoring_requests SET expires_at = expires_at - 4 * 86400 WHERE id = %d" % req["id"])
        deadline = time.time() + 15
        while time.time() < deadline:
            got = e.get("/api/v1/programs/%d/requests" % p["id"]).json()["items"][0]
            if got["mentor"] == b:
                break
            time.sleep(0.2)
        assert got["mentor"] == b and got["history"][0]["outcome"] == "expired"
    finally:
        assert s.stop() == 0, "tandem serve did not stop cleanly; see " + s.log_path


@pytest.mark.parametrize("cmd", ["serve", "init", "migrate", "demo", "import", "jobs", "backup", "match",
                                 "routes", "version", "help"])
def test_every_command_answers_help(server, cmd):
    for flag in ["--help", "-h"]:
        r = server.run(cmd, flag, check=False)
        assert r.returncode == 0 and r.stdout.startswith("usage: tandem " + cmd), (cmd, flag, r.stdout, r.stderr)
