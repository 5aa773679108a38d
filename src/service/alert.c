/* alert.c - chat alerts: stored with their event, posted by a job (see
 * alert.h). */
#include "service/alert.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "domain/mail.h"
#include "domain/program.h"
#include "service/program.h"

int svc_alert(store *db, int64_t program_id, const char *kind, const char *text, const char *link,
              int64_t now)
{
    struct program_config cfg = {0};
    char name[LIMIT_NAME_BYTES + 1] = "";
    int rc = svc_program_config(db, program_id, &cfg, name, sizeof name);
    if (rc == SVC_NOT_FOUND)
        return SVC_OK; /* gone: nobody to tell */
    if (rc != SVC_OK) {
        rc = rc > 0 ? STORE_ERROR : rc;
        goto done;
    }
    const char *url = cfg.alerts.webhook_url;
    if (!url || !*url)
        goto done;
    char msg[LIMIT_ALERT_TEXT_BYTES + LIMIT_NAME_BYTES + LIMIT_HTTP_URL_BYTES + 8];
    str_fmt(msg, sizeof msg, "[%s] %.*s%s%s", name, LIMIT_ALERT_TEXT_BYTES, text ? text : "",
            link && *link ? "\n" : "", link ? link : "");
    size_t len = strlen(msg);
    while (len > 0 && !str_utf8_valid(msg, len)) /* a cut in a character */
        msg[--len] = '\0';
    json_t *o = json_pack("{s:s}", "text", msg);
    char *body = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!body) {
        rc = STORE_ERROR;
        goto done;
    }
    store_val p[] = {SV_INT(program_id), SV_TEXT(kind), SV_TEXT(url), SV_TEXT(body), SV_INT(now)};
    rc = store_exec(db,
                    "INSERT INTO chat_alerts (program_id, kind, url, body, created_at, "
                    "next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                    p, 5, NULL);
    free(body);
done:
    program_config_cleanup(&cfg);
    return rc;
}

void svc_alert_item_cleanup(struct svc_alert_item *a)
{
    if (!a)
        return;
    free(a->url);
    free(a->body);
    *a = (struct svc_alert_item){0};
}

int svc_alerts_due(store *db, int64_t now, int64_t *ids, size_t max, size_t *n)
{
    store_val p[] = {SV_INT(now), SV_INT((int64_t)max)};
    return store_query_ints(db,
                            "SELECT id FROM chat_alerts WHERE sent_at IS NULL AND dead_at IS NULL "
                            "AND next_attempt_at <= ?1 AND (lease_until IS NULL OR lease_until <= "
                            "?1) ORDER BY next_attempt_at, id LIMIT ?2",
                            p, 2, ids, max, n);
}

int svc_alert_claim(store *db, int64_t id, int64_t now, struct svc_alert_item *out, bool *got)
{
    *out = (struct svc_alert_item){0};
    *got = false;
    store_val p[] = {SV_INT(id), SV_INT(now), SV_INT(now + LIMIT_ALERT_LEASE_S)};
    store_rows *rows = NULL;
    int rc = store_query(db,
                         "UPDATE chat_alerts SET lease_until = ?3 WHERE id = ?1 AND sent_at IS "
                         "NULL AND dead_at IS NULL AND next_attempt_at <= ?2 AND (lease_until IS "
                         "NULL OR lease_until <= ?2) RETURNING attempts, url, body",
                         p, 3, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        out->id = id;
        out->attempts = (int)store_col_int(rows, 0);
        out->url = xstrdup(store_col_text(rows, 1));
        out->body = xstrdup(store_col_text(rows, 2));
        *got = true;
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

int svc_alert_outcome(store *db, int64_t id, int64_t now, long http_status, const char *error,
                      bool *dead)
{
    *dead = false;
    if (http_status >= 200 && http_status < 300) {
        store_val p[] = {SV_INT(id), SV_INT(now), SV_INT(http_status)};
        return store_exec(db,
                          "UPDATE chat_alerts SET sent_at = ?2, attempts = attempts + 1, "
                          "last_status = ?3, last_error = NULL, lease_until = NULL WHERE id = ?1",
                          p, 3, NULL);
    }
    int64_t attempts = 0;
    store_val q[] = {SV_INT(id)};
    int rc = store_query_int(db, "SELECT attempts FROM chat_alerts WHERE id = ?1", q, 1, &attempts);
    if (rc <= 0)
        return rc;
    int tried = (int)attempts + 1;
    /* A 4xx says the request itself is wrong (a webhook removed: 404,
     * 410): trying again changes nothing. Too busy (429) or too slow
     * (408) is worth another try, as is any 5xx or no answer. */
    bool permanent =
        http_status >= 400 && http_status < 500 && http_status != 408 && http_status != 429;
    *dead = mail_after_failure(tried, LIMIT_ALERT_ATTEMPTS, permanent) == MAIL_DEAD;
    char kept[LIMIT_MAIL_REPLY_BYTES + 1];
    str_fmt(kept, sizeof kept, "%s", error && *error ? error : "no answer");
    size_t len = strlen(kept);
    while (len > 0 && !str_utf8_valid(kept, len))
        kept[--len] = '\0';
    store_val p[] = {SV_INT(id), SV_INT(http_status), SV_TEXT(kept),
                     SV_INT(now + (*dead ? 0 : mail_backoff_s(tried))),
                     *dead ? SV_INT(now) : SV_NULL};
    return store_exec(db,
                      "UPDATE chat_alerts SET attempts = attempts + 1, last_status = ?2, "
                      "last_error = ?3, next_attempt_at = ?4, dead_at = ?5, lease_until = NULL "
                      "WHERE id = ?1",
                      p, 5, NULL);
}

void svc_alert_rows_free(struct svc_alert_row *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++) {
        free(rows[i].kind);
        free(rows[i].text);
        free(rows[i].last_error);
    }
    free(rows);
}

int svc_alerts_list(store *db, int64_t program_id, struct svc_alert_row **out, size_t *n)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(program_id), SV_INT(LIMIT_ALERTS_LISTED)};
    *out = xcalloc(LIMIT_ALERTS_LISTED, sizeof **out);
    *n = 0;
    int rc = store_query(db,
                         "SELECT id, created_at, next_attempt_at, sent_at, dead_at, attempts, "
                         "last_status, kind, body, last_error FROM chat_alerts WHERE program_id = "
                         "?1 ORDER BY id DESC LIMIT ?2",
                         p, 2, &rows);
    while (rc == STORE_OK && *n < LIMIT_ALERTS_LISTED && (rc = store_next(rows)) == 1) {
        struct svc_alert_row *r = &(*out)[(*n)++];
        r->id = store_col_int(rows, 0);
        r->created_at = store_col_int(rows, 1);
        r->sent_at = store_col_int(rows, 3);
        r->dead_at = store_col_int(rows, 4);
        r->next_attempt_at = r->sent_at || r->dead_at ? 0 : store_col_int(rows, 2);
        r->attempts = (int)store_col_int(rows, 5);
        r->last_status = store_col_null(rows, 6) ? -1 : (int)store_col_int(rows, 6);
        r->kind = xstrdup(store_col_text(rows, 7));
        json_t *b = json_loads(store_col_text(rows, 8), 0, NULL);
        const char *t = json_string_value(json_object_get(b, "text"));
        r->text = xstrdup(t ? t : "");
        json_decref(b);
        r->last_error = store_col_null(rows, 9) ? NULL : xstrdup(store_col_text(rows, 9));
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0) {
        svc_alert_rows_free(*out, *n);
        *out = NULL;
        *n = 0;
        return rc;
    }
    return STORE_OK;
}
