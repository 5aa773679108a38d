/* mentors.h - mentors' public cards as the API shows them, shared by the
 * card list and the self-matching recommendations. */
#ifndef TANDEM_API_MENTORS_H
#define TANDEM_API_MENTORS_H

#include <jansson.h>

#include "service/mentors.h"

/* The card as JSON: the participation, name, department, job title, the
 * public profile fields, capacity and free places. A new object. */
json_t *mentor_card_json(const struct svc_mentor_card *card);

#endif
