"""Reports (product.md §8): a program built through the API with known
relationships, meetings, goals, phases and outcome records, and every
report's figures checked - as JSON and as CSV, which must agree - with the
statistics computed here by SciPy; the period's dates; the outcome
import; what a stakeholder (viewer) sees."""
import csv
import datetime as _dt
import io
from types import SimpleNamespace

import pytest
from scipy import stats
from conftest import problem, versioned

PROGRAM = {
    "status": "enrolling",
    "selection": {"access": "open", "questions": []},
    "training": {"required_before_matching": False, "modules": []},
    "meetings": {"frequency_per_month": 2, "length_minutes": 45, "modes": ["video"]},
    "duration_months": 6,
    "phases": {"template": "custom", "items": [
        {"name": "Starting", "key_actions": ["Meet"], "timeframe_days": 14},
        {"name": "Growing", "key_actions": []},
        {"name": "Closing", "key_actions": []}]},
}
TODAY = _dt.datetime.now(_dt.timezone.utc).date()


def day(offset):
    return (TODAY + _dt.timedelta(days=offset)).isoformat()


def report(client, program, name, **params):
    r = client.get("/api/v1/programs/%d/reports/%s" % (program["id"], name), params=params)
    assert r.status_code == 200, r.text
    return r.json()


def table(rep, name):
    """A report's table as a list of dicts."""
    t = next(t for t in rep["tables"] if t["name"] == name)
    cols = [c["name"] for c in t["columns"]]
    return [dict(zip(cols, row)) for row in t["rows"]]


def metrics(rep, name="summary"):
    return {row["metric"]: row["value"] for row in table(rep, name)}


def assert_csv_agrees(client, program, rep, **params):
    """Every table of the JSON report, fetched as CSV, holds the same values."""
    for t in rep["tables"]:
        r = client.get("/api/v1/programs/%d/reports/%s" % (program["id"], rep["report"]),
                       params=dict(params, table=t["name"]), headers={"Accept": "text/csv"})
        assert r.status_code == 200, r.text
        assert r.headers["Content-Type"].startswith("text/csv")
        assert "%s-%s.csv" % (rep["report"], t["name"]) in r.headers["Content-Disposition"]
        assert r.text.endswith("\r\n")
        rows = list(csv.reader(io.StringIO(r.text, newline="")))
        assert rows[0] == [c["name"] for c in t["columns"]]
        assert len(rows) - 1 == len(t["rows"])
        for got, want in zip(rows[1:], t["rows"]):
            for cell, value, col in zip(got, want, t["columns"]):
                if value is None:
                    assert cell == ""
                elif col["type"] == "string":
                    assert cell == value
                else:
                    assert "," not in cell and " " not in cell        # unformatted
                    assert float(cell) == value


@pytest.fixture(scope="module")
def world(admin, make_person):
    """Three mentors and four mentees, three relationships:
    r1 (mentor 1, mentee 1): two meetings held, the agreement signed by both,
       a goal achieved, a message, moved to the second phase;
    r2 (mentor 1, mentee 2): one meeting held, a goal open with a milestone done;
    r3 (mentor 2, mentee 3): nothing, then ended early.
    Mentor 3 and mentee 4 are unmatched."""
    coord = make_person("coordinator", name="Cora Reports")
    r = coord.post("/api/v1/programs", json=dict(PROGRAM, name="Reports %d" % coord.person["id"]))
    assert r.status_code == 201, r.text
    program = r.json()
    pid = program["id"]
    people, parts = {}, {}
    for key, role in [("m1", "mentor"), ("m2", "mentor"), ("m3", "mentor"),
                      ("e1", "mentee"), ("e2", "mentee"), ("e3", "mentee"), ("e4", "mentee")]:
        people[key] = make_person(name="Secret Name %s" % key)
        r = people[key].post("/api/v1/programs/%d/participants" % pid, json={"role": role})
        assert r.status_code == 201, r.text
        parts[key] = r.json()["id"]
    rels = {}
    for key, m, e in [("r1", "m1", "e1"), ("r2", "m1", "e2"), ("r3", "m2", "e3")]:
        r = coord.post("/api/v1/programs/%d/relationships" % pid, json={"mentor": parts[m], "mentees": [parts[e]]})
        assert r.status_code == 201, r.text
        rels[key] = "/api/v1/relationships/%d" % r.json()["id"]

    def hold(who, rel, offset):
        r = who.post(rel + "/meetings", json={"starts_at": day(offset) + "T09:00:00Z", "duration_minutes": 30,
                                             "time_zone": "UTC", "mode": "video"})
        assert r.status_code == 201, r.text
        r = who.patch(rel + "/meetings/%d" % r.json()["id"],
                      json={"recap": {"discussed": "Private recap text", "decisions": "", "next_steps": ""}})
        assert r.status_code == 200 and r.json()["status"] == "held", r.text

    hold(people["m1"], rels["r1"], -1)
    hold(people["e1"], rels["r1"], -2)
    hold(people["m1"], rels["r2"], -1)
    for who in ("m1", "e1"):
        assert people[who].post(rels["r1"] + "/agreement/signatures", json={}).status_code == 201
    g = people["e1"].post(rels["r1"] + "/goals", json={"statement": "Secret goal statement"}).json()
    assert people["e1"].patch(rels["r1"] + "/goals/%d" % g["id"], json={"status": "achieved"}).status_code == 200
    g = people["e2"].post(rels["r2"] + "/goals", json={"statement": "Another goal"}).json()
    ms = people["e2"].post(rels["r2"] + "/goals/%d/milestones" % g["id"], json={"title": "Step"}).json()
    assert people["e2"].patch(rels["r2"] + "/goals/%d/milestones/%d" % (g["id"], ms["id"]),
                              json={"done": True}).status_code == 200
    assert people["e1"].post(rels["r1"] + "/messages", json={"body": "Secret message"}).status_code == 201
    assert coord.post(rels["r1"] + "/phase/advance", json={"override": True}).status_code == 200
    r = people["e3"].patch(rels["r3"], json={**versioned(people["e3"], rels["r3"]), "action": "end_early", "reason": "schedules"})
    assert r.status_code == 200, r.text

    viewer = make_person(name="Stake Holder")
    r = coord.post("/api/v1/programs/%d/participants" % pid,
                   json={"email": viewer.person["email"], "role": "viewer", "invite": False})
    assert r.status_code == 201, r.text
    # People who never joined a program: the outcomes' comparison group.
    others = [make_person(name="Outsider %d" % i) for i in range(8)]
    return SimpleNamespace(admin=admin, coord=coord, program=program, people=people, parts=parts, rels=rels,
                           viewer=viewer, others=others)


def test_engagement_counts_meetings_agreements_goals_and_activity(world):
    rep = report(world.coord, world.program, "engagement")
    assert rep["report"] == "engagement" and rep["from"] is None and rep["to"] is None
    m = metrics(rep)
    assert m["relationships"] == 3
    assert m["meetings_held"] == 3
    assert m["guideline_meetings_per_month"] == 2
    assert m["share_meeting_guideline"] == pytest.approx(1 / 3)              # r1 alone met twice
    assert m["share_agreement_signed_within_14_days"] == pytest.approx(1 / 3)
    assert m["share_goals_set_within_due_days"] == pytest.approx(2 / 3)
    assert m["goals"] == 2 and m["goals_achieved"] == 1 and m["goal_completion"] == pytest.approx(0.5)
    assert m["milestones"] == 1 and m["milestones_done"] == 1 and m["milestone_completion"] == 1
    assert m["messages"] == 1
    assert m["share_active_last_30_days"] == pytest.approx(2 / 3)           # r3 ended, r1 and r2 met
    months = table(rep, "by_month")
    assert sum(row["meetings_held"] for row in months) == 3
    assert months[-1]["month"] == TODAY.strftime("%Y-%m")
    for row in months:
        assert row["meetings_per_relationship"] == pytest.approx(row["meetings_held"] / row["relationships"])
    assert_csv_agrees(world.coord, world.program, rep)
    # A period before anything happened counts no meeting.
    early = report(world.coord, world.program, "engagement", to=day(-30))
    assert metrics(early)["relationships"] == 0 and metrics(early)["meetings_held"] == 0
    assert early["to"] == day(-30)
    # From yesterday: the meetings of the day before are left out.
    one = report(world.coord, world.program, "engagement", **{"from": day(-1), "to": day(0)})
    assert metrics(one)["relationships"] == 3 and metrics(one)["meetings_held"] == 2
    assert_csv_agrees(world.coord, world.program, one, **{"from": day(-1), "to": day(0)})
    assert metrics(report(world.coord, world.program, "engagement", **{"from": day(0)}))["meetings_held"] == 0


def test_phases_where_relationships_are_and_how_long_they_stayed(world):
    rep = report(world.coord, world.program, "phases")
    rows = table(rep, "phases")
    assert [r["name"] for r in rows] == ["Starting", "Growing", "Closing"]
    assert [r["relationships_now"] for r in rows] == [1, 1, 0]                # r2 starting, r1 growing; r3 ended
    assert [r["completed_stays"] for r in rows] == [1, 0, 0]
    assert 0 <= rows[0]["median_days"] < 0.1 and rows[1]["median_days"] is None
    assert_csv_agrees(world.coord, world.program, rep)


def test_matching_load_rematch_queue_and_time_to_match(world):
    rep = report(world.coord, world.program, "matching")
    m = metrics(rep)
    assert m["published_run"] is None and m["pairs"] == 0 and m["mean_score"] is None
    assert m["rematch_queue"] == 1                                           # mentee 3, after r3 ended early
    assert m["matched_in_period"] == 3 and 0 <= m["median_days_to_match"] < 0.1
    load = {r["mentees"]: r["mentors"] for r in table(rep, "mentor_load")}
    assert load == {0: 2, 2: 1}                                              # m2 (r3 ended) and m3; m1 has two
    assert len(table(rep, "score_histogram")) == 10 and table(rep, "unmatched") == []
    # No `choice` criterion: the top-three table says so instead of counting.
    assert table(rep, "top_three") == [{"choice": "no_choice_criterion", "mentees": None, "share": None}]
    assert_csv_agrees(world.coord, world.program, rep)


def outcomes_csv(world, kind, band):
    p, o = world.people, world.others
    lines = ["email,date,kind,value"]
    # participants (matched): 4 of 5 yes; mentee 1 said no earlier
    for key, v in [("m1", 1), ("m2", 1), ("e1", 1), ("e2", 1), ("e3", 0)]:
        lines.append("%s,%s,%s,%d" % (p[key].person["email"], day(-10), kind, v))
    lines.append("%s,%s,%s,0" % (p["e1"].person["email"], day(-100), kind))
    # joined but never matched: neither group
    lines.append("%s,%s,%s,1" % (p["m3"].person["email"], day(-10), kind))
    # never joined: 2 of 8 yes
    for i, who in enumerate(o):
        lines.append("%s,%s,%s,%d" % (who.person["email"], day(-10), kind, 1 if i < 2 else 0))
    for key, v in [("m1", "A"), ("e1", "A"), ("e2", "B")]:
        lines.append("%s,%s,%s,%s" % (p[key].person["email"], day(-5), band, v))
    for who, v in [(o[0], "B"), (o[1], "C")]:
        lines.append("%s,%s,%s,%s" % (who.person["email"], day(-5), band, v))
    return "\r\n".join(lines) + "\r\n"


def test_outcomes_compare_participants_with_people_who_never_joined(world):
    kind, band = "retained_%d" % world.program["id"], "band_%d" % world.program["id"]
    body = outcomes_csv(world, kind, band)
    url = "/api/v1/outcomes/imports"
    h = {"Content-Type": "text/csv"}
    # A dry run writes nothing; the real one writes; again, nothing changes.
    r = world.admin.post(url, params={"dry_run": "true"}, data=body, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["dry_run"] is True and r.json()["rows"] == 20 and r.json()["created"] == 20
    assert table(report(world.coord, world.program, "outcomes"), "comparison") == [] or all(
        row["kind"] != kind for row in table(report(world.coord, world.program, "outcomes"), "comparison"))
    r = world.admin.post(url, data=body, headers=h)
    assert r.status_code == 200 and r.json()["created"] == 20, r.text
    r = world.admin.post(url, data=body, headers=h)
    assert r.status_code == 200 and r.json()["created"] == 0 and r.json()["unchanged"] == 20, r.text

    rep = report(world.coord, world.program, "outcomes")
    row = next(x for x in table(rep, "comparison") if x["kind"] == kind)
    assert (row["participants"], row["participants_yes"], row["others"], row["others_yes"]) == (5, 4, 8, 2)
    assert row["participant_rate"] == pytest.approx(0.8) and row["other_rate"] == pytest.approx(0.25)
    assert row["difference"] == pytest.approx(0.55)
    se = (0.8 * 0.2 / 5 + 0.25 * 0.75 / 8) ** 0.5
    z = stats.norm.ppf(0.975)
    assert row["ci_low"] == pytest.approx(0.55 - z * se) and row["ci_high"] == pytest.approx(0.55 + z * se)
    assert row["test"] == "fisher_exact"                                     # groups this small
    assert row["p_value"] == pytest.approx(stats.fisher_exact([[4, 1], [2, 6]])[1], rel=1e-9)
    bands = [(x["value"], x["participants"], x["others"]) for x in table(rep, "bands") if x["kind"] == band]
    assert bands == [("A", 2, 0), ("B", 1, 1), ("C", 0, 1)]
    assert all(x["kind"] != band for x in table(rep, "comparison"))
    assert_csv_agrees(world.coord, world.program, rep)
    # Up to 50 days ago, mentee 1's earlier "no" is the latest record: 0 of 1.
    old = report(world.coord, world.program, "outcomes", to=day(-50))
    row = next(x for x in table(old, "comparison") if x["kind"] == kind)
    assert (row["participants"], row["participants_yes"], row["others"]) == (1, 0, 0)
    assert row["difference"] is None and row["test"] is None and row["p_value"] is None
    assert_csv_agrees(world.coord, world.program, old, to=day(-50))


def test_a_bad_outcome_file_names_line_and_column_and_changes_nothing(world, make_person):
    url = "/api/v1/outcomes/imports"
    h = {"Content-Type": "text/csv"}
    who = world.others[3].person["email"]
    bad = ("email,date,kind,value\r\n"
           "%s,2026-01-01,bad_kind_%d,1\r\n"
           "nobody@example.org,2026-02-30,promotion,1\r\n"
           "%s,2026-01-01,Promotion,1\r\n"
           "%s,2026-01-01,promotion,yes\r\n" % (who, world.program["id"], who, who))
    body = problem(world.admin.post(url, data=bad, headers=h), 422, "email")
    places = [(e["line"], e["field"]) for e in body["errors"]]
    assert places == [(3, "email"), (3, "date"), (4, "kind"), (5, "value")]
    assert body["errors"][0]["where"] == 'line 3, column "email"'
    assert "nothing was imported" in body["detail"] and body["error_count"] == 4
    rep = report(world.coord, world.program, "outcomes")
    assert all(x["kind"] != "bad_kind_%d" % world.program["id"] for x in table(rep, "comparison"))
    body = problem(world.admin.post(url, data="email,date,kind\r\n", headers=h), 422, "value")
    assert "lacks the column value" in body["detail"]
    problem(world.admin.post(url, data="email,date,kind,value,extra\r\n", headers=h), 422)
    problem(world.admin.post(url, data=bad, headers={"Content-Type": "application/json"}), 415)
    problem(world.admin.post(url, params={"dry_run": "perhaps"}, data=bad, headers=h), 400, "dry_run")
    problem(world.coord.post(url, data=bad, headers=h), 403)


def test_the_period_is_checked_and_every_bad_date_named(world):
    u = "/api/v1/programs/%d/reports/engagement" % world.program["id"]
    problem(world.coord.get(u, params={"from": "2026-13-01"}), 422, "from")
    problem(world.coord.get(u, params={"to": "yesterday"}), 422, "to")
    body = problem(world.coord.get(u, params={"from": "x", "to": "2026-02-30"}), 422)
    assert {e["field"] for e in body["errors"]} == {"from", "to"}
    problem(world.coord.get(u, params={"from": day(0), "to": day(-1)}), 422, "to")
    problem(world.coord.get(u, params={"table": "nonsense"}, headers={"Accept": "text/csv"}), 404, "table")
    problem(world.coord.get("/api/v1/programs/%d/reports/nonsense" % world.program["id"]), 404, "name")


def test_a_viewer_sees_every_report_and_no_personal_data(world):
    for name in ("funnel", "matching", "engagement", "phases", "resources", "outcomes"):
        r = world.viewer.get("/api/v1/programs/%d/reports/%s" % (world.program["id"], name))
        assert r.status_code == 200, r.text
        text = r.text
        for who in list(world.people.values()) + world.others:
            assert who.person["email"] not in text and who.person["name"] not in text
        for secret in ("Secret", "Private recap", "schedules"):
            assert secret not in text
        for mentee in ("e1", "e2"):
            problem(world.people[mentee].get("/api/v1/programs/%d/reports/%s" % (world.program["id"], name)), 403)


def test_the_funnel_csv_has_unformatted_numbers(world):
    r = world.coord.get("/api/v1/programs/%d/reports/funnel" % world.program["id"], headers={"Accept": "text/csv"})
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.text, newline="")))
    assert rows[0] == ["stage", "count", "conversion_from_previous", "conversion_from_first"]
    j = report(world.coord, world.program, "funnel")
    by = {s["stage"]: s for s in j["stages"]}
    for stage, count, prev, first in rows[1:]:
        if stage in by:
            assert int(count) == by[stage]["count"]
            assert (float(first) if first else None) == by[stage]["conversion_from_first"]


def test_resources_opens_by_resource_and_phase(world):
    c = world.coord
    lib = "/api/v1/programs/%d/resources" % world.program["id"]
    a = c.post(lib, json={"title": "Report test guide", "body_md": "Text.", "phases": ["Starting"]})
    assert a.status_code == 201, a.text
    b = c.post(lib, json={"title": "Report test link", "url": "https://example.org/x", "phases": ["Growing", "Starting"]})
    assert b.status_code == 201, b.text
    a, b = a.json(), b.json()
    p = world.people
    for who, res, times in [("e1", a, 2), ("m1", a, 1), ("e2", b, 1)]:
        for _ in range(times):
            assert p[who].post("/api/v1/resources/%d/opens" % res["id"]).status_code == 200
    # Someone outside the program opens it too: not one of the program's readers.
    assert c.post("/api/v1/resources/%d/opens" % a["id"]).status_code == 200
    rep = report(world.viewer, world.program, "resources")
    rows = {r["resource_id"]: r for r in table(rep, "resources")}
    assert rows[a["id"]]["title"] == "Report test guide" and rows[a["id"]]["phases"] == "Starting"
    assert (rows[a["id"]]["readers"], rows[a["id"]]["opens"]) == (2, 3)
    assert (rows[b["id"]]["readers"], rows[b["id"]]["opens"]) == (1, 1)
    assert rows[b["id"]]["phases"] == "Growing; Starting"
    others = [r for k, r in rows.items() if k not in (a["id"], b["id"])]
    assert others and all(r["readers"] == 0 for r in others)          # the starter articles, unread
    phases = {r["name"]: r for r in table(rep, "by_phase")}
    assert (phases["Starting"]["readers"], phases["Starting"]["opens"]) == (3, 4)
    assert (phases["Growing"]["resources"], phases["Growing"]["readers"], phases["Growing"]["opens"]) == (1, 1, 1)
    assert phases["Closing"]["opens"] == 0
    assert_csv_agrees(world.viewer, world.program, rep)
    # Opened today: a period that ended yesterday has no readers.
    old = report(c, world.program, "resources", to=day(-1))
    assert all(r["readers"] == 0 for r in table(old, "resources"))


def test_matching_top_three_share_by_the_rank_of_the_choice_got(admin, make_person):
    """Six mentors of one place each and seven mentees, five of whom asked
    for mentors (their choices, 1st first); the published run pairs them
    by hand so that two get their 1st choice, one their 2nd, one their 3rd,
    one none of the three, and two who named nobody get a mentor too."""
    coord = make_person("coordinator", name="Cora Choices")
    body = dict(PROGRAM, name="Choices %d" % coord.person["id"],
                matching={"mode": "hybrid", "criteria": [{"name": "picked", "kind": "choice", "weight": 1}]})
    r = coord.post("/api/v1/programs", json=body)
    assert r.status_code == 201, r.text
    program = r.json()
    pid = program["id"]
    people, parts = {}, {}
    for key, role in [("m%d" % i, "mentor") for i in range(1, 7)] + [("e%d" % i, "mentee") for i in range(1, 8)]:
        people[key] = make_person(name="Chooser %s" % key)
        extra = {"capacity": 1} if role == "mentor" else {}
        r = people[key].post("/api/v1/programs/%d/participants" % pid, json={"role": role, **extra})
        assert r.status_code == 201, r.text
        parts[key] = r.json()["id"]
    choices = {"e1": ["m1", "m2", "m3"], "e2": ["m6"], "e3": ["m5", "m2"], "e4": ["m4", "m5", "m3"],
               "e5": ["m1"]}
    for e, ms in choices.items():
        r = people[e].post("/api/v1/programs/%d/requests" % pid, json={"mentors": [parts[m] for m in ms]})
        assert r.status_code == 201, r.text
    # Before any run: no pairs to count, and no share that looks like data.
    rows = table(report(coord, program, "matching"), "top_three")
    assert [(x["choice"], x["mentees"], x["share"]) for x in rows] == [
        ("first", 0, None), ("second", 0, None), ("third", 0, None), ("none", 0, None), ("no_choices", 0, None)]
    r = admin.post("/api/v1/programs/%d/match-runs" % pid)
    assert r.status_code == 201, r.text
    run = r.json()
    url = "/api/v1/match-runs/%d/pairs" % run["id"]
    for x in run["pairs"]:
        assert admin.post(url, json={"action": "remove", "mentee": x["mentee"], "mentor": x["mentor"]}).status_code == 200
    wanted = [("e1", "m1"), ("e2", "m6"), ("e3", "m2"), ("e4", "m3"), ("e5", "m5"), ("e6", "m4")]
    for e, m in wanted:
        r = admin.post(url, json={"action": "add", "mentee": parts[e], "mentor": parts[m]})
        assert r.status_code == 200, r.text
    assert admin.post("/api/v1/match-runs/%d/publish" % run["id"]).status_code == 200
    rep = report(coord, program, "matching")
    assert metrics(rep)["pairs"] == 6
    got = {x["choice"]: (x["mentees"], x["share"]) for x in table(rep, "top_three")}
    # e1, e2 first; e3 second; e4 third; e5 asked for m1 only and got m5; e6 named nobody.
    assert got == {"first": (2, 2 / 6), "second": (1, 1 / 6), "third": (1, 1 / 6), "none": (1, 1 / 6),
                   "no_choices": (1, 1 / 6)}
    assert_csv_agrees(coord, program, rep)
    # A viewer sees the same aggregate.
    viewer = make_person(name="Choice Viewer")
    assert coord.post("/api/v1/programs/%d/participants" % pid,
                      json={"email": viewer.person["email"], "role": "viewer", "invite": False}).status_code == 201
    assert table(report(viewer, program, "matching"), "top_three") == table(rep, "top_three")
