/* relationship.h - a mentoring relationship's status machine (product.md
 * §6): active <-> paused, -> closing, -> completed, or ended early by
 * either party; renewal while it is open. */
#ifndef TANDEM_DOMAIN_RELATIONSHIP_H
#define TANDEM_DOMAIN_RELATIONSHIP_H

#include <stdbool.h>
#include <stddef.h>
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

/* true while members may still work in a relationship in `status`:
 * active, paused or closing (not completed, not ended early). */
bool rel_status_open(const char *status);

/* The kind of a new relationship: "peer" for a peer circle, "group" for
 * a mentor with several mentees, else "one_to_one". */
const char *rel_kind(bool peer, size_t mentees);

/* true when a new relationship may have `mentees` mentees (or, for a
 * peer circle, members): 1 .. LIMIT_RELATIONSHIP_MEMBERS - 1, a peer
 * circle at least two; else false with why set. */
bool rel_members_check(bool peer, size_t mentees, char *why, size_t whylen);

/* The planned end of a relationship started at `start` lasting `months`
 * (calendar months, same day of month, clamped to the month's end). */
int64_t rel_planned_end(int64_t start, int months);

#endif
