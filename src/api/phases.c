/* phases.c - GET /relationships/{rid}/phase, POST .../phase/checks and
 * .../phase/advance: the phase model's checklist and moving on (product.md
 * §6). The rules are service/phase.h's and domain/phase.h's. */
#include "api/handlers.h"
#include "api/relationship.h"
#include "domain/phase.h"
#include "service/phase.h"
#include "service/program.h"

static json_t *list_copy(const json_t *list)
{
    return json_is_array(list) ? json_deep_copy(list) : json_array();
}

static json_t *who(int64_t person, const char *name)
{
    return person ? json_pack("{s:I, s:s}", "person_id", (json_int_t)person, "name", name)
                  : json_null();
}

static json_t *name_at(const json_t *items, size_t i)
{
    json_t *n = json_object_get(json_array_get(items, i), "name");
    return n ? json_incref(n) : json_null();
}

static json_t *phase_json(const struct svc_rel *r, const struct svc_phase *p)
{
    json_t *checks = json_array(), *unmet = json_array(), *names = json_array(),
           *history = json_array();
    for (size_t i = 0; i < p->nchecks; i++) {
        const struct svc_phase_check *k = &p->checks[i];
        json_t *o = json_pack("{s:i, s:s, s:b}", "item", (int)i, "text", k->text ? k->text : "",
                              "done", k->done);
        json_object_set_new(o, "done_by", k->done ? who(k->done_by, k->done_by_name) : json_null());
        json_object_set_new(o, "done_at", k->done ? api_time(k->done_at) : json_null());
        json_array_append_new(checks, o);
        if (!k->done)
            json_array_append_new(unmet, json_string(k->text ? k->text : ""));
    }
    for (size_t i = 0; i < p->count; i++)
        json_array_append_new(
            names, json_pack("{s:i, s:o}", "index", (int)i, "name", name_at(p->items, i)));
    for (size_t i = 0; i < p->nmoves; i++) {
        const struct svc_phase_move *m = &p->moves[i];
        json_array_append_new(history,
                              json_pack("{s:i, s:o, s:i, s:o, s:o, s:b, s:o}", "from", m->from,
                                        "from_name", name_at(p->items, (size_t)m->from), "to",
                                        m->to, "to_name", name_at(p->items, (size_t)m->to),
                                        "moved_at", api_time(m->moved_at), "override", m->override,
                                        "moved_by", who(m->moved_by, m->moved_by_name)));
    }
    json_t *o = json_pack(
        "{s:I, s:i, s:i, s:o, s:b, s:o, s:I, s:o, s:o, s:b, s:o, s:o, s:b, s:o, s:o, s:o}",
        "relationship_id", (json_int_t)r->id, "index", p->index, "count", (int)p->count, "name",
        name_at(p->items, (size_t)p->index), "is_last", p->is_last, "key_actions", checks,
        "timeframe_days", (json_int_t)p->timeframe_days, "started_at", api_time(p->started_at),
        "due_at", api_time(p->due_at), "overdue", p->overdue, "resources",
        list_copy(json_object_get(p->phase, "resources")), "exit_criteria",
        list_copy(json_object_get(p->phase, "exit_criteria")), "criteria_met", p->unmet == 0,
        "unmet", unmet, "phases", names, "history", history);
    json_object_set_new(o, "next",
                        p->is_last ? json_null()
                                   : json_pack("{s:i, s:o}", "index", p->index + 1, "name",
                                               name_at(p->items, (size_t)p->index + 1)));
    return o;
}

/* Answers with relationship r's phase now. */
static int reply(api_ctx *c, const struct svc_rel *r, const struct program_config *cfg)
{
    struct svc_phase p;
    int rc = svc_phase_get(c->db, r, cfg, &p);
    if (rc != STORE_OK)
        return api_fail(c, rc, NULL);
    json_t *o = phase_json(r, &p);
    svc_phase_cleanup(&p);
    return api_json(c, 200, o);
}

/* The body, where an empty one counts as {}. */
static int body_or_empty(api_ctx *c, json_t **out)
{
    if (c->req->body_len == 0) {
        *out = json_object();
        return 0;
    }
    return api_body_object(c, out);
}

static int config_of(api_ctx *c, const struct svc_rel *r, struct program_config *cfg)
{
    int rc = svc_program_config(c->db, r->program_id, cfg, NULL, 0);
    return rc == SVC_OK ? 0 : api_fail(c, rc < 0 ? rc : STORE_ERROR, NULL);
}

int h_phase_get(api_ctx *c)
{
    struct svc_rel r;
    struct program_config cfg;
    if (rel_open(c, 0, PERM_READ, &r) || config_of(c, &r, &cfg))
        return -1;
    int result = reply(c, &r, &cfg);
    program_config_cleanup(&cfg);
    return result;
}

int h_phase_check(api_ctx *c)
{
    struct svc_rel r;
    struct program_config cfg = {0};
    json_t *body = NULL;
    int result = -1, rc;
    if (rel_open(c, 0, PERM_WRITE, &r) || config_of(c, &r, &cfg) || api_body_object(c, &body))
        goto done;
    verr e = {0};
    int64_t phase, item;
    bool done_flag;
    if (phase_check_read(body, &phase, &item, &done_flag, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    if ((rc = svc_phase_check(c->db, &actor, &r, &cfg, phase, item, done_flag, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = reply(c, &r, &cfg);
done:
    program_config_cleanup(&cfg);
    json_decref(body);
    return result;
}

int h_phase_advance(api_ctx *c)
{
    struct svc_rel r;
    struct program_config cfg = {0};
    json_t *body = NULL;
    int result = -1, rc;
    if (rel_open(c, 0, PERM_READ, &r) || config_of(c, &r, &cfg) || body_or_empty(c, &body))
        goto done;
    verr e = {0};
    bool override;
    if (phase_advance_read(body, &override, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    if ((rc = svc_phase_advance(c->db, &actor, &r, &cfg, override, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = reply(c, &r, &cfg);
done:
    program_config_cleanup(&cfg);
    json_decref(body);
    return result;
}
