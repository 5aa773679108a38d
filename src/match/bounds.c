/* bounds.c - upper bounds on the scores of a person against blocks of the
 * other side, so that most pairs are never scored.
 *
 * A reordered model (match_model_reorder) keeps each side in an order that
 * puts similar people next to each other (match_bounds_order); consecutive
 * runs of MATCH_BLOCK people are blocks. Per block and criterion a summary
 * is kept: the union of the tag bits (overlap, shared), the least tag count
 * (overlap, on the mentee side), the range of the numbers (distance, gap),
 * a 64-bit set of the values and the value when all agree (same), and a
 * cone around the unit vectors (similarity). match_bounds_ub() then gives,
 * for one person of the other side, a score no allowed pair with a member
 * of each block can beat, choice aside (chosen pairs are always scored).
 *
 * Every per-criterion bound is the criterion's own value function applied
 * to the end of the block's range nearest to the person, and floating-point
 * subtraction, products by weights >= 0 and sums are monotone, so the
 * weighted sum is >= the kernel's score of each member; a margin of 1e-9
 * covers the cone bound's rounding. The bounds need not be tight to be
 * right: a loose one only costs scoring a block that did not need it.
 */
#include "match/engine.h"

#include "base/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SLACK 1e-9

static inline double decay(double x, double scale)
{
    double o = x <= 0.0 ? 0.0 : x;
    o = o < scale ? o : scale;
    return 1.0 - o / scale;
}

/* ---- the order of each side ---- */

typedef struct okey {
    const match_model *m;
    int side;
} okey;

/* numbers first (distance, gap: blocks with narrow ranges), then the first
 * word of the tag bits of required criteria, then the values of same */
static int cmp_person(const void *pa, const void *pb, void *ctx)
{
    const okey *k = ctx;
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    const match_model *m = k->m;
    int s = k->side;
    for (int pass = 0; pass < 3; pass++)
        for (size_t c = 0; c < m->ncrit; c++) {
            const match_col *col = &m->col[c];
            if (pass == 0 && (col->kind == MATCH_DISTANCE || col->kind == MATCH_GAP)) {
                double x = col->num[s][a], y = col->num[s][b];
                bool nx = x != x, ny = y != y;
                if (nx != ny)
                    return nx ? 1 : -1;
                if (!nx && x != y)
                    return x < y ? -1 : 1;
            } else if (pass == 1 && col->bits[s] && col->kind == MATCH_OVERLAP) {
                uint64_t x = s == 0 ? col->bits[0][a * col->words] : col->bits[1][a];
                uint64_t y = s == 0 ? col->bits[0][b * col->words] : col->bits[1][b];
                if (x != y)
                    return x < y ? -1 : 1;
            } else if (pass == 2 && col->kind == MATCH_SAME) {
                int32_t x = col->str[s][a], y = col->str[s][b];
                if (x != y)
                    return x < y ? -1 : 1;
            }
        }
    return a < b ? -1 : a > b;
}

void match_bounds_order(const match_model *m, int side, uint32_t *perm)
{
    size_t n = side == 0 ? m->ne : m->nr;
    for (size_t i = 0; i < n; i++)
        perm[i] = (uint32_t)i;
    okey k = {m, side};
    qsort_r(perm, n, sizeof *perm, cmp_person, &k);
}

/* ---- summaries ---- */

void match_bounds_build(const match_model *rm, int side, match_bounds *B)
{
    match_bounds_build_n(rm, side, MATCH_BLOCK, B);
}

void match_bounds_build_n(const match_model *rm, int side, size_t bs, match_bounds *B)
{
    memset(B, 0, sizeof *B);
    size_t n = side == 0 ? rm->ne : rm->nr, nb = (n + bs - 1) / bs;
    B->side = side;
    B->bs = bs;
    B->n = n;
    B->nb = nb;
    B->ncol = rm->ncrit;
    B->col = xcalloc(rm->ncrit ? rm->ncrit : 1, sizeof *B->col);
    for (size_t k = 0; k < rm->ncrit; k++) {
        const match_col *c = &rm->col[k];
        match_bcol *d = &B->col[k];
        switch (c->kind) {
        case MATCH_OVERLAP:
        case MATCH_SHARED: {
            size_t W = c->words;
            d->uni = xcalloc(W * nb + 1, sizeof *d->uni);
            d->popmin = xmalloc((nb + 1) * sizeof *d->popmin);
            for (size_t b = 0; b < nb; b++) {
                int32_t pm = INT32_MAX;
                for (size_t i = b * bs; i < n && i < (b + 1) * bs; i++) {
                    for (size_t w = 0; w < W; w++)
                        d->uni[w * nb + b] |=
                            side == 0 ? c->bits[0][i * W + w] : c->bits[1][w * rm->nr + i];
                    if (side == 0 && c->pop0[i] > 0 && c->pop0[i] < pm)
                        pm = c->pop0[i];
                }
                d->popmin[b] = pm;
            }
            if (side == 0 && c->kind == MATCH_OVERLAP) {
                const size_t Q = MATCH_POP_CLASSES;
                d->cuni = xcalloc(Q * W * nb + 1, sizeof *d->cuni);
                d->cpop = xmalloc((nb + 1) * sizeof *d->cpop);
                for (size_t b = 0; b < nb; b++) {
                    int32_t pm = INT32_MAX;
                    for (size_t i = b * bs; i < n && i < (b + 1) * bs; i++) {
                        int32_t pa = c->pop0[i];
                        if (pa <= 0)
                            continue; /* |A| = 0 scores 0 */
                        size_t q = pa < (int32_t)Q ? (size_t)pa - 1 : Q - 1;
                        if (q == Q - 1 && pa < pm)
                            pm = pa;
                        for (size_t w = 0; w < W; w++)
                            d->cuni[(q * W + w) * nb + b] |= c->bits[0][i * W + w];
                    }
                    d->cpop[b] = pm;
                }
            }
            break;
        }
        case MATCH_SAME:
            d->bloom = xcalloc(nb + 1, sizeof *d->bloom);
            d->uniq = xmalloc((nb + 1) * sizeof *d->uniq);
            for (size_t b = 0; b < nb; b++) {
                int32_t u = -3; /* -3: none yet, -1: one missing, -2: mixed */
                for (size_t i = b * bs; i < n && i < (b + 1) * bs; i++) {
                    int32_t v = c->str[side][i];
                    if (v >= 0)
                        d->bloom[b] |= 1ull << ((uint32_t)v * 2654435761u >> 26);
                    u = u == -3 ? v : u == v ? u : -2;
                }
                d->uniq[b] = u < -1 ? (u == -3 ? -1 : -2) : u;
            }
            break;
        case MATCH_DISTANCE:
        case MATCH_GAP:
            d->lo = xmalloc((nb + 1) * sizeof *d->lo);
            d->hi = xmalloc((nb + 1) * sizeof *d->hi);
            for (size_t b = 0; b < nb; b++) {
                double lo = INFINITY, hi = -INFINITY;
                for (size_t i = b * bs; i < n && i < (b + 1) * bs; i++) {
                    double v = c->num[side][i];
                    if (v == v) {
                        lo = v < lo ? v : lo;
                        hi = v > hi ? v : hi;
                    }
                }
                d->lo[b] = lo;
                d->hi[b] = hi;
            }
            break;
        case MATCH_SIMILARITY: {
            size_t D = c->dims;
            d->cen = xcalloc(D * nb + 1, sizeof *d->cen);
            d->ccos = xmalloc((nb + 1) * sizeof *d->ccos);
            d->csin = xmalloc((nb + 1) * sizeof *d->csin);
            double *u = xmalloc((D + 1) * sizeof *u);
            for (size_t b = 0; b < nb; b++) {
                size_t lo = b * bs, hi = lo + bs < n ? lo + bs : n;
                double *cb = xcalloc(D + 1, sizeof *cb);
                size_t cnt = 0;
                for (size_t i = lo; i < hi; i++) {
                    double nn = c->norm[side][i];
                    if (!(nn > 0.0))
                        continue;
                    cnt++;
                    for (size_t q = 0; q < D; q++)
                        cb[q] +=
                            (side == 0 ? c->vec[0][i * D + q] : c->vec[1][q * rm->nr + i]) / nn;
                }
                double cn = 0.0;
                for (size_t q = 0; q < D; q++)
                    cn += cb[q] * cb[q];
                cn = sqrt(cn);
                double mincos = 2.0; /* 2: no member with a direction */
                if (cnt && cn > 1e-6) {
                    for (size_t q = 0; q < D; q++)
                        cb[q] /= cn;
                    mincos = 1.0;
                    for (size_t i = lo; i < hi; i++) {
                        double nn = c->norm[side][i];
                        if (!(nn > 0.0))
                            continue;
                        double dt = 0.0;
                        for (size_t q = 0; q < D; q++) {
                            u[q] = side == 0 ? c->vec[0][i * D + q] : c->vec[1][q * rm->nr + i];
                            dt += u[q] * cb[q];
                        }
                        dt = dt / nn - 1e-12;
                        mincos = dt < mincos ? dt : mincos;
                    }
                    mincos = mincos < -1.0 ? -1.0 : mincos;
                } else if (cnt) {
                    mincos = -1.0; /* directions cancel out: no cone */
                }
                for (size_t q = 0; q < D; q++)
                    d->cen[q * nb + b] = cb[q];
                d->ccos[b] = mincos;
                d->csin[b] = mincos <= 1.0 ? sqrt(1.0 - mincos * mincos) : 0.0;
                free(cb);
            }
            free(u);
            break;
        }
        case MATCH_CHOICE: break;
        }
    }
}

void match_bounds_free(match_bounds *B)
{
    for (size_t k = 0; B->col && k < B->ncol; k++) {
        match_bcol *d = &B->col[k];
        free(d->lo);
        free(d->hi);
        free(d->uni);
        free(d->popmin);
        free(d->bloom);
        free(d->uniq);
        free(d->cen);
        free(d->ccos);
        free(d->csin);
        free(d->cuni);
        free(d->cpop);
    }
    free(B->col);
    memset(B, 0, sizeof *B);
}

bool match_bounds_may(const match_model *rm, const match_bounds *B, size_t x, size_t b)
{
    const int other = 1 - B->side;
    const size_t nb = B->nb;
    for (size_t k = 0; k < rm->ncrit; k++) {
        const match_col *c = &rm->col[k];
        const match_bcol *d = &B->col[k];
        if (!c->required)
            continue;
        if (c->kind == MATCH_OVERLAP || c->kind == MATCH_SHARED) {
            uint64_t any = 0;
            for (size_t wd = 0; wd < c->words; wd++)
                any |= (other == 0 ? c->bits[0][x * c->words + wd] : c->bits[1][wd * rm->nr + x]) &
                       d->uni[wd * nb + b];
            if (!any)
                return false;
        } else if (c->kind == MATCH_SAME && !c->different) {
            int32_t a = c->str[other][x];
            if (a < 0 || d->uniq[b] == -1 ||
                !(d->bloom[b] & (1ull << ((uint32_t)a * 2654435761u >> 26))))
                return false;
        }
    }
    return true;
}

/* ---- the bound of one person against every block ---- */

#pragma GCC push_options
#pragma GCC optimize("O3", "no-trapping-math")

static inline __attribute__((always_inline)) void ub_body(const match_model *rm,
                                                          const match_bounds *B, size_t x,
                                                          size_t b0, size_t b1,
                                                          double *restrict acc, double *restrict ws)
{
    const size_t nb = B->nb;
    double *restrict fail = ws, *restrict cnt = ws + nb;
    const int side = B->side, other = 1 - side;
    for (size_t b = b0; b < b1; b++) {
        acc[b] = 0.0;
        fail[b] = 0.0;
    }
    for (size_t k = 0; k < rm->ncrit; k++) {
        const match_col *c = &rm->col[k];
        const match_bcol *d = &B->col[k];
        const double w = c->w, req = c->required ? 1.0 : 0.0;
        switch (c->kind) {
        case MATCH_OVERLAP:
        case MATCH_SHARED: {
            size_t W = c->words;
            const bool shared = c->kind == MATCH_SHARED;
            for (size_t b = b0; b < b1; b++)
                cnt[b] = 0.0;
            for (size_t wd = 0; wd < W; wd++) {
                uint64_t a = other == 0 ? c->bits[0][x * W + wd] : c->bits[1][wd * rm->nr + x];
                const uint64_t *restrict u = d->uni + wd * nb;
                for (size_t b = b0; b < b1; b++)
                    cnt[b] += (double)__builtin_popcountll(a & u[b]);
            }
            if (other == 0) { /* a mentee against mentor blocks: cnt / |A| */
                const double pa = (double)c->pop0[x];
                for (size_t b = b0; b < b1; b++) {
                    double v = shared ? (cnt[b] > 0.0 ? 1.0 : 0.0) : pa > 0.0 ? cnt[b] / pa : 0.0;
                    fail[b] += v > 0.0 ? 0.0 : req;
                    acc[b] += w * v;
                }
            } else if (d->cuni) {
                /* a mentor against mentee blocks, overlap: per class of
                 * |A|, what the class's union meets of B over the least
                 * |A| in the class; the best class */
                const size_t Q = MATCH_POP_CLASSES;
                for (size_t b = b0; b < b1; b++)
                    cnt[b] = 0.0;
                for (size_t c0 = b0; c0 < b1; c0 += MATCH_BLOCK) {
                    const size_t c1 = c0 + MATCH_BLOCK < b1 ? c0 + MATCH_BLOCK : b1;
                    for (size_t q = 0; q < Q; q++) {
                        double cq[MATCH_BLOCK]; /* this class's count */
                        for (size_t b = c0; b < c1; b++)
                            cq[b - c0] = 0.0;
                        for (size_t wd = 0; wd < W; wd++) {
                            uint64_t a = c->bits[1][wd * rm->nr + x];
                            const uint64_t *restrict u = d->cuni + (q * W + wd) * nb;
                            for (size_t b = c0; b < c1; b++)
                                cq[b - c0] += (double)__builtin_popcountll(a & u[b]);
                        }
                        const int32_t *restrict cp = d->cpop;
                        const double pq = (double)(q + 1);
                        for (size_t b = c0; b < c1; b++) {
                            double den = q + 1 < Q ? pq : (double)cp[b];
                            double v = cq[b - c0] > 0.0 ? cq[b - c0] / den : 0.0;
                            cnt[b] = v > cnt[b] ? v : cnt[b];
                        }
                    }
                }
                for (size_t b = b0; b < b1; b++) {
                    double v = cnt[b] < 1.0 ? cnt[b] : 1.0;
                    fail[b] += v > 0.0 ? 0.0 : req;
                    acc[b] += w * v;
                }
            } else { /* a mentor against mentee blocks: cnt / least |A| */
                const int32_t *restrict pm = d->popmin;
                for (size_t b = b0; b < b1; b++) {
                    double v = pm[b] == INT32_MAX ? 0.0 : cnt[b] / (double)pm[b];
                    v = v < 1.0 ? v : 1.0;
                    v = shared ? (cnt[b] > 0.0 ? 1.0 : 0.0) : v;
                    fail[b] += v > 0.0 ? 0.0 : req;
                    acc[b] += w * v;
                }
            }
            break;
        }
        case MATCH_SAME: {
            int32_t a = c->str[other][x];
            uint64_t bit = a >= 0 ? 1ull << ((uint32_t)a * 2654435761u >> 26) : 0;
            for (size_t b = b0; b < b1; b++) {
                int32_t u = d->uniq[b];
                double v;
                if (a < 0 || u == -1)
                    v = 0.0;
                else if (c->different)
                    v = u == a ? 0.0 : 1.0;
                else
                    v = (d->bloom[b] & bit) ? 1.0 : 0.0;
                fail[b] += v > 0.0 ? 0.0 : req;
                acc[b] += w * v;
            }
            break;
        }
        case MATCH_DISTANCE: {
            const double a = c->num[other][x], scale = c->scale;
            const double *restrict lo = d->lo, *restrict hi = d->hi;
            for (size_t b = b0; b < b1; b++) {
                double below = lo[b] - a, above = a - hi[b];
                double out = below > above ? below : above;
                double v = lo[b] <= hi[b] ? decay(out, scale) : 0.0; /* NaN a: 0 */
                fail[b] += v > 0.0 ? 0.0 : req;
                acc[b] += w * v;
            }
            break;
        }
        case MATCH_GAP: {
            /* d = mentor - mentee over the block: [dlo, dhi] */
            const double a = c->num[other][x], L = c->min, H = c->max, scale = c->scale;
            const double *restrict lo = d->lo, *restrict hi = d->hi;
            for (size_t b = b0; b < b1; b++) {
                double dlo = other == 0 ? lo[b] - a : a - hi[b];
                double dhi = other == 0 ? hi[b] - a : a - lo[b];
                double below = L - dhi, above = dlo - H;
                double out = below > above ? below : above;
                double v = lo[b] <= hi[b] ? decay(out, scale) : 0.0;
                fail[b] += v > 0.0 ? 0.0 : req;
                acc[b] += w * v;
            }
            break;
        }
        case MATCH_SIMILARITY: {
            const size_t D = c->dims;
            const double nq = c->norm[other][x];
            for (size_t b = b0; b < b1; b++)
                cnt[b] = 0.0;
            for (size_t q = 0; q < D; q++) {
                const double aq = other == 0 ? c->vec[0][x * D + q] : c->vec[1][q * rm->nr + x];
                const double *restrict cq = d->cen + q * nb;
                for (size_t b = b0; b < b1; b++)
                    cnt[b] += aq * cq[b];
            }
            const double *restrict ccos = d->ccos, *restrict csin = d->csin;
            for (size_t b = b0; b < b1; b++) {
                double dt = cnt[b];
                double cp = nq > 0.0 ? dt / nq : 0.0;
                cp = cp > 1.0 ? 1.0 : cp < -1.0 ? -1.0 : cp;
                double sp = sqrt(1.0 - cp * cp);
                double cc = ccos[b], ss = csin[b];
                double v = cp >= cc ? 1.0 : cp * cc + sp * ss + SLACK;
                v = v < 1.0 ? v : 1.0;
                v = v > 0.0 ? v : 0.0;
                v = nq > 0.0 && cc <= 1.0 ? v : 0.0;
                fail[b] += v > 0.0 ? 0.0 : req;
                acc[b] += w * v;
            }
            break;
        }
        case MATCH_CHOICE:
            /* chosen pairs are scored on their own; the rest score 0 here */
            if (c->required)
                for (size_t b = b0; b < b1; b++)
                    fail[b] += 1.0;
            break;
        }
    }
    const double wsum = rm->wsum, min = rm->min_score;
    for (size_t b = b0; b < b1; b++) {
        double s = (wsum > 0.0 ? acc[b] / wsum : 0.0) + SLACK;
        acc[b] = fail[b] == 0.0 && s >= min ? s : -1.0;
    }
}

static void ub_base(const match_model *rm, const match_bounds *B, size_t x, size_t b0, size_t b1,
                    double *acc, double *ws)
{
    ub_body(rm, B, x, b0, b1, acc, ws);
}

#if defined(__x86_64__)
__attribute__((target("avx2,popcnt"))) static void ub_avx2(const match_model *rm,
                                                           const match_bounds *B, size_t x,
                                                           size_t b0, size_t b1, double *acc,
                                                           double *ws)
{
    ub_body(rm, B, x, b0, b1, acc, ws);
}

__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx512vpopcntdq"))) static void
ub_avx512(const match_model *rm, const match_bounds *B, size_t x, size_t b0, size_t b1, double *acc,
          double *ws)
{
    ub_body(rm, B, x, b0, b1, acc, ws);
}
#endif

#pragma GCC pop_options

void match_bounds_ub(const match_model *rm, const match_bounds *B, size_t x, double *ub, double *ws)
{
    match_bounds_ub_range(rm, B, x, 0, B->nb, ub, ws);
}

void match_bounds_ub_range(const match_model *rm, const match_bounds *B, size_t x, size_t b0,
                           size_t b1, double *ub, double *ws)
{
    switch (rm->kernel) {
#if defined(__x86_64__)
    case MATCH_KERNEL_AVX2: ub_avx2(rm, B, x, b0, b1, ub, ws); break;
    case MATCH_KERNEL_AVX512: ub_avx512(rm, B, x, b0, b1, ub, ws); break;
#endif
    default: ub_base(rm, B, x, b0, b1, ub, ws); break;
    }
}
