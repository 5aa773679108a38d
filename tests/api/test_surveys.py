"""Surveys (issue 12): built-in templates, triggers run by `tandem jobs
--once --now`, answering once per round, results hidden under the
anonymity threshold and shown at it, anonymous answers that no endpoint
gives back, and bad answers that change nothing."""
import datetime

import pytest
from conftest import problem, versioned


def at(days, hours=0):
    """An RFC 3339 time `days` from now (UTC)."""
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days, hours=hours)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def jobs(server, when):
    run = server.run("jobs", "--db", server.db, "--once", "--now", when)
    assert run.returncode == 0, run.stdout + run.stderr
    return dict(line.split(": ") for line in run.stdout.splitlines() if ": " in line)


def rounds(coord, sid):
    """How many rounds survey sid has opened (the jobs' counts include other tests' surveys)."""
    return coord.get("/api/v1/surveys/%d" % sid).json()["counts"]["rounds"]


def join(person, program, role, **extra):
    r = person.post("/api/v1/programs/%d/participants" % program["id"], json={"role": role, **extra})
    assert r.status_code == 201, r.text
    return r.json()["id"]


class World:
    pass


@pytest.fixture
def world(make_person):
    """A program with a coordinator, a viewer and three pairs."""
    w = World()
    w.coord = make_person("coordinator")
    r = w.coord.post("/api/v1/programs", json={
        "name": "Surveyed", "status": "enrolling", "selection": {"access": "open", "questions": []},
        "training": {"required_before_matching": False, "modules": []}})
    assert r.status_code == 201, r.text
    w.program = r.json()
    w.viewer = make_person()
    w.coord.post("/api/v1/programs/%d/participants" % w.program["id"],
                 json={"email": w.viewer.person["email"], "role": "viewer", "invite": False})
    w.people, w.parts, w.rels = [], {}, []
    for _ in range(3):
        m, e = make_person(), make_person()
        pm, pe = join(m, w.program, "mentor"), join(e, w.program, "mentee")
        w.parts[m.person["id"]], w.parts[e.person["id"]] = pm, pe
        r = w.coord.post("/api/v1/programs/%d/relationships" % w.program["id"], json={"mentor": pm, "mentees": [pe]})
        assert r.status_code == 201, r.text
        w.rels.append(r.json())
        w.people += [m, e]
    w.surveys = "/api/v1/programs/%d/surveys" % w.program["id"]
    return w


@pytest.fixture(scope="module")
def lone(make_person):
    """A coordinator's program with no one in it."""
    coord = make_person("coordinator")
    p = coord.post("/api/v1/programs", json={"name": "Lone"}).json()
    return coord, "/api/v1/programs/%d/surveys" % p["id"]


PULSE = {"title": "Pulse", "anonymous": True, "status": "active",
         "trigger": {"on": "relationship_started", "after_days": 30, "every_days": 60},
         "questions": [{"id": "useful", "kind": "likert", "label": "It is useful", "required": True},
                       {"id": "recommend", "kind": "nps", "label": "Recommend it?"},
                       {"id": "best", "kind": "single", "label": "Best part", "options": ["Goals", "Talks", "Network"]},
                       {"id": "areas", "kind": "multi", "label": "Areas", "options": ["Career", "Skills", "Confidence"]}]}


def test_templates_are_the_seeds_surveys(world):
    r = world.coord.get("/api/v1/survey-templates")
    assert r.status_code == 200
    names = {t["name"]: t for t in r.json()["items"]}
    assert set(names) == {"end_of_training", "pairing_fit", "check_in", "midpoint", "closure", "after_meeting"}
    assert names["check_in"]["trigger"] == {"on": "relationship_started", "after_days": 30, "every_days": 60, "times": 0}
    fit = names["pairing_fit"]
    assert fit["purpose"] == "pairing_fit" and fit["anonymous"] is False
    assert fit["questions"][0]["options"] == ["Yes", "Not sure", "No"] and fit["trigger"]["times"] == 1
    assert names["end_of_training"]["trigger"]["on"] == "training_completed" and names["end_of_training"]["anonymous"]
    # A coordinator adds one and edits it as their own.
    r = world.coord.post(world.surveys, json={"template": "closure", "title": "How did it go?"})
    assert r.status_code == 201, r.text
    s = r.json()
    assert s["template"] == "closure" and s["title"] == "How did it go?" and s["status"] == "draft"
    assert r.headers["Location"] == "/api/v1/surveys/%d" % s["id"]
    r = world.coord.patch("/api/v1/surveys/%d" % s["id"], json={"audience": "mentees", "version": s["version"]})
    assert r.status_code == 200 and r.json()["audience"] == "mentees" and r.json()["version"] == s["version"] + 1
    problem(world.coord.patch("/api/v1/surveys/%d" % s["id"], json={"title": "x", "version": s["version"]}), 409, "version")
    problem(world.coord.post(world.surveys, json={"template": "nope"}), 422, "template")


def test_a_survey_opens_on_schedule_and_shows_results_at_five(world, server, admin):
    r = world.coord.post(world.surveys, json=PULSE)
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    url = "/api/v1/surveys/%d" % sid

    # Nothing is due before 30 days; then one round per relationship.
    jobs(server, at(29))
    assert rounds(world.coord, sid) == 0
    assert all(p.get("/api/v1/me/surveys").json()["items"] == [] for p in world.people)
    jobs(server, at(30, 1))
    assert rounds(world.coord, sid) == 3
    assert jobs(server, at(30, 1))["survey-triggers"] == "0 done"       # idempotent
    assert rounds(world.coord, sid) == 3
    for p in world.people:
        due = p.get("/api/v1/me/surveys").json()["items"]
        assert [(d["survey_id"], d["title"], d["anonymous"]) for d in due] == [(sid, "Pulse", True)]
        assert due[0]["with"] and due[0]["relationship_id"] in [rel["id"] for rel in world.rels]
        mail = [m for m in admin.get("/api/v1/outbox", params={"to": p.person["email"]}).json()["items"]
                if m["kind"] == "survey_due"]
        assert len(mail) == 1 and "/surveys/%d?round=%d" % (sid, due[0]["round_id"]) in mail[0]["body"]
    assert world.coord.get(url).json()["counts"] == {"rounds": 3, "asked": 6, "answered": 0, "responses": 0}

    answers = [{"useful": 5, "recommend": 10, "best": "Goals", "areas": ["Career", "Skills"]},
               {"useful": 4, "recommend": 9, "best": "Talks", "areas": ["Career"]},
               {"useful": 2, "recommend": 3, "best": "Goals"},
               {"useful": 3, "recommend": 7, "areas": ["Confidence"]},
               {"useful": 1, "recommend": 0, "best": "Network", "areas": []}]
    for person, a in zip(world.people[:4], answers[:4]):
        r = person.post(url + "/responses", json={"answers": a})
        assert r.status_code == 201, r.text
        assert r.json()["response_id"] is None and r.json()["anonymous"] is True
        assert person.get("/api/v1/me/surveys").json()["items"] == []

    # Four responses: too few to show, to the coordinator and the viewer alike.
    for reader in (world.coord, world.viewer):
        res = reader.get(url + "/results").json()
        assert res["responses"] == 4 and res["suppressed"] is True and res["threshold"] == 5
        assert all(set(q) == {"id", "kind", "label"} for q in res["questions"]), res

    r = world.people[4].post(url + "/responses", json={"answers": answers[4]})
    assert r.status_code == 201, r.text
    for reader in (world.coord, world.viewer):
        res = reader.get(url + "/results").json()
        assert res["responses"] == 5 and res["suppressed"] is False and res["asked"] == 6 and res["answered"] == 5
        q = {x["id"]: x for x in res["questions"]}
        assert q["useful"]["mean"] == pytest.approx(3.0)
        assert [c["count"] for c in q["useful"]["counts"]] == [1, 1, 1, 1, 1]
        # 2 promoters (10, 9), 2 detractors (3, 0) of 5: 0; mean 5.8
        assert q["recommend"]["nps"] == pytest.approx(0.0) and q["recommend"]["mean"] == pytest.approx(5.8)
        assert [c["count"] for c in q["recommend"]["counts"]] == [1, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1]
        assert {c["value"]: c["count"] for c in q["best"]["counts"]} == {"Goals": 2, "Talks": 1, "Network": 1}
        assert q["best"]["answered"] == 4
        assert {c["value"]: c["count"] for c in q["areas"]["counts"]} == {"Career": 2, "Skills": 1, "Confidence": 1}

    # The series goes on every 60 days; a server down for months asks once, not twice.
    jobs(server, at(60))
    assert rounds(world.coord, sid) == 3
    jobs(server, at(90, 2))
    assert rounds(world.coord, sid) == 6
    jobs(server, at(210, 2))
    assert rounds(world.coord, sid) == 9
    due = world.people[0].get("/api/v1/me/surveys").json()["items"]
    assert len(due) == 2 and due[0]["round_id"] < due[1]["round_id"]


def test_an_anonymous_surveys_answers_are_never_reachable(world, server):
    s = world.coord.post(world.surveys, json=dict(PULSE, trigger={"on": "manual"}, status="draft")).json()
    url = "/api/v1/surveys/%d" % s["id"]
    r = world.coord.post(url + "/send")
    assert r.status_code == 201, r.text
    assert r.json()["asked"] == 6 and r.json()["survey"]["status"] == "active"
    for i, p in enumerate(world.people):
        assert p.post(url + "/responses", json={"answers": {"useful": 1 + i % 5, "best": "Talks"}}).status_code == 201

    # No endpoint gives an individual answer to a coordinator or a viewer ...
    problem(world.coord.get(url + "/responses"), 403)
    problem(world.viewer.get(url + "/responses"), 403)
    problem(world.viewer.post(url + "/responses", json={"answers": {"useful": 3}}), 403)
    # ... nor back to the people who gave them: nothing links them.
    mine = world.people[0].get(url + "/responses").json()
    assert mine["items"] == [] and mine["anonymous"] is True
    # The store keeps no person, round, relationship or role with them, and
    # only the day they came in.
    rows = server.sql("SELECT participation_id, round_id, relationship_id, role, submitted_at FROM "
                       "survey_responses WHERE survey_id = %d" % s["id"])
    assert len(rows) == 6 and all(row[:4] == ("", "", "", "") for row in rows)
    assert all(int(row[4]) % 86400 == 0 for row in rows)
    # Results are aggregates, and the survey shows counts only.
    res = world.coord.get(url + "/results").json()
    assert res["responses"] == 6 and not res["suppressed"]
    got = world.coord.get(url).json()
    assert "answers" not in str(got) and got["counts"]["answered"] == 6

    # A survey that is not anonymous: the coordinator reads each answer,
    # each person their own, the viewer none.
    named = world.coord.post(world.surveys, json={"title": "Named", "trigger": {"on": "manual"}, "questions": [
        {"id": "how", "kind": "text", "label": "How is it going?"}]}).json()
    nurl = "/api/v1/surveys/%d" % named["id"]
    world.coord.post(nurl + "/send")
    r = world.people[1].post(nurl + "/responses", json={"answers": {"how": "Slowly but well"}})
    assert r.status_code == 201 and isinstance(r.json()["response_id"], int)
    got = world.coord.get(nurl + "/responses").json()
    assert [(x["participation_id"], x["answers"]) for x in got["items"]] == [
        (world.parts[world.people[1].person["id"]], {"how": "Slowly but well"})]
    assert world.people[1].get(nurl + "/responses").json()["total"] == 1
    assert world.people[2].get(nurl + "/responses").json()["total"] == 0
    problem(world.viewer.get(nurl + "/responses"), 403)
    # Few responses to a named survey: the coordinator sees the figures, a viewer does not.
    assert world.coord.get(nurl + "/results").json()["suppressed"] is False
    assert world.viewer.get(nurl + "/results").json()["suppressed"] is True


def test_bad_answers_are_refused_and_change_nothing(world, make_person):
    s = world.coord.post(world.surveys, json=dict(PULSE, trigger={"on": "manual"})).json()
    other = world.coord.post(world.surveys, json={"title": "Other", "trigger": {"on": "manual"}, "questions": [
        {"id": "elsewhere", "kind": "likert", "label": "x"}]}).json()
    url = "/api/v1/surveys/%d" % s["id"]
    world.coord.post(url + "/send")
    world.coord.post("/api/v1/surveys/%d/send" % other["id"])
    p = world.people[0]
    other_round = p.get("/api/v1/surveys/%d" % other["id"]).json()["my_rounds"][0]["round_id"]

    def unchanged():
        got = world.coord.get(url).json()["counts"]
        assert got["answered"] == 0 and got["responses"] == 0
        assert len(p.get("/api/v1/me/surveys").json()["items"]) == 2

    problem(p.post(url + "/responses", json={"answers": {"useful": 6}}), 422, "answers.useful")
    unchanged()
    problem(p.post(url + "/responses", json={"answers": {"useful": 3, "recommend": 11}}), 422, "answers.recommend")
    problem(p.post(url + "/responses", json={"answers": {"useful": "five"}}), 422, "answers.useful")
    problem(p.post(url + "/responses", json={"answers": {"useful": 3, "elsewhere": 2}}), 422, "answers.elsewhere")
    problem(p.post(url + "/responses", json={"answers": {"useful": 3, "best": "Cake"}}), 422, "answers.best")
    problem(p.post(url + "/responses", json={"answers": {"useful": 3, "areas": ["Career", "Career"]}}), 422, "answers.areas")
    problem(p.post(url + "/responses", json={"answers": {"recommend": 5}}), 422, "answers.useful")  # required
    problem(p.post(url + "/responses", json={"answers": {"useful": 3}, "round_id": other_round}), 422, "round_id")
    problem(p.post(url + "/responses", json={}), 422, "answers")
    problem(p.post(url + "/responses", json={"answers": {"useful": 3}, "mood": 1}), 422, "mood")
    # Every bad answer is named at once.
    body = problem(p.post(url + "/responses", json={"answers": {"useful": 0, "recommend": -1, "x": 1}}), 422)
    assert {e["field"] for e in body["errors"]} == {"answers.useful", "answers.recommend", "answers.x"}
    unchanged()
    assert p.post(url + "/responses", json={"answers": {"useful": 3}}).status_code == 201
    # Twice: refused, naming the field, and the one response stays.
    problem(p.post(url + "/responses", json={"answers": {"useful": 4}}), 422, "answers")
    rnd = p.get(url).json()
    assert rnd["my_rounds"] == []
    assert world.coord.get(url).json()["counts"]["responses"] == 1
    # Someone never asked: refused, and someone who cannot see it: 404.
    problem(world.coord.post(url + "/responses", json={"answers": {"useful": 3}}), 403)
    problem(make_person().post(url + "/responses", json={"answers": {"useful": 3}}), 404)
    problem(make_person().get(url), 404)

    # Once answered, what was asked keeps its meaning.
    ver = world.coord.get(url).json()["version"]
    problem(world.coord.patch(url, json={"questions": [{"kind": "likert", "label": "New"}], "version": ver}), 409, "questions")
    problem(world.coord.patch(url, json={"anonymous": False, "version": ver}), 409, "anonymous")
    r = world.coord.patch(url, json={"title": "Renamed", "version": ver})
    assert r.status_code == 200 and r.json()["title"] == "Renamed"
    # A survey a trigger opens is not sent by hand; a closed one is not answered.
    trig = world.coord.post(world.surveys, json=dict(PULSE)).json()
    problem(world.coord.post("/api/v1/surveys/%d/send" % trig["id"]), 409, "trigger.on")
    r = world.coord.patch("/api/v1/surveys/%d" % other["id"],
                          json={"status": "closed", **versioned(world.coord, "/api/v1/surveys/%d" % other["id"])})
    assert r.status_code == 200
    problem(p.post("/api/v1/surveys/%d/responses" % other["id"], json={"answers": {"elsewhere": 2}}), 409)


@pytest.mark.parametrize("body,field", [
    ({"title": "x"}, "questions"),
    ({"questions": [{"kind": "likert", "label": "a"}]}, "title"),
    ({"title": "x", "questions": [{"kind": "single", "label": "a", "options": ["one"]}]}, "questions[0].options"),
    ({"title": "x", "questions": [{"kind": "likert", "label": "a", "options": ["one", "two"]}]}, "questions[0].options"),
    ({"title": "x", "questions": [{"kind": "scale", "label": "a"}]}, "questions[0].kind"),
    ({"title": "x", "questions": [{"id": "a", "kind": "likert", "label": "a"}, {"id": "a", "kind": "nps", "label": "b"}]}, "questions[1].id"),
    ({"title": "x", "anonymous": True, "questions": [{"kind": "text", "label": "Why?"}]}, "questions[0].kind"),
    ({"title": "x", "trigger": {"on": "closure", "every_days": 30}, "questions": [{"kind": "likert", "label": "a"}]}, "trigger.every_days"),
    ({"title": "x", "trigger": {"on": "manual", "after_days": 3}, "questions": [{"kind": "likert", "label": "a"}]}, "trigger.after_days"),
    ({"title": "x", "trigger": {"on": "sometimes"}, "questions": [{"kind": "likert", "label": "a"}]}, "trigger.on"),
    ({"title": "x", "purpose": "pairing_fit", "trigger": {"on": "meeting_held"}, "questions": [{"kind": "likert", "label": "a"}]}, "questions"),
    ({"title": "x", "colour": "red", "questions": [{"kind": "likert", "label": "a"}]}, "colour"),
])
def test_bad_surveys_name_the_field(lone, body, field):
    coord, surveys = lone
    problem(coord.post(surveys, json=body), 422, field)
    assert coord.get(surveys).json()["total"] == 0


def test_only_coordinators_keep_surveys(world):
    s = world.coord.post(world.surveys, json=dict(PULSE, trigger={"on": "manual"})).json()
    mentor = world.people[0]
    problem(mentor.get(world.surveys), 403)
    problem(mentor.post(world.surveys, json={"template": "closure"}), 403)
    assert world.viewer.get(world.surveys).json()["total"] == 1
    problem(world.viewer.post(world.surveys, json={"template": "closure"}), 403)
    problem(world.viewer.patch("/api/v1/surveys/%d" % s["id"], json={"title": "x"}), 403)
    problem(world.viewer.post("/api/v1/surveys/%d/send" % s["id"]), 403)
    # Not yet asked: the survey does not exist for them.
    problem(mentor.get("/api/v1/surveys/%d" % s["id"]), 404)
    world.coord.post("/api/v1/surveys/%d/send" % s["id"])
    got = mentor.get("/api/v1/surveys/%d" % s["id"]).json()
    assert got["access"] == "answer" and "counts" not in got and len(got["my_rounds"]) == 1
    problem(mentor.get("/api/v1/surveys/%d/results" % s["id"]), 403)


def test_meeting_closure_midpoint_and_training_triggers(world, server, make_person):
    coord, rel = world.coord, world.rels[0]
    mentor, mentee = world.people[0], world.people[1]
    after = coord.post(world.surveys, json={"template": "after_meeting", "status": "active"}).json()
    closing = coord.post(world.surveys, json={"template": "closure", "status": "active"}).json()
    mid = coord.post(world.surveys, json={"template": "midpoint", "status": "active"}).json()

    # A meeting held opens the after-meeting survey for both; one only scheduled does not.
    m = "/api/v1/relationships/%d/meetings" % rel["id"]
    held = mentee.post(m, json={"starts_at": at(0, -3), "duration_minutes": 30, "mode": "video"}).json()
    mentee.post(m, json={"starts_at": at(2), "duration_minutes": 30, "mode": "video"})
    jobs(server, at(0, 1))
    assert rounds(coord, after["id"]) == 0
    r = mentee.patch(m + "/%d" % held["id"], json={"recap": {"discussed": "Goals"}})
    assert r.status_code == 200 and r.json()["status"] == "held"
    jobs(server, at(0, 1))
    assert rounds(coord, after["id"]) == 1
    due = {d["survey_id"] for d in mentor.get("/api/v1/me/surveys").json()["items"]}
    assert after["id"] in due and closing["id"] not in due

    # Half way through the planned year: the mid-point review.
    jobs(server, at(170))
    assert rounds(coord, mid["id"]) == 0
    jobs(server, at(190))
    assert rounds(coord, mid["id"]) == 3
    assert mid["id"] in {d["survey_id"] for d in mentee.get("/api/v1/me/surveys").json()["items"]}

    # Closure: ending the relationship opens the closing survey, and stops its series.
    r = mentee.patch("/api/v1/relationships/%d" % rel["id"], json={"action": "end_early", "reason": "moved abroad",
                                                                  "version": mentee.get("/api/v1/relationships/%d" % rel["id"]).json()["version"]})
    assert r.status_code == 200, r.text
    assert rounds(coord, closing["id"]) == 0
    jobs(server, at(190, 1))
    assert rounds(coord, closing["id"]) == 1
    assert closing["id"] in {d["survey_id"] for d in mentor.get("/api/v1/me/surveys").json()["items"]}

    # Training completed: the end-of-training survey, for the roles trained.
    r = coord.post("/api/v1/programs", json={
        "name": "Trained", "status": "enrolling", "selection": {"access": "open", "questions": []},
        "training": {"required_before_matching": True, "modules": [
            {"id": "intro", "role": "both", "title": "Introduction", "content_md": "Hello", "questions": []}]}})
    prog = r.json()
    eot = coord.post("/api/v1/programs/%d/surveys" % prog["id"], json={"template": "end_of_training", "status": "active"}).json()
    learner = make_person()
    join(learner, prog, "mentee")
    r = learner.post("/api/v1/programs/%d/training/intro/completion" % prog["id"], json={})
    assert r.status_code == 201 and r.json()["trained"] is True, r.text
    jobs(server, at(0, 1))
    assert rounds(coord, eot["id"]) == 1
    due = learner.get("/api/v1/me/surveys").json()["items"]
    assert [d["survey_id"] for d in due] == [eot["id"]] and due[0]["relationship_id"] is None


def test_a_draft_is_never_asked_and_closing_stops_it(world, server):
    s = world.coord.post(world.surveys, json={"template": "check_in"}).json()
    jobs(server, at(100))
    assert rounds(world.coord, s["id"]) == 0
    r = world.coord.patch("/api/v1/surveys/%d" % s["id"], json={"status": "active", "version": s["version"]})
    assert r.status_code == 200
    jobs(server, at(29))
    assert rounds(world.coord, s["id"]) == 0
    jobs(server, at(30, 1))
    assert rounds(world.coord, s["id"]) == 3
    closed = world.coord.patch("/api/v1/surveys/%d" % s["id"],
                               json={"status": "closed", **versioned(world.coord, "/api/v1/surveys/%d" % s["id"])}).json()
    assert closed["status"] == "closed"
    jobs(server, at(400))
    assert rounds(world.coord, s["id"]) == 3
