#include "service/sessions.h"

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
