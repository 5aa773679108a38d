/* test_relationship.c - a relationship's status machine, its kind and
 * size, and its planned end (domain/relationship.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "base/clock.h"
#include "domain/relationship.h"

static void test_actions_parse(void **state)
{
    (void)state;
    for (int a = REL_PAUSE; a <= REL_RENEW; a++)
        assert_int_equal(rel_action_parse(rel_action_name((enum rel_action)a)), a);
    assert_int_equal(rel_action_parse("explode"), -1);
    assert_int_equal(rel_action_parse(NULL), -1);
}

/* The status after `action` from `status`, or "refused". */
static const char *after(const char *status, enum rel_action action, int renewals, int allowed)
{
    const char *next = NULL;
    return rel_transition(status, action, renewals, allowed, &next) ? "refused" : next;
}

static void test_status_machine(void **state)
{
    (void)state;
    assert_string_equal(after("active", REL_PAUSE, 0, 1), "paused");
    assert_string_equal(after("paused", REL_PAUSE, 0, 1), "refused");
    assert_string_equal(after("paused", REL_RESUME, 0, 1), "active");
    assert_string_equal(after("active", REL_RESUME, 0, 1), "refused");
    assert_string_equal(after("closing", REL_RESUME, 0, 1), "active");
    assert_string_equal(after("active", REL_START_CLOSING, 0, 1), "closing");
    assert_string_equal(after("paused", REL_START_CLOSING, 0, 1), "closing");
    assert_string_equal(after("closing", REL_START_CLOSING, 0, 1), "refused");
    assert_string_equal(after("active", REL_CLOSE, 0, 1), "completed");
    assert_string_equal(after("paused", REL_END_EARLY, 0, 1), "ended_early");
    /* Ended relationships take no action at all. */
    for (int a = REL_PAUSE; a <= REL_RENEW; a++) {
        assert_string_equal(after("completed", (enum rel_action)a, 0, 9), "refused");
        assert_string_equal(after("ended_early", (enum rel_action)a, 0, 9), "refused");
    }
    const char *next;
    assert_string_equal(rel_transition("completed", REL_PAUSE, 0, 1, &next),
                        "the relationship has ended");
}

static void test_renewals(void **state)
{
    (void)state;
    assert_string_equal(after("active", REL_RENEW, 0, 1), "active");
    assert_string_equal(after("closing", REL_RENEW, 1, 2), "active");
    const char *next;
    assert_string_equal(rel_transition("active", REL_RENEW, 1, 1, &next),
                        "the relationship has been renewed as often as the program allows");
    assert_string_equal(rel_transition("active", REL_RENEW, 0, 0, &next),
                        "this program allows no renewal");
}

static void test_open_statuses(void **state)
{
    (void)state;
    assert_true(rel_status_open("active"));
    assert_true(rel_status_open("paused"));
    assert_true(rel_status_open("closing"));
    assert_false(rel_status_open("completed"));
    assert_false(rel_status_open("ended_early"));
    assert_false(rel_status_open(NULL));
}

static void test_kind_and_size(void **state)
{
    (void)state;
    char why[128];
    assert_string_equal(rel_kind(false, 1), "one_to_one");
    assert_string_equal(rel_kind(false, 3), "group");
    assert_string_equal(rel_kind(true, 3), "peer");
    assert_true(rel_members_check(false, 1, why, sizeof why));
    assert_true(rel_members_check(false, 63, why, sizeof why));
    assert_false(rel_members_check(false, 64, why, sizeof why));
    assert_string_equal(why, "a relationship has 1 to 63 mentees");
    assert_false(rel_members_check(false, 0, why, sizeof why));
    assert_false(rel_members_check(true, 1, why, sizeof why));
    assert_string_equal(why, "a peer circle has at least two members");
    assert_true(rel_members_check(true, 2, why, sizeof why));
}

static int64_t at(const char *rfc3339)
{
    int64_t t = 0;
    assert_int_equal(clock_parse(rfc3339, &t), 0);
    return t;
}

static void test_planned_end(void **state)
{
    (void)state;
    assert_int_equal(rel_planned_end(at("2026-01-15T09:30:00Z"), 12), at("2027-01-15T09:30:00Z"));
    assert_int_equal(rel_planned_end(at("2026-11-10T00:00:00Z"), 3), at("2027-02-10T00:00:00Z"));
    /* The same day of the month, clamped to the month's end. */
    assert_int_equal(rel_planned_end(at("2026-01-31T12:00:00Z"), 1), at("2026-02-28T12:00:00Z"));
    assert_int_equal(rel_planned_end(at("2027-01-31T12:00:00Z"), 1), at("2027-02-28T12:00:00Z"));
    assert_int_equal(rel_planned_end(at("2028-01-31T12:00:00Z"), 1), at("2028-02-29T12:00:00Z"));
    assert_int_equal(rel_planned_end(at("2026-03-31T00:00:00Z"), 6), at("2026-09-30T00:00:00Z"));
    /* Renewal extends from the planned end, not from today. */
    int64_t end = rel_planned_end(at("2026-05-01T00:00:00Z"), 12);
    assert_int_equal(rel_planned_end(end, 12), at("2028-05-01T00:00:00Z"));
    assert_int_equal(rel_planned_end(at("2026-05-01T00:00:00Z"), 60), at("2031-05-01T00:00:00Z"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_actions_parse), cmocka_unit_test(test_status_machine),
        cmocka_unit_test(test_renewals),      cmocka_unit_test(test_open_statuses),
        cmocka_unit_test(test_kind_and_size), cmocka_unit_test(test_planned_end),
    };
    return cmocka_run_group_tests_name("relationship", tests, NULL, NULL);
}
