/* report_rollup.c - a report across programs (GET /api/v1/reports/{name},
 * `tandem report NAME` without --program): the programs whose reports the
 * actor reads (a site admin or the command line: every program; anyone
 * else: those they coordinate or view), each report made per program and
 * then added up where a sum means what it says.
 *
 * - funnel: each stage's participations, the exits and the conversions
 *   worked out again from the sums (a conversion is counts of the same
 *   participations, so the sums give the pooled conversion exactly);
 * - at-risk: the counts added up and the share at risk recomputed from
 *   them, never a list.
 *
 * Both add a `programs` table: each program's own figures, so a
 * stakeholder can compare them. Other reports (means, medians, tests of
 * two groups) do not add up and are refused (SVC_NOT_FOUND naming "name").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"
#include "domain/risk.h"
#include "service/program.h"
#include "service/reports.h"

const char *svc_rollup_names(void)
{
    return "funnel, at-risk";
}

bool svc_rollup_known(const char *name)
{
    return strcmp(name, "funnel") == 0 || strcmp(name, "at-risk") == 0;
}

struct prog {
    int64_t id;
    char name[LIMIT_NAME_BYTES + 1];
};
typedef VEC(struct prog) prog_vec;

/* The programs whose reports the actor reads, by id. */
static int programs(store *db, const svc_actor *actor, prog_vec *out)
{
    store_rows *rows = NULL;
    bool all = !actor || actor->person_id == 0 || actor->site_role == SITE_ADMIN;
    store_val pv[] = {SV_INT(actor ? actor->person_id : 0)};
    int rc = store_query(db,
                         all ? "SELECT id, name FROM programs ORDER BY id"
                             : "SELECT p.id, p.name FROM programs p WHERE EXISTS (SELECT 1 FROM "
                               "participations pa WHERE pa.program_id = p.id AND pa.person_id = "
                               "?1 AND pa.role IN ('coordinator', 'viewer')) ORDER BY p.id",
                         pv, all ? 0 : 1, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        struct prog *p = VEC_PUSH(out);
        p->id = store_col_int(rows, 0);
        snprintf(p->name, sizeof p->name, "%s", store_col_text(rows, 1));
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

static int funnel(store *db, const struct prog *ps, size_t n, struct report *r)
{
    struct svc_funnel sum = {0};
    struct report_table *t = NULL;
    struct svc_funnel *each = calloc(n ? n : 1, sizeof *each);
    if (!each)
        return STORE_ERROR;
    int rc = SVC_OK;
    for (size_t i = 0; i < n && rc == SVC_OK; i++) {
        rc = svc_report_funnel(db, ps[i].id, NULL, &each[i]);
        sum.stages.everyone += each[i].stages.everyone;
        for (int s = 0; s < STAGE_COUNT; s++) {
            sum.stages.reached[s] += each[i].stages.reached[s];
            sum.stages.went_on[s] += each[i].stages.went_on[s];
            sum.exits[s] += each[i].exits[s];
        }
    }
    if (rc == SVC_OK) {
        svc_report_funnel_table(&sum, r);
        t = report_table(r, "programs", "By program",
                         "program_id:i,program:s,everyone:i,approved:i,matched:i,"
                         "conversion_to_matched:n");
        for (size_t i = 0; i < n; i++) {
            double rate;
            report_int(t, ps[i].id);
            report_text(t, ps[i].name);
            report_int(t, each[i].stages.everyone);
            report_int(t, each[i].stages.reached[STAGE_APPROVED]);
            report_int(t, each[i].stages.reached[STAGE_MATCHED]);
            if (participation_conversion(&each[i].stages, STAGE_MATCHED, true, &rate))
                report_real(t, rate);
            else
                report_null(t);
        }
    }
    free(each);
    return rc;
}

/* The value of cell (row, 1) of a summary or (row, col) of a table, as an integer. */
static int64_t int_at(const struct report_table *t, size_t row, size_t col)
{
    const struct report_cell *c = report_cell_at(t, row, col);
    return c->kind == REPORT_INT ? c->i : 0;
}

static int at_risk(store *db, const struct prog *ps, size_t n, const struct svc_period *p,
                   struct report *r)
{
    /* summary rows: open, at risk now, share, flagged now, ever, recovered */
    int64_t sum[6] = {0}, reasons[RISK_COUNT][3] = {{0}};
    struct report_table *t = report_table(
        r, "programs", "By program",
        "program_id:i,program:s,open_relationships:i,at_risk_now:i,flagged_ever:i,recovered:i");
    struct svc_period agg = *p;
    agg.aggregates_only = true; /* a roll-up is counts: no list */
    for (size_t i = 0; i < n; i++) {
        struct report one;
        report_init(&one, "at-risk", ps[i].id);
        struct program_config cfg = {0};
        int rc = svc_program_config(db, ps[i].id, &cfg, NULL, 0);
        if (rc == SVC_OK)
            rc = svc_report_at_risk(db, ps[i].id, &cfg, &agg, &one);
        program_config_cleanup(&cfg);
        if (rc != SVC_OK) {
            report_cleanup(&one);
            return rc > 0 ? STORE_ERROR : rc;
        }
        const struct report_table *s = report_find(&one, "summary"),
                                  *rs = report_find(&one, "reasons");
        for (size_t k = 0; k < 6; k++)
            sum[k] += int_at(s, k, 1);
        for (size_t k = 0; k < RISK_COUNT && k < report_rows(rs); k++)
            for (size_t c = 0; c < 3; c++)
                reasons[k][c] += int_at(rs, k, c + 1);
        report_int(t, ps[i].id);
        report_text(t, ps[i].name);
        report_int(t, int_at(s, 0, 1));
        report_int(t, int_at(s, 1, 1));
        report_int(t, int_at(s, 4, 1));
        report_int(t, int_at(s, 5, 1));
        report_cleanup(&one);
    }
    struct report_table *s = report_table(r, "summary", "At risk", "metric:s,value:n");
    static const char *const metric[6] = {"open_relationships", "at_risk_now",  "share_at_risk",
                                          "flagged_now",        "flagged_ever", "recovered"};
    for (int k = 0; k < 6; k++) {
        report_text(s, metric[k]);
        if (k != 2)
            report_int(s, sum[k]);
        else if (sum[0])
            report_real(s, (double)sum[1] / (double)sum[0]);
        else
            report_null(s);
    }
    struct report_table *rt = report_table(r, "reasons", "Relationships by reason",
                                           "reason:s,at_risk_now:i,flagged_now:i,flagged_ever:i");
    for (int k = 0; k < RISK_COUNT; k++) {
        report_text(rt, risk_code_name((enum risk_code)k));
        for (int c = 0; c < 3; c++)
            report_int(rt, reasons[k][c]);
    }
    /* summary, reasons, then the programs */
    struct report_table progs = r->tables[0];
    r->tables[0] = r->tables[1];
    r->tables[1] = r->tables[2];
    r->tables[2] = progs;
    return SVC_OK;
}

int svc_report_rollup(store *db, const svc_actor *actor, const char *name,
                      const struct svc_period *p, struct report *out, verr *e)
{
    report_init(out, "", 0);
    if (!svc_rollup_known(name))
        return svc_fail(e, SVC_NOT_FOUND, "name",
                        "the %s report does not add up across programs (try %s)", name,
                        svc_rollup_names());
    out->name = strcmp(name, "funnel") == 0 ? "funnel" : "at-risk";
    memcpy(out->from, p->from, sizeof out->from);
    memcpy(out->to, p->to, sizeof out->to);
    prog_vec ps = {0};
    int rc = programs(db, actor, &ps);
    if (rc == STORE_OK && actor && actor->person_id && actor->site_role != SITE_ADMIN && !ps.len)
        rc = svc_fail(e, SVC_FORBIDDEN, NULL,
                      "reports across programs are for admins and the programs' coordinators and "
                      "stakeholders");
    else if (rc == STORE_OK)
        rc = out->name[0] == 'f' ? funnel(db, ps.items, ps.len, out)
                                 : at_risk(db, ps.items, ps.len, p, out);
    VEC_FREE(&ps);
    return rc;
}
