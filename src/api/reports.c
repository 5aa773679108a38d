/* reports.c - program reports as JSON, or CSV with Accept: text/csv
 * (product.md §8). Stakeholders (viewers) see aggregates only. */
#include <string.h>

#include "api/at_risk.h"
#include "api/handlers.h"
#include "base/str.h"
#include "domain/participation.h"

static bool wants_csv(api_ctx *c)
{
    const char *accept = http_req_header(c->req, "Accept");
    return accept && strstr(accept, "text/csv") != NULL;
}

/* The funnel: for each stage, how many participations reached it, and the
 * conversion from the stage before and from the first. */
static int funnel(api_ctx *c, int64_t pid)
{
    const char *role = http_req_query(c->req, "role");
    if (role && strcmp(role, "mentor") != 0 && strcmp(role, "mentee") != 0)
        return api_problem(c, 400, "role", "role must be mentor or mentee");
    /* A participation counts at every stage up to the furthest it reached
     * (participations.furthest; participation_funnel_add). Exits are the
     * participations whose status is one now. */
    int64_t counts[STAGE_COUNT] = {0};
    store_rows *rows;
    store_val p[] = {SV_INT(pid), SV_TEXT(role)};
    int rc =
        store_query(c->db,
                    "SELECT furthest, COUNT(*) FROM participations WHERE program_id = ?1 "
                    "AND role IN ('mentor', 'mentee') AND (CAST(?2 AS TEXT) IS NULL OR role = ?2) "
                    "GROUP BY furthest",
                    p, 2, &rows);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    while (store_next(rows) == 1)
        participation_funnel_add(counts, (int)store_col_int(rows, 0), store_col_int(rows, 1));
    store_rows_free(rows);
    rc = store_query(c->db,
                     "SELECT status, COUNT(*) FROM participations WHERE program_id = ?1 "
                     "AND role IN ('mentor', 'mentee') AND (CAST(?2 AS TEXT) IS NULL OR role = ?2) "
                     "AND status IN ('declined', 'withdrawn', 'ended_early') GROUP BY status",
                     p, 2, &rows);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    while (store_next(rows) == 1) {
        int s = stage_parse(store_col_text(rows, 0));
        if (s >= STAGE_FIRST_EXIT)
            counts[s] = store_col_int(rows, 1);
    }
    store_rows_free(rows);
    if (wants_csv(c)) {
        buf *b = &c->resp->body;
        buf_puts(b, "stage,count,conversion_from_previous,conversion_from_first\r\n");
        for (int s = 0; s < STAGE_COUNT; s++) {
            double rate;
            buf_printf(b, "%s,%lld,", stage_name((enum stage)s), (long long)counts[s]);
            if (participation_conversion(counts, (enum stage)s, false, &rate))
                buf_printf(b, "%.4f", rate);
            buf_puts(b, ",");
            if (participation_conversion(counts, (enum stage)s, true, &rate))
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
        json_t *row = json_pack("{s:s, s:I}", "stage", stage_name((enum stage)s), "count",
                                (json_int_t)counts[s]);
        if (s < STAGE_FIRST_EXIT) {
            double prev, first;
            bool has_prev = participation_conversion(counts, (enum stage)s, false, &prev);
            bool has_first = participation_conversion(counts, (enum stage)s, true, &first);
            json_object_set_new(row, "conversion_from_previous",
                                has_prev ? json_real(prev) : json_null());
            json_object_set_new(row, "conversion_from_first",
                                has_first ? json_real(first) : json_null());
            json_array_append_new(stages, row);
        } else {
            json_array_append_new(exits, row);
        }
    }
    return api_json(c, 200,
                    json_pack("{s:s, s:I, s:o, s:o, s:o}", "report", "funnel", "program_id",
                              (json_int_t)pid, "role", role ? json_string(role) : json_null(),
                              "stages", stages, "exits", exits));
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
