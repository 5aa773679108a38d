"""Races: many requests at once on the same thing, through the real
server. tests/run runs this file again against the ThreadSanitizer build
(the `tsan` step), so a data race inside the server fails it as surely as
a broken rule does. Runs on the database tests/run gives.

- 100 accepts and 5 publishes at once for one mentor of capacity 3: the
  mentor ends with exactly 3 relationships, each mentee with at most one,
  no pair twice;
- 20 PATCHes at once of one program and of one relationship, all naming
  the same version: exactly one is made, the others are told it is stale;
- one mentee's 20 requests at once: tests/api/test_security.py."""
import concurrent.futures
import time

from conftest import Client
from test_crash import count, execute, rows


def twin(client, base):
    """Another connection of the same session (no second sign-in)."""
    c = Client(base)
    c.cookies.update(client.cookies)
    c.headers["X-CSRF-Token"] = client.headers["X-CSRF-Token"]
    return c


def at_once(calls):
    with concurrent.futures.ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(lambda f: f(), calls))


def test_accepts_and_publishes_at_once_keep_the_mentors_capacity(admin, make_person, server):
    r = admin.post("/api/v1/programs", json={
        "name": "One mentor, many asks", "status": "enrolling",
        "selection": {"access": "open", "questions": []},
        "training": {"required_before_matching": False, "modules": []},
        "matching": {"mode": "hybrid", "criteria": [{"name": "skills", "kind": "overlap", "weight": 1,
                                                     "mentee_field": "development_needs",
                                                     "mentor_field": "expertise"}]}})
    assert r.status_code == 201, r.text
    p = r.json()["id"]
    mentor = make_person()
    r = mentor.post("/api/v1/programs/%d/participants" % p,
                    json={"role": "mentor", "capacity": 3, "profile": {"expertise": ["sql"]}})
    assert r.status_code == 201, r.text
    mid = r.json()["id"]
    text = "email,name,role,development_needs\n" + "".join(
        "race-%d-%d@race.example,Mentee %d,mentee,sql\n" % (p, i, i) for i in range(100))
    r = admin.post("/api/v1/programs/%d/imports" % p, data=text.encode(), headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    execute(server, "UPDATE participations SET status = 'trained' WHERE program_id = %d AND role = 'mentee'" % p)
    now = int(time.time())
    execute(server, "INSERT INTO mentoring_requests (program_id, mentee_id, choices, mentor_id, status, "
                    "created_at, asked_at, expires_at) SELECT program_id, id, '[%d]', %d, 'pending', %d, %d, %d "
                    "FROM participations WHERE program_id = %d AND role = 'mentee'"
                    % (mid, mid, now, now, now + 7 * 86400, p))
    ids = [int(x) for (x,) in rows(server, "SELECT id FROM mentoring_requests WHERE mentor_id = %d" % mid)]
    assert len(ids) == 100
    runs = []
    for _ in range(5):
        r = admin.post("/api/v1/programs/%d/match-runs" % p)
        assert r.status_code == 201, r.text
        runs.append(r.json()["id"])
    mentors = [twin(mentor, server.url) for _ in range(20)]
    admins = [twin(admin, server.url) for _ in range(5)]
    calls = [(lambda c=mentors[i % 20], rid=rid: c.patch("/api/v1/requests/%d" % rid, json={"action": "accept"}))
             for i, rid in enumerate(ids)]
    calls += [(lambda c=admins[i], run=run: c.post("/api/v1/match-runs/%d/publish" % run))
              for i, run in enumerate(runs)]
    replies = at_once(calls)
    assert all(r.status_code < 500 for r in replies), [r.text[:200] for r in replies if r.status_code >= 500]
    accepted = sum(1 for r in replies[:100] if r.status_code == 200)
    published = sum(1 for r in replies[100:] if r.status_code == 200)
    assert published <= 1 and accepted <= 3
    live = "FROM relationship_members m JOIN relationships r ON r.id = m.relationship_id " \
           "WHERE r.program_id = %d AND r.status IN ('active', 'paused')" % p
    assert count(server, "SELECT COUNT(*) %s AND m.participation_id = %d" % (live, mid)) == 3
    assert count(server, "SELECT COUNT(*) FROM (SELECT m.participation_id %s AND m.role = 'mentee' "
                         "GROUP BY m.participation_id HAVING COUNT(*) > 1) x" % live) == 0
    assert count(server, "SELECT COUNT(*) FROM mentoring_requests WHERE mentor_id = %d AND status = 'accepted'"
                 % mid) == accepted


def test_patches_at_once_of_one_version_make_one_change(admin, make_person, server):
    r = admin.post("/api/v1/programs", json={"name": "Patched at once", "status": "enrolling",
                                             "selection": {"access": "open", "questions": []},
                                             "training": {"required_before_matching": False, "modules": []}})
    prog = r.json()
    url = "/api/v1/programs/%d" % prog["id"]
    clients = [twin(admin, server.url) for _ in range(20)]
    replies = at_once([(lambda c=c, i=i: c.patch(url, json={"name": "Name %d" % i, "version": prog["version"]}))
                       for i, c in enumerate(clients)])
    assert sorted(r.status_code for r in replies) == [200] + [409] * 19, [r.text[:100] for r in replies]
    winner = next(r.json() for r in replies if r.status_code == 200)
    got = admin.get(url).json()
    assert got["name"] == winner["name"] and got["version"] == prog["version"] + 1

    m, e = make_person(), make_person()
    ids = [c.post(url + "/participants", json={"role": role, "profile": {}}).json()["id"]
           for c, role in [(m, "mentor"), (e, "mentee")]]
    rel = admin.post(url + "/relationships", json={"mentor": ids[0], "mentees": [ids[1]]}).json()
    rurl = "/api/v1/relationships/%d" % rel["id"]
    pairs = [twin(m, server.url) for _ in range(10)] + [twin(e, server.url) for _ in range(10)]
    replies = at_once([(lambda c=c: c.patch(rurl, json={"action": "pause", "version": rel["version"]}))
                       for c in pairs])
    assert sorted(r.status_code for r in replies) == [200] + [409] * 19, [r.text[:100] for r in replies]
    got = e.get(rurl).json()
    assert got["status"] == "paused" and got["version"] == rel["version"] + 1
