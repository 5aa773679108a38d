/* test_svc_people.c - service/people.c, service/sessions.c, the outbox as
 * admins read it and the health check, against a real database (SQLite
 * and PostgreSQL). */
#include "svc_fixture.h"

#include "service/outbox.h"
#include "service/people.h"
#include "service/sessions.h"

static void test_people(void **state)
{
    store *db = *state;
    svc_actor admin = {.person_id = fx_person(db, "Admin", 0), .site_role = SITE_ADMIN};
    struct svc_person_new in = {
        .email = "Zoe@Example.org", .name = "Zoe", .site_role = "coordinator"};
    int64_t id;
    verr e = VERR_COLLECT;
    assert_int_equal(svc_person_create(db, &admin, &in, &id, &e), SVC_OK);
    struct svc_person p;
    assert_int_equal(svc_person_get(db, id, &p), SVC_OK);
    assert_string_equal(p.email, "zoe@example.org");
    assert_string_equal(p.site_role, "coordinator");
    assert_int_equal(svc_person_get(db, id + 1000, &p), SVC_NOT_FOUND);
    assert_int_equal(
        fx_count(db,
                 "SELECT COUNT(*) FROM audit_events WHERE action = 'person.create' AND "
                 "entity_id = ?1",
                 id),
        1);
    /* The address is taken; a bad address and an empty name are both named. */
    e = VERR_COLLECT;
    assert_int_equal(svc_person_create(db, &admin, &in, &id, &e), SVC_INVALID);
    assert_string_equal(e.field, "email");
    assert_string_equal(e.msg, "is already taken");
    struct svc_person_new bad = {.email = "not an address", .name = ""};
    e = VERR_COLLECT;
    assert_int_equal(svc_person_create(db, &admin, &bad, &id, &e), SVC_INVALID);
    assert_int_equal(v_count(&e), 2);
    int64_t found;
    assert_int_equal(svc_person_by_email(db, "zoe@example.org", &found), STORE_OK);
    assert_true(found > 0);
    assert_int_equal(svc_person_by_email(db, "nobody@example.org", &found), STORE_OK);
    assert_int_equal(found, 0);
    /* The list: by name, searched in names and addresses. */
    struct svc_person_page page;
    assert_int_equal(svc_person_list(db, "ZO", 10, 0, &page), SVC_OK);
    assert_int_equal(page.total, 1);
    assert_string_equal(page.items[0].name, "Zoe");
    svc_person_page_cleanup(&page);
    assert_int_equal(svc_person_list(db, NULL, 1, 1, &page), SVC_OK);
    assert_int_equal(page.total, 2);
    assert_int_equal(page.n, 1);
    assert_string_equal(page.items[0].name, "Zoe");
    svc_person_page_cleanup(&page);
    svc_person_page_cleanup(NULL);
}

static void test_sessions(void **state)
{
    store *db = *state;
    int64_t person = fx_person(db, "Sam", 0);
    char secret[SECRET_TOKEN_CHARS], csrf[SECRET_TOKEN_CHARS], hash[SECRET_HASH_HEX];
    assert_int_equal(svc_session_open(db, person, 100, 3600, secret, csrf), STORE_OK);
    assert_true(strlen(secret) >= 43 && strlen(csrf) >= 43 && strcmp(secret, csrf) != 0);
    secret_hash(secret, hash);
    store_val q[] = {SV_TEXT(hash)};
    int64_t id = 0;
    assert_int_equal(
        store_query_int(db, "SELECT id FROM sessions WHERE token_hash = ?1", q, 1, &id), 1);
    assert_int_equal(fx_count(db, "SELECT expires_at FROM sessions WHERE id = ?1", id), 3700);
    assert_int_equal(svc_session_seen(db, id, 500), STORE_OK);
    assert_int_equal(fx_count(db, "SELECT last_seen_at FROM sessions WHERE id = ?1", id), 500);
}

static void test_the_outbox_list_and_health(void **state)
{
    store *db = *state;
    assert_int_equal(svc_health(db), STORE_OK);
    assert_int_equal(svc_outbox_add(db, "a@example.org", 0, 0, "k", "One", "Body 1", 1), STORE_OK);
    assert_int_equal(svc_outbox_add(db, "b@example.org", 0, 0, "k", "Two", "Body 2", 2), STORE_OK);
    assert_int_equal(svc_outbox_add(db, "a@example.org", 0, 0, "k", "Three", "Body 3", 3),
                     STORE_OK);
    svc_actor admin = {.person_id = fx_person(db, "Admin", 0), .site_role = SITE_ADMIN};
    struct svc_outbox_filter f = {.to = "a@example.org", .limit = 10};
    struct svc_outbox_page page;
    verr e = {0};
    assert_int_equal(svc_outbox_list(db, &admin, &f, &page, &e), SVC_OK);
    assert_int_equal(page.total, 2);
    assert_string_equal(page.items[0].subject, "Three"); /* newest first */
    assert_null(page.items[0].last_error);
    assert_int_equal(page.items[0].sent_at, 0);
    svc_outbox_page_cleanup(&page);
    f = (struct svc_outbox_filter){.limit = 1};
    assert_int_equal(svc_outbox_list(db, &admin, &f, &page, &e), SVC_OK);
    assert_int_equal(page.total, 3);
    assert_int_equal(page.n, 1);
    svc_outbox_page_cleanup(&page);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_TEST(test_people),
        FX_TEST(test_sessions),
        FX_TEST(test_the_outbox_list_and_health),
    };
    return FX_MAIN("service/people", tests);
}
