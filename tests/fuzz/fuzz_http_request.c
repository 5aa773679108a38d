/* fuzz_http_request.c - whole requests through the server: libmicrohttpd's
 * parsing with our callbacks (the framing checks, body counting and
 * limits, refusals), and the cookie, query and header decoding a handler
 * reads. The server runs in-process with no socket of its own
 * (http_local_exchange); a dispatcher stands in for the API and reads
 * what handlers read.
 *
 * The first input byte picks the shape: even, the rest is one client
 * connection's bytes as they are; odd, the rest is split at NUL bytes
 * into a query string, a Cookie value and a body, put into an otherwise
 * well-formed request, so the fuzzer works on the decoding.
 *
 * Properties: the server never crashes, leaks or hangs (it closes the
 * connection once the client's side is done); whatever it sends starts
 * with a status line; a handler never sees a body larger than the limit
 * of its route; decoded values are C strings. */
#include "api/api.h"
#include "base/buf.h"
#include "base/limits.h"
#include "fuzz.h"
#include "http/server.h"

static http_local *server;

static void dispatch(http_req *r, http_resp *w)
{
    fuzz_assert(r->path && r->method_name && r->body);
    size_t limit = api_body_limit(r->method, r->path);
    fuzz_assert(r->body_len <= limit);
    static const char *const queries[] = {"limit", "offset", "q", "dry_run", "status", "token"};
    buf b;
    buf_init(&b, 1 << 20);
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        const char *v = http_req_query(r, queries[i]);
        buf_printf(&b, "%s=%zu\n", queries[i], v ? strlen(v) : 0);
    }
    const char *cookie = http_req_cookie(r, "tandem_session");
    const char *other = http_req_cookie(r, "other");
    const char *auth = http_req_header(r, "Authorization");
    buf_printf(&b, "cookie=%zu other=%zu auth=%zu body=%zu\n", cookie ? strlen(cookie) : 0,
               other ? strlen(other) : 0, auth ? strlen(auth) : 0, r->body_len);
    http_resp_body(w, 200, "text/plain", b.data, b.len);
    if (cookie && strlen(cookie) < 200 && !strpbrk(cookie, "\r\n"))
        http_resp_header(w, "X-Cookie-Seen", cookie);
    buf_cleanup(&b);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    static const struct http_server_config cfg = {
        .host = "127.0.0.1", .dispatch = dispatch, .body_limit = api_body_limit};
    server = http_local_new(&cfg);
    if (!server)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536 || size == 0)
        return 0;
    buf req, out;
    buf_init(&req, 1 << 20);
    buf_init(&out, 64u << 20);
    if (data[0] & 1) {
        struct fuzz_in in = {data + 1, size - 1};
        char *query = fuzz_str(&in), *cookie = fuzz_str(&in), *body = fuzz_str(&in);
        buf_printf(&req,
                   "POST /api/v1/programs/7/participants?%s HTTP/1.1\r\nHost: x\r\n"
                   "Cookie: %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                   query, cookie, strlen(body), body);
        free(query);
        free(cookie);
        free(body);
    } else {
        buf_append(&req, data + 1, size - 1);
    }
    int rc = http_local_exchange(server, req.data ? req.data : "", req.len, &out);
    if (rc != 0)
        fuzz_fail("the server did not close the connection (%zu bytes in, %zu out)", req.len,
                  out.len);
    if (out.len && (out.len < 9 || memcmp(out.data, "HTTP/1.", 7) != 0))
        fuzz_fail("the reply does not start with a status line: %.40s", out.data);
    buf_cleanup(&req);
    buf_cleanup(&out);
    return 0;
}
