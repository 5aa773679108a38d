/* rank.h - scoring one mentee against mentors, for self-matching
 * recommendations and for a coordinator's hand-made pair: the same
 * criteria, constraints and arithmetic as match_solve, without solving.
 */
#ifndef TANDEM_MATCH_RANK_H
#define TANDEM_MATCH_RANK_H

#include <stdbool.h>
#include <stddef.h>

#include "match/match.h"

typedef struct match_ranked {
    size_t mentor;       /* index into the instance */
    double score;        /* in [0, 1] */
    bool allowed;        /* not self, not forbidden, required criteria met, >= min_score */
    const char *refusal; /* when not allowed: "self", "forbidden", "min_score",
                               "unlisted", or the name of the required criterion that failed */
    double *explain;     /* one share per criterion, in criterion order (NULL in the scores form) */
} match_ranked;

typedef struct match_ranking {
    match_ranked
        *items; /* every mentor, best first: allowed before not, then score, then input order */
    size_t n;
    size_t ncrit;
    const char **crit_names; /* borrowed from the instance */
} match_ranking;

/* Scores mentee `e` of the instance against every mentor. On success *out
 * is a new ranking the caller frees with match_ranking_free. Fails (-1,
 * message in err) when the instance is not consistent. */
int match_rank(const match_instance *in, size_t e, match_ranking **out, char *err, size_t errlen);
void match_ranking_free(match_ranking *r); /* NULL is fine */

#endif
