/* report_outcomes.c - the outcomes report: outcome records of the
 * program's participants against people who never joined a program.
 *
 * Participants are the program's mentors and mentees who were matched
 * (reached the matched stage); the comparison group is everyone with an
 * outcome record and no mentor or mentee participation in any program.
 * For each kind, each person's latest record in the period counts. A kind
 * whose values are all 1 and 0 is yes/no: the two rates, their difference
 * with a 95 % interval, and a two-proportion z-test, or Fisher's exact test
 * when a group is small (domain/stats.h). Any other kind is a set of
 * bands: how many of each group are in each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/vec.h"
#include "domain/stats.h"
#include "service/reports.h"

struct kind_count {
    char kind[LIMIT_OUTCOME_KIND_BYTES + 1];
    int64_t n[2], yes[2]; /* [0] participants, [1] the others */
    bool binary;
};

/* The value of a summary metric of report r; false when it has none. */
static bool summary_metric(struct report *r, const char *name, double *v)
{
    const struct report_table *t = report_find(r, "summary");
    for (size_t i = 0; t && i < report_rows(t); i++) {
        const struct report_cell *m = report_cell_at(t, i, 0), *c = report_cell_at(t, i, 1);
        if (m->kind == REPORT_TEXT && strcmp(m->s, name) == 0) {
            if (c->kind == REPORT_INT)
                *v = (double)c->i;
            else if (c->kind == REPORT_REAL)
                *v = c->r;
            return c->kind == REPORT_INT || c->kind == REPORT_REAL;
        }
    }
    return false;
}

/* The current value of what objective o tracks, over the period. */
static int measure(store *db, int64_t program_id, const struct program_config *cfg,
                   const struct svc_period *p, const struct kind_count *kinds, size_t nkinds,
                   const char *tracks, bool *has, double *v)
{
    *has = false;
    if (strncmp(tracks, "outcome:", 8) == 0) {
        for (size_t k = 0; k < nkinds; k++)
            if (strcmp(kinds[k].kind, tracks + 8) == 0 && kinds[k].binary && kinds[k].n[0]) {
                *v = 100.0 * (double)kinds[k].yes[0] / (double)kinds[k].n[0];
                *has = true;
            }
        return SVC_OK;
    }
    if (strcmp(tracks, "match_rate") == 0) {
        struct svc_funnel f;
        int rc = svc_report_funnel(db, program_id, "mentee", &f);
        if (rc != SVC_OK)
            return rc;
        if (f.stages.reached[STAGE_APPROVED]) {
            *v = 100.0 * (double)f.stages.reached[STAGE_MATCHED] /
                 (double)f.stages.reached[STAGE_APPROVED];
            *has = true;
        }
        return SVC_OK;
    }
    bool satisfaction = strcmp(tracks, "nps") == 0 || strcmp(tracks, "mean_rating") == 0;
    if (!satisfaction && !*tracks)
        return SVC_OK;
    struct report m;
    report_init(&m, satisfaction ? "satisfaction" : "engagement", program_id);
    int rc = satisfaction ? svc_report_satisfaction(db, program_id, cfg, p, &m)
                          : svc_report_engagement(db, program_id, cfg, p, &m);
    const char *metric = strcmp(tracks, "share_active") == 0 ? "share_active_last_30_days" : tracks;
    if (rc == SVC_OK && summary_metric(&m, metric, v)) {
        *has = true;
        if (!satisfaction) /* a share, in % */
            *v *= 100.0;
    }
    report_cleanup(&m);
    return rc;
}

/* Each measurable objective with its baseline, target, current value and
 * where it stands (domain/program.h: program_objective_status). */
static int objectives(store *db, int64_t program_id, const struct program_config *cfg,
                      const struct svc_period *p, const struct kind_count *kinds, size_t nkinds,
                      struct report *r)
{
    struct report_table *t =
        report_table(r, "objectives", "Measurable objectives",
                     "objective:s,unit:s,tracks:s,baseline:n,target:n,by:s,current:n,status:s");
    int64_t start = 0;
    if (!cfg->dates.starts || clock_parse(cfg->dates.starts, &start))
        start = 0;
    for (size_t i = 0; i < cfg->objectives.count; i++) {
        const struct program_objective *o = &cfg->objectives.items[i];
        bool has = false;
        double v = 0;
        int rc = measure(db, program_id, cfg, p, kinds, nkinds, o->tracks, &has, &v);
        if (rc != SVC_OK)
            return rc;
        /* The end of the period, when it is before now, is "now". */
        int64_t at = p->to_t < p->now ? p->to_t : p->now;
        report_text(t, o->name);
        report_text(t, o->unit);
        report_text(t, o->tracks);
        if (o->has_baseline)
            report_real(t, o->baseline);
        else
            report_null(t);
        report_real(t, o->target);
        if (o->by)
            report_text(t, o->by);
        else
            report_null(t);
        if (has)
            report_real(t, v);
        else
            report_null(t);
        report_text(t, *o->tracks
                           ? objective_status_name(program_objective_status(o, has, v, start, at))
                           : "not_measured");
    }
    return SVC_OK;
}

const char *svc_outcome_latest_sql(const struct svc_period *p)
{
    /* Open at its end, a person's latest record in the period is their
     * latest one if it is on or after the period's first day. */
    if (!p->to[0])
        return "SELECT person_id, kind, value FROM outcome_latest WHERE recorded_on BETWEEN ?2 "
               "AND ?3";
    return "SELECT o.person_id, o.kind, o.value FROM outcome_records o WHERE o.recorded_on "
           "BETWEEN ?2 AND ?3 AND NOT EXISTS (SELECT 1 FROM outcome_records n WHERE n.person_id "
           "= o.person_id AND n.kind = o.kind AND n.recorded_on BETWEEN ?2 AND ?3 AND "
           "n.recorded_on > o.recorded_on)";
}

int svc_report_outcomes(store *db, int64_t program_id, const struct program_config *cfg,
                        const struct svc_period *p, struct report *r)
{
    (void)cfg;
    struct kind_count kinds[LIMIT_OUTCOME_KINDS];
    size_t nkinds = 0;
    store_rows *rows = NULL;
    char from[11], to[11];
    svc_period_days(p, from, to);
    store_val pv[] = {SV_INT(program_id), SV_TEXT(from), SV_TEXT(to)};
    /* Each person's latest record of each kind in the period, with the
     * group the person is in - 0 participant, 1 never joined (no mentor or
     * mentee participation: no row), 2 neither (left out) - counted by
     * kind, group and value. The groups come from one grouped pass over
     * the mentor and mentee participations (per person: matched in this
     * program or not), joined once: half the time of joining the two sets
     * of people apiece on PostgreSQL, a third less on SQLite. */
    char sql[2048];
    snprintf(sql, sizeof sql,
             "WITH latest AS (%s), who AS (SELECT pa.person_id, MIN(CASE WHEN pa.program_id = ?1 "
             "AND EXISTS (SELECT 1 FROM participation_stages s WHERE s.participation_id = pa.id "
             "AND s.stage = 'matched') THEN 0 ELSE 2 END) AS grp FROM participations pa WHERE "
             "pa.role IN ('mentor', 'mentee') GROUP BY pa.person_id) SELECT l.kind, "
             "COALESCE(w.grp, 1), l.value, COUNT(*) FROM latest l LEFT JOIN who w ON w.person_id "
             "= l.person_id WHERE COALESCE(w.grp, 1) < 2 GROUP BY l.kind, COALESCE(w.grp, 1), "
             "l.value ORDER BY l.kind, l.value, COALESCE(w.grp, 1)",
             svc_outcome_latest_sql(p));
    struct report_table *bands =
        report_table(r, "bands", "Bands by group", "kind:s,value:s,participants:i,others:i");
    /* One query; its rows (a few per kind, group and value) are kept, as
     * the bands need to know first which kinds are yes/no. */
    struct band_row {
        char kind[LIMIT_OUTCOME_KIND_BYTES + 1], value[LIMIT_OUTCOME_VALUE_BYTES + 1];
        int grp;
        int64_t n;
    };
    VEC(struct band_row) got = {0};
    int rc = store_query(db, sql, pv, 3, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        const char *kind = store_col_text(rows, 0), *value = store_col_text(rows, 2);
        int grp = (int)store_col_int(rows, 1);
        int64_t n = store_col_int(rows, 3);
        size_t k = 0;
        while (k < nkinds && strcmp(kinds[k].kind, kind) != 0)
            k++;
        if (k == nkinds) {
            if (nkinds == LIMIT_OUTCOME_KINDS)
                continue;
            memset(&kinds[k], 0, sizeof kinds[k]);
            snprintf(kinds[k].kind, sizeof kinds[k].kind, "%s", kind);
            kinds[k].binary = true;
            nkinds++;
        }
        kinds[k].n[grp] += n;
        if (strcmp(value, "1") == 0)
            kinds[k].yes[grp] += n;
        else if (strcmp(value, "0") != 0)
            kinds[k].binary = false;
        struct band_row *row = VEC_PUSH(&got);
        snprintf(row->kind, sizeof row->kind, "%s", kind);
        snprintf(row->value, sizeof row->value, "%s", value);
        row->grp = grp;
        row->n = n;
    }
    store_rows_free(rows);
    rows = NULL;
    if (rc < 0) {
        VEC_FREE(&got);
        return rc;
    }
    /* The bands of the kinds that are not yes/no: the rows come by kind,
     * value and group, so a band's two groups are next to each other. */
    for (size_t i = 0; i < got.len;) {
        const struct band_row *row = &got.items[i];
        size_t k = 0;
        while (k < nkinds && strcmp(kinds[k].kind, row->kind) != 0)
            k++;
        int64_t counts[2] = {0, 0};
        size_t j = i;
        for (; j < got.len && strcmp(got.items[j].kind, row->kind) == 0 &&
               strcmp(got.items[j].value, row->value) == 0;
             j++)
            counts[got.items[j].grp] += got.items[j].n;
        if (k < nkinds && !kinds[k].binary) {
            report_text(bands, row->kind);
            report_text(bands, row->value);
            report_int(bands, counts[0]);
            report_int(bands, counts[1]);
        }
        i = j;
    }
    VEC_FREE(&got);

    struct report_table *t = report_table(
        r, "comparison", "Participants against people who never joined",
        "kind:s,participants:i,participants_yes:i,participant_rate:n,others:i,others_yes:i,"
        "other_rate:n,difference:n,ci_low:n,ci_high:n,test:s,p_value:n");
    for (size_t k = 0; k < nkinds; k++) {
        if (!kinds[k].binary)
            continue;
        struct stats_comparison c;
        stats_compare(kinds[k].yes[0], kinds[k].n[0], kinds[k].yes[1], kinds[k].n[1], &c);
        report_text(t, kinds[k].kind);
        report_int(t, kinds[k].n[0]);
        report_int(t, kinds[k].yes[0]);
        if (kinds[k].n[0])
            report_real(t, (double)kinds[k].yes[0] / (double)kinds[k].n[0]);
        else
            report_null(t);
        report_int(t, kinds[k].n[1]);
        report_int(t, kinds[k].yes[1]);
        if (kinds[k].n[1])
            report_real(t, (double)kinds[k].yes[1] / (double)kinds[k].n[1]);
        else
            report_null(t);
        if (c.defined) {
            report_real(t, c.diff);
            report_real(t, c.ci_low);
            report_real(t, c.ci_high);
            report_text(t, stats_test_name(c.test));
            report_real(t, c.p_value);
        } else {
            for (int i = 0; i < 5; i++)
                report_null(t);
        }
    }
    /* The comparison first: it is what the report is for. */
    struct report_table tmp = r->tables[r->ntables - 2];
    r->tables[r->ntables - 2] = r->tables[r->ntables - 1];
    r->tables[r->ntables - 1] = tmp;
    return objectives(db, program_id, cfg, p, kinds, nkinds, r);
}
