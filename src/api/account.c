/* account.c - accounts by mail: a forgotten password reset by a mailed
 * link, and self sign-up confirmed by one (docs/internals/identity.md).
 * The rules are service/account.c's; passwords are checked and hashed
 * here, with no transaction held. Every route is open (no sign-in) and
 * answers asking for a reset or signing up the same whatever the
 * address. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/identity.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/str.h"
#include "domain/account.h"
#include "domain/password.h"
#include "domain/signup.h"
#include "service/account.h"
#include "service/sessions.h"

/* 429 with Retry-After for a client over its limit, else api_fail. */
static int refused(api_ctx *c, int rc, int64_t retry_after, const verr *e)
{
    if (rc == SVC_REFUSED && retry_after > 0) {
        char after[24];
        str_fmt(after, sizeof after, "%lld", (long long)retry_after);
        http_resp_header(c->resp, "Retry-After", after);
        return api_problem(c, 429, NULL, "%s", e->msg);
    }
    return api_fail(c, rc, e);
}

/* Hashes password into *hash with no transaction held (argon2id takes a
 * while): the request's read ends, a write transaction begins. 0, or -1
 * answered (the write could not begin, or 422 when hashing failed). */
static int hash_outside(api_ctx *c, const char *password, char **hash)
{
    api_end_read(c);
    *hash = identity_password_hash(password);
    if (api_begin_write(c))
        return -1;
    if (!*hash)
        return api_problem(c, 422, "password", "password: could not be hashed");
    return 0;
}

/* Wipes and frees a password hash (NULL allowed). */
static void wipe(char *hash)
{
    if (hash) {
        sodium_memzero(hash, strlen(hash));
        free(hash);
    }
}

/* POST /api/v1/password-reset {"email"}: 202 and the same body whatever
 * the address; a link is mailed when it is an account's. */
int h_password_reset(api_ctx *c)
{
    json_t *body;
    if (api_body_object(c, &body))
        return -1;
    verr e = VERR_COLLECT;
    char email[LIMIT_EMAIL_BYTES + 1] = "";
    int bad = account_reset_read(body, email, &e);
    json_decref(body);
    if (bad)
        return api_invalid(c, &e);
    int64_t retry = 0;
    int rc = svc_reset_request(c->db, email, c->req->client_ip, clock_now(), &retry, &e);
    if (rc != SVC_OK)
        return refused(c, rc, retry, &e);
    return api_json(c, 202,
                    json_pack("{s:s, s:I}", "status", "accepted", "link_minutes",
                              (json_int_t)(LIMIT_RESET_LINK_S / 60)));
}

/* POST /api/v1/password-reset/complete {"token", "password"}: the new
 * password; every session of the person ends and their API tokens are
 * revoked. 204. */
int h_password_reset_complete(api_ctx *c)
{
    json_t *body;
    if (api_body_object(c, &body))
        return -1;
    verr e = VERR_COLLECT;
    const char *token = NULL, *password = NULL;
    char *hash = NULL;
    int result = -1, rc;
    if (account_reset_complete_read(body, &token, &password, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    struct svc_reset r;
    if ((rc = svc_reset_find(c->db, token, clock_now(), &r, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    const char *why = password_weakness(password, r.email);
    if (why) {
        result = api_problem(c, 422, "password", "password: %s", why);
        goto done;
    }
    /* argon2id runs with no transaction held; svc_reset_complete's
     * single-use check catches a second use meanwhile. */
    if (hash_outside(c, password, &hash))
        goto done;
    if ((rc = svc_reset_complete(c->db, &r, hash, clock_now(), &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    /* This browser's cookie, if any, belonged to a session that ended. */
    http_resp_header(c->resp, "Set-Cookie",
                     "tandem_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    result = api_no_content(c);
done:
    wipe(hash);
    json_decref(body);
    return result;
}

static json_t *settings_json(const struct svc_signup_settings *s)
{
    json_t *list = json_array();
    for (size_t i = 0; i < s->n; i++)
        json_array_append_new(list, json_string(s->domains[i]));
    return json_pack("{s:b, s:o, s:o}", "enabled", s->enabled, "domains", list, "updated_at",
                     s->updated_at ? api_time(s->updated_at) : json_null());
}

/* GET /api/v1/sign-up/settings: whether self sign-up is open, and to
 * which domains - for the sign-in page, so anyone may read it. */
int h_signup_settings_get(api_ctx *c)
{
    struct svc_signup_settings s;
    int rc = svc_signup_settings_get(c->db, &s);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    return api_json(c, 200, settings_json(&s));
}

/* PUT /api/v1/sign-up/settings {"enabled", "domains"}: admins. */
int h_signup_settings_put(api_ctx *c)
{
    json_t *body;
    if (api_body_object(c, &body))
        return -1;
    verr e = VERR_COLLECT;
    struct svc_signup_settings s = {0};
    signup_settings_read(body, &s.enabled, s.domains, &s.n, &e);
    json_decref(body);
    if (v_failed(&e))
        return api_invalid(c, &e);
    svc_actor actor = api_actor(c);
    int rc = svc_signup_settings_set(c->db, &actor, &s, &e);
    if (rc != SVC_OK)
        return api_fail(c, rc, &e);
    if ((rc = svc_signup_settings_get(c->db, &s)) != STORE_OK)
        return api_store_failed(c, rc);
    return api_json(c, 200, settings_json(&s));
}

/* POST /api/v1/sign-up {"email", "name", "password"}: 202 and the same
 * body whatever the address, once it is of an allowed domain (422 naming
 * email otherwise; 409 while sign-up is off). The password is hashed
 * whatever happens next, so no answer comes sooner for a known address. */
int h_signup(api_ctx *c)
{
    json_t *body;
    if (api_body_object(c, &body))
        return -1;
    verr e = VERR_COLLECT;
    char email[LIMIT_EMAIL_BYTES + 1] = "";
    const char *name = NULL, *password = NULL;
    char *hash = NULL;
    int result = -1, rc;
    struct svc_signup_settings s;
    if ((rc = svc_signup_settings_get(c->db, &s)) != STORE_OK) {
        result = api_store_failed(c, rc);
        goto done;
    }
    if (!s.enabled) {
        result = api_fail(c, svc_signup_allowed(&s, email, &e), &e);
        goto done;
    }
    bool email_ok;
    account_signup_read(body, email, &name, &password, &email_ok, &e);
    if (email_ok) {
        verr d = {0};
        if (svc_signup_allowed(&s, email, &d) != SVC_OK)
            v_merge(&e, &d);
    }
    const char *why = password ? password_weakness(password, email) : NULL;
    if (why)
        v_fail(&e, "", "password", "%s", why);
    if (v_failed(&e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    if (hash_outside(c, password, &hash))
        goto done;
    int64_t retry = 0;
    rc = svc_signup_request(c->db, email, name, hash, c->req->client_ip, clock_now(), &retry, &e);
    if (rc != SVC_OK) {
        result = refused(c, rc, retry, &e);
        goto done;
    }
    result = api_json(c, 202,
                      json_pack("{s:s, s:I}", "status", "accepted", "link_days",
                                (json_int_t)(LIMIT_SIGNUP_LINK_S / 86400)));
done:
    wipe(hash);
    json_decref(body);
    return result;
}

/* POST /api/v1/sign-up/verify {"token"}: the account is made and this
 * browser signed in to it. */
int h_signup_verify(api_ctx *c)
{
    json_t *body;
    if (api_body_object(c, &body))
        return -1;
    verr e = VERR_COLLECT;
    const char *token = NULL;
    if (account_verify_read(body, &token, &e)) {
        json_decref(body);
        return api_invalid(c, &e);
    }
    int64_t person = 0, now = clock_now();
    int rc = svc_signup_verify(c->db, token, now, &person, &e);
    json_decref(body);
    if (rc != SVC_OK)
        return api_fail(c, rc, &e);
    char secret[SECRET_TOKEN_CHARS], csrf[SECRET_TOKEN_CHARS];
    if ((rc = svc_session_open(c->db, person, now, api_config()->session_absolute_s, secret,
                               csrf)) != STORE_OK)
        return api_store_failed(c, rc);
    char cookie[256];
    str_fmt(cookie, sizeof cookie,
            "tandem_session=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%lld%s", secret,
            (long long)api_config()->session_absolute_s,
            api_config()->secure_cookies ? "; Secure" : "");
    sodium_memzero(secret, sizeof secret);
    http_resp_header(c->resp, "Set-Cookie", cookie);
    c->actor.person_id = person;
    return api_json(c, 200,
                    json_pack("{s:I, s:s}", "person_id", (json_int_t)person, "csrf_token", csrf));
}
