/* criteria.c - compiles criteria into columns and scores pairs.
 *
 * Each criterion becomes a column per side (numbers, interned strings, tag
 * bitsets, vectors). match_model_pair() scores one pair; match_model_row()
 * scores a mentee against every mentor with loops over the mentor columns
 * that the compiler vectorises. Both evaluate the same inline value
 * functions in the same order, and the build uses ISO C (no contraction of
 * a*b+c into fma), so a row is bit-identical to the pairs one by one; the
 * row kernel is cloned per instruction set and the widest one the CPU has
 * is picked at load time.
 */
#include "match/engine.h"

#include "base/mem.h"
#include "base/str.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void seterr(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        str_fmt(err, errlen, "%s", msg);
}

/* ---- value of one criterion for one pair ----
 *
 * Mentor columns are stored for streaming: tag bitsets word-major
 * (bits[1][w * nr + r]) and vectors dimension-major (vec[1][k * nr + r]),
 * so the row kernel reads each column contiguously. The kernel and the
 * scalar scorer evaluate the same expressions in the same order; the
 * region below is compiled with -O3 and without trapping math (which lets
 * both sides of a branch be computed; the values do not change). */

#pragma GCC push_options
#pragma GCC optimize("O3", "no-trapping-math")

static inline double v_overlap_cnt(int cnt, int32_t popa)
{
    return popa > 0 ? (double)cnt / (double)popa : 0.0;
}

static inline double v_same(int32_t a, int32_t b, bool different)
{
    double eq = a == b ? 1.0 : 0.0;
    double v = different ? 1.0 - eq : eq;
    return (a < 0) | (b < 0) ? 0.0 : v;
}

/* 1 - min(x, scale) / scale for x >= 0: 1 at x <= 0, 0 from scale on and
 * for NaN (a missing value); selects, no branches, so it vectorises */
static inline double v_decay(double x, double scale)
{
    double o = x <= 0.0 ? 0.0 : x;
    o = o < scale ? o : scale;
    return 1.0 - o / scale;
}

static inline double v_distance(double a, double b, double scale)
{
    return v_decay(fabs(a - b), scale);
}

static inline double v_gap(double mentee, double mentor, double lo, double hi, double scale)
{
    double d = mentor - mentee;
    double below = lo - d, above = d - hi;
    double out = below > above ? below : above; /* <= 0 inside [lo, hi]; NaN if missing */
    return v_decay(out, scale);
}

static inline double v_cos_of(double dot, double na, double nb)
{
    double nn = na * nb;
    double c = dot / nn;
    c = nn > 0.0 ? c : 0.0;
    return c > 0.0 ? (c < 1.0 ? c : 1.0) : 0.0;
}

static inline double v_choice(int rank)
{
    return rank == 1 ? 1.0 : rank == 2 ? 2.0 / 3.0 : rank == 3 ? 1.0 / 3.0 : 0.0;
}

static int choice_rank(const match_model *m, size_t e, size_t r)
{
    for (size_t k = m->ch_off[e]; k < m->ch_off[e + 1]; k++)
        if (m->ch_m[k] == r)
            return m->ch_rank[k];
    return 0;
}

static double col_value(const match_model *m, const match_col *c, size_t e, size_t r)
{
    size_t nr = m->nr;
    switch (c->kind) {
    case MATCH_OVERLAP:
    case MATCH_SHARED: {
        int cnt = 0;
        uint64_t any = 0;
        for (size_t w = 0; w < c->words; w++) {
            uint64_t x = c->bits[0][e * c->words + w] & c->bits[1][w * nr + r];
            cnt += __builtin_popcountll(x);
            any |= x;
        }
        if (c->kind == MATCH_SHARED)
            return any ? 1.0 : 0.0;
        return v_overlap_cnt(cnt, c->pop0[e]);
    }
    case MATCH_SAME: return v_same(c->str[0][e], c->str[1][r], c->different);
    case MATCH_DISTANCE: return v_distance(c->num[0][e], c->num[1][r], c->scale);
    case MATCH_GAP: return v_gap(c->num[0][e], c->num[1][r], c->min, c->max, c->scale);
    case MATCH_SIMILARITY: {
        if (c->vlen[0][e] != c->vlen[1][r])
            return 0.0;
        double dot = 0.0;
        for (size_t k = 0; k < c->dims; k++)
            dot += c->vec[0][e * c->dims + k] * c->vec[1][k * nr + r];
        return v_cos_of(dot, c->norm[0][e], c->norm[1][r]);
    }
    case MATCH_CHOICE: return v_choice(choice_rank(m, e, r));
    }
    return 0.0;
}

static bool listed(const size_t *off, const uint32_t *arr, size_t e, size_t r)
{
    size_t lo = off[e], hi = off[e + 1];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (arr[mid] < r)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < off[e + 1] && arr[lo] == r;
}

static bool sparse_score(const match_model *m, size_t e, size_t r, double *s)
{
    size_t lo = m->sc_off[e], hi = m->sc_off[e + 1];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m->sc_m[mid] < r)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < m->sc_off[e + 1] && m->sc_m[lo] == r) {
        *s = m->sc_s[lo];
        return true;
    }
    return false;
}

const char *match_model_refusal(const match_model *m, size_t e, size_t r, size_t *crit)
{
    if (m->self[e] == (int64_t)r)
        return "self";
    if (listed(m->fb_off, m->fb_m, e, r))
        return "forbidden";
    double s = 0.0;
    if (m->sparse) {
        if (!sparse_score(m, e, r, &s))
            return "unlisted";
    } else {
        double acc = 0.0;
        const char *why = NULL;
        for (size_t k = 0; k < m->ncrit; k++) {
            const match_col *c = &m->col[k];
            double v = col_value(m, c, e, r);
            if (c->required && !(v > 0.0) && !why) {
                why = "required";
                if (crit)
                    *crit = k;
            }
            acc += c->w * v;
        }
        if (why)
            return why;
        s = m->wsum > 0.0 ? acc / m->wsum : 0.0;
    }
    if (!(s >= m->min_score))
        return "min_score";
    return NULL;
}

bool match_model_pair(const match_model *m, size_t e, size_t r, double *score, double *explain)
{
    bool ok = m->self[e] != (int64_t)r && !listed(m->fb_off, m->fb_m, e, r);
    double s = 0.0;
    if (m->sparse) {
        ok = sparse_score(m, e, r, &s) && ok;
    } else {
        double acc = 0.0;
        for (size_t k = 0; k < m->ncrit; k++) {
            const match_col *c = &m->col[k];
            double v = col_value(m, c, e, r);
            if (c->required && !(v > 0.0))
                ok = false;
            acc += c->w * v;
            if (explain)
                explain[k] = m->wsum > 0.0 ? c->w * v / m->wsum : 0.0;
        }
        s = m->wsum > 0.0 ? acc / m->wsum : 0.0;
    }
    if (!(s >= m->min_score))
        ok = false;
    *score = s;
    return ok;
}

/* ---- the row kernel ---- */

#define BLOCK 256 /* mentors per block: the block's arrays stay in L1 */

static inline __attribute__((always_inline)) void block_body(const match_model *m, size_t e,
                                                             size_t r0, size_t n,
                                                             double *restrict acc,
                                                             uint8_t *restrict ok)
{
    const size_t nr = m->nr;
    double fail[BLOCK], dot[BLOCK];
    for (size_t i = 0; i < n; i++) {
        acc[i] = 0.0;
        fail[i] = 0.0;
    }
    for (size_t k = 0; k < m->ncrit; k++) {
        const match_col *c = &m->col[k];
        const double w = c->w;
        const double req = c->required ? 1.0 : 0.0;
        switch (c->kind) {
        case MATCH_OVERLAP:
        case MATCH_SHARED: {
            const uint64_t *a = c->bits[0] + e * c->words;
            const bool shared = c->kind == MATCH_SHARED;
            const int32_t pa = c->pop0[e];
            if (c->words <= 2) {
                const uint64_t a0 = a[0], a1 = c->words == 2 ? a[1] : 0;
                const uint64_t *restrict b0 = c->bits[1] + r0;
                const uint64_t *restrict b1 = (c->words == 2 ? c->bits[1] + nr : c->bits[1]) + r0;
                for (size_t i = 0; i < n; i++) {
                    uint64_t x0 = a0 & b0[i], x1 = a1 & b1[i];
                    int cnt = __builtin_popcountll(x0) + __builtin_popcountll(x1);
                    double v = shared ? ((x0 | x1) ? 1.0 : 0.0) : v_overlap_cnt(cnt, pa);
                    fail[i] += v > 0.0 ? 0.0 : req;
                    acc[i] += w * v;
                }
            } else {
                for (size_t i = 0; i < n; i++) {
                    double v = col_value(m, c, e, r0 + i);
                    fail[i] += v > 0.0 ? 0.0 : req;
                    acc[i] += w * v;
                }
            }
            break;
        }
        case MATCH_SAME: {
            const int32_t a = c->str[0][e];
            const int32_t *restrict b = c->str[1] + r0;
            const bool diff = c->different;
            for (size_t i = 0; i < n; i++) {
                double v = v_same(a, b[i], diff);
                fail[i] += v > 0.0 ? 0.0 : req;
                acc[i] += w * v;
            }
            break;
        }
        case MATCH_DISTANCE: {
            const double a = c->num[0][e], scale = c->scale;
            const double *restrict b = c->num[1] + r0;
            for (size_t i = 0; i < n; i++) {
                double v = v_distance(a, b[i], scale);
                fail[i] += v > 0.0 ? 0.0 : req;
                acc[i] += w * v;
            }
            break;
        }
        case MATCH_GAP: {
            const double a = c->num[0][e], lo = c->min, hi = c->max, scale = c->scale;
            const double *restrict b = c->num[1] + r0;
            for (size_t i = 0; i < n; i++) {
                double v = v_gap(a, b[i], lo, hi, scale);
                fail[i] += v > 0.0 ? 0.0 : req;
                acc[i] += w * v;
            }
            break;
        }
        case MATCH_SIMILARITY: {
            const double *a = c->vec[0] + e * c->dims;
            const int32_t *restrict lb = c->vlen[1] + r0;
            const double *restrict nb = c->norm[1] + r0;
            const int32_t la = c->vlen[0][e];
            const double na = c->norm[0][e];
            const size_t dims = c->dims;
            /* dot products dimension by dimension, in the scalar order */
            for (size_t i = 0; i < n; i++)
                dot[i] = 0.0;
            for (size_t q = 0; q < dims; q++) {
                const double aq = a[q];
                const double *restrict bq = c->vec[1] + q * nr + r0;
                for (size_t i = 0; i < n; i++)
                    dot[i] += aq * bq[i];
            }
            for (size_t i = 0; i < n; i++) {
                double v = v_cos_of(dot[i], na, nb[i]);
                v = la == lb[i] ? v : 0.0;
                fail[i] += v > 0.0 ? 0.0 : req;
                acc[i] += w * v;
            }
            break;
        }
        case MATCH_CHOICE: {
            /* zero for every mentor but the chosen: acc += w * 0 changes nothing */
            size_t lo = m->ch_off[e], hi = m->ch_off[e + 1];
            if (c->required)
                for (size_t i = 0; i < n; i++)
                    fail[i] += 1.0;
            for (size_t q = lo; q < hi; q++) {
                size_t r = m->ch_m[q];
                if (r < r0 || r >= r0 + n)
                    continue;
                double v = v_choice(m->ch_rank[q]);
                if (c->required && v > 0.0)
                    fail[r - r0] -= 1.0;
                acc[r - r0] += w * v;
            }
            break;
        }
        }
    }
    const double wsum = m->wsum, min = m->min_score;
    for (size_t i = 0; i < n; i++) {
        double s = wsum > 0.0 ? acc[i] / wsum : 0.0;
        acc[i] = s;
        ok[i] = fail[i] == 0.0 && s >= min;
    }
}

/* mentors [b, end) of mentee e into acc[0 .. end - b) */
static inline __attribute__((always_inline)) void row_body(const match_model *m, size_t e, size_t b,
                                                           size_t end, double *acc, uint8_t *ok)
{
    for (size_t r0 = b; r0 < end; r0 += BLOCK) {
        size_t n = end - r0 < BLOCK ? end - r0 : BLOCK;
        block_body(m, e, r0, n, acc + (r0 - b), ok + (r0 - b));
    }
}

/* ---- the column kernel: one mentor against a range of mentees ----
 *
 * The same value functions with the same operands in the same order as
 * block_body (a product a*b equals b*a, |a - b| equals |b - a|), over the
 * mentee columns the reordered model keeps transposed (bitsT, vecT), so a
 * column is bit-identical to the pairs one by one. Chosen pairs are left
 * out (ok = 0): the mentee's side always keeps them. */
static inline __attribute__((always_inline)) void col_body(const match_model *m, size_t r,
                                                           size_t e0, size_t n,
                                                           double *restrict acc,
                                                           uint8_t *restrict ok)
{
    const size_t nr = m->nr, ne = m->ne;
    double fail[BLOCK], dot[BLOCK];
    for (size_t i = 0; i < n; i++) {
        acc[i] = 0.0;
        fail[i] = 0.0;
    }
    for (size_t k = 0; k < m->ncrit; k++) {
        const match_col *c = &m->col[k];
        const double w = c->w;
        const double req = c->required ? 1.0 : 0.0;
        switch (c->kind) {
        case MATCH_OVERLAP:
        case MATCH_SHARED: {
            const bool shared = c->kind == MATCH_SHARED;
            const int32_t *restrict pa = c->pop0 + e0;
            if (c->words <= 2) {
                const uint64_t b0 = c->bits[1][r], b1 = c->words == 2 ? c->bits[1][nr + r] : 0;
                const uint64_t *restrict a0 = c->bitsT + e0;
                const uint64_t *restrict a1 = (c->words == 2 ? c->bitsT + ne : c->bitsT) + e0;
                for (size_t i = 0; i < n; i++) {
                    uint64_t x0 = a0[i] & b0, x1 = c->words == 2 ? a1[i] & b1 : 0;
                    int cnt = __builtin_popcountll(x0) + __builtin_popcountll(x1);
                    double v = shared ? ((x0 | x1) ? 1.0 : 0.0) : v_overlap_cnt(cnt, pa[i]);
                    fail[i] += v > 0.0 ? 0.0 : req;
                    acc[i] += w * v;
                }
            } else {
                for (size_t i = 0; i < n; i++) {
                    double v = col_value(m, c, e0 + i, r);
                    fail[i] += v > 0.0 ? 0.0 : req;
                    acc[i] += w * v;
                }
            }
            break;
        }
        case MATCH_SAME: {
            const int32_t b = c->str[1][r];
            const int32_t *restrict a = c->str[0] + e0;
            const bool diff = c->different;
            for (size_t i = 0; i < n; i++) {
                double v = v_same(a[i], b, diff);
                fail[i] += v > 0.0 ? 0.0 : req;
                acc[i] += w * v;
            }
            break;
        }
        case MATCH_DISTANCE: {
            const double b = c->num[1][r], scale = c->scale;
            const double *restrict a = c->num[0] + e0;
            for (size_t i = 0; i < n; i++) {
                double v = v_distance(a[i], b, scale);
                fail[i] += v > 0.0 ? 0.0 : req;
                acc[i] += w * v;
            }
            break;
        }
        case MATCH_GAP: {
            const double b = c->num[1][r], lo = c->min, hi = c->max, scale = c->scale;
            const double *restrict a = c->num[0] + e0;
            for (size_t i = 0; i < n; i++) {
                double v = v_gap(a[i], b, lo, hi, scale);
                fail[i] += v > 0.0 ? 0.0 : req;
                acc[i] += w * v;
            }
            break;
        }
        case MATCH_SIMILARITY: {
            const int32_t *restrict la = c->vlen[0] + e0;
            const double *restrict na = c->norm[0] + e0;
            const int32_t lb = c->vlen[1][r];
            const double nb = c->norm[1][r];
            const size_t dims = c->dims;
            for (size_t i = 0; i < n; i++)
                dot[i] = 0.0;
            for (size_t q = 0; q < dims; q++) {
                const double bq = c->vec[1][q * nr + r];
                const double *restrict aq = c->vecT + q * ne + e0;
                for (size_t i = 0; i < n; i++)
                    dot[i] += aq[i] * bq;
            }
            for (size_t i = 0; i < n; i++) {
                double v = v_cos_of(dot[i], na[i], nb);
                v = la[i] == lb ? v : 0.0;
                fail[i] += v > 0.0 ? 0.0 : req;
                acc[i] += w * v;
            }
            break;
        }
        case MATCH_CHOICE:
            /* non-chosen pairs score 0 here; chosen ones are dropped below */
            if (c->required)
                for (size_t i = 0; i < n; i++)
                    fail[i] += 1.0;
            break;
        }
    }
    const double wsum = m->wsum, min = m->min_score;
    for (size_t i = 0; i < n; i++) {
        double s = wsum > 0.0 ? acc[i] / wsum : 0.0;
        acc[i] = s;
        ok[i] = fail[i] == 0.0 && s >= min;
    }
}

static inline __attribute__((always_inline)) void col_run(const match_model *m, size_t r, size_t b,
                                                          size_t end, double *acc, uint8_t *ok)
{
    for (size_t e0 = b; e0 < end; e0 += BLOCK) {
        size_t n = end - e0 < BLOCK ? end - e0 : BLOCK;
        col_body(m, r, e0, n, acc + (e0 - b), ok + (e0 - b));
    }
}

/* The same loops compiled for three instruction sets; match_model_row
 * picks the widest the CPU has (or the one m->kernel names, for tests). */
static void row_base(const match_model *m, size_t e, size_t b, size_t end, double *acc, uint8_t *ok)
{
    row_body(m, e, b, end, acc, ok);
}

static void col_base(const match_model *m, size_t r, size_t b, size_t end, double *acc, uint8_t *ok)
{
    col_run(m, r, b, end, acc, ok);
}

#if defined(__x86_64__)
#define ISA_AVX2 __attribute__((target("avx2,popcnt")))
#define ISA_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx512vpopcntdq")))
ISA_AVX2 static void row_avx2(const match_model *m, size_t e, size_t b, size_t end, double *acc,
                              uint8_t *ok)
{
    row_body(m, e, b, end, acc, ok);
}

ISA_AVX512 static void row_avx512(const match_model *m, size_t e, size_t b, size_t end, double *acc,
                                  uint8_t *ok)
{
    row_body(m, e, b, end, acc, ok);
}

ISA_AVX2 static void col_avx2(const match_model *m, size_t r, size_t b, size_t end, double *acc,
                              uint8_t *ok)
{
    col_run(m, r, b, end, acc, ok);
}

ISA_AVX512 static void col_avx512(const match_model *m, size_t r, size_t b, size_t end, double *acc,
                                  uint8_t *ok)
{
    col_run(m, r, b, end, acc, ok);
}
#endif

#pragma GCC pop_options

int match_kernel_best(void)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vpopcntdq"))
        return MATCH_KERNEL_AVX512;
    if (__builtin_cpu_supports("avx2"))
        return MATCH_KERNEL_AVX2;
#endif
    return MATCH_KERNEL_BASE;
}

const char *match_kernel_name(int k)
{
    switch (k) {
    case MATCH_KERNEL_SCALAR: return "scalar";
    case MATCH_KERNEL_BASE: return "baseline";
    case MATCH_KERNEL_AVX2: return "avx2";
    case MATCH_KERNEL_AVX512: return "avx512";
    }
    return "auto";
}

static void row_scalar(const match_model *m, size_t e, size_t b, size_t end, double *acc,
                       uint8_t *ok)
{
    acc -= b;
    ok -= b;
    for (size_t r = b; r < end; r++) {
        double acc1 = 0.0;
        bool good = true;
        for (size_t k = 0; k < m->ncrit; k++) {
            const match_col *c = &m->col[k];
            double v = col_value(m, c, e, r);
            if (c->required && !(v > 0.0))
                good = false;
            acc1 += c->w * v;
        }
        double s = m->wsum > 0.0 ? acc1 / m->wsum : 0.0;
        acc[r] = s;
        ok[r] = good && s >= m->min_score;
    }
}

void match_model_block(const match_model *m, size_t e, size_t b, size_t n, double *score,
                       uint8_t *ok)
{
    size_t end = b + n;
    if (m->sparse) {
        for (size_t i = 0; i < n; i++) {
            score[i] = 0.0;
            ok[i] = 0;
        }
        for (size_t q = m->sc_off[e]; q < m->sc_off[e + 1]; q++) {
            if (m->sc_m[q] < b || m->sc_m[q] >= end)
                continue;
            score[m->sc_m[q] - b] = m->sc_s[q];
            ok[m->sc_m[q] - b] = m->sc_s[q] >= m->min_score;
        }
    } else {
        switch (m->kernel) {
        case MATCH_KERNEL_SCALAR: row_scalar(m, e, b, end, score, ok); break;
#if defined(__x86_64__)
        case MATCH_KERNEL_AVX2: row_avx2(m, e, b, end, score, ok); break;
        case MATCH_KERNEL_AVX512: row_avx512(m, e, b, end, score, ok); break;
#endif
        default: row_base(m, e, b, end, score, ok); break;
        }
    }
    if (m->self[e] >= (int64_t)b && (size_t)m->self[e] < end)
        ok[m->self[e] - b] = 0;
    for (size_t q = m->fb_off[e]; q < m->fb_off[e + 1]; q++)
        if (m->fb_m[q] >= b && m->fb_m[q] < end)
            ok[m->fb_m[q] - b] = 0;
}

void match_model_row_n(const match_model *m, size_t e, size_t nr, double *score, uint8_t *ok)
{
    match_model_block(m, e, 0, nr, score, ok);
}

void match_model_row(const match_model *m, size_t e, double *score, uint8_t *ok)
{
    match_model_row_n(m, e, m->nr, score, ok);
}

void match_model_col(const match_model *m, size_t r, size_t b, size_t n, double *score, uint8_t *ok)
{
    size_t end = b + n;
    switch (m->kernel) {
    case MATCH_KERNEL_SCALAR:
        for (size_t e = b; e < end; e++)
            ok[e - b] = match_model_pair(m, e, r, &score[e - b], NULL);
        break;
#if defined(__x86_64__)
    case MATCH_KERNEL_AVX2: col_avx2(m, r, b, end, score, ok); break;
    case MATCH_KERNEL_AVX512: col_avx512(m, r, b, end, score, ok); break;
#endif
    default: col_base(m, r, b, end, score, ok); break;
    }
    if (m->self_r[r] >= (int64_t)b && (size_t)m->self_r[r] < end)
        ok[m->self_r[r] - (int64_t)b] = 0;
    for (size_t q = m->ifb_off[r]; q < m->ifb_off[r + 1]; q++)
        if (m->ifb_e[q] >= b && m->ifb_e[q] < end)
            ok[m->ifb_e[q] - b] = 0;
    for (size_t q = m->ich_off[r]; q < m->ich_off[r + 1]; q++)
        if (m->ich_e[q] >= b && m->ich_e[q] < end)
            ok[m->ich_e[q] - b] = 0;
}

static int cmp_u32(const void *a, const void *b);

/* index arrays of a CSR by the other side: for each mentor, the mentees
 * (new indexes, sorted) whose list (choices, forbidden) names it */
static void invert_csr(size_t ne, size_t nr, const size_t *off, const uint32_t *arr,
                       const uint32_t *perm_e, const uint32_t *inv_r, size_t **ioff,
                       uint32_t **iarr)
{
    size_t *o = xcalloc(nr + 2, sizeof *o);
    size_t total = off[ne];
    uint32_t *a = xmalloc((total + 1) * sizeof *a);
    for (size_t q = 0; q < total; q++)
        o[inv_r[arr[q]] + 1]++;
    for (size_t r = 0; r < nr; r++)
        o[r + 1] += o[r];
    size_t *pos = xmalloc((nr + 1) * sizeof *pos);
    memcpy(pos, o, (nr + 1) * sizeof *pos);
    for (size_t i = 0; i < ne; i++) { /* new mentee order: each list comes out sorted */
        size_t e = perm_e[i];
        for (size_t q = off[e]; q < off[e + 1]; q++)
            a[pos[inv_r[arr[q]]]++] = (uint32_t)i;
    }
    free(pos);
    *ioff = o;
    *iarr = a;
}

void match_model_reorder(const match_model *m, const uint32_t *perm_e, const uint32_t *perm_r,
                         match_model *out)
{
    size_t ne = m->ne, nr = m->nr;
    *out = *m;
    uint32_t *inv_r = xmalloc((nr ? nr : 1) * sizeof *inv_r);
    for (size_t i = 0; i < nr; i++)
        inv_r[perm_r[i]] = (uint32_t)i;
    out->col = xcalloc(m->ncrit ? m->ncrit : 1, sizeof *out->col);
    for (size_t k = 0; k < m->ncrit; k++) {
        const match_col *c = &m->col[k];
        match_col *d = &out->col[k];
        *d = *c;
        if (c->num[0]) {
            d->num[0] = xmalloc((ne ? ne : 1) * sizeof(double));
            d->num[1] = xmalloc((nr ? nr : 1) * sizeof(double));
            for (size_t i = 0; i < ne; i++)
                d->num[0][i] = c->num[0][perm_e[i]];
            for (size_t i = 0; i < nr; i++)
                d->num[1][i] = c->num[1][perm_r[i]];
        }
        if (c->str[0]) {
            d->str[0] = xmalloc((ne ? ne : 1) * sizeof(int32_t));
            d->str[1] = xmalloc((nr ? nr : 1) * sizeof(int32_t));
            for (size_t i = 0; i < ne; i++)
                d->str[0][i] = c->str[0][perm_e[i]];
            for (size_t i = 0; i < nr; i++)
                d->str[1][i] = c->str[1][perm_r[i]];
        }
        if (c->bits[0]) {
            size_t W = c->words;
            d->bits[0] = xmalloc((ne * W + 1) * sizeof(uint64_t));
            d->bitsT = xmalloc((ne * W + 1) * sizeof(uint64_t));
            d->pop0 = xmalloc((ne ? ne : 1) * sizeof(int32_t));
            for (size_t i = 0; i < ne; i++) {
                for (size_t w = 0; w < W; w++) {
                    uint64_t x = c->bits[0][perm_e[i] * W + w];
                    d->bits[0][i * W + w] = x;
                    d->bitsT[w * ne + i] = x;
                }
                d->pop0[i] = c->pop0[perm_e[i]];
            }
            d->bits[1] = xmalloc((nr * W + 1) * sizeof(uint64_t));
            for (size_t w = 0; w < W; w++)
                for (size_t i = 0; i < nr; i++)
                    d->bits[1][w * nr + i] = c->bits[1][w * nr + perm_r[i]];
        }
        if (c->vec[0]) {
            size_t D = c->dims;
            d->vec[0] = xmalloc((ne * D + 1) * sizeof(double));
            d->vecT = xmalloc((ne * D + 1) * sizeof(double));
            d->vlen[0] = xmalloc((ne ? ne : 1) * sizeof(int32_t));
            d->norm[0] = xmalloc((ne ? ne : 1) * sizeof(double));
            for (size_t i = 0; i < ne; i++) {
                for (size_t q = 0; q < D; q++) {
                    double x = c->vec[0][perm_e[i] * D + q];
                    d->vec[0][i * D + q] = x;
                    d->vecT[q * ne + i] = x;
                }
                d->vlen[0][i] = c->vlen[0][perm_e[i]];
                d->norm[0][i] = c->norm[0][perm_e[i]];
            }
            d->vec[1] = xmalloc((nr * D + 1) * sizeof(double));
            d->vlen[1] = xmalloc((nr ? nr : 1) * sizeof(int32_t));
            d->norm[1] = xmalloc((nr ? nr : 1) * sizeof(double));
            for (size_t i = 0; i < nr; i++) {
                for (size_t q = 0; q < D; q++)
                    d->vec[1][q * nr + i] = c->vec[1][q * nr + perm_r[i]];
                d->vlen[1][i] = c->vlen[1][perm_r[i]];
                d->norm[1][i] = c->norm[1][perm_r[i]];
            }
        }
    }
    /* per-mentee lists in the new order, mentors renamed (and sorted) */
    out->ch_off = xmalloc((ne + 1) * sizeof(size_t));
    out->fb_off = xmalloc((ne + 1) * sizeof(size_t));
    out->ch_off[0] = out->fb_off[0] = 0;
    for (size_t i = 0; i < ne; i++) {
        size_t e = perm_e[i];
        out->ch_off[i + 1] = out->ch_off[i] + (m->ch_off[e + 1] - m->ch_off[e]);
        out->fb_off[i + 1] = out->fb_off[i] + (m->fb_off[e + 1] - m->fb_off[e]);
    }
    out->ch_m = xmalloc((m->ch_off[ne] + 1) * sizeof(uint32_t));
    out->ch_rank = xmalloc(m->ch_off[ne] + 1);
    out->fb_m = xmalloc((m->fb_off[ne] + 1) * sizeof(uint32_t));
    for (size_t i = 0; i < ne; i++) {
        size_t e = perm_e[i];
        for (size_t q = m->ch_off[e], o = out->ch_off[i]; q < m->ch_off[e + 1]; q++, o++) {
            out->ch_m[o] = inv_r[m->ch_m[q]];
            out->ch_rank[o] = m->ch_rank[q];
        }
        size_t lo = out->fb_off[i];
        for (size_t q = m->fb_off[e], o = lo; q < m->fb_off[e + 1]; q++, o++)
            out->fb_m[o] = inv_r[m->fb_m[q]];
        qsort(out->fb_m + lo, out->fb_off[i + 1] - lo, sizeof(uint32_t), cmp_u32);
    }
    invert_csr(ne, nr, m->ch_off, m->ch_m, perm_e, inv_r, &out->ich_off, &out->ich_e);
    invert_csr(ne, nr, m->fb_off, m->fb_m, perm_e, inv_r, &out->ifb_off, &out->ifb_e);
    uint32_t *inv_e = xmalloc((ne ? ne : 1) * sizeof *inv_e);
    for (size_t i = 0; i < ne; i++)
        inv_e[perm_e[i]] = (uint32_t)i;
    out->self = xmalloc((ne ? ne : 1) * sizeof(int64_t));
    for (size_t i = 0; i < ne; i++)
        out->self[i] = m->self[perm_e[i]] >= 0 ? (int64_t)inv_r[m->self[perm_e[i]]] : -1;
    out->self_r = xmalloc((nr ? nr : 1) * sizeof(int64_t));
    for (size_t i = 0; i < nr; i++)
        out->self_r[i] = m->self_r[perm_r[i]] >= 0 ? (int64_t)inv_e[m->self_r[perm_r[i]]] : -1;
    /* the sparse form is never reordered (its graph is complete) */
    out->sc_off = xcalloc(ne + 1, sizeof(size_t));
    out->sc_m = xcalloc(1, sizeof(uint32_t));
    out->sc_s = xcalloc(1, sizeof(double));
    free(inv_r);
    free(inv_e);
}

/* ---- building the model ---- */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_triple(const void *a, const void *b)
{
    const match_triple *x = a, *y = b;
    if (x->mentee != y->mentee)
        return x->mentee < y->mentee ? -1 : 1;
    return x->mentor < y->mentor ? -1 : x->mentor > y->mentor;
}

/* CSR from (mentee, mentor) pairs, sorted and de-duplicated */
static void pairs_csr(size_t ne, const match_ipair *p, size_t n, size_t **off_out,
                      uint32_t **arr_out)
{
    size_t *off = xcalloc(ne + 1, sizeof *off);
    uint32_t *arr = xcalloc(n ? n : 1, sizeof *arr);
    for (size_t i = 0; i < n; i++)
        off[p[i].mentee + 1]++;
    for (size_t i = 0; i < ne; i++)
        off[i + 1] += off[i];
    size_t *pos = xcalloc(ne + 1, sizeof *pos);
    memcpy(pos, off, (ne + 1) * sizeof *pos);
    for (size_t i = 0; i < n; i++)
        arr[pos[p[i].mentee]++] = p[i].mentor;
    free(pos);
    /* sort and drop duplicates, compacting */
    size_t w = 0;
    for (size_t e = 0; e < ne; e++) {
        size_t lo = off[e], hi = off[e + 1];
        qsort(arr + lo, hi - lo, sizeof *arr, cmp_u32);
        off[e] = w;
        for (size_t q = lo; q < hi; q++)
            if (q == lo || arr[q] != arr[q - 1])
                arr[w++] = arr[q];
    }
    off[ne] = w;
    *off_out = off;
    *arr_out = arr;
}

static const char *type_name(int t)
{
    switch (t) {
    case FT_TAGS: return "a list of strings";
    case FT_NUMBER: return "a number";
    case FT_STRING: return "a string";
    case FT_VECTOR: return "a list of numbers";
    }
    return "missing";
}

static int build_col(const match_instance *in, const match_criterion *cr, match_col *c, char *err,
                     size_t errlen)
{
    size_t n[2] = {in->n[MATCH_MENTEE], in->n[MATCH_MENTOR]};
    const char *fname[2] = {cr->mentee_field, cr->mentor_field};
    int fid[2];
    c->kind = cr->kind;
    c->w = cr->weight;
    c->required = cr->required;
    c->different = cr->different;
    c->scale = cr->scale;
    c->min = cr->min;
    c->max = cr->max;
    if (cr->kind == MATCH_CHOICE)
        return 0;
    for (int s = 0; s < 2; s++) {
        fid[s] = match_strmap_get(&in->fieldmap, fname[s]);
        int t = fid[s] >= 0 ? in->field_types[fid[s]] : FT_NONE;
        bool fits = t == FT_NONE;
        switch (cr->kind) {
        case MATCH_OVERLAP:
        case MATCH_SHARED: fits |= t == FT_TAGS || t == FT_STRING; break;
        case MATCH_SAME: fits |= t == FT_STRING || t == FT_NUMBER; break;
        case MATCH_DISTANCE:
        case MATCH_GAP: fits |= t == FT_NUMBER; break;
        case MATCH_SIMILARITY: fits |= t == FT_VECTOR; break;
        case MATCH_CHOICE: break;
        }
        if (!fits) {
            if (err)
                str_fmt(err, errlen, "criterion \"%.60s\" (%s): attribute \"%.60s\" is %s",
                        cr->name, match_kind_name(cr->kind), fname[s], type_name(t));
            return -1;
        }
    }
    switch (cr->kind) {
    case MATCH_OVERLAP:
    case MATCH_SHARED: {
        int32_t *bit = xmalloc((in->nstrings ? in->nstrings : 1) * sizeof *bit);
        for (size_t i = 0; i < in->nstrings; i++)
            bit[i] = -1;
        int32_t nbits = 0;
        for (int s = 0; s < 2; s++)
            for (size_t i = 0; i < in->nattrs[s]; i++) {
                const match_attr *a = &in->attrs[s][i];
                if ((int)a->field != fid[s])
                    continue;
                for (uint32_t q = 0; q < a->n; q++)
                    if (bit[a->tags[q]] < 0)
                        bit[a->tags[q]] = nbits++;
                if (a->type == FT_STRING && bit[a->str] < 0)
                    bit[a->str] = nbits++;
            }
        c->words = nbits ? ((size_t)nbits + 63) / 64 : 1;
        for (int s = 0; s < 2; s++) {
            size_t total;
            if (!mem_mul_ok(n[s] ? n[s] : 1, c->words, &total)) {
                free(bit);
                seterr(err, errlen, "too many tags");
                return -1;
            }
            c->bits[s] = xcalloc(total, sizeof(uint64_t));
            /* mentees row-major, mentors word-major (see above) */
            size_t step = s == 0 ? 1 : n[1];
            for (size_t i = 0; i < in->nattrs[s]; i++) {
                const match_attr *a = &in->attrs[s][i];
                if ((int)a->field != fid[s])
                    continue;
                uint64_t *row = c->bits[s] + (s == 0 ? a->person * c->words : a->person);
                for (size_t w = 0; w < c->words; w++)
                    row[w * step] = 0;
                if (a->type == FT_STRING) {
                    int32_t b = bit[a->str];
                    row[(size_t)(b / 64) * step] |= 1ull << (b % 64);
                }
                for (uint32_t q = 0; q < a->n; q++) {
                    int32_t b = bit[a->tags[q]];
                    row[(size_t)(b / 64) * step] |= 1ull << (b % 64);
                }
            }
        }
        free(bit);
        c->pop0 = xcalloc(n[0] ? n[0] : 1, sizeof *c->pop0);
        for (size_t e = 0; e < n[0]; e++) {
            int p = 0;
            for (size_t w = 0; w < c->words; w++)
                p += __builtin_popcountll(c->bits[0][e * c->words + w]);
            c->pop0[e] = p;
        }
        break;
    }
    case MATCH_SAME:
        for (int s = 0; s < 2; s++) {
            c->str[s] = xmalloc((n[s] ? n[s] : 1) * sizeof(int32_t));
            for (size_t i = 0; i < n[s]; i++)
                c->str[s][i] = -1;
        }
        {
            /* numbers compare by value: intern their exact text in a local map */
            match_strmap nums = {0};
            int32_t next = (int32_t)in->nstrings;
            for (int s = 0; s < 2; s++)
                for (size_t i = 0; i < in->nattrs[s]; i++) {
                    const match_attr *a = &in->attrs[s][i];
                    if ((int)a->field != fid[s])
                        continue;
                    if (a->type == FT_STRING) {
                        c->str[s][a->person] = a->str;
                    } else if (a->type == FT_NUMBER) {
                        char key[40];
                        str_fmt(key, sizeof key, "%.17g", a->num == 0 ? 0.0 : a->num);
                        int v = match_strmap_get(&nums, key);
                        if (v < 0) {
                            v = next++;
                            match_strmap_put(&nums, key, v);
                        }
                        c->str[s][a->person] = v;
                    }
                }
            match_strmap_cleanup(&nums);
        }
        break;
    case MATCH_DISTANCE:
    case MATCH_GAP:
        for (int s = 0; s < 2; s++) {
            c->num[s] = xmalloc((n[s] ? n[s] : 1) * sizeof(double));
            for (size_t i = 0; i < n[s]; i++)
                c->num[s][i] = NAN;
            for (size_t i = 0; i < in->nattrs[s]; i++) {
                const match_attr *a = &in->attrs[s][i];
                if ((int)a->field == fid[s] && a->type == FT_NUMBER)
                    c->num[s][a->person] = a->num;
            }
        }
        break;
    case MATCH_SIMILARITY: {
        size_t dims = 1;
        for (int s = 0; s < 2; s++)
            for (size_t i = 0; i < in->nattrs[s]; i++) {
                const match_attr *a = &in->attrs[s][i];
                if ((int)a->field == fid[s] && a->n > dims)
                    dims = a->n;
            }
        c->dims = dims;
        for (int s = 0; s < 2; s++) {
            size_t total;
            if (!mem_mul_ok(n[s] ? n[s] : 1, dims, &total)) {
                seterr(err, errlen, "vectors too long");
                return -1;
            }
            c->vec[s] = xcalloc(total, sizeof(double));
            c->vlen[s] = xcalloc(n[s] ? n[s] : 1, sizeof(int32_t));
            c->norm[s] = xcalloc(n[s] ? n[s] : 1, sizeof(double));
            for (size_t i = 0; i < n[s]; i++)
                c->vlen[s][i] = s == 0 ? -1 : -2; /* missing never equals */
            for (size_t i = 0; i < in->nattrs[s]; i++) {
                const match_attr *a = &in->attrs[s][i];
                if ((int)a->field != fid[s] || a->type != FT_VECTOR)
                    continue;
                /* mentees row-major, mentors dimension-major */
                size_t step = s == 0 ? 1 : n[1];
                double *row = c->vec[s] + (s == 0 ? a->person * dims : a->person);
                for (size_t q = 0; q < dims; q++)
                    row[q * step] = 0.0;
                double nn = 0.0;
                for (uint32_t q = 0; q < a->n; q++) {
                    row[q * step] = a->vec[q];
                    nn += a->vec[q] * a->vec[q];
                }
                c->vlen[s][a->person] = (int32_t)a->n;
                c->norm[s][a->person] = sqrt(nn);
            }
        }
        break;
    }
    case MATCH_CHOICE: break;
    }
    return 0;
}

int match_model_build(const match_instance *in, match_model *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    size_t ne = in->n[MATCH_MENTEE], nr = in->n[MATCH_MENTOR];
    m->ne = ne;
    m->nr = nr;
    m->min_score = in->min_score;
    m->sparse = in->scores_mode || in->ncrit == 0;
    m->ncrit = m->sparse ? 0 : in->ncrit;
    m->col = xcalloc(m->ncrit ? m->ncrit : 1, sizeof *m->col);
    for (size_t k = 0; k < m->ncrit; k++) {
        if (build_col(in, &in->crit[k], &m->col[k], err, errlen))
            goto fail;
        m->wsum += in->crit[k].weight;
    }
    /* choices */
    m->ch_off = xcalloc(ne + 1, sizeof *m->ch_off);
    for (size_t e = 0; e < ne; e++)
        m->ch_off[e + 1] = m->ch_off[e] + in->nchoices[e];
    m->ch_m = xcalloc(m->ch_off[ne] ? m->ch_off[ne] : 1, sizeof *m->ch_m);
    m->ch_rank = xcalloc(m->ch_off[ne] ? m->ch_off[ne] : 1, 1);
    for (size_t e = 0; e < ne; e++)
        for (uint32_t q = 0; q < in->nchoices[e]; q++) {
            m->ch_m[m->ch_off[e] + q] = in->choices[e][q];
            m->ch_rank[m->ch_off[e] + q] = (uint8_t)(q < 254 ? q + 1 : 255);
        }
    pairs_csr(ne, in->forbidden, in->nforbidden, &m->fb_off, &m->fb_m);
    /* self: the same id on both sides is one person */
    m->self = xmalloc((ne ? ne : 1) * sizeof *m->self);
    m->self_r = xmalloc((nr ? nr : 1) * sizeof *m->self_r);
    for (size_t r = 0; r < nr; r++)
        m->self_r[r] = -1;
    for (size_t e = 0; e < ne; e++) {
        m->self[e] = match_strmap_get(&in->idmap[MATCH_MENTOR], in->ids[MATCH_MENTEE][e]);
        if (m->self[e] >= 0)
            m->self_r[m->self[e]] = (int64_t)e;
    }
    /* sparse scores */
    m->sc_off = xcalloc(ne + 1, sizeof *m->sc_off);
    if (m->sparse) {
        match_triple *t = xcalloc(in->nscores ? in->nscores : 1, sizeof *t);
        if (in->nscores)
            memcpy(t, in->scores, in->nscores * sizeof *t);
        qsort(t, in->nscores, sizeof *t, cmp_triple);
        m->sc_m = xcalloc(in->nscores ? in->nscores : 1, sizeof *m->sc_m);
        m->sc_s = xcalloc(in->nscores ? in->nscores : 1, sizeof *m->sc_s);
        for (size_t i = 0; i < in->nscores; i++) {
            if (i && t[i].mentee == t[i - 1].mentee && t[i].mentor == t[i - 1].mentor) {
                if (err)
                    str_fmt(err, errlen, "scores: pair [\"%.60s\", \"%.60s\"] listed twice",
                            in->ids[MATCH_MENTEE][t[i].mentee], in->ids[MATCH_MENTOR][t[i].mentor]);
                free(t);
                goto fail;
            }
            m->sc_off[t[i].mentee + 1]++;
            m->sc_m[i] = t[i].mentor;
            m->sc_s[i] = t[i].score;
        }
        for (size_t e = 0; e < ne; e++)
            m->sc_off[e + 1] += m->sc_off[e];
        free(t);
    } else {
        m->sc_m = xcalloc(1, sizeof *m->sc_m);
        m->sc_s = xcalloc(1, sizeof *m->sc_s);
    }
    return 0;
fail:
    match_model_cleanup(m);
    return -1;
}

void match_model_cleanup(match_model *m)
{
    for (size_t k = 0; m->col && k < m->ncrit; k++) {
        match_col *c = &m->col[k];
        for (int s = 0; s < 2; s++) {
            free(c->num[s]);
            free(c->str[s]);
            free(c->bits[s]);
            free(c->vec[s]);
            free(c->vlen[s]);
            free(c->norm[s]);
        }
        free(c->pop0);
        free(c->bitsT);
        free(c->vecT);
    }
    free(m->col);
    free(m->ch_off);
    free(m->ch_m);
    free(m->ch_rank);
    free(m->fb_off);
    free(m->fb_m);
    free(m->sc_off);
    free(m->sc_m);
    free(m->sc_s);
    free(m->self);
    free(m->self_r);
    free(m->ich_off);
    free(m->ich_e);
    free(m->ifb_off);
    free(m->ifb_e);
    memset(m, 0, sizeof *m);
}
