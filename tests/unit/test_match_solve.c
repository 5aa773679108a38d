/* test_match_solve.c - objectives and constraints on small hand-worked
 * instances, built through the in-memory API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "match/match.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static char err[256];

/* people: mentors m0..m{nr-1} with caps, mentees e0.. with wants */
static match_instance *people(size_t nr, const int *caps, size_t ne, const int *wants)
{
    match_instance *in = match_instance_new();
    char id[32];
    for (size_t i = 0; i < nr; i++) {
        snprintf(id, sizeof id, "m%zu", i);
        assert_int_equal(match_add_mentor(in, id, caps ? caps[i] : 1, NULL, err, sizeof err), 0);
    }
    for (size_t i = 0; i < ne; i++) {
        snprintf(id, sizeof id, "e%zu", i);
        assert_int_equal(match_add_mentee(in, id, wants ? wants[i] : 1, NULL, err, sizeof err), 0);
    }
    return in;
}

static void score(match_instance *in, size_t e, size_t r, double s)
{
    assert_int_equal(match_add_score(in, e, r, s, err, sizeof err), 0);
}

static match_result *solve(match_instance *in, match_objective obj)
{
    match_set_objective(in, obj);
    match_result *res = NULL;
    match_options o = {.threads = 2};
    assert_int_equal(match_solve(in, &o, &res, err, sizeof err), 0);
    return res;
}

static bool has(const match_result *r, size_t e, size_t m)
{
    for (size_t i = 0; i < r->npairs; i++)
        if (r->pairs[i].mentee == e && r->pairs[i].mentor == m)
            return true;
    return false;
}

static void test_cardinality_before_score(void **state)
{
    (void)state;
    /* e1 alone with m0 scores 0.9, but e0-m0 + e1-m1 matches two */
    match_instance *in = people(2, NULL, 2, NULL);
    score(in, 0, 0, 0.5);
    score(in, 1, 0, 0.9);
    score(in, 1, 1, 0.1);
    match_result *r = solve(in, MATCH_TOTAL);
    assert_int_equal(r->npairs, 2);
    assert_true(has(r, 0, 0) && has(r, 1, 1));
    assert_true(fabs(r->stats.total_score - 0.6) < 1e-12);
    assert_true(r->stats.optimal);
    match_result_free(r);
    match_instance_free(in);
}

static void test_total_beats_greedy(void **state)
{
    (void)state;
    /* greedy takes e0-m0 (0.9) and then e1-m1 (0.1): 1.0; the optimum is 1.6 */
    match_instance *in = people(2, NULL, 2, NULL);
    score(in, 0, 0, 0.9);
    score(in, 0, 1, 0.8);
    score(in, 1, 0, 0.8);
    score(in, 1, 1, 0.1);
    match_result *r = solve(in, MATCH_TOTAL);
    assert_true(has(r, 0, 1) && has(r, 1, 0));
    assert_int_equal(r->stats.total_iscore, 1600000);
    match_result_free(r);
    match_instance_free(in);
}

static void test_fair(void **state)
{
    (void)state;
    /* total prefers 0.9 + 0.2 = 1.1; fair prefers min 0.5: 0.5 + 0.5 */
    match_instance *in = people(2, NULL, 2, NULL);
    score(in, 0, 0, 0.9);
    score(in, 0, 1, 0.5);
    score(in, 1, 0, 0.5);
    score(in, 1, 1, 0.2);
    match_result *r = solve(in, MATCH_TOTAL);
    assert_true(has(r, 0, 0) && has(r, 1, 1));
    match_result_free(r);
    r = solve(in, MATCH_FAIR);
    assert_true(has(r, 0, 1) && has(r, 1, 0));
    assert_true(fabs(r->stats.min_score - 0.5) < 1e-12);
    assert_true(r->stats.optimal);
    match_result_free(r);
    match_instance_free(in);
}

static void test_stable_and_ties(void **state)
{
    (void)state;
    /* both mentees rank m0 first; m0 prefers the higher score, e1 */
    match_instance *in = people(2, NULL, 2, NULL);
    score(in, 0, 0, 0.6);
    score(in, 0, 1, 0.5);
    score(in, 1, 0, 0.7);
    score(in, 1, 1, 0.1);
    match_result *r = solve(in, MATCH_STABLE);
    assert_true(has(r, 1, 0) && has(r, 0, 1));
    match_result_free(r);
    match_instance_free(in);
    /* equal scores: the earlier mentee wins the mentor */
    in = people(1, NULL, 2, NULL);
    score(in, 0, 0, 0.5);
    score(in, 1, 0, 0.5);
    r = solve(in, MATCH_STABLE);
    assert_true(has(r, 0, 0) && r->npairs == 1);
    match_result_free(r);
    match_instance_free(in);
    /* choices come before score for the mentee */
    in = people(2, NULL, 1, NULL);
    score(in, 0, 0, 0.9);
    score(in, 0, 1, 0.2);
    size_t ch[] = {1};
    match_set_choices(in, 0, ch, 1, err, sizeof err);
    r = solve(in, MATCH_STABLE);
    assert_true(has(r, 0, 1));
    assert_true(r->stats.top3_share == 1.0 && r->stats.choice_share[0] == 1.0);
    match_result_free(r);
    match_instance_free(in);
}

static void test_constraints(void **state)
{
    (void)state;
    int caps[] = {2, 0, 1}, wants[] = {2, 1, 1, 3};
    match_instance *in = people(3, caps, 4, wants);
    for (size_t e = 0; e < 4; e++)
        for (size_t m = 0; m < 3; m++)
            score(in, e, m, 0.1 * (double)(e + m + 1));
    match_add_forbidden(in, 3, 0, err, sizeof err);
    match_add_forbidden(in, 3, 2, err, sizeof err);
    match_result *r = solve(in, MATCH_TOTAL);
    /* capacity 3 slots in all; e3 can only use m1, which has none */
    assert_int_equal(r->npairs, 3);
    assert_false(has(r, 3, 0) || has(r, 3, 2) || has(r, 0, 1));
    int load[3] = {0}, used[4] = {0};
    for (size_t i = 0; i < r->npairs; i++) {
        load[r->pairs[i].mentor]++;
        used[r->pairs[i].mentee]++;
    }
    for (int m = 0; m < 3; m++)
        assert_true(load[m] <= caps[m]);
    for (int e = 0; e < 4; e++)
        assert_true(used[e] <= wants[e]);
    /* e3 has one allowed mentor: hard to match, unmatched with a reason */
    bool hard = false, un = false;
    for (size_t i = 0; i < r->nhard; i++)
        if (r->hard[i].mentee == 3) {
            hard = true;
            assert_non_null(strstr(r->hard[i].reason, "2 forbidden"));
        }
    for (size_t i = 0; i < r->nunmatched; i++)
        if (r->unmatched[i].mentee == 3) {
            un = true;
            assert_int_equal(r->unmatched[i].slots, 3);
        }
    assert_true(hard && un);
    assert_int_equal(r->stats.load_capacity, 3);
    assert_int_equal(r->stats.mentors_idle, 1);
    match_result_free(r);
    match_instance_free(in);
}

static void test_self_and_min_score(void **state)
{
    (void)state;
    match_instance *in = match_instance_new();
    match_add_mentor(in, "ann", 1, NULL, err, sizeof err);
    match_add_mentor(in, "bob", 1, NULL, err, sizeof err);
    match_add_mentee(in, "ann", 1, NULL, err, sizeof err); /* the same person */
    match_add_mentee(in, "cid", 1, NULL, err, sizeof err);
    score(in, 0, 0, 1.0);
    score(in, 0, 1, 0.3);
    score(in, 1, 0, 0.2);
    score(in, 1, 1, 0.25);
    match_set_min_score(in, 0.25, err, sizeof err);
    match_result *r = solve(in, MATCH_TOTAL);
    assert_false(has(r, 0, 0)); /* never self */
    assert_false(has(r, 1, 0)); /* below min_score */
    assert_true(has(r, 0, 1));  /* 0.3 beats 0.25 for bob */
    assert_int_equal(r->npairs, 1);
    match_result_free(r);
    match_instance_free(in);
}

static void test_locked(void **state)
{
    (void)state;
    match_instance *in = people(2, NULL, 2, NULL);
    score(in, 0, 0, 0.9);
    score(in, 1, 0, 0.8);
    score(in, 1, 1, 0.1);
    match_add_locked(in, 1, 0, err, sizeof err);
    match_result *r = solve(in, MATCH_TOTAL);
    /* the lock takes m0; e0 has nothing left */
    assert_true(has(r, 1, 0) && r->npairs == 1);
    assert_true(r->pairs[0].locked);
    match_result_free(r);
    /* a forbidden lock is refused */
    match_add_forbidden(in, 1, 0, err, sizeof err);
    match_result *bad = NULL;
    assert_int_equal(match_solve(in, NULL, &bad, err, sizeof err), -1);
    assert_null(bad);
    assert_non_null(strstr(err, "locked[0]"));
    assert_non_null(strstr(err, "forbidden"));
    match_instance_free(in);
    /* over capacity */
    in = people(1, NULL, 2, NULL);
    score(in, 0, 0, 0.5);
    score(in, 1, 0, 0.5);
    match_add_locked(in, 0, 0, err, sizeof err);
    match_add_locked(in, 1, 0, err, sizeof err);
    assert_int_equal(match_solve(in, NULL, &bad, err, sizeof err), -1);
    assert_non_null(strstr(err, "capacity"));
    match_instance_free(in);
}

static void test_empty_and_bad_people(void **state)
{
    (void)state;
    match_instance *in = match_instance_new();
    match_result *r = solve(in, MATCH_FAIR);
    assert_int_equal(r->npairs, 0);
    assert_true(r->stats.optimal);
    match_result_free(r);
    assert_int_equal(match_add_mentor(in, "a", -1, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "capacity"));
    assert_int_equal(match_add_mentee(in, "", 1, NULL, err, sizeof err), -1);
    assert_int_equal(match_add_mentor(in, "a", 1, NULL, err, sizeof err), 0);
    assert_int_equal(match_add_mentor(in, "a", 1, NULL, err, sizeof err), -1);
    assert_int_equal(match_add_score(in, 0, 5, 0.5, err, sizeof err), -1);
    match_add_mentee(in, "b", 1, NULL, err, sizeof err);
    assert_int_equal(match_add_score(in, 0, 0, 1.5, err, sizeof err), -1);
    assert_int_equal(match_add_score(in, 0, 0, 0.5, err, sizeof err), 0);
    assert_int_equal(match_add_score(in, 0, 0, 0.5, err, sizeof err), 0);
    assert_int_equal(match_solve(in, NULL, &r, err, sizeof err), -1); /* listed twice */
    match_instance_free(in);
    match_instance_free(NULL);
    match_result_free(NULL);
}

/* pruned hard, the certificate adds pairs back: every mentor's list holds
 * the same 40 mentees (8 per slot and 32 more), which 60 mentors cannot
 * share, and each mentee row stops at its first allowed mentors */
static void test_pruned_certified(void **state)
{
    (void)state;
    match_instance *in = people(60, NULL, 200, NULL);
    for (size_t i = 0; i < 60; i++)
        match_set_number(in, MATCH_MENTOR, i, "x", (double)i, err, sizeof err);
    for (size_t i = 0; i < 200; i++)
        match_set_number(in, MATCH_MENTEE, i, "x", (double)(i % 3) / 10, err, sizeof err);
    match_criterion c = {
        .name = "x", .kind = MATCH_DISTANCE, .field = "x", .scale = 100, .weight = 1};
    match_add_criterion(in, &c, err, sizeof err);
    match_options o = {.threads = 2};
    match_result *r = NULL, *full = NULL;
    assert_int_equal(match_solve(in, &o, &r, err, sizeof err), 0);
    o.no_prune = true;
    assert_int_equal(match_solve(in, &o, &full, err, sizeof err), 0);
    assert_true(r->stats.optimal && full->stats.optimal);
    assert_int_equal(r->stats.matched, 60);
    assert_int_equal(r->stats.total_iscore, full->stats.total_iscore);
    assert_true(r->stats.added_back > 0);
    match_result_free(r);
    match_result_free(full);
    match_instance_free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cardinality_before_score),
        cmocka_unit_test(test_total_beats_greedy),
        cmocka_unit_test(test_fair),
        cmocka_unit_test(test_stable_and_ties),
        cmocka_unit_test(test_constraints),
        cmocka_unit_test(test_self_and_min_score),
        cmocka_unit_test(test_locked),
        cmocka_unit_test(test_empty_and_bad_people),
        cmocka_unit_test(test_pruned_certified),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
