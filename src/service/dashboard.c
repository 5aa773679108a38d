#include "service/dashboard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/mem.h"
#include "base/str.h"
#include "domain/participation.h"
#include "domain/program.h"
#include "service/matchable.h"
#include "service/participation.h"

/* "?3, ?4, ..." for n parameters from ?first. */
static void placeholders(char *out, size_t len, size_t n, int first)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, "%s?%d", i ? ", " : "", first + (int)i);
}

static struct svc_program_counts *counts_of(struct svc_program_counts *out, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (out[i].program_id == id)
            return &out[i];
    return NULL;
}

int svc_dashboard_counts(store *db, const svc_actor *actor, const int64_t *ids, size_t n,
                         struct svc_program_counts *out)
{
    char statuses[256];
    store_rows *rows = NULL;
    if (n > LIMIT_PAGE_MAX)
        n = LIMIT_PAGE_MAX;
    for (size_t i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].program_id = ids[i];
    }
    if (n == 0)
        return STORE_OK;
    /* Heap, not stack: a page holds up to LIMIT_PAGE_MAX programs. */
    size_t listlen = n * 8 + 1, sqllen = 4096 + 2 * listlen;
    char *list = xmalloc(listlen), *list2 = xmalloc(listlen), *sql = xmalloc(sqllen);
    store_val *p = xcalloc(n + 2, sizeof *p);
    bool all = perm_coordinates(perm_site_roles(actor->site_role));
    p[0] = SV_INT(actor->person_id);
    p[1] = SV_INT(all ? 1 : 0);
    for (size_t i = 0; i < n; i++)
        p[i + 2] = SV_INT(ids[i]);
    placeholders(list, listlen, n, 3);
    placeholders(list2, listlen, n, 1);
    svc_participation_matchable_sql(statuses, sizeof statuses);

    /* 1. Per program: its configuration (the training gate) and the
     *    participations waiting for something. */
    str_fmt(sql, sqllen,
            "SELECT p.id, p.config, "
            "COUNT(CASE WHEN pa.status = 'applied' AND pa.role IN ('mentor', 'mentee') THEN 1 "
            "END), "
            "COUNT(CASE WHEN pa.role = 'mentee' AND pa.status IN (%s) AND " SVC_TAKEN_SQL
            " < COALESCE(pa.wants, 1) AND EXISTS (SELECT 1 FROM participation_stages s WHERE "
            "s.participation_id = pa.id AND s.stage = 'trained') THEN 1 END), "
            "COUNT(CASE WHEN pa.role = 'mentee' AND pa.status IN (%s) AND " SVC_TAKEN_SQL
            " < COALESCE(pa.wants, 1) AND NOT EXISTS (SELECT 1 FROM participation_stages s "
            "WHERE s.participation_id = pa.id AND s.stage = 'trained') THEN 1 END) "
            "FROM programs p LEFT JOIN participations pa ON pa.program_id = p.id "
            "WHERE p.id IN (%s) AND (?2 = 1 OR EXISTS (SELECT 1 FROM participations c WHERE "
            "c.program_id = p.id AND c.person_id = ?1 AND c.role = 'coordinator' AND c.status "
            "NOT IN ('declined', 'withdrawn'))) GROUP BY p.id, p.config",
            statuses, statuses, list);
    int rc = store_query(db, sql, p, (int)n + 2, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        struct svc_program_counts *c = counts_of(out, n, store_col_int(rows, 0));
        if (!c)
            continue;
        struct program_config cfg;
        bool gate = true;
        if (program_config_read(json_loads(store_col_text(rows, 1), 0, NULL), &cfg) == 0)
            gate = cfg.training.required_before_matching;
        program_config_cleanup(&cfg);
        c->known = true;
        c->pending = store_col_int(rows, 2);
        /* Without the training gate, the untrained are matchable too. */
        c->unmatched = store_col_int(rows, 3) + (gate ? 0 : store_col_int(rows, 4));
        c->untrained = gate ? store_col_int(rows, 4) : 0;
    }
    store_rows_free(rows);
    rows = NULL;
    if (rc < 0)
        goto done;

    /* 2. Requests waiting and relationships by status, in one go. */
    str_fmt(sql, sqllen,
            "SELECT program_id, 'requests', COUNT(*) FROM mentoring_requests WHERE status = "
            "'pending' AND program_id IN (%s) GROUP BY program_id "
            "UNION ALL SELECT program_id, status, COUNT(*) FROM relationships WHERE program_id "
            "IN (%s) GROUP BY program_id, status",
            list2, list2);
    rc = store_query(db, sql, p + 2, (int)n, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        struct svc_program_counts *c = counts_of(out, n, store_col_int(rows, 0));
        if (!c || !c->known)
            continue;
        const char *what = store_col_text(rows, 1);
        int64_t k = store_col_int(rows, 2);
        int64_t *slot = strcmp(what, "requests") == 0      ? &c->requests
                        : strcmp(what, "active") == 0      ? &c->active
                        : strcmp(what, "paused") == 0      ? &c->paused
                        : strcmp(what, "closing") == 0     ? &c->closing
                        : strcmp(what, "completed") == 0   ? &c->completed
                        : strcmp(what, "ended_early") == 0 ? &c->ended_early
                                                           : NULL;
        if (slot)
            *slot = k;
    }
    store_rows_free(rows);
done:
    free(list);
    free(list2);
    free(sql);
    free(p);
    return rc < 0 ? rc : STORE_OK;
}
