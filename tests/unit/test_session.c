/* test_session.c - when a browser session is still good, and how often a
 * use is recorded (domain/session.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/limits.h"
#include "domain/session.h"

#define IDLE 7200
#define T 1000000

static void test_live_until_the_absolute_end(void **state)
{
    (void)state;
    int64_t end = T + 3600;
    assert_true(session_live(T, end, T, IDLE));
    assert_true(session_live(end - 1, end, end - 60, IDLE));
    /* The end itself and after: used a second ago makes no difference. */
    assert_false(session_live(end, end, end - 1, IDLE));
    assert_false(session_live(end + 1, end, end, IDLE));
}

static void test_idle_expiry_slides_with_use(void **state)
{
    (void)state;
    int64_t end = T + 7 * 86400;
    assert_true(session_live(T + IDLE - 1, end, T, IDLE));
    assert_false(session_live(T + IDLE, end, T, IDLE));
    /* A use recorded later moves the idle end on. */
    assert_true(session_live(T + IDLE, end, T + 100, IDLE));
    assert_false(session_live(T + 100 + IDLE, end, T + 100, IDLE));
}

static void test_uses_recorded_at_most_once_a_minute(void **state)
{
    (void)state;
    assert_false(session_seen_due(T, T));
    assert_false(session_seen_due(T + LIMIT_SEEN_EVERY_S - 1, T));
    assert_true(session_seen_due(T + LIMIT_SEEN_EVERY_S, T));
    assert_true(session_seen_due(T, 0)); /* a token never used */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_live_until_the_absolute_end),
        cmocka_unit_test(test_idle_expiry_slides_with_use),
        cmocka_unit_test(test_uses_recorded_at_most_once_a_minute),
    };
    return cmocka_run_group_tests_name("session", tests, NULL, NULL);
}
