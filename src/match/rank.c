#include "match/rank.h"

#include <stdlib.h>

#include "base/mem.h"
#include "match/engine.h"

static int by_rank(const void *a, const void *b)
{
    const match_ranked *x = a, *y = b;
    if (x->allowed != y->allowed)
        return x->allowed ? -1 : 1;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->mentor < y->mentor ? -1 : x->mentor > y->mentor;
}

int match_rank(const match_instance *in, size_t e, match_ranking **out, char *err, size_t errlen)
{
    *out = NULL;
    if (e >= in->n[MATCH_MENTEE]) {
        if (err && errlen)
            err[0] = '\0';
        return -1;
    }
    match_model m;
    if (match_model_build(in, &m, err, errlen))
        return -1;
    match_ranking *r = xcalloc(1, sizeof *r);
    r->n = m.nr;
    r->ncrit = m.sparse ? 0 : m.ncrit;
    r->items = xcalloc(r->n ? r->n : 1, sizeof *r->items);
    r->crit_names = xcalloc(r->ncrit ? r->ncrit : 1, sizeof *r->crit_names);
    for (size_t k = 0; k < r->ncrit; k++)
        r->crit_names[k] = in->crit[k].name;
    for (size_t j = 0; j < m.nr; j++) {
        match_ranked *it = &r->items[j];
        it->mentor = j;
        if (r->ncrit)
            it->explain = xcalloc(r->ncrit, sizeof *it->explain);
        it->allowed = match_model_pair(&m, e, j, &it->score, it->explain);
        if (!it->allowed) {
            size_t crit = 0;
            const char *why = match_model_refusal(&m, e, j, &crit);
            it->refusal = why && why[0] == 'r' && crit < in->ncrit ? in->crit[crit].name : why;
        }
    }
    match_model_cleanup(&m);
    qsort(r->items, r->n, sizeof *r->items, by_rank);
    *out = r;
    return 0;
}

void match_ranking_free(match_ranking *r)
{
    if (!r)
        return;
    for (size_t j = 0; j < r->n; j++)
        free(r->items[j].explain);
    free(r->items);
    free(r->crit_names);
    free(r);
}
