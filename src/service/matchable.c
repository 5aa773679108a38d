#include "service/matchable.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "domain/relationship.h"

int svc_matchable_list(store *db, int64_t program_id, const char *role, int64_t only,
                       struct svc_matchable **out, size_t *n)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(program_id), SV_TEXT(role), SV_INT(only)};
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int rc = store_query(
        db,
        "SELECT pa.id, pa.person_id, pe.name, pa.role, pa.status, CASE WHEN EXISTS (SELECT 1 "
        "FROM participation_stages s WHERE s.participation_id = pa.id AND s.stage = 'trained') "
        "THEN 1 ELSE 0 END, COALESCE(CASE WHEN pa.role = 'mentor' THEN pa.capacity ELSE "
        "pa.wants END, 1), " SVC_TAKEN_SQL " FROM participations pa JOIN people pe ON pe.id = "
        "pa.person_id WHERE pa.program_id = ?1 AND pa.role = ?2 AND (?3 = 0 OR pa.id = ?3) "
        "ORDER BY pe.name, pa.id",
        p, 3, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        struct svc_matchable *m = &(*out)[(*n)++];
        memset(m, 0, sizeof *m);
        m->participation_id = store_col_int(rows, 0);
        m->person_id = store_col_int(rows, 1);
        str_fmt(m->name, sizeof m->name, "%s", store_col_text(rows, 2));
        str_fmt(m->role, sizeof m->role, "%s", store_col_text(rows, 3));
        int st = stage_parse(store_col_text(rows, 4));
        m->status = st < 0 ? STAGE_INVITED : (enum stage)st;
        m->trained = store_col_int(rows, 5) != 0;
        m->slots = store_col_int(rows, 6);
        m->taken = store_col_int(rows, 7);
    }
    store_rows_free(rows);
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
        return rc;
    }
    return STORE_OK;
}

const char *svc_matchable_why_not(const struct svc_matchable *p, const struct program_config *cfg,
                                  char *buf, size_t len)
{
    return rel_why_not_matchable(p->status, p->trained, cfg->training.required_before_matching,
                                 strcmp(p->role, "mentor") == 0, p->slots, p->taken, buf, len);
}
