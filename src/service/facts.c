/* facts.c - the per-relationship facts (facts.h): the one definition is
 * the views relationship_facts_source and relationship_months_source
 * (migration 017); this copies them into relationship_facts and
 * relationship_months for one relationship, a program or all, and
 * compares the tables with the views. */
#include "service/facts.h"

#include "base/str.h"
#include "store/report_rows.h"

static const char *const TABLES[] = {"relationship_facts", "relationship_months"};
#define NTABLES (sizeof TABLES / sizeof TABLES[0])

/* Copies each view into its table where `where` holds (a condition on
 * relationship_id or program_id with ?1, or "1 = 1"), after deleting the
 * table's rows there. */
static int copy(store *db, const char *where, const store_val *p, int np)
{
    int rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < NTABLES; i++) {
        char sql[256];
        str_fmt(sql, sizeof sql, "DELETE FROM %s WHERE %s", TABLES[i], where);
        if ((rc = store_exec(db, sql, p, np, NULL)) != STORE_OK)
            break;
        str_fmt(sql, sizeof sql, "INSERT INTO %s SELECT * FROM %s_source WHERE %s", TABLES[i],
                TABLES[i], where);
        rc = store_exec(db, sql, p, np, NULL);
    }
    return rc;
}

int svc_facts_refresh(store *db, int64_t rel_id)
{
    store_val p[] = {SV_INT(rel_id)};
    return copy(db, "relationship_id = ?1", p, 1);
}

int svc_facts_refresh_program(store *db, int64_t program_id)
{
    store_val p[] = {SV_INT(program_id)};
    return copy(db, "program_id = ?1", p, 1);
}

int svc_facts_rebuild(store *db)
{
    static const char *const kept[] = {"relationship_facts", "relationship_months",
                                       "survey_answer_counts", "survey_response_days",
                                       "outcome_latest"};
    int rc = store_begin(db);
    if (rc != STORE_OK)
        return rc;
    if ((rc = store_report_rows_rebuild(db)) != STORE_OK ||
        (rc = copy(db, "1 = 1", NULL, 0)) != STORE_OK) {
        store_rollback(db);
        return rc;
    }
    /* The planner's statistics of the tables just filled (rows loaded
     * around the server were analysed while these were empty). */
    rc = store_commit(db);
    for (size_t i = 0; rc == STORE_OK && i < sizeof kept / sizeof kept[0]; i++) {
        char sql[64];
        str_fmt(sql, sizeof sql, "ANALYZE %s", kept[i]);
        rc = store_exec(db, sql, NULL, 0, NULL);
    }
    return rc;
}

int svc_facts_check(store *db, int64_t *differ)
{
    int rc = STORE_OK;
    *differ = 0;
    for (size_t i = 0; rc >= 0 && i < NTABLES; i++)
        for (int way = 0; rc >= 0 && way < 2; way++) {
            char sql[256];
            int64_t n = 0;
            str_fmt(sql, sizeof sql,
                    "SELECT COUNT(*) FROM (SELECT * FROM %s%s EXCEPT SELECT * "
                    "FROM %s%s) d",
                    TABLES[i], way ? "" : "_source", TABLES[i], way ? "_source" : "");
            rc = store_query_int(db, sql, NULL, 0, &n);
            *differ += n;
        }
    return rc < 0 ? rc : STORE_OK;
}
