"""Mail leaves the building: delivered over SMTP to a real receiver
(aiosmtpd, tests/lib/smtp.py), as MIME, retried, given up, retried by an
admin, never lost and never sent twice - also with the receiver stopped
mid-run and with two servers on one database."""
import collections
import re
import subprocess
import time

import pytest
import requests
from conftest import PASSWORD, Client, problem
from server import ADMIN_EMAIL, ADMIN_PASSWORD, Server
from smtp import Receiver
from test_jobs import after, join, self_matching


def enqueue(server, n, prefix):
    """Stores n messages directly, as any event would."""
    now = int(time.time())
    server.sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
                "INSERT INTO outbox (created_at, to_address, subject, body, kind, next_attempt_at) "
                "SELECT %d, '%s' || i || '@example.org', 'Message ' || i, 'Body ' || i, "
                "'message', %d FROM n" % (n, now, prefix, now))


def outbox(admin, **params):
    r = admin.get("/api/v1/outbox", params=dict(limit=500, **params))
    assert r.status_code == 200, r.text
    return r.json()


def wait_state(admin, to, state, timeout=30):
    deadline = time.time() + timeout
    while True:
        items = outbox(admin, to=to)["items"]
        if items and items[0]["state"] == state:
            return items[0]
        assert time.time() < deadline, "no %s message to %s: %r" % (state, to, items)
        time.sleep(0.2)


def program(admin, name):
    r = admin.post("/api/v1/programs", json={"name": name, "status": "enrolling"})
    assert r.status_code == 201, r.text
    return r.json()


def invite(admin, prog, email, name="Ina Vitée", role="mentor"):
    r = admin.post("/api/v1/programs/%d/participants" % prog["id"], json={"email": email, "name": name, "role": role})
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
def own():
    """A server of its own with a receiver of its own, for tests that stop
    the receiver or look at every message."""
    made = []

    def make(name="mail", **env):
        rx = Receiver().start()
        s = Server(name=name, env=dict(rx.env(), **env)).start()
        made.append((s, rx))
        return s, rx, Client(s.url).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)

    yield make
    for s, rx in made:
        assert s.stop() == 0, s.log_path
        rx.stop()


# ---- what arrives ----

def test_an_invitation_arrives_as_mime_with_encoded_headers_and_a_working_link(admin, base, mailbox):
    prog = program(admin, "Mentorat für Ärztinnen ✓ – Frühjahr")
    invite(admin, prog, "zoe.mime@example.org", name="Zoë Ünal")
    got = mailbox.wait_for(to="zoe.mime@example.org")
    row = wait_state(admin, "zoe.mime@example.org", "sent")
    # Headers: the UTF-8 subject travels as RFC 2047 encoded words and comes back whole.
    assert "=?UTF-8?B?" in got.raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    assert got.subject == "Invitation: Mentorat für Ärztinnen ✓ – Frühjahr" == row["subject"]
    assert got.email["To"].addresses[0].addr_spec == "zoe.mime@example.org"
    assert got.email["From"].addresses[0].addr_spec == "tandem@mail.example.org"
    assert got.message_id == row["message_id"] and row["message_id"].startswith("<tandem.%d." % row["id"])
    assert got.email["Auto-Submitted"] == "auto-generated"
    # A person must get an invitation: it carries no List-Unsubscribe.
    assert got.email["List-Unsubscribe"] is None
    # Both alternatives, from one template.
    assert got.email.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in got.email.iter_parts()] == ["text/plain", "text/html"]
    assert "Hello Zoë Ünal," in got.text and "Mentorat für Ärztinnen" in got.text
    assert "<strong>Mentorat für Ärztinnen ✓ – Frühjahr</strong>" in got.html
    # The link opens a real page and the token in it works, once.
    link = next(l for l in got.links if "/invite/" in l)
    assert link.startswith(base + "/invite/")
    page = requests.get(link)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    token = link.rsplit("/", 1)[1]
    assert '<a href="%s">' % link in got.html
    r = Client(base).post("/api/v1/invitations/accept", json={"token": token, "password": PASSWORD})
    assert r.status_code == 200, r.text
    # The admin sees the message sent, its link redacted.
    assert row["attempts"] == 1 and row["last_error"] is None and row["next_attempt_at"] is None
    assert token not in row["body"] and "/invite/\u2026" in row["body"]


def test_notification_mail_carries_list_unsubscribe(admin, make_person, mailbox, base):
    r = admin.post("/api/v1/programs", json={"name": "Unsubscribe program", "status": "enrolling",
                                             "selection": {"access": "approval", "questions": []}})
    assert r.status_code == 201, r.text
    prog = r.json()
    p = make_person()
    r = p.post("/api/v1/programs/%d/participants" % prog["id"], json={"role": "mentee"})
    assert r.status_code == 201, r.text
    r = admin.patch("/api/v1/programs/%d/participants/%d" % (prog["id"], r.json()["id"]),
                    json={"status": "declined", "decline_reason": "Full <this> round & more"})
    assert r.status_code == 200, r.text
    got = mailbox.wait_for(to=p.person["email"])
    # A signed link that turns this kind off, also by one click (RFC 8058).
    assert re.fullmatch(r"<%s/unsubscribe/%d\.declined\.\d+\.[A-Za-z0-9_-]{43}>" % (re.escape(base), p.person["id"]),
                        got.email["List-Unsubscribe"]), got.email["List-Unsubscribe"]
    assert got.email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Full <this> round & more" in got.text
    assert "Full &lt;this&gt; round &amp; more" in got.html


# ---- trouble at the mail server ----

def test_a_temporary_refusal_is_retried_after_a_few_seconds(admin, mailbox):
    to = "later@example.org"
    mailbox.answer(to, "451 4.3.0 Mailbox busy, try again later", times=1)
    invite(admin, program(admin, "Retry program"), to)
    t0 = time.time()
    got = mailbox.wait_for(to=to, timeout=30)
    waited = time.time() - t0
    row = wait_state(admin, to, "sent")
    assert row["attempts"] == 2 and "451" in row["last_error"]
    assert 4 <= waited <= 20, waited  # the first back-off is 5 s, not a minute
    assert len(mailbox.to(to)) == 1 and got.message_id == row["message_id"]


def test_a_permanent_refusal_is_a_dead_letter_an_admin_can_retry(admin, make_person, mailbox):
    to = "nobody-here@example.org"
    mailbox.answer(to, "550 5.1.1 No such user here")
    invite(admin, program(admin, "Dead letter program"), to)
    dead = wait_state(admin, to, "dead")
    assert dead["attempts"] == 1 and "550 5.1.1 No such user here" in dead["last_error"]
    assert dead["dead_at"] and dead["next_attempt_at"] is None and mailbox.to(to) == []
    assert [m["id"] for m in outbox(admin, state="dead")["items"]].count(dead["id"]) == 1
    assert dead["id"] not in [m["id"] for m in outbox(admin, state="sent")["items"]]
    # Only admins see and retry it.
    member = make_person()
    problem(member.post("/api/v1/outbox/%d/retry" % dead["id"]), 404)
    problem(admin.post("/api/v1/outbox/999999/retry"), 404)
    # The mailbox exists now: retried, it goes out with the same Message-ID.
    mailbox.clear(to)
    r = admin.post("/api/v1/outbox/%d/retry" % dead["id"])
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "pending" and r.json()["dead_at"] is None
    got = mailbox.wait_for(to=to)
    sent = wait_state(admin, to, "sent")
    assert got.message_id == dead["message_id"] == sent["message_id"]
    problem(admin.post("/api/v1/outbox/%d/retry" % dead["id"]), 409, "state")


def test_the_outbox_filters(admin, mailbox):
    prog = program(admin, "Filter program")
    invite(admin, prog, "filter-a@example.org")
    mailbox.wait_for(to="filter-a@example.org")
    wait_state(admin, "filter-a@example.org", "sent")
    got = outbox(admin, to="FILTER-A@example.org", state="sent", kind="invitation")
    assert got["total"] == 1 and got["items"][0]["to"] == "filter-a@example.org"
    assert got["delivering"] is True
    assert outbox(admin, to="filter-a@example.org", state="pending")["total"] == 0
    assert outbox(admin, to="filter-a@example.org", kind="matched")["total"] == 0
    problem(admin.get("/api/v1/outbox", params={"state": "lost"}), 422, "state")
    problem(admin.get("/api/v1/outbox", params={"kind": "spam"}), 422, "kind")
    status = admin.get("/api/v1/mail").json()
    assert status["delivering"] is True
    kinds = {k["kind"]: k for k in status["kinds"]}
    assert kinds["invitation"]["required"] is True and kinds["matched"]["required"] is False


def test_the_receiver_stopped_mid_run_loses_nothing_and_sends_nothing_twice(own):
    s, rx, admin = own("mail-restart")
    enqueue(s, 400, "restart")
    rx.wait_count(20, timeout=30)
    rx.stop()                      # the mail server goes away mid-queue
    enqueue(s, 100, "later")       # and mail keeps coming
    time.sleep(3)
    rx.start()                     # back on the same port
    got = rx.wait_count(500, timeout=120)
    time.sleep(2)                  # nothing more is coming
    ids = collections.Counter(m.message_id for m in rx.messages)
    assert len(rx.messages) == 500 and max(ids.values()) == 1, [i for i, n in ids.items() if n > 1]
    assert sorted(m.to for m in got) == sorted(
        ["restart%d@example.org" % i for i in range(1, 401)] + ["later%d@example.org" % i for i in range(1, 101)])
    assert outbox(admin, state="sent")["total"] == 500


def test_stopping_the_server_mid_queue_waits_for_one_message_not_the_queue(own):
    s, rx, admin = own("mail-stop")
    rx.pause = 0.25                # 300 messages would take 75 s to send
    enqueue(s, 300, "stop")
    rx.wait_count(4, timeout=30)
    began = time.time()
    assert s.stop() == 0, s.log_path
    assert time.time() - began < 10, "the server sent its queue before it stopped"
    sent = len(rx.messages)
    assert sent < 300
    rx.pause = 0
    s.serve()                      # the rest goes out at the next start, each once
    rx.wait_count(300, timeout=120)
    time.sleep(2)
    ids = collections.Counter(m.message_id for m in rx.messages)
    assert len(rx.messages) == 300 and max(ids.values()) == 1
    assert sorted(m.to for m in rx.messages) == sorted("stop%d@example.org" % i for i in range(1, 301))
    admin = Client(s.url).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
    assert outbox(admin, state="sent")["total"] == 300


def test_two_servers_on_one_database_send_each_message_once(own):
    a, rx, admin = own("mail-two-a")
    b = Server(name="mail-two-b", env=rx.env())
    b.db, b.folder = a.db, a.folder  # the same database
    b.log = open(b.log_path, "a")
    b.proc = subprocess.Popen([b.binary, "serve", "--db", b.db, "--listen", "127.0.0.1:%d" % b.port],
                              env=b.env, stdout=b.log, stderr=subprocess.STDOUT)
    try:
        time.sleep(1)
        enqueue(a, 1000, "both")
        rx.wait_count(1000, timeout=120)
        time.sleep(3)
        ids = collections.Counter(m.message_id for m in rx.messages)
        assert len(rx.messages) == 1000 and len(ids) == 1000
        assert sorted(m.to for m in rx.messages) == sorted("both%d@example.org" % i for i in range(1, 1001))
        assert outbox(admin, state="sent")["total"] == 1000
        # One SMTP connection carries many messages: a handful of runs, not 1,000 connections.
        assert rx.sessions <= 60, rx.sessions
    finally:
        assert b.stop() == 0, b.log_path
    done = []
    for path in (a.log_path, b.log_path):
        with open(path) as f:
            done.append(sum(int(n) for n in re.findall(r"jobs: mail: (\d+) done", f.read())))
    assert sum(done) >= 1000  # the two logs: each server's share (earlier runs of the log included)


# ---- the command line ----

def test_settings_are_checked(server):
    bad = [
        (["--smtp", "smtp://mail.example.org?starttls=no", "--mail-from", "t@example.org"], "on this machine"),
        (["--smtp", "http://mail.example.org", "--mail-from", "t@example.org"], "scheme"),
        (["--smtp", "smtp://127.0.0.1:1?starttls=no"], "mail is sent from"),
        (["--smtp", "smtp://127.0.0.1:1?starttls=no", "--mail-from", "not-an-address"], "--mail-from"),
        (["--mail-attempts", "0"], "--mail-attempts"),
    ]
    env = {k: v for k, v in server.env.items() if not k.startswith(("TANDEM_SMTP", "TANDEM_MAIL"))}
    for args, says in bad:
        for cmd in (["serve", "--listen", "127.0.0.1:1"], ["jobs", "--once"]):
            r = subprocess.run([server.binary, *cmd, "--db", server.db, *args], env=env,
                               capture_output=True, text=True)
            assert r.returncode == 2 and says in r.stderr, (cmd, args, r.stderr)


def test_without_smtp_mail_is_queued_and_the_server_says_so(own):
    s, rx, admin = own("mail-off", TANDEM_SMTP_URL="")
    invite(admin, program(admin, "Queued program"), "queued@example.org")
    assert admin.get("/api/v1/mail").json()["delivering"] is False
    page = outbox(admin)
    assert page["delivering"] is False and page["items"][0]["state"] == "pending"
    with open(s.log_path) as f:
        assert "no SMTP server" in f.read()
    # tandem jobs --once delivers it when given a server.
    r = s.run("jobs", "--db", s.db, "--once", "--smtp", rx.url, "--mail-from", "cron@example.org")
    assert "mail: 1 done" in r.stdout, r.stdout + r.stderr
    got = rx.wait_for(to="queued@example.org")
    assert got.email["From"].addresses[0].addr_spec == "cron@example.org"
    assert outbox(admin)["items"][0]["state"] == "sent"


def test_jobs_once_delivers_the_mail_its_other_jobs_create(own):
    s, rx, admin = own("mail-once", TANDEM_SMTP_URL="")
    p = self_matching(admin)
    people = []
    for i in range(3):
        email = "once%d@example.org" % i
        r = admin.post("/api/v1/people", json={"email": email, "name": "Once %d" % i, "password": PASSWORD,
                                               "site_role": "member"})
        assert r.status_code == 201, r.text
        people.append(Client(s.url).sign_in(email, PASSWORD))
    a = join(people[0], p, "mentor", {"expertise": ["sql"]})
    b = join(people[1], p, "mentor", {"expertise": ["sql"]})
    join(people[2], p, "mentee", {"development_needs": ["sql"]})
    req = people[2].post("/api/v1/programs/%d/requests" % p["id"], json={"mentors": [a, b]}).json()
    r = s.run("jobs", "--db", s.db, "--once", "--now", after(req["expires_at"], seconds=1),
              "--smtp", rx.url, "--mail-from", "cron@example.org")
    assert "expire-requests: 1 done" in r.stdout, r.stdout + r.stderr
    # The request moved on to the second mentor, and that mail left in the same run.
    asked = rx.wait_for(to="once1@example.org", timeout=5, subject="A mentee asks you to mentor them", count=1)
    assert asked and "mail: " in r.stdout
    assert re.search(r"mail: [1-9]\d* done", r.stdout), r.stdout
