"""The help library (issue 12 item 5; product.md §7): the starter articles
every program has, a program's own articles and links tagged by phase,
topic and role, their editors, the workspace's recommendations (the
current phase's first, changing when the phase advances), opens per
person, and bad input refused with every field named and nothing
changed."""
from types import SimpleNamespace

import pytest
from conftest import problem, versioned

PROGRAM = {
    "status": "enrolling", "selection": {"access": "open", "questions": []},
    "training": {"required_before_matching": False, "modules": []},
    "phases": {"template": "custom", "items": [
        {"name": "Getting started", "key_actions": [], "timeframe_days": 14,
         "resources": ["Local welcome pack", "https://example.org/raw-link"]},
        {"name": "Growing", "key_actions": [], "timeframe_days": 200},
        {"name": "Closing", "key_actions": []}]},
}

STARTERS = {"What mentoring is and is not", "Setting direction: questions to ask",
            "Preparing a partnership agreement", "Eight qualities of a successful relationship",
            "Closing well"}


@pytest.fixture
def lib(admin, make_person):
    coordinator = make_person("coordinator", name="Cora Ordinator")
    r = coordinator.post("/api/v1/programs", json=dict(PROGRAM, name="Library %d" % coordinator.person["id"]))
    assert r.status_code == 201, r.text
    program = r.json()
    mentor, mentee = make_person(name="Maya Mentor"), make_person(name="Eli Mentee")
    parts = {}
    for who, role in ((mentor, "mentor"), (mentee, "mentee")):
        r = who.post("/api/v1/programs/%d/participants" % program["id"], json={"role": role})
        assert r.status_code == 201, r.text
        parts[role] = r.json()["id"]
    r = coordinator.post("/api/v1/programs/%d/relationships" % program["id"],
                         json={"mentor": parts["mentor"], "mentees": [parts["mentee"]]})
    assert r.status_code == 201, r.text
    return SimpleNamespace(admin=admin, coordinator=coordinator, mentor=mentor, mentee=mentee,
                           stranger=make_person(), program=program, rel=r.json(), parts=parts,
                           url="/api/v1/programs/%d/resources" % program["id"],
                           rel_url="/api/v1/relationships/%d" % r.json()["id"])


def titles(items):
    return [i["title"] for i in items]


def test_every_program_has_the_starter_articles(lib):
    items = lib.mentee.get(lib.url).json()["items"]
    starters = [i for i in items if i["starter"]]
    assert {i["title"] for i in starters} == STARTERS
    assert all(i["scope"] == "site" and i["program_id"] is None and i["article"] for i in starters)
    one = lib.mentee.get("/api/v1/resources/%d" % starters[0]["id"]).json()
    assert one["body_md"] and one["body_html"].startswith("<p>")
    # Written from the seeds: the setting-direction questions and the
    # agreement's no-fault exit are in them.
    texts = {i["title"]: lib.mentee.get("/api/v1/resources/%d" % i["id"]).json()["body_md"] for i in starters}
    assert "What are your strengths?" in texts["Setting direction: questions to ask"]
    assert "Not therapy" in texts["What mentoring is and is not"]
    assert "no-fault exit" in texts["Preparing a partnership agreement"]
    assert "What did you learn?" in texts["Closing well"]
    # The phase templates name them, so a new program's phases lead to them.
    r = lib.coordinator.post("/api/v1/programs", json={"name": "Zachary model", "phases": {"template": "zachary"}})
    assert [p["resources"] for p in r.json()["phases"]["items"]] == [
        ["What mentoring is and is not"], ["Preparing a partnership agreement"],
        ["Eight qualities of a successful relationship"], ["Closing well"]]
    # The site-wide library: everyone signed in reads it; only admins add.
    assert STARTERS <= set(titles(lib.stranger.get("/api/v1/resources").json()["items"]))
    problem(lib.coordinator.post("/api/v1/resources", json={"title": "Mine", "body_md": "x"}), 403)
    problem(lib.stranger.get(lib.url), 404)


def test_coordinators_create_edit_order_and_retire(lib):
    c = lib.coordinator
    r = c.post(lib.url, json={"title": "Local welcome pack", "body_md": "# Welcome\n\nCoffee is on **floor 3**.",
                              "phases": ["getting started"], "topics": ["onboarding", " Onboarding "],
                              "roles": ["mentee"]})
    assert r.status_code == 201, r.text
    pack = r.json()
    assert pack["scope"] == "program" and pack["program_id"] == lib.program["id"]
    assert pack["topics"] == ["onboarding"] and pack["roles"] == ["mentee"] and pack["position"] == 0
    assert "<strong>floor 3</strong>" in pack["body_html"]
    r = c.post(lib.url, json={"title": "Company mentoring page", "url": "https://intranet.example.org/mentoring",
                              "phases": ["Growing"], "topics": ["intranet"]})
    link = r.json()
    assert r.status_code == 201 and link["position"] == 1 and link["article"] is False
    # The program's own come first, then the site-wide ones.
    items = c.get(lib.url).json()
    assert items["editor"] is True and titles(items["items"])[:2] == ["Local welcome pack", "Company mentoring page"]
    assert lib.mentee.get(lib.url).json()["editor"] is False
    # Members read but do not edit.
    problem(lib.mentor.post(lib.url, json={"title": "x", "body_md": "y"}), 403)
    problem(lib.mentor.patch("/api/v1/resources/%d" % link["id"], json={"title": "x"}), 403)
    problem(lib.stranger.patch("/api/v1/resources/%d" % link["id"], json={"title": "x"}), 404)

    # Edit with the version read; a stale one is refused.
    r = c.patch("/api/v1/resources/%d" % link["id"], json={"title": "Our mentoring page", "version": 1})
    assert r.status_code == 200 and r.json()["version"] == 2
    problem(c.patch("/api/v1/resources/%d" % link["id"], json={"title": "Lost update", "version": 1}), 409, "version")
    # Order: the link first.
    problem(c.patch("/api/v1/resources/%d" % link["id"], json={"position": 0}), 422, "version")
    r = c.patch("/api/v1/resources/%d" % link["id"], json={"position": 0, "version": 2})
    assert r.json()["position"] == 0
    assert titles(c.get(lib.url).json()["items"])[:2] == ["Our mentoring page", "Local welcome pack"]
    # Filters.
    assert titles(lib.mentor.get(lib.url, params={"topic": "INTRANET"}).json()["items"]) == ["Our mentoring page"]
    assert "Local welcome pack" not in titles(lib.mentor.get(lib.url, params={"role": "mentor"}).json()["items"])
    assert titles(lib.mentor.get(lib.url, params={"q": "FLOOR 3"}).json()["items"]) == ["Local welcome pack"]
    assert titles(lib.mentor.get(lib.url, params={"phase": "growing"}).json()["items"]) == ["Our mentoring page"]
    problem(lib.mentor.get(lib.url, params={"role": "boss"}), 400)
    # Retire: gone for readers (404 by id), kept for editors, restorable.
    r = c.patch("/api/v1/resources/%d" % pack["id"], json={"retired": True,
                                                           **versioned(c, "/api/v1/resources/%d" % pack["id"])})
    assert r.json()["retired"] is True and r.json()["retired_at"]
    assert "Local welcome pack" not in titles(lib.mentee.get(lib.url).json()["items"])
    problem(lib.mentee.get("/api/v1/resources/%d" % pack["id"]), 404)
    assert "Local welcome pack" in titles(c.get(lib.url, params={"all": "true"}).json()["items"])
    assert "Local welcome pack" not in titles(c.get(lib.url).json()["items"])
    r = c.patch("/api/v1/resources/%d" % pack["id"], json={"retired": False,
                                                           **versioned(c, "/api/v1/resources/%d" % pack["id"])})
    assert r.json()["retired"] is False
    assert "Local welcome pack" in titles(lib.mentee.get(lib.url).json()["items"])
    # A site-wide one is hidden from this program, not retired for all.
    starter = next(i for i in c.get(lib.url).json()["items"] if i["title"] == "Closing well")
    r = c.patch(lib.url + "/%d" % starter["id"], json={"hidden": True})
    assert r.status_code == 200 and r.json()["hidden"] is True
    assert "Closing well" not in titles(lib.mentee.get(lib.url).json()["items"])
    assert "Closing well" in titles(lib.mentee.get("/api/v1/resources").json()["items"])
    problem(c.patch(lib.url + "/%d" % pack["id"], json={"hidden": True}), 409, "hidden")
    problem(lib.mentor.patch(lib.url + "/%d" % starter["id"], json={"hidden": False}), 403)
    c.patch(lib.url + "/%d" % starter["id"], json={"hidden": False})
    assert "Closing well" in titles(lib.mentee.get(lib.url).json()["items"])
    problem(c.patch("/api/v1/resources/%d" % starter["id"], json={"title": "Mine now", "version": 1}), 403)


def test_bad_input_names_every_field_and_changes_nothing(lib):
    c = lib.coordinator
    before = c.get(lib.url, params={"all": "true"}).json()["items"]
    bad = [
        ({"title": "", "url": "javascript:alert(1)", "phases": ["Nowhere"], "roles": ["boss"], "topics": [""]},
         {"title", "url", "phases[0]", "roles[0]", "topics[0]"}),
        ({"title": "No content"}, {"body_md"}),
        ({"title": "x", "url": "data:text/html;base64,PGI+", "extra": 1}, {"url", "extra"}),
        ({"title": "x", "url": "ftp://example.org/file"}, {"url"}),
        ({"title": "x", "url": "https://exa mple.org/"}, {"url"}),
        ({"title": "x", "body_md": "ok", "roles": []}, {"roles"}),
        ({"title": 5, "body_md": ["x"]}, {"title", "body_md"}),
    ]
    for body, fields in bad:
        p = problem(c.post(lib.url, json=body), 422)
        assert {e["field"] for e in p["errors"]} == fields, (body, p)
    link = c.post(lib.url, json={"title": "Safe", "url": "https://example.org/"}).json()
    p = problem(c.patch("/api/v1/resources/%d" % link["id"], json={"url": "javascript:x", "position": -1,
                                                                  "retired": "yes"}), 422)
    assert {e["field"] for e in p["errors"]} == {"url", "position", "retired"}
    # Taking the link away would leave nothing to open.
    problem(c.patch("/api/v1/resources/%d" % link["id"], json={"url": None, "version": 1}), 422, "body_md")
    assert c.get("/api/v1/resources/%d" % link["id"]).json()["url"] == "https://example.org/"
    after = c.get(lib.url, params={"all": "true"}).json()["items"]
    assert len(after) == len(before) + 1


def test_recommendations_follow_the_phase(lib):
    c = lib.coordinator
    pack = c.post(lib.url, json={"title": "Local welcome pack", "body_md": "Welcome.", "phases": []}).json()
    grow = c.post(lib.url, json={"title": "Growing well", "body_md": "Grow.", "phases": ["Growing"]}).json()
    mentor_only = c.post(lib.url, json={"title": "For mentors", "body_md": "M.", "phases": ["Getting started"],
                                        "roles": ["mentor"]}).json()
    rec = lib.mentee.get(lib.rel_url + "/resources").json()
    assert rec["phase"] == {"index": 0, "name": "Getting started"}
    first = rec["items"][0]
    # The phase names "Local welcome pack" by title: it comes first.
    assert first["id"] == pack["id"] and first["current_phase"] is True and first["group"] == "current"
    assert mentor_only["id"] not in [i["id"] for i in rec["items"]]     # the mentee's role only
    assert mentor_only["id"] in [i["id"] for i in lib.mentor.get(lib.rel_url + "/resources").json()["items"]]
    assert next(i for i in rec["items"] if i["id"] == grow["id"])["group"] == "later"
    problem(lib.stranger.get(lib.rel_url + "/resources"), 404)
    # The coordinator moves the phase on: Growing's resource comes first now.
    r = c.post(lib.rel_url + "/phase/advance", json={"override": True})
    assert r.status_code == 200, r.text
    rec = lib.mentee.get(lib.rel_url + "/resources").json()
    assert rec["phase"]["name"] == "Growing"
    assert rec["items"][0]["id"] == grow["id"] and rec["items"][0]["current_phase"]
    assert next(i for i in rec["items"] if i["id"] == pack["id"])["group"] == "earlier"
    # The coordinator reads every role's.
    assert mentor_only["id"] in [i["id"] for i in c.get(lib.rel_url + "/resources").json()["items"]]


def test_opens_are_recorded_per_person(lib):
    c = lib.coordinator
    art = c.post(lib.url, json={"title": "Read me", "body_md": "Text."}).json()
    one = "/api/v1/resources/%d/opens" % art["id"]
    r = lib.mentee.post(one)
    assert r.status_code == 200 and r.json()["opens"] == 1
    assert lib.mentee.post(one, json={}).json()["opens"] == 2
    assert lib.mentor.post(one).json()["opens"] == 1
    problem(lib.stranger.post(one), 404)
    problem(lib.mentee.post(one, json={"count": 5}), 422)
    mine = next(i for i in lib.mentee.get(lib.rel_url + "/resources").json()["items"] if i["id"] == art["id"])
    assert mine["opened_at"]
    assert next(i for i in lib.stranger.get("/api/v1/resources").json()["items"])["opened_at"] is None
    got = c.get("/api/v1/resources/%d" % art["id"]).json()
    assert got["opens"] == 3 and got["people"] == 2
    assert "opens" not in lib.mentee.get("/api/v1/resources/%d" % art["id"]).json()
    # A retired resource is opened by nobody.
    r = c.patch("/api/v1/resources/%d" % art["id"], json={"retired": True,
                                                          **versioned(c, "/api/v1/resources/%d" % art["id"])})
    assert r.status_code == 200, r.text
    problem(lib.mentee.post(one), 404)
