/* identity.h (service) - who is asking, accounts and their passwords, and
 * signing in (docs/internals/identity.md).
 *
 * Authentication is one read: the presented secret (a session cookie,
 * service/sessions.h, or a bearer token, service/tokens.h) is looked up by
 * its SHA-256 together with the person it belongs to, and the answer is a
 * struct svc_identity. Nothing of it is kept between requests: every
 * request reads the database, so a session ended or a token revoked by
 * any server on the same database is refused by every other at once.
 *
 * A sign-in has three steps because argon2id takes a while and must run
 * with no transaction held: svc_signin_start (the rate limit, then the
 * account, in a read transaction), svc_signin_check (the password, no
 * transaction), svc_signin_finish (the count, in a write transaction).
 *
 * Functions return SVC_OK, a refusal (> 0, service.h) or a store status
 * (< 0), and run in the caller's transaction.
 */
#ifndef TANDEM_SERVICE_IDENTITY_H
#define TANDEM_SERVICE_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "base/secret.h"
#include "service/service.h"

/* A person, and how they proved it on this request. */
struct svc_identity {
    int64_t person_id;
    enum site_role site_role;
    char email[LIMIT_EMAIL_BYTES + 1];
    char name[LIMIT_NAME_BYTES + 1];
    int64_t session_id;                  /* signed in by session cookie, else 0 */
    char csrf_token[SECRET_TOKEN_CHARS]; /* the session's; "" for a bearer token */
    int64_t token_id;                    /* signed in by bearer token, else 0 */
    bool seen_due; /* the session's or token's use is due to be recorded (domain/session.h) */
};

/* Person id (no session, no token): SVC_OK, SVC_NOT_FOUND or a store
 * status. */
int svc_identity_person(store *db, int64_t id, struct svc_identity *out);

/* A program the person takes part in, as GET /me lists it. */
struct svc_membership {
    int64_t id; /* the participation */
    int64_t program_id;
    char program_name[LIMIT_NAME_BYTES + 1];
    char role[16];   /* coordinator, mentor, mentee, viewer */
    char status[24]; /* the funnel stage reached last, or an exit */
};

struct svc_memberships {
    struct svc_membership *items; /* owned, n of them */
    size_t n;
};

/* Every participation of the person, by program name then role. SVC_OK or
 * a store status; out is empty on failure. */
int svc_identity_memberships(store *db, int64_t person_id, struct svc_memberships *out);
void svc_memberships_cleanup(struct svc_memberships *m); /* NULL allowed */

/* Creates a person with an account, for the command line and the tests:
 * password may be NULL (an invited person without one yet) and is checked
 * against the policy (domain/password.h) and hashed, then
 * svc_person_create (service/people.h) writes the person, as the system.
 * SVC_OK with *id, SVC_INVALID naming the field (email not an address or
 * taken, name, weak password) or a store status. Hashing is slow: call it
 * in a transaction only where nothing else waits (tandem init). */
int svc_identity_create_person(store *db, const char *email, const char *name, const char *password,
                               enum site_role role, int64_t *id, verr *e);

/* ---- passwords (argon2id, libsodium) ---- */

/* The PHC string of the password; NULL only when out of memory for the
 * hash. The caller frees it. Slow on purpose: never hold a transaction. */
char *svc_password_hash(const char *password);

/* true when password matches hash. A NULL hash (no such account, or no
 * password set) takes as long as a real check and gives false. */
bool svc_password_verify(const char *hash, const char *password);

/* ---- signing in ---- */

struct svc_signin {
    int64_t person_id;   /* 0: no such account */
    char *password_hash; /* owned; NULL when none */
    int64_t retry_after; /* with SVC_REFUSED: seconds until the limit lets a try through */
};

/* Step 1, in a read (or write) transaction: may email be tried from
 * client address ip (service/ratelimit.h), and if so the account. SVC_OK
 * (the account may not exist: person_id 0), SVC_REFUSED with retry_after
 * and e set while the limit holds (nothing about the account is read), or
 * a store status. email is lower-case already. */
int svc_signin_start(store *db, const char *email, const char *ip, int64_t now,
                     struct svc_signin *s, verr *e);

/* Step 2, with no transaction held: is password the account's? An
 * unknown account takes as long and gives false, so addresses cannot be
 * probed. */
bool svc_signin_check(const struct svc_signin *s, const char *password);

/* Step 3, in a write transaction: a failure is counted against the
 * address and the account, a success clears the account's count. A store
 * status: a failure that could not be counted must not be answered as a
 * mere wrong password. */
int svc_signin_finish(store *db, const char *email, const char *ip, bool ok, int64_t now);

void svc_signin_cleanup(struct svc_signin *s); /* NULL allowed; wipes the hash */

/* ---- site roles ---- */
const char *svc_site_role_name(enum site_role r);  /* "admin", "coordinator", "member" */
enum site_role svc_site_role_parse(const char *s); /* anything else is member */

#endif
