#include "service/participation.h"

#include <stdio.h>

#include "service/followup.h"

int svc_participation_stage(store *db, int64_t participation_id, enum stage s, int64_t now)
{
    store_val p[] = {SV_INT(participation_id), SV_TEXT(stage_name(s)), SV_INT(now),
                     SV_INT(stage_is_exit(s) ? -1 : (int)s)};
    int rc =
        store_exec(db,
                   "UPDATE participations SET status = ?2, updated_at = ?3, "
                   "furthest = CASE WHEN ?4 > furthest THEN ?4 ELSE furthest END WHERE id = ?1",
                   p, 4, NULL);
    if (rc != STORE_OK ||
        (rc = svc_participation_reached(db, participation_id, s, now)) != STORE_OK)
        return rc;
    return s == STAGE_TRAINED ? svc_followup_trained(db, participation_id, now) : STORE_OK;
}

int svc_participation_reached(store *db, int64_t participation_id, enum stage s, int64_t now)
{
    store_val p[] = {SV_INT(participation_id), SV_TEXT(stage_name(s)), SV_INT(now)};
    return store_exec(db,
                      "INSERT INTO participation_stages (participation_id, stage, reached_at) "
                      "VALUES (?1, ?2, ?3) ON CONFLICT (participation_id, stage) DO NOTHING",
                      p, 3, NULL);
}

int svc_participation_of(store *db, const svc_actor *actor, int64_t program_id, const char *role,
                         int64_t *id)
{
    *id = 0;
    store_val p[] = {SV_INT(program_id), SV_INT(actor->person_id), SV_TEXT(role)};
    int rc = store_query_int(db,
                             "SELECT id FROM participations WHERE program_id = ?1 AND "
                             "person_id = ?2 AND role = ?3",
                             p, 3, id);
    return rc < 0 ? rc : STORE_OK;
}

void svc_participation_matchable_sql(char *out, size_t outlen)
{
    size_t used = 0;
    out[0] = '\0';
    for (int s = 0; s < STAGE_COUNT; s++) {
        if (participation_eligible((enum stage)s, true, false) != ELIGIBLE)
            continue;
        int n = snprintf(out + used, outlen - used, "%s'%s'", used ? ", " : "",
                         stage_name((enum stage)s));
        if (n < 0 || (size_t)n >= outlen - used)
            break;
        used += (size_t)n;
    }
}
