/* invitations.c - accepting an invitation link. */
#include <string.h>

#include "api/handlers.h"
#include "api/identity.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/mem.h"
#include "base/str.h"
#include "domain/password.h"

/* POST /api/v1/invitations/accept {"token", "password", "name"?}
 * Someone invited without an account sets their password; someone with
 * one confirms it. Either way the link is used up and they are signed in. */
int h_invitation_accept(api_ctx *c)
{
    json_t *body;
    if (api_body_object(c, &body))
        return -1;
    static const char *const keys[] = {"token", "password", "name", NULL};
    verr e = {0};
    const char *token, *password, *name;
    int result = -1, rc;
    if (v_known_keys(body, "", keys, &e) ||
        v_string(body, "token", "", true, false, 128, NULL, &token, &e) ||
        v_string(body, "password", "", true, false, LIMIT_PASSWORD_MAX, NULL, &password, &e) ||
        v_string(body, "name", "", false, false, LIMIT_NAME_BYTES, NULL, &name, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    char hash[IDENTITY_HASH_HEX];
    identity_secret_hash(token, hash);
    int64_t now = clock_now();
    store_rows *rows;
    store_val q[] = {SV_TEXT(hash), SV_INT(now)};
    rc = store_query(
        c->db,
        "SELECT i.id, pe.id, pe.email, pe.password_hash, pa.program_id, pa.id FROM invitations i "
        "JOIN participations pa ON pa.id = i.participation_id JOIN people pe ON pe.id = "
        "pa.person_id "
        "WHERE i.token_hash = ?1 AND i.used_at IS NULL AND i.expires_at > ?2",
        q, 2, &rows);
    if (rc != STORE_OK) {
        result = api_store_failed(c, rc);
        goto done;
    }
    if (store_next(rows) != 1) {
        store_rows_free(rows);
        result =
            api_problem(c, 404, "token", "this invitation is not valid: used, expired or mistyped");
        goto done;
    }
    int64_t inv = store_col_int(rows, 0), person = store_col_int(rows, 1);
    int64_t program = store_col_int(rows, 4), part = store_col_int(rows, 5);
    char email[LIMIT_EMAIL_BYTES + 1];
    str_fmt(email, sizeof email, "%s", store_col_text(rows, 2));
    bool has_password = !store_col_null(rows, 3);
    char *stored = has_password ? xstrdup(store_col_text(rows, 3)) : NULL;
    store_rows_free(rows);
    /* Hashing runs with no transaction held; the single-use check below
     * (used_at IS NULL) catches a second acceptance meanwhile. */
    api_end_read(c);
    bool ok = has_password ? identity_password_verify(stored, password) : true;
    free(stored);
    char *ph = NULL;
    const char *why = has_password ? NULL : password_weakness(password, email);
    if (ok && !has_password && !why)
        ph = identity_password_hash(password);
    if (api_begin_write(c)) {
        free(ph);
        goto done;
    }
    if (!ok) {
        free(ph);
        result = api_problem(
            c, 403, "password",
            "password: the invitation is for an existing account, and this is not its password");
        goto done;
    }
    if (!has_password) {
        if (why) {
            result = api_problem(c, 422, "password", "password: %s", why);
            goto done;
        }
        store_val u[] = {SV_INT(person), SV_TEXT(ph), SV_TEXT(name), SV_INT(now)};
        rc = store_exec(
            c->db,
            "UPDATE people SET password_hash = ?2, name = COALESCE(CAST(?3 AS TEXT), name), "
            "updated_at = ?4 WHERE id = ?1",
            u, 4, NULL);
        free(ph);
        if (rc == STORE_OK && name) {
            store_val n[] = {SV_INT(person), SV_TEXT(name)};
            rc = store_exec(c->db, "UPDATE participations SET sort_name = ?2 WHERE person_id = ?1",
                            n, 2, NULL);
        }
        if (rc != STORE_OK) {
            result = api_store_failed(c, rc);
            goto done;
        }
    }
    store_val used[] = {SV_INT(inv), SV_INT(now)};
    int64_t changed = 0;
    rc = store_exec(c->db, "UPDATE invitations SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL",
                    used, 2, &changed);
    if (rc != STORE_OK || changed != 1) {
        result = rc != STORE_OK
                     ? api_store_failed(c, rc)
                     : api_problem(c, 404, "token", "this invitation was used meanwhile");
        goto done;
    }
    /* Sign in: a new session, as POST /session makes one. */
    char secret[IDENTITY_TOKEN_CHARS], shash[IDENTITY_HASH_HEX], csrf[IDENTITY_TOKEN_CHARS];
    identity_new_secret("", secret);
    identity_new_secret("", csrf);
    identity_secret_hash(secret, shash);
    store_val s[] = {SV_TEXT(shash), SV_INT(person), SV_TEXT(csrf), SV_INT(now),
                     SV_INT(now + api_config()->session_absolute_s)};
    if ((rc = store_exec(
             c->db,
             "INSERT INTO sessions (token_hash, person_id, csrf_token, created_at, last_seen_at, "
             "expires_at) VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
             s, 5, NULL)) != STORE_OK) {
        result = api_store_failed(c, rc);
        goto done;
    }
    char cookie[256];
    str_fmt(cookie, sizeof cookie,
            "tandem_session=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%lld%s", secret,
            (long long)api_config()->session_absolute_s,
            api_config()->secure_cookies ? "; Secure" : "");
    http_resp_header(c->resp, "Set-Cookie", cookie);
    c->actor.person_id = person;
    api_audit(c, "invitation.accept", "participation", part, NULL);
    result = api_json(c, 200,
                      json_pack("{s:I, s:I, s:I, s:s}", "person_id", (json_int_t)person,
                                "program_id", (json_int_t)program, "participation_id",
                                (json_int_t)part, "csrf_token", csrf));
done:
    json_decref(body);
    return result;
}
