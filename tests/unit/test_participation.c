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

static void test_funnel_counts(void **state)
{
    (void)state;
    int64_t counts[STAGE_COUNT] = {0};
    participation_funnel_add(counts, STAGE_APPROVED, 3); /* approved without applying */
    participation_funnel_add(counts, STAGE_INVITED, 5);
    participation_funnel_add(counts, STAGE_MATCHED, 2);
    participation_funnel_add(counts, -1, 7); /* reached nothing */
    assert_int_equal(counts[STAGE_INVITED], 10);
    assert_int_equal(counts[STAGE_APPLIED], 5);
    assert_int_equal(counts[STAGE_APPROVED], 5);
    assert_int_equal(counts[STAGE_TRAINED], 2);
    assert_int_equal(counts[STAGE_MATCHED], 2);
    assert_int_equal(counts[STAGE_AGREEMENT_SIGNED], 0);
    assert_int_equal(counts[STAGE_DECLINED], 0); /* exits are counted apart */
    /* The funnel never widens. */
    for (int s = 1; s < STAGE_FIRST_EXIT; s++)
        assert_true(counts[s] <= counts[s - 1]);
}

static void test_funnel_conversions(void **state)
{
    (void)state;
    int64_t counts[STAGE_COUNT] = {0};
    participation_funnel_add(counts, STAGE_APPROVED, 1);
    participation_funnel_add(counts, STAGE_APPLIED, 1);
    participation_funnel_add(counts, STAGE_INVITED, 2);
    double r;
    assert_false(participation_conversion(counts, STAGE_INVITED, false, &r));
    assert_true(participation_conversion(counts, STAGE_INVITED, true, &r));
    assert_true(r == 1.0);
    assert_true(participation_conversion(counts, STAGE_APPLIED, false, &r));
    assert_true(r == 0.5);
    assert_true(participation_conversion(counts, STAGE_APPROVED, false, &r));
    assert_true(r == 0.5);
    assert_true(participation_conversion(counts, STAGE_APPROVED, true, &r));
    assert_true(r == 0.25);
    /* From nobody, and into an exit: no figure. */
    assert_false(participation_conversion(counts, STAGE_MATCHED, false, &r));
    assert_false(participation_conversion(counts, STAGE_DECLINED, true, &r));
    int64_t none[STAGE_COUNT] = {0};
    assert_false(participation_conversion(none, STAGE_APPLIED, true, &r));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stage_names),        cmocka_unit_test(test_review_and_withdraw),
        cmocka_unit_test(test_who_may_be_matched), cmocka_unit_test(test_funnel_counts),
        cmocka_unit_test(test_funnel_conversions),
    };
    return cmocka_run_group_tests_name("participation", tests, NULL, NULL);
}
