#include "service/mentors.h"

#include <stdlib.h>

#include "base/mem.h"
#include "base/str.h"
#include "service/matchable.h"
#include "service/participation.h"

void svc_mentor_cards_free(struct svc_mentor_card *cards, size_t n)
{
    for (size_t i = 0; cards && i < n; i++) {
        free(cards[i].department);
        free(cards[i].job_title);
        json_decref(cards[i].profile);
    }
    free(cards);
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

int svc_mentor_cards(store *db, int64_t program_id, int64_t limit, int64_t offset,
                     struct svc_mentor_card **out, size_t *n)
{
    char statuses[256], sql[2048];
    svc_participation_matchable_sql(statuses, sizeof statuses);
    str_fmt(sql, sizeof sql,
            "SELECT pa.id, pe.name, pe.department, pe.job_title, pa.profile, "
            "COALESCE(pa.capacity, 1), " SVC_TAKEN_SQL " "
            "FROM participations pa JOIN people pe ON pe.id = pa.person_id "
            "WHERE pa.program_id = ?1 AND pa.role = 'mentor' AND pa.status IN (%s) %s",
            statuses, limit > 0 ? "ORDER BY pe.name, pa.id LIMIT ?2 OFFSET ?3" : "ORDER BY pa.id");
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(program_id), SV_INT(limit), SV_INT(offset)};
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int rc = store_query(db, sql, p, limit > 0 ? 3 : 1, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        struct svc_mentor_card *c = &(*out)[(*n)++];
        c->participation_id = store_col_int(rows, 0);
        str_fmt(c->name, sizeof c->name, "%s", store_col_text(rows, 1));
        c->department = dup_or_null(store_col_text(rows, 2));
        c->job_title = dup_or_null(store_col_text(rows, 3));
        c->profile = json_loads(store_col_text(rows, 4), 0, NULL);
        c->capacity = store_col_int(rows, 5);
        c->used = store_col_int(rows, 6);
    }
    store_rows_free(rows);
    if (rc < 0) {
        svc_mentor_cards_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc < 0 ? rc : STORE_OK;
}
