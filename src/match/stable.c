/* stable.c - mentee-proposing deferred acceptance with capacities.
 *
 * Mentees rank mentors by their choices first (1st, 2nd, ...), then by
 * score, then by input order; mentors rank mentees by score, then input
 * order. Every mentee proposes down its list while it holds fewer than it
 * wants; a full mentor keeps the ones it ranks best. The candidate graph
 * holds each mentee's best mentors, which is a prefix of its full list;
 * a mentee that runs out gets the rest of its list scored on demand, so
 * the result is the stable matching over all allowed pairs.
 */
#include "match/engine.h"

#include "base/mem.h"

#include <stdlib.h>
#include <string.h>

typedef struct pref {
    uint32_t r;
    int64_t w;
    int rank; /* choice rank, or INT_MAX-like when not chosen */
} pref;

static int cmp_pref(const void *a, const void *b)
{
    const pref *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    if (x->w != y->w)
        return x->w > y->w ? -1 : 1;
    return x->r < y->r ? -1 : x->r > y->r;
}

typedef struct held {
    int64_t w;
    uint32_t e;
} held;

/* a is worse for the mentor than b */
static bool worse(held a, held b)
{
    return a.w < b.w || (a.w == b.w && a.e > b.e);
}

typedef struct mentor_heap {
    held *h;
    size_t n, cap;
} mentor_heap;

static void mh_push(mentor_heap *q, held x)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 4;
        q->h = xrealloc(q->h, q->cap * sizeof *q->h);
    }
    size_t i = q->n++;
    while (i) {
        size_t p = (i - 1) / 2;
        if (!worse(x, q->h[p]))
            break;
        q->h[i] = q->h[p];
        i = p;
    }
    q->h[i] = x;
}

static void mh_replace_top(mentor_heap *q, held x)
{
    size_t i = 0, n = q->n;
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= n)
            break;
        if (l + 1 < n && worse(q->h[l + 1], q->h[l]))
            l++;
        if (!worse(q->h[l], x))
            break;
        q->h[i] = q->h[l];
        i = l;
    }
    q->h[i] = x;
}

static int choice_rank(const match_model *m, size_t e, uint32_t r)
{
    for (size_t q = m->ch_off[e]; q < m->ch_off[e + 1]; q++)
        if (m->ch_m[q] == r)
            return (int)(q - m->ch_off[e]) + 1;
    return 1 << 30;
}

static pref *list_for(const match_model *m, const match_graph *g, size_t e, size_t *n)
{
    size_t lo = g->off[e], hi = g->off[e + 1];
    pref *L = xcalloc(hi - lo + 1, sizeof *L);
    size_t k = 0;
    for (size_t a = lo; a < hi; a++)
        if (g->w[a] >= 0)
            L[k++] = (pref){g->head[a], g->w[a], choice_rank(m, e, g->head[a])};
    qsort(L, k, sizeof *L, cmp_pref);
    *n = k;
    return L;
}

/* the rest of e's list: allowed mentors that are not arcs, by score; a
 * full mentor whose held mentees all score above e (lim) would turn e
 * down now and later (a mentor's worst held only gets better), so it is
 * left out and, with the block bounds, mostly never scored */
static pref *list_rest(const match_model *m, const match_graph *g, size_t e, const int64_t *lim,
                       const int64_t *blim, size_t *n)
{
    uint32_t *ms;
    int64_t *ws;
    size_t na = match_graph_rest(m, g, e, lim, blim, &ms, &ws);
    pref *L = xcalloc(na + 1, sizeof *L);
    size_t k = 0;
    for (size_t i = 0; i < na; i++)
        L[k++] = (pref){ms[i], ws[i], choice_rank(m, e, ms[i])};
    qsort(L, k, sizeof *L, cmp_pref);
    free(ms);
    free(ws);
    *n = k;
    return L;
}

size_t match_stable_run(const match_model *m, match_graph *g, const int64_t *wants,
                        const int64_t *caps, match_ipair **pairs)
{
    size_t ne = g->ne, nr = g->nr;
    pref **lists = xcalloc(ne ? ne : 1, sizeof *lists);
    size_t *len = xcalloc(ne ? ne : 1, sizeof *len);
    size_t *next = xcalloc(ne ? ne : 1, sizeof *next);
    bool *extended = xcalloc(ne ? ne : 1, sizeof *extended);
    bool *waited = xcalloc(ne ? ne : 1, sizeof *waited);
    int64_t *holds = xcalloc(ne ? ne : 1, sizeof *holds);
    mentor_heap *mh = xcalloc(nr ? nr : 1, sizeof *mh);
    uint32_t *queue = xmalloc((ne ? ne : 1) * sizeof *queue);
    bool *queued = xcalloc(ne ? ne : 1, sizeof *queued);
    size_t qh = 0, qn = 0; /* a ring of at most ne entries */
    /* the least score a mentor can still take: its worst held when full */
    int64_t *lim = xcalloc(nr ? nr : 1, sizeof *lim);
    size_t nb = g->ix ? g->ix->br.nb : 1;
    int64_t *blim = xcalloc(nb + 1, sizeof *blim);
    for (size_t e = 0; e < ne; e++) {
        lists[e] = list_for(m, g, e, &len[e]);
        if (wants[e] > 0) {
            queue[qn++ % (ne ? ne : 1)] = (uint32_t)e;
            queued[e] = true;
        }
    }
    /* mentees that ran out of their lists wait until every other proposal
     * is made: the mentors' limits are then as high as they get so far,
     * and the rest of each list is short (the result does not depend on
     * the order of proposals) */
    uint32_t *later = xmalloc((ne ? ne : 1) * sizeof *later);
    size_t nlater = 0;
    for (;;) {
        if (qh == qn) {
            if (!nlater)
                break;
            for (size_t i = 0; i < nlater; i++) {
                uint32_t e = later[i];
                if (!queued[e]) {
                    queue[qn++ % ne] = e;
                    queued[e] = true;
                }
            }
            nlater = 0;
        }
        while (qh < qn) {
            uint32_t e = queue[qh++ % ne];
            queued[e] = false;
            while (holds[e] < wants[e]) {
                if (next[e] == len[e]) {
                    if (extended[e] || g->cut[e] < 0)
                        break;
                    if (!waited[e]) {
                        waited[e] = true;
                        later[nlater++] = e;
                        break;
                    }
                    extended[e] = true;
                    size_t nx;
                    pref *rest = list_rest(m, g, e, lim, blim, &nx);
                    lists[e] = xrealloc(lists[e], (len[e] + nx + 1) * sizeof(pref));
                    memcpy(lists[e] + len[e], rest, nx * sizeof(pref));
                    len[e] += nx;
                    free(rest);
                    if (next[e] == len[e])
                        break;
                }
                pref p = lists[e][next[e]++];
                mentor_heap *q = &mh[p.r];
                held x = {p.w, e};
                if ((int64_t)q->n < caps[p.r]) {
                    mh_push(q, x);
                    holds[e]++;
                } else if (q->n && worse(q->h[0], x)) {
                    uint32_t out = q->h[0].e;
                    mh_replace_top(q, x);
                    holds[e]++;
                    holds[out]--;
                    if (!queued[out]) {
                        queue[qn++ % ne] = out;
                        queued[out] = true;
                    }
                } else {
                    continue;
                }
                if ((int64_t)q->n == caps[p.r] && q->h[0].w > lim[p.r]) {
                    lim[p.r] = q->h[0].w;
                    if (g->ix) { /* the block's least limit */
                        size_t b = g->ix->pos_r[p.r] / MATCH_BLOCK, lo = b * MATCH_BLOCK;
                        int64_t least = INT64_MAX;
                        for (size_t j = lo; j < nr && j < lo + MATCH_BLOCK; j++)
                            if (lim[g->ix->perm_r[j]] < least)
                                least = lim[g->ix->perm_r[j]];
                        blim[b] = least;
                    }
                }
            }
        }
    }
    free(later);
    free(waited);
    size_t n = 0;
    for (size_t r = 0; r < nr; r++)
        n += mh[r].n;
    *pairs = xcalloc(n ? n : 1, sizeof **pairs);
    size_t k = 0;
    for (size_t r = 0; r < nr; r++) {
        for (size_t i = 0; i < mh[r].n; i++)
            (*pairs)[k++] = (match_ipair){mh[r].h[i].e, (uint32_t)r};
        free(mh[r].h);
    }
    for (size_t e = 0; e < ne; e++)
        free(lists[e]);
    free(lists);
    free(len);
    free(next);
    free(extended);
    free(holds);
    free(mh);
    free(queue);
    free(queued);
    free(lim);
    free(blim);
    return n;
}
