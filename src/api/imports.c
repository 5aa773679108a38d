/* imports.c - POST /api/v1/programs/{id}/imports: participants from CSV
 * (the work is import/'s; this is the HTTP side). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/handlers.h"
#include "import/import.h"

/* The report as the API shows it (docs/openapi.json: ImportReport). */
static json_t *report_json(const struct import_report *r)
{
    json_t *errors = json_array();
    for (size_t i = 0; i < r->nerrors; i++) {
        const struct import_problem *p = &r->errors[i];
        char where[IMPORT_MESSAGE_BYTES];
        import_where(p, where, sizeof where);
        json_array_append_new(errors,
                              json_pack("{s:i, s:i, s:o, s:o, s:s, s:s}", "line", (int)p->line,
                                        "column", (int)p->column, "field",
                                        p->field ? json_string(p->field) : json_null(), "cell",
                                        p->cell ? json_string(p->cell) : json_null(), "where",
                                        where, "message", p->message));
    }
    return json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:o, s:I}", "dry_run", r->dry_run, "rows",
                     (json_int_t)r->rows, "created_people", (json_int_t)r->created_people,
                     "created_participants", (json_int_t)r->created_participants, "updated",
                     (json_int_t)r->updated, "unchanged", (json_int_t)r->unchanged, "errors",
                     errors, "error_count", (json_int_t)r->error_count);
}

/* 422 as problem+json that carries the whole report, errors included;
 * detail names the first problem's place: `line 3, column "email": ...`. */
static int invalid(api_ctx *c, const struct import_report *r)
{
    char where[IMPORT_MESSAGE_BYTES] = "the file";
    const char *msg = "";
    if (r->nerrors) {
        import_where(&r->errors[0], where, sizeof where);
        msg = r->errors[0].message;
    }
    char detail[IMPORT_MESSAGE_BYTES * 2];
    snprintf(detail, sizeof detail, "%s: %s%s", where, msg,
             r->error_count > 1 ? " (and more: see errors; nothing was imported)"
                                : " (nothing was imported)");
    json_t *p = json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title",
                          "Unprocessable Content", "status", 422, "detail", detail);
    if (r->nerrors && r->errors[0].field)
        json_object_set_new(p, "field", json_string(r->errors[0].field));
    json_t *report = report_json(r);
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

    struct import_opts o = {
        .program_id = id, .dry_run = dry_run, .base_url = api_config()->public_url};
    struct import_report report;
    svc_actor actor = api_actor(c);
    int rc = import_run(c->db, &actor, &o, c->req->body, c->req->body_len, &report);
    int out;
    if (rc == SVC_OK)
        out = api_json(c, 200, report_json(&report));
    else if (rc == SVC_INVALID)
        out = invalid(c, &report);
    else if (rc == SVC_NOT_FOUND)
        out = api_not_found(c);
    else
        out = api_store_failed(c, rc);
    import_report_cleanup(&report);
    return out;
}
