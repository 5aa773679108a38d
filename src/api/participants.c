/* participants.c - a program's participants (product.md §2-4, §9):
 * the list, applying and adding people, one participation, its changes
 * and review, one by one or in bulk. The rules are service/'s
 * (participation, enrolment, review); this file reads bodies and shapes
 * replies. */
#include <string.h>

#include "api/handlers.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/mem.h"
#include "base/str.h"
#include "domain/profile.h"
#include "domain/program.h"
#include "service/enrolment.h"
#include "service/participation.h"
#include "service/program.h"
#include "service/review.h"

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *number_or_null(int64_t v)
{
    return v ? json_integer(v) : json_null();
}

/* The person as a participation shows them; a partner does not see the
 * e-mail address. */
static json_t *person_json(const struct svc_participation_detail *d, bool full)
{
    if (!d->has_person)
        return json_null();
    const struct svc_participant_person *pe = &d->person;
    json_t *o = json_pack("{s:I, s:s, s:o, s:o, s:o, s:o}", "id", (json_int_t)pe->id, "name",
                          pe->name ? pe->name : "", "department", text_or_null(pe->department),
                          "job_title", text_or_null(pe->job_title), "location",
                          text_or_null(pe->location), "time_zone", text_or_null(pe->time_zone));
    json_object_set_new(o, "job_level",
                        pe->has_job_level ? json_integer(pe->job_level) : json_null());
    if (full)
        json_object_set_new(o, "email", json_string(pe->email ? pe->email : ""));
    return o;
}

/* The participation as the API shows it; `full` adds the application, the
 * stages and the e-mail address (coordinators and the participant). */
static int reply_participation(api_ctx *c, int status, const struct svc_participation *p,
                               const struct program_config *cfg, bool full)
{
    struct svc_participation_detail d;
    int rc = svc_participation_detail(c->db, p, &d);
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL);
    const json_t *criteria = cfg->matching.criteria;
    json_t *modules = json_array();
    for (size_t i = 0; i < d.nmodules; i++)
        json_array_append_new(modules, json_string(d.modules[i]));
    json_t *o = json_pack(
        "{s:I, s:I, s:o, s:s, s:s, s:O, s:f, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
        (json_int_t)p->id, "program_id", (json_int_t)p->program_id, "person", person_json(&d, full),
        "role", p->role, "status", stage_name(p->status), "profile", p->profile, "completeness",
        profile_completeness(p->profile, criteria, p->role), "asked_fields",
        profile_asked_fields(criteria, p->role), "required_fields",
        profile_required_fields(criteria, p->role), "training_completed", modules, "created_at",
        api_time(p->created_at), "updated_at", api_time(p->updated_at), "capacity",
        number_or_null(p->capacity), "wants", number_or_null(p->wants));
    if (full) {
        json_t *stages = json_object();
        for (int s = 0; s < STAGE_COUNT; s++)
            if (d.reached_at[s])
                json_object_set_new(stages, stage_name((enum stage)s), api_time(d.reached_at[s]));
        json_object_set_new(o, "stages", stages);
        json_object_set(o, "application", p->application);
    }
    svc_participation_detail_cleanup(&d);
    return api_json(c, status, o);
}

/* ---- list ---- */

int h_participants_list(api_ctx *c)
{
    int64_t pid;
    if (api_program_access(c, 0, PERM_OTHER_PROFILE, PERM_READ,
                           "only the program's coordinators see its participants", &pid, NULL))
        return -1;
    struct svc_participant_filter f = {.role = http_req_query(c->req, "role"),
                                       .status = http_req_query(c->req, "status"),
                                       .q = http_req_query(c->req, "q")};
    const char *sort = http_req_query(c->req, "sort");
    if (api_page(c, &f.limit, &f.offset))
        return -1;
    if (f.role && !participation_role_valid(f.role))
        return api_problem(c, 400, "role", "role must be mentor, mentee, coordinator or viewer");
    if (f.status && stage_parse(f.status) < 0)
        return api_problem(c, 400, "status", "status '%s' is not a funnel stage", f.status);
    if (f.q && strlen(f.q) > LIMIT_NAME_BYTES)
        return api_problem(c, 400, "q", "the search text is too long");
    if (sort && (f.sort = svc_participation_sort_parse(sort)) < 0)
        return api_problem(c, 400, "sort",
                           "sort by name, status or created_at (prefix - to reverse)");
    struct svc_participant_page page;
    int rc = svc_participation_list(c->db, pid, &f, &page);
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL);
    json_t *items = json_array();
    for (size_t i = 0; i < page.n; i++) {
        const struct svc_participant_row *r = &page.items[i];
        json_array_append_new(
            items,
            json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)r->id,
                      "person_id", (json_int_t)r->person_id, "name", r->name, "email", r->email,
                      "role", r->role, "status", r->status, "created_at", api_time(r->created_at),
                      "capacity", number_or_null(r->capacity), "wants", number_or_null(r->wants)));
    }
    json_int_t total = page.total;
    svc_participant_page_cleanup(&page);
    return api_json(c, 200,
                    json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", total, "limit",
                              (json_int_t)f.limit, "offset", (json_int_t)f.offset));
}

/* ---- create: apply, or a coordinator adds someone ---- */

static int reply_new(api_ctx *c, int64_t pid, int64_t part, const struct program_config *cfg)
{
    struct svc_participation p;
    int rc = svc_participation_load(c->db, pid, part, &p);
    if (rc != SVC_OK)
        return api_fail(c, rc > 0 ? STORE_ERROR : rc, NULL); /* it was just written */
    int result = reply_participation(c, 201, &p, cfg, true);
    svc_participation_cleanup(&p);
    return result;
}

static int add_by_coordinator(api_ctx *c, int64_t pid, const struct program_config *cfg,
                              const json_t *body)
{
    verr e = VERR_COLLECT;
    json_t *profile = NULL;
    struct enrolment_add in = {0};
    enrolment_add_read(body, clock_now(), &in, &profile, &e); /* the service names the rest */
    svc_actor actor = api_actor(c);
    int64_t part;
    int rc = svc_enrolment_add(c->db, &actor, pid, cfg, &in, clock_now(), &part, &e);
    json_decref(profile);
    if (rc != SVC_OK)
        return api_fail(c, rc, &e);
    return reply_new(c, pid, part, cfg);
}

static int apply(api_ctx *c, int64_t pid, const struct program_config *cfg, const json_t *body)
{
    verr e = VERR_COLLECT;
    json_t *profile = NULL;
    struct enrolment_application in = {0};
    enrolment_application_read(body, clock_now(), &in, &profile, &e);
    svc_actor actor = api_actor(c);
    int64_t part;
    int rc = svc_enrolment_apply(c->db, &actor, pid, cfg, &in, clock_now(), &part, &e);
    json_decref(profile);
    if (rc != SVC_OK)
        return api_fail(c, rc, &e);
    return reply_new(c, pid, part, cfg);
}

int h_participants_create(api_ctx *c)
{
    int64_t pid;
    if (api_param_id(c, 0, &pid))
        return -1;
    struct program_config cfg;
    int rc = svc_program_config(c->db, pid, &cfg, NULL, 0);
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL);
    json_t *body = NULL;
    int result;
    perm_roles roles = api_program_roles(c, pid);
    bool invite_only = cfg.selection.access == PROGRAM_INVITE_ONLY;
    if (api_body_object(c, &body)) {
        result = -1;
    } else if (json_object_get(body, "email")) {
        if (!perm_allows(roles, PERM_OTHER_PROFILE, PERM_WRITE))
            result = perm_allows(roles, PERM_PROGRAM, PERM_READ) || !invite_only
                         ? api_problem(c, 403, NULL, "only the program's coordinators add people")
                         : api_not_found(c);
        else
            result = add_by_coordinator(c, pid, &cfg, body);
    } else {
        /* Anyone signed in may apply to an open or approval program; an
         * invite-only program is visible to its invited people alone. */
        result = apply(c, pid, &cfg, body);
    }
    json_decref(body);
    program_config_cleanup(&cfg);
    return result;
}

/* ---- one participation ---- */

/* Loads the route's participation as the actor may see it, with its
 * program's configuration. */
static int load_visible(api_ctx *c, struct svc_participation *p,
                        struct svc_participation_view *view, struct program_config *cfg)
{
    int64_t pid, id;
    memset(cfg, 0, sizeof *cfg);
    if (api_param_id(c, 0, &pid) || api_param_id(c, 1, &id))
        return -1;
    svc_actor actor = api_actor(c);
    int rc = svc_participation_get(c->db, &actor, pid, id, p, view);
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL);
    if ((rc = svc_program_config(c->db, pid, cfg, NULL, 0)) != SVC_OK) {
        svc_participation_cleanup(p);
        return api_fail(c, rc > 0 ? STORE_ERROR : rc, NULL); /* a participation's program exists */
    }
    return 0;
}

int h_participant_get(api_ctx *c)
{
    struct svc_participation p;
    struct svc_participation_view view;
    struct program_config cfg;
    if (load_visible(c, &p, &view, &cfg))
        return -1;
    int result = reply_participation(c, 200, &p, &cfg, view.full);
    program_config_cleanup(&cfg);
    svc_participation_cleanup(&p);
    return result;
}

int h_participant_patch(api_ctx *c)
{
    struct svc_participation p;
    struct svc_participation_view view;
    struct program_config cfg;
    if (load_visible(c, &p, &view, &cfg))
        return -1;
    json_t *body = NULL, *profile = NULL;
    int result = -1, rc;
    if (view.access != PERM_WRITE) {
        result = api_problem(c, 403, NULL, "you may read this participation, not change it");
        goto done;
    }
    if (api_body_object(c, &body))
        goto done;
    verr e = VERR_COLLECT;
    const char *status, *reason;
    struct enrolment_change in = {0};
    enrolment_change_read(body, clock_now(), &in, &status, &reason, &profile, &e);
    if (*status && strcmp(status, "withdrawn") != 0 && !view.coordinator) {
        result = api_problem(c, 403, "status", "only coordinators approve or decline");
        goto done;
    }
    svc_actor actor = api_actor(c);
    int64_t now = clock_now();
    /* Field changes first, then the move, all in this request's transaction. */
    rc = svc_participation_update(c->db, &actor, &cfg, &p, &in, now, &e);
    if (rc == SVC_OK && strcmp(status, "withdrawn") == 0)
        rc = svc_participation_withdraw(c->db, &actor, &p, "status", now, &e);
    else if (rc == SVC_OK && *status)
        rc = svc_review_decide(c->db, &actor, &cfg, &p, strcmp(status, "approved") == 0, reason,
                               "status", now, &e);
    if (rc != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    int64_t program_id = p.program_id, id = p.id;
    svc_participation_cleanup(&p);
    if ((rc = svc_participation_load(c->db, program_id, id, &p)) != SVC_OK) {
        result = api_fail(c, rc > 0 ? STORE_ERROR : rc, NULL);
        goto done;
    }
    result = reply_participation(c, 200, &p, &cfg, view.full);
done:
    svc_participation_cleanup(&p);
    json_decref(profile);
    program_config_cleanup(&cfg);
    json_decref(body);
    return result;
}

int h_participants_bulk(api_ctx *c)
{
    int64_t pid;
    if (api_program_access(c, 0, PERM_OTHER_PROFILE, PERM_WRITE,
                           "only the program's coordinators review applications", &pid, NULL))
        return -1;
    json_t *body;
    struct program_config cfg = {0};
    if (api_body_object(c, &body))
        return -1;
    verr e = VERR_COLLECT;
    const char *action, *reason;
    int result = -1, rc;
    int64_t *list = NULL;
    size_t n;
    enrolment_bulk_read(body, &action, &reason, &list, &n, &e);
    if (!action) { /* nothing to review with: name the rest and stop */
        result = api_invalid(c, &e);
        goto done;
    }
    if ((rc = svc_program_config(c->db, pid, &cfg, NULL, 0)) != SVC_OK) {
        result = api_fail(c, rc > 0 ? STORE_ERROR : rc, NULL);
        goto done;
    }
    svc_actor actor = api_actor(c);
    bool approve = strcmp(action, "approve") == 0;
    rc = svc_review_bulk(c->db, &actor, pid, &cfg, approve, reason, list, n, clock_now(), &e);
    if (rc != SVC_OK) {
        result = api_fail(c, rc, &e); /* all or nothing: the transaction rolls back */
        goto done;
    }
    result = api_json(c, 200, json_pack("{s:s, s:I}", "action", action, "count", (json_int_t)n));
done:
    free(list);
    program_config_cleanup(&cfg);
    json_decref(body);
    return result;
}
