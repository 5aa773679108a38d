/* health.c - GET, POST /relationships/{rid}/health-checks and PUT
 * .../health-checks/sharing: the eight qualities rated by each party
 * (product.md §6). The rules are service/health.h's and
 * domain/health.h's. */
#include <stdlib.h>

#include "api/handlers.h"
#include "api/relationship.h"
#include "base/str.h"
#include "service/health.h"
#include "service/program.h"

static json_t *ratings_json(const int r[HEALTH_QUALITIES])
{
    json_t *o = json_object();
    for (int q = 0; q < HEALTH_QUALITIES; q++)
        json_object_set_new(o, health_qualities[q].key, json_integer(r[q]));
    return o;
}

static json_t *check_json(const struct svc_health_check *h)
{
    json_t *o =
        json_pack("{s:I, s:I, s:s, s:s, s:b, s:o, s:f, s:o}", "id", (json_int_t)h->id,
                  "participation_id", (json_int_t)h->participation_id, "name", h->name, "role",
                  h->role, "mine", h->mine, "ratings", ratings_json(h->ratings), "average",
                  health_average(h->ratings), "created_at", api_time(h->created_at));
    json_object_set_new(o, "comment", h->comment ? json_string(h->comment) : json_null());
    return o;
}

/* The view of relationship *r's checks as the reply. */
static int reply_view(api_ctx *c, const struct svc_rel *r, int status)
{
    struct program_config cfg = {0};
    struct svc_health_view v = {0};
    svc_actor actor = api_actor(c);
    int rc = svc_program_config(c->db, r->program_id, &cfg, NULL, 0);
    if (rc != SVC_OK)
        return api_fail(c, rc > 0 ? STORE_ERROR : rc, NULL);
    rc = svc_health_list(c->db, &actor, r, &cfg, &v);
    program_config_cleanup(&cfg);
    if (rc != STORE_OK)
        return api_fail(c, rc, NULL);
    json_t *items = json_array(), *qs = json_array();
    for (size_t i = 0; i < v.n; i++)
        json_array_append_new(items, check_json(&v.checks[i]));
    for (int q = 0; q < HEALTH_QUALITIES; q++)
        json_array_append_new(qs,
                              json_pack("{s:s, s:s, s:s}", "key", health_qualities[q].key, "label",
                                        health_qualities[q].label, "ask", health_qualities[q].ask));
    json_t *o = json_pack("{s:I, s:o, s:o, s:b, s:{s:b, s:b, s:b}, s:i}", "relationship_id",
                          (json_int_t)r->id, "items", items, "qualities", qs, "member", v.member,
                          "sharing", "mine", v.i_share, "others", v.others_share, "pair_visible",
                          v.pair_visible, "cadence_days", v.cadence_days);
    json_object_set_new(o, "my_due_at", v.my_due_at ? api_time(v.my_due_at) : json_null());
    svc_health_view_cleanup(&v);
    return api_json(c, status, o);
}

int h_health_list(api_ctx *c)
{
    struct svc_rel r;
    if (rel_open(c, 0, PERM_READ, &r))
        return -1;
    return reply_view(c, &r, 200);
}

int h_health_create(api_ctx *c)
{
    struct svc_rel r;
    json_t *body = NULL;
    struct program_config cfg = {0};
    verr e = VERR_COLLECT;
    int result = -1, rc;
    if (rel_open(c, 0, PERM_WRITE, &r) || api_body_object(c, &body))
        goto done;
    struct svc_health_in in = {.share = -1};
    if (health_check_read(body, in.ratings, &in.comment, &in.share, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    if ((rc = svc_program_config(c->db, r.program_id, &cfg, NULL, 0)) != SVC_OK) {
        result = api_fail(c, rc > 0 ? STORE_ERROR : rc, NULL);
        goto done;
    }
    svc_actor actor = api_actor(c);
    int64_t id;
    if ((rc = svc_health_post(c->db, &actor, &r, &cfg, &in, &id, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = reply_view(c, &r, 201);
done:
    program_config_cleanup(&cfg);
    json_decref(body);
    return result;
}

int h_health_share(api_ctx *c)
{
    struct svc_rel r;
    json_t *body = NULL;
    verr e = VERR_COLLECT;
    int result = -1, rc;
    if (rel_open(c, 0, PERM_WRITE, &r) || api_body_object(c, &body))
        goto done;
    bool share;
    if (health_share_read(body, &share, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    if ((rc = svc_health_share(c->db, &actor, &r, share, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = reply_view(c, &r, 200);
done:
    json_decref(body);
    return result;
}
