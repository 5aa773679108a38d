#include "domain/ical.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/limits.h"
#include "base/mem.h"
#include "base/str.h"
#include "domain/tz.h"

void ical_utc(int64_t t, char out[17])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) == 0)
        str_fmt(out, 17, "19700101T000000Z");
}

void ical_local(int64_t t, int offset, char out[16])
{
    time_t tt = (time_t)(t + offset);
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || strftime(out, 16, "%Y%m%dT%H%M%S", &tm) == 0)
        str_fmt(out, 16, "19700101T000000");
}

void ical_utc_offset(int offset, char out[8])
{
    int a = offset < 0 ? -offset : offset;
    char sign = offset < 0 ? '-' : '+';
    int h = (a / 3600) % 100, m = (a / 60) % 60, s = a % 60;
    if (s)
        str_fmt(out, 8, "%c%02d%02d%02d", sign, h, m, s);
    else
        str_fmt(out, 8, "%c%02d%02d", sign, h, m);
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

/* NAME;TZID=zone:local time, or NAME:...Z when the zone is none or unknown. */
static int zoned_line(buf *out, const char *name, int64_t t, const char *zone)
{
    int offset;
    /* Years 1 to 9999 only: a local time outside them is no DATE-TIME. */
    if (!zone || !*zone || t < -62135596800 + 86400 || t > 253402300799 - 86400 ||
        tz_offset(zone, t, &offset, NULL) != 0)
        return time_line(out, name, t);
    char prop[TZ_NAME_BYTES + 32], v[16];
    str_fmt(prop, sizeof prop, "%s;TZID=%s", name, zone);
    ical_local(t, offset, v);
    return ical_line(out, prop, v);
}

/* One observance of a VTIMEZONE. */
static int observance(buf *out, bool dst, int64_t at, int from, int to)
{
    char start[16], f[8], t[8];
    ical_local(at, from, start);
    ical_utc_offset(from, f);
    ical_utc_offset(to, t);
    const char *kind = dst ? "DAYLIGHT" : "STANDARD";
    return ical_line(out, "BEGIN", kind) || ical_line(out, "DTSTART", start) ||
                   ical_line(out, "TZOFFSETFROM", f) || ical_line(out, "TZOFFSETTO", t) ||
                   ical_line(out, "END", kind)
               ? -1
               : 0;
}

int ical_timezone(buf *out, const char *zone, int64_t from, int64_t to)
{
    struct tz_change *ch = xmalloc(LIMIT_ICAL_TZ_CHANGES * sizeof *ch);
    size_t n = 0;
    int offset = 0;
    bool dst = false;
    int rc = -1;
    if (tz_changes(zone, from, to, ch, LIMIT_ICAL_TZ_CHANGES, &n, &offset, &dst) != 0)
        goto done;
    if (ical_line(out, "BEGIN", "VTIMEZONE") || ical_line(out, "TZID", zone) ||
        observance(out, dst, from, offset, offset))
        goto done;
    for (size_t i = 0; i < n; i++)
        if (observance(out, ch[i].dst, ch[i].at, ch[i].from, ch[i].to))
            goto done;
    rc = ical_line(out, "END", "VTIMEZONE");
done:
    free(ch);
    return rc;
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
        time_line(out, "LAST-MODIFIED", e->stamp) ||
        zoned_line(out, "DTSTART", e->start, e->tzid) ||
        zoned_line(out, "DTEND", end_of(e), e->tzid) || ical_line(out, "SEQUENCE", seq) ||
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
