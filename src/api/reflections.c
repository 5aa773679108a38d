/* reflections.c - each member's closing reflection (product.md §6): what
 * was learned, next steps, feedback on the program. One per member;
 * writing again replaces it. Closing a relationship asks for them. */
#include <string.h>

#include "api/handlers.h"
#include "api/relationship.h"
#include "base/clock.h"
#include "base/limits.h"

/* Every member with their reflection, or null when not written. */
static json_t *reflections_json(api_ctx *c, const struct svc_rel *r, int *missing)
{
    json_t *a = json_array();
    *missing = 0;
    store_rows *rows;
    store_val p[] = {SV_INT(r->id)};
    if (store_query(
            c->db,
            "SELECT m.participation_id, pa.person_id, pe.name, m.role, rf.learned, rf.next_steps, "
            "rf.program_feedback, rf.created_at FROM relationship_members m "
            "JOIN participations pa ON pa.id = m.participation_id JOIN people pe ON pe.id = "
            "pa.person_id "
            "LEFT JOIN reflections rf ON rf.relationship_id = m.relationship_id "
            "AND rf.participation_id = m.participation_id "
            "WHERE m.relationship_id = ?1 ORDER BY m.role DESC, pe.name, m.participation_id",
            p, 1, &rows) != STORE_OK)
        return a;
    while (store_next(rows) == 1) {
        json_t *it = json_pack(
            "{s:I, s:I, s:s, s:s, s:b}", "participation_id", (json_int_t)store_col_int(rows, 0),
            "person_id", (json_int_t)store_col_int(rows, 1), "name", store_col_text(rows, 2),
            "role", store_col_text(rows, 3), "mine", store_col_int(rows, 0) == r->my_part);
        if (store_col_null(rows, 4)) {
            (*missing)++;
            json_object_set_new(it, "reflection", json_null());
        } else {
            json_object_set_new(
                it, "reflection",
                json_pack("{s:s, s:s, s:s, s:o}", "learned", store_col_text(rows, 4), "next_steps",
                          store_col_text(rows, 5), "program_feedback", store_col_text(rows, 6),
                          "written_at", api_time(store_col_int(rows, 7))));
        }
        json_array_append_new(a, it);
    }
    store_rows_free(rows);
    return a;
}

static json_t *list_json(api_ctx *c, const struct svc_rel *r)
{
    int missing;
    json_t *items = reflections_json(c, r, &missing);
    return json_pack("{s:I, s:o, s:b}", "relationship_id", (json_int_t)r->id, "items", items,
                     "complete", missing == 0 && json_array_size(items) > 0);
}

int h_reflections_list(api_ctx *c)
{
    struct svc_rel r;
    if (rel_open(c, 0, PERM_READ, &r))
        return -1;
    return api_json(c, 200, list_json(c, &r));
}

int h_reflection_put(api_ctx *c)
{
    static const char *const keys[] = {"learned", "next_steps", "program_feedback", NULL};
    struct svc_rel r;
    json_t *body = NULL;
    int result = -1, rc;
    if (rel_open(c, 0, PERM_WRITE, &r))
        return -1;
    /* Reflection belongs to closure: it stays open after the relationship
     * ends, so the partner who did not close can still write theirs. */
    if (api_body_object(c, &body))
        return -1;
    verr e = {0};
    const char *learned, *next, *feedback;
    if (v_known_keys(body, "", keys, &e) ||
        v_string(body, "learned", "", true, false, LIMIT_TEXT_BYTES, NULL, &learned, &e) ||
        v_string(body, "next_steps", "", false, true, LIMIT_TEXT_BYTES, "", &next, &e) ||
        v_string(body, "program_feedback", "", false, true, LIMIT_TEXT_BYTES, "", &feedback, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    int64_t had = 0;
    store_val p[] = {SV_INT(r.id),  SV_INT(r.my_part), SV_TEXT(learned),
                     SV_TEXT(next), SV_TEXT(feedback), SV_INT(clock_now())};
    if ((rc = store_query_int(c->db,
                              "SELECT COUNT(*) FROM reflections WHERE relationship_id = ?1 AND "
                              "participation_id = ?2",
                              p, 2, &had)) < 0 ||
        (rc = store_exec(
             c->db,
             "INSERT INTO reflections (relationship_id, participation_id, learned, next_steps, "
             "program_feedback, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
             "ON CONFLICT (relationship_id, participation_id) DO UPDATE SET learned = "
             "excluded.learned, "
             "next_steps = excluded.next_steps, program_feedback = excluded.program_feedback, "
             "created_at = excluded.created_at",
             p, 6, NULL)) != STORE_OK) {
        result = api_store_failed(c, rc);
        goto done;
    }
    api_audit(c, had ? "reflection.replace" : "reflection.create", "relationship", r.id, NULL);
    result = api_json(c, had ? 200 : 201, list_json(c, &r));
done:
    json_decref(body);
    return result;
}
