#include "api/identity.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/limits.h"
#include "base/mem.h"
#include "base/secret.h"
#include "base/str.h"
#include "domain/password.h"
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
    char *out = xmalloc(crypto_pwhash_STRBYTES);
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* A hash of nothing in particular, so that checking a password for an
 * unknown address costs the same as for a known one. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    char pw[IDENTITY_TOKEN_CHARS];
    identity_new_secret("", pw);
    if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        dummy_hash[0] = '\0'; /* out of memory: verification below then fails at once */
}

bool identity_password_verify(const char *hash, const char *password)
{
    if (!hash) {
        pthread_once(&dummy_once, make_dummy);
        if (crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
            return false; /* cannot happen: the dummy's password is random and unknown */
        return false;
    }
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

const char *identity_site_role_name(enum site_role r)
{
    return r == SITE_ADMIN ? "admin" : r == SITE_COORDINATOR ? "coordinator" : "member";
}

enum site_role identity_site_role_parse(const char *s)
{
    if (str_eq(s, "admin"))
        return SITE_ADMIN;
    if (str_eq(s, "coordinator"))
        return SITE_COORDINATOR;
    return SITE_MEMBER;
}

int identity_create_person(store *db, const char *email, const char *name, const char *password,
                           enum site_role role, int64_t *id, verr *e)
{
    if (!str_email_valid(email))
        return v_fail(e, "", "email", "is not a valid e-mail address"), SVC_INVALID;
    if (!name || !*name || strlen(name) > LIMIT_NAME_BYTES || !str_utf8_valid(name, strlen(name)))
        return v_fail(e, "", "name", "must be 1 to %d bytes of text", LIMIT_NAME_BYTES),
               SVC_INVALID;
    char *lower = str_ascii_lower(xstrdup(email));
    char *hash = NULL;
    int rc = SVC_INVALID;
    if (password) {
        const char *why = password_weakness(password, lower);
        if (why) {
            v_fail(e, "", "password", "%s", why);
            goto done;
        }
        hash = identity_password_hash(password);
        if (!hash) {
            v_fail(e, "", "password", "could not be hashed");
            goto done;
        }
    }
    int64_t now = clock_now();
    store_val p[] = {SV_TEXT(lower), SV_TEXT(name), SV_TEXT(hash),
                     SV_TEXT(identity_site_role_name(role)), SV_INT(now)};
    store_rows *rows;
    rc = store_query(
        db,
        "INSERT INTO people (email, name, password_hash, site_role, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?5) RETURNING id",
        p, 5, &rows);
    if (rc == STORE_CONFLICT) {
        v_fail(e, "", "email", "is already taken");
        rc = SVC_INVALID;
        goto done;
    }
    if (rc != STORE_OK)
        goto done;
    rc = store_next(rows);
    if (rc == 1) {
        *id = store_col_int(rows, 0);
        rc = 0;
    } else if (rc == STORE_CONFLICT) {
        v_fail(e, "", "email", "is already taken");
        rc = SVC_INVALID;
    } else {
        rc = rc == 0 ? STORE_ERROR : rc;
    }
    store_rows_free(rows);
done:
    if (hash)
        sodium_memzero(hash, strlen(hash));
    free(hash);
    free(lower);
    return rc;
}

static int bearer(api_ctx *c, const char *token)
{
    int64_t now = clock_now(), person = 0, id = 0, last_used = 0;
    const char *role = NULL;
    int rc = svc_token_find(c->db, token, now, &person, &role, &id, &last_used);
    if (rc < 0)
        return api_store_failed(c, rc);
    if (rc == SVC_NOT_FOUND) {
        http_resp_header(c->resp, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
        return api_problem(c, 401, NULL, "the bearer token is not valid, expired or revoked");
    }
    c->actor.person_id = person;
    c->actor.site_role = identity_site_role_parse(role);
    /* When it was last used shows on the tokens page; recorded at most
     * once a minute, by the dispatcher, after the request's transaction. */
    if (now - last_used >= 60)
        c->touch_token = id;
    return 0;
}

static int cookie(api_ctx *c, const char *secret)
{
    char hash[IDENTITY_HASH_HEX];
    identity_secret_hash(secret, hash);
    int64_t now = clock_now();
    store_rows *rows;
    store_val p[] = {SV_TEXT(hash)};
    int rc = store_query(c->db,
                         "SELECT s.id, s.person_id, s.csrf_token, s.last_seen_at, s.expires_at, "
                         "p.site_role FROM sessions s JOIN people p ON p.id = s.person_id "
                         "WHERE s.token_hash = ?1",
                         p, 1, &rows);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    int64_t last_seen = 0;
    if (store_next(rows) == 1) {
        last_seen = store_col_int(rows, 3);
        int64_t expires = store_col_int(rows, 4);
        if (now < expires && now < last_seen + api_config()->session_idle_s) {
            c->actor.session_id = store_col_int(rows, 0);
            c->actor.person_id = store_col_int(rows, 1);
            str_fmt(c->actor.csrf_token, sizeof c->actor.csrf_token, "%s", store_col_text(rows, 2));
            c->actor.site_role = identity_site_role_parse(store_col_text(rows, 5));
        }
    }
    store_rows_free(rows);
    /* Idle expiry is sliding; activity is recorded at most once a minute,
     * by the dispatcher, outside any read transaction. */
    if (c->actor.session_id && now - last_seen >= 60)
        c->touch_session = c->actor.session_id;
    return 0;
}

int identity_authenticate(api_ctx *c)
{
    memset(&c->actor, 0, sizeof c->actor);
    const char *auth = http_req_header(c->req, "Authorization");
    if (auth) {
        if (strncasecmp(auth, "Bearer ", 7) != 0 || !auth[7]) {
            http_resp_header(c->resp, "WWW-Authenticate", "Bearer");
            return api_problem(c, 401, NULL, "use Authorization: Bearer <token>");
        }
        return bearer(c, auth + 7);
    }
    const char *sid = http_req_cookie(c->req, "tandem_session");
    if (sid && *sid && strlen(sid) < IDENTITY_TOKEN_CHARS)
        return cookie(c, sid);
    return 0;
}
