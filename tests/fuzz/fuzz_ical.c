/* fuzz_ical.c - the iCalendar writer (domain/ical.h) over every input a
 * feed takes from people: the calendar and time-zone names, a meeting's
 * summary, description and location, and its times.
 *
 * Properties: every line ends in CRLF, no other CR or LF appears, every
 * line is at most 75 octets and continuation lines start with a space;
 * a fold never splits a UTF-8 sequence of valid input; and unfolding and
 * unescaping the SUMMARY gives back the summary as RFC 5545 TEXT keeps it
 * (line breaks as LF, other control characters dropped). The event is in
 * a zone (one of a few real ones, or the fuzzed name, which the tz
 * database mostly does not know) and the calendar carries its VTIMEZONE
 * over a fuzzed span: the lines keep their properties, a known zone's
 * VTIMEZONE is written whole, every DTSTART;TZID names it. */
#include "base/buf.h"
#include "base/str.h"
#include "domain/ical.h"
#include "domain/tz.h"
#include "fuzz.h"

/* What a TEXT value should read back as. */
static void expected_text(const char *s, buf *out)
{
    for (const char *p = s; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '\r') {
            buf_append(out, "\n", 1);
            if (p[1] == '\n')
                p++;
        } else if (ch == '\n' || ch == '\t' || (ch >= 0x20 && ch != 0x7f)) {
            buf_append(out, p, 1);
        }
    }
}

/* Unfolds the calendar and returns the unescaped value of the first
 * line starting with name ("SUMMARY:"), or NULL. */
static char *read_back(const buf *cal, const char *name)
{
    buf un;
    buf_init(&un, cal->cap);
    for (size_t i = 0; i < cal->len; i++) {
        if (i + 2 < cal->len && cal->data[i] == '\r' && cal->data[i + 1] == '\n' &&
            cal->data[i + 2] == ' ') {
            i += 2;
            continue;
        }
        buf_append(&un, cal->data + i, 1);
    }
    char *out = NULL;
    size_t nl = strlen(name);
    for (char *line = un.data; line && *line;) {
        char *end = strstr(line, "\r\n");
        if (!end)
            break;
        if ((size_t)(end - line) >= nl && strncmp(line, name, nl) == 0) {
            buf v;
            buf_init(&v, cal->cap);
            for (char *p = line + nl; p < end; p++) {
                if (*p == '\\' && p + 1 < end) {
                    p++;
                    buf_append(&v, *p == 'n' ? "\n" : p, 1);
                } else {
                    buf_append(&v, p, 1);
                }
            }
            out = buf_take(&v);
            if (!out)
                out = strdup("");
            break;
        }
        line = end + 2;
    }
    buf_cleanup(&un);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    struct fuzz_in in = {data, size};
    struct ical_event e = {.uid = "meeting-1@tandem", .url = "https://tandem.example/m/1"};
    e.start = fuzz_i64(&in);
    e.duration_s = fuzz_i64(&in);
    e.stamp = fuzz_i64(&in);
    e.created = fuzz_i64(&in);
    e.sequence = (int)fuzz_i64(&in);
    e.cancelled = fuzz_u8(&in) & 1;
    char *name = fuzz_str(&in), *zone = fuzz_str(&in), *summary = fuzz_str(&in);
    char *description = fuzz_str(&in), *location = fuzz_str(&in);
    e.summary = summary;
    e.description = description;
    e.location = location;
    static const char *const zones[] = {
        "Europe/Paris", "Australia/Sydney", "America/Sao_Paulo", "Asia/Kathmandu", "UTC", NULL};
    uint8_t pick = fuzz_u8(&in) % 6;
    e.tzid = zones[pick] ? zones[pick] : zone;
    int64_t span = fuzz_i64(&in) % (200LL * 366 * 86400);

    buf cal;
    buf_init(&cal, 1u << 20);
    int rc =
        ical_begin(&cal, "-//Tandem//fuzz//EN", e.cancelled ? "CANCEL" : "REQUEST", name, zone);
    fuzz_assert(rc == 0);
    bool known = tz_known(e.tzid);
    int64_t from = e.start > INT64_MIN + 200LL * 366 * 86400 ? e.start - span : e.start;
    int64_t to = e.start < INT64_MAX - 200LL * 366 * 86400 ? e.start + span : e.start;
    rc = ical_timezone(&cal, e.tzid, from < to ? from : to, from < to ? to : from);
    if (known)
        fuzz_assert(rc == 0);
    rc = ical_event(&cal, &e) || ical_end(&cal);
    fuzz_assert(rc == 0);
    if (known && strstr(cal.data, "BEGIN:VTIMEZONE\r\n")) {
        fuzz_assert(strstr(cal.data, "END:VTIMEZONE\r\n") != NULL);
        const char *dt = strstr(cal.data, "DTSTART;TZID=");
        if (dt)
            fuzz_assert(strncmp(dt + 13, e.tzid, strlen(e.tzid)) == 0);
    }

    bool valid = str_utf8_valid(name, strlen(name)) && str_utf8_valid(zone, strlen(zone)) &&
                 str_utf8_valid(summary, strlen(summary)) &&
                 str_utf8_valid(description, strlen(description)) &&
                 str_utf8_valid(location, strlen(location));
    size_t start = 0;
    for (size_t i = 0; i < cal.len; i++) {
        char ch = cal.data[i];
        if (ch == '\n')
            fuzz_fail("a LF not after a CR at octet %zu", i);
        if (ch != '\r')
            continue;
        if (i + 1 >= cal.len || cal.data[i + 1] != '\n')
            fuzz_fail("a CR without its LF at octet %zu", i);
        size_t len = i - start;
        if (len > ICAL_LINE_OCTETS)
            fuzz_fail("a line of %zu octets", len);
        if (valid && len && !str_utf8_valid(cal.data + start, len) &&
            !(cal.data[start] == ' ' && str_utf8_valid(cal.data + start + 1, len - 1)))
            fuzz_fail("a fold split a UTF-8 sequence");
        i++;
        start = i + 1;
    }
    fuzz_assert(start == cal.len);

    if (*summary) {
        char *back = read_back(&cal, "SUMMARY:");
        fuzz_assert(back != NULL);
        buf want;
        buf_init(&want, 1u << 20);
        expected_text(summary, &want);
        const char *w = want.data ? want.data : "";
        if (strcmp(back, w) != 0)
            fuzz_fail("SUMMARY reads back as \"%s\", not \"%s\"", back, w);
        buf_cleanup(&want);
        free(back);
    }
    buf_cleanup(&cal);
    free(name);
    free(zone);
    free(summary);
    free(description);
    free(location);
    return 0;
}
