/* test_enrolment.c - the pure rules of enrolment (domain/enrolment.h):
 * answers to the program's questions, every bad one named. (The e-mails'
 * words are templates: tests/unit/test_mail.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "domain/enrolment.h"

static const char *QUESTIONS =
    "[{\"id\": \"motivation\", \"role\": \"both\", \"type\": \"long_text\", \"required\": true},"
    " {\"id\": \"track\", \"role\": \"mentee\", \"type\": \"single_choice\", \"required\": true,"
    "  \"options\": [\"tech\", \"people\"]},"
    " {\"id\": \"topics\", \"role\": \"both\", \"type\": \"multiple_choice\","
    "  \"options\": [\"a\", \"b\"]},"
    " {\"id\": \"hours\", \"role\": \"mentor\", \"type\": \"number\"},"
    " {\"id\": \"confidence\", \"role\": \"both\", \"type\": \"scale\"},"
    " {\"id\": \"note\", \"role\": \"both\", \"type\": \"text\"}]";

static json_t *obj(const char *text)
{
    json_t *o = json_loads(text, 0, NULL);
    assert_non_null(o);
    return o;
}

static const char *field_at(const verr *e, int i)
{
    const char *f, *m;
    return verr_at(e, i, &f, &m) ? f : NULL;
}

static void test_good_answers_are_kept(void **state)
{
    (void)state;
    json_t *qs = obj(QUESTIONS);
    json_t *a = obj("{\"motivation\": \"grow\", \"track\": \"tech\", \"topics\": [\"a\", \"b\"], "
                    "\"confidence\": 5, \"note\": \"\"}");
    json_t *clean;
    verr e = VERR_COLLECT;
    assert_int_equal(enrolment_check_answers(a, qs, "mentee", "", &clean, &e), 0);
    assert_int_equal(json_object_size(clean), 4); /* the empty note is no answer */
    json_decref(clean);
    /* No answers at all, and no required question: fine. */
    json_t *mentor_qs = obj("[{\"id\": \"hours\", \"role\": \"mentor\", \"type\": \"number\"}]");
    assert_int_equal(enrolment_check_answers(NULL, mentor_qs, "mentor", "", &clean, &e), 0);
    assert_int_equal(json_object_size(clean), 0);
    json_decref(clean);
    json_decref(mentor_qs);
    json_decref(a);
    json_decref(qs);
}

static void test_every_bad_answer_is_named(void **state)
{
    (void)state;
    json_t *qs = obj(QUESTIONS);
    /* three wrong at once: the apply form needs one attempt, not three */
    json_t *a = obj("{\"track\": \"art\", \"topics\": [\"a\", \"z\"], \"confidence\": 9, "
                    "\"hours\": 3}");
    json_t *clean = (json_t *)1;
    verr e = VERR_COLLECT;
    assert_int_equal(enrolment_check_answers(a, qs, "mentee", "", &clean, &e), -1);
    assert_null(clean);
    assert_int_equal(v_count(&e), 5);
    assert_string_equal(e.field, "answers.hours"); /* not a mentee's question */
    assert_string_equal(field_at(&e, 1), "answers.motivation");
    assert_string_equal(field_at(&e, 2), "answers.track");
    assert_string_equal(field_at(&e, 3), "answers.topics");
    assert_string_equal(field_at(&e, 4), "answers.confidence");
    json_decref(a);
    json_t *not_object = obj("[1]");
    verr n = VERR_COLLECT;
    assert_int_equal(enrolment_check_answers(not_object, qs, "mentee", "", &clean, &n), -1);
    assert_string_equal(n.field, "answers");
    json_decref(not_object);
    char big[LIMIT_ANSWER_BYTES + 2];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    json_t *long_note =
        json_pack("{s:s, s:s, s:s}", "motivation", "x", "track", "tech", "note", big);
    verr l = VERR_COLLECT;
    assert_int_equal(enrolment_check_answers(long_note, qs, "mentee", "", &clean, &l), -1);
    assert_string_equal(l.field, "answers.note");
    json_decref(long_note);
    json_decref(qs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_answers_are_kept),
        cmocka_unit_test(test_every_bad_answer_is_named),
    };
    return cmocka_run_group_tests_name("enrolment", tests, NULL, NULL);
}
