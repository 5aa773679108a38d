/* phase.h (service) - a relationship's place in its program's phase model
 * (product.md §2, §6): the current phase with its checklist, timeframe,
 * resources and exit criteria; ticking key actions; moving on (the rules
 * are domain/phase.h's). Every move is recorded in phase_moves. */
#ifndef TANDEM_SERVICE_PHASE_H
#define TANDEM_SERVICE_PHASE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "service/relationship.h"

/* One key action of the current phase. */
struct svc_phase_check {
    const char *text; /* borrowed from the program's configuration */
    bool done;
    int64_t done_by; /* person; 0 when not done or the person is gone */
    char done_by_name[LIMIT_NAME_BYTES + 1];
    int64_t done_at;
};

/* One move from phase to phase. */
struct svc_phase_move {
    int from, to;
    int64_t moved_at, moved_by; /* moved_by 0: gone */
    char moved_by_name[LIMIT_NAME_BYTES + 1];
    bool override;
};

struct svc_phase {
    int index;
    size_t count;        /* phases in the model */
    const json_t *items; /* borrowed: the model's phases (name, key_actions, ...) */
    const json_t *phase; /* borrowed: the current one, or NULL */
    int64_t timeframe_days, started_at, due_at;
    bool overdue, is_last;
    struct svc_phase_check *checks; /* owned, one per key action */
    size_t nchecks, unmet;
    struct svc_phase_move *moves; /* owned, oldest first */
    size_t nmoves;
};

/* Frees what *p owns; accepts an empty struct. */
void svc_phase_cleanup(struct svc_phase *p);

/* Relationship r's current phase in the model of cfg (which must outlive
 * *out: it borrows from it). A store status. */
int svc_phase_get(store *db, const struct svc_rel *r, const struct program_config *cfg,
                  struct svc_phase *out);

/* Ticks (done) or unticks key action `item` of phase `phase` (-1: the
 * current one) as the actor, a member of the open relationship. SVC_OK;
 * SVC_INVALID naming "phase" or "item"; SVC_REFUSED ("phase": not
 * started yet; or the relationship ended); SVC_FORBIDDEN; or a store
 * status. */
int svc_phase_check(store *db, const svc_actor *actor, const struct svc_rel *r,
                    const struct program_config *cfg, int64_t phase, int64_t item, bool done,
                    verr *e);

/* Moves r to the next phase when the exit criteria are met, or anyway
 * with `override` (the program's coordinators only: SVC_FORBIDDEN naming
 * "override" for a member). r->phase and r->phase_started_at are updated.
 * SVC_REFUSED when r has ended, at the last phase, when the criteria are
 * not met (naming "override", the message listing what is not done), or
 * when another move won meanwhile; or a store status. */
int svc_phase_advance(store *db, const svc_actor *actor, struct svc_rel *r,
                      const struct program_config *cfg, bool override, verr *e);

#endif
