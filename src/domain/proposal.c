#include "domain/proposal.h"

#include <string.h>

int proposal_run_read(const json_t *body, const char **objective, double *min_score, verr *e)
{
    static const char *const keys[] = {"objective", "min_score", NULL};
    static const char *const objs[] = {"total", "fair", "stable", NULL};
    return v_known_keys(body, "", keys, e) ||
                   v_enum(body, "objective", "", objs, *objective, objective, e) ||
                   v_number(body, "min_score", "", 0, 1, *min_score, false, min_score, e)
               ? -1
               : 0;
}

int proposal_pair_read(const json_t *body, enum proposal_pair_action *action, int64_t *mentee,
                       int64_t *mentor, verr *e)
{
    static const char *const keys[] = {"action", "mentee", "mentor", NULL};
    static const char *const actions[] = {"lock", "unlock", "exclude", "include",
                                          "add",  "remove", NULL};
    const char *name;
    if (v_known_keys(body, "", keys, e) || v_enum(body, "action", "", actions, NULL, &name, e) ||
        v_int(body, "mentee", "", 1, INT64_MAX / 2, 0, true, mentee, e) ||
        v_int(body, "mentor", "", 1, INT64_MAX / 2, 0, true, mentor, e))
        return -1;
    int a = 0;
    while (strcmp(actions[a], name) != 0)
        a++; /* v_enum found it: the same order as enum proposal_pair_action */
    *action = (enum proposal_pair_action)a;
    return 0;
}
