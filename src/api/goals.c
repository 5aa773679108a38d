/* goals.c - a relationship's goals and milestones (product.md §2, §6):
 * GET, POST /relationships/{rid}/goals; PATCH goals/{gid}; POST, PATCH
 * their milestones. The rules are service/goal.h's. */
#include <string.h>

#include "api/handlers.h"
#include "api/relationship.h"
#include "domain/goal.h"
#include "service/goal.h"

static json_t *date_or_null(const char *d)
{
    return d && *d ? json_string(d) : json_null();
}

static json_t *milestone_json(const struct svc_milestone *m)
{
    return json_pack("{s:I, s:I, s:s, s:o, s:b, s:o, s:o, s:b}", "id", (json_int_t)m->id, "goal_id",
                     (json_int_t)m->goal_id, "title", m->title ? m->title : "", "due_date",
                     date_or_null(m->due_date), "done", m->done_at != 0, "done_at",
                     m->done_at ? api_time(m->done_at) : json_null(), "created_at",
                     api_time(m->created_at), "overdue", m->overdue);
}

static json_t *goal_json(const struct svc_goal *g)
{
    json_t *ms = json_array();
    for (size_t i = 0; i < g->nmilestones; i++)
        json_array_append_new(ms, milestone_json(&g->milestones[i]));
    json_t *o = json_pack(
        "{s:I, s:I, s:s, s:s, s:s, s:o, s:s, s:I, s:o, s:o, s:o, s:b}", "id", (json_int_t)g->id,
        "relationship_id", (json_int_t)g->relationship_id, "statement", g->statement, "measure",
        g->measure, "why", g->why, "target_date", date_or_null(g->target_date), "status", g->status,
        "progress", (json_int_t)g->progress, "created_at", api_time(g->created_at), "updated_at",
        api_time(g->updated_at), "milestones", ms, "overdue", g->overdue);
    json_object_set_new(o, "created_by", g->created_by ? json_integer(g->created_by) : json_null());
    return o;
}

int h_goals_list(api_ctx *c)
{
    struct svc_rel r;
    int64_t limit, offset, total;
    struct svc_goal *goals;
    size_t n;
    if (rel_open(c, 0, PERM_READ, &r) || api_page(c, &limit, &offset))
        return -1;
    svc_actor actor = api_actor(c);
    int rc = svc_goal_list(c->db, &actor, &r, limit, offset, &goals, &n, &total);
    if (rc != STORE_OK)
        return api_fail(c, rc, NULL);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, goal_json(&goals[i]));
    svc_goals_free(goals, n);
    return api_json(c, 200,
                    json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total,
                              "limit", (json_int_t)limit, "offset", (json_int_t)offset));
}

static int goal_reply(api_ctx *c, int status, int rc, struct svc_goal *g, verr *e)
{
    if (rc != SVC_OK)
        return api_fail(c, rc, e);
    int result = api_json(c, status, goal_json(g));
    svc_goal_cleanup(g);
    return result;
}

int h_goal_create(api_ctx *c)
{
    struct svc_rel r;
    json_t *body = NULL;
    struct svc_goal g = {0};
    struct goal_change in = {0};
    verr e = {0};
    int result = -1;
    if (rel_open(c, 0, PERM_WRITE, &r) || api_body_object(c, &body))
        goto done;
    if (goal_change_read(body, true, &in, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    result = goal_reply(c, 201, svc_goal_create(c->db, &actor, &r, &in, &g, &e), &g, &e);
done:
    json_decref(body);
    return result;
}

int h_goal_patch(api_ctx *c)
{
    struct svc_rel r;
    json_t *body = NULL;
    struct svc_goal g = {0};
    struct goal_change in = {0};
    verr e = {0};
    int64_t gid;
    int result = -1;
    if (rel_open(c, 0, PERM_WRITE, &r) || api_param_id(c, 1, &gid) || api_body_object(c, &body))
        goto done;
    if (goal_change_read(body, false, &in, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    result = goal_reply(c, 200, svc_goal_update(c->db, &actor, &r, gid, &in, &g, &e), &g, &e);
done:
    json_decref(body);
    return result;
}

static int milestone_reply(api_ctx *c, int status, int rc, struct svc_milestone *m, verr *e)
{
    if (rc != SVC_OK)
        return api_fail(c, rc, e);
    int result = api_json(c, status, milestone_json(m));
    svc_milestone_cleanup(m);
    return result;
}

int h_milestone_create(api_ctx *c)
{
    struct svc_rel r;
    json_t *body = NULL;
    struct svc_milestone m = {0};
    struct milestone_change in = {0};
    verr e = {0};
    int64_t gid;
    int result = -1;
    if (rel_open(c, 0, PERM_WRITE, &r) || api_param_id(c, 1, &gid) || api_body_object(c, &body))
        goto done;
    if (milestone_change_read(body, true, &in, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    result =
        milestone_reply(c, 201, svc_milestone_create(c->db, &actor, &r, gid, &in, &m, &e), &m, &e);
done:
    json_decref(body);
    return result;
}

int h_milestone_patch(api_ctx *c)
{
    struct svc_rel r;
    json_t *body = NULL;
    struct svc_milestone m = {0};
    struct milestone_change in = {0};
    verr e = {0};
    int64_t gid, mid;
    int result = -1;
    if (rel_open(c, 0, PERM_WRITE, &r) || api_param_id(c, 1, &gid) || api_param_id(c, 2, &mid) ||
        api_body_object(c, &body))
        goto done;
    if (milestone_change_read(body, false, &in, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    result = milestone_reply(c, 200, svc_milestone_update(c->db, &actor, &r, gid, mid, &in, &m, &e),
                             &m, &e);
done:
    json_decref(body);
    return result;
}
