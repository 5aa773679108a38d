/* alerts.c - the job that posts coordinator alerts to the programs'
 * incoming webhooks (service/alert.h): each due alert is claimed with a
 * lease in a transaction of its own, posted with no transaction open
 * (libcurl, JSON, LIMIT_ALERT_TIMEOUT_S), and its outcome recorded in
 * another; a receiver that is down gets the alert after the back-off,
 * once. */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "base/log.h"
#include "base/str.h"
#include "jobs/jobs.h"
#include "jobs/mail_smtp.h"
#include "service/alert.h"

#define BATCH 20

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
    (void)p;
    (void)arg;
    return size * n;
}

/* Posts body to url: the HTTP status (0 with err filled when there was
 * no answer). */
static long post(const char *url, const char *body, char *err, size_t errlen)
{
    char curl_err[CURL_ERROR_SIZE] = "";
    long status = 0;
    err[0] = '\0';
    mail_smtp_global_init(); /* libcurl's global state, once per process */
    CURL *h = curl_easy_init();
    if (!h) {
        str_fmt(err, errlen, "libcurl could not start");
        return 0;
    }
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)LIMIT_ALERT_TIMEOUT_S);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)LIMIT_ALERT_TIMEOUT_S);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "Tandem");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_err);
    CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    else
        str_fmt(err, errlen, "%s", curl_err[0] ? curl_err : curl_easy_strerror(rc));
    if (rc == CURLE_OK && (status < 200 || status >= 300))
        str_fmt(err, errlen, "the webhook answered HTTP %ld", status);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    return status;
}

/* Claims, posts and records alert id; *did when it was tried. */
static int one(store *db, int64_t id, int64_t now, bool *did)
{
    struct svc_alert_item a;
    bool got = false;
    *did = false;
    int rc = store_begin(db);
    if (rc == STORE_OK && (rc = svc_alert_claim(db, id, now, &a, &got)) == STORE_OK)
        rc = store_commit(db);
    if (rc != STORE_OK) {
        store_rollback(db);
        svc_alert_item_cleanup(&a);
        return rc;
    }
    if (!got)
        return STORE_OK; /* another server has it, or it was done meanwhile */
    char err[LIMIT_MAIL_REPLY_BYTES];
    long status = post(a.url, a.body, err, sizeof err);
    bool dead = false;
    if ((rc = store_begin(db)) == STORE_OK &&
        (rc = svc_alert_outcome(db, id, now, status, err, &dead)) == STORE_OK)
        rc = store_commit(db);
    if (rc != STORE_OK)
        store_rollback(db); /* the lease runs out and it is posted again */
    if (status < 200 || status >= 300)
        log_warn("alerts", "alert %lld not posted%s: %s", (long long)id, dead ? " (dead)" : "",
                 err);
    svc_alert_item_cleanup(&a);
    *did = true;
    return rc;
}

int job_alerts(store *db, int64_t now, size_t *done)
{
    int64_t ids[BATCH];
    size_t n = 0;
    *done = 0;
    int rc = store_begin_read(db);
    if (rc == STORE_OK && (rc = svc_alerts_due(db, now, ids, BATCH, &n)) == STORE_OK)
        rc = store_commit(db);
    if (rc != STORE_OK) {
        store_rollback(db);
        return rc;
    }
    int first = STORE_OK;
    for (size_t i = 0; i < n; i++) {
        bool did = false;
        rc = one(db, ids[i], now, &did);
        if (rc != STORE_OK && first == STORE_OK)
            first = rc;
        *done += did;
    }
    return first; /* more than a batch: the rest at the next run */
}
