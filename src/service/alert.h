/* alert.h - coordinator alerts posted to a program's incoming webhook
 * (Slack, Mattermost, Teams workflows: a JSON body {"text": ...}),
 * stored in the caller's transaction and delivered by the alerts job
 * (jobs/alerts.c), retried with back-off, dead after LIMIT_ALERT_ATTEMPTS
 * or a permanent refusal (docs/internals/notifications.md).
 */
#ifndef TANDEM_SERVICE_ALERT_H
#define TANDEM_SERVICE_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "service/service.h"

/* The one entry point: queues an alert of `kind` ("at_risk",
 * "ended_early", "dead_letter", "request_waiting", or a caller's own
 * word of letters and '_') for program_id's webhook, its text
 * ("Relationship 12 ended early", one line or more; cut at
 * LIMIT_ALERT_TEXT_BYTES) followed by the absolute link (may be NULL),
 * prefixed with the program's name. Does nothing (SVC_OK) when the
 * program has no webhook. Never sends: safe in any write transaction.
 * SVC_OK or a store status. */
int svc_alert(store *db, int64_t program_id, const char *kind, const char *text, const char *link,
              int64_t now);

/* ---- delivering (the alerts job) ---- */

struct svc_alert_item {
    int64_t id;
    int attempts; /* before this one */
    char *url, *body;
};
void svc_alert_item_cleanup(struct svc_alert_item *a); /* NULL and {0} allowed */

/* Up to max ids of alerts due at now, oldest first. A store status. */
int svc_alerts_due(store *db, int64_t now, int64_t *ids, size_t max, size_t *n);

/* Claims alert id until now + LIMIT_ALERT_LEASE_S when it is still due
 * and nobody holds it: *got (and *out filled) when it is ours. In a
 * write transaction of its own, committed before posting. */
int svc_alert_claim(store *db, int64_t id, int64_t now, struct svc_alert_item *out, bool *got);

/* Records the outcome of posting alert id: http_status 2xx is sent;
 * otherwise the attempt is counted, the status (0: no answer) and error
 * kept, and the alert is due again after the back-off (5 s doubling to
 * 10 minutes) or dead (permanent: a 4xx other than 408 and 429; or the
 * attempts ran out). *dead says which. A store status. */
int svc_alert_outcome(store *db, int64_t id, int64_t now, long http_status, const char *error,
                      bool *dead);

/* ---- the program's list ---- */

struct svc_alert_row {
    int64_t id, created_at, next_attempt_at, sent_at, dead_at; /* 0: not */
    int attempts;
    int last_status; /* -1: never tried */
    char *kind, *text, *last_error;
};
void svc_alert_rows_free(struct svc_alert_row *rows, size_t n);

/* program_id's alerts, newest first (at most LIMIT_ALERTS_LISTED); the
 * caller checked the coordinator's access. *out freed with
 * svc_alert_rows_free. A store status. */
int svc_alerts_list(store *db, int64_t program_id, struct svc_alert_row **out, size_t *n);

#endif
