/* server.h - the HTTP server: libmicrohttpd with an epoll thread pool.
 *
 * The server enforces the transport limits (body size, header count and
 * size, an idle timeout and a deadline for receiving each request,
 * connections per IP), refuses smuggling-prone framing (http/framing.h),
 * adds the security headers to every reply (libmicrohttpd's own error
 * pages included), writes the access log (http/access_log.h) and keeps
 * the counters behind /metrics. Everything else is the dispatcher's job.
 */
#ifndef TANDEM_HTTP_SERVER_H
#define TANDEM_HTTP_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "http/client_addr.h"
#include "http/http.h"

/* Handles one request whose body has been read in full. Must set w. */
typedef void (*http_dispatch_fn)(http_req *r, http_resp *w);
/* The largest body accepted for a method and path (0: no body allowed is
 * not enforced; the value is a cap). */
typedef size_t (*http_body_limit_fn)(enum http_method m, const char *path);

struct http_server_config {
    const char *host;            /* "127.0.0.1", "0.0.0.0", "::1" ... */
    uint16_t port;               /* 0: pick a free one (reported in the log) */
    unsigned threads;            /* worker threads; 0: one per core */
    unsigned timeout_s;          /* idle connection timeout */
    unsigned request_deadline_s; /* time to receive one whole request; 0: the limits.h default */
    unsigned conns_per_ip;
    const char *access_log; /* file path, "-" for standard error, NULL or "off" for none */
    /* Peers whose X-Forwarded-For names the client (http/client_addr.h);
     * NULL or empty: the peer is the client. Borrowed while serving. */
    const struct http_proxies *trusted_proxies;
    http_dispatch_fn dispatch;
    http_body_limit_fn body_limit;
};

/* Parses "HOST:PORT" ("[::1]:8080" for IPv6) into host (owned by the
 * caller's array) and port. 0 on success. */
int http_parse_listen(const char *s, char *host, size_t hostlen, uint16_t *port);

/* Serves until SIGTERM or SIGINT, then stops accepting, lets in-flight
 * requests finish (up to a grace period) and returns 0. Returns -1 with a
 * message on standard error when the server cannot start. The caller must
 * not have threads of its own that take those signals. */
int http_server_run(const struct http_server_config *cfg);

/* For the fuzzing harness (tests/fuzz/fuzz_http_request.c): the same
 * server with no listening socket and no thread of its own, driven one
 * connection at a time. http_local_new returns NULL when the library
 * refuses; only one may exist at a time (it takes the configuration). */
typedef struct http_local http_local;
http_local *http_local_new(const struct http_server_config *cfg);
void http_local_free(http_local *l); /* NULL allowed */
/* Sends in[0..n) as one client connection, ends the client's side, and
 * appends what the server answers to out until the server closes the
 * connection. Returns 0, or -1 when it did not close within a bound on
 * rounds (a hang) or the connection could not be made. */
int http_local_exchange(http_local *l, const void *in, size_t n, buf *out);

/* Writes the server's counters in the Prometheus text format. */
void http_metrics_write(buf *out);

#endif
