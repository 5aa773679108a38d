/* session.c - sign-in and sign-out, the signed-in person, API tokens. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/identity.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/mem.h"
#include "base/str.h"
#include "service/ratelimit.h"
#include "service/tokens.h"

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

/* Checks an account's password under the sign-in rate limit
 * (service/ratelimit.h). Runs in a READ_FIRST route: the read transaction
 * is open on entry. Returns
 *   0  the password is right: *id is the person, a write transaction is
 *      open and the account's count of failures is cleared in it;
 *   1  it is wrong (or there is no such account): the failure is counted
 *      and committed, no transaction is open, nothing is answered yet;
 *  -1  answered: 429 with Retry-After while the limit holds, or a
 *      database failure.
 * The client address is checked before anything about the account is
 * read, and no transaction is held while argon2id runs. */
static int verify_password(api_ctx *c, const char *email, const char *password, int64_t *id)
{
    int64_t now = clock_now(), retry = 0;
    int rc = svc_ratelimit_check(c->db, NULL, email, c->req->client_ip, now, &retry);
    if (rc < 0)
        return api_store_failed(c, rc);
    if (retry > 0) {
        char after[24];
        str_fmt(after, sizeof after, "%lld", (long long)retry);
        http_resp_header(c->resp, "Retry-After", after);
        return api_problem(c, 429, NULL, "too many failed sign-ins; try again in %lld seconds",
                           (long long)retry);
    }
    store_rows *rows;
    store_val p[] = {SV_TEXT(email)};
    rc = store_query(c->db, "SELECT id, password_hash FROM people WHERE email = ?1", p, 1, &rows);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    *id = 0;
    char *stored = NULL;
    if (store_next(rows) == 1) {
        *id = store_col_int(rows, 0);
        stored = xstrdup(store_col_text(rows, 1));
    }
    store_rows_free(rows);
    /* argon2id takes a while: no transaction is held while it runs. An
     * unknown address takes as long, so addresses cannot be probed. */
    api_end_read(c);
    bool ok = identity_password_verify(stored, password) && *id;
    free(stored);
    if (api_begin_write(c))
        return -1;
    now = clock_now();
    if (!ok) {
        rc = svc_ratelimit_failed(c->db, NULL, email, c->req->client_ip, now);
        if (rc == STORE_OK)
            rc = store_commit(c->db);
        else
            store_rollback(c->db);
        /* A failure that could not be counted is not answered as a mere
         * wrong password: the limit must never be skipped. */
        return rc == STORE_OK ? 1 : api_store_failed(c, rc);
    }
    rc = svc_ratelimit_succeeded(c->db, NULL, email, now);
    return rc == STORE_OK ? 0 : api_store_failed(c, rc);
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
    int64_t id;
    int v = verify_password(c, lower, password, &id);
    json_decref(body);
    if (v < 0)
        return -1;
    if (v > 0)
        return api_problem(c, 401, NULL, "wrong e-mail address or password");
    char secret[IDENTITY_TOKEN_CHARS], hash[IDENTITY_HASH_HEX], csrf[IDENTITY_TOKEN_CHARS];
    identity_new_secret("", secret);
    identity_new_secret("", csrf);
    identity_secret_hash(secret, hash);
    int64_t now = clock_now();
    int rc;
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

/* ---- API tokens (service/tokens.h) ----
 *
 * Making a token asks for the account's password, whatever the request
 * carries: a stolen session cookie or token alone cannot mint a lasting
 * credential, and a wrong password counts against the sign-in limit like
 * a failed sign-in. Tokens outlive signing out of the browser (they are
 * for integrations); each expires, and the tokens page lists and revokes
 * them. */

static json_t *token_json(const struct token_info *t)
{
    json_t *o = json_pack("{s:I, s:s, s:o, s:b}", "id", (json_int_t)t->id, "name", t->name,
                          "created_at", api_time(t->created_at), "expired", t->expired);
    json_object_set_new(o, "last_used_at",
                        t->last_used_at ? api_time(t->last_used_at) : json_null());
    json_object_set_new(o, "expires_at", t->expires_at ? api_time(t->expires_at) : json_null());
    return o;
}

int h_tokens_list(api_ctx *c)
{
    struct token_info *list;
    size_t n;
    svc_actor actor = api_actor(c);
    int rc = svc_token_list(c->db, &actor, clock_now(), &list, &n);
    if (rc < 0)
        return api_store_failed(c, rc);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, token_json(&list[i]));
    free(list);
    const struct api_config *cfg = api_config();
    return api_json(c, 200,
                    json_pack("{s:o, s:I, s:I, s:I}", "items", items, "default_expiry_days",
                              (json_int_t)cfg->token_days, "max_expiry_days",
                              (json_int_t)cfg->token_max_days, "max_live_tokens",
                              (json_int_t)LIMIT_TOKENS_PER_PERSON));
}

int h_token_create(api_ctx *c)
{
    json_t *body;
    if (api_body_object(c, &body))
        return -1;
    static const char *const keys[] = {"name", "expires_in_days", "password", NULL};
    const struct api_config *cfg = api_config();
    verr e = {0};
    const char *name, *password;
    int64_t days;
    if (v_known_keys(body, "", keys, &e) ||
        v_string(body, "name", "", false, false, LIMIT_NAME_BYTES, "API token", &name, &e) ||
        v_int(body, "expires_in_days", "", 1, cfg->token_max_days, cfg->token_days, false, &days,
              &e) ||
        v_string(body, "password", "", true, false, LIMIT_PASSWORD_MAX, NULL, &password, &e)) {
        json_decref(body);
        return api_invalid(c, &e);
    }
    /* The account is the actor's own: their address keys the limit. */
    json_t *me = person_json(c, c->actor.person_id);
    if (!me) {
        json_decref(body);
        return api_store_failed(c, STORE_ERROR);
    }
    char email[LIMIT_EMAIL_BYTES + 1] = "";
    str_fmt(email, sizeof email, "%s", json_string_value(json_object_get(me, "email")));
    json_decref(me);
    int64_t who;
    int rc;
    int v = verify_password(c, email, password, &who);
    if (v < 0) {
        json_decref(body);
        return -1;
    }
    if (v > 0 || who != c->actor.person_id) {
        json_decref(body);
        return api_problem(c, 422, "password", "password: not the password of this account");
    }
    char token[TOKENS_SECRET_CHARS];
    int64_t now = clock_now(), id = 0;
    struct svc_token_input in = {.name = name, .expires_at = now + days * 86400};
    svc_actor actor = api_actor(c);
    rc = svc_token_create(c->db, &actor, &in, now, token, &id, &e);
    if (rc != SVC_OK) {
        json_decref(body);
        return api_fail(c, rc, &e);
    }
    json_t *out =
        json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)id, "name", name, "token", token,
                  "created_at", api_time(now), "expires_at", api_time(in.expires_at));
    sodium_memzero(token, sizeof token);
    json_decref(body);
    return api_json(c, 201, out);
}

int h_token_delete(api_ctx *c)
{
    int64_t id;
    if (api_param_id(c, 0, &id))
        return -1;
    verr e = {0};
    svc_actor actor = api_actor(c);
    int rc = svc_token_revoke(c->db, &actor, id, clock_now(), &e);
    if (rc != SVC_OK)
        return rc == SVC_NOT_FOUND ? api_not_found(c) : api_fail(c, rc, &e);
    return api_no_content(c);
}
