/* http.h - the request and response a handler sees.
 *
 * The server (http/server.c) owns both for the length of one request and
 * frees everything hanging off them afterwards; handlers borrow. Nothing
 * here exposes libmicrohttpd, so handlers in api/ stay independent of it.
 */
#ifndef TANDEM_HTTP_HTTP_H
#define TANDEM_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/limits.h"

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE, HTTP_OTHER };

#define HTTP_MAX_RESP_HEADERS 8

typedef struct http_req {
    enum http_method method;
    const char *method_name;
    const char *path; /* decoded, without the query */
    const char *body; /* NUL-terminated; "" when none */
    size_t body_len;
    const char *client_ip; /* text form of the peer address */
    /* Route parameters, filled by the router: "{id}" segments in order. */
    const char *params[LIMIT_HTTP_PATH_SEGMENTS];
    int nparams;
    void *conn; /* opaque server connection, for the accessors below */
} http_req;

typedef struct http_resp {
    int status;
    const char *content_type; /* static string */
    buf body;
    struct {
        const char *name; /* static string */
        char *value;      /* owned */
    } headers[HTTP_MAX_RESP_HEADERS];
    int nheaders;
    bool no_store;             /* Cache-Control: no-store (default true for the API) */
    const char *cache_control; /* overrides no_store when set (static string) */
} http_resp;

/* Request accessors. Strings are borrowed from the server and live until
 * the request ends; NULL when absent. */
const char *http_req_header(const http_req *r, const char *name);
const char *http_req_query(const http_req *r, const char *name);
const char *http_req_cookie(const http_req *r, const char *name);
const char *http_method_str(enum http_method m);

/* Response building. */
void http_resp_init(http_resp *w);
void http_resp_cleanup(http_resp *w);
/* Adds a header; the value is copied. Extra headers past the limit are dropped. */
void http_resp_header(http_resp *w, const char *name, const char *value);
/* Replaces the body with bytes of the given type. */
void http_resp_body(http_resp *w, int status, const char *content_type, const void *data, size_t n);

#endif
