/* outbox.c - the admin's outbox: stored mail with its delivery state, a
 * filter, and retrying a message now; and whether this server delivers
 * mail at all, for the pages that say so (docs/internals/mail.md). */
#include <string.h>

#include "api/handlers.h"
#include "base/clock.h"
#include "base/limits.h"
#include "domain/mail.h"
#include "service/outbox.h"

static json_t *time_or_null(int64_t t)
{
    return t ? api_time(t) : json_null();
}

static json_t *row_json(const struct svc_outbox_row *r)
{
    json_t *m = json_pack(
        "{s:I, s:o, s:s, s:s, s:s, s:s, s:I, s:s, s:o, s:o, s:o, s:o, s:s}", "id",
        (json_int_t)r->id, "created_at", api_time(r->created_at), "to", r->to, "subject",
        r->subject, "body", r->body, "kind", r->kind, "attempts", (json_int_t)r->attempts, "state",
        svc_outbox_state_name(r->state), "sent_at", time_or_null(r->sent_at), "next_attempt_at",
        time_or_null(r->next_attempt_at), "last_attempt_at", time_or_null(r->last_attempt_at),
        "dead_at", time_or_null(r->dead_at), "message_id", r->message_id);
    json_object_set_new(m, "program_id", r->program_id ? json_integer(r->program_id) : json_null());
    json_object_set_new(m, "last_error", r->last_error ? json_string(r->last_error) : json_null());
    return m;
}

/* GET /api/v1/outbox?state=&kind=&to=&limit=&offset= (admins): stored
 * mail, newest first, invitation links redacted. */
int h_outbox_list(api_ctx *c)
{
    verr e = {0};
    struct svc_outbox_filter f = {0};
    if (c->actor.site_role != SITE_ADMIN)
        return api_not_found(c);
    if (api_page(c, &f.limit, &f.offset))
        return -1;
    const char *state = http_req_query(c->req, "state");
    int s = state && *state ? svc_outbox_state_parse(state) : OUTBOX_ANY;
    if (s < 0) {
        v_fail(&e, "", "state", "state must be one of any, pending, retrying, sent, dead");
        return api_invalid(c, &e);
    }
    f.state = (enum svc_outbox_state)s;
    const char *kind = http_req_query(c->req, "kind"), *to = http_req_query(c->req, "to");
    f.kind = kind && *kind ? kind : NULL;
    f.to = to && *to ? to : NULL;
    svc_actor actor = api_actor(c);
    struct svc_outbox_page page;
    int rc = svc_outbox_list(c->db, &actor, &f, &page, &e);
    if (rc != SVC_OK)
        return api_fail(c, rc, &e);
    json_t *items = json_array();
    for (size_t i = 0; i < page.n; i++)
        json_array_append_new(items, row_json(&page.items[i]));
    int64_t total = page.total;
    svc_outbox_page_cleanup(&page);
    return api_json(c, 200,
                    json_pack("{s:o, s:I, s:I, s:I, s:b}", "items", items, "total",
                              (json_int_t)total, "limit", (json_int_t)f.limit, "offset",
                              (json_int_t)f.offset, "delivering", svc_mail_delivery()));
}

/* POST /api/v1/outbox/{id}/retry (admins): a dead or retrying message is
 * due now. */
int h_outbox_retry(api_ctx *c)
{
    int64_t id;
    if (c->actor.site_role != SITE_ADMIN)
        return api_not_found(c);
    if (api_param_id(c, 0, &id))
        return -1;
    verr e = {0};
    svc_actor actor = api_actor(c);
    struct svc_outbox_page now;
    int rc = svc_outbox_retry(c->db, &actor, id, clock_now(), &now, &e);
    if (rc != SVC_OK)
        return api_fail(c, rc, &e);
    json_t *m = now.n ? row_json(&now.items[0]) : NULL;
    svc_outbox_page_cleanup(&now);
    if (!m)
        return api_not_found(c);
    return api_json(c, 200, m);
}

/* GET /api/v1/mail: whether this server delivers mail, and the kinds of
 * mail it sends (any signed-in person: pages say "sent" or "queued"). */
int h_mail_status(api_ctx *c)
{
    size_t n;
    const struct mail_template *t = mail_templates(&n);
    json_t *kinds = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(kinds, json_pack("{s:s, s:s, s:b}", "kind", t[i].kind, "what",
                                               t[i].what, "required", t[i].class == MAIL_REQUIRED));
    return api_json(c, 200,
                    json_pack("{s:b, s:o}", "delivering", svc_mail_delivery(), "kinds", kinds));
}
