#include "service/health.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/str.h"
#include "service/audit.h"
#include "service/outbox.h"
#include "service/risk.h"
#include "service/workspace.h"

#define DAY 86400
#define RATING_COLS                                                                                \
    "h.articulation, h.listening, h.respect, h.goal_clarity, h.challenge, h.self_awareness, "      \
    "h.commitment_to_learning, h.reflection_and_preparation"

void svc_health_view_cleanup(struct svc_health_view *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++)
        free(v->checks[i].comment);
    free(v->checks);
    memset(v, 0, sizeof *v);
}

/* The sharing of every party: *mine the actor's, *others every other's. */
static int sharing(store *db, const struct svc_rel *r, bool *mine, bool *others)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(r->id)};
    *mine = false;
    *others = true;
    size_t parties = 0;
    int rc = store_query(db,
                         "SELECT m.participation_id, COALESCE(hp.share, 0) FROM "
                         "relationship_members m LEFT JOIN health_parties hp ON "
                         "hp.relationship_id = m.relationship_id AND hp.participation_id = "
                         "m.participation_id WHERE m.relationship_id = ?1",
                         p, 1, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        bool share = store_col_int(rows, 1) != 0;
        if (store_col_int(rows, 0) == r->my_part)
            *mine = share;
        else {
            *others = *others && share;
            parties++;
        }
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (!parties)
        *others = false;
    return rc < 0 ? rc : STORE_OK;
}

int svc_health_list(store *db, const svc_actor *actor, const struct svc_rel *r,
                    const struct program_config *cfg, struct svc_health_view *out)
{
    (void)actor;
    memset(out, 0, sizeof *out);
    out->member = r->my_part != 0;
    out->cadence_days = cfg->surveys.health_check_days;
    int rc = sharing(db, r, &out->i_share, &out->others_share);
    if (rc != STORE_OK)
        return rc;
    out->pair_visible = out->i_share && out->others_share;
    if (out->member) {
        store_val d[] = {SV_INT(r->id), SV_INT(r->my_part)};
        int64_t due = 0;
        if ((rc = store_query_int(db,
                                  "SELECT due_at FROM health_parties WHERE relationship_id = ?1 "
                                  "AND participation_id = ?2",
                                  d, 2, &due)) < 0)
            return rc;
        out->my_due_at = due;
    }
    /* A member reads their own, and the others' once everyone shares;
     * a coordinator reads every party's ratings. */
    bool everyone = !out->member || out->pair_visible;
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(r->id), SV_INT(everyone ? 0 : r->my_part),
                     SV_INT(LIMIT_HEALTH_CHECKS_LISTED)};
    rc = store_query(
        db,
        "SELECT h.id, h.participation_id, pe.name, m.role, h.comment, h.created_at, " RATING_COLS
        " FROM health_checks h JOIN participations pa ON pa.id = h.participation_id "
        "JOIN people pe ON pe.id = pa.person_id LEFT JOIN relationship_members m ON "
        "m.relationship_id = h.relationship_id AND m.participation_id = "
        "h.participation_id WHERE h.relationship_id = ?1 AND (?2 = 0 OR "
        "h.participation_id = ?2) ORDER BY h.id DESC LIMIT ?3",
        p, 3, &rows);
    if (rc != STORE_OK)
        return rc;
    out->checks = xcalloc(LIMIT_HEALTH_CHECKS_LISTED, sizeof *out->checks);
    while (out->n < LIMIT_HEALTH_CHECKS_LISTED && (rc = store_next(rows)) == 1) {
        struct svc_health_check *c = &out->checks[out->n++];
        c->id = store_col_int(rows, 0);
        c->participation_id = store_col_int(rows, 1);
        str_fmt(c->name, sizeof c->name, "%s", store_col_text(rows, 2));
        str_fmt(c->role, sizeof c->role, "%s",
                store_col_text(rows, 3) ? store_col_text(rows, 3) : "");
        c->mine = out->member && c->participation_id == r->my_part;
        /* Comments are for the pair, not for the coordinators. */
        c->comment = out->member ? xstrdup(store_col_text(rows, 4)) : NULL;
        c->created_at = store_col_int(rows, 5);
        for (int q = 0; q < HEALTH_QUALITIES; q++)
            c->ratings[q] = (int)store_col_int(rows, 6 + q);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0)
        svc_health_view_cleanup(out);
    return rc < 0 ? rc : STORE_OK;
}

/* The party row of the actor, made when missing. */
static int party_row(store *db, const struct svc_rel *r)
{
    store_val p[] = {SV_INT(r->id), SV_INT(r->my_part)};
    return store_exec(db,
                      "INSERT INTO health_parties (relationship_id, participation_id) VALUES (?1, "
                      "?2) ON CONFLICT (relationship_id, participation_id) DO NOTHING",
                      p, 2, NULL);
}

int svc_health_post(store *db, const svc_actor *actor, const struct svc_rel *r,
                    const struct program_config *cfg, const struct svc_health_in *in, int64_t *id,
                    verr *e)
{
    *id = 0;
    int rc = svc_workspace_writable(r, e);
    if (rc != SVC_OK)
        return rc;
    const char *comment = in->comment ? in->comment : "";
    if (strlen(comment) > LIMIT_HEALTH_COMMENT_BYTES)
        return svc_fail(e, SVC_INVALID, "comment", "must be at most %d bytes",
                        LIMIT_HEALTH_COMMENT_BYTES);
    int64_t now = clock_now();
    store_val p[] = {SV_INT(r->id),          SV_INT(r->my_part),     SV_INT(in->ratings[0]),
                     SV_INT(in->ratings[1]), SV_INT(in->ratings[2]), SV_INT(in->ratings[3]),
                     SV_INT(in->ratings[4]), SV_INT(in->ratings[5]), SV_INT(in->ratings[6]),
                     SV_INT(in->ratings[7]), SV_TEXT(comment),       SV_INT(now)};
    if ((rc = store_query_int(db,
                              "INSERT INTO health_checks (relationship_id, participation_id, "
                              "articulation, listening, respect, goal_clarity, challenge, "
                              "self_awareness, commitment_to_learning, "
                              "reflection_and_preparation, comment, created_at) VALUES (?1, ?2, "
                              "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id",
                              p, 12, id)) != 1)
        return rc < 0 ? rc : STORE_ERROR;
    if ((rc = party_row(db, r)) != STORE_OK)
        return rc;
    int64_t due = now + (int64_t)cfg->surveys.health_check_days * DAY;
    store_val u[] = {SV_INT(r->id), SV_INT(r->my_part), SV_INT(due), SV_INT(in->share)};
    if ((rc = store_exec(db,
                         "UPDATE health_parties SET due_at = ?3, reminded_at = NULL, share = "
                         "CASE WHEN ?4 < 0 THEN share ELSE ?4 END WHERE relationship_id = ?1 AND "
                         "participation_id = ?2",
                         u, 4, NULL)) != STORE_OK ||
        (rc = svc_risk_record_relationship(db, r->id, now)) != STORE_OK)
        return rc;
    return svc_audit(db, actor, "health_check.create", "relationship", r->id,
                     json_pack("{s:I}", "health_check_id", (json_int_t)*id));
}

int svc_health_share(store *db, const svc_actor *actor, const struct svc_rel *r, bool share,
                     verr *e)
{
    if (!r->my_part)
        return svc_fail(e, SVC_FORBIDDEN, "", "only the partners share their health checks");
    int rc = party_row(db, r);
    store_val u[] = {SV_INT(r->id), SV_INT(r->my_part), SV_INT(share)};
    if (rc == STORE_OK)
        rc = store_exec(db,
                        "UPDATE health_parties SET share = ?3 WHERE relationship_id = ?1 AND "
                        "participation_id = ?2",
                        u, 3, NULL);
    if (rc == STORE_OK)
        rc = svc_audit(db, actor, "health_check.share", "relationship", r->id,
                       json_pack("{s:b}", "share", share));
    return rc;
}

int svc_health_arm(store *db, int64_t rel_id, int days, int64_t now)
{
    store_val p[] = {SV_INT(rel_id), SV_INT(now + (int64_t)days * DAY)};
    return store_exec(db,
                      "INSERT INTO health_parties (relationship_id, participation_id, due_at) "
                      "SELECT relationship_id, participation_id, ?2 FROM relationship_members "
                      "WHERE relationship_id = ?1 ON CONFLICT (relationship_id, participation_id) "
                      "DO UPDATE SET due_at = excluded.due_at, reminded_at = NULL",
                      p, 2, NULL);
}

int svc_health_reminders_due(store *db, int64_t now, int64_t (*pairs)[2], size_t max, size_t *n)
{
    store_rows *rows = NULL;
    *n = 0;
    store_val p[] = {SV_INT(now), SV_INT((int64_t)max)};
    int rc = store_query(db,
                         "SELECT relationship_id, participation_id FROM health_parties WHERE "
                         "due_at <= ?1 AND reminded_at IS NULL ORDER BY due_at, relationship_id, "
                         "participation_id LIMIT ?2",
                         p, 2, &rows);
    while (rc == STORE_OK && *n < max && (rc = store_next(rows)) == 1) {
        pairs[*n][0] = store_col_int(rows, 0);
        pairs[(*n)++][1] = store_col_int(rows, 1);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

int svc_health_remind(store *db, int64_t rel_id, int64_t participation_id, int64_t now, bool *sent)
{
    *sent = false;
    int64_t changes = 0;
    store_val p[] = {SV_INT(rel_id), SV_INT(participation_id), SV_INT(now)};
    /* Take it under the row lock: two runners never mail it twice. */
    int rc = store_exec(db,
                        "UPDATE health_parties SET reminded_at = ?3 WHERE relationship_id = ?1 AND "
                        "participation_id = ?2 AND due_at <= ?3 AND reminded_at IS NULL",
                        p, 3, &changes);
    if (rc != STORE_OK || changes == 0)
        return rc;
    int64_t open = 0;
    store_val q[] = {SV_INT(rel_id)};
    if ((rc = store_query_int(db,
                              "SELECT 1 FROM relationships WHERE id = ?1 AND status IN ('active', "
                              "'closing')",
                              q, 1, &open)) < 0)
        return rc;
    if (!open)
        return STORE_OK; /* ended or paused: no reminder for this due date */
    char link[LIMIT_HTTP_URL_BYTES];
    svc_outbox_link(link, sizeof link, "/relationships/%lld/health", (long long)rel_id);
    struct mail_value v[] = {{"link", link}};
    if ((rc = svc_outbox_mail_participation(db, participation_id, "health_check_due", v, 1, now)) ==
        STORE_OK)
        *sent = true;
    return rc;
}

int svc_health_due_for(store *db, const svc_actor *actor, int64_t now, struct svc_health_due **out,
                       size_t *n)
{
    store_rows *rows = NULL;
    int64_t parts[LIMIT_PAGE_MAX];
    *out = xcalloc(LIMIT_PAGE_MAX, sizeof **out);
    *n = 0;
    store_val p[] = {SV_INT(actor->person_id), SV_INT(now)};
    int rc = store_query(db,
                         "SELECT hp.relationship_id, r.program_id, hp.due_at, pg.name, "
                         "hp.participation_id FROM participations pa JOIN health_parties hp ON "
                         "hp.participation_id = pa.id JOIN relationships r ON r.id = "
                         "hp.relationship_id JOIN programs pg ON pg.id = r.program_id WHERE "
                         "pa.person_id = ?1 AND hp.due_at <= ?2 AND r.status IN ('active', "
                         "'closing') ORDER BY hp.due_at, hp.relationship_id",
                         p, 2, &rows);
    while (rc == STORE_OK && *n < LIMIT_PAGE_MAX && (rc = store_next(rows)) == 1) {
        struct svc_health_due *d = &(*out)[*n];
        d->relationship_id = store_col_int(rows, 0);
        d->program_id = store_col_int(rows, 1);
        d->due_at = store_col_int(rows, 2);
        str_fmt(d->program_name, sizeof d->program_name, "%s", store_col_text(rows, 3));
        parts[(*n)++] = store_col_int(rows, 4);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    for (size_t i = 0; rc >= 0 && i < *n; i++) {
        struct svc_rel_member m[LIMIT_RELATIONSHIP_MEMBERS];
        size_t k = 0;
        rc = svc_relationship_members(db, (*out)[i].relationship_id, m, &k);
        for (size_t j = 0; rc == STORE_OK && j < k; j++) {
            if (m[j].participation_id == parts[i])
                continue;
            char *w = (*out)[i].with;
            size_t used = strlen(w);
            str_fmt(w + used, sizeof(*out)[i].with - used, "%s%s", used ? ", " : "", m[j].name);
        }
    }
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc < 0 ? rc : STORE_OK;
}
