/* programs.c - programs and their configuration (product.md §3). The
 * rules are service/program.c's; this file reads bodies and shapes
 * replies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "base/limits.h"
#include "base/mem.h"
#include "domain/program.h"
#include "service/dashboard.h"
#include "service/program.h"

/* The actor's roles in a program as names, coordinator first. */
static json_t *roles_json(perm_roles roles)
{
    const char *names[4];
    size_t n = perm_role_names(roles, names);
    json_t *mine = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(mine, json_string(names[i]));
    return mine;
}

/* The program as the API shows it: its columns, its configuration
 * sections at the top level (when loaded), and the actor's roles in it. */
static json_t *program_json(const struct svc_program *p)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o}", "id", (json_int_t)p->id, "name",
                          p->name, "description", p->description, "status", p->status, "created_at",
                          api_time(p->created_at), "updated_at", api_time(p->updated_at));
    if (p->cfg.doc) {
        json_object_set_new(o, "version", json_integer(p->version));
        json_object_update(o, p->cfg.doc);
        /* The webhook is a credential of the chat: its coordinators' alone. */
        if (!perm_allows(p->roles, PERM_PROGRAM, PERM_WRITE))
            json_object_del(o, "alerts");
    }
    if (p->has_enrolment) {
        static const char *const states[] = {"open", "not_yet", "closed"};
        json_object_set_new(o, "enrolment", json_string(states[p->enrolment]));
        if (!p->cfg.doc) /* a list: the day it opens, for "opens on ..." */
            json_object_set_new(o, "enrolment_opens",
                                p->enrolment_opens[0] ? json_string(p->enrolment_opens)
                                                      : json_null());
    }
    json_object_set_new(o, "my_roles", roles_json(p->roles));
    return o;
}

/* What waits in a program for its coordinator; null when not theirs. */
static json_t *counts_json(const struct svc_program_counts *n)
{
    if (!n->known)
        return json_null();
    return json_pack("{s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I, s:I}}", "pending_applications",
                     (json_int_t)n->pending, "unmatched_mentees", (json_int_t)n->unmatched,
                     "untrained_mentees", (json_int_t)n->untrained, "open_requests",
                     (json_int_t)n->requests, "relationships", "active", (json_int_t)n->active,
                     "paused", (json_int_t)n->paused, "closing", (json_int_t)n->closing,
                     "completed", (json_int_t)n->completed, "ended_early",
                     (json_int_t)n->ended_early);
}

int h_programs_list(api_ctx *c)
{
    int64_t limit, offset;
    if (api_page(c, &limit, &offset))
        return -1;
    const char *joinable = http_req_query(c->req, "joinable"),
               *counts = http_req_query(c->req, "counts");
    bool join = joinable && strcmp(joinable, "true") == 0;
    bool count = counts && strcmp(counts, "true") == 0;
    if (joinable && !join && strcmp(joinable, "false") != 0)
        return api_problem(c, 400, "joinable", "joinable is true or false");
    if (counts && !count && strcmp(counts, "false") != 0)
        return api_problem(c, 400, "counts", "counts is true or false");
    svc_actor actor = api_actor(c);
    struct svc_program_page page;
    int rc = svc_program_list(c->db, &actor, join, limit, offset, &page);
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL);
    /* What waits in each program the actor coordinates, when asked. */
    struct svc_program_counts *cn = xcalloc(page.n + 1, sizeof *cn);
    int64_t *ids = xcalloc(page.n + 1, sizeof *ids);
    for (size_t i = 0; i < page.n; i++)
        ids[i] = page.items[i].id;
    if (count && (rc = svc_dashboard_counts(c->db, &actor, ids, page.n, cn)) != STORE_OK) {
        free(cn);
        free(ids);
        svc_program_page_cleanup(&page);
        return api_fail(c, rc, NULL);
    }
    free(ids);
    /* The list carries the summary; the configuration is one GET away. */
    json_t *items = json_array();
    for (size_t i = 0; i < page.n; i++) {
        json_t *o = program_json(&page.items[i]);
        if (count)
            json_object_set_new(o, "counts", counts_json(&cn[i]));
        json_array_append_new(items, o);
    }
    free(cn);
    json_int_t total = page.total;
    svc_program_page_cleanup(&page);
    return api_json(c, 200,
                    json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", total, "limit",
                              (json_int_t)limit, "offset", (json_int_t)offset));
}

/* Validates the body of a create or change (program_body_read): name,
 * description and status (absent ones keep the values in *in), the
 * version, and the configuration normalised over `base` (NULL when
 * creating). */
static int check_body(const json_t *body, const json_t *base, struct svc_program_input *in,
                      struct program_config *cfg, verr *e)
{
    struct program_fields f = {.name = in->name,
                               .description = in->description,
                               .status = in->status,
                               .version = in->version};
    if (program_body_read(body, base, &f, cfg, e))
        return -1;
    in->name = f.name;
    in->description = f.description;
    in->status = f.status;
    in->version = f.version;
    in->cfg = cfg;
    return 0;
}

/* Answers the program as it is now: 200, or 201 with its Location. */
static int reply_program(api_ctx *c, int64_t id, int status)
{
    svc_actor actor = api_actor(c);
    struct svc_program p;
    int rc = svc_program_get(c->db, &actor, id, &p);
    if (rc != SVC_OK)
        return api_fail(c, rc > 0 ? STORE_ERROR : rc, NULL); /* it was just written */
    if (status == 201) {
        char loc[64];
        snprintf(loc, sizeof loc, "/api/v1/programs/%lld", (long long)id);
        http_resp_header(c->resp, "Location", loc);
    }
    json_t *out = program_json(&p);
    svc_program_cleanup(&p);
    return api_json(c, status, out);
}

int h_program_create(api_ctx *c)
{
    if (!perm_may_create_program(c->actor.site_role))
        return api_problem(c, 403, NULL, "only coordinators and admins create programs");
    json_t *body = NULL;
    struct program_config cfg = {0};
    struct svc_program_input in = {.description = "", .status = "draft"};
    verr e = VERR_COLLECT;
    int64_t id;
    int result = -1, rc;
    if (api_body_object(c, &body))
        goto done;
    if (check_body(body, NULL, &in, &cfg, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    if ((rc = svc_program_create(c->db, &actor, &in, &id)) != SVC_OK) {
        result = api_fail(c, rc, NULL);
        goto done;
    }
    result = reply_program(c, id, 201);
done:
    program_config_cleanup(&cfg);
    json_decref(body);
    return result;
}

int h_program_get(api_ctx *c)
{
    int64_t id;
    if (api_param_id(c, 0, &id))
        return -1;
    svc_actor actor = api_actor(c);
    struct svc_program p;
    int rc = svc_program_get(c->db, &actor, id, &p);
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL);
    json_t *out = program_json(&p);
    svc_program_cleanup(&p);
    return api_json(c, 200, out);
}

int h_program_patch(api_ctx *c)
{
    int64_t id;
    if (api_param_id(c, 0, &id))
        return -1;
    svc_actor actor = api_actor(c);
    struct svc_program p;
    int rc = svc_program_get(c->db, &actor, id, &p);
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL); /* those who cannot see it learn nothing */
    json_t *body = NULL;
    struct program_config cfg = {0};
    struct svc_program_input in = {
        .name = p.name, .description = p.description, .status = p.status, .version = p.version};
    verr e = VERR_COLLECT;
    int result = -1;
    if (!perm_allows(p.roles, PERM_PROGRAM, PERM_WRITE)) {
        result = api_problem(c, 403, NULL, "only the program's coordinators and admins change it");
        goto done;
    }
    if (api_body_object(c, &body))
        goto done;
    if (check_body(body, p.cfg.doc, &in, &cfg, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    if ((rc = svc_program_update(c->db, &actor, id, &in, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = reply_program(c, id, 200);
done:
    program_config_cleanup(&cfg);
    svc_program_cleanup(&p);
    json_decref(body);
    return result;
}

int h_phase_templates(api_ctx *c)
{
    return api_json(c, 200, program_phase_templates());
}
