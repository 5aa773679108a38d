#include "service/reports.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "service/participation.h"
#include "service/program.h"

int svc_report_funnel(store *db, int64_t program_id, const char *role, struct svc_funnel *out)
{
    memset(out, 0, sizeof *out);
    /* Each participation's stages as one set of bits, then the sets
     * counted: a handful of rows, however many people. */
    char bits[1024], sql[1600];
    svc_participation_stage_bits_sql("s.stage", bits, sizeof bits);
    snprintf(sql, sizeof sql,
             "SELECT reached, COUNT(*) FROM (SELECT s.participation_id, SUM(%s) AS reached "
             "FROM participation_stages s JOIN participations pa ON pa.id = s.participation_id "
             "WHERE pa.program_id = ?1 AND pa.role IN ('mentor', 'mentee') "
             "AND (CAST(?2 AS TEXT) IS NULL OR pa.role = ?2) GROUP BY s.participation_id) sets "
             "GROUP BY reached",
             bits);
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(program_id), SV_TEXT(role)};
    int rc = store_query(db, sql, p, 2, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        participation_funnel_add(&out->stages, (stage_set)store_col_int(rows, 0),
                                 store_col_int(rows, 1));
        rc = STORE_OK;
    }
    store_rows_free(rows);
    rows = NULL;
    if (rc < 0)
        return rc;
    /* The exits: those whose status is one now. */
    rc = store_query(db,
                     "SELECT status, COUNT(*) FROM participations WHERE program_id = ?1 "
                     "AND role IN ('mentor', 'mentee') AND (CAST(?2 AS TEXT) IS NULL OR role = ?2) "
                     "AND status IN ('declined', 'withdrawn', 'ended_early') GROUP BY status",
                     p, 2, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        int s = stage_parse(store_col_text(rows, 0));
        if (s >= STAGE_FIRST_EXIT)
            out->exits[s] = store_col_int(rows, 1);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : SVC_OK;
}

static int one_date(const char *s, const char *field, char out[11], int64_t *t, verr *e)
{
    out[0] = '\0';
    if (!s || !*s)
        return 0;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || clock_parse(s, t)) {
        v_fail(e, "", field, "must be a date YYYY-MM-DD");
        return -1;
    }
    memcpy(out, s, 11);
    return 0;
}

int svc_period_set(struct svc_period *p, const char *from, const char *to, int64_t now, verr *e)
{
    memset(p, 0, sizeof *p);
    p->now = now;
    p->from_t = 0;
    p->to_t = INT64_MAX / 4;
    int bad = one_date(from, "from", p->from, &p->from_t, e);
    int64_t end = 0;
    if (one_date(to, "to", p->to, &end, e))
        bad = -1;
    else if (p->to[0])
        p->to_t = end + 86399;
    if (!bad && p->from[0] && p->to[0] && p->to_t < p->from_t) {
        v_fail(e, "", "to", "must not be before from (%s)", p->from);
        bad = -1;
    }
    return bad ? SVC_INVALID : SVC_OK;
}

void svc_period_days(const struct svc_period *p, char from[11], char to[11])
{
    memcpy(from, p->from[0] ? p->from : "0000-00-00", 11);
    memcpy(to, p->to[0] ? p->to : "9999-99-99", 11);
}

/* The funnel as a table: stages with their conversions, then the exits. */
static int funnel_table(store *db, int64_t program_id, const struct program_config *cfg,
                        const struct svc_period *p, struct report *r)
{
    (void)cfg;
    (void)p;
    struct svc_funnel f;
    int rc = svc_report_funnel(db, program_id, NULL, &f);
    if (rc != SVC_OK)
        return rc;
    svc_report_funnel_table(&f, r);
    return SVC_OK;
}

void svc_report_funnel_table(const struct svc_funnel *f, struct report *r)
{
    struct report_table *t =
        report_table(r, "stages", "The funnel",
                     "stage:s,count:i,conversion_from_previous:n,conversion_from_first:n");
    for (int s = 0; s < STAGE_COUNT; s++) {
        double rate;
        bool exit = s >= STAGE_FIRST_EXIT;
        report_text(t, stage_name((enum stage)s));
        report_int(t, exit ? f->exits[s] : f->stages.reached[s]);
        if (participation_conversion(&f->stages, (enum stage)s, false, &rate))
            report_real(t, rate);
        else
            report_null(t);
        if (participation_conversion(&f->stages, (enum stage)s, true, &rate))
            report_real(t, rate);
        else
            report_null(t);
    }
}

typedef int (*report_fn)(store *, int64_t, const struct program_config *, const struct svc_period *,
                         struct report *);

static const struct {
    const char *name;
    report_fn fn;
} REPORTS[] = {
    {"funnel", funnel_table},
    {"matching", svc_report_matching},
    {"engagement", svc_report_engagement},
    {"phases", svc_report_phases},
    {"resources", svc_report_resources},
    {"outcomes", svc_report_outcomes},
    {"satisfaction", svc_report_satisfaction},
    {"equity", svc_report_equity},
    {"at-risk", svc_report_at_risk},
};

bool svc_report_known(const char *name)
{
    for (size_t i = 0; i < sizeof REPORTS / sizeof *REPORTS; i++)
        if (strcmp(REPORTS[i].name, name) == 0)
            return true;
    return false;
}

const char *svc_report_names(void)
{
    return "funnel, matching, engagement, phases, resources, outcomes, satisfaction, equity, "
           "at-risk";
}

int svc_report_run(store *db, int64_t program_id, const char *name, const struct svc_period *p,
                   struct report *out, verr *e)
{
    report_init(out, "", program_id);
    report_fn fn = NULL;
    for (size_t i = 0; i < sizeof REPORTS / sizeof *REPORTS; i++)
        if (strcmp(REPORTS[i].name, name) == 0) {
            fn = REPORTS[i].fn;
            out->name = REPORTS[i].name;
        }
    if (!fn)
        return svc_fail(e, SVC_NOT_FOUND, "name", "no report named '%s' (try %s)", name,
                        svc_report_names());
    struct program_config cfg = {0};
    int rc = svc_program_config(db, program_id, &cfg, NULL, 0);
    if (rc == SVC_NOT_FOUND)
        return svc_fail(e, SVC_NOT_FOUND, "id", "no such program");
    if (rc != SVC_OK)
        return rc;
    memcpy(out->from, p->from, sizeof out->from);
    memcpy(out->to, p->to, sizeof out->to);
    rc = fn(db, program_id, &cfg, p, out);
    program_config_cleanup(&cfg);
    return rc;
}
