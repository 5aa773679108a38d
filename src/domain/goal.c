#include "domain/goal.h"

#include <string.h>

#include "base/limits.h"

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

int goal_change_read(const json_t *body, bool create, struct goal_change *g, verr *e)
{
    static const char *const keys[] = {"statement", "measure",  "why", "target_date",
                                       "status",    "progress", NULL};
    const char *date;
    if (v_known_keys(body, "", keys, e) ||
        v_string(body, "statement", "", create, false, LIMIT_WORKSPACE_SHORT_BYTES, NULL,
                 &g->statement, e) ||
        v_string(body, "measure", "", false, true, LIMIT_WORKSPACE_SHORT_BYTES, NULL, &g->measure,
                 e) ||
        v_string(body, "why", "", false, true, LIMIT_WORKSPACE_SHORT_BYTES, NULL, &g->why, e) ||
        v_date(body, "target_date", "", &date, e) ||
        v_enum(body, "status", "", goal_statuses, "", &g->status, e) ||
        v_int(body, "progress", "", 0, 100, 0, false, &g->progress, e))
        return -1;
    if (json_is_null(json_object_get(body, "statement")))
        return v_fail(e, "", "statement", "is required");
    if (!*g->status)
        g->status = NULL; /* absent: kept */
    g->set_progress = json_object_get(body, "progress") != NULL;
    g->set_target_date = json_object_get(body, "target_date") != NULL;
    g->target_date = date;
    return 0;
}

int milestone_change_read(const json_t *body, bool create, struct milestone_change *m, verr *e)
{
    static const char *const keys[] = {"title", "due_date", "done", NULL};
    static const char *const create_keys[] = {"title", "due_date", NULL};
    bool done = false;
    if (v_known_keys(body, "", create ? create_keys : keys, e) ||
        v_line(body, "title", "", create, false, LIMIT_WORKSPACE_SHORT_BYTES, NULL, &m->title, e) ||
        v_date(body, "due_date", "", &m->due_date, e) || v_bool(body, "done", "", false, &done, e))
        return -1;
    if (json_is_null(json_object_get(body, "title")))
        return v_fail(e, "", "title", "is required");
    m->set_due_date = json_object_get(body, "due_date") != NULL;
    m->done = json_object_get(body, "done") ? done : -1;
    return 0;
}
