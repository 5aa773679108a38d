/* api.h - what every handler shares: the request context, the actor,
 * JSON in and out, problem+json errors.
 *
 * A handler returns 0 when it succeeded (its transaction is committed) or
 * -1 when it wrote an error reply (its transaction is rolled back, so bad
 * input changes nothing). Helpers that write an error return -1, so
 * handlers can `return api_problem(...)`.
 */
#ifndef TANDEM_API_API_H
#define TANDEM_API_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/limits.h"
#include "domain/permissions.h"
#include "domain/validate.h"
#include "http/http.h"
#include "service/service.h"
#include "store/store.h"

struct api_actor {
    int64_t person_id; /* 0: anonymous */
    enum site_role site_role;
    int64_t session_id;  /* 0 unless signed in by cookie */
    char csrf_token[48]; /* the session's; "" for bearer tokens */
    /* The person's address and name, read with the credential (the
     * identity look-up is one read); "" when anonymous. */
    char email[LIMIT_EMAIL_BYTES + 1];
    char name[LIMIT_NAME_BYTES + 1];
};

typedef struct api_ctx {
    http_req *req;
    http_resp *resp;
    store *db;
    struct api_actor actor;
    int64_t touch_session; /* a session whose last_seen_at is due; written after a read */
    int64_t touch_token;   /* an API token whose last_used_at is due; likewise */
    /* A store status a helper met and could not answer (api_program_roles,
     * api_audit): the dispatcher rolls back and answers it instead. */
    int failed;
} api_ctx;

/* The server's configuration for the API, set once before serving. */
struct api_config {
    const char *db_url;
    const char *public_url; /* how people reach this server, for links in e-mail */
    bool secure_cookies;    /* add Secure to the session cookie (behind HTTPS) */
    int64_t session_idle_s;
    int64_t session_absolute_s;
    int64_t token_days;     /* an API token's lifetime when none is asked */
    int64_t token_max_days; /* the longest lifetime one may ask */
};
void api_configure(const struct api_config *cfg);
const struct api_config *api_config(void);

/* The dispatcher handed to the HTTP server, and the body limit per route. */
void api_dispatch(http_req *r, http_resp *w);
size_t api_body_limit(enum http_method m, const char *path);

/* Writes every routed "METHOD PATTERN" line to standard output (for the
 * OpenAPI consistency test and `tandem routes`). */
void api_routes_print(void);

/* This thread's database connection, opened on first use (NULL when it
 * cannot be opened; the reason is logged). */
store *api_db(void);

/* ---- replies ---- */
/* Sends obj (reference stolen) as JSON with the status. Returns 0. */
int api_json(api_ctx *c, int status, json_t *obj);
/* Sends 204 No Content. Returns 0. */
int api_no_content(api_ctx *c);
/* Sends an application/problem+json reply; field may be NULL. A field
 * given is named as `field` and in `errors` ([{field, message}]). Returns
 * -1. */
int api_problem(api_ctx *c, int status, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The one mapping of a service status (service/service.h) to its reply:
 *   SVC_INVALID 422, SVC_REFUSED 409, SVC_STALE 409, SVC_FORBIDDEN 403,
 *   SVC_NOT_FOUND 404, a store status (< 0) as api_store_failed does.
 * The reply names every field of e (may be NULL) in `errors`, the first
 * as `field`, and the detail is "field: message". Returns -1; status must
 * not be SVC_OK (that is logged and answered 500). */
int api_fail(api_ctx *c, int status, const verr *e);
/* 422 naming the fields of a validation failure: api_fail(c, SVC_INVALID, e). */
int api_invalid(api_ctx *c, const verr *e);
/* 404 in the one wording used for "absent or not yours". Returns -1. */
int api_not_found(api_ctx *c);
/* Maps a store failure to 409 (conflict), 503 (busy) or 500. Returns -1. */
int api_store_failed(api_ctx *c, int status);

/* ---- input ---- */
/* Parses the body as one JSON object: 400 naming line and column when it is
 * malformed, 415 when the Content-Type is not JSON. The caller owns *out. */
int api_body_object(api_ctx *c, json_t **out);

/* The pure part of api_body_object: 0 with *out a new JSON object (the
 * caller owns it), or the status to answer (415, 400) with why[0..n)
 * saying what is wrong and *out NULL. Fuzzed by tests/fuzz/fuzz_body.c. */
int api_body_decode(const char *content_type, const char *body, size_t len, json_t **out, char *why,
                    size_t n);
/* Route parameter i as a positive id; answers 404 and returns -1 when it
 * is not one. */
int api_param_id(api_ctx *c, int i, int64_t *out);
/* limit/offset query parameters with defaults and LIMIT_PAGE_MAX; 400 on
 * a bad value. */
int api_page(api_ctx *c, int64_t *limit, int64_t *offset);

/* ---- the actor and their roles ---- */
/* The actor as the services see them. */
svc_actor api_actor(const api_ctx *c);

/* The roles the actor holds in a program (admin included); 0 when none.
 * When the lookup fails the request fails (c->failed) whatever the
 * handler answers. */
perm_roles api_program_roles(api_ctx *c, int64_t program_id);

/* Ends the read transaction a GET runs in, so the handler can write (it
 * then manages its own write transaction). Harmless outside one. */
void api_end_read(api_ctx *c);

/* Ends the read transaction and begins the write transaction, for a
 * handler routed READ_FIRST that does slow work (password hashing)
 * before it writes. Answers and returns -1 when the database refuses. */
int api_begin_write(api_ctx *c);

/* The permission prologue of a program's resource: route parameter
 * `param` is the program, and the actor's roles in it must give `need` to
 * `data` (domain/permissions.h). Answers 404 when the actor may not see
 * the program (so ids cannot be probed), 403 with `why` when they see it
 * but may not do this, and returns -1; else returns 0 with *program_id
 * and *roles set (either may be NULL). */
int api_program_access(api_ctx *c, int param, enum perm_data data, enum perm_access need,
                       const char *why, int64_t *program_id, perm_roles *roles);

/* Time as RFC 3339 text in a new JSON string. */
json_t *api_time(int64_t t);

/* Records an audit event in the current transaction. When the record
 * cannot be written the request fails as a whole (c->failed). */
void api_audit(api_ctx *c, const char *action, const char *entity, int64_t entity_id,
               json_t *detail);

#endif
