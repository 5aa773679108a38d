/* report_matching.c - the matching report: the published run's scores,
 * how many of its mentees got their 1st, 2nd or 3rd choice, who it left
 * out and why, the mentors' load now, the rematch queue, and the time from
 * approval to a match. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"
#include "domain/stats.h"
#include "service/reports.h"

#define BUCKETS 10 /* the score histogram: tenths of [0, 1] */
#define OPEN "('active', 'paused', 'closing')"

static int one_int(store *db, const char *sql, const store_val *pv, int n, int64_t *out, bool *null)
{
    store_rows *rows = NULL;
    *out = 0;
    if (null)
        *null = true;
    int rc = store_query(db, sql, pv, n, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        if (null)
            *null = store_col_null(rows, 0);
        *out = store_col_int(rows, 0);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

static bool has_choice_criterion(const struct program_config *cfg)
{
    size_t i;
    const json_t *c;
    json_array_foreach(cfg->matching.criteria, i, c)
    {
        const char *kind = json_string_value(json_object_get(c, "kind"));
        if (kind && strcmp(kind, "choice") == 0)
            return true;
    }
    return false;
}

/* The table "top_three": of the mentees the published run `run` pairs, how
 * many got their 1st, 2nd, 3rd choice (the best-ranked of their mentors
 * counts), none of them, or named no choice. A mentee's choices are those
 * of their latest request (not withdrawn) made by the time of the run: the
 * ones the engine read. Without a `choice` criterion there is nothing to
 * count: one row "no_choice_criterion" with null cells. */
static int top_three(store *db, int64_t program_id, int64_t run, bool no_run,
                     const struct program_config *cfg, struct report *r)
{
    static const char *const rank_names[] = {"first", "second", "third", "none", "no_choices"};
    struct report_table *t =
        report_table(r, "top_three", "Mentees of the published run by the choice they got",
                     "choice:s,mentees:i,share:n");
    if (!has_choice_criterion(cfg)) {
        report_text(t, "no_choice_criterion");
        report_null(t);
        report_null(t);
        return SVC_OK;
    }
    int64_t got[5] = {0}, mentees = 0, mentee = 0;
    int best = -1; /* the current mentee's best rank so far: 0..4 as rank_names */
    int rc = STORE_OK;
    if (!no_run) {
        store_rows *rows = NULL;
        store_val v[] = {SV_INT(run), SV_INT(program_id)};
        rc = store_query(db,
                         "SELECT q.mentee_id, q.mentor_id, (SELECT m.choices FROM "
                         "mentoring_requests m WHERE m.program_id = ?2 AND m.mentee_id = "
                         "q.mentee_id AND m.status <> 'withdrawn' AND m.created_at <= (SELECT "
                         "created_at FROM match_runs WHERE id = ?1) ORDER BY m.id DESC LIMIT 1) "
                         "FROM match_run_pairs q WHERE q.run_id = ?1 ORDER BY q.mentee_id",
                         v, 2, &rows);
        while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
            int64_t e = store_col_int(rows, 0), mentor = store_col_int(rows, 1);
            if (best < 0 || e != mentee) {
                if (best >= 0)
                    got[best]++;
                mentee = e;
                mentees++;
                best = 4;
            }
            json_t *ch =
                store_col_null(rows, 2) ? NULL : json_loads(store_col_text(rows, 2), 0, NULL);
            int rank = json_array_size(ch) ? 3 : 4;
            for (size_t k = 0; k < json_array_size(ch) && k < 3; k++)
                if (json_integer_value(json_array_get(ch, k)) == mentor)
                    rank = (int)k;
            json_decref(ch);
            if (rank < best)
                best = rank;
            rc = STORE_OK;
        }
        store_rows_free(rows);
        if (best >= 0)
            got[best]++;
    }
    for (int k = 0; k < 5; k++) {
        report_text(t, rank_names[k]);
        report_int(t, got[k]);
        if (mentees)
            report_real(t, (double)got[k] / (double)mentees);
        else
            report_null(t);
    }
    return rc < 0 ? rc : SVC_OK;
}

int svc_report_matching(store *db, int64_t program_id, const struct program_config *cfg,
                        const struct svc_period *p, struct report *r)
{
    VEC(double) days = {0};
    store_rows *rows = NULL;
    int64_t hist[BUCKETS] = {0}, pairs = 0, run = 0, rematch = 0;
    double score_sum = 0;
    bool no_run = true;
    store_val pv[] = {SV_INT(program_id), SV_INT(p->from_t), SV_INT(p->to_t)};
    int rc = one_int(db,
                     "SELECT MAX(id) FROM match_runs WHERE program_id = ?1 AND status = "
                     "'published'",
                     pv, 1, &run, &no_run);
    if (rc < 0)
        goto done;
    store_val rv[] = {SV_INT(run)};
    if (!no_run) {
        rc = store_query(db, "SELECT score FROM match_run_pairs WHERE run_id = ?1", rv, 1, &rows);
        while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
            double s = store_col_real(rows, 0);
            int b = (int)(s * BUCKETS);
            hist[b < 0 ? 0 : b >= BUCKETS ? BUCKETS - 1 : b]++;
            score_sum += s;
            pairs++;
            rc = STORE_OK;
        }
        store_rows_free(rows);
        rows = NULL;
        if (rc < 0)
            goto done;
    }
    /* Mentees who lost a relationship ended early and have none open now. */
    rc = one_int(db,
                 "SELECT COUNT(DISTINCT pa.id) FROM participations pa JOIN relationship_members rm "
                 "ON rm.participation_id = pa.id JOIN relationships rel ON rel.id = "
                 "rm.relationship_id WHERE pa.program_id = ?1 AND pa.role = 'mentee' AND "
                 "rel.status = 'ended_early' AND NOT EXISTS (SELECT 1 FROM relationship_members "
                 "m2 JOIN relationships r2 ON r2.id = m2.relationship_id WHERE "
                 "m2.participation_id = pa.id AND r2.status IN " OPEN ")",
                 pv, 1, &rematch, NULL);
    if (rc < 0)
        goto done;
    /* Time to match: approval to the match, for matches made in the period. */
    rc = store_query(db,
                     "SELECT m.reached_at - a.reached_at FROM participation_stages m JOIN "
                     "participation_stages a ON a.participation_id = m.participation_id AND "
                     "a.stage = 'approved' JOIN participations pa ON pa.id = m.participation_id "
                     "WHERE pa.program_id = ?1 AND pa.role = 'mentee' AND m.stage = 'matched' "
                     "AND m.reached_at BETWEEN ?2 AND ?3",
                     pv, 3, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        int64_t d = store_col_int(rows, 0);
        *VEC_PUSH(&days) = (double)(d < 0 ? 0 : d) / 86400.0;
        rc = STORE_OK;
    }
    store_rows_free(rows);
    rows = NULL;
    if (rc < 0)
        goto done;

    struct report_table *s = report_table(r, "summary", "Matching", "metric:s,value:n");
    report_text(s, "published_run");
    if (no_run)
        report_null(s);
    else
        report_int(s, run);
    report_text(s, "pairs");
    report_int(s, pairs);
    report_text(s, "mean_score");
    if (pairs)
        report_real(s, score_sum / (double)pairs);
    else
        report_null(s);
    report_text(s, "rematch_queue");
    report_int(s, rematch);
    report_text(s, "matched_in_period");
    report_int(s, (int64_t)days.len);
    double median;
    report_text(s, "median_days_to_match");
    if (stats_median(days.items, days.len, &median))
        report_real(s, median);
    else
        report_null(s);

    struct report_table *h =
        report_table(r, "score_histogram", "Scores of the published run", "from:n,to:n,pairs:i");
    for (int b = 0; b < BUCKETS; b++) {
        report_real(h, (double)b / BUCKETS);
        report_real(h, (double)(b + 1) / BUCKETS);
        report_int(h, hist[b]);
    }
    if ((rc = top_three(db, program_id, run, no_run, cfg, r)) < 0)
        goto done;

    /* Mentor load: approved mentors by how many mentees they have now (joins
     * grouped by mentor, not a subquery per mentor: PostgreSQL runs that
     * one 5x slower at 20,000 mentors; bench/reports). */
    struct report_table *l =
        report_table(r, "mentor_load", "Mentors by mentees now", "mentees:i,mentors:i");
    rc = store_query(
        db,
        "SELECT n, COUNT(*) FROM (SELECT pa.id, COUNT(me.participation_id) AS n FROM "
        "participations pa LEFT JOIN relationship_members rm ON rm.participation_id = pa.id AND "
        "rm.role = 'mentor' LEFT JOIN relationships rel ON rel.id = rm.relationship_id AND "
        "rel.status IN " OPEN " LEFT JOIN relationship_members me ON me.relationship_id = rel.id "
        "AND me.role = 'mentee' WHERE pa.program_id = ?1 AND pa.role = 'mentor' AND pa.status "
        "NOT IN ('invited', 'applied', 'declined', 'withdrawn') GROUP BY pa.id) loads GROUP BY n "
        "ORDER BY n",
        pv, 1, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        report_int(l, store_col_int(rows, 0));
        report_int(l, store_col_int(rows, 1));
        rc = STORE_OK;
    }
    store_rows_free(rows);
    rows = NULL;
    if (rc < 0)
        goto done;

    /* Who the published run left unmatched, by reason. */
    struct report_table *u = report_table(r, "unmatched", "Left unmatched by the published run",
                                          "side:s,reason:s,people:i");
    if (!no_run) {
        rc = store_query(
            db,
            "SELECT side, COALESCE(reason, 'no_pair_found') AS why, COUNT(*) FROM "
            "match_run_people pp WHERE run_id = ?1 AND (reason IS NOT NULL OR (slots > 0 AND NOT "
            "EXISTS (SELECT 1 FROM match_run_pairs q WHERE q.run_id = pp.run_id AND "
            "(q.mentee_id = pp.participation_id OR q.mentor_id = pp.participation_id)))) "
            "GROUP BY side, COALESCE(reason, 'no_pair_found') ORDER BY side, why",
            rv, 1, &rows);
        while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
            report_text(u, store_col_text(rows, 0));
            report_text(u, store_col_text(rows, 1));
            report_int(u, store_col_int(rows, 2));
            rc = STORE_OK;
        }
        store_rows_free(rows);
        rows = NULL;
        if (rc < 0)
            goto done;
    }
    rc = SVC_OK;
done:
    VEC_FREE(&days);
    return rc;
}
