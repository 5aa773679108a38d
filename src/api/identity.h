/* identity.h - who is asking: the bearer token or the session cookie of a
 * request, read through the services (service/identity.h, sessions.h,
 * tokens.h), which hold every rule and statement of accounts, passwords,
 * sessions and tokens. The sign-in rate limit is service/ratelimit.h. */
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

/* argon2id PHC string of the password (svc_password_hash); the caller
 * frees it. */
char *identity_password_hash(const char *password);
/* svc_password_verify: true when password matches hash. */
bool identity_password_verify(const char *hash, const char *password);

/* Works out who is asking from the bearer token or the session cookie, in
 * one read (service/tokens.h, service/sessions.h), and fills c->actor
 * (the person's address and name included) and the uses due to be
 * recorded. Returns 0 (the actor may be anonymous), or -1 after
 * answering 401 for a bearer token that is not valid or a store failure. */
int identity_authenticate(api_ctx *c);

/* svc_site_role_name / svc_site_role_parse. */
const char *identity_site_role_name(enum site_role r);
enum site_role identity_site_role_parse(const char *s);

#endif
