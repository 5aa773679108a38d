/* candidates.c - the candidate graph: each mentee's best mentors.
 *
 * All pairs are scored by the row kernel on nproc threads; each mentee
 * keeps its top_k allowed mentors (by integer score, then input order)
 * plus the mentors it chose, and each mentor's best mentees join too.
 * The same threads later re-score the pruned pairs that could break the
 * solver's certificate (match_graph_violations), so pruning never costs
 * optimality silently.
 */
#include "match/engine.h"

#include "base/mem.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int match_threads(int requested)
{
    if (requested > 0)
        return requested > 256 ? 256 : requested;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

void match_graph_cleanup(match_graph *g)
{
    free(g->off);
    free(g->head);
    free(g->w);
    free(g->allowed);
    free(g->cut);
    memset(g, 0, sizeof *g);
}

/* ---- a parallel loop over mentees ---- */

typedef struct par {
    size_t n;
    atomic_size_t next;
    atomic_size_t done;
    void (*fn)(void *ctx, int tid, size_t e);
    void *ctx;
} par;

typedef struct par_arg {
    par *p;
    int tid;
} par_arg;

#define CHUNK 64
#define MENTOR_TOP 16 /* best mentees kept per mentor */

static void *par_worker(void *arg)
{
    par_arg *a = arg;
    par *p = a->p;
    for (;;) {
        size_t lo = atomic_fetch_add(&p->next, CHUNK);
        if (lo >= p->n)
            break;
        size_t hi = lo + CHUNK < p->n ? lo + CHUNK : p->n;
        for (size_t e = lo; e < hi; e++)
            p->fn(p->ctx, a->tid, e);
        atomic_fetch_add(&p->done, hi - lo);
    }
    return NULL;
}

static void par_run(size_t n, int threads, void (*fn)(void *, int, size_t), void *ctx,
                    const char *stage, match_progress_fn progress, void *pctx)
{
    par p = {.n = n, .fn = fn, .ctx = ctx};
    atomic_init(&p.next, 0);
    atomic_init(&p.done, 0);
    pthread_t *th = xcalloc((size_t)threads, sizeof *th);
    par_arg *args = xcalloc((size_t)threads, sizeof *args);
    for (int t = 1; t < threads; t++) {
        args[t] = (par_arg){&p, t};
        if (pthread_create(&th[t], NULL, par_worker, &args[t]) != 0)
            args[t].p = NULL; /* the others share its work */
    }
    /* the calling thread works too, reporting progress between chunks */
    for (;;) {
        size_t lo = atomic_fetch_add(&p.next, CHUNK);
        if (lo >= n)
            break;
        size_t hi = lo + CHUNK < n ? lo + CHUNK : n;
        for (size_t e = lo; e < hi; e++)
            fn(ctx, 0, e);
        atomic_fetch_add(&p.done, hi - lo);
        if (progress && (lo / CHUNK) % 64 == 0)
            progress(pctx, stage, (double)atomic_load(&p.done), (double)n);
    }
    for (int t = 1; t < threads; t++)
        if (args[t].p)
            pthread_join(th[t], NULL);
    if (progress)
        progress(pctx, stage, (double)n, (double)n);
    free(th);
    free(args);
}

/* ---- building ---- */

typedef struct cand {
    int64_t w;
    uint32_t r; /* the other side: a mentor in a mentee's list, a mentee in a mentor's */
} cand;

typedef struct scratch {
    double *score;
    cand *mh;     /* per mentor: a heap of its best mentees seen by this thread */
    uint32_t *mn; /* entries in each mentor's heap */
    double *mthr; /* a score that can enter mentor r's full heap */
    uint8_t *ok;
    uint32_t *mark; /* per mentor: last mentee + 1 that marked it */
} scratch;

typedef struct build_ctx {
    const match_model *m;
    size_t k;
    size_t km;       /* best mentees kept per mentor */
    size_t *cap_off; /* slot ranges per mentee */
    uint32_t *head;
    int64_t *w;
    size_t *count;
    int64_t *allowed;
    scratch *sc;
    int64_t *cut;
} build_ctx;

/* worse-first heap: a is worse than b when lower score, or equal and later */
static bool worse(cand a, cand b)
{
    return a.w < b.w || (a.w == b.w && a.r > b.r);
}

static void sift_down(cand *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, best = i;
        if (l < n && worse(h[l], h[best]))
            best = l;
        if (l + 1 < n && worse(h[l + 1], h[best]))
            best = l + 1;
        if (best == i)
            return;
        cand t = h[i];
        h[i] = h[best];
        h[best] = t;
        i = best;
    }
}

static void sift_up(cand *h, size_t i)
{
    while (i) {
        size_t p = (i - 1) / 2;
        if (!worse(h[i], h[p]))
            return;
        cand t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
    }
}

static int cmp_cand_r(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    return x->r < y->r ? -1 : x->r > y->r;
}

static void build_row(void *arg, int tid, size_t e)
{
    build_ctx *c = arg;
    const match_model *m = c->m;
    scratch *sc = &c->sc[tid];
    match_model_row(m, e, sc->score, sc->ok);
    size_t k = c->k, nh = 0;
    cand heap[256];
    cand *h = k <= 256 ? heap : xmalloc(k * sizeof *h);
    int64_t allowed = 0;
    double thr = -1.0; /* a score that can beat the heap's worst */
    const double *s = sc->score;
    const uint8_t *ok = sc->ok;
    for (size_t r = 0; r < m->nr; r++)
        allowed += ok[r];
    /* each mentor's best mentees too: in crowded programs the optimum is
     * made of those, and the mentees' own lists alone miss them */
    if (c->km) {
        size_t km = c->km;
        for (size_t r = 0; r < m->nr; r++) {
            if (s[r] < sc->mthr[r] || !ok[r])
                continue;
            cand x = {match_iscore(s[r]), (uint32_t)e};
            cand *mh = sc->mh + r * km;
            uint32_t *mn = &sc->mn[r];
            if (*mn < km) {
                mh[(*mn)++] = x;
                sift_up(mh, *mn - 1);
            } else if (worse(mh[0], x)) {
                mh[0] = x;
                sift_down(mh, km, 0);
            } else {
                continue;
            }
            if (*mn == km)
                sc->mthr[r] = ((double)mh[0].w - 0.5) / MATCH_SCALE - 1e-9;
        }
    }
    for (size_t r = 0; r < m->nr; r++) {
        if (s[r] < thr || !ok[r])
            continue;
        cand x = {match_iscore(s[r]), (uint32_t)r};
        if (nh < k) {
            h[nh++] = x;
            sift_up(h, nh - 1);
        } else if (worse(h[0], x)) {
            h[0] = x;
            sift_down(h, nh, 0);
        } else {
            continue;
        }
        if (nh == k)
            thr = ((double)h[0].w - 0.5) / MATCH_SCALE - 1e-9;
    }
    c->allowed[e] = allowed;
    c->cut[e] = nh == k && allowed > (int64_t)k ? h[0].w : -1;
    /* the chosen mentors join when allowed */
    size_t base = c->cap_off[e], n = 0;
    for (size_t i = 0; i < nh; i++) {
        c->head[base + n] = h[i].r;
        c->w[base + n] = h[i].w;
        n++;
    }
    for (size_t q = m->ch_off[e]; q < m->ch_off[e + 1]; q++) {
        uint32_t r = m->ch_m[q];
        if (!ok[r])
            continue;
        bool have = false;
        for (size_t i = 0; i < nh; i++)
            if (h[i].r == r)
                have = true;
        if (!have) {
            c->head[base + n] = r;
            c->w[base + n] = match_iscore(s[r]);
            n++;
        }
    }
    /* sort the row by mentor */
    cand local[256];
    cand *row = n <= 256 ? local : xmalloc(n * sizeof *row);
    for (size_t i = 0; i < n; i++)
        row[i] = (cand){c->w[base + i], c->head[base + i]};
    qsort(row, n, sizeof *row, cmp_cand_r);
    for (size_t i = 0; i < n; i++) {
        c->head[base + i] = row[i].r;
        c->w[base + i] = row[i].w;
    }
    c->count[e] = n;
    if (row != local)
        free(row);
    if (h != heap)
        free(h);
}

static void scratch_init(scratch *sc, int threads, size_t nr)
{
    for (int t = 0; t < threads; t++) {
        sc[t].score = xmalloc((nr ? nr : 1) * sizeof(double));

        sc[t].ok = xmalloc(nr ? nr : 1);
        sc[t].mark = xcalloc(nr ? nr : 1, sizeof(uint32_t));
    }
}

static void scratch_free(scratch *sc, int threads)
{
    for (int t = 0; t < threads; t++) {
        free(sc[t].score);
        free(sc[t].mh);
        free(sc[t].mn);
        free(sc[t].mthr);
        free(sc[t].ok);
        free(sc[t].mark);
    }
    free(sc);
}

static void compact(match_graph *g, const size_t *cap_off, const size_t *count)
{
    size_t w = 0;
    g->off[0] = 0;
    for (size_t e = 0; e < g->ne; e++) {
        size_t lo = cap_off[e];
        for (size_t i = 0; i < count[e]; i++) {
            g->head[w] = g->head[lo + i];
            g->w[w] = g->w[lo + i];
            w++;
        }
        g->off[e + 1] = w;
    }
    g->narcs = w;
}

static int cmp_cand_best(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->w != y->w)
        return x->w > y->w ? -1 : 1;
    return x->r < y->r ? -1 : x->r > y->r;
}

static bool has_arc(const match_graph *g, size_t e, uint32_t r)
{
    size_t lo = g->off[e], hi = g->off[e + 1];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (g->head[mid] < r)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < g->off[e + 1] && g->head[lo] == r;
}

/* merges the threads' per-mentor heaps: the best km of the union, by score
 * then input order, whatever the split between threads */
static void add_mentor_tops(match_graph *g, scratch *sc, int threads, size_t km)
{
    cand *all = xcalloc((size_t)threads * km + 1, sizeof *all);
    match_ipair *p = xcalloc(g->nr * km + 1, sizeof *p);
    int64_t *w = xcalloc(g->nr * km + 1, sizeof *w);
    size_t n = 0;
    for (size_t r = 0; r < g->nr; r++) {
        size_t na = 0;
        for (int t = 0; t < threads; t++)
            for (uint32_t i = 0; i < sc[t].mn[r]; i++)
                all[na++] = sc[t].mh[r * km + i];
        qsort(all, na, sizeof *all, cmp_cand_best);
        for (size_t i = 0; i < na && i < km; i++)
            if (!has_arc(g, all[i].r, (uint32_t)r)) {
                p[n] = (match_ipair){all[i].r, (uint32_t)r};
                w[n++] = all[i].w;
            }
    }
    match_graph_add(g, p, w, n);
    free(all);
    free(p);
    free(w);
}

void match_graph_build(const match_model *m, int top_k, int mentor_top, bool no_prune, int threads,
                       match_graph *g, match_progress_fn progress, void *pctx)
{
    memset(g, 0, sizeof *g);
    size_t ne = m->ne, nr = m->nr;
    g->ne = ne;
    g->nr = nr;
    g->off = xcalloc(ne + 1, sizeof *g->off);
    g->allowed = xcalloc(ne ? ne : 1, sizeof *g->allowed);
    g->cut = xcalloc(ne ? ne : 1, sizeof *g->cut);
    for (size_t e = 0; e < ne; e++)
        g->cut[e] = -1;
    if (m->sparse) {
        size_t n = m->sc_off[ne];
        g->head = xcalloc(n ? n : 1, sizeof *g->head);
        g->w = xcalloc(n ? n : 1, sizeof *g->w);
        size_t w = 0;
        for (size_t e = 0; e < ne; e++) {
            for (size_t q = m->sc_off[e]; q < m->sc_off[e + 1]; q++) {
                uint32_t r = m->sc_m[q];
                double s;
                if (!match_model_pair(m, e, r, &s, NULL))
                    continue;
                g->head[w] = r;
                g->w[w] = match_iscore(s);
                w++;
            }
            g->off[e + 1] = w;
            g->allowed[e] = (int64_t)(g->off[e + 1] - g->off[e]);
        }
        g->narcs = w;
        return;
    }
    size_t k = no_prune || nr <= (size_t)top_k ? (nr ? nr : 1) : (size_t)top_k;
    size_t *cap_off = xcalloc(ne + 1, sizeof *cap_off);
    for (size_t e = 0; e < ne; e++) {
        size_t c = k + (m->ch_off[e + 1] - m->ch_off[e]);
        if (c > nr)
            c = nr;
        cap_off[e + 1] = cap_off[e] + c;
    }
    g->head = xcalloc(cap_off[ne] ? cap_off[ne] : 1, sizeof *g->head);
    g->w = xcalloc(cap_off[ne] ? cap_off[ne] : 1, sizeof *g->w);
    size_t *count = xcalloc(ne ? ne : 1, sizeof *count);
    threads = match_threads(threads);
    scratch *sc = xcalloc((size_t)threads, sizeof *sc);
    scratch_init(sc, threads, nr);
    size_t km = no_prune || nr <= (size_t)top_k ? 0
                : mentor_top < 0                ? MENTOR_TOP
                                                : (size_t)mentor_top;
    for (int t = 0; t < threads && km; t++) {
        sc[t].mh = xcalloc(nr * km, sizeof(cand));
        sc[t].mn = xcalloc(nr, sizeof(uint32_t));
        sc[t].mthr = xmalloc(nr * sizeof(double));
        for (size_t r = 0; r < nr; r++)
            sc[t].mthr[r] = -1.0;
    }
    build_ctx c = {m, k, km, cap_off, g->head, g->w, count, g->allowed, sc, g->cut};
    par_run(ne, threads, build_row, &c, "scoring", progress, pctx);
    compact(g, cap_off, count);
    if (km)
        add_mentor_tops(g, sc, threads, km);
    scratch_free(sc, threads);
    g->pruned = false;
    for (size_t e = 0; e < ne; e++)
        if ((int64_t)count[e] < g->allowed[e])
            g->pruned = true;
    free(cap_off);
    free(count);
}

void match_graph_add(match_graph *g, const match_ipair *p, const int64_t *w, size_t n)
{
    if (!n)
        return;
    size_t ne = g->ne;
    size_t *add = xcalloc(ne + 1, sizeof *add);
    for (size_t i = 0; i < n; i++)
        add[p[i].mentee]++;
    size_t total = g->narcs + n;
    size_t *off = xcalloc(ne + 1, sizeof *off);
    uint32_t *head = xcalloc(total, sizeof *head);
    int64_t *ww = xcalloc(total, sizeof *ww);
    for (size_t e = 0; e < ne; e++)
        off[e + 1] = off[e] + (g->off[e + 1] - g->off[e]) + add[e];
    size_t *pos = xcalloc(ne + 1, sizeof *pos);
    for (size_t e = 0; e < ne; e++) {
        pos[e] = off[e];
        for (size_t q = g->off[e]; q < g->off[e + 1]; q++) {
            head[pos[e]] = g->head[q];
            ww[pos[e]] = g->w[q];
            pos[e]++;
        }
    }
    for (size_t i = 0; i < n; i++) {
        size_t e = p[i].mentee;
        head[pos[e]] = p[i].mentor;
        ww[pos[e]] = w[i];
        pos[e]++;
    }
    for (size_t e = 0; e < ne; e++) {
        size_t lo = off[e], hi = off[e + 1];
        /* insertion sort by mentor: rows are short */
        for (size_t a = lo + 1; a < hi; a++) {
            uint32_t h = head[a];
            int64_t x = ww[a];
            size_t b = a;
            while (b > lo && head[b - 1] > h) {
                head[b] = head[b - 1];
                ww[b] = ww[b - 1];
                b--;
            }
            head[b] = h;
            ww[b] = x;
        }
    }
    free(pos);
    free(add);
    free(g->off);
    free(g->head);
    free(g->w);
    g->off = off;
    g->head = head;
    g->w = ww;
    g->narcs = total;
}

/* ---- re-scoring pruned pairs ---- */

typedef struct viol_ctx {
    const match_model *m;
    const match_model *pm; /* mentors sorted by dual slack, ascending */
    const uint32_t *perm;  /* pm's mentor i is m's mentor perm[i] */
    const int64_t *slack;  /* v - M, in pm's order */
    const match_graph *g;
    const match_check *c;
    scratch *sc;
    pthread_mutex_t lock;
    match_ipair *out;
    int64_t *outw;
    size_t n, cap;
    atomic_size_t nbreak;
} viol_ctx;

static void flush(viol_ctx *vc, const match_ipair *p, const int64_t *w, size_t n)
{
    pthread_mutex_lock(&vc->lock);
    if (vc->n + n > vc->cap) {
        vc->cap = (vc->n + n) * 2;
        vc->out = xrealloc(vc->out, vc->cap * sizeof *vc->out);
        vc->outw = xrealloc(vc->outw, vc->cap * sizeof *vc->outw);
    }
    memcpy(vc->out + vc->n, p, n * sizeof *p);
    memcpy(vc->outw + vc->n, w, n * sizeof *w);
    vc->n += n;
    pthread_mutex_unlock(&vc->lock);
}

/* A pruned pair (e, r) scores at most cut[e]. It breaks the dual only if
 * v_r - M < w - u_e <= cut[e] - u_e, so with the mentors sorted by v_r - M
 * only a prefix of them can: the row is scored over that prefix alone.
 * A min cut to check (fair) needs the whole row. */
static void viol_row(void *arg, int tid, size_t e)
{
    viol_ctx *vc = arg;
    const match_graph *g = vc->g;
    const match_check *c = vc->c;
    if (g->cut[e] < 0)
        return; /* every allowed pair is an arc */
    scratch *sc = &vc->sc[tid];
    bool in_cut[2];
    bool whole = false;
    for (int k = 0; k < 2; k++) {
        in_cut[k] = c->cut_e[k] && c->cut_e[k][e] && g->cut[e] >= c->cut_thr[k];
        whole |= in_cut[k];
    }
    const match_model *m = whole ? vc->m : vc->pm;
    size_t n = m->nr;
    if (!whole) {
        if (!c->u || g->cut[e] < c->dual_thr_min)
            return;
        int64_t need = g->cut[e] - c->u[e]; /* near ones past the prefix can wait */
        size_t lo = 0, hi = m->nr;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (vc->slack[mid] < need)
                lo = mid + 1;
            else
                hi = mid;
        }
        n = lo;
        if (!n)
            return;
    }
    uint32_t stamp = (uint32_t)e + 1;
    for (size_t q = g->off[e]; q < g->off[e + 1]; q++)
        sc->mark[g->head[q]] = stamp;
    match_model_row_n(m, e, n, sc->score, sc->ok);
    const double *s = sc->score;
    const uint8_t *ok = sc->ok;
    match_ipair local[64];
    int64_t localw[64];
    size_t nl = 0;
    for (size_t i = 0; i < n; i++) {
        size_t r = whole ? i : vc->perm[i];
        if (!ok[i] || sc->mark[r] == stamp)
            continue;
        int64_t w = match_iscore(s[i]);
        bool dual = c->u && w >= c->dual_thr_min;
        bool bad = dual && c->u[e] + c->v[r] < c->M + w;
        bool near = dual && c->u[e] + c->v[r] < c->M + w + c->margin;
        for (int k = 0; k < 2; k++)
            if (in_cut[k] && !c->cut_r[k][r] && w >= c->cut_thr[k])
                bad = true;
        if (!bad && !near)
            continue;
        if (bad)
            atomic_fetch_add(&vc->nbreak, 1);
        local[nl] = (match_ipair){(uint32_t)e, (uint32_t)r};
        localw[nl] = w;
        if (++nl == 64) {
            flush(vc, local, localw, nl);
            nl = 0;
        }
    }
    if (nl)
        flush(vc, local, localw, nl);
}

static int cmp_by_key(const void *a, const void *b, void *ctx)
{
    const int64_t *key = ctx;
    int64_t x = key[*(const uint32_t *)a], y = key[*(const uint32_t *)b];
    if (x != y)
        return x < y ? -1 : 1;
    return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

size_t match_graph_violations(const match_model *m, const match_graph *g, const match_check *c,
                              int threads, match_ipair **out, int64_t **outw, size_t *nbreak,
                              match_progress_fn progress, void *pctx)
{
    threads = match_threads(threads);
    size_t nr = m->nr;
    viol_ctx vc = {.m = m, .g = g, .c = c};
    atomic_init(&vc.nbreak, 0);
    pthread_mutex_init(&vc.lock, NULL);
    uint32_t *perm = xmalloc((nr ? nr : 1) * sizeof *perm);
    int64_t *key = xcalloc(nr ? nr : 1, sizeof *key);
    int64_t *slack = xcalloc(nr ? nr : 1, sizeof *slack);
    for (size_t r = 0; r < nr; r++) {
        perm[r] = (uint32_t)r;
        key[r] = c->u ? c->v[r] - c->M : 0;
    }
    qsort_r(perm, nr, sizeof *perm, cmp_by_key, key);
    for (size_t i = 0; i < nr; i++)
        slack[i] = key[perm[i]];
    match_model pm;
    match_model_permute(m, perm, &pm);
    vc.pm = &pm;
    vc.perm = perm;
    vc.slack = slack;
    vc.sc = xcalloc((size_t)threads, sizeof *vc.sc);
    scratch_init(vc.sc, threads, nr);
    par_run(m->ne, threads, viol_row, &vc, "proving", progress, pctx);
    scratch_free(vc.sc, threads);
    match_model_cleanup(&pm);
    free(perm);
    free(key);
    free(slack);
    pthread_mutex_destroy(&vc.lock);
    *out = vc.out;
    *outw = vc.outw;
    *nbreak = atomic_load(&vc.nbreak);
    return vc.n;
}

size_t match_model_allowed(const match_model *m, size_t e, uint32_t **mentors, int64_t **w)
{
    double *s = xmalloc((m->nr ? m->nr : 1) * sizeof *s);
    uint8_t *ok = xmalloc(m->nr ? m->nr : 1);
    double *tmp = xmalloc((m->nr ? 2 * m->nr : 1) * sizeof *tmp);
    match_model_row(m, e, s, ok);
    free(tmp);
    size_t n = 0;
    for (size_t r = 0; r < m->nr; r++)
        n += ok[r];
    *mentors = xmalloc((n ? n : 1) * sizeof **mentors);
    *w = xmalloc((n ? n : 1) * sizeof **w);
    n = 0;
    for (size_t r = 0; r < m->nr; r++)
        if (ok[r]) {
            (*mentors)[n] = (uint32_t)r;
            (*w)[n] = match_iscore(s[r]);
            n++;
        }
    free(s);
    free(ok);
    return n;
}
