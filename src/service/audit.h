/* audit.h - the audit trail: who changed what, recorded in the same
 * transaction as the change, so one never exists without the other. */
#ifndef TANDEM_SERVICE_AUDIT_H
#define TANDEM_SERVICE_AUDIT_H

#include <jansson.h>

#include "service/service.h"

/* Records `action` ("relationship.create") on `entity` ("relationship")
 * `entity_id` by the actor, with detail (reference stolen; may be NULL).
 * A store status. */
int svc_audit(store *db, const svc_actor *actor, const char *action, const char *entity,
              int64_t entity_id, json_t *detail);

#endif
