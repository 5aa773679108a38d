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
#include <stdint.h>

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

/* Whether a participation may be matched now - the one rule behind
 * creating a relationship and building the matching engine's input:
 * approved or further along (one whose relationship ended early may be
 * matched again), not declined or withdrawn, not completed (a
 * participation completes only when no place of it is left for
 * matching), and trained when the program's training gates matching
 * (`training_gate`). */
enum eligibility { ELIGIBLE, NOT_APPROVED, NOT_TRAINED, COMPLETED };
enum eligibility participation_eligible(enum stage status, bool trained, bool training_gate);

/* The funnel report. Someone counts at every stage up to the furthest
 * they reached (`furthest`, an enum stage before the exits; -1 for
 * none): who applied without an invitation, or was approved without
 * applying, still passed the stages before, so the funnel never widens.
 * Adds n such participations to counts. */
void participation_funnel_add(int64_t counts[STAGE_COUNT], int furthest, int64_t n);

/* The conversion into stage s from the stage before it, or with
 * `from_first` from the first stage: false when there is none (s is the
 * first stage or an exit, or nobody reached the stage it is measured
 * from), else true with *rate in 0..1. */
bool participation_conversion(const int64_t counts[STAGE_COUNT], enum stage s, bool from_first,
                              double *rate);

#endif
