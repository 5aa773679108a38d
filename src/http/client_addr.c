#include "http/client_addr.h"

#include <arpa/inet.h>
#include <string.h>

#include "base/str.h"

/* Parses one address into c (a host route); false when it is none. */
static bool parse_ip(const char *s, size_t n, struct http_cidr *c)
{
    char text[INET6_ADDRSTRLEN + 1];
    if (n == 0 || n >= sizeof text)
        return false;
    memcpy(text, s, n);
    text[n] = '\0';
    memset(c, 0, sizeof *c);
    if (inet_pton(AF_INET, text, c->addr) == 1) {
        c->family = AF_INET;
        c->bits = 32;
        return true;
    }
    if (inet_pton(AF_INET6, text, c->addr) == 1) {
        static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(c->addr, v4mapped, 12) == 0) {
            memmove(c->addr, c->addr + 12, 4);
            memset(c->addr + 4, 0, 12);
            c->family = AF_INET;
            c->bits = 32;
            return true;
        }
        c->family = AF_INET6;
        c->bits = 128;
        return true;
    }
    return false;
}

static bool in_range(const struct http_cidr *range, const struct http_cidr *ip)
{
    if (range->family != ip->family)
        return false;
    int full = range->bits / 8, rest = range->bits % 8;
    if (memcmp(range->addr, ip->addr, (size_t)full) != 0)
        return false;
    if (!rest)
        return true;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (range->addr[full] & mask) == (ip->addr[full] & mask);
}

static bool sep(char ch)
{
    return ch == ',' || ch == ' ' || ch == '\t';
}

int http_proxies_parse(const char *spec, struct http_proxies *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const char *p = spec ? spec : "";
    for (;;) {
        while (sep(*p))
            p++;
        if (!*p)
            return 0;
        const char *start = p;
        while (*p && !sep(*p))
            p++;
        size_t n = (size_t)(p - start);
        const char *slash = memchr(start, '/', n);
        struct http_cidr c;
        int64_t bits = -1;
        bool ok = parse_ip(start, slash ? (size_t)(slash - start) : n, &c);
        if (ok && slash) {
            char b[8];
            size_t bl = n - (size_t)(slash - start) - 1;
            ok = bl > 0 && bl < sizeof b;
            if (ok) {
                memcpy(b, slash + 1, bl);
                b[bl] = '\0';
                ok = str_to_i64(b, 0, c.family == AF_INET ? 32 : 128, &bits) == 0;
            }
        }
        if (!ok) {
            str_fmt(err, errlen, "'%.*s' is not an IP address or CIDR range",
                    (int)(n > 64 ? 64 : n), start);
            return -1;
        }
        if (out->n >= HTTP_PROXIES_MAX) {
            str_fmt(err, errlen, "at most %d trusted proxy ranges", HTTP_PROXIES_MAX);
            return -1;
        }
        if (bits >= 0)
            c.bits = (int)bits;
        /* Clear the host bits so that comparisons only look at the prefix. */
        for (int i = c.bits; i < 128; i++)
            c.addr[i / 8] &= (unsigned char)~(0x80 >> (i % 8));
        out->list[out->n++] = c;
    }
}

static bool contains(const struct http_proxies *p, const struct http_cidr *ip)
{
    for (int i = 0; p && i < p->n; i++)
        if (in_range(&p->list[i], ip))
            return true;
    return false;
}

bool http_proxies_contains(const struct http_proxies *p, const char *ip)
{
    struct http_cidr c;
    return ip && parse_ip(ip, strlen(ip), &c) && contains(p, &c);
}

static void write_ip(const struct http_cidr *c, char *out, size_t outlen)
{
    char text[INET6_ADDRSTRLEN];
    if (!inet_ntop(c->family, c->addr, text, sizeof text))
        text[0] = '\0';
    str_fmt(out, outlen, "%s", text);
}

void http_client_addr(const struct http_proxies *p, const char *peer, const char *const *xff, int n,
                      char *out, size_t outlen)
{
    struct http_cidr cur;
    if (!peer || !parse_ip(peer, strlen(peer), &cur)) {
        str_fmt(out, outlen, "%s", peer ? peer : "");
        return;
    }
    /* Right to left through every X-Forwarded-For entry, last field first,
     * for as long as the hop that told us is a trusted proxy. */
    for (int h = n - 1; h >= 0 && contains(p, &cur); h--) {
        const char *v = xff[h] ? xff[h] : "";
        size_t end = strlen(v);
        for (;;) {
            while (end > 0 && sep(v[end - 1]))
                end--;
            if (end == 0)
                break;
            size_t start = end;
            while (start > 0 && !sep(v[start - 1]))
                start--;
            struct http_cidr next;
            if (!parse_ip(v + start, end - start, &next))
                goto done;
            cur = next;
            if (!contains(p, &cur))
                goto done;
            end = start;
        }
    }
done:
    write_ip(&cur, out, outlen);
}
