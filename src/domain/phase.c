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

int phase_check_read(const json_t *body, int64_t *phase, int64_t *item, bool *done, verr *e)
{
    static const char *const keys[] = {"phase", "item", "done", NULL};
    return v_known_keys(body, "", keys, e) ||
                   v_int(body, "phase", "", 0, INT32_MAX, -1, false, phase, e) ||
                   v_int(body, "item", "", 0, INT32_MAX, 0, true, item, e) ||
                   v_bool(body, "done", "", true, done, e)
               ? -1
               : 0;
}

int phase_advance_read(const json_t *body, bool *override, verr *e)
{
    static const char *const keys[] = {"override", NULL};
    return v_known_keys(body, "", keys, e) || v_bool(body, "override", "", false, override, e) ? -1
                                                                                               : 0;
}
