#include "service/facts.h"
#include "service/goal.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/str.h"
#include "domain/goal.h"
#include "domain/when.h"
#include "service/audit.h"
#include "service/workspace.h"
#include "service/recognition.h"
#include "service/reminder.h"

#define GOAL_COLS                                                                                  \
    "id, statement, measure, why, target_date, status, progress, created_by, created_at, "         \
    "updated_at"
#define MILESTONE_COLS "m.id, m.goal_id, m.title, m.due_date, m.done_at, m.created_at"

void svc_milestone_cleanup(struct svc_milestone *m)
{
    if (!m)
        return;
    free(m->title);
    m->title = NULL;
}

void svc_goal_cleanup(struct svc_goal *g)
{
    if (!g)
        return;
    free(g->statement);
    free(g->measure);
    free(g->why);
    for (size_t i = 0; i < g->nmilestones; i++)
        svc_milestone_cleanup(&g->milestones[i]);
    free(g->milestones);
    memset(g, 0, sizeof *g);
}

void svc_goals_free(struct svc_goal *g, size_t n)
{
    for (size_t i = 0; g && i < n; i++)
        svc_goal_cleanup(&g[i]);
    free(g);
}

/* The calendar date today for the actor, in their time zone. */
static int today_of(store *db, const svc_actor *actor, const struct svc_rel *r, char out[11])
{
    struct svc_ws_person me = {0};
    int rc = actor->person_id ? svc_workspace_person(db, actor->person_id, r->my_part, &me)
                              : SVC_NOT_FOUND;
    if (rc < 0)
        return rc;
    when_date(clock_now(), rc == SVC_OK ? me.time_zone : "UTC", out);
    return STORE_OK;
}

static void date_col(store_rows *rows, int col, char out[11])
{
    str_fmt(out, 11, "%s", store_col_null(rows, col) ? "" : store_col_text(rows, col));
}

static void read_goal(store_rows *rows, int64_t rel_id, const char *today, struct svc_goal *g)
{
    memset(g, 0, sizeof *g);
    g->id = store_col_int(rows, 0);
    g->relationship_id = rel_id;
    g->statement = xstrdup(store_col_text(rows, 1));
    g->measure = xstrdup(store_col_text(rows, 2));
    g->why = xstrdup(store_col_text(rows, 3));
    date_col(rows, 4, g->target_date);
    str_fmt(g->status, sizeof g->status, "%s", store_col_text(rows, 5));
    g->progress = store_col_int(rows, 6);
    g->created_by = store_col_null(rows, 7) ? 0 : store_col_int(rows, 7);
    g->created_at = store_col_int(rows, 8);
    g->updated_at = store_col_int(rows, 9);
    g->overdue = goal_overdue(g->target_date, g->status, today);
}

static void read_milestone(store_rows *rows, const char *today, struct svc_milestone *m)
{
    memset(m, 0, sizeof *m);
    m->id = store_col_int(rows, 0);
    m->goal_id = store_col_int(rows, 1);
    m->title = xstrdup(store_col_text(rows, 2));
    date_col(rows, 3, m->due_date);
    m->done_at = store_col_null(rows, 4) ? 0 : store_col_int(rows, 4);
    m->created_at = store_col_int(rows, 5);
    m->overdue = milestone_overdue(m->due_date, m->done_at != 0, today);
}

/* Adds their milestones to goals[0..n) (goal_id 0: every goal of r). */
static int add_milestones(store *db, int64_t rel_id, int64_t goal_id, const char *today,
                          struct svc_goal *goals, size_t n)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(rel_id), SV_INT(goal_id)};
    int rc = store_query(db,
                         "SELECT " MILESTONE_COLS " FROM milestones m JOIN goals g ON g.id = "
                         "m.goal_id WHERE g.relationship_id = ?1 AND (?2 = 0 OR g.id = ?2) "
                         "ORDER BY m.goal_id, m.id",
                         p, 2, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        int64_t gid = store_col_int(rows, 1);
        for (size_t i = 0; i < n; i++) {
            struct svc_goal *g = &goals[i];
            if (g->id != gid)
                continue;
            if (g->nmilestones % 8 == 0)
                g->milestones =
                    xrealloc(g->milestones, (g->nmilestones + 8) * sizeof *g->milestones);
            read_milestone(rows, today, &g->milestones[g->nmilestones++]);
            break;
        }
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

int svc_goal_list(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t limit,
                  int64_t offset, struct svc_goal **out, size_t *n, int64_t *total)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(r->id), SV_INT(limit), SV_INT(offset)};
    char today[11];
    *out = NULL;
    *n = 0;
    *total = 0;
    int rc = today_of(db, actor, r, today);
    if (rc != STORE_OK ||
        (rc = store_query_int(db, "SELECT COUNT(*) FROM goals WHERE relationship_id = ?1", p, 1,
                              total)) < 0 ||
        (rc = store_query(db,
                          "SELECT " GOAL_COLS " FROM goals WHERE relationship_id = ?1 "
                          "ORDER BY id LIMIT ?2 OFFSET ?3",
                          p, 3, &rows)) != STORE_OK)
        return rc < 0 ? rc : STORE_ERROR;
    *out = xcalloc((size_t)(limit > 0 ? limit : 1), sizeof **out);
    while ((int64_t)*n < limit && (rc = store_next(rows)) == 1) {
        read_goal(rows, r->id, today, &(*out)[(*n)++]);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc >= 0)
        rc = add_milestones(db, r->id, 0, today, *out, *n);
    if (rc < 0) {
        svc_goals_free(*out, *n);
        *out = NULL;
        *n = 0;
        return rc;
    }
    return STORE_OK;
}

/* Goal gid of r, read for a reader whose date is `today`. */
static int load(store *db, const struct svc_rel *r, int64_t gid, const char *today,
                struct svc_goal *out)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(gid), SV_INT(r->id)};
    memset(out, 0, sizeof *out);
    int rc = store_query(
        db, "SELECT " GOAL_COLS " FROM goals WHERE id = ?1 AND relationship_id = ?2", p, 2, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1)
        read_goal(rows, r->id, today, out);
    store_rows_free(rows);
    if (rc != 1)
        return rc == 0 ? SVC_NOT_FOUND : rc;
    if ((rc = add_milestones(db, r->id, gid, today, out, 1)) != STORE_OK)
        svc_goal_cleanup(out);
    return rc;
}

int svc_goal_get(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t gid,
                 struct svc_goal *out)
{
    char today[11];
    memset(out, 0, sizeof *out);
    int rc = today_of(db, actor, r, today);
    return rc != STORE_OK ? rc : load(db, r, gid, today, out);
}

/* Checks the new values of a goal: the statement not blank, a new target
 * date (one that differs from `was`) not in the past. */
static int check_goal(const struct goal_change *in, const char *statement, const char *target,
                      const char *was, const char *today, verr *e)
{
    const char *why;
    bool bad = false;
    if (in->statement || !statement) {
        const char *s = in->statement ? in->statement : "";
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        if (!*s)
            bad = v_add(e, "", "statement", "is required") != 0;
    }
    if (in->set_target_date && target && strcmp(target, was) != 0 &&
        (why = goal_date_check(target, today)))
        bad = v_add(e, "", "target_date", "%s (today is %s)", why, today) != 0;
    if (in->set_progress && (in->progress < 0 || in->progress > 100))
        bad = v_add(e, "", "progress", "must be between 0 and 100") != 0;
    return bad ? SVC_INVALID : SVC_OK;
}

int svc_goal_create(store *db, const svc_actor *actor, const struct svc_rel *r,
                    const struct goal_change *in, struct svc_goal *out, verr *e)
{
    char today[11];
    int64_t count = 0, now = clock_now(), id = 0;
    memset(out, 0, sizeof *out);
    int rc = svc_workspace_writable(r, e);
    if (rc != SVC_OK || (rc = today_of(db, actor, r, today)) != STORE_OK)
        return rc;
    const char *target = in->set_target_date ? in->target_date : NULL;
    if ((rc = check_goal(in, NULL, target, "", today, e)) != SVC_OK)
        return rc;
    store_val q[] = {SV_INT(r->id)};
    if ((rc = store_query_int(db, "SELECT COUNT(*) FROM goals WHERE relationship_id = ?1", q, 1,
                              &count)) < 0)
        return rc;
    if (count >= LIMIT_GOALS_PER_RELATIONSHIP)
        return svc_fail(e, SVC_REFUSED, "", "a relationship keeps at most %d goals",
                        LIMIT_GOALS_PER_RELATIONSHIP);
    store_val p[] = {SV_INT(r->id),
                     SV_TEXT(in->statement),
                     SV_TEXT(in->measure ? in->measure : ""),
                     SV_TEXT(in->why ? in->why : ""),
                     SV_TEXT(target && *target ? target : NULL),
                     SV_TEXT(in->status ? in->status : "open"),
                     SV_INT(in->set_progress ? in->progress : 0),
                     actor->person_id ? SV_INT(actor->person_id) : SV_NULL,
                     SV_INT(now)};
    if ((rc = store_query_int(db,
                              "INSERT INTO goals (relationship_id, statement, measure, why, "
                              "target_date, status, progress, created_by, created_at, "
                              "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9) "
                              "RETURNING id",
                              p, 9, &id)) != 1)
        return rc < 0 ? rc : STORE_ERROR;
    if ((rc = svc_relationship_stage_all(db, r->id, STAGE_GOALS_SET, now)) != STORE_OK ||
        (rc = svc_reminder_relationship(db, r->id, now)) != STORE_OK ||
        (in->status && strcmp(in->status, "achieved") == 0 &&
         (rc = svc_recognition_update(db, r->id, now)) != STORE_OK) ||
        (rc = svc_facts_refresh(db, r->id)) != STORE_OK ||
        (rc = svc_audit(db, actor, "goal.create", "goal", id,
                        json_pack("{s:I}", "relationship_id", (json_int_t)r->id))) != STORE_OK)
        return rc;
    return (rc = load(db, r, id, today, out)) == SVC_NOT_FOUND ? STORE_ERROR : rc;
}

/* Takes goal gid's row lock when it is r's: SVC_OK, SVC_NOT_FOUND, < 0. */
static int lock_goal(store *db, const struct svc_rel *r, int64_t gid, int64_t now)
{
    int64_t changes = 0;
    store_val l[] = {SV_INT(gid), SV_INT(r->id), SV_INT(now)};
    int rc =
        store_exec(db, "UPDATE goals SET updated_at = ?3 WHERE id = ?1 AND relationship_id = ?2", l,
                   3, &changes);
    return rc != STORE_OK ? rc : changes ? SVC_OK : SVC_NOT_FOUND;
}

int svc_goal_update(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t gid,
                    const struct goal_change *in, struct svc_goal *out, verr *e)
{
    char today[11];
    struct svc_goal cur = {0};
    int64_t now = clock_now();
    memset(out, 0, sizeof *out);
    int rc = svc_workspace_writable(r, e);
    if (rc != SVC_OK || (rc = today_of(db, actor, r, today)) != STORE_OK ||
        (rc = lock_goal(db, r, gid, now)) != SVC_OK || (rc = load(db, r, gid, today, &cur)))
        goto done;
    const char *target = in->set_target_date ? in->target_date : cur.target_date;
    if ((rc = check_goal(in, cur.statement, in->set_target_date ? target : NULL, cur.target_date,
                         today, e)) != SVC_OK)
        goto done;
    store_val p[] = {SV_INT(gid),
                     SV_TEXT(in->statement ? in->statement : cur.statement),
                     SV_TEXT(in->measure ? in->measure : cur.measure),
                     SV_TEXT(in->why ? in->why : cur.why),
                     SV_TEXT(target && *target ? target : NULL),
                     SV_TEXT(in->status ? in->status : cur.status),
                     SV_INT(in->set_progress ? in->progress : cur.progress)};
    if ((rc = store_exec(db,
                         "UPDATE goals SET statement = ?2, measure = ?3, why = ?4, target_date = "
                         "?5, status = ?6, progress = ?7 WHERE id = ?1",
                         p, 7, NULL)) != STORE_OK ||
        (in->status && strcmp(in->status, "achieved") == 0 &&
         (rc = svc_recognition_update(db, r->id, now)) != STORE_OK) ||
        (rc = svc_reminder_relationship(db, r->id, now)) != STORE_OK ||
        (rc = svc_facts_refresh(db, r->id)) != STORE_OK ||
        (rc = svc_audit(db, actor, "goal.update", "goal", gid,
                        json_pack("{s:s}", "status", in->status ? in->status : cur.status))) !=
            STORE_OK)
        goto done;
    rc = load(db, r, gid, today, out);
    if (rc == SVC_NOT_FOUND)
        rc = STORE_ERROR;
done:
    svc_goal_cleanup(&cur);
    return rc;
}

/* Milestone mid of goal gid: SVC_OK, SVC_NOT_FOUND, < 0. */
static int load_milestone(store *db, int64_t gid, int64_t mid, const char *today,
                          struct svc_milestone *out)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(mid), SV_INT(gid)};
    memset(out, 0, sizeof *out);
    int rc = store_query(db,
                         "SELECT " MILESTONE_COLS " FROM milestones m WHERE m.id = ?1 AND "
                         "m.goal_id = ?2",
                         p, 2, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1)
        read_milestone(rows, today, out);
    store_rows_free(rows);
    return rc == 1 ? SVC_OK : rc == 0 ? SVC_NOT_FOUND : rc;
}

static int check_milestone(const struct milestone_change *in, bool create, const char *was,
                           const char *today, verr *e)
{
    const char *why;
    bool bad = false;
    if (create || in->title) {
        const char *s = in->title ? in->title : "";
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        if (!*s)
            bad = v_add(e, "", "title", "is required") != 0;
    }
    if (in->set_due_date && in->due_date && strcmp(in->due_date, was) != 0 &&
        (why = goal_date_check(in->due_date, today)))
        bad = v_add(e, "", "due_date", "%s (today is %s)", why, today) != 0;
    return bad ? SVC_INVALID : SVC_OK;
}

int svc_milestone_create(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t gid,
                         const struct milestone_change *in, struct svc_milestone *out, verr *e)
{
    char today[11];
    int64_t now = clock_now(), id = 0, count = 0;
    memset(out, 0, sizeof *out);
    int rc = svc_workspace_writable(r, e);
    if (rc != SVC_OK || (rc = today_of(db, actor, r, today)) != STORE_OK ||
        (rc = lock_goal(db, r, gid, now)) != SVC_OK ||
        (rc = check_milestone(in, true, "", today, e)) != SVC_OK)
        return rc;
    store_val q[] = {SV_INT(gid)};
    if ((rc = store_query_int(db, "SELECT COUNT(*) FROM milestones WHERE goal_id = ?1", q, 1,
                              &count)) < 0)
        return rc;
    if (count >= LIMIT_MILESTONES_PER_GOAL)
        return svc_fail(e, SVC_REFUSED, "", "a goal keeps at most %d milestones",
                        LIMIT_MILESTONES_PER_GOAL);
    const char *due = in->set_due_date && in->due_date && *in->due_date ? in->due_date : NULL;
    store_val p[] = {SV_INT(gid), SV_TEXT(in->title), SV_TEXT(due), SV_INT(now),
                     SV_INT(in->done == 1 ? 1 : 0)};
    if ((rc = store_query_int(db,
                              "INSERT INTO milestones (goal_id, title, due_date, created_at, "
                              "done_at) VALUES (?1, ?2, ?3, ?4, CASE WHEN ?5 = 1 THEN ?4 END) "
                              "RETURNING id",
                              p, 5, &id)) != 1)
        return rc < 0 ? rc : STORE_ERROR;
    if ((rc = svc_facts_refresh(db, r->id)) != STORE_OK ||
        (rc = svc_audit(db, actor, "milestone.create", "goal", gid,
                        json_pack("{s:I}", "milestone_id", (json_int_t)id))) != STORE_OK)
        return rc;
    return (rc = load_milestone(db, gid, id, today, out)) == SVC_NOT_FOUND ? STORE_ERROR : rc;
}

int svc_milestone_update(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t gid,
                         int64_t mid, const struct milestone_change *in, struct svc_milestone *out,
                         verr *e)
{
    char today[11];
    struct svc_milestone cur = {0};
    int64_t now = clock_now();
    memset(out, 0, sizeof *out);
    int rc = svc_workspace_writable(r, e);
    if (rc != SVC_OK || (rc = today_of(db, actor, r, today)) != STORE_OK ||
        (rc = lock_goal(db, r, gid, now)) != SVC_OK ||
        (rc = load_milestone(db, gid, mid, today, &cur)) != SVC_OK ||
        (rc = check_milestone(in, false, cur.due_date, today, e)) != SVC_OK)
        goto done;
    const char *due = in->set_due_date ? in->due_date : cur.due_date;
    int done = in->done >= 0 ? in->done : cur.done_at != 0;
    /* Ticking again keeps the first time it was done. */
    store_val p[] = {SV_INT(mid), SV_TEXT(in->title ? in->title : cur.title),
                     SV_TEXT(due && *due ? due : NULL), SV_INT(done), SV_INT(now)};
    if ((rc = store_exec(db,
                         "UPDATE milestones SET title = ?2, due_date = ?3, done_at = CASE WHEN "
                         "?4 = 0 THEN NULL ELSE COALESCE(done_at, ?5) END WHERE id = ?1",
                         p, 5, NULL)) != STORE_OK ||
        (rc = svc_facts_refresh(db, r->id)) != STORE_OK ||
        (rc = svc_audit(db, actor, "milestone.update", "goal", gid,
                        json_pack("{s:I, s:b}", "milestone_id", (json_int_t)mid, "done",
                                  done != 0))) != STORE_OK)
        goto done;
    rc = load_milestone(db, gid, mid, today, out);
    if (rc == SVC_NOT_FOUND)
        rc = STORE_ERROR;
done:
    svc_milestone_cleanup(&cur);
    return rc;
}
