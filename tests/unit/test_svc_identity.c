/* test_svc_identity.c - who is asking: accounts, signing in, sessions and
 * API tokens (service/identity.h, sessions.h, tokens.h), on a real
 * database, SQLite and PostgreSQL.
 *
 * Times are passed in, so expiry shows without waiting. Where it matters
 * that several servers share one database, the change is made through one
 * connection and the check through another: a session ended or a token
 * revoked through one is refused by the next look-up through the other. */
#include "svc_fixture.h"

#include <sodium.h>

#include "base/limits.h"
#include "service/identity.h"
#include "service/sessions.h"
#include "service/tokens.h"

#define T0 2000000000 /* "now" at the start of every test */
#define IDLE 7200
#define LIFE (7 * 86400)

static int64_t account(store *db, const char *email, const char *password, enum site_role role)
{
    int64_t id = 0;
    verr e = {0};
    if (svc_identity_create_person(db, email, "Ada Lovelace", password, role, &id, &e) != SVC_OK)
        fail_msg("account %s: %s %s", email, e.field, e.msg);
    return id;
}

/* ---- accounts ---- */

static void test_create_person_checks_every_input(void **state)
{
    store *db = *state;
    int64_t id = 0;
    verr e = {0};
    assert_int_equal(
        svc_identity_create_person(db, "not an address", "A", NULL, SITE_MEMBER, &id, &e),
        SVC_INVALID);
    assert_string_equal(e.field, "email");
    e = (verr){0};
    assert_int_equal(
        svc_identity_create_person(db, "a@example.org", "", NULL, SITE_MEMBER, &id, &e),
        SVC_INVALID);
    assert_string_equal(e.field, "name");
    e = (verr){0};
    assert_int_equal(
        svc_identity_create_person(db, "a@example.org", "A", "short", SITE_MEMBER, &id, &e),
        SVC_INVALID);
    assert_string_equal(e.field, "password");
    assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM people WHERE id > ?1", 0), 0);

    int64_t ada = account(db, "Ada@Example.org", NULL, SITE_COORDINATOR);
    struct svc_identity p;
    assert_int_equal(svc_identity_person(db, ada, &p), SVC_OK);
    assert_string_equal(p.email, "ada@example.org"); /* lower-cased */
    assert_string_equal(p.name, "Ada Lovelace");
    assert_int_equal(p.site_role, SITE_COORDINATOR);
    assert_int_equal(p.session_id, 0);
    assert_int_equal(p.token_id, 0);

    e = (verr){0};
    assert_int_equal(
        svc_identity_create_person(db, "ADA@example.org", "B", NULL, SITE_MEMBER, &id, &e),
        SVC_INVALID);
    assert_string_equal(e.field, "email");
    assert_string_equal(e.msg, "is already taken");
    assert_int_equal(svc_identity_person(db, ada + 1, &p), SVC_NOT_FOUND);
}

static void test_memberships_by_program_name_then_role(void **state)
{
    store *db = *state;
    int64_t admin = fx_person(db, "Admin", 0), ada = fx_person(db, "Ada", 0);
    int64_t zeta = fx_program(db, admin, "{}");
    int64_t alpha = fx_program(db, admin, "{}");
    store_val n[] = {SV_TEXT("Zeta"), SV_INT(zeta), SV_TEXT("Alpha"), SV_INT(alpha)};
    assert_int_equal(store_exec(db, "UPDATE programs SET name = ?1 WHERE id = ?2", n, 2, NULL), 0);
    assert_int_equal(store_exec(db, "UPDATE programs SET name = ?1 WHERE id = ?2", n + 2, 2, NULL),
                     0);
    int64_t z = fx_part(db, zeta, ada, "mentor", STAGE_APPROVED, 2, 0, false);
    int64_t am = fx_part(db, alpha, ada, "mentor", STAGE_APPLIED, 1, 0, false);
    int64_t ae = fx_part(db, alpha, ada, "mentee", STAGE_APPROVED, 0, 1, false);

    struct svc_memberships m;
    assert_int_equal(svc_identity_memberships(db, ada, &m), SVC_OK);
    assert_int_equal(m.n, 3);
    assert_int_equal(m.items[0].id, ae);
    assert_string_equal(m.items[0].program_name, "Alpha");
    assert_string_equal(m.items[0].role, "mentee");
    assert_string_equal(m.items[0].status, "approved");
    assert_int_equal(m.items[0].program_id, alpha);
    assert_int_equal(m.items[1].id, am);
    assert_string_equal(m.items[1].status, "applied");
    assert_int_equal(m.items[2].id, z);
    assert_string_equal(m.items[2].program_name, "Zeta");
    svc_memberships_cleanup(&m);
    svc_memberships_cleanup(&m); /* twice is harmless */

    assert_int_equal(svc_identity_memberships(db, fx_person(db, "Nobody", 0), &m), SVC_OK);
    assert_int_equal(m.n, 0);
    svc_memberships_cleanup(&m);
}

/* ---- signing in ---- */

static void test_sign_in_steps(void **state)
{
    store *db = *state;
    int64_t ada = account(db, "ada@example.org", "a long enough password", SITE_MEMBER);
    struct svc_signin s;
    verr e = {0};
    assert_int_equal(svc_signin_start(db, "ada@example.org", "192.0.2.1", T0, &s, &e), SVC_OK);
    assert_int_equal(s.person_id, ada);
    assert_non_null(s.password_hash);
    assert_true(svc_signin_check(&s, "a long enough password"));
    assert_false(svc_signin_check(&s, "a long enough passworD"));
    svc_signin_cleanup(&s);
    assert_null(s.password_hash);

    /* No such account: nothing found, and the check fails as slowly. */
    assert_int_equal(svc_signin_start(db, "eve@example.org", "192.0.2.1", T0, &s, &e), SVC_OK);
    assert_int_equal(s.person_id, 0);
    assert_false(svc_signin_check(&s, "a long enough password"));
    svc_signin_cleanup(&s);

    /* An invited person without a password cannot sign in with any. */
    int64_t bob = account(db, "bob@example.org", NULL, SITE_MEMBER);
    assert_int_equal(svc_signin_start(db, "bob@example.org", "192.0.2.1", T0, &s, &e), SVC_OK);
    assert_int_equal(s.person_id, bob);
    assert_null(s.password_hash);
    assert_false(svc_signin_check(&s, ""));
    svc_signin_cleanup(&s);
}

static void test_sign_in_limit_refuses_before_reading_the_account(void **state)
{
    store *db = *state;
    account(db, "ada@example.org", NULL, SITE_MEMBER);
    for (int i = 0; i < LIMIT_LOGIN_ATTEMPTS; i++)
        assert_int_equal(svc_signin_finish(db, "ada@example.org", "192.0.2.1", false, T0 + i), 0);
    struct svc_signin s;
    verr e = {0};
    assert_int_equal(svc_signin_start(db, "ada@example.org", "198.51.100.7", T0 + 20, &s, &e),
                     SVC_REFUSED);
    assert_true(s.retry_after > 0 && s.retry_after <= LIMIT_LOGIN_LOCK_S);
    assert_int_equal(s.person_id, 0);
    assert_non_null(strstr(e.msg, "too many failed sign-ins"));
    svc_signin_cleanup(&s);
    /* Another account from the same address may still try. */
    e = (verr){0};
    assert_int_equal(svc_signin_start(db, "bob@example.org", "192.0.2.1", T0 + 20, &s, &e), SVC_OK);
    svc_signin_cleanup(&s);
    /* After the lock the account may try again; a success clears its count. */
    int64_t later = T0 + LIMIT_LOGIN_LOCK_S + LIMIT_LOGIN_WINDOW_S + 20;
    assert_int_equal(svc_signin_start(db, "ada@example.org", "192.0.2.1", later, &s, &e), SVC_OK);
    svc_signin_cleanup(&s);
    assert_int_equal(svc_signin_finish(db, "ada@example.org", "192.0.2.1", true, later), 0);
}

/* ---- sessions ---- */

static void test_session_found_with_its_person_in_one_read(void **state)
{
    store *db = *state;
    int64_t ada = account(db, "ada@example.org", NULL, SITE_ADMIN);
    char secret[SECRET_TOKEN_CHARS], csrf[SECRET_TOKEN_CHARS];
    assert_int_equal(svc_session_open(db, ada, T0, LIFE, secret, csrf), 0);
    struct svc_identity id;
    assert_int_equal(svc_session_find(db, secret, T0 + 1, IDLE, &id), SVC_OK);
    assert_int_equal(id.person_id, ada);
    assert_int_equal(id.site_role, SITE_ADMIN);
    assert_string_equal(id.email, "ada@example.org");
    assert_string_equal(id.name, "Ada Lovelace");
    assert_string_equal(id.csrf_token, csrf);
    assert_true(id.session_id > 0);
    assert_int_equal(id.token_id, 0);
    assert_false(id.seen_due);
    /* Only the hash is stored. */
    assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM sessions WHERE person_id = ?1", ada), 1);
    store_val p[] = {SV_TEXT(secret)};
    int64_t n = -1;
    assert_int_equal(
        store_query_int(db, "SELECT COUNT(*) FROM sessions WHERE token_hash = ?1", p, 1, &n), 1);
    assert_int_equal(n, 0);
    /* A secret nobody holds, and one a character off. */
    assert_int_equal(svc_session_find(db, "nothing", T0, IDLE, &id), SVC_NOT_FOUND);
    secret[3] = secret[3] == 'A' ? 'B' : 'A';
    assert_int_equal(svc_session_find(db, secret, T0, IDLE, &id), SVC_NOT_FOUND);
    assert_int_equal(id.person_id, 0);
}

static void test_session_idle_and_absolute_expiry(void **state)
{
    store *db = *state;
    int64_t ada = account(db, "ada@example.org", NULL, SITE_MEMBER);
    char secret[SECRET_TOKEN_CHARS], csrf[SECRET_TOKEN_CHARS];
    assert_int_equal(svc_session_open(db, ada, T0, 3 * IDLE, secret, csrf), 0);
    struct svc_identity id;
    assert_int_equal(svc_session_find(db, secret, T0 + IDLE - 1, IDLE, &id), SVC_OK);
    assert_true(id.seen_due);
    int64_t sid = id.session_id;
    assert_int_equal(svc_session_find(db, secret, T0 + IDLE, IDLE, &id), SVC_NOT_FOUND);
    /* A recorded use moves the idle end on... */
    assert_int_equal(svc_session_seen(db, sid, T0 + IDLE - 1), 0);
    assert_int_equal(svc_session_find(db, secret, T0 + IDLE, IDLE, &id), SVC_OK);
    assert_false(id.seen_due);
    assert_int_equal(svc_session_seen(db, id.session_id, T0 + 2 * IDLE), 0);
    assert_int_equal(svc_session_seen(db, id.session_id, T0 + 3 * IDLE - 10), 0);
    assert_int_equal(svc_session_find(db, secret, T0 + 3 * IDLE - 1, IDLE, &id), SVC_OK);
    /* ... but never past the absolute end. */
    assert_int_equal(svc_session_find(db, secret, T0 + 3 * IDLE, IDLE, &id), SVC_NOT_FOUND);
}

static void test_sign_in_again_ends_the_old_session(void **state)
{
    store *db = *state;
    int64_t ada = account(db, "ada@example.org", NULL, SITE_MEMBER);
    int64_t eve = account(db, "eve@example.org", NULL, SITE_MEMBER);
    char s1[SECRET_TOKEN_CHARS], c1[SECRET_TOKEN_CHARS], s2[SECRET_TOKEN_CHARS],
        c2[SECRET_TOKEN_CHARS];
    char other[SECRET_TOKEN_CHARS], oc[SECRET_TOKEN_CHARS];
    assert_int_equal(svc_session_open(db, ada, T0, LIFE, s1, c1), 0);
    assert_int_equal(svc_session_open(db, ada, T0, LIFE, other, oc), 0);
    /* A cookie planted in the browser (even someone else's) ends. */
    assert_int_equal(svc_session_sign_in(db, eve, s1, T0 + 5, LIFE, s2, c2), 0);
    struct svc_identity id;
    assert_int_equal(svc_session_find(db, s1, T0 + 6, IDLE, &id), SVC_NOT_FOUND);
    assert_int_equal(svc_session_find(db, s2, T0 + 6, IDLE, &id), SVC_OK);
    assert_int_equal(id.person_id, eve);
    assert_string_not_equal(s2, s1);
    assert_string_not_equal(c2, c1);
    /* Ada's other browser is left alone. */
    assert_int_equal(svc_session_find(db, other, T0 + 6, IDLE, &id), SVC_OK);
    /* No cookie at all: just a new session. */
    assert_int_equal(svc_session_sign_in(db, eve, NULL, T0 + 7, LIFE, s1, c1), 0);
    assert_int_equal(svc_session_sign_in(db, eve, "", T0 + 7, LIFE, s1, c1), 0);
    assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM sessions WHERE person_id = ?1", eve), 3);
}

static void test_signed_out_on_one_server_is_out_on_all(void **state)
{
    store *a = *state;
    store *b = fx_open(); /* another server on the same database */
    int64_t ada = account(a, "ada@example.org", NULL, SITE_MEMBER);
    char secret[SECRET_TOKEN_CHARS], csrf[SECRET_TOKEN_CHARS];
    assert_int_equal(svc_session_open(a, ada, T0, LIFE, secret, csrf), 0);
    struct svc_identity id;
    assert_int_equal(svc_session_find(b, secret, T0 + 1, IDLE, &id), SVC_OK);
    assert_int_equal(svc_session_end(a, id.session_id), 0);
    assert_int_equal(svc_session_find(b, secret, T0 + 2, IDLE, &id), SVC_NOT_FOUND);
    assert_int_equal(svc_session_find(a, secret, T0 + 2, IDLE, &id), SVC_NOT_FOUND);
    assert_int_equal(svc_session_end(a, 12345), 0); /* gone already: no error */
    store_free(b);
}

/* ---- API tokens ---- */

static void test_token_found_with_its_person(void **state)
{
    store *db = *state;
    int64_t ada = account(db, "ada@example.org", NULL, SITE_COORDINATOR);
    svc_actor actor = {.person_id = ada, .site_role = SITE_COORDINATOR};
    char token[TOKENS_SECRET_CHARS];
    int64_t tid = 0;
    verr e = {0};
    struct svc_token_input in = {.name = "ci", .expires_at = T0 + 86400};
    assert_int_equal(svc_token_create(db, &actor, &in, T0, token, &tid, &e), SVC_OK);
    assert_int_equal(strncmp(token, "tdm_", 4), 0);
    assert_int_equal(strlen(token), 4 + 43);
    struct svc_identity id;
    assert_int_equal(svc_token_find(db, token, T0 + 1, &id), SVC_OK);
    assert_int_equal(id.person_id, ada);
    assert_int_equal(id.site_role, SITE_COORDINATOR);
    assert_int_equal(id.token_id, tid);
    assert_int_equal(id.session_id, 0);
    assert_string_equal(id.csrf_token, "");
    assert_string_equal(id.email, "ada@example.org");
    assert_string_equal(id.name, "Ada Lovelace");
    assert_true(id.seen_due); /* never used */
    assert_int_equal(svc_token_touch(db, tid, T0 + 1), 0);
    assert_int_equal(svc_token_find(db, token, T0 + LIMIT_SEEN_EVERY_S, &id), SVC_OK);
    assert_false(id.seen_due);
    assert_int_equal(svc_token_find(db, token, T0 + 1 + LIMIT_SEEN_EVERY_S, &id), SVC_OK);
    assert_true(id.seen_due);
    /* The audit record says who made it. */
    assert_int_equal(fx_count(db,
                              "SELECT COUNT(*) FROM audit_events WHERE action = 'token.create' AND "
                              "entity_id = ?1",
                              tid),
                     1);
    assert_int_equal(svc_token_find(db, "tdm_nothing", T0, &id), SVC_NOT_FOUND);
}

static void test_token_expiry(void **state)
{
    store *db = *state;
    int64_t ada = account(db, "ada@example.org", NULL, SITE_MEMBER);
    svc_actor actor = {.person_id = ada};
    char token[TOKENS_SECRET_CHARS];
    int64_t tid = 0;
    verr e = {0};
    struct svc_token_input in = {.name = "short", .expires_at = T0 + 100};
    assert_int_equal(svc_token_create(db, &actor, &in, T0, token, &tid, &e), SVC_OK);
    struct svc_identity id;
    assert_int_equal(svc_token_find(db, token, T0 + 99, &id), SVC_OK);
    assert_int_equal(svc_token_find(db, token, T0 + 100, &id), SVC_NOT_FOUND);
    /* Listed, marked expired; it no longer counts against the limit. */
    struct token_info *list;
    size_t n;
    assert_int_equal(svc_token_list(db, &actor, T0 + 100, &list, &n), 0);
    assert_int_equal(n, 1);
    assert_true(list[0].expired);
    assert_string_equal(list[0].name, "short");
    free(list);
}

static void test_token_limit_counts_live_tokens_only(void **state)
{
    store *db = *state;
    int64_t ada = account(db, "ada@example.org", NULL, SITE_MEMBER);
    svc_actor actor = {.person_id = ada};
    char token[TOKENS_SECRET_CHARS];
    int64_t tid = 0;
    verr e = {0};
    struct svc_token_input soon = {.name = "soon", .expires_at = T0 + 10};
    struct svc_token_input later = {.name = "later", .expires_at = T0 + 86400};
    for (int i = 0; i < LIMIT_TOKENS_PER_PERSON; i++)
        assert_int_equal(svc_token_create(db, &actor, i ? &later : &soon, T0, token, &tid, &e),
                         SVC_OK);
    assert_int_equal(svc_token_create(db, &actor, &later, T0, token, &tid, &e), SVC_REFUSED);
    assert_non_null(strstr(e.msg, "live tokens"));
    /* Once the first has expired there is room again. */
    e = (verr){0};
    assert_int_equal(svc_token_create(db, &actor, &later, T0 + 10, token, &tid, &e), SVC_OK);
}

static void test_revoked_on_one_server_is_refused_by_the_next_request_on_another(void **state)
{
    store *a = *state;
    store *b = fx_open(); /* another server on the same database */
    int64_t ada = account(a, "ada@example.org", NULL, SITE_MEMBER);
    int64_t eve = account(a, "eve@example.org", NULL, SITE_MEMBER);
    svc_actor actor = {.person_id = ada}, other = {.person_id = eve};
    char token[TOKENS_SECRET_CHARS];
    int64_t tid = 0;
    verr e = {0};
    struct svc_token_input in = {.name = "ci", .expires_at = T0 + 86400};
    assert_int_equal(svc_token_create(a, &actor, &in, T0, token, &tid, &e), SVC_OK);
    struct svc_identity id;
    assert_int_equal(svc_token_find(b, token, T0 + 1, &id), SVC_OK);
    /* Only its owner may revoke it. */
    assert_int_equal(svc_token_revoke(a, &other, tid, T0 + 2, &e), SVC_NOT_FOUND);
    assert_int_equal(svc_token_find(b, token, T0 + 2, &id), SVC_OK);
    assert_int_equal(svc_token_revoke(a, &actor, tid, T0 + 2, &e), SVC_OK);
    assert_int_equal(svc_token_find(b, token, T0 + 3, &id), SVC_NOT_FOUND);
    assert_int_equal(svc_token_find(a, token, T0 + 3, &id), SVC_NOT_FOUND);
    e = (verr){0};
    assert_int_equal(svc_token_revoke(a, &actor, tid, T0 + 4, &e), SVC_NOT_FOUND);
    /* A person whose site role changes is seen with the new one at once. */
    struct svc_token_input in2 = {.name = "two", .expires_at = T0 + 86400};
    assert_int_equal(svc_token_create(a, &actor, &in2, T0, token, &tid, &e), SVC_OK);
    assert_int_equal(store_exec(a, "UPDATE people SET site_role = 'admin' WHERE id = ?1",
                                (store_val[]){SV_INT(ada)}, 1, NULL),
                     0);
    assert_int_equal(svc_token_find(b, token, T0 + 5, &id), SVC_OK);
    assert_int_equal(id.site_role, SITE_ADMIN);
    store_free(b);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        FX_TEST(test_create_person_checks_every_input),
        FX_TEST(test_memberships_by_program_name_then_role),
        FX_TEST(test_sign_in_steps),
        FX_TEST(test_sign_in_limit_refuses_before_reading_the_account),
        FX_TEST(test_session_found_with_its_person_in_one_read),
        FX_TEST(test_session_idle_and_absolute_expiry),
        FX_TEST(test_sign_in_again_ends_the_old_session),
        FX_TEST(test_signed_out_on_one_server_is_out_on_all),
        FX_TEST(test_token_found_with_its_person),
        FX_TEST(test_token_expiry),
        FX_TEST(test_token_limit_counts_live_tokens_only),
        FX_TEST(test_revoked_on_one_server_is_refused_by_the_next_request_on_another),
    };
    return FX_MAIN("identity", tests);
}
