#include "api/enrolment.h"

#include <stdio.h>

#include "api/identity.h"
#include "base/buf.h"
#include "base/str.h"

int enrol_stage(store *db, int64_t participation_id, enum stage s, int64_t now)
{
    store_val p[] = {SV_INT(participation_id), SV_TEXT(stage_name(s)), SV_INT(now),
                     SV_INT(stage_is_exit(s) ? -1 : (int)s)};
    int rc =
        store_exec(db,
                   "UPDATE participations SET status = ?2, updated_at = ?3, "
                   "furthest = CASE WHEN ?4 > furthest THEN ?4 ELSE furthest END WHERE id = ?1",
                   p, 4, NULL);
    if (rc != STORE_OK)
        return rc;
    return store_exec(db,
                      "INSERT INTO participation_stages (participation_id, stage, reached_at) "
                      "VALUES (?1, ?2, ?3) ON CONFLICT (participation_id, stage) DO NOTHING",
                      p, 3, NULL);
}

int enrol_mail(store *db, const char *to, int64_t person_id, int64_t program_id, const char *kind,
               const char *subject, const char *body, int64_t now)
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

int enrol_recipient_of(store *db, int64_t participation_id, struct enrol_recipient *out)
{
    store_rows *rows;
    store_val q[] = {SV_INT(participation_id)};
    int rc = store_query(
        db,
        "SELECT pe.email, pe.name, pe.id, pr.id, pr.name, pa.role FROM participations pa "
        "JOIN people pe ON pe.id = pa.person_id JOIN programs pr ON pr.id = pa.program_id "
        "WHERE pa.id = ?1",
        q, 1, &rows);
    if (rc != STORE_OK)
        return rc;
    rc = store_next(rows);
    if (rc == 1) {
        str_fmt(out->email, sizeof out->email, "%s", store_col_text(rows, 0));
        str_fmt(out->name, sizeof out->name, "%s", store_col_text(rows, 1));
        out->person_id = store_col_int(rows, 2);
        out->program_id = store_col_int(rows, 3);
        str_fmt(out->program_name, sizeof out->program_name, "%s", store_col_text(rows, 4));
        str_fmt(out->role, sizeof out->role, "%s", store_col_text(rows, 5));
    }
    store_rows_free(rows);
    return rc;
}

#define TEXT_OF(x) #x
#define NUMBER_TEXT(x) TEXT_OF(x)

void enrol_invitation_text(buf *b, const char *name, const char *program, const char *role,
                           const char *base_url, const char *token)
{
    buf_reset(b);
    buf_puts(b, "Hello ");
    buf_puts(b, name);
    buf_puts(b, ",\n\nyou are invited to take part in \"");
    buf_puts(b, program);
    buf_puts(b, "\" as a ");
    buf_puts(b, role);
    buf_puts(b, ".\n\nAccept the invitation here (the link works once, for " NUMBER_TEXT(
                    INVITATION_DAYS) " days):\n");
    buf_puts(b, base_url ? base_url : "");
    buf_puts(b, "/invite/");
    buf_puts(b, token);
    buf_puts(b, "\n\nTandem\n");
}

int enrol_invite(store *db, int64_t participation_id, int64_t invited_by, const char *base_url,
                 int64_t now)
{
    struct enrol_recipient to;
    int rc = enrol_recipient_of(db, participation_id, &to);
    if (rc != 1)
        return rc == 0 ? STORE_ERROR : rc;
    char token[IDENTITY_TOKEN_CHARS], hash[IDENTITY_HASH_HEX];
    identity_new_secret("", token);
    identity_secret_hash(token, hash);
    store_val p[] = {SV_TEXT(hash),
                     SV_INT(to.program_id),
                     SV_INT(participation_id),
                     invited_by ? SV_INT(invited_by) : SV_NULL,
                     SV_INT(now),
                     SV_INT(now + INVITATION_DAYS * 86400)};
    rc =
        store_exec(db,
                   "INSERT INTO invitations (token_hash, program_id, participation_id, created_by, "
                   "created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                   p, 6, NULL);
    if (rc != STORE_OK)
        return rc;
    buf body;
    buf_init(&body, 8192);
    enrol_invitation_text(&body, to.name, to.program_name, to.role, base_url, token);
    char subject[300];
    str_fmt(subject, sizeof subject, "Invitation: %s", to.program_name);
    rc = enrol_mail(db, to.email, to.person_id, to.program_id, "invitation", subject, body.data,
                    now);
    buf_cleanup(&body);
    return rc;
}
