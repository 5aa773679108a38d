/* phase.h - moving through a program's phase model (product.md §2, §6):
 * which phase's checklist may be ticked, when the exit criteria are met,
 * and whether the relationship may move on. Pure.
 *
 * A phase's exit criteria count as met when every key action of the phase
 * is ticked (a phase without key actions is met at once); the criteria
 * texts are guidance for the partners. */
#ifndef TANDEM_DOMAIN_PHASE_H
#define TANDEM_DOMAIN_PHASE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/validate.h"

/* How many of the n key actions are not ticked (done[i] false). */
size_t phase_unmet(const bool *done, size_t n);

/* Whether a relationship in phase `current` may move on, of `count`
 * phases, with `unmet` key actions not done, asked with `override` by a
 * coordinator (or not). */
enum phase_move {
    PHASE_MOVE_OK,
    PHASE_MOVE_LAST,        /* there is no next phase */
    PHASE_MOVE_UNMET,       /* the exit criteria are not met */
    PHASE_MOVE_NOT_ALLOWED, /* override asked by someone who may not */
};
enum phase_move phase_advance(int current, size_t count, size_t unmet, bool override,
                              bool coordinator);

/* NULL when the checklist of phase `phase` may be ticked while the
 * relationship is in phase `current` (the current or an earlier one). */
const char *phase_check_allowed(int64_t phase, int current);

/* When the phase that started at `started` with a timeframe of `days` is
 * due (started when days <= 0), and whether it is overdue at `now`
 * (never for a timeframe of 0, or a relationship no longer open). */
int64_t phase_due(int64_t started, int64_t days);
bool phase_overdue(int64_t started, int64_t days, bool open, int64_t now);

/* Reads the body of POST .../phase/check: `phase` (0..INT32_MAX; -1 when
 * absent: the current one), `item` (required, 0..INT32_MAX) and `done`
 * (default true). Stops at the first bad field, named in e. Returns 0 or
 * -1. Whether the phase and item exist is the service's to say. */
int phase_check_read(const json_t *body, int64_t *phase, int64_t *item, bool *done, verr *e);

/* Reads the body of POST .../phase/advance: `override` (default false).
 * Returns 0, or -1 naming the field. */
int phase_advance_read(const json_t *body, bool *override, verr *e);

#endif
