/* test_risk.c - when a relationship is at risk and why (domain/risk.h),
 * and the health check's ratings (domain/health.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "base/str.h"
#include "domain/health.h"
#include "domain/risk.h"

#define DAY 86400
#define NOW 1800000000

/* A healthy relationship 10 days old: met, signed, a goal, in phase. */
static struct risk_input healthy(struct risk_party parties[2])
{
    memset(parties, 0, 2 * sizeof *parties);
    str_fmt(parties[0].role, sizeof parties[0].role, "mentor");
    str_fmt(parties[0].name, sizeof parties[0].name, "Ruth");
    str_fmt(parties[1].role, sizeof parties[1].role, "mentee");
    str_fmt(parties[1].name, sizeof parties[1].name, "Emil");
    return (struct risk_input){.status = "active",
                               .started_at = NOW - 10 * DAY,
                               .phase_started_at = NOW - 10 * DAY,
                               .last_meeting_at = NOW - 2 * DAY,
                               .phase_name = "Preparation",
                               .phase_timeframe_days = 14,
                               .meetings_per_month = 2,
                               .due_days = 30,
                               .agreement_signed = true,
                               .goals = 1,
                               .parties = parties,
                               .nparties = 2};
}

static void rate(struct risk_party *p, int v, bool prev)
{
    for (int q = 0; q < HEALTH_QUALITIES; q++)
        (prev ? p->prev : p->last)[q] = v;
    if (prev)
        p->has_prev = true;
    else
        p->has_last = true;
}

static size_t codes(const struct risk_input *in, int64_t now, struct risk_reason out[RISK_COUNT])
{
    return risk_assess(in, now, out);
}

static void test_a_healthy_relationship_has_no_reason(void **state)
{
    (void)state;
    struct risk_party p[2];
    struct risk_input in = healthy(p);
    struct risk_reason r[RISK_COUNT];
    assert_int_equal(codes(&in, NOW, r), 0);
    rate(&p[0], 4, false);
    rate(&p[1], 3, false);
    assert_int_equal(codes(&in, NOW, r), 0);
}

static void test_a_low_rating_by_either_party(void **state)
{
    (void)state;
    struct risk_party p[2];
    struct risk_input in = healthy(p);
    struct risk_reason r[RISK_COUNT];
    rate(&p[0], 4, false);
    rate(&p[1], 4, false);
    p[1].last[1] = 2; /* listening */
    p[1].last[2] = 1; /* respect */
    assert_int_equal(codes(&in, NOW, r), 1);
    assert_int_equal(r[0].code, RISK_LOW_RATING);
    assert_non_null(strstr(r[0].text, "the mentee (Emil) rated Listening 2, Respect 1"));
    /* 3 is not low; both parties are named. */
    p[1].last[1] = p[1].last[2] = 3;
    assert_int_equal(codes(&in, NOW, r), 0);
    p[0].last[7] = 2;
    p[1].last[0] = 1;
    assert_int_equal(codes(&in, NOW, r), 1);
    assert_non_null(strstr(r[0].text, "mentor (Ruth)"));
    assert_non_null(strstr(r[0].text, "mentee (Emil)"));
    /* Only the latest check counts. */
    p[0].last[7] = 4;
    p[1].last[0] = 4;
    p[1].prev[0] = 1;
    p[1].has_prev = true;
    assert_int_equal(codes(&in, NOW, r), 0);
}

static void test_a_drop_of_one_since_the_last_check(void **state)
{
    (void)state;
    struct risk_party p[2];
    struct risk_input in = healthy(p);
    struct risk_reason r[RISK_COUNT];
    rate(&p[0], 5, true);
    rate(&p[0], 4, false); /* exactly 1 */
    assert_int_equal(codes(&in, NOW, r), 1);
    assert_int_equal(r[0].code, RISK_RATING_DROP);
    assert_non_null(strstr(r[0].text, "5.0 to 4.0"));
    p[0].last[0] = 5; /* 4.125: a fall of 0.875 */
    assert_int_equal(codes(&in, NOW, r), 0);
    /* A rise is no drop; one check alone is no drop. */
    rate(&p[1], 5, false);
    assert_int_equal(codes(&in, NOW, r), 0);
}

static void test_no_meeting_within_twice_the_interval(void **state)
{
    (void)state;
    struct risk_party p[2];
    struct risk_input in = healthy(p);
    struct risk_reason r[RISK_COUNT];
    /* 2 a month: 15 days apart, 30 is twice that. */
    assert_int_equal(risk_meeting_gap_s(2), 30 * DAY);
    assert_int_equal(risk_meeting_gap_s(1), 60 * DAY);
    assert_int_equal(risk_meeting_gap_s(0), 60 * DAY);
    in.last_meeting_at = NOW - 30 * DAY;
    assert_int_equal(codes(&in, NOW, r), 0);
    in.last_meeting_at = NOW - 30 * DAY - 1;
    assert_int_equal(codes(&in, NOW, r), 1);
    assert_int_equal(r[0].code, RISK_NO_MEETING);
    assert_non_null(strstr(r[0].text, "No meeting held for 30 days"));
    /* None ever: counted from the start. */
    in.last_meeting_at = 0;
    in.started_at = NOW - 29 * DAY;
    in.phase_started_at = NOW;
    assert_int_equal(codes(&in, NOW, r), 0);
    in.started_at = NOW - 31 * DAY;
    assert_int_equal(codes(&in, NOW, r), 1);
    assert_int_equal(r[0].code, RISK_NO_MEETING);
    assert_non_null(strstr(r[0].text, "since the start"));
}

static void test_a_pairing_fit_of_no(void **state)
{
    (void)state;
    struct risk_party p[2];
    struct risk_input in = healthy(p);
    struct risk_reason r[RISK_COUNT];
    p[1].fit_no = true;
    str_fmt(p[1].fit_why, sizeof p[1].fit_why, "We never connect");
    assert_int_equal(codes(&in, NOW, r), 1);
    assert_int_equal(r[0].code, RISK_PAIRING_FIT);
    assert_non_null(strstr(r[0].text, "the mentee (Emil) said \"No\": We never connect"));
}

static void test_agreement_and_goals_after_the_programs_days(void **state)
{
    (void)state;
    struct risk_party p[2];
    struct risk_input in = healthy(p);
    struct risk_reason r[RISK_COUNT];
    in.agreement_signed = false;
    in.goals = 0;
    assert_int_equal(codes(&in, NOW, r), 0); /* 10 days of 30 */
    in.started_at = NOW - 31 * DAY;
    assert_int_equal(codes(&in, NOW, r), 2);
    assert_int_equal(r[0].code, RISK_AGREEMENT_UNSIGNED);
    assert_int_equal(r[1].code, RISK_NO_GOALS);
    assert_non_null(strstr(r[0].text, "31 days after the start (the program allows 30)"));
    in.goals = 2;
    assert_int_equal(codes(&in, NOW, r), 1);
    in.agreement_signed = true;
    assert_int_equal(codes(&in, NOW, r), 0);
}

static void test_a_phase_far_past_its_timeframe(void **state)
{
    (void)state;
    struct risk_party p[2];
    struct risk_input in = healthy(p);
    struct risk_reason r[RISK_COUNT];
    in.phase_started_at = NOW - 28 * DAY; /* twice 14: not yet */
    assert_int_equal(codes(&in, NOW, r), 0);
    in.phase_started_at = NOW - 29 * DAY;
    assert_int_equal(codes(&in, NOW, r), 1);
    assert_int_equal(r[0].code, RISK_PHASE_OVERDUE);
    assert_non_null(strstr(r[0].text, "\"Preparation\" has lasted 29 days"));
    in.phase_timeframe_days = 0; /* no timeframe, no overdue */
    assert_int_equal(codes(&in, NOW, r), 0);
}

static void test_every_reason_at_once_in_code_order(void **state)
{
    (void)state;
    struct risk_party p[2];
    struct risk_input in = healthy(p);
    struct risk_reason r[RISK_COUNT];
    rate(&p[0], 5, true);
    rate(&p[0], 1, false);
    p[1].fit_no = true;
    in.started_at = in.phase_started_at = NOW - 100 * DAY;
    in.last_meeting_at = 0;
    in.agreement_signed = false;
    in.goals = 0;
    assert_int_equal(codes(&in, NOW, r), RISK_COUNT);
    for (int i = 0; i < RISK_COUNT; i++) {
        assert_int_equal(r[i].code, i);
        assert_int_equal(risk_code_parse(risk_code_name(r[i].code)), i);
    }
    /* Paused: the reasons of time wait; the ratings and the fit stay. */
    in.status = "paused";
    assert_int_equal(codes(&in, NOW, r), 3);
    assert_int_equal(r[2].code, RISK_PAIRING_FIT);
    /* Ended: none. */
    in.status = "ended_early";
    assert_int_equal(codes(&in, NOW, r), 0);
    in.status = "completed";
    assert_int_equal(codes(&in, NOW, r), 0);
    assert_int_equal(risk_code_parse("nope"), -1);
}

static void test_health_ratings(void **state)
{
    (void)state;
    int r[HEALTH_QUALITIES];
    verr e = {0};
    json_t *ok = json_object();
    for (int q = 0; q < HEALTH_QUALITIES; q++)
        json_object_set_new(ok, health_qualities[q].key, json_integer(q % 5 + 1));
    assert_int_equal(health_ratings_check(ok, r, &e), 0);
    assert_int_equal(r[0], 1);
    assert_int_equal(r[7], 3);
    assert_true(health_average(r) > 2.624 && health_average(r) < 2.626); /* 21 / 8 */
    assert_string_equal(health_qualities[7].key, "reflection_and_preparation");
    assert_int_equal(health_quality_index("self_awareness"), 5);
    assert_int_equal(health_quality_index("humour"), -1);

    json_object_set_new(ok, "listening", json_integer(6));
    json_object_set_new(ok, "humour", json_integer(5));
    json_object_del(ok, "respect");
    assert_int_equal(health_ratings_check(ok, r, &e), -1);
    assert_int_equal(e.n, 3);
    assert_string_equal(e.field, "ratings.humour");
    const char *f, *m;
    bool listening = false, respect = false;
    for (int i = 0; verr_at(&e, i, &f, &m); i++) {
        listening = listening || strcmp(f, "ratings.listening") == 0;
        respect = respect || strcmp(f, "ratings.respect") == 0;
    }
    assert_true(listening && respect);
    json_decref(ok);
    e = (verr){0};
    assert_int_equal(health_ratings_check(NULL, r, &e), -1);
    assert_string_equal(e.field, "ratings");
    json_t *s = json_string("5");
    e = (verr){0};
    assert_int_equal(health_ratings_check(s, r, &e), -1);
    json_decref(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_healthy_relationship_has_no_reason),
        cmocka_unit_test(test_a_low_rating_by_either_party),
        cmocka_unit_test(test_a_drop_of_one_since_the_last_check),
        cmocka_unit_test(test_no_meeting_within_twice_the_interval),
        cmocka_unit_test(test_a_pairing_fit_of_no),
        cmocka_unit_test(test_agreement_and_goals_after_the_programs_days),
        cmocka_unit_test(test_a_phase_far_past_its_timeframe),
        cmocka_unit_test(test_every_reason_at_once_in_code_order),
        cmocka_unit_test(test_health_ratings),
    };
    return cmocka_run_group_tests_name("risk", tests, NULL, NULL);
}
