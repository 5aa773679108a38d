/* test_recognition.c - milestone kinds, the hours that count, labels and
 * badges (domain/recognition.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/recognition.h"

static void test_kinds_round_trip(void **state)
{
    (void)state;
    for (int k = 0; k < REC_KIND_COUNT; k++)
        assert_int_equal(rec_kind_parse(rec_kind_name((enum rec_kind)k)), k);
    assert_int_equal(rec_kind_parse("nope"), -1);
    assert_int_equal(rec_kind_parse(NULL), -1);
    assert_null(rec_kind_name(REC_KIND_COUNT));
    assert_true(rec_kind_per_relationship(REC_FIRST_MEETING));
    assert_true(rec_kind_per_relationship(REC_RELATIONSHIP_COMPLETED));
    assert_false(rec_kind_per_relationship(REC_HOURS));
    assert_false(rec_kind_per_relationship(REC_PROGRAM_COMPLETED));
}

static void test_hour_thresholds(void **state)
{
    (void)state;
    int out[REC_HOURS_COUNT];
    assert_int_equal(rec_hours_reached(0, out), 0);
    assert_int_equal(rec_hours_reached(59, out), 0);
    assert_int_equal(rec_hours_reached(60, out), 1);
    assert_int_equal(out[0], 1);
    assert_int_equal(rec_hours_reached(299, out), 1);
    assert_int_equal(rec_hours_reached(300, out), 2);
    assert_int_equal(out[1], 5);
    assert_int_equal(rec_hours_reached(10 * 60, out), 3);
    assert_int_equal(rec_hours_reached(25 * 60 - 1, out), 3);
    assert_int_equal(rec_hours_reached(250 * 60, out), REC_HOURS_COUNT);
    assert_int_equal(out[REC_HOURS_COUNT - 1], 250);
    assert_int_equal(rec_hours_reached(1000000, out), REC_HOURS_COUNT);
    assert_int_equal(rec_hours_reached(-5, out), 0);
}

static void test_labels(void **state)
{
    (void)state;
    char s[64];
    rec_label(REC_HOURS, 1, s, sizeof s);
    assert_string_equal(s, "1 hour of mentoring");
    rec_label(REC_HOURS, 25, s, sizeof s);
    assert_string_equal(s, "25 hours of mentoring");
    rec_label(REC_FIRST_GOAL_ACHIEVED, 0, s, sizeof s);
    assert_string_equal(s, "First goal achieved");
    rec_label(REC_KIND_COUNT, 0, s, sizeof s);
    assert_string_equal(s, "");
}

static void test_badges_group_milestones(void **state)
{
    (void)state;
    struct rec_milestone m[] = {
        {REC_FIRST_MEETING, 0, 100}, {REC_HOURS, 1, 110}, {REC_FIRST_MEETING, 0, 50},
        {REC_HOURS, 10, 300},        {REC_HOURS, 5, 200}, {REC_RELATIONSHIP_COMPLETED, 0, 400},
        {(enum rec_kind)99, 0, 1},
    };
    struct rec_badge b[REC_KIND_COUNT];
    size_t n = rec_badges(m, sizeof m / sizeof m[0], b);
    assert_int_equal(n, 3);
    assert_int_equal(b[0].kind, REC_FIRST_MEETING); /* in the order of the kinds */
    assert_int_equal(b[0].count, 2);
    assert_int_equal(b[0].first_at, 50);
    assert_int_equal(b[0].last_at, 100);
    assert_int_equal(b[1].kind, REC_HOURS);
    assert_int_equal(b[1].threshold, 10); /* the highest */
    assert_int_equal(b[1].count, 1);
    assert_int_equal(b[1].last_at, 300);
    assert_int_equal(b[2].kind, REC_RELATIONSHIP_COMPLETED);
    assert_int_equal(rec_badges(m, 0, b), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds_round_trip),
        cmocka_unit_test(test_hour_thresholds),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_badges_group_milestones),
    };
    return cmocka_run_group_tests_name("recognition", tests, NULL, NULL);
}
