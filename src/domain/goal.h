/* goal.h - the rules of goals and milestones (product.md §2) that need no
 * data: the statuses, when a target or due date may be set, and when one
 * is overdue. Dates are "YYYY-MM-DD" calendar dates; "today" is the
 * caller's (in the reader's time zone: when_date()). Pure. */
#ifndef TANDEM_DOMAIN_GOAL_H
#define TANDEM_DOMAIN_GOAL_H

#include <stdbool.h>

extern const char *const goal_statuses[]; /* open, achieved, dropped; NULL-ended */

/* NULL when `date` (may be NULL: no date) may be set as a new target or
 * due date on `today`: not in the past. Else why not. A date already set
 * that has passed stays (it is overdue, see below). */
const char *goal_date_check(const char *date, const char *today);

/* true when an open goal's target date has passed. */
bool goal_overdue(const char *target_date, const char *status, const char *today);

/* true when a milestone not done has passed its due date. */
bool milestone_overdue(const char *due_date, bool done, const char *today);

#endif
