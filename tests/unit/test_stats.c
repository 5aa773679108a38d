/* test_stats.c - domain/stats.c against SciPy: each case's expected value
 * is computed here by SciPy (python3-scipy), not copied from a table. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "domain/stats.h"

/* Runs a Python expression with scipy.stats imported as st and returns
 * the number it prints. */
static double scipy(const char *expr)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c 'import scipy.stats as st, math; print(repr(float(%s)))'", expr);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char line[128] = "";
    char *got = fgets(line, sizeof line, p);
    assert_int_equal(pclose(p), 0);
    assert_non_null(got);
    return strtod(line, NULL);
}

static void close_to(double got, double want)
{
    if (fabs(got - want) > 1e-9 * fmax(1.0, fabs(want))) {
        print_error("got %.17g, SciPy says %.17g\n", got, want);
        fail();
    }
}

static void test_fisher_matches_scipy(void **state)
{
    (void)state;
    static const int64_t tables[][4] = {
        {1, 9, 11, 3}, {3, 1, 1, 3}, {0, 5, 5, 0},   {2, 7, 8, 2}, {10, 0, 0, 10},
        {4, 4, 4, 4},  {1, 0, 0, 0}, {7, 12, 3, 25}, {0, 3, 0, 9}, {25, 30, 12, 40},
    };
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        const int64_t *t = tables[i];
        char expr[256];
        snprintf(expr, sizeof expr, "st.fisher_exact([[%lld, %lld], [%lld, %lld]])[1]",
                 (long long)t[0], (long long)t[1], (long long)t[2], (long long)t[3]);
        close_to(stats_fisher_exact(t[0], t[1], t[2], t[3]), scipy(expr));
    }
}

static void test_z_test_matches_scipy(void **state)
{
    (void)state;
    /* x1, n1, x2, n2: large enough groups that the z-test is chosen. */
    static const int64_t cases[][4] = {
        {45, 60, 30, 60}, {80, 100, 70, 100}, {20, 50, 25, 50}, {300, 1000, 270, 1000}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const int64_t *k = cases[i];
        struct stats_comparison c;
        stats_compare(k[0], k[1], k[2], k[3], &c);
        assert_true(c.defined);
        assert_int_equal(c.test, STATS_Z);
        char pool[160], z[400], expr[600];
        snprintf(pool, sizeof pool, "((%lld + %lld) / (%lld + %lld))", (long long)k[0],
                 (long long)k[2], (long long)k[1], (long long)k[3]);
        snprintf(z, sizeof z,
                 "((%lld / %lld - %lld / %lld) / math.sqrt(%s * (1 - %s) * (1 / %lld + 1 / %lld)))",
                 (long long)k[0], (long long)k[1], (long long)k[2], (long long)k[3], pool, pool,
                 (long long)k[1], (long long)k[3]);
        close_to(c.z, scipy(z));
        snprintf(expr, sizeof expr, "2 * st.norm.sf(abs(%s))", z);
        close_to(c.p_value, scipy(expr));
        /* the Wald interval of the difference */
        snprintf(expr, sizeof expr,
                 "(%lld / %lld - %lld / %lld) - st.norm.ppf(0.975) * math.sqrt(%lld / %lld * (1 - "
                 "%lld / %lld) / %lld + %lld / %lld * (1 - %lld / %lld) / %lld)",
                 (long long)k[0], (long long)k[1], (long long)k[2], (long long)k[3],
                 (long long)k[0], (long long)k[1], (long long)k[0], (long long)k[1],
                 (long long)k[1], (long long)k[2], (long long)k[3], (long long)k[2],
                 (long long)k[3], (long long)k[3]);
        close_to(c.ci_low, scipy(expr));
        assert_true(c.ci_high - c.diff > 0);
        close_to(c.ci_high - c.diff, c.diff - c.ci_low);
    }
}

static void test_small_groups_use_fisher(void **state)
{
    (void)state;
    struct stats_comparison c;
    stats_compare(3, 4, 1, 6, &c);
    assert_true(c.defined);
    assert_int_equal(c.test, STATS_FISHER);
    close_to(c.p_value, scipy("st.fisher_exact([[3, 1], [1, 5]])[1]"));
    close_to(c.diff, 3.0 / 4 - 1.0 / 6);
    stats_compare(3, 4, 0, 0, &c);
    assert_false(c.defined);
    assert_null(stats_test_name(c.test));
    /* everybody in both groups: no difference to find */
    stats_compare(50, 50, 40, 40, &c);
    assert_int_equal(c.test, STATS_FISHER); /* no "no" answers expected: under 5 */
    close_to(c.p_value, 1.0);
}

static void test_median(void **state)
{
    (void)state;
    double odd[] = {5, 1, 3}, even[] = {4, 1, 3, 2}, m = -1;
    assert_true(stats_median(odd, 3, &m));
    close_to(m, 3);
    assert_true(stats_median(even, 4, &m));
    close_to(m, 2.5);
    m = -1;
    assert_false(stats_median(odd, 0, &m));
    close_to(m, -1);
}

/* No cell under the threshold, and none that the total gives back by
 * subtraction. */
static void test_suppress(void **state)
{
    (void)state;
    bool hide[4];
    /* All big: nothing hidden. */
    int64_t big[] = {6, 7, 9};
    assert_false(stats_suppress(big, NULL, 3, 5, hide));
    assert_false(hide[0] || hide[1] || hide[2]);
    /* One small cell: it and the smallest other go. */
    int64_t one[] = {3, 9, 7};
    assert_false(stats_suppress(one, NULL, 3, 5, hide));
    assert_true(hide[0]);
    assert_false(hide[1]);
    assert_true(hide[2]);
    /* Two small cells hide each other; empty cells are no secret. */
    int64_t two[] = {3, 2, 9, 0};
    assert_false(stats_suppress(two, NULL, 4, 5, hide));
    assert_true(hide[0] && hide[1]);
    assert_false(hide[2] || hide[3]);
    /* A cell never shown (the answers without a role) counts as unknown:
     * small, it takes the smallest shown cell with it... */
    int64_t rest[] = {8, 6, 2};
    bool unshown[] = {false, false, true};
    assert_false(stats_suppress(rest, unshown, 3, 5, hide));
    assert_false(hide[0]);
    assert_true(hide[1] && hide[2]);
    /* ...big, it leaves a small shown cell unknown beside it: enough. */
    int64_t rest_big[] = {8, 3, 6};
    assert_false(stats_suppress(rest_big, unshown, 3, 5, hide));
    assert_false(hide[0]);
    assert_true(hide[1]);
    /* A total under the threshold hides everything. */
    int64_t tiny[] = {2, 2};
    assert_true(stats_suppress(tiny, NULL, 2, 5, hide));
    assert_true(hide[0] && hide[1]);
    /* Exactly at the threshold is shown. */
    int64_t edge[] = {5, 5};
    assert_false(stats_suppress(edge, NULL, 2, 5, hide));
    assert_false(hide[0] || hide[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fisher_matches_scipy),
        cmocka_unit_test(test_z_test_matches_scipy),
        cmocka_unit_test(test_small_groups_use_fisher),
        cmocka_unit_test(test_median),
        cmocka_unit_test(test_suppress),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
