/* report_rollup.c - a report across programs (GET /api/v1/reports/{name},
 * `tandem report NAME` without --program): the programs whose reports the
 * actor reads (a site admin or the command line: every program; anyone
 * else: those they coordinate or view), each report made per program -
 * aggregates only, as a viewer reads it - and then added up where a sum
 * means what it says:
 *
 * - funnel: each stage's participations, the exits and the conversions
 *   worked out again from the sums (a conversion is counts of the same
 *   participations, so the sums give the pooled conversion exactly);
 * - at-risk: the counts added up and the share at risk recomputed from
 *   them, never a list;
 * - matching, engagement, phases, resources, satisfaction: the tables
 *   whose rows mean the same in every program (a score bucket, a month, a
 *   phase or survey role by name, a resource) added up row by row (TOTALS
 *   below): counts summed, a rate worked out again from the summed counts
 *   or weighted by what it is a share of, and what does not add up (a
 *   median, a mean of unknown weight, a figure a program hid) null;
 * - equity: the people of every cohort pooled and suppressed again under
 *   the strictest threshold (service/report_equity.c);
 * - outcomes: each program's comparison, not a total (the comparison
 *   group, people in no program, is the same for every program).
 *
 * Each adds a `programs` table: each program's own figures, so a
 * stakeholder can compare them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"
#include "domain/risk.h"
#include "domain/survey.h"
#include "service/program.h"
#include "service/reports.h"

static const char *const ROLLUPS[] = {
    "funnel",       "matching", "engagement", "phases",  "resources",
    "satisfaction", "equity",   "outcomes",   "at-risk", NULL};

const char *svc_rollup_names(void)
{
    return "funnel, matching, engagement, phases, resources, satisfaction, equity, outcomes, "
           "at-risk";
}

bool svc_rollup_known(const char *name)
{
    for (size_t i = 0; ROLLUPS[i]; i++)
        if (strcmp(ROLLUPS[i], name) == 0)
            return true;
    return false;
}

#define prog svc_rollup_program
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
    for (size_t i = 0; rc == STORE_OK && i < out->len; i++) {
        struct program_config cfg = {0};
        rc = svc_program_config(db, out->items[i].id, &cfg, NULL, 0);
        out->items[i].threshold = survey_threshold(cfg.surveys.anonymity_threshold);
        program_config_cleanup(&cfg);
        rc = rc == SVC_OK ? STORE_OK : rc > 0 ? STORE_ERROR : rc;
    }
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

/* ---- the tables that add up row by row ---- */

/* How a column (or a summary's metric) of the total is made. */
enum how {
    NONE,  /* does not add up: null */
    SUM,   /* the sum */
    RATIO, /* sum of column a / sum of column b */
    SHARE, /* this row's sum / the sum of the column over every row */
    WMEAN, /* the mean weighted by column (or metric) a: a share of it */
    SAME,  /* the value when every program has the same, else null */
    MAX,   /* the largest */
};

struct rule {
    const char *col; /* a column name, or a summary's metric */
    enum how how;
    const char *a, *b;
};

struct total {
    const char *report, *table;
    const char *keys[3]; /* the columns that say which row is which */
    bool summary;        /* metric,value rows: the rules name metrics */
    struct rule rules[16];
};

static const struct total TOTALS[] = {
    {"matching",
     "summary",
     {"metric"},
     true,
     {{.col = "published_run", .how = NONE},
      {.col = "pairs", .how = SUM},
      {.col = "mean_score", .how = WMEAN, .a = "pairs"},
      {.col = "rematch_queue", .how = SUM},
      {.col = "matched_in_period", .how = SUM},
      {.col = "median_days_to_match", .how = NONE}}},
    {"matching", "score_histogram", {"from", "to"}, false, {{.col = "pairs", .how = SUM}}},
    {"matching",
     "top_three",
     {"choice"},
     false,
     {{.col = "mentees", .how = SUM}, {.col = "share", .how = SHARE, .a = "mentees"}}},
    {"matching", "mentor_load", {"mentees"}, false, {{.col = "mentors", .how = SUM}}},
    {"matching", "unmatched", {"side", "reason"}, false, {{.col = "people", .how = SUM}}},
    {"engagement",
     "summary",
     {"metric"},
     true,
     {{.col = "relationships", .how = SUM},
      {.col = "meetings_held", .how = SUM},
      {.col = "guideline_meetings_per_month", .how = SAME},
      {.col = "share_meeting_guideline", .how = WMEAN, .a = "relationships"},
      {.col = "share_agreement_signed_within_14_days", .how = WMEAN, .a = "relationships"},
      {.col = "goal_due_days", .how = SAME},
      {.col = "share_goals_set_within_due_days", .how = WMEAN, .a = "relationships"},
      {.col = "goals", .how = SUM},
      {.col = "goals_achieved", .how = SUM},
      {.col = "goal_completion", .how = RATIO, .a = "goals_achieved", .b = "goals"},
      {.col = "milestones", .how = SUM},
      {.col = "milestones_done", .how = SUM},
      {.col = "milestone_completion", .how = RATIO, .a = "milestones_done", .b = "milestones"},
      {.col = "messages", .how = SUM},
      {.col = "share_active_last_30_days", .how = WMEAN, .a = "relationships"}}},
    {"engagement",
     "by_month",
     {"month"},
     false,
     {{.col = "relationships", .how = SUM},
      {.col = "meetings_held", .how = SUM},
      {.col = "meetings_per_relationship",
       .how = RATIO,
       .a = "meetings_held",
       .b = "relationships"}}},
    {"phases",
     "phases",
     {"name"},
     false,
     {{.col = "relationships_now", .how = SUM},
      {.col = "completed_stays", .how = SUM},
      {.col = "median_days", .how = NONE}}},
    {"resources",
     "resources",
     {"resource_id", "title", "phases"},
     false,
     {{.col = "readers", .how = SUM}, {.col = "opens", .how = SUM}}},
    {"resources",
     "by_phase",
     {"name"},
     false,
     {{.col = "readers", .how = SUM}, {.col = "opens", .how = SUM}}},
    {"satisfaction",
     "summary",
     {"metric"},
     true,
     {{.col = "anonymity_threshold", .how = MAX},
      {.col = "responses", .how = SUM},
      {.col = "asked", .how = SUM},
      {.col = "answered", .how = SUM},
      {.col = "response_rate", .how = RATIO, .a = "answered", .b = "asked"},
      {.col = "mean_rating", .how = NONE},
      {.col = "nps", .how = NONE}}},
    {"satisfaction",
     "response_rates",
     {"role"},
     false,
     {{.col = "asked", .how = SUM},
      {.col = "answered", .how = SUM},
      {.col = "response_rate", .how = RATIO, .a = "answered", .b = "asked"}}},
};

/* What each program shows of itself in the `programs` table: a summary's
 * metric, or a column summed over a table's rows (by "table+column"). */
struct per_program {
    const char *report;
    const char *cols[8]; /* "name:t=summary.metric" or "name:t=table+column" */
};

static const struct per_program PER_PROGRAM[] = {
    {"matching",
     {"pairs:i=summary.pairs", "mean_score:n=summary.mean_score",
      "rematch_queue:i=summary.rematch_queue",
      "median_days_to_match:n=summary.median_days_to_match"}},
    {"engagement",
     {"relationships:i=summary.relationships", "meetings_held:i=summary.meetings_held",
      "share_meeting_guideline:n=summary.share_meeting_guideline",
      "goal_completion:n=summary.goal_completion",
      "share_active_last_30_days:n=summary.share_active_last_30_days"}},
    {"phases",
     {"relationships_now:i=phases+relationships_now", "completed_stays:i=phases+completed_stays"}},
    {"resources", {"readers:i=resources+readers", "opens:i=resources+opens"}},
    {"satisfaction",
     {"asked:i=summary.asked", "answered:i=summary.answered",
      "response_rate:n=summary.response_rate", "mean_rating:n=summary.mean_rating",
      "nps:n=summary.nps"}},
};

static bool num_of(const struct report_cell *c, double *v)
{
    if (c->kind == REPORT_INT)
        *v = (double)c->i;
    else if (c->kind == REPORT_REAL)
        *v = c->r;
    else
        return false;
    return true;
}

static int col_of(const struct report_table *t, const char *name)
{
    for (size_t c = 0; name && c < t->ncols; c++)
        if (strcmp(t->cols[c], name) == 0)
            return (int)c;
    return -1;
}

/* A summary's value of `metric` in t, false when it has none. */
static bool metric_of(const struct report_table *t, const char *metric, double *v)
{
    for (size_t row = 0; t && row < report_rows(t); row++) {
        const struct report_cell *k = report_cell_at(t, row, 0);
        if (k->kind == REPORT_TEXT && strcmp(k->s, metric) == 0)
            return num_of(report_cell_at(t, row, 1), v);
    }
    return false;
}

/* One row of a total: its key cells (from the first program that has
 * it) and per column the sums. */
struct acc {
    size_t src_row; /* the row of `src` the keys come from */
    const struct report_table *src;
    double sum[LIMIT_REPORT_COLUMNS], wsum[LIMIT_REPORT_COLUMNS];
    bool seen[LIMIT_REPORT_COLUMNS], differs[LIMIT_REPORT_COLUMNS], hidden[LIMIT_REPORT_COLUMNS];
};
typedef VEC(struct acc) acc_vec;

static bool same_key(const struct report_table *a, size_t ra, const struct report_table *b,
                     size_t rb, const int *kc, size_t nk)
{
    for (size_t k = 0; k < nk; k++) {
        const struct report_cell *x = report_cell_at(a, ra, (size_t)kc[k]),
                                 *y = report_cell_at(b, rb, (size_t)kc[k]);
        double u, v;
        if (x->kind == REPORT_TEXT || y->kind == REPORT_TEXT) {
            if (x->kind != y->kind || strcmp(x->s, y->s) != 0)
                return false;
        } else if (num_of(x, &u) != num_of(y, &v) || (num_of(x, &u) && u != v)) {
            return false;
        }
    }
    return true;
}

static const struct rule *rule_of(const struct total *tt, const char *col)
{
    for (size_t i = 0; i < sizeof tt->rules / sizeof tt->rules[0] && tt->rules[i].col; i++)
        if (strcmp(tt->rules[i].col, col) == 0)
            return &tt->rules[i];
    return NULL;
}

/* Adds one program's table to the total's rows. */
static void add_rows(const struct total *tt, const struct report_table *t, acc_vec *rows)
{
    int kc[3];
    size_t nk = 0;
    for (; nk < 3 && tt->keys[nk]; nk++)
        if ((kc[nk] = col_of(t, tt->keys[nk])) < 0)
            return; /* not the shape expected: nothing to add */
    for (size_t row = 0; row < report_rows(t); row++) {
        struct acc *a = NULL;
        for (size_t i = 0; i < rows->len && !a; i++)
            if (same_key(rows->items[i].src, rows->items[i].src_row, t, row, kc, nk))
                a = &rows->items[i];
        if (!a) {
            a = VEC_PUSH(rows);
            a->src = t;
            a->src_row = row;
        }
        for (size_t c = 0; c < t->ncols; c++) {
            const struct rule *ru = rule_of(tt, t->cols[c]);
            double v, w = 1;
            if (!ru)
                continue;
            if (!num_of(report_cell_at(t, row, c), &v)) {
                a->hidden[c] = true; /* hidden or not counted: the total would be wrong */
                continue;
            }
            if (ru->how == WMEAN) {
                int wc = col_of(t, ru->a);
                if (wc < 0 || !num_of(report_cell_at(t, row, (size_t)wc), &w))
                    a->hidden[c] = true;
            }
            if (a->seen[c] && ru->how == SAME && a->sum[c] != v)
                a->differs[c] = true;
            if (ru->how == SAME || (ru->how == MAX && (!a->seen[c] || v > a->sum[c])))
                a->sum[c] = v;
            else if (ru->how != MAX)
                a->sum[c] += v;
            a->wsum[c] += v * w;
            a->seen[c] = true;
        }
    }
}

/* A summary's metrics of one program, as rows of the total. */
static void add_summary(const struct total *tt, const struct report_table *t, acc_vec *rows)
{
    size_t n = 0;
    while (n < sizeof tt->rules / sizeof tt->rules[0] && tt->rules[n].col)
        n++;
    if (rows->len < n) {
        for (size_t i = rows->len; i < n; i++)
            VEC_PUSH(rows);
    }
    for (size_t i = 0; i < n; i++) {
        const struct rule *ru = &tt->rules[i];
        struct acc *a = &rows->items[i];
        double v, w = 1;
        if (ru->how == NONE)
            continue;
        if (!metric_of(t, ru->col, &v) || (ru->how == WMEAN && !metric_of(t, ru->a, &w))) {
            /* a program with none (no run, nothing counted) adds nothing,
             * unless its weight says there was something to count */
            if (ru->how == WMEAN && metric_of(t, ru->a, &w) && w > 0)
                a->hidden[1] = true;
            continue;
        }
        if (a->seen[1] && ru->how == SAME && a->sum[1] != v)
            a->differs[1] = true;
        if (ru->how == MAX)
            a->sum[1] = a->seen[1] && a->sum[1] > v ? a->sum[1] : v;
        else if (ru->how == SAME)
            a->sum[1] = v;
        else
            a->sum[1] += v;
        a->wsum[1] += v * w;
        a->seen[1] = true;
    }
}

/* The value of metric `m` in the summary's rows. */
static bool summary_sum(const struct total *tt, const acc_vec *rows, const char *m, double *v)
{
    for (size_t i = 0; i < rows->len; i++)
        if (strcmp(tt->rules[i].col, m) == 0 && rows->items[i].seen[1] &&
            !rows->items[i].hidden[1]) {
            *v = rows->items[i].sum[1];
            return true;
        }
    return false;
}

/* Writes cell value v (the column's type) or null. */
static void put_num(struct report_table *out, char type, bool ok, double v)
{
    if (!ok)
        report_null(out);
    else if (type == 'i')
        report_int(out, (int64_t)llround(v));
    else
        report_real(out, v);
}

static void write_summary(const struct total *tt, const acc_vec *rows, struct report *r,
                          const struct report_table *like)
{
    struct report_table *out = report_table(r, like->name, like->title, "metric:s,value:n");
    for (size_t i = 0; i < rows->len; i++) {
        const struct rule *ru = &tt->rules[i];
        const struct acc *a = &rows->items[i];
        double v = a->sum[1], w;
        bool ok = a->seen[1] && !a->hidden[1];
        switch (ru->how) {
        case NONE: ok = false; break;
        case SAME: ok = ok && !a->differs[1]; break;
        case RATIO: {
            double x, y;
            ok = summary_sum(tt, rows, ru->a, &x) && summary_sum(tt, rows, ru->b, &y) && y > 0;
            v = ok ? x / y : 0;
            break;
        }
        case WMEAN:
            ok = ok && summary_sum(tt, rows, ru->a, &w) && w > 0;
            v = ok ? a->wsum[1] / w : 0;
            break;
        default: break;
        }
        report_text(out, ru->col);
        /* counts stay integers, as each program's summary has them */
        bool whole = ru->how == SUM || ru->how == MAX || ru->how == SAME;
        put_num(out, whole && v == floor(v) && fabs(v) < 1e15 ? 'i' : 'n', ok, v);
    }
}

static void write_rows(const struct total *tt, const acc_vec *rows, struct report *r,
                       const struct report_table *like)
{
    char spec[LIMIT_REPORT_COLUMNS * 48] = "";
    size_t len = 0;
    for (size_t c = 0; c < like->ncols; c++)
        len += (size_t)snprintf(spec + len, sizeof spec - len, "%s%s:%c", c ? "," : "",
                                like->cols[c], like->types[c]);
    struct report_table *out = report_table(r, like->name, like->title, spec);
    for (size_t i = 0; i < rows->len; i++) {
        const struct acc *a = &rows->items[i];
        for (size_t c = 0; c < like->ncols; c++) {
            bool key = false;
            for (size_t k = 0; k < 3 && tt->keys[k]; k++)
                key = key || strcmp(tt->keys[k], like->cols[c]) == 0;
            int sc = col_of(a->src, like->cols[c]);
            if (key && sc >= 0) {
                const struct report_cell *kc = report_cell_at(a->src, a->src_row, (size_t)sc);
                if (kc->kind == REPORT_TEXT)
                    report_text(out, kc->s);
                else
                    put_num(out, like->types[c], kc->kind != REPORT_NULL,
                            kc->kind == REPORT_INT ? (double)kc->i : kc->r);
                continue;
            }
            const struct rule *ru = rule_of(tt, like->cols[c]);
            bool ok = ru && sc >= 0 && a->seen[sc] && !a->hidden[sc];
            double v = ok ? a->sum[sc] : 0;
            if (ru && ru->how == NONE)
                ok = false;
            else if (ok && ru->how == SAME)
                ok = !a->differs[sc];
            else if (ru && ru->how == RATIO) {
                int x = col_of(a->src, ru->a), y = col_of(a->src, ru->b);
                ok = x >= 0 && y >= 0 && a->seen[x] && a->seen[y] && !a->hidden[x] &&
                     !a->hidden[y] && a->sum[y] > 0;
                v = ok ? a->sum[x] / a->sum[y] : 0;
            } else if (ok && ru->how == SHARE) {
                int x = col_of(a->src, ru->a);
                double all = 0;
                for (size_t j = 0; x >= 0 && j < rows->len; j++)
                    all += rows->items[j].sum[x];
                ok = x >= 0 && all > 0 && !a->hidden[x];
                v = ok ? a->sum[x] / all : 0;
            } else if (ok && ru->how == WMEAN) {
                int x = col_of(a->src, ru->a);
                ok = x >= 0 && a->sum[x] > 0;
                v = ok ? a->wsum[sc] / a->sum[x] : 0;
            }
            put_num(out, like->types[c], ok, v);
        }
    }
}

/* The `programs` table: each program's own figures. */
static void per_program_table(const struct per_program *pp, const struct prog *ps,
                              struct report *each, size_t n, struct report *r)
{
    char spec[512] = "program_id:i,program:s";
    size_t len = strlen(spec);
    for (size_t k = 0; k < 8 && pp->cols[k]; k++)
        len += (size_t)snprintf(spec + len, sizeof spec - len, ",%.*s",
                                (int)strcspn(pp->cols[k], "="), pp->cols[k]);
    struct report_table *t = report_table(r, "programs", "By program", spec);
    for (size_t i = 0; i < n; i++) {
        report_int(t, ps[i].id);
        report_text(t, ps[i].name);
        for (size_t k = 0; k < 8 && pp->cols[k]; k++) {
            const char *eq = strchr(pp->cols[k], '='), *type = strchr(pp->cols[k], ':');
            char table[40];
            size_t tl = strcspn(eq + 1, ".+");
            snprintf(table, sizeof table, "%.*s", (int)tl, eq + 1);
            const struct report_table *src = report_find(&each[i], table);
            const char *what = eq + 1 + tl + 1;
            double v = 0;
            bool ok = false;
            if (src && eq[1 + tl] == '.') {
                ok = metric_of(src, what, &v);
            } else if (src) {
                int c = col_of(src, what);
                ok = c >= 0;
                for (size_t row = 0; ok && row < report_rows(src); row++) {
                    double x;
                    if (num_of(report_cell_at(src, row, (size_t)c), &x))
                        v += x;
                }
            }
            put_num(t, type[1], ok, v);
        }
    }
}

/* The outcomes report: each program's comparison, a row per kind. */
static void outcome_rows(const struct prog *ps, struct report *each, size_t n, struct report *r)
{
    struct report_table *t =
        report_table(r, "programs", "By program",
                     "program_id:i,program:s,kind:s,participants:i,participant_rate:n,others:i,"
                     "other_rate:n,difference:n,ci_low:n,ci_high:n,p_value:n,test:s");
    static const char *const cols[] = {"kind",       "participants", "participant_rate", "others",
                                       "other_rate", "difference",   "ci_low",           "ci_high",
                                       "p_value",    "test"};
    for (size_t i = 0; i < n; i++) {
        const struct report_table *src = report_find(&each[i], "comparison");
        for (size_t row = 0; src && row < report_rows(src); row++) {
            report_int(t, ps[i].id);
            report_text(t, ps[i].name);
            for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++) {
                int c = col_of(src, cols[k]);
                const struct report_cell *cell =
                    c >= 0 ? report_cell_at(src, row, (size_t)c) : NULL;
                double v;
                if (cell && cell->kind == REPORT_TEXT)
                    report_text(t, cell->s);
                else
                    put_num(t, t->types[k + 2], cell && num_of(cell, &v),
                            cell && num_of(cell, &v) ? v : 0);
            }
        }
    }
}

/* Any other report: made per program (aggregates only), then its totals
 * and each program's figures. */
static int tables(store *db, const char *name, const struct prog *ps, size_t n,
                  const struct svc_period *p, struct report *r)
{
    struct report *each = calloc(n ? n : 1, sizeof *each);
    if (!each)
        return STORE_ERROR;
    struct svc_period agg = *p;
    agg.aggregates_only = true; /* a roll-up is aggregates: no list, no names */
    int rc = SVC_OK;
    size_t made = 0;
    for (; made < n && rc == SVC_OK; made++) {
        verr e = VERR_COLLECT;
        rc = svc_report_run(db, ps[made].id, name, &agg, &each[made], &e);
    }
    if (rc == SVC_OK) {
        /* The totals, in the per-program report's order of tables. */
        for (size_t k = 0; k < sizeof TOTALS / sizeof TOTALS[0]; k++) {
            const struct total *tt = &TOTALS[k];
            if (strcmp(tt->report, name) != 0)
                continue;
            acc_vec rows = {0};
            const struct report_table *like = NULL;
            for (size_t i = 0; i < n; i++) {
                const struct report_table *t = report_find(&each[i], tt->table);
                if (!t)
                    continue;
                like = like ? like : t;
                if (tt->summary)
                    add_summary(tt, t, &rows);
                else
                    add_rows(tt, t, &rows);
            }
            if (like && tt->summary)
                write_summary(tt, &rows, r, like);
            else if (like)
                write_rows(tt, &rows, r, like);
            VEC_FREE(&rows);
        }
        if (strcmp(name, "outcomes") == 0)
            outcome_rows(ps, each, n, r);
        for (size_t k = 0; k < sizeof PER_PROGRAM / sizeof PER_PROGRAM[0]; k++)
            if (strcmp(PER_PROGRAM[k].report, name) == 0)
                per_program_table(&PER_PROGRAM[k], ps, each, n, r);
    }
    for (size_t i = 0; i < made; i++)
        report_cleanup(&each[i]);
    free(each);
    return rc > 0 ? STORE_ERROR : rc;
}

int svc_report_rollup(store *db, const svc_actor *actor, const char *name,
                      const struct svc_period *p, struct report *out, verr *e)
{
    report_init(out, "", 0);
    if (!svc_rollup_known(name))
        return svc_fail(e, SVC_NOT_FOUND, "name",
                        "the %s report does not add up across programs (try %s)", name,
                        svc_rollup_names());
    for (size_t i = 0; ROLLUPS[i]; i++)
        if (strcmp(ROLLUPS[i], name) == 0)
            out->name = ROLLUPS[i];
    memcpy(out->from, p->from, sizeof out->from);
    memcpy(out->to, p->to, sizeof out->to);
    prog_vec ps = {0};
    int rc = programs(db, actor, &ps);
    if (rc == STORE_OK && actor && actor->person_id && actor->site_role != SITE_ADMIN && !ps.len)
        rc = svc_fail(e, SVC_FORBIDDEN, NULL,
                      "reports across programs are for admins and the programs' coordinators and "
                      "stakeholders");
    else if (rc == STORE_OK && strcmp(name, "funnel") == 0)
        rc = funnel(db, ps.items, ps.len, out);
    else if (rc == STORE_OK && strcmp(name, "at-risk") == 0)
        rc = at_risk(db, ps.items, ps.len, p, out);
    else if (rc == STORE_OK && strcmp(name, "equity") == 0)
        rc = svc_report_equity_rollup(db, ps.items, ps.len, p, out);
    else if (rc == STORE_OK)
        rc = tables(db, name, ps.items, ps.len, p, out);
    VEC_FREE(&ps);
    return rc;
}
