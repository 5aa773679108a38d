/* mentors.c - mentors' public cards: what a mentee may see of a mentor
 * in self-matching (product.md §9), and what coordinators browse. */
#include <string.h>

#include "api/handlers.h"
#include "api/mentors.h"
#include "base/str.h"

/* The profile fields a card shows; the rest of the profile stays private. */
static const char *const card_fields[] = {
    "expertise", "languages", "interests",    "location",      "years_experience",
    "headline",  "bio",       "availability", "communication", NULL};

/* Columns: participation id, person name, department, job title, profile,
 * capacity, active mentees. */
static json_t *mentor_card(store_rows *r)
{
    json_t *profile = json_loads(store_col_text(r, 4), 0, NULL);
    json_t *card = json_pack("{s:I, s:s}", "participation_id", (json_int_t)store_col_int(r, 0),
                             "name", store_col_text(r, 1));
    json_object_set_new(card, "department",
                        store_col_null(r, 2) ? json_null() : json_string(store_col_text(r, 2)));
    json_object_set_new(card, "job_title",
                        store_col_null(r, 3) ? json_null() : json_string(store_col_text(r, 3)));
    for (const char *const *f = card_fields; *f; f++) {
        json_t *v = json_object_get(profile, *f);
        json_object_set(card, *f, v ? v : json_null());
    }
    int64_t cap = store_col_int(r, 5), used = store_col_int(r, 6);
    json_object_set_new(card, "capacity", json_integer(cap));
    json_object_set_new(card, "free", json_integer(cap > used ? cap - used : 0));
    json_decref(profile);
    return card;
}

#define CARD_SQL                                                                                   \
    "SELECT pa.id, pe.name, pe.department, pe.job_title, pa.profile, COALESCE(pa.capacity, 1), "   \
    "(SELECT COUNT(*) FROM relationship_members m JOIN relationships r ON r.id = "                 \
    "m.relationship_id "                                                                           \
    " WHERE m.participation_id = pa.id AND r.status IN ('active', 'paused', 'closing')) "          \
    "FROM participations pa JOIN people pe ON pe.id = pa.person_id "                               \
    "WHERE pa.program_id = ?1 AND pa.role = 'mentor' "                                             \
    "AND pa.status IN ('approved', 'trained', 'matched', 'agreement_signed', 'goals_set', "        \
    "'active', "                                                                                   \
    "'completed', 'ended_early')"

json_t *mentor_cards(store *db, int64_t program_id)
{
    json_t *all = json_object();
    store_rows *rows;
    store_val p[] = {SV_INT(program_id)};
    if (store_query(db, CARD_SQL, p, 1, &rows) != STORE_OK)
        return all;
    while (store_next(rows) == 1) {
        char key[32];
        str_fmt(key, sizeof key, "%lld", (long long)store_col_int(rows, 0));
        json_object_set_new(all, key, mentor_card(rows));
    }
    store_rows_free(rows);
    return all;
}

int h_mentors_list(api_ctx *c)
{
    int64_t pid;
    if (api_program_access(c, 0, PERM_MENTOR_CARD, PERM_READ,
                           "mentor cards are for mentees and coordinators", &pid, NULL))
        return -1;
    int64_t limit, offset;
    if (api_page(c, &limit, &offset))
        return -1;
    store_rows *rows;
    store_val p[] = {SV_INT(pid), SV_INT(limit), SV_INT(offset)};
    int rc =
        store_query(c->db, CARD_SQL " ORDER BY pe.name, pa.id LIMIT ?2 OFFSET ?3", p, 3, &rows);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    json_t *items = json_array();
    while (store_next(rows) == 1)
        json_array_append_new(items, mentor_card(rows));
    store_rows_free(rows);
    return api_json(c, 200,
                    json_pack("{s:o, s:I, s:I}", "items", items, "limit", (json_int_t)limit,
                              "offset", (json_int_t)offset));
}
