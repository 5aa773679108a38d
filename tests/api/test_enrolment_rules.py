"""The rules of enrolment a first real program stumbled on (issue 9):
every refusal named in one reply, enrolment dates that make sense and
bind applications, the funnel counting each stage as defined, the fields
required criteria use, profile fields in people's words, the invitation
page's facts; and a missing program's training is 404, not 500."""
import datetime
import re

import pytest
from conftest import PASSWORD, Client, problem


def day(offset):
    return (datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=offset)).isoformat()


def url(program, path=""):
    return "/api/v1/programs/%d%s" % (program["id"], path)


def fields(r):
    return [e["field"] for e in r.json().get("errors", [])]


def make_program(admin, **sections):
    body = {"name": "Rules", "status": "enrolling"}
    body.update(sections)
    r = admin.post("/api/v1/programs", json=body)
    assert r.status_code == 201, r.text
    return r.json()


QUESTIONS = {"questions": [
    {"id": "motivation", "role": "both", "type": "long_text", "label": "Why?", "required": True},
    {"id": "track", "role": "mentee", "type": "single_choice", "label": "Track", "required": True,
     "options": ["tech", "people"]}]}


# ---- a missing program ----------------------------------------------------

def test_the_training_of_a_missing_program_is_not_found(admin):
    problem(admin.get("/api/v1/programs/987654/training"), 404)
    problem(admin.post("/api/v1/programs/987654/training/intro/completion", json={}), 404)


# ---- item 8: every refusal in one reply -----------------------------------

def test_two_bad_dates_need_one_attempt(admin):
    r = admin.post("/api/v1/programs", json={"name": "Wizard", "dates": {
        "enrolment_opens": "2027-03-01", "enrolment_closes": "2027-02-01", "matching_date": "2027-02-15"}})
    body = problem(r, 422, "dates.enrolment_closes")
    assert fields(r) == ["dates.enrolment_closes", "dates.matching_date"]
    assert "enrolment opens" in body["errors"][1]["message"]


def test_every_section_of_a_program_is_checked(admin):
    r = admin.post("/api/v1/programs", json={"name": "", "selection": {"default_capacity": 0},
                                             "meetings": {"length_minutes": 1}, "renewals": 99})
    problem(r, 422, "name")
    assert fields(r) == ["name", "selection.default_capacity", "meetings.length_minutes", "renewals"]
    # nothing was made
    assert all(p["name"] != "" for p in admin.get("/api/v1/programs").json()["items"])


def test_three_bad_fields_of_an_application_need_one_attempt(admin, make_person):
    program = make_program(admin, selection=QUESTIONS)
    mentee = make_person()
    r = mentee.post(url(program, "/participants"), json={
        "role": "mentee", "answers": {"track": "art"}, "wants": 5,
        "profile": {"time_zone": "Mars/Base", "languages": "English"}})
    problem(r, 422)
    assert set(fields(r)) == {"wants", "profile.time_zone", "profile.languages",
                              "answers.motivation", "answers.track"}
    assert mentee.get("/api/v1/me").json()["participations"] == []


def test_profiles_and_coordinators_name_every_bad_field(admin, make_person):
    program = make_program(admin, selection=QUESTIONS)
    mentee = make_person()
    part = mentee.post(url(program, "/participants"), json={
        "role": "mentee", "answers": {"motivation": "x", "track": "tech"}}).json()
    r = mentee.patch(url(program, "/participants/%d" % part["id"]), json={
        "profile": {"job_level": 99, "shoe": 1}, "answers": {"track": "art"}, "colour": "red"})
    problem(r, 422)
    assert set(fields(r)) == {"colour", "profile.job_level", "profile.shoe", "answers.track",
                              "answers.motivation"}
    r = admin.post(url(program, "/participants"), json={"email": "not an address", "role": "king",
                                                        "capacity": 0})
    problem(r, 422)
    assert set(fields(r)) == {"email", "role", "capacity"}


# ---- item 7: dates ----------------------------------------------------------

def test_dates_that_make_no_sense_are_refused(admin):
    r = admin.post("/api/v1/programs", json={"name": "Dates", "dates": {
        "enrolment_opens": "2027-03-01", "matching_date": "2027-02-01"}})
    problem(r, 422, "dates.matching_date")
    r = admin.post("/api/v1/programs", json={"name": "Dates", "dates": {
        "starts": "2027-03-01", "ends": "2027-02-01", "enrolment_closes": "2027-04-01"}})
    problem(r, 422, "dates.ends")
    assert fields(r) == ["dates.ends", "dates.enrolment_closes"]
    # A change is checked against the dates kept from before.
    p = make_program(admin, dates={"enrolment_opens": "2027-03-01"})
    r = admin.patch(url(p), json={"dates": {"enrolment_opens": "2027-03-01", "matching_date": "2027-01-01"}})
    problem(r, 422, "dates.matching_date")


def test_nobody_applies_before_enrolment_opens_or_after_it_closes(admin, make_person):
    later = make_program(admin, dates={"enrolment_opens": day(3), "enrolment_closes": day(10)})
    over = make_program(admin, dates={"enrolment_opens": day(-10), "enrolment_closes": day(-1)})
    now = make_program(admin, dates={"enrolment_opens": day(0), "enrolment_closes": day(0)})
    person = make_person()
    assert person.get(url(later)).json()["enrolment"] == "not_yet"
    assert person.get(url(over)).json()["enrolment"] == "closed"
    assert person.get(url(now)).json()["enrolment"] == "open"
    body = problem(person.post(url(later, "/participants"), json={"role": "mentee", "answers": {"motivation": "x"}}),
                   422, "dates.enrolment_opens")
    assert day(3) in body["detail"]
    problem(person.post(url(over, "/participants"), json={"role": "mentor", "answers": {"motivation": "x"}}),
            422, "dates.enrolment_closes")
    assert person.get("/api/v1/me").json()["participations"] == []
    r = person.post(url(now, "/participants"), json={"role": "mentee", "answers": {"motivation": "x"}})
    assert r.status_code == 201, r.text
    # The programs to join: not the closed one; the one to come says so.
    joinable = {p["id"]: p for p in person.get("/api/v1/programs", params={"joinable": "true"}).json()["items"]}
    assert over["id"] not in joinable and now["id"] not in joinable
    assert joinable[later["id"]]["enrolment"] == "not_yet"
    # Someone a coordinator invited completes their application after the close.
    invited = make_person()
    admin.post(url(over, "/participants"), json={"email": invited.person["email"], "role": "mentee", "invite": False})
    r = invited.post(url(over, "/participants"), json={"role": "mentee", "answers": {"motivation": "x"}})
    assert r.status_code == 201 and r.json()["status"] == "applied", r.text


# ---- item 9: the funnel -----------------------------------------------------

def test_the_funnel_counts_each_stage_as_defined(admin, make_person, server):
    program = make_program(admin, selection={"access": "approval", "questions": []},
                           matching={"criteria": []},
                           training={"required_before_matching": True, "modules": [
                               {"id": "intro", "role": "both", "title": "Intro"}]})
    people = {n: make_person(name=n) for n in ["Ines", "Ivo", "Iris", "Uma", "Ugo", "Ula", "Mona", "Max"]}

    def invite(name, role):
        r = admin.post(url(program, "/participants"), json={"email": people[name].person["email"], "role": role})
        assert r.status_code == 201, r.text
        return r.json()["id"]

    def apply(name, role):
        r = people[name].post(url(program, "/participants"), json={"role": role})
        assert r.status_code == 201, r.text
        return r.json()["id"]

    def approve(part):
        r = admin.patch(url(program, "/participants/%d" % part), json={"status": "approved"})
        assert r.status_code == 200, r.text

    def train(name, role):
        r = people[name].post(url(program, "/training/intro/completion"), json={"role": role})
        assert r.status_code == 201 and r.json()["trained"], r.text

    # Invited: Ines, Ivo, Iris, Mona. Ines and Mona apply; Ivo is approved
    # without applying; Iris never answers.
    ines, ivo, mona = invite("Ines", "mentee"), invite("Ivo", "mentee"), invite("Mona", "mentor")
    invite("Iris", "mentee")
    apply("Ines", "mentee")
    apply("Mona", "mentor")
    approve(ines)
    approve(ivo)
    approve(mona)
    # Uninvited: Uma, Ugo, Ula and Max apply; Uma and Max are approved, Ugo
    # declined, Ula waits.
    uma, ugo, mx = apply("Uma", "mentee"), apply("Ugo", "mentee"), apply("Max", "mentor")
    apply("Ula", "mentee")
    approve(uma)
    approve(mx)
    r = admin.patch(url(program, "/participants/%d" % ugo), json={"status": "declined", "decline_reason": "Full"})
    assert r.status_code == 200, r.text
    # Trained: Ines, Uma, Mona, Max. Matched: Ines with Mona, Uma with Max.
    for n, role in [("Ines", "mentee"), ("Uma", "mentee"), ("Mona", "mentor"), ("Max", "mentor")]:
        train(n, role)
    for mentor, mentee in [(mona, ines), (mx, uma)]:
        r = admin.post(url(program, "/relationships"), json={"mentor": mentor, "mentees": [mentee]})
        assert r.status_code == 201, r.text

    report = admin.get(url(program, "/reports/funnel")).json()
    stages = {s["stage"]: s for s in report["stages"]}
    counts = {k: v["count"] for k, v in stages.items()}
    assert report["everyone"] == 8
    # The footnote holds: who applied without an invitation never passes "Invited".
    assert counts["invited"] == 4
    assert counts["applied"] == 6      # Ines, Mona, Uma, Ugo, Ula, Max
    assert counts["approved"] == 5     # Ines, Ivo, Mona, Uma, Max
    assert counts["trained"] == 4
    assert counts["matched"] == 4
    assert counts["agreement_signed"] == 0
    exits = {s["stage"]: s["count"] for s in report["exits"]}
    assert exits == {"declined": 1, "withdrawn": 0, "ended_early": 0}
    # Of the 4 invited, 2 applied; of the 6 who applied, 4 were approved
    # (Ivo was approved without applying); everyone trained was matched.
    assert stages["invited"]["conversion_from_previous"] is None
    assert stages["applied"]["conversion_from_previous"] == pytest.approx(2 / 4)
    assert stages["approved"]["conversion_from_previous"] == pytest.approx(4 / 6)
    assert stages["trained"]["conversion_from_previous"] == pytest.approx(4 / 5)
    assert stages["matched"]["conversion_from_previous"] == pytest.approx(1.0)
    assert stages["agreement_signed"]["conversion_from_previous"] == 0
    assert stages["invited"]["conversion_from_first"] == pytest.approx(4 / 8)
    assert stages["matched"]["conversion_from_first"] == pytest.approx(4 / 8)
    # One role at a time, and the same figures as CSV.
    mentors = {s["stage"]: s["count"] for s in admin.get(url(program, "/reports/funnel"),
                                                          params={"role": "mentor"}).json()["stages"]}
    assert mentors["invited"] == 1 and mentors["applied"] == 2 and mentors["matched"] == 2
    csv = admin.get(url(program, "/reports/funnel"), headers={"Accept": "text/csv"}).text
    assert "\r\ninvited,4,,0.5000\r\n" in csv
    assert "\r\napproved,5,0.6667,0.6250\r\n" in csv
    assert "\r\ndeclined,1,,\r\n" in csv


# ---- item 5: the fields required criteria use --------------------------------

def test_a_participation_names_the_fields_required_criteria_use(admin, make_person):
    program = make_program(admin, matching={"criteria": [
        {"name": "skills", "kind": "overlap", "mentee_field": "development_needs", "mentor_field": "expertise"},
        {"name": "language", "kind": "shared", "field": "languages", "required": True},
        {"name": "level", "kind": "gap", "field": "job_level", "min": 1, "max": 3, "required": True}]})
    mentee, mentor = make_person(), make_person()
    m = mentee.post(url(program, "/participants"), json={"role": "mentee", "answers": {"motivation": "x"}}).json()
    assert m["required_fields"] == ["languages", "job_level"]
    assert set(m["asked_fields"]) == {"development_needs", "languages", "job_level"}
    r = mentor.post(url(program, "/participants"), json={"role": "mentor", "answers": {"motivation": "x"}}).json()
    assert r["required_fields"] == ["languages", "job_level"]


# ---- item 12: profile fields in people's words -----------------------------

CHOICES = {"access": "open", "questions": [], "profile_fields": {
    "expertise": {"options": ["SQL", "Python", "Leadership"], "other": False},
    "development_needs": {"options": ["SQL", "Python", "Leadership"], "other": False},
    "languages": {"options": ["English", "Portuguese"], "other": True},
    "personality": {"questions": [{"label": "I enjoy meeting new people", "low": "Not at all", "high": "Very much"},
                                  {"label": "I plan ahead"}], "scale": 5}}}


def test_pick_lists_and_questionnaires(admin, make_person):
    program = make_program(admin, selection=CHOICES)
    assert program["selection"]["profile_fields"]["personality"]["questions"][1] == {
        "label": "I plan ahead", "low": "", "high": ""}
    person = make_person()
    r = person.post(url(program, "/participants"), json={"role": "mentee", "profile": {
        "development_needs": ["SQL", "sql typo"], "languages": ["English", "Basque"],
        "personality": [3, 7]}})
    problem(r, 422)
    assert fields(r) == ["profile.development_needs[1]", "profile.personality[1]"]
    r = person.post(url(program, "/participants"), json={"role": "mentee", "profile": {
        "development_needs": ["SQL"], "languages": ["English", "Basque"], "personality": [3, 5]}})
    assert r.status_code == 201, r.text
    part = r.json()
    problem(person.patch(url(program, "/participants/%d" % part["id"]), json={"profile": {"personality": [3]}}),
            422, "profile.personality")
    # The wizard refuses choices that cannot work.
    r = admin.post("/api/v1/programs", json={"name": "Bad choices", "selection": {"profile_fields": {
        "expertise": {"options": []}, "job_level": {"options": ["1"]}, "personality": {"questions": [], "scale": 1}}}})
    problem(r, 422)
    assert set(fields(r)) == {"selection.profile_fields.expertise.options", "selection.profile_fields.job_level",
                              "selection.profile_fields.personality.questions",
                              "selection.profile_fields.personality.scale"}


def test_the_offset_comes_from_the_time_zone(admin, make_person):
    program = make_program(admin, selection={"access": "open", "questions": []},
                           matching={"criteria": [{"name": "tz", "kind": "distance", "field": "utc_offset",
                                                   "scale": 6}]})
    person = make_person()
    part = person.post(url(program, "/participants"), json={
        "role": "mentee", "profile": {"time_zone": "Asia/Kolkata", "utc_offset": -9}}).json()
    assert part["profile"]["utc_offset"] == 5.5 and part["completeness"] == 1.0
    assert part["person"]["time_zone"] == "Asia/Kolkata"  # the person's zone, for meetings
    r = person.patch(url(program, "/participants/%d" % part["id"]), json={"profile": {"time_zone": "America/New_York"}})
    assert r.json()["profile"]["utc_offset"] == -5 and r.json()["person"]["time_zone"] == "America/New_York"
    zones = {z["name"]: z for z in person.get("/api/v1/time-zones").json()["items"]}
    assert len(zones) > 300 and "UTC" in zones
    assert zones["Asia/Kolkata"]["offset"] == "+05:30" and zones["Asia/Kolkata"]["standard_offset_minutes"] == 330
    assert zones["America/New_York"]["standard_offset_minutes"] == -300
    problem(Client(person.base).get("/api/v1/time-zones"), 401)


# ---- item 17: the invitation page's facts -----------------------------------

def test_an_invitation_names_the_program_and_the_role(admin, make_person, base, mailbox):
    program = make_program(admin, selection={"access": "invite_only", "questions": []})
    r = admin.post(url(program, "/participants"), json={"email": "zara@example.org", "name": "Zara",
                                                        "role": "mentor"})
    assert r.status_code == 201, r.text
    # The token comes from the mail received (the outbox shows it shortened).
    got = mailbox.wait_for(to="zara@example.org")
    token = re.search(r"/invite/([A-Za-z0-9_-]+)", got.text).group(1)
    anon = Client(base)
    inv = anon.get("/api/v1/invitations/%s" % token).json()
    assert inv["program_name"] == "Rules" and inv["role"] == "mentor" and inv["name"] == "Zara"
    assert inv["program_id"] == program["id"] and inv["has_account"] is False
    problem(anon.get("/api/v1/invitations/not-a-token"), 404)
    r = anon.post("/api/v1/invitations/accept", json={"token": token, "password": PASSWORD})
    assert r.status_code == 200, r.text
    problem(anon.get("/api/v1/invitations/%s" % token), 404)  # used up
