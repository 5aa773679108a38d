/* identity.h - accounts, passwords, sessions and API tokens. The sign-in
 * rate limit is service/ratelimit.h. */
#ifndef TANDEM_API_IDENTITY_H
#define TANDEM_API_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/api.h"

#include "base/secret.h"

#define IDENTITY_TOKEN_CHARS SECRET_TOKEN_CHARS /* room for prefix + base64url of 32 bytes */
#define IDENTITY_HASH_HEX SECRET_HASH_HEX       /* SHA-256 as hex, with the NUL */

/* Must run once before anything below (initialises libsodium). 0 on success. */
int identity_init(void);

/* A new random secret: prefix + base64url(32 random bytes)
 * (base/secret.h's secret_new). */
void identity_new_secret(const char *prefix, char out[IDENTITY_TOKEN_CHARS]);
/* SHA-256 of a secret, as lower-case hex: what the database stores
 * (secret_hash). */
void identity_secret_hash(const char *secret, char out[IDENTITY_HASH_HEX]);

/* argon2id (libsodium) PHC string of the password; NULL only when out of
 * memory for the hash. The caller frees the result. */
char *identity_password_hash(const char *password);
/* true when password matches hash; a NULL hash (no such account, or no
 * password set) takes as long as a real check and gives false. */
bool identity_password_verify(const char *hash, const char *password);

/* Creates a person with an account. email is lower-cased; password may be
 * NULL (an invited person without one yet). Returns 0, SVC_INVALID with *e
 * set (bad e-mail, weak password, e-mail taken) or a store status (< 0). */
int identity_create_person(store *db, const char *email, const char *name, const char *password,
                           enum site_role role, int64_t *id, verr *e);

/* Works out who is asking from the bearer token or the session cookie and
 * fills c->actor. Returns 0 (the actor may be anonymous), or -1 after
 * answering 401 for a bearer token that is not valid. */
int identity_authenticate(api_ctx *c);

const char *identity_site_role_name(enum site_role r);
enum site_role identity_site_role_parse(const char *s);

#endif
