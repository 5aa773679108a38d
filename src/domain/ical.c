#include "domain/ical.h"

#include <string.h>
#include <time.h>

#include "base/str.h"

void ical_utc(int64_t t, char out[17])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) == 0)
        str_fmt(out, 17, "19700101T000000Z");
}

int ical_escape(buf *out, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        int rc;
        if (ch == '\\' || ch == ';' || ch == ',') {
            char esc[2] = {'\\', (char)ch};
            rc = buf_append(out, esc, 2);
        } else if (ch == '\r') {
            rc = buf_append(out, "\\n", 2);
            if (p[1] == '\n')
                p++;
        } else if (ch == '\n') {
            rc = buf_append(out, "\\n", 2);
        } else if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
            rc = 0; /* not allowed in TEXT */
        } else {
            rc = buf_append(out, p, 1);
        }
        if (rc)
            return -1;
    }
    return 0;
}

/* Writes text (one unfolded content line) folded at ICAL_LINE_OCTETS:
 * each continuation line starts with a space, which counts towards its
 * length, and a break never falls inside a UTF-8 sequence. */
static int fold(buf *out, const char *text, size_t n)
{
    size_t at = 0;
    bool first = true;
    while (first || at < n) {
        size_t room = first ? ICAL_LINE_OCTETS : ICAL_LINE_OCTETS - 1;
        size_t take = n - at;
        if (take > room) {
            take = room;
            /* Back off while the next segment would start mid-character. */
            while (take > 1 && ((unsigned char)text[at + take] & 0xC0) == 0x80)
                take--;
        }
        if ((!first && buf_append(out, " ", 1)) || buf_append(out, text + at, take) ||
            buf_append(out, "\r\n", 2))
            return -1;
        at += take;
        first = false;
    }
    return 0;
}

int ical_line(buf *out, const char *name, const char *value)
{
    buf line;
    buf_init(&line, out->cap);
    int rc = -1;
    if (buf_puts(&line, name) || buf_append(&line, ":", 1) || buf_puts(&line, value ? value : ""))
        goto done;
    rc = fold(out, line.data, line.len);
done:
    buf_cleanup(&line);
    return rc;
}

/* A TEXT property, left out when the value is NULL or empty. */
static int text_line(buf *out, const char *name, const char *value)
{
    if (!value || !*value)
        return 0;
    buf esc;
    buf_init(&esc, out->cap);
    int rc = ical_escape(&esc, value) ? -1 : ical_line(out, name, esc.data);
    buf_cleanup(&esc);
    return rc;
}

static int time_line(buf *out, const char *name, int64_t t)
{
    char v[17];
    ical_utc(t, v);
    return ical_line(out, name, v);
}

int ical_begin(buf *out, const char *prodid, const char *method, const char *name,
               const char *time_zone)
{
    if (ical_line(out, "BEGIN", "VCALENDAR") || ical_line(out, "VERSION", "2.0") ||
        ical_line(out, "PRODID", prodid) || ical_line(out, "CALSCALE", "GREGORIAN") ||
        ical_line(out, "METHOD", method && *method ? method : "PUBLISH") ||
        text_line(out, "X-WR-CALNAME", name) || text_line(out, "X-WR-TIMEZONE", time_zone))
        return -1;
    return 0;
}

/* ORGANIZER or ATTENDEE: NAME;CN="Name":mailto:address. The CN is a
 * quoted parameter value: double quotes and control characters, which it
 * cannot hold, are dropped. */
static int person_line(buf *out, const char *prop, const char *params, const struct ical_person *p)
{
    buf name, value;
    buf_init(&name, out->cap);
    buf_init(&value, out->cap);
    int rc = buf_puts(&name, prop);
    if (!rc && p->name && *p->name) {
        rc = buf_puts(&name, ";CN=\"");
        for (const char *c = p->name; !rc && *c; c++)
            if (*c != '"' && (unsigned char)*c >= 0x20 && *c != 0x7f)
                rc = buf_append(&name, c, 1);
        rc = rc || buf_puts(&name, "\"");
    }
    rc = rc || (params && buf_puts(&name, params)) || buf_puts(&value, "mailto:") ||
         buf_puts(&value, p->email ? p->email : "") || ical_line(out, name.data, value.data);
    buf_cleanup(&name);
    buf_cleanup(&value);
    return rc ? -1 : 0;
}

/* start + duration, held to what a time_t and a calendar can carry rather
 * than overflowing. */
static int64_t end_of(const struct ical_event *e)
{
    int64_t d = e->duration_s > 0 ? e->duration_s : 0;
    return e->start > INT64_MAX - d ? INT64_MAX : e->start + d;
}

int ical_event(buf *out, const struct ical_event *e)
{
    char seq[24];
    str_fmt(seq, sizeof seq, "%d", e->sequence < 0 ? 0 : e->sequence);
    if (ical_line(out, "BEGIN", "VEVENT") || ical_line(out, "UID", e->uid) ||
        time_line(out, "DTSTAMP", e->stamp) ||
        (e->created && time_line(out, "CREATED", e->created)) ||
        time_line(out, "LAST-MODIFIED", e->stamp) || time_line(out, "DTSTART", e->start) ||
        time_line(out, "DTEND", end_of(e)) || ical_line(out, "SEQUENCE", seq) ||
        ical_line(out, "STATUS", e->cancelled ? "CANCELLED" : "CONFIRMED") ||
        text_line(out, "SUMMARY", e->summary) || text_line(out, "DESCRIPTION", e->description) ||
        text_line(out, "LOCATION", e->location) ||
        (e->url && *e->url && ical_line(out, "URL", e->url)) ||
        ical_line(out, "TRANSP", e->cancelled ? "TRANSPARENT" : "OPAQUE") ||
        (e->organizer && person_line(out, "ORGANIZER", NULL, e->organizer)))
        return -1;
    for (size_t i = 0; i < e->n_attendees; i++)
        if (person_line(out, "ATTENDEE", ";ROLE=REQ-PARTICIPANT", &e->attendees[i]))
            return -1;
    return ical_line(out, "END", "VEVENT");
}

int ical_end(buf *out)
{
    return ical_line(out, "END", "VCALENDAR");
}
