/* reports.c - program reports as JSON, or CSV with Accept: text/csv
 * (product.md §8). Stakeholders (viewers) see aggregates only. The figures
 * are service/reports.c's and domain/participation.c's. */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"

#include "api/handlers.h"
#include "service/reports.h"

static bool wants_csv(api_ctx *c)
{
    const char *accept = http_req_header(c->req, "Accept");
    return accept && strstr(accept, "text/csv") != NULL;
}

static int csv_reply(api_ctx *c, const struct report_table *t, const char *name);

/* The report as JSON, or its table ?table= (the first by default) as CSV. */
static int send_report(api_ctx *c, const struct report *r, const char *name)
{
    if (!wants_csv(c))
        return api_json(c, 200, report_json(r));
    const char *table = http_req_query(c->req, "table");
    const struct report_table *t = table ? report_find((struct report *)r, table) : &r->tables[0];
    if (!t || !r->ntables)
        return api_problem(c, 404, "table", "the %s report has no table '%s'", name,
                           table ? table : "");
    return csv_reply(c, t, name);
}

/* Table t as the CSV reply, a file named after the report and table. */
static int csv_reply(api_ctx *c, const struct report_table *t, const char *name)
{
    if (report_csv(t, &c->resp->body))
        return api_problem(c, 500, NULL, "the report is too large to send");
    c->resp->status = 200;
    c->resp->content_type = "text/csv; charset=utf-8";
    char disposition[160];
    snprintf(disposition, sizeof disposition, "attachment; filename=\"%s-%s.csv\"", name, t->name);
    http_resp_header(c->resp, "Content-Disposition", disposition);
    return 0;
}

/* The funnel: for each stage, how many participations reached it, and the
 * conversion from the stage before and of everyone in the funnel. */
static int funnel(api_ctx *c, int64_t pid)
{
    const char *role = http_req_query(c->req, "role");
    if (role && strcmp(role, "mentor") != 0 && strcmp(role, "mentee") != 0)
        return api_problem(c, 400, "role", "role must be mentor or mentee");
    struct svc_funnel f;
    int rc = svc_report_funnel(c->db, pid, role, &f);
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL);
    if (wants_csv(c)) {
        struct report r;
        report_init(&r, "funnel", pid);
        svc_report_funnel_table(&f, &r);
        rc = csv_reply(c, &r.tables[0], "funnel");
        report_cleanup(&r);
        return rc;
    }
    json_t *stages = json_array(), *exits = json_array();
    for (int s = 0; s < STAGE_COUNT; s++) {
        if (s >= STAGE_FIRST_EXIT) {
            json_array_append_new(exits, json_pack("{s:s, s:I}", "stage", stage_name((enum stage)s),
                                                   "count", (json_int_t)f.exits[s]));
            continue;
        }
        double prev, first;
        bool has_prev = participation_conversion(&f.stages, (enum stage)s, false, &prev);
        bool has_first = participation_conversion(&f.stages, (enum stage)s, true, &first);
        json_array_append_new(
            stages, json_pack("{s:s, s:I, s:o, s:o}", "stage", stage_name((enum stage)s), "count",
                              (json_int_t)f.stages.reached[s], "conversion_from_previous",
                              has_prev ? json_real(prev) : json_null(), "conversion_from_first",
                              has_first ? json_real(first) : json_null()));
    }
    return api_json(c, 200,
                    json_pack("{s:s, s:I, s:o, s:I, s:o, s:o}", "report", "funnel", "program_id",
                              (json_int_t)pid, "role", role ? json_string(role) : json_null(),
                              "everyone", (json_int_t)f.stages.everyone, "stages", stages, "exits",
                              exits));
}

/* Any other report: typed tables (domain/report.h), all of them as JSON,
 * or one (?table=, the first by default) as CSV. */
static int tables(api_ctx *c, int64_t pid, const char *name, perm_roles roles)
{
    verr e = VERR_COLLECT;
    struct svc_period period;
    struct report r = {0};
    int rc = svc_period_set(&period, http_req_query(c->req, "from"), http_req_query(c->req, "to"),
                            clock_now(), &e);
    if (rc != SVC_OK)
        return api_fail(c, rc, &e);
    /* A stakeholder sees aggregates only: no list of people. */
    period.aggregates_only = !perm_coordinates(roles);
    int out;
    if ((rc = svc_report_run(c->db, pid, name, &period, &r, &e)) != SVC_OK) {
        out = api_fail(c, rc, &e);
        goto done;
    }
    out = send_report(c, &r, name);
done:
    report_cleanup(&r);
    return out;
}

int h_report(api_ctx *c)
{
    int64_t pid;
    perm_roles roles = 0;
    if (api_program_access(c, 0, PERM_REPORT, PERM_READ,
                           "reports are for coordinators and stakeholders", &pid, &roles))
        return -1;
    const char *name = c->req->params[1];
    if (strcmp(name, "funnel") == 0)
        return funnel(c, pid);
    if (svc_report_known(name)) /* and not the funnel: its JSON is its own */
        return tables(c, pid, name, roles);
    return api_problem(c, 404, "name", "no report named '%s' (try %s)", name, svc_report_names());
}

/* GET /reports/{name}: the report across the programs whose reports the
 * actor reads (service/report_rollup.c). */
int h_rollup(api_ctx *c)
{
    verr e = VERR_COLLECT;
    struct svc_period period;
    struct report r = {0};
    const char *name = c->req->params[0];
    int rc = svc_period_set(&period, http_req_query(c->req, "from"), http_req_query(c->req, "to"),
                            clock_now(), &e);
    if (rc != SVC_OK)
        return api_fail(c, rc, &e);
    svc_actor actor = api_actor(c);
    int out;
    if ((rc = svc_report_rollup(c->db, &actor, name, &period, &r, &e)) != SVC_OK)
        out = api_fail(c, rc, &e);
    else
        out = send_report(c, &r, name);
    report_cleanup(&r);
    return out;
}
