#include "service/outbox.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "service/audit.h"

/* ---- storing mail ---- */

/* The one INSERT every stored mail goes through. */
static int insert(store *db, const char *to, int64_t person_id, int64_t program_id,
                  const char *kind, const char *subject, const char *text, const char *html,
                  const char *ics, const char *unsubscribe, int64_t now)
{
    store_val p[] = {SV_INT(now),
                     SV_TEXT(to),
                     person_id ? SV_INT(person_id) : SV_NULL,
                     SV_TEXT(subject),
                     SV_TEXT(text),
                     SV_TEXT(kind),
                     program_id ? SV_INT(program_id) : SV_NULL,
                     SV_TEXT(html),
                     SV_TEXT(ics),
                     SV_TEXT(unsubscribe && *unsubscribe ? unsubscribe : NULL)};
    return store_exec(db,
                      "INSERT INTO outbox (created_at, to_address, to_person_id, subject, body, "
                      "kind, program_id, next_attempt_at, html, ics, list_unsubscribe) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?1, ?8, ?9, ?10)",
                      p, 10, NULL);
}

bool svc_outbox_link(char *out, size_t size, const char *path_fmt, ...)
{
    char path[1024];
    va_list ap;
    va_start(ap, path_fmt);
    int n = vsnprintf(path, sizeof path, path_fmt, ap);
    va_end(ap);
    const char *base = svc_public_url();
    size_t bl = strlen(base);
    while (bl > 0 && base[bl - 1] == '/')
        bl--; /* "https://x/" and "https://x" give the same links */
    return n >= 0 && (size_t)n < sizeof path && str_fmt(out, size, "%.*s%s", (int)bl, base, path);
}

void svc_outbox_unsubscribe_url(int64_t person_id, const char *kind, char *out, size_t size)
{
    const struct mail_template *t = mail_template_find(kind);
    out[0] = '\0';
    if (!t || t->class != MAIL_NOTIFICATION || person_id == 0)
        return;
    /* Where a person chooses which mail they get. A signed one-click
     * link (RFC 8058) replaces this once preferences are stored. */
    if (!svc_outbox_link(out, size, "/settings/notifications"))
        out[0] = '\0';
}

/* The values every mail gets (name, program, url), then m's own. */
static size_t mail_values(const struct svc_mail *m, struct mail_value v[LIMIT_MAIL_VALUES + 3])
{
    size_t n = 0;
    v[n++] = (struct mail_value){"name", m->name ? m->name : ""};
    v[n++] = (struct mail_value){"program", m->program ? m->program : ""};
    v[n++] = (struct mail_value){"url", svc_public_url()};
    for (size_t i = 0; i < m->nvalues; i++)
        v[n++] = m->values[i];
    return n;
}

int svc_outbox_render(const struct svc_mail *m, struct mail_rendered *out, verr *e)
{
    struct mail_value v[LIMIT_MAIL_VALUES + 3];
    *out = (struct mail_rendered){0};
    if (m->nvalues > LIMIT_MAIL_VALUES)
        return svc_fail(e, SVC_INVALID, "values", "more than %d values", LIMIT_MAIL_VALUES);
    size_t n = mail_values(m, v);
    char err[200];
    if (mail_render(m->kind, v, n, out, err, sizeof err)) {
        log_error("mail", "mail of kind %s not stored: %s", m->kind ? m->kind : "?", err);
        return svc_fail(e, SVC_INVALID, "kind", "%s", err);
    }
    return SVC_OK;
}

int svc_outbox_plan(const struct svc_mail *m, const char *const *open, size_t nopen,
                    struct mail_plan **out, verr *e)
{
    struct mail_value v[LIMIT_MAIL_VALUES + 3];
    *out = NULL;
    if (m->nvalues > LIMIT_MAIL_VALUES)
        return svc_fail(e, SVC_INVALID, "values", "more than %d values", LIMIT_MAIL_VALUES);
    size_t n = mail_values(m, v);
    char err[200];
    if (mail_plan_make(m->kind, v, n, open, nopen, out, err, sizeof err)) {
        log_error("mail", "mail of kind %s not planned: %s", m->kind ? m->kind : "?", err);
        return svc_fail(e, SVC_INVALID, "kind", "%s", err);
    }
    return SVC_OK;
}

int svc_outbox_mail(store *db, const struct svc_mail *m, int64_t now, verr *e)
{
    struct mail_rendered r;
    int rc = svc_outbox_render(m, &r, e);
    if (rc != SVC_OK)
        return rc;
    char unsub[1024];
    svc_outbox_unsubscribe_url(m->person_id, m->kind, unsub, sizeof unsub);
    rc = insert(db, m->to, m->person_id, m->program_id, m->kind, r.subject, r.text, r.html, m->ics,
                unsub, now);
    mail_rendered_cleanup(&r);
    return rc;
}

/* A template refusal is a bug at the call site, not a database failure,
 * but the caller's transaction must not commit half an event. */
static int stored(int rc)
{
    return rc > 0 ? STORE_ERROR : rc;
}

int svc_outbox_recipient(store *db, int64_t participation_id, struct svc_recipient *out)
{
    store_rows *rows = NULL;
    store_val q[] = {SV_INT(participation_id)};
    int rc = store_query(
        db,
        "SELECT pe.email, pe.name, pe.id, pr.id, pr.name, pa.role FROM participations pa "
        "JOIN people pe ON pe.id = pa.person_id JOIN programs pr ON pr.id = pa.program_id "
        "WHERE pa.id = ?1",
        q, 1, &rows);
    if (rc != STORE_OK)
        goto done;
    if ((rc = store_next(rows)) != 1) {
        rc = rc == 0 ? SVC_NOT_FOUND : rc;
        goto done;
    }
    str_fmt(out->email, sizeof out->email, "%s", store_col_text(rows, 0));
    str_fmt(out->name, sizeof out->name, "%s", store_col_text(rows, 1));
    out->person_id = store_col_int(rows, 2);
    out->program_id = store_col_int(rows, 3);
    str_fmt(out->program_name, sizeof out->program_name, "%s", store_col_text(rows, 4));
    str_fmt(out->role, sizeof out->role, "%s", store_col_text(rows, 5));
    rc = SVC_OK;
done:
    store_rows_free(rows);
    return rc;
}

int svc_outbox_mail_participation(store *db, int64_t participation_id, const char *kind,
                                  const struct mail_value *values, size_t n, int64_t now)
{
    struct svc_recipient to;
    int rc = svc_outbox_recipient(db, participation_id, &to);
    if (rc == SVC_NOT_FOUND)
        return SVC_OK;
    if (rc != SVC_OK)
        return rc;
    verr e = {0};
    struct svc_mail m = {.kind = kind,
                         .to = to.email,
                         .person_id = to.person_id,
                         .program_id = to.program_id,
                         .name = to.name,
                         .program = to.program_name,
                         .values = values,
                         .nvalues = n};
    return stored(svc_outbox_mail(db, &m, now, &e));
}

int svc_outbox_mail_person(store *db, int64_t person_id, int64_t program_id, const char *kind,
                           const struct mail_value *values, size_t n, int64_t now)
{
    store_rows *rows = NULL;
    store_val q[] = {SV_INT(person_id), SV_INT(program_id)};
    int rc = store_query(db,
                         "SELECT pe.email, pe.name, pr.name FROM people pe LEFT JOIN programs pr "
                         "ON pr.id = ?2 WHERE pe.id = ?1",
                         q, 2, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        verr e = {0};
        struct svc_mail m = {.kind = kind,
                             .to = store_col_text(rows, 0),
                             .person_id = person_id,
                             .program_id = program_id,
                             .name = store_col_text(rows, 1),
                             .program = store_col_text(rows, 2),
                             .values = values,
                             .nvalues = n};
        rc = stored(svc_outbox_mail(db, &m, now, &e));
    } else if (rc == 0) {
        rc = SVC_OK; /* gone meanwhile: nobody to tell */
    }
    store_rows_free(rows);
    return rc;
}

int svc_outbox_program_name(store *db, int64_t program_id, char *out, size_t size)
{
    store_rows *rows = NULL;
    store_val q[] = {SV_INT(program_id)};
    out[0] = '\0';
    int rc = store_query(db, "SELECT name FROM programs WHERE id = ?1", q, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1)
        str_fmt(out, size, "%s", store_col_text(rows, 0));
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

int svc_outbox_add(store *db, const char *to, int64_t person_id, int64_t program_id,
                   const char *kind, const char *subject, const char *body, int64_t now)
{
    return insert(db, to, person_id, program_id, kind, subject, body, NULL, NULL, NULL, now);
}

int svc_outbox_to_participation(store *db, int64_t participation_id, const char *kind,
                                const char *subject, const char *body, int64_t now)
{
    struct svc_recipient to;
    int rc = svc_outbox_recipient(db, participation_id, &to);
    if (rc == SVC_NOT_FOUND)
        return SVC_OK;
    if (rc != SVC_OK)
        return rc;
    return svc_outbox_add(db, to.email, to.person_id, to.program_id, kind, subject, body, now);
}

/* ---- delivering ---- */

void svc_outbox_item_cleanup(struct svc_outbox_item *m)
{
    if (!m)
        return;
    free(m->to);
    free(m->kind);
    free(m->subject);
    free(m->text);
    free(m->html);
    free(m->ics);
    free(m->unsubscribe);
    *m = (struct svc_outbox_item){0};
}

static char *dup_col(store_rows *rows, int col)
{
    return store_col_null(rows, col) ? NULL : xstrdup(store_col_text(rows, col));
}

static int by_id(const void *a, const void *b)
{
    const struct svc_outbox_item *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

int svc_outbox_claim(store *db, int64_t due, int64_t now, int64_t lease_until, const char *owner,
                     struct svc_outbox_item *out, size_t max, size_t *n)
{
    /* The same statement on both backends but for the row locks:
     * PostgreSQL skips rows another sender's claim holds at this moment;
     * SQLite's writer holds the whole database. */
    static const char head[] =
        "UPDATE outbox SET lease_owner = ?1, lease_until = ?2 WHERE id IN (SELECT id FROM outbox "
        "WHERE sent_at IS NULL AND dead_at IS NULL AND next_attempt_at <= ?3 AND "
        "(lease_until IS NULL OR lease_until <= ?4) ORDER BY next_attempt_at, id LIMIT ?5";
    static const char tail[] = ") RETURNING id, created_at, to_person_id, attempts, to_address, "
                               "kind, subject, body, html, ics, list_unsubscribe";
    char sql[sizeof head + sizeof tail + 32];
    str_fmt(sql, sizeof sql, "%s%s%s", head,
            store_backend_of(db) == STORE_PG ? " FOR UPDATE SKIP LOCKED" : "", tail);
    store_val p[] = {SV_TEXT(owner), SV_INT(lease_until), SV_INT(due), SV_INT(now),
                     SV_INT((int64_t)max)};
    store_rows *rows = NULL;
    *n = 0;
    int rc = store_query(db, sql, p, 5, &rows);
    while (rc == STORE_OK && *n < max && (rc = store_next(rows)) == 1) {
        struct svc_outbox_item *m = &out[(*n)++];
        m->id = store_col_int(rows, 0);
        m->created_at = store_col_int(rows, 1);
        m->person_id = store_col_int(rows, 2);
        m->attempts = (int)store_col_int(rows, 3);
        m->to = dup_col(rows, 4);
        m->kind = dup_col(rows, 5);
        m->subject = dup_col(rows, 6);
        m->text = dup_col(rows, 7);
        m->html = dup_col(rows, 8);
        m->ics = dup_col(rows, 9);
        m->unsubscribe = dup_col(rows, 10);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0) {
        for (size_t i = 0; i < *n; i++)
            svc_outbox_item_cleanup(&out[i]);
        *n = 0;
        return rc;
    }
    qsort(out, *n, sizeof *out, by_id); /* RETURNING keeps no order */
    return STORE_OK;
}

int svc_outbox_renew(store *db, const char *owner, int64_t now, int64_t until, int64_t *ids,
                     size_t *n)
{
    store_val p[] = {SV_TEXT(owner), SV_INT(until), SV_INT(now)};
    store_rows *rows = NULL;
    int rc = store_query(db,
                         "UPDATE outbox SET lease_until = ?2 WHERE lease_owner = ?1 AND "
                         "lease_until > ?3 AND sent_at IS NULL AND dead_at IS NULL RETURNING id",
                         p, 3, &rows);
    int64_t kept[LIMIT_MAIL_BATCH];
    size_t nk = 0;
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        int64_t id = store_col_int(rows, 0);
        for (size_t i = 0; i < *n && nk < LIMIT_MAIL_BATCH; i++)
            if (ids[i] == id)
                kept[nk++] = id;
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0)
        return rc;
    /* Keep the caller's order. */
    size_t w = 0;
    for (size_t i = 0; i < *n; i++)
        for (size_t j = 0; j < nk; j++)
            if (kept[j] == ids[i]) {
                ids[w++] = ids[i];
                break;
            }
    *n = w;
    return STORE_OK;
}

int svc_outbox_sent(store *db, int64_t id, const char *owner, int64_t now, bool *ours)
{
    store_val p[] = {SV_INT(id), SV_TEXT(owner), SV_INT(now)};
    int64_t changed = 0;
    int rc = store_exec(db,
                        "UPDATE outbox SET sent_at = ?3, last_attempt_at = ?3, attempts = "
                        "attempts + 1, lease_owner = NULL, lease_until = NULL "
                        "WHERE id = ?1 AND lease_owner = ?2 AND sent_at IS NULL",
                        p, 3, &changed);
    *ours = changed == 1;
    return rc;
}

int svc_outbox_failed(store *db, int64_t id, const char *owner, int64_t now, const char *reply,
                      bool permanent, int max_attempts, enum mail_next *next)
{
    int64_t attempts = 0;
    store_val q[] = {SV_INT(id), SV_TEXT(owner)};
    int rc = store_query_int(db,
                             "SELECT attempts FROM outbox WHERE id = ?1 AND lease_owner = ?2 AND "
                             "sent_at IS NULL AND dead_at IS NULL",
                             q, 2, &attempts);
    if (rc <= 0) {
        *next = MAIL_RETRY; /* not ours any more: whoever has it decides */
        return rc;
    }
    int tried = (int)attempts + 1;
    *next = mail_after_failure(tried, max_attempts, permanent);
    char kept[LIMIT_MAIL_REPLY_BYTES + 1];
    str_fmt(kept, sizeof kept, "%s", reply && *reply ? reply : "no reply");
    /* Cut at a character's start, so what is kept stays UTF-8. */
    size_t len = strlen(kept);
    while (len > 0 && !str_utf8_valid(kept, len))
        kept[--len] = '\0';
    bool dead = *next == MAIL_DEAD;
    store_val p[] = {SV_INT(id), SV_INT(now), SV_TEXT(kept),
                     SV_INT(now + (dead ? 0 : mail_backoff_s(tried))),
                     dead ? SV_INT(now) : SV_NULL};
    return store_exec(db,
                      "UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ?2, "
                      "last_error = ?3, next_attempt_at = ?4, dead_at = ?5, lease_owner = NULL, "
                      "lease_until = NULL WHERE id = ?1",
                      p, 5, NULL);
}

int svc_outbox_release(store *db, int64_t id, const char *owner, int64_t next_at)
{
    store_val p[] = {SV_INT(id), SV_TEXT(owner), SV_INT(next_at)};
    return store_exec(db,
                      "UPDATE outbox SET lease_owner = NULL, lease_until = NULL, next_attempt_at = "
                      "?3 WHERE id = ?1 AND lease_owner = ?2 AND sent_at IS NULL",
                      p, 3, NULL);
}

int svc_outbox_next_due(store *db, int64_t *at)
{
    *at = 0;
    int64_t v = 0;
    /* The first entry of the outbox_due index: one step, however long
     * the queue. A row another sender holds counts as due; the claim then
     * skips it. */
    int rc = store_query_int(db,
                             "SELECT MIN(next_attempt_at) FROM outbox WHERE sent_at IS NULL AND "
                             "dead_at IS NULL",
                             NULL, 0, &v);
    if (rc < 0)
        return rc;
    *at = v;
    return STORE_OK;
}

/* ---- the admin's outbox ---- */

static const char *const state_names[] = {"any", "pending", "retrying", "sent", "dead"};

const char *svc_outbox_state_name(enum svc_outbox_state s)
{
    return (unsigned)s < sizeof state_names / sizeof state_names[0] ? state_names[s] : "any";
}

int svc_outbox_state_parse(const char *name)
{
    for (size_t i = 0; name && i < sizeof state_names / sizeof state_names[0]; i++)
        if (strcmp(state_names[i], name) == 0)
            return (int)i;
    return -1;
}

void svc_outbox_page_cleanup(struct svc_outbox_page *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        struct svc_outbox_row *r = &p->items[i];
        free(r->to);
        free(r->kind);
        free(r->subject);
        free(r->body);
        free(r->last_error);
    }
    free(p->items);
    *p = (struct svc_outbox_page){0};
}

/* The WHERE clause of each state; ?1 state is not bound, the clause is
 * chosen here. */
static const char *state_where(enum svc_outbox_state s)
{
    switch (s) {
    case OUTBOX_PENDING: return "sent_at IS NULL AND dead_at IS NULL AND attempts = 0";
    case OUTBOX_RETRYING: return "sent_at IS NULL AND dead_at IS NULL AND attempts > 0";
    case OUTBOX_SENT: return "sent_at IS NOT NULL";
    case OUTBOX_DEAD: return "dead_at IS NOT NULL AND sent_at IS NULL";
    default: return "1 = 1";
    }
}

#define ROW_COLUMNS                                                                                \
    "id, created_at, to_address, subject, body, kind, program_id, attempts, sent_at, "             \
    "last_error, next_attempt_at, last_attempt_at, dead_at"

static void read_row(store_rows *rows, struct svc_outbox_row *r)
{
    r->id = store_col_int(rows, 0);
    r->created_at = store_col_int(rows, 1);
    r->to = dup_col(rows, 2);
    r->subject = dup_col(rows, 3);
    r->body = mail_redact(store_col_text(rows, 4));
    r->kind = dup_col(rows, 5);
    r->program_id = store_col_int(rows, 6);
    r->attempts = (int)store_col_int(rows, 7);
    r->sent_at = store_col_int(rows, 8);
    r->last_error = dup_col(rows, 9);
    r->last_attempt_at = store_col_int(rows, 11);
    r->dead_at = store_col_int(rows, 12);
    r->state = r->sent_at    ? OUTBOX_SENT
               : r->dead_at  ? OUTBOX_DEAD
               : r->attempts ? OUTBOX_RETRYING
                             : OUTBOX_PENDING;
    r->next_attempt_at =
        r->state == OUTBOX_PENDING || r->state == OUTBOX_RETRYING ? store_col_int(rows, 10) : 0;
    if (!mail_message_id(r->id, r->created_at, svc_mail_from(), r->message_id,
                         sizeof r->message_id))
        r->message_id[0] = '\0';
}

static int list_rows(store *db, const char *where, const store_val *p, int np, int64_t limit,
                     int64_t offset, struct svc_outbox_page *out)
{
    char sql[1024];
    str_fmt(sql, sizeof sql,
            "SELECT " ROW_COLUMNS " FROM outbox WHERE %s ORDER BY id DESC LIMIT %lld OFFSET %lld",
            where, (long long)limit, (long long)offset);
    store_rows *rows = NULL;
    int rc = store_query(db, sql, p, np, &rows);
    size_t cap = limit > 0 ? (size_t)limit : 1;
    out->items = xcalloc(cap, sizeof *out->items);
    while (rc == STORE_OK && out->n < cap && (rc = store_next(rows)) == 1) {
        read_row(rows, &out->items[out->n++]);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

int svc_outbox_list(store *db, const svc_actor *actor, const struct svc_outbox_filter *f,
                    struct svc_outbox_page *out, verr *e)
{
    *out = (struct svc_outbox_page){0};
    if (actor->site_role != SITE_ADMIN)
        return svc_fail(e, SVC_NOT_FOUND, NULL, "no such resource");
    if (f->kind && !mail_template_find(f->kind)) {
        /* Rows stored before a kind was renamed still list under "any". */
        return svc_fail(e, SVC_INVALID, "kind", "no mail is of kind '%s'", f->kind);
    }
    char lower[LIMIT_EMAIL_BYTES + 1] = "";
    if (f->to)
        str_ascii_lower((str_fmt(lower, sizeof lower, "%s", f->to), lower));
    char where[400];
    str_fmt(where, sizeof where,
            "(CAST(?1 AS TEXT) IS NULL OR to_address = ?1) AND "
            "(CAST(?2 AS TEXT) IS NULL OR kind = ?2) AND %s",
            state_where(f->state));
    store_val p[] = {SV_TEXT(f->to ? lower : NULL), SV_TEXT(f->kind)};
    char count[520];
    str_fmt(count, sizeof count, "SELECT COUNT(*) FROM outbox WHERE %s", where);
    int rc = store_query_int(db, count, p, 2, &out->total);
    if (rc < 0)
        return rc;
    rc = list_rows(db, where, p, 2, f->limit, f->offset, out);
    if (rc != STORE_OK)
        svc_outbox_page_cleanup(out);
    return rc;
}

int svc_outbox_retry(store *db, const svc_actor *actor, int64_t id, int64_t now,
                     struct svc_outbox_page *out, verr *e)
{
    if (out)
        *out = (struct svc_outbox_page){0};
    if (actor->site_role != SITE_ADMIN)
        return svc_fail(e, SVC_NOT_FOUND, NULL, "no such resource");
    struct svc_outbox_page now_row = {0};
    store_val p[] = {SV_INT(id)};
    int rc = list_rows(db, "id = ?1", p, 1, 1, 0, &now_row);
    if (rc != STORE_OK)
        goto done;
    if (now_row.n == 0) {
        rc = svc_fail(e, SVC_NOT_FOUND, NULL, "no such message");
        goto done;
    }
    enum svc_outbox_state was = now_row.items[0].state;
    if (was == OUTBOX_SENT || was == OUTBOX_PENDING) {
        rc = svc_fail(e, SVC_REFUSED, "state",
                      was == OUTBOX_SENT ? "the message was sent already; it is not sent twice"
                                         : "the message is queued already and goes out next");
        goto done;
    }
    /* A dead letter starts its attempts anew; the last reply stays on
     * the row until the next attempt replaces it. */
    store_val u[] = {SV_INT(id), SV_INT(now)};
    rc =
        store_exec(db,
                   was == OUTBOX_DEAD
                       ? "UPDATE outbox SET dead_at = NULL, attempts = 0, next_attempt_at = ?2 "
                         "WHERE id = ?1 AND sent_at IS NULL"
                       : "UPDATE outbox SET next_attempt_at = ?2 WHERE id = ?1 AND sent_at IS NULL",
                   u, 2, NULL);
    if (rc == STORE_OK)
        rc = svc_audit(db, actor, "outbox.retry", "outbox", id,
                       json_pack("{s:s}", "was", svc_outbox_state_name(was)));
    if (rc == STORE_OK && out) {
        rc = list_rows(db, "id = ?1", p, 1, 1, 0, out);
        if (rc != STORE_OK)
            svc_outbox_page_cleanup(out);
    }
done:
    svc_outbox_page_cleanup(&now_row);
    return rc;
}
