"""In-app notifications, the person's choice per kind of mail (at once, a
daily digest, off), unsubscribing from a mail without signing in (the
link and RFC 8058 one-click), all with mail received by a real SMTP
receiver (tests/lib/smtp.py)."""
import base64
import datetime
import hashlib
import hmac
import re
import time
import urllib.parse

import requests
from conftest import PASSWORD, Client, problem
from server import ADMIN_EMAIL, ADMIN_PASSWORD, Server
from smtp import Receiver

OPEN = {"status": "enrolling", "selection": {"access": "open", "questions": []},
        "training": {"required_before_matching": False, "modules": []}}


def program(client, name, **extra):
    r = client.post("/api/v1/programs", json=dict(OPEN, name=name, **extra))
    assert r.status_code == 201, r.text
    return r.json()


def join(person, prog, role):
    r = person.post("/api/v1/programs/%d/participants" % prog["id"], json={"role": role})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def pair(admin, make_person, name):
    """A program with a mentor and a mentee matched: (program, mentor, mentee, relationship id)."""
    prog = program(admin, name)
    mentor, mentee = make_person(name="Mo Mentor"), make_person(name="Em Mentee")
    rel = admin.post("/api/v1/programs/%d/relationships" % prog["id"],
                     json={"mentor": join(mentor, prog, "mentor"), "mentees": [join(mentee, prog, "mentee")]})
    assert rel.status_code == 201, rel.text
    return prog, mentor, mentee, rel.json()["id"]


def notifications(who, **params):
    r = who.get("/api/v1/notifications", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def outbox_of(admin, who, kind=None):
    params = {"to": who.person["email"], "limit": 500}
    if kind:
        params["kind"] = kind
    r = admin.get("/api/v1/outbox", params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def unread(who):
    r = who.get("/api/v1/notifications/unread")
    assert r.status_code == 200, r.text
    return r.json()["unread"]


def say(mentee, rel, text):
    r = mentee.post("/api/v1/relationships/%d/messages" % rel, json={"body": text})
    assert r.status_code == 201, r.text


def settings(who, **modes):
    r = who.put("/api/v1/me/notification-settings",
                json={"kinds": [{"kind": k, "mode": m} for k, m in modes.items()]})
    assert r.status_code == 200, r.text
    return {k["kind"]: k["mode"] for k in r.json()["kinds"]}


def test_an_event_mails_and_notifies_with_a_link_to_its_page(admin, make_person, mailbox, base):
    prog, mentor, mentee, rel = pair(admin, make_person, "Bell program")
    got = mailbox.wait_for(to=mentor.person["email"], subject="You have been matched")
    page = notifications(mentor)
    assert page["unread"] == 1 and unread(mentor) == 1
    item = page["items"][0]
    assert item["kind"] == "matched" and item["title"] == "You have been matched"
    assert item["link"] == "/relationships/%d" % rel and item["read_at"] is None
    assert item["program_id"] == prog["id"] and item["program"] == "Bell program"
    # The link is the one the mail carries, and a page the person can open.
    assert base + item["link"] in got.links
    assert requests.get(base + item["link"]).status_code == 200
    assert mentor.get("/api/v1" + item["link"]).status_code == 200
    # Notifications are one's own: the mentee has theirs, nobody else sees these.
    assert [i["kind"] for i in notifications(mentee)["items"]] == ["matched"]
    assert notifications(make_person())["items"] == []


def test_unread_come_first_then_newest_and_pages_follow_a_cursor(admin, make_person, mailbox):
    _, mentor, mentee, rel = pair(admin, make_person, "Paging program")
    for i in range(5):
        say(mentee, rel, "Note %d" % i)
    everything = notifications(mentor, limit=100)["items"]
    assert [i["kind"] for i in everything] == ["message"] * 5 + ["matched"]
    ids = [i["id"] for i in everything]
    assert ids[:5] == sorted(ids[:5], reverse=True)
    # Reading the newest message moves it after every unread one.
    r = mentor.post("/api/v1/notifications/%d/read" % ids[0])
    assert r.status_code == 200 and r.json()["read_at"] is not None, r.text
    first = r.json()["read_at"]
    assert mentor.post("/api/v1/notifications/%d/read" % ids[0]).json()["read_at"] == first
    assert unread(mentor) == 5
    want = ids[1:] + [ids[0]]
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = notifications(mentor, **params)
        assert len(page["items"]) <= 2 and page["unread"] == 5
        seen += [i["id"] for i in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == want and pages == 3
    assert [bool(i["read_at"]) for i in notifications(mentor)["items"]] == [False] * 5 + [True]
    problem(mentor.get("/api/v1/notifications", params={"cursor": "x1"}), 422, "cursor")
    problem(mentor.get("/api/v1/notifications", params={"limit": 0}), 422, "limit")
    # Another person's notification is not theirs to read.
    problem(mentee.post("/api/v1/notifications/%d/read" % ids[1]), 404)
    assert unread(mentor) == 5
    r = mentor.post("/api/v1/notifications/read")
    assert r.status_code == 200 and r.json() == {"marked": 5, "unread": 0}
    assert unread(mentor) == 0 and all(i["read_at"] for i in notifications(mentor)["items"])


def test_settings_list_the_kinds_and_refuse_every_bad_item(make_person):
    p = make_person()
    r = p.get("/api/v1/me/notification-settings")
    assert r.status_code == 200, r.text
    body = r.json()
    kinds = {k["kind"]: k for k in body["kinds"]}
    assert kinds["message"] == {"kind": "message", "what": "A new message", "mode": "immediately"}
    assert "invitation" not in kinds and "digest" not in kinds
    assert {"kind": "invitation", "what": "Invitation to a program"} in body["required"]
    r = p.put("/api/v1/me/notification-settings", json={"kinds": [
        {"kind": "message", "mode": "daily"}, {"kind": "invitation", "mode": "off"},
        {"kind": "no_such_kind", "mode": "off"}, {"kind": "matched", "mode": "weekly"}]})
    body = problem(r, 422)
    fields = [e["field"] for e in body["errors"]]
    assert fields == ["kinds[1].kind", "kinds[2].kind", "kinds[3].mode"], body
    assert "must get" in body["errors"][0]["message"]
    # Nothing changed, not even the good item.
    assert {k["kind"]: k["mode"] for k in p.get("/api/v1/me/notification-settings").json()["kinds"]}["message"] == "immediately"
    problem(p.put("/api/v1/me/notification-settings", json={}), 422, "kinds")
    problem(p.put("/api/v1/me/notification-settings", json={"kinds": [{"kind": "message"}]}), 422, "kinds[0].mode")
    modes = settings(p, message="off", matched="daily")
    assert modes["message"] == "off" and modes["matched"] == "daily" and modes["kudos"] == "immediately"


def test_off_means_no_mail_but_the_notification_stays(admin, make_person, mailbox):
    _, mentor, mentee, rel = pair(admin, make_person, "Quiet program")
    mailbox.wait_for(to=mentor.person["email"], subject="You have been matched")
    settings(mentor, message="off")
    say(mentee, rel, "Are you there?")
    assert [i["kind"] for i in notifications(mentor)["items"]][0] == "message"
    assert outbox_of(admin, mentor, "message") == []
    # The mentee did not turn it off: their partner's answer is mailed.
    say(mentor, rel, "Yes")
    mailbox.wait_for(to=mentee.person["email"], subject="A new message in your mentoring relationship")
    assert len(outbox_of(admin, mentee, "message")) == 1


def day_after(t, days=1, hour=6):
    d = datetime.datetime.fromtimestamp(t, datetime.timezone.utc).date() + datetime.timedelta(days=days)
    return "%sT%02d:00:00Z" % (d.isoformat(), hour)


def test_a_daily_digest_is_one_mail_per_day_with_the_items():
    """On a server of its own: its jobs run days ahead."""
    mailbox = Receiver().start()
    server = Server(name="digests", env=mailbox.env()).start()
    try:
        base = server.url
        admin = Client(base).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
        n = [0]

        def make_person(name=None):
            n[0] += 1
            email = "digest%d@example.org" % n[0]
            r = admin.post("/api/v1/people", json={"email": email, "name": name or "Digest %d" % n[0],
                                                   "password": PASSWORD})
            assert r.status_code == 201, r.text
            return Client(base).sign_in(email, PASSWORD)

        digest_walk(admin, make_person, mailbox, server, base)
    finally:
        assert server.stop() == 0
        mailbox.stop()


def digest_walk(admin, make_person, mailbox, server, base):
    _, mentor, mentee, rel = pair(admin, make_person, "Digest program")
    mailbox.wait_for(to=mentor.person["email"], subject="You have been matched")
    settings(mentor, message="daily", kudos="daily")
    say(mentee, rel, "First")
    say(mentee, rel, "Second")
    r = mentee.post("/api/v1/relationships/%d/kudos" % rel, json={"message": "Thanks"})
    assert r.status_code == 201, r.text
    # Held: nothing in the outbox, three notifications in the app.
    assert outbox_of(admin, mentor, "message") == [] and outbox_of(admin, mentor, "kudos") == []
    assert unread(mentor) == 4
    now = int(time.time())
    jobs = ["jobs", "--db", server.db, "--once", "--public-url", base, "--now"]
    # The day is not over: no digest yet.
    run = server.run(*jobs, datetime.datetime.fromtimestamp(now, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert "digests: 0 done" in run.stdout, run.stdout + run.stderr
    run = server.run(*jobs, day_after(now))
    assert "digests: 1 done" in run.stdout, run.stdout + run.stderr
    got = mailbox.wait_for(to=mentor.person["email"], subject="Your Tandem digest: 3 new")
    assert got.text.count("- A new message in your mentoring relationship (Digest program)") == 2
    assert "- Kudos from Em Mentee (Digest program)" in got.text
    assert "%s/relationships/%d/messages" % (base, rel) in got.links
    assert 'href="%s/relationships/%d/messages"' % (base, rel) in got.html
    assert "Kudos from Em Mentee" in got.html and "<ul>" in got.html
    assert got.email["List-Unsubscribe"].startswith("<%s/unsubscribe/" % base)
    # Each day once: a second run, or a later day with nothing held, sends none.
    run = server.run(*jobs, day_after(now, 1, 7))
    assert "digests: 0 done" in run.stdout
    run = server.run(*jobs, day_after(now, 3))
    assert "digests: 0 done" in run.stdout
    assert len(outbox_of(admin, mentor, "digest")) == 1
    # The mentee chose nothing: their mail came at once, and no digest.
    assert outbox_of(admin, mentee, "digest") == []
    # The digest's own link turns off what it holds, and only that.
    url = got.email["List-Unsubscribe"][1:-1]
    token = url.rsplit("/", 1)[1]
    info = requests.get(base + "/api/v1/unsubscribe/" + token).json()
    assert info["kind"] == "digest" and info["off"] is False
    assert sorted(info["digest_kinds"]) == ["A new message", "Kudos from a partner"]
    assert requests.post(url, data="List-Unsubscribe=One-Click",
                         headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 200
    modes = {k["kind"]: k["mode"] for k in mentor.get("/api/v1/me/notification-settings").json()["kinds"]}
    assert (modes["message"], modes["kudos"], modes["matched"]) == ("off", "off", "immediately")


def unsubscribe_link(got):
    header = got.email["List-Unsubscribe"]
    assert header and header.startswith("<") and header.endswith(">"), header
    assert got.email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header[1:-1]
    assert url in got.links and 'href="%s"' % url in got.html  # the footer carries it too
    return url


def test_the_unsubscribe_link_works_without_signing_in(admin, make_person, mailbox, base):
    _, mentor, mentee, rel = pair(admin, make_person, "Unsubscribe program")
    say(mentee, rel, "Hello")
    got = mailbox.wait_for(to=mentor.person["email"], subject="A new message in your mentoring relationship")
    url = unsubscribe_link(got)
    token = urllib.parse.urlparse(url).path.rsplit("/", 1)[1]
    assert re.fullmatch(r"\d+\.message\.\d+\.[A-Za-z0-9_-]{43}", token), token
    # The page opens for anyone; its API says what it turns off.
    assert requests.get(url).status_code == 200
    r = requests.get(base + "/api/v1/unsubscribe/" + token)
    assert r.status_code == 200, r.text
    info = r.json()
    assert info["kind"] == "message" and info["what"] == "A new message" and info["off"] is False
    assert info["email"] == mentor.person["email"]
    r = requests.post(base + "/api/v1/unsubscribe/" + token)
    assert r.status_code == 200 and r.json()["off"] is True, r.text
    modes = {k["kind"]: k["mode"] for k in mentor.get("/api/v1/me/notification-settings").json()["kinds"]}
    assert modes["message"] == "off" and modes["matched"] == "immediately"
    assert requests.post(base + "/api/v1/unsubscribe/" + token).status_code == 200  # again: no harm
    before = len(outbox_of(admin, mentor, "message"))
    say(mentee, rel, "Still there?")
    assert len(outbox_of(admin, mentor, "message")) == before
    # The admin's outbox does not show the link's secret.
    shown = outbox_of(admin, mentor, "message")[0]["body"]
    assert token not in shown and "/unsubscribe/\u2026" in shown


def test_one_click_post_turns_it_off(admin, make_person, mailbox):
    _, mentor, mentee, rel = pair(admin, make_person, "One-click program")
    r = mentee.post("/api/v1/relationships/%d/kudos" % rel, json={"message": "Great"})
    assert r.status_code == 201, r.text
    got = mailbox.wait_for(to=mentor.person["email"], subject="Kudos from Em Mentee")
    url = unsubscribe_link(got)
    # What a mail provider sends (RFC 8058): a form POST, no cookie.
    r = requests.post(url, data="List-Unsubscribe=One-Click",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200, r.text
    modes = {k["kind"]: k["mode"] for k in mentor.get("/api/v1/me/notification-settings").json()["kinds"]}
    assert modes["kudos"] == "off"


def test_forged_and_expired_links_are_refused_and_change_nothing(admin, make_person, mailbox, base, server):
    _, mentor, mentee, rel = pair(admin, make_person, "Forgery program")
    say(mentee, rel, "Hi")
    got = mailbox.wait_for(to=mentor.person["email"], subject="A new message in your mentoring relationship")
    token = urllib.parse.urlparse(unsubscribe_link(got)).path.rsplit("/", 1)[1]
    person, kind, expires, mac = token.split(".")
    other = make_person()
    forged = [
        "%s.%s.%s.%s" % (other.person["id"], kind, expires, mac),   # another person
        "%s.matched.%s.%s" % (person, expires, mac),                 # another kind
        "%s.%s.%d.%s" % (person, kind, int(expires) + 86400, mac),   # a later expiry
        "%s.%s.%s.%s" % (person, kind, expires, mac[:-2] + ("AA" if mac[-2:] != "AA" else "BB")),
        "%s.invitation.%s.%s" % (person, expires, mac),
        "nonsense", "1.message.1", token + ".x",
    ]
    for t in forged:
        for r in (requests.get(base + "/api/v1/unsubscribe/" + t), requests.post(base + "/api/v1/unsubscribe/" + t),
                  requests.post(base + "/unsubscribe/" + t, data="List-Unsubscribe=One-Click",
                                headers={"Content-Type": "application/x-www-form-urlencoded"})):
            if r.url.startswith(base + "/api/"):
                body = problem(r, 404, "token")
                assert "not valid" in body["detail"], body
            else:
                assert r.status_code == 404, (t, r.text)
    # A genuine token past its time: signed here with the server's key, as
    # the server signs (domain/notification.h), to an expiry already gone.
    key = bytes.fromhex(server.sql("SELECT value FROM server_secrets WHERE name = 'unsubscribe'")[0][0])
    fields = "%s.%s.%d" % (person, kind, int(time.time()) - 60)
    mac = base64.urlsafe_b64encode(hmac.new(key, b"unsubscribe:" + fields.encode(), hashlib.sha256).digest())
    expired = fields + "." + mac.decode().rstrip("=")
    assert requests.get(base + "/api/v1/unsubscribe/%s.%s.%s.%s" % (person, kind, expires, mac.decode().rstrip("="))).status_code == 404
    body = problem(requests.post(base + "/api/v1/unsubscribe/" + expired), 404, "token")
    assert "expired" in body["detail"], body
    # The same signing with the real expiry is the server's own token.
    again = base64.urlsafe_b64encode(hmac.new(key, ("unsubscribe:%s.%s.%s" % (person, kind, expires)).encode(),
                                              hashlib.sha256).digest()).decode().rstrip("=")
    assert again == token.split(".")[3]
    modes = {k["kind"]: k["mode"] for k in mentor.get("/api/v1/me/notification-settings").json()["kinds"]}
    assert set(modes.values()) == {"immediately"}
