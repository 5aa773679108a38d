/* requests.c - self-matching (product.md §5, §9): recommendations for a
 * mentee, mentoring requests to one mentor or a ranked list of up to
 * three that cascades on decline or expiry, and the mentor's answer. The
 * rules are service/requests.c's; expiry runs as a job (jobs/), never in a
 * GET. */
#include <stddef.h>
#include <string.h>

#include "api/handlers.h"
#include "api/mentors.h"
#include "base/limits.h"
#include "base/str.h"
#include "base/vec.h"
#include "service/requests.h"

static const char not_mentee_recommendations[] = "recommendations are for the program's mentees";
static const char not_mentee_requests[] = "requests are made by the program's mentees";

/* The card of mentor participation `part` among cards (in id order). */
static const struct svc_mentor_card *card_of(const struct svc_mentor_card *cards, size_t n,
                                             int64_t part)
{
    size_t i = vec_lower_bound(cards, n, sizeof *cards,
                               offsetof(struct svc_mentor_card, participation_id), part);
    return i < n && cards[i].participation_id == part ? &cards[i] : NULL;
}

int h_recommendations(api_ctx *c)
{
    int64_t pid, mentee;
    if (api_program_access(c, 0, PERM_PROGRAM, PERM_READ, "", &pid, NULL))
        return -1;
    svc_actor actor = api_actor(c);
    struct program_config cfg;
    struct svc_recommendations rec = {0};
    struct svc_mentor_card *cards = NULL;
    size_t ncards = 0;
    verr e = {0};
    int result = -1;
    int rc = svc_request_asker(c->db, &actor, pid, not_mentee_recommendations, &mentee, &cfg, &e);
    if (rc != SVC_OK)
        return api_fail(c, rc, &e);
    if ((rc = svc_request_recommend(c->db, pid, &cfg, mentee, &rec, &e)) != SVC_OK ||
        (rc = svc_mentor_cards(c->db, pid, 0, 0, &cards, &ncards)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    json_t *items = json_array();
    size_t not_allowed = 0;
    for (size_t i = 0; i < rec.rk->n; i++) {
        const match_ranked *it = &rec.rk->items[i];
        if (!it->allowed) {
            not_allowed++;
            continue;
        }
        int64_t mentor = rec.mi.mentor_part[it->mentor];
        const struct svc_mentor_card *found = card_of(cards, ncards, mentor);
        json_t *card = found ? mentor_card_json(found) : NULL, *ex = json_object();
        for (size_t k = 0; k < rec.rk->ncrit; k++)
            json_object_set_new(ex, rec.rk->crit_names[k], json_real(it->explain[k]));
        json_array_append_new(items, json_pack("{s:I, s:f, s:o, s:o}", "mentor", (json_int_t)mentor,
                                               "score", it->score, "explain", ex, "card",
                                               card ? card : json_null()));
    }
    const char *missing[LIMIT_REQUIRED_FIELDS];
    size_t nmissing = 0;
    if ((rc = svc_request_missing(c->db, &cfg, mentee, missing, &nmissing)) != STORE_OK) {
        json_decref(items);
        result = api_fail(c, rc, NULL);
        goto done;
    }
    json_t *mf = json_array();
    for (size_t i = 0; i < nmissing; i++)
        json_array_append_new(mf, json_string(missing[i]));
    result =
        api_json(c, 200,
                 json_pack("{s:I, s:o, s:I, s:o}", "mentee", (json_int_t)mentee, "items", items,
                           "not_allowed", (json_int_t)not_allowed, "missing_fields", mf));
done:
    svc_mentor_cards_free(cards, ncards);
    svc_recommendations_cleanup(&rec);
    program_config_cleanup(&cfg);
    return result;
}

/* The request as the API shows it; with names for the inbox. */
static json_t *request_json(const struct svc_request *r, bool names)
{
    json_t *choices = json_array();
    for (size_t k = 0; k < r->nchoices; k++)
        json_array_append_new(choices, json_integer(r->choices[k]));
    json_t *o = json_pack("{s:I, s:I, s:I, s:o, s:i, s:I, s:s, s:s, s:O, s:o, s:o, s:o}", "id",
                          (json_int_t)r->id, "program_id", (json_int_t)r->program_id, "mentee",
                          (json_int_t)r->mentee, "choices", choices, "current", r->current,
                          "mentor", (json_int_t)r->mentor, "status", r->status, "message",
                          r->message, "history", r->history, "created_at", api_time(r->created_at),
                          "asked_at", api_time(r->asked_at), "expires_at", api_time(r->expires_at));
    json_object_set_new(o, "responded_at",
                        r->responded_at ? api_time(r->responded_at) : json_null());
    json_object_set_new(o, "relationship_id",
                        r->relationship_id ? json_integer(r->relationship_id) : json_null());
    if (names) {
        json_t *cn = json_array();
        for (size_t k = 0; k < r->nchoices; k++)
            json_array_append_new(cn, json_string(r->choice_names[k]));
        json_object_set_new(o, "choice_names", cn);
        json_object_set_new(o, "mentee_name", json_string(r->mentee_name));
        json_object_set_new(o, "mentor_name", json_string(r->mentor_name));
        const struct svc_requester *m = r->card;
        json_t *card = json_null();
        if (m) {
            card = json_pack("{s:I, s:I, s:O, s:O}", "participation_id",
                             (json_int_t)m->participation_id, "person_id", (json_int_t)m->person_id,
                             "profile", m->profile, "answers", m->answers);
            json_object_set_new(card, "department",
                                m->department ? json_string(m->department) : json_null());
            json_object_set_new(card, "job_title",
                                m->job_title ? json_string(m->job_title) : json_null());
        }
        json_object_set_new(o, "mentee_card", card);
    }
    return o;
}

int h_request_create(api_ctx *c)
{
    int64_t pid, mentee, ids[LIMIT_REQUEST_CHOICES], id;
    if (api_program_access(c, 0, PERM_PROGRAM, PERM_READ, "", &pid, NULL))
        return -1;
    svc_actor actor = api_actor(c);
    struct program_config cfg;
    struct svc_request r = {0};
    json_t *body = NULL;
    struct request_new in = {.mentors = ids};
    verr e = {0};
    int result = -1;
    int rc = svc_request_asker(c->db, &actor, pid, not_mentee_requests, &mentee, &cfg, &e);
    if (rc != SVC_OK)
        return api_fail(c, rc, &e);
    if (api_body_object(c, &body))
        goto done;
    if (request_new_read(body, ids, &in, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    if ((rc = svc_request_create(c->db, &actor, pid, &cfg, mentee, &in, &id, &e)) != SVC_OK ||
        (rc = svc_request_get(c->db, id, &r)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = api_json(c, 201, request_json(&r, false));
done:
    svc_request_cleanup(&r);
    program_config_cleanup(&cfg);
    json_decref(body);
    return result;
}

int h_requests_list(api_ctx *c)
{
    int64_t pid;
    perm_roles roles;
    if (api_program_access(c, 0, PERM_MATCH_REQUEST, PERM_READ,
                           "requests are between mentees and mentors", &pid, &roles))
        return -1;
    svc_actor actor = api_actor(c);
    struct svc_request *reqs;
    size_t n;
    int rc = svc_request_list(c->db, &actor, pid, perm_allows(roles, PERM_OTHER_PROFILE, PERM_READ),
                              &reqs, &n);
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, request_json(&reqs[i], true));
    svc_request_list_free(reqs, n);
    return api_json(c, 200, json_pack("{s:o}", "items", items));
}

int h_request_patch(api_ctx *c)
{
    int64_t rid;
    if (api_param_id(c, 0, &rid))
        return -1;
    svc_actor actor = api_actor(c);
    struct svc_request r;
    json_t *body = NULL;
    const char *message;
    enum request_action a;
    bool as_mentee, as_mentor;
    verr e = {0};
    int result = -1;
    int rc = svc_request_open(c->db, &actor, rid, &r, &as_mentee, &as_mentor);
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL);
    if (api_body_object(c, &body))
        goto done;
    if (request_answer_read(body, &a, &message, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    if ((rc = svc_request_answer(c->db, &actor, &r, a, message, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = api_json(c, 200, request_json(&r, false));
done:
    svc_request_cleanup(&r);
    json_decref(body);
    return result;
}
