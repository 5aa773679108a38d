/* surveys.c - a program's surveys, answering them and their results
 * (product.md §2, §7; issue 12):
 *
 *   GET  /survey-templates                      the built-in surveys
 *   GET, POST /programs/{id}/surveys            list (coordinators, viewers), add (coordinators)
 *   GET, PATCH /surveys/{sid}                   read, change
 *   POST /surveys/{sid}/send                    send a manual survey now
 *   POST /surveys/{sid}/responses               answer it (the people asked)
 *   GET  /surveys/{sid}/responses               individual answers, where §9 allows them
 *   GET  /surveys/{sid}/results                 the figures, under the anonymity threshold
 *   GET  /me/surveys                            what is due for me (surveys, health checks)
 *
 * The rules are service/survey.h's and domain/survey.h's. */
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "base/clock.h"
#include "base/str.h"
#include "domain/survey_template.h"
#include "service/health.h"
#include "service/survey.h"

static json_t *survey_json(api_ctx *c, const struct svc_survey *s, int64_t now)
{
    char url[64];
    str_fmt(url, sizeof url, "/surveys/%lld", (long long)s->id);
    json_t *o = json_deep_copy(s->def.doc);
    json_object_set_new(o, "id", json_integer(s->id));
    json_object_set_new(o, "program_id", json_integer(s->program_id));
    json_object_set_new(o, "template",
                        s->template_name[0] ? json_string(s->template_name) : json_null());
    json_object_set_new(o, "version", json_integer(s->version));
    json_object_set_new(o, "created_at", api_time(s->created_at));
    json_object_set_new(o, "updated_at", api_time(s->updated_at));
    json_object_set_new(o, "url", json_string(url));
    json_object_set_new(o, "access",
                        json_string(s->access == SVC_SURVEY_MANAGE       ? "manage"
                                    : s->access == SVC_SURVEY_AGGREGATES ? "results"
                                                                         : "answer"));
    if (s->access != SVC_SURVEY_ASKED)
        json_object_set_new(o, "counts",
                            json_pack("{s:I, s:I, s:I, s:I}", "rounds", (json_int_t)s->rounds,
                                      "asked", (json_int_t)s->asked, "answered",
                                      (json_int_t)s->answered, "responses",
                                      (json_int_t)s->responses));
    /* The rounds the reader may answer now. */
    struct svc_due_survey mine[LIMIT_PAGE_DEFAULT];
    size_t n = 0;
    svc_actor actor = api_actor(c);
    json_t *rounds = json_array();
    if (svc_survey_my_rounds(c->db, &actor, s, now, mine, LIMIT_PAGE_DEFAULT, &n) != STORE_OK)
        c->failed = STORE_ERROR;
    for (size_t i = 0; i < n; i++) {
        json_t *r =
            json_pack("{s:I, s:o, s:o, s:s, s:s}", "round_id", (json_int_t)mine[i].round_id,
                      "opened_at", api_time(mine[i].opened_at), "closes_at",
                      api_time(mine[i].closes_at), "with", mine[i].with, "role", mine[i].role);
        json_object_set_new(r, "relationship_id",
                            mine[i].relationship_id ? json_integer(mine[i].relationship_id)
                                                    : json_null());
        json_array_append_new(rounds, r);
    }
    json_object_set_new(o, "my_rounds", rounds);
    return o;
}

int h_survey_templates(api_ctx *c)
{
    json_t *items = json_array();
    for (size_t i = 0; i < survey_template_count(); i++) {
        json_t *doc = survey_template_doc(survey_template_name(i));
        struct survey_def d;
        verr e = {0};
        if (!doc || survey_def_normalize(doc, NULL, &d, &e)) {
            json_decref(doc);
            json_decref(items);
            return api_problem(c, 500, NULL, "built-in survey %s is broken: %s %s",
                               survey_template_name(i), e.field, e.msg);
        }
        json_decref(doc);
        json_t *o = json_deep_copy(d.doc);
        survey_def_cleanup(&d);
        json_object_set_new(o, "name", json_string(survey_template_name(i)));
        json_object_set_new(o, "when", json_string(survey_template_what(i)));
        json_object_del(o, "status");
        json_array_append_new(items, o);
    }
    return api_json(c, 200, json_pack("{s:o}", "items", items));
}

int h_surveys_list(api_ctx *c)
{
    int64_t pid;
    if (api_program_access(c, 0, PERM_REPORT, PERM_READ,
                           "surveys are kept by the program's coordinators", &pid, NULL))
        return -1;
    svc_actor actor = api_actor(c);
    struct svc_survey *ss;
    size_t n;
    int rc = svc_survey_list(c->db, &actor, pid, &ss, &n);
    if (rc != STORE_OK)
        return api_fail(c, rc, NULL);
    int64_t now = clock_now();
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, survey_json(c, &ss[i], now));
    svc_surveys_free(ss, n);
    return api_json(c, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)n));
}

int h_survey_create(api_ctx *c)
{
    int64_t pid, id;
    json_t *body = NULL, *doc = NULL;
    struct survey_def def = {0};
    struct svc_survey s = {0};
    verr e = {0};
    int result = -1, rc;
    if (api_program_access(c, 0, PERM_PROGRAM, PERM_WRITE,
                           "only the program's coordinators add surveys", &pid, NULL) ||
        api_body_object(c, &body))
        goto done;
    /* From a built-in: its document, with whatever the body changes. */
    const char *tmpl;
    if (survey_create_doc(body, &tmpl, &doc, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    if (survey_def_normalize(doc, NULL, &def, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    if ((rc = svc_survey_create(c->db, &actor, pid, tmpl, &def, &id, &e)) != SVC_OK ||
        (rc = svc_survey_get(c->db, &actor, id, &s)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    char loc[64];
    str_fmt(loc, sizeof loc, "/api/v1/surveys/%lld", (long long)id);
    http_resp_header(c->resp, "Location", loc);
    result = api_json(c, 201, survey_json(c, &s, clock_now()));
done:
    svc_survey_cleanup(&s);
    survey_def_cleanup(&def);
    json_decref(doc);
    json_decref(body);
    return result;
}

/* Loads survey {sid} (route parameter 0) as the actor may see it. */
static int survey_open(api_ctx *c, struct svc_survey *s)
{
    int64_t sid;
    if (api_param_id(c, 0, &sid))
        return -1;
    svc_actor actor = api_actor(c);
    int rc = svc_survey_get(c->db, &actor, sid, s);
    return rc == SVC_OK ? 0 : api_fail(c, rc, NULL);
}

int h_survey_get(api_ctx *c)
{
    struct svc_survey s;
    if (survey_open(c, &s))
        return -1;
    json_t *o = survey_json(c, &s, clock_now());
    svc_survey_cleanup(&s);
    return api_json(c, 200, o);
}

static int managed(api_ctx *c, const struct svc_survey *s)
{
    if (s->access == SVC_SURVEY_MANAGE)
        return 0;
    return api_problem(c, 403, NULL, "only the program's coordinators change its surveys");
}

int h_survey_patch(api_ctx *c)
{
    struct svc_survey s = {0};
    struct survey_def next = {0};
    json_t *body = NULL, *changes = NULL;
    verr e = {0};
    int result = -1, rc;
    if (survey_open(c, &s) || managed(c, &s) || api_body_object(c, &body))
        goto done;
    int64_t version;
    if (survey_patch_read(body, &version, &changes, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    if (survey_def_normalize(changes, &s.def, &next, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    if ((rc = svc_survey_update(c->db, &actor, &s, &next, version, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = api_json(c, 200, survey_json(c, &s, clock_now()));
done:
    survey_def_cleanup(&next);
    svc_survey_cleanup(&s);
    json_decref(changes);
    json_decref(body);
    return result;
}

int h_survey_send(api_ctx *c)
{
    struct svc_survey s = {0};
    verr e = {0};
    int result = -1, rc;
    int64_t round, asked, now = clock_now();
    if (survey_open(c, &s) || managed(c, &s))
        goto done;
    svc_actor actor = api_actor(c);
    if ((rc = svc_survey_send(c->db, &actor, &s, now, &round, &asked, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = api_json(c, 201,
                      json_pack("{s:I, s:I, s:o}", "round_id", (json_int_t)round, "asked",
                                (json_int_t)asked, "survey", survey_json(c, &s, now)));
done:
    svc_survey_cleanup(&s);
    return result;
}

int h_survey_respond(api_ctx *c)
{
    struct svc_survey s = {0};
    json_t *body = NULL;
    verr e = VERR_COLLECT;
    int result = -1, rc;
    if (survey_open(c, &s) || api_body_object(c, &body))
        goto done;
    int64_t round = 0, id = 0, now = clock_now();
    const json_t *answers;
    if (survey_response_read(body, &round, &answers, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    if ((rc = svc_survey_respond(c->db, &actor, &s, round, answers, now, &id, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    json_t *o = json_pack("{s:I, s:b, s:o}", "survey_id", (json_int_t)s.id, "anonymous",
                          s.def.anonymous, "answered_at", api_time(now));
    json_object_set_new(o, "response_id", id ? json_integer(id) : json_null());
    result = api_json(c, 201, o);
done:
    svc_survey_cleanup(&s);
    json_decref(body);
    return result;
}

int h_survey_responses(api_ctx *c)
{
    struct svc_survey s = {0};
    struct svc_survey_response *rs = NULL;
    size_t n = 0;
    int64_t limit, offset, total;
    verr e = {0};
    int result = -1, rc;
    if (survey_open(c, &s) || api_page(c, &limit, &offset))
        goto done;
    svc_actor actor = api_actor(c);
    if ((rc = svc_survey_responses(c->db, &actor, &s, limit, offset, &rs, &n, &total, &e)) !=
        SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:O, s:o}", "id", (json_int_t)rs[i].id,
                              "participation_id", (json_int_t)rs[i].participation_id, "name",
                              rs[i].name, "role", rs[i].role, "answers", rs[i].answers,
                              "submitted_at", api_time(rs[i].submitted_at));
        json_object_set_new(o, "round_id",
                            rs[i].round_id ? json_integer(rs[i].round_id) : json_null());
        json_object_set_new(o, "relationship_id",
                            rs[i].relationship_id ? json_integer(rs[i].relationship_id)
                                                  : json_null());
        json_array_append_new(items, o);
    }
    result = api_json(c, 200,
                      json_pack("{s:o, s:I, s:I, s:I, s:b}", "items", items, "total",
                                (json_int_t)total, "limit", (json_int_t)limit, "offset",
                                (json_int_t)offset, "anonymous", s.def.anonymous));
done:
    svc_survey_responses_free(rs, n);
    svc_survey_cleanup(&s);
    return result;
}

int h_survey_results(api_ctx *c)
{
    struct svc_survey s = {0};
    struct svc_survey_results r = {0};
    int result = -1, rc;
    if (survey_open(c, &s))
        goto done;
    if (s.access == SVC_SURVEY_ASKED) {
        result = api_problem(c, 403, NULL,
                             "results are for the program's coordinators and stakeholders");
        goto done;
    }
    if ((rc = svc_survey_results(c->db, &s, s.access != SVC_SURVEY_MANAGE, &r)) != STORE_OK) {
        result = api_fail(c, rc, NULL);
        goto done;
    }
    json_t *qs = json_array();
    for (size_t i = 0; i < s.def.nquestions; i++) {
        const json_t *q = json_array_get(s.def.questions, i);
        json_t *o = json_pack("{s:O, s:O, s:O}", "id", json_object_get(q, "id"), "kind",
                              json_object_get(q, "kind"), "label", json_object_get(q, "label"));
        if (!r.suppressed && i < r.tally.n) {
            const struct survey_qstat *st = &r.tally.q[i];
            double v;
            json_object_set_new(o, "answered", json_integer(st->answered));
            if (survey_mean(st, &v))
                json_object_set_new(o, "mean", json_real(v));
            if (st->kind == SURVEY_NPS && survey_nps(st->counts, &v))
                json_object_set_new(o, "nps", json_real(v));
            if (st->ncounts) {
                json_t *counts = json_array();
                char label[8];
                for (size_t k = 0; k < st->ncounts; k++)
                    json_array_append_new(counts, json_pack("{s:s, s:I}", "value",
                                                            survey_count_label(st, k, label),
                                                            "count", (json_int_t)st->counts[k]));
                json_object_set_new(o, "counts", counts);
            }
        }
        json_array_append_new(qs, o);
    }
    result = api_json(c, 200,
                      json_pack("{s:I, s:I, s:I, s:I, s:b, s:i, s:b, s:o}", "survey_id",
                                (json_int_t)s.id, "responses", (json_int_t)r.responses, "asked",
                                (json_int_t)r.asked, "answered", (json_int_t)r.answered,
                                "suppressed", r.suppressed, "threshold", r.threshold, "anonymous",
                                s.def.anonymous, "questions", qs));
done:
    svc_survey_results_cleanup(&r);
    svc_survey_cleanup(&s);
    return result;
}

int h_my_surveys(api_ctx *c)
{
    svc_actor actor = api_actor(c);
    struct svc_due_survey *d = NULL;
    struct svc_health_due *h = NULL;
    size_t n = 0, nh = 0;
    int64_t now = clock_now();
    int rc = svc_survey_due(c->db, &actor, now, &d, &n);
    if (rc == STORE_OK)
        rc = svc_health_due_for(c->db, &actor, now, &h, &nh);
    if (rc != STORE_OK) {
        free(d);
        return api_fail(c, rc, NULL);
    }
    json_t *items = json_array(), *checks = json_array();
    for (size_t i = 0; i < n; i++) {
        char url[96];
        str_fmt(url, sizeof url, "/surveys/%lld?round=%lld", (long long)d[i].survey_id,
                (long long)d[i].round_id);
        json_t *o = json_pack(
            "{s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:b, s:o, s:o, s:s}", "survey_id",
            (json_int_t)d[i].survey_id, "round_id", (json_int_t)d[i].round_id, "title", d[i].title,
            "program_id", (json_int_t)d[i].program_id, "program_name", d[i].program_name, "role",
            d[i].role, "with", d[i].with, "anonymous", d[i].anonymous, "opened_at",
            api_time(d[i].opened_at), "closes_at", api_time(d[i].closes_at), "url", url);
        json_object_set_new(o, "relationship_id",
                            d[i].relationship_id ? json_integer(d[i].relationship_id)
                                                 : json_null());
        json_array_append_new(items, o);
    }
    for (size_t i = 0; i < nh; i++) {
        char url[96];
        str_fmt(url, sizeof url, "/relationships/%lld/health", (long long)h[i].relationship_id);
        json_array_append_new(checks, json_pack("{s:I, s:I, s:s, s:s, s:o, s:s}", "relationship_id",
                                                (json_int_t)h[i].relationship_id, "program_id",
                                                (json_int_t)h[i].program_id, "program_name",
                                                h[i].program_name, "with", h[i].with, "due_at",
                                                api_time(h[i].due_at), "url", url));
    }
    free(d);
    free(h);
    return api_json(c, 200, json_pack("{s:o, s:o}", "items", items, "health_checks", checks));
}
