/* report_equity.c - the equity report: who the program serves well and
 * who it does not. The program's mentees approved in the period (its
 * cohort), by department, job level and location (the people's record):
 * how many, the share matched, the published run's mean score for them,
 * the median days from approval to a match, and the share of their ended
 * relationships that completed; and the yes/no outcomes of the program's
 * matched participants by the same groups. A group of fewer people than
 * the anonymity threshold shows no figure, nor one a total would give
 * back by subtraction (domain/stats.h: stats_suppress). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"
#include "domain/stats.h"
#include "domain/survey.h"
#include "service/reports.h"

#define FIELDS 3
static const char *const FIELD[FIELDS] = {"department", "job_level", "location"};
#define NOT_GIVEN "(not given)"
#define OTHER "(other)"

struct group {
    char name[LIMIT_NAME_BYTES + 1];
    int64_t n, matched, scored, ended, completed;
    double score_sum;
    VEC(double) days;
};

struct field {
    struct group g[LIMIT_REPORT_GROUPS + 1]; /* the last: every group past the limit */
    size_t n;
};

static struct group *group_of(struct field *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->g[i].name, name) == 0)
            return &f->g[i];
    if (f->n == LIMIT_REPORT_GROUPS) {
        struct group *o = &f->g[LIMIT_REPORT_GROUPS];
        snprintf(o->name, sizeof o->name, "%s", OTHER);
        return o;
    }
    struct group *g = &f->g[f->n++];
    snprintf(g->name, sizeof g->name, "%s", name);
    return g;
}

static size_t groups_in(const struct field *f)
{
    return f->g[LIMIT_REPORT_GROUPS].n ? LIMIT_REPORT_GROUPS + 1 : f->n;
}

/* The group a person's field value names: text as it is, the job level
 * as a number, NOT_GIVEN when empty. */
static void value_of(store_rows *rows, int col, char *out, size_t n)
{
    const char *v = store_col_text(rows, col);
    if (store_col_null(rows, col) || !v || !*v)
        snprintf(out, n, "%s", NOT_GIVEN);
    else if (col == 1)
        snprintf(out, n, "%lld", (long long)store_col_int(rows, col));
    else
        snprintf(out, n, "%s", v);
}

static int cmp_group(const void *a, const void *b)
{
    const struct group *x = a, *y = b;
    return strcmp(x->name, y->name);
}

static void why(struct report_table *t, bool small, int threshold)
{
    char s[96];
    if (small)
        snprintf(s, sizeof s, "fewer than %d people", threshold);
    else
        snprintf(s, sizeof s, "hidden so that a smaller group cannot be worked out");
    report_text(t, s);
}

/* The groups table of one field. */
static void put_groups(struct report_table *t, const char *field, struct field *f, int threshold)
{
    size_t n = groups_in(f);
    qsort(f->g, f->n, sizeof f->g[0], cmp_group); /* the "other" group stays last */
    int64_t counts[LIMIT_REPORT_GROUPS + 1];
    bool hide[LIMIT_REPORT_GROUPS + 1];
    for (size_t i = 0; i < n; i++)
        counts[i] = f->g[i].n;
    stats_suppress(counts, NULL, n, threshold, hide);
    for (size_t i = 0; i < n; i++) {
        struct group *g = &f->g[i];
        report_text(t, field);
        report_text(t, g->name);
        if (hide[i]) {
            for (int k = 0; k < 7; k++)
                report_null(t);
            why(t, g->n < threshold, threshold);
            continue;
        }
        report_int(t, g->n);
        report_int(t, g->matched);
        report_real(t, g->n ? (double)g->matched / (double)g->n : 0);
        if (g->scored)
            report_real(t, g->score_sum / (double)g->scored);
        else
            report_null(t);
        double median;
        if (stats_median(g->days.items, g->days.len, &median))
            report_real(t, median);
        else
            report_null(t);
        report_int(t, g->ended);
        if (g->ended)
            report_real(t, (double)g->completed / (double)g->ended);
        else
            report_null(t);
        report_null(t);
    }
}

/* Outcome counts of one field's group for one kind. */
struct ocount {
    char field, kind[LIMIT_OUTCOME_KIND_BYTES + 1], group[LIMIT_NAME_BYTES + 1];
    int64_t n, yes;
    bool binary;
};

static int outcomes(store *db, int64_t program_id, const struct svc_period *p, int threshold,
                    struct report_table *t)
{
    char from[11], to[11];
    svc_period_days(p, from, to);
    store_val pv[] = {SV_INT(program_id), SV_TEXT(from), SV_TEXT(to)};
    store_rows *rows = NULL;
    VEC(struct ocount) oc = {0};
    /* The program's matched participants' latest record of each kind in
     * the period, counted by the person's field values. */
    int rc = store_query(
        db,
        "WITH who AS (SELECT DISTINCT pa.person_id FROM participations pa JOIN "
        "participation_stages s ON s.participation_id = pa.id AND s.stage = 'matched' WHERE "
        "pa.program_id = ?1 AND pa.role IN ('mentor', 'mentee')), latest AS (SELECT o.person_id, "
        "o.kind, o.value FROM outcome_records o JOIN who ON who.person_id = o.person_id WHERE "
        "o.recorded_on BETWEEN ?2 AND ?3 AND NOT EXISTS (SELECT 1 FROM outcome_records n WHERE "
        "n.person_id = o.person_id AND n.kind = o.kind AND n.recorded_on BETWEEN ?2 AND ?3 AND "
        "n.recorded_on > o.recorded_on)) SELECT pe.department, pe.job_level, pe.location, "
        "l.kind, l.value, COUNT(*) FROM latest l JOIN people pe ON pe.id = l.person_id GROUP BY "
        "pe.department, pe.job_level, pe.location, l.kind, l.value",
        pv, 3, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        const char *kind = store_col_text(rows, 3), *value = store_col_text(rows, 4);
        int64_t n = store_col_int(rows, 5);
        for (int f = 0; f < FIELDS; f++) {
            char g[LIMIT_NAME_BYTES + 1];
            value_of(rows, f, g, sizeof g);
            struct ocount *c = NULL;
            for (size_t i = 0; i < oc.len && !c; i++)
                if (oc.items[i].field == f && strcmp(oc.items[i].kind, kind) == 0 &&
                    strcmp(oc.items[i].group, g) == 0)
                    c = &oc.items[i];
            if (!c) {
                c = VEC_PUSH(&oc);
                c->field = (char)f;
                c->binary = true;
                snprintf(c->kind, sizeof c->kind, "%s", kind);
                snprintf(c->group, sizeof c->group, "%s", g);
            }
            c->n += n;
            if (strcmp(value, "1") == 0)
                c->yes += n;
            else if (strcmp(value, "0") != 0)
                c->binary = false;
        }
    }
    store_rows_free(rows);
    if (rc < 0)
        goto done;
    /* A kind is yes/no when every value of it is. */
    for (size_t i = 0; i < oc.len; i++)
        for (size_t j = 0; j < oc.len; j++)
            if (!oc.items[j].binary && strcmp(oc.items[j].kind, oc.items[i].kind) == 0)
                oc.items[i].binary = false;
    /* Each field and kind: its groups in name order, suppressed together. */
    for (int f = 0; f < FIELDS; f++) {
        for (size_t i = 0; i < oc.len; i++) {
            struct ocount *first = &oc.items[i];
            if (first->field != f || !first->binary || first->n < 0)
                continue;
            size_t idx[LIMIT_REPORT_GROUPS + 1], k = 0;
            for (size_t j = i; j < oc.len && k <= LIMIT_REPORT_GROUPS; j++)
                if (oc.items[j].field == f && oc.items[j].n >= 0 &&
                    strcmp(oc.items[j].kind, first->kind) == 0)
                    idx[k++] = j;
            /* name order */
            for (size_t a = 1; a < k; a++)
                for (size_t b = a;
                     b > 0 && strcmp(oc.items[idx[b - 1]].group, oc.items[idx[b]].group) > 0; b--) {
                    size_t x = idx[b];
                    idx[b] = idx[b - 1];
                    idx[b - 1] = x;
                }
            int64_t counts[LIMIT_REPORT_GROUPS + 1];
            bool hide[LIMIT_REPORT_GROUPS + 1];
            for (size_t a = 0; a < k; a++)
                counts[a] = oc.items[idx[a]].n;
            stats_suppress(counts, NULL, k, threshold, hide);
            for (size_t a = 0; a < k; a++) {
                struct ocount *c = &oc.items[idx[a]];
                report_text(t, FIELD[f]);
                report_text(t, c->group);
                report_text(t, c->kind);
                if (hide[a]) {
                    report_null(t);
                    report_null(t);
                    report_null(t);
                    why(t, c->n < threshold, threshold);
                } else {
                    report_int(t, c->n);
                    report_int(t, c->yes);
                    report_real(t, (double)c->yes / (double)c->n);
                    report_null(t);
                }
            }
            for (size_t a = 0; a < k; a++)
                oc.items[idx[a]].n = -1; /* written */
        }
    }
    rc = STORE_OK;
done:
    VEC_FREE(&oc);
    return rc;
}

int svc_report_equity(store *db, int64_t program_id, const struct program_config *cfg,
                      const struct svc_period *p, struct report *r)
{
    int threshold = survey_threshold(cfg->surveys.anonymity_threshold);
    struct field *fields = calloc(FIELDS, sizeof *fields);
    store_rows *rows = NULL;
    int64_t run = 0;
    if (!fields)
        return STORE_ERROR;
    store_val pv0[] = {SV_INT(program_id)};
    int rc = store_query(db,
                         "SELECT MAX(id) FROM match_runs WHERE program_id = ?1 AND status = "
                         "'published'",
                         pv0, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        run = store_col_null(rows, 0) ? 0 : store_col_int(rows, 0);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    rows = NULL;
    if (rc < 0)
        goto done;
    /* Joins to per-mentee aggregates, not three subqueries per mentee:
     * PostgreSQL planned those at a cost that switched on JIT compilation
     * and ran 5x slower (bench/reports). */
    store_val pv[] = {SV_INT(program_id), SV_INT(p->from_t), SV_INT(p->to_t), SV_INT(run)};
    rc = store_query(
        db,
        "SELECT pe.department, pe.job_level, pe.location, a.reached_at, m.reached_at, q.score, "
        "COALESCE(e.ended, 0), COALESCE(e.completed, 0) FROM participations pa JOIN people pe ON "
        "pe.id = pa.person_id JOIN participation_stages a ON a.participation_id = pa.id AND "
        "a.stage = 'approved' LEFT JOIN participation_stages m ON m.participation_id = pa.id AND "
        "m.stage = 'matched' LEFT JOIN (SELECT mentee_id, AVG(score) AS score FROM "
        "match_run_pairs WHERE run_id = ?4 GROUP BY mentee_id) q ON q.mentee_id = pa.id LEFT "
        "JOIN (SELECT rm.participation_id, COUNT(*) AS ended, SUM(CASE WHEN rel.status = "
        "'completed' THEN 1 ELSE 0 END) AS completed FROM relationship_members rm JOIN "
        "relationships rel ON rel.id = rm.relationship_id WHERE rel.program_id = ?1 AND "
        "rel.status IN ('completed', 'ended_early') GROUP BY rm.participation_id) e ON "
        "e.participation_id = pa.id WHERE pa.program_id = ?1 AND pa.role = 'mentee' AND "
        "a.reached_at BETWEEN ?2 AND ?3",
        pv, 4, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        bool matched = !store_col_null(rows, 4);
        for (int f = 0; f < FIELDS; f++) {
            char name[LIMIT_NAME_BYTES + 1];
            value_of(rows, f, name, sizeof name);
            struct group *g = group_of(&fields[f], name);
            g->n++;
            if (matched) {
                g->matched++;
                int64_t d = store_col_int(rows, 4) - store_col_int(rows, 3);
                *VEC_PUSH(&g->days) = (double)(d < 0 ? 0 : d) / 86400.0;
            }
            if (!store_col_null(rows, 5)) {
                g->score_sum += store_col_real(rows, 5);
                g->scored++;
            }
            g->ended += store_col_int(rows, 6);
            g->completed += store_col_int(rows, 7);
        }
    }
    store_rows_free(rows);
    rows = NULL;
    if (rc < 0)
        goto done;
    struct report_table *t = report_table(
        r, "groups", "Mentees by group",
        "field:s,group:s,mentees:i,matched:i,match_rate:n,mean_score:n,median_days_to_match:n,"
        "relationships_ended:i,completion_rate:n,suppressed:s");
    for (int f = 0; f < FIELDS; f++)
        put_groups(t, FIELD[f], &fields[f], threshold);
    struct report_table *o =
        report_table(r, "outcomes", "Participants' yes/no outcomes by group",
                     "field:s,group:s,kind:s,participants:i,yes:i,rate:n,suppressed:s");
    rc = outcomes(db, program_id, p, threshold, o);
    if (rc == STORE_OK)
        rc = SVC_OK;
done:
    for (int f = 0; f < FIELDS; f++)
        for (size_t i = 0; i <= LIMIT_REPORT_GROUPS; i++)
            VEC_FREE(&fields[f].g[i].days);
    free(fields);
    return rc;
}
