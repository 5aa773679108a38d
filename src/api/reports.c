/* reports.c - program reports as JSON, or CSV with Accept: text/csv
 * (product.md §8). Stakeholders (viewers) see aggregates only. The figures
 * are service/reports.c's and domain/participation.c's. */
#include <string.h>

#include "api/at_risk.h"
#include "api/handlers.h"
#include "service/reports.h"

static bool wants_csv(api_ctx *c)
{
    const char *accept = http_req_header(c->req, "Accept");
    return accept && strstr(accept, "text/csv") != NULL;
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
        buf *b = &c->resp->body;
        buf_puts(b, "stage,count,conversion_from_previous,conversion_from_first\r\n");
        for (int s = 0; s < STAGE_COUNT; s++) {
            double rate;
            bool exit = s >= STAGE_FIRST_EXIT;
            buf_printf(b, "%s,%lld,", stage_name((enum stage)s),
                       (long long)(exit ? f.exits[s] : f.stages.reached[s]));
            if (participation_conversion(&f.stages, (enum stage)s, false, &rate))
                buf_printf(b, "%.4f", rate);
            buf_puts(b, ",");
            if (participation_conversion(&f.stages, (enum stage)s, true, &rate))
                buf_printf(b, "%.4f", rate);
            buf_puts(b, "\r\n");
        }
        c->resp->status = 200;
        c->resp->content_type = "text/csv; charset=utf-8";
        http_resp_header(c->resp, "Content-Disposition", "attachment; filename=\"funnel.csv\"");
        return 0;
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

int h_report(api_ctx *c)
{
    int64_t pid;
    if (api_program_access(c, 0, PERM_REPORT, PERM_READ,
                           "reports are for coordinators and stakeholders", &pid, NULL))
        return -1;
    const char *name = c->req->params[1];
    if (strcmp(name, "funnel") == 0)
        return funnel(c, pid);
    if (strcmp(name, "at-risk") == 0)
        return api_report_at_risk(c, pid, wants_csv(c));
    return api_problem(c, 404, "name", "no report named '%s' (try funnel or at-risk)", name);
}
