/* report_satisfaction.c - the satisfaction report: each rated question's
 * mean (and NPS) for everyone and by role, the pooled figures, and who
 * answered of those asked - never a figure of fewer answers than the
 * program's anonymity threshold, nor one a total gives back by
 * subtraction (domain/stats.h: stats_suppress). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "domain/stats.h"
#include "domain/survey.h"
#include "service/reports.h"
#include "service/survey.h"

/* The cells of one question: the two roles a response keeps, and the
 * rest (anonymous answers, peers), which is never shown on its own. */
#define DAY 86400 /* seconds: the counts are kept by day (store/report_rows.h) */

enum { MENTOR, MENTEE, REST, CELLS };
static const char *const CELL_ROLE[] = {"mentor", "mentee", NULL};

struct tallies {
    struct survey_tally t[CELLS];
};

static int cell_of(const char *role)
{
    if (role && strcmp(role, "mentor") == 0)
        return MENTOR;
    if (role && strcmp(role, "mentee") == 0)
        return MENTEE;
    return REST;
}

/* The index in sv[0..nsv) (sorted by id) of survey sid, from *at on; nsv
 * when it is none of them. */
static size_t survey_at(const struct svc_survey *sv, size_t nsv, size_t *at, int64_t sid)
{
    while (*at < nsv && sv[*at].id < sid)
        (*at)++;
    return *at < nsv && sv[*at].id == sid ? *at : nsv;
}

/* The rated answers of the program's surveys in the period, tallied by
 * survey and role, and the responses counted: from the counts kept by
 * survey, question, role, day and value when each response is written
 * (store/report_rows.h), so no response's JSON is read. The period is
 * whole UTC days (svc_period_set), so its days select exactly the
 * answers of its seconds. */
static int tally(store *db, int64_t program_id, const struct svc_period *p,
                 const struct svc_survey *sv, size_t nsv, struct tallies *tl, int64_t *responses)
{
    store_rows *rows = NULL;
    store_val pv[] = {SV_INT(program_id), SV_INT(p->from_t / DAY), SV_INT(p->to_t / DAY)};
    int rc = store_query(db,
                         "SELECT c.survey_id, c.question, c.role, c.value, SUM(c.n) FROM "
                         "survey_answer_counts c JOIN surveys s ON s.id = c.survey_id WHERE "
                         "s.program_id = ?1 AND c.day BETWEEN ?2 AND ?3 GROUP BY c.survey_id, "
                         "c.question, c.role, c.value ORDER BY c.survey_id",
                         pv, 3, &rows);
    size_t at = 0;
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        size_t i = survey_at(sv, nsv, &at, store_col_int(rows, 0));
        if (i < nsv)
            survey_tally_add_rated(&tl[i].t[cell_of(store_col_text(rows, 2))],
                                   store_col_text(rows, 1), store_col_int(rows, 3),
                                   store_col_int(rows, 4));
    }
    store_rows_free(rows);
    rows = NULL;
    if (rc < 0)
        return rc;
    rc = store_query(db,
                     "SELECT d.survey_id, SUM(d.n) FROM survey_response_days d JOIN surveys s ON "
                     "s.id = d.survey_id WHERE s.program_id = ?1 AND d.day BETWEEN ?2 AND ?3 "
                     "GROUP BY d.survey_id ORDER BY d.survey_id",
                     pv, 3, &rows);
    at = 0;
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        if (survey_at(sv, nsv, &at, store_col_int(rows, 0)) < nsv)
            *responses += store_col_int(rows, 1);
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

/* The figures of one row: a question's answers in one or more cells. */
struct figures {
    int64_t answered, counts[11];
    double sum;
};

static void add_cell(struct figures *f, const struct survey_qstat *s)
{
    f->answered += s->answered;
    f->sum += s->sum;
    for (size_t i = 0; i < s->ncounts && i < 11; i++)
        f->counts[i] += s->counts[i];
}

static void put_figures(struct report_table *t, const struct figures *f, enum survey_kind kind,
                        bool hidden, bool small, int threshold)
{
    if (hidden) {
        report_null(t);
        report_null(t);
        report_null(t);
        char why[96];
        if (small)
            snprintf(why, sizeof why, "fewer than %d answers", threshold);
        else
            snprintf(why, sizeof why, "hidden so that a smaller group cannot be worked out");
        report_text(t, why);
        return;
    }
    report_int(t, f->answered);
    if (f->answered)
        report_real(t, f->sum / (double)f->answered);
    else
        report_null(t);
    double nps;
    if (kind == SURVEY_NPS && survey_nps(f->counts, &nps))
        report_real(t, nps);
    else
        report_null(t);
    report_null(t);
}

int svc_report_satisfaction(store *db, int64_t program_id, const struct program_config *cfg,
                            const struct svc_period *p, struct report *r)
{
    struct svc_survey *sv = NULL;
    size_t nsv = 0;
    struct tallies *tl = NULL;
    store_rows *rows = NULL;
    int64_t responses = 0;
    int threshold = survey_threshold(cfg->surveys.anonymity_threshold);
    int rc = svc_survey_list_aggregates(db, program_id, &sv, &nsv);
    if (rc != STORE_OK)
        goto done;
    tl = xcalloc(nsv ? nsv : 1, sizeof *tl);
    for (size_t i = 0; i < nsv; i++)
        for (int c = 0; c < CELLS; c++)
            survey_tally_init(&tl[i].t[c], &sv[i].def);
    if ((rc = tally(db, program_id, p, sv, nsv, tl, &responses)) != STORE_OK)
        goto done;

    struct report_table *q = report_table(
        r, "questions", "Rated questions by role",
        "survey_id:i,survey:s,question:s,label:s,kind:s,role:s,answered:i,mean:n,nps:n,"
        "suppressed:s");
    struct figures pooled[2] = {0}; /* likert, nps: over the questions shown */
    for (size_t i = 0; i < nsv; i++) {
        const struct survey_def *d = &sv[i].def;
        for (size_t k = 0; k < d->nquestions; k++) {
            const struct survey_qstat *cell[CELLS];
            for (int c = 0; c < CELLS; c++)
                cell[c] = &tl[i].t[c].q[k];
            enum survey_kind kind = cell[0]->kind;
            if (kind != SURVEY_LIKERT && kind != SURVEY_NPS)
                continue;
            int64_t n[CELLS];
            bool unshown[CELLS] = {false, false, true}, hide[CELLS];
            for (int c = 0; c < CELLS; c++)
                n[c] = cell[c]->answered;
            /* An anonymous survey keeps no role: its answers are all "rest",
             * shown only as everyone's. */
            bool by_role = !d->anonymous;
            bool all_hidden = stats_suppress(n, by_role ? unshown : NULL, CELLS, threshold, hide);
            const json_t *qj = cell[0]->q;
            for (int row = -1; row < (by_role ? REST : 0); row++) {
                struct figures f = {0};
                bool hidden = row < 0 ? all_hidden : hide[row];
                bool small = row < 0 ? all_hidden : (n[row] > 0 && n[row] < threshold);
                if (row < 0)
                    for (int c = 0; c < CELLS; c++)
                        add_cell(&f, cell[c]);
                else
                    add_cell(&f, cell[row]);
                report_int(q, sv[i].id);
                report_text(q, d->title);
                report_text(q, json_string_value(json_object_get(qj, "id")));
                report_text(q, json_string_value(json_object_get(qj, "label")));
                report_text(q, survey_kinds[kind]);
                report_text(q, row < 0 ? "all" : CELL_ROLE[row]);
                put_figures(q, &f, kind, hidden, small, threshold);
                if (row < 0 && !hidden)
                    for (int c = 0; c < CELLS; c++)
                        add_cell(&pooled[kind == SURVEY_NPS], cell[c]);
            }
        }
    }

    /* Who was asked and who answered, by role: counts of taking part, not
     * of what anyone said, so they are not suppressed. */
    struct report_table *rr =
        report_table(r, "response_rates", "Response rates",
                     "survey_id:i,survey:s,role:s,asked:i,answered:i,response_rate:n");
    int64_t asked_all = 0, answered_all = 0;
    store_val pv[] = {SV_INT(program_id), SV_INT(p->from_t), SV_INT(p->to_t)};
    rc = store_query(db,
                     "SELECT a.survey_id, pa.role, COUNT(*), COUNT(a.answered_at) FROM survey_asks "
                     "a JOIN surveys s ON s.id = a.survey_id JOIN participations pa ON pa.id = "
                     "a.participation_id WHERE s.program_id = ?1 AND a.asked_at BETWEEN ?2 AND "
                     "?3 GROUP BY a.survey_id, pa.role ORDER BY a.survey_id, pa.role",
                     pv, 3, &rows);
    size_t at = 0;
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        int64_t sid = store_col_int(rows, 0), asked = store_col_int(rows, 2),
                answered = store_col_int(rows, 3);
        while (at < nsv && sv[at].id < sid)
            at++;
        report_int(rr, sid);
        report_text(rr, at < nsv && sv[at].id == sid ? sv[at].def.title : "");
        report_text(rr, store_col_text(rows, 1));
        report_int(rr, asked);
        report_int(rr, answered);
        report_real(rr, asked ? (double)answered / (double)asked : 0);
        asked_all += asked;
        answered_all += answered;
    }
    store_rows_free(rows);
    rows = NULL;
    if (rc < 0)
        goto done;

    struct report_table *s = report_table(r, "summary", "Satisfaction", "metric:s,value:n");
    report_text(s, "anonymity_threshold");
    report_int(s, threshold);
    report_text(s, "responses");
    report_int(s, responses);
    report_text(s, "asked");
    report_int(s, asked_all);
    report_text(s, "answered");
    report_int(s, answered_all);
    report_text(s, "response_rate");
    if (asked_all)
        report_real(s, (double)answered_all / (double)asked_all);
    else
        report_null(s);
    report_text(s, "mean_rating");
    if (pooled[0].answered)
        report_real(s, pooled[0].sum / (double)pooled[0].answered);
    else
        report_null(s);
    report_text(s, "nps");
    double nps;
    if (survey_nps(pooled[1].counts, &nps))
        report_real(s, nps);
    else
        report_null(s);
    /* The summary comes first, as in every report. */
    struct report_table tmp = r->tables[r->ntables - 1];
    memmove(&r->tables[1], &r->tables[0], (r->ntables - 1) * sizeof r->tables[0]);
    r->tables[0] = tmp;
    rc = SVC_OK;
done:
    store_rows_free(rows);
    for (size_t i = 0; tl && i < nsv; i++)
        for (int c = 0; c < CELLS; c++)
            survey_tally_cleanup(&tl[i].t[c]);
    free(tl);
    svc_surveys_free(sv, nsv);
    return rc;
}
