/* relationships.c - pairing people by hand, listing relationships, and
 * their status: pause, resume, closure with each member's reflection and
 * renewal (proposed by one, agreed by the others), ending early without
 * blame (product.md §5-6). The rules are
 * service/relationship.c's; this file reads bodies and shapes replies. */
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/relationship.h"
#include "base/limits.h"
#include "base/str.h"
#include "service/program.h"

/* The closure or renewal waiting for consent: who proposed it, when, who
 * agreed and who is still to; null when none. */
static json_t *proposal_json(const struct svc_rel *r, const json_t *members)
{
    if (r->proposal == REL_PROPOSAL_NONE)
        return json_null();
    json_t *agreed = json_array(), *waiting = json_array();
    for (size_t i = 0; i < r->nagreed; i++)
        json_array_append_new(agreed, json_integer(r->agreed[i]));
    size_t i;
    const json_t *m;
    json_array_foreach(members, i, m)
    {
        json_int_t part = json_integer_value(json_object_get(m, "participation_id"));
        bool yes = false;
        for (size_t k = 0; k < r->nagreed; k++)
            yes = yes || r->agreed[k] == part;
        if (!yes)
            json_array_append_new(waiting, json_integer(part));
    }
    return json_pack("{s:s, s:I, s:o, s:o, s:o}", "action", rel_proposal_name(r->proposal),
                     "proposed_by", (json_int_t)r->proposed_by, "proposed_at",
                     api_time(r->proposed_at), "agreed", agreed, "waiting_for", waiting);
}

/* The relationship as the API shows it, in *out. A store status. */
static int rel_json(api_ctx *c, const struct svc_rel *r, const struct program_config *cfg,
                    json_t **out)
{
    json_t *members;
    int rc = rel_members_json(c->db, r->id, &members);
    const json_t *phase = program_phase(cfg, r->phase);
    json_t *o = json_pack(
        "{s:I, s:I, s:s, s:s, s:i, s:O, s:i, s:o, s:o, s:o, s:i, s:i, s:I, s:o, s:b}", "id",
        (json_int_t)r->id, "program_id", (json_int_t)r->program_id, "kind", r->kind, "status",
        r->status, "phase", r->phase, "phase_name",
        phase ? json_object_get(phase, "name") : json_null(), "phase_count", (int)cfg->phases.count,
        "phase_started_at", api_time(r->phase_started_at), "started_at", api_time(r->started_at),
        "planned_end_at", api_time(r->planned_end_at), "renewals", r->renewals, "renewals_allowed",
        cfg->renewals, "version", (json_int_t)r->version, "members", members, "alumni",
        strcmp(r->status, "completed") == 0);
    json_object_set_new(o, "ended_at", r->ended_at ? api_time(r->ended_at) : json_null());
    json_object_set_new(o, "my_role", r->my_part ? json_string(r->my_role) : json_null());
    json_object_set_new(o, "renewal_window_days", json_integer(cfg->renewal_window_days));
    json_object_set_new(o, "renewal_opens_at",
                        api_time(rel_renewal_opens(r->planned_end_at, cfg->renewal_window_days)));
    json_object_set_new(o, "renewed_end_at",
                        api_time(rel_planned_end(r->planned_end_at, cfg->duration_months)));
    json_object_set_new(o, "proposal", proposal_json(r, members));
    *out = o;
    if (rc != STORE_OK) {
        json_decref(o);
        *out = NULL;
    }
    return rc;
}

/* Answers r with the status. */
static int reply_rel(api_ctx *c, int status, const struct svc_rel *r,
                     const struct program_config *cfg)
{
    json_t *out;
    int rc = rel_json(c, r, cfg, &out);
    return rc == STORE_OK ? api_json(c, status, out) : api_fail(c, rc, NULL);
}

int h_relationship_create(api_ctx *c)
{
    int64_t pid;
    if (api_program_access(c, 0, PERM_OTHER_PROFILE, PERM_WRITE,
                           "only the program's coordinators pair people by hand", &pid, NULL))
        return -1;
    json_t *body = NULL;
    struct program_config cfg = {0};
    verr e = VERR_COLLECT;
    int64_t ids[LIMIT_RELATIONSHIP_MEMBERS], id;
    struct rel_new_input pair;
    struct svc_rel r;
    int result = -1, rc;
    if (api_body_object(c, &body))
        goto done;
    if (rel_new_read(body, ids, &pair, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    if ((rc = svc_program_config(c->db, pid, &cfg, NULL, 0)) != SVC_OK) {
        result = api_fail(c, rc, NULL);
        goto done;
    }
    svc_actor actor = api_actor(c);
    struct svc_rel_new in = {
        .mentor = pair.mentor, .mentees = pair.ids, .n = pair.n, .source = "manual"};
    if ((rc = svc_relationship_create(c->db, &actor, pid, &cfg, &in, &id, &e)) != SVC_OK ||
        (rc = svc_relationship_get(c->db, &actor, id, PERM_READ, &r)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = reply_rel(c, 201, &r, &cfg);
done:
    program_config_cleanup(&cfg);
    json_decref(body);
    return result;
}

int h_relationships_list(api_ctx *c)
{
    int64_t pid, limit, offset;
    perm_roles roles;
    if (api_program_access(c, 0, PERM_RELATIONSHIP, PERM_READ,
                           "stakeholders see reports, not relationships", &pid, &roles) ||
        api_page(c, &limit, &offset))
        return -1;
    bool all = perm_allows(roles, PERM_OTHER_PROFILE, PERM_READ);
    const char *status = http_req_query(c->req, "status");
    struct program_config cfg = {0};
    struct svc_rel *rels = NULL;
    size_t n = 0;
    svc_actor actor = api_actor(c);
    json_t *items = json_array(), *one;
    int result = -1;
    int rc = svc_program_config(c->db, pid, &cfg, NULL, 0);
    if (rc == SVC_OK)
        rc = svc_relationship_list(c->db, &actor, pid, all, status, limit, offset, &rels, &n);
    for (size_t i = 0; rc == SVC_OK && i < n; i++)
        if ((rc = rel_json(c, &rels[i], &cfg, &one)) == STORE_OK)
            json_array_append_new(items, one);
    if (rc != SVC_OK) {
        result = api_fail(c, rc, NULL);
        goto done;
    }
    result = api_json(c, 200,
                      json_pack("{s:O, s:I, s:I}", "items", items, "limit", (json_int_t)limit,
                                "offset", (json_int_t)offset));
done:
    json_decref(items);
    free(rels);
    program_config_cleanup(&cfg);
    return result;
}

int h_relationship_get(api_ctx *c)
{
    struct svc_rel r;
    if (rel_open(c, 0, PERM_READ, &r))
        return -1;
    struct program_config cfg;
    int rc = svc_program_config(c->db, r.program_id, &cfg, NULL, 0);
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL);
    int result = reply_rel(c, 200, &r, &cfg);
    program_config_cleanup(&cfg);
    return result;
}

int h_relationship_patch(api_ctx *c)
{
    struct svc_rel r;
    if (rel_open(c, 0, PERM_READ, &r))
        return -1;
    if (!r.my_part && !perm_coordinates(r.roles))
        return api_not_found(c);
    json_t *body = NULL;
    struct program_config cfg = {0};
    struct rel_reflection reflection;
    struct rel_change in = {0};
    verr e = {0};
    int result = -1, rc;
    if (api_body_object(c, &body))
        goto done;
    if (rel_change_read(body, &in, &reflection, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    if ((rc = svc_program_config(c->db, r.program_id, &cfg, NULL, 0)) != SVC_OK ||
        (rc = svc_relationship_change(c->db, &actor, &r, &cfg, &in, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = reply_rel(c, 200, &r, &cfg);
done:
    program_config_cleanup(&cfg);
    json_decref(body);
    return result;
}
