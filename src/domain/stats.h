/* stats.h - the statistics reports use: medians, comparing two
 * proportions (a two-proportion z-test and Fisher's exact test) and the
 * difference's confidence interval. Pure; unit-tested in
 * tests/unit/test_stats.c against SciPy's values. */
#ifndef TANDEM_DOMAIN_STATS_H
#define TANDEM_DOMAIN_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The median of v[0..n) (sorted in place), the mean of the two middle
 * values when n is even. Returns false (and leaves *out) when n is 0. */
bool stats_median(double *v, size_t n, double *out);

/* The standard normal distribution's upper tail, P(Z > z). */
double stats_normal_sf(double z);

/* Two-sided p-value of Fisher's exact test of the 2x2 table
 * [[a, b], [c, d]], as scipy.stats.fisher_exact computes it: the sum of
 * the probabilities of every table with the same margins that is no more
 * likely than the one observed. 1 for an empty table. */
double stats_fisher_exact(int64_t a, int64_t b, int64_t c, int64_t d);

/* The test chosen for two proportions. */
enum stats_test { STATS_NONE, STATS_Z, STATS_FISHER };

/* "z_test", "fisher_exact" or NULL for STATS_NONE. */
const char *stats_test_name(enum stats_test t);

/* x1 of n1 against x2 of n2. */
struct stats_comparison {
    bool defined;           /* both groups have someone: the rest is meaningful */
    double p1, p2;          /* the two proportions */
    double diff;            /* p1 - p2 */
    double ci_low, ci_high; /* 95 % Wald interval of the difference */
    enum stats_test test;   /* Fisher's exact test when an expected cell count is under 5 */
    double z;               /* the pooled z statistic (STATS_Z), else 0 */
    double p_value;         /* two-sided */
};

/* Compares x1/n1 with x2/n2 (0 <= x <= n). With a group empty, only
 * `defined` (false) is set. Otherwise the z-test (pooled standard error,
 * two-sided) when every expected count of the 2x2 table is at least 5,
 * else Fisher's exact test; a z-test whose pooled proportion is 0 or 1
 * (nobody or everybody) has p = 1. */
void stats_compare(int64_t x1, int64_t n1, int64_t x2, int64_t n2, struct stats_comparison *out);

/* Small-cell suppression with the complementary rule (docs/internals/
 * reports.md): the k cells n[0..k) add up to a total. hide[i] is set for
 * every cell a report must not show: each of fewer than `threshold`
 * (but more than none), and - when exactly one cell with someone in it
 * would then be unknown (hidden, or never shown: unshown[i], may be NULL)
 * while the total is shown - also the smallest shown cell with someone in
 * it, so no hidden cell can be worked out from the total by subtraction.
 * Returns true when the total itself is under the threshold: then every
 * cell is hidden too. */
bool stats_suppress(const int64_t *n, const bool *unshown, size_t k, int64_t threshold, bool *hide);

#endif
