#include "service/audit.h"

#include <stdlib.h>

#include "base/clock.h"

int svc_audit(store *db, const svc_actor *actor, const char *action, const char *entity,
              int64_t entity_id, json_t *detail)
{
    char *d = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
    json_decref(detail);
    store_val p[] = {SV_INT(clock_now()), actor->person_id ? SV_INT(actor->person_id) : SV_NULL,
                     SV_TEXT(action),     SV_TEXT(entity),
                     SV_INT(entity_id),   SV_TEXT(d ? d : "{}")};
    int rc = store_exec(db,
                        "INSERT INTO audit_events (at, actor_id, action, entity, entity_id, "
                        "detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        p, 6, NULL);
    free(d);
    return rc;
}
