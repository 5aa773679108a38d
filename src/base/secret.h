/* secret.h - the random secrets behind links and sessions (invitations,
 * session cookies, CSRF tokens, calendar feeds, API tokens): made from 32
 * random bytes, kept in the database only as their SHA-256. libsodium must
 * be initialised first (identity_init). */
#ifndef TANDEM_BASE_SECRET_H
#define TANDEM_BASE_SECRET_H

#define SECRET_CHARS 64    /* room for a short prefix + base64url of 32 bytes + NUL */
#define SECRET_HASH_HEX 65 /* SHA-256 as hex, with the NUL */

/* A new random secret: prefix + base64url(32 random bytes). */
void secret_new(const char *prefix, char out[SECRET_CHARS]);

/* SHA-256 of a secret, as lower-case hex: what the database stores. */
void secret_hash(const char *secret, char out[SECRET_HASH_HEX]);

#endif
