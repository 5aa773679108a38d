/* invitations.c - the invitation link: what it invites to, and accepting
 * it (product.md §4). The rules are service/enrolment.c's; passwords are
 * identity's, checked outside any transaction. */
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/identity.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/str.h"
#include "domain/account.h"
#include "domain/password.h"
#include "service/enrolment.h"
#include "service/sessions.h"

/* GET /api/v1/invitations/{token}: the program and the role an invitation
 * is for, so its page can say so before anyone signs in. */
int h_invitation_get(api_ctx *c)
{
    const char *token = c->req->params[0];
    if (!token || strlen(token) > 128)
        return api_not_found(c);
    struct svc_invitation inv;
    verr e = VERR_COLLECT;
    int rc = svc_invitation_find(c->db, token, clock_now(), &inv, &e);
    if (rc != SVC_OK)
        return api_fail(c, rc, &e);
    json_t *out =
        json_pack("{s:I, s:s, s:s, s:s, s:b, s:o}", "program_id", (json_int_t)inv.program_id,
                  "program_name", inv.program_name, "role", inv.role, "name", inv.person_name,
                  "has_account", inv.password_hash != NULL, "expires_at", api_time(inv.expires_at));
    svc_invitation_cleanup(&inv);
    return api_json(c, 200, out);
}

/* POST /api/v1/invitations/accept {"token", "password", "name"?}
 * Someone invited without an account sets their password; someone with
 * one confirms it. Either way the link is used up and they are signed in. */
int h_invitation_accept(api_ctx *c)
{
    json_t *body;
    if (api_body_object(c, &body))
        return -1;
    verr e = VERR_COLLECT;
    const char *token, *password, *name;
    int result = -1, rc;
    char *hash = NULL;
    struct svc_invitation inv = {0};
    if (account_invitation_read(body, &token, &password, &name, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    int64_t now = clock_now();
    if ((rc = svc_invitation_find(c->db, token, now, &inv, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    /* Hashing runs with no transaction held; the single-use check of
     * svc_invitation_accept catches a second acceptance meanwhile. */
    api_end_read(c);
    bool has_password = inv.password_hash != NULL;
    bool ok = has_password ? identity_password_verify(inv.password_hash, password) : true;
    const char *why = has_password ? NULL : password_weakness(password, inv.email);
    if (ok && !has_password && !why)
        hash = identity_password_hash(password);
    if (api_begin_write(c))
        goto done;
    if (!ok) {
        result = api_problem(
            c, 403, "password",
            "password: the invitation is for an existing account, and this is not its password");
        goto done;
    }
    if (why) {
        result = api_problem(c, 422, "password", "password: %s", why);
        goto done;
    }
    now = clock_now();
    char secret[SECRET_TOKEN_CHARS], csrf[SECRET_TOKEN_CHARS];
    if ((rc = svc_invitation_accept(c->db, &inv, hash, name, now, &e)) != SVC_OK ||
        (rc = svc_session_open(c->db, inv.person_id, now, api_config()->session_absolute_s, secret,
                               csrf)) != STORE_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    char cookie[256];
    str_fmt(cookie, sizeof cookie,
            "tandem_session=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%lld%s", secret,
            (long long)api_config()->session_absolute_s,
            api_config()->secure_cookies ? "; Secure" : "");
    http_resp_header(c->resp, "Set-Cookie", cookie);
    c->actor.person_id = inv.person_id;
    result = api_json(c, 200,
                      json_pack("{s:I, s:I, s:I, s:s}", "person_id", (json_int_t)inv.person_id,
                                "program_id", (json_int_t)inv.program_id, "participation_id",
                                (json_int_t)inv.participation_id, "csrf_token", csrf));
done:
    free(hash);
    svc_invitation_cleanup(&inv);
    json_decref(body);
    return result;
}
