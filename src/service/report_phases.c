/* report_phases.c - the phases report: where the program's relationships
 * are in the phase model now, and how long they stayed in each phase. */
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"
#include "domain/stats.h"
#include "service/reports.h"

#define OPEN_STATUSES "('active', 'paused', 'closing')"

int svc_report_phases(store *db, int64_t program_id, const struct program_config *cfg,
                      const struct svc_period *p, struct report *r)
{
    size_t nphases = cfg->phases.count ? cfg->phases.count : 1;
    int64_t *now_in = calloc(nphases, sizeof *now_in);
    VEC(double) *stays = calloc(nphases, sizeof *stays);
    store_rows *rows = NULL;
    int rc = STORE_OK;
    /* Who is in each phase now: relationships still open. */
    store_val pv[] = {SV_INT(program_id), SV_INT(p->from_t), SV_INT(p->to_t)};
    rc = store_query(db,
                     "SELECT phase, COUNT(*) FROM relationships WHERE program_id = ?1 "
                     "AND status IN " OPEN_STATUSES " GROUP BY phase",
                     pv, 1, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        int64_t ph = store_col_int(rows, 0);
        if (ph >= 0 && (size_t)ph < nphases)
            now_in[ph] += store_col_int(rows, 1);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    rows = NULL;
    if (rc < 0)
        goto done;
    /* Each stay that ended in the period: from entering the phase (the
     * relationship's start or the move into it) to the move out of it. */
    rc = store_query(db,
                     "SELECT m.relationship_id, m.from_phase, m.moved_at, rel.started_at, "
                     "(SELECT MAX(b.moved_at) FROM phase_moves b WHERE b.relationship_id = "
                     "m.relationship_id AND (b.moved_at < m.moved_at OR (b.moved_at = m.moved_at "
                     "AND b.id < m.id))) FROM phase_moves m JOIN relationships rel ON rel.id = "
                     "m.relationship_id WHERE rel.program_id = ?1 AND m.moved_at BETWEEN ?2 AND ?3",
                     pv, 3, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        int64_t ph = store_col_int(rows, 1);
        int64_t entered = store_col_null(rows, 4) ? store_col_int(rows, 3) : store_col_int(rows, 4);
        int64_t left = store_col_int(rows, 2);
        if (ph >= 0 && (size_t)ph < nphases && left >= entered)
            *VEC_PUSH(&stays[ph]) = (double)(left - entered) / 86400.0;
        rc = STORE_OK;
    }
    store_rows_free(rows);
    rows = NULL;
    if (rc < 0)
        goto done;

    struct report_table *t =
        report_table(r, "phases", "Relationships by phase",
                     "phase:i,name:s,relationships_now:i,completed_stays:i,median_days:n");
    for (size_t i = 0; i < nphases; i++) {
        const json_t *item = json_array_get(cfg->phases.items, i);
        const char *name = json_string_value(json_object_get(item, "name"));
        double median;
        report_int(t, (int64_t)i);
        report_text(t, name ? name : "");
        report_int(t, now_in[i]);
        report_int(t, (int64_t)stays[i].len);
        if (stats_median(stays[i].items, stays[i].len, &median))
            report_real(t, median);
        else
            report_null(t);
    }
    rc = SVC_OK;
done:
    for (size_t i = 0; i < nphases; i++)
        VEC_FREE(&stays[i]);
    free(stays);
    free(now_in);
    return rc;
}
