/* report_rows.c - the rows kept for the reports (report_rows.h). One
 * statement per derived table selects what the source rows yield; a
 * filter narrows it to one source row on write, none rebuilds the table. */
#include "store/report_rows.h"

#include "base/str.h"

/* The rated answers of responses (integers 0-10 of an answers object: the
 * report keeps those of its likert and nps questions in range), counted;
 * then ?filter, then the tail. */
static const char counts_sqlite[] =
    "INSERT INTO survey_answer_counts (survey_id, question, role, day, value, n) SELECT "
    "r.survey_id, a.key, COALESCE(r.role, ''), r.submitted_at / 86400, a.value, COUNT(*) FROM "
    "survey_responses r, json_each(CASE WHEN json_valid(r.answers) AND json_type(r.answers) = "
    "'object' THEN r.answers ELSE '{}' END) a WHERE a.type = 'integer' AND a.value BETWEEN 0 AND "
    "10";
static const char counts_pg[] =
    "INSERT INTO survey_answer_counts (survey_id, question, role, day, value, n) SELECT "
    "r.survey_id, a.key, COALESCE(r.role, ''), r.submitted_at / 86400, (a.value #>> '{}')::int, "
    "COUNT(*) FROM survey_responses r CROSS JOIN LATERAL json_each(CASE WHEN "
    "json_typeof(r.answers::json) = 'object' THEN r.answers::json ELSE '{}'::json END) a WHERE "
    "json_typeof(a.value) = 'number' AND (a.value #>> '{}') ~ '^[0-9]{1,2}$' AND (a.value #>> "
    "'{}')::int <= 10";
static const char counts_tail[] =
    " GROUP BY 1, 2, 3, 4, 5 ON CONFLICT (survey_id, question, role, day, value) DO UPDATE SET n "
    "= survey_answer_counts.n + excluded.n";

static const char days_sql[] =
    "INSERT INTO survey_response_days (survey_id, day, n) SELECT r.survey_id, r.submitted_at / "
    "86400, COUNT(*) FROM survey_responses r WHERE 1 = 1";
static const char days_tail[] =
    " GROUP BY 1, 2 ON CONFLICT (survey_id, day) DO UPDATE SET n = survey_response_days.n + "
    "excluded.n";

/* Each person's record of a kind with no later one. */
static const char latest_sql[] =
    "INSERT INTO outcome_latest (person_id, kind, recorded_on, value) SELECT o.person_id, o.kind, "
    "o.recorded_on, o.value FROM outcome_records o WHERE NOT EXISTS (SELECT 1 FROM "
    "outcome_records n WHERE n.person_id = o.person_id AND n.kind = o.kind AND n.recorded_on > "
    "o.recorded_on)";

static int run(store *s, const char *head, const char *filter, const char *tail, const store_val *p,
               int np)
{
    char sql[1536];
    str_fmt(sql, sizeof sql, "%s%s%s", head, filter, tail);
    return store_exec(s, sql, p, np, NULL);
}

static const char *counts_head(store *s)
{
    return store_backend_of(s) == STORE_PG ? counts_pg : counts_sqlite;
}

int store_survey_values_derive(store *s, int64_t response_id)
{
    store_val p[] = {SV_INT(response_id)};
    int rc = run(s, counts_head(s), " AND r.id = ?1", counts_tail, p, 1);
    return rc != STORE_OK ? rc : run(s, days_sql, " AND r.id = ?1", days_tail, p, 1);
}

int store_outcome_latest_derive(store *s, int64_t person_id, const char *kind)
{
    store_val p[] = {SV_INT(person_id), SV_TEXT(kind)};
    int rc =
        store_exec(s, "DELETE FROM outcome_latest WHERE person_id = ?1 AND kind = ?2", p, 2, NULL);
    return rc != STORE_OK ? rc
                          : run(s, latest_sql, " AND o.person_id = ?1 AND o.kind = ?2", "", p, 2);
}

int store_report_rows_rebuild(store *s)
{
    int rc;
    if ((rc = store_exec(s, "DELETE FROM survey_answer_counts", NULL, 0, NULL)) != STORE_OK ||
        (rc = run(s, counts_head(s), "", counts_tail, NULL, 0)) != STORE_OK ||
        (rc = store_exec(s, "DELETE FROM survey_response_days", NULL, 0, NULL)) != STORE_OK ||
        (rc = run(s, days_sql, "", days_tail, NULL, 0)) != STORE_OK ||
        (rc = store_exec(s, "DELETE FROM outcome_latest", NULL, 0, NULL)) != STORE_OK ||
        (rc = run(s, latest_sql, "", "", NULL, 0)) != STORE_OK)
        return rc;
    return STORE_OK;
}
