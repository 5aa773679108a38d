"""Relationships: pairing by hand with every rule re-checked, the status
machine (pause, close with reflection, end early, renew), and who sees
what."""
import pytest
from conftest import problem


@pytest.fixture
def program(admin):
    r = admin.post("/api/v1/programs", json={
        "name": "Relationship rules", "renewals": 1, "duration_months": 6,
        "selection": {"access": "open", "questions": []},
        "training": {"required_before_matching": False, "modules": []}})
    return r.json()


def join(person, program, role, **extra):
    r = person.post("/api/v1/programs/%d/participants" % program["id"], json={"role": role, **extra})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def pair(admin, program, mentor, mentees):
    return admin.post("/api/v1/programs/%d/relationships" % program["id"], json={"mentor": mentor, "mentees": mentees})


def test_pairing_checks_every_rule(admin, make_person, program):
    m = make_person()
    mentor = join(m, program, "mentor", capacity=1)
    e1, e2 = make_person(), make_person()
    a, b = join(e1, program, "mentee"), join(e2, program, "mentee")
    r = pair(admin, program, mentor, [a])
    assert r.status_code == 201, r.text
    rel = r.json()
    assert rel["kind"] == "one_to_one" and rel["status"] == "active" and rel["phase"] == 0
    assert rel["phase_name"] == "Preparation"
    assert sorted(x["role"] for x in rel["members"]) == ["mentee", "mentor"]
    assert e1.get("/api/v1/programs/%d/participants/%d" % (program["id"], a)).json()["status"] == "matched"
    problem(pair(admin, program, mentor, [b]), 409, "mentor")          # at capacity
    problem(pair(admin, program, a, [b]), 409, "mentor")               # not a mentor
    problem(pair(admin, program, mentor, [999999]), 409)
    both = make_person()
    bm, be = join(both, program, "mentor"), join(both, program, "mentee")
    problem(pair(admin, program, bm, [be]), 409, "mentees[0]")         # never self
    mail = admin.get("/api/v1/outbox", params={"to": e1.person["email"]}).json()["items"]
    assert mail[0]["kind"] == "matched"


def test_a_pair_is_never_matched_twice(admin, make_person, program):
    mentor = join(make_person(), program, "mentor", capacity=3)
    e = make_person()
    mentee = join(e, program, "mentee")
    rel = pair(admin, program, mentor, [mentee]).json()
    e.patch("/api/v1/relationships/%d" % rel["id"], json={"action": "end_early", "reason": "schedules"})
    problem(pair(admin, program, mentor, [mentee]), 409, "mentees[0]")


def test_status_machine_close_end_early_renew(admin, make_person, program):
    m, e = make_person(), make_person()
    mentor, mentee = join(m, program, "mentor"), join(e, program, "mentee")
    rel = pair(admin, program, mentor, [mentee]).json()
    url = "/api/v1/relationships/%d" % rel["id"]
    assert e.patch(url, json={"action": "pause"}).json()["status"] == "paused"
    problem(e.patch(url, json={"action": "pause"}), 409, "action")
    assert m.patch(url, json={"action": "resume"}).json()["status"] == "active"
    r = m.patch(url, json={"action": "renew"})
    assert r.json()["renewals"] == 1 and r.json()["planned_end_at"] > rel["planned_end_at"]
    problem(m.patch(url, json={"action": "renew"}), 409, "action")     # once by default
    problem(m.patch(url, json={"action": "close"}), 422, "reflection")
    problem(m.patch(url, json={"action": "close", "reflection": {"learned": ""}}), 422, "reflection.learned")
    problem(m.patch(url, json={"action": "fly"}), 422, "action")
    problem(m.patch(url, json={"action": "close", "version": 1}), 409, "version")
    r = m.patch(url, json={"action": "close", "reflection": {"learned": "Patience", "next_steps": "Lead a project"}})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "completed" and r.json()["alumni"] is True
    problem(m.patch(url, json={"action": "resume"}), 409, "action")
    stages = e.get("/api/v1/programs/%d/participants/%d" % (program["id"], mentee)).json()["stages"]
    assert "completed" in stages


def test_ending_early_tells_the_coordinator_and_frees_the_mentee(admin, make_person, program):
    m, e = make_person(), make_person()
    mentor, mentee = join(m, program, "mentor"), join(e, program, "mentee")
    rel = pair(admin, program, mentor, [mentee]).json()
    r = e.patch("/api/v1/relationships/%d" % rel["id"], json={"action": "end_early", "reason": "Moved team"})
    assert r.json()["status"] == "ended_early"
    told = admin.get("/api/v1/outbox", params={"to": m.person["email"]}).json()["items"]
    assert told[0]["kind"] == "ended_early" and "blame" in told[0]["body"]
    coordinator_mail = admin.get("/api/v1/outbox", params={"to": "admin@example.org"}).json()["items"]
    assert any(x["kind"] == "ended_early_alert" and "Moved team" in x["body"] for x in coordinator_mail)
    other = join(make_person(), program, "mentor")
    assert pair(admin, program, other, [mentee]).status_code == 201   # matched again


def test_who_sees_relationships(admin, make_person, program):
    m, e, stranger, other_mentor = make_person(), make_person(), make_person(), make_person()
    mentor, mentee = join(m, program, "mentor"), join(e, program, "mentee")
    om = join(other_mentor, program, "mentor")
    rel = pair(admin, program, mentor, [mentee]).json()
    url = "/api/v1/relationships/%d" % rel["id"]
    assert e.get(url).json()["my_role"] == "mentee"
    assert admin.get(url).json()["my_role"] is None
    problem(stranger.get(url), 404)
    problem(other_mentor.get(url), 404)
    problem(other_mentor.patch(url, json={"action": "pause"}), 404)
    listed = other_mentor.get("/api/v1/programs/%d/relationships" % program["id"]).json()["items"]
    assert listed == [] and om
    assert [x["id"] for x in e.get("/api/v1/programs/%d/relationships" % program["id"]).json()["items"]] == [rel["id"]]
    problem(m.post("/api/v1/programs/%d/relationships" % program["id"], json={"mentor": mentor, "mentees": [mentee]}), 403)
    problem(stranger.get("/api/v1/programs/%d/relationships" % program["id"]), 404)


def test_groups_and_peer_circles(admin, make_person, program):
    mentor = join(make_person(), program, "mentor", capacity=3)
    mentees = [join(make_person(), program, "mentee") for _ in range(3)]
    g = pair(admin, program, mentor, mentees).json()
    assert g["kind"] == "group" and len(g["members"]) == 4
    peers = [join(make_person(), program, "mentee") for _ in range(3)]
    p = admin.post("/api/v1/programs/%d/relationships" % program["id"], json={"peers": peers}).json()
    assert p["kind"] == "peer" and {x["role"] for x in p["members"]} == {"peer"}
    problem(admin.post("/api/v1/programs/%d/relationships" % program["id"], json={"peers": peers[:1]}), 409, "peers")


def test_power_differential_rule(admin, make_person, program, server):
    boss, report = make_person(), make_person()
    import subprocess
    sql = "UPDATE people SET manager_id = %d WHERE id = %d" % (boss.person["id"], report.person["id"])
    if server.kind == "sqlite":
        subprocess.run(["sqlite3", server.db[len("sqlite:"):], sql], check=True)
    else:
        subprocess.run(["psql", "-q", server.db, "-c", sql], check=True)
    mentor, mentee = join(boss, program, "mentor"), join(report, program, "mentee")
    problem(pair(admin, program, mentor, [mentee]), 409, "mentees[0]")
    admin.patch("/api/v1/programs/%d" % program["id"], json={"matching": {"power_differential_rule": False}})
    assert pair(admin, program, mentor, [mentee]).status_code == 201
