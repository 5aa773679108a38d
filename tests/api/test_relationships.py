"""Relationships: pairing by hand with every rule re-checked, the status
machine (pause; closure and renewal proposed by one party and agreed by
the other; ending early alone), who completes with them, and who sees
what."""
import pytest
from conftest import problem, versioned


@pytest.fixture
def program(admin):
    r = admin.post("/api/v1/programs", json={"status": "enrolling",
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
    e.patch("/api/v1/relationships/%d" % rel["id"], json={**versioned(e, "/api/v1/relationships/%d" % rel["id"]), "action": "end_early", "reason": "schedules"})
    problem(pair(admin, program, mentor, [mentee]), 409, "mentees[0]")


def part_of(client, program, pid):
    return client.get("/api/v1/programs/%d/participants/%d" % (program["id"], pid)).json()


def mail(admin, person, kind=None):
    items = admin.get("/api/v1/outbox", params={"to": person.person["email"]}).json()["items"]
    return [x for x in items if kind is None or x["kind"] == kind]


def test_pause_and_resume(admin, make_person, program):
    m, e = make_person(), make_person()
    rel = pair(admin, program, join(m, program, "mentor"), [join(e, program, "mentee")]).json()
    url = "/api/v1/relationships/%d" % rel["id"]
    assert e.patch(url, json={**versioned(e, url), "action": "pause"}).json()["status"] == "paused"
    problem(e.patch(url, json={**versioned(e, url), "action": "pause"}), 409, "action")
    assert m.patch(url, json={**versioned(m, url), "action": "resume"}).json()["status"] == "active"
    problem(m.patch(url, json={**versioned(m, url), "action": "fly"}), 422, "action")
    problem(m.patch(url, json={**versioned(m, url), "action": "start_closing"}), 422, "action")
    problem(m.patch(url, json={**versioned(m, url), "action": "pause", "version": 1}), 409, "version")


def test_closing_takes_both_parties(admin, make_person, program):
    """Issue 9 item 2: one party proposes closure with their reflection,
    the other confirms with theirs (or declines, or the proposer
    withdraws); either may reflect after it closed."""
    m, e = make_person(name="Maya Mentor"), make_person(name="Eli Mentee")
    mentor, mentee = join(m, program, "mentor"), join(e, program, "mentee")
    rel = pair(admin, program, mentor, [mentee]).json()
    url = "/api/v1/relationships/%d" % rel["id"]
    assert rel["proposal"] is None
    problem(e.patch(url, json={**versioned(e, url), "action": "close"}), 422, "reflection")
    problem(e.patch(url, json={**versioned(e, url), "action": "close", "reflection": {"learned": ""}}), 422, "reflection.learned")

    # The mentee proposes: closing, not completed, and the mentor is asked.
    r = e.patch(url, json={**versioned(e, url), "action": "close", "reflection": {"learned": "Ask early"}})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["status"] == "closing" and got["alumni"] is False and got["ended_at"] is None
    assert got["proposal"]["action"] == "close"
    assert got["proposal"]["proposed_by"] == mentee
    assert got["proposal"]["agreed"] == [mentee] and got["proposal"]["waiting_for"] == [mentor]
    assert part_of(e, program, mentee)["status"] != "completed"
    asked = mail(admin, m, "closing_proposed")
    assert asked and "Eli Mentee proposes to close" in asked[0]["subject"]
    assert "/relationships/%d" % rel["id"] in asked[0]["body"]
    # Proposing twice, pausing, renewing meanwhile: refused, saying why.
    body = problem(e.patch(url, json={**versioned(e, url), "action": "close", "reflection": {"learned": "x"}}), 409, "action")
    assert "you proposed closing" in body["detail"]
    problem(m.patch(url, json={**versioned(m, url), "action": "pause"}), 409, "action")
    problem(m.patch(url, json={**versioned(m, url), "action": "withdraw"}), 409, "action")

    # The mentor declines: active again, and the mentee hears it.
    r = m.patch(url, json={**versioned(m, url), "action": "decline"})
    assert r.json()["status"] == "active" and r.json()["proposal"] is None
    assert any("declined the proposal to close" in x["subject"] for x in mail(admin, e, "closing_dropped"))

    # Proposed again and withdrawn by the mentee.
    assert e.patch(url, json={**versioned(e, url), "action": "close", "reflection": {"learned": "Ask early"}}).json()["status"] == "closing"
    problem(e.patch(url, json={**versioned(e, url), "action": "decline"}), 409, "action")
    assert e.patch(url, json={**versioned(e, url), "action": "withdraw"}).json()["status"] == "active"

    # Proposed a third time; the mentor confirms with their reflection.
    e.patch(url, json={**versioned(e, url), "action": "close", "reflection": {"learned": "Ask early"}})
    problem(m.patch(url, json={**versioned(m, url), "action": "close"}), 422, "reflection")
    r = m.patch(url, json={**versioned(m, url), "action": "close", "reflection": {"learned": "Patience", "next_steps": "Lead a project"}})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "completed" and r.json()["alumni"] is True and r.json()["proposal"] is None
    problem(m.patch(url, json={**versioned(m, url), "action": "resume"}), 409, "action")
    assert "completed" in part_of(e, program, mentee)["stages"]
    assert any(x["subject"] == "Your mentoring relationship is complete" for x in mail(admin, e, "closed"))

    # Reflections stay open after closing: the mentee rewrites theirs.
    r = e.post(url + "/reflections", json={"learned": "Ask early and often"})
    assert r.status_code == 200, r.text
    refl = {x["participation_id"]: x["reflection"] for x in r.json()["items"]}
    assert refl[mentee]["learned"] == "Ask early and often" and refl[mentor]["learned"] == "Patience"


def test_a_coordinator_closes_at_once_and_ending_early_stays_one_sided(admin, make_person, program):
    m, e = make_person(), make_person()
    mentor, mentee = join(m, program, "mentor", capacity=2), join(e, program, "mentee")
    rel = pair(admin, program, mentor, [mentee]).json()
    url = "/api/v1/relationships/%d" % rel["id"]
    problem(admin.patch(url, json={**versioned(admin, url), "action": "close", "reflection": {"learned": "x"}}), 422, "reflection")
    problem(admin.patch(url, json={**versioned(admin, url), "action": "decline"}), 409, "action")
    r = admin.patch(url, json={**versioned(admin, url), "action": "close"})
    assert r.json()["status"] == "completed"
    told = mail(admin, m, "closed")
    assert told and "closed by your coordinator" in told[0]["body"] and "reflection" in told[0]["body"]
    # Either member may still write a reflection afterwards.
    assert m.post(url + "/reflections", json={"learned": "Less talking"}).status_code == 201

    # Ending early needs nobody's consent, even with closure proposed.
    e2 = make_person()
    rel2 = pair(admin, program, mentor, [join(e2, program, "mentee")]).json()
    url2 = "/api/v1/relationships/%d" % rel2["id"]
    assert m.patch(url2, json={**versioned(m, url2), "action": "close", "reflection": {"learned": "x"}}).json()["status"] == "closing"
    r = e2.patch(url2, json={**versioned(e2, url2), "action": "end_early", "reason": "New job"})
    assert r.json()["status"] == "ended_early" and r.json()["proposal"] is None


def test_a_group_closes_when_every_member_confirms(admin, make_person, program):
    mc = make_person()
    mentor = join(mc, program, "mentor", capacity=3)
    people = [make_person() for _ in range(3)]
    mentees = [join(p, program, "mentee") for p in people]
    rel = pair(admin, program, mentor, mentees).json()
    url = "/api/v1/relationships/%d" % rel["id"]
    mc.patch(url, json={**versioned(mc, url), "action": "close", "reflection": {"learned": "Groups"}})
    for i, p in enumerate(people):
        r = p.patch(url, json={**versioned(p, url), "action": "close", "reflection": {"learned": "Peers %d" % i}})
        assert r.status_code == 200, r.text
        if i < 2:
            assert r.json()["status"] == "closing"
            assert sorted(r.json()["proposal"]["waiting_for"]) == sorted(mentees[i + 1:])
    assert r.json()["status"] == "completed"


def test_renewal_is_proposed_and_accepted_near_the_planned_end(admin, make_person):
    """Issue 9 item 3: renewal is offered in the last renewal_window_days
    days, proposed by one party and accepted by the other, within the
    limit; a coordinator renews at once."""
    def program_with(**cfg):
        r = admin.post("/api/v1/programs", json={"status": "enrolling",
            "name": "Renewals", "selection": {"access": "open", "questions": []},
            "training": {"required_before_matching": False, "modules": []}, **cfg})
        assert r.status_code == 201, r.text
        return r.json()

    far = program_with(duration_months=6, renewals=1)
    assert far["renewal_window_days"] == 30
    m, e = make_person(), make_person()
    rel = pair(admin, far, join(m, far, "mentor"), [join(e, far, "mentee")]).json()
    assert rel["renewal_window_days"] == 30 and rel["renewal_opens_at"] < rel["planned_end_at"]
    url = "/api/v1/relationships/%d" % rel["id"]
    # Day one of six months: too early, for a member and for the coordinator.
    body = problem(m.patch(url, json={**versioned(m, url), "action": "renew"}), 409, "action")
    assert "renewal is offered from" in body["detail"] and "30 days before the planned end" in body["detail"]
    problem(admin.patch(url, json={**versioned(admin, url), "action": "renew"}), 409, "action")
    assert e.get(url).json()["renewals"] == 0 and e.get(url).json()["proposal"] is None

    # A one-month term with a 120-day window: renewal is offered at once.
    near = program_with(duration_months=1, renewals=2, renewal_window_days=120)
    mentor, mentee = join(m, near, "mentor"), join(e, near, "mentee")
    rel = pair(admin, near, mentor, [mentee]).json()
    url = "/api/v1/relationships/%d" % rel["id"]
    r = m.patch(url, json={**versioned(m, url), "action": "renew"})
    assert r.status_code == 200, r.text
    assert r.json()["proposal"]["action"] == "renew" and r.json()["proposal"]["waiting_for"] == [mentee]
    assert r.json()["renewals"] == 0 and r.json()["planned_end_at"] == rel["planned_end_at"]
    assert any("proposes to renew" in x["subject"] for x in mail(admin, e, "renewal_proposed"))
    problem(m.patch(url, json={**versioned(m, url), "action": "renew"}), 409, "action")      # not twice by the proposer
    # The mentor withdraws it; proposes again; the mentee accepts.
    assert m.patch(url, json={**versioned(m, url), "action": "withdraw"}).json()["proposal"] is None
    m.patch(url, json={**versioned(m, url), "action": "renew"})
    problem(e.patch(url, json={**versioned(e, url), "action": "close", "reflection": {"learned": "x"}}), 409, "action")
    r = e.patch(url, json={**versioned(e, url), "action": "renew"})
    assert r.json()["renewals"] == 1 and r.json()["planned_end_at"] > rel["planned_end_at"]
    assert r.json()["proposal"] is None and r.json()["status"] == "active"
    # The coordinator renews the second time directly; a third is past the limit.
    r = admin.patch(url, json={**versioned(admin, url), "action": "renew"})
    assert r.json()["renewals"] == 2
    body = problem(e.patch(url, json={**versioned(e, url), "action": "renew"}), 409, "action")
    assert "renewed as often as the program allows" in body["detail"]

    none = program_with(renewals=0)
    rel = pair(admin, none, join(m, none, "mentor"), [join(e, none, "mentee")]).json()
    body = problem(admin.patch("/api/v1/relationships/%d" % rel["id"], json={**versioned(admin, "/api/v1/relationships/%d" % rel["id"]), "action": "renew"}), 409, "action")
    assert body["detail"].endswith("this program allows no renewal")


def test_renewal_window_is_part_of_the_configuration(admin):
    base = {"name": "Window", "selection": {"access": "open", "questions": []}}
    problem(admin.post("/api/v1/programs", json={"status": "enrolling", **base, "renewal_window_days": 0}), 422, "renewal_window_days")
    problem(admin.post("/api/v1/programs", json={"status": "enrolling", **base, "renewal_window_days": 366}), 422, "renewal_window_days")
    p = admin.post("/api/v1/programs", json={"status": "enrolling", **base, "renewal_window_days": 45}).json()
    assert p["renewal_window_days"] == 45
    r = admin.patch("/api/v1/programs/%d" % p["id"], json={**versioned(admin, "/api/v1/programs/%d" % p["id"]), "renewal_window_days": 14, "version": p["version"]})
    assert r.status_code == 200, r.text
    assert r.json()["renewal_window_days"] == 14 and r.json()["renewals"] == 1


def funnel(client, program):
    r = client.get("/api/v1/programs/%d/reports/funnel" % program["id"])
    assert r.status_code == 200, r.text
    return {x["stage"]: x["count"] for x in r.json()["stages"]}


def test_a_mentor_completes_with_the_last_mentee(admin, make_person, program):
    """Issue 9 item 1: Bilal mentors Sofia and Ines; Sofia's relationship
    closing leaves him mentoring, not completed; Ines's closing completes
    him; the funnel counts each one when it happens."""
    b, s, i = make_person(name="Bilal"), make_person(name="Sofia"), make_person(name="Ines")
    bilal = join(b, program, "mentor", capacity=2)
    sofia, ines = join(s, program, "mentee"), join(i, program, "mentee")
    with_sofia = pair(admin, program, bilal, [sofia]).json()
    with_ines = pair(admin, program, bilal, [ines]).json()
    assert admin.patch("/api/v1/relationships/%d" % with_sofia["id"], json={**versioned(admin, "/api/v1/relationships/%d" % with_sofia["id"]), "action": "close"}).json()["status"] == "completed"
    me = part_of(b, program, bilal)
    assert me["status"] == "matched" and "completed" not in me["stages"]
    assert part_of(s, program, sofia)["status"] == "completed"
    assert funnel(admin, program)["completed"] == 1
    assert admin.patch("/api/v1/relationships/%d" % with_ines["id"], json={**versioned(admin, "/api/v1/relationships/%d" % with_ines["id"]), "action": "close"}).json()["status"] == "completed"
    me = part_of(b, program, bilal)
    assert me["status"] == "completed" and "completed" in me["stages"]
    assert funnel(admin, program)["completed"] == 3


def test_ending_early_tells_the_coordinator_and_frees_the_mentee(admin, make_person, program):
    m, e = make_person(), make_person()
    mentor, mentee = join(m, program, "mentor"), join(e, program, "mentee")
    rel = pair(admin, program, mentor, [mentee]).json()
    r = e.patch("/api/v1/relationships/%d" % rel["id"], json={**versioned(e, "/api/v1/relationships/%d" % rel["id"]), "action": "end_early", "reason": "Moved team"})
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
    problem(other_mentor.patch(url, json={**versioned(other_mentor, url), "action": "pause"}), 404)
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
    sql = "UPDATE people SET manager_id = %d WHERE id = %d" % (boss.person["id"], report.person["id"])
    server.sql(sql)
    mentor, mentee = join(boss, program, "mentor"), join(report, program, "mentee")
    problem(pair(admin, program, mentor, [mentee]), 409, "mentees[0]")
    admin.patch("/api/v1/programs/%d" % program["id"], json={**versioned(admin, "/api/v1/programs/%d" % program["id"]), "matching": {"power_differential_rule": False}})
    assert pair(admin, program, mentor, [mentee]).status_code == 201
