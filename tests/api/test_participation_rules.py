"""The rules of a participation's numbers, written once: a mentee asks
for 1 .. max_mentors_per_mentee mentors whether applying or changing it
later, and a coordinator setting it keeps to the same maximum."""
import pytest
from conftest import PASSWORD, Client, problem
from server import ADMIN_EMAIL, ADMIN_PASSWORD, Server


@pytest.fixture
def program(admin):
    r = admin.post("/api/v1/programs", json={"status": "enrolling",
        "name": "One mentor each", "selection": {"access": "open", "questions": [
            {"id": "goal", "type": "text", "label": "Your goal?"}]},
        "matching": {"max_mentors_per_mentee": 1}})
    assert r.status_code == 201, r.text
    return r.json()


def url(program, rest=""):
    return "/api/v1/programs/%d/participants%s" % (program["id"], rest)


def test_a_mentee_never_wants_more_than_the_program_allows(admin, make_person, program):
    e = make_person()
    problem(e.post(url(program), json={"role": "mentee", "wants": 3}), 422, "wants")
    r = e.post(url(program), json={"role": "mentee"})
    assert r.status_code == 201 and r.json()["wants"] == 1, r.text
    part = r.json()["id"]
    # The same rule when the mentee changes it later (this answered 200).
    problem(e.patch(url(program, "/%d" % part), json={"wants": 10}), 422, "wants")
    problem(e.patch(url(program, "/%d" % part), json={"wants": 2}), 422, "wants")
    assert e.patch(url(program, "/%d" % part), json={"wants": 1}).status_code == 200
    assert e.get(url(program, "/%d" % part)).json()["wants"] == 1
    # A coordinator keeps to the program's maximum too (security suite, 3).
    problem(admin.patch(url(program, "/%d" % part), json={"wants": 3}), 422, "wants")
    problem(admin.patch(url(program, "/%d" % part), json={"wants": 11}), 422, "wants")


def test_a_refused_change_keeps_nothing_and_leaks_nothing():
    """The answers of a refused PATCH were not freed (LeakSanitizer in the
    sanitizer build): a server of its own, stopped at once, proves it."""
    s = Server(name="refused-patch").start()
    try:
        admin = Client(s.url).sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
        p = admin.post("/api/v1/programs", json={"status": "enrolling",
            "name": "Answers", "selection": {"access": "approval", "questions": [
                {"id": "goal", "type": "text", "label": "Your goal?"}]}}).json()
        r = admin.post("/api/v1/people", json={"email": "asker@example.org", "name": "Asker",
                                                "password": PASSWORD})
        assert r.status_code == 201, r.text
        e = Client(s.url).sign_in("asker@example.org", PASSWORD)
        part = e.post(url(p), json={"role": "mentee", "answers": {"goal": "learn"}}).json()["id"]
        for _ in range(3):
            problem(e.patch(url(p, "/%d" % part), json={"answers": {"goal": "more"}, "status": "approved"}),
                    403, "status")
        got = e.get(url(p, "/%d" % part)).json()
        assert got["status"] == "applied" and got["application"] == {"goal": "learn"}
    finally:
        assert s.stop() == 0, "tandem serve did not exit cleanly (a leak?); see " + s.log_path
