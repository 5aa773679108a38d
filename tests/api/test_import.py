"""CSV import of participants: a coordinator checks a file with a dry run,
fixes every reported row, imports it, and importing it again changes
nothing (product.md §2, §4, §10)."""
import re

import pytest
from conftest import ADMIN_EMAIL, PASSWORD, Client, problem

HEADER = ("email,name,role,department,job_title,job_level,location,time_zone,manager_email,"
          "capacity,wants,languages,expertise,development_needs,utc_offset,years_experience,bio\n")

GOOD = HEADER + (
    "lead@import.example,Lea Lead,mentor,Engineering,Director,12,Lisbon,Europe/Lisbon,,3,,"
    "English; Portuguese,leadership; sql,,0,20,\"Leads teams, \"\"calmly\"\"\"\n"
    "Dev@Import.Example,Dev Eloper,mentee,Engineering,Developer,3,Berlin,Europe/Berlin,"
    "lead@import.example,,2,English,,sql; writing,1,2,\n"
    "dev@import.example,Dev Eloper,mentor,Engineering,Developer,3,Berlin,Europe/Berlin,"
    "lead@import.example,1,,English,python,,1,2,\n"
    "ops@import.example,Op Erator,mentee,Operations,Analyst,4,Dublin,Europe/Dublin,"
    + ADMIN_EMAIL + ",,,English,,finance basics,0,5,\n")


@pytest.fixture
def program(admin):
    r = admin.post("/api/v1/programs", json={"name": "Import scenario"})
    assert r.status_code == 201, r.text
    return r.json()


def url(program, rest=""):
    return "/api/v1/programs/%d%s" % (program["id"], rest)


def post_csv(client, program, text, dry_run=None, content_type="text/csv"):
    data = text.encode() if isinstance(text, str) else text
    params = {"dry_run": dry_run} if dry_run is not None else None
    return client.post(url(program, "/imports"), data=data, params=params,
                       headers={"Content-Type": content_type})


def invalid(r):
    """The 422 problem with the report; returns (report, [(line, field, message)])."""
    body = problem(r, 422)
    assert body["error_count"] == len(body["errors"]) >= 1
    return body, [(e["line"], e["field"], e["message"]) for e in body["errors"]]


def participants(client, program, **params):
    r = client.get(url(program, "/participants"), params=dict(limit=500, **params))
    assert r.status_code == 200, r.text
    return r.json()


def mail_to(admin, email):
    r = admin.get("/api/v1/outbox", params={"to": email})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_a_dry_run_lists_every_bad_row_and_changes_nothing(admin, program):
    text = HEADER + (
        "fine@import.example,Fine,mentee,,,,,,,,,,,,,,\n"                      # line 2: good
        "not-an-email,Bad Mail,mentee,,,,,,,,,,,,,,\n"                         # 3
        "role@import.example,Bad Role,boss,,,,,,,,,,,,,,\n"                    # 4
        "tz@import.example,Bad Zone,mentor,,,,,Mars/Olympus,,,,,,,,,\n"        # 5
        "mgr@import.example,No Manager,mentee,,,,,,ghost@import.example,,,,,,,,\n"  # 6
        "fine@import.example,Fine Again,mentee,,,,,,,,,,,,,,\n"                # 7: duplicate
        "cap@import.example,Too Much,mentor,,,,,,,99,,,,,20,,\n"               # 8: two bad cells
        "short@import.example,Short,mentee\n"                                  # 9
        "\"multi\nline\",Split,viewer,,,,,,,,,,,,,,\n")                        # 10-11
    r = post_csv(admin, program, text, dry_run="true")
    body, errors = invalid(r)
    assert body["dry_run"] is True and body["rows"] == 9
    assert [(line, field) for line, field, _ in errors] == [
        (3, "email"), (4, "role"), (5, "time_zone"), (6, "manager_email"), (7, "email"),
        (8, "capacity"), (8, "utc_offset"), (9, None), (10, "email")]
    msgs = dict(((line, field), m) for line, field, m in errors)
    assert "not-an-email" in msgs[(3, "email")] and "valid e-mail" in msgs[(3, "email")]
    assert "boss" in msgs[(4, "role")]
    assert "time zone" in msgs[(5, "time_zone")]
    assert "ghost@import.example" in msgs[(6, "manager_email")]
    assert "twice" in msgs[(7, "email")] and "line 2" in msgs[(7, "email")]
    assert "1 to 50" in msgs[(8, "capacity")] and "-14 to 14" in msgs[(8, "utc_offset")]
    assert "3 cells" in msgs[(9, None)]
    assert body["errors"][0]["column"] == 1
    assert body["errors"][1]["column"] == len("role@import.example,Bad Role,") + 1
    # Each problem is placed by line and named by the CSV column its cell is in.
    assert body["detail"].startswith('line 3, column "email": \'not-an-email\' is not a valid')
    assert [e["where"] for e in body["errors"]] == [
        'line 3, column "email"', 'line 4, column "role"', 'line 5, column "time_zone"',
        'line 6, column "manager_email"', 'line 7, column "email"', 'line 8, column "capacity"',
        'line 8, column "utc_offset"', "line 9", 'line 10, column "email"']
    assert [e["cell"] for e in body["errors"]][7] is None  # the row as a whole
    assert not any(e["message"].startswith(e["field"] + ":") for e in body["errors"] if e["field"])
    assert participants(admin, program)["total"] == 1  # the coordinator only
    assert mail_to(admin, "fine@import.example") == []


def test_an_import_invites_everyone_and_a_second_one_changes_nothing(admin, base, program, mailbox):
    dry = post_csv(admin, program, GOOD, dry_run="true")
    assert dry.status_code == 200, dry.text
    assert dry.json() == {"dry_run": True, "rows": 4, "created_people": 3, "created_participants": 4,
                          "updated": 0, "unchanged": 0, "errors": [], "error_count": 0}
    assert participants(admin, program)["total"] == 1

    r = post_csv(admin, program, GOOD)
    assert r.status_code == 200, r.text
    assert r.json() == {"dry_run": False, "rows": 4, "created_people": 3, "created_participants": 4,
                        "updated": 0, "unchanged": 0, "errors": [], "error_count": 0}
    invited = participants(admin, program, status="invited", sort="name")["items"]
    assert [(p["name"], p["role"]) for p in invited] == [
        ("Dev Eloper", "mentee"), ("Dev Eloper", "mentor"), ("Lea Lead", "mentor"), ("Op Erator", "mentee")]
    lead = next(p for p in invited if p["name"] == "Lea Lead")
    assert lead["email"] == "lead@import.example" and lead["capacity"] == 3
    got = admin.get(url(program, "/participants/%d" % lead["id"]))
    assert got.status_code == 200, got.text
    assert got.json()["profile"]["expertise"] == ["leadership", "sql"]
    assert got.json()["profile"]["languages"] == ["English", "Portuguese"]
    assert got.json()["profile"]["bio"] == 'Leads teams, "calmly"'
    assert got.json()["profile"]["time_zone"] == "Europe/Lisbon"
    assert "invited" in got.json()["stages"]
    ops = next(p for p in invited if p["name"] == "Op Erator")
    assert ops["wants"] == 1  # the program's default

    # One invitation per participation, with a single-use link.
    assert len(mail_to(admin, "dev@import.example")) == 2
    mail = mail_to(admin, "lead@import.example")
    assert len(mail) == 1 and mail[0]["kind"] == "invitation" and "Import scenario" in mail[0]["subject"]
    token = re.search(r"/invite/([A-Za-z0-9_-]+)", mailbox.wait_for(to="lead@import.example").text).group(1)
    c = Client(base)
    r = c.post("/api/v1/invitations/accept", json={"token": token, "password": PASSWORD})
    assert r.status_code == 200, r.text
    assert Client(base).sign_in("lead@import.example", PASSWORD).person["name"] == "Lea Lead"

    # The same file again: nothing changes, nobody is mailed twice.
    again = post_csv(admin, program, GOOD)
    assert again.status_code == 200, again.text
    assert again.json()["unchanged"] == 4 and again.json()["created_people"] == 0
    assert again.json()["created_participants"] == 0 and again.json()["updated"] == 0
    assert len(mail_to(admin, "dev@import.example")) == 2
    assert participants(admin, program)["total"] == 5

    # A changed cell updates that participation only; empty cells keep what is there.
    changed = GOOD.replace("leadership; sql", "leadership; sql; coaching").replace(",3,,English; P", ",4,,English; P")
    r = post_csv(admin, program, changed)
    assert r.status_code == 200, r.text
    assert (r.json()["updated"], r.json()["unchanged"]) == (1, 3)
    got = admin.get(url(program, "/participants/%d" % lead["id"])).json()
    assert got["profile"]["expertise"] == ["leadership", "sql", "coaching"] and got["capacity"] == 4
    assert got["profile"]["bio"] == 'Leads teams, "calmly"'


def test_existing_people_are_reused_not_renamed(admin, program):
    text = "email,name,role\n%s,Someone Else,viewer\n" % ADMIN_EMAIL.upper()
    r = post_csv(admin, program, text)
    assert r.status_code == 200, r.text
    assert r.json()["created_people"] == 0 and r.json()["created_participants"] == 1
    me = admin.get("/api/v1/me").json()
    assert me["name"] != "Someone Else"
    assert ("viewer", "invited") in [(p["role"], p["status"]) for p in me["participations"]
                                     if p["program_id"] == program["id"]]


def test_a_wrong_header_is_refused(admin, program):
    body, errors = invalid(post_csv(admin, program, "email,name,role,colour\nx@import.example,X,mentee,red\n"))
    assert errors == [(1, "colour", "unknown column 'colour'")]
    assert body["detail"].startswith("line 1: unknown column 'colour'")
    assert body["errors"][0]["where"] == "line 1" and body["errors"][0]["cell"] is None
    assert body["errors"][0]["column"] == 17
    body, errors = invalid(post_csv(admin, program, "email,Name\nx@import.example,X\n"))
    assert errors == [(1, "role", "the required column 'role' is missing")]
    body, errors = invalid(post_csv(admin, program, "email,name,role,email\n"))
    assert errors[0][:2] == (1, "email") and "twice" in errors[0][2]
    body, errors = invalid(post_csv(admin, program, ""))
    assert errors[0][0] == 1 and "empty" in errors[0][2]
    # Header names ignore case, spaces and a byte-order mark.
    r = post_csv(admin, program, "\ufeff Email , NAME,Role\nbom@import.example,Bo M,viewer\n", dry_run="true")
    assert r.status_code == 200, r.text


def test_a_file_that_is_not_utf8_is_refused_at_the_first_bad_byte(admin, program):
    data = "email,name,role\nlatin@import.example,Jos".encode() + b"\xe9,mentee\n"
    body, errors = invalid(post_csv(admin, program, data))
    assert errors[0][0] == 2 and "UTF-8" in errors[0][2]
    assert body["errors"][0]["column"] == 25
    assert body["errors"][0]["where"] == 'line 2, column "name"' and errors[0][1] == "name"
    body, errors = invalid(post_csv(admin, program, 'email,name,role\nq@import.example,"open,mentee\n'))
    assert errors[0][0] == 2 and "unterminated" in errors[0][2] and body["errors"][0]["column"] == 18
    body, errors = invalid(post_csv(admin, program, 'email,name,role\nq@import.example,sto"ry,mentee\n'))
    assert errors[0][0] == 2 and "stray quote" in errors[0][2]
    assert participants(admin, program)["total"] == 1


def test_duplicates_managers_and_time_zones(admin, program):
    text = ("email,name,role,manager_email,time_zone\n"
            "a@import.example,A,mentee,b@import.example,Europe/Paris\n"   # manager later in the file: fine
            "b@import.example,B,mentor,%s,America/New_York\n"              # manager in the database: fine
            "A@IMPORT.EXAMPLE,A,mentee,,\n"                                 # the same e-mail and role
            "a@import.example,A,mentor,,\n"                                 # another role: fine
            "c@import.example,C,mentee,nobody@import.example,\n"
            "d@import.example,D,mentee,d@import.example,Europe/Atlantis\n"
            "e@import.example,E,mentee,,not a zone\n") % ADMIN_EMAIL
    body, errors = invalid(post_csv(admin, program, text))
    assert [(line, field) for line, field, _ in errors] == [
        (4, "email"), (6, "manager_email"), (7, "manager_email"), (7, "time_zone"), (8, "time_zone")]
    assert "own manager" in errors[2][2]
    fixed = "\n".join(text.splitlines()[:3] + text.splitlines()[4:5]) + "\n"
    r = post_csv(admin, program, fixed)
    assert r.status_code == 200, r.text
    assert r.json()["created_people"] == 2 and r.json()["created_participants"] == 3


def test_who_may_import(admin, make_person, program, base):
    text = "email,name,role\nperm@import.example,Perm,mentee\n"
    stranger = make_person()
    problem(post_csv(stranger, program, text), 404)
    mentor = make_person()
    r = mentor.post(url(program, "/participants"), json={"role": "mentor", "answers": {"motivation": "To help"}})
    assert r.status_code in (200, 201), r.text
    problem(post_csv(mentor, program, text), 403)
    problem(Client(base).post(url(program, "/imports"), data=text, headers={"Content-Type": "text/csv"}), 401)
    problem(post_csv(admin, {"id": 999999}, text), 404)
    # A site coordinator imports into their own program.
    coord = make_person("coordinator")
    own = coord.post("/api/v1/programs", json={"name": "Coordinated"}).json()
    r = post_csv(coord, own, text)
    assert r.status_code == 200, r.text
    assert r.json()["created_participants"] == 1
    assert participants(admin, program)["total"] == 1 + 1  # the coordinator and the mentor


def test_the_request_itself_is_checked(admin, program):
    text = "email,name,role\nreq@import.example,Req,mentee\n"
    problem(post_csv(admin, program, text, content_type="application/json"), 415)
    problem(post_csv(admin, program, text, dry_run="maybe"), 400, "dry_run")
    r = post_csv(admin, program, text, content_type="text/csv; charset=utf-8", dry_run="false")
    assert r.status_code == 200 and r.json()["created_participants"] == 1


def test_a_large_file_is_accepted_up_to_the_import_limit(admin, program):
    rows = ["big%05d@import.example,Big %05d,mentee,,,,,,,,,English; French,,sql,1,3," % (i, i) for i in range(3000)]
    text = HEADER + "\n".join(rows) + "\n"
    assert len(text) > 1 << 17
    r = post_csv(admin, program, text)
    assert r.status_code == 200, r.text
    assert r.json()["created_participants"] == 3000
    assert participants(admin, program, status="invited")["total"] == 3000


def test_the_same_people_in_another_program_are_new_participants(admin, program):
    text = "email,name,role,languages\ntwo@import.example,Two Programs,mentee,English\n"
    assert post_csv(admin, program, text).json()["created_participants"] == 1
    other = admin.post("/api/v1/programs", json={"name": "Second program"}).json()
    r = post_csv(admin, other, text)
    assert r.status_code == 200, r.text
    assert (r.json()["created_people"], r.json()["created_participants"], r.json()["unchanged"]) == (0, 1, 0)
    assert post_csv(admin, other, text).json()["unchanged"] == 1


def test_managers_who_go_round_in_a_circle_are_refused_naming_the_rows(admin, program):
    text = ("email,name,role,manager_email\n"
            "ann@circle.example,Ann,mentee,bob@circle.example\n"      # 2: Ann -> Bob
            "top@circle.example,Top,mentor,\n"                        # 3
            "bob@circle.example,Bob,mentor,cat@circle.example\n"      # 4: Bob -> Cat
            "cat@circle.example,Cat,mentor,ann@circle.example\n"      # 5: Cat -> Ann, a circle
            "dan@circle.example,Dan,mentee,ann@circle.example\n"      # 6: below the circle: fine
            "eve@circle.example,Eve,mentee,top@circle.example\n")     # 7: fine
    for dry in ("true", None):
        body, errors = invalid(post_csv(admin, program, text, dry_run=dry))
        assert [(line, field) for line, field, _ in errors] == [
            (2, "manager_email"), (4, "manager_email"), (5, "manager_email")]
        assert [e["where"] for e in body["errors"]] == [
            'line %d, column "manager_email"' % n for n in (2, 4, 5)]
        for _, _, message in errors:
            assert ("line 2 (ann@circle.example) -> line 4 (bob@circle.example) -> "
                    "line 5 (cat@circle.example) -> line 2") in message, message
        assert body["detail"].startswith('line 2, column "manager_email": the managers go round')
    assert participants(admin, program)["total"] == 1
    assert mail_to(admin, "top@circle.example") == []
    # Cut the circle at one row and the file imports.
    fixed = text.replace("cat@circle.example,Cat,mentor,ann@circle.example",
                         "cat@circle.example,Cat,mentor,")
    r = post_csv(admin, program, fixed)
    assert r.status_code == 200, r.text
    assert r.json()["created_participants"] == 6
