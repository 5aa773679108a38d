#include "api/relationship.h"

#include <string.h>

#include "api/enrolment.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/str.h"
#include "service/participation.h"
#include "service/outbox.h"

bool rel_is_open(const struct rel *r)
{
    return strcmp(r->status, "active") == 0 || strcmp(r->status, "paused") == 0 ||
           strcmp(r->status, "closing") == 0;
}

int rel_load(api_ctx *c, int64_t id, enum perm_access need, struct rel *out)
{
    memset(out, 0, sizeof *out);
    store_rows *rows;
    store_val p[] = {SV_INT(id)};
    int rc =
        store_query(c->db,
                    "SELECT id, program_id, kind, status, phase, phase_started_at, started_at, "
                    "planned_end_at, ended_at, renewals, version FROM relationships WHERE id = ?1",
                    p, 1, &rows);
    if (rc != STORE_OK)
        return rc;
    if ((rc = store_next(rows)) != 1) {
        store_rows_free(rows);
        return rc < 0 ? rc : SVC_NOT_FOUND;
    }
    out->id = store_col_int(rows, 0);
    out->program_id = store_col_int(rows, 1);
    str_fmt(out->kind, sizeof out->kind, "%s", store_col_text(rows, 2));
    str_fmt(out->status, sizeof out->status, "%s", store_col_text(rows, 3));
    out->phase = (int)store_col_int(rows, 4);
    out->phase_started_at = store_col_int(rows, 5);
    out->started_at = store_col_int(rows, 6);
    out->planned_end_at = store_col_int(rows, 7);
    out->ended_at = store_col_int(rows, 8);
    out->renewals = (int)store_col_int(rows, 9);
    out->version = store_col_int(rows, 10);
    store_rows_free(rows);

    store_val q[] = {SV_INT(id), SV_INT(c->actor.person_id)};
    if ((rc = store_query(c->db,
                          "SELECT m.participation_id, m.role FROM relationship_members m "
                          "JOIN participations pa ON pa.id = m.participation_id "
                          "WHERE m.relationship_id = ?1 AND pa.person_id = ?2 ORDER BY m.role",
                          q, 2, &rows)) != STORE_OK)
        return rc;
    if ((rc = store_next(rows)) == 1) {
        out->my_part = store_col_int(rows, 0);
        str_fmt(out->my_role, sizeof out->my_role, "%s", store_col_text(rows, 1));
    }
    store_rows_free(rows);
    if (rc < 0)
        return rc;
    out->roles = api_program_roles(c, out->program_id);
    if (out->my_part) {
        return SVC_OK; /* members read and write their own relationship */
    }
    enum perm_access a = perm_relationship_access(out->roles, false);
    if (a == PERM_NONE)
        return SVC_NOT_FOUND;
    return (a & need) == need ? SVC_OK : SVC_FORBIDDEN;
}

int rel_open(api_ctx *c, int param, enum perm_access need, struct rel *out)
{
    int64_t id;
    if (api_param_id(c, param, &id))
        return -1;
    int rc = rel_load(c, id, need, out);
    if (rc == SVC_FORBIDDEN)
        return api_problem(c, 403, NULL,
                           "coordinators read relationships; the partners write in them");
    return rc == SVC_OK ? 0 : api_fail(c, rc, NULL);
}

int rel_open_writable(api_ctx *c, struct rel *out)
{
    if (rel_open(c, 0, PERM_WRITE, out))
        return -1;
    if (!rel_is_open(out))
        return api_problem(c, 409, NULL, "the relationship is %s; its workspace is read-only",
                           out->status);
    return 0;
}

json_t *rel_members_json(store *db, int64_t rel_id)
{
    json_t *a = json_array();
    store_rows *rows;
    store_val p[] = {SV_INT(rel_id)};
    if (store_query(
            db,
            "SELECT m.participation_id, pa.person_id, pe.name, m.role FROM relationship_members m "
            "JOIN participations pa ON pa.id = m.participation_id JOIN people pe ON pe.id = "
            "pa.person_id "
            "WHERE m.relationship_id = ?1 ORDER BY m.role DESC, pe.name",
            p, 1, &rows) != STORE_OK)
        return a;
    while (store_next(rows) == 1)
        json_array_append_new(a,
                              json_pack("{s:I, s:I, s:s, s:s}", "participation_id",
                                        (json_int_t)store_col_int(rows, 0), "person_id",
                                        (json_int_t)store_col_int(rows, 1), "name",
                                        store_col_text(rows, 2), "role", store_col_text(rows, 3)));
    store_rows_free(rows);
    return a;
}

int rel_stage_all(store *db, int64_t rel_id, enum stage s, int64_t now)
{
    store_rows *rows;
    store_val p[] = {SV_INT(rel_id)};
    int64_t ids[LIMIT_RELATIONSHIP_MEMBERS];
    int n = 0;
    int rc = store_query(
        db, "SELECT participation_id FROM relationship_members WHERE relationship_id = ?1", p, 1,
        &rows);
    if (rc != STORE_OK)
        return rc;
    while (n < LIMIT_RELATIONSHIP_MEMBERS && store_next(rows) == 1)
        ids[n++] = store_col_int(rows, 0);
    store_rows_free(rows);
    for (int i = 0; i < n; i++) {
        /* Only forward: a later stage already reached is kept as the status. */
        store_rows *st;
        store_val q[] = {SV_INT(ids[i])};
        if ((rc = store_query(db, "SELECT status FROM participations WHERE id = ?1", q, 1, &st)) !=
            STORE_OK)
            return rc;
        int cur = store_next(st) == 1 ? stage_parse(store_col_text(st, 0)) : -1;
        store_rows_free(st);
        if (cur >= 0 && (cur >= (int)s || stage_is_exit((enum stage)cur))) {
            store_val r[] = {SV_INT(ids[i]), SV_TEXT(stage_name(s)), SV_INT(now)};
            rc =
                store_exec(db,
                           "INSERT INTO participation_stages (participation_id, stage, reached_at) "
                           "VALUES (?1, ?2, ?3) ON CONFLICT (participation_id, stage) DO NOTHING",
                           r, 3, NULL);
        } else {
            rc = svc_participation_stage(db, ids[i], s, now);
        }
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

int rel_notify_others(api_ctx *c, const struct rel *r, const char *kind, const char *subject,
                      const char *body)
{
    store_rows *rows;
    store_val p[] = {SV_INT(r->id), SV_INT(c->actor.person_id)};
    int rc = store_query(c->db,
                         "SELECT pe.email, pe.id FROM relationship_members m "
                         "JOIN participations pa ON pa.id = m.participation_id JOIN people pe ON "
                         "pe.id = pa.person_id "
                         "WHERE m.relationship_id = ?1 AND pe.id <> ?2",
                         p, 2, &rows);
    if (rc != STORE_OK)
        return rc;
    char to[LIMIT_RELATIONSHIP_MEMBERS][LIMIT_EMAIL_BYTES + 1];
    int64_t ids[LIMIT_RELATIONSHIP_MEMBERS];
    int n = 0;
    while (n < LIMIT_RELATIONSHIP_MEMBERS && store_next(rows) == 1) {
        str_fmt(to[n], sizeof to[n], "%s", store_col_text(rows, 0));
        ids[n++] = store_col_int(rows, 1);
    }
    store_rows_free(rows);
    int64_t now = clock_now();
    for (int i = 0; i < n && rc == STORE_OK; i++)
        rc = svc_outbox_add(c->db, to[i], ids[i], r->program_id, kind, subject, body, now);
    return rc;
}
