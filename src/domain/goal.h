/* goal.h - the rules of goals and milestones (product.md §2) that need no
 * data: the statuses, when a target or due date may be set, and when one
 * is overdue. Dates are "YYYY-MM-DD" calendar dates; "today" is the
 * caller's (in the reader's time zone: when_date()). Pure. */
#ifndef TANDEM_DOMAIN_GOAL_H
#define TANDEM_DOMAIN_GOAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "domain/validate.h"

extern const char *const goal_statuses[]; /* open, achieved, dropped; NULL-ended */

/* NULL when `date` (may be NULL: no date) may be set as a new target or
 * due date on `today`: not in the past. Else why not. A date already set
 * that has passed stays (it is overdue, see below). */
const char *goal_date_check(const char *date, const char *today);

/* true when an open goal's target date has passed. */
bool goal_overdue(const char *target_date, const char *status, const char *today);

/* true when a milestone not done has passed its due date. */
bool milestone_overdue(const char *due_date, bool done, const char *today);

/* What a goal is made of, or what changes: NULL (or set_* false) keeps.
 * Strings are borrowed from the body they were read from. */
struct goal_change {
    const char *statement, *measure, *why, *status;
    const char *target_date; /* YYYY-MM-DD, or NULL with set_target_date to clear it */
    bool set_target_date;
    int64_t progress;
    bool set_progress;
};

/* Reads a goal's body (POST with `create`, PATCH without) into *out,
 * which starts zeroed: the known keys, a statement (required on create,
 * never null), measure and why of at most LIMIT_WORKSPACE_SHORT_BYTES, a
 * target date (YYYY-MM-DD in the LIMIT_YEAR range, or null to clear it),
 * a status among goal_statuses, progress 0-100. Absent fields are kept.
 * Stops at the first bad field, named in e. Returns 0 or -1. Pure. */
int goal_change_read(const json_t *body, bool create, struct goal_change *out, verr *e);

/* What a milestone is made of, or what changes. */
struct milestone_change {
    const char *title;    /* NULL keeps (required on creation) */
    const char *due_date; /* YYYY-MM-DD, or NULL with set_due_date to clear it */
    bool set_due_date;
    int done; /* -1 keeps, 0 not done, 1 done (ticking again keeps the first time) */
};

/* Reads a milestone's body into *out (zeroed): a one-line title
 * (required on create, never null), a due date as goal_change_read's
 * target date, and on PATCH `done` (a boolean; absent keeps: -1). Stops
 * at the first bad field, named in e. Returns 0 or -1. Pure. */
int milestone_change_read(const json_t *body, bool create, struct milestone_change *out, verr *e);

#endif
