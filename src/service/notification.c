/* notification.c - in-app notifications, preferences, the daily digest
 * and the unsubscribe link (see notification.h). */
#include "service/notification.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/limits.h"
#include "base/mem.h"
#include "base/str.h"
#include "domain/mail.h"
#include "service/audit.h"
#include "service/secrets.h"

#define SECRET_NAME "unsubscribe"

/* ---- recording ---- */

/* The path of an absolute link of ours ("/relationships/5"), or "/". */
static void path_of(const char *link, char *out, size_t size)
{
    const char *base = svc_public_url();
    size_t bl = strlen(base);
    while (bl > 0 && base[bl - 1] == '/')
        bl--;
    const char *p = link && strncmp(link, base, bl) == 0 ? link + bl : NULL;
    if (!p || *p != '/' || p[1] == '/' || !str_fmt(out, size, "%s", p))
        str_fmt(out, size, "/");
}

static int mode_of(store *db, int64_t person_id, const char *kind, enum notification_mode *mode)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(person_id), SV_TEXT(kind)};
    *mode = NOTIFY_IMMEDIATELY;
    int rc =
        store_query(db, "SELECT mode FROM notification_settings WHERE person_id = ?1 AND kind = ?2",
                    p, 2, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        int m = notification_mode_parse(store_col_text(rows, 0));
        *mode = m < 0 ? NOTIFY_IMMEDIATELY : (enum notification_mode)m;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

int svc_notification_note(store *db, const struct svc_mail *m, const char *title, int64_t now,
                          bool *send)
{
    *send = true;
    const struct mail_template *t = mail_template_find(m->kind);
    if (!t || t->class != MAIL_NOTIFICATION || m->person_id == 0)
        return STORE_OK;
    enum notification_mode mode;
    int rc = mode_of(db, m->person_id, m->kind, &mode);
    if (rc != STORE_OK)
        return rc;
    const char *link = NULL;
    for (size_t i = 0; i < m->nvalues; i++)
        if (strcmp(m->values[i].name, "link") == 0)
            link = m->values[i].value;
    char path[LIMIT_HTTP_URL_BYTES];
    path_of(link, path, sizeof path);
    store_val p[] = {SV_INT(m->person_id),
                     m->program_id ? SV_INT(m->program_id) : SV_NULL,
                     SV_TEXT(m->kind),
                     SV_TEXT(title),
                     SV_TEXT(path),
                     SV_INT(now),
                     mode == NOTIFY_DAILY ? SV_INT(notification_day(now)) : SV_NULL};
    rc = store_exec(db,
                    "INSERT INTO notifications (person_id, program_id, kind, title, link, "
                    "created_at, digest_day) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    p, 7, NULL);
    *send = mode == NOTIFY_IMMEDIATELY;
    return rc;
}

/* ---- the list ---- */

void svc_notification_page_cleanup(struct svc_notification_page *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->items[i].kind);
        free(p->items[i].title);
        free(p->items[i].link);
        free(p->items[i].program);
    }
    free(p->items);
    *p = (struct svc_notification_page){0};
}

#define COLUMNS                                                                                    \
    "SELECT n.id, n.program_id, n.created_at, n.read_at, n.kind, n.title, n.link, pr.name FROM "   \
    "notifications n LEFT JOIN programs pr ON pr.id = n.program_id WHERE n.person_id = ?1 AND "

static int read_rows(store *db, const char *sql, const store_val *p, int np, size_t cap,
                     struct svc_notification_page *out)
{
    store_rows *rows = NULL;
    int rc = store_query(db, sql, p, np, &rows);
    out->items = xcalloc(cap ? cap : 1, sizeof *out->items);
    while (rc == STORE_OK && out->n < cap && (rc = store_next(rows)) == 1) {
        struct svc_notification *it = &out->items[out->n++];
        it->id = store_col_int(rows, 0);
        it->program_id = store_col_int(rows, 1);
        it->created_at = store_col_int(rows, 2);
        it->read_at = store_col_int(rows, 3);
        it->kind = xstrdup(store_col_text(rows, 4));
        it->title = xstrdup(store_col_text(rows, 5));
        it->link = xstrdup(store_col_text(rows, 6));
        it->program = store_col_null(rows, 7) ? NULL : xstrdup(store_col_text(rows, 7));
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0) {
        svc_notification_page_cleanup(out);
        return rc;
    }
    return STORE_OK;
}

int svc_notifications_list(store *db, int64_t person_id, const char *cursor, int64_t limit,
                           struct svc_notification_page *out, verr *e)
{
    *out = (struct svc_notification_page){0};
    if (limit < 1 || limit > LIMIT_NOTIFICATIONS_PAGE)
        return svc_fail(e, SVC_INVALID, "limit", "limit must be 1 to %d", LIMIT_NOTIFICATIONS_PAGE);
    /* The cursor: "u<id>" (within the unread ones, after id) or "r<id>"
     * (within the read ones, after id). */
    int64_t after = 0;
    const char *where = "CAST(?2 AS BIGINT) = 0";
    if (cursor && *cursor) {
        char *end = NULL;
        long long v = (cursor[0] == 'u' || cursor[0] == 'r') && cursor[1] >= '1' &&
                              cursor[1] <= '9' && strlen(cursor) < 20
                          ? strtoll(cursor + 1, &end, 10)
                          : 0;
        if (v <= 0 || !end || *end)
            return svc_fail(e, SVC_INVALID, "cursor", "not a cursor this list gave");
        after = v;
        where = cursor[0] == 'u' ? "((n.read_at IS NULL AND n.id < ?2) OR n.read_at IS NOT NULL)"
                                 : "n.read_at IS NOT NULL AND n.id < ?2";
    }
    char sql[700];
    str_fmt(sql, sizeof sql,
            COLUMNS "%s ORDER BY CASE WHEN n.read_at IS NULL THEN 0 ELSE 1 END, n.id DESC "
                    "LIMIT ?3",
            where);
    store_val p[] = {SV_INT(person_id), SV_INT(after), SV_INT(limit + 1)};
    int rc = read_rows(db, sql, p, 3, (size_t)limit + 1, out);
    if (rc != STORE_OK)
        return rc;
    if (out->n > (size_t)limit) {
        struct svc_notification *last = &out->items[limit - 1];
        str_fmt(out->next, sizeof out->next, "%c%lld", last->read_at ? 'r' : 'u',
                (long long)last->id);
        struct svc_notification extra = out->items[limit];
        free(extra.kind);
        free(extra.title);
        free(extra.link);
        free(extra.program);
        out->n = (size_t)limit;
    }
    return STORE_OK;
}

int svc_notifications_unread(store *db, int64_t person_id, int64_t *n)
{
    store_val p[] = {SV_INT(person_id)};
    *n = 0;
    int rc = store_query_int(
        db, "SELECT COUNT(*) FROM notifications WHERE person_id = ?1 AND read_at IS NULL", p, 1, n);
    return rc < 0 ? rc : STORE_OK;
}

int svc_notification_read(store *db, int64_t person_id, int64_t id, int64_t now,
                          struct svc_notification_page *out, verr *e)
{
    if (out)
        *out = (struct svc_notification_page){0};
    store_val p[] = {SV_INT(person_id), SV_INT(id), SV_INT(now)};
    int64_t changed = 0;
    int rc = store_exec(db,
                        "UPDATE notifications SET read_at = COALESCE(read_at, ?3) WHERE id = ?2 "
                        "AND person_id = ?1",
                        p, 3, &changed);
    if (rc != STORE_OK)
        return rc;
    if (changed == 0)
        return svc_fail(e, SVC_NOT_FOUND, NULL, "no such notification");
    if (!out)
        return SVC_OK;
    return read_rows(db, COLUMNS "n.id = ?2", p, 2, 1, out);
}

int svc_notifications_read_all(store *db, int64_t person_id, int64_t now, int64_t *n)
{
    store_val p[] = {SV_INT(person_id), SV_INT(now)};
    *n = 0;
    return store_exec(db,
                      "UPDATE notifications SET read_at = ?2 WHERE person_id = ?1 AND read_at IS "
                      "NULL",
                      p, 2, n);
}

/* ---- preferences ---- */

int svc_notification_settings(store *db, int64_t person_id, struct svc_notification_setting *out,
                              size_t max, size_t *n)
{
    size_t nt;
    const struct mail_template *t = mail_templates(&nt);
    *n = 0;
    for (size_t i = 0; i < nt && *n < max; i++)
        if (t[i].class == MAIL_NOTIFICATION)
            out[(*n)++] =
                (struct svc_notification_setting){t[i].kind, t[i].what, NOTIFY_IMMEDIATELY};
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(person_id)};
    int rc = store_query(db, "SELECT kind, mode FROM notification_settings WHERE person_id = ?1", p,
                         1, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        const char *kind = store_col_text(rows, 0);
        int m = notification_mode_parse(store_col_text(rows, 1));
        for (size_t i = 0; m >= 0 && i < *n; i++)
            if (strcmp(out[i].kind, kind) == 0)
                out[i].mode = (enum notification_mode)m;
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

static int set_mode(store *db, int64_t person_id, const char *kind, enum notification_mode mode,
                    int64_t now)
{
    store_val p[] = {SV_INT(person_id), SV_TEXT(kind), SV_TEXT(notification_mode_name(mode)),
                     SV_INT(now)};
    return store_exec(db,
                      "INSERT INTO notification_settings (person_id, kind, mode, updated_at) "
                      "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (person_id, kind) DO UPDATE SET "
                      "mode = excluded.mode, updated_at = excluded.updated_at",
                      p, 4, NULL);
}

int svc_notification_settings_put(store *db, const svc_actor *actor,
                                  const struct notification_change *changes, size_t n, int64_t now,
                                  verr *e)
{
    verr all = VERR_COLLECT;
    for (size_t i = 0; i < n; i++) {
        char path[32];
        str_fmt(path, sizeof path, "kinds[%zu]", i);
        const struct mail_template *t = mail_template_find(changes[i].kind);
        if (!t || t->class == MAIL_DIGEST)
            v_fail(&all, path, "kind", "there is no kind of mail '%s'",
                   changes[i].kind ? changes[i].kind : "");
        else if (t->class == MAIL_REQUIRED)
            v_fail(&all, path, "kind", "%s is mail you must get; it cannot be changed", t->what);
        if (notification_mode_parse(changes[i].mode) < 0)
            v_fail(&all, path, "mode", "must be immediately, daily or off");
    }
    if (v_failed(&all)) {
        v_merge(e, &all);
        return SVC_INVALID;
    }
    json_t *detail = json_object();
    int rc = STORE_OK;
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        enum notification_mode m = (enum notification_mode)notification_mode_parse(changes[i].mode);
        rc = set_mode(db, actor->person_id, changes[i].kind, m, now);
        json_object_set_new(detail, changes[i].kind, json_string(changes[i].mode));
    }
    if (rc == STORE_OK)
        return svc_audit(db, actor, "notification_settings.update", "person", actor->person_id,
                         detail);
    json_decref(detail);
    return rc;
}

/* ---- unsubscribing ---- */

int svc_unsubscribe_url(store *db, int64_t person_id, const char *kind, int64_t now, char *out,
                        size_t size)
{
    const struct mail_template *t = mail_template_find(kind);
    out[0] = '\0';
    if (!t || t->class == MAIL_REQUIRED || person_id <= 0)
        return STORE_OK;
    unsigned char key[SVC_SECRET_BYTES];
    int rc = svc_server_secret(db, SECRET_NAME, true, key, now);
    if (rc < 0)
        return rc;
    char token[NOTIFICATION_TOKEN_CHARS];
    bool ok =
        rc == 1 && notification_token_make(key, person_id, kind,
                                           now + (int64_t)LIMIT_UNSUBSCRIBE_DAYS * 86400, token);
    sodium_memzero(key, sizeof key);
    if (ok && !svc_outbox_link(out, size, "/unsubscribe/%s", token))
        out[0] = '\0';
    return STORE_OK;
}

int svc_unsubscribe_find(store *db, const char *token, int64_t now, struct svc_unsubscribe *out,
                         verr *e)
{
    *out = (struct svc_unsubscribe){0};
    unsigned char key[SVC_SECRET_BYTES];
    int rc = svc_server_secret(db, SECRET_NAME, false, key, now);
    if (rc < 0)
        return rc;
    enum notification_token_check ck =
        rc == 1 ? notification_token_check(key, token, now, &out->person_id, out->kind,
                                           sizeof out->kind, &out->expires_at)
                : NOTIFY_TOKEN_FORGED;
    sodium_memzero(key, sizeof key);
    const struct mail_template *t = mail_template_find(out->kind);
    if (ck == NOTIFY_TOKEN_OK && (!t || t->class == MAIL_REQUIRED))
        ck = NOTIFY_TOKEN_FORGED; /* a kind that went away, or never could */
    if (ck == NOTIFY_TOKEN_EXPIRED)
        return svc_fail(e, SVC_NOT_FOUND, "token",
                        "this unsubscribe link has expired (links work for %d days); sign in and "
                        "choose which mail you get in your notification settings",
                        LIMIT_UNSUBSCRIBE_DAYS);
    if (ck != NOTIFY_TOKEN_OK)
        return svc_fail(e, SVC_NOT_FOUND, "token",
                        "this unsubscribe link is not valid: it may be mistyped or cut short");
    out->what = t->what;
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(out->person_id), SV_TEXT(out->kind)};
    rc = store_query(db,
                     "SELECT email, (SELECT mode FROM notification_settings s WHERE s.person_id = "
                     "people.id AND s.kind = ?2) FROM people WHERE id = ?1",
                     p, 2, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        str_fmt(out->email, sizeof out->email, "%s", store_col_text(rows, 0));
        const char *mode = store_col_text(rows, 1);
        out->off = mode && strcmp(mode, "off") == 0;
        rc = SVC_OK;
    } else if (rc == 0) {
        rc = svc_fail(e, SVC_NOT_FOUND, "token", "the account this link was for is gone");
    }
    store_rows_free(rows);
    if (rc != SVC_OK || t->class != MAIL_DIGEST)
        return rc;
    /* The digest: what it holds now is every kind set to daily. */
    struct svc_notification_setting s[64];
    size_t n;
    if ((rc = svc_notification_settings(db, out->person_id, s, 64, &n)) != STORE_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (s[i].mode == NOTIFY_DAILY && out->ndigest < 64)
            out->digest_kinds[out->ndigest++] = s[i].what;
    out->off = out->ndigest == 0;
    return SVC_OK;
}

int svc_unsubscribe_apply(store *db, const char *token, int64_t now, struct svc_unsubscribe *out,
                          verr *e)
{
    int rc = svc_unsubscribe_find(db, token, now, out, e);
    if (rc != SVC_OK)
        return rc;
    if (out->off)
        return SVC_OK; /* again: nothing more to turn off */
    store_val p[] = {SV_INT(out->person_id), SV_INT(now)};
    if (strcmp(out->kind, "digest") == 0)
        rc = store_exec(db,
                        "UPDATE notification_settings SET mode = 'off', updated_at = ?2 WHERE "
                        "person_id = ?1 AND mode = 'daily'",
                        p, 2, NULL);
    else
        rc = set_mode(db, out->person_id, out->kind, NOTIFY_OFF, now);
    if (rc != STORE_OK)
        return rc;
    svc_actor actor = {.person_id = out->person_id, .site_role = SITE_MEMBER};
    return svc_audit(db, &actor, "notification_settings.unsubscribe", "person", out->person_id,
                     json_pack("{s:s}", "kind", out->kind));
}

/* ---- the daily digest ---- */

int svc_digests_due(store *db, int64_t now, int64_t (*out)[2], size_t max, size_t *n)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(now - NOTIFICATION_DAY_S), SV_INT((int64_t)max)};
    *n = 0;
    int rc = store_query(db,
                         "SELECT DISTINCT person_id, digest_day FROM notifications WHERE "
                         "digest_day IS NOT NULL AND digest_day <= ?1 ORDER BY digest_day, "
                         "person_id LIMIT ?2",
                         p, 2, &rows);
    while (rc == STORE_OK && *n < max && (rc = store_next(rows)) == 1) {
        out[*n][0] = store_col_int(rows, 0);
        out[*n][1] = store_col_int(rows, 1);
        (*n)++;
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

/* The items held for person's digest of day, as the mail lists them. */
static int digest_items(store *db, int64_t person_id, int64_t day, buf *text, buf *html,
                        int64_t *count)
{
    store_val p[] = {SV_INT(person_id), SV_INT(day), SV_INT(LIMIT_DIGEST_ITEMS)};
    int rc = store_query_int(
        db, "SELECT COUNT(*) FROM notifications WHERE person_id = ?1 AND digest_day = ?2", p, 2,
        count);
    if (rc < 0)
        return rc;
    store_rows *rows = NULL;
    rc = store_query(db,
                     "SELECT n.title, pr.name, n.link FROM notifications n LEFT JOIN programs pr "
                     "ON pr.id = n.program_id WHERE n.person_id = ?1 AND n.digest_day = ?2 "
                     "ORDER BY n.id LIMIT ?3",
                     p, 3, &rows);
    struct notification_item items[LIMIT_DIGEST_ITEMS];
    char *owned[LIMIT_DIGEST_ITEMS][3];
    size_t n = 0;
    while (rc == STORE_OK && n < LIMIT_DIGEST_ITEMS && (rc = store_next(rows)) == 1) {
        char link[LIMIT_HTTP_URL_BYTES];
        if (!svc_outbox_link(link, sizeof link, "%s", store_col_text(rows, 2)))
            svc_outbox_link(link, sizeof link, "/notifications");
        owned[n][0] = xstrdup(store_col_text(rows, 0));
        owned[n][1] = store_col_null(rows, 1) ? NULL : xstrdup(store_col_text(rows, 1));
        owned[n][2] = xstrdup(link);
        items[n] = (struct notification_item){owned[n][0], owned[n][1], owned[n][2]};
        n++;
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc >= 0 &&
        notification_digest_list(items, n, (size_t)*count > n ? (size_t)*count - n : 0, text, html))
        rc = STORE_ERROR;
    for (size_t i = 0; i < n; i++)
        for (int j = 0; j < 3; j++)
            free(owned[i][j]);
    return rc < 0 ? rc : STORE_OK;
}

int svc_digest_send(store *db, int64_t person_id, int64_t day, int64_t now, bool *did)
{
    *did = false;
    buf text, html;
    buf_init(&text, LIMIT_MAIL_BODY_BYTES / 2);
    buf_init(&html, LIMIT_MAIL_BODY_BYTES / 2);
    store_rows *rows = NULL;
    int64_t count = 0, stored = 0;
    store_val k[] = {SV_INT(person_id), SV_INT(day), SV_INT(0), SV_INT(now)};
    int rc = digest_items(db, person_id, day, &text, &html, &count);
    if (rc != STORE_OK || count == 0)
        goto clear; /* an empty period: no mail */
    k[2] = SV_INT(count);
    rc = store_exec(db,
                    "INSERT INTO notification_digests (person_id, day, items, created_at) VALUES "
                    "(?1, ?2, ?3, ?4) ON CONFLICT (person_id, day) DO NOTHING",
                    k, 4, &stored);
    if (rc != STORE_OK || stored == 0)
        goto clear; /* sent before: the items only leave the held set */
    store_val q[] = {SV_INT(person_id)};
    if ((rc = store_query(db, "SELECT email, name FROM people WHERE id = ?1", q, 1, &rows)) !=
        STORE_OK)
        goto done;
    if ((rc = store_next(rows)) != 1)
        goto clear;
    char email[LIMIT_EMAIL_BYTES + 1], name[LIMIT_NAME_BYTES + 1];
    str_fmt(email, sizeof email, "%s", store_col_text(rows, 0));
    str_fmt(name, sizeof name, "%s", store_col_text(rows, 1));
    store_rows_free(rows);
    rows = NULL;
    char day_text[32], n_text[24], link[LIMIT_HTTP_URL_BYTES];
    time_t tt = (time_t)day;
    struct tm tm;
    gmtime_r(&tt, &tm);
    if (!strftime(day_text, sizeof day_text, "%e %B %Y", &tm))
        day_text[0] = '\0';
    str_fmt(n_text, sizeof n_text, "%lld", (long long)count);
    svc_outbox_link(link, sizeof link, "/notifications");
    (void)buf_puts(&text, "");
    (void)buf_puts(&html, "");
    struct mail_value v[] = {{"day", day_text[0] == ' ' ? day_text + 1 : day_text},
                             {"count", n_text},
                             {"items", text.data},
                             {"items_html", html.data},
                             {"link", link}};
    verr e = {0};
    struct svc_mail m = {.kind = "digest",
                         .to = email,
                         .person_id = person_id,
                         .name = name,
                         .values = v,
                         .nvalues = 5};
    rc = svc_outbox_mail(db, &m, now, &e);
    if (rc > 0)
        rc = STORE_ERROR; /* the digest's template refused its values: a bug */
    if (rc != STORE_OK)
        goto done;
    *did = true;
clear:
    if (rc >= 0) {
        store_val c[] = {SV_INT(person_id), SV_INT(day)};
        rc = store_exec(db,
                        "UPDATE notifications SET digest_day = NULL WHERE person_id = ?1 AND "
                        "digest_day = ?2",
                        c, 2, NULL);
    }
done:
    store_rows_free(rows);
    buf_cleanup(&text);
    buf_cleanup(&html);
    return rc;
}
