/* session.c - sign-in and sign-out, the signed-in person, API tokens. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/identity.h"
#include "base/clock.h"
#include "base/jsonbuf.h"
#include "base/limits.h"
#include "base/mem.h"
#include "base/str.h"
#include "domain/account.h"
#include "domain/session.h"
#include "service/identity.h"
#include "service/sessions.h"
#include "service/tokens.h"

static json_t *person_json(int64_t id, const char *email, const char *name, enum site_role role)
{
    return json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "email", email, "name", name,
                     "site_role", identity_site_role_name(role));
}

/* Checks an account's password under the sign-in rate limit, in the three
 * steps of service/identity.h. Runs in a READ_FIRST route: the read
 * transaction is open on entry. Returns
 *   0  the password is right: *id is the person, a write transaction is
 *      open and the account's count of failures is cleared in it;
 *   1  it is wrong (or there is no such account): the failure is counted
 *      and committed, no transaction is open, nothing is answered yet;
 *  -1  answered: 429 with Retry-After while the limit holds, or a
 *      database failure. */
static int verify_password(api_ctx *c, const char *email, const char *password, int64_t *id)
{
    struct svc_signin s;
    verr e = {0};
    int rc = svc_signin_start(c->db, email, c->req->client_ip, clock_now(), &s, &e);
    if (rc != SVC_OK) {
        if (rc == SVC_REFUSED) {
            char after[24];
            str_fmt(after, sizeof after, "%lld", (long long)s.retry_after);
            http_resp_header(c->resp, "Retry-After", after);
            rc = api_problem(c, 429, NULL, "%s", e.msg);
        } else {
            rc = api_fail(c, rc, &e);
        }
        svc_signin_cleanup(&s);
        return rc;
    }
    /* argon2id takes a while: no transaction is held while it runs. */
    api_end_read(c);
    bool ok = svc_signin_check(&s, password);
    *id = s.person_id;
    svc_signin_cleanup(&s);
    if (api_begin_write(c))
        return -1;
    rc = svc_signin_finish(c->db, email, c->req->client_ip, ok, clock_now());
    if (ok)
        return rc == STORE_OK ? 0 : api_store_failed(c, rc);
    /* The failure is kept whatever is answered; one that could not be
     * counted is not answered as a mere wrong password. */
    if (rc == STORE_OK)
        rc = store_commit(c->db);
    else
        store_rollback(c->db);
    return rc == STORE_OK ? 1 : api_store_failed(c, rc);
}

int h_session_create(api_ctx *c)
{
    json_t *body;
    if (api_body_object(c, &body))
        return -1;
    const char *password = NULL;
    char lower[LIMIT_EMAIL_BYTES + 1];
    verr e = {0};
    if (account_sign_in_read(body, lower, &password, &e)) {
        json_decref(body);
        return api_invalid(c, &e);
    }
    int64_t id;
    int v = verify_password(c, lower, password, &id);
    json_decref(body);
    if (v < 0)
        return -1;
    if (v > 0)
        return api_problem(c, 401, NULL, "wrong e-mail address or password");
    /* A fresh session at every sign-in; an old cookie's session ends. */
    const char *old = http_req_cookie(c->req, "tandem_session");
    if (old && strlen(old) >= IDENTITY_TOKEN_CHARS)
        old = NULL;
    char secret[IDENTITY_TOKEN_CHARS], csrf[IDENTITY_TOKEN_CHARS];
    struct svc_identity me;
    int rc = svc_session_sign_in(c->db, id, old, clock_now(), api_config()->session_absolute_s,
                                 secret, csrf);
    if (rc != STORE_OK || (rc = svc_identity_person(c->db, id, &me)) != SVC_OK)
        return api_store_failed(c, rc == SVC_NOT_FOUND ? STORE_ERROR : rc);
    char cookie[256];
    str_fmt(cookie, sizeof cookie,
            "tandem_session=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%lld%s", secret,
            (long long)api_config()->session_absolute_s,
            api_config()->secure_cookies ? "; Secure" : "");
    sodium_memzero(secret, sizeof secret);
    http_resp_header(c->resp, "Set-Cookie", cookie);
    return api_json(c, 200,
                    json_pack("{s:o, s:s}", "person",
                              person_json(me.person_id, me.email, me.name, me.site_role),
                              "csrf_token", csrf));
}

int h_session_delete(api_ctx *c)
{
    if (c->actor.session_id) {
        int rc = svc_session_end(c->db, c->actor.session_id);
        if (rc != STORE_OK)
            return api_store_failed(c, rc);
    }
    http_resp_header(c->resp, "Set-Cookie",
                     "tandem_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    return api_no_content(c);
}

/* A member "name":value of the reply written by h_me; name comes with its
 * quotes, the colon and a leading comma where one is due. */
static void put_text(buf *b, const char *name, const char *v)
{
    buf_puts(b, name);
    jsonbuf_string(b, v, strlen(v));
}

static void put_int(buf *b, const char *name, int64_t v)
{
    buf_puts(b, name);
    jsonbuf_integer(b, v);
}

/* GET /api/v1/me: the person came with the credential (one read); their
 * programs are the second. The most frequent request of all: the reply is
 * written straight as text, what api_json would make of
 * {id, email, name, site_role, csrf_token?, participations: [...]}, with
 * no tree built and freed (a tenth of the request's instructions). */
int h_me(api_ctx *c)
{
    const struct api_actor *a = &c->actor;
    struct svc_memberships m;
    int rc = svc_identity_memberships(c->db, a->person_id, &m);
    if (rc != SVC_OK)
        return api_store_failed(c, rc);
    http_resp_body(c->resp, 200, "application/json", "", 0);
    buf *b = &c->resp->body;
    put_int(b, "{\"id\":", a->person_id);
    put_text(b, ",\"email\":", a->email);
    put_text(b, ",\"name\":", a->name);
    put_text(b, ",\"site_role\":", identity_site_role_name(a->site_role));
    if (a->session_id)
        put_text(b, ",\"csrf_token\":", a->csrf_token);
    buf_puts(b, ",\"participations\":[");
    for (size_t i = 0; i < m.n; i++) {
        const struct svc_membership *p = &m.items[i];
        put_int(b, i ? ",{\"id\":" : "{\"id\":", p->id);
        put_int(b, ",\"program_id\":", p->program_id);
        put_text(b, ",\"program_name\":", p->program_name);
        put_text(b, ",\"role\":", p->role);
        put_text(b, ",\"status\":", p->status);
        buf_puts(b, "}");
    }
    buf_puts(b, "]}");
    svc_memberships_cleanup(&m);
    return 0;
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
    const struct api_config *cfg = api_config();
    verr e = VERR_COLLECT;
    struct token_request tr;
    if (token_request_read(body, cfg->token_days, cfg->token_max_days, &tr, &e)) {
        json_decref(body);
        return api_invalid(c, &e);
    }
    /* The account is the actor's own: their address keys the limit. */
    char email[LIMIT_EMAIL_BYTES + 1];
    str_fmt(email, sizeof email, "%s", c->actor.email);
    int64_t who;
    int rc;
    int v = verify_password(c, email, tr.password, &who);
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
    struct svc_token_input in = {.name = tr.name, .expires_at = now + tr.days * 86400};
    svc_actor actor = api_actor(c);
    rc = svc_token_create(c->db, &actor, &in, now, token, &id, &e);
    if (rc != SVC_OK) {
        json_decref(body);
        return api_fail(c, rc, &e);
    }
    json_t *out =
        json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)id, "name", tr.name, "token",
                  token, "created_at", api_time(now), "expires_at", api_time(in.expires_at));
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
