#include "domain/phase.h"

#define DAY_S 86400

size_t phase_unmet(const bool *done, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += !done[i];
    return k;
}

enum phase_move phase_advance(int current, size_t count, size_t unmet, bool override,
                              bool coordinator)
{
    if (override && !coordinator)
        return PHASE_MOVE_NOT_ALLOWED;
    if (current < 0 || (size_t)current + 1 >= count)
        return PHASE_MOVE_LAST;
    if (unmet > 0 && !override)
        return PHASE_MOVE_UNMET;
    return PHASE_MOVE_OK;
}

const char *phase_check_allowed(int64_t phase, int current)
{
    return phase > current ? "has not started yet" : NULL;
}

int64_t phase_due(int64_t started, int64_t days)
{
    return started + (days > 0 ? days : 0) * DAY_S;
}

bool phase_overdue(int64_t started, int64_t days, bool open, int64_t now)
{
    return open && days > 0 && now > phase_due(started, days);
}
