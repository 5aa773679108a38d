/* notifications.c - the bell: a person's in-app notifications, their
 * unread count, marking them read; the notification settings; and the
 * unsubscribe link, which works without signing in
 * (docs/internals/notifications.md). The rules are
 * service/notification.c's. */
#include <string.h>

#include "api/handlers.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/str.h"
#include "http/assets.h"
#include "service/notification.h"

static json_t *item_json(const struct svc_notification *n)
{
    json_t *o =
        json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)n->id, "kind", n->kind, "title",
                  n->title, "link", n->link, "created_at", api_time(n->created_at));
    json_object_set_new(o, "program_id", n->program_id ? json_integer(n->program_id) : json_null());
    json_object_set_new(o, "program", n->program ? json_string(n->program) : json_null());
    json_object_set_new(o, "read_at", n->read_at ? api_time(n->read_at) : json_null());
    return o;
}

/* GET /api/v1/notifications?limit=&cursor=: unread first, then newest. */
int h_notifications_list(api_ctx *c)
{
    verr e = {0};
    int64_t limit = 20;
    const char *l = http_req_query(c->req, "limit"), *cursor = http_req_query(c->req, "cursor");
    if (l && *l && str_to_i64(l, 1, LIMIT_NOTIFICATIONS_PAGE, &limit)) {
        v_fail(&e, "", "limit", "limit must be a number from 1 to %d", LIMIT_NOTIFICATIONS_PAGE);
        return api_invalid(c, &e);
    }
    struct svc_notification_page page;
    int rc = svc_notifications_list(c->db, c->actor.person_id, cursor, limit, &page, &e);
    if (rc != SVC_OK)
        return api_fail(c, rc, &e);
    int64_t unread = 0;
    if ((rc = svc_notifications_unread(c->db, c->actor.person_id, &unread)) != STORE_OK) {
        svc_notification_page_cleanup(&page);
        return api_store_failed(c, rc);
    }
    json_t *items = json_array();
    for (size_t i = 0; i < page.n; i++)
        json_array_append_new(items, item_json(&page.items[i]));
    json_t *out = json_pack("{s:o, s:I, s:I}", "items", items, "unread", (json_int_t)unread,
                            "limit", (json_int_t)limit);
    json_object_set_new(out, "next_cursor", page.next[0] ? json_string(page.next) : json_null());
    svc_notification_page_cleanup(&page);
    return api_json(c, 200, out);
}

/* GET /api/v1/notifications/unread: the bell's count, asked on every
 * page the UI shows (one count on a partial index). */
int h_notifications_unread(api_ctx *c)
{
    int64_t n = 0;
    int rc = svc_notifications_unread(c->db, c->actor.person_id, &n);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    return api_json(c, 200, json_pack("{s:I}", "unread", (json_int_t)n));
}

/* POST /api/v1/notifications/{id}/read */
int h_notification_read(api_ctx *c)
{
    int64_t id;
    if (api_param_id(c, 0, &id))
        return -1;
    verr e = {0};
    struct svc_notification_page one;
    int rc = svc_notification_read(c->db, c->actor.person_id, id, clock_now(), &one, &e);
    if (rc != SVC_OK)
        return api_fail(c, rc, &e);
    json_t *out = one.n ? item_json(&one.items[0]) : NULL;
    svc_notification_page_cleanup(&one);
    return out ? api_json(c, 200, out) : api_not_found(c);
}

/* POST /api/v1/notifications/read: all of them. */
int h_notifications_read_all(api_ctx *c)
{
    int64_t n = 0;
    int rc = svc_notifications_read_all(c->db, c->actor.person_id, clock_now(), &n);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    return api_json(c, 200, json_pack("{s:I, s:I}", "marked", (json_int_t)n, "unread", 0));
}

/* ---- settings ---- */

#define MAX_KINDS 64

static int settings_reply(api_ctx *c, int status)
{
    struct svc_notification_setting s[MAX_KINDS];
    size_t n;
    int rc = svc_notification_settings(c->db, c->actor.person_id, s, MAX_KINDS, &n);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    json_t *kinds = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(kinds,
                              json_pack("{s:s, s:s, s:s}", "kind", s[i].kind, "what", s[i].what,
                                        "mode", notification_mode_name(s[i].mode)));
    size_t nt;
    const struct mail_template *t = mail_templates(&nt);
    json_t *required = json_array();
    for (size_t i = 0; i < nt; i++)
        if (t[i].class == MAIL_REQUIRED)
            json_array_append_new(required,
                                  json_pack("{s:s, s:s}", "kind", t[i].kind, "what", t[i].what));
    return api_json(c, status,
                    json_pack("{s:o, s:o, s:[s, s, s]}", "kinds", kinds, "required", required,
                              "modes", "immediately", "daily", "off"));
}

/* GET /api/v1/me/notification-settings */
int h_notification_settings_get(api_ctx *c)
{
    return settings_reply(c, 200);
}

/* PUT /api/v1/me/notification-settings {"kinds": [{"kind", "mode"}]}:
 * the kinds named change, the others stay. */
int h_notification_settings_put(api_ctx *c)
{
    json_t *body;
    if (api_body_object(c, &body))
        return -1;
    verr e = VERR_COLLECT;
    struct notification_change ch[MAX_KINDS];
    size_t n = 0;
    int result = -1;
    if (notification_changes_read(body, ch, MAX_KINDS, &n, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    int rc = svc_notification_settings_put(c->db, &actor, ch, n, clock_now(), &e);
    result = rc != SVC_OK ? api_fail(c, rc, &e) : settings_reply(c, 200);
done:
    json_decref(body);
    return result;
}

/* ---- unsubscribing (no sign-in: the token is the credential) ---- */

static json_t *unsubscribe_json(const struct svc_unsubscribe *u)
{
    json_t *kinds = json_array();
    for (size_t i = 0; i < u->ndigest; i++)
        json_array_append_new(kinds, json_string(u->digest_kinds[i]));
    return json_pack("{s:s, s:s, s:s, s:b, s:o, s:o}", "kind", u->kind, "what", u->what, "email",
                     u->email, "off", u->off, "digest_kinds", kinds, "expires_at",
                     api_time(u->expires_at));
}

static const char *token_param(api_ctx *c)
{
    const char *t = c->req->nparams ? c->req->params[0] : NULL;
    return t && strlen(t) < NOTIFICATION_TOKEN_CHARS ? t : NULL;
}

/* GET /api/v1/unsubscribe/{token}: what the link turns off. */
int h_unsubscribe_get(api_ctx *c)
{
    const char *token = token_param(c);
    verr e = {0};
    struct svc_unsubscribe u;
    int rc = token ? svc_unsubscribe_find(c->db, token, clock_now(), &u, &e)
                   : svc_fail(&e, SVC_NOT_FOUND, "token", "this unsubscribe link is not valid");
    if (rc != SVC_OK)
        return api_fail(c, rc, &e);
    return api_json(c, 200, unsubscribe_json(&u));
}

/* POST /api/v1/unsubscribe/{token} and POST /unsubscribe/{token} (RFC
 * 8058 one-click: the body "List-Unsubscribe=One-Click" is not read):
 * turns it off. */
int h_unsubscribe_post(api_ctx *c)
{
    const char *token = token_param(c);
    verr e = {0};
    struct svc_unsubscribe u;
    int rc = token ? svc_unsubscribe_apply(c->db, token, clock_now(), &u, &e)
                   : svc_fail(&e, SVC_NOT_FOUND, "token", "this unsubscribe link is not valid");
    if (rc != SVC_OK)
        return api_fail(c, rc, &e);
    u.off = true;
    return api_json(c, 200, unsubscribe_json(&u));
}

/* GET /unsubscribe/{token}: the page (the UI), whose path the one-click
 * POST shares. */
int h_unsubscribe_page(api_ctx *c)
{
    if (http_assets_serve(c->req, c->resp))
        return 0;
    return api_not_found(c);
}
