#include "domain/goal.h"

#include <string.h>

const char *const goal_statuses[] = {"open", "achieved", "dropped", NULL};

/* YYYY-MM-DD texts order as their dates. */
static bool before(const char *a, const char *b)
{
    return a && *a && b && strcmp(a, b) < 0;
}

const char *goal_date_check(const char *date, const char *today)
{
    return before(date, today) ? "is in the past; choose today or a later date" : NULL;
}

bool goal_overdue(const char *target_date, const char *status, const char *today)
{
    return status && strcmp(status, "open") == 0 && before(target_date, today);
}

bool milestone_overdue(const char *due_date, bool done, const char *today)
{
    return !done && before(due_date, today);
}
