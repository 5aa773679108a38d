"""Every kind of mail Tandem sends, caused the way people cause it and
received by a real SMTP receiver: the right recipient and subject, both
MIME alternatives from the kind's template, and links that lead to the
page the mail is about (the recipient can open what it points at)."""
import datetime
import re

import requests
from conftest import versioned

OPEN = {"status": "enrolling", "selection": {"access": "open", "questions": []},
        "training": {"required_before_matching": False, "modules": []}}


def program(client, name, **extra):
    r = client.post("/api/v1/programs", json=dict(OPEN, name=name, **extra))
    assert r.status_code == 201, r.text
    return r.json()


def join(person, prog, role, **extra):
    r = person.post("/api/v1/programs/%d/participants" % prog["id"], json={"role": role, **extra})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def received(mailbox, base, who, subject, path, calendar=False, **match):
    """The mail to `who` with `subject` (and `match`, as mailbox.wait_for
    takes it: text_has= tells this mail from older ones of the same
    subject): checked as MIME (with a calendar invitation as a third
    alternative when `calendar`), its link to `path` (a regular
    expression) returned."""
    got = mailbox.wait_for(to=who.person["email"] if hasattr(who, "person") else who, subject=subject, **match)
    assert got.email.get_content_type() == "multipart/alternative", got.raw[:400]
    parts = ["text/plain", "text/html"] + (["text/calendar"] if calendar else [])
    assert [p.get_content_type() for p in got.email.iter_parts()] == parts
    assert got.text.startswith("Hello") and got.html.startswith("<!DOCTYPE html>")
    assert got.message_id.startswith("<tandem.")
    links = [l for l in got.links if re.fullmatch(re.escape(base) + path, l)]
    assert links, "no link to %s in %r" % (path, got.links)
    assert 'href="%s"' % links[0] in got.html
    page = requests.get(links[0])
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    return links[0], got


def api_of(link, base):
    return "/api/v1" + link[len(base):]


def test_every_kind_arrives_with_its_template_and_links(admin, make_person, mailbox, base, server):
    # approved and declined: a program that reviews applications.
    review = program(admin, "Kinds review", selection={"access": "approval", "questions": []})
    yes, no = make_person(), make_person()
    a, b = join(yes, review, "mentee"), join(no, review, "mentee")
    url = "/api/v1/programs/%d/participants/%%d" % review["id"]
    assert admin.patch(url % a, json={"status": "approved"}).status_code == 200
    r = admin.patch(url % b, json={"status": "declined", "decline_reason": "Full this round"})
    assert r.status_code == 200, r.text
    link, _ = received(mailbox, base, yes, "You are in: Kinds review", r"/programs/%d" % review["id"])
    assert yes.get(api_of(link, base)).status_code == 200
    _, got = received(mailbox, base, no, "About your application: Kinds review", r"/programs/%d" % review["id"])
    assert "Full this round" in got.text

    # matched, the workspace's kinds, closed and ended early.
    prog = program(admin, "Kinds pairs", duration_months=6)
    mentor, mentee = make_person(name="Maya Mentor"), make_person(name="Eli Mentee")
    m, e = join(mentor, prog, "mentor"), join(mentee, prog, "mentee")
    rel = admin.post("/api/v1/programs/%d/relationships" % prog["id"], json={"mentor": m, "mentees": [e]}).json()
    ws = r"/relationships/%d" % rel["id"]
    section = ws + r"/(meetings/\d+|meetings|messages|agreement)"
    for who in (mentor, mentee):
        link, _ = received(mailbox, base, who, "You have been matched", ws)
        assert who.get(api_of(link, base)).status_code == 200
    rurl = "/api/v1/relationships/%d" % rel["id"]
    meeting = mentee.post(rurl + "/meetings", json={"starts_at": "2027-03-02T10:00:00Z"}).json()
    _, got = received(mailbox, base, mentor, "A meeting was scheduled", section, calendar=True)
    assert "2027" in got.text and "minutes" in got.text
    assert mentee.patch(rurl + "/meetings/%d" % meeting["id"], json={"starts_at": "2027-03-03T10:00:00Z"}).status_code == 200
    received(mailbox, base, mentor, "A meeting moved", section, calendar=True)
    assert mentee.patch(rurl + "/meetings/%d" % meeting["id"], json={"status": "cancelled"}).status_code == 200
    received(mailbox, base, mentor, "A meeting was cancelled", section, calendar=True)
    # The organiser's own copy, for their calendar.
    received(mailbox, base, mentee, "For your calendar: a mentoring meeting scheduled", section, calendar=True)
    assert mentee.post(rurl + "/messages", json={"body": "Hello there"}).status_code == 201
    _, got = received(mailbox, base, mentor, "A new message in your mentoring relationship", section)
    assert "Eli Mentee wrote you a message" in got.text and "Hello there" not in got.text
    assert mentee.put(rurl + "/agreement", json={"goals_summary": "Lead a team",
                                                  **versioned(mentee, rurl + "/agreement")}).status_code == 200
    received(mailbox, base, mentor, "Your partnership agreement changed", section)
    # Recognition: kudos from a partner, a coordinator's highlight.
    assert mentee.post(rurl + "/kudos", json={"message": "Thank <you>!"}).status_code == 201
    _, got = received(mailbox, base, mentor, "Kudos from Eli Mentee", ws + r"/recognition")
    assert "Thank <you>!" not in got.text  # the words are read in Tandem
    r = admin.put(rurl + "/highlight", json={"text": "A model pair"})
    assert r.status_code == 200, r.text
    for who in (mentor, mentee):
        received(mailbox, base, who, "Your mentoring relationship is highlighted", ws + r"/recognition")

    # Closing is agreed: one proposes, the other declines, or confirms.
    close = {"action": "close", "reflection": {"learned": "A lot"}}
    assert mentor.patch(rurl, json={**versioned(mentor, rurl), **close}).status_code == 200
    _, got = received(mailbox, base, mentee, "Maya Mentor proposes to close your mentoring relationship", ws)
    assert "confirm with your own reflection" in got.text
    assert mentee.patch(rurl, json={**versioned(mentee, rurl), "action": "decline"}).status_code == 200
    received(mailbox, base, mentor, "Eli Mentee declined the proposal to close your mentoring relationship", ws)
    assert mentor.patch(rurl, json={**versioned(mentor, rurl), **close}).status_code == 200
    r = mentee.patch(rurl, json={**versioned(mentee, rurl), **close})
    assert r.status_code == 200 and r.json()["status"] == "completed", r.text
    received(mailbox, base, mentor, "Your mentoring relationship is complete", ws)

    # A group renews and closes: one agrees while another is still to.
    near = program(admin, "Kinds renewals", duration_months=1, renewals=2, renewal_window_days=120)
    lead, ann, bo = make_person(name="Lea Lead"), make_person(name="Ann Group"), make_person(name="Bo Group")
    rel3 = admin.post("/api/v1/programs/%d/relationships" % near["id"], json={
        "mentor": join(lead, near, "mentor", capacity=2),
        "mentees": [join(ann, near, "mentee"), join(bo, near, "mentee")]}).json()
    gurl, gws = "/api/v1/relationships/%d" % rel3["id"], r"/relationships/%d" % rel3["id"]
    assert lead.patch(gurl, json={**versioned(lead, gurl), "action": "renew"}).status_code == 200
    _, got = received(mailbox, base, ann, "Lea Lead proposes to renew your mentoring relationship", gws)
    assert "for another 1 months" in got.text
    assert ann.patch(gurl, json={**versioned(ann, gurl), "action": "renew"}).status_code == 200
    _, got = received(mailbox, base, bo, "Ann Group agreed to the renewal of your mentoring relationship", gws)
    assert "Still to agree: Bo Group." in got.text
    assert bo.patch(gurl, json={**versioned(bo, gurl), "action": "decline"}).status_code == 200
    received(mailbox, base, lead, "Bo Group declined the proposal to renew your mentoring relationship", gws)
    assert admin.patch(gurl, json={**versioned(admin, gurl), "action": "renew"}).status_code == 200
    _, got = received(mailbox, base, bo, "Your mentoring relationship is renewed", gws)
    assert "renewed by your coordinator: it is now planned to end on" in got.text
    assert lead.patch(gurl, json={**versioned(lead, gurl), "action": "close", "reflection": {"learned": "Groups"}}).status_code == 200
    assert ann.patch(gurl, json={**versioned(ann, gurl), "action": "close", "reflection": {"learned": "Peers"}}).status_code == 200
    _, got = received(mailbox, base, bo, "Ann Group agreed to the closing of your mentoring relationship", gws)
    assert "Still to agree: Bo Group." in got.text

    other_mentor, other_mentee = make_person(), make_person()
    m2, e2 = join(other_mentor, prog, "mentor"), join(other_mentee, prog, "mentee")
    rel2 = admin.post("/api/v1/programs/%d/relationships" % prog["id"], json={"mentor": m2, "mentees": [e2]}).json()
    r = other_mentee.patch("/api/v1/relationships/%d" % rel2["id"],
                           json={**versioned(other_mentee, "/api/v1/relationships/%d" % rel2["id"]),
                                 "action": "end_early", "reason": "Moved team"})
    assert r.status_code == 200, r.text
    received(mailbox, base, other_mentor, "Your mentoring relationship has ended", r"/relationships")
    # Other scenarios end relationships early too: this one is "Moved team".
    link, got = received(mailbox, base, "admin@example.org", "A relationship ended early",
                         r"/relationships/%d" % rel2["id"], text_has="Moved team")
    assert "Moved team" in got.text and admin.get(api_of(link, base)).status_code == 200

    # Self-matching: a request, its acceptance, and a request that found nobody.
    selfm = program(admin, "Kinds self", matching={"mode": "self", "criteria": [
        {"name": "skills", "kind": "overlap", "mentee_field": "development_needs",
         "mentor_field": "expertise", "weight": 1}]})
    ask1, ask2, seeker, seeker2 = make_person(), make_person(), make_person(), make_person()
    p1 = join(ask1, selfm, "mentor", profile={"expertise": ["sql"]})
    p2 = join(ask2, selfm, "mentor", profile={"expertise": ["sql"]})
    join(seeker, selfm, "mentee", profile={"development_needs": ["sql"]})
    join(seeker2, selfm, "mentee", profile={"development_needs": ["sql"]})
    req = seeker.post("/api/v1/programs/%d/requests" % selfm["id"], json={"mentors": [p1]}).json()
    link, _ = received(mailbox, base, ask1, "A mentee asks you to mentor them", r"/programs/%d/requests" % selfm["id"])
    assert ask1.get(api_of(link, base)).status_code == 200
    r = ask1.patch("/api/v1/requests/%d" % req["id"], json={"action": "accept", "message": "Happy to <help>!"})
    assert r.status_code == 200, r.text
    link, got = received(mailbox, base, seeker, "Your mentor said yes", r"/relationships/%d" % r.json()["relationship_id"])
    assert "Happy to <help>!" in got.text and "Happy to &lt;help&gt;!" in got.html
    req2 = seeker2.post("/api/v1/programs/%d/requests" % selfm["id"], json={"mentors": [p2]}).json()
    received(mailbox, base, ask2, "A mentee asks you to mentor them", r"/programs/%d/requests" % selfm["id"])
    r = ask2.patch("/api/v1/requests/%d" % req2["id"], json={"action": "decline", "message": "Full"})
    assert r.status_code == 200, r.text
    received(mailbox, base, seeker2, "Your mentoring request", r"/programs/%d/mentors" % selfm["id"])

    # Following a relationship (issue 12): a survey sent to the pair, a
    # coordinator's nudge, and the health check the program's cadence asks for.
    follow = program(admin, "Kinds follow-up", surveys={"anonymity_threshold": 5, "health_check_days": 7})
    fm, fe = make_person(name="Fay Mentor"), make_person(name="Gus Mentee")
    rel4 = admin.post("/api/v1/programs/%d/relationships" % follow["id"], json={
        "mentor": join(fm, follow, "mentor"), "mentees": [join(fe, follow, "mentee")]}).json()
    fws, furl = r"/relationships/%d" % rel4["id"], "/api/v1/relationships/%d" % rel4["id"]
    survey = admin.post("/api/v1/programs/%d/surveys" % follow["id"], json={
        "title": "Pulse <now>", "anonymous": True, "audience": "both", "status": "active",
        "trigger": {"on": "manual"},
        "questions": [{"id": "useful", "kind": "likert", "label": "It is useful"}]}).json()
    r = admin.post("/api/v1/surveys/%d/send" % survey["id"])
    assert r.status_code == 201 and r.json()["asked"] == 2, r.text
    for who in (fm, fe):
        link, got = received(mailbox, base, who, "A survey for you: Pulse <now>",
                             r"/surveys/%d\?round=\d+" % survey["id"])
        assert "Your answers are anonymous" in got.text and "Pulse &lt;now&gt;" in got.html
        # The link's round is the one due for them, and they can answer it.
        round_id = int(link.rsplit("=", 1)[1])
        due = who.get("/api/v1/me/surveys").json()["items"]
        assert [(d["survey_id"], d["round_id"]) for d in due] == [(survey["id"], round_id)]
        r = who.post("/api/v1/surveys/%d/responses" % survey["id"],
                     json={"round_id": round_id, "answers": {"useful": 4}})
        assert r.status_code == 201, r.text
    r = admin.post(furl + "/nudge", json={"message": "Have you <met> this month?"})
    assert r.status_code == 200 and r.json()["told"] == 2, r.text
    for who in (fm, fe):
        link, got = received(mailbox, base, who, "A note from your program coordinator", fws)
        assert "They wrote:" in got.text and "Have you <met> this month?" in got.text
        assert "<blockquote>Have you &lt;met&gt; this month?</blockquote>" in got.html
        assert who.get(api_of(link, base)).status_code == 200
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=8)
    run = server.run("jobs", "--db", server.db, "--once", "--now", later.strftime("%Y-%m-%dT%H:%M:%SZ"),
                     "--public-url", base)
    assert run.returncode == 0, run.stdout + run.stderr
    for who in (fm, fe):
        link, got = received(mailbox, base, who, "Time for a health check", fws + r"/health")
        assert "rate the eight qualities" in got.text
        # The page the link names is the relationship's health check.
        assert link.endswith("/relationships/%d/health" % rel4["id"])
        assert who.get(furl + "/health-checks").status_code == 200

    # Every kind the templates know was among them (invitation: test_mail.py;
    # the accounts' kinds on a server of their own: test_accounts.py; the
    # daily digest: test_notifications.py; the reminders: test_reminders.py
    # receives each over weeks of jobs).
    kinds = {k["kind"] for k in admin.get("/api/v1/mail").json()["kinds"]}
    kinds = {k for k in kinds if not k.startswith("reminder_")}
    sent = {m["kind"] for m in admin.get("/api/v1/outbox", params={"state": "sent", "limit": 500}).json()["items"]}
    accounts = {"password_reset", "password_changed", "sign_up_verify", "sign_up_exists"}
    assert kinds - {"invitation", "digest"} - accounts <= sent, kinds - sent
