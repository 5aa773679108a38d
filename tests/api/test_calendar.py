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
    # Times are UTC; the meeting's zone is the calendar's display hint.
    assert ev.decoded("DTSTART") == at(day(2), 8, 30)
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
