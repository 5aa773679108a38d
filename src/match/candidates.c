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
    free(g->cut_r);
    match_index_free(g->ix);
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

/* a bounded heap of the best k: returns true when x went in */
static bool heap_offer(cand *h, size_t *nh, size_t k, cand x)
{
    if (*nh < k) {
        h[(*nh)++] = x;
        sift_up(h, *nh - 1);
        return true;
    }
    if (k && worse(h[0], x)) {
        h[0] = x;
        sift_down(h, k, 0);
        return true;
    }
    return false;
}

/* a score below this cannot enter a full heap whose worst is w */
static double enter_thr(int64_t w)
{
    return ((double)w - 0.5) / MATCH_SCALE - 1e-9;
}

static int cmp_cand_r(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    return x->r < y->r ? -1 : x->r > y->r;
}

typedef struct viol {
    int64_t by, w; /* how far the pair breaks the dual; its score */
    uint32_t e;
} viol;

typedef struct bq_item {
    double ub;
    uint32_t id; /* a block, or B_GROUP + a group */
} bq_item;
#define B_GROUP 0x80000000u

typedef struct scratch {
    double *ub, *ws;
    double *gub, *gws; /* the same for groups of blocks */
    bq_item *q;        /* groups and blocks by bound */
    size_t nq;
    double score[MATCH_BLOCK];
    uint8_t ok[MATCH_BLOCK];
    cand *heap;
    size_t heap_cap;
    viol *viol;
    size_t viol_cap;
} scratch;

/* the queue of groups and blocks by bound, best first (ties: lower id) */
static bool bq_before(bq_item a, bq_item b)
{
    return a.ub > b.ub || (a.ub == b.ub && a.id < b.id);
}

static void bq_push(scratch *sc, double ub, uint32_t id)
{
    bq_item *q = sc->q, x = {ub, id};
    size_t i = sc->nq++;
    while (i) {
        size_t p = (i - 1) / 2;
        if (!bq_before(x, q[p]))
            break;
        q[i] = q[p];
        i = p;
    }
    q[i] = x;
}

static bq_item bq_pop(scratch *sc)
{
    bq_item *q = sc->q, top = q[0], x = q[--sc->nq];
    size_t i = 0, n = sc->nq;
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= n)
            break;
        if (l + 1 < n && bq_before(q[l + 1], q[l]))
            l++;
        if (!bq_before(q[l], x))
            break;
        q[i] = q[l];
        i = l;
    }
    if (n)
        q[i] = x;
    return top;
}

/* Best bound first over groups of MATCH_GROUP blocks (G) and blocks (B)
 * of the other side against person x: a group is opened (its blocks
 * bounded and queued) only when it comes first, so a group whose bound
 * cannot enter a list is passed over without bounding its blocks. */
static void bq_start(scratch *sc, const match_model *rm, const match_bounds *G, size_t x)
{
    match_bounds_ub(rm, G, x, sc->gub, sc->gws);
    sc->nq = 0;
    for (size_t g = 0; g < G->nb; g++)
        if (sc->gub[g] >= 0.0)
            bq_push(sc, sc->gub[g], (uint32_t)(B_GROUP + g));
}

/* the next block to score (its bound in sc->ub), or false when the best
 * bound left is below thr (*cut set: something was left) or none is left */
static bool bq_next(scratch *sc, const match_model *rm, const match_bounds *B, size_t x, double thr,
                    size_t *block, bool *cut)
{
    while (sc->nq) {
        bq_item it = bq_pop(sc);
        if (it.ub < thr) {
            *cut = true;
            return false;
        }
        if (it.id < B_GROUP) {
            *block = it.id;
            return true;
        }
        size_t b0 = (it.id - B_GROUP) * MATCH_GROUP;
        size_t b1 = b0 + MATCH_GROUP < B->nb ? b0 + MATCH_GROUP : B->nb;
        match_bounds_ub_range(rm, B, x, b0, b1, sc->ub, sc->ws);
        for (size_t b = b0; b < b1; b++)
            if (sc->ub[b] >= 0.0)
                bq_push(sc, sc->ub[b], (uint32_t)b);
    }
    return false;
}

/* Offers the allowed members of a scored block (sc->score, sc->ok, nb of
 * them; perm: their people) to the heap of the best k, raising *thr as it
 * fills; returns how many are allowed. A mask of those that may enter at
 * the block's first threshold (it only rises) is built without a branch
 * per member, since most do not enter: the same offers in the same order
 * as a test per member, with a fifth of the branch mispredictions. */
_Static_assert(MATCH_BLOCK <= 64, "a block's members fit a 64-bit mask");
static int64_t offer_block(cand *h, size_t *nh, size_t k, const scratch *sc, size_t nb, double *thr,
                           const uint32_t *perm)
{
    int64_t n_ok = 0;
    uint64_t may = 0;
    const double t0 = *thr;
    for (size_t a = 0; a < nb; a++) {
        n_ok += sc->ok[a];
        may |= (uint64_t)(sc->ok[a] & (sc->score[a] >= t0)) << a;
    }
    while (may) {
        size_t a = (size_t)__builtin_ctzll(may);
        may &= may - 1;
        if (sc->score[a] < *thr)
            continue;
        if (heap_offer(h, nh, k, (cand){match_iscore(sc->score[a]), perm[a]}) && *nh == k)
            *thr = enter_thr(h[0].w);
    }
    return n_ok;
}

static cand *scratch_heap(scratch *sc, size_t k)
{
    if (k > sc->heap_cap) {
        sc->heap_cap = k * 2;
        sc->heap = xrealloc(sc->heap, sc->heap_cap * sizeof *sc->heap);
    }
    return sc->heap;
}

static scratch *scratch_new(int threads, size_t nb)
{
    scratch *sc = xcalloc((size_t)threads, sizeof *sc);
    size_t ng = (nb + MATCH_GROUP - 1) / MATCH_GROUP;
    for (int t = 0; t < threads; t++) {
        sc[t].ub = xmalloc((nb + 1) * sizeof(double));
        sc[t].ws = xmalloc((2 * nb + 2) * sizeof(double));
        sc[t].gub = xmalloc((ng + 1) * sizeof(double));
        sc[t].gws = xmalloc((2 * ng + 2) * sizeof(double));
        sc[t].q = xmalloc((ng + nb + 1) * sizeof *sc[t].q);
    }
    return sc;
}

static void scratch_free(scratch *sc, int threads)
{
    for (int t = 0; t < threads; t++) {
        free(sc[t].ub);
        free(sc[t].ws);
        free(sc[t].gub);
        free(sc[t].gws);
        free(sc[t].q);
        free(sc[t].heap);
        free(sc[t].viol);
    }
    free(sc);
}

void match_index_free(match_index *ix)
{
    if (!ix)
        return;
    match_model_cleanup(&ix->rm);
    match_bounds_free(&ix->be);
    match_bounds_free(&ix->br);
    match_bounds_free(&ix->ge);
    match_bounds_free(&ix->gr);
    free(ix->perm_e);
    free(ix->perm_r);
    free(ix->pos_e);
    free(ix->pos_r);
    free(ix);
}

static match_index *index_new(const match_model *m)
{
    match_index *ix = xcalloc(1, sizeof *ix);
    size_t ne = m->ne, nr = m->nr;
    ix->perm_e = xmalloc((ne + 1) * sizeof *ix->perm_e);
    ix->perm_r = xmalloc((nr + 1) * sizeof *ix->perm_r);
    ix->pos_e = xmalloc((ne + 1) * sizeof *ix->pos_e);
    ix->pos_r = xmalloc((nr + 1) * sizeof *ix->pos_r);
    match_bounds_order(m, 0, ix->perm_e);
    match_bounds_order(m, 1, ix->perm_r);
    for (size_t i = 0; i < ne; i++)
        ix->pos_e[ix->perm_e[i]] = (uint32_t)i;
    for (size_t i = 0; i < nr; i++)
        ix->pos_r[ix->perm_r[i]] = (uint32_t)i;
    match_model_reorder(m, ix->perm_e, ix->perm_r, &ix->rm);
    ix->rm.kernel = m->kernel;
    match_bounds_build(&ix->rm, 0, &ix->be);
    match_bounds_build(&ix->rm, 1, &ix->br);
    match_bounds_build_n(&ix->rm, 0, (size_t)MATCH_BLOCK * MATCH_GROUP, &ix->ge);
    match_bounds_build_n(&ix->rm, 1, (size_t)MATCH_BLOCK * MATCH_GROUP, &ix->gr);
    return ix;
}

typedef struct build_ctx {
    const match_index *ix;
    const int64_t *wants, *caps;
    size_t k;        /* per mentee */
    bool count_only; /* the mentee rows only need MATCH_HARD_K and wants + 1
                        allowed mentors (the mentors' lists carry the proof) */
    int mentor_top;  /* < 0: capacity + MENTOR_EXTRA; 0: none; > 0: that many */
    size_t *cap_off; /* slot ranges per mentee (original order) */
    uint32_t *head;
    int64_t *w;
    size_t *count;
    int64_t *allowed, *cut;
    size_t *mcap_off; /* slot ranges per mentor */
    uint32_t *mhead;  /* mentees in each mentor's list */
    int64_t *mw;
    size_t *mcount;
    int64_t *cut_r;
    scratch *sc;
    atomic_size_t scored, blocks;
} build_ctx;

/* A mentor's list: MENTOR_PER_SLOT mentees per unit of capacity and
 * MENTOR_EXTRA more. Measured at L (bench/README.md): capacity + 8 left
 * the proof 188k pairs to add back over 3 rounds, 6 per slot + 24 43k,
 * 8 per slot + 32 5.5k in 2 rounds (and the M instances in 1). */
#define MENTOR_PER_SLOT 8
#define MENTOR_EXTRA 32
static size_t mentor_k(int mentor_top, int64_t cap)
{
    if (mentor_top > 0)
        return (size_t)mentor_top;
    return (size_t)(cap * MENTOR_PER_SLOT) + MENTOR_EXTRA;
}

static size_t mentee_k(const build_ctx *c, size_t e)
{
    size_t k = c->k;
    int64_t need = c->wants ? c->wants[e] + 1 : 0;
    if (need < MATCH_HARD_K)
        need = MATCH_HARD_K;
    return k < (size_t)need ? (size_t)need : k;
}

/* mentee at position i: its best k mentors, by score then input order. The
 * chosen mentors are scored first, then the mentor blocks best bound first,
 * until the next bound cannot enter the full heap. */
static void build_row(void *arg, int tid, size_t i)
{
    build_ctx *c = arg;
    const match_index *ix = c->ix;
    const match_model *rm = &ix->rm;
    scratch *sc = &c->sc[tid];
    size_t e = ix->perm_e[i], k = mentee_k(c, e), nh = 0;
    cand *h = scratch_heap(sc, k);
    int64_t allowed = 0;
    size_t base = c->cap_off[e], n = 0;
    size_t ch0 = rm->ch_off[i], ch1 = rm->ch_off[i + 1];
    for (size_t q = ch0; q < ch1; q++) {
        double s;
        uint32_t j = rm->ch_m[q];
        if (!match_model_pair(rm, i, j, &s, NULL))
            continue;
        allowed++;
        cand x = {match_iscore(s), ix->perm_r[j]};
        c->head[base + n] = x.r;
        c->w[base + n] = x.w;
        n++;
        heap_offer(h, &nh, k, x);
    }
    bool skipped = false;
    size_t scored = 0;
    double thr = nh == k ? enter_thr(h[0].w) : -1.0;
    /* counting: the blocks in order until the row is full; else the best
     * bound first, groups of mentor blocks before their blocks (bq_start) */
    if (!c->count_only)
        bq_start(sc, rm, &ix->gr, i);
    for (size_t t = 0;; t++) {
        size_t b;
        if (c->count_only) {
            if (t >= ix->br.nb)
                break;
            if (nh == k) {
                skipped = true;
                break;
            }
            b = t;
            if (!match_bounds_may(rm, &ix->br, i, b))
                continue;
        } else if (!bq_next(sc, rm, &ix->br, i, thr, &b, &skipped)) {
            break;
        }
        size_t r0 = b * MATCH_BLOCK, nb = rm->nr - r0 < MATCH_BLOCK ? rm->nr - r0 : MATCH_BLOCK;
        match_model_block(rm, i, r0, nb, sc->score, sc->ok);
        scored += nb;
        for (size_t q = ch0; q < ch1; q++) /* counted above */
            if (rm->ch_m[q] >= r0 && rm->ch_m[q] < r0 + nb)
                sc->ok[rm->ch_m[q] - r0] = 0;
        allowed += offer_block(h, &nh, k, sc, nb, &thr, ix->perm_r + r0);
    }
    atomic_fetch_add(&c->scored, scored);
    c->allowed[e] = allowed;
    c->cut[e] = nh == k && (skipped || allowed > (int64_t)k) ? h[0].w : -1;
    if (c->count_only && skipped)
        c->cut[e] = MATCH_SCALE; /* the blocks left unscored may hold anything */
    /* the heap joins the chosen mentors already in the row */
    for (size_t a = 0; a < nh; a++) {
        bool have = false;
        for (size_t q = 0; q < n && !have; q++)
            have = c->head[base + q] == h[a].r;
        if (!have) {
            c->head[base + n] = h[a].r;
            c->w[base + n] = h[a].w;
            n++;
        }
    }
    c->count[e] = n;
}

/* mentor at position j: its best mentees (not counting those that chose it,
 * which their own rows keep) */
static void build_col(void *arg, int tid, size_t j)
{
    build_ctx *c = arg;
    const match_index *ix = c->ix;
    const match_model *rm = &ix->rm;
    scratch *sc = &c->sc[tid];
    size_t r = ix->perm_r[j];
    size_t K = mentor_k(c->mentor_top, c->caps ? c->caps[r] : 0);
    size_t nh = 0;
    cand *h = scratch_heap(sc, K);
    bool skipped = false;
    int64_t seen = 0;
    size_t scored = 0;
    double thr = -1.0;
    /* groups first (bq_start): at L most of the 1,563 mentee blocks sit in
     * groups far below a mentor's list; the blocks are scored in the order
     * of their bounds across groups, so the list fills with the best first */
    size_t b;
    bq_start(sc, rm, &ix->ge, j);
    while (bq_next(sc, rm, &ix->be, j, thr, &b, &skipped)) {
        size_t e0 = b * MATCH_BLOCK, nb = rm->ne - e0 < MATCH_BLOCK ? rm->ne - e0 : MATCH_BLOCK;
        match_model_col(rm, j, e0, nb, sc->score, sc->ok);
        scored += nb;
        seen += offer_block(h, &nh, K, sc, nb, &thr, ix->perm_e + e0);
    }
    atomic_fetch_add(&c->scored, scored);
    c->cut_r[r] = nh == K && (skipped || seen > (int64_t)K) ? h[0].w : -1;
    size_t base = c->mcap_off[r];
    for (size_t a = 0; a < nh; a++) {
        c->mhead[base + a] = h[a].r;
        c->mw[base + a] = h[a].w;
    }
    c->mcount[r] = nh;
}

/* the graph in CSR by mentee from the mentee rows and the mentor lists,
 * each row sorted by mentor without repeats */
static void assemble(match_graph *g, const build_ctx *c)
{
    size_t ne = g->ne, nr = g->nr;
    size_t *deg = xcalloc(ne + 1, sizeof *deg);
    for (size_t e = 0; e < ne; e++)
        deg[e] = c->count[e];
    for (size_t r = 0; c->mcount && r < nr; r++)
        for (size_t a = 0; a < c->mcount[r]; a++)
            deg[c->mhead[c->mcap_off[r] + a]]++;
    size_t total = 0;
    for (size_t e = 0; e < ne; e++) {
        g->off[e] = total;
        total += deg[e];
    }
    g->off[ne] = total;
    cand *row = xcalloc(total + 1, sizeof *row);
    size_t *pos = xcalloc(ne + 1, sizeof *pos);
    for (size_t e = 0; e < ne; e++) {
        pos[e] = g->off[e];
        for (size_t a = 0; a < c->count[e]; a++)
            row[pos[e]++] = (cand){c->w[c->cap_off[e] + a], c->head[c->cap_off[e] + a]};
    }
    for (size_t r = 0; c->mcount && r < nr; r++)
        for (size_t a = 0; a < c->mcount[r]; a++) {
            uint32_t e = c->mhead[c->mcap_off[r] + a];
            row[pos[e]++] = (cand){c->mw[c->mcap_off[r] + a], (uint32_t)r};
        }
    g->head = xcalloc(total + 1, sizeof *g->head);
    g->w = xcalloc(total + 1, sizeof *g->w);
    size_t wr = 0;
    for (size_t e = 0; e < ne; e++) {
        size_t lo = g->off[e], hi = g->off[e + 1];
        qsort(row + lo, hi - lo, sizeof *row, cmp_cand_r);
        g->off[e] = wr;
        for (size_t a = lo; a < hi; a++)
            if (a == lo || row[a].r != row[a - 1].r) {
                g->head[wr] = row[a].r;
                g->w[wr] = row[a].w;
                wr++;
            }
    }
    g->off[ne] = wr;
    g->narcs = wr;
    free(row);
    free(pos);
    free(deg);
}

void match_graph_build(const match_model *m, int top_k, int mentor_top, bool no_prune,
                       const int64_t *wants, const int64_t *caps, int threads, match_graph *g,
                       match_progress_fn progress, void *pctx)
{
    memset(g, 0, sizeof *g);
    size_t ne = m->ne, nr = m->nr;
    g->ne = ne;
    g->nr = nr;
    g->off = xcalloc(ne + 1, sizeof *g->off);
    g->allowed = xcalloc(ne ? ne : 1, sizeof *g->allowed);
    g->cut = xcalloc(ne ? ne : 1, sizeof *g->cut);
    g->cut_r = xcalloc(nr ? nr : 1, sizeof *g->cut_r);
    for (size_t e = 0; e < ne; e++)
        g->cut[e] = -1;
    for (size_t r = 0; r < nr; r++)
        g->cut_r[r] = -1;
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
    bool all = no_prune || (top_k > 0 && nr <= (size_t)top_k);
    threads = match_threads(threads);
    build_ctx c = {.wants = wants, .caps = caps, .mentor_top = all ? 0 : mentor_top};
    /* Mentors' lists decide the optimum and its proof when mentors are the
     * scarce side: then, unless a top_k is asked for, a mentee row stops
     * once it has found enough allowed mentors to count */
    int64_t sw = 0, scap = 0;
    for (size_t e = 0; wants && e < ne; e++)
        sw += wants[e];
    for (size_t r = 0; caps && r < nr; r++)
        scap += caps[r];
    bool asked = top_k > 0;
    if (top_k <= 0)
        top_k = MATCH_TOP_K;
    all = all || nr <= (size_t)top_k;
    c.mentor_top = all ? 0 : mentor_top;
    /* rows only count when mentors fill under half of the mentees' slots;
     * in a crowded program the optimum reaches deep into the mentees'
     * lists, and their bounds (cut) keep the proof short */
    c.count_only = !all && !asked && c.mentor_top != 0 && wants && caps && 2 * scap <= sw;
    c.k = all ? (nr ? nr : 1) : c.count_only ? 0 : (size_t)top_k;
    g->ix = index_new(m);
    c.ix = g->ix;
    atomic_init(&c.scored, 0);
    c.cap_off = xcalloc(ne + 1, sizeof *c.cap_off);
    for (size_t e = 0; e < ne; e++) {
        size_t k = mentee_k(&c, e) + (m->ch_off[e + 1] - m->ch_off[e]);
        c.cap_off[e + 1] = c.cap_off[e] + (k < nr ? k : nr);
    }
    c.head = xcalloc(c.cap_off[ne] + 1, sizeof *c.head);
    c.w = xcalloc(c.cap_off[ne] + 1, sizeof *c.w);
    c.count = xcalloc(ne + 1, sizeof *c.count);
    c.allowed = g->allowed;
    c.cut = g->cut;
    c.cut_r = g->cut_r;
    size_t nbmax = g->ix->be.nb > g->ix->br.nb ? g->ix->be.nb : g->ix->br.nb;
    c.sc = scratch_new(threads, nbmax);
    par_run(ne, threads, build_row, &c, "scoring", progress, pctx);

    if (c.mentor_top) {
        c.mcap_off = xcalloc(nr + 1, sizeof *c.mcap_off);
        for (size_t r = 0; r < nr; r++)
            c.mcap_off[r + 1] = c.mcap_off[r] + mentor_k(c.mentor_top, caps ? caps[r] : 0);
        c.mhead = xcalloc(c.mcap_off[nr] + 1, sizeof *c.mhead);
        c.mw = xcalloc(c.mcap_off[nr] + 1, sizeof *c.mw);
        c.mcount = xcalloc(nr + 1, sizeof *c.mcount);
        par_run(nr, threads, build_col, &c, "scoring", progress, pctx);
    }
    assemble(g, &c);
    g->scored = (int64_t)atomic_load(&c.scored);
    scratch_free(c.sc, threads);
    g->pruned = false;
    for (size_t e = 0; e < ne; e++)
        if (g->cut[e] >= 0)
            g->pruned = true;
    free(c.cap_off);
    free(c.head);
    free(c.w);
    free(c.count);
    free(c.mcap_off);
    free(c.mhead);
    free(c.mw);
    free(c.mcount);
}

bool match_graph_has(const match_graph *g, size_t e, uint32_t r)
{
    return match_graph_find(g, e, r) >= 0;
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
    const match_graph *g;
    const match_index *ix;
    const match_check *c;
    /* per mentee block: least u, largest cut, any mentee inside cut k */
    int64_t *minu, *maxcut;
    int64_t *cut_pos; /* cut[] by position */
    int64_t *u_pos;   /* u[] by position, when the duals are all there is to check */
    uint8_t *reach[2];
    int64_t umin;
    scratch *sc;
    pthread_mutex_t lock;
    match_ipair *out;
    int64_t *outw;
    size_t n, cap;
    atomic_size_t nbreak;
    atomic_size_t scored;
    /* two passes: the first scores only the blocks where a pair could break
     * the dual (margin 0), the second, run only when some pair does, the
     * blocks that can only hold near pairs; each mentor's heap of the worst
     * pairs is kept between them (Q of them per mentor, at soff[r]) */
    int pass;
    viol *saved;
    size_t *soff;
    uint32_t *snh;
    uint64_t *near; /* per mentor, nbw words: the blocks left for pass 2 */
    size_t nbw;
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

#define NEVER INT64_MAX

/* a bounded heap of the pairs that break the dual by the most */
static bool viol_worse(viol a, viol b)
{
    return a.by < b.by || (a.by == b.by && a.e > b.e);
}

static void viol_offer(viol *h, size_t *nh, size_t k, viol x)
{
    size_t i;
    if (*nh < k) {
        i = (*nh)++;
        while (i && viol_worse(x, h[(i - 1) / 2])) {
            h[i] = h[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        h[i] = x;
        return;
    }
    if (!viol_worse(h[0], x))
        return;
    i = 0;
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= k)
            break;
        if (l + 1 < k && viol_worse(h[l + 1], h[l]))
            l++;
        if (!viol_worse(h[l], x))
            break;
        h[i] = h[l];
        i = l;
    }
    h[i] = x;
}

/* the least score a pruned pair of mentor r with a mentee of block b (or,
 * with b < 0, of any block) needs to matter: to come within margin of
 * breaking the dual, or to cross a min cut */
static int64_t need_of(const viol_ctx *vc, size_t r, long b, int64_t margin)
{
    const match_check *c = vc->c;
    int64_t need = NEVER;
    if (c->u) {
        int64_t u = b < 0 ? vc->umin : vc->minu[b];
        int64_t d = c->v[r] - c->M + u - margin + 1;
        need = d > c->dual_thr_min ? d : c->dual_thr_min;
    }
    for (int k = 0; k < 2; k++)
        if (c->cut_e[k] && !c->cut_r[k][r] && (b < 0 || vc->reach[k][b]) && c->cut_thr[k] < need)
            need = c->cut_thr[k];
    return need;
}

/* the same for the mentee at position i alone */
static int64_t need_of_e(const viol_ctx *vc, size_t r, size_t i, int64_t margin)
{
    const match_check *c = vc->c;
    size_t e = vc->ix->perm_e[i];
    int64_t need = NEVER;
    if (c->u) {
        int64_t d = c->v[r] - c->M + c->u[e] - margin + 1;
        need = d > c->dual_thr_min ? d : c->dual_thr_min;
    }
    for (int k = 0; k < 2; k++)
        if (c->cut_e[k] && c->cut_e[k][e] && !c->cut_r[k][r] && c->cut_thr[k] < need)
            need = c->cut_thr[k];
    return need;
}

/* whether mentee block b may hold a pruned pair of mentor r (bounds ub)
 * that breaks the certificate (bit 1) or comes within margin of breaking
 * its dual (bit 2): the block's bound and its largest cut reach the
 * block's need, and some member's own cut does. Each test is monotone in
 * the margin, so bit 1 implies bit 2. */
static int viol_block(const viol_ctx *vc, size_t r, size_t b, const double *ub, int64_t margin)
{
    const match_check *c = vc->c;
    const match_model *rm = &vc->ix->rm;
    int64_t need = need_of(vc, r, (long)b, margin);
    if (need == NEVER || vc->maxcut[b] < need || ub[b] < enter_thr(need))
        return 0;
    int64_t need0 = need_of(vc, r, (long)b, 0);
    bool blk0 = need0 != NEVER && vc->maxcut[b] >= need0 && ub[b] >= enter_thr(need0);
    size_t e0 = b * MATCH_BLOCK, nb = rm->ne - e0 < MATCH_BLOCK ? rm->ne - e0 : MATCH_BLOCK;
    /* the members one by one: a pruned pair of e scores at most cut[e] */
    size_t any = 0, any0 = 0;
    if (vc->u_pos) { /* need_of_e without cuts, over arrays in position order */
        const int64_t base = c->v[r] - c->M + 1, lo = c->dual_thr_min;
        const double ubb = ub[b];
        const int64_t *up = vc->u_pos + e0, *cp = vc->cut_pos + e0;
        for (size_t a = 0; a < nb; a++) {
            int64_t d = base + up[a], dm = d - margin;
            int64_t n0 = d > lo ? d : lo, nm = dm > lo ? dm : lo;
            any += cp[a] >= nm && ubb >= enter_thr(nm);
            any0 += cp[a] >= n0 && ubb >= enter_thr(n0);
        }
    } else {
        for (size_t a = 0; a < nb; a++) {
            size_t i = e0 + a;
            int64_t nm = need_of_e(vc, r, i, margin), n0 = need_of_e(vc, r, i, 0);
            any += vc->cut_pos[i] >= nm && ub[b] >= enter_thr(nm);
            any0 += vc->cut_pos[i] >= n0 && ub[b] >= enter_thr(n0);
        }
    }
    return (any ? 2 : 0) | (blk0 && any0 ? 1 : 0);
}

/* A pruned pair (e, r) scores at most min(cut[e], cut_r[r]); it can break
 * the certificate only if that reaches need_of(). A mentor whose own list
 * bound is below its need (most of them: its list holds mentees it turned
 * down) is done at once; for the others only the mentee blocks whose bound
 * reaches the block's need are scored: in the first pass those where a pair
 * could break the certificate, in the second (run only when one does) those
 * that can only hold near pairs. */
static void viol_col(void *arg, int tid, size_t r)
{
    viol_ctx *vc = arg;
    const match_graph *g = vc->g;
    const match_check *c = vc->c;
    const match_index *ix = vc->ix;
    if (g->cut_r[r] < 0)
        return; /* every allowed pair of r is an arc */
    /* a mentor none of whose pruned pairs can break the dual is done; the
     * near ones are collected only from mentors that are not */
    int64_t need0 = need_of(vc, r, -1, 0);
    if (g->cut_r[r] < need0)
        return;
    scratch *sc = &vc->sc[tid];
    size_t j = ix->pos_r[r];
    const match_model *rm = &ix->rm;
    uint64_t *later = vc->near + r * vc->nbw;
    if (vc->pass == 1)
        match_bounds_ub(rm, &ix->be, j, sc->ub, sc->ws);
    /* only the mentor's Q worst pairs join the graph (the next round finds
     * the others if they still matter): in a crowded program thousands of
     * pruned pairs of a mentor may come near its price at first */
    size_t Q = c->caps ? (size_t)(2 * c->caps[r] + 8) : SIZE_MAX, nh = 0;
    viol *h = sc->viol;
    if (Q != SIZE_MAX && Q > sc->viol_cap) {
        sc->viol_cap = Q * 2;
        sc->viol = h = xrealloc(sc->viol, sc->viol_cap * sizeof *h);
    }
    if (vc->pass == 2 && Q != SIZE_MAX) { /* the first pass's heap */
        nh = vc->snh[r];
        memcpy(h, vc->saved + vc->soff[r], nh * sizeof *h);
    }
    match_ipair local[64];
    int64_t localw[64];
    size_t nl = 0, scored = 0;
    const int64_t margin = c->margin;
    for (size_t b = 0; b < ix->be.nb; b++) {
        /* pass 1: the blocks where a pair could break the certificate,
         * noting those that can only hold near pairs; pass 2: those */
        if (vc->pass == 1) {
            int k = viol_block(vc, r, b, sc->ub, margin);
            if (k == 2)
                later[b / 64] |= 1ull << (b % 64);
            if (!(k & 1))
                continue;
        } else if (!(later[b / 64] >> (b % 64) & 1)) {
            continue;
        }
        size_t e0 = b * MATCH_BLOCK, nb = rm->ne - e0 < MATCH_BLOCK ? rm->ne - e0 : MATCH_BLOCK;
        match_model_col(rm, j, e0, nb, sc->score, sc->ok);
        scored += nb;
        for (size_t a = 0; a < nb; a++) {
            if (!sc->ok[a])
                continue;
            size_t e = ix->perm_e[e0 + a];
            if (g->cut[e] < 0)
                continue;
            int64_t w = match_iscore(sc->score[a]);
            bool dual = c->u && w >= c->dual_thr_min;
            bool bad = dual && c->u[e] + c->v[r] < c->M + w;
            bool near = dual && c->u[e] + c->v[r] < c->M + w + margin;
            for (int k = 0; k < 2; k++)
                if (c->cut_e[k] && c->cut_e[k][e] && !c->cut_r[k][r] && w >= c->cut_thr[k])
                    bad = true;
            if ((!bad && !near) || match_graph_has(g, e, (uint32_t)r))
                continue;
            if (bad)
                atomic_fetch_add(&vc->nbreak, 1);
            if (Q != SIZE_MAX) {
                int64_t by = c->u ? c->M + w - c->u[e] - c->v[r] : 0;
                by = bad && by <= 0 ? INT64_MAX / 4 : by; /* a cut crossing */
                viol_offer(h, &nh, Q, (viol){by, w, (uint32_t)e});
                continue;
            }
            local[nl] = (match_ipair){(uint32_t)e, (uint32_t)r};
            localw[nl] = w;
            if (++nl == 64) {
                flush(vc, local, localw, nl);
                nl = 0;
            }
        }
    }
    if (vc->pass == 1 && Q != SIZE_MAX) { /* kept for the second pass */
        vc->snh[r] = (uint32_t)nh;
        memcpy(vc->saved + vc->soff[r], h, nh * sizeof *h);
        nh = 0;
    }
    for (size_t i = 0; i < nh; i++) {
        local[nl] = (match_ipair){h[i].e, (uint32_t)r};
        localw[nl] = h[i].w;
        if (++nl == 64) {
            flush(vc, local, localw, nl);
            nl = 0;
        }
    }
    if (nl)
        flush(vc, local, localw, nl);
    atomic_fetch_add(&vc->scored, scored);
}

size_t match_graph_violations(const match_model *m, const match_graph *g, const match_check *c,
                              int threads, match_ipair **out, int64_t **outw, size_t *nbreak,
                              size_t *scored, match_progress_fn progress, void *pctx)
{
    (void)m;
    *out = NULL;
    *outw = NULL;
    *nbreak = 0;
    *scored = 0;
    if (!g->ix)
        return 0;
    threads = match_threads(threads);
    const match_index *ix = g->ix;
    size_t nb = ix->be.nb;
    viol_ctx vc = {.g = g, .ix = ix, .c = c};
    atomic_init(&vc.nbreak, 0);
    atomic_init(&vc.scored, 0);
    pthread_mutex_init(&vc.lock, NULL);
    vc.minu = xmalloc((nb + 1) * sizeof *vc.minu);
    vc.maxcut = xmalloc((nb + 1) * sizeof *vc.maxcut);
    vc.reach[0] = xcalloc(nb + 1, 1);
    vc.reach[1] = xcalloc(nb + 1, 1);
    vc.umin = NEVER;
    vc.cut_pos = xmalloc((g->ne + 1) * sizeof *vc.cut_pos);
    for (size_t i = 0; i < g->ne; i++)
        vc.cut_pos[i] = g->cut[ix->perm_e[i]];
    if (c->u && !c->cut_e[0] && !c->cut_e[1]) {
        vc.u_pos = xmalloc((g->ne + 1) * sizeof *vc.u_pos);
        for (size_t i = 0; i < g->ne; i++)
            vc.u_pos[i] = c->u[ix->perm_e[i]];
    }
    for (size_t b = 0; b < nb; b++) {
        vc.minu[b] = NEVER;
        vc.maxcut[b] = -1;
        for (size_t i = b * MATCH_BLOCK; i < g->ne && i < (b + 1) * MATCH_BLOCK; i++) {
            size_t e = ix->perm_e[i];
            if (c->u && c->u[e] < vc.minu[b])
                vc.minu[b] = c->u[e];
            if (g->cut[e] > vc.maxcut[b])
                vc.maxcut[b] = g->cut[e];
            for (int k = 0; k < 2; k++)
                if (c->cut_e[k] && c->cut_e[k][e] && g->cut[e] >= c->cut_thr[k])
                    vc.reach[k][b] = 1;
        }
        if (vc.minu[b] < vc.umin)
            vc.umin = vc.minu[b];
    }
    if (vc.umin == NEVER)
        vc.umin = 0;
    for (size_t b = 0; b < nb; b++)
        if (vc.minu[b] == NEVER)
            vc.minu[b] = 0;
    vc.sc = scratch_new(threads, nb);
    if (c->caps) {
        vc.soff = xcalloc(g->nr + 1, sizeof *vc.soff);
        for (size_t r = 0; r < g->nr; r++)
            vc.soff[r + 1] = vc.soff[r] + (size_t)(2 * c->caps[r] + 8);
        vc.saved = xmalloc((vc.soff[g->nr] + 1) * sizeof *vc.saved);
        vc.snh = xcalloc(g->nr + 1, sizeof *vc.snh);
    }
    vc.nbw = (nb + 63) / 64;
    vc.near = xcalloc(g->nr * vc.nbw + 1, sizeof *vc.near);
    /* a proof that holds needs only the first pass */
    vc.pass = 1;
    par_run(g->nr, threads, viol_col, &vc, "proving", progress, pctx);
    if (atomic_load(&vc.nbreak)) {
        vc.pass = 2;
        par_run(g->nr, threads, viol_col, &vc, "proving", progress, pctx);
    }
    scratch_free(vc.sc, threads);
    free(vc.soff);
    free(vc.saved);
    free(vc.snh);
    free(vc.near);
    *scored = atomic_load(&vc.scored);
    free(vc.minu);
    free(vc.maxcut);
    free(vc.cut_pos);
    free(vc.u_pos);
    free(vc.reach[0]);
    free(vc.reach[1]);
    pthread_mutex_destroy(&vc.lock);
    *out = vc.out;
    *outw = vc.outw;
    *nbreak = atomic_load(&vc.nbreak);
    return vc.n;
}

size_t match_graph_rest(const match_model *m, const match_graph *g, size_t e, const int64_t *lim,
                        const int64_t *blim, uint32_t **mentors, int64_t **w)
{
    const match_index *ix = g->ix;
    if (!ix) { /* every allowed pair is an arc already, or the graph is small */
        uint32_t *ms;
        int64_t *ws;
        size_t n = match_model_allowed(m, e, &ms, &ws), k = 0;
        for (size_t i = 0; i < n; i++)
            if (ws[i] >= lim[ms[i]] && !match_graph_has(g, e, ms[i])) {
                ms[k] = ms[i];
                ws[k++] = ws[i];
            }
        *mentors = ms;
        *w = ws;
        return k;
    }
    const match_model *rm = &ix->rm;
    size_t nb = ix->br.nb, i = ix->pos_e[e], n = 0, cap = 64;
    double *ub = xmalloc((nb + 1) * sizeof *ub), *ws = xmalloc((2 * nb + 2) * sizeof *ws);
    double score[MATCH_BLOCK];
    uint8_t ok[MATCH_BLOCK];
    uint32_t *ms = xmalloc(cap * sizeof *ms);
    int64_t *wv = xmalloc(cap * sizeof *wv);
    match_bounds_ub(rm, &ix->br, i, ub, ws);
    for (size_t b = 0; b < nb; b++) {
        if (ub[b] < 0.0 || ub[b] < enter_thr(blim[b]))
            continue;
        size_t r0 = b * MATCH_BLOCK, k = rm->nr - r0 < MATCH_BLOCK ? rm->nr - r0 : MATCH_BLOCK;
        match_model_block(rm, i, r0, k, score, ok);
        for (size_t a = 0; a < k; a++) {
            uint32_t r = ix->perm_r[r0 + a];
            int64_t x = match_iscore(score[a]);
            if (!ok[a] || x < lim[r] || match_graph_has(g, e, r))
                continue;
            if (n == cap) {
                cap *= 2;
                ms = xrealloc(ms, cap * sizeof *ms);
                wv = xrealloc(wv, cap * sizeof *wv);
            }
            ms[n] = r;
            wv[n++] = x;
        }
    }
    free(ub);
    free(ws);
    *mentors = ms;
    *w = wv;
    return n;
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
