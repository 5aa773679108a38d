"""Following relationships (issue 12): health checks that flag a pair and
clear, every at-risk reason over time, the coordinator's note, nudge,
reassignment and ending early, and the rematch queue that the next
proposal serves first."""
import datetime
import time

import pytest
from conftest import PASSWORD, Client, problem, versioned
from server import ADMIN_EMAIL, ADMIN_PASSWORD, Server

GOOD = {"articulation": 4, "listening": 4, "respect": 5, "goal_clarity": 4, "challenge": 4,
        "self_awareness": 4, "commitment_to_learning": 4, "reflection_and_preparation": 4}


def at(days, hours=0):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days, hours=hours)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def join(person, program, role, **extra):
    r = person.post("/api/v1/programs/%d/participants" % program["id"], json={"role": role, **extra})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def matching_program(coord, name="Followed"):
    r = coord.post("/api/v1/programs", json={
        "name": name, "status": "enrolling", "selection": {"access": "open", "questions": []},
        "training": {"required_before_matching": False, "modules": []},
        "matching": {"mode": "admin", "criteria": [
            {"name": "skills", "kind": "overlap", "mentee_field": "development_needs",
             "mentor_field": "expertise", "weight": 1}]}})
    assert r.status_code == 201, r.text
    return r.json()


class Pair:
    pass


@pytest.fixture
def pair(make_person):
    p = Pair()
    p.coord = make_person("coordinator")
    p.program = matching_program(p.coord)
    p.mentor, p.mentee, p.other = make_person(name="Mona Mentor"), make_person(name="Eli Mentee"), make_person()
    p.m = join(p.mentor, p.program, "mentor", profile={"expertise": ["sql"]})
    p.e = join(p.mentee, p.program, "mentee", profile={"development_needs": ["sql"]})
    p.m2 = join(p.other, p.program, "mentor", profile={"expertise": ["sql"]})
    r = p.coord.post("/api/v1/programs/%d/relationships" % p.program["id"], json={"mentor": p.m, "mentees": [p.e]})
    assert r.status_code == 201, r.text
    p.rel = r.json()
    p.hc = "/api/v1/relationships/%d/health-checks" % p.rel["id"]
    p.risk = "/api/v1/programs/%d/at-risk" % p.program["id"]
    return p


def reasons(p, rel_id=None):
    items = p.coord.get(p.risk).json()["items"]
    mine = [i for i in items if i["relationship_id"] == (rel_id or p.rel["id"])]
    return {r["code"]: r for r in mine[0]["reasons"]} if mine else {}


def rows(rep, name):
    """A table of a tabled report as dicts."""
    t = next(t for t in rep["tables"] if t["name"] == name)
    return [dict(zip([c["name"] for c in t["columns"]], row)) for row in t["rows"]]


def summary(rep):
    return {x["metric"]: x["value"] for x in rows(rep, "summary")}


def test_a_low_health_check_flags_the_pair_and_the_flag_clears(pair, make_person):
    p = pair
    low = dict(GOOD, listening=2, respect=1)
    r = p.mentee.post(p.hc, json={"ratings": low, "comment": "He checks his phone"})
    assert r.status_code == 201, r.text
    view = r.json()
    assert [(c["mine"], c["ratings"]["listening"], c["comment"]) for c in view["items"]] == [(True, 2, "He checks his phone")]
    assert view["items"][0]["average"] == pytest.approx(27 / 8)

    got = reasons(p)
    assert list(got) == ["low_rating"]
    assert "Listening 2" in got["low_rating"]["text"] and "Respect 1" in got["low_rating"]["text"]
    assert "mentee (Eli Mentee)" in got["low_rating"]["text"]
    assert got["low_rating"]["since"] is not None          # recorded at once
    item = [i for i in p.coord.get(p.risk).json()["items"] if i["relationship_id"] == p.rel["id"]][0]
    assert {m["name"] for m in item["members"]} == {"Mona Mentor", "Eli Mentee"}

    # The coordinator reads the ratings, never the comment; the partner sees nothing yet.
    coord_view = p.coord.get(p.hc).json()
    assert coord_view["items"][0]["ratings"]["respect"] == 1 and coord_view["items"][0]["comment"] is None
    assert coord_view["member"] is False
    assert p.mentor.get(p.hc).json()["items"] == []
    # Both agree to share: each sees the pair's history.
    assert p.mentee.put(p.hc + "/sharing", json={"share": True}).json()["sharing"] == {
        "mine": True, "others": False, "pair_visible": False}
    assert p.mentor.get(p.hc).json()["items"] == []
    shared = p.mentor.put(p.hc + "/sharing", json={"share": True}).json()
    assert shared["sharing"]["pair_visible"] and [c["comment"] for c in shared["items"]] == ["He checks his phone"]
    assert shared["items"][0]["mine"] is False

    # A better check clears it.
    assert p.mentee.post(p.hc, json={"ratings": GOOD}).status_code == 201
    assert reasons(p) == {}
    rep = p.coord.get("/api/v1/programs/%d/reports/at-risk" % p.program["id"]).json()
    m = summary(rep)
    assert m["flagged_ever"] == 1 and m["flagged_now"] == 0 and m["recovered"] == 1 and m["at_risk_now"] == 0
    assert {x["reason"]: x["flagged_ever"] for x in rows(rep, "reasons")}["low_rating"] == 1
    assert rows(rep, "relationships") == []

    # A fall of the average by 1 or more is a reason of its own.
    all5 = {k: 5 for k in GOOD}
    all3 = {k: 3 for k in GOOD}
    p.mentor.post(p.hc, json={"ratings": all5})
    p.mentor.post(p.hc, json={"ratings": all3})
    got = reasons(p)
    assert list(got) == ["rating_drop"] and "5.0 to 3.0" in got["rating_drop"]["text"]
    assert "mentor (Mona Mentor)" in got["rating_drop"]["text"]

    # Only the partners rate; others do not see it; bad ratings change nothing.
    problem(p.coord.post(p.hc, json={"ratings": GOOD}), 403)
    problem(make_person().get(p.hc), 404)
    before = len(p.mentee.get(p.hc).json()["items"])
    problem(p.mentee.post(p.hc, json={"ratings": dict(GOOD, listening=6)}), 422, "ratings.listening")
    body = problem(p.mentee.post(p.hc, json={"ratings": {"listening": 0, "humour": 5}}), 422)
    fields = {e["field"] for e in body["errors"]}
    assert "ratings.humour" in fields and "ratings.listening" in fields and "ratings.respect" in fields
    problem(p.mentee.post(p.hc, json={"comment": "no ratings"}), 422, "ratings")
    problem(p.mentee.post(p.hc, json={"ratings": GOOD, "share": "yes"}), 422, "share")
    assert len(p.mentee.get(p.hc).json()["items"]) == before
    # Viewers and mentors do not see the at-risk list.
    problem(p.mentor.get(p.risk), 403)


def test_every_reason_of_time_appears_and_clears(make_person):
    """A server of its own, whose clock is moved on (TANDEM_NOW), shows the
    reasons of time at the day they come: no meeting within twice the
    guideline, no signed agreement or goals after the program's days, a
    phase far past its timeframe."""
    t0 = int(time.time())
    s = Server(name="follow-up-time", env={"TANDEM_NOW": str(t0)}).start()
    try:
        def signed_in(email, password=PASSWORD):
            return Client(s.url).sign_in(email, password)

        admin = signed_in(ADMIN_EMAIL, ADMIN_PASSWORD)
        people = {}
        for who in ("mentor", "mentee"):
            email = "%s-time@example.org" % who
            assert admin.post("/api/v1/people", json={"email": email, "name": who.title(), "password": PASSWORD}).status_code == 201
            people[who] = email
        prog = admin.post("/api/v1/programs", json={
            "name": "Time", "status": "enrolling", "selection": {"access": "open", "questions": []},
            "training": {"required_before_matching": False, "modules": []},
            "meetings": {"frequency_per_month": 2}, "goals": {"due_days": 20}}).json()
        m, e = signed_in(people["mentor"]), signed_in(people["mentee"])
        pm, pe = join(m, prog, "mentor"), join(e, prog, "mentee")
        rel = admin.post("/api/v1/programs/%d/relationships" % prog["id"], json={"mentor": pm, "mentees": [pe]}).json()
        risk = "/api/v1/programs/%d/at-risk" % prog["id"]
        assert admin.get(risk).json() == {"items": [], "total": 0, "open_relationships": 1}

        def seen_at(days):
            s.restart(TANDEM_NOW=str(t0 + days * 86400))
            a = signed_in(ADMIN_EMAIL, ADMIN_PASSWORD)
            items = a.get(risk).json()["items"]
            return a, ({r["code"]: r["text"] for r in items[0]["reasons"]} if items else {})

        _, got = seen_at(19)
        assert got == {}
        _, got = seen_at(21)
        assert set(got) == {"agreement_unsigned", "no_goals"}
        assert "21 days after the start" in got["no_goals"] and "(the program allows 20)" in got["agreement_unsigned"]
        # The first phase (Preparation, 14 days) is far past its timeframe after 28.
        _, got = seen_at(29)
        assert set(got) == {"agreement_unsigned", "no_goals", "phase_overdue"}
        assert '"Preparation" has lasted 29 days' in got["phase_overdue"]
        _, got = seen_at(31)                         # twice the interval of 2 a month: 30 days
        assert set(got) == {"agreement_unsigned", "no_goals", "no_meeting", "phase_overdue"}
        assert "31 days since the start" in got["no_meeting"]

        # Each reason clears when its cause does: a goal, both signatures, a meeting held.
        a, _ = seen_at(31)
        m, e = signed_in(people["mentor"]), signed_in(people["mentee"])
        ws = "/api/v1/relationships/%d" % rel["id"]
        assert e.post(ws + "/goals", json={"statement": "Learn SQL"}).status_code == 201
        assert set(dict((r["code"], 1) for r in a.get(risk).json()["items"][0]["reasons"])) == {
            "agreement_unsigned", "no_meeting", "phase_overdue"}
        assert e.put(ws + "/agreement", json={"goals_summary": "SQL", **versioned(e, ws + "/agreement")}).status_code == 200
        for who in (m, e):
            assert who.post(ws + "/agreement/signatures", json={}).status_code in (200, 201)
        mt = e.post(ws + "/meetings", json={"starts_at": datetime.datetime.fromtimestamp(
            t0 + 30 * 86400, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), "duration_minutes": 30, "mode": "video"}).json()
        assert e.patch(ws + "/meetings/%d" % mt["id"], json={"recap": {"discussed": "SQL"}}).status_code == 200
        assert set(r["code"] for r in a.get(risk).json()["items"][0]["reasons"]) == {"phase_overdue"}
        # A paused relationship waits: no reasons of time.
        v = e.get(ws).json()["version"]
        assert e.patch(ws, json={"action": "pause", "version": v}).status_code == 200
        assert a.get(risk).json()["items"] == []

        # The job records the history the report reads.
        run = s.run("jobs", "--db", s.db, "--once", "--now", datetime.datetime.fromtimestamp(
            t0 + 31 * 86400, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
        assert run.returncode == 0 and "at-risk:" in run.stdout
        rep = a.get("/api/v1/programs/%d/reports/at-risk" % prog["id"]).json()
        assert summary(rep)["flagged_now"] == 0 and summary(rep)["open_relationships"] == 1
        csv = a.get("/api/v1/programs/%d/reports/at-risk" % prog["id"], params={"table": "reasons"},
                    headers={"Accept": "text/csv"})
        assert csv.status_code == 200 and csv.text.startswith("reason,at_risk_now,flagged_now,flagged_ever\r\n")
    finally:
        assert s.stop() == 0


def test_the_job_records_reasons_of_time_for_the_report(pair, server):
    p = pair
    report = "/api/v1/programs/%d/reports/at-risk" % p.program["id"]
    run = server.run("jobs", "--db", server.db, "--once", "--now", at(31))
    assert run.returncode == 0, run.stderr
    rep = p.coord.get(report).json()
    now = {x["reason"]: x["flagged_now"] for x in rows(rep, "reasons")}
    assert summary(rep)["flagged_now"] == 1 and now["no_meeting"] == 1 and now["agreement_unsigned"] == 1 and now["no_goals"] == 1
    # The goal set, the same moment seen again: that flag clears, the others stay.
    p.mentee.post("/api/v1/relationships/%d/goals" % p.rel["id"], json={"statement": "Learn"})
    server.run("jobs", "--db", server.db, "--once", "--now", at(31))
    rep = p.coord.get(report).json()
    now = {x["reason"]: (x["flagged_now"], x["flagged_ever"]) for x in rows(rep, "reasons")}
    assert now["no_goals"] == (0, 1) and now["no_meeting"] == (1, 1)
    # A mentor reads neither the report nor the list.
    problem(p.mentor.get(report), 403)


def test_note_nudge_and_reassign(pair, admin, make_person):
    p = pair
    notes = "/api/v1/relationships/%d/coordinator-notes" % p.rel["id"]
    r = p.coord.post(notes, json={"body": "Called Eli: busy month, will meet next week"})
    assert r.status_code == 201, r.text
    assert r.json()["author"]["id"] == p.coord.person["id"]
    assert [n["body"] for n in p.coord.get(notes).json()["items"]] == ["Called Eli: busy month, will meet next week"]
    # Its members never learn there are notes.
    problem(p.mentee.get(notes), 404)
    problem(p.mentor.post(notes, json={"body": "x"}), 404)
    problem(p.coord.post(notes, json={"body": ""}), 422, "body")

    nudge = "/api/v1/relationships/%d/nudge" % p.rel["id"]
    r = p.coord.post(nudge, json={"message": "Have you met this month?"})
    assert r.status_code == 200 and r.json()["told"] == 2
    for who in (p.mentor, p.mentee):
        mail = [m for m in admin.get("/api/v1/outbox", params={"to": who.person["email"]}).json()["items"] if m["kind"] == "nudge"]
        assert len(mail) == 1 and "Have you met this month?" in mail[0]["body"]
    problem(p.mentee.post(nudge, json={}), 403)
    problem(p.coord.post(nudge, json={"message": "x" * 3000}), 422, "message")

    # Reassign: the relationship ends early and the mentee starts with the other mentor, at once.
    re = "/api/v1/relationships/%d/reassign" % p.rel["id"]
    problem(p.coord.post(re, json={"mentor": p.m}), 422, "mentor")
    problem(p.coord.post(re, json={"mentor": p.e}), 409, "mentor")       # not a mentor: nothing changed
    assert p.coord.get("/api/v1/relationships/%d" % p.rel["id"]).json()["status"] == "active"
    problem(p.mentee.post(re, json={"mentor": p.m2}), 403)
    r = p.coord.post(re, json={"mentor": p.m2, "reason": "different time zones"})
    assert r.status_code == 201, r.text
    assert p.coord.get("/api/v1/relationships/%d" % p.rel["id"]).json()["status"] == "ended_early"
    new = p.coord.get("/api/v1/relationships/%d" % r.json()["relationship_id"]).json()
    assert new["status"] == "active" and {m["participation_id"] for m in new["members"]} == {p.m2, p.e}
    # Matched again at once: not waiting in the queue.
    assert p.coord.get("/api/v1/programs/%d/rematch" % p.program["id"]).json()["items"] == []
    problem(p.coord.post(nudge, json={}), 409)                           # it ended


def test_pairing_fit_no_rematches_the_mentee_elsewhere(pair, server):
    p = pair
    surveys = "/api/v1/programs/%d/surveys" % p.program["id"]
    fit = p.coord.post(surveys, json={"template": "pairing_fit", "status": "active"}).json()
    ws = "/api/v1/relationships/%d" % p.rel["id"]
    mt = p.mentee.post(ws + "/meetings", json={"starts_at": at(0, -2), "duration_minutes": 30, "mode": "video"}).json()
    p.mentee.patch(ws + "/meetings/%d" % mt["id"], json={"recap": {"discussed": "Hello"}})
    server.run("jobs", "--db", server.db, "--once", "--now", at(0, 1))
    url = "/api/v1/surveys/%d" % fit["id"]
    assert p.mentee.get(url).json()["my_rounds"], "asked after the first meeting"
    # A second meeting does not ask again (times 1).
    mt2 = p.mentee.post(ws + "/meetings", json={"starts_at": at(0, -1), "duration_minutes": 30, "mode": "video"}).json()
    p.mentee.patch(ws + "/meetings/%d" % mt2["id"], json={"recap": {"discussed": "Again"}})
    server.run("jobs", "--db", server.db, "--once", "--now", at(0, 1))
    assert p.coord.get(url).json()["counts"]["rounds"] == 1

    problem(p.mentee.post(url + "/responses", json={"answers": {"good_match": "Maybe"}}), 422, "answers.good_match")
    r = p.mentee.post(url + "/responses", json={"answers": {"good_match": "No", "why": "We never connect"}})
    assert r.status_code == 201, r.text
    got = reasons(p)
    assert "pairing_fit" in got and "We never connect" in got["pairing_fit"]["text"]
    # The coordinator reads the answer: the pairing fit is never anonymous.
    assert p.coord.get(url + "/responses").json()["items"][0]["answers"]["good_match"] == "No"

    # The coordinator agrees: it ends early, and the mentee waits to be matched again.
    problem(p.mentee.post(ws + "/rematch", json={}), 403)
    r = p.coord.post(ws + "/rematch", json={"reason": "they never connected"})
    assert r.status_code == 200 and r.json()["status"] == "ended_early", r.text
    assert reasons(p) == {}
    queue = p.coord.get("/api/v1/programs/%d/rematch" % p.program["id"]).json()["items"]
    assert [(q["participation_id"], q["reason"], q["state"], q["former_mentor"]) for q in queue] == [
        (p.e, "pairing_fit", "waiting", "Mona Mentor")]
    assert "The pairing did not fit" in queue[0]["end_reason"]
    problem(p.mentee.get("/api/v1/programs/%d/rematch" % p.program["id"]), 403)

    # The next proposal matches them elsewhere (never again with the same mentor).
    run = p.coord.post("/api/v1/programs/%d/match-runs" % p.program["id"]).json()
    assert [(x["mentee"], x["mentor"]) for x in run["pairs"]] == [(p.e, p.m2)]
    assert p.coord.post("/api/v1/match-runs/%d/publish" % run["id"]).status_code == 200
    assert p.coord.get("/api/v1/programs/%d/rematch" % p.program["id"]).json()["items"] == []


def test_no_allowed_mentor_shows_no_match_found(make_person):
    coord = make_person("coordinator")
    prog = matching_program(coord, "Small")
    mentor, mentee = make_person(), make_person()
    pm = join(mentor, prog, "mentor", profile={"expertise": ["sql"]})
    pe = join(mentee, prog, "mentee", profile={"development_needs": ["sql"]})
    rel = coord.post("/api/v1/programs/%d/relationships" % prog["id"], json={"mentor": pm, "mentees": [pe]}).json()
    v = mentee.get("/api/v1/relationships/%d" % rel["id"]).json()["version"]
    assert mentee.patch("/api/v1/relationships/%d" % rel["id"], json={"action": "end_early", "reason": "busy", "version": v}).status_code == 200
    queue = "/api/v1/programs/%d/rematch" % prog["id"]
    item = coord.get(queue).json()["items"][0]
    assert (item["participation_id"], item["reason"], item["state"], item["no_match_reason"]) == (pe, "ended_early", "waiting", None)
    run = coord.post("/api/v1/programs/%d/match-runs" % prog["id"]).json()
    assert run["pairs"] == []
    item = coord.get(queue).json()["items"][0]
    assert item["state"] == "no_match" and item["run_id"] == run["id"] and "no allowed mentor" in item["no_match_reason"]
    # Taken out of the queue, they stay out.
    assert coord.delete(queue + "/%d" % pe).status_code == 204
    assert coord.get(queue).json()["items"] == []
    problem(coord.delete(queue + "/%d" % pe), 404)
