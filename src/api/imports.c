/* imports.c - POST /api/v1/programs/{id}/imports: participants from CSV
 * (the work is api/importer.c's; this is the HTTP side). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/handlers.h"
#include "api/importer.h"

/* 422 as problem+json that carries the whole report, errors included. */
static int invalid(api_ctx *c, json_t *report)
{
    json_t *errors = json_object_get(report, "errors");
    json_t *first = json_array_get(errors, 0);
    json_int_t count = json_integer_value(json_object_get(report, "error_count"));
    char detail[600];
    snprintf(detail, sizeof detail, "line %lld: %s%s",
             (long long)json_integer_value(json_object_get(first, "line")),
             json_string_value(json_object_get(first, "message")),
             count > 1 ? " (and more: see errors; nothing was imported)"
                       : " (nothing was imported)");
    json_t *p = json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title",
                          "Unprocessable Content", "status", 422, "detail", detail);
    if (json_is_string(json_object_get(first, "field")))
        json_object_set(p, "field", json_object_get(first, "field"));
    json_object_update_missing(p, report);
    json_decref(report);
    char *text = json_dumps(p, JSON_COMPACT);
    json_decref(p);
    http_resp_body(c->resp, 422, "application/problem+json", text, text ? strlen(text) : 0);
    free(text);
    return -1;
}

int h_program_import(api_ctx *c)
{
    int64_t id;
    if (api_program_access(c, 0, PERM_OTHER_PROFILE, PERM_WRITE,
                           "only the program's coordinators and admins import participants", &id,
                           NULL))
        return -1;
    const char *ct = http_req_header(c->req, "Content-Type");
    if (!ct || strncasecmp(ct, "text/csv", 8) != 0 ||
        (ct[8] != '\0' && ct[8] != ';' && ct[8] != ' '))
        return api_problem(c, 415, NULL, "send the file as text/csv (UTF-8, a header row first)");
    const char *dry = http_req_query(c->req, "dry_run");
    bool dry_run = false;
    if (dry && (strcmp(dry, "true") == 0 || strcmp(dry, "1") == 0))
        dry_run = true;
    else if (dry && strcmp(dry, "false") != 0 && strcmp(dry, "0") != 0)
        return api_problem(c, 400, "dry_run", "dry_run must be true or false");

    struct import_opts o = {.program_id = id,
                            .actor_id = c->actor.person_id,
                            .dry_run = dry_run,
                            .base_url = api_config()->public_url};
    json_t *report = NULL;
    int rc = import_run(c->db, &o, c->req->body, c->req->body_len, &report);
    if (rc == IMPORT_OK)
        return api_json(c, 200, report);
    if (rc == IMPORT_INVALID)
        return invalid(c, report);
    if (rc == IMPORT_NO_PROGRAM)
        return api_not_found(c);
    return api_store_failed(c, rc);
}
