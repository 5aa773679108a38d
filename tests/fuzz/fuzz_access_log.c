/* fuzz_access_log.c - the request target as the access log writes it
 * (http/access_log.h).
 *
 * The input is a raw request target; the harness may plant a secret in
 * it (a calendar feed token, percent-encoded in part or not, at a place
 * the input picks). Properties: the written target fits its buffer and
 * holds no byte that could end the line or start a terminal escape (no
 * control, space, DEL, non-ASCII, quote or backslash); and the planted
 * secret never comes out, not even after percent-decoding the output. */
#include <stdbool.h>

#include "base/limits.h"
#include "fuzz.h"
#include "http/access_log.h"

#define SECRET "cal_Zq3xV9bT2mW8nL4kP7rJ1sH6dF5gC0yA-_eUoIi"

static int hexval(char ch)
{
    return ch >= '0' && ch <= '9'   ? ch - '0'
           : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
           : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                    : -1;
}

static size_t decode(const char *s, char *d)
{
    size_t o = 0;
    for (size_t i = 0; s[i]; i++) {
        int hi, lo;
        if (s[i] == '%' && (hi = hexval(s[i + 1])) >= 0 && (lo = hexval(s[i + 2])) >= 0) {
            d[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            d[o++] = s[i];
        }
    }
    d[o] = '\0';
    return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4 * LIMIT_HTTP_URL_BYTES)
        return 0;
    struct fuzz_in in = {data, size};
    uint8_t mode = fuzz_u8(&in);
    uint8_t where = fuzz_u8(&in);
    uint8_t encode = fuzz_u8(&in);
    char *raw = fuzz_str(&in);
    size_t rl = strlen(raw);
    bool plant = mode & 1;
    char target[6 * LIMIT_HTTP_URL_BYTES + 64];
    size_t at = rl ? where % (rl + 1) : 0, n = 0;
    memcpy(target, raw, at);
    n = at;
    if (plant) {
        for (size_t i = 0; i < sizeof SECRET - 1; i++) {
            if ((encode >> (i & 7)) & 1 && (mode & 2))
                n += (size_t)snprintf(target + n, 4, "%%%02X", (unsigned char)SECRET[i]);
            else
                target[n++] = SECRET[i];
        }
    }
    memcpy(target + n, raw + at, rl - at);
    n += rl - at;
    target[n] = '\0';

    size_t outlen = 1 + (size_t)(mode >> 2) * 64; /* small buffers too */
    if (mode & 0x80)
        outlen = 3 * LIMIT_HTTP_URL_BYTES + 8;
    char *out = malloc(outlen);
    size_t len = access_log_target(target, out, outlen);
    fuzz_assert(len < outlen || (outlen == 0 && len == 0));
    fuzz_assert(strlen(out) == len);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)out[i];
        if (ch <= 0x20 || ch >= 0x7f || ch == '"' || ch == '\\')
            fuzz_fail("byte 0x%02x at %zu of \"%s\"", ch, i, out);
    }
    if (plant) {
        char *dec = malloc(len + 1);
        decode(out, dec);
        if (strstr(out, SECRET) || strstr(dec, SECRET))
            fuzz_fail("the secret is in \"%s\"", out);
        free(dec);
    }
    char meth[64];
    access_log_escape(raw, meth, sizeof meth);
    for (const char *p = meth; *p; p++)
        fuzz_assert((unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f);
    free(out);
    free(raw);
    return 0;
}
