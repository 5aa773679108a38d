/* ical.h - iCalendar (RFC 5545) text for meetings: a VCALENDAR holding
 * VEVENTs, written into a capped buffer. Pure: no I/O, no clock.
 *
 * Every line ends in CRLF and is folded at 75 octets without splitting a
 * UTF-8 sequence; TEXT values are escaped (\\ \; \, \n) and other control
 * characters dropped. An event's times are local times of its zone
 * (DTSTART;TZID=Europe/Paris:...), and the calendar carries a VTIMEZONE
 * for each zone its events use (ical_timezone), made from this machine's
 * tz database; an event without a zone (or one the database lacks) is
 * written in UTC ("...Z"). X-WR-TIMEZONE may name the zone a reader
 * should show them in.
 *
 * Functions that write return 0, or -1 when the buffer's cap was reached
 * (the buffer then holds a partial calendar the caller must not send).
 */
#ifndef TANDEM_DOMAIN_ICAL_H
#define TANDEM_DOMAIN_ICAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

#define ICAL_LINE_OCTETS 75 /* RFC 5545 §3.1: lines longer than this are folded */

/* A person of an event: ORGANIZER or ATTENDEE (mailto:). */
struct ical_person {
    const char *name;  /* CN, may be NULL */
    const char *email; /* required */
};

struct ical_event {
    const char *uid;     /* stable across edits */
    int sequence;        /* bumped on every change, so updates replace */
    int64_t stamp;       /* DTSTAMP: when this version was written (Unix seconds) */
    int64_t created;     /* 0: left out */
    int64_t start;       /* DTSTART, Unix seconds */
    int64_t duration_s;  /* DTEND = start + duration_s */
    const char *summary; /* TEXT; NULL or "" left out (as are the three below) */
    const char *description;
    const char *location;
    const char *url;                     /* a URI, written as is */
    bool cancelled;                      /* STATUS:CANCELLED, else CONFIRMED */
    const struct ical_person *organizer; /* NULL: left out */
    const struct ical_person *attendees; /* n_attendees of them, may be NULL */
    size_t n_attendees;
    const char *tzid; /* DTSTART/DTEND in this zone's local time; NULL: in UTC */
};

/* Writes BEGIN:VCALENDAR with PRODID, VERSION:2.0, CALSCALE:GREGORIAN and
 * METHOD (RFC 5546: "PUBLISH" for a feed or a download, "REQUEST" for an
 * invitation, "CANCEL" for a cancelled event; NULL is PUBLISH); name
 * (X-WR-CALNAME) and time_zone (X-WR-TIMEZONE) are left out when NULL or
 * empty. */
int ical_begin(buf *out, const char *prodid, const char *method, const char *name,
               const char *time_zone);

/* Writes one VEVENT. */
int ical_event(buf *out, const struct ical_event *e);

/* Writes a VTIMEZONE for zone (TZID the IANA name): an observance for the
 * offset in force at `from` (STANDARD or DAYLIGHT, starting then) and one
 * per change of offset until `to` (tz_changes), each DTSTART in the local
 * time before the change with TZOFFSETFROM/TZOFFSETTO. Callers pass a
 * range around their events (a year either side), so every event falls
 * under an observance. At most LIMIT_ICAL_TZ_CHANGES changes are written.
 * 0; -1 when the buffer is full or the zone is unknown. */
int ical_timezone(buf *out, const char *zone, int64_t from, int64_t to);

/* Formats an offset in seconds as a UTC-OFFSET value: "+0100", "-0330",
 * "+001512" (with seconds only when there are some), into out[8]. */
void ical_utc_offset(int offset, char out[8]);

/* Formats Unix seconds shifted by offset as a local DATE-TIME,
 * "20260310T090000" (no Z), into out[16]. */
void ical_local(int64_t t, int offset, char out[16]);

/* Writes END:VCALENDAR. */
int ical_end(buf *out);

/* Writes one content line "NAME:value" (name may carry ;parameters),
 * folded, with CRLF. The value is written as given (escape TEXT first). */
int ical_line(buf *out, const char *name, const char *value);

/* Appends s escaped as a TEXT value (RFC 5545 §3.3.11): backslash,
 * semicolon and comma get a backslash, a line break (LF, CRLF or CR)
 * becomes \n, other control characters are dropped. */
int ical_escape(buf *out, const char *s);

/* Formats Unix seconds as a UTC DATE-TIME, "20260310T080000Z", into out[17]. */
void ical_utc(int64_t t, char out[17]);

#endif
