/* rematch.h (service) - mentees to match again (issue 12): a mentee whose
 * relationship ended early, or whose pairing the coordinator agreed did
 * not fit, waits in the program's rematch queue until a relationship
 * starts for them (or the coordinator takes them out). The queue is
 * shown on the matching page; the next proposal takes its mentees first
 * (service/match_input.h), and one it could not place shows "no match
 * found" with the engine's reason. A coordinator may also reassign a
 * mentee to another mentor at once. */
#ifndef TANDEM_SERVICE_REMATCH_H
#define TANDEM_SERVICE_REMATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "domain/program.h"
#include "service/relationship.h"

struct svc_rematch_item {
    int64_t participation_id, person_id, relationship_id, ended_at;
    char name[LIMIT_NAME_BYTES + 1];
    char former_mentor[LIMIT_NAME_BYTES + 1];
    char reason[16];        /* ended_early, pairing_fit */
    char end_reason[400];   /* what was said when it ended */
    bool no_match;          /* the latest proposal since could not place them */
    char no_match_why[200]; /* the engine's reason */
    int64_t no_match_run;   /* that proposal */
};

/* The program's queue, longest waiting first (at most
 * LIMIT_REMATCH_LISTED). *out (free) receives *n. A store status. */
int svc_rematch_list(store *db, int64_t program_id, struct svc_rematch_item **out, size_t *n);

/* The participation ids of the program's queue, in queue order, for the
 * matching engine's input. *ids (free) receives *n. A store status. */
int svc_rematch_queue_ids(store *db, int64_t program_id, int64_t **ids, size_t *n);

/* The coordinator agrees that open relationship *r does not fit (its
 * pairing-fit answer was "No"): it ends early, without blame, with the
 * reason, and its mentees wait in the queue marked pairing_fit. *r is
 * reloaded. Statuses as svc_relationship_change; SVC_FORBIDDEN for anyone
 * but a coordinator. */
int svc_rematch_agree(store *db, const svc_actor *actor, struct svc_rel *r,
                      const struct program_config *cfg, const char *reason, int64_t version,
                      verr *e);

/* Takes mentee participation `part` out of the program's queue (they do
 * not want another mentor now). SVC_NOT_FOUND when they are not in it. */
int svc_rematch_dismiss(store *db, const svc_actor *actor, int64_t program_id, int64_t part,
                        verr *e);

/* Reassigns the mentee(s) of open relationship *r to mentor participation
 * `mentor`: *r ends early with the reason, and a new relationship starts
 * with the new mentor, every matching rule checked
 * (svc_relationship_create: "mentor" names a refusal). One transaction:
 * nothing changes unless both succeed. *new_id is the new relationship. */
int svc_rematch_reassign(store *db, const svc_actor *actor, struct svc_rel *r,
                         const struct program_config *cfg, int64_t mentor, const char *reason,
                         int64_t version, int64_t *new_id, verr *e);

#endif
