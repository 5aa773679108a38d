/* meeting.h - the rules of a relationship's meetings (product.md §2, §6)
 * that need no data: modes, statuses and the moves between them, and when
 * a meeting may be, be held, or move. Pure. */
#ifndef TANDEM_DOMAIN_MEETING_H
#define TANDEM_DOMAIN_MEETING_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/validate.h"

extern const char *const meeting_modes[];    /* in_person, video, phone, chat; NULL-ended */
extern const char *const meeting_statuses[]; /* scheduled, held, cancelled; NULL-ended */

/* NULL when a meeting may go from status `from` to `to` (scheduled to
 * anything; cancelled back to scheduled; staying put), else why not. */
const char *meeting_status_move(const char *from, const char *to);

/* NULL when a meeting may start at `starts_at` in a relationship that
 * began at `rel_started_at`: not more than LIMIT_MEETING_BEFORE_START_DAYS
 * days before it (a first meeting logged a little late is fine, one years
 * before is a typo). Else why not, naming the start. */
const char *meeting_start_check(int64_t starts_at, int64_t rel_started_at, char *why,
                                size_t whylen);

/* NULL when a meeting starting at `starts_at` may be marked held (or get
 * a recap) at `now`: it has started. Else why not. */
const char *meeting_held_check(int64_t starts_at, int64_t now);

/* NULL when a meeting in status `status` may move to start at `to` at
 * `now`: a held meeting cannot move into the future. */
const char *meeting_move_check(const char *status, int64_t to, int64_t now);

/* A mode in words: "video call", "in person", "phone call", "chat". */
const char *meeting_mode_words(const char *mode);

/* What a meeting is made of, or what changes (set_* false, NULL keeps).
 * Strings and lists are borrowed from the body they were read from. */
struct meeting_change {
    bool set_starts_at;
    int64_t starts_at;
    bool set_minutes;
    int64_t minutes; /* 1..LIMIT_MEETING_MINUTES */
    const char *time_zone, *mode, *location;
    bool set_agenda;
    const json_t *agenda;     /* strings; NULL with set_agenda clears */
    const char *status;       /* scheduled, held, cancelled */
    const json_t *recap;      /* a checked {discussed, decisions, next_steps}; marks it held */
    const json_t *attendance; /* {"<participation id>": true|false|null} */
    int64_t rating;           /* 1-5, the actor's own; 0 none */
};

/* Reads a meeting's body (POST with `create`: schedule; PATCH: reschedule,
 * cancel, hold with a recap, attendance, rating) into *out (zeroed):
 * starts_at an RFC 3339 instant in the LIMIT_YEAR range (required on
 * create, never null), duration_minutes 1..LIMIT_MEETING_MINUTES, mode and
 * status among theirs, an agenda of strings, a recap of the three known
 * texts, attendance an object (its keys are the service's to check), a
 * rating 1-5. *recap receives a new clean recap (NULL when none; the
 * caller frees it, also on failure) that out->recap borrows. Stops at
 * the first bad field, named in e. Returns 0 or -1. Pure. */
int meeting_change_read(const json_t *body, bool create, struct meeting_change *out, json_t **recap,
                        verr *e);

#endif
