"""The permission matrix of product.md §9: every routed endpoint against
every kind of person. What one may not see answers 404 (so ids cannot be
probed); what one may see but not change answers 403; without
credentials, 401. Allowed writes are walked in the scenario tests; here
each write is checked for the people who must be refused. A test fails
when a routed endpoint is missing from the matrix."""
import subprocess

import pytest
from conftest import Client, problem

ACTORS = ["anon", "admin", "coord", "mentor", "mentee", "other_mentor", "other_program", "viewer", "stranger"]


@pytest.fixture(scope="module")
def world(admin, make_person, server):
    coord = make_person("coordinator")
    people = {"admin": admin, "coord": coord, "anon": Client(server.url)}
    for name in ["mentor", "mentee", "other_mentor", "other_mentee", "third_mentee", "other_program", "viewer", "stranger"]:
        people[name] = make_person()
    p = coord.post("/api/v1/programs", json={"status": "enrolling",
        "name": "Matrix", "selection": {"access": "open", "questions": []},
        "training": {"required_before_matching": False, "modules": []},
        "matching": {"mode": "hybrid", "criteria": [
            {"name": "skills", "kind": "overlap", "mentee_field": "development_needs", "mentor_field": "expertise", "weight": 1}]}}).json()
    q = admin.post("/api/v1/programs", json={"status": "enrolling", "name": "Elsewhere", "selection": {"access": "open", "questions": []}}).json()
    P = p["id"]

    def join(who, role, program=P):
        r = people[who].post("/api/v1/programs/%d/participants" % program, json={
            "role": role, "profile": {"expertise": ["x"], "development_needs": ["x"]}})
        assert r.status_code == 201, r.text
        return r.json()["id"]

    ids = {name: join(name, role) for name, role in [
        ("mentor", "mentor"), ("mentee", "mentee"), ("other_mentor", "mentor"), ("other_mentee", "mentee"),
        ("third_mentee", "mentee")]}
    join("other_program", "mentee", q["id"])
    coord.post("/api/v1/programs/%d/participants" % P, json={"email": people["viewer"].person["email"], "role": "viewer",
                                                            "invite": False})
    R = coord.post("/api/v1/programs/%d/relationships" % P, json={"mentor": ids["mentor"], "mentees": [ids["mentee"]]}).json()["id"]
    coord.post("/api/v1/programs/%d/relationships" % P, json={"mentor": ids["other_mentor"], "mentees": [ids["other_mentee"]]})
    mentee = people["mentee"]
    G = mentee.post("/api/v1/relationships/%d/goals" % R, json={"statement": "Learn x"}).json()["id"]
    MS = mentee.post("/api/v1/relationships/%d/goals/%d/milestones" % (R, G), json={"title": "Step"}).json()["id"]
    MT = mentee.post("/api/v1/relationships/%d/meetings" % R, json={
        "starts_at": "2027-03-01T10:00:00Z", "duration_minutes": 45, "time_zone": "Europe/Lisbon", "mode": "video"}).json()["id"]
    N = mentee.post("/api/v1/relationships/%d/notes" % R, json={"body": "My private thought", "visibility": "private"}).json()["id"]
    REQ = people["third_mentee"].post("/api/v1/programs/%d/requests" % P, json={"mentors": [ids["other_mentor"]]}).json()["id"]
    RUN = coord.post("/api/v1/programs/%d/match-runs" % P).json()["id"]
    RES = coord.post("/api/v1/programs/%d/resources" % P, json={"title": "Ours", "body_md": "x"}).json()["id"]
    SITE = next(r["id"] for r in admin.get("/api/v1/resources").json()["items"] if r["starter"])
    # An anonymous survey sent to everyone, that the mentee answered.
    S = coord.post("/api/v1/programs/%d/surveys" % P, json={
        "title": "Anonymous", "anonymous": True, "trigger": {"on": "manual"},
        "questions": [{"id": "only_in_answers", "kind": "likert", "label": "How is it going?"}]}).json()["id"]
    assert coord.post("/api/v1/surveys/%d/send" % S).status_code == 201
    assert mentee.post("/api/v1/surveys/%d/responses" % S, json={"answers": {"only_in_answers": 2}}).status_code == 201
    return {"people": people, "P": P, "R": R, "G": G, "MS": MS, "MT": MT, "N": N, "REQ": REQ, "RUN": RUN,
            "E": ids["mentee"], "RES": RES, "SITE": SITE, "S": S}


def codes(default=None, **kw):
    """Expected status per actor; None means 'covered by the scenario tests'."""
    out = {a: default for a in ACTORS}
    out["anon"] = 401
    out.update(kw)
    return out


# Shorthands for the common shapes of the table.
READ_ALL = codes(200, other_program=200)
PROGRAM_READ = codes(200, other_program=404, stranger=404)
COORD_READ = codes(403, admin=200, coord=200, other_program=404, stranger=404)
COORD_WRITE = codes(403, admin=None, coord=None, other_program=404, stranger=404)
COORD_ONLY_404 = codes(404, admin=200, coord=200)
COORD_ONLY_WRITE_404 = codes(404, admin=None, coord=None)
REL_READ = codes(404, admin=200, coord=200, mentor=200, mentee=200)
REL_WRITE = codes(404, admin=403, coord=403, mentor=None, mentee=None)

MATRIX = [
    ("GET", "/healthz", None, codes(200, anon=200)),
    ("GET", "/metrics", None, codes(200, anon=200)),
    ("GET", "/api/v1/openapi.json", None, codes(200, anon=200)),
    ("POST", "/api/v1/session", {"email": "nobody@example.org", "password": "wrong password"}, codes(401, anon=401)),
    ("DELETE", "/api/v1/session", None, codes(None)),
    ("GET", "/api/v1/me", None, READ_ALL),
    # Everyone signed in has their own tokens; the scenarios are in test_security.py.
    ("GET", "/api/v1/tokens", None, READ_ALL),
    ("POST", "/api/v1/tokens", {"name": "x"}, codes(422)),
    ("DELETE", "/api/v1/tokens/{TOK}", None, codes(404)),
    ("GET", "/api/v1/people", None, codes(404, admin=200)),
    ("POST", "/api/v1/people", {"email": "p@example.org", "name": "P"}, codes(403, admin=None)),
    ("GET", "/api/v1/phase-templates", None, READ_ALL),
    ("GET", "/api/v1/programs", None, READ_ALL),
    ("POST", "/api/v1/programs", {"name": "Nope"}, codes(403, admin=None, coord=None)),
    # The program takes applications (access open): anyone signed in reads it.
    ("GET", "/api/v1/programs/{P}", None, READ_ALL),
    ("PATCH", "/api/v1/programs/{P}", {"name": "Renamed"}, codes(403, admin=None, coord=None)),
    ("GET", "/api/v1/programs/{P}/participants", None, COORD_READ),
    ("POST", "/api/v1/programs/{P}/participants", {"email": "someone@example.org", "role": "mentee"},
     codes(403, admin=None, coord=None)),
    ("POST", "/api/v1/programs/{P}/participants/bulk", {"action": "approve", "ids": [1]}, COORD_WRITE),
    ("POST", "/api/v1/programs/{P}/imports", None, COORD_WRITE),
    ("GET", "/api/v1/programs/{P}/participants/{E}", None, codes(404, admin=200, coord=200, mentor=200, mentee=200)),
    ("PATCH", "/api/v1/programs/{P}/participants/{E}", {"profile": {}}, codes(404, admin=None, coord=None, mentee=None, mentor=403)),
    ("GET", "/api/v1/programs/{P}/training", None, PROGRAM_READ),
    ("POST", "/api/v1/programs/{P}/training/intro/completion", {}, codes(404)),
    ("GET", "/api/v1/programs/{P}/mentors", None, codes(403, admin=200, coord=200, mentee=200, other_program=404, stranger=404)),
    ("GET", "/api/v1/programs/{P}/reports/funnel", None, codes(403, admin=200, coord=200, viewer=200, other_program=404, stranger=404)),
    # Every report: aggregates only, so a viewer (stakeholder) sees them all.
    ("GET", "/api/v1/programs/{P}/reports/matching", None, codes(403, admin=200, coord=200, viewer=200, other_program=404, stranger=404)),
    ("GET", "/api/v1/programs/{P}/reports/engagement", None, codes(403, admin=200, coord=200, viewer=200, other_program=404, stranger=404)),
    ("GET", "/api/v1/programs/{P}/reports/phases", None, codes(403, admin=200, coord=200, viewer=200, other_program=404, stranger=404)),
    ("GET", "/api/v1/programs/{P}/reports/resources", None, codes(403, admin=200, coord=200, viewer=200, other_program=404, stranger=404)),
    ("GET", "/api/v1/programs/{P}/reports/outcomes", None, codes(403, admin=200, coord=200, viewer=200, other_program=404, stranger=404)),
    ("GET", "/api/v1/programs/{P}/reports/satisfaction", None, codes(403, admin=200, coord=200, viewer=200, other_program=404, stranger=404)),
    ("GET", "/api/v1/programs/{P}/reports/equity", None, codes(403, admin=200, coord=200, viewer=200, other_program=404, stranger=404)),
    # At risk: the list for coordinators, its counts alone for a viewer (test below).
    ("GET", "/api/v1/programs/{P}/reports/at-risk", None, codes(403, admin=200, coord=200, viewer=200, other_program=404, stranger=404)),
    # Across programs: whoever reads some program's reports (their programs only).
    ("GET", "/api/v1/reports/funnel", None, codes(403, admin=200, coord=200, viewer=200)),
    ("GET", "/api/v1/reports/matching", None, codes(403, admin=200, coord=200, viewer=200)),
    ("GET", "/api/v1/reports/engagement", None, codes(403, admin=200, coord=200, viewer=200)),
    ("GET", "/api/v1/reports/phases", None, codes(403, admin=200, coord=200, viewer=200)),
    ("GET", "/api/v1/reports/resources", None, codes(403, admin=200, coord=200, viewer=200)),
    ("GET", "/api/v1/reports/outcomes", None, codes(403, admin=200, coord=200, viewer=200)),
    ("GET", "/api/v1/reports/satisfaction", None, codes(403, admin=200, coord=200, viewer=200)),
    ("GET", "/api/v1/reports/equity", None, codes(403, admin=200, coord=200, viewer=200)),
    ("GET", "/api/v1/reports/at-risk", None, codes(403, admin=200, coord=200, viewer=200)),
    ("POST", "/api/v1/outcomes/imports", None, codes(403, admin=422)),
    ("GET", "/api/v1/programs/{P}/relationships", None, codes(200, viewer=403, other_program=404, stranger=404)),
    ("POST", "/api/v1/programs/{P}/relationships", {"mentor": 1, "mentees": [2]}, COORD_WRITE),
    ("GET", "/api/v1/programs/{P}/recommendations", None, codes(403, mentee=409, other_program=404, stranger=404)),
    ("GET", "/api/v1/programs/{P}/requests", None, codes(200, viewer=403, other_program=404, stranger=404)),
    ("POST", "/api/v1/programs/{P}/requests", {"mentors": [1]}, codes(403, mentee=None, other_program=404, stranger=404)),
    ("PATCH", "/api/v1/requests/{REQ}", {"action": "accept"}, codes(404, other_mentor=None)),
    ("GET", "/api/v1/programs/{P}/match-runs", None, COORD_READ),
    ("POST", "/api/v1/programs/{P}/match-runs", None, COORD_WRITE),
    ("GET", "/api/v1/match-runs/{RUN}", None, COORD_ONLY_404),
    ("POST", "/api/v1/match-runs/{RUN}/pairs", {"action": "lock", "mentee": 1, "mentor": 2}, COORD_ONLY_WRITE_404),
    ("GET", "/api/v1/match-runs/{RUN}/compare/{RUN}", None, COORD_ONLY_404),
    ("POST", "/api/v1/match-runs/{RUN}/publish", None, COORD_ONLY_WRITE_404),
    ("GET", "/api/v1/relationships/{R}", None, REL_READ),
    ("PATCH", "/api/v1/relationships/{R}", {"action": "pause"}, codes(404, admin=None, coord=None, mentor=None, mentee=None)),
    ("GET", "/api/v1/relationships/{R}/phase", None, REL_READ),
    ("POST", "/api/v1/relationships/{R}/phase/checks", {"phase": 0, "item": 0, "done": True}, REL_WRITE),
    ("POST", "/api/v1/relationships/{R}/phase/advance", {}, codes(404, admin=None, coord=None, mentor=None, mentee=None)),
    ("GET", "/api/v1/relationships/{R}/agreement", None, REL_READ),
    ("PUT", "/api/v1/relationships/{R}/agreement", {"goals_summary": "x"}, REL_WRITE),
    ("POST", "/api/v1/relationships/{R}/agreement/signatures", {}, REL_WRITE),
    ("GET", "/api/v1/relationships/{R}/goals", None, REL_READ),
    ("POST", "/api/v1/relationships/{R}/goals", {"statement": "x"}, REL_WRITE),
    ("PATCH", "/api/v1/relationships/{R}/goals/{G}", {"progress": 10}, REL_WRITE),
    ("POST", "/api/v1/relationships/{R}/goals/{G}/milestones", {"title": "x"}, REL_WRITE),
    ("PATCH", "/api/v1/relationships/{R}/goals/{G}/milestones/{MS}", {"done": True}, REL_WRITE),
    ("GET", "/api/v1/relationships/{R}/meetings", None, REL_READ),
    ("POST", "/api/v1/relationships/{R}/meetings",
     {"starts_at": "2027-03-02T10:00:00Z", "duration_minutes": 30, "time_zone": "UTC", "mode": "phone"}, REL_WRITE),
    ("GET", "/api/v1/relationships/{R}/meetings/{MT}.ics", None, REL_READ),
    ("GET", "/api/v1/relationships/{R}/meetings/{MT}", None, REL_READ),
    ("PATCH", "/api/v1/relationships/{R}/meetings/{MT}", {"location": "x"}, REL_WRITE),
    ("GET", "/api/v1/relationships/{R}/notes", None, REL_READ),
    ("POST", "/api/v1/relationships/{R}/notes", {"body": "x", "visibility": "shared"}, REL_WRITE),
    # A private note: its author alone, not the partner, not a coordinator, not an admin.
    ("GET", "/api/v1/relationships/{R}/notes/{N}", None, codes(404, mentee=200)),
    ("PATCH", "/api/v1/relationships/{R}/notes/{N}", {"body": "changed"}, codes(404, mentee=None)),
    ("DELETE", "/api/v1/relationships/{R}/notes/{N}", None, codes(404, mentee=None)),
    ("GET", "/api/v1/relationships/{R}/messages", None, REL_READ),
    ("POST", "/api/v1/relationships/{R}/messages", {"body": "hi"}, REL_WRITE),
    ("GET", "/api/v1/relationships/{R}/reflections", None, REL_READ),
    ("POST", "/api/v1/relationships/{R}/reflections", {"learned": "x"}, REL_WRITE),
    ("GET", "/api/v1/calendar/feed", None, READ_ALL),
    ("POST", "/api/v1/calendar/feed", None, codes(None)),
    ("DELETE", "/api/v1/calendar/feed", None, codes(None)),
    ("GET", "/api/v1/calendar/{token}.ics", None, codes(404, anon=404)),
    ("POST", "/api/v1/invitations/accept", {"token": "not-a-token", "password": "long enough pass"}, codes(404, anon=404)),
    # Accounts by mail: open to anyone; the scenarios are in test_accounts.py.
    ("POST", "/api/v1/password-reset", {"email": "not an address"}, codes(422, anon=422)),
    ("POST", "/api/v1/password-reset/complete", {"token": "not-a-token", "password": "long enough pass"},
     codes(404, anon=404)),
    ("GET", "/api/v1/sign-up/settings", None, codes(200, anon=200)),
    ("PUT", "/api/v1/sign-up/settings", {"enabled": False, "domains": []}, codes(403, admin=200)),
    ("POST", "/api/v1/sign-up", {"email": "a@example.org", "name": "A", "password": "long enough pass"},
     codes(409, anon=409)),
    ("POST", "/api/v1/sign-up/verify", {"token": "not-a-token"}, codes(404, anon=404)),
    ("GET", "/api/v1/invitations/{token}", None, codes(404, anon=404)),
    ("GET", "/api/v1/outbox", None, codes(404, admin=200)),
    # An admin's retry answers 200 or 409 by the row's state: test_mail.py walks it.
    ("POST", "/api/v1/outbox/{P}/retry", None, codes(404, admin=None)),
    ("GET", "/api/v1/mail", None, READ_ALL),
    ("GET", "/api/v1/time-zones", None, READ_ALL),
    # The help library and recognition (test_resources.py, test_recognition.py).
    ("GET", "/api/v1/resources", None, READ_ALL),
    ("POST", "/api/v1/resources", {"title": "x", "body_md": "y"}, codes(403, admin=None)),
    ("GET", "/api/v1/resources/{RES}", None, PROGRAM_READ),
    ("PATCH", "/api/v1/resources/{RES}", {"title": "x"}, COORD_WRITE),
    ("POST", "/api/v1/resources/{RES}/opens", None, PROGRAM_READ),
    ("GET", "/api/v1/programs/{P}/resources", None, PROGRAM_READ),
    ("POST", "/api/v1/programs/{P}/resources", {"title": "x", "body_md": "y"}, COORD_WRITE),
    ("PATCH", "/api/v1/programs/{P}/resources/{SITE}", {"hidden": False}, COORD_WRITE),
    ("GET", "/api/v1/programs/{P}/highlights", None, PROGRAM_READ),
    ("GET", "/api/v1/programs/{P}/participants/{E}/badges", None, codes(404, admin=200, coord=200, mentor=200, mentee=200)),
    ("GET", "/api/v1/relationships/{R}/resources", None, REL_READ),
    ("GET", "/api/v1/relationships/{R}/recognition", None, REL_READ),
    ("POST", "/api/v1/relationships/{R}/kudos", {"message": "x"}, REL_WRITE),
    ("PUT", "/api/v1/relationships/{R}/highlight", {"text": "x"}, codes(404, admin=None, coord=None, mentor=403, mentee=403)),
    ("DELETE", "/api/v1/relationships/{R}/highlight", None, codes(404, admin=None, coord=None, mentor=403, mentee=403)),
    # Before the relationship is completed there is no certificate (409) for anyone who reads it.
    ("GET", "/api/v1/relationships/{R}/certificate.pdf", None, codes(404, admin=409, coord=409, mentor=409, mentee=409)),
    # Surveys: {S} is anonymous, sent to every mentor and mentee of the program.
    ("GET", "/api/v1/survey-templates", None, READ_ALL),
    ("GET", "/api/v1/programs/{P}/surveys", None, codes(403, admin=200, coord=200, viewer=200, other_program=404, stranger=404)),
    ("POST", "/api/v1/programs/{P}/surveys", {"template": "closure"}, COORD_WRITE),
    ("GET", "/api/v1/surveys/{S}", None, codes(200, other_program=404, stranger=404)),
    ("PATCH", "/api/v1/surveys/{S}", {"title": "x"}, COORD_WRITE),
    ("POST", "/api/v1/surveys/{S}/send", None, COORD_WRITE),
    # An anonymous survey's individual answers: nobody's, not even one's own (nothing links them).
    ("GET", "/api/v1/surveys/{S}/responses", None, codes(403, mentor=200, mentee=200, other_mentor=200, other_program=404, stranger=404)),
    ("POST", "/api/v1/surveys/{S}/responses", {"answers": {"only_in_answers": 3}},
     codes(403, mentor=None, mentee=422, other_mentor=None, other_program=404, stranger=404)),
    ("GET", "/api/v1/surveys/{S}/results", None, codes(403, admin=200, coord=200, viewer=200, other_program=404, stranger=404)),
    ("GET", "/api/v1/me/surveys", None, READ_ALL),
    ("GET", "/api/v1/relationships/{R}/health-checks", None, REL_READ),
    ("POST", "/api/v1/relationships/{R}/health-checks", {"ratings": {}}, codes(404, admin=403, coord=403, mentor=None, mentee=None)),
    ("PUT", "/api/v1/relationships/{R}/health-checks/sharing", {"share": True}, REL_WRITE),
    ("GET", "/api/v1/programs/{P}/at-risk", None, COORD_READ),
    ("GET", "/api/v1/relationships/{R}/coordinator-notes", None, COORD_ONLY_404),
    ("POST", "/api/v1/relationships/{R}/coordinator-notes", {"body": "x"}, COORD_ONLY_WRITE_404),
    ("POST", "/api/v1/relationships/{R}/nudge", {}, codes(404, admin=None, coord=None, mentor=403, mentee=403)),
    ("POST", "/api/v1/relationships/{R}/reassign", {"mentor": 1}, codes(404, admin=None, coord=None, mentor=403, mentee=403)),
    ("POST", "/api/v1/relationships/{R}/rematch", {}, codes(404, admin=None, coord=None, mentor=403, mentee=403)),
    ("GET", "/api/v1/programs/{P}/rematch", None, COORD_READ),
    ("DELETE", "/api/v1/programs/{P}/rematch/{E}", None, COORD_WRITE),
    # Notifications are each person's own; settings too (test_notifications.py).
    ("GET", "/api/v1/notifications", None, READ_ALL),
    ("GET", "/api/v1/notifications/unread", None, READ_ALL),
    ("POST", "/api/v1/notifications/read", None, codes(200)),
    ("POST", "/api/v1/notifications/{TOK}/read", None, codes(404)),  # nobody's notification
    ("GET", "/api/v1/me/notification-settings", None, READ_ALL),
    ("PUT", "/api/v1/me/notification-settings", {"kinds": [{"kind": "invitation", "mode": "off"}]}, codes(422)),
    # An unsubscribe link is its own credential: a bad one is 404 for everyone.
    ("GET", "/api/v1/unsubscribe/{token}", None, codes(404, anon=404)),
    ("POST", "/api/v1/unsubscribe/{token}", None, codes(404, anon=404)),
    ("GET", "/unsubscribe/{token}", None, codes(200, anon=200)),
    ("POST", "/unsubscribe/{token}", None, codes(404, anon=404)),
    # Chat alerts are the coordinators' (no webhook here: the test alert is refused).
    ("GET", "/api/v1/programs/{P}/alerts", None, codes(403, admin=200, coord=200, other_program=404, stranger=404)),
    ("POST", "/api/v1/programs/{P}/alerts/test", None, codes(403, admin=409, coord=409, other_program=404, stranger=404)),
]

PARAM_OF = {"{id}": "{P}", "{pid}": "{E}", "{rid}": "{R}", "{mid}": None, "{gid}": "{G}", "{nid}": "{N}",
            "{module}": "intro", "{name}": "funnel", "{other}": "{RUN}", "{token}": "{token}"}


def pattern_of(path):
    """The route pattern a matrix path stands for."""
    out = []
    segs = path.split("/")
    for i, s in enumerate(segs):
        if s in ("{P}", "{TOK}"):
            out.append("{id}")
        elif s == "{E}":
            out.append("{pid}")
        elif s in ("{RES}", "{SITE}"):
            out.append("{resid}")
        elif s in ("{R}", "{REQ}"):
            out.append("{rid}")
        elif s == "{RUN}":
            out.append("{mid}" if segs[i - 1] == "match-runs" else "{other}")
        elif s == "{G}":
            out.append("{gid}")
        elif s in ("{MS}", "{MT}"):
            out.append("{mid}")
        elif s == "{MT}.ics":
            out.append("{mid}.ics")
        elif s == "{N}":
            out.append("{nid}")
        elif s == "{S}":
            out.append("{sid}")
        elif s == "intro":
            out.append("{module}")
        elif s in ("funnel", "matching", "engagement", "phases", "resources", "outcomes", "satisfaction", "equity",
                   "at-risk") and segs[i - 1] == "reports":
            out.append("{name}")
        else:
            out.append(s)
    return "/".join(out)


def test_every_routed_endpoint_is_in_the_matrix(server):
    out = subprocess.run([server.binary, "routes"], capture_output=True, text=True, check=True).stdout
    routed = {tuple(line.split(" ", 1)) for line in out.splitlines() if line}
    covered = {(m, pattern_of(p)) for m, p, _, _ in MATRIX}
    assert routed - covered == set(), "routes missing from the permission matrix"
    assert covered - routed == set(), "the matrix names routes that do not exist"


@pytest.mark.parametrize("method,path,body,expected", MATRIX, ids=["%s %s" % (m, p) for m, p, _, _ in MATRIX])
def test_matrix(world, method, path, body, expected):
    w = world
    concrete = path
    for key in ["P", "E", "REQ", "RUN", "RES", "SITE", "R", "G", "MS", "MT", "N", "S"]:
        concrete = concrete.replace("{%s}" % key, str(w[key]))
    concrete = concrete.replace("{token}", "not-a-feed-token")
    concrete = concrete.replace("{TOK}", "999999")  # nobody's token
    for actor in ACTORS:
        want = expected[actor]
        if want is None:
            continue
        client = w["people"][actor]
        kwargs = {}
        if body is not None:
            kwargs["json"] = body
        if concrete.endswith("/imports"):
            kwargs = {"data": "email,name,role\n", "headers": {"Content-Type": "text/csv"}}
        r = client.request(method, concrete, **kwargs)
        assert r.status_code == want, "%s %s as %s: %d %s" % (method, concrete, actor, r.status_code, r.text[:200])
        if want >= 400 and want != 405:
            problem(r, want)


def test_private_notes_stay_private_in_lists(world):
    w = world
    url = "/api/v1/relationships/%d/notes" % w["R"]
    for actor in ["mentor", "coord", "admin"]:
        bodies = [n["body"] for n in w["people"][actor].get(url).json()["items"]]
        assert "My private thought" not in bodies, actor
    assert "My private thought" in [n["body"] for n in w["people"]["mentee"].get(url).json()["items"]]


# A draft is its coordinators' and the admins' alone: everyone else, even
# someone a coordinator added while preparing it, gets 404 (the probe read
# a draft's whole configuration and applied to it: 200, 201). A closed
# program is read as before and takes no applications (409 on `status`).
DRAFT_READ = codes(404, admin=200, coord=200)
DRAFT_APPLY = codes(404, coord=409, admin=409)
CLOSED_READ = codes(200, other_program=200)
CLOSED_APPLY = codes(409)


@pytest.fixture(scope="module")
def shut(world):
    people = world["people"]
    coord = people["coord"]
    made = {}
    for status in ["draft", "closed"]:
        r = coord.post("/api/v1/programs", json={"name": "A %s program" % status, "status": status,
                                                 "selection": {"access": "open", "questions": []}})
        assert r.status_code == 201, r.text
        made[status] = r.json()["id"]
        for who, role in [("mentee", "mentee"), ("viewer", "viewer")]:
            r = coord.post("/api/v1/programs/%d/participants" % made[status], json={
                "email": people[who].person["email"], "role": role, "invite": False})
            assert r.status_code == 201, r.text
            made["%s %s" % (status, who)] = r.json()["id"]
    return made


@pytest.mark.parametrize("status,method,rest,expected", [
    ("draft", "GET", "", DRAFT_READ),
    ("draft", "GET", "/participants", codes(404, admin=200, coord=200)),
    ("draft", "GET", "/training", DRAFT_READ),
    ("draft", "POST", "/participants", DRAFT_APPLY),
    ("closed", "GET", "", CLOSED_READ),
    ("closed", "POST", "/participants", CLOSED_APPLY),
])
def test_drafts_are_the_coordinators_and_closed_programs_take_no_applications(world, shut, status, method, rest,
                                                                              expected):
    url = "/api/v1/programs/%d%s" % (shut[status], rest)
    for actor in ACTORS:
        client = world["people"][actor]
        kwargs = {"json": {"role": "mentor"}} if method == "POST" else {}
        r = client.request(method, url, **kwargs)
        want = expected[actor]
        assert r.status_code == want, "%s %s as %s: %d %s" % (method, url, actor, r.status_code, r.text[:200])
        if want == 409:
            problem(r, 409, "status")
        elif want >= 400:
            problem(r, want)


def test_ones_own_place_in_a_draft_is_hidden_too(world, shut):
    for who in ["mentee", "viewer"]:
        for status, want in [("draft", 404), ("closed", 200)]:
            url = "/api/v1/programs/%d/participants/%d" % (shut[status], shut["%s %s" % (status, who)])
            r = world["people"][who].get(url)
            assert r.status_code == want, (who, status, r.text)
            assert world["people"]["coord"].get(url).status_code == 200


def test_a_draft_is_listed_for_its_coordinators_alone(world, shut):
    for actor, sees in [("mentee", False), ("viewer", False), ("coord", True), ("admin", True)]:
        ids = [p["id"] for p in world["people"][actor].get("/api/v1/programs", params={"limit": 500}).json()["items"]]
        assert (shut["draft"] in ids) == sees, actor
        assert shut["closed"] in ids, actor


def keys_in(doc):
    """Every object key anywhere in a JSON document."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield k
            yield from keys_in(v)
    elif isinstance(doc, list):
        for v in doc:
            yield from keys_in(v)


def test_an_anonymous_answer_reaches_no_coordinator_viewer_or_admin(world):
    """The question id of {S} is a key only in an answer: no reply of any
    GET endpoint to a coordinator, a viewer or an admin holds it, and the
    results stay suppressed under the threshold."""
    w = world
    for actor in ["coord", "viewer", "admin"]:
        client = w["people"][actor]
        for method, path, _, expected in MATRIX:
            if method != "GET" or expected[actor] != 200 or "{token}" in path:
                continue
            concrete = path
            for key in ["P", "E", "REQ", "RUN", "RES", "SITE", "R", "G", "MS", "MT", "N", "S"]:
                concrete = concrete.replace("{%s}" % key, str(w[key]))
            r = client.get(concrete)
            assert r.status_code == 200, (actor, concrete)
            if r.headers.get("Content-Type", "").startswith("application/json"):
                assert "only_in_answers" not in set(keys_in(r.json())), (actor, concrete)
        res = client.get("/api/v1/surveys/%d/results" % w["S"]).json()
        assert res["suppressed"] is True and res["responses"] == 1
        assert all(set(q) == {"id", "kind", "label"} for q in res["questions"])


REPORT_NAMES = ("funnel", "matching", "engagement", "phases", "resources", "outcomes", "satisfaction", "equity",
                "at-risk")


def test_a_viewers_reports_name_nobody(world):
    """Every report, every table, as JSON and as CSV: no name or e-mail of
    anyone in the program reaches a viewer; the at-risk list is not there."""
    people = world["people"]
    viewer = people["viewer"]
    P = world["P"]
    urls = [(n, "/api/v1/programs/%d/reports/%s" % (P, n)) for n in REPORT_NAMES]
    urls += [(n + " across programs", "/api/v1/reports/" + n) for n in REPORT_NAMES]
    for name, url in urls:
        r = viewer.get(url)
        assert r.status_code == 200, (name, r.text)
        texts = [r.text]
        for t in r.json().get("tables", []):
            c = viewer.get(url, params={"table": t["name"]}, headers={"Accept": "text/csv"})
            assert c.status_code == 200, (name, t["name"])
            texts.append(c.text)
        if name == "at-risk":
            assert [t["name"] for t in r.json()["tables"]] == ["summary", "reasons"]
        if name.startswith("at-risk"):
            assert "relationships" not in [t["name"] for t in r.json()["tables"]]
        if name == "at-risk":
            assert [t["name"] for t in people["coord"].get(url).json()["tables"]][-1] == "relationships"
        for text in texts:
            for who, client in people.items():
                if who == "anon" or not getattr(client, "person", None):
                    continue
                assert client.person["email"] not in text, (name, who)
                assert client.person["name"] not in text, (name, who)
