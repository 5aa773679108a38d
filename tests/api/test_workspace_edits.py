"""The workspace after issue 9: links in mail and calendars that open real
pages, times in the reader's zone, dates that make sense (item 7), and
editing what the workspace made (item 15)."""
import datetime as dt
import re
from zoneinfo import ZoneInfo

import icalendar
from conftest import problem, versioned
from test_workspace import day, mail, ws  # noqa: F401  (the fixture: a paired mentor and mentee)


def set_zone(ws, who, role, zone):
    r = who.patch("/api/v1/programs/%d/participants/%d" % (ws.program["id"], ws.parts[role]),
                  json={"profile": {"time_zone": zone}})
    assert r.status_code == 200, r.text


def as_read(instant, zone):
    """'Tuesday 8 December 2026, 16:30 (Europe/Paris)', as the mail writes it."""
    local = instant.astimezone(ZoneInfo(zone))
    return "%s %d %s, %s (%s)" % (local.strftime("%A"), local.day, local.strftime("%B %Y"),
                                  local.strftime("%H:%M"), zone)


def links(body):
    return re.findall(r"https?://\S+", body)


def test_meeting_mail_speaks_the_recipients_time_and_links_the_meeting(ws):
    set_zone(ws, ws.mentee, "mentee", "America/New_York")
    set_zone(ws, ws.mentor, "mentor", "Europe/Paris")
    # The new-meeting default is the author's profile zone, not the server's.
    assert ws.mentor.get(ws.url + "/meetings").json()["default_time_zone"] == "Europe/Paris"
    start = dt.datetime.fromisoformat(day(6) + "T15:30:00+00:00")
    r = ws.mentor.post(ws.url + "/meetings", json={"starts_at": start.isoformat()})
    assert r.status_code == 201, r.text
    meeting = r.json()
    assert meeting["time_zone"] == "Europe/Paris" and meeting["started"] is False
    page = "/relationships/%d/meetings/%d" % (ws.rel["id"], meeting["id"])
    assert meeting["url"] == page
    [m] = mail(ws, ws.mentee, "meeting_scheduled")
    assert as_read(start, "America/New_York") in m["body"], m["body"]
    assert "Z (UTC)" not in m["body"] and "T15:30" not in m["body"]
    assert [u for u in links(m["body"]) if u.endswith(page)], m["body"]

    moved = start + dt.timedelta(days=1, hours=2)
    ws.mentor.patch(ws.url + "/meetings/%d" % meeting["id"], json={"starts_at": moved.isoformat()})
    [m] = mail(ws, ws.mentee, "meeting_moved")
    assert as_read(start, "America/New_York") in m["body"] and as_read(moved, "America/New_York") in m["body"]
    ws.mentor.patch(ws.url + "/meetings/%d" % meeting["id"], json={"status": "cancelled"})
    [m] = mail(ws, ws.mentee, "meeting_cancelled")
    assert as_read(moved, "America/New_York") in m["body"] and links(m["body"])[0].endswith(page)
    # The mentor was never mailed about their own changes.
    assert not mail(ws, ws.mentor, "meeting_moved")

    # The calendar links the same page.
    ics = icalendar.Calendar.from_ical(ws.mentee.get(meeting["ics_url"]).content)
    ev = [c for c in ics.walk("VEVENT")][0]
    assert str(ev["URL"]).endswith(page) and page in str(ev["DESCRIPTION"])


def test_message_and_agreement_mail_link_the_sections(ws):
    assert ws.mentee.post(ws.url + "/messages", json={"body": "Hi"}).status_code == 201
    [m] = mail(ws, ws.mentor, "message")
    assert links(m["body"]) and links(m["body"])[0].endswith("/relationships/%d/messages" % ws.rel["id"])
    assert "Hi" not in m["body"]
    ws.mentee.put(ws.url + "/agreement", json={"goals_summary": "Lead", **versioned(ws.mentee, ws.url + "/agreement")})
    [m] = mail(ws, ws.mentor, "agreement_changed")
    assert links(m["body"])[0].endswith("/relationships/%d/agreement" % ws.rel["id"])


def test_dates_that_make_no_sense_are_refused(ws):
    m = ws.url + "/meetings"
    # Years before the relationship began.
    problem(ws.mentor.post(m, json={"starts_at": day(-3 * 365) + "T09:00:00Z"}), 422, "starts_at")
    assert ws.mentor.get(m).json()["total"] == 0
    # A meeting that has not started cannot be recapped nor marked held.
    soon = ws.mentor.post(m, json={"starts_at": day(2) + "T09:00:00Z"}).json()
    one = m + "/%d" % soon["id"]
    problem(ws.mentee.patch(one, json={"recap": {"discussed": "Not yet"}}), 422, "recap")
    problem(ws.mentee.patch(one, json={"status": "held"}), 422, "status")
    after = ws.mentee.get(one).json()
    assert after["status"] == "scheduled" and after["recap"] is None and after["sequence"] == 0
    # One that took place yesterday can be.
    past = ws.mentor.post(m, json={"starts_at": day(-1) + "T09:00:00Z"}).json()
    assert past["started"] is True
    r = ws.mentee.patch(m + "/%d" % past["id"], json={"recap": {"discussed": "Goals"}})
    assert r.status_code == 200 and r.json()["status"] == "held"
    # ... but not moved into the future any more.
    problem(ws.mentee.patch(m + "/%d" % past["id"], json={"starts_at": day(9) + "T09:00:00Z"}), 422,
            "starts_at")

    # A goal's target date (and a milestone's due date) in the past is refused.
    g = ws.url + "/goals"
    problem(ws.mentee.post(g, json={"statement": "Speak", "target_date": day(-1)}), 422, "target_date")
    goal = ws.mentee.post(g, json={"statement": "Speak", "target_date": day(0)}).json()
    assert goal["overdue"] is False
    problem(ws.mentee.patch(g + "/%d" % goal["id"], json={"target_date": day(-10)}), 422, "target_date")
    problem(ws.mentee.post(g + "/%d/milestones" % goal["id"], json={"title": "Outline", "due_date": day(-2)}),
            422, "due_date")
    assert ws.mentee.get(g).json()["items"][0]["target_date"] == day(0)


def test_the_workspace_edits_what_it_made(ws):
    m = ws.url + "/meetings"
    meeting = ws.mentor.post(m, json={"starts_at": day(3) + "T09:00:00Z", "location": "https://meet.example/x"}).json()
    one = m + "/%d" % meeting["id"]
    before = icalendar.Calendar.from_ical(ws.mentee.get(meeting["ics_url"]).content)
    assert before["METHOD"] == "PUBLISH"
    r = ws.mentee.patch(one, json={"starts_at": day(4) + "T10:00:00Z", "duration_minutes": 30})
    assert r.status_code == 200, r.text
    ics = icalendar.Calendar.from_ical(ws.mentee.get(meeting["ics_url"]).content)
    ev = list(ics.walk("VEVENT"))[0]
    assert str(ev["UID"]) == meeting["uid"] and int(ev["SEQUENCE"]) == 1
    assert ev.decoded("DTSTART") == dt.datetime.fromisoformat(day(4) + "T10:00:00+00:00")
    r = ws.mentee.patch(one, json={"status": "cancelled"})
    assert r.status_code == 200 and r.json()["sequence"] == 2
    ics = icalendar.Calendar.from_ical(ws.mentee.get(meeting["ics_url"]).content)
    ev = list(ics.walk("VEVENT"))[0]
    assert ics["METHOD"] == "CANCEL" and ev["STATUS"] == "CANCELLED"
    assert str(ev["UID"]) == meeting["uid"] and int(ev["SEQUENCE"]) == 2
    assert str(ev["ORGANIZER"]).startswith("mailto:")
    assert {str(a) for a in ev["ATTENDEE"]} == {"mailto:" + ws.mentor.person["email"],
                                                "mailto:" + ws.mentee.person["email"]}

    # Notes, goals and milestones are edited.
    note = ws.mentee.post(ws.url + "/notes", json={"body": "First thoughts"}).json()
    r = ws.mentee.patch(ws.url + "/notes/%d" % note["id"], json={"body": "Second thoughts", "visibility": "shared"})
    assert r.status_code == 200 and r.json()["body"] == "Second thoughts"
    goal = ws.mentee.post(ws.url + "/goals", json={"statement": "Speak"}).json()
    r = ws.mentor.patch(ws.url + "/goals/%d" % goal["id"], json={"statement": "Speak at the all-hands",
                                                                 "measure": "Rated 4+", "target_date": day(60)})
    assert r.status_code == 200 and r.json()["statement"] == "Speak at the all-hands"
    problem(ws.mentor.patch(ws.url + "/goals/%d" % goal["id"], json={"progress": 101}), 422, "progress")
    ms = ws.mentee.post(ws.url + "/goals/%d/milestones" % goal["id"], json={"title": "Outline"}).json()
    r = ws.mentee.patch(ws.url + "/goals/%d/milestones/%d" % (goal["id"], ms["id"]),
                        json={"title": "Outline the talk", "due_date": day(20)})
    assert r.status_code == 200 and r.json()["title"] == "Outline the talk" and r.json()["due_date"] == day(20)


def test_the_agreement_keeps_its_clauses_and_shows_what_changed(ws):
    a = ws.url + "/agreement"
    body = problem(ws.mentee.put(a, json={"confidentiality": "", "no_fault_exit": "  ", "version": 1}), 422, "confidentiality")
    assert {e["field"] for e in body["errors"]} == {"confidentiality", "no_fault_exit"}
    assert ws.mentee.get(a).json()["version"] == 1
    assert ws.mentor.post(a + "/signatures", json={}).status_code == 201
    r = ws.mentee.put(a, json={"goals_summary": "Lead a team", "confidentiality": "Only between us.",
                                 "version": 1})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["version"] == 2 and doc["required"] == ["confidentiality", "boundaries", "no_fault_exit"]
    v2, v1 = doc["versions"]
    assert v2["version"] == 2 and v2["changed"] == ["goals_summary", "confidentiality"]
    assert v2["edited_by"]["person_id"] == ws.mentee.person["id"]
    assert v1["version"] == 1 and v1["content"]["confidentiality"].startswith("What we discuss")
    # The mentor's signature of version 1 is kept in the history.
    assert [s["participation_id"] for s in v1["signed_by"]] == [ws.parts["mentor"]]
    assert v2["signed_by"] == []
    mentor_sig = [s for s in doc["signatures"] if s["role"] == "mentor"][0]
    assert mentor_sig["signed"] is False and mentor_sig["signed_version"] == 1
