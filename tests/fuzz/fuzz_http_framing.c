/* fuzz_http_framing.c - the checks on a request's head (http/framing.h).
 *
 * The input is a request head as a client sends it; the harness splits
 * it into fields the way libmicrohttpd does (name up to the colon, value
 * with the surrounding blanks trimmed) and asks for the verdict with a
 * body limit taken from the input. Properties: the status is one of the
 * documented ones with a reason; and a request the checks let through
 * has exactly what an independent reading of RFC 9112 allows: token
 * field names, one Host on HTTP/1.1, at most one Content-Length of digits
 * within the limit, never with Transfer-Encoding, whose only coding is
 * chunked. */
#include <ctype.h>
#include <stdbool.h>
#include <strings.h>

#include "base/limits.h"
#include "fuzz.h"
#include "http/framing.h"

struct field {
    char *name, *value;
};

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* "chunked" alone, once, in a comma list with empty elements allowed. */
static bool only_chunked(const char *v)
{
    int tokens = 0;
    bool chunked = false;
    const char *p = v;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            break;
        const char *s = p;
        while (*p && *p != ',')
            p++;
        const char *e = p;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        tokens++;
        chunked = (e - s == 7 && strncasecmp(s, "chunked", 7) == 0);
    }
    return tokens == 1 && chunked;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    struct fuzz_in in = {data, size};
    size_t body_limit = (size_t)(fuzz_i64(&in) & 0x7ffffff);
    char *head = fuzz_str(&in);
    /* The request line. */
    char *line = head, *next = strpbrk(line, "\n");
    if (next)
        *next++ = '\0';
    size_t ll = strlen(line);
    if (ll && line[ll - 1] == '\r')
        line[--ll] = '\0';
    char *sp1 = strchr(line, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    const char *version = sp2 ? sp2 + 1 : "HTTP/1.0";
    size_t target_len = sp1 ? (sp2 ? (size_t)(sp2 - sp1 - 1) : strlen(sp1 + 1)) : 0;

    struct field fields[256];
    int nf = 0;
    struct http_framing f;
    http_framing_init(&f);
    for (char *l = next; l && *l && nf < 256;) {
        char *n = strchr(l, '\n');
        if (n)
            *n++ = '\0';
        size_t len = strlen(l);
        if (len && l[len - 1] == '\r')
            l[--len] = '\0';
        if (!len)
            break; /* the end of the head */
        char *colon = strchr(l, ':');
        if (colon) { /* without one libmicrohttpd refuses the request itself */
            *colon = '\0';
            fields[nf].name = l;
            fields[nf].value = trim(colon + 1);
            http_framing_header(&f, fields[nf].name, fields[nf].value);
            nf++;
        }
        l = n;
    }
    const char *detail = NULL;
    int status = http_framing_verdict(&f, version, target_len, body_limit, &detail);
    fuzz_assert(status == 0 || status == 400 || status == 413 || status == 414 || status == 431 ||
                status == 501);
    fuzz_assert((status == 0) == (detail == NULL));
    if (status == 0) {
        bool http11 = strcmp(version, "HTTP/1.1") == 0;
        int hosts = 0, cls = 0, tes = 0;
        const char *cl = NULL, *te = NULL;
        fuzz_assert(nf <= LIMIT_HTTP_HEADER_COUNT && target_len <= LIMIT_HTTP_URL_BYTES);
        for (int i = 0; i < nf; i++) {
            fuzz_assert(http_token_valid(fields[i].name));
            if (strcasecmp(fields[i].name, "Host") == 0)
                hosts++;
            if (strcasecmp(fields[i].name, "Content-Length") == 0) {
                cls++;
                cl = fields[i].value;
            }
            if (strcasecmp(fields[i].name, "Transfer-Encoding") == 0) {
                tes++;
                te = fields[i].value;
            }
        }
        fuzz_assert(hosts <= 1 && (!http11 || hosts == 1));
        fuzz_assert(cls <= 1 && !(cls && tes) && tes <= 1);
        if (cl) {
            fuzz_assert(*cl);
            for (const char *p = cl; *p; p++)
                fuzz_assert(isdigit((unsigned char)*p));
            while (cl[0] == '0' && cl[1])
                cl++; /* leading zeros are allowed and change nothing */
            fuzz_assert(strlen(cl) <= 19 && strtoull(cl, NULL, 10) <= body_limit);
        }
        if (te)
            fuzz_assert(http11 && only_chunked(te));
        fuzz_assert(http_framing_chunked(&f) == (te != NULL));
    }
    free(head);
    return 0;
}
