#include "domain/participation.h"

#include <string.h>

static const char *const names[STAGE_COUNT] = {
    "invited",   "applied", "approved",  "trained",  "matched",   "agreement_signed",
    "goals_set", "active",  "completed", "declined", "withdrawn", "ended_early",
};

const char *stage_name(enum stage s)
{
    return (unsigned)s < STAGE_COUNT ? names[s] : "unknown";
}

int stage_parse(const char *name)
{
    for (int i = 0; name && i < STAGE_COUNT; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

bool stage_is_exit(enum stage s)
{
    return s >= STAGE_FIRST_EXIT;
}

bool participation_role_valid(const char *role)
{
    return role && (strcmp(role, "mentor") == 0 || strcmp(role, "mentee") == 0 ||
                    strcmp(role, "coordinator") == 0 || strcmp(role, "viewer") == 0);
}

const char *participation_review(enum stage from, enum stage to)
{
    if (to == STAGE_APPROVED) {
        if (from == STAGE_INVITED || from == STAGE_APPLIED || from == STAGE_DECLINED)
            return NULL;
        if (from == STAGE_APPROVED)
            return "is approved already";
        return "is past approval";
    }
    if (to == STAGE_DECLINED) {
        if (from == STAGE_INVITED || from == STAGE_APPLIED)
            return NULL;
        if (from == STAGE_DECLINED)
            return "is declined already";
        return "can no longer be declined (withdraw or end the relationship instead)";
    }
    return "a review approves or declines";
}

const char *participation_withdraw(enum stage from)
{
    if (stage_is_exit(from))
        return "has left the program already";
    if (from >= STAGE_MATCHED)
        return "is in a relationship: end it first";
    return NULL;
}

enum eligibility participation_eligible(enum stage status, bool trained, bool training_gate)
{
    if (status < STAGE_APPROVED || status == STAGE_DECLINED || status == STAGE_WITHDRAWN ||
        status >= STAGE_COUNT)
        return NOT_APPROVED;
    if (status == STAGE_COMPLETED)
        return COMPLETED;
    if (training_gate && !trained)
        return NOT_TRAINED;
    return ELIGIBLE;
}

void participation_funnel_add(struct funnel *f, stage_set reached, int64_t n)
{
    stage_set stages = reached & (STAGE_BIT(STAGE_FIRST_EXIT) - 1);
    if (!stages || n <= 0)
        return;
    f->everyone += n;
    for (int s = 0; s < STAGE_FIRST_EXIT; s++) {
        if (!(stages & STAGE_BIT(s)))
            continue;
        f->reached[s] += n;
        if (s > 0 && (stages & STAGE_BIT(s - 1)))
            f->went_on[s] += n;
    }
}

bool participation_conversion(const struct funnel *f, enum stage s, bool from_first, double *rate)
{
    if ((unsigned)s >= STAGE_FIRST_EXIT || (!from_first && s == 0))
        return false;
    int64_t base = from_first ? f->everyone : f->reached[s - 1];
    if (base <= 0)
        return false;
    *rate = (double)(from_first ? f->reached[s] : f->went_on[s]) / (double)base;
    return true;
}
