#include "service/agreement.h"
#include "service/facts.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/str.h"
#include "domain/agreement.h"
#include "service/audit.h"
#include "service/program.h"
#include "service/workspace.h"
#include "service/recognition.h"
#include "service/reminder.h"

void svc_agreement_cleanup(struct svc_agreement *a)
{
    if (!a)
        return;
    json_decref(a->content);
    for (size_t i = 0; i < a->nversions; i++)
        json_decref(a->versions[i].content);
    free(a->versions);
    free(a->signings);
    memset(a, 0, sizeof *a);
}

/* The default agreement of the relationship into *out (new reference). */
static int defaults_for(store *db, const struct svc_rel *r, json_t **out)
{
    struct program_config cfg;
    int rc = svc_program_config(db, r->program_id, &cfg, NULL, 0);
    *out = NULL;
    if (rc != SVC_OK)
        return rc > 0 ? STORE_ERROR : rc; /* a relationship's program exists */
    *out = agreement_defaults(&cfg, r->planned_end_at);
    program_config_cleanup(&cfg);
    return STORE_OK;
}

/* The members with the version each last signed (from the signings
 * kept; agreement_signatures holds only the current version's). */
static int load_signatures(store *db, struct svc_agreement *a)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(a->relationship_id)};
    int64_t signed_versions[LIMIT_RELATIONSHIP_MEMBERS];
    int rc = store_query(
        db,
        "SELECT m.participation_id, pa.person_id, pe.name, m.role, s.version, s.signed_at "
        "FROM relationship_members m JOIN participations pa ON pa.id = m.participation_id "
        "JOIN people pe ON pe.id = pa.person_id "
        "LEFT JOIN (SELECT participation_id, MAX(version) AS version FROM agreement_signings "
        "WHERE relationship_id = ?1 GROUP BY participation_id) l ON l.participation_id = "
        "m.participation_id LEFT JOIN agreement_signings s ON s.relationship_id = ?1 AND "
        "s.participation_id = l.participation_id AND s.version = l.version "
        "WHERE m.relationship_id = ?1 ORDER BY m.role DESC, pe.name, m.participation_id",
        p, 1, &rows);
    a->nsigs = 0;
    while (rc == STORE_OK && a->nsigs < LIMIT_RELATIONSHIP_MEMBERS &&
           (rc = store_next(rows)) == 1) {
        struct svc_agreement_signature *s = &a->sigs[a->nsigs];
        s->who.participation_id = store_col_int(rows, 0);
        s->who.person_id = store_col_int(rows, 1);
        str_fmt(s->who.name, sizeof s->who.name, "%s", store_col_text(rows, 2));
        str_fmt(s->who.role, sizeof s->who.role, "%s", store_col_text(rows, 3));
        s->version = store_col_null(rows, 4) ? 0 : store_col_int(rows, 4);
        s->signed_at = store_col_null(rows, 5) ? 0 : store_col_int(rows, 5);
        s->current = s->version == a->version;
        signed_versions[a->nsigs++] = s->version;
        rc = STORE_OK;
    }
    store_rows_free(rows);
    a->signed_by_all = agreement_signed_by_all(signed_versions, a->nsigs, a->version);
    return rc < 0 ? rc : STORE_OK;
}

/* The stored versions, newest first, and every signature given. */
static int load_history(store *db, struct svc_agreement *a)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(a->relationship_id), SV_INT(LIMIT_AGREEMENT_VERSIONS)};
    int rc = store_query(db,
                         "SELECT v.version, v.content, v.edited_by, pe.name, v.edited_at FROM "
                         "agreement_versions v LEFT JOIN people pe ON pe.id = v.edited_by "
                         "WHERE v.relationship_id = ?1 ORDER BY v.version DESC LIMIT ?2",
                         p, 2, &rows);
    a->versions = xcalloc(LIMIT_AGREEMENT_VERSIONS, sizeof *a->versions);
    while (rc == STORE_OK && a->nversions < LIMIT_AGREEMENT_VERSIONS &&
           (rc = store_next(rows)) == 1) {
        struct svc_agreement_version *v = &a->versions[a->nversions];
        v->content = json_loads(store_col_text(rows, 1), 0, NULL);
        if (!v->content)
            continue; /* never written so; skip rather than fail the page */
        v->version = store_col_int(rows, 0);
        v->edited_by = store_col_null(rows, 2) ? 0 : store_col_int(rows, 2);
        str_fmt(v->edited_by_name, sizeof v->edited_by_name, "%s",
                store_col_text(rows, 3) ? store_col_text(rows, 3) : "");
        v->edited_at = store_col_int(rows, 4);
        a->nversions++;
        rc = STORE_OK;
    }
    store_rows_free(rows);
    rows = NULL;
    if (rc < 0)
        return rc;
    size_t cap = 16;
    a->signings = xcalloc(cap, sizeof *a->signings);
    rc = store_query(db,
                     "SELECT version, participation_id, signed_at FROM agreement_signings WHERE "
                     "relationship_id = ?1 ORDER BY signed_at, version, participation_id",
                     p, 1, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        if (a->nsignings == cap)
            a->signings = xrealloc(a->signings, (cap *= 2) * sizeof *a->signings);
        struct svc_agreement_signing *s = &a->signings[a->nsignings++];
        s->version = store_col_int(rows, 0);
        s->participation_id = store_col_int(rows, 1);
        s->signed_at = store_col_int(rows, 2);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

int svc_agreement_get(store *db, const struct svc_rel *r, struct svc_agreement *out)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(r->id)};
    memset(out, 0, sizeof *out);
    out->relationship_id = r->id;
    int rc = store_query(db,
                         "SELECT content, version, updated_by, updated_at FROM agreements WHERE "
                         "relationship_id = ?1",
                         p, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        out->content = json_loads(store_col_text(rows, 0), 0, NULL);
        out->version = store_col_int(rows, 1);
        out->updated_by = store_col_null(rows, 2) ? 0 : store_col_int(rows, 2);
        out->updated_at = store_col_int(rows, 3);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0)
        goto fail;
    if (!out->content) {
        out->version = 1;
        out->updated_by = out->updated_at = 0;
        if ((rc = defaults_for(db, r, &out->content)) != STORE_OK)
            goto fail;
    }
    if ((rc = load_signatures(db, out)) != STORE_OK || (rc = load_history(db, out)) != STORE_OK)
        goto fail;
    if (out->nversions == 0) { /* the default text, not stored yet */
        out->versions[0].version = out->version;
        out->versions[0].content = json_incref(out->content);
        out->nversions = 1;
    }
    return STORE_OK;
fail:
    svc_agreement_cleanup(out);
    return rc;
}

/* Stores the default agreement (version 1) when none is stored yet, then
 * takes the row's lock (a no-op UPDATE: PostgreSQL locks the row,
 * SQLite's writer holds the database), so edits and signatures of one
 * agreement queue. */
static int lock(store *db, const struct svc_rel *r)
{
    json_t *d;
    int rc = defaults_for(db, r, &d);
    if (rc != STORE_OK)
        return rc;
    char *text = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    int64_t added = 0;
    store_val p[] = {SV_INT(r->id), SV_TEXT(text), SV_INT(clock_now())};
    rc = store_exec(db,
                    "INSERT INTO agreements (relationship_id, content, version, updated_at) "
                    "VALUES (?1, ?2, 1, ?3) ON CONFLICT (relationship_id) DO NOTHING",
                    p, 3, &added);
    if (rc == STORE_OK && added)
        rc = store_exec(db,
                        "INSERT INTO agreement_versions (relationship_id, version, content, "
                        "edited_at) VALUES (?1, 1, ?2, ?3) ON CONFLICT DO NOTHING",
                        p, 3, NULL);
    free(text);
    if (rc == STORE_OK && added)
        rc = svc_facts_refresh(db, r->id);
    if (rc != STORE_OK)
        return rc;
    return store_exec(db, "UPDATE agreements SET version = version WHERE relationship_id = ?1", p,
                      1, NULL);
}

/* Opens r's agreement for a change by the actor: writable, locked, read,
 * and at the version the client read. */
static int open_for_change(store *db, const struct svc_rel *r, int64_t version,
                           struct svc_agreement *a, verr *e)
{
    int rc = svc_workspace_writable(r, e);
    if (rc != SVC_OK)
        return rc;
    if ((rc = lock(db, r)) != STORE_OK || (rc = svc_agreement_get(db, r, a)) != STORE_OK)
        return rc;
    if (version && version != a->version)
        return svc_fail(e, SVC_STALE, "version",
                        "the agreement changed meanwhile (now version %lld); read it again",
                        (long long)a->version);
    return SVC_OK;
}

int svc_agreement_edit(store *db, const svc_actor *actor, const struct svc_rel *r,
                       const json_t *edit, int64_t version, struct svc_agreement *out, verr *e)
{
    json_t *next = NULL;
    char *text = NULL;
    int rc = open_for_change(db, r, version, out, e);
    if (rc != SVC_OK)
        goto done;
    if (agreement_edit(out->content, edit, &next, e)) {
        rc = SVC_INVALID;
        goto done;
    }
    if (json_equal(next, out->content))
        goto done; /* nothing changed: no new version */
    int64_t now = clock_now(), v = out->version + 1;
    text = json_dumps(next, JSON_COMPACT);
    store_val p[] = {SV_INT(r->id), SV_TEXT(text), SV_INT(actor->person_id), SV_INT(now),
                     SV_INT(v)};
    char link[LIMIT_HTTP_URL_BYTES], vtext[24];
    svc_workspace_link(link, sizeof link, r->id, "agreement");
    str_fmt(vtext, sizeof vtext, "%lld", (long long)v);
    struct mail_value mv[] = {{"version", vtext}, {"link", link}};
    if ((rc = store_exec(db,
                         "UPDATE agreements SET content = ?2, version = ?5, updated_by = ?3, "
                         "updated_at = ?4 WHERE relationship_id = ?1",
                         p, 5, NULL)) != STORE_OK ||
        (rc = store_exec(db,
                         "INSERT INTO agreement_versions (relationship_id, version, content, "
                         "edited_by, edited_at) VALUES (?1, ?5, ?2, ?3, ?4)",
                         p, 5, NULL)) != STORE_OK ||
        (rc = store_exec(db, "DELETE FROM agreement_signatures WHERE relationship_id = ?1", p, 1,
                         NULL)) != STORE_OK ||
        (rc = svc_relationship_notify(db, actor, r, "agreement_changed", mv, 2)) != STORE_OK ||
        (rc = svc_reminder_relationship(db, r->id, now)) != STORE_OK ||
        (rc = svc_facts_refresh(db, r->id)) != STORE_OK ||
        (rc = svc_audit(db, actor, "agreement.edit", "relationship", r->id,
                        json_pack("{s:I}", "version", (json_int_t)v))) != STORE_OK)
        goto done;
    svc_agreement_cleanup(out);
    rc = svc_agreement_get(db, r, out);
done:
    free(text);
    json_decref(next);
    return rc;
}

int svc_agreement_sign(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t version,
                       struct svc_agreement *out, verr *e)
{
    int rc = open_for_change(db, r, version, out, e);
    if (rc != SVC_OK)
        return rc;
    int64_t now = clock_now();
    store_val p[] = {SV_INT(r->id), SV_INT(r->my_part), SV_INT(out->version), SV_INT(now)};
    if ((rc = store_exec(db,
                         "INSERT INTO agreement_signatures (relationship_id, participation_id, "
                         "version, signed_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT "
                         "(relationship_id, participation_id) DO UPDATE SET version = "
                         "excluded.version, signed_at = excluded.signed_at "
                         "WHERE agreement_signatures.version <> excluded.version",
                         p, 4, NULL)) != STORE_OK ||
        (rc = store_exec(db,
                         "INSERT INTO agreement_signings (relationship_id, participation_id, "
                         "version, signed_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                         p, 4, NULL)) != STORE_OK ||
        (rc = svc_facts_refresh(db, r->id)) != STORE_OK)
        return rc;
    svc_agreement_cleanup(out);
    if ((rc = svc_agreement_get(db, r, out)) != STORE_OK ||
        (rc = svc_reminder_relationship(db, r->id, now)) != STORE_OK)
        return rc;
    if (out->signed_by_all &&
        ((rc = svc_relationship_stage_all(db, r->id, STAGE_AGREEMENT_SIGNED, now)) != STORE_OK ||
         (rc = svc_recognition_update(db, r->id, now)) != STORE_OK))
        return rc;
    return svc_audit(
        db, actor, "agreement.sign", "relationship", r->id,
        json_pack("{s:I, s:b}", "version", (json_int_t)out->version, "agreed", out->signed_by_all));
}
