/* goals.c - a relationship's goals (SMART: a specific statement, how
 * success is measured, why it matters, a target date) with status,
 * progress and milestones (product.md §2, §6). The first goal moves every
 * member to the funnel stage goals_set. */
#include <string.h>

#include "api/handlers.h"
#include "api/relationship.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/str.h"

static const char *const goal_statuses[] = {"open", "achieved", "dropped", NULL};

#define GOAL_COLS                                                                                  \
    "id, statement, measure, why, target_date, status, progress, created_by, created_at, "         \
    "updated_at"

static json_t *text_or_null(store_rows *rows, int col)
{
    return store_col_null(rows, col) ? json_null() : json_string(store_col_text(rows, col));
}

static json_t *goal_row_json(store_rows *rows, int64_t rel_id)
{
    json_t *g = json_pack(
        "{s:I, s:I, s:s, s:s, s:s, s:o, s:s, s:I, s:o, s:o, s:o}", "id",
        (json_int_t)store_col_int(rows, 0), "relationship_id", (json_int_t)rel_id, "statement",
        store_col_text(rows, 1), "measure", store_col_text(rows, 2), "why", store_col_text(rows, 3),
        "target_date", text_or_null(rows, 4), "status", store_col_text(rows, 5), "progress",
        (json_int_t)store_col_int(rows, 6), "created_at", api_time(store_col_int(rows, 8)),
        "updated_at", api_time(store_col_int(rows, 9)), "milestones", json_array());
    json_object_set_new(g, "created_by",
                        store_col_null(rows, 7) ? json_null()
                                                : json_integer(store_col_int(rows, 7)));
    return g;
}

static json_t *milestone_row_json(store_rows *rows)
{
    return json_pack("{s:I, s:I, s:s, s:o, s:b, s:o, s:o}", "id",
                     (json_int_t)store_col_int(rows, 0), "goal_id",
                     (json_int_t)store_col_int(rows, 1), "title", store_col_text(rows, 2),
                     "due_date", text_or_null(rows, 3), "done", !store_col_null(rows, 4), "done_at",
                     store_col_null(rows, 4) ? json_null() : api_time(store_col_int(rows, 4)),
                     "created_at", api_time(store_col_int(rows, 5)));
}

/* Adds each goal's milestones to the goals in `goals` (an array). */
static int add_milestones(api_ctx *c, int64_t rel_id, int64_t goal_id, json_t *goals)
{
    store_rows *rows;
    store_val p[] = {SV_INT(rel_id), SV_INT(goal_id)};
    int rc = store_query(
        c->db,
        "SELECT m.id, m.goal_id, m.title, m.due_date, m.done_at, m.created_at "
        "FROM milestones m JOIN goals g ON g.id = m.goal_id "
        "WHERE g.relationship_id = ?1 AND (?2 = 0 OR g.id = ?2) ORDER BY m.goal_id, m.id",
        p, 2, &rows);
    if (rc != STORE_OK)
        return rc;
    while (store_next(rows) == 1) {
        int64_t gid = store_col_int(rows, 1);
        size_t i;
        json_t *g;
        json_array_foreach(goals, i, g)
        {
            if (json_integer_value(json_object_get(g, "id")) == gid) {
                json_array_append_new(json_object_get(g, "milestones"), milestone_row_json(rows));
                break;
            }
        }
    }
    store_rows_free(rows);
    return STORE_OK;
}

/* Goal `gid` of the relationship with its milestones: 1, 0 none, < 0. */
static int goal_load(api_ctx *c, int64_t rel_id, int64_t gid, json_t **out)
{
    *out = NULL;
    store_rows *rows;
    store_val p[] = {SV_INT(gid), SV_INT(rel_id)};
    int rc =
        store_query(c->db, "SELECT " GOAL_COLS " FROM goals WHERE id = ?1 AND relationship_id = ?2",
                    p, 2, &rows);
    if (rc != STORE_OK)
        return rc;
    json_t *goals = json_array();
    if (store_next(rows) == 1)
        json_array_append_new(goals, goal_row_json(rows, rel_id));
    store_rows_free(rows);
    if (json_array_size(goals) == 0) {
        json_decref(goals);
        return 0;
    }
    if ((rc = add_milestones(c, rel_id, gid, goals)) != STORE_OK) {
        json_decref(goals);
        return rc;
    }
    *out = json_incref(json_array_get(goals, 0));
    json_decref(goals);
    return 1;
}

int h_goals_list(api_ctx *c)
{
    struct svc_rel r;
    int64_t limit, offset, total = 0;
    if (rel_open(c, 0, PERM_READ, &r) || api_page(c, &limit, &offset))
        return -1;
    store_val p[] = {SV_INT(r.id), SV_INT(limit), SV_INT(offset)};
    int rc = store_query_int(c->db, "SELECT COUNT(*) FROM goals WHERE relationship_id = ?1", p, 1,
                             &total);
    if (rc < 0)
        return api_store_failed(c, rc);
    store_rows *rows;
    if ((rc = store_query(c->db,
                          "SELECT " GOAL_COLS
                          " FROM goals WHERE relationship_id = ?1 ORDER BY id LIMIT ?2 OFFSET ?3",
                          p, 3, &rows)) != STORE_OK)
        return api_store_failed(c, rc);
    json_t *items = json_array();
    while (store_next(rows) == 1)
        json_array_append_new(items, goal_row_json(rows, r.id));
    store_rows_free(rows);
    if ((rc = add_milestones(c, r.id, 0, items)) != STORE_OK) {
        json_decref(items);
        return api_store_failed(c, rc);
    }
    return api_json(c, 200,
                    json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total,
                              "limit", (json_int_t)limit, "offset", (json_int_t)offset));
}

struct goal_in {
    const char *statement, *measure, *why, *target_date, *status;
    int64_t progress;
    bool clear_date;
};

/* Checks a goal's fields; absent ones keep the values in *g. */
static int goal_check(const json_t *body, bool create, struct goal_in *g, verr *e)
{
    static const char *const keys[] = {"statement", "measure",  "why", "target_date",
                                       "status",    "progress", NULL};
    const char *date;
    if (v_known_keys(body, "", keys, e) ||
        v_string(body, "statement", "", create, false, LIMIT_WORKSPACE_SHORT_BYTES, g->statement,
                 &g->statement, e) ||
        v_string(body, "measure", "", false, true, LIMIT_WORKSPACE_SHORT_BYTES, g->measure,
                 &g->measure, e) ||
        v_string(body, "why", "", false, true, LIMIT_WORKSPACE_SHORT_BYTES, g->why, &g->why, e) ||
        v_date(body, "target_date", "", &date, e) ||
        v_enum(body, "status", "", goal_statuses, g->status, &g->status, e) ||
        v_int(body, "progress", "", 0, 100, g->progress, false, &g->progress, e))
        return -1;
    if (!create && json_is_null(json_object_get(body, "statement")))
        return v_fail(e, "", "statement", "is required");
    if (date)
        g->target_date = date;
    else if (json_is_null(json_object_get(body, "target_date")))
        g->target_date = NULL;
    return 0;
}

int h_goal_create(api_ctx *c)
{
    struct svc_rel r;
    json_t *body = NULL;
    int result = -1, rc;
    if (rel_open_writable(c, &r) || api_body_object(c, &body))
        goto done;
    struct goal_in g = {.measure = "", .why = "", .status = "open"};
    verr e = {0};
    if (goal_check(body, true, &g, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    int64_t count = 0, now = clock_now(), id = 0;
    store_val q[] = {SV_INT(r.id)};
    if ((rc = store_query_int(c->db, "SELECT COUNT(*) FROM goals WHERE relationship_id = ?1", q, 1,
                              &count)) < 0)
        goto store_fail;
    if (count >= LIMIT_GOALS_PER_RELATIONSHIP) {
        result = api_problem(c, 409, NULL, "a relationship keeps at most %d goals",
                             LIMIT_GOALS_PER_RELATIONSHIP);
        goto done;
    }
    store_val p[] = {SV_INT(r.id),       SV_TEXT(g.statement),       SV_TEXT(g.measure),
                     SV_TEXT(g.why),     SV_TEXT(g.target_date),     SV_TEXT(g.status),
                     SV_INT(g.progress), SV_INT(c->actor.person_id), SV_INT(now)};
    if ((rc = store_query_int(
             c->db,
             "INSERT INTO goals (relationship_id, statement, measure, why, target_date, status, "
             "progress, created_by, created_at, updated_at) "
             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9) RETURNING id",
             p, 9, &id)) != 1)
        goto store_fail;
    if ((rc = svc_relationship_stage_all(c->db, r.id, STAGE_GOALS_SET, now)) != STORE_OK)
        goto store_fail;
    api_audit(c, "goal.create", "goal", id,
              json_pack("{s:I}", "relationship_id", (json_int_t)r.id));
    json_t *out;
    if ((rc = goal_load(c, r.id, id, &out)) != 1)
        goto store_fail;
    result = api_json(c, 201, out);
    goto done;
store_fail:
    result = api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
done:
    json_decref(body);
    return result;
}

int h_goal_patch(api_ctx *c)
{
    struct svc_rel r;
    json_t *body = NULL, *cur = NULL;
    int64_t gid;
    int result = -1, rc;
    if (rel_open_writable(c, &r) || api_param_id(c, 1, &gid) || api_body_object(c, &body))
        goto done;
    /* Lock the goal's row, and learn whether it is this relationship's. */
    int64_t now = clock_now(), changes = 0;
    store_val l[] = {SV_INT(gid), SV_INT(r.id), SV_INT(now)};
    if ((rc = store_exec(c->db,
                         "UPDATE goals SET updated_at = ?3 WHERE id = ?1 AND relationship_id = ?2",
                         l, 3, &changes)) != STORE_OK)
        goto store_fail;
    if (changes == 0) {
        result = api_not_found(c);
        goto done;
    }
    if ((rc = goal_load(c, r.id, gid, &cur)) != 1)
        goto store_fail;
    struct goal_in g = {
        .statement = json_string_value(json_object_get(cur, "statement")),
        .measure = json_string_value(json_object_get(cur, "measure")),
        .why = json_string_value(json_object_get(cur, "why")),
        .target_date = json_string_value(json_object_get(cur, "target_date")),
        .status = json_string_value(json_object_get(cur, "status")),
        .progress = json_integer_value(json_object_get(cur, "progress")),
    };
    verr e = {0};
    if (goal_check(body, false, &g, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    store_val p[] = {SV_INT(gid),       SV_TEXT(g.statement),   SV_TEXT(g.measure),
                     SV_TEXT(g.why),    SV_TEXT(g.target_date), SV_TEXT(g.status),
                     SV_INT(g.progress)};
    if ((rc = store_exec(c->db,
                         "UPDATE goals SET statement = ?2, measure = ?3, why = ?4, target_date = "
                         "?5, status = ?6, "
                         "progress = ?7 WHERE id = ?1",
                         p, 7, NULL)) != STORE_OK)
        goto store_fail;
    api_audit(c, "goal.update", "goal", gid, json_pack("{s:s}", "status", g.status));
    json_t *out;
    if ((rc = goal_load(c, r.id, gid, &out)) != 1)
        goto store_fail;
    result = api_json(c, 200, out);
    goto done;
store_fail:
    result = api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
done:
    json_decref(body);
    json_decref(cur);
    return result;
}

/* The milestone as JSON: 1, 0 none, < 0. */
static int milestone_load(api_ctx *c, int64_t gid, int64_t mid, json_t **out)
{
    *out = NULL;
    store_rows *rows;
    store_val p[] = {SV_INT(mid), SV_INT(gid)};
    int rc = store_query(c->db,
                         "SELECT id, goal_id, title, due_date, done_at, created_at FROM milestones "
                         "WHERE id = ?1 AND goal_id = ?2",
                         p, 2, &rows);
    if (rc != STORE_OK)
        return rc;
    rc = store_next(rows);
    if (rc == 1)
        *out = milestone_row_json(rows);
    store_rows_free(rows);
    return rc;
}

/* Takes goal `gid`'s row lock when it belongs to the relationship: 1, 0, < 0. */
static int goal_lock(api_ctx *c, int64_t rel_id, int64_t gid, int64_t now)
{
    int64_t changes = 0;
    store_val l[] = {SV_INT(gid), SV_INT(rel_id), SV_INT(now)};
    int rc =
        store_exec(c->db, "UPDATE goals SET updated_at = ?3 WHERE id = ?1 AND relationship_id = ?2",
                   l, 3, &changes);
    return rc != STORE_OK ? rc : changes > 0;
}

int h_milestone_create(api_ctx *c)
{
    static const char *const keys[] = {"title", "due_date", NULL};
    struct svc_rel r;
    json_t *body = NULL;
    int64_t gid;
    int result = -1, rc;
    if (rel_open_writable(c, &r) || api_param_id(c, 1, &gid) || api_body_object(c, &body))
        goto done;
    int64_t now = clock_now(), id = 0, count = 0;
    if ((rc = goal_lock(c, r.id, gid, now)) != 1) {
        result = rc == 0 ? api_not_found(c) : api_store_failed(c, rc);
        goto done;
    }
    verr e = {0};
    const char *title, *due;
    if (v_known_keys(body, "", keys, &e) ||
        v_string(body, "title", "", true, false, LIMIT_WORKSPACE_SHORT_BYTES, NULL, &title, &e) ||
        v_date(body, "due_date", "", &due, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    store_val q[] = {SV_INT(gid)};
    if ((rc = store_query_int(c->db, "SELECT COUNT(*) FROM milestones WHERE goal_id = ?1", q, 1,
                              &count)) < 0)
        goto store_fail;
    if (count >= LIMIT_MILESTONES_PER_GOAL) {
        result = api_problem(c, 409, NULL, "a goal keeps at most %d milestones",
                             LIMIT_MILESTONES_PER_GOAL);
        goto done;
    }
    store_val p[] = {SV_INT(gid), SV_TEXT(title), SV_TEXT(due), SV_INT(now)};
    if ((rc = store_query_int(c->db,
                              "INSERT INTO milestones (goal_id, title, due_date, created_at) "
                              "VALUES (?1, ?2, ?3, ?4) RETURNING id",
                              p, 4, &id)) != 1)
        goto store_fail;
    api_audit(c, "milestone.create", "goal", gid,
              json_pack("{s:I}", "milestone_id", (json_int_t)id));
    json_t *out;
    if ((rc = milestone_load(c, gid, id, &out)) != 1)
        goto store_fail;
    result = api_json(c, 201, out);
    goto done;
store_fail:
    result = api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
done:
    json_decref(body);
    return result;
}

int h_milestone_patch(api_ctx *c)
{
    static const char *const keys[] = {"title", "due_date", "done", NULL};
    struct svc_rel r;
    json_t *body = NULL, *cur = NULL;
    int64_t gid, mid;
    int result = -1, rc;
    if (rel_open_writable(c, &r) || api_param_id(c, 1, &gid) || api_param_id(c, 2, &mid) ||
        api_body_object(c, &body))
        goto done;
    int64_t now = clock_now();
    if ((rc = goal_lock(c, r.id, gid, now)) != 1 || (rc = milestone_load(c, gid, mid, &cur)) != 1) {
        result = rc == 0 ? api_not_found(c) : api_store_failed(c, rc);
        goto done;
    }
    verr e = {0};
    const char *title, *due;
    bool was_done = json_is_true(json_object_get(cur, "done")), done_flag;
    if (v_known_keys(body, "", keys, &e) ||
        v_string(body, "title", "", false, false, LIMIT_WORKSPACE_SHORT_BYTES,
                 json_string_value(json_object_get(cur, "title")), &title, &e) ||
        v_date(body, "due_date", "", &due, &e) ||
        v_bool(body, "done", "", was_done, &done_flag, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    if (json_is_null(json_object_get(body, "title"))) {
        result = api_problem(c, 422, "title", "title: is required");
        goto done;
    }
    if (!due && !json_object_get(body, "due_date"))
        due = json_string_value(json_object_get(cur, "due_date"));
    /* Ticking again keeps the first time it was done. */
    store_val p[] = {SV_INT(mid), SV_TEXT(title), SV_TEXT(due), SV_INT(done_flag ? 1 : 0),
                     SV_INT(now)};
    if ((rc = store_exec(
             c->db,
             "UPDATE milestones SET title = ?2, due_date = ?3, "
             "done_at = CASE WHEN ?4 = 0 THEN NULL ELSE COALESCE(done_at, ?5) END WHERE id = ?1",
             p, 5, NULL)) != STORE_OK)
        goto store_fail;
    api_audit(c, "milestone.update", "goal", gid,
              json_pack("{s:I, s:b}", "milestone_id", (json_int_t)mid, "done", done_flag));
    json_t *out;
    if ((rc = milestone_load(c, gid, mid, &out)) != 1)
        goto store_fail;
    result = api_json(c, 200, out);
    goto done;
store_fail:
    result = api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
done:
    json_decref(body);
    json_decref(cur);
    return result;
}
