"""Coordinator alerts to a program's chat webhook: the URL in the program's
configuration (https, or http to this machine), the alerts posted as
{"text": ...} to a real HTTP receiver (tests/lib/webhook.py) by the
alerts job - a test alert, a relationship ended early, mail given up, a
request left waiting, a relationship flagged at risk - and a receiver
that is down gets the alert later, once."""
import datetime
import time

import pytest
from conftest import Client, problem, versioned
from server import ADMIN_EMAIL, ADMIN_PASSWORD, Server
from smtp import Receiver
from webhook import Hook, free_port

OPEN = {"status": "enrolling", "selection": {"access": "open", "questions": []},
        "training": {"required_before_matching": False, "modules": []}}


def program(client, name, hook_url=None, **extra):
    body = dict(OPEN, name=name, **extra)
    if hook_url:
        body["alerts"] = {"webhook_url": hook_url}
    r = client.post("/api/v1/programs", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def join(person, prog, role, **extra):
    r = person.post("/api/v1/programs/%d/participants" % prog["id"], json={"role": role, **extra})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def alerts(client, prog):
    r = client.get("/api/v1/programs/%d/alerts" % prog["id"])
    assert r.status_code == 200, r.text
    return r.json()["items"]


def wait_alert(client, prog, state, timeout=40, **where):
    deadline = time.time() + timeout
    while True:
        items = [a for a in alerts(client, prog) if all(a[k] == v for k, v in where.items())]
        if items and items[0]["state"] == state:
            return items[0]
        assert time.time() < deadline, "no %s alert: %r" % (state, items)
        time.sleep(0.25)


@pytest.fixture
def hook():
    h = Hook().start()
    yield h
    h.stop()


def test_the_webhook_url_is_checked_and_kept_from_members(admin, make_person):
    prog = program(admin, "Webhook rules")
    url = "/api/v1/programs/%d" % prog["id"]
    assert prog["alerts"] == {"webhook_url": ""}
    for bad in ["ftp://chat.example/hook", "http://chat.example/hook", "https://", "https://user:pw@chat.example/h",
                "https://chat.example/a b", "not a url"]:
        r = admin.patch(url, json={**versioned(admin, url), "alerts": {"webhook_url": bad}})
        body = problem(r, 422, "alerts.webhook_url")
        assert "https://" in body["detail"] or "host" in body["detail"] or "spaces" in body["detail"], body
    problem(admin.patch(url, json={**versioned(admin, url), "alerts": {"hook": "x"}}), 422)
    for good in ["https://hooks.slack.com/services/T0/B0/x", "http://127.0.0.1:9/hook", "http://localhost/h", ""]:
        r = admin.patch(url, json={**versioned(admin, url), "alerts": {"webhook_url": good}})
        assert r.status_code == 200 and r.json()["alerts"]["webhook_url"] == good, r.text
    r = admin.patch(url, json={**versioned(admin, url), "alerts": {"webhook_url": "https://hooks.example/secret"}})
    assert r.status_code == 200, r.text
    # A member reads the program, not its webhook (a credential of the chat).
    member = make_person()
    join(member, prog, "mentee")
    got = member.get(url).json()
    assert "alerts" not in got and "hooks.example" not in str(got)
    problem(member.get(url + "/alerts"), 403)
    problem(member.post(url + "/alerts/test"), 403)


def test_a_test_alert_and_an_ended_relationship_are_posted(admin, make_person, hook, base):
    prog = program(admin, "Alerting program", hook.url)
    r = admin.post("/api/v1/programs/%d/alerts/test" % prog["id"])
    assert r.status_code == 202 and r.json()["state"] in ("pending", "sent"), r.text
    (path, ctype, body, _), = hook.wait_for("A test alert from Tandem")
    assert path == "/hooks/T000/B000" and ctype == "application/json"
    assert list(body) == ["text"]
    assert body["text"].startswith("[Alerting program] A test alert")
    assert body["text"].endswith("\n%s/programs/%d/settings" % (base, prog["id"]))
    sent = wait_alert(admin, prog, "sent", kind="test")
    assert sent["last_status"] == 200 and sent["attempts"] == 1 and sent["sent_at"]

    mentor, mentee = make_person(), make_person()
    rel = admin.post("/api/v1/programs/%d/relationships" % prog["id"],
                     json={"mentor": join(mentor, prog, "mentor"), "mentees": [join(mentee, prog, "mentee")]}).json()
    rurl = "/api/v1/relationships/%d" % rel["id"]
    r = mentee.patch(rurl, json={**versioned(mentee, rurl), "action": "end_early", "reason": "New job"})
    assert r.status_code == 200, r.text
    (_, _, body, _), = hook.wait_for("ended early")
    assert body["text"] == "[Alerting program] Relationship %d ended early. Reason given: New job\n%s/relationships/%d" % (
        rel["id"], base, rel["id"])
    # Coordinators are still mailed as before; the chat is one more place.
    assert wait_alert(admin, prog, "sent", kind="ended_early")["text"].startswith("[Alerting program] Relationship")


def test_a_webhook_that_refuses_for_good_is_dead_with_its_status(admin, hook):
    prog = program(admin, "Refused hooks", hook.url)
    hook.statuses[:] = [500, 404]
    assert admin.post("/api/v1/programs/%d/alerts/test" % prog["id"]).status_code == 202
    # A 500 is worth another try; the 404 after it means the hook is gone.
    dead = wait_alert(admin, prog, "dead", timeout=40)
    assert dead["last_status"] == 404 and dead["attempts"] == 2 and dead["dead_at"]
    assert "404" in dead["last_error"]
    assert [s for _, _, _, s in hook.posts] == [500, 404]


def test_a_receiver_down_then_up_gets_the_alert_later_once(admin):
    port = free_port()
    hook = Hook(port)
    prog = program(admin, "Down hooks", hook.url)
    assert admin.post("/api/v1/programs/%d/alerts/test" % prog["id"]).status_code == 202
    retrying = wait_alert(admin, prog, "retrying")
    assert retrying["last_status"] == 0 and retrying["next_attempt_at"] and retrying["last_error"]
    hook.start()
    try:
        hook.wait_for("A test alert", timeout=40)
        sent = wait_alert(admin, prog, "sent")
        assert sent["attempts"] >= 2 and sent["last_status"] == 200 and sent["last_error"] is None
        time.sleep(3)  # the job keeps running: nothing is posted twice
        assert len(hook.texts()) == 1
    finally:
        hook.stop()


def test_dead_letters_waiting_requests_and_at_risk_flags_are_alerted():
    """On a server of its own: time moves on for its jobs."""
    rx = Receiver().start()
    hook = Hook().start()
    s = Server(name="alerts", env=rx.env()).start()
    try:
        admin = Client(s.url).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
        people = {}
        for who in ("mentor", "mentor2", "mentee", "bounce"):
            email = "%s-alerts@example.org" % who
            r = admin.post("/api/v1/people", json={"email": email, "name": who.title(), "password": "a long enough password"})
            assert r.status_code == 201, r.text
            people[who] = Client(s.url).sign_in(email, "a long enough password")
        prog = program(admin, "Alerts in time", hook.url, goals={"due_days": 20},
                       matching={"mode": "self", "request_expiry_days": 3, "criteria": [
                           {"name": "skills", "kind": "overlap", "mentee_field": "development_needs",
                            "mentor_field": "expertise", "weight": 1}]})
        # Mail that is given up: the mail server refuses the address for good.
        rx.answer("bounce-alerts@example.org", "550 5.1.1 No such mailbox")
        sql = {"profile": {"expertise": ["sql"]}}
        m1, m2 = join(people["mentor"], prog, "mentor", **sql), join(people["mentor2"], prog, "mentor", **sql)
        join(people["mentee"], prog, "mentee", profile={"development_needs": ["sql"]})
        b = join(people["bounce"], prog, "mentee")
        rel = admin.post("/api/v1/programs/%d/relationships" % prog["id"], json={"mentor": m1, "mentees": [b]})
        assert rel.status_code == 201, rel.text
        (_, _, body, _), = hook.wait_for("could not be delivered")
        assert "bounce-alerts@example.org" in body["text"] and "550 5.1.1" in body["text"]
        assert body["text"].endswith("\n%s/programs/%d/participants" % (s.url, prog["id"]))

        # A request nobody answers in its days moves on, and the chat hears of it.
        r = people["mentee"].post("/api/v1/programs/%d/requests" % prog["id"], json={"mentors": [m2]})
        assert r.status_code == 201, r.text
        expires = datetime.datetime.strptime(r.json()["expires_at"], "%Y-%m-%dT%H:%M:%SZ")
        later = (expires + datetime.timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        run = s.run("jobs", "--db", s.db, "--once", "--public-url", s.url, "--now", later)
        assert "expire-requests: 1 done" in run.stdout and "alerts: " in run.stdout, run.stdout + run.stderr
        (_, _, body, _), = hook.wait_for("waited 3 days without an answer")
        assert body["text"].endswith("\n%s/programs/%d/requests" % (s.url, prog["id"]))

        # Three weeks on, the pair has no goals: flagged at risk, posted once.
        weeks = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=22)).strftime("%Y-%m-%dT%H:%M:%SZ")
        run = s.run("jobs", "--db", s.db, "--once", "--public-url", s.url, "--now", weeks)
        assert run.returncode == 0, run.stdout + run.stderr
        posts = hook.wait_for("is at risk: ")
        assert any("%s/programs/%d/at-risk" % (s.url, prog["id"]) in p[2]["text"] for p in posts)
        def at_risk():
            return [t for t in hook.texts() if "is at risk: " in t]
        n = len(at_risk())
        run = s.run("jobs", "--db", s.db, "--once", "--public-url", s.url, "--now", weeks)
        time.sleep(2)
        assert len(at_risk()) == n  # a flag already raised is not alerted again
        assert {a["kind"] for a in alerts(admin, prog)} >= {"dead_letter", "request_waiting", "at_risk"}
        # The reminders of those weeks to the refused address are dead letters too.
        wait_alert(admin, prog, "sent", kind="at_risk")
        assert all(a["state"] in ("sent", "pending") for a in alerts(admin, prog))
    finally:
        assert s.stop() == 0
        hook.stop()
        rx.stop()
