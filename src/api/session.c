/* session.c - sign-in and sign-out, the signed-in person, API tokens. */
#include <string.h>

#include "api/handlers.h"
#include "api/identity.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/mem.h"
#include "base/str.h"

/* The person as the API shows them to themself. */
static json_t *person_json(api_ctx *c, int64_t id)
{
    store_rows *rows;
    store_val p[] = {SV_INT(id)};
    if (store_query(c->db, "SELECT id, email, name, site_role FROM people WHERE id = ?1", p, 1,
                    &rows) != STORE_OK)
        return NULL;
    json_t *o = NULL;
    if (store_next(rows) == 1)
        o = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)store_col_int(rows, 0), "email",
                      store_col_text(rows, 1), "name", store_col_text(rows, 2), "site_role",
                      store_col_text(rows, 3));
    store_rows_free(rows);
    return o;
}

int h_session_create(api_ctx *c)
{
    json_t *body;
    if (api_body_object(c, &body))
        return -1;
    const char *email = NULL, *password = NULL;
    json_error_t err;
    if (json_unpack_ex(body, &err, JSON_STRICT, "{s:s, s:s}", "email", &email, "password",
                       &password)) {
        json_decref(body);
        const char *field = strstr(err.text, "password") ? "password" : "email";
        if (strstr(err.text, "unpacked"))
            return api_problem(c, 422, NULL, "only email and password are accepted");
        return api_problem(c, 422, field, "%s: a string is required", field);
    }
    char lower[LIMIT_EMAIL_BYTES + 1];
    if (!str_fmt(lower, sizeof lower, "%s", email)) {
        json_decref(body);
        return api_problem(c, 422, "email", "email: too long");
    }
    str_ascii_lower(lower);
    if (!identity_login_allowed(lower, c->req->client_ip)) {
        json_decref(body);
        http_resp_header(c->resp, "Retry-After", "300");
        return api_problem(c, 429, NULL, "too many failed sign-ins; wait a few minutes");
    }
    store_rows *rows;
    store_val p[] = {SV_TEXT(lower)};
    int rc =
        store_query(c->db, "SELECT id, password_hash FROM people WHERE email = ?1", p, 1, &rows);
    if (rc != STORE_OK) {
        json_decref(body);
        return api_store_failed(c, rc);
    }
    int64_t id = 0;
    char *stored = NULL;
    if (store_next(rows) == 1) {
        id = store_col_int(rows, 0);
        stored = xstrdup(store_col_text(rows, 1));
    }
    store_rows_free(rows);
    /* argon2id takes a while: no transaction is held while it runs. An
     * unknown address takes as long, so addresses cannot be probed. */
    api_end_read(c);
    bool ok = identity_password_verify(stored, password) && id;
    free(stored);
    json_decref(body);
    if (!ok) {
        identity_login_failed(lower, c->req->client_ip);
        return api_problem(c, 401, NULL, "wrong e-mail address or password");
    }
    identity_login_succeeded(lower);
    if (api_begin_write(c))
        return -1;
    char secret[IDENTITY_TOKEN_CHARS], hash[IDENTITY_HASH_HEX], csrf[IDENTITY_TOKEN_CHARS];
    identity_new_secret("", secret);
    identity_new_secret("", csrf);
    identity_secret_hash(secret, hash);
    int64_t now = clock_now();
    /* A fresh session at every sign-in; an old cookie's session ends. */
    const char *old = http_req_cookie(c->req, "tandem_session");
    if (old && strlen(old) < IDENTITY_TOKEN_CHARS) {
        char oldhash[IDENTITY_HASH_HEX];
        identity_secret_hash(old, oldhash);
        store_val d[] = {SV_TEXT(oldhash)};
        if ((rc = store_exec(c->db, "DELETE FROM sessions WHERE token_hash = ?1", d, 1, NULL)) !=
            STORE_OK)
            return api_store_failed(c, rc);
    }
    store_val s[] = {SV_TEXT(hash), SV_INT(id), SV_TEXT(csrf), SV_INT(now),
                     SV_INT(now + api_config()->session_absolute_s)};
    rc = store_exec(c->db,
                    "INSERT INTO sessions (token_hash, person_id, csrf_token, created_at, "
                    "last_seen_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
                    s, 5, NULL);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    char cookie[256];
    str_fmt(cookie, sizeof cookie,
            "tandem_session=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%lld%s", secret,
            (long long)api_config()->session_absolute_s,
            api_config()->secure_cookies ? "; Secure" : "");
    http_resp_header(c->resp, "Set-Cookie", cookie);
    json_t *person = person_json(c, id);
    if (!person)
        return api_store_failed(c, STORE_ERROR);
    return api_json(c, 200, json_pack("{s:o, s:s}", "person", person, "csrf_token", csrf));
}

int h_session_delete(api_ctx *c)
{
    if (c->actor.session_id) {
        store_val p[] = {SV_INT(c->actor.session_id)};
        int rc = store_exec(c->db, "DELETE FROM sessions WHERE id = ?1", p, 1, NULL);
        if (rc != STORE_OK)
            return api_store_failed(c, rc);
    }
    http_resp_header(c->resp, "Set-Cookie",
                     "tandem_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    return api_no_content(c);
}

int h_me(api_ctx *c)
{
    json_t *me = person_json(c, c->actor.person_id);
    if (!me)
        return api_not_found(c);
    if (c->actor.session_id)
        json_object_set_new(me, "csrf_token", json_string(c->actor.csrf_token));
    json_t *parts = json_array();
    store_rows *rows;
    store_val p[] = {SV_INT(c->actor.person_id)};
    int rc = store_query(
        c->db,
        "SELECT pa.id, pa.program_id, pr.name, pa.role, pa.status FROM participations pa "
        "JOIN programs pr ON pr.id = pa.program_id WHERE pa.person_id = ?1 "
        "ORDER BY pr.name, pa.role",
        p, 1, &rows);
    if (rc != STORE_OK) {
        json_decref(me);
        json_decref(parts);
        return api_store_failed(c, rc);
    }
    while (store_next(rows) == 1)
        json_array_append_new(
            parts, json_pack("{s:I, s:I, s:s, s:s, s:s}", "id", (json_int_t)store_col_int(rows, 0),
                             "program_id", (json_int_t)store_col_int(rows, 1), "program_name",
                             store_col_text(rows, 2), "role", store_col_text(rows, 3), "status",
                             store_col_text(rows, 4)));
    store_rows_free(rows);
    json_object_set_new(me, "participations", parts);
    return api_json(c, 200, me);
}

int h_token_create(api_ctx *c)
{
    json_t *body;
    if (api_body_object(c, &body))
        return -1;
    static const char *const keys[] = {"name", "expires_in_days", NULL};
    verr e = {0};
    const char *name;
    int64_t days;
    if (v_known_keys(body, "", keys, &e) ||
        v_string(body, "name", "", false, false, LIMIT_NAME_BYTES, "API token", &name, &e) ||
        v_int(body, "expires_in_days", "", 1, 3650, 0, false, &days, &e)) {
        json_decref(body);
        return api_invalid(c, &e);
    }
    int64_t live;
    store_val q[] = {SV_INT(c->actor.person_id)};
    if (store_query_int(
            c->db, "SELECT COUNT(*) FROM api_tokens WHERE person_id = ?1 AND revoked_at IS NULL", q,
            1, &live) == 1 &&
        live >= LIMIT_TOKENS_PER_PERSON) {
        json_decref(body);
        return api_problem(c, 409, NULL, "at most %d live tokens per person",
                           LIMIT_TOKENS_PER_PERSON);
    }
    char token[IDENTITY_TOKEN_CHARS], hash[IDENTITY_HASH_HEX];
    identity_new_secret("tdm_", token);
    identity_secret_hash(token, hash);
    int64_t now = clock_now();
    store_val p[] = {SV_TEXT(hash), SV_INT(c->actor.person_id), SV_TEXT(name), SV_INT(now),
                     days ? SV_INT(now + days * 86400) : SV_NULL};
    store_rows *rows;
    int rc =
        store_query(c->db,
                    "INSERT INTO api_tokens (token_hash, person_id, name, created_at, expires_at) "
                    "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
                    p, 5, &rows);
    if (rc != STORE_OK) {
        json_decref(body);
        return api_store_failed(c, rc);
    }
    int64_t id = store_next(rows) == 1 ? store_col_int(rows, 0) : 0;
    store_rows_free(rows);
    json_t *out = json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)id, "name", name, "token",
                            token, "created_at", api_time(now));
    json_object_set_new(out, "expires_at", days ? api_time(now + days * 86400) : json_null());
    json_decref(body);
    api_audit(c, "token.create", "api_token", id, NULL);
    return api_json(c, 201, out);
}
