/* participation.h (service) - moving a participation along the funnel
 * (product.md §4). The rules of which moves are allowed are
 * domain/participation.h's; this records them. */
#ifndef TANDEM_SERVICE_PARTICIPATION_H
#define TANDEM_SERVICE_PARTICIPATION_H

#include <stddef.h>
#include <stdint.h>

#include "domain/participation.h"
#include "service/service.h"

/* Sets the participation's status to `s`, raises its furthest stage, and
 * records the time it reached the stage (the first time only). A store
 * status. */
int svc_participation_stage(store *db, int64_t participation_id, enum stage s, int64_t now);

/* Records that the participation reached `s` without changing its status
 * (a later stage already reached, or an exit, is kept). A store status. */
int svc_participation_reached(store *db, int64_t participation_id, enum stage s, int64_t now);

/* The actor's participation in the program in `role` ("mentee", ...) into
 * *id, 0 when none (a declined or withdrawn one counts). A store
 * status. */
int svc_participation_of(store *db, const svc_actor *actor, int64_t program_id, const char *role,
                         int64_t *id);

/* The statuses in which participation_eligible() can allow a match at all,
 * as an SQL list ("'approved', 'trained', ..."), so that a query narrows
 * its rows by the one rule instead of a copy of it. */
void svc_participation_matchable_sql(char *out, size_t outlen);

#endif
