"""Admin matching in the product: proposals from the engine with
explanations, hand edits (lock, exclude, add), re-runs, comparison and
publishing, races included (product.md §5)."""
import concurrent.futures

import pytest
from conftest import problem

CRITERIA = [
    {"name": "skills", "kind": "overlap", "mentee_field": "development_needs", "mentor_field": "expertise", "weight": 3},
    {"name": "language", "kind": "shared", "field": "languages", "weight": 1, "required": True},
]


@pytest.fixture
def program(admin):
    return admin.post("/api/v1/programs", json={
        "name": "Matching", "selection": {"access": "open", "questions": []},
        "training": {"required_before_matching": False, "modules": []},
        "matching": {"mode": "hybrid", "criteria": CRITERIA}}).json()


def join(person, program, role, profile, **extra):
    r = person.post("/api/v1/programs/%d/participants" % program["id"], json={"role": role, "profile": profile, **extra})
    assert r.status_code == 201, r.text
    return r.json()["id"]


@pytest.fixture
def people(make_person, program):
    mentors = {
        "sql": join(make_person(name="Mentor Sql"), program, "mentor",
                    {"expertise": ["sql", "python"], "languages": ["English"]}, capacity=1),
        "lead": join(make_person(name="Mentor Lead"), program, "mentor",
                     {"expertise": ["leadership"], "languages": ["English", "French"]}, capacity=2),
    }
    mentees = {
        "a": join(make_person(name="Mentee A"), program, "mentee", {"development_needs": ["sql"], "languages": ["English"]}),
        "b": join(make_person(name="Mentee B"), program, "mentee", {"development_needs": ["leadership"], "languages": ["French"]}),
        "c": join(make_person(name="Mentee C"), program, "mentee", {"development_needs": ["sql", "leadership"], "languages": ["English"]}),
        "d": join(make_person(name="Mentee D"), program, "mentee", {"development_needs": ["sql"], "languages": ["German"]}),
    }
    return mentors, mentees


def runs_url(program):
    return "/api/v1/programs/%d/match-runs" % program["id"]


def test_a_proposal_is_optimal_explained_and_reports_quality(admin, program, people):
    mentors, mentees = people
    r = admin.post(runs_url(program))
    assert r.status_code == 201, r.text
    run = r.json()
    pairs = {(p["mentee"], p["mentor"]): p for p in run["pairs"]}
    # Capacity 1 + 2 = 3 slots; D speaks no shared language (required), so A, B, C are matched.
    assert len(pairs) == 3 and run["stats"]["matched"] == 3
    assert (mentees["a"], mentors["sql"]) in pairs and (mentees["b"], mentors["lead"]) in pairs
    assert (mentees["c"], mentors["lead"]) in pairs
    for p in run["pairs"]:
        assert abs(sum(p["explain"].values()) - p["score"]) < 1e-9
        assert set(p["explain"]) == {"skills", "language"}
    assert run["pairs"][0]["mentee_name"].startswith("Mentee")
    assert [u["mentee"] for u in run["unmatched"]] == [mentees["d"]]
    assert run["unmatched"][0]["reason"]
    assert any(h["mentee"] == mentees["d"] for h in run["hard_to_match"])
    assert run["engine_stats"]["optimal"] is True
    assert run["engine_stats"]["mentor_load"]["capacity"] == 3
    assert admin.get("/api/v1/match-runs/%d" % run["id"]).json()["pairs"] == run["pairs"]
    assert [x["id"] for x in admin.get(runs_url(program)).json()["items"]] == [run["id"]]


def test_locks_survive_a_rerun_and_exclusions_are_kept_out(admin, program, people):
    mentors, mentees = people
    run = admin.post(runs_url(program)).json()
    url = "/api/v1/match-runs/%d/pairs" % run["id"]
    r = admin.post(url, json={"action": "lock", "mentee": mentees["c"], "mentor": mentors["lead"]})
    assert r.status_code == 200 and any(p["locked"] for p in r.json()["pairs"])
    r = admin.post(url, json={"action": "exclude", "mentee": mentees["a"], "mentor": mentors["sql"]})
    assert (mentees["a"], mentors["sql"]) not in {(p["mentee"], p["mentor"]) for p in r.json()["pairs"]}
    again = admin.post(runs_url(program)).json()
    got = {(p["mentee"], p["mentor"]): p for p in again["pairs"]}
    assert got[(mentees["c"], mentors["lead"])]["locked"] is True
    assert (mentees["a"], mentors["sql"]) not in got
    cmp = admin.get("/api/v1/match-runs/%d/compare/%d" % (again["id"], run["id"])).json()
    assert cmp["stats"]["matched"] == again["stats"]["matched"] and "other_stats" in cmp
    assert {(p["mentee"], p["mentor"]) for p in cmp["only_in_run"]} == set(got) - {
        (p["mentee"], p["mentor"]) for p in admin.get("/api/v1/match-runs/%d" % run["id"]).json()["pairs"]}


def test_hand_made_pairs_are_scored_and_checked(admin, program, people):
    mentors, mentees = people
    run = admin.post(runs_url(program)).json()
    url = "/api/v1/match-runs/%d/pairs" % run["id"]
    # D has no shared language with anyone: the required criterion refuses it.
    problem(admin.post(url, json={"action": "add", "mentee": mentees["d"], "mentor": mentors["lead"]}), 409, "mentor")
    # The sql mentor is full in this proposal.
    problem(admin.post(url, json={"action": "add", "mentee": mentees["c"], "mentor": mentors["sql"]}), 409)
    assert admin.post(url, json={"action": "remove", "mentee": mentees["a"], "mentor": mentors["sql"]}).status_code == 200
    r = admin.post(url, json={"action": "add", "mentee": mentees["c"], "mentor": mentors["sql"]})
    assert r.status_code == 409  # C has their one mentor in this proposal already
    r = admin.post(url, json={"action": "remove", "mentee": mentees["c"], "mentor": mentors["lead"]})
    r = admin.post(url, json={"action": "add", "mentee": mentees["c"], "mentor": mentors["sql"]})
    assert r.status_code == 200, r.text
    added = [p for p in r.json()["pairs"] if p["manual"]][0]
    assert added["score"] > 0 and abs(sum(added["explain"].values()) - added["score"]) < 1e-9
    problem(admin.post(url, json={"action": "teleport", "mentee": 1, "mentor": 2}), 422, "action")


def test_publishing_creates_relationships_once(admin, program, people, make_person):
    mentors, mentees = people
    run = admin.post(runs_url(program)).json()
    r = admin.post("/api/v1/match-runs/%d/publish" % run["id"])
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "published" and len(r.json()["relationships"]) == 3
    problem(admin.post("/api/v1/match-runs/%d/publish" % run["id"]), 409)
    rels = admin.get("/api/v1/programs/%d/relationships" % program["id"]).json()["items"]
    assert len(rels) == 3
    mail = admin.get("/api/v1/outbox").json()["items"]
    assert sum(1 for m in mail if m["kind"] == "matched") >= 6  # both parties of each pair
    # A new proposal does not repeat published pairs and respects used capacity.
    nxt = admin.post(runs_url(program)).json()
    assert nxt["pairs"] == []
    problem(admin.post("/api/v1/match-runs/%d/pairs" % run["id"], json={"action": "lock", "mentee": 1, "mentor": 2}), 409)


def test_concurrent_publishes_never_exceed_capacity(admin, program, people):
    # Two proposals for the same people: publishing both at once must not
    # give a mentor more mentees than their capacity.
    first = admin.post(runs_url(program)).json()
    second = admin.post(runs_url(program)).json()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(lambda rid: admin.post("/api/v1/match-runs/%d/publish" % rid).status_code,
                              [first["id"], second["id"]]))
    assert sorted(codes) == [200, 409], codes
    rels = admin.get("/api/v1/programs/%d/relationships" % program["id"]).json()["items"]
    load = {}
    for rel in rels:
        for m in rel["members"]:
            if m["role"] == "mentor":
                load[m["participation_id"]] = load.get(m["participation_id"], 0) + 1
    mentors, _ = people
    assert load.get(mentors["sql"], 0) <= 1 and load.get(mentors["lead"], 0) <= 2


def test_only_coordinators_match(admin, program, people, make_person):
    stranger = make_person()
    mentor = make_person()
    join(mentor, program, "mentor", {"expertise": ["x"], "languages": ["English"]})
    run = admin.post(runs_url(program)).json()
    problem(stranger.post(runs_url(program)), 404)
    problem(mentor.post(runs_url(program)), 403)
    problem(mentor.get("/api/v1/match-runs/%d" % run["id"]), 404)
    problem(stranger.post("/api/v1/match-runs/%d/publish" % run["id"]), 404)
    problem(admin.get("/api/v1/match-runs/999999"), 404)
    problem(admin.post(runs_url(program), json={"objective": "random"}), 422, "objective")


def test_objectives_fair_and_stable(admin, program, people):
    for obj in ["fair", "stable"]:
        run = admin.post(runs_url(program), json={"objective": obj}).json()
        assert run["objective"] == obj and run["stats"]["matched"] == 3


def test_the_figures_follow_hand_edits(admin, program, people):
    """Issue 9 item 4: after a hand edit the counts, the unmatched list and
    the mentor load are counted again, and the proposal says it is no
    longer the engine's."""
    mentors, mentees = people
    run = admin.post(runs_url(program)).json()
    st = run["stats"]
    assert st["matched"] == 3 and st["unmatched"] == 1 and st["edited"] is False
    assert st["mentor_load"] == {"used": 3, "capacity": 3, "mentors_full": 2, "mentors_with_no_mentee": 0}
    assert st["engine_total_score"] == pytest.approx(st["total_score"])
    assert run["candidates"]["mentors"] == [] and [m["participation"] for m in run["candidates"]["mentees"]] == [mentees["d"]]

    url = "/api/v1/match-runs/%d/pairs" % run["id"]
    r = admin.post(url, json={"action": "remove", "mentee": mentees["a"], "mentor": mentors["sql"]})
    assert r.status_code == 200, r.text
    edited = r.json()
    st = edited["stats"]
    assert st["matched"] == 2 and st["unmatched"] == 2 and st["edited"] is True
    assert st["mentor_load"] == {"used": 2, "capacity": 3, "mentors_full": 1, "mentors_with_no_mentee": 1}
    assert st["total_score"] < st["engine_total_score"] == pytest.approx(run["stats"]["total_score"])
    left = {u["mentee"]: u for u in edited["unmatched"]}
    assert set(left) == {mentees["a"], mentees["d"]}
    assert left[mentees["a"]]["reason"] == "removed from this proposal by hand" and left[mentees["a"]]["slots"] == 1
    assert left[mentees["d"]]["reason"] == run["unmatched"][0]["reason"]
    assert edited["engine_stats"]["optimal"] is True          # the engine's proposal was; this one is edited
    assert {m["participation"]: m["free"] for m in edited["candidates"]["mentors"]} == {mentors["sql"]: 1}
    assert {m["participation"] for m in edited["candidates"]["mentees"]} == {mentees["a"], mentees["d"]}

    # Put back by hand: every place used again, still an edited proposal.
    r = admin.post(url, json={"action": "add", "mentee": mentees["a"], "mentor": mentors["sql"]})
    st = r.json()["stats"]
    assert st["matched"] == 3 and st["unmatched"] == 1 and st["edited"] is True
    assert st["mentor_load"]["used"] == 3
    # The compare page reads the same figures.
    other = admin.post(runs_url(program)).json()
    cmp = admin.get("/api/v1/match-runs/%d/compare/%d" % (run["id"], other["id"])).json()
    assert cmp["stats"]["edited"] is True and cmp["other_stats"]["edited"] is False


def test_who_is_not_in_the_run_and_why(admin, make_person):
    """Issue 9 items 4 and 13: approved people the run was not made with are
    listed with the reason; a pair added by hand is refused naming the
    condition that fails; the picker offers only who can be paired."""
    p = admin.post("/api/v1/programs", json={
        "name": "Trained first", "selection": {"access": "open", "questions": []},
        "training": {"required_before_matching": True, "modules": [
            {"id": "orientation", "role": "both", "title": "Orientation", "content_md": "Hello", "questions": []}]},
        "matching": {"mode": "admin", "criteria": CRITERIA}}).json()
    profile = {"development_needs": ["sql"], "expertise": ["sql"], "languages": ["English"]}

    def person(name, role, trained, **extra):
        c = make_person(name=name)
        pid = join(c, p, role, profile, **extra)
        if trained:
            r = c.post("/api/v1/programs/%d/training/orientation/completion" % p["id"], json={"answers": {}})
            assert r.status_code in (200, 201), r.text
        return pid

    tia = person("Tia Trained", "mentor", True, capacity=2)
    kim = person("Kim Trained", "mentee", True)
    ned = person("Ned Untrained", "mentee", False)
    uma = person("Uma Untrained", "mentor", False)
    run = admin.post(runs_url(p)).json()
    assert [(x["mentee"], x["mentor"]) for x in run["pairs"]] == [(kim, tia)]
    out = {x["participation"]: x for x in run["not_in_run"]}
    assert set(out) == {ned, uma}
    assert out[ned]["role"] == "mentee" and out[ned]["name"] == "Ned Untrained"
    assert out[ned]["reason"] == "has not completed training, which this program requires before matching"
    assert out[uma]["role"] == "mentor"
    # Only those who can be paired are offered; Ned is refused with the reason.
    assert [m["participation"] for m in run["candidates"]["mentors"]] == [tia]
    assert run["candidates"]["mentees"] == []
    url = "/api/v1/match-runs/%d/pairs" % run["id"]
    body = problem(admin.post(url, json={"action": "add", "mentee": ned, "mentor": tia}), 409, "mentee")
    assert "Ned Untrained has not completed training" in body["detail"]
    body = problem(admin.post(url, json={"action": "add", "mentee": kim, "mentor": uma}), 409, "mentor")
    assert "Uma Untrained has not completed training" in body["detail"]
    body = problem(admin.post(url, json={"action": "add", "mentee": tia, "mentor": tia}), 409, "mentee")
    assert "is not a mentee of this program" in body["detail"]

    # Published, Kim has the mentor she wants: the next run says so.
    assert admin.post("/api/v1/match-runs/%d/publish" % run["id"]).status_code == 200
    nxt = admin.post(runs_url(p)).json()
    out = {x["participation"]: x["reason"] for x in nxt["not_in_run"]}
    assert out[kim] == "has all the mentors they want (1 of 1)"
    body = problem(admin.post("/api/v1/match-runs/%d/pairs" % nxt["id"],
                              json={"action": "add", "mentee": kim, "mentor": tia}), 409, "mentee")
    assert "Kim Trained has all the mentors they want (1 of 1)" in body["detail"]
