/* test_body_readers.c - the small request-body readers of domain/: a
 * relationship made by hand, an API token, a coordinator's note, nudge
 * and follow-ups, a health check's envelope and share flag, an
 * agreement's edit envelope and signature, a resource's hidden flag, a
 * survey's create, PATCH and response envelopes, a training completion,
 * the sign-up settings and a program body's top-level fields. Each names
 * every bad field, in the order the body's checks run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <string.h>

#include "base/limits.h"
#include "base/str.h"
#include "domain/agreement.h"
#include "domain/health.h"
#include "domain/program.h"
#include "domain/relationship.h"
#include "domain/resource.h"
#include "domain/risk.h"
#include "domain/session.h"
#include "domain/signup.h"
#include "domain/survey.h"
#include "domain/survey_template.h"
#include "domain/training.h"

static json_t *J(const char *text)
{
    json_t *o = json_loads(text, 0, NULL);
    assert_non_null(o);
    return o;
}

/* The fields e names, joined by commas ("" for none). */
static const char *named(const verr *e)
{
    static char out[1024];
    out[0] = '\0';
    const char *field, *msg;
    for (int i = 0; verr_at(e, i, &field, &msg); i++)
        str_fmt(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? "," : "", field);
    return out;
}

static void test_a_relationship_made_by_hand(void **state)
{
    (void)state;
    int64_t ids[LIMIT_RELATIONSHIP_MEMBERS];
    struct rel_new_input in;
    verr e = VERR_COLLECT;
    json_t *b = J("{\"mentor\": 4, \"mentees\": [5, 6]}");
    assert_int_equal(rel_new_read(b, ids, &in, &e), 0);
    assert_false(in.peer);
    assert_int_equal(in.mentor, 4);
    assert_int_equal(in.n, 2);
    assert_int_equal(ids[0], 5);
    assert_int_equal(ids[1], 6);
    json_decref(b);

    e = VERR_COLLECT;
    b = J("{\"peers\": [7, 8, 9], \"mentor\": 1}");
    assert_int_equal(rel_new_read(b, ids, &in, &e), 0);
    assert_true(in.peer);
    assert_int_equal(in.mentor, 0); /* a circle has no mentor */
    assert_int_equal(in.n, 3);
    json_decref(b);

    /* every bad field: an unknown key, no mentor, two ids that are not */
    e = VERR_COLLECT;
    b = J("{\"mentees\": [5, \"six\", 7.5], \"extra\": 1}");
    assert_int_equal(rel_new_read(b, ids, &in, &e), -1);
    assert_string_equal(named(&e), "extra,mentor,mentees[1],mentees[2]");
    json_decref(b);

    /* the list is bounded by the size of a group */
    e = VERR_COLLECT;
    json_t *many = json_array();
    for (int i = 0; i < LIMIT_RELATIONSHIP_MEMBERS; i++)
        json_array_append_new(many, json_integer(i + 1));
    b = json_pack("{s:i, s:o}", "mentor", 1, "mentees", many);
    assert_int_equal(rel_new_read(b, ids, &in, &e), -1);
    assert_string_equal(named(&e), "mentees");
    assert_int_equal(in.n, 0);
    json_decref(b);
}

static void test_an_api_token(void **state)
{
    (void)state;
    struct token_request t;
    verr e = VERR_COLLECT;
    json_t *b = J("{\"password\": \"pw\"}");
    assert_int_equal(token_request_read(b, 90, 365, &t, &e), 0);
    assert_string_equal(t.name, "API token");
    assert_int_equal(t.days, 90);
    assert_string_equal(t.password, "pw");
    json_decref(b);

    e = VERR_COLLECT;
    b = J("{\"name\": \"CI\", \"expires_in_days\": 365, \"password\": \"pw\"}");
    assert_int_equal(token_request_read(b, 90, 365, &t, &e), 0);
    assert_string_equal(t.name, "CI");
    assert_int_equal(t.days, 365);
    json_decref(b);

    e = VERR_COLLECT;
    b = J("{\"name\": \"a\\nb\", \"expires_in_days\": 366, \"x\": 1}");
    assert_int_equal(token_request_read(b, 90, 365, &t, &e), -1);
    assert_string_equal(named(&e), "x,name,expires_in_days,password");
    json_decref(b);

    e = VERR_COLLECT;
    b = J("{\"expires_in_days\": 0, \"password\": \"\"}");
    assert_int_equal(token_request_read(b, 90, 365, &t, &e), -1);
    assert_string_equal(named(&e), "expires_in_days,password");
    json_decref(b);
}

static void test_a_coordinators_note_nudge_and_follow_ups(void **state)
{
    (void)state;
    const char *text;
    verr e = VERR_COLLECT;
    json_t *b = J("{\"body\": \"Spoke to both\"}");
    assert_int_equal(risk_note_read(b, &text, &e), 0);
    assert_string_equal(text, "Spoke to both");
    json_decref(b);
    e = VERR_COLLECT;
    b = J("{\"body\": \"  \", \"to\": 1}");
    assert_int_equal(risk_note_read(b, &text, &e), -1);
    assert_string_equal(named(&e), "to,body");
    json_decref(b);
    e = VERR_COLLECT;
    b = J("{}");
    assert_int_equal(risk_note_read(b, &text, &e), -1);
    assert_string_equal(named(&e), "body");

    /* a nudge may say nothing of its own */
    e = VERR_COLLECT;
    assert_int_equal(risk_nudge_read(b, &text, &e), 0);
    assert_string_equal(text, "");
    json_decref(b);
    e = VERR_COLLECT;
    b = J("{\"message\": 5, \"body\": \"x\"}");
    assert_int_equal(risk_nudge_read(b, &text, &e), -1);
    assert_string_equal(named(&e), "body,message");
    json_decref(b);

    /* a follow-up keeps the relationship's version unless it names one */
    struct risk_followup f = {.version = 7};
    e = VERR_COLLECT;
    b = J("{\"reason\": \"Never met\"}");
    assert_int_equal(risk_followup_read(b, false, &f, &e), 0);
    assert_int_equal(f.version, 7);
    assert_string_equal(f.reason, "Never met");
    assert_int_equal(f.mentor, 0);
    json_decref(b);
    e = VERR_COLLECT;
    b = J("{\"mentor\": 3, \"version\": 2}");
    assert_int_equal(risk_followup_read(b, false, &f, &e), -1); /* no mentor in a rematch */
    assert_string_equal(named(&e), "mentor");
    e = VERR_COLLECT;
    f.version = 7;
    assert_int_equal(risk_followup_read(b, true, &f, &e), 0);
    assert_int_equal(f.mentor, 3);
    assert_int_equal(f.version, 2);
    assert_string_equal(f.reason, "");
    json_decref(b);
    e = VERR_COLLECT;
    b = J("{\"reason\": 1, \"version\": 0}");
    assert_int_equal(risk_followup_read(b, true, &f, &e), -1);
    assert_string_equal(named(&e), "reason,version,mentor");
    json_decref(b);
}

static void test_a_health_checks_envelope_and_share_flag(void **state)
{
    (void)state;
    int r[HEALTH_QUALITIES];
    const char *comment;
    int share = 9;
    verr e = VERR_COLLECT;
    json_t *ratings = json_object();
    for (int i = 0; i < HEALTH_QUALITIES; i++)
        json_object_set_new(ratings, health_qualities[i].key, json_integer(1 + i % 5));
    json_t *b = json_pack("{s:O}", "ratings", ratings);
    assert_int_equal(health_check_read(b, r, &comment, &share, &e), 0);
    assert_int_equal(share, -1); /* left as it was */
    assert_string_equal(comment, "");
    assert_int_equal(r[HEALTH_QUALITIES - 1], 1 + (HEALTH_QUALITIES - 1) % 5);
    json_object_set_new(b, "share", json_false());
    e = VERR_COLLECT;
    assert_int_equal(health_check_read(b, r, &comment, &share, &e), 0);
    assert_int_equal(share, 0);
    json_object_set_new(b, "share", json_null());
    e = VERR_COLLECT;
    assert_int_equal(health_check_read(b, r, &comment, &share, &e), 0);
    assert_int_equal(share, -1);
    json_decref(b);
    json_decref(ratings);

    e = VERR_COLLECT;
    b = J("{\"comment\": 4, \"share\": \"yes\", \"x\": 1}");
    assert_int_equal(health_check_read(b, r, &comment, &share, &e), -1);
    assert_string_equal(named(&e), "x,comment,share,ratings");
    json_decref(b);

    bool s = true;
    e = VERR_COLLECT;
    b = J("{\"share\": false}");
    assert_int_equal(health_share_read(b, &s, &e), 0);
    assert_false(s);
    json_decref(b);
    e = VERR_COLLECT;
    b = J("{\"share\": null}");
    assert_int_equal(health_share_read(b, &s, &e), -1);
    assert_string_equal(named(&e), "share");
    assert_non_null(strstr(e.msg, "required"));
    json_decref(b);
    e = VERR_COLLECT;
    b = J("{\"share\": 1, \"y\": 2}");
    assert_int_equal(health_share_read(b, &s, &e), -1);
    assert_string_equal(named(&e), "y,share");
    json_decref(b);
}

static void test_an_agreements_edit_and_signature(void **state)
{
    (void)state;
    int64_t version = -1;
    json_t *edit = NULL;
    verr e = VERR_COLLECT;
    json_t *b = J("{\"version\": 2, \"duration\": \"six months\"}");
    assert_int_equal(agreement_put_read(b, &version, &edit, &e), 0);
    assert_int_equal(version, 2);
    assert_null(json_object_get(edit, "version"));
    assert_string_equal(json_string_value(json_object_get(edit, "duration")), "six months");
    assert_non_null(json_object_get(b, "version")); /* the body itself is left alone */
    json_decref(edit);
    json_decref(b);
    e = VERR_COLLECT;
    b = J("{\"duration\": \"x\"}");
    assert_int_equal(agreement_put_read(b, &version, &edit, &e), -1);
    assert_null(edit);
    assert_string_equal(named(&e), "version");
    json_decref(b);

    e = VERR_COLLECT;
    b = J("{}");
    assert_int_equal(agreement_sign_read(b, &version, &e), 0);
    assert_int_equal(version, 0); /* the current one */
    json_decref(b);
    e = VERR_COLLECT;
    b = J("{\"version\": 2147483648, \"by\": 1}");
    assert_int_equal(agreement_sign_read(b, &version, &e), -1);
    assert_string_equal(named(&e), "by,version");
    json_decref(b);
}

static void test_a_resources_hidden_flag(void **state)
{
    (void)state;
    bool hidden = false;
    verr e = VERR_COLLECT;
    json_t *b = J("{\"hidden\": true}");
    assert_int_equal(resource_hidden_read(b, &hidden, &e), 0);
    assert_true(hidden);
    json_decref(b);
    const char *bad[] = {"{}", "{\"hidden\": null}", "{\"hidden\": \"no\"}", "{\"hidden\": 0}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        e = VERR_COLLECT;
        b = J(bad[i]);
        assert_int_equal(resource_hidden_read(b, &hidden, &e), -1);
        assert_string_equal(named(&e), "hidden");
        json_decref(b);
    }
    e = VERR_COLLECT;
    b = J("{\"x\": 1}");
    assert_int_equal(resource_hidden_read(b, &hidden, &e), -1);
    assert_string_equal(named(&e), "x,hidden");
    json_decref(b);
}

static void test_a_surveys_create_patch_and_response(void **state)
{
    (void)state;
    const char *tmpl = "x";
    json_t *doc = NULL;
    verr e = VERR_COLLECT;
    json_t *b = J("{\"template\": \"check_in\", \"title\": \"Ours\"}");
    assert_int_equal(survey_create_doc(b, &tmpl, &doc, &e), 0);
    assert_string_equal(tmpl, "check_in");
    assert_null(json_object_get(doc, "template"));
    assert_string_equal(json_string_value(json_object_get(doc, "title")), "Ours");
    assert_non_null(json_object_get(doc, "questions")); /* the template's */
    json_decref(doc);
    json_decref(b);
    e = VERR_COLLECT;
    b = J("{\"title\": \"Mine\"}");
    assert_int_equal(survey_create_doc(b, &tmpl, &doc, &e), 0);
    assert_null(tmpl);
    assert_true(json_equal(doc, b));
    json_decref(doc);
    json_decref(b);
    const char *bad[] = {"{\"template\": \"nope\"}", "{\"template\": 3}", "{\"template\": \"\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        e = VERR_COLLECT;
        b = J(bad[i]);
        assert_int_equal(survey_create_doc(b, &tmpl, &doc, &e), -1);
        assert_null(doc);
        assert_string_equal(named(&e), "template");
        json_decref(b);
    }

    int64_t version;
    json_t *changes;
    e = VERR_COLLECT;
    b = J("{\"version\": 4, \"title\": \"Renamed\"}");
    assert_int_equal(survey_patch_read(b, &version, &changes, &e), 0);
    assert_int_equal(version, 4);
    assert_int_equal(json_object_size(changes), 1);
    json_decref(changes);
    json_decref(b);
    e = VERR_COLLECT;
    b = J("{\"version\": \"4\"}");
    assert_int_equal(survey_patch_read(b, &version, &changes, &e), -1);
    assert_string_equal(named(&e), "version");
    json_decref(b);

    int64_t round = -1;
    const json_t *answers;
    e = VERR_COLLECT;
    b = J("{\"answers\": {\"q\": 1}}");
    assert_int_equal(survey_response_read(b, &round, &answers, &e), 0);
    assert_int_equal(round, 0);
    assert_ptr_equal(answers, json_object_get(b, "answers"));
    json_decref(b);
    e = VERR_COLLECT;
    b = J("{\"round_id\": 0, \"who\": 2}");
    assert_int_equal(survey_response_read(b, &round, &answers, &e), -1);
    assert_string_equal(named(&e), "who,round_id");
    assert_null(answers); /* what the answers check then refuses */
    json_decref(b);
}

static void test_a_training_completion(void **state)
{
    (void)state;
    json_t *module = J("{\"id\": \"m\", \"questions\": [{\"id\": \"q1\", \"required\": true},"
                       " {\"id\": \"q2\"}, {\"id\": \"q3\", \"required\": true}]}");
    const char *role;
    const json_t *answers;
    verr e = VERR_COLLECT;
    json_t *b = J("{\"role\": \"mentee\", \"answers\": {\"q1\": \"yes\", \"q3\": 4}}");
    assert_int_equal(training_completion_read(b, module, &role, &answers, &e), 0);
    assert_string_equal(role, "mentee");
    assert_ptr_equal(answers, json_object_get(b, "answers"));
    json_decref(b);
    /* empty, null and absent are not answers */
    e = VERR_COLLECT;
    b = J("{\"answers\": {\"q1\": \"\", \"q3\": null}}");
    assert_int_equal(training_completion_read(b, module, &role, &answers, &e), -1);
    assert_string_equal(named(&e), "answers.q1,answers.q3");
    assert_null(role);
    json_decref(b);
    e = VERR_COLLECT;
    b = J("{\"role\": \"\", \"answers\": [1], \"x\": 1}");
    assert_int_equal(training_completion_read(b, module, &role, &answers, &e), -1);
    assert_string_equal(named(&e), "x,role,answers,answers.q1,answers.q3");
    json_decref(b);
    /* a module without questions needs no answers */
    json_t *plain = J("{\"id\": \"m2\"}");
    e = VERR_COLLECT;
    b = J("{}");
    assert_int_equal(training_completion_read(b, plain, &role, &answers, &e), 0);
    assert_null(answers);
    json_decref(b);
    json_decref(plain);
    json_decref(module);
}

static void test_the_sign_up_settings(void **state)
{
    (void)state;
    static char domains[LIMIT_SIGNUP_DOMAINS][LIMIT_DOMAIN_BYTES + 1];
    bool enabled;
    size_t n;
    verr e = VERR_COLLECT;
    json_t *b = J("{\"enabled\": true, \"domains\": [\" Example.ORG \", \"eu.example.org\"]}");
    json_t *list = json_object_get(b, "domains");
    assert_int_equal(signup_settings_read(b, &enabled, domains, &n, &e), 0);
    assert_true(enabled);
    assert_int_equal(n, 2);
    assert_string_equal(domains[0], "example.org");
    assert_string_equal(domains[1], "eu.example.org");
    /* the list is the body's, borrowed: its count is what it was (the
     * handler used to release it once more, freeing it inside the body) */
    assert_int_equal(list->refcount, 1);
    json_decref(b);
    e = VERR_COLLECT;
    b = J("{\"enabled\": false, \"domains\": []}");
    assert_int_equal(signup_settings_read(b, &enabled, domains, &n, &e), 0);
    assert_false(enabled);
    assert_int_equal(n, 0);
    json_decref(b);
    e = VERR_COLLECT;
    b = J("{\"enabled\": \"yes\", \"more\": 1}");
    assert_int_equal(signup_settings_read(b, &enabled, domains, &n, &e), -1);
    assert_string_equal(named(&e), "more,enabled,domains");
    json_decref(b);
    e = VERR_COLLECT;
    b = J("{\"domains\": [\"\", 5, \"ok.org\"]}");
    assert_int_equal(signup_settings_read(b, &enabled, domains, &n, &e), -1);
    assert_string_equal(named(&e), "domains[0],domains[1]");
    assert_int_equal(n, 0);
    json_decref(b);
}

static void test_a_program_bodys_top_level_fields(void **state)
{
    (void)state;
    struct program_config cfg = {0};
    struct program_fields f = {.description = "", .status = "draft"};
    verr e = VERR_COLLECT;
    json_t *b = J("{\"name\": \"Spring\", \"duration_months\": 6}");
    assert_int_equal(program_body_read(b, NULL, &f, &cfg, &e), 0);
    assert_string_equal(f.name, "Spring");
    assert_string_equal(f.description, "");
    assert_string_equal(f.status, "draft");
    assert_non_null(cfg.doc);
    program_config_cleanup(&cfg);
    json_decref(b);

    /* a create needs a name; every bad field at once, the configuration's too */
    e = VERR_COLLECT;
    f = (struct program_fields){.description = "", .status = "draft"};
    b = J("{\"status\": \"gone\", \"colour\": \"red\", \"duration_months\": \"six\"}");
    assert_int_equal(program_body_read(b, NULL, &f, &cfg, &e), -1);
    assert_null(cfg.doc);
    assert_string_equal(named(&e), "colour,name,status,duration_months");
    json_decref(b);

    /* a PATCH keeps what it does not name and needs its version */
    struct program_config base = {0};
    json_t *empty = json_object();
    e = VERR_COLLECT;
    assert_int_equal(program_config_normalize(empty, NULL, &base, &e), 0);
    f = (struct program_fields){
        .name = "Before", .description = "d", .status = "running", .version = 3};
    e = VERR_COLLECT;
    b = J("{\"version\": 3, \"status\": \"closed\"}");
    assert_int_equal(program_body_read(b, base.doc, &f, &cfg, &e), 0);
    assert_string_equal(f.name, "Before");
    assert_string_equal(f.status, "closed");
    assert_int_equal(f.version, 3);
    program_config_cleanup(&cfg);
    json_decref(b);
    e = VERR_COLLECT;
    b = J("{\"name\": \"P\\r\\nBcc: x@example.org\"}");
    assert_int_equal(program_body_read(b, base.doc, &f, &cfg, &e), -1);
    assert_string_equal(named(&e), "name,version");
    json_decref(b);
    program_config_cleanup(&base);
    json_decref(empty);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_relationship_made_by_hand),
        cmocka_unit_test(test_an_api_token),
        cmocka_unit_test(test_a_coordinators_note_nudge_and_follow_ups),
        cmocka_unit_test(test_a_health_checks_envelope_and_share_flag),
        cmocka_unit_test(test_an_agreements_edit_and_signature),
        cmocka_unit_test(test_a_resources_hidden_flag),
        cmocka_unit_test(test_a_surveys_create_patch_and_response),
        cmocka_unit_test(test_a_training_completion),
        cmocka_unit_test(test_the_sign_up_settings),
        cmocka_unit_test(test_a_program_bodys_top_level_fields),
    };
    return cmocka_run_group_tests_name("body readers", tests, NULL, NULL);
}
