/* match_input.h (service) - turning a program's participants into a
 * matching engine instance (product.md §5): who is eligible (the one rule,
 * participation_eligible()), their attributes for each criterion, and the
 * hard constraints from the database. Shared by proposals (admin
 * matching) and requests (recommendations). */
#ifndef TANDEM_SERVICE_MATCH_INPUT_H
#define TANDEM_SERVICE_MATCH_INPUT_H

#include <jansson.h>
#include <stdint.h>

#include "domain/program.h"
#include "match/match.h"
#include "service/service.h"

struct match_input {
    match_instance *inst;
    size_t nmentors, nmentees;
    int64_t *mentor_part, *mentee_part; /* participation id of each engine index */
    char **mentor_name, **mentee_name;
    int64_t *mentor_free, *mentee_free; /* capacity and wants left */
};

/* Builds the instance for a program: eligible mentors with free capacity
 * and eligible mentees with wants left (approved, and trained where the
 * program's training gates matching), with the program's criteria,
 * objective and minimum score, and the hard constraints: never self,
 * never manager or direct report (unless the program turns the rule off),
 * never a pair matched before in this program, the coordinator's
 * excluded pairs; locked pairs are locked. `only_mentee` > 0 keeps that
 * one mentee participation (recommendations); `include_full_mentors`
 * keeps mentors with no free capacity (with capacity 0). Returns SVC_OK,
 * SVC_REFUSED with err set (the engine refuses the instance), or a store
 * status. */
int svc_match_input_build(store *db, int64_t program_id, const struct program_config *cfg,
                          int64_t only_mentee, bool include_full_mentors, struct match_input *out,
                          char *err, size_t errlen);
void svc_match_input_cleanup(struct match_input *mi); /* NULL allowed */

/* Index of a participation on its side, or -1. */
long svc_match_input_mentor(const struct match_input *mi, int64_t part);
long svc_match_input_mentee(const struct match_input *mi, int64_t part);

#endif
