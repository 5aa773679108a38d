/* service.h - what every service shares: the status contract, the actor,
 * and the server-wide settings a rule may need (docs/internals/service.md).
 *
 * A service function applies one business rule that needs data. It takes
 * the store (running in the caller's transaction), the actor and typed
 * input, and returns an int status:
 *
 *   SVC_OK (0)      done; out-parameters are set
 *   > 0             a refusal, one of enum svc_status; the verr names the
 *                   field(s) and says why
 *   < 0             a store status (enum store_status) passed through
 *                   unchanged: the database failed, nothing is refused
 *
 * The two ranges never meet, so a database error can never be mistaken
 * for a refusal. api/ maps a status to its reply in one place
 * (api_fail); jobs/ and cli/ log or print it.
 */
#ifndef TANDEM_SERVICE_SERVICE_H
#define TANDEM_SERVICE_SERVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/permissions.h"
#include "domain/validate.h"
#include "store/store.h"

enum svc_status {
    SVC_OK = 0,
    SVC_INVALID = 1,   /* the input itself is wrong (HTTP 422) */
    SVC_REFUSED = 2,   /* a rule refuses it in the current state (409) */
    SVC_NOT_FOUND = 3, /* absent, or the actor may not know it exists (404) */
    SVC_FORBIDDEN = 4, /* the actor sees it but may not do this (403) */
    SVC_STALE = 5,     /* the version given is not the current one (409) */
};

/* Who acts. person_id 0 is the system itself (a job, the command line):
 * it is no member of anything and gets every member's mail. */
typedef struct svc_actor {
    int64_t person_id;
    enum site_role site_role;
} svc_actor;

/* Fills e (field may be "" or NULL; a message in printf style) and returns
 * status, so a refusal reads
 *     return svc_fail(e, SVC_REFUSED, "mentor", "the mentor is at capacity");
 */
int svc_fail(verr *e, int status, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A one-line name of the status, for logs: "ok", "invalid", "refused",
 * "not found", "forbidden", "stale", "database error", "database busy". */
const char *svc_status_name(int status);

/* Whether the database answers: STORE_OK, or the store status it failed
 * with (for /healthz). */
int svc_health(store *db);

/* Settings shared by the services, set once at start (tandem serve,
 * tandem jobs, tandem import) before any service runs. */
struct svc_config {
    const char *public_url; /* how people reach the server, for links in e-mail */
    const char *mail_from;  /* the sender's address (Message-IDs are made from it); NULL: keep */
    bool mail_delivery; /* mail is delivered (an SMTP server is configured); set with mail_from */
};
void svc_configure(const struct svc_config *cfg);
/* The public URL as configured (default http://127.0.0.1:8080); never NULL. */
const char *svc_public_url(void);
/* The sender's address as configured (default tandem@localhost); never NULL. */
const char *svc_mail_from(void);
/* true when this process was told mail is delivered (--smtp given). */
bool svc_mail_delivery(void);

#endif
