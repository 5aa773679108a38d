/* tokens.h - bearer API tokens: made, listed, revoked, checked.
 *
 * A token is "tdm_" + base64url(32 random bytes); only its SHA-256 is
 * stored. Every token expires (the caller gives the time, within the
 * server's maximum); a person holds at most LIMIT_TOKENS_PER_PERSON live
 * tokens, live meaning neither revoked nor expired, so expired ones never
 * block a new one. Tokens are not tied to a session: signing out of the
 * browser leaves an integration's token working, and a token is ended by
 * revoking it or by its expiry.
 *
 * Functions return 0, a refusal (> 0, enum tokens_status) or a store
 * status (< 0), and run in the caller's transaction.
 */
#ifndef TANDEM_SERVICE_TOKENS_H
#define TANDEM_SERVICE_TOKENS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "store/store.h"

#define TOKENS_SECRET_CHARS 64 /* room for "tdm_" + base64url of 32 bytes + NUL */

enum tokens_status {
    TOKENS_FULL = 1,      /* the person holds LIMIT_TOKENS_PER_PERSON live tokens */
    TOKENS_NOT_FOUND = 2, /* no such token of this person, or it is revoked */
};

struct token_info {
    int64_t id;
    char name[LIMIT_NAME_BYTES + 1];
    int64_t created_at;
    int64_t last_used_at; /* 0: never */
    int64_t expires_at;   /* 0: never (a token made before tokens expired) */
    bool expired;
};

/* Makes a token for person named name that expires at expires_at (> now).
 * secret receives the token (shown once, never stored), *id its id.
 * Needs a write transaction. TOKENS_FULL when the person is at the cap. */
int tokens_create(store *db, int64_t person, const char *name, int64_t now, int64_t expires_at,
                  char secret[TOKENS_SECRET_CHARS], int64_t *id);

/* The person's tokens that are not revoked, newest first, expired ones
 * included (marked). *out is a new array of *n the caller frees. */
int tokens_list(store *db, int64_t person, int64_t now, struct token_info **out, size_t *n);

/* Revokes the person's token id. Needs a write transaction.
 * TOKENS_NOT_FOUND when it is not theirs or already revoked. */
int tokens_revoke(store *db, int64_t person, int64_t id, int64_t now);

/* Who a presented token belongs to: 1 with *person, *site_role (a static
 * string: "admin", "coordinator" or "member"), *id and *last_used_at
 * when it is live; 0 when it is unknown, revoked or expired. */
int tokens_find(store *db, const char *secret, int64_t now, int64_t *person, const char **site_role,
                int64_t *id, int64_t *last_used_at);

/* Records that token id was used at now. */
int tokens_touch(store *db, int64_t id, int64_t now);

#endif
