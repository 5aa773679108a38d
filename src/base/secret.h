/* secret.h - random secrets (tokens for links, sessions and API keys) and
 * the hash stored in their place.
 *
 * A secret is 32 random bytes from libsodium as unpadded URL-safe base64
 * after an optional prefix ("tdm_" for API tokens); the database keeps only
 * its SHA-256 as hex, so a stolen table holds no usable token.
 * Call sodium_init() (identity_init) once before the first secret.
 */
#ifndef TANDEM_BASE_SECRET_H
#define TANDEM_BASE_SECRET_H

#define SECRET_TOKEN_CHARS 64 /* room for a prefix + base64url of 32 bytes + NUL */
#define SECRET_HASH_HEX 65    /* SHA-256 as hex, with the NUL */

/* Writes prefix (at most 16 characters) and a new random secret into out.
 * Cannot fail. */
void secret_new(const char *prefix, char out[SECRET_TOKEN_CHARS]);

/* Writes the hex SHA-256 of secret into out. Cannot fail. */
void secret_hash(const char *secret, char out[SECRET_HASH_HEX]);

#endif
