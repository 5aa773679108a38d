/* recognition.c - recognition (product.md §7, issue 12 item 6):
 * GET /relationships/{rid}/recognition (milestones, kudos, highlight);
 * POST /relationships/{rid}/kudos; PUT, DELETE /relationships/{rid}/highlight;
 * GET /programs/{id}/highlights; GET /programs/{id}/participants/{pid}/badges;
 * GET /relationships/{rid}/certificate.pdf. The rules are
 * service/recognition.h's. */
#include <string.h>

#include "api/handlers.h"
#include "api/relationship.h"
#include "base/limits.h"
#include "base/str.h"
#include "domain/recognition.h"
#include "service/recognition.h"

static json_t *milestone_json(const struct svc_milestone_view *m)
{
    return json_pack("{s:s, s:i, s:s, s:o, s:I, s:I, s:s, s:o}", "kind", rec_kind_name(m->kind),
                     "threshold", m->threshold, "label", m->label, "reached_at",
                     api_time(m->reached_at), "participation_id", (json_int_t)m->participation_id,
                     "person_id", (json_int_t)m->person_id, "name", m->name, "relationship_id",
                     m->relationship_id ? json_integer(m->relationship_id) : json_null());
}

static json_t *kudos_json(const struct svc_kudos *k)
{
    return json_pack("{s:I, s:I, s:{s:I, s:s}, s:{s:I, s:s}, s:s, s:o}", "id", (json_int_t)k->id,
                     "relationship_id", (json_int_t)k->relationship_id, "from", "participation_id",
                     (json_int_t)k->from_participation, "name", k->from_name, "to",
                     "participation_id", (json_int_t)k->to_participation, "name", k->to_name,
                     "message", k->message ? k->message : "", "created_at",
                     api_time(k->created_at));
}

static json_t *highlight_json(const struct svc_highlight *h)
{
    if (!h->set)
        return json_null();
    return json_pack("{s:I, s:s, s:s, s:o, s:o}", "relationship_id", (json_int_t)h->relationship_id,
                     "text", h->text ? h->text : "", "members", h->members, "highlighted_at",
                     api_time(h->highlighted_at), "by",
                     h->by_person ? json_pack("{s:I, s:s}", "person_id", (json_int_t)h->by_person,
                                              "name", h->by_name)
                                  : json_null());
}

static int reply_recognition(api_ctx *c, int status, const struct svc_rel *r)
{
    struct svc_rel_recognition v;
    int rc = svc_recognition_of_relationship(c->db, r, &v);
    if (rc != STORE_OK)
        return api_fail(c, rc, NULL);
    json_t *ms = json_array(), *ks = json_array();
    for (size_t i = 0; i < v.nmilestones; i++)
        json_array_append_new(ms, milestone_json(&v.milestones[i]));
    for (size_t i = 0; i < v.nkudos; i++)
        json_array_append_new(ks, kudos_json(&v.kudos[i]));
    char url[96];
    str_fmt(url, sizeof url, "/api/v1/relationships/%lld/certificate.pdf", (long long)r->id);
    json_t *o = json_pack("{s:I, s:o, s:o, s:o, s:{s:b, s:o}}", "relationship_id",
                          (json_int_t)r->id, "milestones", ms, "kudos", ks, "highlight",
                          highlight_json(&v.highlight), "certificate", "available", v.certificate,
                          "url", v.certificate ? json_string(url) : json_null());
    svc_rel_recognition_cleanup(&v);
    return api_json(c, status, o);
}

int h_relationship_recognition(api_ctx *c)
{
    struct svc_rel r;
    if (rel_open(c, 0, PERM_READ, &r))
        return -1;
    return reply_recognition(c, 200, &r);
}

int h_kudos_create(api_ctx *c)
{
    struct svc_rel r;
    json_t *body = NULL;
    struct svc_kudos k = {0};
    verr e = {0};
    int result = -1, rc;
    if (rel_open(c, 0, PERM_READ, &r) || api_body_object(c, &body))
        goto done;
    int64_t to = 0;
    const char *message = NULL;
    int bad = kudos_input_read(body, &to, &message, &e);
    if (bad) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    if ((rc = svc_kudos_send(c->db, &actor, &r, to, message, &k, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = api_json(c, 201, kudos_json(&k));
done:
    svc_kudos_cleanup(&k);
    json_decref(body);
    return result;
}

int h_highlight_put(api_ctx *c)
{
    struct svc_rel r;
    json_t *body = NULL;
    verr e = {0};
    int result = -1, rc;
    const char *text;
    if (rel_open(c, 0, PERM_READ, &r) || api_body_object(c, &body))
        goto done;
    if (highlight_input_read(body, &text, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    if ((rc = svc_highlight_set(c->db, &actor, &r, text, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = reply_recognition(c, 200, &r);
done:
    json_decref(body);
    return result;
}

int h_highlight_delete(api_ctx *c)
{
    struct svc_rel r;
    verr e = {0};
    if (rel_open(c, 0, PERM_READ, &r))
        return -1;
    svc_actor actor = api_actor(c);
    int rc = svc_highlight_clear(c->db, &actor, &r, &e);
    if (rc != SVC_OK)
        return api_fail(c, rc, &e);
    return api_no_content(c);
}

int h_program_highlights(api_ctx *c)
{
    int64_t pid;
    struct svc_highlight *h = NULL;
    size_t n = 0;
    if (api_program_access(c, 0, PERM_PROGRAM, PERM_READ, "", &pid, NULL))
        return -1;
    int rc = svc_highlight_list(c->db, pid, &h, &n);
    json_t *items = json_array();
    for (size_t i = 0; rc == STORE_OK && i < n; i++)
        json_array_append_new(items, highlight_json(&h[i]));
    for (size_t i = 0; i < n; i++)
        svc_highlight_cleanup(&h[i]);
    free(h);
    if (rc != STORE_OK) {
        json_decref(items);
        return api_fail(c, rc, NULL);
    }
    return api_json(c, 200, json_pack("{s:o}", "items", items));
}

int h_participant_badges(api_ctx *c)
{
    int64_t pid, part;
    struct svc_badges b;
    if (api_param_id(c, 0, &pid) || api_param_id(c, 1, &part))
        return -1;
    svc_actor actor = api_actor(c);
    int rc = svc_recognition_badges(c->db, &actor, pid, part, &b);
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL);
    json_t *badges = json_array(), *ms = json_array(), *ks = json_array();
    for (size_t i = 0; i < b.nbadges; i++) {
        char label[64];
        rec_label(b.badges[i].kind, b.badges[i].threshold, label, sizeof label);
        json_array_append_new(badges, json_pack("{s:s, s:i, s:s, s:I, s:o, s:o}", "kind",
                                                rec_kind_name(b.badges[i].kind), "threshold",
                                                b.badges[i].threshold, "label", label, "count",
                                                (json_int_t)b.badges[i].count, "first_at",
                                                api_time(b.badges[i].first_at), "last_at",
                                                api_time(b.badges[i].last_at)));
    }
    for (size_t i = 0; i < b.nmilestones; i++)
        json_array_append_new(ms, milestone_json(&b.milestones[i]));
    for (size_t i = 0; i < b.nkudos; i++)
        json_array_append_new(ks, kudos_json(&b.kudos[i]));
    json_t *o = json_pack("{s:I, s:o, s:o, s:o, s:I, s:I}", "participation_id", (json_int_t)part,
                          "badges", badges, "milestones", ms, "kudos", ks, "kudos_received",
                          (json_int_t)b.kudos_received, "minutes", (json_int_t)b.minutes);
    svc_badges_cleanup(&b);
    return api_json(c, 200, o);
}

int h_certificate(api_ctx *c)
{
    struct svc_rel r;
    int64_t part = 0;
    verr e = {0};
    char filename[96], disp[160];
    if (rel_open(c, 0, PERM_READ, &r))
        return -1;
    const char *p = http_req_query(c->req, "participation_id");
    if (p && str_to_i64(p, 1, INT64_MAX / 2, &part))
        return api_problem(c, 400, "participation_id",
                           "participation_id must be a member's participation id");
    buf pdf;
    buf_init(&pdf, LIMIT_CERTIFICATE_BYTES);
    int rc = svc_certificate_pdf(c->db, &r, part, &pdf, filename, sizeof filename, &e);
    if (rc != SVC_OK) {
        buf_cleanup(&pdf);
        return api_fail(c, rc, &e);
    }
    str_fmt(disp, sizeof disp, "attachment; filename=\"%s\"", filename);
    http_resp_header(c->resp, "Content-Disposition", disp);
    http_resp_body(c->resp, 200, "application/pdf", pdf.data, pdf.len);
    buf_cleanup(&pdf);
    return 0;
}
