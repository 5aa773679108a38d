/* sessions.h (service) - a browser's sign-in: opening a session for a
 * person, and noting that one was used. The cookie and CSRF checks are the
 * API's (api/identity.c); only hashes of the secrets are stored.
 *
 * A session ends at its absolute expiry (fixed when it opens), after the
 * idle time without use, at sign-out, and when the same browser signs in
 * again (a fresh session each time: a cookie planted before the sign-in
 * is worth nothing after it). The rules are domain/session.h's; the
 * lookup reads the database on every request (service/identity.h), so an
 * ended session is refused by every server on the database at once. */
#ifndef TANDEM_SERVICE_SESSIONS_H
#define TANDEM_SERVICE_SESSIONS_H

#include <stdint.h>

#include "base/secret.h"
#include "service/identity.h"
#include "service/service.h"

/* Opens a session for the person that ends at now + lifetime_s at the
 * latest: *secret is the cookie's value, *csrf its CSRF token. A store
 * status. */
int svc_session_open(store *db, int64_t person_id, int64_t now, int64_t lifetime_s,
                     char secret[SECRET_TOKEN_CHARS], char csrf[SECRET_TOKEN_CHARS]);

/* Records that session `id` was used at `now` (for its idle expiry). A
 * store status. */
int svc_session_seen(store *db, int64_t id, int64_t now);

/* Signs the person in: the session of old_secret (the cookie the browser
 * sent, NULL or "" when none) ends, whoever's it was, and a new one opens
 * as svc_session_open does. Needs a write transaction. A store status. */
int svc_session_sign_in(store *db, int64_t person_id, const char *old_secret, int64_t now,
                        int64_t lifetime_s, char secret[SECRET_TOKEN_CHARS],
                        char csrf[SECRET_TOKEN_CHARS]);

/* The live session whose cookie is secret, with its person, in one read:
 * SVC_OK with *out filled (session_id, csrf_token, seen_due set),
 * SVC_NOT_FOUND when it is unknown, ended, past its absolute expiry or
 * idle for idle_s or more (domain/session.h), or a store status. */
int svc_session_find(store *db, const char *secret, int64_t now, int64_t idle_s,
                     struct svc_identity *out);

/* Ends session id (signing out). Needs a write transaction. A store
 * status; a session already gone is no error. */
int svc_session_end(store *db, int64_t id);

#endif
