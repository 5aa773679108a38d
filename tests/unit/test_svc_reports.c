/* test_svc_reports.c - service/reports.c against a real database (SQLite
 * and PostgreSQL): the funnel counts each stage as it is defined. */
#include "svc_fixture.h"

#include "service/reports.h"

static void test_the_funnel_counts_each_stage_as_defined(void **state)
{
    store *db = *state;
    int64_t coord = fx_person(db, "Coordinator", 0);
    int64_t program = fx_program(db, coord, "{}");
    /* invited only; applied without an invitation; invited and applied and
     * approved; approved without applying; declined after applying. */
    int64_t a = fx_part(db, program, fx_person(db, "A", 0), "mentee", STAGE_INVITED, 0, 1, false);
    int64_t b = fx_part(db, program, fx_person(db, "B", 0), "mentee", STAGE_APPLIED, 0, 1, false);
    int64_t c = fx_part(db, program, fx_person(db, "C", 0), "mentor", STAGE_INVITED, 2, 0, false);
    int64_t d = fx_part(db, program, fx_person(db, "D", 0), "mentee", STAGE_INVITED, 0, 1, false);
    int64_t x = fx_part(db, program, fx_person(db, "X", 0), "mentee", STAGE_APPLIED, 0, 1, false);
    (void)a;
    /* fx_part records the status given only: the paths are made here. */
    assert_int_equal(svc_participation_stage(db, c, STAGE_APPLIED, 2), STORE_OK);
    assert_int_equal(svc_participation_stage(db, c, STAGE_APPROVED, 3), STORE_OK);
    assert_int_equal(svc_participation_stage(db, d, STAGE_APPROVED, 3), STORE_OK);
    assert_int_equal(svc_participation_stage(db, x, STAGE_DECLINED, 3), STORE_OK);
    (void)b;
    struct svc_funnel f;
    assert_int_equal(svc_report_funnel(db, program, NULL, &f), SVC_OK);
    /* The coordinator's own participation is no part of the funnel. */
    assert_int_equal(f.stages.everyone, 5);
    assert_int_equal(f.stages.reached[STAGE_INVITED], 3);  /* a, c, d: not b or x */
    assert_int_equal(f.stages.reached[STAGE_APPLIED], 3);  /* b, c, x */
    assert_int_equal(f.stages.reached[STAGE_APPROVED], 2); /* c, d */
    assert_int_equal(f.stages.went_on[STAGE_APPLIED], 1);  /* c alone of the invited applied */
    assert_int_equal(f.stages.went_on[STAGE_APPROVED], 1); /* c alone of those who applied */
    assert_int_equal(f.exits[STAGE_DECLINED], 1);
    assert_int_equal(svc_report_funnel(db, program, "mentor", &f), SVC_OK);
    assert_int_equal(f.stages.everyone, 1);
    assert_int_equal(f.stages.reached[STAGE_APPROVED], 1);
    assert_int_equal(svc_report_funnel(db, program + 99, NULL, &f), SVC_OK);
    assert_int_equal(f.stages.everyone, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_TEST(test_the_funnel_counts_each_stage_as_defined),
    };
    return FX_MAIN("service/reports", tests);
}
