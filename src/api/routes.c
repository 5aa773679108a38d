/* routes.c - the route table and the dispatcher: authentication, CSRF,
 * one transaction per request, and the UI's files for everything else. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "api/handlers.h"
#include "api/identity.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/str.h"
#include "http/assets.h"
#include "http/router.h"
#include "service/sessions.h"
#include "service/tokens.h"
#include "service/sessions.h"

enum {
    PUBLIC = 1 << 0,    /* no sign-in needed */
    NO_DB = 1 << 1,     /* needs no database connection */
    BIG_BODY = 1 << 2,  /* accepts bodies up to LIMIT_HTTP_IMPORT_BODY_BYTES */
    READ_FIRST = 1 << 3 /* a change that starts reading: the handler calls api_begin_write */
};

struct route {
    enum http_method method;
    const char *pattern;
    int (*fn)(api_ctx *c);
    unsigned flags;
};

static const struct route routes[] = {
    {HTTP_GET, "/healthz", h_healthz, PUBLIC},
    {HTTP_GET, "/metrics", h_metrics, PUBLIC | NO_DB},
    {HTTP_GET, "/api/v1/openapi.json", h_openapi, PUBLIC | NO_DB},
    {HTTP_POST, "/api/v1/session", h_session_create, PUBLIC | READ_FIRST},
    {HTTP_DELETE, "/api/v1/session", h_session_delete, 0},
    {HTTP_GET, "/api/v1/me", h_me, 0},
    {HTTP_GET, "/api/v1/tokens", h_tokens_list, 0},
    {HTTP_POST, "/api/v1/tokens", h_token_create, READ_FIRST},
    {HTTP_DELETE, "/api/v1/tokens/{id}", h_token_delete, 0},
    {HTTP_GET, "/api/v1/people", h_people_list, 0},
    {HTTP_POST, "/api/v1/people", h_people_create, 0},
    {HTTP_GET, "/api/v1/phase-templates", h_phase_templates, 0},
    {HTTP_GET, "/api/v1/programs", h_programs_list, 0},
    {HTTP_POST, "/api/v1/programs", h_program_create, 0},
    {HTTP_GET, "/api/v1/programs/{id}", h_program_get, 0},
    {HTTP_PATCH, "/api/v1/programs/{id}", h_program_patch, 0},
    {HTTP_GET, "/api/v1/programs/{id}/participants", h_participants_list, 0},
    {HTTP_POST, "/api/v1/programs/{id}/participants", h_participants_create, 0},
    {HTTP_POST, "/api/v1/programs/{id}/participants/bulk", h_participants_bulk, 0},
    {HTTP_POST, "/api/v1/programs/{id}/imports", h_program_import, BIG_BODY},
    {HTTP_POST, "/api/v1/outcomes/imports", h_outcome_import, BIG_BODY},
    {HTTP_GET, "/api/v1/programs/{id}/participants/{pid}", h_participant_get, 0},
    {HTTP_PATCH, "/api/v1/programs/{id}/participants/{pid}", h_participant_patch, 0},
    {HTTP_GET, "/api/v1/programs/{id}/training", h_training_list, 0},
    {HTTP_POST, "/api/v1/programs/{id}/training/{module}/completion", h_training_complete, 0},
    {HTTP_GET, "/api/v1/programs/{id}/mentors", h_mentors_list, 0},
    {HTTP_GET, "/api/v1/programs/{id}/reports/{name}", h_report, 0},
    {HTTP_GET, "/api/v1/reports/{name}", h_rollup, 0},
    {HTTP_GET, "/api/v1/programs/{id}/relationships", h_relationships_list, 0},
    {HTTP_POST, "/api/v1/programs/{id}/relationships", h_relationship_create, 0},
    {HTTP_GET, "/api/v1/programs/{id}/recommendations", h_recommendations, 0},
    {HTTP_GET, "/api/v1/programs/{id}/requests", h_requests_list, 0},
    {HTTP_POST, "/api/v1/programs/{id}/requests", h_request_create, 0},
    {HTTP_PATCH, "/api/v1/requests/{rid}", h_request_patch, 0},
    {HTTP_GET, "/api/v1/programs/{id}/match-runs", h_match_runs_list, 0},
    {HTTP_POST, "/api/v1/programs/{id}/match-runs", h_match_run_create, 0},
    {HTTP_GET, "/api/v1/match-runs/{mid}", h_match_run_get, 0},
    {HTTP_POST, "/api/v1/match-runs/{mid}/pairs", h_match_run_pairs, 0},
    {HTTP_GET, "/api/v1/match-runs/{mid}/compare/{other}", h_match_run_compare, 0},
    {HTTP_POST, "/api/v1/match-runs/{mid}/publish", h_match_run_publish, 0},
    {HTTP_GET, "/api/v1/relationships/{rid}", h_relationship_get, 0},
    {HTTP_PATCH, "/api/v1/relationships/{rid}", h_relationship_patch, 0},
    {HTTP_GET, "/api/v1/relationships/{rid}/phase", h_phase_get, 0},
    {HTTP_POST, "/api/v1/relationships/{rid}/phase/checks", h_phase_check, 0},
    {HTTP_POST, "/api/v1/relationships/{rid}/phase/advance", h_phase_advance, 0},
    {HTTP_GET, "/api/v1/relationships/{rid}/agreement", h_agreement_get, 0},
    {HTTP_PUT, "/api/v1/relationships/{rid}/agreement", h_agreement_put, 0},
    {HTTP_POST, "/api/v1/relationships/{rid}/agreement/signatures", h_agreement_sign, 0},
    {HTTP_GET, "/api/v1/relationships/{rid}/goals", h_goals_list, 0},
    {HTTP_POST, "/api/v1/relationships/{rid}/goals", h_goal_create, 0},
    {HTTP_PATCH, "/api/v1/relationships/{rid}/goals/{gid}", h_goal_patch, 0},
    {HTTP_POST, "/api/v1/relationships/{rid}/goals/{gid}/milestones", h_milestone_create, 0},
    {HTTP_PATCH, "/api/v1/relationships/{rid}/goals/{gid}/milestones/{mid}", h_milestone_patch, 0},
    {HTTP_GET, "/api/v1/relationships/{rid}/meetings", h_meetings_list, 0},
    {HTTP_POST, "/api/v1/relationships/{rid}/meetings", h_meeting_create, 0},
    /* Before {mid}, which would match "12.ics" too. */
    {HTTP_GET, "/api/v1/relationships/{rid}/meetings/{mid}.ics", h_meeting_ics, 0},
    {HTTP_GET, "/api/v1/relationships/{rid}/meetings/{mid}", h_meeting_get, 0},
    {HTTP_PATCH, "/api/v1/relationships/{rid}/meetings/{mid}", h_meeting_patch, 0},
    {HTTP_GET, "/api/v1/relationships/{rid}/notes", h_notes_list, 0},
    {HTTP_POST, "/api/v1/relationships/{rid}/notes", h_note_create, 0},
    {HTTP_GET, "/api/v1/relationships/{rid}/notes/{nid}", h_note_get, 0},
    {HTTP_PATCH, "/api/v1/relationships/{rid}/notes/{nid}", h_note_patch, 0},
    {HTTP_DELETE, "/api/v1/relationships/{rid}/notes/{nid}", h_note_delete, 0},
    {HTTP_GET, "/api/v1/relationships/{rid}/messages", h_messages_list, 0},
    {HTTP_POST, "/api/v1/relationships/{rid}/messages", h_message_create, 0},
    {HTTP_GET, "/api/v1/relationships/{rid}/reflections", h_reflections_list, 0},
    {HTTP_POST, "/api/v1/relationships/{rid}/reflections", h_reflection_put, 0},
    {HTTP_GET, "/api/v1/calendar/feed", h_calendar_feed_get, 0},
    {HTTP_POST, "/api/v1/calendar/feed", h_calendar_feed_create, 0},
    {HTTP_DELETE, "/api/v1/calendar/feed", h_calendar_feed_delete, 0},
    {HTTP_GET, "/api/v1/calendar/{token}.ics", h_calendar_get, PUBLIC},
    {HTTP_GET, "/api/v1/invitations/{token}", h_invitation_get, PUBLIC},
    {HTTP_POST, "/api/v1/invitations/accept", h_invitation_accept, PUBLIC | READ_FIRST},
    {HTTP_POST, "/api/v1/password-reset", h_password_reset, PUBLIC},
    {HTTP_POST, "/api/v1/password-reset/complete", h_password_reset_complete, PUBLIC | READ_FIRST},
    {HTTP_GET, "/api/v1/sign-up/settings", h_signup_settings_get, PUBLIC},
    {HTTP_PUT, "/api/v1/sign-up/settings", h_signup_settings_put, 0},
    {HTTP_POST, "/api/v1/sign-up", h_signup, PUBLIC | READ_FIRST},
    {HTTP_POST, "/api/v1/sign-up/verify", h_signup_verify, PUBLIC},
    {HTTP_GET, "/api/v1/outbox", h_outbox_list, 0},
    {HTTP_POST, "/api/v1/outbox/{id}/retry", h_outbox_retry, 0},
    {HTTP_GET, "/api/v1/mail", h_mail_status, 0},
    {HTTP_GET, "/api/v1/time-zones", h_time_zones, 0},
    /* The help library and recognition (resources.c, recognition.c). */
    {HTTP_GET, "/api/v1/resources", h_site_resources_list, 0},
    {HTTP_POST, "/api/v1/resources", h_site_resource_create, 0},
    {HTTP_GET, "/api/v1/resources/{resid}", h_resource_get, 0},
    {HTTP_PATCH, "/api/v1/resources/{resid}", h_resource_patch, 0},
    {HTTP_POST, "/api/v1/resources/{resid}/opens", h_resource_open, 0},
    {HTTP_GET, "/api/v1/programs/{id}/resources", h_program_resources_list, 0},
    {HTTP_POST, "/api/v1/programs/{id}/resources", h_program_resource_create, 0},
    {HTTP_PATCH, "/api/v1/programs/{id}/resources/{resid}", h_program_resource_hide, 0},
    {HTTP_GET, "/api/v1/programs/{id}/highlights", h_program_highlights, 0},
    {HTTP_GET, "/api/v1/programs/{id}/participants/{pid}/badges", h_participant_badges, 0},
    {HTTP_GET, "/api/v1/relationships/{rid}/resources", h_relationship_resources, 0},
    {HTTP_GET, "/api/v1/relationships/{rid}/recognition", h_relationship_recognition, 0},
    {HTTP_POST, "/api/v1/relationships/{rid}/kudos", h_kudos_create, 0},
    {HTTP_PUT, "/api/v1/relationships/{rid}/highlight", h_highlight_put, 0},
    {HTTP_DELETE, "/api/v1/relationships/{rid}/highlight", h_highlight_delete, 0},
    {HTTP_GET, "/api/v1/relationships/{rid}/certificate.pdf", h_certificate, 0},
    /* Surveys, health checks, at-risk and rematching (issue 12). */
    {HTTP_GET, "/api/v1/survey-templates", h_survey_templates, 0},
    {HTTP_GET, "/api/v1/programs/{id}/surveys", h_surveys_list, 0},
    {HTTP_POST, "/api/v1/programs/{id}/surveys", h_survey_create, 0},
    {HTTP_GET, "/api/v1/surveys/{sid}", h_survey_get, 0},
    {HTTP_PATCH, "/api/v1/surveys/{sid}", h_survey_patch, 0},
    {HTTP_POST, "/api/v1/surveys/{sid}/send", h_survey_send, 0},
    {HTTP_GET, "/api/v1/surveys/{sid}/responses", h_survey_responses, 0},
    {HTTP_POST, "/api/v1/surveys/{sid}/responses", h_survey_respond, 0},
    {HTTP_GET, "/api/v1/surveys/{sid}/results", h_survey_results, 0},
    {HTTP_GET, "/api/v1/me/surveys", h_my_surveys, 0},
    {HTTP_GET, "/api/v1/relationships/{rid}/health-checks", h_health_list, 0},
    {HTTP_POST, "/api/v1/relationships/{rid}/health-checks", h_health_create, 0},
    {HTTP_PUT, "/api/v1/relationships/{rid}/health-checks/sharing", h_health_share, 0},
    {HTTP_GET, "/api/v1/programs/{id}/at-risk", h_at_risk, 0},
    {HTTP_GET, "/api/v1/relationships/{rid}/coordinator-notes", h_coord_notes_list, 0},
    {HTTP_POST, "/api/v1/relationships/{rid}/coordinator-notes", h_coord_note_create, 0},
    {HTTP_POST, "/api/v1/relationships/{rid}/nudge", h_nudge, 0},
    {HTTP_POST, "/api/v1/relationships/{rid}/reassign", h_reassign, 0},
    {HTTP_POST, "/api/v1/relationships/{rid}/rematch", h_rematch_agree, 0},
    {HTTP_GET, "/api/v1/programs/{id}/rematch", h_rematch_list, 0},
    {HTTP_DELETE, "/api/v1/programs/{id}/rematch/{pid}", h_rematch_dismiss, 0},
    /* Notifications, settings, unsubscribing and chat alerts (notifications.c, alerts.c). */
    {HTTP_GET, "/api/v1/notifications", h_notifications_list, 0},
    {HTTP_GET, "/api/v1/notifications/unread", h_notifications_unread, 0},
    {HTTP_POST, "/api/v1/notifications/read", h_notifications_read_all, 0},
    {HTTP_POST, "/api/v1/notifications/{id}/read", h_notification_read, 0},
    {HTTP_GET, "/api/v1/me/notification-settings", h_notification_settings_get, 0},
    {HTTP_PUT, "/api/v1/me/notification-settings", h_notification_settings_put, 0},
    {HTTP_GET, "/api/v1/unsubscribe/{token}", h_unsubscribe_get, PUBLIC},
    {HTTP_POST, "/api/v1/unsubscribe/{token}", h_unsubscribe_post, PUBLIC},
    {HTTP_GET, "/unsubscribe/{token}", h_unsubscribe_page, PUBLIC | NO_DB},
    {HTTP_POST, "/unsubscribe/{token}", h_unsubscribe_post, PUBLIC},
    {HTTP_GET, "/api/v1/programs/{id}/alerts", h_alerts_list, 0},
    {HTTP_POST, "/api/v1/programs/{id}/alerts/test", h_alert_test, 0},
};
#define NROUTES (sizeof routes / sizeof routes[0])

void api_routes_print(void)
{
    for (size_t i = 0; i < NROUTES; i++)
        printf("%s %s\n", http_method_str(routes[i].method), routes[i].pattern);
}

static bool is_api_path(const char *path)
{
    return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0 ||
           strcmp(path, "/healthz") == 0 || strcmp(path, "/metrics") == 0;
}

static const struct route *find(enum http_method m, const char *path, http_req *r, char *scratch,
                                size_t scratchlen, bool *path_known)
{
    *path_known = false;
    enum http_method want = m == HTTP_HEAD ? HTTP_GET : m;
    for (size_t i = 0; i < NROUTES; i++) {
        if (!http_route_match(routes[i].pattern, path, r, scratch, scratchlen))
            continue;
        *path_known = true;
        if (routes[i].method == want)
            return &routes[i];
    }
    return NULL;
}

size_t api_body_limit(enum http_method m, const char *path)
{
    http_req r = {0};
    char scratch[LIMIT_HTTP_URL_BYTES];
    bool known;
    const struct route *rt = find(m, path, &r, scratch, sizeof scratch, &known);
    return rt && (rt->flags & BIG_BODY) ? LIMIT_HTTP_IMPORT_BODY_BYTES : LIMIT_HTTP_BODY_BYTES;
}

/* Non-GET requests made with the session cookie must prove they come from
 * our own pages: the X-CSRF-Token header, and no cross-site fetch. */
static int csrf_check(api_ctx *c)
{
    if (!c->actor.session_id || c->req->method == HTTP_GET || c->req->method == HTTP_HEAD)
        return 0;
    const char *site = http_req_header(c->req, "Sec-Fetch-Site");
    if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0)
        return api_problem(c, 403, NULL, "cross-site requests are refused");
    const char *token = http_req_header(c->req, "X-CSRF-Token");
    size_t n = strlen(c->actor.csrf_token);
    if (!token || strlen(token) != n || n == 0 || sodium_memcmp(token, c->actor.csrf_token, n) != 0)
        return api_problem(c, 403, "X-CSRF-Token", "missing or wrong CSRF token");
    return 0;
}

void api_dispatch(http_req *r, http_resp *w)
{
    api_ctx c = {.req = r, .resp = w};
    char params[LIMIT_HTTP_URL_BYTES];
    bool known;
    const struct route *rt = find(r->method, r->path, r, params, sizeof params, &known);
    if (!rt) {
        if (known) {
            api_problem(&c, 405, NULL, "%s is not allowed here", r->method_name);
            return;
        }
        if (!is_api_path(r->path) && (r->method == HTTP_GET || r->method == HTTP_HEAD) &&
            http_assets_serve(r, w))
            return;
        api_not_found(&c);
        return;
    }
    bool writes = r->method != HTTP_GET && r->method != HTTP_HEAD;
    if (!(rt->flags & NO_DB)) {
        c.db = api_db();
        if (!c.db) {
            api_problem(&c, 503, NULL, "the database is not available");
            return;
        }
        /* One transaction per request: a write transaction for changes,
         * a read snapshot for reads (authentication included). */
        int rc = writes && !(rt->flags & READ_FIRST) ? store_begin(c.db) : store_begin_read(c.db);
        if (rc != STORE_OK) {
            api_store_failed(&c, rc);
            return;
        }
    }
    int result = -1;
    if (c.db && identity_authenticate(&c)) {
        /* answered */
    } else if (c.db && !(rt->flags & PUBLIC) && !c.actor.person_id) {
        api_problem(&c, 401, NULL, "sign in first");
    } else if (c.db && csrf_check(&c)) {
        /* answered */
    } else {
        result = rt->fn(&c);
    }
    if (!c.db)
        return;
    if (c.failed) {
        /* A helper met a store failure it could not answer (the roles
         * lookup, the audit record): whatever the handler made of it, the
         * request failed, and a change does not happen. */
        store_rollback(c.db);
        http_resp_cleanup(w);
        http_resp_init(w);
        api_store_failed(&c, c.failed);
        return;
    }
    if (!store_in_tx(c.db)) {
        /* the handler ended the read transaction to write on its own */
    } else if (result != 0 && writes) {
        store_rollback(c.db);
    } else {
        int rc = store_commit(c.db);
        if (rc != STORE_OK && writes) {
            /* The handler's reply described a change that did not happen. */
            http_resp_cleanup(w);
            http_resp_init(w);
            api_store_failed(&c, rc);
            return;
        }
    }
    if (c.touch_session) {
        /* Best effort after the reply is made: a failure leaves the old
         * time, and the next request tries again. */
        if (svc_session_seen(c.db, c.touch_session, clock_now()) != STORE_OK)
            log_warn("api", "session %lld: last_seen_at not written: %s",
                     (long long)c.touch_session, store_errmsg(c.db));
    }
    /* Best effort, like the session's: a failure only leaves the time older. */
    if (c.touch_token && svc_token_touch(c.db, c.touch_token, clock_now()) != STORE_OK)
        log_warn("api", "could not record an API token's use: %s", store_errmsg(c.db));
}
