#include "domain/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

bool stats_median(double *v, size_t n, double *out)
{
    if (n == 0)
        return false;
    qsort(v, n, sizeof *v, cmp_double);
    *out = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return true;
}

double stats_normal_sf(double z)
{
    return 0.5 * erfc(z / sqrt(2.0));
}

/* log of the hypergeometric probability of a table whose top-left cell is
 * x, with row sums r1, r2 and first column sum c1. */
static double log_hyper(int64_t x, int64_t r1, int64_t r2, int64_t c1)
{
    double n = (double)(r1 + r2);
    return lgamma((double)r1 + 1) - lgamma((double)x + 1) - lgamma((double)(r1 - x) + 1) +
           lgamma((double)r2 + 1) - lgamma((double)(c1 - x) + 1) -
           lgamma((double)(r2 - c1 + x) + 1) -
           (lgamma(n + 1) - lgamma((double)c1 + 1) - lgamma(n - (double)c1 + 1));
}

double stats_fisher_exact(int64_t a, int64_t b, int64_t c, int64_t d)
{
    int64_t r1 = a + b, r2 = c + d, c1 = a + c;
    if (r1 == 0 || r2 == 0 || c1 == 0 || b + d == 0)
        return 1.0;
    int64_t lo = c1 - r2 > 0 ? c1 - r2 : 0, hi = c1 < r1 ? c1 : r1;
    double observed = log_hyper(a, r1, r2, c1);
    /* SciPy's tolerance: tables within a relative 1e-7 of the observed
     * probability count as no more likely. */
    double limit = observed + log1p(1e-7), sum = 0;
    for (int64_t x = lo; x <= hi; x++) {
        double lp = log_hyper(x, r1, r2, c1);
        if (lp <= limit)
            sum += exp(lp);
    }
    return sum > 1.0 ? 1.0 : sum;
}

const char *stats_test_name(enum stats_test t)
{
    return t == STATS_Z ? "z_test" : t == STATS_FISHER ? "fisher_exact" : NULL;
}

void stats_compare(int64_t x1, int64_t n1, int64_t x2, int64_t n2, struct stats_comparison *out)
{
    memset(out, 0, sizeof *out);
    if (n1 <= 0 || n2 <= 0)
        return;
    out->defined = true;
    out->p1 = (double)x1 / (double)n1;
    out->p2 = (double)x2 / (double)n2;
    out->diff = out->p1 - out->p2;
    double se = sqrt(out->p1 * (1 - out->p1) / (double)n1 + out->p2 * (1 - out->p2) / (double)n2);
    out->ci_low = out->diff - 1.959963984540054 * se;
    out->ci_high = out->diff + 1.959963984540054 * se;
    double n = (double)(n1 + n2), yes = (double)(x1 + x2), no = n - yes;
    double least = fmin(fmin(n1 * yes / n, n1 * no / n), fmin(n2 * yes / n, n2 * no / n));
    if (least < 5) {
        out->test = STATS_FISHER;
        out->p_value = stats_fisher_exact(x1, n1 - x1, x2, n2 - x2);
        return;
    }
    out->test = STATS_Z;
    double pool = yes / n;
    double pooled_se = sqrt(pool * (1 - pool) * (1.0 / (double)n1 + 1.0 / (double)n2));
    if (pooled_se <= 0) {
        out->p_value = 1.0;
        return;
    }
    out->z = out->diff / pooled_se;
    out->p_value = 2 * stats_normal_sf(fabs(out->z));
}

bool stats_suppress(const int64_t *n, const bool *unshown, size_t k, int64_t threshold, bool *hide)
{
    int64_t total = 0;
    for (size_t i = 0; i < k; i++)
        total += n[i];
    if (total < threshold) {
        for (size_t i = 0; i < k; i++)
            hide[i] = true;
        return true;
    }
    size_t unknown = 0, hidden = 0;
    for (size_t i = 0; i < k; i++) {
        hide[i] = n[i] > 0 && n[i] < threshold;
        hidden += hide[i];
        unknown += n[i] > 0 && (hide[i] || (unshown && unshown[i]));
    }
    /* One unknown cell is the total minus the others: when it is a small
     * one, hide the smallest cell shown besides it. (A cell never shown
     * that is not small may be worked out: it was safe to show.) */
    if (unknown == 1 && hidden == 1) {
        size_t best = k;
        for (size_t i = 0; i < k; i++)
            if (n[i] > 0 && !hide[i] && !(unshown && unshown[i]) && (best == k || n[i] < n[best]))
                best = i;
        if (best < k)
            hide[best] = true;
    }
    return false;
}
