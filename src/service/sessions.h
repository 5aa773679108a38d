/* sessions.h (service) - a browser's sign-in: opening a session for a
 * person, and noting that one was used. The cookie and CSRF checks are the
 * API's (api/identity.c); only hashes of the secrets are stored. */
#ifndef TANDEM_SERVICE_SESSIONS_H
#define TANDEM_SERVICE_SESSIONS_H

#include <stdint.h>

#include "base/secret.h"
#include "service/service.h"

/* Opens a session for the person that ends at now + lifetime_s at the
 * latest: *secret is the cookie's value, *csrf its CSRF token. A store
 * status. */
int svc_session_open(store *db, int64_t person_id, int64_t now, int64_t lifetime_s,
                     char secret[SECRET_TOKEN_CHARS], char csrf[SECRET_TOKEN_CHARS]);

/* Records that session `id` was used at `now` (for its idle expiry). A
 * store status. */
int svc_session_seen(store *db, int64_t id, int64_t now);

#endif
