/* test_goal.c - goal and milestone dates (domain/goal.h), and the
 * calendar date "today" is in a person's zone (domain/when.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/clock.h"
#include "domain/goal.h"
#include "domain/when.h"

static void test_a_new_date_in_the_past_is_refused(void **state)
{
    (void)state;
    assert_null(goal_date_check(NULL, "2026-12-01"));
    assert_null(goal_date_check("", "2026-12-01"));
    assert_null(goal_date_check("2026-12-01", "2026-12-01")); /* today is fine */
    assert_null(goal_date_check("2027-01-01", "2026-12-01"));
    assert_non_null(goal_date_check("2026-11-30", "2026-12-01"));
    assert_non_null(goal_date_check("2019-05-05", "2026-12-01"));
}

static void test_overdue(void **state)
{
    (void)state;
    assert_true(goal_overdue("2026-11-30", "open", "2026-12-01"));
    assert_false(goal_overdue("2026-12-01", "open", "2026-12-01"));
    assert_false(goal_overdue("2026-11-30", "achieved", "2026-12-01"));
    assert_false(goal_overdue("2026-11-30", "dropped", "2026-12-01"));
    assert_false(goal_overdue(NULL, "open", "2026-12-01"));
    assert_true(milestone_overdue("2026-11-01", false, "2026-12-01"));
    assert_false(milestone_overdue("2026-11-01", true, "2026-12-01"));
    assert_false(milestone_overdue(NULL, false, "2026-12-01"));
}

static void test_today_is_in_the_readers_zone(void **state)
{
    (void)state;
    int64_t t = 0;
    assert_int_equal(clock_parse("2026-12-01T23:30:00Z", &t), 0);
    char d[11];
    when_date(t, "UTC", d);
    assert_string_equal(d, "2026-12-01");
    when_date(t, "Europe/Paris", d); /* 00:30 the next day */
    assert_string_equal(d, "2026-12-02");
    when_date(t, "America/Los_Angeles", d);
    assert_string_equal(d, "2026-12-01");
    when_date(t, "Mars/Olympus", d); /* unknown: UTC */
    assert_string_equal(d, "2026-12-01");
}

static void test_times_as_people_read_them(void **state)
{
    (void)state;
    int64_t t = 0;
    assert_int_equal(clock_parse("2026-12-08T15:30:00Z", &t), 0);
    char s[128];
    assert_int_equal(when_text(t, "Europe/Paris", s, sizeof s), 0);
    assert_string_equal(s, "Tuesday 8 December 2026, 16:30 (Europe/Paris)");
    assert_int_equal(when_text(t, "America/New_York", s, sizeof s), 0);
    assert_string_equal(s, "Tuesday 8 December 2026, 10:30 (America/New_York)");
    /* Summer time: Paris is UTC+2 in July. */
    assert_int_equal(clock_parse("2027-07-06T15:30:00Z", &t), 0);
    assert_int_equal(when_text(t, "Europe/Paris", s, sizeof s), 0);
    assert_string_equal(s, "Tuesday 6 July 2027, 17:30 (Europe/Paris)");
    assert_int_equal(when_text(t, NULL, s, sizeof s), 0);
    assert_string_equal(s, "Tuesday 6 July 2027, 15:30 (UTC)");
    assert_int_equal(when_text(t, "Nowhere/Atlantis", s, sizeof s), 0);
    assert_string_equal(s, "Tuesday 6 July 2027, 15:30 (UTC)");
    char small[8];
    assert_int_equal(when_text(t, "Europe/Paris", small, sizeof small), -1);
    assert_true(when_zone_known("Europe/Lisbon"));
    assert_false(when_zone_known("Europe/Atlantis"));
    assert_false(when_zone_known(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_new_date_in_the_past_is_refused),
        cmocka_unit_test(test_overdue),
        cmocka_unit_test(test_today_is_in_the_readers_zone),
        cmocka_unit_test(test_times_as_people_read_them),
    };
    return cmocka_run_group_tests_name("goal", tests, NULL, NULL);
}
