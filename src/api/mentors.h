/* mentors.h - mentors' public cards, shared by the card list and the
 * self-matching recommendations. */
#ifndef TANDEM_API_MENTORS_H
#define TANDEM_API_MENTORS_H

#include <jansson.h>
#include <stdint.h>

#include "store/store.h"

/* Every mentor card of the program, keyed by participation id as text. A
 * new object; empty when the query fails. */
json_t *mentor_cards(store *db, int64_t program_id);

#endif
