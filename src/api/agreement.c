/* agreement.c - the partnership agreement of a relationship (product.md
 * §6): read it, edit it (every change is a new version and clears the
 * signatures), and sign the current version. When every member has signed
 * it, each reaches the funnel stage agreement_signed.
 *
 * Until someone edits or signs it, the agreement is the program's default
 * text at version 1 and is not stored. */
#include <string.h>

#include "api/handlers.h"
#include "api/participants.h"
#include "api/relationship.h"
#include "base/clock.h"
#include "base/limits.h"
#include "domain/agreement.h"
#include "service/program.h"

struct agreement {
    json_t *content; /* owned */
    int64_t version;
    int64_t updated_by; /* 0: nobody yet */
    int64_t updated_at; /* 0: never stored */
};

static void agreement_cleanup(struct agreement *a)
{
    json_decref(a->content);
    a->content = NULL;
}

/* The default agreement of the relationship into *out (new reference). A
 * store status. */
static int defaults_for(api_ctx *c, const struct svc_rel *r, json_t **out)
{
    struct program_config cfg;
    int rc = svc_program_config(c->db, r->program_id, &cfg, NULL, 0);
    *out = NULL;
    if (rc != SVC_OK)
        return rc > 0 ? STORE_ERROR : rc; /* a relationship's program exists */
    *out = agreement_defaults(&cfg, r->planned_end_at);
    program_config_cleanup(&cfg);
    return STORE_OK;
}

/* Loads the stored agreement, or the default one. A store status. */
static int load(api_ctx *c, const struct svc_rel *r, struct agreement *out)
{
    memset(out, 0, sizeof *out);
    store_rows *rows;
    store_val p[] = {SV_INT(r->id)};
    int rc = store_query(c->db,
                         "SELECT content, version, updated_by, updated_at FROM agreements WHERE "
                         "relationship_id = ?1",
                         p, 1, &rows);
    if (rc != STORE_OK)
        return rc;
    if ((rc = store_next(rows)) == 1) {
        out->content = json_loads(store_col_text(rows, 0), 0, NULL);
        out->version = store_col_int(rows, 1);
        out->updated_by = store_col_int(rows, 2);
        out->updated_at = store_col_int(rows, 3);
    }
    store_rows_free(rows);
    if (rc < 0)
        return rc;
    if (!out->content) {
        out->version = 1;
        return defaults_for(c, r, &out->content);
    }
    return STORE_OK;
}

/* Stores the default agreement when none is stored yet, then takes the
 * row's lock (a no-op UPDATE: PostgreSQL locks the row, SQLite's writer
 * holds the database), so edits and signatures of one agreement queue. */
static int lock(api_ctx *c, const struct svc_rel *r)
{
    json_t *d;
    int rc = defaults_for(c, r, &d);
    if (rc != STORE_OK)
        return rc;
    char *text = json_dumps(d, JSON_COMPACT);
    json_decref(d);
    store_val p[] = {SV_INT(r->id), SV_TEXT(text), SV_INT(clock_now())};
    rc = store_exec(c->db,
                    "INSERT INTO agreements (relationship_id, content, version, updated_at) "
                    "VALUES (?1, ?2, 1, ?3) ON CONFLICT (relationship_id) DO NOTHING",
                    p, 3, NULL);
    free(text);
    if (rc != STORE_OK)
        return rc;
    return store_exec(c->db, "UPDATE agreements SET version = version WHERE relationship_id = ?1",
                      p, 1, NULL);
}

/* Members with their signatures; *all is true when every member signed
 * `version`. */
static json_t *signatures(api_ctx *c, int64_t rel_id, int64_t version, bool *all)
{
    json_t *a = json_array();
    *all = true;
    store_rows *rows;
    store_val p[] = {SV_INT(rel_id)};
    if (store_query(
            c->db,
            "SELECT m.participation_id, pa.person_id, pe.name, m.role, s.version, s.signed_at "
            "FROM relationship_members m JOIN participations pa ON pa.id = m.participation_id "
            "JOIN people pe ON pe.id = pa.person_id "
            "LEFT JOIN agreement_signatures s ON s.relationship_id = m.relationship_id "
            "AND s.participation_id = m.participation_id "
            "WHERE m.relationship_id = ?1 ORDER BY m.role DESC, pe.name, m.participation_id",
            p, 1, &rows) != STORE_OK) {
        *all = false;
        return a;
    }
    int n = 0;
    while (store_next(rows) == 1) {
        bool signed_now = !store_col_null(rows, 4) && store_col_int(rows, 4) == version;
        *all = *all && signed_now;
        n++;
        json_array_append_new(
            a, json_pack("{s:I, s:I, s:s, s:s, s:b, s:o}", "participation_id",
                         (json_int_t)store_col_int(rows, 0), "person_id",
                         (json_int_t)store_col_int(rows, 1), "name", store_col_text(rows, 2),
                         "role", store_col_text(rows, 3), "signed", signed_now, "signed_at",
                         signed_now ? api_time(store_col_int(rows, 5)) : json_null()));
    }
    store_rows_free(rows);
    if (n == 0)
        *all = false;
    return a;
}

static json_t *agreement_json(api_ctx *c, const struct svc_rel *r, const struct agreement *a)
{
    bool all;
    json_t *sigs = signatures(c, r->id, a->version, &all);
    json_t *o = json_pack("{s:I, s:I, s:O, s:o, s:b, s:o}", "relationship_id", (json_int_t)r->id,
                          "version", (json_int_t)a->version, "content", a->content, "signatures",
                          sigs, "signed_by_all", all, "fields", json_array());
    for (const char *const *f = agreement_fields; *f; f++)
        json_array_append_new(json_object_get(o, "fields"), json_string(*f));
    json_object_set_new(o, "updated_at", a->updated_by ? api_time(a->updated_at) : json_null());
    json_object_set_new(o, "updated_by", a->updated_by ? json_integer(a->updated_by) : json_null());
    return o;
}

/* The relationship, for a member, while it is open. */
/* The body, where an empty one counts as {}. */
static int body_or_empty(api_ctx *c, json_t **out)
{
    if (c->req->body_len == 0) {
        *out = json_object();
        return 0;
    }
    return api_body_object(c, out);
}

/* An optional "version": the one the client read; 409 when it moved on. */
static int check_version(api_ctx *c, const json_t *body, int64_t current)
{
    verr e = {0};
    int64_t v;
    if (v_int(body, "version", "", 1, INT32_MAX, 0, false, &v, &e))
        return api_invalid(c, &e);
    if (v && v != current)
        return api_problem(c, 409, "version",
                           "the agreement changed meanwhile (now version %lld); read it again",
                           (long long)current);
    return 0;
}

int h_agreement_get(api_ctx *c)
{
    struct svc_rel r;
    if (rel_open(c, 0, PERM_READ, &r))
        return -1;
    struct agreement a;
    int rc = load(c, &r, &a);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    json_t *o = agreement_json(c, &r, &a);
    agreement_cleanup(&a);
    return api_json(c, 200, o);
}

int h_agreement_put(api_ctx *c)
{
    struct svc_rel r;
    json_t *body = NULL, *edit = NULL, *next = NULL;
    struct agreement a = {0};
    int result = -1, rc;
    if (rel_open_writable(c, &r) || api_body_object(c, &body))
        goto done;
    if ((rc = lock(c, &r)) != STORE_OK || (rc = load(c, &r, &a)) != STORE_OK) {
        result = api_store_failed(c, rc);
        goto done;
    }
    if (check_version(c, body, a.version))
        goto done;
    edit = json_copy(body);
    json_object_del(edit, "version");
    verr e = {0};
    if (agreement_edit(a.content, edit, &next, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    if (!json_equal(next, a.content)) {
        int64_t now = clock_now();
        char *text = json_dumps(next, JSON_COMPACT);
        store_val p[] = {SV_INT(r.id), SV_TEXT(text), SV_INT(c->actor.person_id), SV_INT(now)};
        rc = store_exec(
            c->db,
            "UPDATE agreements SET content = ?2, version = version + 1, updated_by = ?3, "
            "updated_at = ?4 WHERE relationship_id = ?1",
            p, 4, NULL);
        free(text);
        if (rc == STORE_OK)
            rc = store_exec(c->db, "DELETE FROM agreement_signatures WHERE relationship_id = ?1", p,
                            1, NULL);
        if (rc == STORE_OK)
            rc = rel_notify_others(c, &r, "agreement_changed", NULL, 0);
        if (rc != STORE_OK) {
            result = api_store_failed(c, rc);
            goto done;
        }
        agreement_cleanup(&a);
        if ((rc = load(c, &r, &a)) != STORE_OK) {
            result = api_store_failed(c, rc);
            goto done;
        }
        api_audit(c, "agreement.edit", "relationship", r.id,
                  json_pack("{s:I}", "version", (json_int_t)a.version));
    }
    result = api_json(c, 200, agreement_json(c, &r, &a));
done:
    agreement_cleanup(&a);
    json_decref(body);
    json_decref(edit);
    json_decref(next);
    return result;
}

int h_agreement_sign(api_ctx *c)
{
    struct svc_rel r;
    json_t *body = NULL;
    struct agreement a = {0};
    int result = -1, rc;
    if (rel_open_writable(c, &r) || body_or_empty(c, &body))
        goto done;
    static const char *const keys[] = {"version", NULL};
    verr e = {0};
    if (v_known_keys(body, "", keys, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    if ((rc = lock(c, &r)) != STORE_OK || (rc = load(c, &r, &a)) != STORE_OK) {
        result = api_store_failed(c, rc);
        goto done;
    }
    if (check_version(c, body, a.version))
        goto done;
    int64_t now = clock_now();
    store_val p[] = {SV_INT(r.id), SV_INT(r.my_part), SV_INT(a.version), SV_INT(now)};
    rc = store_exec(
        c->db,
        "INSERT INTO agreement_signatures (relationship_id, participation_id, version, signed_at) "
        "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (relationship_id, participation_id) DO UPDATE "
        "SET version = excluded.version, signed_at = excluded.signed_at "
        "WHERE agreement_signatures.version <> excluded.version",
        p, 4, NULL);
    if (rc != STORE_OK) {
        result = api_store_failed(c, rc);
        goto done;
    }
    bool all;
    json_decref(signatures(c, r.id, a.version, &all));
    if (all &&
        (rc = svc_relationship_stage_all(c->db, r.id, STAGE_AGREEMENT_SIGNED, now)) != STORE_OK) {
        result = api_store_failed(c, rc);
        goto done;
    }
    api_audit(c, "agreement.sign", "relationship", r.id,
              json_pack("{s:I, s:b}", "version", (json_int_t)a.version, "agreed", all));
    result = api_json(c, 201, agreement_json(c, &r, &a));
done:
    agreement_cleanup(&a);
    json_decref(body);
    return result;
}
