#include "service/identity.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/str.h"
#include "domain/password.h"
#include "service/people.h"
#include "service/ratelimit.h"

const char *svc_site_role_name(enum site_role r)
{
    return r == SITE_ADMIN ? "admin" : r == SITE_COORDINATOR ? "coordinator" : "member";
}

enum site_role svc_site_role_parse(const char *s)
{
    if (str_eq(s, "admin"))
        return SITE_ADMIN;
    if (str_eq(s, "coordinator"))
        return SITE_COORDINATOR;
    return SITE_MEMBER;
}

int svc_identity_person(store *db, int64_t id, struct svc_identity *out)
{
    memset(out, 0, sizeof *out);
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(id)};
    int rc =
        store_query(db, "SELECT id, email, name, site_role FROM people WHERE id = ?1", p, 1, &rows);
    if (rc == STORE_OK) {
        rc = store_next(rows);
        if (rc == 1) {
            out->person_id = store_col_int(rows, 0);
            str_copy(out->email, sizeof out->email, store_col_text(rows, 1));
            str_copy(out->name, sizeof out->name, store_col_text(rows, 2));
            out->site_role = svc_site_role_parse(store_col_text(rows, 3));
        }
        rc = rc == 1 ? SVC_OK : rc == 0 ? SVC_NOT_FOUND : rc;
    }
    store_rows_free(rows);
    return rc;
}

int svc_identity_memberships(store *db, int64_t person_id, struct svc_memberships *out)
{
    memset(out, 0, sizeof *out);
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(person_id)};
    int rc = store_query(
        db,
        "SELECT pa.id, pa.program_id, pr.name, pa.role, pa.status FROM participations pa "
        "JOIN programs pr ON pr.id = pa.program_id WHERE pa.person_id = ?1 "
        "ORDER BY pr.name, pa.role",
        p, 1, &rows);
    size_t cap = 0;
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        if (out->n == cap) {
            cap = cap ? 2 * cap : 4;
            out->items = xrealloc(out->items, cap * sizeof *out->items);
        }
        struct svc_membership *m = &out->items[out->n++];
        m->id = store_col_int(rows, 0);
        m->program_id = store_col_int(rows, 1);
        str_copy(m->program_name, sizeof m->program_name, store_col_text(rows, 2));
        str_copy(m->role, sizeof m->role, store_col_text(rows, 3));
        str_copy(m->status, sizeof m->status, store_col_text(rows, 4));
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0) {
        svc_memberships_cleanup(out);
        return rc;
    }
    return SVC_OK;
}

void svc_memberships_cleanup(struct svc_memberships *m)
{
    if (!m)
        return;
    free(m->items);
    memset(m, 0, sizeof *m);
}

int svc_identity_create_person(store *db, const char *email, const char *name, const char *password,
                               enum site_role role, int64_t *id, verr *e)
{
    *id = 0;
    char *hash = NULL;
    if (password) {
        char lower[LIMIT_EMAIL_BYTES + 1];
        str_copy(lower, sizeof lower, email ? email : "");
        str_ascii_lower(lower);
        const char *why = password_weakness(password, lower);
        if (why)
            return svc_fail(e, SVC_INVALID, "password", "%s", why);
        if (!(hash = svc_password_hash(password)))
            return svc_fail(e, SVC_INVALID, "password", "could not be hashed");
    }
    /* The person themselves: service/people.c's, the one place a person
     * is written; the command line and the tests act as the system. */
    const svc_actor system = {0};
    struct svc_person_new in = {
        .email = email, .name = name, .password_hash = hash, .site_role = svc_site_role_name(role)};
    int rc = svc_person_create(db, &system, &in, id, e);
    if (hash)
        sodium_memzero(hash, strlen(hash));
    free(hash);
    return rc;
}

/* ---- passwords ---- */

char *svc_password_hash(const char *password)
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
    char pw[SECRET_TOKEN_CHARS];
    secret_new("", pw);
    if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        dummy_hash[0] = '\0'; /* out of memory: verification below then fails at once */
    sodium_memzero(pw, sizeof pw);
}

bool svc_password_verify(const char *hash, const char *password)
{
    if (!hash) {
        pthread_once(&dummy_once, make_dummy);
        /* The check is made only for the time it takes: it cannot pass,
         * the dummy's password is random and unknown. */
        if (crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
            return false;
        return false;
    }
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

/* ---- signing in ---- */

int svc_signin_start(store *db, const char *email, const char *ip, int64_t now,
                     struct svc_signin *s, verr *e)
{
    memset(s, 0, sizeof *s);
    int rc = svc_ratelimit_check(db, NULL, email, ip, now, &s->retry_after);
    if (rc < 0)
        return rc;
    if (s->retry_after > 0)
        return svc_fail(e, SVC_REFUSED, NULL, "too many failed sign-ins; try again in %lld seconds",
                        (long long)s->retry_after);
    store_rows *rows = NULL;
    store_val p[] = {SV_TEXT(email)};
    rc = store_query(db, "SELECT id, password_hash FROM people WHERE email = ?1", p, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        s->person_id = store_col_int(rows, 0);
        if (!store_col_null(rows, 1))
            s->password_hash = xstrdup(store_col_text(rows, 1));
    }
    store_rows_free(rows);
    return rc < 0 ? rc : SVC_OK;
}

bool svc_signin_check(const struct svc_signin *s, const char *password)
{
    return svc_password_verify(s->password_hash, password) && s->person_id;
}

int svc_signin_finish(store *db, const char *email, const char *ip, bool ok, int64_t now)
{
    return ok ? svc_ratelimit_succeeded(db, NULL, email, now)
              : svc_ratelimit_failed(db, NULL, email, ip, now);
}

void svc_signin_cleanup(struct svc_signin *s)
{
    if (!s)
        return;
    if (s->password_hash) {
        sodium_memzero(s->password_hash, strlen(s->password_hash));
        free(s->password_hash);
    }
    memset(s, 0, sizeof *s);
}
