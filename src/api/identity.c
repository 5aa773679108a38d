#include "api/identity.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/secret.h"
#include "base/str.h"
#include "service/identity.h"
#include "service/sessions.h"
#include "service/tokens.h"

int identity_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

_Static_assert(IDENTITY_TOKEN_CHARS == SECRET_TOKEN_CHARS && IDENTITY_HASH_HEX == SECRET_HASH_HEX,
               "identity's secrets are base/secret.h's");

void identity_new_secret(const char *prefix, char out[IDENTITY_TOKEN_CHARS])
{
    secret_new(prefix, out);
}

void identity_secret_hash(const char *secret, char out[IDENTITY_HASH_HEX])
{
    secret_hash(secret, out);
}

char *identity_password_hash(const char *password)
{
    return svc_password_hash(password);
}

bool identity_password_verify(const char *hash, const char *password)
{
    return svc_password_verify(hash, password);
}

const char *identity_site_role_name(enum site_role r)
{
    return svc_site_role_name(r);
}

enum site_role identity_site_role_parse(const char *s)
{
    return svc_site_role_parse(s);
}

/* The actor from what the services found: who, and by which proof. */
static void take(api_ctx *c, const struct svc_identity *id)
{
    struct api_actor *a = &c->actor;
    a->person_id = id->person_id;
    a->site_role = id->site_role;
    a->session_id = id->session_id;
    str_copy(a->csrf_token, sizeof a->csrf_token, id->csrf_token);
    str_copy(a->email, sizeof a->email, id->email);
    str_copy(a->name, sizeof a->name, id->name);
    /* Uses are recorded at most once a minute (domain/session.h), by the
     * dispatcher, after the request's own transaction. */
    if (id->seen_due) {
        c->touch_session = id->session_id;
        c->touch_token = id->token_id;
    }
}

int identity_authenticate(api_ctx *c)
{
    c->actor.person_id = 0;
    c->actor.site_role = SITE_MEMBER;
    c->actor.session_id = 0;
    c->actor.csrf_token[0] = c->actor.email[0] = c->actor.name[0] = '\0';
    struct svc_identity id;
    int rc;
    const char *auth = http_req_header(c->req, "Authorization");
    if (auth) {
        if (strncasecmp(auth, "Bearer ", 7) != 0 || !auth[7]) {
            http_resp_header(c->resp, "WWW-Authenticate", "Bearer");
            return api_problem(c, 401, NULL, "use Authorization: Bearer <token>");
        }
        if ((rc = svc_token_find(c->db, auth + 7, clock_now(), &id)) < 0)
            return api_store_failed(c, rc);
        if (rc == SVC_NOT_FOUND) {
            http_resp_header(c->resp, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
            return api_problem(c, 401, NULL, "the bearer token is not valid, expired or revoked");
        }
        take(c, &id);
        return 0;
    }
    const char *sid = http_req_cookie(c->req, "tandem_session");
    if (!sid || !*sid || strlen(sid) >= IDENTITY_TOKEN_CHARS)
        return 0;
    rc = svc_session_find(c->db, sid, clock_now(), api_config()->session_idle_s, &id);
    if (rc < 0)
        return api_store_failed(c, rc);
    if (rc == SVC_OK)
        take(c, &id);
    return 0;
}
