/* test_svc_reports.c - service/reports.c against a real database (SQLite
 * and PostgreSQL): the funnel counts each stage as it is defined; the
 * at-risk report counts every relationship at risk, not only those the
 * list shows. */
#include "svc_fixture.h"

#include "service/facts.h"
#include "service/reports.h"
#include "service/risk.h"

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

/* The summary metric `name` of report r. */
static int64_t summary_int(struct report *r, const char *name)
{
    const struct report_table *t = report_find(r, "summary");
    assert_non_null(t);
    for (size_t i = 0; i < report_rows(t); i++)
        if (strcmp(report_cell_at(t, i, 0)->s, name) == 0)
            return report_cell_at(t, i, 1)->i;
    fail_msg("no summary metric %s", name);
    return -1;
}

static void test_the_at_risk_report_counts_past_the_listed_relationships(void **state)
{
    store *db = *state;
    int64_t program = fx_program(db, fx_person(db, "Coordinator", 0), "{}");
    /* One more open relationship than the list shows, each started long
     * ago with no meeting, agreement or goal: every one is at risk. */
    char sql[512];
    int want = LIMIT_AT_RISK_LISTED + 1;
    str_fmt(
        sql, sizeof sql,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) INSERT "
        "INTO relationships (program_id, status, phase, phase_started_at, started_at, "
        "planned_end_at, created_at, updated_at) SELECT %lld, 'active', 0, 0, 0, 0, 0, 0 FROM n",
        want, (long long)program);
    fx_exec(db, sql);
    /* Rows written around the services: their facts are derived as a bulk
     * load's are (service/facts.h). */
    assert_int_equal(svc_facts_refresh_program(db, program), STORE_OK);
    int64_t now = 400 * 86400;
    struct svc_risk_item *items = NULL;
    size_t n = 0;
    int64_t open = 0;
    assert_int_equal(svc_risk_list(db, program, now, &items, &n, &open), STORE_OK);
    assert_int_equal(n, LIMIT_AT_RISK_LISTED);
    assert_int_equal(open, want);
    svc_risk_items_free(items, n);

    struct svc_period p;
    verr e = {0};
    assert_int_equal(svc_period_set(&p, NULL, NULL, now, &e), SVC_OK);
    struct report r;
    assert_int_equal(svc_report_run(db, program, "at-risk", &p, &r, &e), SVC_OK);
    assert_int_equal(summary_int(&r, "open_relationships"), want);
    assert_int_equal(summary_int(&r, "at_risk_now"), want);
    const struct report_table *reasons = report_find(&r, "reasons");
    for (size_t i = 0; i < report_rows(reasons); i++)
        if (strcmp(report_cell_at(reasons, i, 0)->s, "no_meeting") == 0)
            assert_int_equal(report_cell_at(reasons, i, 1)->i, want);
    assert_int_equal(report_rows(report_find(&r, "relationships")), LIMIT_AT_RISK_LISTED);
    report_cleanup(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_TEST(test_the_funnel_counts_each_stage_as_defined),
        FX_TEST(test_the_at_risk_report_counts_past_the_listed_relationships),
    };
    return FX_MAIN("service/reports", tests);
}
