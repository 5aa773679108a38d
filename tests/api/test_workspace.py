"""The relationship workspace: phases, the partnership agreement, goals
and milestones, meetings, notes, messages and reflections, and who may
see and do what (product.md §2, §6, §9)."""
import datetime as _dt
from types import SimpleNamespace

import pytest
from conftest import problem, versioned

PROGRAM = {
    "status": "enrolling", "selection": {"access": "open", "questions": []},
    "training": {"required_before_matching": False, "modules": []},
    "meetings": {"frequency_per_month": 2, "length_minutes": 45, "modes": ["video", "in_person"]},
    "duration_months": 6,
    "phases": {"template": "custom", "items": [
        {"name": "Getting started", "key_actions": ["Meet once", "Share expectations"], "timeframe_days": 14,
         "resources": ["Orientation guide"], "exit_criteria": ["Both parties have met once"]},
        {"name": "Growing", "key_actions": ["Work on goals"], "timeframe_days": 200},
        {"name": "Closing", "key_actions": []}]},
}


TODAY = _dt.datetime.now(_dt.timezone.utc).date()


def day(offset):
    """The date `offset` days from today (UTC), as YYYY-MM-DD: meetings and
    goals are dated relative to now, which the rules compare them with."""
    return (TODAY + _dt.timedelta(days=offset)).isoformat()


@pytest.fixture
def ws(admin, make_person):
    """A program run by a coordinator, a mentor and a mentee paired by hand,
    and a stranger who takes no part."""
    coordinator = make_person("coordinator", name="Cora Ordinator")
    r = coordinator.post("/api/v1/programs", json=dict(PROGRAM, name="Workspace %d" % coordinator.person["id"]))
    assert r.status_code == 201, r.text
    program = r.json()
    mentor, mentee = make_person(name="Maya Mentor"), make_person(name="Eli Mentee")
    parts = {}
    for who, role in ((mentor, "mentor"), (mentee, "mentee")):
        r = who.post("/api/v1/programs/%d/participants" % program["id"], json={"role": role})
        assert r.status_code == 201, r.text
        parts[role] = r.json()["id"]
    r = coordinator.post("/api/v1/programs/%d/relationships" % program["id"],
                         json={"mentor": parts["mentor"], "mentees": [parts["mentee"]]})
    assert r.status_code == 201, r.text
    rel = r.json()
    return SimpleNamespace(admin=admin, coordinator=coordinator, mentor=mentor, mentee=mentee,
                           stranger=make_person(), program=program, rel=rel, parts=parts,
                           url="/api/v1/relationships/%d" % rel["id"])


def stages(ws, role):
    r = ws.coordinator.get("/api/v1/programs/%d/participants/%d" % (ws.program["id"], ws.parts[role]))
    assert r.status_code == 200, r.text
    return r.json()["stages"]


def mail(ws, who, kind):
    items = ws.admin.get("/api/v1/outbox", params={"to": who.person["email"]}).json()["items"]
    return [m for m in items if m["kind"] == kind]


# ---- who sees the workspace ----

def test_members_write_coordinators_and_admins_read_others_see_nothing(ws):
    for path in ["/phase", "/agreement", "/goals", "/meetings", "/notes", "/messages", "/reflections"]:
        for reader in (ws.mentor, ws.mentee, ws.coordinator, ws.admin):
            assert reader.get(ws.url + path).status_code == 200, (path, reader.person)
        problem(ws.stranger.get(ws.url + path), 404)
        problem(ws.mentor.get("/api/v1/relationships/999999" + path), 404)
    problem(ws.coordinator.post(ws.url + "/goals", json={"statement": "Not mine to set"}), 403)
    problem(ws.admin.post(ws.url + "/messages", json={"body": "hello"}), 403)
    problem(ws.stranger.post(ws.url + "/notes", json={"body": "x"}), 404)


# ---- the partnership agreement ----

def test_agreement_defaults_edits_and_signatures(ws):
    a = ws.mentee.get(ws.url + "/agreement").json()
    assert a["version"] == 1 and a["signed_by_all"] is False
    c = a["content"]
    assert set(c) == {"goals_summary", "mentor_responsibilities", "mentee_responsibilities", "meeting_frequency",
                      "meeting_mode", "communication_channels", "confidentiality", "boundaries", "duration",
                      "no_fault_exit"}
    assert c["confidentiality"].startswith("What we discuss stays between us")
    assert c["boundaries"].startswith("Mentoring is not therapy")
    assert "without blame" in c["no_fault_exit"]
    assert c["meeting_frequency"].startswith("2 times a month, about 45 minutes")
    assert c["meeting_mode"] == "By video or in person"
    assert c["duration"].startswith("6 months, until ")

    r = ws.mentor.post(ws.url + "/agreement/signatures", json={})
    assert r.status_code == 201, r.text
    signed = {s["role"]: s["signed"] for s in r.json()["signatures"]}
    assert signed == {"mentor": True, "mentee": False}
    assert "agreement_signed" not in stages(ws, "mentor")

    # An edit makes a new version and both must sign again.
    r = ws.mentee.put(ws.url + "/agreement", json={"goals_summary": "Lead a team within a year", "version": 1})
    assert r.status_code == 200, r.text
    a = r.json()
    assert a["version"] == 2 and a["content"]["goals_summary"] == "Lead a team within a year"
    assert a["content"]["boundaries"] == c["boundaries"]          # untouched fields keep their text
    assert not any(s["signed"] for s in a["signatures"])
    assert mail(ws, ws.mentor, "agreement_changed")
    # Saving the same text is not a change.
    assert ws.mentee.put(ws.url + "/agreement", json={"goals_summary": "Lead a team within a year",
                                                      "version": 2}).json()["version"] == 2
    problem(ws.mentor.post(ws.url + "/agreement/signatures", json={"version": 1}), 409, "version")
    problem(ws.mentor.put(ws.url + "/agreement", json={"duration": "forever", "version": 1}), 409, "version")

    assert ws.mentor.post(ws.url + "/agreement/signatures", json={"version": 2}).json()["signed_by_all"] is False
    r = ws.mentee.post(ws.url + "/agreement/signatures")
    assert r.status_code == 201 and r.json()["signed_by_all"] is True
    for role in ("mentor", "mentee"):
        assert "agreement_signed" in stages(ws, role)
    assert ws.coordinator.get(ws.url + "/agreement").json()["signed_by_all"] is True


def test_agreement_refusals_change_nothing(ws):
    problem(ws.coordinator.post(ws.url + "/agreement/signatures", json={}), 403)
    problem(ws.admin.post(ws.url + "/agreement/signatures", json={}), 403)
    problem(ws.stranger.post(ws.url + "/agreement/signatures", json={}), 404)
    problem(ws.coordinator.put(ws.url + "/agreement", json={"duration": "1 week", "version": 1}), 403)
    problem(ws.mentor.put(ws.url + "/agreement", json={"duration": 12, "version": 1}), 422, "duration")
    problem(ws.mentor.put(ws.url + "/agreement", json={"duration": "1 week"}), 422, "version")
    problem(ws.mentor.put(ws.url + "/agreement", json={"colour": "red", "version": 1}), 422, "colour")
    problem(ws.mentor.post(ws.url + "/agreement/signatures", json={"colour": "red"}), 422, "colour")
    a = ws.mentor.get(ws.url + "/agreement").json()
    assert a["version"] == 1 and not any(s["signed"] for s in a["signatures"])


# ---- goals and milestones ----

def test_goals_with_milestones_and_the_goals_set_stage(ws):
    problem(ws.mentee.post(ws.url + "/goals", json={}), 422, "statement")
    problem(ws.mentee.post(ws.url + "/goals", json={"statement": "   "}), 422, "statement")
    problem(ws.mentee.post(ws.url + "/goals", json={"statement": "x", "target_date": "next year"}), 422, "target_date")
    problem(ws.mentee.post(ws.url + "/goals", json={"statement": "x", "progress": 101}), 422, "progress")
    problem(ws.mentee.post(ws.url + "/goals", json={"statement": "x", "status": "done"}), 422, "status")
    assert ws.mentee.get(ws.url + "/goals").json()["total"] == 0
    assert "goals_set" not in stages(ws, "mentee")

    r = ws.mentee.post(ws.url + "/goals", json={
        "statement": "Give a talk at the engineering all-hands", "measure": "The talk is given and rated 4+",
        "why": "Visibility for a promotion case", "target_date": day(120)})
    assert r.status_code == 201, r.text
    goal = r.json()
    assert goal["status"] == "open" and goal["progress"] == 0 and goal["milestones"] == []
    for role in ("mentor", "mentee"):
        assert "goals_set" in stages(ws, role)
    g = ws.url + "/goals/%d" % goal["id"]

    r = ws.mentor.post(g + "/milestones", json={"title": "Draft the outline", "due_date": day(45)})
    assert r.status_code == 201, r.text
    ms = r.json()
    assert ms["done"] is False and ms["due_date"] == day(45)
    problem(ws.mentor.post(g + "/milestones", json={"due_date": day(45)}), 422, "title")
    problem(ws.mentor.post(ws.url + "/goals/999999/milestones", json={"title": "x"}), 404)
    r = ws.mentee.patch(g + "/milestones/%d" % ms["id"], json={"done": True})
    assert r.status_code == 200 and r.json()["done"] is True and r.json()["done_at"]
    problem(ws.mentee.patch(g + "/milestones/999999", json={"done": True}), 404)
    problem(ws.mentee.patch(g + "/milestones/%d" % ms["id"], json={"done": "yes"}), 422, "done")

    r = ws.mentee.patch(g, json={"progress": 50, "target_date": None})
    assert r.status_code == 200 and r.json()["progress"] == 50 and r.json()["target_date"] is None
    problem(ws.mentee.patch(g, json={"statement": ""}), 422, "statement")
    problem(ws.mentee.patch(ws.url + "/goals/999999", json={"progress": 1}), 404)
    problem(ws.coordinator.patch(g, json={"progress": 100}), 403)
    goals = ws.coordinator.get(ws.url + "/goals").json()
    assert goals["total"] == 1
    assert goals["items"][0]["progress"] == 50 and goals["items"][0]["milestones"][0]["done"] is True


# ---- meetings ----

def test_meeting_scheduled_held_with_recap_and_rating_makes_it_active(ws):
    m = ws.url + "/meetings"
    r = ws.mentor.post(m, json={"starts_at": day(-1) + "T09:30:00+01:00", "duration_minutes": 60,
                                "time_zone": "Europe/Paris", "mode": "video", "location": "https://meet.example/x",
                                "agenda": ["Introductions", "Goals"]})
    assert r.status_code == 201, r.text
    meeting = r.json()
    assert meeting["starts_at"] == day(-1) + "T08:30:00Z" and meeting["ends_at"] == day(-1) + "T09:30:00Z"
    assert meeting["status"] == "scheduled" and meeting["sequence"] == 0
    assert meeting["uid"].startswith("meeting-%d-" % meeting["id"]) and meeting["uid"].endswith("@tandem")
    assert meeting["agenda"] == ["Introductions", "Goals"]
    assert mail(ws, ws.mentee, "meeting_scheduled")
    one = m + "/%d" % meeting["id"]
    assert "active" not in stages(ws, "mentee")

    # Rating waits until it was held.
    problem(ws.mentee.patch(one, json={"rating": 5}), 409, "rating")
    r = ws.mentee.patch(one, json={"recap": {"discussed": "Where to start", "decisions": "Monthly talks",
                                             "next_steps": "Draft goals"},
                                   "attendance": {str(ws.parts["mentor"]): True, str(ws.parts["mentee"]): True}})
    assert r.status_code == 200, r.text
    held = r.json()
    assert held["status"] == "held" and held["recap"]["decisions"] == "Monthly talks"
    assert held["sequence"] == 1 and all(a["attended"] for a in held["attendance"])
    for role in ("mentor", "mentee"):
        assert "active" in stages(ws, role)

    r = ws.mentee.patch(one, json={"rating": 4})
    assert r.status_code == 200 and r.json()["my_rating"] == 4 and r.json()["sequence"] == 2
    assert ws.mentor.get(one).json()["my_rating"] is None      # each party's own
    assert ws.mentor.patch(one, json={"rating": 5}).json()["my_rating"] == 5
    assert ws.mentee.get(one).json()["my_rating"] == 4
    problem(ws.mentor.patch(one, json={"status": "cancelled"}), 409, "status")
    listed = ws.coordinator.get(m).json()
    assert listed["total"] == 1 and listed["items"][0]["status"] == "held"


def test_meetings_reschedule_and_cancel(ws):
    m = ws.url + "/meetings"
    meeting = ws.mentee.post(m, json={"starts_at": day(4) + "T10:00:00Z"}).json()
    assert meeting["duration_minutes"] == 45 and meeting["mode"] == "video"   # the program's defaults
    one = m + "/%d" % meeting["id"]
    r = ws.mentor.patch(one, json={"starts_at": day(5) + "T10:00:00Z", "mode": "phone"})
    assert r.status_code == 200 and r.json()["sequence"] == 1 and r.json()["uid"] == meeting["uid"]
    assert mail(ws, ws.mentee, "meeting_moved")
    r = ws.mentor.patch(one, json={"status": "cancelled"})
    assert r.json()["status"] == "cancelled" and r.json()["sequence"] == 2
    problem(ws.mentor.patch(one, json={"recap": {"discussed": "x"}}), 409, "status")
    assert ws.mentor.patch(one, json={"status": "scheduled"}).json()["status"] == "scheduled"
    assert ws.mentor.patch(one, json={}).json()["sequence"] == 3                # nothing asked, nothing bumped


def test_bad_meetings_change_nothing(ws):
    m = ws.url + "/meetings"
    cases = [
        ({"starts_at": day(3) + "T09:00:00Z", "duration_minutes": 0}, "duration_minutes"),
        ({"starts_at": day(3) + "T09:00:00Z", "duration_minutes": -30}, "duration_minutes"),
        ({"starts_at": day(3) + "T09:00:00Z", "mode": "telepathy"}, "mode"),
        ({"starts_at": day(3) + "T09:00:00Z", "time_zone": "Mars/Olympus"}, "time_zone"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"starts_at": day(3)}, "starts_at"),
        ({"starts_at": day(3) + "T09:00:00"}, "starts_at"),
        ({}, "starts_at"),
        ({"starts_at": day(3) + "T09:00:00Z", "agenda": "talk"}, "agenda"),
        ({"starts_at": day(3) + "T09:00:00Z", "agenda": [""]}, "agenda[0]"),
        ({"starts_at": day(3) + "T09:00:00Z", "colour": "red"}, "colour"),
    ]
    for body, field in cases:
        problem(ws.mentor.post(m, json=body), 422, field)
    assert ws.mentor.get(m).json()["total"] == 0
    meeting = ws.mentor.post(m, json={"starts_at": day(3) + "T09:00:00Z"}).json()
    one = m + "/%d" % meeting["id"]
    problem(ws.mentor.patch(one, json={"duration_minutes": 0}), 422, "duration_minutes")
    problem(ws.mentor.patch(one, json={"mode": "fax"}), 422, "mode")
    problem(ws.mentor.patch(one, json={"rating": 9}), 422, "rating")
    problem(ws.mentor.patch(one, json={"attendance": {"999999": True}}), 422, "attendance.999999")
    problem(ws.mentor.patch(one, json={"attendance": {str(ws.parts["mentee"]): "yes"}}),
            422, "attendance.%d" % ws.parts["mentee"])
    problem(ws.mentor.patch(m + "/999999", json={"mode": "phone"}), 404)
    problem(ws.mentor.get(m + "/999999"), 404)
    problem(ws.coordinator.patch(one, json={"mode": "phone"}), 403)
    after = ws.mentor.get(one).json()
    assert after["sequence"] == 0 and after["mode"] == meeting["mode"] and after["duration_minutes"] == 45


# ---- phases ----

def test_phase_checklist_and_moving_on(ws):
    p = ws.mentee.get(ws.url + "/phase").json()
    assert p["index"] == 0 and p["name"] == "Getting started" and p["count"] == 3
    assert [k["text"] for k in p["key_actions"]] == ["Meet once", "Share expectations"]
    assert p["resources"] == ["Orientation guide"] and p["exit_criteria"] == ["Both parties have met once"]
    assert p["timeframe_days"] == 14 and p["criteria_met"] is False and p["history"] == []
    assert p["due_at"] > p["started_at"]

    r = ws.mentee.post(ws.url + "/phase/checks", json={"phase": 0, "item": 0, "done": True})
    assert r.status_code == 200, r.text
    item = r.json()["key_actions"][0]
    assert item["done"] is True and item["done_by"]["person_id"] == ws.mentee.person["id"] and item["done_at"]
    # Unmet: the refusal names what is missing.
    body = problem(ws.mentor.post(ws.url + "/phase/advance", json={"override": False}), 409)
    assert "Share expectations" in body["detail"]
    problem(ws.mentor.post(ws.url + "/phase/advance", json={"override": True}), 403, "override")
    problem(ws.mentor.post(ws.url + "/phase/checks", json={"phase": 0, "item": 7, "done": True}), 422, "item")
    problem(ws.mentor.post(ws.url + "/phase/checks", json={"phase": 5, "item": 0}), 422, "phase")
    problem(ws.mentor.post(ws.url + "/phase/checks", json={"phase": 1, "item": 0}), 409, "phase")
    problem(ws.coordinator.post(ws.url + "/phase/checks", json={"item": 1}), 403)
    assert ws.mentee.get(ws.url + "/phase").json()["index"] == 0

    # Untick and tick again: either member.
    ws.mentor.post(ws.url + "/phase/checks", json={"item": 0, "done": False})
    assert ws.mentor.get(ws.url + "/phase").json()["key_actions"][0]["done"] is False
    ws.mentor.post(ws.url + "/phase/checks", json={"item": 0, "done": True})
    ws.mentor.post(ws.url + "/phase/checks", json={"item": 1, "done": True})
    r = ws.mentee.post(ws.url + "/phase/advance", json={"override": False})
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["index"] == 1 and p["name"] == "Growing" and p["criteria_met"] is False
    assert p["history"][0]["from"] == 0 and p["history"][0]["to"] == 1 and p["history"][0]["override"] is False
    assert p["history"][0]["moved_by"]["person_id"] == ws.mentee.person["id"]
    assert ws.mentee.get(ws.url).json()["phase"] == 1

    # The coordinator overrides; nothing moves past the last phase.
    problem(ws.coordinator.post(ws.url + "/phase/advance", json={}), 409)
    r = ws.coordinator.post(ws.url + "/phase/advance", json={"override": True})
    assert r.status_code == 200 and r.json()["index"] == 2 and r.json()["is_last"] is True
    assert r.json()["history"][1]["override"] is True
    problem(ws.coordinator.post(ws.url + "/phase/advance", json={"override": True}), 409)
    problem(ws.stranger.post(ws.url + "/phase/advance", json={"override": True}), 404)
    assert ws.mentor.get(ws.url + "/phase").json()["index"] == 2


# ---- notes ----

def test_a_private_note_is_its_authors_alone(ws):
    n = ws.url + "/notes"
    mine = ws.mentee.post(n, json={"body": "I am nervous about the talk", "visibility": "private"}).json()
    shared = ws.mentee.post(n, json={"body": "Reading list: ...", "visibility": "shared"}).json()
    assert mine["visibility"] == "private" and mine["mine"] is True
    assert ws.mentor.post(n, json={"body": "Default is private"}).json()["visibility"] == "private"

    assert {x["id"] for x in ws.mentee.get(n).json()["items"]} >= {mine["id"], shared["id"]}
    for other in (ws.mentor, ws.coordinator, ws.admin):
        ids = [x["id"] for x in other.get(n).json()["items"]]
        assert mine["id"] not in ids and shared["id"] in ids
        assert other.get(n).json()["total"] == len(ids)
        problem(other.get(n + "/%d" % mine["id"]), 404)
        problem(other.patch(n + "/%d" % mine["id"], json={"body": "changed"}), 404)
        problem(other.delete(n + "/%d" % mine["id"]), 404)
        assert other.get(n + "/%d" % shared["id"]).status_code == 200
        problem(other.patch(n + "/%d" % shared["id"], json={"body": "changed"}), 403)
    problem(ws.stranger.get(n + "/%d" % shared["id"]), 404)
    assert ws.mentee.get(n + "/%d" % mine["id"]).json()["body"] == "I am nervous about the talk"

    r = ws.mentee.patch(n + "/%d" % mine["id"], json={"body": "Less nervous now"})
    assert r.status_code == 200 and r.json()["body"] == "Less nervous now"
    problem(ws.mentee.patch(n + "/%d" % mine["id"], json={"visibility": "public"}), 422, "visibility")
    problem(ws.mentee.post(n, json={"body": ""}), 422, "body")
    assert ws.mentee.delete(n + "/%d" % mine["id"]).status_code == 204
    problem(ws.mentee.get(n + "/%d" % mine["id"]), 404)
    problem(ws.mentee.get(n + "/999999"), 404)


# ---- messages ----

def test_messages_are_paged_oldest_first_and_mailed(ws):
    m = ws.url + "/messages"
    sent = []
    for i in range(5):
        who = ws.mentor if i % 2 == 0 else ws.mentee
        r = who.post(m, json={"body": "message %d" % i})
        assert r.status_code == 201, r.text
        sent.append(r.json()["id"])
    assert len(mail(ws, ws.mentee, "message")) == 3 and len(mail(ws, ws.mentor, "message")) == 2
    page = ws.mentee.get(m, params={"limit": 2}).json()
    assert [x["body"] for x in page["items"]] == ["message 0", "message 1"] and page["has_more"] is True
    page = ws.coordinator.get(m, params={"after": page["next_after"], "limit": 10}).json()
    assert [x["id"] for x in page["items"]] == sent[2:] and page["has_more"] is False
    assert page["items"][0]["author"]["role"] == "mentor"
    assert ws.mentee.get(m, params={"after": sent[-1]}).json()["items"] == []
    problem(ws.mentor.post(m, json={"body": "  "}), 422, "body")
    problem(ws.mentor.post(m, json={"text": "hi"}), 422, "text")
    problem(ws.coordinator.post(m, json={"body": "hi"}), 403)
    problem(ws.mentor.get(m, params={"after": "x"}), 400, "after")


# ---- reflections ----

def test_reflections_one_per_member(ws):
    f = ws.url + "/reflections"
    problem(ws.mentee.post(f, json={"next_steps": "x"}), 422, "learned")
    r = ws.mentee.post(f, json={"learned": "Ask for feedback early", "next_steps": "Mentor someone"})
    assert r.status_code == 201, r.text
    assert r.json()["complete"] is False
    r = ws.mentee.post(f, json={"learned": "Ask for feedback early and often"})
    assert r.status_code == 200
    mine = [x for x in r.json()["items"] if x["mine"]][0]["reflection"]
    assert mine["learned"] == "Ask for feedback early and often" and mine["next_steps"] == ""
    ws.mentor.post(f, json={"learned": "Listening beats advising", "program_feedback": "More training"})
    got = ws.coordinator.get(f).json()
    assert got["complete"] is True and len(got["items"]) == 2
    problem(ws.coordinator.post(f, json={"learned": "x"}), 403)


def test_a_closed_relationship_is_read_only(ws):
    r = ws.mentor.patch(ws.url, json={**versioned(ws.mentor, ws.url), "action": "close", "reflection": {"learned": "Much"}})
    assert r.status_code == 200, r.text
    r = ws.mentee.patch(ws.url, json={**versioned(ws.mentee, ws.url), "action": "close", "reflection": {"learned": "Lots"}})
    assert r.json()["status"] == "completed", r.text  # both parties close it
    problem(ws.mentee.post(ws.url + "/goals", json={"statement": "Too late"}), 409)
    problem(ws.mentee.post(ws.url + "/messages", json={"body": "Too late"}), 409)
    problem(ws.mentee.post(ws.url + "/agreement/signatures", json={}), 409)
    assert ws.mentee.get(ws.url + "/reflections").json()["items"][0]["reflection"]["learned"] == "Much"
