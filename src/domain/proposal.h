/* proposal.h - what the bodies of a matching run give (product.md §5):
 * the run's own objective and minimum score, and a coordinator's hand
 * edit of a proposed pair. Pure readers; the run itself is
 * service/proposals.h's, the engine src/match/'s. */
#ifndef TANDEM_DOMAIN_PROPOSAL_H
#define TANDEM_DOMAIN_PROPOSAL_H

#include <jansson.h>
#include <stdint.h>

#include "domain/validate.h"

/* Reads the body of POST /programs/{id}/match-runs: `objective` (total,
 * fair, stable) and `min_score` (0..1), each replacing *objective and
 * *min_score (which hold the program's) when given - for this run only.
 * Stops at the first bad field, named in e. Returns 0 or -1. */
int proposal_run_read(const json_t *body, const char **objective, double *min_score, verr *e);

/* The hand edits of a proposed run, in the order of their names. */
enum proposal_pair_action {
    PAIR_LOCK,
    PAIR_UNLOCK,
    PAIR_EXCLUDE,
    PAIR_INCLUDE,
    PAIR_ADD,
    PAIR_REMOVE
};

/* Reads the body of POST .../match-runs/{id}/pairs: the action (lock,
 * unlock, exclude, include, add, remove) and the mentee's and mentor's
 * participation ids (required, 1..INT64_MAX/2). Stops at the first bad
 * field, named in e. Returns 0 or -1. */
int proposal_pair_read(const json_t *body, enum proposal_pair_action *action, int64_t *mentee,
                       int64_t *mentor, verr *e);

#endif
