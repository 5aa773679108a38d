/* report.c - the quality report of a result: counts, score distribution,
 * choices honoured, mentor load, unmatched and hard-to-match mentees. */
#include "match/engine.h"

#include "base/buf.h"
#include "base/mem.h"
#include "base/str.h"

#include <stdlib.h>
#include <string.h>

#define HARD_DETAIL_MAX 2000 /* mentees whose refusals are counted one by one */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static char *hard_reason(const match_instance *in, const match_model *m, size_t e, int64_t allowed,
                         bool detail)
{
    buf b;
    buf_init(&b, 1024);
    buf_printf(&b, "%lld allowed mentor%s", (long long)allowed, allowed == 1 ? "" : "s");
    if (detail && m->nr) {
        int64_t self = 0, forb = 0, minsc = 0, unl = 0;
        int64_t *req = xcalloc(m->ncrit + 1, sizeof *req);
        for (size_t r = 0; r < m->nr; r++) {
            size_t crit = 0;
            const char *why = match_model_refusal(m, e, r, &crit);
            if (!why)
                continue;
            if (strcmp(why, "self") == 0)
                self++;
            else if (strcmp(why, "forbidden") == 0)
                forb++;
            else if (strcmp(why, "min_score") == 0)
                minsc++;
            else if (strcmp(why, "unlisted") == 0)
                unl++;
            else
                req[crit]++;
        }
        const char *sep = ": ";
        for (size_t k = 0; k < m->ncrit; k++)
            if (req[k]) {
                buf_printf(&b, "%s%lld fail the required \"%s\"", sep, (long long)req[k],
                           in->crit[k].name);
                sep = ", ";
            }
        if (minsc) {
            buf_printf(&b, "%s%lld score below min_score", sep, (long long)minsc);
            sep = ", ";
        }
        if (forb) {
            buf_printf(&b, "%s%lld forbidden", sep, (long long)forb);
            sep = ", ";
        }
        if (unl) {
            buf_printf(&b, "%s%lld have no listed score", sep, (long long)unl);
            sep = ", ";
        }
        if (self)
            buf_printf(&b, "%sthe mentee is also a mentor", sep);
        free(req);
    }
    char *s = buf_take(&b);
    return s ? s : xstrdup("");
}

void match_report(const match_instance *in, const match_model *m, const match_graph *g,
                  match_result *r, bool maxcard_proven)
{
    size_t ne = in->n[MATCH_MENTEE], nr = in->n[MATCH_MENTOR];
    match_stats *st = &r->stats;
    int64_t *used = xcalloc(ne + 1, sizeof *used);
    int64_t *load = xcalloc(nr + 1, sizeof *load);
    double *sc = xcalloc(r->npairs + 1, sizeof *sc);
    st->matched = (int64_t)r->npairs;
    st->min_score = r->npairs ? 1.0 : 0.0;
    for (size_t i = 0; i < r->npairs; i++) {
        const match_pair *p = &r->pairs[i];
        used[p->mentee]++;
        load[p->mentor]++;
        sc[i] = p->score;
        st->total_score += p->score;
        st->total_iscore += p->iscore;
        if (p->score < st->min_score)
            st->min_score = p->score;
        int bin = (int)(p->score * MATCH_HIST_BINS);
        st->histogram[bin < 0 ? 0 : bin >= MATCH_HIST_BINS ? MATCH_HIST_BINS - 1 : bin]++;
    }
    if (r->npairs) {
        st->mean_score = st->total_score / (double)r->npairs;
        qsort(sc, r->npairs, sizeof *sc, cmp_double);
        size_t n = r->npairs;
        st->median_score = n % 2 ? sc[n / 2] : (sc[n / 2 - 1] + sc[n / 2]) / 2;
    }
    free(sc);

    /* choices honoured */
    int64_t got[3] = {0, 0, 0}, top3 = 0;
    for (size_t e = 0; e < ne; e++) {
        if (!in->nchoices[e])
            continue;
        st->with_choices++;
        bool any = false;
        for (uint32_t k = 0; k < in->nchoices[e] && k < 3; k++) {
            /* pairs are sorted by mentee: search e's range */
            size_t lo = 0, hi = r->npairs;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (r->pairs[mid].mentee < e)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (size_t i = lo; i < r->npairs && r->pairs[i].mentee == e; i++)
                if (r->pairs[i].mentor == in->choices[e][k]) {
                    got[k]++;
                    any = true;
                }
        }
        top3 += any;
    }
    for (int k = 0; k < 3; k++)
        st->choice_share[k] = st->with_choices ? (double)got[k] / (double)st->with_choices : 0;
    st->top3_share = st->with_choices ? (double)top3 / (double)st->with_choices : 0;

    /* mentor load */
    for (size_t j = 0; j < nr; j++) {
        st->load_used += load[j];
        st->load_capacity += in->count[MATCH_MENTOR][j];
        if (!load[j])
            st->mentors_idle++;
        if (load[j] >= in->count[MATCH_MENTOR][j])
            st->mentors_full++;
    }

    /* unmatched slots and hard-to-match mentees */
    size_t nu = 0, nh = 0, detail = 0;
    for (size_t e = 0; e < ne; e++) {
        if (used[e] < in->count[MATCH_MENTEE][e])
            nu++;
        if (g->allowed[e] < MATCH_HARD_K)
            nh++;
    }
    r->unmatched = xcalloc(nu + 1, sizeof *r->unmatched);
    r->hard = xcalloc(nh + 1, sizeof *r->hard);
    for (size_t e = 0; e < ne; e++) {
        int64_t wants = in->count[MATCH_MENTEE][e];
        int64_t allowed = g->allowed[e];
        if (used[e] < wants) {
            match_unmatched *u = &r->unmatched[r->nunmatched++];
            u->mentee = e;
            u->slots = wants - used[e];
            st->unmatched_slots += u->slots;
            if (!used[e])
                st->mentees_unmatched++;
            if (allowed == 0)
                u->reason = "no allowed mentor";
            else if (allowed <= used[e])
                u->reason = "fewer allowed mentors than wanted";
            else if (r->objective == MATCH_STABLE)
                u->reason = "every allowed mentor is full with mentees it ranks higher";
            else if (maxcard_proven)
                u->reason = "every allowed mentor is at capacity in the optimum";
            else
                u->reason = "no allowed mentor with free capacity among its candidates";
        }
        if (allowed < MATCH_HARD_K) {
            match_hard *h = &r->hard[r->nhard++];
            h->mentee = e;
            h->allowed = allowed;
            h->reason = hard_reason(in, m, e, allowed, detail++ < HARD_DETAIL_MAX);
        }
    }
    free(used);
    free(load);
}
