/* at_risk.c - the coordinator's follow-up of relationships (issue 12):
 *
 *   GET  /programs/{id}/at-risk                  relationships at risk, with every reason
 *   GET, POST /relationships/{rid}/coordinator-notes   coordinators' notes (never its members')
 *   POST /relationships/{rid}/nudge              mail the pair
 *   POST /relationships/{rid}/reassign           end it early and pair the mentee anew
 *   POST /relationships/{rid}/rematch            agree a pairing did not fit: to the queue
 *   GET  /programs/{id}/rematch                  the rematch queue
 *   DELETE /programs/{id}/rematch/{pid}          take a mentee out of it
 *
 * The at-risk report (GET /programs/{id}/reports/at-risk) is a report of
 * service/reports.h, made from the same list. The rules are
 * service/risk.h's and service/rematch.h's. */
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/relationship.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/str.h"
#include "service/program.h"
#include "service/rematch.h"
#include "service/risk.h"

static json_t *members_json(const struct svc_rel_member *m, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:I, s:I, s:s, s:s}", "participation_id",
                                           (json_int_t)m[i].participation_id, "person_id",
                                           (json_int_t)m[i].person_id, "name", m[i].name, "role",
                                           m[i].role));
    return a;
}

int h_at_risk(api_ctx *c)
{
    int64_t pid, open;
    if (api_program_access(c, 0, PERM_OTHER_PROFILE, PERM_READ,
                           "the at-risk list is for the program's coordinators", &pid, NULL))
        return -1;
    struct svc_risk_item *items;
    size_t n;
    int rc = svc_risk_list(c->db, pid, clock_now(), &items, &n, &open);
    if (rc != STORE_OK)
        return api_fail(c, rc, NULL);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct svc_risk_item *it = &items[i];
        json_t *reasons = json_array();
        for (size_t r = 0; r < it->nreasons; r++) {
            json_t *o = json_pack("{s:s, s:s}", "code", risk_code_name(it->reasons[r].code), "text",
                                  it->reasons[r].text);
            json_object_set_new(o, "since", it->since[r] ? api_time(it->since[r]) : json_null());
            json_array_append_new(reasons, o);
        }
        json_t *o = json_pack("{s:I, s:s, s:o, s:s, s:o, s:o, s:I}", "relationship_id",
                              (json_int_t)it->relationship_id, "status", it->status, "started_at",
                              api_time(it->started_at), "phase", it->phase_name, "members",
                              members_json(it->members, it->nmembers), "reasons", reasons, "notes",
                              (json_int_t)it->notes);
        json_object_set_new(o, "last_note_at",
                            it->last_note_at ? api_time(it->last_note_at) : json_null());
        json_array_append_new(arr, o);
    }
    svc_risk_items_free(items, n);
    return api_json(c, 200,
                    json_pack("{s:o, s:I, s:I}", "items", arr, "total", (json_int_t)n,
                              "open_relationships", (json_int_t)open));
}

static json_t *note_json(const struct svc_coord_note *n)
{
    json_t *o = json_pack("{s:I, s:I, s:s, s:o}", "id", (json_int_t)n->id, "relationship_id",
                          (json_int_t)n->relationship_id, "body", n->body ? n->body : "",
                          "created_at", api_time(n->created_at));
    json_object_set_new(
        o, "author",
        n->author_id ? json_pack("{s:I, s:s}", "id", (json_int_t)n->author_id, "name", n->author)
                     : json_null());
    return o;
}

int h_coord_notes_list(api_ctx *c)
{
    struct svc_rel r;
    if (rel_open(c, 0, PERM_READ, &r))
        return -1;
    svc_actor actor = api_actor(c);
    struct svc_coord_note *notes;
    size_t n;
    int rc = svc_coord_notes(c->db, &actor, &r, &notes, &n);
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, note_json(&notes[i]));
    svc_coord_notes_free(notes, n);
    return api_json(c, 200, json_pack("{s:o}", "items", items));
}

int h_coord_note_create(api_ctx *c)
{
    struct svc_rel r;
    json_t *body = NULL;
    struct svc_coord_note note = {0};
    verr e = VERR_COLLECT;
    int result = -1, rc;
    if (rel_open(c, 0, PERM_READ, &r))
        return -1;
    if (!perm_coordinates(r.roles))
        return api_not_found(c); /* its members never learn there are notes */
    if (api_body_object(c, &body))
        goto done;
    const char *text;
    if (risk_note_read(body, &text, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    if ((rc = svc_coord_note_add(c->db, &actor, &r, text, &note, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = api_json(c, 201, note_json(&note));
done:
    free(note.body);
    json_decref(body);
    return result;
}

/* The coordinator's prologue of an action on relationship {rid}: 404 for
 * who may not see it, 403 for its members. */
static int coord_rel(api_ctx *c, struct svc_rel *r)
{
    if (rel_open(c, 0, PERM_READ, r))
        return -1;
    if (!perm_coordinates(r->roles))
        return api_problem(c, 403, NULL, "only the program's coordinators do this");
    return 0;
}

int h_nudge(api_ctx *c)
{
    struct svc_rel r;
    json_t *body = NULL;
    verr e = VERR_COLLECT;
    int result = -1, rc;
    if (coord_rel(c, &r) || api_body_object(c, &body))
        goto done;
    const char *message;
    if (risk_nudge_read(body, &message, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    size_t told;
    if ((rc = svc_risk_nudge(c->db, &actor, &r, message, &told, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = api_json(
        c, 200,
        json_pack("{s:I, s:I}", "relationship_id", (json_int_t)r.id, "told", (json_int_t)told));
done:
    json_decref(body);
    return result;
}

/* A coordinator's action on a relationship: the relationship, its body
 * {"reason"?, "version"?} (and "mentor" when asked for) and the program's
 * configuration the services take. */
struct coord_action {
    struct svc_rel r;
    json_t *body;
    struct program_config cfg;
    struct risk_followup in;
};

/* Fills a for the request: 0, or -1 with the reply sent. Call
 * action_cleanup(a) either way. */
static int action_open(api_ctx *c, struct coord_action *a, bool mentor)
{
    verr e = VERR_COLLECT;
    *a = (struct coord_action){0};
    if (coord_rel(c, &a->r) || api_body_object(c, &a->body))
        return -1;
    a->in.version = a->r.version;
    if (risk_followup_read(a->body, mentor, &a->in, &e))
        return api_invalid(c, &e);
    int rc = svc_program_config(c->db, a->r.program_id, &a->cfg, NULL, 0);
    if (rc != SVC_OK)
        return api_fail(c, rc > 0 ? STORE_ERROR : rc, NULL);
    return 0;
}

static void action_cleanup(struct coord_action *a)
{
    program_config_cleanup(&a->cfg);
    json_decref(a->body);
}

int h_reassign(api_ctx *c)
{
    struct coord_action a;
    verr e = {0};
    int64_t id;
    int result = -1;
    if (action_open(c, &a, true) == 0) {
        int64_t ended = a.r.id; /* read before the service writes to a.r */
        svc_actor actor = api_actor(c);
        int rc = svc_rematch_reassign(c->db, &actor, &a.r, &a.cfg, a.in.mentor, a.in.reason,
                                      a.in.version, &id, &e);
        result = rc != SVC_OK ? api_fail(c, rc, &e)
                              : api_json(c, 201,
                                         json_pack("{s:I, s:I}", "ended", (json_int_t)ended,
                                                   "relationship_id", (json_int_t)id));
    }
    action_cleanup(&a);
    return result;
}

int h_rematch_agree(api_ctx *c)
{
    struct coord_action a;
    verr e = {0};
    int result = -1;
    if (action_open(c, &a, false) == 0) {
        svc_actor actor = api_actor(c);
        int rc = svc_rematch_agree(c->db, &actor, &a.r, &a.cfg, a.in.reason, a.in.version, &e);
        result = rc != SVC_OK ? api_fail(c, rc, &e)
                              : api_json(c, 200,
                                         json_pack("{s:I, s:s}", "relationship_id",
                                                   (json_int_t)a.r.id, "status", a.r.status));
    }
    action_cleanup(&a);
    return result;
}

int h_rematch_list(api_ctx *c)
{
    int64_t pid;
    if (api_program_access(c, 0, PERM_OTHER_PROFILE, PERM_READ,
                           "the rematch queue is for the program's coordinators", &pid, NULL))
        return -1;
    struct svc_rematch_item *items;
    size_t n;
    int rc = svc_rematch_list(c->db, pid, &items, &n);
    if (rc != STORE_OK)
        return api_fail(c, rc, NULL);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct svc_rematch_item *it = &items[i];
        json_t *o =
            json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:s}", "participation_id",
                      (json_int_t)it->participation_id, "person_id", (json_int_t)it->person_id,
                      "name", it->name, "relationship_id", (json_int_t)it->relationship_id,
                      "former_mentor", it->former_mentor, "reason", it->reason, "end_reason",
                      it->end_reason, "state", it->no_match ? "no_match" : "waiting");
        json_object_set_new(o, "ended_at", it->ended_at ? api_time(it->ended_at) : json_null());
        json_object_set_new(o, "no_match_reason",
                            it->no_match ? json_string(it->no_match_why) : json_null());
        json_object_set_new(o, "run_id",
                            it->no_match ? json_integer(it->no_match_run) : json_null());
        json_array_append_new(arr, o);
    }
    free(items);
    return api_json(c, 200, json_pack("{s:o, s:I}", "items", arr, "total", (json_int_t)n));
}

int h_rematch_dismiss(api_ctx *c)
{
    int64_t pid, part;
    if (api_program_access(c, 0, PERM_OTHER_PROFILE, PERM_WRITE,
                           "the rematch queue is for the program's coordinators", &pid, NULL) ||
        api_param_id(c, 1, &part))
        return -1;
    svc_actor actor = api_actor(c);
    verr e = {0};
    int rc = svc_rematch_dismiss(c->db, &actor, pid, part, &e);
    if (rc != SVC_OK)
        return api_fail(c, rc, &e);
    return api_no_content(c);
}
