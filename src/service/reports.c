#include "service/reports.h"

#include <stdio.h>
#include <string.h>

#include "service/participation.h"

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
