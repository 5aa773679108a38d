"""Reminders (issue 11 item 5), driven by `tandem jobs --once --now TIME`
across simulated weeks and received over SMTP by the real receiver: each
fires once, none after its condition cleared, a catch-up after a gap sends
nothing stale, a changed rule takes effect, and twice the meeting
guideline tells the coordinator and flags the pair at risk."""
import datetime
import re
import time

import requests
from conftest import PASSWORD, Client, problem, versioned
from server import ADMIN_EMAIL, ADMIN_PASSWORD, Server
from webhook import Hook

DAY = 86400


def join(person, program, role, **extra):
    r = person.post("/api/v1/programs/%d/participants" % program["id"], json={"role": role, **extra})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def new_program(coord, name, **extra):
    body = {"name": name, "status": "enrolling", "selection": {"access": "open", "questions": []},
            "training": {"required_before_matching": False, "modules": []}}
    body.update(extra)
    r = coord.post("/api/v1/programs", json=body)
    assert r.status_code == 201, r.text
    return r.json()


class World:
    """A coordinator's program with pairs in it, and time that moves."""

    def __init__(self, make_person, server, mailbox, name, **extra):
        self.server, self.mailbox, self.make = server, mailbox, make_person
        self.t0 = time.time()
        self.coord = make_person("coordinator", name="Cora Coordinator")
        self.program = new_program(self.coord, name, **extra)

    def pair(self, mentor="Mona Mentor", mentee="Eli Mentee"):
        m, e = self.make(name=mentor), self.make(name=mentee)
        pm, pe = join(m, self.program, "mentor"), join(e, self.program, "mentee")
        r = self.coord.post("/api/v1/programs/%d/relationships" % self.program["id"],
                            json={"mentor": pm, "mentees": [pe]})
        assert r.status_code == 201, r.text
        return m, e, r.json()["id"]

    def at(self, days):
        t = datetime.datetime.fromtimestamp(self.t0 + days * DAY, datetime.timezone.utc)
        return t.strftime("%Y-%m-%dT%H:%M:%SZ")

    def jobs(self, days):
        """Runs every job once as if `days` had passed since the start; the
        mail they store goes out in the same run."""
        run = self.server.run("jobs", "--db", self.server.db, "--once", "--now", self.at(days),
                              "--public-url", self.server.url)
        assert run.returncode == 0, run.stderr
        assert "reminders:" in run.stdout
        return run

    def got(self, who, subject):
        email = who.person["email"] if hasattr(who, "person") else who
        return [m for m in self.mailbox.to(email) if m.subject == subject]

    def settings(self, **rules):
        url = "/api/v1/programs/%d" % self.program["id"]
        r = self.coord.patch(url, json={**versioned(self.coord, url), "reminders": rules})
        assert r.status_code == 200, r.text
        return r.json()["reminders"]


AGREEMENT = "Reminder: sign your partnership agreement"
GOALS = "Reminder: set your first goal"
NO_MEETING = "Reminder: time for your next meeting"


def link_opens(base, mail, path):
    links = [l for l in mail.links if re.fullmatch(re.escape(base) + path, l)]
    assert links, (path, mail.links)
    assert requests.get(links[0]).status_code == 200
    return links[0]


def test_agreement_and_goals_fire_once_and_not_after_they_are_done(make_person, server, mailbox, base):
    w = World(make_person, server, mailbox, "Reminded pairs")
    m, e, rel = w.pair()
    m2, e2, rel2 = w.pair("Max Mentor", "Ida Mentee")
    ws2 = "/api/v1/relationships/%d" % rel2
    # The second pair writes and signs its agreement, and sets a goal, in time.
    assert e2.put(ws2 + "/agreement", json={"goals_summary": "SQL", **versioned(e2, ws2 + "/agreement")}).status_code == 200
    for who in (m2, e2):
        assert who.post(ws2 + "/agreement/signatures", json={}).status_code in (200, 201)
    assert e2.post(ws2 + "/goals", json={"statement": "Learn SQL"}).status_code == 201

    w.jobs(6)
    assert w.got(m, AGREEMENT) == [] and w.got(e, AGREEMENT) == []
    w.jobs(7.1)
    for who in (m, e):
        mail = mailbox.wait_for(to=who.person["email"], subject=AGREEMENT)
        assert "started 7 days ago" in mail.text
        link_opens(base, mail, r"/relationships/%d/agreement" % rel)
    w.jobs(8)
    w.jobs(12)
    assert len(w.got(m, AGREEMENT)) == 1 and len(w.got(e, AGREEMENT)) == 1
    # The first pair's mentee adds a goal on day 10 (events happen now; the
    # goal counts from then on): no goal reminder for them at day 14.
    ws = "/api/v1/relationships/%d" % rel
    assert e.post(ws + "/goals", json={"statement": "Ship it"}).status_code == 201
    w.jobs(14.1)
    w.jobs(20)
    for who in (m, e, m2, e2):
        assert w.got(who, GOALS) == []
    # The signed pair never got the agreement reminder.
    assert w.got(m2, AGREEMENT) == [] and w.got(e2, AGREEMENT) == []


def test_goals_reminder_and_only_the_unsigned_party(make_person, server, mailbox, base):
    w = World(make_person, server, mailbox, "Goal-less pairs")
    m, e, rel = w.pair()
    ws = "/api/v1/relationships/%d" % rel
    assert e.put(ws + "/agreement", json={"goals_summary": "SQL", **versioned(e, ws + "/agreement")}).status_code == 200
    assert e.post(ws + "/agreement/signatures", json={}).status_code in (200, 201)
    w.jobs(7.1)
    mailbox.wait_for(to=m.person["email"], subject=AGREEMENT)
    assert w.got(e, AGREEMENT) == []  # the mentee signed
    w.jobs(14.1)
    for who in (m, e):
        mail = mailbox.wait_for(to=who.person["email"], subject=GOALS)
        link_opens(base, mail, r"/relationships/%d/goals" % rel)
    w.jobs(15)
    assert len(w.got(e, GOALS)) == 1


def test_meeting_soon_once_and_a_catch_up_drops_what_is_past(make_person, server, mailbox, base):
    w = World(make_person, server, mailbox, "Meeting pairs")
    m, e, rel = w.pair()
    ws = "/api/v1/relationships/%d" % rel
    first = e.post(ws + "/meetings", json={"starts_at": w.at(3), "duration_minutes": 30, "mode": "video"}).json()
    second = e.post(ws + "/meetings", json={"starts_at": w.at(5), "duration_minutes": 30, "mode": "video"}).json()
    soon = "Reminder: your mentoring meeting on "
    w.jobs(1.9)
    assert [x for x in mailbox.to(m.person["email"]) if x.subject.startswith(soon)] == []
    w.jobs(2.5)  # 12 hours before the first
    for who in (m, e):
        mail = mailbox.wait_for(to=who.person["email"], subject_has=soon)
        link_opens(base, mail, r"/relationships/%d/meetings/%d" % (rel, first["id"]))
    w.jobs(2.6)
    assert len([x for x in mailbox.to(e.person["email"]) if x.subject.startswith(soon)]) == 1
    # The server was down from day 2.6 to day 6: the second meeting's
    # reminder is stale by then and is dropped, not sent late.
    w.jobs(6)
    w.jobs(6.1)
    assert len([x for x in mailbox.to(e.person["email"]) if x.subject.startswith(soon)]) == 1
    # A meeting moved is another occurrence: reminded again for its new time.
    r = e.patch(ws + "/meetings/%d" % first["id"], json={"starts_at": w.at(9)})
    assert r.status_code == 200, r.text
    w.jobs(8.5)
    assert len([x for x in mailbox.to(e.person["email"]) if x.subject.startswith(soon)]) == 2
    # Cancelled: nothing.
    third = e.post(ws + "/meetings", json={"starts_at": w.at(12), "duration_minutes": 30, "mode": "video"}).json()
    assert e.patch(ws + "/meetings/%d" % third["id"], json={"status": "cancelled"}).status_code == 200
    w.jobs(11.5)
    assert len([x for x in mailbox.to(e.person["email"]) if x.subject.startswith(soon)]) == 2
    del second


def test_no_meeting_nudges_then_tells_the_coordinator_and_flags_at_risk(make_person, server, mailbox, base):
    # Two meetings a month: the interval is 15 days, twice it 30.
    hook = Hook().start()
    w = World(make_person, server, mailbox, "Quiet pairs", meetings={"frequency_per_month": 2},
              alerts={"webhook_url": hook.url})
    m, e, rel = w.pair()
    w.jobs(14)
    assert w.got(m, NO_MEETING) == []
    w.jobs(15.1)
    for who in (m, e):
        mail = mailbox.wait_for(to=who.person["email"], subject=NO_MEETING)
        assert "15 days" in mail.text and "2 a month" in mail.text
        link_opens(base, mail, r"/relationships/%d/meetings" % rel)
    w.jobs(29.9)
    subject = "At risk: Mona Mentor and Eli Mentee have not met for 30 days"
    assert w.got(w.coord, subject) == []
    w.jobs(30.2)
    mail = mailbox.wait_for(to=w.coord.person["email"], subject=subject)
    link_opens(base, mail, r"/programs/%d/at-risk" % w.program["id"])
    # Flagged at risk: the history the at-risk report reads has the flag.
    rep = w.coord.get("/api/v1/programs/%d/reports/at-risk" % w.program["id"]).json()
    t = next(t for t in rep["tables"] if t["name"] == "reasons")
    reasons = [dict(zip([c["name"] for c in t["columns"]], row)) for row in t["rows"]]
    assert {x["reason"]: x["flagged_now"] for x in reasons}["no_meeting"] == 1
    # The program's chat hears of the flag too (a post for each reason), once.
    (_, _, body, _), = hook.wait_for("is at risk: No meeting held in the 30 days")
    assert body["text"].endswith("/programs/%d/at-risk" % w.program["id"]), body
    w.jobs(31)
    assert len(w.got(w.coord, subject)) == 1
    assert len(w.got(m, NO_MEETING)) == 1
    # The mentor and mentee were not told the coordinator was.
    assert w.got(m, subject) == [] and w.got(e, subject) == []
    time.sleep(1)
    assert len([t for t in hook.texts() if "is at risk: No meeting held" in t]) == 1
    hook.stop()


def test_a_meeting_planned_or_held_stops_the_nudge(make_person, server, mailbox):
    w = World(make_person, server, mailbox, "Planning pairs", meetings={"frequency_per_month": 2})
    m, e, rel = w.pair()
    ws = "/api/v1/relationships/%d" % rel
    # A meeting planned for day 20: no "time to meet" nudge while it is ahead.
    e.post(ws + "/meetings", json={"starts_at": w.at(20), "duration_minutes": 30, "mode": "video"})
    w.jobs(15.1)
    w.jobs(19)
    assert w.got(m, NO_MEETING) == [] and w.got(e, NO_MEETING) == []


def test_a_catch_up_sends_the_2x_but_not_the_stale_nudge(make_person, server, mailbox):
    w = World(make_person, server, mailbox, "Gap pairs", meetings={"frequency_per_month": 2})
    m, e, rel = w.pair()
    w.jobs(1)
    w.jobs(31)  # down from day 1 to day 31
    mailbox.wait_for(to=w.coord.person["email"], subject_has="have not met for 31 days")
    assert w.got(m, NO_MEETING) == [] and w.got(e, NO_MEETING) == []


def test_a_meeting_held_starts_the_count_again(mailbox):
    """A server of its own whose clock moves (TANDEM_NOW), so a meeting can
    be held on day 10: the 1x nudge due on day 15 is cleared, not sent, and
    the next one comes 15 days after that meeting."""
    t0 = int(time.time())
    s = Server(name="reminders-time", env=dict(mailbox.env(), TANDEM_NOW=str(t0))).start()
    try:
        def signed_in(email, password=PASSWORD):
            return Client(s.url).sign_in(email, password)

        def jobs(days):
            at = datetime.datetime.fromtimestamp(t0 + days * DAY, datetime.timezone.utc)
            run = s.run("jobs", "--db", s.db, "--once", "--now", at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "--public-url", s.url)
            assert run.returncode == 0, run.stderr

        admin = signed_in(ADMIN_EMAIL, ADMIN_PASSWORD)
        emails = {}
        for who in ("mentor", "mentee"):
            emails[who] = "%s-held-%d@example.org" % (who, t0)
            r = admin.post("/api/v1/people", json={"email": emails[who], "name": who.title(), "password": PASSWORD})
            assert r.status_code == 201, r.text
        prog = new_program(admin, "Held", meetings={"frequency_per_month": 2})
        m, e = signed_in(emails["mentor"]), signed_in(emails["mentee"])
        pm, pe = join(m, prog, "mentor"), join(e, prog, "mentee")
        rel = admin.post("/api/v1/programs/%d/relationships" % prog["id"], json={"mentor": pm, "mentees": [pe]}).json()
        s.restart(TANDEM_NOW=str(t0 + 10 * DAY))
        e = signed_in(emails["mentee"])
        ws = "/api/v1/relationships/%d" % rel["id"]
        starts = datetime.datetime.fromtimestamp(t0 + 10 * DAY - 3600, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        mt = e.post(ws + "/meetings", json={"starts_at": starts, "duration_minutes": 30, "mode": "video"})
        assert mt.status_code == 201, mt.text
        r = e.patch(ws + "/meetings/%d" % mt.json()["id"], json={"recap": {"discussed": "Plans"}})
        assert r.status_code == 200, r.text
        jobs(15.1)
        jobs(24.8)
        nudges = [x for x in mailbox.to(emails["mentor"]) if x.subject == NO_MEETING]
        assert nudges == []
        jobs(25.1)
        mail = mailbox.wait_for(to=emails["mentor"], subject=NO_MEETING)
        assert "15 days" in mail.text
    finally:
        assert s.stop() == 0


def test_changed_rules_take_effect_and_bad_rules_are_named(make_person, server, mailbox):
    w = World(make_person, server, mailbox, "Ruled pairs")
    url = "/api/v1/programs/%d" % w.program["id"]
    got = w.coord.get(url).json()["reminders"]
    assert got["agreement_unsigned"] == {"enabled": True, "days": 7}
    assert got["no_goals"] == {"enabled": True, "days": 14}
    assert got["inactive"] == {"enabled": False, "days": 30}
    r = w.coord.patch(url, json={**versioned(w.coord, url), "reminders": {
        "agreement_unsigned": {"days": 0}, "meeting_soon": {"hours": "soon"},
        "no_goals": {"enabled": "yes"}, "nonsense": {}}})
    body = problem(r, 422)
    fields = {x["field"] for x in body["errors"]}
    assert {"reminders.agreement_unsigned.days", "reminders.meeting_soon.hours",
            "reminders.no_goals.enabled", "reminders.nonsense"} <= fields, fields
    assert w.coord.get(url).json()["reminders"] == got  # nothing changed

    m, e, rel = w.pair()
    # Three days instead of seven; goals off. A rule not named keeps its value.
    rules = w.settings(agreement_unsigned={"days": 3}, no_goals={"enabled": False})
    assert rules["agreement_unsigned"] == {"enabled": True, "days": 3}
    assert rules["no_goals"] == {"enabled": False, "days": 14}
    assert rules["meeting_soon"] == {"enabled": True, "hours": 24}
    w.jobs(3.1)
    for who in (m, e):
        mail = mailbox.wait_for(to=who.person["email"], subject=AGREEMENT)
        assert "3 days ago" in mail.text
    w.jobs(15)
    assert w.got(m, GOALS) == [] and w.got(e, GOALS) == []
    # Turned on again: the goal reminder is armed and sent at the next run.
    w.settings(no_goals={"enabled": True})
    w.jobs(15.1)
    mailbox.wait_for(to=e.person["email"], subject=GOALS)
    # Off before it falls due: nothing is sent.
    m2, e2, rel2 = w.pair("Max Mentor", "Ida Mentee")
    w.settings(agreement_unsigned={"enabled": False})
    w.jobs(16)
    assert w.got(m2, AGREEMENT) == []


def test_a_request_waiting_reminds_the_mentor_once(make_person, server, mailbox, base):
    w = World(make_person, server, mailbox, "Self-matched",
              matching={"mode": "self", "request_expiry_days": 7, "criteria": [
                  {"name": "skills", "kind": "overlap", "mentee_field": "development_needs",
                   "mentor_field": "expertise", "weight": 1}]})
    mentor, other, mentee = w.make(name="Mo Mentor"), w.make(name="Ot Mentor"), w.make(name="Ed Mentee")
    a = join(mentor, w.program, "mentor", profile={"expertise": ["sql"]})
    b = join(other, w.program, "mentor", profile={"expertise": ["sql"]})
    join(mentee, w.program, "mentee", profile={"development_needs": ["sql"]})
    r = mentee.post("/api/v1/programs/%d/requests" % w.program["id"], json={"mentors": [a, b]})
    assert r.status_code == 201, r.text
    subject = "Reminder: Ed Mentee waits for your answer"
    w.jobs(2.9)
    assert w.got(mentor, subject) == []
    w.jobs(3.1)
    mail = mailbox.wait_for(to=mentor.person["email"], subject=subject)
    link_opens(base, mail, r"/programs/%d/requests" % w.program["id"])
    w.jobs(5)
    assert len(w.got(mentor, subject)) == 1
    # The cascade moves on at day 7 as before; the next mentor is asked then,
    # and reminded three days after that.
    w.jobs(7.1)
    assert w.got(other, subject) == []
    w.jobs(10.2)
    mailbox.wait_for(to=other.person["email"], subject=subject)


def test_an_unanswered_survey_is_reminded_once(make_person, server, mailbox, base):
    w = World(make_person, server, mailbox, "Surveyed")
    m, e, rel = w.pair()
    s = w.coord.post("/api/v1/programs/%d/surveys" % w.program["id"], json={
        "title": "Pulse", "anonymous": False, "audience": "both", "status": "draft",
        "trigger": {"on": "manual"},
        "questions": [{"id": "useful", "kind": "likert", "label": "It is useful", "required": True}]})
    assert s.status_code == 201, s.text
    sid = s.json()["id"]
    r = w.coord.post("/api/v1/surveys/%d/send" % sid)
    assert r.status_code == 201, r.text
    survey = {"title": "Pulse"}
    r = m.post("/api/v1/surveys/%d/responses" % sid, json={"answers": {"useful": 4}})
    assert r.status_code == 201, r.text
    w.jobs(3.1)
    subject = "Reminder: a survey for you: " + survey["title"]
    mail = mailbox.wait_for(to=e.person["email"], subject=subject)
    link_opens(base, mail, r"/surveys/%d\?round=\d+" % sid)
    w.jobs(4)
    assert len(w.got(e, subject)) == 1 and w.got(m, subject) == []


def test_phase_overdue_and_inactive_when_turned_on(make_person, server, mailbox, base):
    w = World(make_person, server, mailbox, "Phased", phases={"template": "custom", "items": [
        {"name": "Getting started", "timeframe_days": 20}, {"name": "Working", "timeframe_days": 60}]},
        reminders={"inactive": {"enabled": True, "days": 25}})
    m, e, rel = w.pair()
    w.jobs(19)
    assert w.got(e, "Reminder: the Getting started phase is past its timeframe") == []
    w.jobs(20.1)
    mail = mailbox.wait_for(to=e.person["email"], subject="Reminder: the Getting started phase is past its timeframe")
    link_opens(base, mail, r"/relationships/%d/phase" % rel)
    w.jobs(25.1)
    mail = mailbox.wait_for(to=m.person["email"], subject="Your mentoring relationship has been quiet")
    assert "25 days" in mail.text
    w.jobs(50.1)
    mail = mailbox.wait_for(to=w.coord.person["email"], subject="Close it? Mona Mentor and Eli Mentee have been inactive for 50 days")
    link_opens(base, mail, r"/relationships/%d/status" % rel)
    w.jobs(51)
    assert len(w.got(e, "Reminder: the Getting started phase is past its timeframe")) == 1
    assert len(w.got(m, "Your mentoring relationship has been quiet")) == 1


def test_every_reminder_kind_was_received(admin):
    """The scenarios above caused each reminder template; each was sent."""
    kinds = [k["kind"] for k in admin.get("/api/v1/mail").json()["kinds"] if k["kind"].startswith("reminder_")]
    assert len(kinds) == 10, kinds
    for k in kinds:
        sent = admin.get("/api/v1/outbox", params={"kind": k, "state": "sent"}).json()["items"]
        assert sent, "no %s mail was sent" % k
