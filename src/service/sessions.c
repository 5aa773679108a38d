#include "service/sessions.h"

#include <string.h>

#include "base/str.h"
#include "domain/session.h"

int svc_session_open(store *db, int64_t person_id, int64_t now, int64_t lifetime_s,
                     char secret[SECRET_TOKEN_CHARS], char csrf[SECRET_TOKEN_CHARS])
{
    char hash[SECRET_HASH_HEX];
    secret_new("", secret);
    secret_new("", csrf);
    secret_hash(secret, hash);
    store_val s[] = {SV_TEXT(hash), SV_INT(person_id), SV_TEXT(csrf), SV_INT(now),
                     SV_INT(now + lifetime_s)};
    return store_exec(db,
                      "INSERT INTO sessions (token_hash, person_id, csrf_token, created_at, "
                      "last_seen_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
                      s, 5, NULL);
}

int svc_session_seen(store *db, int64_t id, int64_t now)
{
    store_val u[] = {SV_INT(now), SV_INT(id)};
    return store_exec(db, "UPDATE sessions SET last_seen_at = ?1 WHERE id = ?2", u, 2, NULL);
}

int svc_session_sign_in(store *db, int64_t person_id, const char *old_secret, int64_t now,
                        int64_t lifetime_s, char secret[SECRET_TOKEN_CHARS],
                        char csrf[SECRET_TOKEN_CHARS])
{
    if (old_secret && *old_secret) {
        char old[SECRET_HASH_HEX];
        secret_hash(old_secret, old);
        store_val d[] = {SV_TEXT(old)};
        int rc = store_exec(db, "DELETE FROM sessions WHERE token_hash = ?1", d, 1, NULL);
        if (rc != STORE_OK)
            return rc;
    }
    return svc_session_open(db, person_id, now, lifetime_s, secret, csrf);
}

int svc_session_find(store *db, const char *secret, int64_t now, int64_t idle_s,
                     struct svc_identity *out)
{
    memset(out, 0, sizeof *out);
    char hash[SECRET_HASH_HEX];
    secret_hash(secret, hash);
    store_rows *rows = NULL;
    store_val p[] = {SV_TEXT(hash)};
    int rc = store_query(db,
                         "SELECT s.id, s.person_id, s.csrf_token, s.last_seen_at, s.expires_at, "
                         "p.site_role, p.email, p.name FROM sessions s "
                         "JOIN people p ON p.id = s.person_id WHERE s.token_hash = ?1",
                         p, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        int64_t last_seen = store_col_int(rows, 3);
        rc = 0;
        if (session_live(now, store_col_int(rows, 4), last_seen, idle_s)) {
            out->session_id = store_col_int(rows, 0);
            out->person_id = store_col_int(rows, 1);
            str_copy(out->csrf_token, sizeof out->csrf_token, store_col_text(rows, 2));
            out->site_role = svc_site_role_parse(store_col_text(rows, 5));
            str_copy(out->email, sizeof out->email, store_col_text(rows, 6));
            str_copy(out->name, sizeof out->name, store_col_text(rows, 7));
            out->seen_due = session_seen_due(now, last_seen);
            rc = 1;
        }
    }
    store_rows_free(rows);
    return rc < 0 ? rc : rc == 1 ? SVC_OK : SVC_NOT_FOUND;
}

int svc_session_end(store *db, int64_t id)
{
    store_val p[] = {SV_INT(id)};
    return store_exec(db, "DELETE FROM sessions WHERE id = ?1", p, 1, NULL);
}
