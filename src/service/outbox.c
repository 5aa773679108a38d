#include "service/outbox.h"

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
