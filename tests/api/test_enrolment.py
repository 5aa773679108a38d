"""Enrolment: applying, invitations, review, profiles, training, the
funnel, mentor cards, and who may do what (product.md §2-4, §9)."""
import re

import pytest
from conftest import PASSWORD, Client, problem

PROGRAM = {
    "name": "Enrolment scenario",
    "selection": {"access": "approval", "questions": [
        {"id": "motivation", "role": "both", "type": "long_text", "label": "Why?", "required": True},
        {"id": "track", "role": "mentee", "type": "single_choice", "label": "Track",
         "required": True, "options": ["tech", "people"]},
        {"id": "hours", "role": "mentor", "type": "number", "label": "Hours a month"},
        {"id": "confidence", "role": "both", "type": "scale", "label": "Confidence 1-5"}]},
    "matching": {"criteria": [
        {"name": "skills", "kind": "overlap", "mentee_field": "development_needs",
         "mentor_field": "expertise", "weight": 2},
        {"name": "language", "kind": "shared", "field": "languages", "weight": 1, "required": True}]},
    "training": {"required_before_matching": True, "modules": [
        {"id": "orientation", "role": "both", "title": "Orientation",
         "content_md": "# Welcome\n\n<script>alert(1)</script> Be *kind*.",
         "questions": [{"id": "ready", "type": "scale", "label": "Ready?", "required": True}]},
        {"id": "mentoring101", "role": "mentor", "title": "Mentoring 101", "content_md": "Listen."}]},
}


@pytest.fixture
def program(admin):
    r = admin.post("/api/v1/programs", json=PROGRAM)
    assert r.status_code == 201, r.text
    return r.json()


def url(program, rest=""):
    return "/api/v1/programs/%d%s" % (program["id"], rest)


def funnel(client, program, role=None):
    r = client.get(url(program, "/reports/funnel"), params={"role": role} if role else None)
    assert r.status_code == 200, r.text
    return {s["stage"]: s["count"] for s in r.json()["stages"] + r.json()["exits"]}


def test_a_mentee_applies_is_approved_trains_and_the_funnel_shows_it(admin, make_person, program):
    mentee = make_person()
    r = mentee.post(url(program, "/participants"), json={
        "role": "mentee", "answers": {"motivation": "To grow", "track": "tech", "confidence": 3},
        "profile": {"development_needs": ["sql"], "languages": ["English"], "time_zone": "Europe/Lisbon"}})
    assert r.status_code == 201, r.text
    part = r.json()
    assert part["status"] == "applied" and part["wants"] == 1
    assert part["completeness"] == 1.0 and set(part["asked_fields"]) == {"development_needs", "languages"}
    assert set(part["stages"]) == {"applied"}
    # Training waits for approval.
    problem(mentee.post(url(program, "/training/orientation/completion"), json={"answers": {"ready": 5}}), 409)
    r = admin.patch(url(program, "/participants/%d" % part["id"]), json={"status": "approved"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    modules = mentee.get(url(program, "/training")).json()["modules"]
    assert [m["id"] for m in modules] == ["orientation"]  # the mentor module is not theirs
    assert "<script>" not in modules[0]["content_html"] and "&lt;script&gt;" in modules[0]["content_html"]
    assert "<h1>Welcome</h1>" in modules[0]["content_html"] and modules[0]["completed_at"] is None
    problem(mentee.post(url(program, "/training/orientation/completion"), json={"answers": {}}), 422,
            "answers.ready")
    problem(mentee.post(url(program, "/training/mentoring101/completion"), json={}), 403)
    problem(mentee.post(url(program, "/training/nope/completion"), json={}), 404)
    done = mentee.post(url(program, "/training/orientation/completion"), json={"answers": {"ready": 5}})
    assert done.status_code == 201 and done.json()["trained"] is True
    me = mentee.get(url(program, "/participants/%d" % part["id"])).json()
    assert me["status"] == "trained" and me["training_completed"] == ["orientation"]
    assert set(me["stages"]) == {"applied", "approved", "trained"}
    counts = funnel(admin, program)
    assert counts["applied"] == 1 and counts["approved"] == 1 and counts["trained"] == 1
    csv = admin.get(url(program, "/reports/funnel"), headers={"Accept": "text/csv"})
    assert csv.headers["Content-Type"].startswith("text/csv")
    lines = csv.text.strip().split("\r\n")
    assert lines[0] == "stage,count,conversion_from_previous,conversion_from_first"
    assert "trained,1,1.0000," in csv.text


def test_a_mentor_needs_every_module_of_their_role(admin, make_person, program):
    mentor = make_person()
    part = mentor.post(url(program, "/participants"), json={
        "role": "mentor", "answers": {"motivation": "Give back", "hours": 4},
        "profile": {"expertise": ["sql"]}}).json()
    assert part["capacity"] == 2 and part["completeness"] == 0.5
    admin.patch(url(program, "/participants/%d" % part["id"]), json={"status": "approved"})
    r = mentor.post(url(program, "/training/orientation/completion"), json={"answers": {"ready": 4}})
    assert r.json()["trained"] is False
    r = mentor.post(url(program, "/training/mentoring101/completion"), json={})
    assert r.json()["trained"] is True


def test_applications_are_checked_and_change_nothing(admin, make_person, program):
    p = make_person()
    cases = [
        ({"role": "king"}, "role"),
        ({"role": "mentee", "answers": {"track": "tech"}}, "answers.motivation"),
        ({"role": "mentee", "answers": {"motivation": "x", "track": "art"}}, "answers.track"),
        ({"role": "mentee", "answers": {"motivation": "x", "track": "tech", "confidence": 9}}, "answers.confidence"),
        ({"role": "mentee", "answers": {"motivation": "x", "track": "tech", "hours": 3}}, "answers.hours"),
        ({"role": "mentee", "answers": {"motivation": "x", "track": "tech"}, "profile": {"time_zone": "Mars/Base"}},
         "profile.time_zone"),
        ({"role": "mentee", "answers": {"motivation": "x", "track": "tech"}, "profile": {"shoe": 42}}, "profile.shoe"),
        ({"role": "mentee", "answers": {"motivation": "x", "track": "tech"}, "profile": {"languages": "English"}},
         "profile.languages"),
        ({"role": "mentee", "answers": {"motivation": "x", "track": "tech"}, "wants": 5}, "wants"),
        ({"role": "mentee", "colour": "red"}, "colour"),
    ]
    for body, field in cases:
        problem(p.post(url(program, "/participants"), json=body), 422, field)
    assert admin.get(url(program, "/participants")).json()["total"] == 1  # the coordinator alone


def test_both_roles_in_one_program_but_not_twice_the_same(admin, make_person, program):
    p = make_person()
    answers = {"motivation": "x", "track": "tech"}
    assert p.post(url(program, "/participants"), json={"role": "mentee", "answers": answers}).status_code == 201
    assert p.post(url(program, "/participants"), json={"role": "mentor", "answers": {"motivation": "y"}}).status_code == 201
    problem(p.post(url(program, "/participants"), json={"role": "mentee", "answers": answers}), 409, "role")
    roles = sorted(x["role"] for x in p.get("/api/v1/me").json()["participations"])
    assert roles == ["mentee", "mentor"]


def test_review_decline_needs_a_reason_and_bulk_is_all_or_nothing(admin, make_person, program):
    ids = []
    for _ in range(3):
        p = make_person()
        ids.append(p.post(url(program, "/participants"), json={
            "role": "mentee", "answers": {"motivation": "x", "track": "people"}}).json()["id"])
    problem(admin.patch(url(program, "/participants/%d" % ids[0]), json={"status": "declined"}), 422, "decline_reason")
    r = admin.patch(url(program, "/participants/%d" % ids[0]),
                    json={"status": "declined", "decline_reason": "The program is full this round"})
    assert r.json()["status"] == "declined"
    mail = admin.get("/api/v1/outbox", params={"to": r.json()["person"]["email"]}).json()["items"]
    assert mail[0]["kind"] == "declined" and "full this round" in mail[0]["body"]
    # ids[0] is declined, so declining it again fails and nothing else changes.
    problem(admin.post(url(program, "/participants/bulk"),
                       json={"action": "decline", "ids": [ids[1], ids[0]], "decline_reason": "x"}), 409, "ids[1]")
    assert admin.get(url(program, "/participants/%d" % ids[1])).json()["status"] == "applied"
    problem(admin.post(url(program, "/participants/bulk"), json={"action": "approve", "ids": [ids[1], 999999]}),
            422, "ids[1]")
    r = admin.post(url(program, "/participants/bulk"), json={"action": "approve", "ids": [ids[1], ids[2]]})
    assert r.status_code == 200 and r.json()["count"] == 2
    listed = admin.get(url(program, "/participants"), params={"status": "approved", "role": "mentee"}).json()
    assert sorted(i["id"] for i in listed["items"]) == sorted(ids[1:])


def test_invitations_are_single_use_and_mailed(admin, base, program, mailbox):
    r = admin.post(url(program, "/participants"), json={"email": "Invitee@Example.org", "name": "Ina Vitee",
                                                        "role": "mentor"})
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "invited" and r.json()["capacity"] == 2
    problem(admin.post(url(program, "/participants"), json={"email": "invitee@example.org", "role": "mentor"}),
            409, "email")
    mail = admin.get("/api/v1/outbox", params={"to": "invitee@example.org"}).json()["items"]
    assert len(mail) == 1 and mail[0]["kind"] == "invitation"
    # The outbox shows the link redacted; the link itself is in the mail received.
    assert "/invite/\u2026" in mail[0]["body"]
    received = mailbox.wait_for(to="invitee@example.org")
    token = re.search(r"/invite/([A-Za-z0-9_-]+)", received.text).group(1)
    assert token not in str(admin.get("/api/v1/outbox").json())
    c = Client(base)
    problem(c.post("/api/v1/invitations/accept", json={"token": token, "password": "short"}), 422, "password")
    problem(c.post("/api/v1/invitations/accept", json={"token": "nope", "password": PASSWORD}), 404, "token")
    r = c.post("/api/v1/invitations/accept", json={"token": token, "password": PASSWORD})
    assert r.status_code == 200, r.text
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    me = c.get("/api/v1/me").json()
    assert me["email"] == "invitee@example.org"
    assert [(p["role"], p["status"]) for p in me["participations"]] == [("mentor", "invited")]
    problem(Client(base).post("/api/v1/invitations/accept", json={"token": token, "password": PASSWORD}), 404)
    # The invited person applies; the same participation moves on.
    r = c.post(url(program, "/participants"), json={"role": "mentor", "answers": {"motivation": "Asked to"}})
    assert r.status_code == 201 and r.json()["status"] == "applied"
    assert set(r.json()["stages"]) == {"invited", "applied"}
    assert Client(base).sign_in("invitee@example.org", PASSWORD).person["name"] == "Ina Vitee"


def test_withdrawal_and_profile_edits(admin, make_person, program):
    p = make_person()
    part = p.post(url(program, "/participants"), json={"role": "mentee", "answers": {"motivation": "x", "track": "tech"}}).json()
    r = p.patch(url(program, "/participants/%d" % part["id"]), json={"profile": {"development_needs": ["a"]}})
    assert r.status_code == 200 and r.json()["profile"] == {"development_needs": ["a"]}
    assert r.json()["completeness"] == 0.5
    problem(p.patch(url(program, "/participants/%d" % part["id"]), json={"status": "approved"}), 403, "status")
    problem(p.patch(url(program, "/participants/%d" % part["id"]), json={"profile": {"utc_offset": 99}}),
            422, "profile.utc_offset")
    assert p.patch(url(program, "/participants/%d" % part["id"]), json={"status": "withdrawn"}).json()["status"] == "withdrawn"
    problem(p.patch(url(program, "/participants/%d" % part["id"]), json={"status": "withdrawn"}), 409, "status")
    assert funnel(admin, program)["withdrawn"] == 1


def test_permissions_for_each_role(admin, make_person, program):
    mentee, mentor, viewer, stranger = make_person(), make_person(), make_person(), make_person()
    mp = mentee.post(url(program, "/participants"), json={"role": "mentee", "answers": {"motivation": "x", "track": "tech"}}).json()
    rp = mentor.post(url(program, "/participants"), json={"role": "mentor", "answers": {"motivation": "x"},
                                                           "profile": {"expertise": ["sql"], "bio": "Hi"}}).json()
    admin.post(url(program, "/participants/bulk"), json={"action": "approve", "ids": [mp["id"], rp["id"]]})
    admin.post(url(program, "/participants"), json={"email": viewer.person["email"], "role": "viewer", "invite": False})
    # The participant table: coordinators only.
    assert admin.get(url(program, "/participants")).status_code == 200
    problem(mentee.get(url(program, "/participants")), 403)
    problem(mentor.get(url(program, "/participants")), 403)
    problem(viewer.get(url(program, "/participants")), 403)
    problem(stranger.get(url(program, "/participants")), 404)
    # One participation: its owner and coordinators; others see nothing.
    assert mentee.get(url(program, "/participants/%d" % mp["id"])).status_code == 200
    problem(mentor.get(url(program, "/participants/%d" % mp["id"])), 404)
    problem(viewer.get(url(program, "/participants/%d" % mp["id"])), 404)
    problem(stranger.get(url(program, "/participants/%d" % mp["id"])), 404)
    problem(mentor.patch(url(program, "/participants/%d" % mp["id"]), json={"profile": {}}), 404)
    # A participation id of another program is not found under this one.
    other = admin.post("/api/v1/programs", json={"name": "Other"}).json()
    problem(admin.get("/api/v1/programs/%d/participants/%d" % (other["id"], mp["id"])), 404)
    # Reports: coordinators and viewers (aggregates), not mentors or mentees.
    assert viewer.get(url(program, "/reports/funnel")).status_code == 200
    problem(mentee.get(url(program, "/reports/funnel")), 403)
    problem(mentor.get(url(program, "/reports/funnel")), 403)
    problem(stranger.get(url(program, "/reports/funnel")), 404)
    problem(admin.get(url(program, "/reports/nonsense")), 404)
    # Mentor cards: mentees and coordinators; only the public fields.
    cards = mentee.get(url(program, "/mentors")).json()["items"]
    assert [c["name"] for c in cards] == [mentor.person["name"]]
    assert cards[0]["expertise"] == ["sql"] and cards[0]["bio"] == "Hi" and "email" not in cards[0]
    problem(mentor.get(url(program, "/mentors")), 403)
    problem(stranger.get(url(program, "/mentors")), 404)
    # Adding people: coordinators only.
    problem(mentee.post(url(program, "/participants"), json={"email": "x@example.org", "role": "mentee"}), 403)
    # The outbox: admins only.
    problem(mentee.get("/api/v1/outbox"), 404)


def test_participant_table_filters_sorts_and_pages(admin, make_person, program):
    names = ["Zed Last", "Amy First", "Mia Middle"]
    for n in names:
        p = make_person(name=n)
        p.post(url(program, "/participants"), json={"role": "mentee", "answers": {"motivation": "x", "track": "tech"}})
    rows = admin.get(url(program, "/participants"), params={"role": "mentee", "sort": "name"}).json()["items"]
    assert [r["name"] for r in rows] == sorted(names)
    rows = admin.get(url(program, "/participants"), params={"role": "mentee", "sort": "-name", "limit": 2}).json()
    assert [r["name"] for r in rows["items"]] == ["Zed Last", "Mia Middle"] and rows["total"] == 3
    rows = admin.get(url(program, "/participants"), params={"q": "amy"}).json()["items"]
    assert [r["name"] for r in rows] == ["Amy First"]
    problem(admin.get(url(program, "/participants"), params={"sort": "shoe"}), 400, "sort")
    problem(admin.get(url(program, "/participants"), params={"status": "sleeping"}), 400, "status")
    problem(admin.get(url(program, "/participants"), params={"role": "king"}), 400, "role")


def test_open_and_invite_only_programs(admin, make_person):
    open_p = admin.post("/api/v1/programs", json={"name": "Open", "selection": {"access": "open"}}).json()
    p = make_person()
    r = p.post(url(open_p, "/participants"), json={"role": "mentee", "answers": {"motivation": "x"}})
    assert r.json()["status"] == "trained"  # open: approved at once; no training configured
    closed = admin.post("/api/v1/programs", json={"name": "Closed", "selection": {"access": "invite_only"}}).json()
    problem(p.post(url(closed, "/participants"), json={"role": "mentee", "answers": {"motivation": "x"}}), 404)


def test_programs_taking_applications_can_be_found_and_read(admin, make_person):
    open_p = admin.post("/api/v1/programs", json={"name": "Joinable", "status": "enrolling",
                                                  "selection": {"access": "approval"}}).json()
    hidden = admin.post("/api/v1/programs", json={"name": "Invite only", "status": "enrolling",
                                                  "selection": {"access": "invite_only"}}).json()
    p = make_person()
    assert p.get("/api/v1/programs/%d" % open_p["id"]).json()["my_roles"] == []
    problem(p.get("/api/v1/programs/%d" % hidden["id"]), 404)
    problem(p.patch("/api/v1/programs/%d" % open_p["id"], json={"name": "x"}), 403)
    joinable = [x["id"] for x in p.get("/api/v1/programs", params={"joinable": "true"}).json()["items"]]
    assert open_p["id"] in joinable and hidden["id"] not in joinable
    assert open_p["id"] not in [x["id"] for x in p.get("/api/v1/programs").json()["items"]]
    p.post("/api/v1/programs/%d/participants" % open_p["id"], json={"role": "mentee", "answers": {"motivation": "x"}})
    assert open_p["id"] not in [x["id"] for x in p.get("/api/v1/programs", params={"joinable": "true"}).json()["items"]]
    problem(p.get("/api/v1/programs", params={"joinable": "maybe"}), 400, "joinable")


def test_funnel_counts_each_stage_as_defined(admin, make_person, program):
    # Someone applies without an invitation; another is added and approved
    # without applying: each counts at the stages they reached, no other.
    a = make_person()
    a.post(url(program, "/participants"), json={"role": "mentee", "answers": {"motivation": "x", "track": "tech"}})
    r = admin.post(url(program, "/participants"), json={"email": "direct@example.org", "name": "Direct", "role": "mentee"})
    admin.patch(url(program, "/participants/%d" % r.json()["id"]), json={"status": "approved"})
    counts = funnel(admin, program)
    assert counts["invited"] == 1 and counts["applied"] == 1 and counts["approved"] == 1
    report = admin.get(url(program, "/reports/funnel")).json()
    stages = {s["stage"]: s for s in report["stages"]}
    assert report["everyone"] == 2
    # Nobody invited applied; the one approved was not among those who applied.
    assert stages["applied"]["conversion_from_previous"] == 0
    assert stages["approved"]["conversion_from_previous"] == 0
    assert stages["approved"]["conversion_from_first"] == 0.5
    assert all(s["conversion_from_previous"] is None or 0 <= s["conversion_from_previous"] <= 1
               for s in report["stages"])
    rows = admin.get(url(program, "/participants"), params={"sort": "status"}).json()["items"]
    order = [r["status"] for r in rows]
    assert order.index("applied") < order.index("approved")
