/* participation.h - a person's enrolment in a program and its funnel
 * (product.md §4): the stages, the exits, and which moves are allowed.
 *
 * A participation's `status` is the last stage it reached or the exit it
 * took; every stage reached is recorded with its time (the funnel report
 * counts those records, not statuses).
 */
#ifndef TANDEM_DOMAIN_PARTICIPATION_H
#define TANDEM_DOMAIN_PARTICIPATION_H

#include <stdbool.h>

enum stage {
    STAGE_INVITED,
    STAGE_APPLIED,
    STAGE_APPROVED,
    STAGE_TRAINED,
    STAGE_MATCHED,
    STAGE_AGREEMENT_SIGNED,
    STAGE_GOALS_SET,
    STAGE_ACTIVE,
    STAGE_COMPLETED,
    /* exits */
    STAGE_DECLINED,
    STAGE_WITHDRAWN,
    STAGE_ENDED_EARLY,
    STAGE_COUNT
};
#define STAGE_FIRST_EXIT STAGE_DECLINED

const char *stage_name(enum stage s); /* "agreement_signed" ... */
int stage_parse(const char *name);    /* enum stage, or -1 */
bool stage_is_exit(enum stage s);

/* Participant roles that go through the funnel. */
bool participation_role_valid(const char *role); /* mentor, mentee, coordinator, viewer */

/* Whether a coordinator may move a participation from `from` to `to` by
 * review (approve, decline) or a participant may withdraw. NULL when the
 * move is allowed, else a static message saying why not. */
const char *participation_review(enum stage from, enum stage to);
const char *participation_withdraw(enum stage from);

#endif
