#include "service/tokens.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/secret.h"
#include "base/str.h"
#include "domain/session.h"
#include "service/audit.h"

#define PREFIX "tdm_"

_Static_assert(TOKENS_SECRET_CHARS == SECRET_TOKEN_CHARS, "a token is a secret of base/secret.h");

int svc_token_create(store *db, const svc_actor *actor, const struct svc_token_input *in,
                     int64_t now, char secret[TOKENS_SECRET_CHARS], int64_t *id, verr *e)
{
    int64_t live = 0, person = actor->person_id;
    store_val q[] = {SV_INT(person), SV_INT(now)};
    int rc = store_query_int(db,
                             "SELECT COUNT(*) FROM api_tokens WHERE person_id = ?1 AND "
                             "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?2)",
                             q, 2, &live);
    if (rc < 0)
        return rc;
    if (live >= LIMIT_TOKENS_PER_PERSON)
        return svc_fail(e, SVC_REFUSED, NULL,
                        "at most %d live tokens per person: revoke one on the tokens page",
                        LIMIT_TOKENS_PER_PERSON);
    secret_new(PREFIX, secret);
    char hash[SECRET_HASH_HEX];
    secret_hash(secret, hash);
    store_val p[] = {SV_TEXT(hash), SV_INT(person), SV_TEXT(in->name), SV_INT(now),
                     SV_INT(in->expires_at)};
    store_rows *rows;
    rc = store_query(db,
                     "INSERT INTO api_tokens (token_hash, person_id, name, created_at, expires_at) "
                     "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
                     p, 5, &rows);
    if (rc != STORE_OK)
        return rc;
    rc = store_next(rows);
    *id = rc == 1 ? store_col_int(rows, 0) : 0;
    store_rows_free(rows);
    if (rc != 1)
        return rc < 0 ? rc : STORE_ERROR;
    return svc_audit(db, actor, "token.create", "api_token", *id, NULL);
}

int svc_token_list(store *db, const svc_actor *actor, int64_t now, struct token_info **out,
                   size_t *n)
{
    *out = NULL;
    *n = 0;
    store_rows *rows;
    store_val p[] = {SV_INT(actor->person_id)};
    int rc = store_query(db,
                         "SELECT id, name, created_at, last_used_at, expires_at FROM api_tokens "
                         "WHERE person_id = ?1 AND revoked_at IS NULL ORDER BY id DESC",
                         p, 1, &rows);
    if (rc != STORE_OK)
        return rc;
    size_t cap = 0;
    struct token_info *list = NULL;
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 8;
            list = xrealloc(list, cap * sizeof *list);
        }
        struct token_info *t = &list[(*n)++];
        memset(t, 0, sizeof *t);
        t->id = store_col_int(rows, 0);
        str_fmt(t->name, sizeof t->name, "%s",
                store_col_text(rows, 1) ? store_col_text(rows, 1) : "");
        t->created_at = store_col_int(rows, 2);
        t->last_used_at = store_col_int(rows, 3);
        t->expires_at = store_col_int(rows, 4);
        t->expired = t->expires_at && t->expires_at <= now;
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0) {
        free(list);
        *n = 0;
        return rc;
    }
    *out = list;
    return 0;
}

int svc_token_revoke(store *db, const svc_actor *actor, int64_t id, int64_t now, verr *e)
{
    store_val p[] = {SV_INT(now), SV_INT(id), SV_INT(actor->person_id)};
    int64_t changed = 0;
    int rc = store_exec(db,
                        "UPDATE api_tokens SET revoked_at = ?1 WHERE id = ?2 AND person_id = ?3 "
                        "AND revoked_at IS NULL",
                        p, 3, &changed);
    if (rc != STORE_OK)
        return rc;
    if (!changed)
        return svc_fail(e, SVC_NOT_FOUND, NULL, "no such API token");
    return svc_audit(db, actor, "token.revoke", "api_token", id, NULL);
}

int svc_token_find(store *db, const char *secret, int64_t now, struct svc_identity *out)
{
    memset(out, 0, sizeof *out);
    char hash[SECRET_HASH_HEX];
    secret_hash(secret, hash);
    store_rows *rows = NULL;
    store_val p[] = {SV_TEXT(hash), SV_INT(now)};
    int rc = store_query(db,
                         "SELECT t.person_id, p.site_role, t.id, t.last_used_at, p.email, p.name "
                         "FROM api_tokens t JOIN people p ON p.id = t.person_id "
                         "WHERE t.token_hash = ?1 AND t.revoked_at IS NULL "
                         "AND (t.expires_at IS NULL OR t.expires_at > ?2)",
                         p, 2, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        out->person_id = store_col_int(rows, 0);
        out->site_role = svc_site_role_parse(store_col_text(rows, 1));
        out->token_id = store_col_int(rows, 2);
        out->seen_due = session_seen_due(now, store_col_int(rows, 3));
        str_copy(out->email, sizeof out->email, store_col_text(rows, 4));
        str_copy(out->name, sizeof out->name, store_col_text(rows, 5));
    }
    store_rows_free(rows);
    return rc < 0 ? rc : rc == 1 ? SVC_OK : SVC_NOT_FOUND;
}

int svc_token_touch(store *db, int64_t id, int64_t now)
{
    store_val p[] = {SV_INT(now), SV_INT(id)};
    return store_exec(db, "UPDATE api_tokens SET last_used_at = ?1 WHERE id = ?2", p, 2, NULL);
}
