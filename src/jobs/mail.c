/* mail.c - the job that delivers the outbox over SMTP.
 *
 * Each run claims due rows in batches with a lease (service/outbox.h),
 * sends them over one SMTP connection, and records each outcome in a
 * transaction of its own right after the server's reply: sent, due again
 * after a back-off, or dead. See docs/internals/mail.md for what that
 * guarantees.
 */
#include "jobs/mail.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/str.h"
#include "domain/mail.h"
#include "domain/mime.h"
#include "jobs/jobs.h"
#include "jobs/mail_smtp.h"
#include "service/outbox.h"

static struct {
    bool enabled;
    struct mail_smtp_config smtp;
    char from[LIMIT_EMAIL_BYTES + 1];
    int max_attempts;
} config;

/* The server was unreachable: no run tries before `until` (on the real
 * clock), and each failure in a row doubles the wait as a row's does. One
 * runner thread per process runs the job; the lock is for safety. */
static struct {
    pthread_mutex_t mu;
    int64_t until;
    int failures;
} down = {PTHREAD_MUTEX_INITIALIZER, 0, 0};

int jobs_mail_configure(const struct jobs_mail_config *cfg, char *err, size_t errlen)
{
    config.enabled = false;
    config.max_attempts = cfg->max_attempts > 0 ? cfg->max_attempts : MAIL_ATTEMPTS_DEFAULT;
    if (config.max_attempts > MAIL_ATTEMPTS_MAX) {
        str_fmt(err, errlen, "give a number of attempts from 1 to %d", MAIL_ATTEMPTS_MAX);
        return -1;
    }
    if (!cfg->smtp_url || !*cfg->smtp_url)
        return 0;
    if (mail_smtp_parse(cfg->smtp_url, cfg->smtp_password, &config.smtp, err, errlen))
        return -1;
    if (!cfg->from || !str_email_valid(cfg->from)) {
        str_fmt(err, errlen,
                "give the address mail is sent from (--mail-from or TANDEM_MAIL_FROM), "
                "like tandem@example.org");
        return -1;
    }
    for (const unsigned char *p = (const unsigned char *)cfg->from; *p; p++)
        if (*p > 0x7e) {
            str_fmt(err, errlen, "the sender's address must be plain ASCII");
            return -1;
        }
    str_fmt(config.from, sizeof config.from, "%s", cfg->from);
    mail_smtp_global_init();
    config.enabled = true;
    return 0;
}

bool jobs_mail_enabled(void)
{
    return config.enabled;
}

const char *jobs_mail_server(void)
{
    return config.enabled ? config.smtp.shown : "";
}

/* A claim's owner: this process and a random part, new for each run. */
static void new_owner(char out[64])
{
    unsigned char r[8] = {0};
    if (getentropy(r, sizeof r) != 0)
        log_error("mail", "no random bytes for the lease owner; using the clock");
    str_fmt(out, 64, "%ld-%02x%02x%02x%02x%02x%02x%02x%02x-%lld", (long)getpid(), r[0], r[1], r[2],
            r[3], r[4], r[5], r[6], r[7], (long long)(clock_mono() * 1e6));
}

/* Writes item m as a MIME message into b (page: scratch for the HTML
 * part). 0, or -1 with err. */
static int compose(const struct svc_outbox_item *m, buf *b, buf *page, char *err, size_t errlen)
{
    char id[LIMIT_EMAIL_BYTES + 64], method[32] = "";
    mail_message_id(m->id, m->created_at, config.from, id, sizeof id);
    if (m->ics) {
        const char *p = strstr(m->ics, "METHOD:");
        if (p)
            str_fmt(method, sizeof method, "%.*s", (int)strcspn(p + 7, "\r\n"), p + 7);
    }
    buf_reset(page);
    if (m->html && mail_html_page(page, m->subject, m->html)) {
        str_fmt(err, errlen, "the HTML part is too long");
        return -1;
    }
    struct mime_message mm = {.from = config.from,
                              .from_name = "Tandem",
                              .to = m->to,
                              .subject = m->subject,
                              .message_id = id,
                              .date = m->created_at,
                              .unsubscribe = m->unsubscribe,
                              .text = m->text,
                              .html = m->html ? page->data : NULL,
                              .ics = m->ics,
                              .ics_method = method[0] ? method : NULL};
    buf_reset(b);
    return mime_write(b, &mm, err, errlen);
}

/* Records one outcome in its own transaction. A message not tried is
 * given back: due again at next_at. */
static int record(store *db, const struct svc_outbox_item *m, const char *owner,
                  enum mail_smtp_result res, const char *reply, int64_t base, bool tried,
                  int64_t next_at, bool *sent)
{
    int rc = store_begin(db);
    if (rc != STORE_OK)
        return rc;
    *sent = false;
    if (!tried) {
        rc = svc_outbox_release(db, m->id, owner, next_at);
    } else if (res == MAIL_SMTP_SENT) {
        bool ours = false;
        rc = svc_outbox_sent(db, m->id, owner, clock_now(), &ours);
        if (rc == STORE_OK && !ours)
            log_error("mail", "message %lld was sent after its lease ran out", (long long)m->id);
        *sent = rc == STORE_OK;
    } else {
        enum mail_next next;
        rc = svc_outbox_failed(db, m->id, owner, base, reply, res == MAIL_SMTP_PERMANENT,
                               config.max_attempts, &next);
        if (rc == STORE_OK && next == MAIL_DEAD)
            log_error("mail", "message %lld to %s given up: %s", (long long)m->id, m->to, reply);
    }
    if (rc == STORE_OK)
        rc = store_commit(db);
    if (rc != STORE_OK)
        store_rollback(db);
    return rc;
}

static bool server_down(void)
{
    pthread_mutex_lock(&down.mu);
    bool d = down.until > clock_now();
    pthread_mutex_unlock(&down.mu);
    return d;
}

static void server_state(bool reachable)
{
    pthread_mutex_lock(&down.mu);
    if (reachable) {
        down.failures = 0;
        down.until = 0;
    } else {
        down.failures++;
        down.until = clock_now() + mail_backoff_s(down.failures);
    }
    pthread_mutex_unlock(&down.mu);
}

/* Sends one claimed batch; stops at a store failure or when the server is
 * down (the rest of the batch is recorded as failed too). */
static int send_batch(store *db, mail_smtp *smtp, struct svc_outbox_item *items, size_t n,
                      const char *owner, int64_t base, int64_t *lease_until, size_t *sent,
                      bool *stop)
{
    buf msg, page;
    buf_init(&msg, LIMIT_MAIL_MESSAGE_BYTES);
    buf_init(&page, LIMIT_MAIL_MESSAGE_BYTES);
    int64_t ids[LIMIT_MAIL_BATCH];
    for (size_t i = 0; i < n; i++)
        ids[i] = items[i].id;
    size_t nids = n;
    int rc = STORE_OK;
    for (size_t i = 0; i < n && rc == STORE_OK; i++) {
        const struct svc_outbox_item *m = &items[i];
        /* Every send must end before the lease does, or another sender
         * could take the row meanwhile: renew in time, and skip rows
         * that are no longer ours. */
        if (*lease_until - clock_now() < LIMIT_MAIL_SEND_TIMEOUT_S + 15) {
            int64_t until = clock_now() + LIMIT_MAIL_LEASE_S;
            if ((rc = store_begin(db)) == STORE_OK &&
                (rc = svc_outbox_renew(db, owner, clock_now(), until, ids, &nids)) == STORE_OK)
                rc = store_commit(db);
            if (rc != STORE_OK) {
                store_rollback(db);
                break;
            }
            *lease_until = until;
        }
        bool ours = false;
        for (size_t j = 0; j < nids && !ours; j++)
            ours = ids[j] == m->id;
        if (!ours)
            continue;
        char reply[LIMIT_MAIL_REPLY_BYTES + 1] = "", err[200];
        enum mail_smtp_result res = MAIL_SMTP_DOWN;
        /* The server stopping gives the rest back due at once, for the next
         * start; the receiver unreachable, after the first back-off. */
        bool leaving = jobs_stopping(), tried = !*stop && !leaving;
        int64_t next_at = leaving ? base : base + MAIL_BACKOFF_FIRST_S;
        if (!tried) {
            /* given back untried, below */
        } else if (compose(m, &msg, &page, err, sizeof err)) {
            res = MAIL_SMTP_PERMANENT; /* no attempt can send it */
            str_fmt(reply, sizeof reply, "not sent: %s", err);
        } else {
            res = mail_smtp_send(smtp, config.from, m->to, msg.data, msg.len, reply, sizeof reply);
        }
        if (res == MAIL_SMTP_DOWN && !*stop) {
            log_error("mail", "cannot deliver through %s: %s", config.smtp.shown, reply);
            *stop = true;
        }
        bool ok = false;
        rc = record(db, m, owner, res, reply, base, tried, next_at, &ok);
        *sent += ok;
    }
    buf_cleanup(&msg);
    buf_cleanup(&page);
    return rc;
}

int job_mail(store *db, int64_t now, size_t *done)
{
    *done = 0;
    if (!config.enabled || server_down())
        return STORE_OK;
    /* Mail due in real time goes out whatever time the run is told it is
     * (tandem jobs --now); a failure's back-off counts from the later of
     * the two, so a run never meets the same row twice. */
    int64_t base = now > clock_now() ? now : clock_now();
    int64_t next = 0;
    int rc = store_begin_read(db);
    if (rc == STORE_OK && (rc = svc_outbox_next_due(db, &next)) == STORE_OK)
        rc = store_commit(db);
    if (rc != STORE_OK) {
        store_rollback(db);
        return rc;
    }
    if (next == 0 || next > base)
        return STORE_OK; /* nothing due */
    char owner[64];
    new_owner(owner);
    mail_smtp *smtp = mail_smtp_new(&config.smtp);
    if (!smtp) {
        log_error("mail", "cannot make an SMTP handle");
        return STORE_OK;
    }
    struct svc_outbox_item items[LIMIT_MAIL_BATCH];
    bool stop = false, any = false;
    while (rc == STORE_OK && !stop && !jobs_stopping()) {
        size_t n = 0;
        int64_t lease_until = clock_now() + LIMIT_MAIL_LEASE_S;
        if ((rc = store_begin(db)) == STORE_OK &&
            (rc = svc_outbox_claim(db, base, clock_now(), lease_until, owner, items,
                                   LIMIT_MAIL_BATCH, &n)) == STORE_OK)
            rc = store_commit(db);
        if (rc != STORE_OK) {
            store_rollback(db);
            for (size_t i = 0; i < n; i++)
                svc_outbox_item_cleanup(&items[i]);
            break;
        }
        if (n == 0)
            break;
        any = true;
        rc = send_batch(db, smtp, items, n, owner, base, &lease_until, done, &stop);
        for (size_t i = 0; i < n; i++)
            svc_outbox_item_cleanup(&items[i]);
    }
    mail_smtp_free(smtp);
    if (any)
        server_state(!stop);
    return rc;
}
