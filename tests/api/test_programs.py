"""Programs and their configuration: create, list, read, change, and
every refusal naming its field."""
import pytest
from conftest import problem, versioned

SIX = ["objectives", "selection", "matching", "training", "meetings", "goals"]


def test_a_program_is_created_with_every_default(admin):
    r = admin.post("/api/v1/programs", json={"name": "New hires 2027"})
    assert r.status_code == 201, r.text
    p = r.json()
    assert isinstance(p["id"], int) and r.headers["Location"] == "/api/v1/programs/%d" % p["id"]
    for section in SIX + ["phases", "dates"]:
        assert isinstance(p[section], dict), section
    assert p["status"] == "draft" and p["version"] == 1
    assert p["duration_months"] == 12 and p["renewals"] == 1
    assert p["matching"]["mode"] == "admin" and p["matching"]["power_differential_rule"] is True
    assert p["phases"]["template"] == "zachary"
    assert [ph["name"] for ph in p["phases"]["items"]] == ["Preparation", "Negotiating",
                                                            "Enabling growth", "Closure"]
    assert len(p["goals"]["questions"]) == 5
    assert p["my_roles"] == ["coordinator"]
    listed = admin.get("/api/v1/programs").json()
    assert p["id"] in [i["id"] for i in listed["items"]]
    assert admin.get("/api/v1/programs/%d" % p["id"]).json() == p


def test_the_whole_configuration_round_trips(admin):
    cfg = {
        "name": "Leadership circle", "description": "For new managers", "status": "enrolling",
        "objectives": {"summary": "Grow leaders", "measures": [
            {"name": "Internal promotion rate", "unit": "%", "baseline": 10, "target": 15,
             "tracks": "outcome:promotion", "by": "2027-12-31"}]},
        "selection": {"access": "invite_only", "mentor_voluntary": True, "default_capacity": 3,
                      "default_wants": 2, "questions": [
                          {"id": "motivation", "role": "both", "type": "long_text", "label": "Why?",
                           "required": True, "options": []},
                          {"id": "track", "role": "mentee", "type": "single_choice", "label": "Track",
                           "required": False, "options": ["tech", "people"]}],
                      "profile_fields": {
                          "expertise": {"options": ["SQL", "Leadership"], "other": False},
                          "languages": {"options": ["English", "Portuguese"], "other": True},
                          "personality": {"questions": [
                              {"label": "I enjoy meeting new people", "low": "Not at all", "high": "Very much"}],
                              "scale": 5}}},
        "matching": {"mode": "hybrid", "relationship_type": "group", "direction": "reverse",
                     "objective": "fair", "min_score": 0.3, "power_differential_rule": False,
                     "max_mentors_per_mentee": 2, "request_expiry_days": 5, "criteria": [
                         {"name": "skills", "kind": "overlap", "mentee_field": "development_needs",
                          "mentor_field": "expertise", "weight": 2, "required": False},
                         {"name": "dept", "kind": "same", "field": "department", "weight": 1,
                          "required": False, "different": True},
                         {"name": "tz", "kind": "distance", "field": "utc_offset", "weight": 1,
                          "required": False, "scale": 4},
                         {"name": "gap", "kind": "gap", "field": "years_experience", "weight": 1,
                          "required": False, "scale": 2, "min": 3, "max": 10},
                         {"name": "style", "kind": "similarity", "field": "personality", "weight": 1,
                          "required": False},
                         {"name": "track", "kind": "same", "field": "track", "weight": 1,
                          "required": True, "different": False},
                         {"name": "picks", "kind": "choice", "weight": 1, "required": False}]},
        "training": {"required_before_matching": False, "modules": [
            {"id": "intro", "role": "mentor", "title": "Intro", "content_md": "# Hi", "questions": []}]},
        "meetings": {"frequency_per_month": 4, "length_minutes": 45, "modes": ["phone", "chat"]},
        "goals": {"count": 2, "due_days": 45, "questions": ["Where are you now?"]},
        "duration_months": 6, "renewals": 0,
        "phases": {"template": "custom", "items": [
            {"name": "Start", "key_actions": ["Meet"], "timeframe_days": 10, "resources": [],
             "exit_criteria": ["Met"]}]},
        "dates": {"enrolment_opens": "2027-01-01", "enrolment_closes": "2027-01-31",
                  "matching_date": "2027-02-05", "starts": "2027-02-10", "ends": "2027-08-10"},
    }
    p = admin.post("/api/v1/programs", json=cfg).json()
    for key, value in cfg.items():
        assert p[key] == value, key


@pytest.mark.parametrize("body,field", [
    ({}, "name"),
    ({"name": "  "}, "name"),
    ({"name": "x", "colour": "red"}, "colour"),
    ({"name": "x", "status": "done"}, "status"),
    ({"name": "x", "selection": {"questions": [{"id": "q", "type": "essay", "label": "Q"}]}},
     "selection.questions[0].type"),
    ({"name": "x", "selection": {"questions": [{"id": "q", "type": "single_choice", "label": "Q",
                                                "options": ["one"]}]}}, "selection.questions[0].options"),
    ({"name": "x", "matching": {"criteria": [{"name": "a", "kind": "overlap", "weight": -1,
                                              "mentee_field": "expertise", "mentor_field": "expertise"}]}},
     "matching.criteria[0].weight"),
    ({"name": "x", "matching": {"criteria": [{"name": "a", "kind": "shared", "field": "shoe_size"}]}},
     "matching.criteria[0].field"),
    ({"name": "x", "matching": {"criteria": [{"name": "a", "kind": "magic", "field": "languages"}]}},
     "matching.criteria[0].kind"),
    ({"name": "x", "matching": {"criteria": [{"name": "a", "kind": "distance", "field": "utc_offset"}]}},
     "matching.criteria[0].scale"),
    ({"name": "x", "matching": {"min_score": 2}}, "matching.min_score"),
    ({"name": "x", "matching": {"mode": "random"}}, "matching.mode"),
    ({"name": "x", "dates": {"enrolment_opens": "2027-02-01", "enrolment_closes": "2027-01-01"}},
     "dates.enrolment_closes"),
    ({"name": "x", "dates": {"starts": "2027-02-30"}}, "dates.starts"),
    ({"name": "x", "duration_months": 0}, "duration_months"),
    ({"name": "x", "phases": {"template": "custom"}}, "phases.items"),
    ({"name": "x", "phases": {"template": "kram", "items": [{"name": ""}]}}, "phases.items[0].name"),
    ({"name": "x", "meetings": {"modes": ["carrier pigeon"]}}, "meetings.modes[0]"),
    ({"name": "x", "training": []}, "training"),
])
def test_bad_configuration_is_refused_naming_the_field(admin, body, field):
    before = admin.get("/api/v1/programs").json()["total"]
    problem(admin.post("/api/v1/programs", json=body), 422, field)
    assert admin.get("/api/v1/programs").json()["total"] == before


def test_patch_replaces_named_sections_and_keeps_the_rest(admin):
    p = admin.post("/api/v1/programs", json={"status": "enrolling", "name": "Patch me", "meetings": {"frequency_per_month": 1}}).json()
    r = admin.patch("/api/v1/programs/%d" % p["id"], json={**versioned(admin, "/api/v1/programs/%d" % p["id"]), "phases": {"template": "kram"}, "renewals": 3})
    assert r.status_code == 200, r.text
    q = r.json()
    assert [ph["name"] for ph in q["phases"]["items"]][0] == "Initiation"
    assert q["renewals"] == 3 and q["meetings"]["frequency_per_month"] == 1 and q["version"] == 2
    problem(admin.patch("/api/v1/programs/%d" % p["id"], json={**versioned(admin, "/api/v1/programs/%d" % p["id"]), "matching": {"min_score": -1}}),
            422, "matching.min_score")
    assert admin.get("/api/v1/programs/%d" % p["id"]).json() == q
    problem(admin.patch("/api/v1/programs/%d" % p["id"], json={"version": 1, "name": "stale"}), 409, "version")
    assert admin.get("/api/v1/programs/%d" % p["id"]).json()["name"] == "Patch me"


def test_unknown_ids(admin):
    problem(admin.get("/api/v1/programs/999999"), 404)
    problem(admin.get("/api/v1/programs/abc"), 404)
    problem(admin.get("/api/v1/programs/-1"), 404)
    problem(admin.patch("/api/v1/programs/999999", json={"name": "x"}), 404)


def test_who_may_create_see_and_change_programs(admin, make_person):
    member = make_person("member")
    coordinator = make_person("coordinator")
    problem(member.post("/api/v1/programs", json={"status": "enrolling", "name": "Mine"}), 403)
    own = coordinator.post("/api/v1/programs", json={"status": "enrolling", "name": "Coordinated", "selection": {"access": "invite_only"}})
    assert own.status_code == 201
    pid = own.json()["id"]
    assert coordinator.patch("/api/v1/programs/%d" % pid, json={**versioned(coordinator, "/api/v1/programs/%d" % pid), "description": "ok"}).status_code == 200
    # A stranger cannot see it exists.
    problem(member.get("/api/v1/programs/%d" % pid), 404)
    problem(member.patch("/api/v1/programs/%d" % pid, json={**versioned(member, "/api/v1/programs/%d" % pid), "name": "x"}), 404)
    assert pid not in [i["id"] for i in member.get("/api/v1/programs").json()["items"]]
    other = make_person("coordinator")
    problem(other.get("/api/v1/programs/%d" % pid), 404)
    # A program that takes applications is readable by anyone signed in.
    public = coordinator.post("/api/v1/programs", json={"status": "enrolling", "name": "Open to all", "selection": {"access": "open"}}).json()
    assert member.get("/api/v1/programs/%d" % public["id"]).status_code == 200
    problem(member.patch("/api/v1/programs/%d" % public["id"], json={**versioned(member, "/api/v1/programs/%d" % public["id"]), "name": "x"}), 403)
    # The admin sees and changes every program.
    assert admin.get("/api/v1/programs/%d" % pid).status_code == 200
    assert admin.patch("/api/v1/programs/%d" % pid, json={**versioned(admin, "/api/v1/programs/%d" % pid), "status": "enrolling"}).json()["status"] == "enrolling"


def test_pagination(admin):
    for i in range(3):
        admin.post("/api/v1/programs", json={"status": "enrolling", "name": "Page %d" % i})
    first = admin.get("/api/v1/programs", params={"limit": 2}).json()
    second = admin.get("/api/v1/programs", params={"limit": 2, "offset": 2}).json()
    assert len(first["items"]) == 2 and first["total"] >= 3
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    problem(admin.get("/api/v1/programs", params={"limit": 0}), 400, "limit")
    problem(admin.get("/api/v1/programs", params={"offset": "x"}), 400, "offset")


def test_phase_templates(admin):
    t = admin.get("/api/v1/phase-templates").json()
    assert set(t) == {"zachary", "kram", "lifecycle", "rapport"}
    assert [p["name"] for p in t["lifecycle"]] == ["Contemplation", "Initiation", "Growth and maintenance",
                                                   "Decline and dissolution", "Redefinition"]
    assert all(p["key_actions"] and p["exit_criteria"] for ps in t.values() for p in ps)
