/* alerts.c - a program's chat alerts for its coordinators: what was
 * posted to the webhook, what waits and what was given up, and a test
 * alert from the settings page (service/alert.h). */
#include "api/handlers.h"
#include "base/clock.h"
#include "base/limits.h"
#include "service/alert.h"
#include "service/outbox.h"
#include "service/program.h"

static const char *state_of(const struct svc_alert_row *r)
{
    return r->sent_at ? "sent" : r->dead_at ? "dead" : r->attempts ? "retrying" : "pending";
}

static json_t *row_json(const struct svc_alert_row *r)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:o, s:I}", "id", (json_int_t)r->id, "kind",
                          r->kind, "text", r->text, "state", state_of(r), "created_at",
                          api_time(r->created_at), "attempts", (json_int_t)r->attempts);
    json_object_set_new(o, "last_status",
                        r->last_status >= 0 ? json_integer(r->last_status) : json_null());
    json_object_set_new(o, "last_error", r->last_error ? json_string(r->last_error) : json_null());
    json_object_set_new(o, "sent_at", r->sent_at ? api_time(r->sent_at) : json_null());
    json_object_set_new(o, "dead_at", r->dead_at ? api_time(r->dead_at) : json_null());
    json_object_set_new(o, "next_attempt_at",
                        r->next_attempt_at ? api_time(r->next_attempt_at) : json_null());
    return o;
}

/* GET /api/v1/programs/{id}/alerts (the program's coordinators) */
int h_alerts_list(api_ctx *c)
{
    int64_t pid;
    if (api_program_access(c, 0, PERM_PROGRAM, PERM_WRITE,
                           "chat alerts are for the program's coordinators", &pid, NULL))
        return -1;
    struct svc_alert_row *rows;
    size_t n;
    int rc = svc_alerts_list(c->db, pid, &rows, &n);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, row_json(&rows[i]));
    svc_alert_rows_free(rows, n);
    return api_json(c, 200, json_pack("{s:o}", "items", items));
}

/* POST /api/v1/programs/{id}/alerts/test: a test alert, posted by the
 * alerts job like any other (409 when the program has no webhook). */
int h_alert_test(api_ctx *c)
{
    int64_t pid;
    if (api_program_access(c, 0, PERM_PROGRAM, PERM_WRITE,
                           "chat alerts are for the program's coordinators", &pid, NULL))
        return -1;
    struct program_config cfg = {0};
    int rc = svc_program_config(c->db, pid, &cfg, NULL, 0);
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL);
    bool none = !cfg.alerts.webhook_url[0];
    program_config_cleanup(&cfg);
    if (none)
        return api_problem(c, 409, "alerts.webhook_url",
                           "the program has no webhook URL: set one in its settings first");
    char link[LIMIT_HTTP_URL_BYTES];
    svc_outbox_link(link, sizeof link, "/programs/%lld/settings", (long long)pid);
    int64_t now = clock_now();
    rc = svc_alert(c->db, pid, "test",
                   "A test alert from Tandem: coordinator alerts of this program arrive here.",
                   link, now);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    struct svc_alert_row *rows;
    size_t n;
    if ((rc = svc_alerts_list(c->db, pid, &rows, &n)) != STORE_OK)
        return api_store_failed(c, rc);
    json_t *out = n ? row_json(&rows[0]) : json_object();
    svc_alert_rows_free(rows, n);
    return api_json(c, 202, out);
}
