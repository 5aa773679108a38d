/* secret.c - random secrets and their hashes (see secret.h). */
#include "base/secret.h"

#include <sodium.h>
#include <string.h>

void secret_new(const char *prefix, char out[SECRET_TOKEN_CHARS])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    size_t pl = strlen(prefix);
    memcpy(out, prefix, pl);
    sodium_bin2base64(out + pl, SECRET_TOKEN_CHARS - pl, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

void secret_hash(const char *secret, char out[SECRET_HASH_HEX])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)secret, strlen(secret));
    sodium_bin2hex(out, SECRET_HASH_HEX, h, sizeof h);
}
