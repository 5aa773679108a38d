/* outbox.c - GET /api/v1/outbox: the stored e-mail, newest first, as
 * site admins read it (service/outbox.c). */
#include "api/handlers.h"
#include "service/outbox.h"

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

int h_outbox_list(api_ctx *c)
{
    if (c->actor.site_role != SITE_ADMIN)
        return api_not_found(c);
    int64_t limit, offset;
    if (api_page(c, &limit, &offset))
        return -1;
    struct svc_mail_page page;
    int rc = svc_outbox_list(c->db, http_req_query(c->req, "to"), limit, offset, &page);
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL);
    json_t *items = json_array();
    for (size_t i = 0; i < page.n; i++) {
        const struct svc_mail *m = &page.items[i];
        json_array_append_new(
            items,
            json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:o}", "id", (json_int_t)m->id,
                      "created_at", api_time(m->created_at), "to", m->to ? m->to : "", "subject",
                      m->subject ? m->subject : "", "body", m->body ? m->body : "", "kind",
                      m->kind ? m->kind : "", "attempts", (json_int_t)m->attempts, "program_id",
                      m->program_id ? json_integer(m->program_id) : json_null(), "sent_at",
                      m->sent_at ? api_time(m->sent_at) : json_null(), "last_error",
                      text_or_null(m->last_error)));
    }
    json_int_t total = page.total;
    svc_mail_page_cleanup(&page);
    return api_json(c, 200,
                    json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", total, "limit",
                              (json_int_t)limit, "offset", (json_int_t)offset));
}
