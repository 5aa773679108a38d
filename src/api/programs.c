/* programs.c - programs and their configuration (product.md §3). */
#include <string.h>

#include "api/handlers.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/mem.h"
#include "domain/program.h"

#define PROGRAM_COLS "id, name, description, status, config, created_at, updated_at, version"

/* The actor's roles in a program as names, coordinator first. */
static json_t *roles_json(perm_roles roles)
{
    const char *names[4];
    size_t n = perm_role_names(roles, names);
    json_t *mine = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(mine, json_string(names[i]));
    return mine;
}

/* The program as the API shows it: its columns, its configuration
 * sections at the top level, and the roles the actor holds in it. */
static json_t *program_json(store_rows *r, perm_roles roles)
{
    json_t *cfg = json_loads(store_col_text(r, 4), 0, NULL);
    json_t *o =
        json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:I}", "id", (json_int_t)store_col_int(r, 0),
                  "name", store_col_text(r, 1), "description", store_col_text(r, 2), "status",
                  store_col_text(r, 3), "created_at", api_time(store_col_int(r, 5)), "updated_at",
                  api_time(store_col_int(r, 6)), "version", (json_int_t)store_col_int(r, 7));
    if (cfg)
        json_object_update(o, cfg);
    json_decref(cfg);
    json_object_set_new(o, "my_roles", roles_json(roles));
    return o;
}

/* Loads one program; 1 found, 0 none, < 0 store failure. */
static int load(api_ctx *c, int64_t id, store_rows **rows)
{
    store_val p[] = {SV_INT(id)};
    int rc = store_query(c->db, "SELECT " PROGRAM_COLS " FROM programs WHERE id = ?1", p, 1, rows);
    if (rc != STORE_OK)
        return rc;
    rc = store_next(*rows);
    if (rc != 1) {
        store_rows_free(*rows);
        *rows = NULL;
    }
    return rc;
}

int h_programs_list(api_ctx *c)
{
    int64_t limit, offset, total = 0;
    if (api_page(c, &limit, &offset))
        return -1;
    const char *joinable = http_req_query(c->req, "joinable");
    bool join = joinable && strcmp(joinable, "true") == 0;
    if (joinable && !join && strcmp(joinable, "false") != 0)
        return api_problem(c, 400, "joinable", "joinable is true or false");
    bool all = c->actor.site_role == SITE_ADMIN && !join;
    /* Joinable: enrolling, taking applications (the configuration is our
     * own compact JSON), and the person not in it yet. */
    const char *where =
        join  ? " WHERE status = 'enrolling' AND config NOT LIKE '%\"access\":\"invite_only\"%' "
                "AND id NOT IN (SELECT program_id FROM participations WHERE person_id = ?1)"
        : all ? ""
              : " WHERE id IN (SELECT program_id FROM participations "
                "WHERE person_id = ?1 AND status NOT IN ('declined', 'withdrawn'))";
    char sql[512];
    store_val p[] = {SV_INT(c->actor.person_id), SV_INT(limit), SV_INT(offset)};
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM programs%s", where);
    int rc = store_query_int(c->db, sql, p, all ? 0 : 1, &total);
    if (rc < 0)
        return api_store_failed(c, rc);
    snprintf(sql, sizeof sql,
             "SELECT id, name, description, status, created_at, updated_at FROM programs%s "
             "ORDER BY created_at DESC, id DESC LIMIT ?2 OFFSET ?3",
             all ? " WHERE ?1 = ?1" : where);
    store_rows *rows;
    rc = store_query(c->db, sql, p, 3, &rows);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    /* The list carries the summary; the configuration is one GET away. */
    json_t *items = json_array();
    while (store_next(rows) == 1)
        json_array_append_new(items,
                              json_pack("{s:I, s:s, s:s, s:s, s:o, s:o}", "id",
                                        (json_int_t)store_col_int(rows, 0), "name",
                                        store_col_text(rows, 1), "description",
                                        store_col_text(rows, 2), "status", store_col_text(rows, 3),
                                        "created_at", api_time(store_col_int(rows, 4)),
                                        "updated_at", api_time(store_col_int(rows, 5))));
    store_rows_free(rows);
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) json_object_set_new(
        item, "my_roles",
        roles_json(api_program_roles(c, json_integer_value(json_object_get(item, "id")))));
    return api_json(c, 200,
                    json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total,
                              "limit", (json_int_t)limit, "offset", (json_int_t)offset));
}

static const char *const top_keys[] = {"name",      "description",     "status",   "objectives",
                                       "selection", "matching",        "training", "meetings",
                                       "goals",     "duration_months", "renewals", "phases",
                                       "dates",     "version",         NULL};

/* Validates name, description and status of body; absent ones keep the
 * given values. */
static int basics(const json_t *body, bool creating, const char **name, const char **desc,
                  const char **status, verr *e)
{
    if (v_known_keys(body, "", top_keys, e) ||
        v_string(body, "name", "", creating, false, LIMIT_NAME_BYTES, *name, name, e) ||
        v_string(body, "description", "", false, true, LIMIT_TEXT_BYTES, *desc, desc, e) ||
        v_enum(body, "status", "", program_statuses, *status, status, e))
        return -1;
    return 0;
}

int h_program_create(api_ctx *c)
{
    if (!perm_may_create_program(c->actor.site_role))
        return api_problem(c, 403, NULL, "only coordinators and admins create programs");
    json_t *body;
    if (api_body_object(c, &body))
        return -1;
    verr e = {0};
    const char *name = NULL, *desc = "", *status = "draft";
    json_t *cfg = NULL;
    if (basics(body, true, &name, &desc, &status, &e) ||
        program_config_normalize(body, NULL, &cfg, &e)) {
        json_decref(body);
        return api_invalid(c, &e);
    }
    char *cfgtext = json_dumps(cfg, JSON_COMPACT);
    json_decref(cfg);
    int64_t now = clock_now();
    store_val p[] = {
        SV_TEXT(name), SV_TEXT(desc), SV_TEXT(status), SV_TEXT(cfgtext), SV_INT(c->actor.person_id),
        SV_INT(now)};
    store_rows *rows;
    int rc = store_query(c->db,
                         "INSERT INTO programs (name, description, status, config, created_by, "
                         "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) RETURNING id",
                         p, 6, &rows);
    free(cfgtext);
    json_decref(body);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    int64_t id = store_next(rows) == 1 ? store_col_int(rows, 0) : 0;
    store_rows_free(rows);
    if (!id)
        return api_store_failed(c, STORE_ERROR);
    /* Whoever creates a program coordinates it. */
    store_val q[] = {SV_INT(id), SV_INT(c->actor.person_id), SV_INT(now)};
    rc = store_exec(
        c->db,
        "INSERT INTO participations (program_id, person_id, role, status, created_at, "
        "updated_at, sort_name, email) SELECT ?1, ?2, 'coordinator', 'approved', ?3, ?3, "
        "name, email FROM people WHERE id = ?2",
        q, 3, NULL);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    api_audit(c, "program.create", "program", id, NULL);
    if ((rc = load(c, id, &rows)) != 1)
        return api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
    json_t *out = program_json(rows, api_program_roles(c, id));
    store_rows_free(rows);
    char loc[64];
    snprintf(loc, sizeof loc, "/api/v1/programs/%lld", (long long)id);
    http_resp_header(c->resp, "Location", loc);
    return api_json(c, 201, out);
}

int h_program_get(api_ctx *c)
{
    int64_t id;
    if (api_param_id(c, 0, &id))
        return -1;
    perm_roles roles = api_program_roles(c, id);
    store_rows *rows;
    int rc = load(c, id, &rows);
    if (rc < 0)
        return api_store_failed(c, rc);
    if (rc == 0)
        return api_not_found(c);
    json_t *out = program_json(rows, roles);
    store_rows_free(rows);
    /* A program that takes applications shows itself to anyone signed
     * in, so they can read it and apply; invite-only ones stay hidden. */
    const char *access =
        json_string_value(json_object_get(json_object_get(out, "selection"), "access"));
    if (!perm_allows(roles, PERM_PROGRAM, PERM_READ) &&
        (!access || strcmp(access, "invite_only") == 0)) {
        json_decref(out);
        return api_not_found(c);
    }
    return api_json(c, 200, out);
}

int h_program_patch(api_ctx *c)
{
    int64_t id;
    if (api_param_id(c, 0, &id))
        return -1;
    perm_roles roles = api_program_roles(c, id);
    if (!perm_allows(roles, PERM_PROGRAM, PERM_WRITE)) {
        /* Those who can read it are told why; others learn nothing. */
        int64_t open = 0;
        store_val q[] = {SV_INT(id)};
        int rc = store_query_int(c->db,
                                 "SELECT COUNT(*) FROM programs WHERE id = ?1 AND config NOT LIKE "
                                 "'%\"access\":\"invite_only\"%'",
                                 q, 1, &open);
        if (rc < 0)
            return api_store_failed(c, rc);
        if (!perm_allows(roles, PERM_PROGRAM, PERM_READ) && !open)
            return api_not_found(c);
        return api_problem(c, 403, NULL, "only the program's coordinators and admins change it");
    }
    json_t *body;
    if (api_body_object(c, &body))
        return -1;
    store_rows *rows;
    int rc = load(c, id, &rows);
    if (rc != 1) {
        json_decref(body);
        return rc < 0 ? api_store_failed(c, rc) : api_not_found(c);
    }
    char *name = xstrdup(store_col_text(rows, 1)), *desc = xstrdup(store_col_text(rows, 2));
    char *status = xstrdup(store_col_text(rows, 3));
    json_t *base = json_loads(store_col_text(rows, 4), 0, NULL);
    int64_t version = store_col_int(rows, 7);
    store_rows_free(rows);

    verr e = {0};
    const char *n = name, *d = desc, *s = status;
    json_t *cfg = NULL;
    int64_t want_version = version;
    int result = -1;
    if (basics(body, false, &n, &d, &s, &e) ||
        v_int(body, "version", "", 1, INT64_MAX / 2, version, false, &want_version, &e) ||
        program_config_normalize(body, base, &cfg, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    if (want_version != version) {
        result =
            api_problem(c, 409, "version", "the program was changed meanwhile (now version %lld)",
                        (long long)version);
        goto done;
    }
    char *cfgtext = json_dumps(cfg, JSON_COMPACT);
    store_val p[] = {SV_TEXT(n),          SV_TEXT(d), SV_TEXT(s),     SV_TEXT(cfgtext),
                     SV_INT(clock_now()), SV_INT(id), SV_INT(version)};
    int64_t changed = 0;
    rc = store_exec(c->db,
                    "UPDATE programs SET name = ?1, description = ?2, status = ?3, config = ?4, "
                    "updated_at = ?5, version = version + 1 WHERE id = ?6 AND version = ?7",
                    p, 7, &changed);
    free(cfgtext);
    if (rc != STORE_OK) {
        result = api_store_failed(c, rc);
        goto done;
    }
    if (changed != 1) {
        result =
            api_problem(c, 409, "version", "the program was changed meanwhile; reload and retry");
        goto done;
    }
    api_audit(c, "program.update", "program", id, NULL);
    if ((rc = load(c, id, &rows)) != 1) {
        result = api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
        goto done;
    }
    result = api_json(c, 200, program_json(rows, roles));
    store_rows_free(rows);
done:
    json_decref(cfg);
    json_decref(base);
    json_decref(body);
    free(name);
    free(desc);
    free(status);
    return result;
}

int h_phase_templates(api_ctx *c)
{
    return api_json(c, 200, program_phase_templates());
}
