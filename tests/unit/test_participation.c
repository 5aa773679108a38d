/* test_participation.c - the funnel (domain/participation.h): stages,
 * review and withdrawal moves, who may be matched, and the report's
 * counts and conversions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/participation.h"

static void test_stage_names(void **state)
{
    (void)state;
    for (int s = 0; s < STAGE_COUNT; s++)
        assert_int_equal(stage_parse(stage_name((enum stage)s)), s);
    assert_int_equal(stage_parse("nope"), -1);
    assert_int_equal(stage_parse(NULL), -1);
    assert_string_equal(stage_name(STAGE_COUNT), "unknown");
    assert_true(stage_is_exit(STAGE_ENDED_EARLY));
    assert_false(stage_is_exit(STAGE_COMPLETED));
}

static void test_review_and_withdraw(void **state)
{
    (void)state;
    assert_null(participation_review(STAGE_APPLIED, STAGE_APPROVED));
    assert_null(participation_review(STAGE_DECLINED, STAGE_APPROVED)); /* reconsidered */
    assert_string_equal(participation_review(STAGE_APPROVED, STAGE_APPROVED),
                        "is approved already");
    assert_non_null(participation_review(STAGE_MATCHED, STAGE_DECLINED));
    assert_non_null(participation_review(STAGE_APPLIED, STAGE_TRAINED));
    assert_null(participation_withdraw(STAGE_TRAINED));
    assert_non_null(participation_withdraw(STAGE_MATCHED));
    assert_non_null(participation_withdraw(STAGE_WITHDRAWN));
}

static void test_who_may_be_matched(void **state)
{
    (void)state;
    /* Not yet, or not at all. */
    assert_int_equal(participation_eligible(STAGE_INVITED, true, false), NOT_APPROVED);
    assert_int_equal(participation_eligible(STAGE_APPLIED, true, false), NOT_APPROVED);
    assert_int_equal(participation_eligible(STAGE_DECLINED, true, false), NOT_APPROVED);
    assert_int_equal(participation_eligible(STAGE_WITHDRAWN, true, false), NOT_APPROVED);
    /* Approved onwards. */
    assert_int_equal(participation_eligible(STAGE_APPROVED, false, false), ELIGIBLE);
    assert_int_equal(participation_eligible(STAGE_ACTIVE, false, false), ELIGIBLE);
    /* Matched again after a relationship ended, either way. */
    assert_int_equal(participation_eligible(STAGE_ENDED_EARLY, false, false), ELIGIBLE);
    assert_int_equal(participation_eligible(STAGE_COMPLETED, false, false), COMPLETED);
    /* The training gate. */
    assert_int_equal(participation_eligible(STAGE_APPROVED, false, true), NOT_TRAINED);
    assert_int_equal(participation_eligible(STAGE_TRAINED, true, true), ELIGIBLE);
    /* Approval comes before training. */
    assert_int_equal(participation_eligible(STAGE_APPLIED, false, true), NOT_APPROVED);
    assert_int_equal(participation_eligible(STAGE_COUNT, true, false), NOT_APPROVED);
}

/* The stage set of one path through the funnel. */
static stage_set path(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    stage_set set = 0;
    for (int i = 0; i < n; i++)
        set |= STAGE_BIT(va_arg(ap, int));
    va_end(ap);
    return set;
}

static void test_funnel_counts_each_stage_as_defined(void **state)
{
    (void)state;
    struct funnel f = {0};
    /* 5 invited who never answered; 4 who applied without an invitation,
     * 3 of them approved; 2 invited who applied and were approved and
     * trained; 1 approved straight from the invitation; 1 declined. */
    participation_funnel_add(&f, path(1, STAGE_INVITED), 5);
    participation_funnel_add(&f, path(1, STAGE_APPLIED), 1);
    participation_funnel_add(&f, path(2, STAGE_APPLIED, STAGE_APPROVED), 3);
    participation_funnel_add(
        &f, path(4, STAGE_INVITED, STAGE_APPLIED, STAGE_APPROVED, STAGE_TRAINED), 2);
    participation_funnel_add(&f, path(2, STAGE_INVITED, STAGE_APPROVED), 1);
    participation_funnel_add(&f, path(3, STAGE_INVITED, STAGE_APPLIED, STAGE_DECLINED), 1);
    participation_funnel_add(&f, 0, 7); /* reached nothing: not in the funnel */
    /* Nobody who applied uninvited counts as invited. */
    assert_int_equal(f.reached[STAGE_INVITED], 5 + 2 + 1 + 1);
    assert_int_equal(f.reached[STAGE_APPLIED], 1 + 3 + 2 + 1);
    assert_int_equal(f.reached[STAGE_APPROVED], 3 + 2 + 1);
    assert_int_equal(f.reached[STAGE_TRAINED], 2);
    assert_int_equal(f.reached[STAGE_MATCHED], 0);
    assert_int_equal(f.reached[STAGE_DECLINED], 0); /* exits are counted apart */
    assert_int_equal(f.everyone, 5 + 1 + 3 + 2 + 1 + 1);
    /* Of the 9 invited, 3 applied; of the 7 who applied, 5 were approved. */
    assert_int_equal(f.went_on[STAGE_APPLIED], 3);
    assert_int_equal(f.went_on[STAGE_APPROVED], 5);
    assert_int_equal(f.went_on[STAGE_TRAINED], 2);
}

static void test_funnel_conversions(void **state)
{
    (void)state;
    struct funnel f = {0};
    participation_funnel_add(&f, path(1, STAGE_INVITED), 2);
    participation_funnel_add(&f, path(2, STAGE_INVITED, STAGE_APPLIED), 2);
    participation_funnel_add(&f, path(3, STAGE_INVITED, STAGE_APPLIED, STAGE_APPROVED), 1);
    participation_funnel_add(&f, path(2, STAGE_APPLIED, STAGE_APPROVED), 3); /* uninvited */
    double r;
    assert_false(participation_conversion(&f, STAGE_INVITED, false, &r));
    assert_true(participation_conversion(&f, STAGE_INVITED, true, &r));
    assert_true(r == 5.0 / 8.0); /* of everyone, 5 were invited */
    /* 3 of the 5 invited applied (the uninvited do not count here) ... */
    assert_true(participation_conversion(&f, STAGE_APPLIED, false, &r));
    assert_true(r == 3.0 / 5.0);
    /* ... and 4 of the 6 who applied were approved. */
    assert_true(participation_conversion(&f, STAGE_APPROVED, false, &r));
    assert_true(r == 4.0 / 6.0);
    assert_true(participation_conversion(&f, STAGE_APPROVED, true, &r));
    assert_true(r == 4.0 / 8.0);
    /* No conversion passes 100 %. */
    for (int s = 0; s < STAGE_FIRST_EXIT; s++)
        for (int first = 0; first < 2; first++)
            if (participation_conversion(&f, (enum stage)s, first, &r))
                assert_true(r >= 0 && r <= 1);
    /* From nobody, and into an exit: no figure. */
    assert_false(participation_conversion(&f, STAGE_MATCHED, false, &r));
    assert_false(participation_conversion(&f, STAGE_DECLINED, true, &r));
    struct funnel none = {0};
    assert_false(participation_conversion(&none, STAGE_APPLIED, true, &r));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stage_names),
        cmocka_unit_test(test_review_and_withdraw),
        cmocka_unit_test(test_who_may_be_matched),
        cmocka_unit_test(test_funnel_counts_each_stage_as_defined),
        cmocka_unit_test(test_funnel_conversions),
    };
    return cmocka_run_group_tests_name("participation", tests, NULL, NULL);
}
