/* imports.c - POST /api/v1/programs/{id}/imports: participants from CSV,
 * and POST /api/v1/outcomes/imports: outcome records (the work is
 * import/'s; this is the HTTP side). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/handlers.h"
#include "import/import.h"
#include "import/outcomes.h"

json_t *api_import_errors(const struct import_problem *list, size_t n)
{
    json_t *errors = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct import_problem *p = &list[i];
        char where[IMPORT_MESSAGE_BYTES];
        import_where(p, where, sizeof where);
        json_array_append_new(errors,
                              json_pack("{s:i, s:i, s:o, s:o, s:s, s:s}", "line", (int)p->line,
                                        "column", (int)p->column, "field",
                                        p->field ? json_string(p->field) : json_null(), "cell",
                                        p->cell ? json_string(p->cell) : json_null(), "where",
                                        where, "message", p->message));
    }
    return errors;
}

/* The report as the API shows it (docs/openapi.json: ImportReport). */
static json_t *report_json(const struct import_report *r)
{
    return json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:o, s:I}", "dry_run", r->dry_run, "rows",
                     (json_int_t)r->rows, "created_people", (json_int_t)r->created_people,
                     "created_participants", (json_int_t)r->created_participants, "updated",
                     (json_int_t)r->updated, "unchanged", (json_int_t)r->unchanged, "errors",
                     api_import_errors(r->errors, r->nerrors), "error_count",
                     (json_int_t)r->error_count);
}

int api_import_invalid(api_ctx *c, const struct import_problem *errors, size_t nerrors,
                       size_t error_count, json_t *report)
{
    char where[IMPORT_MESSAGE_BYTES] = "the file";
    const char *msg = "";
    if (nerrors) {
        import_where(&errors[0], where, sizeof where);
        msg = errors[0].message;
    }
    char detail[IMPORT_MESSAGE_BYTES * 2];
    snprintf(detail, sizeof detail, "%s: %s%s", where, msg,
             error_count > 1 ? " (and more: see errors; nothing was imported)"
                             : " (nothing was imported)");
    json_t *p = json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title",
                          "Unprocessable Content", "status", 422, "detail", detail);
    if (nerrors && errors[0].field)
        json_object_set_new(p, "field", json_string(errors[0].field));
    json_object_update_missing(p, report);
    json_decref(report);
    char *text = json_dumps(p, JSON_COMPACT);
    json_decref(p);
    http_resp_body(c->resp, 422, "application/problem+json", text, text ? strlen(text) : 0);
    free(text);
    return -1;
}

int api_import_dry_run(api_ctx *c, bool *dry_run)
{
    const char *ct = http_req_header(c->req, "Content-Type");
    if (!ct || strncasecmp(ct, "text/csv", 8) != 0 ||
        (ct[8] != '\0' && ct[8] != ';' && ct[8] != ' '))
        return api_problem(c, 415, NULL, "send the file as text/csv (UTF-8, a header row first)");
    const char *dry = http_req_query(c->req, "dry_run");
    *dry_run = false;
    if (dry && (strcmp(dry, "true") == 0 || strcmp(dry, "1") == 0))
        *dry_run = true;
    else if (dry && strcmp(dry, "false") != 0 && strcmp(dry, "0") != 0)
        return api_problem(c, 400, "dry_run", "dry_run must be true or false");
    return 0;
}

int h_program_import(api_ctx *c)
{
    int64_t id;
    if (api_program_access(c, 0, PERM_OTHER_PROFILE, PERM_WRITE,
                           "only the program's coordinators and admins import participants", &id,
                           NULL))
        return -1;
    bool dry_run;
    if (api_import_dry_run(c, &dry_run))
        return -1;

    struct import_opts o = {
        .program_id = id, .dry_run = dry_run, .base_url = api_config()->public_url};
    struct import_report report;
    svc_actor actor = api_actor(c);
    int rc = import_run(c->db, &actor, &o, c->req->body, c->req->body_len, &report);
    int out;
    if (rc == SVC_OK)
        out = api_json(c, 200, report_json(&report));
    else if (rc == SVC_INVALID)
        out = api_import_invalid(c, report.errors, report.nerrors, report.error_count,
                                 report_json(&report));
    else if (rc == SVC_NOT_FOUND)
        out = api_not_found(c);
    else
        out = api_store_failed(c, rc);
    import_report_cleanup(&report);
    return out;
}

/* The outcome import's report (docs/openapi.json: OutcomeImportReport). */
static json_t *outcome_json(const struct outcome_import_report *r)
{
    return json_pack("{s:b, s:I, s:I, s:I, s:I, s:o, s:I}", "dry_run", r->dry_run, "rows",
                     (json_int_t)r->rows, "created", (json_int_t)r->created, "updated",
                     (json_int_t)r->updated, "unchanged", (json_int_t)r->unchanged, "errors",
                     api_import_errors(r->errors, r->nerrors), "error_count",
                     (json_int_t)r->error_count);
}

int h_outcome_import(api_ctx *c)
{
    if (c->actor.site_role != SITE_ADMIN)
        return api_problem(c, 403, NULL, "only admins import outcome records");
    bool dry_run;
    if (api_import_dry_run(c, &dry_run))
        return -1;
    struct outcome_import_report report;
    svc_actor actor = api_actor(c);
    int rc = outcome_import_run(c->db, &actor, dry_run, c->req->body, c->req->body_len, &report);
    int out;
    if (rc == SVC_OK)
        out = api_json(c, 200, outcome_json(&report));
    else if (rc == SVC_INVALID)
        out = api_import_invalid(c, report.errors, report.nerrors, report.error_count,
                                 outcome_json(&report));
    else
        out = api_store_failed(c, rc);
    outcome_import_cleanup(&report);
    return out;
}
