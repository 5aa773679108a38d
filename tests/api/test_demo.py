"""`tandem demo`: the second program, months into its life, gives the
dashboard, every report and the at-risk list real-looking data."""
import csv
import io

import requests

from server import Server

PASSWORD = "demo password 2026"
RUNNING = "Graduate mentoring 2026 (demo)"


def table(report, name):
    """The named table of a report as a list of dicts."""
    for t in report["tables"]:
        if t["name"] == name:
            cols = [c["name"] for c in t["columns"]]
            return [dict(zip(cols, row)) for row in t["rows"]]
    raise AssertionError("no table %s in %s" % (name, report["report"]))


def summary(report):
    return {r["metric"]: r["value"] for r in table(report, "summary")}


def test_demo_holds_a_running_program_with_data_for_every_report():
    s = Server(name="demo-life", env={"TANDEM_DEMO_PASSWORD": PASSWORD}).start()
    try:
        out = s.run("demo", "--db", s.db)
        assert RUNNING in out.stdout
        again = s.run("demo", "--db", s.db)
        assert "already" in again.stdout

        c = requests.Session()
        r = c.post(s.url + "/api/v1/session",
                   json={"email": "coordinator@demo.tandem.example", "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        me = c.get(s.url + "/api/v1/me").json()
        names = {p["program_name"]: p for p in me["participations"]}
        assert set(names) == {"New-hire mentoring (demo)", RUNNING}
        assert {p["role"] for p in me["participations"]} == {"coordinator"}
        pid = names[RUNNING]["program_id"]

        def report(name):
            r = c.get(s.url + "/api/v1/programs/%d/reports/%s" % (pid, name))
            assert r.status_code == 200, (name, r.text)
            return r.json()

        # Running twice added nothing: one program of each name.
        progs = c.get(s.url + "/api/v1/programs").json()
        items = progs["items"] if isinstance(progs, dict) else progs
        assert sorted(p["name"] for p in items) == sorted(["New-hire mentoring (demo)", RUNNING])

        # Relationships in every phase (open ones) and every status.
        rels = c.get(s.url + "/api/v1/programs/%d/relationships" % pid, params={"limit": 100}).json()
        rel_items = rels["items"] if isinstance(rels, dict) else rels
        statuses = {x["status"] for x in rel_items}
        assert {"active", "paused", "completed", "ended_early"} <= statuses, statuses
        phases = table(report("phases"), "phases")
        assert len(phases) == 4
        assert all(p["relationships_now"] > 0 for p in phases), phases
        assert sum(p["completed_stays"] for p in phases) > 0

        funnel = report("funnel")
        counts = {st["stage"]: st["count"] for st in funnel["stages"]}
        assert counts["invited"] == 40 and 0 < counts["matched"] < 40
        exits = {st["stage"]: st["count"] for st in funnel["exits"]}
        assert counts["completed"] > 0 and exits["ended_early"] > 0

        matching = report("matching")
        m = summary(matching)
        assert m["pairs"] > 0 and 0.3 < m["mean_score"] < 1 and m["rematch_queue"] > 0
        assert sum(b["pairs"] for b in table(matching, "score_histogram")) == m["pairs"]
        assert table(matching, "unmatched")

        e = summary(report("engagement"))
        assert e["meetings_held"] > 50 and e["messages"] > 0
        assert 0 < e["share_meeting_guideline"] < 1
        assert 0 < e["goal_completion"] < 1 and 0 < e["milestones_done"] < e["milestones"]
        by_month = table(report("engagement"), "by_month")
        assert len(by_month) >= 5 and sum(x["meetings_held"] for x in by_month) > 50

        # Satisfaction: some cells shown, some hidden under the threshold.
        sat = report("satisfaction")
        qs = table(sat, "questions")
        shown = [q for q in qs if q["suppressed"] is None]
        hidden = [q for q in qs if q["suppressed"] is not None]
        assert shown and hidden
        assert all(q["answered"] >= 5 and 1 <= q["mean"] <= 10 for q in shown)
        assert all(q["answered"] is None and q["mean"] is None for q in hidden)
        assert summary(sat)["nps"] is not None and summary(sat)["mean_rating"] > 3

        eq = report("equity")
        groups = table(eq, "groups")
        assert any(g["suppressed"] is None and g["mentees"] >= 5 for g in groups)
        assert any(g["suppressed"] is not None for g in groups)
        assert table(eq, "outcomes")

        # At risk: a few pairs, with reasons, and some that recovered.
        risk = report("at-risk")
        rs = summary(risk)
        assert 1 <= rs["at_risk_now"] <= rs["open_relationships"] // 3, rs
        assert rs["recovered"] >= 1 and rs["flagged_ever"] > rs["flagged_now"]
        listed = c.get(s.url + "/api/v1/programs/%d/at-risk" % pid).json()["items"]
        assert len(listed) == rs["at_risk_now"]
        assert all(item["reasons"] for item in listed)

        res = report("resources")
        assert sum(x["opens"] for x in table(res, "resources")) > 0
        assert all(p["readers"] > 0 for p in table(res, "by_phase"))

        # Outcomes: participants against people who never joined, and the
        # measurable objectives with their current values.
        oc = report("outcomes")
        comp = {x["kind"]: x for x in table(oc, "comparison")}
        assert {"promotion", "retention_12m"} <= set(comp)
        for x in comp.values():
            assert x["participants"] >= 20 and x["others"] == 30
            assert x["p_value"] is not None and x["ci_low"] < x["difference"] < x["ci_high"]
        assert {b["value"] for b in table(oc, "bands")} >= {"Exceeds", "Meets", "Below"}
        objectives = table(oc, "objectives")
        assert len(objectives) == 4
        assert all(o["current"] is not None for o in objectives)
        assert {o["status"] for o in objectives} <= {"met", "on_track", "behind"}

        # The CSV of a report agrees with its JSON.
        r = c.get(s.url + "/api/v1/programs/%d/reports/outcomes" % pid,
                  headers={"Accept": "text/csv"}, params={"table": "comparison"})
        rows = list(csv.DictReader(io.StringIO(r.text)))
        assert {row["kind"]: int(row["others"]) for row in rows} == \
            {k: v["others"] for k, v in comp.items()}

        # A participant of the running program signs in with the same password.
        p = requests.post(s.url + "/api/v1/session",
                          json={"email": "abebe.achebe@demo.tandem.example", "password": PASSWORD})
        assert p.status_code == 200, p.text
    finally:
        s.stop()


def test_demo_adds_the_running_program_to_an_older_demo():
    s = Server(name="demo-older", env={"TANDEM_DEMO_PASSWORD": PASSWORD}).start()
    try:
        s.run("demo", "--db", s.db)
        # A database loaded before the demo had its running program.
        s.sql("DELETE FROM programs WHERE name = '%s'; DELETE FROM people WHERE email LIKE "
               "'%%@demo.tandem.example' AND id NOT IN (SELECT person_id FROM participations)"
               % RUNNING)
        out = s.run("demo", "--db", s.db).stdout
        assert "added" in out and RUNNING in out
        assert "already" in s.run("demo", "--db", s.db).stdout
        # Its people sign in with the password the demo already had.
        for email in ["coordinator@demo.tandem.example", "abebe.achebe@demo.tandem.example"]:
            r = requests.post(s.url + "/api/v1/session", json={"email": email, "password": PASSWORD})
            assert r.status_code == 200, r.text
        me = requests.get(s.url + "/api/v1/me", cookies=r.cookies).json()
        assert [p["program_name"] for p in me["participations"]] == [RUNNING]
    finally:
        s.stop()


def test_demo_is_the_same_every_time(tmp_path):
    """Generated from a fixed seed: two loads give the same reports."""
    from test_cli import tandem
    outs = []
    for name in ["a", "b"]:
        url = "sqlite:" + str(tmp_path / (name + ".sqlite"))
        assert tandem("demo", "--db", url).returncode == 0
        reports = {}
        for rep in ["funnel", "matching", "engagement", "phases", "satisfaction", "equity",
                    "at-risk", "resources", "outcomes"]:
            r = tandem("report", "--db", url, "--program", "2", rep, "--format", "json")
            assert r.returncode == 0, r.stderr
            reports[rep] = r.stdout
        outs.append(reports)
    assert outs[0] == outs[1]
    assert "retention_12m" in outs[0]["outcomes"]
