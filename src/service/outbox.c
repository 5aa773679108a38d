#include "service/outbox.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"

int svc_outbox_add(store *db, const char *to, int64_t person_id, int64_t program_id,
                   const char *kind, const char *subject, const char *body, int64_t now)
{
    store_val p[] = {
        SV_INT(now),   SV_TEXT(to),   person_id ? SV_INT(person_id) : SV_NULL,  SV_TEXT(subject),
        SV_TEXT(body), SV_TEXT(kind), program_id ? SV_INT(program_id) : SV_NULL};
    return store_exec(
        db,
        "INSERT INTO outbox (created_at, to_address, to_person_id, subject, body, kind, "
        "program_id, next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?1)",
        p, 7, NULL);
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

static char *dup_col(store_rows *r, int col)
{
    return store_col_null(r, col) ? NULL : xstrdup(store_col_text(r, col));
}

int svc_outbox_list(store *db, const char *to, int64_t limit, int64_t offset,
                    struct svc_mail_page *out)
{
    memset(out, 0, sizeof *out);
    store_val p[] = {SV_TEXT(to), SV_INT(limit), SV_INT(offset)};
    int rc = store_query_int(
        db, "SELECT COUNT(*) FROM outbox WHERE CAST(?1 AS TEXT) IS NULL OR to_address = ?1", p, 1,
        &out->total);
    if (rc < 0)
        return rc;
    store_rows *rows = NULL;
    if ((rc = store_query(db,
                          "SELECT id, created_at, to_address, subject, body, kind, program_id, "
                          "attempts, sent_at, last_error FROM outbox WHERE CAST(?1 AS TEXT) IS "
                          "NULL OR to_address = ?1 ORDER BY id DESC LIMIT ?2 OFFSET ?3",
                          p, 3, &rows)) != STORE_OK)
        return rc;
    size_t cap = 0;
    while ((rc = store_next(rows)) == 1) {
        if (out->n == cap) {
            cap = cap ? cap * 2 : 32;
            out->items = xrealloc(out->items, cap * sizeof *out->items);
        }
        struct svc_mail *m = &out->items[out->n++];
        m->id = store_col_int(rows, 0);
        m->created_at = store_col_int(rows, 1);
        m->to = dup_col(rows, 2);
        m->subject = dup_col(rows, 3);
        m->body = dup_col(rows, 4);
        m->kind = dup_col(rows, 5);
        m->program_id = store_col_int(rows, 6);
        m->attempts = store_col_int(rows, 7);
        m->sent_at = store_col_int(rows, 8);
        m->last_error = dup_col(rows, 9);
    }
    store_rows_free(rows);
    if (rc < 0) {
        svc_mail_page_cleanup(out);
        return rc;
    }
    return SVC_OK;
}

void svc_mail_page_cleanup(struct svc_mail_page *page)
{
    if (!page)
        return;
    for (size_t i = 0; i < page->n; i++) {
        struct svc_mail *m = &page->items[i];
        free(m->to);
        free(m->subject);
        free(m->body);
        free(m->kind);
        free(m->last_error);
    }
    free(page->items);
    memset(page, 0, sizeof *page);
}
