/* participation.h (service) - moving a participation along the funnel
 * (product.md §4). The rules of which moves are allowed are
 * domain/participation.h's; this records them. */
#ifndef TANDEM_SERVICE_PARTICIPATION_H
#define TANDEM_SERVICE_PARTICIPATION_H

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

#endif
