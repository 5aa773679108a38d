"""Recognition (issue 12 item 6; product.md §7): milestones recorded as
they happen (the agreement signed, the first meeting, hours of mentoring,
the first goal achieved, completion), badges on the profile, kudos mailed
to the receiver, a coordinator's highlight, and the certificate of
completion as a PDF whose text names the person and the program - for
each member, once the relationship is completed."""
import datetime as _dt
import os
import re
import subprocess
import tempfile
from types import SimpleNamespace

import pytest
from conftest import problem

PROGRAM = {
    "selection": {"access": "open", "questions": []},
    "training": {"required_before_matching": False, "modules": []},
    "meetings": {"frequency_per_month": 2, "length_minutes": 45, "modes": ["video"]},
    "phases": {"template": "custom", "items": [{"name": "Only", "key_actions": []}]},
}
# A name in two scripts that also looks like markup: the PDF prints it as typed.
MENTEE = "王小明 <b>Li</b> & Ana"


def day(offset):
    return (_dt.datetime.now(_dt.timezone.utc).date() + _dt.timedelta(days=offset)).isoformat()


@pytest.fixture
def rec(admin, make_person):
    coordinator = make_person("coordinator", name="Cora Ordinator")
    name = "Recognition %d" % coordinator.person["id"]
    program = coordinator.post("/api/v1/programs", json=dict(PROGRAM, name=name)).json()
    mentor, mentee = make_person(name="Maya Okafor"), make_person(name=MENTEE)
    parts = {}
    for who, role in ((mentor, "mentor"), (mentee, "mentee")):
        r = who.post("/api/v1/programs/%d/participants" % program["id"], json={"role": role})
        assert r.status_code == 201, r.text
        parts[role] = r.json()["id"]
    r = coordinator.post("/api/v1/programs/%d/relationships" % program["id"],
                         json={"mentor": parts["mentor"], "mentees": [parts["mentee"]]})
    assert r.status_code == 201, r.text
    return SimpleNamespace(admin=admin, coordinator=coordinator, mentor=mentor, mentee=mentee,
                           stranger=make_person(), program=program, parts=parts, rel=r.json(),
                           url="/api/v1/relationships/%d" % r.json()["id"])


def kinds(rec, who):
    return sorted((m["kind"], m["threshold"]) for m in rec.coordinator.get(rec.url + "/recognition").json()["milestones"]
                  if m["participation_id"] == rec.parts[who])


def badges(client, rec, who):
    return client.get("/api/v1/programs/%d/participants/%d/badges" % (rec.program["id"], rec.parts[who]))


def pdf_text(data):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "c.pdf")
        with open(path, "wb") as f:
            f.write(data)
        info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
        assert re.search(r"^Pages:\s+1$", info, re.M), info
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True, text=True,
                              check=True).stdout
    return " ".join(text.split())


def complete(rec):
    """Closes the relationship as both partners agree: the mentee proposes
    with a reflection, the mentor confirms with theirs."""
    version = rec.mentee.get(rec.url).json()["version"]
    r = rec.mentee.patch(rec.url, json={"action": "close", "version": version,
                                        "reflection": {"learned": "To ask for feedback early."}})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "closing"
    r = rec.mentor.patch(rec.url, json={"action": "close", "version": r.json()["version"],
                                        "reflection": {"learned": "To listen first."}})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "completed"


def test_a_relationship_walks_to_its_certificate(rec):
    assert kinds(rec, "mentee") == []
    # The agreement, signed by both.
    for who in (rec.mentor, rec.mentee):
        assert who.post(rec.url + "/agreement/signatures", json={}).status_code == 201
    assert kinds(rec, "mentee") == [("agreement_signed", 0)]
    # A meeting of 90 minutes, held: the first meeting and the first hour.
    m = rec.mentor.post(rec.url + "/meetings", json={"starts_at": day(-1) + "T09:00:00Z",
                                                     "duration_minutes": 90}).json()
    assert kinds(rec, "mentor") == [("agreement_signed", 0)]            # scheduled is not held
    r = rec.mentee.patch(rec.url + "/meetings/%d" % m["id"], json={"recap": {"discussed": "Goals"}})
    assert r.status_code == 200, r.text
    assert kinds(rec, "mentee") == [("agreement_signed", 0), ("first_meeting", 0), ("hours", 1)]
    # A meeting the mentor missed counts for the mentee only.
    m2 = rec.mentor.post(rec.url + "/meetings", json={"starts_at": day(-1) + "T12:00:00Z",
                                                      "duration_minutes": 240}).json()
    rec.mentee.patch(rec.url + "/meetings/%d" % m2["id"], json={
        "recap": {"discussed": "Alone"}, "attendance": {str(rec.parts["mentor"]): False}})
    assert ("hours", 5) in kinds(rec, "mentee") and ("hours", 5) not in kinds(rec, "mentor")
    # A goal achieved.
    g = rec.mentee.post(rec.url + "/goals", json={"statement": "Present to the board"}).json()
    assert ("first_goal_achieved", 0) not in kinds(rec, "mentee")
    rec.mentee.patch(rec.url + "/goals/%d" % g["id"], json={"status": "achieved"})
    assert ("first_goal_achieved", 0) in kinds(rec, "mentor")
    # Setting it back does not take the milestone away; achieving again adds nothing.
    rec.mentee.patch(rec.url + "/goals/%d" % g["id"], json={"status": "open"})
    rec.mentee.patch(rec.url + "/goals/%d" % g["id"], json={"status": "achieved"})
    assert kinds(rec, "mentor").count(("first_goal_achieved", 0)) == 1

    # No certificate before completion.
    problem(rec.mentee.get(rec.url + "/certificate.pdf"), 409)
    problem(rec.stranger.get(rec.url + "/certificate.pdf"), 404)
    assert rec.mentee.get(rec.url + "/recognition").json()["certificate"] == {"available": False, "url": None}

    complete(rec)
    got = kinds(rec, "mentee")
    assert ("relationship_completed", 0) in got and ("program_completed", 0) in got
    assert rec.mentee.get(rec.url + "/recognition").json()["certificate"]["available"] is True

    # Each member's certificate names them and the program.
    r = rec.mentee.get(rec.url + "/certificate.pdf")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/pdf"
    assert r.headers["Content-Disposition"].startswith("attachment; filename=\"certificate-")
    assert r.content.startswith(b"%PDF-")
    text = pdf_text(r.content)
    assert "Certificate of completion" in text
    assert MENTEE in text                                   # as typed: not read as markup
    assert rec.program["name"] in text and "as mentee" in text and "Maya Okafor" in text
    assert "5 hours and 30 minutes of mentoring in 2 meetings" in text
    mentor_text = pdf_text(rec.mentor.get(rec.url + "/certificate.pdf").content)
    assert "Maya Okafor" in mentor_text and "as mentor" in mentor_text and "1 hour and 30 minutes" in mentor_text
    # A member gets their own; a coordinator names whose.
    problem(rec.mentor.get(rec.url + "/certificate.pdf", params={"participation_id": rec.parts["mentee"]}),
            403, "participation_id")
    problem(rec.coordinator.get(rec.url + "/certificate.pdf"), 422, "participation_id")
    problem(rec.coordinator.get(rec.url + "/certificate.pdf", params={"participation_id": 999999}), 422,
            "participation_id")
    r = rec.coordinator.get(rec.url + "/certificate.pdf", params={"participation_id": rec.parts["mentee"]})
    assert r.status_code == 200 and MENTEE in pdf_text(r.content)
    problem(rec.coordinator.get(rec.url + "/certificate.pdf", params={"participation_id": "x"}), 400)

    # Badges on the profile: the mentee's own, the partner's and the coordinator's view.
    b = badges(rec.mentee, rec, "mentee").json()
    labels = [x["label"] for x in b["badges"]]
    assert labels == ["First meeting", "Agreement signed", "First goal achieved", "5 hours of mentoring",
                      "Relationship completed", "Program completed"]
    assert b["minutes"] == 330
    assert badges(rec.mentor, rec, "mentee").status_code == 200
    assert badges(rec.coordinator, rec, "mentee").status_code == 200
    problem(badges(rec.stranger, rec, "mentee"), 404)
    problem(rec.mentee.get("/api/v1/programs/%d/participants/999999/badges" % rec.program["id"]), 404)


def test_kudos_are_mailed_to_the_receiver(rec):
    r = rec.mentee.post(rec.url + "/kudos", json={"message": "Your questions changed how I plan my week."})
    assert r.status_code == 201, r.text
    k = r.json()
    assert k["to"]["participation_id"] == rec.parts["mentor"] and k["from"]["name"] == MENTEE
    mail = [m for m in rec.admin.get("/api/v1/outbox", params={"to": rec.mentor.person["email"]}).json()["items"]
            if m["kind"] == "kudos"]
    assert len(mail) == 1 and MENTEE in mail[0]["subject"]
    assert "/relationships/%d/recognition" % rec.rel["id"] in mail[0]["body"]
    got = rec.mentor.get(rec.url + "/recognition").json()["kudos"]
    assert [x["message"] for x in got] == ["Your questions changed how I plan my week."]
    b = badges(rec.mentor, rec, "mentor").json()
    assert b["kudos_received"] == 1 and b["kudos"][0]["message"].startswith("Your questions")
    # Bad input: every field named, nothing stored, nothing mailed.
    for body, fields in [({"message": "  "}, {"message"}),
                         ({"message": "x", "to": rec.parts["mentee"]}, {"to"}),
                         ({"message": "x", "to": 999999}, {"to"}),
                         ({"to": "me", "extra": 1}, {"to", "message", "extra"}),
                         ({"message": "x" * 1001}, {"message"})]:
        p = problem(rec.mentee.post(rec.url + "/kudos", json=body), 422)
        assert {e["field"] for e in p["errors"]} == fields, (body, p)
    problem(rec.coordinator.post(rec.url + "/kudos", json={"message": "Well done"}), 403)
    problem(rec.stranger.post(rec.url + "/kudos", json={"message": "Hi"}), 404)
    assert len(rec.mentor.get(rec.url + "/recognition").json()["kudos"]) == 1


def test_coordinators_highlight_a_successful_relationship(rec):
    problem(rec.mentor.put(rec.url + "/highlight", json={"text": "We are great"}), 403)
    problem(rec.coordinator.put(rec.url + "/highlight", json={"text": " "}), 422, "text")
    problem(rec.coordinator.put(rec.url + "/highlight", json={}), 422, "text")
    r = rec.coordinator.put(rec.url + "/highlight", json={"text": "Met every fortnight and reached every goal."})
    assert r.status_code == 200, r.text
    h = r.json()["highlight"]
    assert h["text"].startswith("Met every fortnight") and "Maya Okafor" in h["members"]
    assert h["by"]["name"] == "Cora Ordinator"
    assert ("highlighted", 0) in kinds(rec, "mentee")
    # The members are told once.
    rec.coordinator.put(rec.url + "/highlight", json={"text": "Edited words."})
    mail = [m for m in rec.admin.get("/api/v1/outbox", params={"to": rec.mentee.person["email"]}).json()["items"]
            if m["kind"] == "highlighted"]
    assert len(mail) == 1
    # The program's people read the highlights; others do not.
    items = rec.mentee.get("/api/v1/programs/%d/highlights" % rec.program["id"]).json()["items"]
    assert [i["text"] for i in items] == ["Edited words."]
    problem(rec.stranger.get("/api/v1/programs/%d/highlights" % rec.program["id"]), 404)
    # Taken away, with its badge.
    assert rec.coordinator.delete(rec.url + "/highlight").status_code == 204
    assert ("highlighted", 0) not in kinds(rec, "mentee")
    problem(rec.coordinator.delete(rec.url + "/highlight"), 404)
    assert rec.mentee.get("/api/v1/programs/%d/highlights" % rec.program["id"]).json()["items"] == []
