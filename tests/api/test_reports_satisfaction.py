"""The satisfaction and at-risk reports (issue 13), and what a stakeholder
sees of every report: a program built through the API with known survey
answers by role, checked against the means and NPS computed here; no
figure of fewer answers than the threshold, and none a total would give
back by subtraction; response rates; the at-risk list for coordinators
and its counts alone for a viewer, whose replies hold no name, e-mail or
free text anywhere."""
from types import SimpleNamespace

import pytest
from conftest import problem
from test_reports import assert_csv_agrees, metrics, report, table

PROGRAM = {
    "status": "enrolling",
    "selection": {"access": "open", "questions": []},
    "training": {"required_before_matching": False, "modules": []},
}
GOOD = {k: 4 for k in ("articulation", "listening", "respect", "goal_clarity", "challenge",
                       "self_awareness", "commitment_to_learning", "reflection_and_preparation")}
SURVEY = {"title": "Named pulse", "anonymous": False, "status": "draft", "trigger": {"on": "manual"},
          "questions": [{"id": "useful", "kind": "likert", "label": "It is useful"},
                        {"id": "recommend", "kind": "nps", "label": "Recommend it?"},
                        {"id": "why", "kind": "text", "label": "Why?"}]}
ANON = {"title": "Anonymous pulse", "anonymous": True, "status": "draft", "trigger": {"on": "manual"},
        "questions": [{"id": "useful", "kind": "likert", "label": "It is useful"}]}

MENTOR_ANSWERS = [(5, 10), (4, 9), (4, 8), (3, 7), (5, 10), (2, 3)]
MENTEE_ANSWERS = [(5, 9), (3, 6), (4, 10), (1, 0), (4, 9)]


def nps(scores):
    return 100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores)


def mean(xs):
    return sum(xs) / len(xs)


def join(person, pid, role):
    r = person.post("/api/v1/programs/%d/participants" % pid, json={"role": role})
    assert r.status_code == 201, r.text
    return r.json()["id"]


@pytest.fixture(scope="module")
def world(make_person):
    coord = make_person("coordinator", name="Sat Coordinator")
    r = coord.post("/api/v1/programs", json=dict(PROGRAM, name="Satisfaction %d" % coord.person["id"]))
    assert r.status_code == 201, r.text
    program = r.json()
    pid = program["id"]
    mentors, mentees, rels = [], [], []
    for i in range(6):
        m, e = make_person(name="Secret Mentor %d" % i), make_person(name="Secret Mentee %d" % i)
        pm, pe = join(m, pid, "mentor"), join(e, pid, "mentee")
        r = coord.post("/api/v1/programs/%d/relationships" % pid, json={"mentor": pm, "mentees": [pe]})
        assert r.status_code == 201, r.text
        rels.append(r.json()["id"])
        mentors.append(m)
        mentees.append(e)
    viewer = make_person(name="Sat Viewer")
    r = coord.post("/api/v1/programs/%d/participants" % pid,
                   json={"email": viewer.person["email"], "role": "viewer", "invite": False})
    assert r.status_code == 201, r.text
    surveys = {}
    for key, body in (("named", SURVEY), ("anon", ANON)):
        r = coord.post("/api/v1/programs/%d/surveys" % pid, json=body)
        assert r.status_code == 201, r.text
        surveys[key] = "/api/v1/surveys/%d" % r.json()["id"]
        r = coord.post(surveys[key] + "/send")
        assert r.status_code == 201 and r.json()["asked"] == 12, r.text
    return SimpleNamespace(coord=coord, program=program, mentors=mentors, mentees=mentees, rels=rels,
                           viewer=viewer, surveys=surveys)


def answer(who, url, useful, recommend=None, why=None):
    a = {"useful": useful}
    if recommend is not None:
        a["recommend"] = recommend
    if why:
        a["why"] = why
    r = who.post(url + "/responses", json={"answers": a})
    assert r.status_code == 201, r.text


def rows_of(rep, survey_id):
    return {(r["question"], r["role"]): r for r in table(rep, "questions") if r["survey_id"] == survey_id}


def test_satisfaction_by_question_and_role_with_the_threshold(world):
    named = world.surveys["named"]
    sid = int(named.rsplit("/", 1)[1])
    anon_id = int(world.surveys["anon"].rsplit("/", 1)[1])
    for who, (u, n) in zip(world.mentors, MENTOR_ANSWERS):
        answer(who, named, u, n, why="Secret free text answer")
    for who, (u, n) in zip(world.mentees[:3], MENTEE_ANSWERS[:3]):
        answer(who, named, u, n)
    for who in world.mentees[:4]:
        answer(who, world.surveys["anon"], 4)

    rep = report(world.coord, world.program, "satisfaction")
    assert [t["name"] for t in rep["tables"]] == ["summary", "questions", "response_rates"]
    rows = rows_of(rep, sid)
    both = MENTOR_ANSWERS + MENTEE_ANSWERS[:3]
    everyone = rows[("useful", "all")]
    assert everyone["answered"] == 9 and everyone["mean"] == pytest.approx(mean([u for u, _ in both]))
    assert everyone["nps"] is None and everyone["suppressed"] is None
    assert rows[("recommend", "all")]["nps"] == pytest.approx(nps([n for _, n in both]))
    assert rows[("recommend", "all")]["mean"] == pytest.approx(mean([n for _, n in both]))
    # Three mentees are under 5: hidden; the mentors' 6 would give them
    # back (all minus mentors), so they are hidden too.
    for q in ("useful", "recommend"):
        assert rows[(q, "mentee")]["suppressed"] == "fewer than 5 answers"
        assert rows[(q, "mentor")]["suppressed"].startswith("hidden so that")
        for role in ("mentor", "mentee"):
            assert rows[(q, role)]["answered"] is None and rows[(q, role)]["mean"] is None
    assert ("why", "all") not in rows                                     # free text is no average
    # The anonymous survey keeps no role: one row, and 4 answers show nothing.
    anon = rows_of(rep, anon_id)
    assert list(anon) == [("useful", "all")]
    assert anon[("useful", "all")]["suppressed"] == "fewer than 5 answers"
    assert anon[("useful", "all")]["mean"] is None
    m = metrics(rep)
    assert m["anonymity_threshold"] == 5 and m["responses"] == 13
    assert m["asked"] == 24 and m["answered"] == 13 and m["response_rate"] == pytest.approx(13 / 24)
    # Pooled over the questions shown: the named survey's, not the anonymous one's.
    assert m["mean_rating"] == pytest.approx(mean([u for u, _ in both]))
    assert m["nps"] == pytest.approx(nps([n for _, n in both]))
    rates = {(r["survey_id"], r["role"]): r for r in table(rep, "response_rates")}
    assert (rates[(sid, "mentor")]["asked"], rates[(sid, "mentor")]["answered"]) == (6, 6)
    assert rates[(sid, "mentee")]["response_rate"] == pytest.approx(0.5)
    assert rates[(anon_id, "mentee")]["answered"] == 4
    assert_csv_agrees(world.coord, world.program, rep)

    # Two more mentees: five of each, every cell shown, as computed here.
    for who, (u, n) in zip(world.mentees[3:5], MENTEE_ANSWERS[3:5]):
        answer(who, named, u, n)
    answer(world.mentees[4], world.surveys["anon"], 2)
    rep = report(world.viewer, world.program, "satisfaction")
    rows = rows_of(rep, sid)
    for role, given in (("mentor", MENTOR_ANSWERS), ("mentee", MENTEE_ANSWERS)):
        assert rows[("useful", role)]["answered"] == len(given)
        assert rows[("useful", role)]["mean"] == pytest.approx(mean([u for u, _ in given]))
        assert rows[("recommend", role)]["nps"] == pytest.approx(nps([n for _, n in given]))
        assert rows[("useful", role)]["suppressed"] is None
    anon = rows_of(rep, anon_id)[("useful", "all")]
    assert anon["answered"] == 5 and anon["mean"] == pytest.approx((4 * 4 + 2) / 5)
    m = metrics(rep)
    allu = [u for u, _ in MENTOR_ANSWERS + MENTEE_ANSWERS] + [4, 4, 4, 4, 2]
    assert m["mean_rating"] == pytest.approx(mean(allu))
    assert_csv_agrees(world.viewer, world.program, rep)
    assert "Secret" not in str(rep)                                       # the free-text answers


def test_the_at_risk_report_lists_for_coordinators_and_counts_for_viewers(world):
    rel = world.rels[0]
    low = dict(GOOD, listening=1, respect=2)
    r = world.mentees[0].post("/api/v1/relationships/%d/health-checks" % rel,
                              json={"ratings": low, "comment": "Secret comment"})
    assert r.status_code == 201, r.text
    rep = report(world.coord, world.program, "at-risk")
    assert [t["name"] for t in rep["tables"]] == ["summary", "reasons", "relationships"]
    m = metrics(rep)
    listed = table(rep, "relationships")
    assert m["open_relationships"] == 6 and m["at_risk_now"] == len(listed) >= 1
    assert m["share_at_risk"] == pytest.approx(len(listed) / 6)
    mine = next(x for x in listed if x["relationship_id"] == rel)
    assert "low_rating" in mine["reasons"].split() and "Secret Mentee 0" in mine["members"]
    assert "Listening 1" in mine["explanation"]
    reasons = {x["reason"]: x for x in table(rep, "reasons")}
    assert reasons["low_rating"]["at_risk_now"] >= 1
    assert reasons["low_rating"]["flagged_now"] >= 1 and reasons["low_rating"]["flagged_ever"] >= 1
    assert m["flagged_ever"] >= 1
    # The working list the coordinator acts on is the same list.
    work = world.coord.get("/api/v1/programs/%d/at-risk" % world.program["id"]).json()
    assert sorted(i["relationship_id"] for i in work["items"]) == sorted(x["relationship_id"] for x in listed)
    assert_csv_agrees(world.coord, world.program, rep)

    seen = report(world.viewer, world.program, "at-risk")
    assert [t["name"] for t in seen["tables"]] == ["summary", "reasons"]
    assert metrics(seen)["at_risk_now"] == m["at_risk_now"]
    problem(world.viewer.get("/api/v1/programs/%d/reports/at-risk" % world.program["id"],
                             params={"table": "relationships"}, headers={"Accept": "text/csv"}), 404, "table")
    problem(world.viewer.get("/api/v1/programs/%d/at-risk" % world.program["id"]), 403)
    problem(world.mentors[0].get("/api/v1/programs/%d/reports/at-risk" % world.program["id"]), 403)


REPORTS = ("funnel", "matching", "engagement", "phases", "resources", "outcomes", "satisfaction", "equity",
           "at-risk")


def test_a_viewer_reads_every_report_and_no_personal_data(world):
    people = world.mentors + world.mentees + [world.coord]
    for name in REPORTS:
        for accept in ("application/json", "text/csv"):
            r = world.viewer.get("/api/v1/programs/%d/reports/%s" % (world.program["id"], name),
                                 headers={"Accept": accept})
            assert r.status_code == 200, (name, r.text)
            texts = [r.text]
            if accept == "application/json" and "tables" in r.json():
                for t in r.json()["tables"]:
                    c = world.viewer.get("/api/v1/programs/%d/reports/%s" % (world.program["id"], name),
                                         params={"table": t["name"]}, headers={"Accept": "text/csv"})
                    assert c.status_code == 200
                    texts.append(c.text)
            for text in texts:
                for who in people:
                    assert who.person["email"] not in text and who.person["name"] not in text, name
                assert "Secret" not in text, name


def test_the_roll_up_adds_up_the_programs_a_reader_may_read(world, admin, make_person, server):
    """GET /reports/{name}: the funnel and at-risk summed over the programs
    one reads; the programs table gives each one's figures."""
    import json
    pid = world.program["id"]
    mine = report(world.coord, world.program, "at-risk")
    got = world.viewer.get("/api/v1/reports/at-risk")
    assert got.status_code == 200, got.text
    rep = got.json()
    assert rep["report"] == "at-risk" and rep["program_id"] is None
    assert [t["name"] for t in rep["tables"]] == ["summary", "reasons", "programs"]
    progs = table(rep, "programs")
    assert [p["program_id"] for p in progs] == [pid]                 # the viewer views this one alone
    assert metrics(rep)["at_risk_now"] == metrics(mine)["at_risk_now"] == progs[0]["at_risk_now"]
    assert "Secret" not in got.text
    # An admin's covers every program: the sums are the programs' sums.
    every = admin.get("/api/v1/reports/at-risk").json()
    rows = table(every, "programs")
    assert pid in [p["program_id"] for p in rows] and len(rows) >= 1
    m = metrics(every)
    assert m["at_risk_now"] == sum(p["at_risk_now"] for p in rows)
    assert m["open_relationships"] == sum(p["open_relationships"] for p in rows)
    assert m["share_at_risk"] == pytest.approx(m["at_risk_now"] / m["open_relationships"])
    # The funnel: stage counts summed, conversions from the sums.
    f = admin.get("/api/v1/reports/funnel").json()
    stages = {r["stage"]: r for r in table(f, "stages")}
    byp = table(f, "programs")
    assert stages["matched"]["count"] == sum(p["matched"] for p in byp)
    assert stages["approved"]["count"] == sum(p["approved"] for p in byp)
    ours = next(p for p in byp if p["program_id"] == pid)
    assert ours["matched"] == 12                                   # six mentors, six mentees
    everyone = sum(p["everyone"] for p in byp)
    assert stages["matched"]["conversion_from_first"] == pytest.approx(stages["matched"]["count"] / everyone)
    assert_csv_agrees_rollup(admin, f)
    # Someone who reads no program's reports; no such report.
    problem(world.mentors[0].get("/api/v1/reports/funnel"), 403)
    problem(make_person().get("/api/v1/reports/at-risk"), 403)
    problem(admin.get("/api/v1/reports/nonsense"), 404, "name")
    # Satisfaction adds up its response rates, never a rating of a hidden cell.
    sat = world.viewer.get("/api/v1/reports/satisfaction").json()
    assert metrics(sat)["asked"] == metrics(report(world.coord, world.program, "satisfaction"))["asked"]
    assert metrics(sat)["mean_rating"] is None
    problem(admin.get("/api/v1/reports/funnel", params={"to": "2026-02-30"}), 422, "to")
    # The command line, without --program: every program, as an admin sees it.
    run = server.run("report", "--db", server.db, "funnel")
    assert run.returncode == 0, run.stderr
    assert table(json.loads(run.stdout), "stages") == table(f, "stages")
    run = server.run("report", "--db", server.db, "nonsense", check=False)
    assert run.returncode == 2 and "nonsense" in run.stderr


def assert_csv_agrees_rollup(client, rep):
    import csv
    import io
    for t in rep["tables"]:
        r = client.get("/api/v1/reports/%s" % rep["report"], params={"table": t["name"]},
                       headers={"Accept": "text/csv"})
        assert r.status_code == 200, r.text
        rows = list(csv.reader(io.StringIO(r.text, newline="")))
        assert rows[0] == [c["name"] for c in t["columns"]] and len(rows) - 1 == len(t["rows"])
        for got, want in zip(rows[1:], t["rows"]):
            for cell, value in zip(got, want):
                assert cell == ("" if value is None else value if isinstance(value, str) else cell)
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    assert float(cell) == value
