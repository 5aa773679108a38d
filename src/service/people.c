#include "service/people.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/str.h"
#include "service/audit.h"

int svc_person_create(store *db, const svc_actor *actor, const struct svc_person_new *in,
                      int64_t *id, verr *e)
{
    *id = 0;
    if (!in->email || !str_email_valid(in->email))
        v_fail(e, "", "email", "is not a valid e-mail address");
    if (!in->name || !*in->name || strlen(in->name) > LIMIT_NAME_BYTES ||
        !str_utf8_valid(in->name, strlen(in->name)))
        v_fail(e, "", "name", "must be 1 to %d bytes of text", LIMIT_NAME_BYTES);
    if (v_failed(e))
        return SVC_INVALID;
    char lower[LIMIT_EMAIL_BYTES + 1];
    str_fmt(lower, sizeof lower, "%s", in->email);
    str_ascii_lower(lower);
    int64_t now = clock_now();
    store_val p[] = {SV_TEXT(lower), SV_TEXT(in->name), SV_TEXT(in->password_hash),
                     SV_TEXT(in->site_role ? in->site_role : "member"), SV_INT(now)};
    store_rows *rows = NULL;
    int rc = store_query(
        db,
        "INSERT INTO people (email, name, password_hash, site_role, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?5) RETURNING id",
        p, 5, &rows);
    if (rc == STORE_OK) {
        rc = store_next(rows);
        if (rc == 1) {
            *id = store_col_int(rows, 0);
            rc = STORE_OK;
        } else if (rc == 0) {
            rc = STORE_ERROR;
        }
    }
    store_rows_free(rows);
    if (rc == STORE_CONFLICT)
        return svc_fail(e, SVC_INVALID, "email", "is already taken");
    if (rc == STORE_OK)
        rc = svc_audit(db, actor, "person.create", "person", *id, NULL);
    return rc;
}

int svc_person_by_email(store *db, const char *email, int64_t *id)
{
    *id = 0;
    store_val q[] = {SV_TEXT(email)};
    int rc = store_query_int(db, "SELECT id FROM people WHERE email = ?1", q, 1, id);
    return rc < 0 ? rc : STORE_OK;
}

static void read_person(store_rows *r, struct svc_person *p)
{
    p->id = store_col_int(r, 0);
    str_fmt(p->email, sizeof p->email, "%s", store_col_text(r, 1));
    str_fmt(p->name, sizeof p->name, "%s", store_col_text(r, 2));
    str_fmt(p->site_role, sizeof p->site_role, "%s", store_col_text(r, 3));
}

int svc_person_get(store *db, int64_t id, struct svc_person *out)
{
    memset(out, 0, sizeof *out);
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(id)};
    int rc =
        store_query(db, "SELECT id, email, name, site_role FROM people WHERE id = ?1", p, 1, &rows);
    if (rc == STORE_OK) {
        rc = store_next(rows);
        if (rc == 1)
            read_person(rows, out);
        rc = rc == 1 ? SVC_OK : rc == 0 ? SVC_NOT_FOUND : rc;
    }
    store_rows_free(rows);
    return rc;
}

int svc_person_list(store *db, const char *q, int64_t limit, int64_t offset,
                    struct svc_person_page *out)
{
    memset(out, 0, sizeof *out);
    char pattern[LIMIT_NAME_BYTES + 3];
    str_fmt(pattern, sizeof pattern, "%%%s%%", q ? q : "");
    str_ascii_lower(pattern);
    store_val p[] = {SV_TEXT(pattern), SV_INT(limit), SV_INT(offset)};
    int rc = store_query_int(
        db, "SELECT COUNT(*) FROM people WHERE lower(name) LIKE ?1 OR email LIKE ?1", p, 1,
        &out->total);
    if (rc < 0)
        return rc;
    store_rows *rows = NULL;
    if ((rc = store_query(db,
                          "SELECT id, email, name, site_role FROM people WHERE lower(name) LIKE ?1 "
                          "OR email LIKE ?1 ORDER BY name, id LIMIT ?2 OFFSET ?3",
                          p, 3, &rows)) != STORE_OK)
        return rc;
    size_t cap = 0;
    while ((rc = store_next(rows)) == 1) {
        if (out->n == cap) {
            cap = cap ? cap * 2 : 32;
            out->items = xrealloc(out->items, cap * sizeof *out->items);
        }
        read_person(rows, &out->items[out->n++]);
    }
    store_rows_free(rows);
    if (rc < 0) {
        svc_person_page_cleanup(out);
        return rc;
    }
    return SVC_OK;
}

void svc_person_page_cleanup(struct svc_person_page *page)
{
    if (!page)
        return;
    free(page->items);
    memset(page, 0, sizeof *page);
}
