/* system.c - health, metrics and the API's own description. */
#include <string.h>

#include "api/handlers.h"
#include "http/server.h"

/* docs/openapi.json, compiled in (tools/embed.py blob). */
extern const char api_openapi_json[];
extern const unsigned long api_openapi_json_len;

int h_healthz(api_ctx *c)
{
    if (svc_health(c->db) != STORE_OK)
        return api_problem(c, 503, NULL, "the database does not answer");
    return api_json(c, 200, json_pack("{s:s}", "status", "ok"));
}

int h_metrics(api_ctx *c)
{
    http_metrics_write(&c->resp->body);
    c->resp->status = 200;
    c->resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
    return 0;
}

int h_openapi(api_ctx *c)
{
    http_resp_body(c->resp, 200, "application/json", api_openapi_json, api_openapi_json_len);
    c->resp->no_store = false;
    c->resp->cache_control = "no-cache";
    return 0;
}
