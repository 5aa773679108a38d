/* client_addr.h - who the client is.
 *
 * The client is the peer of the connection, unless the peer is one of the
 * configured trusted proxies (--trusted-proxy, TANDEM_TRUSTED_PROXIES):
 * then X-Forwarded-For is read from its right end, skipping the trusted
 * proxies, and the first address not trusted is the client. An entry
 * that is not an IP address ends the walk at the last good one, so a
 * client can never name itself by sending the header: what it sends sits
 * left of what the trusted proxy appends.
 *
 * Pure: no I/O.
 */
#ifndef TANDEM_HTTP_CLIENT_ADDR_H
#define TANDEM_HTTP_CLIENT_ADDR_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_PROXIES_MAX 32 /* trusted proxy ranges */

struct http_cidr {
    int family; /* AF_INET or AF_INET6 */
    unsigned char addr[16];
    int bits;
};

struct http_proxies {
    struct http_cidr list[HTTP_PROXIES_MAX];
    int n;
};

/* Parses a comma- or space-separated list of addresses and CIDR ranges
 * ("10.0.0.0/8, ::1, 192.168.1.10"); NULL or "" is the empty list.
 * Returns 0, or -1 with a message in err naming the bad entry. */
int http_proxies_parse(const char *spec, struct http_proxies *out, char *err, size_t errlen);

/* true when ip (text) is in one of the ranges. */
bool http_proxies_contains(const struct http_proxies *p, const char *ip);

/* The client's address as text into out: peer when it is not a trusted
 * proxy, else the address X-Forwarded-For names as above. xff holds the
 * values of every X-Forwarded-For field in the order they came (n of
 * them, may be 0). Addresses are written in their canonical form. */
void http_client_addr(const struct http_proxies *p, const char *peer, const char *const *xff, int n,
                      char *out, size_t outlen);

#endif
