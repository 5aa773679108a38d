/* flow.c - exact b-matching by successive shortest paths.
 *
 * The network: source S -> mentee e (capacity wants[e]) -> mentor r (one
 * unit per arc, cost SCALE - w) -> sink T (capacity caps[r]). Successive
 * shortest paths with potentials (Dijkstra on reduced costs) give, after k
 * augmentations, a cheapest flow of value k; run until no augmenting path
 * remains it gives the most matched slots and, among those, the highest
 * total integer score.
 *
 * Two things keep it fast on 10^5 mentees: every free mentee is a source
 * at once, kept in a persistent heap keyed by its potential (a search pops
 * only the ones it needs and pushes them back), and a search stops as soon
 * as the sink is settled; only settled nodes change potential.
 *
 * At the end the potentials become LP duals (u per mentee, v per mentor)
 * of max sum (M + w) x with M larger than any total score, which is the
 * lexicographic objective. The duals are checked against every arc and the
 * primal value exactly (match_flow.cert) so that a bug can never turn
 * into a false claim of optimality.
 */
#include "match/engine.h"

#include "base/mem.h"

#include <stdlib.h>
#include <string.h>

#define INF INT64_MAX

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

/* indexed heap of free mentees, key = -p[e] */
typedef struct iheap {
    uint32_t *h;
    int64_t *pos; /* -1 when absent */
    size_t n;
    const int64_t *p;
} iheap;

static int64_t ikey(const iheap *q, uint32_t e)
{
    return -q->p[e];
}

static void iheap_set(iheap *q, size_t i, uint32_t e)
{
    q->h[i] = e;
    q->pos[e] = (int64_t)i;
}

static void iheap_up(iheap *q, size_t i)
{
    uint32_t e = q->h[i];
    int64_t k = ikey(q, e);
    while (i) {
        size_t par = (i - 1) / 2;
        if (ikey(q, q->h[par]) <= k)
            break;
        iheap_set(q, i, q->h[par]);
        i = par;
    }
    iheap_set(q, i, e);
}

static void iheap_down(iheap *q, size_t i)
{
    uint32_t e = q->h[i];
    int64_t k = ikey(q, e);
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= q->n)
            break;
        if (l + 1 < q->n && ikey(q, q->h[l + 1]) < ikey(q, q->h[l]))
            l++;
        if (ikey(q, q->h[l]) >= k)
            break;
        iheap_set(q, i, q->h[l]);
        i = l;
    }
    iheap_set(q, i, e);
}

static void iheap_push(iheap *q, uint32_t e)
{
    iheap_set(q, q->n++, e);
    iheap_up(q, q->n - 1);
}

static uint32_t iheap_pop(iheap *q)
{
    uint32_t top = q->h[0];
    q->pos[top] = -1;
    if (--q->n) {
        iheap_set(q, 0, q->h[q->n]);
        iheap_down(q, 0);
    }
    return top;
}

static void iheap_remove(iheap *q, uint32_t e)
{
    int64_t i = q->pos[e];
    if (i < 0)
        return;
    q->pos[e] = -1;
    if ((size_t)i == --q->n)
        return;
    iheap_set(q, (size_t)i, q->h[q->n]);
    iheap_down(q, (size_t)i);
    iheap_up(q, (size_t)q->pos[q->h[i]]);
}

/* ---- successive shortest paths ---- */

void match_flow_solve(const match_graph *g, const int64_t *wants, const int64_t *caps,
                      int64_t thr, match_flow *f, match_progress_fn progress, void *pctx)
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
    int64_t *used = xcalloc(ne ? ne : 1, sizeof *used);
    int64_t *p = xcalloc(nn ? nn : 1, sizeof *p);
    int64_t pS = 0, pT = 0;
    int64_t *dist = xcalloc(nn ? nn : 1, sizeof *dist);
    int64_t *pred = xcalloc(nn ? nn : 1, sizeof *pred);
    uint32_t *seen = xcalloc(nn ? nn : 1, sizeof *seen);    /* stamp: tentative */
    uint32_t *done = xcalloc(nn ? nn : 1, sizeof *done);    /* stamp: settled */
    uint32_t *settled = xcalloc(nn ? nn : 1, sizeof *settled);
    uint32_t *popped = xcalloc(ne ? ne : 1, sizeof *popped);
    int64_t slots = 0;
    for (size_t r = 0; r < nr; r++)
        slots += caps[r];
    int64_t want_total = 0;
    for (size_t e = 0; e < ne; e++)
        want_total += wants[e];
    if (want_total < slots)
        slots = want_total;

    /* initial potentials: each mentee's cheapest arc has reduced cost 0 */
    iheap F = {xcalloc(ne ? ne : 1, sizeof(uint32_t)), xmalloc((ne ? ne : 1) * sizeof(int64_t)),
               0, p};
    for (size_t e = 0; e < ne; e++) {
        F.pos[e] = -1;
        int64_t best = INF;
        for (size_t a = g->off[e]; a < g->off[e + 1]; a++)
            if (g->w[a] >= thr && MATCH_SCALE - g->w[a] < best)
                best = MATCH_SCALE - g->w[a];
        if (best == INF || wants[e] <= 0)
            continue;
        p[e] = -best;
        iheap_push(&F, (uint32_t)e);
    }
    heap Q = {0};
    uint32_t stamp = 0;
    int64_t matched = 0;
    for (;;) {
        stamp++;
        Q.n = 0;
        size_t ns = 0, np = 0;
        int64_t D = INF;
        int64_t Tpred = -1;
        for (;;) {
            int64_t dq = Q.n ? Q.h[0].key : INF;
            int64_t df = F.n ? pS - p[F.h[0]] : INF;
            int64_t dmin = dq < df ? dq : df;
            if (dmin == INF || dmin >= D)
                break;
            uint32_t v;
            if (dq <= df) {
                hent t = heap_pop(&Q);
                v = t.node;
                if (done[v] == stamp)
                    continue;
            } else {
                v = iheap_pop(&F);
                popped[np++] = v;
                if (done[v] == stamp)
                    continue;
                pred[v] = -1;
            }
            done[v] = stamp;
            dist[v] = dmin;
            settled[ns++] = v;
            if (v < ne) {
                size_t e = v;
                for (size_t a = g->off[e]; a < g->off[e + 1]; a++) {
                    if (f->x[a] || g->w[a] < thr)
                        continue;
                    uint32_t node = (uint32_t)ne + g->head[a];
                    if (done[node] == stamp)
                        continue;
                    int64_t nd = dmin + (MATCH_SCALE - g->w[a]) + p[e] - p[node];
                    if (seen[node] != stamp || nd < dist[node]) {
                        seen[node] = stamp;
                        dist[node] = nd;
                        pred[node] = (int64_t)a;
                        heap_push(&Q, nd, node);
                    }
                }
            } else {
                uint32_t r = v - (uint32_t)ne;
                if (ml.n[r] < caps[r]) {
                    int64_t cand = dmin + p[v] - pT;
                    if (cand < D) {
                        D = cand;
                        Tpred = r;
                    }
                }
                const uint32_t *L = ml.arcs + ml.off[r];
                for (int64_t i = 0; i < ml.n[r]; i++) {
                    uint32_t a = L[i];
                    uint32_t e = tail[a];
                    if (done[e] == stamp)
                        continue;
                    int64_t nd = dmin - (MATCH_SCALE - g->w[a]) + p[v] - p[e];
                    if (seen[e] != stamp || nd < dist[e]) {
                        seen[e] = stamp;
                        dist[e] = nd;
                        pred[e] = (int64_t)a;
                        heap_push(&Q, nd, e);
                    }
                }
            }
        }
        if (Tpred < 0) {
            /* no augmenting path: the settled set is what S reaches */
            for (size_t i = 0; i < ns; i++) {
                uint32_t v = settled[i];
                if (v < ne)
                    f->reach_e[v] = 1;
                else
                    f->reach_r[v - ne] = 1;
            }
            for (size_t i = 0; i < np; i++)
                if (F.pos[popped[i]] < 0 && used[popped[i]] < wants[popped[i]])
                    iheap_push(&F, popped[i]);
            break;
        }
        /* augment */
        uint32_t r = (uint32_t)Tpred;
        uint32_t src;
        for (;;) {
            uint32_t a = (uint32_t)pred[ne + r];
            f->x[a] = 1;
            mlist_add(&ml, r, a);
            uint32_t e = tail[a];
            if (pred[e] < 0) {
                used[e]++;
                src = e;
                break;
            }
            uint32_t a2 = (uint32_t)pred[e];
            f->x[a2] = 0;
            r = g->head[a2];
            mlist_del(&ml, r, a2);
        }
        matched++;
        /* potentials: settled nodes move by dist - D, the rest stay */
        for (size_t i = 0; i < ns; i++) {
            uint32_t v = settled[i];
            p[v] += dist[v] - D;
        }
        pS -= D;
        for (size_t i = 0; i < ns; i++) {
            uint32_t v = settled[i];
            if (v < ne && F.pos[v] >= 0)
                iheap_down(&F, (size_t)F.pos[v]);
        }
        for (size_t i = 0; i < np; i++) {
            uint32_t e = popped[i];
            if (F.pos[e] < 0 && used[e] < wants[e])
                iheap_push(&F, e);
        }
        if (used[src] >= wants[src])
            iheap_remove(&F, src);
        if (progress && (matched & 1023) == 0)
            progress(pctx, "solving", (double)matched, (double)slots);
    }
    if (progress)
        progress(pctx, "solving", (double)slots, (double)slots);

    /* duals of max sum (M + w) x: shift to the M-weighted potentials, lift the
     * nodes S cannot reach so that S and T meet, read u and v off */
    int64_t total = 0;
    for (size_t a = 0; a < g->narcs; a++)
        if (f->x[a])
            total += g->w[a];
    int64_t M = (slots + 1) * (int64_t)MATCH_SCALE;
    int64_t K = M + MATCH_SCALE;
    int64_t delta = pS + K - pT;
    if (delta < 0)
        delta = 0;
    int64_t ps = pS + K;
    for (size_t e = 0; e < ne; e++) {
        bool live = false;
        for (size_t a = g->off[e]; a < g->off[e + 1] && !live; a++)
            live = g->w[a] >= thr;
        int64_t pe = p[e] + K + (f->reach_e[e] ? 0 : delta);
        f->u[e] = live && pe - ps > 0 ? pe - ps : 0; /* no arcs: nothing to cover */
    }
    for (size_t r = 0; r < nr; r++) {
        int64_t pr = p[ne + r] + (f->reach_r[r] ? 0 : delta);
        f->v[r] = ps - pr > 0 ? ps - pr : 0;
    }
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

    free(Q.h);
    free(F.h);
    free(F.pos);
    free(tail);
    mlist_free(&ml);
    free(used);
    free(p);
    free(dist);
    free(pred);
    free(seen);
    free(done);
    free(settled);
    free(popped);
}

void match_flow_cleanup(match_flow *f)
{
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
