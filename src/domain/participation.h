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

/* The funnel report (product.md §8). Each stage counts the participations
 * that reached it, as the stage is defined: "invited" those a coordinator
 * invited, "applied" those who applied (invited or not), and so on; one
 * approved without applying is not counted as applied. A conversion is
 * measured on the same people: of those who reached the stage before, the
 * share who reached this one too; and of everyone in the funnel (everyone
 * who reached any stage), the share who reached this one.
 *
 * A participation's stages come as a set: bit s for stage s. */
typedef uint32_t stage_set;
#define STAGE_BIT(s) ((stage_set)1 << (s))

struct funnel {
    int64_t everyone;             /* participations that reached any stage */
    int64_t reached[STAGE_COUNT]; /* reached stage s (exits: 0, counted apart) */
    int64_t went_on[STAGE_COUNT]; /* reached stage s and the stage before it */
};

/* Adds n participations that reached the stages in `reached` (exit bits
 * are ignored). */
void participation_funnel_add(struct funnel *f, stage_set reached, int64_t n);

/* The conversion into stage s from the stage before it, or with
 * `from_first` the share of everyone in the funnel who reached s: false
 * when there is none (s is the first stage and !from_first, s is an exit,
 * or nobody is counted to measure from), else true with *rate in 0..1. */
bool participation_conversion(const struct funnel *f, enum stage s, bool from_first, double *rate);

#endif
