#include "service/reflection.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/str.h"
#include "service/audit.h"

void svc_reflections_cleanup(struct svc_reflections *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->items[i].learned);
        free(r->items[i].next_steps);
        free(r->items[i].program_feedback);
    }
    free(r->items);
    memset(r, 0, sizeof *r);
}

int svc_reflection_list(store *db, const struct svc_rel *r, struct svc_reflections *out)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(r->id)};
    memset(out, 0, sizeof *out);
    int rc = store_query(
        db,
        "SELECT m.participation_id, pa.person_id, pe.name, m.role, rf.learned, rf.next_steps, "
        "rf.program_feedback, rf.created_at FROM relationship_members m "
        "JOIN participations pa ON pa.id = m.participation_id JOIN people pe ON pe.id = "
        "pa.person_id LEFT JOIN reflections rf ON rf.relationship_id = m.relationship_id "
        "AND rf.participation_id = m.participation_id "
        "WHERE m.relationship_id = ?1 ORDER BY m.role DESC, pe.name, m.participation_id",
        p, 1, &rows);
    out->items = xcalloc(LIMIT_RELATIONSHIP_MEMBERS, sizeof *out->items);
    size_t missing = 0;
    while (rc == STORE_OK && out->n < LIMIT_RELATIONSHIP_MEMBERS && (rc = store_next(rows)) == 1) {
        struct svc_member_reflection *it = &out->items[out->n++];
        it->who.participation_id = store_col_int(rows, 0);
        it->who.person_id = store_col_int(rows, 1);
        str_fmt(it->who.name, sizeof it->who.name, "%s", store_col_text(rows, 2));
        str_fmt(it->who.role, sizeof it->who.role, "%s", store_col_text(rows, 3));
        it->mine = it->who.participation_id == r->my_part;
        it->written = !store_col_null(rows, 4);
        if (it->written) {
            it->learned = xstrdup(store_col_text(rows, 4));
            it->next_steps = xstrdup(store_col_text(rows, 5));
            it->program_feedback = xstrdup(store_col_text(rows, 6));
            it->written_at = store_col_int(rows, 7);
        } else {
            missing++;
        }
        rc = STORE_OK;
    }
    store_rows_free(rows);
    out->complete = missing == 0 && out->n > 0;
    if (rc < 0)
        svc_reflections_cleanup(out);
    return rc < 0 ? rc : STORE_OK;
}

int svc_reflection_write(store *db, const svc_actor *actor, const struct svc_rel *r,
                         const struct rel_reflection *in, bool *replaced, verr *e)
{
    int64_t had = 0;
    int rc;
    *replaced = false;
    if (!r->my_part)
        return svc_fail(e, SVC_FORBIDDEN, "", "only the partners write reflections");
    if (!in->learned || !*in->learned)
        return svc_fail(e, SVC_INVALID, "learned", "is required");
    store_val p[] = {SV_INT(r->id),
                     SV_INT(r->my_part),
                     SV_TEXT(in->learned),
                     SV_TEXT(in->next_steps ? in->next_steps : ""),
                     SV_TEXT(in->program_feedback ? in->program_feedback : ""),
                     SV_INT(clock_now())};
    if ((rc = store_query_int(db,
                              "SELECT COUNT(*) FROM reflections WHERE relationship_id = ?1 AND "
                              "participation_id = ?2",
                              p, 2, &had)) < 0 ||
        (rc = store_exec(db,
                         "INSERT INTO reflections (relationship_id, participation_id, learned, "
                         "next_steps, program_feedback, created_at) VALUES (?1, ?2, ?3, ?4, ?5, "
                         "?6) ON CONFLICT (relationship_id, participation_id) DO UPDATE SET "
                         "learned = excluded.learned, next_steps = excluded.next_steps, "
                         "program_feedback = excluded.program_feedback, created_at = "
                         "excluded.created_at",
                         p, 6, NULL)) != STORE_OK)
        return rc;
    *replaced = had > 0;
    return svc_audit(db, actor, had ? "reflection.replace" : "reflection.create", "relationship",
                     r->id, NULL);
}
