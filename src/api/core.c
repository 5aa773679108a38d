#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "base/clock.h"
#include "base/jsonbuf.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "service/audit.h"
#include "service/program.h"

static struct api_config config = {
    .session_idle_s = LIMIT_SESSION_IDLE_S,
    .session_absolute_s = LIMIT_SESSION_ABSOLUTE_S,
    .token_days = LIMIT_TOKEN_DAYS_DEFAULT,
    .token_max_days = LIMIT_TOKEN_DAYS_MAX,
};

void api_configure(const struct api_config *cfg)
{
    config = *cfg;
    if (!config.public_url)
        config.public_url = "http://127.0.0.1:8080";
    if (!config.session_idle_s)
        config.session_idle_s = LIMIT_SESSION_IDLE_S;
    if (!config.session_absolute_s)
        config.session_absolute_s = LIMIT_SESSION_ABSOLUTE_S;
    if (!config.token_max_days)
        config.token_max_days = LIMIT_TOKEN_DAYS_MAX;
    if (!config.token_days)
        config.token_days = LIMIT_TOKEN_DAYS_DEFAULT;
    if (config.token_days > config.token_max_days)
        config.token_days = config.token_max_days;
    svc_configure(&(struct svc_config){.public_url = config.public_url});
}

const struct api_config *api_config(void)
{
    return &config;
}

/* One connection per worker thread, closed when the thread ends. */
static pthread_key_t db_key;
static pthread_once_t db_once = PTHREAD_ONCE_INIT;

static void close_db(void *p)
{
    store_free(p);
}

static void make_key(void)
{
    pthread_key_create(&db_key, close_db);
}

store *api_db(void)
{
    pthread_once(&db_once, make_key);
    store *s = pthread_getspecific(db_key);
    if (s)
        return s;
    char err[256];
    if (store_open(config.db_url, &s, err, sizeof err) != STORE_OK) {
        log_error("api", "cannot open the database: %s", err);
        return NULL;
    }
    pthread_setspecific(db_key, s);
    return s;
}

/* obj's text straight into the reply's body: base/jsonbuf writes what
 * json_dumps(JSON_COMPACT) does at a fraction of its cost (jansson checks
 * every object and array for loops through a hash table, and formats
 * through a callback per piece: it was a sixth of a GET /api/v1/me). */
static int reply_json(api_ctx *c, int status, const char *type, const json_t *obj)
{
    buf_reset(&c->resp->body);
    if (!obj || jsonbuf_value(&c->resp->body, obj) != 0)
        return -1;
    c->resp->status = status;
    c->resp->content_type = type;
    return 0;
}

int api_json(api_ctx *c, int status, json_t *obj)
{
    int rc = reply_json(c, status, "application/json", obj);
    json_decref(obj);
    if (rc != 0)
        return api_problem(c, 500, NULL, "the reply could not be encoded");
    return 0;
}

int api_no_content(api_ctx *c)
{
    http_resp_body(c->resp, 204, "application/json", "", 0);
    return 0;
}

static const char *status_title(int status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Internal Server Error" : "Error";
    }
}

/* Writes the problem+json reply. Every field named goes into `errors`
 * ([{field, message}]); the first is `field` too, as clients read it. */
static int problem(api_ctx *c, int status, const char *detail, const verr *e)
{
    json_t *p = json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title",
                          status_title(status), "status", status, "detail", detail);
    const char *field, *msg;
    json_t *errors = NULL;
    for (int i = 0; e && verr_at(e, i, &field, &msg); i++) {
        if (!*field)
            continue;
        if (!errors) {
            errors = json_array();
            json_object_set_new(p, "field", json_string(field));
        }
        json_array_append_new(errors, json_pack("{s:s, s:s}", "field", field, "message", msg));
    }
    if (errors)
        json_object_set_new(p, "errors", errors);
    if (reply_json(c, status, "application/problem+json", p) != 0)
        http_resp_body(c->resp, status, "application/problem+json", "", 0);
    json_decref(p);
    return -1;
}

int api_problem(api_ctx *c, int status, const char *field, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    if (!field || !*field)
        return problem(c, status, detail, NULL);
    /* The message is the detail without its customary "field: " prefix. */
    size_t n = strlen(field);
    const char *msg = strncmp(detail, field, n) == 0 && strncmp(detail + n, ": ", 2) == 0
                          ? detail + n + 2
                          : detail;
    verr e = {.n = 1};
    str_fmt(e.field, sizeof e.field, "%s", field);
    str_fmt(e.msg, sizeof e.msg, "%s", msg);
    return problem(c, status, detail, &e);
}

int api_invalid(api_ctx *c, const verr *e)
{
    return api_fail(c, SVC_INVALID, e);
}

int api_not_found(api_ctx *c)
{
    return problem(c, 404, "no such resource", NULL);
}

int api_fail(api_ctx *c, int status, const verr *e)
{
    static const verr none;
    if (!e)
        e = &none;
    if (status < 0)
        return api_store_failed(c, status);
    int code;
    switch (status) {
    case SVC_INVALID: code = 422; break;
    case SVC_REFUSED: code = 409; break;
    case SVC_STALE: code = 409; break;
    case SVC_FORBIDDEN: code = 403; break;
    case SVC_NOT_FOUND:
        if (!e->msg[0])
            return api_not_found(c);
        code = 404;
        break;
    default:
        log_error("api", "api_fail: status %d is no refusal", status);
        return problem(c, 500, "the server failed; nothing was changed", NULL);
    }
    char detail[sizeof e->field + sizeof e->msg + 2];
    if (e->field[0])
        str_fmt(detail, sizeof detail, "%s: %s", e->field, e->msg);
    else
        str_fmt(detail, sizeof detail, "%s", e->msg[0] ? e->msg : status_title(code));
    return problem(c, code, detail, e);
}

int api_store_failed(api_ctx *c, int status)
{
    if (status == STORE_CONFLICT)
        return api_problem(c, 409, NULL, "the change conflicts with existing data");
    if (status == STORE_BUSY)
        return api_problem(c, 503, NULL, "the database is busy; try again");
    log_error("api", "store: %s", c->db ? store_errmsg(c->db) : "no connection");
    return api_problem(c, 500, NULL, "the database failed; nothing was changed");
}

int api_body_decode(const char *content_type, const char *body, size_t len, json_t **out, char *why,
                    size_t n)
{
    *out = NULL;
    const char *ct = content_type;
    if (!ct || strncasecmp(ct, "application/json", 16) != 0 ||
        (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' ')) {
        str_fmt(why, n, "send the body as application/json");
        return 415;
    }
    if (!str_utf8_valid(body, len)) {
        str_fmt(why, n, "the body is not valid UTF-8");
        return 400;
    }
    json_error_t err;
    json_t *v = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
    if (!v) {
        str_fmt(why, n, "malformed JSON at line %d, column %d: %s", err.line, err.column, err.text);
        return 400;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        str_fmt(why, n, "the body must be a JSON object");
        return 400;
    }
    *out = v;
    return 0;
}

int api_body_object(api_ctx *c, json_t **out)
{
    char why[400];
    int status = api_body_decode(http_req_header(c->req, "Content-Type"), c->req->body,
                                 c->req->body_len, out, why, sizeof why);
    return status ? api_problem(c, status, NULL, "%s", why) : 0;
}

int api_param_id(api_ctx *c, int i, int64_t *out)
{
    if (i >= c->req->nparams || str_to_i64(c->req->params[i], 1, INT64_MAX / 2, out))
        return api_not_found(c);
    return 0;
}

int api_page(api_ctx *c, int64_t *limit, int64_t *offset)
{
    const char *l = http_req_query(c->req, "limit"), *o = http_req_query(c->req, "offset");
    *limit = LIMIT_PAGE_DEFAULT;
    *offset = 0;
    if (l && str_to_i64(l, 1, LIMIT_PAGE_MAX, limit))
        return api_problem(c, 400, "limit", "limit must be an integer from 1 to %d",
                           LIMIT_PAGE_MAX);
    if (o && str_to_i64(o, 0, INT32_MAX, offset))
        return api_problem(c, 400, "offset", "offset must be a non-negative integer");
    return 0;
}

perm_roles api_program_roles(api_ctx *c, int64_t program_id)
{
    perm_roles roles;
    svc_actor actor = api_actor(c);
    int rc = svc_program_roles(c->db, &actor, program_id, &roles);
    if (rc != STORE_OK && !c->failed)
        c->failed = rc;
    return roles;
}

void api_end_read(api_ctx *c)
{
    /* A read snapshot has nothing to keep: when its commit fails, a
     * rollback ends it just as well. */
    if (c->db && store_in_tx(c->db) && store_commit(c->db) != STORE_OK)
        store_rollback(c->db);
}

int api_begin_write(api_ctx *c)
{
    api_end_read(c);
    int rc = store_begin(c->db);
    return rc == STORE_OK ? 0 : api_store_failed(c, rc);
}

int api_program_access(api_ctx *c, int param, enum perm_data data, enum perm_access need,
                       const char *why, int64_t *program_id, perm_roles *roles)
{
    int64_t pid;
    if (api_param_id(c, param, &pid))
        return -1;
    perm_roles r = api_program_roles(c, pid);
    if (!perm_allows(r, PERM_PROGRAM, PERM_READ))
        return api_not_found(c);
    if (!perm_allows(r, data, need))
        return api_problem(c, 403, NULL, "%s", why);
    if (program_id)
        *program_id = pid;
    if (roles)
        *roles = r;
    return 0;
}

svc_actor api_actor(const api_ctx *c)
{
    return (svc_actor){.person_id = c->actor.person_id, .site_role = c->actor.site_role};
}

json_t *api_time(int64_t t)
{
    char s[32];
    clock_rfc3339(t, s);
    return json_string(s);
}

void api_audit(api_ctx *c, const char *action, const char *entity, int64_t entity_id,
               json_t *detail)
{
    svc_actor actor = api_actor(c);
    int rc = svc_audit(c->db, &actor, action, entity, entity_id, detail);
    if (rc != STORE_OK && !c->failed)
        c->failed = rc;
}
