/* fuzz_client_addr.c - trusted proxies and X-Forwarded-For
 * (http/client_addr.h).
 *
 * The input is a proxy list, a peer address and X-Forwarded-For values,
 * separated by NUL bytes. Properties: a list that parses has at most
 * HTTP_PROXIES_MAX ranges; the client found is an IP address in canonical
 * form; it is the peer itself when the peer is not trusted, and otherwise
 * the peer or an address written in one of the fields. */
#include <arpa/inet.h>
#include <stdbool.h>

#include "fuzz.h"
#include "http/client_addr.h"

static bool canonical(const char *s)
{
    unsigned char a[16];
    char back[INET6_ADDRSTRLEN];
    if (inet_pton(AF_INET, s, a) == 1)
        return inet_ntop(AF_INET, a, back, sizeof back) && strcmp(back, s) == 0;
    if (inet_pton(AF_INET6, s, a) == 1)
        return inet_ntop(AF_INET6, a, back, sizeof back) && strcmp(back, s) == 0;
    return false;
}

/* Whether the address text ip (canonical) stands for the same address as
 * some entry of the fields. */
static bool named_in(const char *ip, char **xff, int n)
{
    unsigned char want[16], got[16];
    int fam = inet_pton(AF_INET, ip, want) == 1 ? AF_INET : AF_INET6;
    if (fam == AF_INET6 && inet_pton(AF_INET6, ip, want) != 1)
        return false;
    for (int i = 0; i < n; i++) {
        char *copy = strdup(xff[i]), *save = NULL;
        for (char *t = strtok_r(copy, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
            if (inet_pton(fam, t, got) == 1 && memcmp(got, want, fam == AF_INET ? 4 : 16) == 0) {
                free(copy);
                return true;
            }
            if (fam == AF_INET && inet_pton(AF_INET6, t, got) == 1 &&
                memcmp(got + 12, want, 4) == 0) {
                free(copy);
                return true; /* written as ::ffff:a.b.c.d */
            }
        }
        free(copy);
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192)
        return 0;
    struct fuzz_in in = {data, size};
    char *spec = fuzz_str(&in), *peer = fuzz_str(&in);
    char *xff[8];
    int n = 0;
    while (n < 8 && in.n)
        xff[n++] = fuzz_str(&in);
    struct http_proxies p;
    char err[160];
    if (http_proxies_parse(spec, &p, err, sizeof err) != 0) {
        fuzz_assert(err[0]);
        http_proxies_parse("127.0.0.0/8, ::1, 10.0.0.0/8", &p, err, sizeof err);
    }
    fuzz_assert(p.n >= 0 && p.n <= HTTP_PROXIES_MAX);
    /* A peer is always an address: the server has it from the socket. */
    unsigned char a[16];
    if (inet_pton(AF_INET, peer, a) != 1 && inet_pton(AF_INET6, peer, a) != 1) {
        free(peer);
        peer = strdup("127.0.0.1");
    }
    char out[64];
    http_client_addr(&p, peer, (const char *const *)xff, n, out, sizeof out);
    fuzz_assert(canonical(out));
    if (!http_proxies_contains(&p, peer)) {
        char canon[64];
        http_client_addr(NULL, peer, NULL, 0, canon, sizeof canon);
        fuzz_assert(strcmp(out, canon) == 0);
    } else {
        char canon[64];
        http_client_addr(NULL, peer, NULL, 0, canon, sizeof canon);
        fuzz_assert(strcmp(out, canon) == 0 || named_in(out, xff, n));
    }
    for (int i = 0; i < n; i++)
        free(xff[i]);
    free(spec);
    free(peer);
    return 0;
}
