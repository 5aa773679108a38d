"""The coordinator's home: what waits in each program they coordinate -
applications to review, approved mentees without a mentor, requests
without an answer, relationships by status (issue 9 item 18)."""
from conftest import problem


def test_counts_per_program_for_its_coordinator(admin, make_person):
    coord = make_person(role="coordinator")
    r = coord.post("/api/v1/programs", json={
        "name": "Counted", "selection": {"access": "approval", "questions": []},
        "training": {"required_before_matching": True, "modules": [
            {"id": "intro", "role": "both", "title": "Intro", "content_md": "Hi", "questions": []}]},
        "matching": {"mode": "hybrid", "criteria": [
            {"name": "skills", "kind": "overlap", "mentee_field": "development_needs", "mentor_field": "expertise", "weight": 1}]}})
    assert r.status_code == 201, r.text
    p = r.json()
    pid = p["id"]
    base = "/api/v1/programs/%d" % pid

    def person(role, approve=True, train=True, **extra):
        c = make_person()
        j = c.post(base + "/participants", json={"role": role, "profile": {"expertise": ["sql"], "development_needs": ["sql"]}, **extra})
        assert j.status_code == 201, j.text
        part = j.json()["id"]
        if approve:
            a = coord.patch(base + "/participants/%d" % part, json={"status": "approved"})
            assert a.status_code == 200, a.text
        if train:
            t = c.post(base + "/training/intro/completion", json={"answers": {}})
            assert t.status_code in (200, 201), t.text
        return c, part

    def counts(client):
        items = client.get("/api/v1/programs", params={"counts": "true", "limit": 50}).json()["items"]
        return {x["id"]: x.get("counts") for x in items}

    empty = counts(coord)[pid]
    assert empty == {"pending_applications": 0, "unmatched_mentees": 0, "untrained_mentees": 0, "open_requests": 0,
                     "relationships": {"active": 0, "paused": 0, "closing": 0, "completed": 0, "ended_early": 0}}
    person("mentee", approve=False, train=False)                  # applied: waits for review
    person("mentee", train=False)                                 # approved, not trained
    waiting_c, waiting = person("mentee")                         # approved and trained: unmatched
    m1c, m1 = person("mentor", capacity=3)
    e1c, e1 = person("mentee")
    e2c, e2 = person("mentee")
    rel1 = admin.post(base + "/relationships", json={"mentor": m1, "mentees": [e1]}).json()
    rel2 = admin.post(base + "/relationships", json={"mentor": m1, "mentees": [e2]}).json()
    assert admin.patch("/api/v1/relationships/%d" % rel2["id"], json={"action": "end_early"}).status_code == 200
    e1c.patch("/api/v1/relationships/%d" % rel1["id"], json={"action": "pause"})
    # A request waiting for the mentor's answer.
    req = waiting_c.post(base + "/requests", json={"mentors": [m1]})
    assert req.status_code == 201, req.text

    got = counts(coord)[pid]
    assert got["pending_applications"] == 1
    assert got["untrained_mentees"] == 1
    assert got["unmatched_mentees"] == 2      # the one who asked, and the one whose relationship ended early
    assert got["open_requests"] == 1
    assert got["relationships"] == {"active": 0, "paused": 1, "closing": 0, "completed": 0, "ended_early": 1}
    # The admin coordinates every program; a stranger gets no counts; without the flag, none.
    assert counts(admin)[pid] == got
    other = make_person()
    assert counts(other).get(pid) is None
    assert "counts" not in coord.get("/api/v1/programs").json()["items"][0]
    problem(coord.get("/api/v1/programs", params={"counts": "maybe"}), 400, "counts")
