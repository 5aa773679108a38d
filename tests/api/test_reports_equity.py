"""The equity report (issue 13): the mentees of a program, imported with
their department, job level and location, matched or not, with ended
relationships and outcome records; every group's figures checked against
values computed here, the groups under the anonymity threshold suppressed
together with the next smallest (so no total gives one back by
subtraction), JSON and CSV agreeing, and the outcomes comparison's z-test
against SciPy."""
from types import SimpleNamespace

import pytest
from scipy import stats
from conftest import problem, versioned
from test_reports import assert_csv_agrees, day, report, table

PROGRAM = {
    "status": "enrolling",
    "selection": {"access": "open", "questions": []},
    "training": {"required_before_matching": False, "modules": []},
}

# Mentees: (department, job level, location, matched, relationship ended as)
MENTEES = [
    ("Engineering", 3, "Lisbon", True, "completed"),
    ("Engineering", 3, "Lisbon", True, "ended_early"),
    ("Engineering", 3, "Lisbon", True, None),
    ("Engineering", 4, "Lisbon", True, None),
    ("Engineering", 4, "Lisbon", False, None),
    ("Engineering", 4, "Berlin", False, None),
    ("Sales", 3, "Lisbon", True, None),
    ("Sales", 3, "Lisbon", False, None),
    ("Finance", 4, "Lisbon", True, None),
    ("", 3, "Lisbon", False, None),
    ("Sales", 3, "Lisbon", True, None),
    ("Sales", 4, "Lisbon", True, None),
    ("Sales", 4, "Lisbon", False, None),
]


@pytest.fixture(scope="module")
def world(admin, make_person):
    coord = make_person("coordinator", name="Eq Coordinator")
    r = coord.post("/api/v1/programs", json=dict(PROGRAM, name="Equity %d" % coord.person["id"]))
    assert r.status_code == 201, r.text
    program = r.json()
    pid = program["id"]
    tag = "eq%d" % pid
    lines = ["email,name,role,department,job_level,location,capacity"]
    for i, (dept, level, place, _, _) in enumerate(MENTEES):
        lines.append("%s-e%d@example.org,Secret Mentee %d,mentee,%s,%d,%s," % (tag, i, i, dept, level, place))
    for i in range(5):
        lines.append("%s-m%d@example.org,Secret Mentor %d,mentor,Engineering,9,Lisbon,3" % (tag, i, i))
    r = coord.post("/api/v1/programs/%d/imports" % pid, data="\n".join(lines) + "\n",
                   headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    parts = coord.get("/api/v1/programs/%d/participants" % pid, params={"limit": 500}).json()["items"]
    by_email = {p["email"]: p for p in parts}
    # The coordinator approves everyone, then pairs the matched mentees.
    ids = [p["id"] for p in parts if p["role"] in ("mentor", "mentee")]
    r = coord.post("/api/v1/programs/%d/participants/bulk" % pid, json={"action": "approve", "ids": ids})
    assert r.status_code == 200, r.text
    mentors = [by_email["%s-m%d@example.org" % (tag, i)]["id"] for i in range(5)]
    slot = 0
    for i, (_, _, _, matched, ended) in enumerate(MENTEES):
        if not matched:
            continue
        mentee = by_email["%s-e%d@example.org" % (tag, i)]["id"]
        r = coord.post("/api/v1/programs/%d/relationships" % pid,
                       json={"mentor": mentors[slot // 2], "mentees": [mentee]})
        assert r.status_code == 201, r.text
        slot += 1
        rel = "/api/v1/relationships/%d" % r.json()["id"]
        if ended == "ended_early":
            r = coord.patch(rel, json={**versioned(coord, rel), "action": "end_early", "reason": "Secret reason"})
            assert r.status_code == 200, r.text
        elif ended == "completed":
            r = coord.patch(rel, json={**versioned(coord, rel), "action": "close"})
            assert r.status_code == 200, r.text
    viewer = make_person(name="Eq Viewer")
    r = coord.post("/api/v1/programs/%d/participants" % pid,
                   json={"email": viewer.person["email"], "role": "viewer", "invite": False})
    assert r.status_code == 201, r.text
    others = [make_person(name="Eq Outsider %d" % i) for i in range(20)]
    return SimpleNamespace(admin=admin, coord=coord, program=program, tag=tag, viewer=viewer, others=others)


def expected_groups(index):
    """Each group's figures, computed from MENTEES."""
    out = {}
    for dept, level, place, matched, ended in MENTEES:
        key = (dept, str(level), place)[index] or "(not given)"
        g = out.setdefault(key, {"mentees": 0, "matched": 0, "ended": 0, "completed": 0})
        g["mentees"] += 1
        g["matched"] += matched
        g["ended"] += ended is not None
        g["completed"] += ended == "completed"
    return out


def test_groups_by_department_level_and_location_with_suppression(world):
    rep = report(world.coord, world.program, "equity")
    assert [t["name"] for t in rep["tables"]] == ["groups", "outcomes"]
    rows = {(r["field"], r["group"]): r for r in table(rep, "groups")}
    # Department: Engineering 6, Sales 5 are shown; Finance 1 and "(not
    # given)" 1 are under 5 and hide each other.
    eng = rows[("department", "Engineering")]
    assert (eng["mentees"], eng["matched"]) == (6, 4) and eng["match_rate"] == pytest.approx(4 / 6)
    assert eng["relationships_ended"] == 2 and eng["completion_rate"] == pytest.approx(0.5)
    assert 0 <= eng["median_days_to_match"] < 0.1 and eng["mean_score"] is None   # no published run
    assert eng["suppressed"] is None
    sales = rows[("department", "Sales")]
    assert (sales["mentees"], sales["matched"], sales["relationships_ended"]) == (5, 3, 0)
    assert sales["completion_rate"] is None
    for g in ("Finance", "(not given)"):
        row = rows[("department", g)]
        assert row["suppressed"] == "fewer than 5 people"
        assert all(row[c] is None for c in ("mentees", "matched", "match_rate", "median_days_to_match"))
    # Location: Lisbon 12, Berlin 1 - Berlin alone is small, so the
    # smallest other group (Lisbon) goes too, or the total would give it back.
    assert rows[("location", "Berlin")]["suppressed"] == "fewer than 5 people"
    assert rows[("location", "Lisbon")]["suppressed"].startswith("hidden so that")
    assert rows[("location", "Lisbon")]["mentees"] is None
    # Job level: 3 and 4, 7 and 6 people, both shown, as computed here.
    for level, want in expected_groups(1).items():
        row = rows[("job_level", level)]
        assert (row["mentees"], row["matched"], row["relationships_ended"]) == (
            want["mentees"], want["matched"], want["ended"])
        assert row["match_rate"] == pytest.approx(want["matched"] / want["mentees"])
    assert_csv_agrees(world.coord, world.program, rep)
    # The period is the cohort: mentees approved in it. None before today.
    old = report(world.coord, world.program, "equity", to=day(-1))
    assert table(old, "groups") == []


def test_outcomes_by_group_and_the_z_test(world):
    tag = world.tag
    lines = ["email,date,kind,value"]
    kind = "retention_%s" % tag
    # The matched mentees: Engineering 4 (3 yes), Sales 3 (2 yes), Finance 1 (yes).
    yes = {0: 1, 1: 1, 2: 1, 3: 0, 6: 1, 10: 1, 11: 0, 8: 1}
    for i, v in yes.items():
        lines.append("%s-e%d@example.org,%s,%s,%d" % (tag, i, day(-3), kind, v))
    # Mentors 0-3 were matched: all retained.
    for i in range(4):
        lines.append("%s-m%d@example.org,%s,%s,1" % (tag, i, day(-3), kind))
    # 20 people who never joined: 8 retained.
    for i, who in enumerate(world.others):
        lines.append("%s,%s,%s,%d" % (who.person["email"], day(-3), kind, 1 if i < 8 else 0))
    r = world.admin.post("/api/v1/outcomes/imports", data="\r\n".join(lines) + "\r\n",
                         headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text

    rep = report(world.coord, world.program, "equity")
    rows = {(r["field"], r["group"]): r for r in table(rep, "outcomes") if r["kind"] == kind}
    # Engineering: 4 mentees + 4 mentors, 7 yes; Sales 3 and Finance 1 under 5.
    eng = rows[("department", "Engineering")]
    assert (eng["participants"], eng["yes"]) == (8, 7) and eng["rate"] == pytest.approx(7 / 8)
    assert rows[("department", "Sales")]["suppressed"] == "fewer than 5 people"
    assert rows[("department", "Finance")]["suppressed"] == "fewer than 5 people"
    assert_csv_agrees(world.coord, world.program, rep)

    # The outcomes report: 12 participants (10 yes) against 20 others (8
    # yes); every expected cell is 5 or more, so the pooled z-test.
    out = report(world.coord, world.program, "outcomes")
    row = next(x for x in table(out, "comparison") if x["kind"] == kind)
    assert (row["participants"], row["participants_yes"], row["others"], row["others_yes"]) == (12, 10, 20, 8)
    assert row["test"] == "z_test"
    p1, p2, pooled = 10 / 12, 8 / 20, 18 / 32
    z = (p1 - p2) / (pooled * (1 - pooled) * (1 / 12 + 1 / 20)) ** 0.5
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-9)
    # The same 2x2 table through SciPy's own test of two proportions.
    chi2, p, _, _ = stats.chi2_contingency([[10, 2], [8, 12]], correction=False)
    assert row["p_value"] == pytest.approx(p, rel=1e-9)


# A declared group field: the mentees' answer to a single-choice question,
# and the learning style of their profile (given by the first six).
GENDER = ["Woman", "Woman", "Man", "Woman", "Man", "Woman", "Woman", "Man", "Nonbinary", "Woman",
          "Man", "Woman", "Man"]
QUESTIONS = [
    {"id": "gender", "role": "both", "type": "single_choice", "label": "Gender",
     "options": ["Woman", "Man", "Nonbinary"]},
    {"id": "goal", "role": "both", "type": "text", "label": "Your goal?"},
]


def test_declared_group_fields_are_checked_and_grouped_by(world):
    """After the outcomes above: the program declares its gender question
    and the profile's learning style as group fields; the report groups
    by each as it does by department, with the same suppression."""
    url = "/api/v1/programs/%d" % world.program["id"]
    sel = {"access": "open", "questions": QUESTIONS}
    bad = {"selection": sel,
           "reports": {"equity_groups": ["nope", "goal", "department", "gender", "gender"]}}
    body = problem(world.coord.patch(url, json={**bad, **versioned(world.coord, url)}), 422)
    assert {e["field"] for e in body["errors"]} == {
        "reports.equity_groups[0]", "reports.equity_groups[1]", "reports.equity_groups[2]",
        "reports.equity_groups[4]"}
    assert "'goal' must be a single-choice or scale question" in body["detail"] + str(body["errors"])
    body = problem(world.coord.patch(url, json={"reports": {"equity_groups": ["x"] * 9, "other": 1},
                                                **versioned(world.coord, url)}), 422)
    assert {"reports.other", "reports.equity_groups"} <= {e["field"] for e in body["errors"]}
    assert world.coord.get(url).json()["reports"] == {"equity_groups": []}   # nothing changed
    r = world.coord.patch(url, json={"selection": sel, "reports": {"equity_groups": ["gender", "learning_style"]},
                                     **versioned(world.coord, url)})
    assert r.status_code == 200, r.text
    assert r.json()["reports"] == {"equity_groups": ["gender", "learning_style"]}

    parts = world.coord.get(url + "/participants", params={"limit": 500}).json()["items"]
    by_email = {p["email"]: p for p in parts}
    for i, g in enumerate(GENDER):
        part = by_email["%s-e%d@example.org" % (world.tag, i)]["id"]
        change = {"answers": {"gender": g, "goal": "Secret goal"}}
        if i < 6:
            change["profile"] = {"learning_style": "Visual"}
        r = world.coord.patch(url + "/participants/%d" % part, json=change)
        assert r.status_code == 200, r.text

    rep = report(world.coord, world.program, "equity")
    rows = {(r["field"], r["group"]): r for r in table(rep, "groups")}
    assert [k[1] for k in rows if k[0] == "gender"] == ["Man", "Nonbinary", "Woman"]
    # Woman 7 (5 matched, ended 2: 1 completed) shown; Nonbinary 1 is
    # small, and Man 5, the smallest other, hides with it.
    woman = rows[("gender", "Woman")]
    assert (woman["mentees"], woman["matched"], woman["relationships_ended"]) == (7, 5, 2)
    assert woman["match_rate"] == pytest.approx(5 / 7) and woman["completion_rate"] == pytest.approx(0.5)
    assert rows[("gender", "Nonbinary")]["suppressed"] == "fewer than 5 people"
    assert rows[("gender", "Man")]["suppressed"].startswith("hidden so that")
    assert rows[("gender", "Man")]["mentees"] is None and rows[("gender", "Man")]["matched"] is None
    # Learning style: Visual 6 (4 matched), not given 7 (4 matched).
    visual, none = rows[("learning_style", "Visual")], rows[("learning_style", "(not given)")]
    assert (visual["mentees"], visual["matched"], none["mentees"], none["matched"]) == (6, 4, 7, 4)
    # The built-in fields are as before.
    assert rows[("department", "Engineering")]["mentees"] == 6
    # Outcomes by gender: Woman 5 (3 yes) shown; Man 2, Nonbinary 1 and the
    # mentors, who did not answer, (not given) 4, all small.
    kind = "retention_%s" % world.tag
    orows = {(r["field"], r["group"]): r for r in table(rep, "outcomes") if r["kind"] == kind}
    w = orows[("gender", "Woman")]
    assert (w["participants"], w["yes"], w["rate"]) == (5, 3, pytest.approx(0.6))
    for g in ("Man", "Nonbinary", "(not given)"):
        assert orows[("gender", g)]["suppressed"] == "fewer than 5 people"
    assert_csv_agrees(world.coord, world.program, rep)
    v = world.viewer.get("/api/v1/programs/%d/reports/equity" % world.program["id"])
    assert v.status_code == 200 and "Secret" not in v.text
    # The person's time zone alone (nobody gave one): one group of all 13.
    r = world.coord.patch(url, json={"reports": {"equity_groups": ["time_zone"]}, **versioned(world.coord, url)})
    assert r.status_code == 200, r.text
    rows = [r for r in table(report(world.coord, world.program, "equity"), "groups") if r["field"] == "time_zone"]
    assert [(r["group"], r["mentees"], r["matched"]) for r in rows] == [("(not given)", 13, 8)]


def test_a_viewer_reads_equity_without_a_name(world):
    rep = world.viewer.get("/api/v1/programs/%d/reports/equity" % world.program["id"])
    assert rep.status_code == 200
    assert "Secret" not in rep.text and world.tag + "-" not in rep.text
    for who in world.others:
        assert who.person["email"] not in rep.text and who.person["name"] not in rep.text


def test_measurable_objectives_with_their_current_value(world):
    """After the outcomes above: each objective measured, with where it stands."""
    url = "/api/v1/programs/%d" % world.program["id"]
    kind = "retention_%s" % world.tag
    bad = {"objectives": {"measures": [{"name": "A", "target": 1, "tracks": "speed"},
                                       {"name": "B", "target": 1, "tracks": "nps", "by": "2027-02-30"}]}}
    body = problem(world.coord.patch(url, json={**bad, **versioned(world.coord, url)}), 422)
    assert {e["field"] for e in body["errors"]} == {"objectives.measures[0].tracks", "objectives.measures[1].by"}
    measures = [
        {"name": "Retention of participants", "unit": "%", "baseline": 60, "target": 80, "tracks": "outcome:" + kind,
         "by": day(335)},
        {"name": "Match rate soon", "unit": "%", "baseline": 50, "target": 90, "tracks": "match_rate", "by": day(30)},
        {"name": "Match rate later", "unit": "%", "baseline": 50, "target": 90, "tracks": "match_rate", "by": day(3000)},
        {"name": "Told as text", "target": 3},
        {"name": "Surveys", "target": 30, "tracks": "nps"},
    ]
    r = world.coord.patch(url, json={"objectives": {"summary": "", "measures": measures},
                                     "dates": {"starts": day(-30)}, **versioned(world.coord, url)})
    assert r.status_code == 200, r.text
    assert r.json()["objectives"]["measures"][0]["tracks"] == "outcome:" + kind
    rep = report(world.viewer, world.program, "outcomes")
    rows = {x["objective"]: x for x in table(rep, "objectives")}
    ret = rows["Retention of participants"]
    assert ret["current"] == pytest.approx(100 * 10 / 12) and ret["status"] == "met"
    assert (ret["baseline"], ret["target"], ret["by"]) == (60, 80, day(335))
    matched = sum(m[3] for m in MENTEES)
    rate = 100 * matched / len(MENTEES)
    soon, later = rows["Match rate soon"], rows["Match rate later"]
    assert soon["current"] == pytest.approx(rate) and later["current"] == pytest.approx(rate)
    # Half way (30 of 60 days) the line stands at 70: 61.5 is behind it;
    # with years to go it stands at about 50.4: on track.
    assert soon["status"] == "behind" and later["status"] == "on_track"
    assert rows["Told as text"]["status"] == "not_measured" and rows["Told as text"]["current"] is None
    assert rows["Surveys"]["status"] == "no_data"
    assert_csv_agrees(world.viewer, world.program, rep)
