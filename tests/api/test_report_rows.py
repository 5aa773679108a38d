"""The rows kept for the reports (docs/internals/reports.md, "Rows kept for
the reports"): the survey answers' counts written when a response is
submitted, each person's latest outcome record of each kind kept by the
outcome import. The reports read those; these tests walk every write path
- an answer through the API, an outcome import that creates, replaces,
leaves unchanged, adds an older or a newer record, `tandem demo`, a
person's deletion - and check the reports follow, and that deriving every
kept row again from the raw rows (`tandem facts --rebuild`, what the
migration does) changes no report: a path that forgot its rows would."""
import json

import pytest
from test_reports import day, report, table, world  # noqa: F401  (world: the fixture)
from test_reports_satisfaction import answer, join

from server import Server

REPORTS = ["satisfaction", "outcomes", "equity"]


def reports_of(client, program, **params):
    return {name: report(client, program, name, **params) for name in REPORTS}


def assert_rebuild_changes_nothing(server, client, program):
    before = reports_of(client, program)
    server.run("facts", "--rebuild", "--db", server.db)
    assert reports_of(client, program) == before


def comparison(rep, kind):
    row = next(x for x in table(rep, "comparison") if x["kind"] == kind)
    return row["participants"], row["participants_yes"], row["others"], row["others_yes"]


def import_outcomes(world, lines, **want):
    r = world.admin.post("/api/v1/outcomes/imports", data="\r\n".join(["email,date,kind,value"] + lines) + "\r\n",
                         headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    for k, v in want.items():
        assert r.json()[k] == v, r.text


def test_the_latest_outcome_follows_every_import(world, server):
    kind = "kept_%d" % world.program["id"]
    p, o = world.people, world.others
    email = {k: v.person["email"] for k, v in p.items()}
    line = "%s,%s,%s,%s".__mod__
    # Matched: m1, m2, e1 yes, e2 no; never joined: o0 yes, o1-o3 no.
    import_outcomes(world, [line((email[k], day(-20), kind, v)) for k, v in
                            [("m1", 1), ("m2", 1), ("e1", 1), ("e2", 0)]] +
                    [line((who.person["email"], day(-20), kind, 1 if i == 0 else 0))
                     for i, who in enumerate(o[:4])], created=8)
    rep = report(world.coord, world.program, "outcomes")
    assert comparison(rep, kind) == (4, 3, 4, 1)
    # Replacing a value (same day) moves the report; the same file again does not.
    import_outcomes(world, [line((email["m1"], day(-20), kind, 0))], updated=1)
    assert comparison(report(world.coord, world.program, "outcomes"), kind) == (4, 2, 4, 1)
    import_outcomes(world, [line((email["m1"], day(-20), kind, 0))], unchanged=1)
    assert comparison(report(world.coord, world.program, "outcomes"), kind) == (4, 2, 4, 1)
    # An older record is not the latest; a newer one is.
    import_outcomes(world, [line((o[1].person["email"], day(-200), kind, 1))], created=1)
    assert comparison(report(world.coord, world.program, "outcomes"), kind) == (4, 2, 4, 1)
    import_outcomes(world, [line((o[1].person["email"], day(-2), kind, 1)),
                            line((email["e2"], day(-3), kind, 1))], created=2)
    rep = report(world.coord, world.program, "outcomes")
    assert comparison(rep, kind) == (4, 3, 4, 2)
    # A period open at its end reads the kept rows, one that ends reads the
    # records: the same figures for the same days.
    for params in ({}, {"from": day(-10)}, {"from": day(-300)}):
        open_end = reports_of(world.coord, world.program, **params)
        closed = reports_of(world.coord, world.program, to=day(0), **params)
        for name in ("outcomes", "equity"):
            assert open_end[name]["tables"] == closed[name]["tables"], (name, params)
    since = report(world.coord, world.program, "outcomes", **{"from": day(-10)})
    assert comparison(since, kind) == (1, 1, 1, 1)                           # e2's and o1's newer records
    # Up to 100 days ago only o1's older record counts.
    assert comparison(report(world.coord, world.program, "outcomes", to=day(-100)), kind) == (0, 0, 1, 1)
    assert_rebuild_changes_nothing(server, world.coord, world.program)


def test_a_deleted_person_takes_their_kept_rows_along(world, server, make_person):
    kind = "gone_%d" % world.program["id"]
    leaver = make_person(name="Leaver")
    import_outcomes(world, ["%s,%s,%s,1" % (who.person["email"], day(-5), kind)
                            for who in world.others[:3] + [leaver]], created=4)
    assert comparison(report(world.coord, world.program, "outcomes"), kind) == (0, 0, 4, 4)
    pid = leaver.person["id"]
    assert server.sql("SELECT COUNT(*) FROM outcome_latest WHERE person_id = %d" % pid) == [("1",)]
    server.sql("DELETE FROM people WHERE id = %d" % pid)
    assert server.sql("SELECT COUNT(*) FROM outcome_latest WHERE person_id = %d" % pid) == [("0",)]
    assert comparison(report(world.coord, world.program, "outcomes"), kind) == (0, 0, 3, 3)
    assert_rebuild_changes_nothing(server, world.coord, world.program)


def test_answers_submitted_are_counted_and_go_with_their_survey(make_person, server):
    coord = make_person("coordinator", name="Rows Coordinator")
    r = coord.post("/api/v1/programs", json={
        "name": "Rows %d" % coord.person["id"], "status": "enrolling",
        "selection": {"access": "open", "questions": []},
        "training": {"required_before_matching": False, "modules": []}})
    assert r.status_code == 201, r.text
    program = r.json()
    pid = program["id"]
    mentors = []
    for i in range(5):
        m, e = make_person(name="Rows Mentor %d" % i), make_person(name="Rows Mentee %d" % i)
        pm, pe = join(m, pid, "mentor"), join(e, pid, "mentee")
        assert coord.post("/api/v1/programs/%d/relationships" % pid,
                          json={"mentor": pm, "mentees": [pe]}).status_code == 201
        mentors.append(m)
    r = coord.post("/api/v1/programs/%d/surveys" % pid, json={
        "title": "Kept", "anonymous": False, "status": "draft", "trigger": {"on": "manual"},
        "questions": [{"id": "useful", "kind": "likert", "label": "Useful"},
                      {"id": "recommend", "kind": "nps", "label": "Recommend"}]})
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    url = "/api/v1/surveys/%d" % sid
    assert coord.post(url + "/send").status_code == 201

    def rows():
        rep = report(coord, program, "satisfaction")
        got = {(x["question"], x["role"]): (x["answered"], x["mean"], x["nps"])
               for x in table(rep, "questions") if x["survey_id"] == sid}
        return got, {m["metric"]: m["value"] for m in table(rep, "summary")}

    got, summary = rows()
    assert got[("useful", "all")][0] is None and summary["responses"] == 0
    answers = [(5, 10), (4, 9), (2, 3), (3, 7), (4, 10)]
    for i, (who, (u, n)) in enumerate(zip(mentors, answers)):
        answer(who, url, u, n)
        if i == 0:
            assert rows()[0][("useful", "all")][0] is None                 # 1 < the threshold
            assert_rebuild_changes_nothing(server, coord, program)
    got, summary = rows()
    assert got[("useful", "all")][:2] == (5, pytest.approx(18 / 5))
    assert got[("recommend", "mentor")] == (5, pytest.approx(39 / 5), pytest.approx(100 * (3 - 1) / 5))
    assert summary["responses"] == 5
    # A period of days: today's answers are in it, yesterday's period holds none.
    y = report(coord, program, "satisfaction", to=day(-1))
    assert all(x["answered"] is None for x in table(y, "questions") if x["survey_id"] == sid)
    t = report(coord, program, "satisfaction", **{"from": day(0), "to": day(0)})
    assert {(x["question"], x["role"]): x["answered"] for x in table(t, "questions")
            if x["survey_id"] == sid}[("useful", "all")] == 5
    assert_rebuild_changes_nothing(server, coord, program)
    # The counts go with their survey.
    assert server.sql("SELECT SUM(n) FROM survey_answer_counts WHERE survey_id = %d" % sid) == [("10",)]
    server.sql("DELETE FROM surveys WHERE id = %d" % sid)
    assert server.sql("SELECT COUNT(*) FROM survey_answer_counts WHERE survey_id = %d" % sid) == [("0",)]
    assert server.sql("SELECT COUNT(*) FROM survey_response_days WHERE survey_id = %d" % sid) == [("0",)]


def test_the_demo_keeps_its_rows_and_the_migration_derives_old_ones():
    """`tandem demo` writes survey answers and outcome records around the
    services: its kept rows are those a rebuild derives. A database of the
    schema before the kept rows (the tables dropped, the migration undone)
    gets them from its rows when it migrates."""
    s = Server(name="report-rows-demo").start()
    try:
        s.run("demo", "--db", s.db)

        def reports():
            out = {}
            for name in REPORTS:
                r = s.run("report", "--db", s.db, "--program", "2", name, "--format", "json")
                out[name] = r.stdout
            return out

        before = reports()
        shown = [x for x in table(json.loads(before["satisfaction"]), "questions") if x["answered"]]
        assert shown and "retention_12m" in before["outcomes"]
        s.run("facts", "--rebuild", "--db", s.db)
        assert reports() == before
        s.stop()
        # The schema as it was before report_rows: that migration and the
        # ones after it undone (a new migration after these adds its own
        # objects here, or `migrate up` below fails making them again).
        version = int(s.sql("SELECT version FROM schema_migrations WHERE name = 'report_rows'")[0][0])
        s.sql("DROP VIEW relationship_months_source; DROP TABLE relationship_months; "
              "DROP VIEW relationship_facts_source; DROP TABLE relationship_facts; "
              "DROP TABLE survey_answer_counts; DROP TABLE survey_response_days; DROP TABLE "
              "outcome_latest; DELETE FROM schema_migrations WHERE version >= %d" % version)
        s.run("migrate", "up", "--db", s.db)
        assert s.sql("SELECT COUNT(*) FROM outcome_latest")[0][0] != "0"
        assert reports() == before
    finally:
        s.stop()
