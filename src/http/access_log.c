#include "http/access_log.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "base/limits.h"

#define REDACTED "[redacted]"
#define SECRET_RUN 32 /* base64url characters in a row that make a secret */

/* Routes whose next path segment is a secret, as decoded segments. The
 * calendar's own "feed" segment is not one. */
static const struct {
    const char *segs[3];
    int n;
    const char *except;
} secret_after[] = {
    {{"api", "v1", "calendar"}, 3, "feed"},
    {{"invite"}, 1, NULL},
    {{"reset"}, 1, NULL}, /* the password-reset link of the web UI */
};

/* Query parameter names (lower case, as substrings) whose value is secret. */
static const char *const secret_names[] = {"token", "secret", "password", "passwd", "key",
                                           "code",  "sig",    "auth",     "session"};

struct out {
    char *p;
    size_t len, cap; /* cap excludes the NUL */
    bool full;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->full)
        return;
    if (n > o->cap - o->len) {
        o->full = true;
        return;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
}

static bool unsafe(unsigned char ch)
{
    return ch <= 0x20 || ch >= 0x7f || ch == '"' || ch == '\\';
}

static void put_escaped(struct out *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i = 0;
    while (i < n && !o->full) {
        size_t run = i;
        while (run < n && !unsafe((unsigned char)s[run]))
            run++;
        if (run > i) {
            /* A run of safe bytes at once; cut byte by byte only at the end. */
            size_t room = o->cap - o->len, take = run - i < room ? run - i : room;
            put(o, s + i, take);
            if (take < run - i)
                o->full = true;
            i += take;
            continue;
        }
        unsigned char ch = (unsigned char)s[i++];
        char e[3] = {'%', hex[ch >> 4], hex[ch & 15]};
        put(o, e, 3);
    }
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Percent-decodes s[0..n) into d (at least n + 1 bytes); '+' becomes a
 * space when plus is set (query strings). Returns the decoded length. */
static size_t decode(const char *s, size_t n, char *d, bool plus)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < n && (hi = hexval(s[i + 1])) >= 0 &&
            (lo = hexval(s[i + 2])) >= 0) {
            d[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (plus && s[i] == '+') {
            d[o++] = ' ';
        } else {
            d[o++] = s[i];
        }
    }
    d[o] = '\0';
    return o;
}

static bool b64url(unsigned char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           ch == '-' || ch == '_';
}

/* true when decoded text looks like one of Tandem's secrets. */
static bool looks_secret(const char *d, size_t n)
{
    if (n >= 4 && (strncmp(d, "tdm_", 4) == 0 || strncmp(d, "cal_", 4) == 0))
        return true;
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        run = b64url((unsigned char)d[i]) ? run + 1 : 0;
        if (run >= SECRET_RUN)
            return true;
    }
    return false;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static bool secret_name(const char *d)
{
    for (size_t i = 0; i < sizeof secret_names / sizeof secret_names[0]; i++)
        if (strcasestr(d, secret_names[i]))
            return true;
    return false;
}

/* Whether segment number idx (decoded text seg) follows a route prefix
 * whose next segment is secret; prev holds the decoded earlier segments. */
static bool secret_position(char prev[][LIMIT_HTTP_URL_BYTES + 1], int idx, const char *seg)
{
    for (size_t r = 0; r < sizeof secret_after / sizeof secret_after[0]; r++) {
        if (secret_after[r].n != idx)
            continue;
        bool match = true;
        for (int i = 0; i < idx && match; i++)
            match = strcmp(prev[i], secret_after[r].segs[i]) == 0;
        if (match && !(secret_after[r].except && strcmp(seg, secret_after[r].except) == 0) && *seg)
            return true;
    }
    return false;
}

#define PREFIX_SEGS 3 /* the longest prefix in secret_after */

static void path_part(struct out *o, const char *s, size_t n)
{
    char prev[PREFIX_SEGS][LIMIT_HTTP_URL_BYTES + 1];
    char seg[LIMIT_HTTP_URL_BYTES + 1];
    int idx = 0;
    size_t i = 0;
    if (n && s[0] == '/') {
        put(o, "/", 1);
        i = 1;
    }
    while (i <= n && !o->full) {
        size_t start = i;
        while (i < n && s[i] != '/')
            i++;
        size_t len = i - start;
        /* A segment too long to judge is taken for a secret. */
        bool too_long = len > LIMIT_HTTP_URL_BYTES;
        size_t dl = decode(s + start, too_long ? 0 : len, seg, false);
        if (too_long || looks_secret(seg, dl) || secret_position(prev, idx, seg)) {
            put(o, REDACTED, strlen(REDACTED));
            if (ends_with(seg, dl, ".ics"))
                put(o, ".ics", 4);
        } else {
            put_escaped(o, s + start, i - start);
        }
        if (idx < PREFIX_SEGS)
            memcpy(prev[idx], seg, dl + 1);
        idx++;
        if (i >= n)
            break;
        put(o, "/", 1);
        i++;
    }
}

static void query_part(struct out *o, const char *s, size_t n)
{
    char name[LIMIT_HTTP_URL_BYTES + 1];
    char value[LIMIT_HTTP_URL_BYTES + 1];
    size_t i = 0;
    while (i <= n && !o->full) {
        size_t start = i;
        while (i < n && s[i] != '&')
            i++;
        const char *eq = memchr(s + start, '=', i - start);
        size_t nl = eq ? (size_t)(eq - (s + start)) : i - start;
        size_t vl = eq ? i - start - nl - 1 : 0;
        /* A name or value too long to judge is taken for a secret. */
        bool long_name = nl > LIMIT_HTTP_URL_BYTES, long_value = vl > LIMIT_HTTP_URL_BYTES;
        size_t dn = decode(s + start, long_name ? 0 : nl, name, true);
        size_t dv = eq ? decode(eq + 1, long_value ? 0 : vl, value, true) : 0;
        if (long_name || looks_secret(name, dn)) {
            put(o, REDACTED, strlen(REDACTED));
        } else if (eq && (long_value || secret_name(name) || looks_secret(value, dv))) {
            put_escaped(o, s + start, nl);
            put(o, "=" REDACTED, 1 + strlen(REDACTED));
        } else {
            put_escaped(o, s + start, i - start);
        }
        if (i >= n)
            break;
        put(o, "&", 1);
        i++;
    }
}

size_t access_log_target(const char *raw, char *out, size_t outlen)
{
    if (!outlen)
        return 0;
    if (outlen < 4) {
        out[0] = '\0';
        return 0;
    }
    struct out o = {out, 0, outlen - 4, false}; /* room for "..." and the NUL */
    if (!raw)
        raw = "";
    size_t n = strlen(raw);
    const char *q = memchr(raw, '?', n);
    size_t pl = q ? (size_t)(q - raw) : n;
    path_part(&o, raw, pl);
    if (q && !o.full) {
        put(&o, "?", 1);
        query_part(&o, q + 1, n - pl - 1);
    }
    if (o.full) {
        memcpy(out + o.len, "...", 3);
        o.len += 3;
    }
    out[o.len] = '\0';
    return o.len;
}

size_t access_log_escape(const char *s, char *out, size_t outlen)
{
    if (!outlen)
        return 0;
    if (outlen < 4) {
        out[0] = '\0';
        return 0;
    }
    struct out o = {out, 0, outlen - 4, false};
    put_escaped(&o, s ? s : "", s ? strlen(s) : 0);
    if (o.full) {
        memcpy(out + o.len, "...", 3);
        o.len += 3;
    }
    out[o.len] = '\0';
    return o.len;
}
