/* test_api_fail.c - the one mapping of a service status to its reply
 * (api_fail), and the field errors a verr carries into problem+json.
 *
 * The store statuses and the refusals never share a value: a database
 * failure must answer 500 or 503, never a 403, a 409 with an empty field
 * or an empty 422.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "api/api.h"
#include "service/service.h"

struct reply {
    int status;
    json_t *body;
};

/* Runs api_fail on a fresh response and parses what it wrote. */
static struct reply fail_with(int status, const verr *e)
{
    http_resp w;
    http_resp_init(&w);
    api_ctx c = {.resp = &w};
    assert_int_equal(api_fail(&c, status, e), -1);
    struct reply r = {.status = w.status};
    assert_string_equal(w.content_type, "application/problem+json");
    r.body = json_loadb(w.body.data, w.body.len, 0, NULL);
    assert_non_null(r.body);
    assert_int_equal(json_integer_value(json_object_get(r.body, "status")), w.status);
    http_resp_cleanup(&w);
    return r;
}

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void test_statuses_never_collide(void **state)
{
    (void)state;
    /* Every store status is negative, every refusal positive. */
    const int stores[] = {STORE_ERROR, STORE_CONFLICT, STORE_BUSY, STORE_NEWER};
    const int refusals[] = {SVC_INVALID, SVC_REFUSED, SVC_NOT_FOUND, SVC_FORBIDDEN, SVC_STALE};
    for (size_t i = 0; i < sizeof stores / sizeof stores[0]; i++)
        for (size_t k = 0; k < sizeof refusals / sizeof refusals[0]; k++)
            assert_true(stores[i] < 0 && refusals[k] > 0);
    assert_int_equal(SVC_OK, STORE_OK);
}

static void test_refusals_map_to_their_status(void **state)
{
    (void)state;
    verr e = {0};
    struct {
        int svc, http;
    } map[] = {{SVC_INVALID, 422},
               {SVC_REFUSED, 409},
               {SVC_STALE, 409},
               {SVC_FORBIDDEN, 403},
               {SVC_NOT_FOUND, 404}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        svc_fail(&e, map[i].svc, "mentor", "the mentor is at capacity (%d)", 2);
        struct reply r = fail_with(map[i].svc, &e);
        assert_int_equal(r.status, map[i].http);
        assert_string_equal(str(r.body, "field"), "mentor");
        assert_string_equal(str(r.body, "detail"), "mentor: the mentor is at capacity (2)");
        json_decref(r.body);
    }
}

static void test_store_failures_are_never_refusals(void **state)
{
    (void)state;
    /* Whatever the verr holds, a store status answers 500 or 503 without a field. */
    verr e = {0};
    v_fail(&e, "", "reflection", "left over from an earlier check");
    const int stores[] = {STORE_ERROR, STORE_NEWER, -99};
    for (size_t i = 0; i < sizeof stores / sizeof stores[0]; i++) {
        struct reply r = fail_with(stores[i], &e);
        assert_int_equal(r.status, 500);
        assert_null(json_object_get(r.body, "field"));
        assert_null(json_object_get(r.body, "errors"));
        json_decref(r.body);
    }
    struct reply r = fail_with(STORE_BUSY, &e);
    assert_int_equal(r.status, 503);
    json_decref(r.body);
    r = fail_with(STORE_CONFLICT, &e);
    assert_int_equal(r.status, 409);
    assert_null(json_object_get(r.body, "field"));
    json_decref(r.body);
}

static void test_unknown_status_is_a_server_error(void **state)
{
    (void)state;
    struct reply r = fail_with(77, NULL);
    assert_int_equal(r.status, 500);
    json_decref(r.body);
    r = fail_with(SVC_OK, NULL);
    assert_int_equal(r.status, 500);
    json_decref(r.body);
}

static void test_not_found_keeps_one_wording(void **state)
{
    (void)state;
    struct reply r = fail_with(SVC_NOT_FOUND, NULL);
    assert_int_equal(r.status, 404);
    assert_string_equal(str(r.body, "detail"), "no such resource");
    json_decref(r.body);
}

static void test_every_field_error_is_named(void **state)
{
    (void)state;
    verr e = {0};
    v_add(&e, "", "email", "is not a valid e-mail address");
    v_add(&e, "matching", "min_score", "must be between 0 and 1");
    v_add(&e, "", "", "a note about the whole input");
    assert_int_equal(e.n, 3);
    assert_string_equal(e.field, "email"); /* the first stays where callers read it */
    struct reply r = fail_with(SVC_INVALID, &e);
    assert_int_equal(r.status, 422);
    assert_string_equal(str(r.body, "field"), "email");
    assert_string_equal(str(r.body, "detail"), "email: is not a valid e-mail address");
    json_t *errors = json_object_get(r.body, "errors");
    assert_int_equal(json_array_size(errors), 2); /* the unnamed one is in no field */
    assert_string_equal(str(json_array_get(errors, 0), "field"), "email");
    assert_string_equal(str(json_array_get(errors, 0), "message"), "is not a valid e-mail address");
    assert_string_equal(str(json_array_get(errors, 1), "field"), "matching.min_score");
    assert_string_equal(str(json_array_get(errors, 1), "message"), "must be between 0 and 1");
    json_decref(r.body);
}

static void test_v_fail_replaces_the_first(void **state)
{
    (void)state;
    verr e = {0};
    v_fail(&e, "dates", "starts", "must not be empty");
    v_fail(&e, "dates", "starts", "must be a date YYYY-MM-DD");
    assert_int_equal(e.n, 1);
    assert_string_equal(e.msg, "must be a date YYYY-MM-DD");
    for (int i = 0; i < LIMIT_FIELD_ERRORS + 5; i++)
        v_add(&e, "", "x", "more");
    assert_int_equal(e.n, LIMIT_FIELD_ERRORS);
    const char *f, *m;
    assert_true(verr_at(&e, LIMIT_FIELD_ERRORS - 1, &f, &m));
    assert_false(verr_at(&e, LIMIT_FIELD_ERRORS, &f, &m));
}

static void test_problem_names_its_field(void **state)
{
    (void)state;
    http_resp w;
    http_resp_init(&w);
    api_ctx c = {.resp = &w};
    api_problem(&c, 422, "email", "email: is not a valid e-mail address");
    json_t *b = json_loadb(w.body.data, w.body.len, 0, NULL);
    assert_int_equal(w.status, 422);
    json_t *one = json_array_get(json_object_get(b, "errors"), 0);
    assert_string_equal(str(one, "field"), "email");
    assert_string_equal(str(one, "message"), "is not a valid e-mail address");
    json_decref(b);
    http_resp_cleanup(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statuses_never_collide),
        cmocka_unit_test(test_refusals_map_to_their_status),
        cmocka_unit_test(test_store_failures_are_never_refusals),
        cmocka_unit_test(test_unknown_status_is_a_server_error),
        cmocka_unit_test(test_not_found_keeps_one_wording),
        cmocka_unit_test(test_every_field_error_is_named),
        cmocka_unit_test(test_v_fail_replaces_the_first),
        cmocka_unit_test(test_problem_names_its_field),
    };
    return cmocka_run_group_tests_name("api_fail", tests, NULL, NULL);
}
