"""Self-matching: recommendations, requests that cascade through up to
three choices, the mentor's answer, expiry, and capacity under races."""
import concurrent.futures

import pytest
from conftest import problem


@pytest.fixture
def program(admin):
    return admin.post("/api/v1/programs", json={"status": "enrolling",
        "name": "Self-matching", "selection": {"access": "open", "questions": []},
        "training": {"required_before_matching": False, "modules": []},
        "matching": {"mode": "self", "request_expiry_days": 3, "criteria": [
            {"name": "skills", "kind": "overlap", "mentee_field": "development_needs",
             "mentor_field": "expertise", "weight": 1}]}}).json()


def join(person, program, role, profile, **extra):
    r = person.post("/api/v1/programs/%d/participants" % program["id"], json={"role": role, "profile": profile, **extra})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def url(program, rest):
    return "/api/v1/programs/%d%s" % (program["id"], rest)


def test_recommend_request_cascade_accept(admin, make_person, program):
    m1, m2, m3, e = make_person(name="Best Match"), make_person(name="Good Match"), make_person(name="No Match"), make_person()
    a = join(m1, program, "mentor", {"expertise": ["sql", "go"], "bio": "Databases"})
    b = join(m2, program, "mentor", {"expertise": ["sql"]})
    c = join(m3, program, "mentor", {"expertise": ["art"]})
    me = join(e, program, "mentee", {"development_needs": ["sql", "go"]})
    rec = e.get(url(program, "/recommendations")).json()
    assert [x["mentor"] for x in rec["items"]][:2] == [a, b]
    assert rec["items"][0]["score"] == 1.0 and rec["items"][0]["card"]["bio"] == "Databases"
    assert rec["items"][0]["explain"] == {"skills": 1.0}
    assert c in [x["mentor"] for x in rec["items"]]  # scores 0 but allowed
    r = e.post(url(program, "/requests"), json={"mentors": [a, b], "message": "I want to learn sql"})
    assert r.status_code == 201, r.text
    req = r.json()
    assert req["status"] == "pending" and req["mentor"] == a
    problem(e.post(url(program, "/requests"), json={"mentors": [b]}), 409, "mentors")  # one pending at a time
    inbox = m1.get(url(program, "/requests")).json()["items"]
    assert [x["id"] for x in inbox] == [req["id"]] and inbox[0]["mentee_name"]
    assert m2.get(url(program, "/requests")).json()["items"] == []
    problem(m2.patch("/api/v1/requests/%d" % req["id"], json={"action": "accept"}), 404)  # not asked (yet)
    problem(make_person().patch("/api/v1/requests/%d" % req["id"], json={"action": "accept"}), 404)
    r = m1.patch("/api/v1/requests/%d" % req["id"], json={"action": "decline", "message": "Full this term"})
    assert r.json()["status"] == "pending" and r.json()["mentor"] == b and r.json()["history"][0]["outcome"] == "Full this term"
    r = m2.patch("/api/v1/requests/%d" % req["id"], json={"action": "accept", "message": "Happy to!"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "accepted" and r.json()["relationship_id"]
    rel = e.get("/api/v1/relationships/%d" % r.json()["relationship_id"]).json()
    assert {m["participation_id"] for m in rel["members"]} == {me, b}
    problem(m2.patch("/api/v1/requests/%d" % req["id"], json={"action": "accept"}), 409)


def test_requests_are_checked(admin, make_person, program):
    m, e = make_person(), make_person()
    mentor = join(m, program, "mentor", {"expertise": ["sql"]}, capacity=1)
    join(e, program, "mentee", {"development_needs": ["sql"]})
    problem(e.post(url(program, "/requests"), json={"mentors": []}), 422, "mentors")
    problem(e.post(url(program, "/requests"), json={"mentors": [1, 2, 3, 4]}), 422, "mentors")
    problem(e.post(url(program, "/requests"), json={"mentors": [mentor, mentor]}), 422, "mentors[1]")
    problem(e.post(url(program, "/requests"), json={"mentors": [999999]}), 422, "mentors[0]")
    problem(m.post(url(program, "/requests"), json={"mentors": [mentor]}), 403)
    problem(m.get(url(program, "/recommendations")), 403)
    # A mentor at capacity cannot be asked.
    other = make_person()
    oid = join(other, program, "mentee", {"development_needs": ["sql"]})
    admin.post(url(program, "/relationships"), json={"mentor": mentor, "mentees": [oid]})
    problem(e.post(url(program, "/requests"), json={"mentors": [mentor]}), 409, "mentors[0]")


def test_withdraw_and_expiry(admin, make_person, program, server):
    m1, m2, e = make_person(), make_person(), make_person()
    a = join(m1, program, "mentor", {"expertise": ["sql"]})
    b = join(m2, program, "mentor", {"expertise": ["sql"]})
    join(e, program, "mentee", {"development_needs": ["sql"]})
    req = e.post(url(program, "/requests"), json={"mentors": [a, b]}).json()
    problem(m1.patch("/api/v1/requests/%d" % req["id"], json={"action": "withdraw"}), 403)
    # Time passes: the first mentor's days run out.
    sql = "UPDATE mentoring_requests SET expires_at = expires_at - 4 * 86400 WHERE id = %d" % req["id"]
    server.sql(sql)
    problem(m1.patch("/api/v1/requests/%d" % req["id"], json={"action": "accept"}), 409, "action")
    server.run("jobs", "--db", server.db, "--once")  # expiry is a job, not a side effect of a GET
    moved = e.get(url(program, "/requests")).json()["items"][0]
    assert moved["mentor"] == b and moved["history"][0]["outcome"] == "expired"
    r = e.patch("/api/v1/requests/%d" % req["id"], json={"action": "withdraw"})
    assert r.json()["status"] == "withdrawn"
    problem(m2.patch("/api/v1/requests/%d" % req["id"], json={"action": "accept"}), 409)


def test_admin_mode_programs_have_no_self_matching(admin, make_person):
    p = admin.post("/api/v1/programs", json={"status": "enrolling", "name": "Admin only", "selection": {"access": "open", "questions": []},
                                             "training": {"modules": []}, "matching": {"mode": "admin"}}).json()
    e = make_person()
    join(e, p, "mentee", {})
    problem(e.get(url(p, "/recommendations")), 403)
    problem(e.post(url(p, "/requests"), json={"mentors": [1]}), 403)


def test_parallel_accepts_never_exceed_capacity(admin, make_person, program):
    m = make_person()
    mentor = join(m, program, "mentor", {"expertise": ["sql"]}, capacity=2)
    reqs = []
    for _ in range(6):
        e = make_person()
        join(e, program, "mentee", {"development_needs": ["sql"]})
        reqs.append(e.post(url(program, "/requests"), json={"mentors": [mentor]}).json()["id"])
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        codes = list(pool.map(lambda rid: m.patch("/api/v1/requests/%d" % rid, json={"action": "accept"}).status_code, reqs))
    assert codes.count(200) == 2 and codes.count(409) == 4, codes
    rels = admin.get(url(program, "/relationships")).json()["items"]
    assert len(rels) == 2


def test_a_mentor_keeps_the_requests_they_answered(admin, make_person, program):
    m1, m2, m3, e = make_person(), make_person(), make_person(), make_person()
    a = join(m1, program, "mentor", {"expertise": ["sql"]})
    b = join(m2, program, "mentor", {"expertise": ["sql"]})
    c = join(m3, program, "mentor", {"expertise": ["sql"]})
    join(e, program, "mentee", {"development_needs": ["sql"]})
    req = e.post(url(program, "/requests"), json={"mentors": [a, b, c]}).json()
    assert m2.get(url(program, "/requests")).json()["items"] == []  # not asked yet
    m1.patch("/api/v1/requests/%d" % req["id"], json={"action": "decline"})
    assert [r["id"] for r in m1.get(url(program, "/requests")).json()["items"]] == [req["id"]]
    assert [r["id"] for r in m2.get(url(program, "/requests")).json()["items"]] == [req["id"]]
    assert m3.get(url(program, "/requests")).json()["items"] == []
    mine = e.get(url(program, "/requests")).json()["items"][0]
    assert mine["choice_names"] == [m1.person["name"], m2.person["name"], m3.person["name"]]


def test_what_a_mentee_is_missing_is_named(admin, make_person):
    """Issue 9 item 5: a required criterion on a field the mentee left empty
    excludes every mentor; the reply names the field, not "no free place"."""
    p = admin.post("/api/v1/programs", json={"status": "enrolling",
        "name": "Languages required", "selection": {"access": "open", "questions": []},
        "training": {"required_before_matching": False, "modules": []},
        "matching": {"mode": "self", "criteria": [
            {"name": "language", "kind": "shared", "field": "languages", "weight": 1, "required": True},
            {"name": "skills", "kind": "overlap", "mentee_field": "development_needs",
             "mentor_field": "expertise", "weight": 1}]}}).json()
    join(make_person(), p, "mentor", {"expertise": ["sql"], "languages": ["English"]}, capacity=2)
    e = make_person()
    me = join(e, p, "mentee", {"development_needs": ["sql"]})
    rec = e.get(url(p, "/recommendations")).json()
    assert rec["items"] == [] and rec["not_allowed"] == 1
    assert rec["missing_fields"] == ["languages"]
    r = e.patch(url(p, "/participants/%d" % me), json={"profile": {"development_needs": ["sql"], "languages": ["English"]}})
    assert r.status_code == 200, r.text
    rec = e.get(url(p, "/recommendations")).json()
    assert len(rec["items"]) == 1 and rec["not_allowed"] == 0 and rec["missing_fields"] == []


def test_why_a_mentee_cannot_ask_yet(admin, make_person):
    """Issue 9 item 13: a matched mentee is told they have their mentor,
    not to get approved and trained; one not trained is told to train."""
    p = admin.post("/api/v1/programs", json={"status": "enrolling",
        "name": "Ask when ready", "selection": {"access": "open", "questions": []},
        "training": {"required_before_matching": True, "modules": [
            {"id": "orientation", "role": "both", "title": "Orientation", "content_md": "Hi", "questions": []}]},
        "matching": {"mode": "self", "criteria": [
            {"name": "skills", "kind": "overlap", "mentee_field": "development_needs", "mentor_field": "expertise", "weight": 1}]}}).json()
    m, e = make_person(), make_person()
    mentor = join(m, p, "mentor", {"expertise": ["sql"]}, capacity=2)
    join(e, p, "mentee", {"development_needs": ["sql"]})
    body = problem(e.get(url(p, "/recommendations")), 409, "training")
    assert "complete your training first" in body["detail"]
    for who in (m, e):
        assert who.post(url(p, "/training/orientation/completion"), json={"answers": {}}).status_code in (200, 201)
    req = e.post(url(p, "/requests"), json={"mentors": [mentor]}).json()
    assert m.patch("/api/v1/requests/%d" % req["id"], json={"action": "accept"}).json()["status"] == "accepted"
    body = problem(e.get(url(p, "/recommendations")), 409, "wants")
    assert "you have the mentor you asked for" in body["detail"]
    assert "approved" not in body["detail"]


def test_the_mentor_reads_who_asks(admin, make_person):
    """Issue 9 item 11: the request in the mentor's inbox carries the
    mentee's card - profile, answers to the mentee questions, and the
    message saying why they chose this mentor - and only for the mentor
    asked (and coordinators)."""
    p = admin.post("/api/v1/programs", json={"status": "enrolling",
        "name": "Cards in the inbox", "selection": {"access": "open", "questions": [
            {"id": "goal", "role": "mentee", "type": "text", "label": "What do you want to achieve?"},
            {"id": "offer", "role": "mentor", "type": "text", "label": "What can you offer?"}]},
        "training": {"required_before_matching": False, "modules": []},
        "matching": {"mode": "self", "criteria": [
            {"name": "skills", "kind": "overlap", "mentee_field": "development_needs", "mentor_field": "expertise", "weight": 1}]}}).json()
    m1, m2, e = make_person(name="First Choice"), make_person(name="Second Choice"), make_person(name="Asking Mentee")
    a = join(m1, p, "mentor", {"expertise": ["sql"]}, answers={"offer": "SQL"})
    b = join(m2, p, "mentor", {"expertise": ["sql"]}, answers={"offer": "Go"})
    me = join(e, p, "mentee", {"development_needs": ["sql"], "headline": "Analyst moving to data engineering"},
              answers={"goal": "Lead a migration"})
    req = e.post(url(p, "/requests"), json={"mentors": [a, b], "message": "You wrote the SQL guide I learned from"}).json()
    inbox = m1.get(url(p, "/requests")).json()["items"]
    card = inbox[0]["mentee_card"]
    assert card["participation_id"] == me and card["person_id"] == e.person["id"]
    assert card["profile"]["headline"] == "Analyst moving to data engineering"
    assert card["answers"] == [{"question": "goal", "label": "What do you want to achieve?", "answer": "Lead a migration"}]
    assert inbox[0]["message"] == "You wrote the SQL guide I learned from"
    # The second choice is not asked yet and sees nothing; the mentee sees no card of their own.
    assert m2.get(url(p, "/requests")).json()["items"] == []
    assert e.get(url(p, "/requests")).json()["items"][0]["mentee_card"] is None
    assert admin.get(url(p, "/requests")).json()["items"][0]["mentee_card"]["participation_id"] == me
    # Once answered, the card is gone from the mentor's list.
    m1.patch("/api/v1/requests/%d" % req["id"], json={"action": "decline"})
    assert m1.get(url(p, "/requests")).json()["items"][0]["mentee_card"] is None
    assert m2.get(url(p, "/requests")).json()["items"][0]["mentee_card"]["participation_id"] == me
