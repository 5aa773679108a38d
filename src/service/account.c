#include "service/account.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/secret.h"
#include "base/str.h"
#include "domain/mail.h"
#include "domain/signup.h"
#include "service/audit.h"
#include "service/outbox.h"
#include "service/people.h"
#include "service/ratelimit.h"

#define PURPOSE_RESET "password_reset"
#define PURPOSE_SIGNUP "sign_up"

/* The limit of reset and sign-up requests: every request counts (not only
 * failures), in counters of their own. */
static void limits(struct svc_ratelimit_config *cfg)
{
    svc_ratelimit_defaults(cfg);
    cfg->account_attempts = LIMIT_RESET_ADDRESS_ATTEMPTS;
    cfg->address_attempts = LIMIT_RESET_CLIENT_ATTEMPTS;
    cfg->global_attempts = LIMIT_LOGIN_GLOBAL_ATTEMPTS;
    cfg->window_s = LIMIT_RESET_WINDOW_S;
    cfg->lock_s = LIMIT_RESET_LOCK_S;
    cfg->scope = "mail:";
}

/* Checks and counts one request for email from ip: SVC_OK with *mail
 * telling whether the address is under its limit, or SVC_REFUSED with
 * *retry_after for a client over its own; a store status. The request is
 * counted either way but the refused one. */
static int count_request(store *db, const char *email, const char *ip, int64_t now, bool *mail,
                         int64_t *retry_after, verr *e)
{
    struct svc_ratelimit_config cfg;
    limits(&cfg);
    int64_t by_client = 0, by_address = 0;
    *mail = false;
    *retry_after = 0;
    int rc = svc_ratelimit_check_each(db, &cfg, email, ip, now, &by_client, &by_address);
    if (rc < 0)
        return rc;
    if (by_client > 0) {
        *retry_after = by_client;
        return svc_fail(e, SVC_REFUSED, NULL, "too many requests; try again in %lld seconds",
                        (long long)by_client);
    }
    if ((rc = svc_ratelimit_failed(db, &cfg, email, ip, now)) < 0)
        return rc;
    *mail = by_address == 0;
    return SVC_OK;
}

/* A new link for purpose: the secret into token, its hash stored. */
static int new_link(store *db, const char *purpose, int64_t person_id, const char *email,
                    const char *name, const char *password_hash, int64_t now, int64_t expires,
                    char token[SECRET_TOKEN_CHARS])
{
    char hash[SECRET_HASH_HEX];
    secret_new("", token);
    secret_hash(token, hash);
    store_val p[] = {SV_TEXT(hash), SV_TEXT(purpose),       SV_NULL,     SV_TEXT(email),
                     SV_TEXT(name), SV_TEXT(password_hash), SV_INT(now), SV_INT(expires)};
    if (person_id)
        p[2] = (store_val)SV_INT(person_id);
    return store_exec(db,
                      "INSERT INTO account_links (token_hash, purpose, person_id, email, name, "
                      "password_hash, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                      "?8)",
                      p, 8, NULL);
}

/* Every unused link of purpose for email becomes void. */
static int void_links(store *db, const char *purpose, const char *email, int64_t now)
{
    store_val p[] = {SV_TEXT(purpose), SV_TEXT(email), SV_INT(now)};
    return store_exec(db,
                      "UPDATE account_links SET used_at = ?3 WHERE purpose = ?1 AND email = ?2 "
                      "AND used_at IS NULL",
                      p, 3, NULL);
}

/* Mail of kind to an address, as the system; a template refusal is a bug. */
static int mail_to(store *db, const char *kind, const char *to, int64_t person_id, const char *name,
                   const struct mail_value *v, size_t n, int64_t now)
{
    struct svc_mail m = {
        .kind = kind, .to = to, .person_id = person_id, .name = name, .values = v, .nvalues = n};
    verr e = {0};
    int rc = svc_outbox_mail(db, &m, now, &e);
    return rc > 0 ? STORE_ERROR : rc;
}

/* ---- password reset ---- */

int svc_reset_request(store *db, const char *email, const char *ip, int64_t now,
                      int64_t *retry_after, verr *e)
{
    bool mail;
    int rc = count_request(db, email, ip, now, &mail, retry_after, e);
    if (rc != SVC_OK || !mail)
        return rc;
    store_rows *rows = NULL;
    store_val q[] = {SV_TEXT(email)};
    int64_t person = 0;
    char name[LIMIT_NAME_BYTES + 1] = "";
    rc = store_query(db, "SELECT id, name FROM people WHERE email = ?1", q, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        person = store_col_int(rows, 0);
        str_copy(name, sizeof name, store_col_text(rows, 1));
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0 || !person)
        return rc < 0 ? rc : SVC_OK;
    char token[SECRET_TOKEN_CHARS], link[LIMIT_HTTP_URL_BYTES], minutes[24];
    if ((rc = void_links(db, PURPOSE_RESET, email, now)) != STORE_OK ||
        (rc = new_link(db, PURPOSE_RESET, person, email, NULL, NULL, now, now + LIMIT_RESET_LINK_S,
                       token)) != STORE_OK)
        return rc;
    svc_outbox_link(link, sizeof link, "/password-reset/%s", token);
    str_fmt(minutes, sizeof minutes, "%d", LIMIT_RESET_LINK_S / 60);
    struct mail_value v[] = {{"link", link}, {"minutes", minutes}};
    rc = mail_to(db, "password_reset", email, person, name, v, 2, now);
    svc_actor who = {.person_id = person};
    return rc != STORE_OK ? rc
                          : svc_audit(db, &who, "password.reset_asked", "person", person, NULL);
}

int svc_reset_find(store *db, const char *token, int64_t now, struct svc_reset *out, verr *e)
{
    memset(out, 0, sizeof *out);
    char hash[SECRET_HASH_HEX];
    secret_hash(token ? token : "", hash);
    store_rows *rows = NULL;
    store_val q[] = {SV_TEXT(hash), SV_INT(now), SV_TEXT(PURPOSE_RESET)};
    int rc = store_query(db,
                         "SELECT l.id, l.person_id, pe.email FROM account_links l JOIN people pe "
                         "ON pe.id = l.person_id WHERE l.token_hash = ?1 AND l.purpose = ?3 AND "
                         "l.used_at IS NULL AND l.expires_at > ?2 AND pe.email = l.email",
                         q, 3, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        out->id = store_col_int(rows, 0);
        out->person_id = store_col_int(rows, 1);
        str_copy(out->email, sizeof out->email, store_col_text(rows, 2));
        rc = SVC_OK;
    } else if (rc == 0) {
        rc = svc_fail(e, SVC_NOT_FOUND, "token",
                      "this reset link is not valid: used, expired or mistyped");
    }
    store_rows_free(rows);
    return rc;
}

/* Marks link id used: SVC_OK, or SVC_NOT_FOUND when it was used or expired
 * meanwhile. */
static int use_link(store *db, int64_t id, int64_t now, const char *what, verr *e)
{
    store_val p[] = {SV_INT(id), SV_INT(now)};
    int64_t changed = 0;
    int rc = store_exec(db,
                        "UPDATE account_links SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL "
                        "AND expires_at > ?2",
                        p, 2, &changed);
    if (rc != STORE_OK)
        return rc;
    return changed == 1
               ? SVC_OK
               : svc_fail(e, SVC_NOT_FOUND, "token", "this %s link was used meanwhile", what);
}

int svc_reset_complete(store *db, const struct svc_reset *r, const char *password_hash, int64_t now,
                       verr *e)
{
    int rc = use_link(db, r->id, now, "reset", e);
    if (rc != SVC_OK)
        return rc;
    store_val pw[] = {SV_INT(r->person_id), SV_TEXT(password_hash), SV_INT(now)};
    store_val who[] = {SV_INT(r->person_id), SV_INT(now)};
    if ((rc = store_exec(db, "UPDATE people SET password_hash = ?2, updated_at = ?3 WHERE id = ?1",
                         pw, 3, NULL)) != STORE_OK ||
        (rc = store_exec(db, "DELETE FROM sessions WHERE person_id = ?1", who, 1, NULL)) !=
            STORE_OK ||
        (rc = store_exec(db,
                         "UPDATE api_tokens SET revoked_at = ?2 WHERE person_id = ?1 AND "
                         "revoked_at IS NULL",
                         who, 2, NULL)) != STORE_OK ||
        (rc = void_links(db, PURPOSE_RESET, r->email, now)) != STORE_OK ||
        (rc = svc_ratelimit_succeeded(db, NULL, r->email, now)) != STORE_OK)
        return rc;
    char link[LIMIT_HTTP_URL_BYTES];
    svc_outbox_link(link, sizeof link, "/password-reset");
    struct mail_value v[] = {{"link", link}};
    struct svc_person p;
    if ((rc = svc_person_get(db, r->person_id, &p)) != SVC_OK)
        return rc == SVC_NOT_FOUND ? STORE_ERROR : rc;
    if ((rc = mail_to(db, "password_changed", r->email, r->person_id, p.name, v, 1, now)) !=
        STORE_OK)
        return rc;
    svc_actor actor = {.person_id = r->person_id};
    return svc_audit(db, &actor, "password.reset", "person", r->person_id, NULL);
}

/* ---- self sign-up ---- */

int svc_signup_settings_get(store *db, struct svc_signup_settings *out)
{
    memset(out, 0, sizeof *out);
    store_rows *rows = NULL;
    int rc =
        store_query(db, "SELECT enabled, domains, updated_at FROM signup_settings WHERE id = 1",
                    NULL, 0, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        out->enabled = store_col_int(rows, 0) != 0;
        out->updated_at = store_col_int(rows, 2);
        json_t *list = json_loads(store_col_text(rows, 1), 0, NULL);
        size_t i;
        json_t *d;
        json_array_foreach(list, i, d)
        {
            if (out->n < LIMIT_SIGNUP_DOMAINS && json_is_string(d))
                str_copy(out->domains[out->n++], sizeof out->domains[0], json_string_value(d));
        }
        json_decref(list);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

int svc_signup_settings_set(store *db, const svc_actor *actor, const struct svc_signup_settings *in,
                            verr *e)
{
    if (actor->site_role != SITE_ADMIN)
        return svc_fail(e, SVC_FORBIDDEN, NULL, "only an administrator sets self sign-up");
    json_t *list = json_array();
    for (size_t i = 0; i < in->n && i < LIMIT_SIGNUP_DOMAINS; i++) {
        const char *why = signup_domain_problem(in->domains[i]);
        if (why) {
            char field[32];
            str_fmt(field, sizeof field, "domains[%zu]", i);
            v_add(e, "", field, "%s", why);
            continue;
        }
        bool seen = false;
        for (size_t k = 0; k < json_array_size(list); k++)
            seen = seen || str_eq(json_string_value(json_array_get(list, k)), in->domains[i]);
        if (!seen)
            json_array_append_new(list, json_string(in->domains[i]));
    }
    if (!v_failed(e) && in->enabled && json_array_size(list) == 0)
        v_fail(e, "", "domains", "name at least one domain to open sign-up to");
    if (v_failed(e)) {
        json_decref(list);
        return SVC_INVALID;
    }
    char *text = json_dumps(list, JSON_COMPACT);
    json_decref(list);
    int64_t now = clock_now();
    store_val p[] = {SV_INT(in->enabled ? 1 : 0), SV_TEXT(text), SV_INT(now),
                     SV_INT(actor->person_id)};
    int rc = store_exec(db,
                        "INSERT INTO signup_settings (id, enabled, domains, updated_at, "
                        "updated_by) VALUES (1, ?1, ?2, ?3, ?4) ON CONFLICT (id) DO UPDATE SET "
                        "enabled = excluded.enabled, domains = excluded.domains, updated_at = "
                        "excluded.updated_at, updated_by = excluded.updated_by",
                        p, 4, NULL);
    free(text);
    return rc != STORE_OK ? rc : svc_audit(db, actor, "signup.settings", "site", 1, NULL);
}

int svc_signup_allowed(const struct svc_signup_settings *s, const char *email, verr *e)
{
    if (!s->enabled)
        return svc_fail(e, SVC_REFUSED, NULL,
                        "self sign-up is not open on this server: ask a coordinator for an "
                        "invitation");
    if (!email || !str_email_valid(email))
        return svc_fail(e, SVC_INVALID, "email", "is not a valid e-mail address");
    const char *list[LIMIT_SIGNUP_DOMAINS];
    for (size_t i = 0; i < s->n; i++)
        list[i] = s->domains[i];
    if (!signup_email_allowed(email, list, s->n))
        return svc_fail(e, SVC_INVALID, "email",
                        "sign-up is open only to addresses of the organisation's domains");
    return SVC_OK;
}

int svc_signup_request(store *db, const char *email, const char *name, const char *password_hash,
                       const char *ip, int64_t now, int64_t *retry_after, verr *e)
{
    bool mail;
    int rc = count_request(db, email, ip, now, &mail, retry_after, e);
    if (rc != SVC_OK || !mail)
        return rc;
    int64_t person = 0;
    if ((rc = svc_person_by_email(db, email, &person)) != STORE_OK)
        return rc;
    char link[LIMIT_HTTP_URL_BYTES];
    if (person) {
        /* Someone has the address: tell its owner, not the asker. */
        char signin[LIMIT_HTTP_URL_BYTES];
        svc_outbox_link(signin, sizeof signin, "/signin");
        svc_outbox_link(link, sizeof link, "/password-reset");
        struct mail_value v[] = {{"signin", signin}, {"link", link}};
        struct svc_person p;
        if ((rc = svc_person_get(db, person, &p)) != SVC_OK)
            return rc == SVC_NOT_FOUND ? STORE_ERROR : rc;
        return mail_to(db, "sign_up_exists", email, person, p.name, v, 2, now);
    }
    char token[SECRET_TOKEN_CHARS], days[24];
    if ((rc = void_links(db, PURPOSE_SIGNUP, email, now)) != STORE_OK ||
        (rc = new_link(db, PURPOSE_SIGNUP, 0, email, name, password_hash, now,
                       now + LIMIT_SIGNUP_LINK_S, token)) != STORE_OK)
        return rc;
    svc_outbox_link(link, sizeof link, "/sign-up/verify/%s", token);
    str_fmt(days, sizeof days, "%d", LIMIT_SIGNUP_LINK_S / 86400);
    struct mail_value v[] = {{"link", link}, {"days", days}};
    return mail_to(db, "sign_up_verify", email, 0, name, v, 2, now);
}

int svc_signup_verify(store *db, const char *token, int64_t now, int64_t *person_id, verr *e)
{
    *person_id = 0;
    char hash[SECRET_HASH_HEX];
    secret_hash(token ? token : "", hash);
    store_rows *rows = NULL;
    store_val q[] = {SV_TEXT(hash), SV_INT(now), SV_TEXT(PURPOSE_SIGNUP)};
    int64_t id = 0;
    char email[LIMIT_EMAIL_BYTES + 1] = "", name[LIMIT_NAME_BYTES + 1] = "";
    char *pw = NULL;
    int rc = store_query(db,
                         "SELECT id, email, name, password_hash FROM account_links WHERE "
                         "token_hash = ?1 AND purpose = ?3 AND used_at IS NULL AND expires_at > ?2",
                         q, 3, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        id = store_col_int(rows, 0);
        str_copy(email, sizeof email, store_col_text(rows, 1));
        str_copy(name, sizeof name, store_col_text(rows, 2) ? store_col_text(rows, 2) : "");
        pw = store_col_null(rows, 3) ? NULL : xstrdup(store_col_text(rows, 3));
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0)
        goto done;
    if (!id) {
        rc = svc_fail(e, SVC_NOT_FOUND, "token",
                      "this confirmation link is not valid: used, expired or mistyped");
        goto done;
    }
    if ((rc = use_link(db, id, now, "confirmation", e)) != SVC_OK ||
        (rc = void_links(db, PURPOSE_SIGNUP, email, now)) != STORE_OK)
        goto done;
    int64_t person = 0;
    if ((rc = svc_person_by_email(db, email, &person)) != STORE_OK)
        goto done;
    const svc_actor system = {0};
    if (!person) {
        struct svc_person_new in = {.email = email, .name = name, .password_hash = pw};
        if ((rc = svc_person_create(db, &system, &in, &person, e)) != SVC_OK)
            goto done;
    } else {
        /* An account was made for the address meanwhile (an invitation):
         * the link proves the address, so it sets a password the account
         * lacks, and never replaces one. */
        store_val u[] = {SV_INT(person), SV_TEXT(pw), SV_INT(now)};
        int64_t changed = 0;
        if ((rc = store_exec(db,
                             "UPDATE people SET password_hash = ?2, updated_at = ?3 WHERE id = ?1 "
                             "AND password_hash IS NULL",
                             u, 3, &changed)) != STORE_OK)
            goto done;
        if (changed != 1) {
            rc = svc_fail(e, SVC_REFUSED, "token",
                          "this address has an account already: sign in, or reset its password");
            goto done;
        }
    }
    svc_actor who = {.person_id = person};
    if ((rc = svc_audit(db, &who, "signup.verify", "person", person, NULL)) == STORE_OK)
        *person_id = person;
done:
    if (pw) {
        memset(pw, 0, strlen(pw));
        free(pw);
    }
    return rc;
}
