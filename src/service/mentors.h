/* mentors.h (service) - mentors' public cards: what a mentee may see of a
 * mentor in self-matching (product.md §9), and what coordinators browse.
 * A mentor has a card while participation_eligible() could match them. */
#ifndef TANDEM_SERVICE_MENTORS_H
#define TANDEM_SERVICE_MENTORS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "service/service.h"

struct svc_mentor_card {
    int64_t participation_id;
    char name[LIMIT_NAME_BYTES + 1];
    char *department, *job_title; /* owned; NULL when unset */
    json_t *profile;              /* owned: the whole profile (the card shows a part) */
    int64_t capacity, used;       /* mentees they take, and have now */
};

/* The program's mentor cards by name (limit 0: all of them, in
 * participation id order), into *out (svc_mentor_cards_free). A store
 * status. */
int svc_mentor_cards(store *db, int64_t program_id, int64_t limit, int64_t offset,
                     struct svc_mentor_card **out, size_t *n);
void svc_mentor_cards_free(struct svc_mentor_card *cards, size_t n); /* NULL allowed */

#endif
