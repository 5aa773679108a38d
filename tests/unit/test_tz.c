/* test_tz.c - time zones from the tz database (domain/tz.h): offsets in
 * and out of daylight saving time, the moment of the change, times past
 * the zone file's table (its POSIX footer), and the names people pick. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "base/clock.h"
#include "domain/tz.h"

static int64_t at(const char *rfc3339)
{
    int64_t t;
    assert_int_equal(clock_parse(rfc3339, &t), 0);
    return t;
}

static int offset_at(const char *zone, const char *when, bool *dst)
{
    int off = 12345;
    assert_int_equal(tz_offset(zone, at(when), &off, dst), 0);
    return off;
}

static void test_names(void **state)
{
    (void)state;
    assert_true(tz_known("Europe/Lisbon"));
    assert_true(tz_known("UTC"));
    assert_false(tz_known("Mars/Base"));
    assert_false(tz_known("../../etc/passwd"));
    assert_false(tz_known("/etc/passwd"));
    assert_false(tz_known("Europe")); /* a folder */
    assert_false(tz_known("Europe/Lisbon;rm"));
    assert_false(tz_known(""));
    assert_false(tz_known(NULL));
    int off;
    assert_int_equal(tz_offset("Mars/Base", 0, &off, NULL), -1);
}

static void test_offsets_and_daylight_time(void **state)
{
    (void)state;
    bool dst;
    assert_int_equal(offset_at("Europe/Lisbon", "2026-01-15T12:00:00Z", &dst), 0);
    assert_false(dst);
    assert_int_equal(offset_at("Europe/Lisbon", "2026-07-15T12:00:00Z", &dst), 3600);
    assert_true(dst);
    assert_int_equal(offset_at("America/New_York", "2026-01-15T12:00:00Z", &dst), -18000);
    assert_int_equal(offset_at("America/New_York", "2026-07-15T12:00:00Z", &dst), -14400);
    assert_int_equal(offset_at("Asia/Kolkata", "2026-07-15T12:00:00Z", &dst), 19800);
    assert_int_equal(offset_at("Asia/Kathmandu", "2026-07-15T12:00:00Z", &dst), 20700);
    /* The southern hemisphere: daylight time over the new year. */
    assert_int_equal(offset_at("Australia/Sydney", "2026-01-15T12:00:00Z", &dst), 39600);
    assert_true(dst);
    assert_int_equal(offset_at("Australia/Sydney", "2026-07-15T12:00:00Z", &dst), 36000);
    assert_false(dst);
    assert_int_equal(offset_at("UTC", "2026-07-15T12:00:00Z", &dst), 0);
    /* Lisbon changes at 01:00 UTC on the last Sunday of March. */
    assert_int_equal(offset_at("Europe/Lisbon", "2026-03-29T00:59:59Z", NULL), 0);
    assert_int_equal(offset_at("Europe/Lisbon", "2026-03-29T01:00:00Z", NULL), 3600);
    /* Long ago: local mean time, before the first transition. */
    int off;
    assert_int_equal(tz_offset("Europe/Lisbon", -5364662400 /* 1800-01-01 */, &off, NULL), 0);
    assert_int_equal(off, -2205);
}

static void test_past_the_table(void **state)
{
    (void)state;
    /* 2100 is past the transitions written out: the footer's rule
     * ("WET0WEST,M3.5.0/1,M10.5.0") decides. */
    assert_int_equal(offset_at("Europe/Lisbon", "2100-01-10T12:00:00Z", NULL), 0);
    assert_int_equal(offset_at("Europe/Lisbon", "2100-07-10T12:00:00Z", NULL), 3600);
    assert_int_equal(offset_at("Europe/Lisbon", "2100-03-28T00:59:59Z", NULL), 0);
    assert_int_equal(offset_at("Europe/Lisbon", "2100-03-28T01:00:00Z", NULL), 3600);
    assert_int_equal(offset_at("Europe/Lisbon", "2100-10-31T00:59:59Z", NULL), 3600);
    assert_int_equal(offset_at("Europe/Lisbon", "2100-10-31T01:00:00Z", NULL), 0);
    assert_int_equal(offset_at("America/New_York", "2100-07-10T12:00:00Z", NULL), -14400);
    assert_int_equal(offset_at("Australia/Sydney", "2100-01-10T12:00:00Z", NULL), 39600);
    assert_int_equal(offset_at("Australia/Sydney", "2100-07-10T12:00:00Z", NULL), 36000);
    assert_int_equal(offset_at("Asia/Tokyo", "2100-07-10T12:00:00Z", NULL), 32400);
}

static void test_standard_offsets(void **state)
{
    (void)state;
    int off;
    assert_int_equal(tz_standard_offset("Europe/Lisbon", at("2026-07-15T12:00:00Z"), &off), 0);
    assert_int_equal(off, 0);
    assert_int_equal(tz_standard_offset("Europe/Lisbon", at("2026-01-15T12:00:00Z"), &off), 0);
    assert_int_equal(off, 0);
    assert_int_equal(tz_standard_offset("America/New_York", at("2026-07-15T12:00:00Z"), &off), 0);
    assert_int_equal(off, -18000);
    assert_int_equal(tz_standard_offset("Australia/Sydney", at("2026-01-15T12:00:00Z"), &off), 0);
    assert_int_equal(off, 36000);
    assert_int_equal(tz_standard_offset("Australia/Sydney", at("2100-01-15T12:00:00Z"), &off), 0);
    assert_int_equal(off, 36000);
    assert_int_equal(tz_standard_offset("Asia/Kolkata", at("2026-07-15T12:00:00Z"), &off), 0);
    assert_int_equal(off, 19800);
    assert_int_equal(tz_standard_offset("Nowhere/Land", 0, &off), -1);
}

static void test_offset_text(void **state)
{
    (void)state;
    char s[8];
    tz_offset_text(3600, s);
    assert_string_equal(s, "+01:00");
    tz_offset_text(-18000, s);
    assert_string_equal(s, "-05:00");
    tz_offset_text(20700, s);
    assert_string_equal(s, "+05:45");
    tz_offset_text(0, s);
    assert_string_equal(s, "+00:00");
}

struct seen {
    int n;
    bool lisbon, utc, sorted;
    char last[TZ_NAME_BYTES];
};

static void collect(const char *zone, void *ctx)
{
    struct seen *s = ctx;
    s->n++;
    s->lisbon = s->lisbon || strcmp(zone, "Europe/Lisbon") == 0;
    s->utc = s->utc || strcmp(zone, "UTC") == 0;
    if (s->last[0] && strcmp(s->last, zone) >= 0)
        s->sorted = false;
    strncpy(s->last, zone, sizeof s->last - 1);
    assert_true(tz_known(zone));
}

static void test_the_names_people_pick(void **state)
{
    (void)state;
    struct seen s = {.sorted = true};
    int n = tz_each_zone(collect, &s);
    assert_true(n > 300);
    assert_int_equal(n, s.n);
    assert_true(s.lisbon && s.utc && s.sorted);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),          cmocka_unit_test(test_offsets_and_daylight_time),
        cmocka_unit_test(test_past_the_table), cmocka_unit_test(test_standard_offsets),
        cmocka_unit_test(test_offset_text),    cmocka_unit_test(test_the_names_people_pick),
    };
    return cmocka_run_group_tests_name("tz", tests, NULL, NULL);
}
