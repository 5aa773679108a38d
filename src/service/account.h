/* account.h (service) - accounts by mail (docs/internals/identity.md):
 * resetting a forgotten password, and self sign-up verified by mail.
 *
 * Both work with single-use links (account_links): a random secret in
 * the mailed link, only its SHA-256 in the database, an expiry
 * (LIMIT_RESET_LINK_S, LIMIT_SIGNUP_LINK_S) and used_at set once. Asking
 * for either answers the same whatever the address (the caller answers
 * 202 with one body): whether an account exists shows only in the
 * mailbox of the address. Both are rate-limited with the sign-in's
 * counters (service/ratelimit.h) in a scope of their own, per client
 * address and per e-mail address.
 *
 * Functions run in the caller's write transaction and return SVC_OK, a
 * refusal (> 0, service.h) with e set, or a store status (< 0). Hashing a
 * password is the caller's (svc_password_hash, with no transaction held).
 */
#ifndef TANDEM_SERVICE_ACCOUNT_H
#define TANDEM_SERVICE_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "service/service.h"

/* ---- password reset ---- */

/* A reset asked for `email` (lower-case) by client address ip. SVC_OK
 * whether or not a link was mailed: one is when the address is an
 * account's and the address is under its limit (LIMIT_RESET_ADDRESS_ATTEMPTS
 * per LIMIT_RESET_WINDOW_S); a new link makes the person's earlier ones
 * void. SVC_REFUSED with *retry_after when the client is over its own
 * limit (LIMIT_RESET_CLIENT_ATTEMPTS): nothing about the address is read. */
int svc_reset_request(store *db, const char *email, const char *ip, int64_t now,
                      int64_t *retry_after, verr *e);

/* A live reset link. */
struct svc_reset {
    int64_t id, person_id;
    char email[LIMIT_EMAIL_BYTES + 1];
};

/* The unused, unexpired reset link whose secret is token: SVC_OK, or
 * SVC_NOT_FOUND naming "token" (used, expired or never made). */
int svc_reset_find(store *db, const char *token, int64_t now, struct svc_reset *out, verr *e);

/* Uses link r: the password becomes password_hash, every session of the
 * person ends, every live API token is revoked, the person's other reset
 * links are void, the sign-in count of the address is cleared, and a
 * "password_changed" mail says so. SVC_NOT_FOUND naming "token" when the
 * link was used or expired meanwhile (nothing changes). */
int svc_reset_complete(store *db, const struct svc_reset *r, const char *password_hash, int64_t now,
                       verr *e);

/* ---- self sign-up ---- */

struct svc_signup_settings {
    bool enabled;
    size_t n; /* domains */
    char domains[LIMIT_SIGNUP_DOMAINS][LIMIT_DOMAIN_BYTES + 1];
    int64_t updated_at; /* 0: never set */
};

/* The site's setting (off, no domains, when never set). A store status. */
int svc_signup_settings_get(store *db, struct svc_signup_settings *out);

/* Stores the setting: admins only (SVC_FORBIDDEN); each domain must pass
 * signup_domain_problem (SVC_INVALID naming "domains[i]"), duplicates
 * are dropped, and it may not be enabled with no domain (SVC_INVALID
 * naming "domains"). Records the audit event. */
int svc_signup_settings_set(store *db, const svc_actor *actor, const struct svc_signup_settings *in,
                            verr *e);

/* May `email` sign up under s? SVC_OK; SVC_REFUSED when sign-up is off;
 * SVC_INVALID naming "email" when it is not an address or its domain is
 * not one of s's. Pure: it reads no account. */
int svc_signup_allowed(const struct svc_signup_settings *s, const char *email, verr *e);

/* A sign-up (already allowed) of email (lower-case) with a name and the
 * hash of the chosen password, from client address ip. SVC_OK whatever
 * the address: a verification link is mailed when it has no account (the
 * account is made when the link is used, with this name and password),
 * a note saying it has one (with links to sign in and to reset the
 * password) when it has; neither once the address is over its limit.
 * SVC_REFUSED with *retry_after when the client is over its limit. */
int svc_signup_request(store *db, const char *email, const char *name, const char *password_hash,
                       const char *ip, int64_t now, int64_t *retry_after, verr *e);

/* Uses a sign-up's link: the person is made (member, verified by the
 * link) with the name and password of the sign-up, into *person_id; the
 * address's other sign-up links are void. An address that got an account
 * meanwhile keeps it: its password is set only when it had none (an
 * invited person's), else SVC_REFUSED naming "token" (sign in instead).
 * SVC_NOT_FOUND naming "token" for a used, expired or unknown link. */
int svc_signup_verify(store *db, const char *token, int64_t now, int64_t *person_id, verr *e);

#endif
