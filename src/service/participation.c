#include "service/participation.h"

int svc_participation_stage(store *db, int64_t participation_id, enum stage s, int64_t now)
{
    store_val p[] = {SV_INT(participation_id), SV_TEXT(stage_name(s)), SV_INT(now),
                     SV_INT(stage_is_exit(s) ? -1 : (int)s)};
    int rc =
        store_exec(db,
                   "UPDATE participations SET status = ?2, updated_at = ?3, "
                   "furthest = CASE WHEN ?4 > furthest THEN ?4 ELSE furthest END WHERE id = ?1",
                   p, 4, NULL);
    if (rc != STORE_OK)
        return rc;
    return svc_participation_reached(db, participation_id, s, now);
}

int svc_participation_reached(store *db, int64_t participation_id, enum stage s, int64_t now)
{
    store_val p[] = {SV_INT(participation_id), SV_TEXT(stage_name(s)), SV_INT(now)};
    return store_exec(db,
                      "INSERT INTO participation_stages (participation_id, stage, reached_at) "
                      "VALUES (?1, ?2, ?3) ON CONFLICT (participation_id, stage) DO NOTHING",
                      p, 3, NULL);
}
