/* ical.h - iCalendar (RFC 5545) text for meetings: a VCALENDAR holding
 * VEVENTs, written into a capped buffer. Pure: no I/O, no clock.
 *
 * Every line ends in CRLF and is folded at 75 octets without splitting a
 * UTF-8 sequence; TEXT values are escaped (\\ \; \, \n) and other control
 * characters dropped. Times are written in UTC ("...Z"), so no VTIMEZONE
 * is needed; X-WR-TIMEZONE may name the zone a reader should show them in.
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
