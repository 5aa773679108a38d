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
 * Functions return SVC_OK, a refusal (> 0, service.h) or a store status
 * (< 0), and run in the caller's transaction.
 */
#ifndef TANDEM_SERVICE_TOKENS_H
#define TANDEM_SERVICE_TOKENS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "service/identity.h"
#include "service/service.h"

#define TOKENS_SECRET_CHARS 64 /* room for "tdm_" + base64url of 32 bytes + NUL */

struct svc_token_input {
    const char *name;
    int64_t expires_at; /* > now */
};

struct token_info {
    int64_t id;
    char name[LIMIT_NAME_BYTES + 1];
    int64_t created_at;
    int64_t last_used_at; /* 0: never */
    int64_t expires_at;   /* 0: never (a token made before tokens expired) */
    bool expired;
};

/* Makes a token for the actor that expires at in->expires_at. secret
 * receives the token (shown once, never stored), *id its id; the audit
 * record is written. Needs a write transaction. SVC_REFUSED when the
 * actor holds LIMIT_TOKENS_PER_PERSON live tokens. */
int svc_token_create(store *db, const svc_actor *actor, const struct svc_token_input *in,
                     int64_t now, char secret[TOKENS_SECRET_CHARS], int64_t *id, verr *e);

/* The actor's tokens that are not revoked, newest first, expired ones
 * included (marked). *out is a new array of *n the caller frees. */
int svc_token_list(store *db, const svc_actor *actor, int64_t now, struct token_info **out,
                   size_t *n);

/* Revokes the actor's token id and writes the audit record. Needs a write
 * transaction. SVC_NOT_FOUND when it is not theirs or already revoked. */
int svc_token_revoke(store *db, const svc_actor *actor, int64_t id, int64_t now, verr *e);

/* Who a presented token belongs to, with the person, in one read: SVC_OK
 * with *out filled (token_id and seen_due set) when it is live;
 * SVC_NOT_FOUND when it is unknown, revoked or expired; or a store
 * status. Nothing is remembered between calls: a token revoked through
 * any server is refused by the next look-up anywhere. */
int svc_token_find(store *db, const char *secret, int64_t now, struct svc_identity *out);

/* Records that token id was used at now. A store status. */
int svc_token_touch(store *db, int64_t id, int64_t now);

#endif
