/* matchable.h (service) - who may be matched now, and why not (product.md
 * §4-5): the one place that counts a participation's places taken, and
 * words the reason someone is left out of matching - for the proposal's
 * "not in this run", a hand-made pair that is refused, and the guidance a
 * mentee reads on Find a mentor.
 */
#ifndef TANDEM_SERVICE_MATCHABLE_H
#define TANDEM_SERVICE_MATCHABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"
#include "domain/participation.h"
#include "domain/program.h"
#include "service/service.h"

/* The places participation `pa` has taken now, as an SQL expression: for a
 * mentor, the mentees of their open relationships (a group of three takes
 * three places); for a mentee or a peer, their open relationships. */
#define SVC_TAKEN_SQL                                                                              \
    "(SELECT COUNT(*) FROM relationship_members tm JOIN relationships tr ON tr.id = "              \
    "tm.relationship_id LEFT JOIN relationship_members tx ON tx.relationship_id = tr.id AND "      \
    "tm.role = 'mentor' AND tx.role = 'mentee' WHERE tm.participation_id = pa.id AND tr.status "   \
    "IN ('active', 'paused', 'closing') AND (tm.role <> 'mentor' OR tx.participation_id IS NOT "   \
    "NULL))"

/* A participation as matching sees it. */
struct svc_matchable {
    int64_t participation_id, person_id;
    char name[LIMIT_NAME_BYTES + 1];
    char role[16]; /* mentor, mentee */
    enum stage status;
    bool trained;
    int64_t slots, taken; /* capacity or wanted mentors; taken in open relationships */
};

/* The program's participations in `role` ("mentor" or "mentee") by name,
 * or the one `only` when > 0, into *out (caller frees). A store status. */
int svc_matchable_list(store *db, int64_t program_id, const char *role, int64_t only,
                       struct svc_matchable **out, size_t *n);

/* Why *p cannot be matched now in a program configured as cfg
 * (rel_why_not_matchable), into buf; NULL when it can. */
const char *svc_matchable_why_not(const struct svc_matchable *p, const struct program_config *cfg,
                                  char *buf, size_t len);

#endif
