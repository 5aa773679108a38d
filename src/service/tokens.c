#include "service/tokens.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "service/audit.h"

#define PREFIX "tdm_"
#define HASH_HEX (2 * crypto_hash_sha256_BYTES + 1)

static void hash_of(const char *secret, char out[HASH_HEX])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)secret, strlen(secret));
    sodium_bin2hex(out, HASH_HEX, h, sizeof h);
}

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
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    memcpy(secret, PREFIX, sizeof PREFIX - 1);
    sodium_bin2base64(secret + sizeof PREFIX - 1, TOKENS_SECRET_CHARS - (sizeof PREFIX - 1), raw,
                      sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    char hash[HASH_HEX];
    hash_of(secret, hash);
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

int svc_token_find(store *db, const char *secret, int64_t now, int64_t *person,
                   const char **site_role, int64_t *id, int64_t *last_used_at)
{
    char hash[HASH_HEX];
    hash_of(secret, hash);
    store_rows *rows;
    store_val p[] = {SV_TEXT(hash), SV_INT(now)};
    int rc = store_query(db,
                         "SELECT t.person_id, p.site_role, t.id, t.last_used_at FROM api_tokens t "
                         "JOIN people p ON p.id = t.person_id WHERE t.token_hash = ?1 "
                         "AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?2)",
                         p, 2, &rows);
    if (rc != STORE_OK)
        return rc;
    rc = store_next(rows);
    if (rc == 1) {
        *person = store_col_int(rows, 0);
        const char *role = store_col_text(rows, 1);
        *site_role = str_eq(role, "admin")         ? "admin"
                     : str_eq(role, "coordinator") ? "coordinator"
                                                   : "member";
        *id = store_col_int(rows, 2);
        *last_used_at = store_col_int(rows, 3);
    }
    store_rows_free(rows);
    return rc < 0 ? rc : rc == 1 ? SVC_OK : SVC_NOT_FOUND;
}

int svc_token_touch(store *db, int64_t id, int64_t now)
{
    store_val p[] = {SV_INT(now), SV_INT(id)};
    return store_exec(db, "UPDATE api_tokens SET last_used_at = ?1 WHERE id = ?2", p, 2, NULL);
}
