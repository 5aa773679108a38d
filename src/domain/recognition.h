/* recognition.h - milestones and badges (product.md §2, §7; issue 12 item
 * 6; docs/internals/resources.md): the kinds of milestone a participation
 * reaches, the hours of mentoring that count as one, and how a person's
 * milestones become the badges on their profile. Pure.
 */
#ifndef TANDEM_DOMAIN_RECOGNITION_H
#define TANDEM_DOMAIN_RECOGNITION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/validate.h"

enum rec_kind {
    REC_FIRST_MEETING,          /* the first meeting of a relationship was held */
    REC_AGREEMENT_SIGNED,       /* every member signed the partnership agreement */
    REC_FIRST_GOAL_ACHIEVED,    /* a relationship's first goal was achieved */
    REC_HOURS,                  /* hours of mentoring in the program (a threshold) */
    REC_RELATIONSHIP_COMPLETED, /* a relationship was completed (closed, not ended early) */
    REC_PROGRAM_COMPLETED,      /* the participation reached the funnel stage completed */
    REC_HIGHLIGHTED,            /* a coordinator highlighted the relationship */
    REC_KIND_COUNT
};

/* "first_meeting", "agreement_signed", "first_goal_achieved", "hours",
 * "relationship_completed", "program_completed", "highlighted"; NULL
 * past the end. */
const char *rec_kind_name(enum rec_kind k);
/* The kind named `name`, or -1. */
int rec_kind_parse(const char *name);
/* true for the kinds reached once per relationship (scope: the
 * relationship); hours and program completed count over the program. */
bool rec_kind_per_relationship(enum rec_kind k);

/* The hours of mentoring that are milestones, ascending. */
#define REC_HOURS_COUNT 7
extern const int rec_hours_thresholds[REC_HOURS_COUNT]; /* 1, 5, 10, 25, 50, 100, 250 */

/* The thresholds reached by `minutes` of mentoring (a threshold of h hours
 * is reached at h * 60 minutes), ascending, into out; returns how many. */
size_t rec_hours_reached(int64_t minutes, int out[REC_HOURS_COUNT]);

/* What a person reads: "First meeting", "Agreement signed", "First goal
 * achieved", "10 hours of mentoring" (threshold 10; "1 hour of mentoring"),
 * "Relationship completed", "Program completed", "Highlighted". */
void rec_label(enum rec_kind k, int threshold, char *out, size_t outlen);

/* One milestone reached. */
struct rec_milestone {
    enum rec_kind kind;
    int threshold; /* hours; 0 for the other kinds */
    int64_t reached_at;
};

/* A badge: the milestones of one kind, taken together. */
struct rec_badge {
    enum rec_kind kind;
    int threshold; /* hours: the highest reached */
    size_t count;  /* milestones of the kind (relationships it happened in); 1 for hours */
    int64_t first_at, last_at; /* when the first and the last of them were reached
                                  (hours: the highest threshold's) */
};

/* The badges of milestones m[0..n), one per kind reached, in the order of
 * enum rec_kind, into out; returns how many. */
size_t rec_badges(const struct rec_milestone *m, size_t n, struct rec_badge out[REC_KIND_COUNT]);

/* Reads the body of POST /relationships/{rid}/kudos: `to` (a positive
 * participation id; 0 when absent: the service picks the other member)
 * and `message` (a string of at most LIMIT_KUDOS_BYTES without NUL;
 * whether it says something is the service's rule), borrowed. Names
 * every bad field. Returns 0 or -1. */
int kudos_input_read(const json_t *body, int64_t *to, const char **message, verr *e);

/* Reads the body of PUT .../highlight: `text`, required, not blank, at
 * most LIMIT_HIGHLIGHT_BYTES, borrowed. Returns 0, or -1 naming it. */
int highlight_input_read(const json_t *body, const char **text, verr *e);

#endif
