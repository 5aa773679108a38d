/* mentors.c - mentors' public cards: what a mentee may see of a mentor
 * in self-matching (product.md §9), and what coordinators browse. */
#include "api/handlers.h"
#include "api/mentors.h"

/* The profile fields a card shows; the rest of the profile stays private. */
static const char *const card_fields[] = {
    "expertise", "languages", "interests",    "location",      "years_experience",
    "headline",  "bio",       "availability", "communication", NULL};

json_t *mentor_card_json(const struct svc_mentor_card *c)
{
    json_t *card = json_pack("{s:I, s:s}", "participation_id", (json_int_t)c->participation_id,
                             "name", c->name);
    json_object_set_new(card, "department",
                        c->department ? json_string(c->department) : json_null());
    json_object_set_new(card, "job_title", c->job_title ? json_string(c->job_title) : json_null());
    for (const char *const *f = card_fields; *f; f++) {
        json_t *v = json_object_get(c->profile, *f);
        json_object_set(card, *f, v ? v : json_null());
    }
    json_object_set_new(card, "capacity", json_integer(c->capacity));
    json_object_set_new(card, "free",
                        json_integer(c->capacity > c->used ? c->capacity - c->used : 0));
    return card;
}

int h_mentors_list(api_ctx *c)
{
    int64_t pid, limit, offset;
    if (api_program_access(c, 0, PERM_MENTOR_CARD, PERM_READ,
                           "mentor cards are for mentees and coordinators", &pid, NULL) ||
        api_page(c, &limit, &offset))
        return -1;
    struct svc_mentor_card *cards;
    size_t n;
    int rc = svc_mentor_cards(c->db, pid, limit, offset, &cards, &n);
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, mentor_card_json(&cards[i]));
    svc_mentor_cards_free(cards, n);
    return api_json(c, 200,
                    json_pack("{s:o, s:I, s:I}", "items", items, "limit", (json_int_t)limit,
                              "offset", (json_int_t)offset));
}
