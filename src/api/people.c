/* people.c - accounts, as a site admin manages them. */
#include <string.h>

#include "api/handlers.h"
#include "api/identity.h"
#include "base/limits.h"
#include "base/mem.h"
#include "base/str.h"
#include "service/identity.h"

int h_people_create(api_ctx *c)
{
    if (c->actor.site_role != SITE_ADMIN)
        return api_problem(c, 403, NULL, "only admins create accounts");
    json_t *body;
    if (api_body_object(c, &body))
        return -1;
    static const char *const keys[] = {"email", "name", "password", "site_role", NULL};
    static const char *const roles[] = {"admin", "coordinator", "member", NULL};
    verr e = {0};
    const char *email, *name, *password, *role;
    if (v_known_keys(body, "", keys, &e) ||
        v_string(body, "email", "", true, false, LIMIT_EMAIL_BYTES, NULL, &email, &e) ||
        v_string(body, "name", "", true, false, LIMIT_NAME_BYTES, NULL, &name, &e) ||
        v_string(body, "password", "", false, false, LIMIT_PASSWORD_MAX, NULL, &password, &e) ||
        v_enum(body, "site_role", "", roles, "member", &role, &e)) {
        json_decref(body);
        return api_invalid(c, &e);
    }
    int64_t id;
    int rc = svc_identity_create_person(c->db, email, name, password,
                                        identity_site_role_parse(role), &id, &e);
    json_decref(body);
    if (rc != SVC_OK)
        return api_fail(c, rc, &e);
    api_audit(c, "person.create", "person", id, NULL);
    store_rows *rows;
    store_val p[] = {SV_INT(id)};
    if ((rc = store_query(c->db, "SELECT id, email, name, site_role FROM people WHERE id = ?1", p,
                          1, &rows)) != STORE_OK)
        return api_store_failed(c, rc);
    json_t *out = NULL;
    if (store_next(rows) == 1)
        out = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)store_col_int(rows, 0), "email",
                        store_col_text(rows, 1), "name", store_col_text(rows, 2), "site_role",
                        store_col_text(rows, 3));
    store_rows_free(rows);
    if (!out)
        return api_store_failed(c, STORE_ERROR);
    return api_json(c, 201, out);
}

int h_people_list(api_ctx *c)
{
    if (c->actor.site_role != SITE_ADMIN)
        return api_not_found(c);
    int64_t limit, offset, total = 0;
    if (api_page(c, &limit, &offset))
        return -1;
    const char *q = http_req_query(c->req, "q");
    char pattern[LIMIT_NAME_BYTES + 3];
    if (q && strlen(q) > LIMIT_NAME_BYTES)
        return api_problem(c, 400, "q", "the search text is too long");
    str_fmt(pattern, sizeof pattern, "%%%s%%", q ? q : "");
    str_ascii_lower(pattern);
    store_val p[] = {SV_TEXT(pattern), SV_INT(limit), SV_INT(offset)};
    int rc = store_query_int(
        c->db, "SELECT COUNT(*) FROM people WHERE lower(name) LIKE ?1 OR email LIKE ?1", p, 1,
        &total);
    if (rc < 0)
        return api_store_failed(c, rc);
    store_rows *rows;
    if ((rc = store_query(c->db,
                          "SELECT id, email, name, site_role FROM people WHERE lower(name) LIKE ?1 "
                          "OR email LIKE ?1 ORDER BY name, id LIMIT ?2 OFFSET ?3",
                          p, 3, &rows)) != STORE_OK)
        return api_store_failed(c, rc);
    json_t *items = json_array();
    while (store_next(rows) == 1)
        json_array_append_new(
            items, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)store_col_int(rows, 0),
                             "email", store_col_text(rows, 1), "name", store_col_text(rows, 2),
                             "site_role", store_col_text(rows, 3)));
    store_rows_free(rows);
    return api_json(c, 200,
                    json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total,
                              "limit", (json_int_t)limit, "offset", (json_int_t)offset));
}
