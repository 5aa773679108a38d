/* flow.c - exact b-matching by successive shortest paths.
 *
 * The network: the side with fewer slots to fill ships each of its units
 * (a mentee's wants or a mentor's capacity) either along a pair (one unit
 * per pair, cost SCALE - w) to the other side, within its capacity, or to
 * its own "empty slot" at cost MB = M + SCALE. M exceeds any total score,
 * so a cheapest shipment of every unit is the most matched slots and,
 * among those, the highest total integer score.
 *
 * Units are routed one at a time along shortest paths (Dijkstra on
 * reduced costs with potentials, stopped as soon as the sink is settled;
 * only settled nodes change potential), which keeps the flow optimal for
 * the units shipped so far. The potentials then become LP duals (u per
 * mentee, v per mentor) of max sum (M + w) x, which are checked against
 * every arc and against the primal value exactly (match_flow.cert), so a
 * bug can never turn into a false claim of optimality.
 */
#include "match/engine.h"

#include "base/mem.h"

#include <stdlib.h>
#include <string.h>

#define INF INT64_MAX

static bool cs_solve(const match_graph *g, const int64_t *wants, const int64_t *caps, int64_t thr,
                     const match_warm *warm, int solver, match_flow *f);

/* matched arcs per mentor */
typedef struct mlist {
    size_t *off;
    uint32_t *arcs;
    int64_t *n;
} mlist;

static void mlist_init(mlist *ml, const match_graph *g, const int64_t *caps, int64_t thr)
{
    size_t nr = g->nr;
    int64_t *deg = xcalloc(nr ? nr : 1, sizeof *deg);
    for (size_t a = 0; a < g->narcs; a++)
        if (g->w[a] >= thr)
            deg[g->head[a]]++;
    ml->off = xcalloc(nr + 1, sizeof *ml->off);
    for (size_t r = 0; r < nr; r++)
        ml->off[r + 1] = ml->off[r] + (size_t)(deg[r] < caps[r] ? deg[r] : caps[r]);
    ml->arcs = xcalloc(ml->off[nr] ? ml->off[nr] : 1, sizeof *ml->arcs);
    ml->n = xcalloc(nr ? nr : 1, sizeof *ml->n);
    free(deg);
}

static void mlist_free(mlist *ml)
{
    free(ml->off);
    free(ml->arcs);
    free(ml->n);
}

static void mlist_add(mlist *ml, uint32_t r, uint32_t a)
{
    ml->arcs[ml->off[r] + (size_t)ml->n[r]++] = a;
}

static void mlist_del(mlist *ml, uint32_t r, uint32_t a)
{
    uint32_t *L = ml->arcs + ml->off[r];
    for (int64_t i = 0; i < ml->n[r]; i++)
        if (L[i] == a) {
            L[i] = L[--ml->n[r]];
            return;
        }
}

static uint32_t *tails(const match_graph *g)
{
    uint32_t *t = xcalloc(g->narcs ? g->narcs : 1, sizeof *t);
    for (size_t e = 0; e < g->ne; e++)
        for (size_t a = g->off[e]; a < g->off[e + 1]; a++)
            t[a] = (uint32_t)e;
    return t;
}

/* ---- heaps ---- */

typedef struct hent {
    int64_t key;
    uint32_t node;
} hent;

typedef struct heap {
    hent *h;
    size_t n, cap;
} heap;

static void heap_push(heap *q, int64_t key, uint32_t node)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 1024;
        q->h = xrealloc(q->h, q->cap * sizeof *q->h);
    }
    size_t i = q->n++;
    while (i) {
        size_t p = (i - 1) / 2;
        if (q->h[p].key <= key)
            break;
        q->h[i] = q->h[p];
        i = p;
    }
    q->h[i] = (hent){key, node};
}

static hent heap_pop(heap *q)
{
    hent top = q->h[0], x = q->h[--q->n];
    size_t i = 0, n = q->n;
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= n)
            break;
        if (l + 1 < n && q->h[l + 1].key < q->h[l].key)
            l++;
        if (q->h[l].key >= x.key)
            break;
        q->h[i] = q->h[l];
        i = l;
    }
    if (n)
        q->h[i] = x;
    return top;
}

/* Duals of max sum (M + w) x from potentials p (of node i at
 * *(int64_t *)(pbase + i * stride): mentees 0..ne-1, mentors ne..) and the
 * sink's pT, in the reduced costs of the network above: the dummy arc
 * gives u_e = MB + p_e - pT >= 0 (0 when e leaves a slot empty), the sink
 * arc v_r = pT - p_r (>= 0 when r has a mentee, clamped to 0 when r has
 * room, where it is <= 0), and an unused arc u_e + v_r >= M + w. The duals
 * are then checked against every arc and the primal value exactly (128-bit
 * sums): f->cert. */
static void certify(const match_graph *g, const int64_t *wants, const int64_t *caps, int64_t thr,
                    match_flow *f, const void *pbase, size_t stride, int64_t pT, int64_t M)
{
    size_t ne = g->ne, nr = g->nr;
    const int64_t MB = M + MATCH_SCALE;
    const char *pb = pbase;
#define POT(i) (*(const int64_t *)(pb + (size_t)(i)*stride))
    int64_t total = 0, matched = 0;
    for (size_t a = 0; a < g->narcs; a++)
        if (f->x[a]) {
            total += g->w[a];
            matched++;
        }
    for (size_t e = 0; e < ne; e++) {
        int64_t ue = MB + POT(e) - pT;
        f->u[e] = ue > 0 ? ue : 0;
    }
    for (size_t r = 0; r < nr; r++) {
        int64_t vr = pT - POT(ne + r);
        f->v[r] = vr > 0 ? vr : 0;
    }
#undef POT
    __int128 primal = 0, dual = 0;
    bool ok = true;
    for (size_t e = 0; e < ne; e++) {
        dual += (__int128)wants[e] * f->u[e];
        for (size_t a = g->off[e]; a < g->off[e + 1]; a++) {
            if (g->w[a] < thr)
                continue;
            int64_t need = M + g->w[a], have = f->u[e] + f->v[g->head[a]];
            if (f->x[a]) {
                primal += need;
                if (need > have)
                    dual += need - have;
            } else if (have < need) {
                ok = false;
            }
        }
    }
    for (size_t r = 0; r < nr; r++)
        dual += (__int128)caps[r] * f->v[r];
    f->cert = ok && primal == dual;
    f->M = M;
    f->matched = matched;
    f->total = total;
}

/* ---- successive shortest paths ---- */

#define SSP_AHEAD 8 /* arcs ahead to prefetch a head's state: 8 measured */

typedef struct node_state {
    int64_t p;     /* potential */
    int64_t dist;  /* tentative distance in the current search */
    int64_t pred;  /* arc the search reached the node by, -1 at the source */
    uint32_t seen; /* search stamp: dist is valid */
    uint32_t done; /* search stamp: settled */
} node_state;

/* Sources are the left nodes: each unit of wants[] is shipped, to a right
 * node with free capacity (cost SCALE - w, the arc used once) or to the
 * left node's own dummy (cost MB = M + SCALE: a slot left empty). With
 * every unit shipped somewhere the problem is a transportation problem, so
 * the units can be routed one at a time, each along a shortest path from
 * its own node (Dijkstra on reduced costs, stopped as soon as the sink is
 * settled; only settled nodes change potential). MB larger than any total
 * score makes the result the most matched slots first, then the highest
 * total. Because the other side is the one with more slots, most searches
 * end a step or two away. */
static void ssp(const match_graph *g, const int64_t *wants, const int64_t *caps, int64_t thr,
                match_flow *f, match_progress_fn progress, void *pctx)
{
    size_t ne = g->ne, nr = g->nr, nn = ne + nr;
    memset(f, 0, sizeof *f);
    if (thr < 0)
        thr = 0;
    f->x = xcalloc(g->narcs ? g->narcs : 1, 1);
    f->u = xcalloc(ne ? ne : 1, sizeof *f->u);
    f->v = xcalloc(nr ? nr : 1, sizeof *f->v);
    f->reach_e = xcalloc(ne ? ne : 1, 1);
    f->reach_r = xcalloc(nr ? nr : 1, 1);
    uint32_t *tail = tails(g);
    mlist ml;
    mlist_init(&ml, g, caps, thr);
    /* a node's search state and potential in one place: each relaxed arc
     * touches one cache line instead of five */
    node_state *N = xcalloc(nn ? nn : 1, sizeof *N);
    int64_t pT = 0;
    uint32_t *settled = xcalloc(nn ? nn : 1, sizeof *settled);
    int64_t *dummy = xcalloc(ne ? ne : 1, sizeof *dummy); /* units left empty */
    int64_t slots = 0, want_total = 0;
    for (size_t r = 0; r < nr; r++)
        slots += caps[r];
    for (size_t e = 0; e < ne; e++)
        want_total += wants[e];
    if (want_total < slots)
        slots = want_total;
    const int64_t M = (slots + 1) * (int64_t)MATCH_SCALE;
    const int64_t MB = M + MATCH_SCALE;
    int64_t room = 0;
    for (size_t r = 0; r < nr; r++)
        room += caps[r];
    const bool skip = 2 * want_total < room;
    heap Q = {0};
    uint32_t stamp = 0;
    int64_t matched = 0, units = 0;
    for (size_t s = 0; s < ne; s++) {
        for (int64_t k = 0; k < wants[s]; k++, units++) {
            stamp++;
            Q.n = 0;
            size_t ns = 0;
            /* the unit can always stay empty: s's own dummy */
            int64_t D = MB + N[s].p - pT;
            int64_t end = -1 - (int64_t)s; /* < 0: dummy of left node -end-1 */
            N[s].seen = stamp;
            N[s].dist = 0;
            N[s].pred = -1;
            heap_push(&Q, 0, (uint32_t)s);
            while (Q.n) {
                hent t = heap_pop(&Q);
                uint32_t v = t.node;
                if (t.key >= D)
                    break;
                if (N[v].done == stamp || t.key != N[v].dist)
                    continue;
                N[v].done = stamp;
                settled[ns++] = v;
                int64_t dv = t.key;
                if (v < ne) {
                    size_t e = v;
                    if (e != s) {
                        int64_t cand = dv + MB + N[e].p - pT; /* e's unit goes empty */
                        if (cand < D) {
                            D = cand;
                            end = -1 - (int64_t)e;
                        }
                    }
                    size_t a_end = g->off[e + 1];
                    /* every potential is <= 0 (they start at 0 and only
                     * fall), so an arc reaches its head at no less than
                     * base - w: when that is >= D the arc cannot improve
                     * the search and its head's state is never loaded.
                     * Only where searches end next to their source (the
                     * other side has over twice the room): there D is
                     * known after an arc or two and most arcs are skipped;
                     * in a crowded program the test mispredicts more than
                     * the loads it saves (bench/README.md) */
                    const int64_t base = skip ? dv + MATCH_SCALE + N[e].p : INT64_MIN / 2;
                    for (size_t a = g->off[e]; a < a_end; a++) {
                        /* the heads' states are scattered: ask for them a few
                         * arcs ahead, the search's one memory stall */
                        if (a + SSP_AHEAD < a_end && base - g->w[a + SSP_AHEAD] < D)
                            __builtin_prefetch(&N[ne + g->head[a + SSP_AHEAD]]);
                        if (f->x[a] || g->w[a] < thr || base - g->w[a] >= D)
                            continue;
                        uint32_t node = (uint32_t)ne + g->head[a];
                        if (N[node].done == stamp)
                            continue;
                        int64_t nd = dv + (MATCH_SCALE - g->w[a]) + N[e].p - N[node].p;
                        if (nd < D && (N[node].seen != stamp || nd < N[node].dist)) {
                            N[node].seen = stamp;
                            N[node].dist = nd;
                            N[node].pred = (int64_t)a;
                            heap_push(&Q, nd, node);
                            /* a mentor with room ends a path here: knowing D
                             * early keeps the other arcs out of the heap */
                            uint32_t r = g->head[a];
                            if (ml.n[r] < caps[r] && nd + N[node].p - pT < D) {
                                D = nd + N[node].p - pT;
                                end = (int64_t)r;
                            }
                        }
                    }
                } else {
                    uint32_t r = v - (uint32_t)ne;
                    if (ml.n[r] < caps[r]) {
                        int64_t cand = dv + N[v].p - pT;
                        if (cand < D) {
                            D = cand;
                            end = (int64_t)r;
                        }
                    }
                    const uint32_t *L = ml.arcs + ml.off[r];
                    for (int64_t i = 0; i < ml.n[r]; i++) {
                        uint32_t a = L[i];
                        uint32_t e = tail[a];
                        if (N[e].done == stamp)
                            continue;
                        int64_t nd = dv - (MATCH_SCALE - g->w[a]) + N[v].p - N[e].p;
                        if (nd < D && (N[e].seen != stamp || nd < N[e].dist)) {
                            N[e].seen = stamp;
                            N[e].dist = nd;
                            N[e].pred = (int64_t)a;
                            heap_push(&Q, nd, e);
                        }
                    }
                }
            }
            /* augment: walk back from the end to s */
            uint32_t e;
            if (end < 0) {
                e = (uint32_t)(-1 - end);
                dummy[e]++;
            } else {
                uint32_t r = (uint32_t)end;
                uint32_t a = (uint32_t)N[ne + r].pred;
                f->x[a] = 1;
                mlist_add(&ml, r, a);
                e = tail[a];
                matched++;
            }
            while (e != s) {
                /* e was reached through its matched arc a2 from mentor r2 */
                uint32_t a2 = (uint32_t)N[e].pred;
                uint32_t r2 = g->head[a2];
                f->x[a2] = 0;
                mlist_del(&ml, r2, a2);
                uint32_t a = (uint32_t)N[ne + r2].pred;
                f->x[a] = 1;
                mlist_add(&ml, r2, a);
                e = tail[a];
            }
            for (size_t i = 0; i < ns; i++) {
                uint32_t v = settled[i];
                N[v].p += N[v].dist - D;
            }
            if (progress && (units & 1023) == 0)
                progress(pctx, "solving", (double)units, (double)want_total);
        }
    }
    if (progress)
        progress(pctx, "solving", (double)want_total, (double)want_total);

    (void)matched;
    certify(g, wants, caps, thr, f, N, sizeof *N, pT, M);
    free(Q.h);
    free(tail);
    mlist_free(&ml);
    free(N);
    free(settled);
    free(dummy);
}

/* ---- cost scaling ----
 *
 * When every unit of the source side can be matched (the max flow says
 * so), the most matched slots are all of them and no empty-slot arc is
 * needed: what is left is a min-cost flow with costs SCALE - w in
 * [0, SCALE], which push-relabel with cost scaling (Goldberg) solves in a
 * few sweeps of the arcs per scale, where one shortest path per unit may
 * settle hundreds of nodes. Costs are multiplied by n + 1, so that the
 * last scale (eps = 1) makes the flow optimal; the potentials are then
 * made exact by shortest paths in the residual graph (a few label-
 * correcting passes: they are nearly right already) and become the same
 * duals as the shortest-path solver's. */

typedef struct cs_net {
    size_t n, m;   /* nodes (sources, then sinks, then T), residual arcs */
    size_t *first; /* n + 1 */
    uint32_t *head, *rev;
    int32_t *rcap;
    int64_t *cost;  /* scaled */
    size_t *arc_of; /* graph arc -> residual arc of source -> sink */
} cs_net;

static void cs_free(cs_net *N)
{
    free(N->first);
    free(N->head);
    free(N->rev);
    free(N->rcap);
    free(N->cost);
    free(N->arc_of);
}

static void cs_build(cs_net *N, const match_graph *g, const int64_t *caps, int64_t thr,
                     int64_t scale)
{
    size_t ne = g->ne, nr = g->nr, T = ne + nr;
    N->n = ne + nr + 1;
    size_t *deg = xcalloc(N->n + 1, sizeof *deg);
    size_t live = 0;
    for (size_t e = 0; e < ne; e++)
        for (size_t a = g->off[e]; a < g->off[e + 1]; a++)
            if (g->w[a] >= thr) {
                deg[e]++;
                deg[ne + g->head[a]]++;
                live++;
            }
    for (size_t r = 0; r < nr; r++) {
        deg[ne + r]++;
        deg[T]++;
    }
    N->m = 2 * (live + nr);
    N->first = xcalloc(N->n + 1, sizeof *N->first);
    for (size_t i = 0; i < N->n; i++)
        N->first[i + 1] = N->first[i] + deg[i];
    N->head = xmalloc((N->m + 1) * sizeof *N->head);
    N->rev = xmalloc((N->m + 1) * sizeof *N->rev);
    N->rcap = xmalloc((N->m + 1) * sizeof *N->rcap);
    N->cost = xmalloc((N->m + 1) * sizeof *N->cost);
    N->arc_of = xmalloc((g->narcs + 1) * sizeof *N->arc_of);
    size_t *pos = deg; /* reused as fill positions */
    for (size_t i = 0; i < N->n; i++)
        pos[i] = N->first[i];
    for (size_t e = 0; e < ne; e++)
        for (size_t a = g->off[e]; a < g->off[e + 1]; a++) {
            N->arc_of[a] = SIZE_MAX;
            if (g->w[a] < thr)
                continue;
            size_t r = ne + g->head[a], x = pos[e]++, y = pos[r]++;
            N->head[x] = (uint32_t)r;
            N->rev[x] = (uint32_t)y;
            N->rcap[x] = 1;
            N->cost[x] = (MATCH_SCALE - g->w[a]) * scale;
            N->head[y] = (uint32_t)e;
            N->rev[y] = (uint32_t)x;
            N->rcap[y] = 0;
            N->cost[y] = -N->cost[x];
            N->arc_of[a] = x;
        }
    for (size_t r = 0; r < nr; r++) {
        size_t x = pos[ne + r]++, y = pos[T]++;
        N->head[x] = (uint32_t)T;
        N->rev[x] = (uint32_t)y;
        N->rcap[x] = (int32_t)caps[r];
        N->cost[x] = 0;
        N->head[y] = (uint32_t)(ne + r);
        N->rev[y] = (uint32_t)x;
        N->rcap[y] = 0;
        N->cost[y] = 0;
    }
    free(deg);
}

/* one scale: from any flow to an eps-optimal one */

/* Global price update: the fewest eps-steps d(v) from each node to a node
 * with a deficit, over residual arcs of length floor(rc / eps) + 1 (>= 0
 * in an eps-optimal flow), by a bucket Dijkstra backwards from the
 * deficits; then p(v) -= eps * d(v). Arcs on the shortest paths become
 * admissible and every arc stays eps-optimal, so each excess has a short
 * admissible way out instead of creeping there one relabel at a time. */
static void cs_update(cs_net *N, int64_t *p, const int64_t *excess, int64_t eps, int64_t *dist,
                      uint32_t *ent_node, uint32_t *ent_next, uint32_t *bhead, size_t nb)
{
    size_t n = N->n, ne = 0; /* entries: a node may sit in several buckets (stale ones skipped) */
    const int64_t INFD = INT64_MAX;
    for (size_t v = 0; v < n; v++)
        dist[v] = INFD;
    for (size_t b = 0; b < nb; b++)
        bhead[b] = UINT32_MAX;
    size_t active = 0;
    for (size_t v = 0; v < n; v++) {
        active += excess[v] > 0;
        if (excess[v] < 0) {
            dist[v] = 0;
            ent_node[ne] = (uint32_t)v;
            ent_next[ne] = bhead[0];
            bhead[0] = (uint32_t)ne++;
        }
    }
    int64_t dmax = 0;
    for (size_t b = 0; b < nb && active; b++) {
        while (bhead[b] != UINT32_MAX && active) {
            uint32_t k = bhead[b];
            bhead[b] = ent_next[k];
            uint32_t w = ent_node[k];
            if (dist[w] != (int64_t)b)
                continue; /* a stale entry */
            dmax = (int64_t)b;
            if (excess[w] > 0)
                active--;
            for (size_t x = N->first[w]; x < N->first[w + 1]; x++) {
                uint32_t v = N->head[x];
                size_t a = N->rev[x]; /* v -> w */
                if (N->rcap[a] <= 0 || dist[v] <= (int64_t)b)
                    continue;
                int64_t rc = N->cost[a] + p[v] - p[w];
                int64_t len = rc < 0 ? 0 : rc / eps + 1;
                int64_t nd = (int64_t)b + len;
                if (nd < dist[v] && nd < (int64_t)nb) {
                    dist[v] = nd;
                    ent_node[ne] = v;
                    ent_next[ne] = bhead[nd];
                    bhead[nd] = (uint32_t)ne++;
                }
            }
        }
    }
    for (size_t v = 0; v < n; v++) {
        int64_t d = dist[v] == INFD || dist[v] > dmax ? dmax + 1 : dist[v];
        p[v] -= eps * d;
    }
}

static void cs_refine(cs_net *N, int64_t *p, int64_t *excess, size_t *cur, uint32_t *queue,
                      uint8_t *inq, int64_t eps, int64_t *dist, uint32_t *ent_node,
                      uint32_t *ent_next, uint32_t *bhead)
{
    size_t since = 0, nb = N->n + 1;
    size_t n = N->n, qh = 0, qt = 0;
    for (size_t u = 0; u < n; u++)
        for (size_t a = N->first[u]; a < N->first[u + 1]; a++)
            if (N->rcap[a] > 0 && N->cost[a] + p[u] - p[N->head[a]] < 0) {
                int32_t d = N->rcap[a];
                N->rcap[a] = 0;
                N->rcap[N->rev[a]] += d;
                excess[u] -= d;
                excess[N->head[a]] += d;
            }
    cs_update(N, p, excess, eps, dist, ent_node, ent_next, bhead, nb);
    for (size_t u = 0; u < n; u++) {
        cur[u] = N->first[u];
        inq[u] = excess[u] > 0;
        if (inq[u])
            queue[qt++ % n] = (uint32_t)u;
    }
    while (qh != qt) {
        uint32_t u = queue[qh++ % n];
        inq[u] = 0;
        while (excess[u] > 0) {
            size_t a = cur[u], end = N->first[u + 1];
            for (; a < end; a++)
                if (N->rcap[a] > 0 && N->cost[a] + p[u] - p[N->head[a]] < 0)
                    break;
            if (a == end) { /* relabel: the largest drop that keeps eps-optimality */
                int64_t best = INT64_MIN;
                for (size_t b = N->first[u]; b < end; b++)
                    if (N->rcap[b] > 0 && p[N->head[b]] - N->cost[b] > best)
                        best = p[N->head[b]] - N->cost[b];
                if (best == INT64_MIN)
                    return; /* no way out: cannot happen once the max flow fits */
                p[u] = best - eps;
                cur[u] = N->first[u];
                if (++since > n) { /* now and then, all prices at once */
                    since = 0;
                    cs_update(N, p, excess, eps, dist, ent_node, ent_next, bhead, nb);
                    for (size_t v = 0; v < n; v++)
                        cur[v] = N->first[v];
                }
                continue;
            }
            cur[u] = a;
            uint32_t v = N->head[a];
            int64_t d = excess[u] < N->rcap[a] ? excess[u] : N->rcap[a];
            N->rcap[a] -= (int32_t)d;
            N->rcap[N->rev[a]] += (int32_t)d;
            excess[u] -= d;
            excess[v] += d;
            if (excess[v] > 0 && !inq[v]) {
                inq[v] = 1;
                queue[qt++ % n] = v;
            }
        }
    }
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

static bool cs_solve(const match_graph *g, const int64_t *wants, const int64_t *caps, int64_t thr,
                     const match_warm *warm, int solver, match_flow *f)
{
    size_t ne = g->ne, nr = g->nr;
    int64_t units = 0, slots = 0;
    for (size_t e = 0; e < ne; e++)
        units += wants[e];
    for (size_t r = 0; r < nr; r++)
        slots += caps[r];
    if (units > slots || units == 0)
        return false;
    /* measured (bench/README.md): shortest paths are fastest while the
     * source side fills under half of the other side's slots; past that
     * their searches grow long and cost scaling wins */
    if (solver == MATCH_SOLVER_SSP || (solver == MATCH_SOLVER_AUTO && 2 * units < slots))
        return false;
    if (warm && (!warm->pot || warm->npot != ne + nr + 1))
        warm = NULL;
    /* arcs were only added since a warm start's flow, which matched every unit */
    if (!warm && match_flow_maxcard(g, wants, caps, thr, NULL, NULL) < units)
        return false; /* some units stay empty: the shortest-path solver weighs that */
    cs_net N;
    int64_t scale = (int64_t)(ne + nr + 2);
    cs_build(&N, g, caps, thr, scale);
    size_t n = N.n, T = ne + nr;
    int64_t *p = xcalloc(n, sizeof *p);
    int64_t *excess = xcalloc(n, sizeof *excess);
    size_t *cur = xmalloc(n * sizeof *cur);
    uint32_t *queue = xmalloc(n * sizeof *queue);
    uint8_t *inq = xcalloc(n, 1);
    int64_t *dist = xmalloc(n * sizeof *dist);
    uint32_t *ent_node = xmalloc((N.m + n + 1) * sizeof *ent_node);
    uint32_t *ent_next = xmalloc((N.m + n + 1) * sizeof *ent_next);
    uint32_t *bhead = xmalloc((n + 1) * sizeof *bhead);
    for (size_t e = 0; e < ne; e++)
        excess[e] = wants[e];
    excess[T] = -units;
    int64_t eps = (int64_t)MATCH_SCALE * scale;
    if (warm) {
        /* the old flow and potentials: only the new arcs can be far from
         * optimal, so the scales start at the worst of them */
        memcpy(p, warm->pot, n * sizeof *p);
        for (size_t e = 0; e < ne; e++)
            for (size_t a = g->off[e]; a < g->off[e + 1]; a++) {
                size_t x = N.arc_of[a];
                if (x == SIZE_MAX || !warm->x[a])
                    continue;
                N.rcap[x] = 0;
                N.rcap[N.rev[x]] = 1;
                excess[e]--;
                excess[N.head[x]]++;
            }
        for (size_t r = 0; r < nr; r++) { /* each mentor's flow on to T */
            size_t x = N.first[ne + r + 1] - 1, take = (size_t)excess[ne + r];
            N.rcap[x] -= (int32_t)take;
            N.rcap[N.rev[x]] += (int32_t)take;
            excess[ne + r] = 0;
            excess[T] += (int64_t)take;
        }
        int64_t worst = 1;
        for (size_t u = 0; u < n; u++)
            for (size_t a = N.first[u]; a < N.first[u + 1]; a++)
                if (N.rcap[a] > 0 && -(N.cost[a] + p[u] - p[N.head[a]]) > worst)
                    worst = -(N.cost[a] + p[u] - p[N.head[a]]);
        /* refine saturates every arc that breaks the old optimum, so any
         * scale is a valid start; starting at the worst break measured
         * best (smaller starts creep, one relabel at a time) */
        eps = worst * 8; /* the loop divides first */
    }
    do { /* eps / 8 a scale: 4 and 8 measured alike, 16 and more slower */
        eps = eps / 8 > 1 ? eps / 8 : 1;
        cs_refine(&N, p, excess, cur, queue, inq, eps, dist, ent_node, ent_next, bhead);
    } while (eps > 1);
    bool ok = true;
    for (size_t u = 0; u < n && ok; u++)
        ok = excess[u] == 0;
    /* exact potentials: shortest paths in the residual graph from the
     * scaled ones rounded, where only small negative reduced costs remain */
    int64_t *pi = xmalloc(n * sizeof *pi);
    for (size_t u = 0; u < n; u++)
        pi[u] = floor_div(p[u], scale);
    int64_t *d = xcalloc(n, sizeof *d);
    size_t qh = 0, qt = 0, relax = 0;
    for (size_t u = 0; u < n; u++) {
        inq[u] = 1;
        queue[qt++ % n] = (uint32_t)u;
    }
    while (ok && qh != qt) {
        uint32_t u = queue[qh++ % n];
        inq[u] = 0;
        for (size_t a = N.first[u]; a < N.first[u + 1]; a++) {
            if (N.rcap[a] <= 0)
                continue;
            uint32_t v = N.head[a];
            int64_t rc = N.cost[a] / scale + pi[u] - pi[v];
            if (d[u] + rc < d[v]) {
                d[v] = d[u] + rc;
                if (!inq[v]) {
                    inq[v] = 1;
                    queue[qt++ % n] = v;
                }
            }
        }
        if (++relax > 64 * n)
            ok = false; /* a negative cycle would loop: not optimal after all */
    }
    for (size_t u = 0; u < n; u++)
        pi[u] += d[u];
    if (ok) {
        f->x = xcalloc(g->narcs ? g->narcs : 1, 1);
        f->u = xcalloc(ne ? ne : 1, sizeof *f->u);
        f->v = xcalloc(nr ? nr : 1, sizeof *f->v);
        f->reach_e = xcalloc(ne ? ne : 1, 1);
        f->reach_r = xcalloc(nr ? nr : 1, 1);
        for (size_t a = 0; a < g->narcs; a++)
            f->x[a] = N.arc_of[a] != SIZE_MAX && N.rcap[N.arc_of[a]] == 0;
        int64_t M = (units + 1) * (int64_t)MATCH_SCALE;
        certify(g, wants, caps, thr, f, pi, sizeof *pi, pi[T], M);
        ok = f->cert;
        if (!ok)
            match_flow_cleanup(f);
        else { /* exact potentials, scaled: the old arcs all have reduced cost >= 0 */
            for (size_t u = 0; u < n; u++)
                p[u] = pi[u] * scale;
            f->pot = p;
            f->npot = n;
            p = NULL;
        }
    }
    free(pi);
    free(d);
    free(p);
    free(dist);
    free(ent_node);
    free(ent_next);
    free(bhead);
    free(excess);
    free(cur);
    free(queue);
    free(inq);
    cs_free(&N);
    return ok;
}

/* The side with fewer slots to fill is the source side: its free nodes
 * become few as they fill, while the other side stays mostly unsaturated,
 * so the searches end after a few steps. Mentors as sources means solving
 * the transposed graph (arcs mentor -> mentee); the LP is symmetric and u,
 * v and the reachable sets swap back. */
int64_t match_graph_find(const match_graph *g, size_t e, uint32_t r)
{
    size_t lo = g->off[e], hi = g->off[e + 1];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (g->head[mid] < r)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < g->off[e + 1] && g->head[lo] == r ? (int64_t)lo : -1;
}

void match_flow_solve(const match_graph *g, const int64_t *wants, const int64_t *caps, int64_t thr,
                      match_flow *f, match_progress_fn progress, void *pctx)
{
    match_flow_solve_warm(g, wants, caps, thr, NULL, MATCH_SOLVER_AUTO, f, progress, pctx);
}

/* The side with fewer slots to fill is the source side: its free nodes
 * become few as they fill, while the other side stays mostly unsaturated,
 * so the searches end after a few steps. Mentors as sources means solving
 * the transposed graph (arcs mentor -> mentee); the LP is symmetric and u,
 * v and the reachable sets swap back. Cost scaling runs when every unit of
 * the source side can be matched, shortest paths otherwise. */
void match_flow_solve_warm(const match_graph *g, const int64_t *wants, const int64_t *caps,
                           int64_t thr, const match_warm *warm, int solver, match_flow *f,
                           match_progress_fn progress, void *pctx)
{
    int64_t sw = 0, sc = 0;
    for (size_t e = 0; e < g->ne; e++)
        sw += wants[e];
    for (size_t r = 0; r < g->nr; r++)
        sc += caps[r];
    if (sc >= sw) {
        memset(f, 0, sizeof *f);
        if (!cs_solve(g, wants, caps, thr, warm, solver, f))
            ssp(g, wants, caps, thr, f, progress, pctx);
        return;
    }
    match_graph t = {0};
    t.ne = g->nr;
    t.nr = g->ne;
    t.narcs = g->narcs;
    t.off = xcalloc(t.ne + 1, sizeof *t.off);
    t.head = xcalloc(t.narcs + 1, sizeof *t.head);
    t.w = xcalloc(t.narcs + 1, sizeof *t.w);
    size_t *orig = xcalloc(t.narcs + 1, sizeof *orig);
    for (size_t a = 0; a < g->narcs; a++)
        t.off[g->head[a] + 1]++;
    for (size_t r = 0; r < t.ne; r++)
        t.off[r + 1] += t.off[r];
    size_t *pos = xcalloc(t.ne + 1, sizeof *pos);
    memcpy(pos, t.off, (t.ne + 1) * sizeof *pos);
    for (size_t e = 0; e < g->ne; e++)
        for (size_t a = g->off[e]; a < g->off[e + 1]; a++) {
            size_t b = pos[g->head[a]]++;
            t.head[b] = (uint32_t)e;
            t.w[b] = g->w[a];
            orig[b] = a;
        }
    free(pos);
    match_warm tw, *twp = NULL;
    uint8_t *tx = NULL;
    if (warm) {
        tx = xcalloc(t.narcs + 1, 1);
        for (size_t b = 0; b < t.narcs; b++)
            tx[b] = warm->x[orig[b]];
        tw = (match_warm){tx, warm->pot, warm->npot};
        twp = &tw;
    }
    match_flow ft;
    memset(&ft, 0, sizeof ft);
    if (!cs_solve(&t, caps, wants, thr, twp, solver, &ft))
        ssp(&t, caps, wants, thr, &ft, progress, pctx);
    free(tx);
    *f = ft;
    f->x = xcalloc(g->narcs + 1, 1);
    for (size_t b = 0; b < t.narcs; b++)
        f->x[orig[b]] = ft.x[b];
    f->u = ft.v;
    f->v = ft.u;
    f->reach_e = ft.reach_r;
    f->reach_r = ft.reach_e;
    free(ft.x);
    free(orig);
    free(t.off);
    free(t.head);
    free(t.w);
}

void match_flow_cleanup(match_flow *f)
{
    free(f->pot);
    free(f->x);
    free(f->u);
    free(f->v);
    free(f->reach_e);
    free(f->reach_r);
    memset(f, 0, sizeof *f);
}

/* ---- max cardinality: layered augmenting paths (Hopcroft-Karp for b-matching) ---- */

int64_t match_flow_maxcard(const match_graph *g, const int64_t *wants, const int64_t *caps,
                           int64_t thr, uint8_t *reach_e, uint8_t *reach_r)
{
    size_t ne = g->ne, nr = g->nr;
    if (thr < 0)
        thr = 0;
    uint8_t *x = xcalloc(g->narcs ? g->narcs : 1, 1);
    uint32_t *tail = tails(g);
    mlist ml;
    mlist_init(&ml, g, caps, thr);
    int64_t *used = xcalloc(ne ? ne : 1, sizeof *used);
    int64_t matched = 0;
    /* greedy start */
    for (size_t e = 0; e < ne; e++)
        for (size_t a = g->off[e]; a < g->off[e + 1] && used[e] < wants[e]; a++) {
            uint32_t r = g->head[a];
            if (g->w[a] >= thr && ml.n[r] < caps[r]) {
                x[a] = 1;
                mlist_add(&ml, r, (uint32_t)a);
                used[e]++;
                matched++;
            }
        }
    int32_t *le = xmalloc((ne ? ne : 1) * sizeof *le);
    int32_t *lr = xmalloc((nr ? nr : 1) * sizeof *lr);
    uint32_t *queue = xmalloc((ne + nr + 1) * sizeof *queue);
    size_t *it = xcalloc(ne ? ne : 1, sizeof *it);
    int64_t *rit = xcalloc(nr ? nr : 1, sizeof *rit);
    /* an explicit DFS stack: arcs taken (mentee -> mentor), alternating */
    uint32_t *stk_e = xmalloc((ne + 1) * sizeof *stk_e);
    uint32_t *stk_a = xmalloc((ne + 1) * sizeof *stk_a);
    for (;;) {
        /* BFS layers from free mentees */
        for (size_t e = 0; e < ne; e++)
            le[e] = -1;
        for (size_t r = 0; r < nr; r++)
            lr[r] = -1;
        size_t qh = 0, qt = 0;
        for (size_t e = 0; e < ne; e++)
            if (used[e] < wants[e]) {
                le[e] = 0;
                queue[qt++] = (uint32_t)e;
            }
        int32_t found = -1;
        while (qh < qt) {
            uint32_t e = queue[qh++];
            if (found >= 0 && le[e] >= found)
                break;
            for (size_t a = g->off[e]; a < g->off[e + 1]; a++) {
                if (x[a] || g->w[a] < thr)
                    continue;
                uint32_t r = g->head[a];
                if (lr[r] >= 0)
                    continue;
                lr[r] = le[e] + 1;
                if (ml.n[r] < caps[r]) {
                    if (found < 0)
                        found = lr[r];
                    continue;
                }
                const uint32_t *L = ml.arcs + ml.off[r];
                for (int64_t i = 0; i < ml.n[r]; i++) {
                    uint32_t e2 = tail[L[i]];
                    if (le[e2] < 0) {
                        le[e2] = lr[r] + 1;
                        queue[qt++] = e2;
                    }
                }
            }
        }
        if (found < 0) {
            if (reach_e)
                for (size_t e = 0; e < ne; e++)
                    reach_e[e] = le[e] >= 0;
            if (reach_r)
                for (size_t r = 0; r < nr; r++)
                    reach_r[r] = lr[r] >= 0;
            break;
        }
        /* DFS along layers, current-arc pointers */
        for (size_t e = 0; e < ne; e++)
            it[e] = g->off[e];
        for (size_t r = 0; r < nr; r++)
            rit[r] = 0;
        for (size_t e0 = 0; e0 < ne; e0++) {
            while (used[e0] < wants[e0] && le[e0] == 0) {
                size_t depth = 0;
                stk_e[0] = (uint32_t)e0;
                bool ok = false;
                while (true) {
                    uint32_t e = stk_e[depth];
                    bool advanced = false;
                    for (; it[e] < g->off[e + 1]; it[e]++) {
                        size_t a = it[e];
                        if (x[a] || g->w[a] < thr)
                            continue;
                        uint32_t r = g->head[a];
                        if (lr[r] != le[e] + 1)
                            continue;
                        if (ml.n[r] < caps[r] && lr[r] == found) {
                            stk_a[depth] = (uint32_t)a;
                            ok = true;
                            advanced = true;
                            break;
                        }
                        /* go through a matched mentee of r */
                        const uint32_t *L = ml.arcs + ml.off[r];
                        while (rit[r] < ml.n[r]) {
                            uint32_t e2 = tail[L[rit[r]]];
                            if (le[e2] == lr[r] + 1 && lr[r] < found)
                                break;
                            rit[r]++;
                        }
                        if (rit[r] < ml.n[r]) {
                            stk_a[depth] = (uint32_t)a;
                            stk_e[++depth] = tail[L[rit[r]]];
                            advanced = true;
                            break;
                        }
                        lr[r] = -2; /* dead end */
                    }
                    if (ok)
                        break;
                    if (!advanced) {
                        le[e] = -2;
                        if (depth == 0)
                            break;
                        depth--;
                        rit[g->head[stk_a[depth]]]++; /* try r's next mentee */
                        continue;
                    }
                }
                if (!ok)
                    break;
                /* flip the path: stk_a[i] enters, the matched arc of stk_e[i+1] leaves */
                for (size_t i = 0; i <= depth; i++) {
                    uint32_t a = stk_a[i], r = g->head[a];
                    if (i < depth) {
                        uint32_t e2 = stk_e[i + 1];
                        uint32_t *L = ml.arcs + ml.off[r];
                        for (int64_t k = 0; k < ml.n[r]; k++)
                            if (tail[L[k]] == e2) {
                                x[L[k]] = 0;
                                L[k] = a;
                                break;
                            }
                        rit[r] = 0;
                    } else {
                        mlist_add(&ml, r, a);
                    }
                    x[a] = 1;
                }
                used[e0]++;
                matched++;
            }
        }
    }
    free(x);
    free(tail);
    mlist_free(&ml);
    free(used);
    free(le);
    free(lr);
    free(queue);
    free(it);
    free(rit);
    free(stk_e);
    free(stk_a);
    return matched;
}
