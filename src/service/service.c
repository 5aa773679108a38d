#include "service/service.h"

#include <stdarg.h>
#include <stdio.h>

#include "base/limits.h"
#include "base/str.h"

int svc_fail(verr *e, int status, const char *field, const char *fmt, ...)
{
    char msg[sizeof e->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    v_fail(e, "", field ? field : "", "%s", msg);
    return status;
}

const char *svc_status_name(int status)
{
    switch (status) {
    case SVC_OK: return "ok";
    case SVC_INVALID: return "invalid";
    case SVC_REFUSED: return "refused";
    case SVC_NOT_FOUND: return "not found";
    case SVC_FORBIDDEN: return "forbidden";
    case SVC_STALE: return "stale";
    case STORE_BUSY: return "database busy";
    case STORE_CONFLICT: return "database conflict";
    default: return "database error";
    }
}

static char public_url[512] = "http://127.0.0.1:8080";

static char mail_from[LIMIT_EMAIL_BYTES + 1] = "tandem@localhost";
static bool mail_delivery;

void svc_configure(const struct svc_config *cfg)
{
    if (cfg->public_url && *cfg->public_url)
        str_fmt(public_url, sizeof public_url, "%s", cfg->public_url);
    if (cfg->mail_from && *cfg->mail_from) { /* the mail settings come together */
        str_fmt(mail_from, sizeof mail_from, "%s", cfg->mail_from);
        mail_delivery = cfg->mail_delivery;
    }
}

const char *svc_mail_from(void)
{
    return mail_from;
}

bool svc_mail_delivery(void)
{
    return mail_delivery;
}

const char *svc_public_url(void)
{
    return public_url;
}

int svc_health(store *db)
{
    int64_t one = 0;
    int rc = store_query_int(db, "SELECT 1", NULL, 0, &one);
    return rc < 0 ? rc : rc == 1 && one == 1 ? STORE_OK : STORE_ERROR;
}
