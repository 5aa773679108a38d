/* resources.c - the help library (product.md §7, issue 12 item 5):
 * GET, POST /programs/{id}/resources and /resources (site-wide);
 * GET, PATCH /resources/{id}; POST /resources/{id}/opens;
 * PATCH /programs/{id}/resources/{resid} (hide a site-wide one);
 * GET /relationships/{rid}/resources (the current phase's first).
 * The rules are service/resource.h's and domain/resource.h's. */
#include <string.h>

#include "api/handlers.h"
#include "api/relationship.h"
#include "base/str.h"
#include "domain/markdown.h"
#include "service/program.h"
#include "service/resource.h"

static json_t *time_or_null(int64_t t)
{
    return t ? api_time(t) : json_null();
}

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* A resource as JSON; `full` adds its Markdown and HTML, `editor` its
 * counts of opens. */
static json_t *resource_json(const struct svc_resource *r, bool full, bool editor)
{
    json_t *o = json_pack(
        "{s:I, s:o, s:s, s:s, s:o, s:b, s:O, s:O, s:O, s:I, s:b, s:o, s:b, s:b, s:o, s:o, s:I, "
        "s:o}",
        "id", (json_int_t)r->id, "program_id",
        r->program_id ? json_integer(r->program_id) : json_null(), "scope",
        r->program_id ? "program" : "site", "title", r->title, "url", text_or_null(r->url),
        "article", r->body_md != NULL, "phases", r->phases, "topics", r->topics, "roles", r->roles,
        "position", (json_int_t)r->position, "retired", r->retired_at != 0, "retired_at",
        time_or_null(r->retired_at), "starter", r->starter, "hidden", r->hidden, "created_at",
        time_or_null(r->created_at), "updated_at", time_or_null(r->updated_at), "version",
        (json_int_t)r->version, "opened_at", time_or_null(r->opened_at));
    if (full) {
        json_object_set_new(o, "body_md", text_or_null(r->body_md));
        if (r->body_md) {
            char *html = markdown_to_html(r->body_md);
            json_object_set_new(o, "body_html", json_string(html));
            free(html);
        } else {
            json_object_set_new(o, "body_html", json_null());
        }
    }
    if (editor) {
        json_object_set_new(o, "opens", json_integer(r->opens));
        json_object_set_new(o, "people", json_integer(r->people));
    }
    return o;
}

static json_t *list_json(const struct svc_resource_list *l)
{
    json_t *items = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(items, resource_json(&l->items[i], false, l->editor));
    return json_pack("{s:o, s:I, s:b}", "items", items, "total", (json_int_t)l->n, "editor",
                     l->editor);
}

/* The filters of a list, from the query. */
static int filter_of(api_ctx *c, struct svc_resource_filter *f)
{
    memset(f, 0, sizeof *f);
    f->phase = http_req_query(c->req, "phase");
    f->topic = http_req_query(c->req, "topic");
    f->role = http_req_query(c->req, "role");
    f->q = http_req_query(c->req, "q");
    const char *all = http_req_query(c->req, "all");
    if (f->role && *f->role && strcmp(f->role, "mentor") != 0 && strcmp(f->role, "mentee") != 0)
        return api_problem(c, 400, "role", "role must be mentor or mentee");
    if (all && strcmp(all, "true") != 0 && strcmp(all, "false") != 0)
        return api_problem(c, 400, "all", "all must be true or false");
    f->all = all && strcmp(all, "true") == 0;
    return 0;
}

static int reply_list(api_ctx *c, int64_t program_id)
{
    struct svc_resource_filter f;
    struct svc_resource_list l;
    if (filter_of(c, &f))
        return -1;
    svc_actor actor = api_actor(c);
    int rc = svc_resource_list(c->db, &actor, program_id, &f, &l);
    if (rc != STORE_OK)
        return api_fail(c, rc, NULL);
    json_t *o = list_json(&l);
    svc_resource_list_cleanup(&l);
    return api_json(c, 200, o);
}

int h_program_resources_list(api_ctx *c)
{
    int64_t pid;
    if (api_program_access(c, 0, PERM_PROGRAM, PERM_READ, "", &pid, NULL))
        return -1;
    return reply_list(c, pid);
}

int h_site_resources_list(api_ctx *c)
{
    return reply_list(c, 0);
}

/* Answers with resource id as the actor reads it (201 after creating). */
static int reply_one(api_ctx *c, int status, int64_t id, int64_t program_id)
{
    struct svc_resource r;
    svc_actor actor = api_actor(c);
    int rc = svc_resource_get(c->db, &actor, id, program_id, &r);
    if (rc != SVC_OK)
        return api_fail(c, rc == SVC_NOT_FOUND && status != 200 ? STORE_ERROR : rc, NULL);
    json_t *o = resource_json(&r, true, r.editable);
    svc_resource_cleanup(&r);
    return api_json(c, status, o);
}

static int create(api_ctx *c, int64_t program_id, const struct program_config *cfg)
{
    json_t *body = NULL;
    struct resource_fields f = {0};
    verr e = {0};
    int64_t id = 0;
    int rc, result = -1;
    if (api_body_object(c, &body))
        return -1;
    if (resource_fields_read(body, false, cfg, &f, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    if ((rc = svc_resource_create(c->db, &actor, program_id, cfg, &f, &id, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = reply_one(c, 201, id, program_id);
done:
    resource_fields_cleanup(&f);
    json_decref(body);
    return result;
}

int h_program_resource_create(api_ctx *c)
{
    int64_t pid;
    struct program_config cfg;
    if (api_program_access(c, 0, PERM_PROGRAM, PERM_WRITE,
                           "only the program's coordinators add resources to its library", &pid,
                           NULL))
        return -1;
    int rc = svc_program_config(c->db, pid, &cfg, NULL, 0);
    if (rc != SVC_OK)
        return api_fail(c, rc > 0 ? STORE_ERROR : rc, NULL);
    int result = create(c, pid, &cfg);
    program_config_cleanup(&cfg);
    return result;
}

int h_site_resource_create(api_ctx *c)
{
    if (c->actor.site_role != SITE_ADMIN)
        return api_problem(c, 403, NULL, "only site admins add to the site-wide library");
    return create(c, 0, NULL);
}

/* ?program_id= : the program whose library the resource is read in. */
static int context_of(api_ctx *c, int64_t *program_id)
{
    const char *p = http_req_query(c->req, "program_id");
    *program_id = 0;
    if (p && str_to_i64(p, 1, INT64_MAX / 2, program_id))
        return api_problem(c, 400, "program_id", "program_id must be a program's id");
    return 0;
}

int h_resource_get(api_ctx *c)
{
    int64_t id, program_id;
    if (api_param_id(c, 0, &id) || context_of(c, &program_id))
        return -1;
    return reply_one(c, 200, id, program_id);
}

int h_resource_patch(api_ctx *c)
{
    int64_t id;
    json_t *body = NULL;
    struct resource_fields f = {0};
    verr e = {0};
    int rc, result = -1;
    if (api_param_id(c, 0, &id) || api_body_object(c, &body))
        goto done;
    if (resource_fields_read(body, true, NULL, &f, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    if ((rc = svc_resource_update(c->db, &actor, id, &f, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = reply_one(c, 200, id, 0);
done:
    resource_fields_cleanup(&f);
    json_decref(body);
    return result;
}

int h_program_resource_hide(api_ctx *c)
{
    int64_t pid, id;
    json_t *body = NULL;
    verr e = VERR_COLLECT;
    bool hidden;
    int rc, result = -1;
    if (api_program_access(c, 0, PERM_PROGRAM, PERM_WRITE,
                           "only the program's coordinators choose what its library shows", &pid,
                           NULL) ||
        api_param_id(c, 1, &id) || api_body_object(c, &body))
        goto done;
    if (resource_hidden_read(body, &hidden, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    if ((rc = svc_resource_hide(c->db, &actor, pid, id, hidden, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = reply_one(c, 200, id, pid);
done:
    json_decref(body);
    return result;
}

int h_resource_open(api_ctx *c)
{
    int64_t id, opens, first, last;
    if (api_param_id(c, 0, &id))
        return -1;
    if (c->req->body_len) {
        json_t *body = NULL;
        if (api_body_object(c, &body))
            return -1;
        bool empty = json_object_size(body) == 0;
        json_decref(body);
        if (!empty) {
            verr e = {0};
            v_fail(&e, "", "", "send no body, or {}");
            return api_invalid(c, &e);
        }
    }
    svc_actor actor = api_actor(c);
    int rc = svc_resource_open(c->db, &actor, id, &opens, &first, &last);
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL);
    return api_json(c, 200,
                    json_pack("{s:I, s:I, s:o, s:o}", "resource_id", (json_int_t)id, "opens",
                              (json_int_t)opens, "first_opened_at", api_time(first),
                              "last_opened_at", api_time(last)));
}

int h_relationship_resources(api_ctx *c)
{
    struct svc_rel r;
    struct program_config cfg;
    struct svc_resource_list l;
    if (rel_open(c, 0, PERM_READ, &r))
        return -1;
    int rc = svc_program_config(c->db, r.program_id, &cfg, NULL, 0);
    if (rc != SVC_OK)
        return api_fail(c, rc > 0 ? STORE_ERROR : rc, NULL);
    svc_actor actor = api_actor(c);
    if ((rc = svc_resource_recommend(c->db, &actor, &r, &cfg, &l)) != STORE_OK) {
        program_config_cleanup(&cfg);
        return api_fail(c, rc, NULL);
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++) {
        json_t *o = resource_json(&l.items[i], false, false);
        json_object_set_new(o, "group", json_string(resource_group_name(l.items[i].group)));
        json_object_set_new(o, "current_phase", json_boolean(l.items[i].group == RESOURCE_CURRENT));
        json_array_append_new(items, o);
    }
    const json_t *ph = program_phase(&cfg, r.phase);
    json_t *name = json_object_get(ph, "name");
    json_t *out =
        json_pack("{s:I, s:{s:i, s:o}, s:o}", "relationship_id", (json_int_t)r.id, "phase", "index",
                  r.phase, "name", name ? json_incref(name) : json_null(), "items", items);
    svc_resource_list_cleanup(&l);
    program_config_cleanup(&cfg);
    return api_json(c, 200, out);
}
