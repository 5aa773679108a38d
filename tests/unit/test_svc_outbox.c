/* test_svc_outbox.c - service/outbox.c against a real database (SQLite
 * and PostgreSQL): storing mail from a template, claims and their leases,
 * outcomes, the back-off and dead letters, the admin's list and retry. */
#include "svc_fixture.h"

#include "service/outbox.h"

static const svc_actor admin = {.person_id = 0, .site_role = SITE_ADMIN};

static int64_t stored(store *db, const char *to, int64_t now)
{
    struct mail_value v[] = {
        {"role", "mentor"}, {"days", "30"}, {"link", "https://t/invite/SECRET"}};
    struct svc_mail m = {.kind = "invitation",
                         .to = to,
                         .name = "Ana",
                         .program = "Spring",
                         .values = v,
                         .nvalues = 3};
    verr e = {0};
    assert_int_equal(svc_outbox_mail(db, &m, now, &e), SVC_OK);
    int64_t id = 0;
    store_val p[] = {SV_TEXT(to)};
    assert_int_equal(
        store_query_int(db, "SELECT MAX(id) FROM outbox WHERE to_address = ?1", p, 1, &id), 1);
    return id;
}

static size_t claim(store *db, int64_t due, int64_t now, const char *owner,
                    struct svc_outbox_item *items, size_t max)
{
    size_t n = 0;
    assert_int_equal(store_begin(db), STORE_OK);
    assert_int_equal(svc_outbox_claim(db, due, now, now + 120, owner, items, max, &n), STORE_OK);
    assert_int_equal(store_commit(db), STORE_OK);
    return n;
}

static void release_all(struct svc_outbox_item *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        svc_outbox_item_cleanup(&items[i]);
}

static void test_stored_from_a_template(void **state)
{
    store *db = *state;
    int64_t id = stored(db, "ana@example.org", 100);
    struct svc_outbox_item it[4];
    assert_int_equal(claim(db, 100, 100, "a", it, 4), 1);
    assert_int_equal(it[0].id, id);
    assert_string_equal(it[0].subject, "Invitation: Spring");
    assert_non_null(strstr(it[0].text, "Hello Ana,"));
    assert_non_null(strstr(it[0].html, "<strong>Spring</strong>"));
    assert_null(it[0].unsubscribe); /* an invitation must reach the person */
    release_all(it, 1);
    /* A template that lacks a value stores nothing. */
    struct svc_mail bad = {.kind = "invitation", .to = "x@example.org"};
    verr e = {0};
    assert_int_equal(svc_outbox_mail(db, &bad, 100, &e), SVC_INVALID);
    assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM outbox WHERE id > ?1", id), 0);
}

static void test_a_lease_keeps_others_off_until_it_runs_out(void **state)
{
    store *db = *state;
    for (int i = 0; i < 5; i++)
        stored(db, "many@example.org", 100);
    struct svc_outbox_item a[8], b[8];
    assert_int_equal(claim(db, 100, 100, "a", a, 3), 3);
    /* Another sender gets only the rest, and nothing while the lease holds. */
    assert_int_equal(claim(db, 100, 101, "b", b, 8), 2);
    release_all(b, 2);
    assert_int_equal(claim(db, 100, 150, "c", b, 8), 0);
    /* "a" renews its lease on what is still its own. */
    int64_t ids[3] = {a[0].id, a[1].id, a[2].id};
    size_t n = 3;
    bool ours = false;
    assert_int_equal(svc_outbox_sent(db, a[0].id, "a", 160, &ours), STORE_OK);
    assert_true(ours);
    assert_int_equal(svc_outbox_renew(db, "a", 160, 400, ids, &n), STORE_OK);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], a[1].id);
    /* A lease that ran out is taken by another sender; the old owner's
     * outcome then changes nothing. */
    assert_int_equal(claim(db, 500, 401, "d", b, 8), 4);
    release_all(b, 4);
    assert_int_equal(svc_outbox_sent(db, a[1].id, "a", 402, &ours), STORE_OK);
    assert_false(ours);
    release_all(a, 3);
}

static void test_failures_back_off_then_die(void **state)
{
    store *db = *state;
    int64_t id = stored(db, "flaky@example.org", 100);
    struct svc_outbox_item it[1];
    int64_t t = 100;
    enum mail_next next;
    for (int attempt = 1; attempt <= 3; attempt++) {
        assert_int_equal(claim(db, t, t, "a", it, 1), 1);
        release_all(it, 1);
        assert_int_equal(svc_outbox_failed(db, id, "a", t, "451 later", false, 3, &next), STORE_OK);
        int64_t due = fx_count(db, "SELECT next_attempt_at FROM outbox WHERE id = ?1", id);
        if (attempt < 3) {
            assert_int_equal(next, MAIL_RETRY);
            assert_int_equal(due, t + mail_backoff_s(attempt));
            assert_int_equal(claim(db, due - 1, due - 1, "a", it, 1), 0); /* not before */
            t = due;
        } else {
            assert_int_equal(next, MAIL_DEAD);
        }
    }
    assert_int_equal(fx_count(db, "SELECT attempts FROM outbox WHERE id = ?1", id), 3);
    assert_int_equal(claim(db, t + 10000, t + 10000, "a", it, 1), 0); /* dead: never claimed */
    struct svc_outbox_filter f = {.state = OUTBOX_DEAD, .limit = 10};
    struct svc_outbox_page page;
    verr e = {0};
    assert_int_equal(svc_outbox_list(db, &admin, &f, &page, &e), SVC_OK);
    assert_int_equal(page.n, 1);
    assert_string_equal(page.items[0].last_error, "451 later");
    assert_string_equal(svc_outbox_state_name(page.items[0].state), "dead");
    assert_null(strstr(page.items[0].body, "SECRET")); /* redacted for the admin */
    svc_outbox_page_cleanup(&page);
    /* A permanent refusal dies at once; a retry brings it back. */
    int64_t other = stored(db, "gone@example.org", 100);
    assert_int_equal(claim(db, t, t, "b", it, 1), 1);
    release_all(it, 1);
    assert_int_equal(svc_outbox_failed(db, other, "b", t, "550 no", true, 12, &next), STORE_OK);
    assert_int_equal(next, MAIL_DEAD);
    assert_int_equal(svc_outbox_retry(db, &admin, other, t + 1, NULL, &e), SVC_OK);
    assert_int_equal(claim(db, t + 1, t + 1, "b", it, 1), 1);
    release_all(it, 1);
    bool ours;
    assert_int_equal(svc_outbox_sent(db, other, "b", t + 2, &ours), STORE_OK);
    assert_int_equal(svc_outbox_retry(db, &admin, other, t + 3, NULL, &e), SVC_REFUSED);
    assert_string_equal(e.field, "state");
    const svc_actor member = {.person_id = 1, .site_role = SITE_MEMBER};
    assert_int_equal(svc_outbox_retry(db, &member, id, t, NULL, &e), SVC_NOT_FOUND);
}

static void test_a_server_down_gives_rows_back_untried(void **state)
{
    store *db = *state;
    int64_t id = stored(db, "later@example.org", 100);
    struct svc_outbox_item it[1];
    assert_int_equal(claim(db, 100, 100, "a", it, 1), 1);
    release_all(it, 1);
    assert_int_equal(svc_outbox_release(db, id, "a", 105), STORE_OK);
    assert_int_equal(fx_count(db, "SELECT attempts FROM outbox WHERE id = ?1", id), 0);
    int64_t at = 0;
    assert_int_equal(svc_outbox_next_due(db, &at), STORE_OK);
    assert_int_equal(at, 105);
    assert_int_equal(claim(db, 105, 105, "b", it, 1), 1);
    release_all(it, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_TEST(test_stored_from_a_template),
        FX_TEST(test_a_lease_keeps_others_off_until_it_runs_out),
        FX_TEST(test_failures_back_off_then_die),
        FX_TEST(test_a_server_down_gives_rows_back_untried),
    };
    return FX_MAIN("svc_outbox", tests);
}
