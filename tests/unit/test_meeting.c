/* test_meeting.c - the meeting rules that need no data (domain/meeting.h):
 * status moves, and when a meeting may be, be held, or move. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "base/clock.h"
#include "base/limits.h"
#include "domain/meeting.h"

#define DAY 86400

static void test_status_moves(void **state)
{
    (void)state;
    assert_null(meeting_status_move("scheduled", "held"));
    assert_null(meeting_status_move("scheduled", "cancelled"));
    assert_null(meeting_status_move("cancelled", "scheduled"));
    assert_null(meeting_status_move("held", "held"));
    assert_non_null(meeting_status_move("cancelled", "held"));
    assert_non_null(meeting_status_move("held", "cancelled"));
    assert_non_null(meeting_status_move("held", "scheduled"));
}

static void test_a_meeting_long_before_the_relationship_is_refused(void **state)
{
    (void)state;
    int64_t began = 0;
    assert_int_equal(clock_parse("2026-06-01T00:00:00Z", &began), 0);
    char why[200];
    assert_null(meeting_start_check(began, began, why, sizeof why));
    assert_null(meeting_start_check(began + 90 * DAY, began, why, sizeof why));
    /* A first meeting logged a little late is fine ... */
    assert_null(
        meeting_start_check(began - LIMIT_MEETING_BEFORE_START_DAYS * DAY, began, why, sizeof why));
    /* ... one a day past the grace, or years before, is not. */
    assert_non_null(meeting_start_check(began - LIMIT_MEETING_BEFORE_START_DAYS * DAY - 1, began,
                                        why, sizeof why));
    assert_non_null(strstr(why, "2026-06-01"));
    assert_non_null(meeting_start_check(began - 3 * 365 * DAY, began, why, sizeof why));
}

static void test_only_a_started_meeting_is_held(void **state)
{
    (void)state;
    int64_t now = 1800000000;
    assert_null(meeting_held_check(now, now));
    assert_null(meeting_held_check(now - 3600, now));
    assert_non_null(meeting_held_check(now + 1, now));
    assert_null(meeting_move_check("scheduled", now + DAY, now));
    assert_null(meeting_move_check("held", now - DAY, now));
    assert_non_null(meeting_move_check("held", now + DAY, now));
}

static void test_modes_in_words(void **state)
{
    (void)state;
    assert_string_equal(meeting_mode_words("video"), "video call");
    assert_string_equal(meeting_mode_words("in_person"), "in person");
    assert_string_equal(meeting_mode_words("phone"), "phone call");
    assert_string_equal(meeting_mode_words("chat"), "chat");
    assert_string_equal(meeting_mode_words(NULL), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_moves),
        cmocka_unit_test(test_a_meeting_long_before_the_relationship_is_refused),
        cmocka_unit_test(test_only_a_started_meeting_is_held),
        cmocka_unit_test(test_modes_in_words),
    };
    return cmocka_run_group_tests_name("meeting", tests, NULL, NULL);
}
