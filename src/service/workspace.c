#include "service/workspace.h"

#include <jansson.h>

#include "base/str.h"
#include "domain/profile.h"

int svc_workspace_writable(const struct svc_rel *r, verr *e)
{
    if (!r->my_part)
        return svc_fail(e, SVC_FORBIDDEN, "",
                        "coordinators read relationships; the partners write in them");
    if (!rel_status_open(r->status))
        return svc_fail(e, SVC_REFUSED, "", "the relationship is %s; its workspace is read-only",
                        r->status);
    return SVC_OK;
}

/* The zone a person reads times in: their profile's in the program
 * (column `profile`, a JSON document), else their account's (`account`),
 * else UTC. */
static void zone_of(store_rows *rows, int profile, int account, char *out, size_t outlen)
{
    const char *tz = NULL;
    json_t *doc = profile >= 0 && !store_col_null(rows, profile)
                      ? json_loads(store_col_text(rows, profile), 0, NULL)
                      : NULL;
    tz = json_string_value(json_object_get(doc, "time_zone"));
    if (!tz || !profile_time_zone_valid(tz))
        tz = store_col_text(rows, account);
    str_fmt(out, outlen, "%s", tz && profile_time_zone_valid(tz) ? tz : "UTC");
    json_decref(doc);
}

static void read_person(store_rows *rows, struct svc_ws_person *p)
{
    p->person_id = store_col_int(rows, 0);
    p->participation_id = store_col_int(rows, 1);
    str_fmt(p->name, sizeof p->name, "%s", store_col_text(rows, 2));
    str_fmt(p->email, sizeof p->email, "%s", store_col_text(rows, 3));
    zone_of(rows, 5, 4, p->time_zone, sizeof p->time_zone);
}

int svc_workspace_others(store *db, const svc_actor *actor, int64_t rel_id,
                         struct svc_ws_person out[LIMIT_RELATIONSHIP_MEMBERS], size_t *n)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(rel_id), SV_INT(actor->person_id)};
    *n = 0;
    int rc =
        store_query(db,
                    "SELECT pe.id, m.participation_id, pe.name, pe.email, pe.time_zone, pa.profile "
                    "FROM relationship_members m JOIN participations pa ON pa.id = "
                    "m.participation_id JOIN people pe ON pe.id = pa.person_id "
                    "WHERE m.relationship_id = ?1 AND pe.id <> ?2 ORDER BY m.role DESC, "
                    "pe.name, m.participation_id",
                    p, 2, &rows);
    while (rc == STORE_OK && *n < LIMIT_RELATIONSHIP_MEMBERS && (rc = store_next(rows)) == 1) {
        read_person(rows, &out[(*n)++]);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

int svc_workspace_person(store *db, int64_t id, int64_t participation_id, struct svc_ws_person *out)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(id), SV_INT(participation_id)};
    int rc = store_query(db,
                         "SELECT pe.id, ?2, pe.name, pe.email, pe.time_zone, (SELECT pa.profile "
                         "FROM participations pa WHERE pa.id = ?2 AND pa.person_id = pe.id) "
                         "FROM people pe WHERE pe.id = ?1",
                         p, 2, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        read_person(rows, out);
        rc = SVC_OK;
    } else if (rc == 0) {
        rc = SVC_NOT_FOUND;
    }
    store_rows_free(rows);
    return rc;
}

void svc_workspace_link(char *out, size_t outlen, int64_t rel_id, const char *section)
{
    str_fmt(out, outlen, "%s/relationships/%lld%s%s", svc_public_url(), (long long)rel_id,
            section ? "/" : "", section ? section : "");
}

void svc_workspace_author(store_rows *rows, int col, struct svc_author *out)
{
    const char *role = store_col_text(rows, col + 3);
    out->participation_id = store_col_int(rows, col);
    out->person_id = store_col_int(rows, col + 1);
    str_fmt(out->name, sizeof out->name, "%s", store_col_text(rows, col + 2));
    str_fmt(out->role, sizeof out->role, "%s", role ? role : "");
}
