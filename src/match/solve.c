/* solve.c - match_solve: locks, candidates, objective, certificate.
 *
 * total: max-cardinality max-score b-matching on the candidate graph
 *        (flow.c), then every pruned pair is re-scored against the duals;
 *        pairs that break dual feasibility are added back and the graph
 *        re-solved until none does: the duals then prove the optimum over
 *        all allowed pairs.
 * fair:  the most matched slots F (max flow), the highest threshold t such
 *        that F slots can still be matched with pairs scoring >= t (binary
 *        search over the distinct scores), then the best total above t.
 *        Proven by two min cuts (F is the maximum; F is impossible above
 *        t) and the duals of the last step, all checked on pruned pairs.
 * stable: deferred acceptance (stable.c).
 */
#include "match/engine.h"

#include "base/clock.h"
#include "base/mem.h"
#include "base/str.h"

#include <stdlib.h>
#include <string.h>

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_pair(const void *a, const void *b)
{
    const match_pair *x = a, *y = b;
    if (x->mentee != y->mentee)
        return x->mentee < y->mentee ? -1 : 1;
    return x->mentor < y->mentor ? -1 : x->mentor > y->mentor;
}

static int check_locks(const match_instance *in, const match_model *m, int64_t *wants,
                       int64_t *caps, char *err, size_t errlen)
{
    for (size_t i = 0; i < in->nlocked; i++) {
        size_t e = in->locked[i].mentee, r = in->locked[i].mentor;
        size_t crit = 0;
        const char *why = match_model_refusal(m, e, r, &crit);
        if (why) {
            const char *what = why;
            char buf[160];
            if (strcmp(why, "self") == 0)
                what = "pairs a person with themself";
            else if (strcmp(why, "forbidden") == 0)
                what = "is forbidden";
            else if (strcmp(why, "min_score") == 0)
                what = "scores below min_score";
            else if (strcmp(why, "unlisted") == 0)
                what = "is not listed in scores";
            else {
                str_fmt(buf, sizeof buf, "fails the required criterion \"%.60s\"",
                        in->crit[crit].name);
                what = buf;
            }
            if (err)
                str_fmt(err, errlen, "locked[%zu]: [\"%.60s\", \"%.60s\"] %s", i,
                        in->ids[MATCH_MENTEE][e], in->ids[MATCH_MENTOR][r], what);
            return -1;
        }
        if (--wants[e] < 0) {
            if (err)
                str_fmt(err, errlen,
                        "locked[%zu]: mentee \"%.60s\" is locked to more mentors "
                        "than it wants (%lld)",
                        i, in->ids[MATCH_MENTEE][e], (long long)in->count[MATCH_MENTEE][e]);
            return -1;
        }
        if (--caps[r] < 0) {
            if (err)
                str_fmt(err, errlen,
                        "locked[%zu]: mentor \"%.60s\" is locked to more mentees "
                        "than its capacity (%lld)",
                        i, in->ids[MATCH_MENTOR][r], (long long)in->count[MATCH_MENTOR][r]);
            return -1;
        }
    }
    return 0;
}

/* locked pairs become dead arcs: present (so never "pruned"), never used */
static void kill_locked(const match_instance *in, match_graph *g)
{
    match_ipair *add = xcalloc(in->nlocked + 1, sizeof *add);
    int64_t *w = xcalloc(in->nlocked + 1, sizeof *w);
    size_t n = 0;
    for (size_t i = 0; i < in->nlocked; i++) {
        int64_t a = match_graph_find(g, in->locked[i].mentee, in->locked[i].mentor);
        if (a >= 0)
            g->w[a] = -1;
        else {
            add[n] = in->locked[i];
            w[n++] = -1;
        }
    }
    match_graph_add(g, add, w, n);
    free(add);
    free(w);
}

typedef struct run {
    const match_model *m;
    match_graph *g;
    const int64_t *wants, *caps;
    const match_options *o;
    int threads, max_rounds;
    match_stats *st;
    double t_prove;
    int64_t margin;
} run;

static bool add_back(run *R, const match_check *c)
{
    if (!R->g->pruned)
        return false;
    double t = clock_mono();
    match_ipair *p = NULL;
    int64_t *w = NULL;
    size_t nbreak = 0;
    size_t scored = 0;
    size_t n = match_graph_violations(R->m, R->g, c, R->threads, &p, &w, &nbreak, &scored,
                                      R->o->progress, R->o->progress_ctx);
    R->st->scored += (int64_t)scored;
    /* proven when nothing breaks the certificate; otherwise add the
     * breakers and the near ones, which the next duals would likely break */
    if (nbreak) {
        match_graph_add(R->g, p, w, n);
        R->st->added_back += (int64_t)n;
    }
    free(p);
    free(w);
    R->t_prove += clock_mono() - t;
    return nbreak > 0;
}

/* total: returns the final flow; *proven when certified */
/* the previous flow on a graph that grew, for a warm start */
static uint8_t *carry_flow(const match_graph *g, const match_ipair *was, size_t n)
{
    uint8_t *x = xcalloc(g->narcs + 1, 1);
    for (size_t i = 0; i < n; i++) {
        int64_t a = match_graph_find(g, was[i].mentee, was[i].mentor);
        if (a >= 0)
            x[a] = 1;
    }
    return x;
}

static match_ipair *matched_pairs(const match_graph *g, const match_flow *f, size_t *n)
{
    match_ipair *p = xcalloc((size_t)f->matched + 1, sizeof *p);
    size_t k = 0;
    for (size_t e = 0; e < g->ne; e++)
        for (size_t a = g->off[e]; a < g->off[e + 1]; a++)
            if (f->x[a] && k < (size_t)f->matched)
                p[k++] = (match_ipair){(uint32_t)e, g->head[a]};
    *n = k;
    return p;
}

/* total: each round re-solves from the last one's flow and potentials
 * when the cost-scaling solver ran (only the added arcs are repaired) */
static void solve_total(run *R, match_flow *f, bool *proven)
{
    *proven = false;
    match_flow prev = {0};
    match_ipair *was = NULL;
    size_t nwas = 0;
    for (int round = 0;; round++) {
        uint8_t *wx = NULL;
        match_warm warm = {0};
        if (prev.pot) {
            wx = carry_flow(R->g, was, nwas);
            warm = (match_warm){wx, prev.pot, prev.npot};
        }
        match_flow_solve_warm(R->g, R->wants, R->caps, 0, prev.pot ? &warm : NULL,
                              MATCH_SOLVER_AUTO, f, R->o->progress, R->o->progress_ctx);
        free(wx);
        match_flow_cleanup(&prev);
        free(was);
        was = NULL;
        R->st->rounds = round + 1;
        if (!f->cert)
            return;
        match_check c = {.u = f->u,
                         .v = f->v,
                         .M = f->M,
                         .dual_thr_min = 0,
                         .margin = R->margin,
                         .caps = R->caps};
        was = matched_pairs(R->g, f, &nwas);
        if (!add_back(R, &c)) {
            *proven = true;
            free(was);
            return;
        }
        prev = *f;
        memset(f, 0, sizeof *f);
        if (round + 1 >= R->max_rounds) {
            /* out of rounds: the best on the grown graph, not proven */
            match_flow_cleanup(&prev);
            free(was);
            match_flow_solve(R->g, R->wants, R->caps, 0, f, R->o->progress, R->o->progress_ctx);
            return;
        }
    }
}

static void solve_fair(run *R, match_flow *f, bool *proven)
{
    *proven = false;
    const match_graph *g = R->g;
    for (int round = 0;; round++) {
        g = R->g;
        uint8_t *re0 = xcalloc(g->ne + 1, 1), *rr0 = xcalloc(g->nr + 1, 1);
        uint8_t *re1 = xcalloc(g->ne + 1, 1), *rr1 = xcalloc(g->nr + 1, 1);
        int64_t F = match_flow_maxcard(g, R->wants, R->caps, 0, re0, rr0);
        /* distinct live scores */
        int64_t *lv = xcalloc(g->narcs + 1, sizeof *lv);
        size_t nl = 0;
        for (size_t a = 0; a < g->narcs; a++)
            if (g->w[a] >= 0)
                lv[nl++] = g->w[a];
        qsort(lv, nl, sizeof *lv, cmp_i64);
        size_t nd = 0;
        for (size_t i = 0; i < nl; i++)
            if (!nd || lv[nd - 1] != lv[i])
                lv[nd++] = lv[i];
        /* largest index i with maxcard(lv[i]) == F */
        size_t lo = 0, hi = nd ? nd - 1 : 0;
        if (F > 0) {
            while (lo < hi) {
                size_t mid = (lo + hi + 1) / 2;
                if (match_flow_maxcard(g, R->wants, R->caps, lv[mid], NULL, NULL) == F)
                    lo = mid;
                else
                    hi = mid - 1;
            }
        }
        int64_t t = F > 0 && nd ? lv[lo] : 0;
        bool has_next = F > 0 && lo + 1 < nd;
        int64_t tnext = has_next ? lv[lo + 1] : 0;
        if (has_next)
            match_flow_maxcard(g, R->wants, R->caps, tnext, re1, rr1);
        match_flow_solve(g, R->wants, R->caps, t, f, R->o->progress, R->o->progress_ctx);
        R->st->rounds = round + 1;
        bool ok = f->cert && f->matched == F;
        bool again = false;
        if (ok) {
            match_check c = {
                .u = f->u, .v = f->v, .M = f->M, .dual_thr_min = t, .margin = R->margin};
            c.cut_e[0] = re0;
            c.cut_r[0] = rr0;
            c.cut_thr[0] = 0;
            if (has_next) {
                c.cut_e[1] = re1;
                c.cut_r[1] = rr1;
                c.cut_thr[1] = tnext;
            }
            again = add_back(R, &c);
        }
        free(lv);
        free(re0);
        free(rr0);
        free(re1);
        free(rr1);
        if (!ok)
            return;
        if (!again) {
            *proven = true;
            return;
        }
        if (round + 1 >= R->max_rounds) {
            /* out of rounds: keep the threshold, solve on the grown graph */
            match_flow_cleanup(f);
            match_flow_solve(R->g, R->wants, R->caps, t, f, R->o->progress, R->o->progress_ctx);
            return;
        }
        match_flow_cleanup(f);
    }
}

int match_solve(match_instance *in, const match_options *opts, match_result **out, char *err,
                size_t errlen)
{
    match_options defaults = {0};
    const match_options *o = opts ? opts : &defaults;
    double t0 = clock_mono();
    match_model m;
    match_graph g = {0};
    match_result *res = NULL;
    size_t ne = in->n[MATCH_MENTEE], nr = in->n[MATCH_MENTOR];
    int64_t *wants = xcalloc(ne + 1, sizeof *wants);
    int64_t *caps = xcalloc(nr + 1, sizeof *caps);
    if (ne)
        memcpy(wants, in->count[MATCH_MENTEE], ne * sizeof *wants);
    if (nr)
        memcpy(caps, in->count[MATCH_MENTOR], nr * sizeof *caps);
    *out = NULL;
    if (match_model_build(in, &m, err, errlen)) {
        free(wants);
        free(caps);
        return -1;
    }
    m.kernel = o->kernel ? o->kernel : match_kernel_best();
    if (check_locks(in, &m, wants, caps, err, errlen))
        goto fail;

    res = xcalloc(1, sizeof *res);
    res->objective = in->objective;
    res->ncrit = m.sparse ? 0 : in->ncrit;
    res->crit_names = xcalloc(res->ncrit + 1, sizeof(char *));
    for (size_t k = 0; k < res->ncrit; k++)
        res->crit_names[k] = xstrdup(in->crit[k].name);
    match_stats *st = &res->stats;

    int threads = match_threads(o->threads);
    int top_k = o->top_k;
    double t1 = clock_mono();
    /* stable proposes down each mentee's list in order: its arcs must be a
     * prefix of that list (its best top_k and its choices, no mentor lists) */
    match_graph_build(&m, top_k, in->objective == MATCH_STABLE ? 0 : -1, o->no_prune, wants, caps,
                      threads, &g, o->progress, o->progress_ctx);
    kill_locked(in, &g);
    st->t_score = clock_mono() - t1;
    st->scored = g.scored;

    run R = {&m,
             &g,
             wants,
             caps,
             o,
             threads,
             o->max_rounds > 0 ? o->max_rounds : 8,
             st,
             0,
             MATCH_SCALE / 100};
    match_ipair *sel = NULL;
    size_t nsel = 0;
    bool proven = false;
    double t2 = clock_mono();
    if (in->objective == MATCH_STABLE) {
        nsel = match_stable_run(&m, &g, wants, caps, &sel);
        proven = true;
        st->rounds = 1;
    } else {
        match_flow f;
        if (in->objective == MATCH_TOTAL)
            solve_total(&R, &f, &proven);
        else
            solve_fair(&R, &f, &proven);
        sel = xcalloc((size_t)f.matched + 1, sizeof *sel);
        for (size_t e = 0; e < ne; e++)
            for (size_t a = g.off[e]; a < g.off[e + 1]; a++)
                if (f.x[a])
                    sel[nsel++] = (match_ipair){(uint32_t)e, g.head[a]};
        match_flow_cleanup(&f);
    }
    st->t_prove = R.t_prove;
    st->t_solve = clock_mono() - t2 - R.t_prove;
    st->optimal = proven;
    st->candidates = (int64_t)g.narcs;

    /* the pairs: locked first, then the solver's */
    res->npairs = in->nlocked + nsel;
    res->pairs = xcalloc(res->npairs + 1, sizeof *res->pairs);
    for (size_t i = 0; i < res->npairs; i++) {
        match_pair *p = &res->pairs[i];
        bool locked = i < in->nlocked;
        p->mentee = locked ? in->locked[i].mentee : sel[i - in->nlocked].mentee;
        p->mentor = locked ? in->locked[i].mentor : sel[i - in->nlocked].mentor;
        p->locked = locked;
        if (res->ncrit)
            p->explain = xcalloc(res->ncrit, sizeof(double));
        match_model_pair(&m, p->mentee, p->mentor, &p->score, p->explain);
        p->iscore = match_iscore(p->score);
    }
    free(sel);
    qsort(res->pairs, res->npairs, sizeof *res->pairs, cmp_pair);
    match_report(in, &m, &g, res, proven && in->objective != MATCH_STABLE);
    st->t_total = clock_mono() - t0;
    match_graph_cleanup(&g);
    match_model_cleanup(&m);
    free(wants);
    free(caps);
    *out = res;
    return 0;
fail:
    match_result_free(res);
    match_graph_cleanup(&g);
    match_model_cleanup(&m);
    free(wants);
    free(caps);
    return -1;
}

void match_result_free(match_result *r)
{
    if (!r)
        return;
    for (size_t k = 0; k < r->ncrit; k++)
        free(r->crit_names[k]);
    free(r->crit_names);
    for (size_t i = 0; i < r->npairs; i++)
        free(r->pairs[i].explain);
    free(r->pairs);
    free(r->unmatched);
    for (size_t i = 0; i < r->nhard; i++)
        free(r->hard[i].reason);
    free(r->hard);
    free(r);
}
