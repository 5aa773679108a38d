"""Reports across programs (GET /api/v1/reports/{name}, issue 13): a
coordinator of two programs built through the API reads every report
rolled up - the totals are the two programs' figures added up (rates worked
out again from the sums), each program's own figures in `programs`, JSON
and CSV agreeing; the equity report pools the two cohorts and suppresses
the pooled groups under the threshold again; a viewer of one program reads
that program alone and no name; the command line reaches the roll-up."""
import json
from types import SimpleNamespace

import pytest
from conftest import problem
from test_reports import metrics, table
from test_reports_satisfaction import assert_csv_agrees_rollup

PROGRAM = {
    "status": "enrolling",
    "selection": {"access": "open", "questions": []},
    "training": {"required_before_matching": False, "modules": []},
}
NAMES = ("funnel", "matching", "engagement", "phases", "resources", "satisfaction", "equity", "outcomes",
         "at-risk")

# Per program: mentees as (department, location, matched)
COHORTS = {
    "A": [("Engineering", "Lisbon", True)] * 2 + [("Engineering", "Lisbon", False)]
         + [("Sales", "Lisbon", True)] * 3 + [("Sales", "Lisbon", False)] * 3,
    "B": [("Engineering", "Lisbon", True)] * 3 + [("Sales", "Lisbon", True)] * 2
         + [("Sales", "Lisbon", False)] * 2 + [("Sales", "Berlin", False)],
}


def rollup(client, name, **params):
    r = client.get("/api/v1/reports/" + name, params=params)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture(scope="module")
def world(admin, make_person):
    coord = make_person("coordinator", name="Roll Coordinator")
    viewer = make_person(name="Roll Viewer")
    programs = {}
    for key, cohort in COHORTS.items():
        r = coord.post("/api/v1/programs", json=dict(PROGRAM, name="Roll-up %s %d" % (key, coord.person["id"])))
        assert r.status_code == 201, r.text
        p = r.json()
        pid = p["id"]
        tag = "ru%d" % pid
        lines = ["email,name,role,department,job_level,location,capacity"]
        for i, (dept, place, _) in enumerate(cohort):
            lines.append("%s-e%d@example.org,Secret Mentee %d,mentee,%s,2,%s," % (tag, i, i, dept, place))
        for i in range(3):
            lines.append("%s-m%d@example.org,Secret Mentor %d,mentor,Engineering,5,Lisbon,3" % (tag, i, i))
        r = coord.post("/api/v1/programs/%d/imports" % pid, data="\n".join(lines) + "\n",
                       headers={"Content-Type": "text/csv"})
        assert r.status_code == 200, r.text
        parts = coord.get("/api/v1/programs/%d/participants" % pid, params={"limit": 500}).json()["items"]
        by_email = {x["email"]: x["id"] for x in parts}
        ids = [x["id"] for x in parts if x["role"] in ("mentor", "mentee")]
        r = coord.post("/api/v1/programs/%d/participants/bulk" % pid, json={"action": "approve", "ids": ids})
        assert r.status_code == 200, r.text
        slot = 0
        for i, (_, _, matched) in enumerate(cohort):
            if matched:
                r = coord.post("/api/v1/programs/%d/relationships" % pid,
                               json={"mentor": by_email["%s-m%d@example.org" % (tag, slot % 3)],
                                     "mentees": [by_email["%s-e%d@example.org" % (tag, i)]]})
                assert r.status_code == 201, r.text
                slot += 1
        programs[key] = p
    r = coord.post("/api/v1/programs/%d/participants" % programs["A"]["id"],
                   json={"email": viewer.person["email"], "role": "viewer", "invite": False})
    assert r.status_code == 201, r.text
    return SimpleNamespace(coord=coord, viewer=viewer, programs=programs, admin=admin)


def each(world, name):
    return {k: world.coord.get("/api/v1/programs/%d/reports/%s" % (p["id"], name)).json()
            for k, p in world.programs.items()}


def test_every_report_rolls_up_with_each_program_and_csv(world):
    ids = sorted(p["id"] for p in world.programs.values())
    for name in NAMES:
        rep = rollup(world.coord, name)
        assert rep["report"] == name and rep["program_id"] is None
        progs = table(rep, "programs")
        assert sorted({r["program_id"] for r in progs}) == ids or (name == "outcomes" and progs == [])
        assert "Secret" not in json.dumps(rep)
        assert_csv_agrees_rollup(world.coord, rep)
    problem(world.coord.get("/api/v1/reports/nonsense"), 404, "name")
    problem(world.coord.get("/api/v1/reports/equity", params={"from": "2027-02-30"}), 422, "from")


def test_the_totals_add_up_the_programs(world):
    per = each(world, "engagement")
    rep = rollup(world.coord, "engagement")
    total = metrics(rep)
    a, b = metrics(per["A"]), metrics(per["B"])
    assert total["relationships"] == a["relationships"] + b["relationships"] == 5 + 5
    assert total["guideline_meetings_per_month"] == a["guideline_meetings_per_month"]
    byp = {r["program_id"]: r for r in table(rep, "programs")}
    assert byp[world.programs["A"]["id"]]["relationships"] == 5
    # Matching: the mentor load is mentors by mentees in open relationships.
    load = {r["mentees"]: r["mentors"] for r in table(rollup(world.coord, "matching"), "mentor_load")}
    want = {}
    for rep1 in each(world, "matching").values():
        for r in table(rep1, "mentor_load"):
            want[r["mentees"]] = want.get(r["mentees"], 0) + r["mentors"]
    assert load == want and sum(k * v for k, v in load.items()) == 10
    # The funnel: the stages summed, the conversion from the sums.
    stages = {r["stage"]: r for r in table(rollup(world.coord, "funnel"), "stages")}
    assert stages["matched"]["count"] == 10 + 6          # mentees and their mentors
    assert stages["approved"]["count"] == 9 + 8 + 6
    assert stages["matched"]["conversion_from_first"] == pytest.approx(16 / 23)
    # Phases by name: the relationships now in each.
    ph = {r["name"]: r for r in table(rollup(world.coord, "phases"), "phases")}
    assert sum(r["relationships_now"] for r in ph.values()) == 10
    assert all(r["median_days"] is None for r in ph.values())


def test_equity_pools_the_cohorts_and_suppresses_the_totals(world):
    per = each(world, "equity")
    # Each program alone: Engineering (3 in each) is under 5 and hides
    # Sales with it.
    for rep1 in per.values():
        rows = {(r["field"], r["group"]): r for r in table(rep1, "groups")}
        assert rows[("department", "Engineering")]["mentees"] is None
        assert rows[("department", "Sales")]["mentees"] is None
    rep = rollup(world.coord, "equity")
    rows = {(r["field"], r["group"]): r for r in table(rep, "groups")}
    eng, sales = rows[("department", "Engineering")], rows[("department", "Sales")]
    assert (eng["mentees"], eng["matched"], eng["match_rate"]) == (6, 5, pytest.approx(5 / 6))
    assert (sales["mentees"], sales["matched"]) == (11, 5)
    # Berlin: one mentee in all; Lisbon then hides too, or the total of
    # the field would give Berlin back.
    assert rows[("location", "Berlin")]["suppressed"] == "fewer than 5 people"
    assert rows[("location", "Lisbon")]["mentees"] is None
    assert rows[("location", "Lisbon")]["suppressed"].startswith("hidden so that")
    byp = {r["program_id"]: r for r in table(rep, "programs")}
    a, b = byp[world.programs["A"]["id"]], byp[world.programs["B"]["id"]]
    assert (a["mentees"], a["matched"], b["mentees"], b["matched"]) == (9, 5, 8, 5)


def test_a_viewer_reads_the_programs_they_view_without_names(world, make_person):
    for name in NAMES:
        r = world.viewer.get("/api/v1/reports/" + name)
        assert r.status_code == 200, (name, r.text)
        assert "Secret" not in r.text and "ru%d-" % world.programs["A"]["id"] not in r.text
        progs = table(r.json(), "programs")
        assert {x["program_id"] for x in progs} <= {world.programs["A"]["id"]}
    rep = rollup(world.viewer, "engagement")
    assert metrics(rep)["relationships"] == 5
    # Someone who reads no program's reports is refused.
    problem(make_person(name="Roll Stranger").get("/api/v1/reports/equity"), 403)
