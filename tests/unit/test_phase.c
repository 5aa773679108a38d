/* test_phase.c - moving through a phase model (domain/phase.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/phase.h"

static void test_exit_criteria_are_the_ticked_checklist(void **state)
{
    (void)state;
    bool none[] = {false, false}, one[] = {true, false}, all[] = {true, true};
    assert_int_equal(phase_unmet(none, 2), 2);
    assert_int_equal(phase_unmet(one, 2), 1);
    assert_int_equal(phase_unmet(all, 2), 0);
    assert_int_equal(phase_unmet(NULL, 0), 0); /* no key actions: met at once */
}

static void test_moving_on(void **state)
{
    (void)state;
    assert_int_equal(phase_advance(0, 3, 0, false, false), PHASE_MOVE_OK);
    assert_int_equal(phase_advance(0, 3, 1, false, false), PHASE_MOVE_UNMET);
    assert_int_equal(phase_advance(0, 3, 1, false, true), PHASE_MOVE_UNMET);
    assert_int_equal(phase_advance(0, 3, 1, true, true), PHASE_MOVE_OK);
    assert_int_equal(phase_advance(0, 3, 1, true, false), PHASE_MOVE_NOT_ALLOWED);
    assert_int_equal(phase_advance(2, 3, 0, false, false), PHASE_MOVE_LAST);
    assert_int_equal(phase_advance(2, 3, 0, true, true), PHASE_MOVE_LAST);
    assert_int_equal(phase_advance(0, 1, 0, false, false), PHASE_MOVE_LAST);
}

static void test_ticking_and_timeframes(void **state)
{
    (void)state;
    assert_null(phase_check_allowed(0, 1));
    assert_null(phase_check_allowed(1, 1));
    assert_non_null(phase_check_allowed(2, 1));
    assert_int_equal(phase_due(1000, 2), 1000 + 2 * 86400);
    assert_int_equal(phase_due(1000, 0), 1000);
    assert_true(phase_overdue(0, 1, true, 86401));
    assert_false(phase_overdue(0, 1, true, 86400));
    assert_false(phase_overdue(0, 1, false, 10 * 86400)); /* ended: never overdue */
    assert_false(phase_overdue(0, 0, true, 10 * 86400));  /* no timeframe */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exit_criteria_are_the_ticked_checklist),
        cmocka_unit_test(test_moving_on),
        cmocka_unit_test(test_ticking_and_timeframes),
    };
    return cmocka_run_group_tests_name("phase", tests, NULL, NULL);
}
