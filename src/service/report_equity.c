/* report_equity.c - the equity report: who the program serves well and
 * who it does not. The program's mentees approved in the period (its
 * cohort), by department, job level and location (the people's record):
 * how many, the share matched, the published run's mean score for them,
 * the median days from approval to a match, and the share of their ended
 * relationships that completed; and the yes/no outcomes of the program's
 * matched participants by the same groups. The program may declare more
 * fields to group by (reports.equity_groups: an enrolment question's
 * answer, the profile's learning style, the person's time zone or job
 * title). A group of fewer people than
 * the anonymity threshold shows no figure, nor one a total would give
 * back by subtraction (domain/stats.h: stats_suppress). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"
#include "domain/stats.h"
#include "domain/survey.h"
#include "service/reports.h"

#define BUILTIN 3
#define FIELDS_MAX (BUILTIN + LIMIT_EQUITY_GROUP_FIELDS)
#define NOT_GIVEN "(not given)"
#define OTHER "(other)"

/* Where a field's value is read from: a column of the row (the person's
 * record) or a key of the participation's application or profile. */
enum source { FROM_COLUMN, FROM_APPLICATION, FROM_PROFILE };

struct field_src {
    const char *name;
    enum source from;
    int col; /* FROM_COLUMN: the column of the row */
};

/* The fields of this program's report: the built-in three, then the
 * declared ones. `first` is the column of the row where the person's
 * department is, the rest following as `person_columns` lists them. */
struct fields {
    struct field_src f[FIELDS_MAX];
    int n;
    bool json;        /* a declared field reads the application or the profile */
    bool title, zone; /* ... the person's job title, time zone */
};

/* The row's columns from `first` on: the person's fields, then the
 * participation's documents. */
#define DOC_COLUMNS "w.application, w.profile"

/* The row's columns of the fields fs reads, into out: the person's three,
 * the job title and time zone (NULL when no field reads them: they cost a
 * tenth of the report's instructions), then the documents when read.
 * With `grouping`, the same without the NULLs (a GROUP BY list). */
static void columns_of(const struct fields *fs, bool grouping, char *out, size_t n)
{
    snprintf(out, n, "pe.department, pe.job_level, pe.location%s%s%s%s",
             fs->title  ? ", pe.job_title"
             : grouping ? ""
                        : ", NULL",
             fs->zone   ? ", pe.time_zone"
             : grouping ? ""
                        : ", NULL",
             fs->json ? ", " : "", fs->json ? DOC_COLUMNS : "");
}

static void fields_of(const struct program_config *cfg, int first, struct fields *out)
{
    static const char *const builtin[BUILTIN] = {"department", "job_level", "location"};
    memset(out, 0, sizeof *out);
    for (int i = 0; i < BUILTIN; i++)
        out->f[out->n++] = (struct field_src){builtin[i], FROM_COLUMN, first + i};
    size_t i;
    const json_t *g;
    json_array_foreach(cfg->reports.equity_groups, i, g)
    {
        const char *name = json_string_value(g);
        if (!name || out->n == FIELDS_MAX)
            continue;
        struct field_src *f = &out->f[out->n++];
        f->name = name;
        if (strcmp(name, "job_title") == 0) {
            f->col = first + 3;
            out->title = true;
        } else if (strcmp(name, "time_zone") == 0) {
            f->col = first + 4;
            out->zone = true;
        } else {
            f->from = strcmp(name, "learning_style") == 0 ? FROM_PROFILE : FROM_APPLICATION;
            out->json = true;
        }
    }
}

/* A row's application and profile (columns first+5, first+6), parsed
 * when a field reads them; release with json_decref. */
static void docs_of(store_rows *rows, const struct fields *fs, int first, json_t **app,
                    json_t **prof)
{
    *app = *prof = NULL;
    if (!fs->json)
        return;
    const char *a = store_col_text(rows, first + 5), *p = store_col_text(rows, first + 6);
    *app = a ? json_loads(a, 0, NULL) : NULL;
    *prof = p ? json_loads(p, 0, NULL) : NULL;
}

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

/* The group a person's field value names: text as it is, numbers
 * (the job level, a scale answer) as numbers, NOT_GIVEN when empty. */
static void value_of(store_rows *rows, const struct field_src *f, const json_t *app,
                     const json_t *prof, char *out, size_t n)
{
    snprintf(out, n, "%s", NOT_GIVEN);
    if (f->from != FROM_COLUMN) {
        const json_t *v = json_object_get(f->from == FROM_PROFILE ? prof : app, f->name);
        if (json_is_string(v) && *json_string_value(v))
            snprintf(out, n, "%s", json_string_value(v));
        else if (json_is_integer(v))
            snprintf(out, n, "%lld", (long long)json_integer_value(v));
        else if (json_is_real(v))
            snprintf(out, n, "%g", json_real_value(v));
        return;
    }
    const char *v = store_col_text(rows, f->col);
    if (store_col_null(rows, f->col) || !v || !*v)
        return;
    if (strcmp(f->name, "job_level") == 0)
        snprintf(out, n, "%lld", (long long)store_col_int(rows, f->col));
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

/* The matched participants' latest record of each kind in the period,
 * counted by the person's fields - and by the participation's documents
 * when a declared field reads them (a mentee's before a mentor's: one per
 * person); grouped by the person's fields first (fewer key comparisons
 * than by kind first: 22 M instructions of 1.5 G). The latest records
 * are svc_outcome_latest_sql's: those the import keeps when the period is
 * open at its end, else found by NOT EXISTS a later one. */
static const char OUTCOMES_SQL[] =
    "WITH w AS (%s), latest AS (SELECT o.person_id, o.kind, o.value FROM (%s) o JOIN w ON "
    "w.person_id = o.person_id) SELECT l.kind, l.value, "
    "COUNT(*), %s FROM latest l JOIN people pe ON pe.id = l.person_id%s GROUP BY %s, l.kind, "
    "l.value";
static const char WHO_SQL[] =
    "SELECT DISTINCT pa.person_id FROM participations pa JOIN participation_stages s ON "
    "s.participation_id = pa.id AND s.stage = 'matched' WHERE pa.program_id = ?1 AND pa.role IN "
    "('mentor', 'mentee')";
static const char WHO_DOCS_SQL[] =
    "SELECT person_id, application, profile FROM (SELECT pa.person_id, pa.application, "
    "pa.profile, ROW_NUMBER() OVER (PARTITION BY pa.person_id ORDER BY pa.role, pa.id) AS k FROM "
    "participations pa JOIN participation_stages s ON s.participation_id = pa.id AND s.stage = "
    "'matched' WHERE pa.program_id = ?1 AND pa.role IN ('mentor', 'mentee')) y WHERE y.k = 1";

typedef VEC(struct ocount) ocount_vec;

/* Adds the program's matched participants' outcomes to *oc by the fields
 * of fs (made with first = 3). STORE_OK or a store status. */
static int outcomes_add(store *db, int64_t program_id, const struct svc_period *p,
                        const struct fields *fs, ocount_vec *oc_out)
{
    char from[11], to[11];
    svc_period_days(p, from, to);
    store_val pv[] = {SV_INT(program_id), SV_TEXT(from), SV_TEXT(to)};
    store_rows *rows = NULL;
    ocount_vec oc = *oc_out;
    char cols[160], group[160], sql[2048];
    columns_of(fs, false, cols, sizeof cols);
    columns_of(fs, true, group, sizeof group);
    snprintf(sql, sizeof sql, OUTCOMES_SQL, fs->json ? WHO_DOCS_SQL : WHO_SQL,
             svc_outcome_latest_sql(p), cols,
             fs->json ? " JOIN w ON w.person_id = l.person_id" : "", group);
    int rc = store_query(db, sql, pv, 3, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        const char *kind = store_col_text(rows, 0), *value = store_col_text(rows, 1);
        int64_t n = store_col_int(rows, 2);
        json_t *app, *prof;
        docs_of(rows, fs, 3, &app, &prof);
        for (int f = 0; f < fs->n; f++) {
            char g[LIMIT_NAME_BYTES + 1];
            value_of(rows, &fs->f[f], app, prof, g, sizeof g);
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
        json_decref(app);
        json_decref(prof);
    }
    store_rows_free(rows);
    *oc_out = oc;
    return rc < 0 ? rc : STORE_OK;
}

/* The outcomes table from the counts: each field and yes/no kind, its
 * groups suppressed together. */
static void outcomes_put(ocount_vec *ocv, const struct fields *fsp, int threshold,
                         struct report_table *t)
{
    ocount_vec oc = *ocv;
    const struct fields *fs = fsp;
    /* A kind is yes/no when every value of it is. */
    for (size_t i = 0; i < oc.len; i++)
        for (size_t j = 0; j < oc.len; j++)
            if (!oc.items[j].binary && strcmp(oc.items[j].kind, oc.items[i].kind) == 0)
                oc.items[i].binary = false;
    /* Each field and kind: its groups in name order, suppressed together. */
    for (int f = 0; f < fs->n; f++) {
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
                report_text(t, fs->f[f].name);
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
}

/* The cohort: the program's mentees approved in the period, with their
 * approval and match, their pairs' mean score in the published run and
 * their ended relationships. Joins to per-mentee aggregates, not three
 * subqueries per mentee: PostgreSQL planned those at a cost that switched
 * on JIT compilation and ran 5x slower (bench/reports). */
static const char COHORT_SQL[] =
    "SELECT a.reached_at, m.reached_at, q.score, COALESCE(e.ended, 0), COALESCE(e.completed, 0), "
    "%s FROM participations w JOIN people pe ON pe.id = w.person_id JOIN participation_stages a "
    "ON a.participation_id = w.id AND a.stage = 'approved' LEFT JOIN participation_stages m ON "
    "m.participation_id = w.id AND m.stage = 'matched' LEFT JOIN (SELECT mentee_id, AVG(score) "
    "AS score FROM match_run_pairs WHERE run_id = ?4 GROUP BY mentee_id) q ON q.mentee_id = w.id "
    "LEFT JOIN (SELECT rm.participation_id, COUNT(*) AS ended, SUM(CASE WHEN rel.status = "
    "'completed' THEN 1 ELSE 0 END) AS completed FROM relationship_members rm JOIN relationships "
    "rel ON rel.id = rm.relationship_id WHERE rel.program_id = ?1 AND rel.status IN "
    "('completed', 'ended_early') GROUP BY rm.participation_id) e ON e.participation_id = w.id "
    "WHERE w.program_id = ?1 AND w.role = 'mentee' AND a.reached_at BETWEEN ?2 AND ?3";

/* Adds the program's cohort to groups[] by the fields of fs (made with
 * first = 5); *mentees, *matched (may be NULL) count it whole. STORE_OK
 * or a store status. */
static int cohort_add(store *db, int64_t program_id, const struct svc_period *p,
                      const struct fields *fs, struct field *groups, int64_t *mentees,
                      int64_t *matched_n)
{
    store_rows *rows = NULL;
    int64_t run = 0;
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
        return rc;
    char cols[160], sql[2048];
    columns_of(fs, false, cols, sizeof cols);
    snprintf(sql, sizeof sql, COHORT_SQL, cols);
    store_val pv[] = {SV_INT(program_id), SV_INT(p->from_t), SV_INT(p->to_t), SV_INT(run)};
    rc = store_query(db, sql, pv, 4, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        bool matched = !store_col_null(rows, 1);
        if (mentees)
            ++*mentees;
        if (matched_n && matched)
            ++*matched_n;
        json_t *app, *prof;
        docs_of(rows, fs, 5, &app, &prof);
        for (int f = 0; f < fs->n; f++) {
            char name[LIMIT_NAME_BYTES + 1];
            value_of(rows, &fs->f[f], app, prof, name, sizeof name);
            struct group *g = group_of(&groups[f], name);
            g->n++;
            if (matched) {
                g->matched++;
                int64_t d = store_col_int(rows, 1) - store_col_int(rows, 0);
                *VEC_PUSH(&g->days) = (double)(d < 0 ? 0 : d) / 86400.0;
            }
            if (!store_col_null(rows, 2)) {
                g->score_sum += store_col_real(rows, 2);
                g->scored++;
            }
            g->ended += store_col_int(rows, 3);
            g->completed += store_col_int(rows, 4);
        }
        json_decref(app);
        json_decref(prof);
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

static struct report_table *groups_table(struct report *r)
{
    return report_table(
        r, "groups", "Mentees by group",
        "field:s,group:s,mentees:i,matched:i,match_rate:n,mean_score:n,median_days_to_match:n,"
        "relationships_ended:i,completion_rate:n,suppressed:s");
}

static struct report_table *outcomes_table(struct report *r)
{
    return report_table(r, "outcomes", "Participants' yes/no outcomes by group",
                        "field:s,group:s,kind:s,participants:i,yes:i,rate:n,suppressed:s");
}

static void groups_free(struct field *groups, int n)
{
    for (int f = 0; groups && f < n; f++)
        for (size_t i = 0; i <= LIMIT_REPORT_GROUPS; i++)
            VEC_FREE(&groups[f].g[i].days);
    free(groups);
}

int svc_report_equity(store *db, int64_t program_id, const struct program_config *cfg,
                      const struct svc_period *p, struct report *r)
{
    int threshold = survey_threshold(cfg->surveys.anonymity_threshold);
    struct fields fs, ofs;
    fields_of(cfg, 5, &fs);
    fields_of(cfg, 3, &ofs);
    struct field *groups = calloc((size_t)fs.n, sizeof *groups);
    ocount_vec oc = {0};
    if (!groups)
        return STORE_ERROR;
    int rc = cohort_add(db, program_id, p, &fs, groups, NULL, NULL);
    if (rc == STORE_OK)
        rc = outcomes_add(db, program_id, p, &ofs, &oc);
    if (rc == STORE_OK) {
        struct report_table *t = groups_table(r);
        for (int f = 0; f < fs.n; f++)
            put_groups(t, fs.f[f].name, &groups[f], threshold);
        outcomes_put(&oc, &ofs, threshold, outcomes_table(r));
        rc = SVC_OK;
    }
    VEC_FREE(&oc);
    groups_free(groups, fs.n);
    return rc;
}

int svc_report_equity_rollup(store *db, const struct svc_rollup_program *ps, size_t n,
                             const struct svc_period *p, struct report *r)
{
    /* Across programs: the built-in fields (a declared one is a program's
     * own), every program's people pooled, under the strictest threshold
     * of them. */
    struct program_config none = {0};
    struct fields fs, ofs;
    fields_of(&none, 5, &fs);
    fields_of(&none, 3, &ofs);
    int threshold = 0;
    for (size_t i = 0; i < n; i++)
        if (ps[i].threshold > threshold)
            threshold = ps[i].threshold;
    threshold = survey_threshold(threshold);
    struct field *groups = calloc(BUILTIN, sizeof *groups);
    ocount_vec oc = {0};
    int64_t *counts = calloc(2 * (n ? n : 1), sizeof *counts);
    int rc = groups && counts ? STORE_OK : STORE_ERROR;
    for (size_t i = 0; i < n && rc == STORE_OK; i++) {
        rc = cohort_add(db, ps[i].id, p, &fs, groups, &counts[2 * i], &counts[2 * i + 1]);
        if (rc == STORE_OK)
            rc = outcomes_add(db, ps[i].id, p, &ofs, &oc);
    }
    if (rc == STORE_OK) {
        struct report_table *t = groups_table(r);
        for (int f = 0; f < fs.n; f++)
            put_groups(t, fs.f[f].name, &groups[f], threshold);
        outcomes_put(&oc, &ofs, threshold, outcomes_table(r));
        /* Each program's cohort, under its own threshold. */
        t = report_table(r, "programs", "By program",
                         "program_id:i,program:s,mentees:i,matched:i,match_rate:n,suppressed:s");
        for (size_t i = 0; i < n; i++) {
            int64_t m = counts[2 * i], k = counts[2 * i + 1];
            int th = survey_threshold(ps[i].threshold);
            report_int(t, ps[i].id);
            report_text(t, ps[i].name);
            if (m > 0 && m < th) {
                report_null(t);
                report_null(t);
                report_null(t);
                why(t, true, th);
                continue;
            }
            report_int(t, m);
            report_int(t, k);
            if (m)
                report_real(t, (double)k / (double)m);
            else
                report_null(t);
            report_null(t);
        }
        rc = SVC_OK;
    }
    free(counts);
    VEC_FREE(&oc);
    groups_free(groups, BUILTIN);
    return rc;
}
