/* test_vtimezone.c - the changes of a zone's offset from the tz database
 * (tz_changes) and the VTIMEZONE written from them (ical_timezone), with
 * events in a zone's local time: a zone with daylight time, one without,
 * the southern hemisphere (daylight time across the new year), a zone
 * that gave daylight time up (Sao Paulo, 2019), and years past the zone
 * file's table (its POSIX rule). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "domain/ical.h"
#include "domain/signup.h"
#include "domain/tz.h"

static int64_t at(const char *rfc3339)
{
    int64_t t;
    assert_int_equal(clock_parse(rfc3339, &t), 0);
    return t;
}

struct want {
    const char *at;
    int from, to;
    bool dst;
};

static void expect(const char *zone, const char *from, const char *to, int offset, bool dst,
                   const struct want *w, size_t nw)
{
    struct tz_change ch[16];
    size_t n = 99;
    int off = 1;
    bool d = !dst;
    assert_int_equal(tz_changes(zone, at(from), at(to), ch, 16, &n, &off, &d), 0);
    assert_int_equal(off, offset);
    assert_int_equal(d, dst);
    assert_int_equal(n, nw);
    for (size_t i = 0; i < nw; i++) {
        assert_int_equal(ch[i].at, at(w[i].at));
        assert_int_equal(ch[i].from, w[i].from);
        assert_int_equal(ch[i].to, w[i].to);
        assert_int_equal(ch[i].dst, w[i].dst);
    }
}

static void test_changes(void **state)
{
    (void)state;
    /* Paris: into summer time in March, out in October. */
    const struct want paris[] = {{"2026-03-29T01:00:00Z", 3600, 7200, true},
                                 {"2026-10-25T01:00:00Z", 7200, 3600, false}};
    expect("Europe/Paris", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", 3600, false, paris, 2);
    /* Tokyo: no daylight time at all. */
    expect("Asia/Tokyo", "2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z", 32400, false, NULL, 0);
    expect("UTC", "2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z", 0, false, NULL, 0);
    /* Sydney: summer time at new year, out in April, in again in October. */
    const struct want sydney[] = {{"2026-04-04T16:00:00Z", 39600, 36000, false},
                                  {"2026-10-03T16:00:00Z", 36000, 39600, true}};
    expect("Australia/Sydney", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", 39600, true, sydney,
           2);
    /* Sao Paulo gave summer time up in 2019: its last change is February 2019. */
    const struct want sao[] = {{"2018-02-18T02:00:00Z", -7200, -10800, false},
                               {"2018-11-04T03:00:00Z", -10800, -7200, true},
                               {"2019-02-17T02:00:00Z", -7200, -10800, false}};
    expect("America/Sao_Paulo", "2018-01-01T00:00:00Z", "2021-01-01T00:00:00Z", -7200, true, sao,
           3);
    expect("America/Sao_Paulo", "2020-01-01T00:00:00Z", "2027-01-01T00:00:00Z", -10800, false, NULL,
           0);
    /* 2045 is past the table of a slim zone file: the POSIX rule decides. */
    const struct want later[] = {{"2045-03-26T01:00:00Z", 3600, 7200, true},
                                 {"2045-10-29T01:00:00Z", 7200, 3600, false}};
    expect("Europe/Paris", "2045-01-01T00:00:00Z", "2046-01-01T00:00:00Z", 3600, false, later, 2);
    /* A cap keeps the first changes. */
    struct tz_change one[1];
    size_t n;
    int off;
    bool d;
    assert_int_equal(tz_changes("Europe/Paris", at("2026-01-01T00:00:00Z"),
                                at("2030-01-01T00:00:00Z"), one, 1, &n, &off, &d),
                     0);
    assert_int_equal(n, 1);
    assert_int_equal(one[0].at, at("2026-03-29T01:00:00Z"));
    assert_int_equal(tz_changes("Nowhere/Atlantis", 0, 1, one, 1, &n, &off, &d), -1);
}

static void test_vtimezone(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 1 << 16);
    assert_int_equal(
        ical_timezone(&b, "Europe/Paris", at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z")),
        0);
    assert_string_equal(b.data, "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n"
                                "BEGIN:STANDARD\r\nDTSTART:20260101T010000\r\n"
                                "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n"
                                "BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\n"
                                "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\n"
                                "BEGIN:STANDARD\r\nDTSTART:20261025T030000\r\n"
                                "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n"
                                "END:VTIMEZONE\r\n");
    buf_cleanup(&b);
    /* Kathmandu's quarter hour, and a zone west of UTC. */
    buf_init(&b, 1 << 16);
    assert_int_equal(
        ical_timezone(&b, "Asia/Kathmandu", at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z")),
        0);
    assert_non_null(strstr(b.data, "TZOFFSETTO:+0545\r\n"));
    buf_cleanup(&b);
    buf_init(&b, 1 << 16);
    assert_int_equal(ical_timezone(&b, "America/St_Johns", at("2026-01-01T00:00:00Z"),
                                   at("2027-01-01T00:00:00Z")),
                     0);
    assert_non_null(strstr(b.data, "TZOFFSETFROM:-0330\r\nTZOFFSETTO:-0230\r\n"));
    buf_cleanup(&b);
    /* A full buffer or an unknown zone is a failure, not a broken zone. */
    buf_init(&b, 40);
    assert_int_equal(
        ical_timezone(&b, "Europe/Paris", at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z")),
        -1);
    buf_cleanup(&b);
    buf_init(&b, 1 << 16);
    assert_int_equal(ical_timezone(&b, "Nowhere/Atlantis", 0, 1), -1);
    buf_cleanup(&b);
}

static void test_event_in_local_time(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 1 << 16);
    struct ical_event e = {.uid = "meeting-1@tandem",
                           .sequence = 2,
                           .stamp = at("2026-12-01T10:00:00Z"),
                           .start = at("2026-12-08T15:30:00Z"),
                           .duration_s = 3600,
                           .summary = "Mentoring",
                           .tzid = "Europe/Paris"};
    assert_int_equal(ical_event(&b, &e), 0);
    assert_non_null(strstr(b.data, "\r\nDTSTART;TZID=Europe/Paris:20261208T163000\r\n"));
    assert_non_null(strstr(b.data, "\r\nDTEND;TZID=Europe/Paris:20261208T173000\r\n"));
    assert_non_null(strstr(b.data, "\r\nDTSTAMP:20261201T100000Z\r\n"));
    buf_cleanup(&b);
    /* Across a change: the end is in summer time, the start not. */
    buf_init(&b, 1 << 16);
    e.start = at("2026-03-29T00:30:00Z");
    e.duration_s = 2 * 3600;
    assert_int_equal(ical_event(&b, &e), 0);
    assert_non_null(strstr(b.data, "DTSTART;TZID=Europe/Paris:20260329T013000\r\n"));
    assert_non_null(strstr(b.data, "DTEND;TZID=Europe/Paris:20260329T043000\r\n"));
    buf_cleanup(&b);
    /* No zone, or one the database lacks: UTC. */
    buf_init(&b, 1 << 16);
    e.tzid = "Nowhere/Atlantis";
    assert_int_equal(ical_event(&b, &e), 0);
    assert_non_null(strstr(b.data, "\r\nDTSTART:20260329T003000Z\r\n"));
    buf_cleanup(&b);
    char o[8];
    ical_utc_offset(-18000, o);
    assert_string_equal(o, "-0500");
    ical_utc_offset(4 * 3600 + 5 * 60 + 7, o);
    assert_string_equal(o, "+040507");
}

static void test_signup_domains(void **state)
{
    (void)state;
    assert_null(signup_domain_problem("example.org"));
    assert_null(signup_domain_problem("staff.example-1.co.uk"));
    assert_non_null(signup_domain_problem(""));
    assert_non_null(signup_domain_problem("localhost"));
    assert_non_null(signup_domain_problem("Example.org"));
    assert_non_null(signup_domain_problem("-x.org"));
    assert_non_null(signup_domain_problem("x-.org"));
    assert_non_null(signup_domain_problem("x..org"));
    assert_non_null(signup_domain_problem(".x.org"));
    assert_non_null(signup_domain_problem("x.org."));
    assert_non_null(signup_domain_problem("a b.org"));
    assert_non_null(signup_domain_problem("@x.org"));
    char label[80];
    memset(label, 'a', 64);
    memcpy(label + 64, ".org", 5);
    assert_non_null(signup_domain_problem(label));
    const char *d[] = {"example.org", "staff.example.net"};
    assert_true(signup_email_allowed("ana@example.org", d, 2));
    assert_true(signup_email_allowed("Ana@EXAMPLE.org", d, 2));
    assert_true(signup_email_allowed("bo@staff.example.net", d, 2));
    assert_false(signup_email_allowed("bo@example.net", d, 2));
    assert_false(signup_email_allowed("bo@eu.example.org", d, 2));
    assert_false(signup_email_allowed("bo@example.org.evil.com", d, 2));
    assert_false(signup_email_allowed("example.org", d, 2));
    assert_false(signup_email_allowed("a@", d, 2));
    assert_false(signup_email_allowed(NULL, d, 2));
    assert_false(signup_email_allowed("ana@example.org", d, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_changes),
        cmocka_unit_test(test_vtimezone),
        cmocka_unit_test(test_event_in_local_time),
        cmocka_unit_test(test_signup_domains),
    };
    return cmocka_run_group_tests_name("vtimezone", tests, NULL, NULL);
}
