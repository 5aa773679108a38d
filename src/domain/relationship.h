/* relationship.h - a mentoring relationship's status machine (product.md
 * §6): active <-> paused, -> closing, -> completed, or ended early by
 * either party; renewal while it is open. */
#ifndef TANDEM_DOMAIN_RELATIONSHIP_H
#define TANDEM_DOMAIN_RELATIONSHIP_H

#include <stdbool.h>
#include <stdint.h>

/* The actions of PATCH /relationships/{rid}. */
enum rel_action { REL_PAUSE, REL_RESUME, REL_START_CLOSING, REL_CLOSE, REL_END_EARLY, REL_RENEW };

int rel_action_parse(const char *s); /* enum rel_action, or -1 */
const char *rel_action_name(enum rel_action a);

/* NULL when `action` may be taken on a relationship in `status` with
 * `renewals` done of `renewals_allowed`; else a static message. *next
 * receives the status after the action. */
const char *rel_transition(const char *status, enum rel_action action, int renewals,
                           int renewals_allowed, const char **next);

/* The planned end of a relationship started at `start` lasting `months`
 * (calendar months, same day of month, clamped to the month's end). */
int64_t rel_planned_end(int64_t start, int months);

#endif
