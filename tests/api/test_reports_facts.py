"""The facts kept on write (relationship_facts, docs/internals/reports.md,
"Facts kept on write"): a relationship walked through every write the
at-risk and engagement reports read - a meeting scheduled, held, moved,
cancelled and scheduled again; goals set, achieved and dropped; milestones;
a message; signatures, an agreement edited and signed again; a
coordinator's note; the at-risk job's flags; closing - and after each
write the kept facts equal what the rows give (`tandem facts --check`),
the reports follow, and the whole-life engagement report (read from the
facts) equals the same report over an explicit period (read from the raw
rows)."""
import datetime as _dt
from types import SimpleNamespace

import pytest
from conftest import versioned
from test_reports import PROGRAM, day, metrics, report, table

NOW = _dt.datetime.now(_dt.timezone.utc)


def at(days):
    return (NOW + _dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def pair(admin, make_person, server):
    coord = make_person("coordinator", name="Cora Facts")
    r = coord.post("/api/v1/programs", json=dict(PROGRAM, name="Facts %d" % coord.person["id"]))
    assert r.status_code == 201, r.text
    program = r.json()
    m, e = make_person(name="Mentor Facts"), make_person(name="Mentee Facts")
    parts = {}
    for who, role in ((m, "mentor"), (e, "mentee")):
        r = who.post("/api/v1/programs/%d/participants" % program["id"], json={"role": role})
        assert r.status_code == 201, r.text
        parts[role] = r.json()["id"]
    r = coord.post("/api/v1/programs/%d/relationships" % program["id"],
                   json={"mentor": parts["mentor"], "mentees": [parts["mentee"]]})
    assert r.status_code == 201, r.text
    return SimpleNamespace(server=server, coord=coord, program=program, m=m, e=e, rel_id=r.json()["id"],
                           ws="/api/v1/relationships/%d" % r.json()["id"])


def follows(p):
    """The facts are right; the engagement report read from them equals the
    same report over a period (the raw rows); returns its summary."""
    check = p.server.run("facts", "--check", "--db", p.server.db, check=False)
    assert check.returncode == 0, check.stderr
    whole = report(p.coord, p.program, "engagement")
    period = report(p.coord, p.program, "engagement", **{"from": "2000-01-01", "to": day(0)})
    assert metrics(whole) == metrics(period)
    assert table(whole, "by_month") == table(period, "by_month")
    assert sum(r["meetings_held"] for r in table(whole, "by_month")) == metrics(whole)["meetings_held"]
    return metrics(whole)


def risk(p):
    rep = report(p.coord, p.program, "at-risk")
    return metrics(rep), {row["reason"]: row for row in table(rep, "reasons")}


def test_every_write_keeps_the_facts_and_the_reports_follow(pair):
    p, e, m = pair, pair.e, pair.m
    got = follows(p)
    assert got["relationships"] == 1 and got["meetings_held"] == 0 and got["goals"] == 0
    assert risk(p)[0]["open_relationships"] == 1

    # A meeting scheduled, then held: counted once held.
    r = e.post(p.ws + "/meetings", json={"starts_at": at(-3), "duration_minutes": 30, "mode": "video"})
    assert r.status_code == 201, r.text
    first = r.json()["id"]
    assert follows(p)["meetings_held"] == 0
    r = e.patch(p.ws + "/meetings/%d" % first, json={"recap": {"discussed": "Plans"}})
    assert r.status_code == 200 and r.json()["status"] == "held", r.text
    got = follows(p)
    assert got["meetings_held"] == 1 and got["share_active_last_30_days"] == 1

    # Moved (a held meeting edited): still one, in its new place.
    r = e.patch(p.ws + "/meetings/%d" % first, json={"starts_at": at(-1)})
    assert r.status_code == 200, r.text
    assert follows(p)["meetings_held"] == 1

    # A second one cancelled, scheduled again, then held.
    r = m.post(p.ws + "/meetings", json={"starts_at": at(-2), "duration_minutes": 30, "mode": "video"})
    assert r.status_code == 201, r.text
    second = r.json()["id"]
    assert m.patch(p.ws + "/meetings/%d" % second, json={"status": "cancelled"}).status_code == 200
    assert follows(p)["meetings_held"] == 1
    assert m.patch(p.ws + "/meetings/%d" % second, json={"status": "scheduled"}).status_code == 200
    assert m.patch(p.ws + "/meetings/%d" % second, json={"recap": {"discussed": "More"}}).status_code == 200
    got = follows(p)
    assert got["meetings_held"] == 2 and got["share_meeting_guideline"] == 1

    # Goals: set (on time), achieved, another dropped; milestones.
    g1 = e.post(p.ws + "/goals", json={"statement": "Lead a review"}).json()
    got = follows(p)
    assert got["goals"] == 1 and got["goals_achieved"] == 0 and got["share_goals_set_within_due_days"] == 1
    ms = e.post(p.ws + "/goals/%d/milestones" % g1["id"], json={"title": "Draft"}).json()
    assert follows(p)["milestones"] == 1
    assert e.patch(p.ws + "/goals/%d/milestones/%d" % (g1["id"], ms["id"]), json={"done": True}).status_code == 200
    assert follows(p)["milestones_done"] == 1
    assert e.patch(p.ws + "/goals/%d" % g1["id"], json={"status": "achieved"}).status_code == 200
    got = follows(p)
    assert got["goals_achieved"] == 1 and got["goal_completion"] == 1
    g2 = e.post(p.ws + "/goals", json={"statement": "Learn SQL"}).json()
    assert follows(p)["goals"] == 2
    assert e.patch(p.ws + "/goals/%d" % g2["id"], json={"status": "dropped"}).status_code == 200
    got = follows(p)
    assert got["goals"] == 1 and got["goal_completion"] == 1

    # A message.
    assert e.post(p.ws + "/messages", json={"body": "Hello"}).status_code == 201
    assert follows(p)["messages"] == 1

    # Signing: one member, then both; an edit asks for new signatures.
    assert m.post(p.ws + "/agreement/signatures", json={}).status_code == 201
    assert follows(p)["share_agreement_signed_within_14_days"] == 0
    assert e.post(p.ws + "/agreement/signatures", json={}).status_code == 201
    assert follows(p)["share_agreement_signed_within_14_days"] == 1
    r = e.put(p.ws + "/agreement", json={"goals_summary": "Reviews", **versioned(e, p.ws + "/agreement")})
    assert r.status_code == 200, r.text
    follows(p)  # the first signatures still count for "signed on time"

    # The coordinator's note shows in the at-risk list.
    assert p.coord.post(p.ws + "/coordinator-notes", json={"body": "Check in soon"}).status_code in (200, 201)
    follows(p)

    # Forty days on, the job flags what is missing now (no meeting since,
    # the edited agreement unsigned); the report counts the flags.
    run = p.server.run("jobs", "--db", p.server.db, "--once", "--now", at(40))
    assert run.returncode == 0, run.stderr
    follows(p)
    s, reasons = risk(p)
    assert s["flagged_now"] == 1 and s["flagged_ever"] == 1 and s["recovered"] == 0
    assert reasons["no_meeting"]["flagged_now"] == 1 and reasons["no_meeting"]["flagged_ever"] == 1
    assert reasons["agreement_unsigned"]["flagged_now"] == 1
    assert reasons["no_goals"]["flagged_ever"] == 0

    # Both sign again: the job clears that flag; the relationship has
    # recovered once nothing is open.
    for who in (m, e):
        assert who.post(p.ws + "/agreement/signatures", json={}).status_code in (200, 201)
    assert p.server.run("jobs", "--db", p.server.db, "--once", "--now", at(1)).returncode == 0
    follows(p)
    s, reasons = risk(p)
    assert s["flagged_now"] == 0 and s["flagged_ever"] == 1 and s["recovered"] == 1
    assert reasons["no_meeting"]["flagged_now"] == 0 and reasons["no_meeting"]["flagged_ever"] == 1

    # Closing (ended early): no longer open or active; not "recovered".
    r = e.patch(p.ws, json={**versioned(e, p.ws), "action": "end_early", "reason": "schedules"})
    assert r.status_code == 200, r.text
    got = follows(p)
    assert got["relationships"] == 1 and got["share_active_last_30_days"] == 0
    s, _ = risk(p)
    assert s["open_relationships"] == 0 and s["recovered"] == 0 and s["flagged_ever"] == 1


def test_a_period_from_yesterday_reads_the_raw_rows(pair):
    """A period that starts after some meetings: the counts of the period,
    not of the whole life (the facts answer only the latter)."""
    whole = metrics(report(pair.coord, pair.program, "engagement"))
    got = metrics(report(pair.coord, pair.program, "engagement", **{"from": day(-1)}))
    assert whole["meetings_held"] == 2 and got["meetings_held"] == 1   # the one held 2 days ago is out
    assert got["relationships"] == 1 and got["messages"] == 1
