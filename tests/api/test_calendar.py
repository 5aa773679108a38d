"""Meetings as iCalendar (RFC 5545): each person's private feed URL and
one meeting as a .ics download, read back with python3-icalendar."""
from datetime import datetime, timedelta, timezone

import icalendar
import pytest
import requests
from conftest import problem
from test_workspace import day, ws  # noqa: F401  (the fixture: a paired mentor and mentee)


def at(date, hour, minute):
    """date (YYYY-MM-DD) at hour:minute UTC."""
    return datetime.fromisoformat(date).replace(hour=hour, minute=minute, tzinfo=timezone.utc)


def feed_url(client):
    r = client.post("/api/v1/calendar/feed")
    assert r.status_code == 201, r.text
    url = r.json()["url"]
    assert "/api/v1/calendar/" in url and url.endswith(".ics")
    return url


def fetch(base, url):
    """GETs the feed with no session, as a calendar client would."""
    path = url[url.index("/api/v1/"):]
    return requests.get(base + path)


def assert_zones(raw, names):
    """The calendar's VTIMEZONEs are exactly `names`, and each event's
    DTSTART, read with the VTIMEZONE of its TZID (not the reader's tz
    database), is the same instant as the calendar says."""
    cal = icalendar.Calendar.from_ical(raw)
    zones = {str(z["TZID"]): z.to_tz() for z in cal.walk("VTIMEZONE")}
    assert set(zones) == names
    for ev in cal.walk("VEVENT"):
        start = ev["DTSTART"]
        tzid = start.params.get("TZID")
        assert tzid in zones, "an event in %s without its VTIMEZONE" % tzid
        local = start.dt.replace(tzinfo=None)
        assert zones[tzid].localize(local) == start.dt, (tzid, local)
    return cal


def events(text):
    cal = icalendar.Calendar.from_ical(text)
    assert cal["VERSION"] == "2.0" and cal["PRODID"] and cal["METHOD"] == "PUBLISH"
    assert cal["CALSCALE"] == "GREGORIAN"
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_single_meeting_download(ws, base):  # noqa: F811
    r = ws.mentor.post(ws.url + "/meetings", json={
        "starts_at": day(2) + "T09:30:00+01:00", "duration_minutes": 50, "time_zone": "Europe/Paris",
        "mode": "in_person", "location": "Room 4, floor 2; east wing",
        "agenda": ["Goals, again", "Next steps\nfor spring"]})
    meeting = r.json()
    ics = ws.mentee.get(meeting["ics_url"])
    assert ics.status_code == 200
    assert ics.headers["Content-Type"].startswith("text/calendar")
    assert "attachment" in ics.headers["Content-Disposition"]
    raw = ics.content
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    ev = events(raw)[meeting["uid"]]
    # Times are local times of the meeting's zone, which a VTIMEZONE
    # describes; the instant is the one given.
    assert ev["DTSTART"].params["TZID"] == "Europe/Paris"
    assert ev.decoded("DTSTART") == at(day(2), 8, 30)
    assert_zones(raw, {"Europe/Paris"})
    assert ev.decoded("DTEND") - ev.decoded("DTSTART") == timedelta(minutes=50)
    assert icalendar.Calendar.from_ical(raw)["X-WR-TIMEZONE"] == "Europe/Paris"
    assert str(ev["SUMMARY"]) == "Mentoring: Maya Mentor & Eli Mentee"
    assert str(ev["LOCATION"]) == "Room 4, floor 2; east wing"        # escaped and read back
    assert "- Goals, again" in str(ev["DESCRIPTION"]) and "Next steps\nfor spring" in str(ev["DESCRIPTION"])
    assert int(ev["SEQUENCE"]) == 0 and str(ev["STATUS"]) == "CONFIRMED"
    assert ev.get("DTSTAMP") is not None
    # Readers see it; nobody else learns it exists.
    assert ws.coordinator.get(meeting["ics_url"]).status_code == 200
    problem(ws.stranger.get(meeting["ics_url"]), 404)
    problem(ws.mentee.get(ws.url + "/meetings/999999.ics"), 404)


def test_feed_follows_edits_with_stable_uids(ws, base):  # noqa: F811
    url = feed_url(ws.mentee)
    m = ws.url + "/meetings"
    first = ws.mentor.post(m, json={"starts_at": day(2) + "T09:00:00Z", "time_zone": "America/New_York"}).json()
    second = ws.mentee.post(m, json={"starts_at": day(15) + "T14:00:00-05:00", "mode": "phone"}).json()
    r = fetch(base, url)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/calendar")
    evs = events(r.content)
    assert set(evs) == {first["uid"], second["uid"]}
    assert evs[second["uid"]].decoded("DTSTART") == at(day(15), 19, 0)

    # Reschedule, then cancel: same UID, SEQUENCE grows, the status follows.
    ws.mentor.patch(m + "/%d" % first["id"], json={"starts_at": day(3) + "T09:00:00Z"})
    evs = events(fetch(base, url).content)
    ev = evs[first["uid"]]
    assert int(ev["SEQUENCE"]) == 1
    assert ev.decoded("DTSTART") == at(day(3), 9, 0)
    ws.mentor.patch(m + "/%d" % first["id"], json={"status": "cancelled"})
    ev = events(fetch(base, url).content)[first["uid"]]
    assert int(ev["SEQUENCE"]) == 2 and str(ev["STATUS"]) == "CANCELLED"
    assert int(events(fetch(base, url).content)[second["uid"]]["SEQUENCE"]) == 0

    # The mentor's own feed holds the same meetings under the same UIDs.
    assert set(events(fetch(base, feed_url(ws.mentor)).content)) == {first["uid"], second["uid"]}


def test_rotating_or_revoking_the_feed_kills_the_old_url(ws, base, make_person):  # noqa: F811
    old = feed_url(ws.mentee)
    assert fetch(base, old).status_code == 200
    new = feed_url(ws.mentee)
    assert new != old
    problem(fetch(base, old), 404)
    assert fetch(base, new).status_code == 200
    assert ws.mentee.delete("/api/v1/calendar/feed").status_code == 204
    problem(fetch(base, new), 404)
    problem(requests.get(base + "/api/v1/calendar/cal_nothing.ics"), 404)
    problem(requests.get(base + "/api/v1/calendar/x.ics"), 404)
    problem(requests.post(base + "/api/v1/calendar/feed"), 401)
    # Someone in no relationship gets an empty, valid calendar.
    loner = make_person()
    assert events(fetch(base, feed_url(loner)).content) == {}


@pytest.mark.parametrize("text", ["Comma, semi; back\\slash", "Caf\u00e9 \u20ac " * 20])
def test_text_survives_escaping_and_folding(ws, base, text):  # noqa: F811
    meeting = ws.mentor.post(ws.url + "/meetings", json={
        "starts_at": day(2) + "T09:00:00Z", "location": text}).json()
    raw = ws.mentor.get(meeting["ics_url"]).content
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    raw.decode("utf-8")  # folding never splits a character
    assert str(events(raw)[meeting["uid"]]["LOCATION"]) == text


def calendar_part(got):
    """The text/calendar alternative of a received mail, parsed."""
    parts = [p for p in got.email.iter_parts() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, [p.get_content_type() for p in got.email.iter_parts()]
    assert [p.get_content_type() for p in got.email.iter_parts()] == ["text/plain", "text/html", "text/calendar"]
    method = parts[0].get_param("method")
    raw = parts[0].get_content()
    cal = icalendar.Calendar.from_ical(raw)
    assert cal["METHOD"] == method
    [ev] = cal.walk("VEVENT")
    return cal, ev, raw


def test_invitations_by_mail(ws, base, mailbox):  # noqa: F811
    """Scheduling, moving and cancelling a meeting mail both partners an
    invitation calendar clients add, move and remove: one UID, a rising
    SEQUENCE, METHOD:REQUEST then CANCEL, a VTIMEZONE for its zone."""
    mentor, mentee = ws.mentor.person["email"], ws.mentee.person["email"]
    r = ws.mentor.post(ws.url + "/meetings", json={
        "starts_at": day(5) + "T09:30:00-05:00", "duration_minutes": 45, "time_zone": "America/New_York"})
    assert r.status_code == 201, r.text
    meeting = r.json()
    # The partner is told, the organiser gets a copy for their calendar.
    got = mailbox.wait_for(to=mentee, subject="A meeting was scheduled", text_has=day(5)[:4])
    cal, ev, raw = calendar_part(got)
    assert cal["METHOD"] == "REQUEST"
    assert str(ev["UID"]) == meeting["uid"] and int(ev["SEQUENCE"]) == 0
    assert ev["DTSTART"].params["TZID"] == "America/New_York"
    assert ev.decoded("DTSTART") == at(day(5), 14, 30)
    assert ev.decoded("DTEND") - ev.decoded("DTSTART") == timedelta(minutes=45)
    assert_zones(raw, {"America/New_York"})
    std = [o for o in cal.walk("STANDARD")] + [o for o in cal.walk("DAYLIGHT")]
    assert len(std) >= 3  # the offset of the start, and the changes of a year either side
    assert str(ev["ORGANIZER"]) == "mailto:" + mentor
    assert ev["ORGANIZER"].params["CN"] == "Maya Mentor"
    attendees = ev["ATTENDEE"] if isinstance(ev["ATTENDEE"], list) else [ev["ATTENDEE"]]
    assert sorted(str(a) for a in attendees) == sorted(["mailto:" + mentor, "mailto:" + mentee])
    own = mailbox.wait_for(to=mentor, subject="For your calendar: a mentoring meeting scheduled")
    _, own_ev, _ = calendar_part(own)
    assert str(own_ev["UID"]) == meeting["uid"]

    # Moved: the same UID, a higher SEQUENCE, the new time.
    r = ws.mentor.patch(ws.url + "/meetings/%d" % meeting["id"], json={"starts_at": day(6) + "T10:00:00-05:00"})
    assert r.status_code == 200, r.text
    got = mailbox.wait_for(to=mentee, subject="A meeting moved")
    cal, moved, raw = calendar_part(got)
    assert cal["METHOD"] == "REQUEST" and str(moved["UID"]) == meeting["uid"]
    assert int(moved["SEQUENCE"]) > int(ev["SEQUENCE"])
    assert moved.decoded("DTSTART") == at(day(6), 15, 0)
    assert_zones(raw, {"America/New_York"})

    # Cancelled: METHOD:CANCEL, the same UID, higher again.
    r = ws.mentee.patch(ws.url + "/meetings/%d" % meeting["id"], json={"status": "cancelled"})
    assert r.status_code == 200, r.text
    got = mailbox.wait_for(to=mentor, subject="A meeting was cancelled")
    cal, gone, _ = calendar_part(got)
    assert cal["METHOD"] == "CANCEL" and str(gone["STATUS"]) == "CANCELLED"
    assert str(gone["UID"]) == meeting["uid"] and int(gone["SEQUENCE"]) > int(moved["SEQUENCE"])
    own = mailbox.wait_for(to=mentee, subject="For your calendar: a mentoring meeting cancelled")
    assert calendar_part(own)[0]["METHOD"] == "CANCEL"

    # Scheduled again: a REQUEST puts it back.
    r = ws.mentor.patch(ws.url + "/meetings/%d" % meeting["id"], json={"status": "scheduled"})
    assert r.status_code == 200, r.text
    got = mailbox.wait_for(to=mentee, subject="A meeting was scheduled", count=2)[-1]
    cal, back, _ = calendar_part(got)
    assert cal["METHOD"] == "REQUEST" and str(back["STATUS"]) == "CONFIRMED"
    assert int(back["SEQUENCE"]) > int(gone["SEQUENCE"])


def test_the_feed_carries_a_vtimezone_per_zone(ws, base):  # noqa: F811
    for when, zone in ((day(3) + "T09:00:00+10:00", "Australia/Sydney"),
                       (day(4) + "T09:00:00+09:00", "Asia/Tokyo"),
                       (day(5) + "T09:00:00Z", "UTC")):
        r = ws.mentor.post(ws.url + "/meetings", json={"starts_at": when, "time_zone": zone})
        assert r.status_code == 201, r.text
    raw = fetch(base, feed_url(ws.mentee)).content
    assert_zones(raw, {"Australia/Sydney", "Asia/Tokyo", "UTC"})


def test_a_group_meeting_invites_every_member(admin, make_person, mailbox):
    """Each party of a group relationship gets the invitation, each with
    every member as an attendee."""
    r = admin.post("/api/v1/programs", json={"status": "enrolling", "name": "Calendar group", "duration_months": 6,
                                             "selection": {"access": "open", "questions": []},
                                             "training": {"required_before_matching": False, "modules": []}})
    assert r.status_code == 201, r.text
    prog = r.json()
    people, parts = [], []
    for role in ("mentor", "mentee", "mentee", "mentee"):
        p = make_person(name="Group %s %d" % (role, len(people)))
        extra = {"capacity": 3} if role == "mentor" else {}
        r = p.post("/api/v1/programs/%d/participants" % prog["id"], json=dict(role=role, **extra))
        assert r.status_code == 201, r.text
        people.append(p)
        parts.append(r.json()["id"])
    r = admin.post("/api/v1/programs/%d/relationships" % prog["id"], json={"mentor": parts[0], "mentees": parts[1:]})
    assert r.status_code == 201, r.text
    rel = r.json()
    r = people[1].post("/api/v1/relationships/%d/meetings" % rel["id"],
                       json={"starts_at": day(4) + "T12:00:00+02:00", "time_zone": "Africa/Johannesburg"})
    assert r.status_code == 201, r.text
    uid = r.json()["uid"]
    emails = sorted("mailto:" + p.person["email"] for p in people)
    for i, p in enumerate(people):
        subject = "For your calendar: a mentoring meeting scheduled" if i == 1 else "A meeting was scheduled"
        got = mailbox.wait_for(to=p.person["email"], subject=subject)
        cal, ev, raw = calendar_part(got)
        assert cal["METHOD"] == "REQUEST" and str(ev["UID"]) == uid
        assert sorted(str(a) for a in ev["ATTENDEE"]) == emails
        assert str(ev["ORGANIZER"]) == "mailto:" + people[1].person["email"]
        assert_zones(raw, {"Africa/Johannesburg"})
