/* calendar.c - meetings as iCalendar (product.md §6, RFC 5545): POST, GET,
 * DELETE /calendar/feed (the actor's private feed address), GET
 * /calendar/{token}.ics (no session: calendar clients fetch unattended)
 * and GET /relationships/{rid}/meetings/{mid}.ics. The token is made here
 * (identity's secrets); what is stored and written is
 * service/calendar.h's. */
#include <string.h>

#include "api/handlers.h"
#include "api/identity.h"
#include "api/relationship.h"
#include "base/buf.h"
#include "base/limits.h"
#include "base/str.h"
#include "service/calendar.h"

#define FEED_PREFIX "cal_"
#define PRODID "-//Tandem//Tandem " TANDEM_VERSION "//EN"
#define CALENDAR_TYPE "text/calendar; charset=utf-8"

int h_calendar_feed_create(api_ctx *c)
{
    char token[IDENTITY_TOKEN_CHARS], hash[IDENTITY_HASH_HEX];
    identity_new_secret(FEED_PREFIX, token);
    identity_secret_hash(token, hash);
    svc_actor actor = api_actor(c);
    int rc = svc_calendar_feed_set(c->db, &actor, hash);
    if (rc != STORE_OK)
        return api_fail(c, rc, NULL);
    char url[LIMIT_HTTP_URL_BYTES];
    str_fmt(url, sizeof url, "%s/api/v1/calendar/%s.ics", api_config()->public_url, token);
    return api_json(c, 201, json_pack("{s:s}", "url", url));
}

/* Whether the actor has a feed, and since when. The address itself is
 * shown once, when it is made: only its hash is stored. */
int h_calendar_feed_get(api_ctx *c)
{
    bool exists;
    int64_t created;
    svc_actor actor = api_actor(c);
    int rc = svc_calendar_feed_info(c->db, &actor, &exists, &created);
    if (rc != STORE_OK)
        return api_fail(c, rc, NULL);
    return api_json(c, 200,
                    json_pack("{s:b, s:o}", "exists", exists, "created_at",
                              exists ? api_time(created) : json_null()));
}

int h_calendar_feed_delete(api_ctx *c)
{
    svc_actor actor = api_actor(c);
    int rc = svc_calendar_feed_revoke(c->db, &actor);
    return rc == STORE_OK ? api_no_content(c) : api_fail(c, rc, NULL);
}

/* Sends the calendar in cal, or the refusal rc. */
static int send_calendar(api_ctx *c, int rc, buf *cal, const char *filename)
{
    if (rc == SVC_REFUSED)
        return api_problem(c, 500, NULL, "the calendar is too large to send");
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL);
    if (filename) {
        char disp[128];
        str_fmt(disp, sizeof disp, "attachment; filename=\"%s\"", filename);
        http_resp_header(c->resp, "Content-Disposition", disp);
    }
    http_resp_body(c->resp, 200, CALENDAR_TYPE, cal->data, cal->len);
    return 0;
}

int h_calendar_get(api_ctx *c)
{
    const char *token = c->req->nparams > 0 ? c->req->params[0] : NULL;
    if (!token || !str_starts(token, FEED_PREFIX) || strlen(token) >= IDENTITY_TOKEN_CHARS)
        return api_not_found(c);
    char hash[IDENTITY_HASH_HEX];
    identity_secret_hash(token, hash);
    buf cal;
    buf_init(&cal, LIMIT_CALENDAR_BYTES);
    int result = send_calendar(c, svc_calendar_feed(c->db, PRODID, hash, &cal), &cal, NULL);
    buf_cleanup(&cal);
    return result;
}

int h_meeting_ics(api_ctx *c)
{
    struct svc_rel r;
    int64_t mid;
    if (rel_open(c, 0, PERM_READ, &r) || api_param_id(c, 1, &mid))
        return -1;
    buf cal;
    buf_init(&cal, LIMIT_CALENDAR_BYTES);
    char filename[64];
    str_fmt(filename, sizeof filename, "meeting-%lld.ics", (long long)mid);
    int result =
        send_calendar(c, svc_calendar_meeting(c->db, PRODID, &r, mid, &cal), &cal, filename);
    buf_cleanup(&cal);
    return result;
}
