/* meeting.h - the rules of a relationship's meetings (product.md §2, §6)
 * that need no data: modes, statuses and the moves between them, and when
 * a meeting may be, be held, or move. Pure. */
#ifndef TANDEM_DOMAIN_MEETING_H
#define TANDEM_DOMAIN_MEETING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

#endif
