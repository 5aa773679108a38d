/* fuzz_body.c - a request body from its bytes to the typed input a
 * handler hands the service: api_body_decode (the pure part of
 * api_body_object), then the body validator the first byte picks.
 *
 * The first byte chooses (modulo 16, so '0' + n picks n, ':' picks 10):
 *   0  the decoding alone
 *   1  a program's configuration on create   (program_config_normalize)
 *   2  a program's configuration on PATCH, over the defaults
 *   3  a participation profile               (profile_validate)
 *   4  a survey's definition                 (survey_def_normalize)
 *   5  answers to a survey of every kind     (survey_answers_check)
 *   6  a resource on create                  (resource_fields_read)
 *   7  a resource on PATCH
 *   8  an agreement edit over the defaults    (agreement_edit)
 *   9  answers to a program's selection questions, as a mentee
 *      (enrolment_check_answers)
 *  10  a health check's ratings               (health_ratings_check)
 * (11-15 as 0) and the rest is the body, sent as application/json.
 *
 * Properties, beyond no crash, leak or undefined behaviour:
 *  - decoding gives an object (status 0) exactly when the bytes are UTF-8
 *    and jansson reads an object from them; otherwise 400 with a reason
 *  - a validator accepts with no error recorded, or refuses with at least
 *    one, every field and message valid UTF-8 (the reply is JSON: a field
 *    cut inside a character would fail to serialise) and no message empty
 *  - what is accepted is a fixed point: the normalised configuration,
 *    profile or survey, validated again, is accepted and comes out equal
 *  - clean answers hold only questions of the survey (of the program, asked
 *    of the role), every required one; a created resource has a title,
 *    roles among mentor and mentee and a link the link check accepts; an
 *    edited agreement keeps every required clause non-blank; ratings are
 *    1 to 5
 */
#include "fuzz.h"

#include <jansson.h>

#include "api/api.h"
#include "domain/agreement.h"
#include "domain/enrolment.h"
#include "domain/health.h"
#include "base/str.h"
#include "domain/profile.h"
#include "domain/program.h"
#include "domain/resource.h"
#include "domain/survey.h"
#include "domain/validate.h"

#define NOW 1780000000 /* 2026-05-28 */

static struct survey_def survey;     /* every kind of question, for the answers */
static struct program_config config; /* selection questions of every type */
static json_t *agreement;            /* the defaults an edit starts from */
static bool trace;                   /* FUZZ_TRACE set: say what each input gave */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    trace = getenv("FUZZ_TRACE") != NULL;
    json_t *in = json_loads(
        "{\"title\": \"Every kind\", \"trigger\": {\"on\": \"manual\"}, \"questions\": ["
        "{\"id\": \"l\", \"kind\": \"likert\", \"label\": \"L\", \"required\": true},"
        "{\"id\": \"n\", \"kind\": \"nps\", \"label\": \"N\"},"
        "{\"id\": \"s\", \"kind\": \"single\", \"label\": \"S\", \"options\": [\"a\", \"b\"]},"
        "{\"id\": \"m\", \"kind\": \"multi\", \"label\": \"M\", \"options\": [\"x\", \"y\", "
        "\"z\"]},"
        "{\"id\": \"t\", \"kind\": \"text\", \"label\": \"T\"}]}",
        0, NULL);
    verr e = VERR_COLLECT;
    if (!in || survey_def_normalize(in, NULL, &survey, &e)) {
        fprintf(stderr, "fuzz_body: the fixed survey is refused: %s: %s\n", e.field, e.msg);
        abort();
    }
    json_decref(in);
    in = json_loads(
        "{\"selection\": {\"access\": \"open\", \"questions\": ["
        "{\"id\": \"why\", \"role\": \"both\", \"type\": \"long_text\", \"label\": \"W\","
        " \"required\": true},"
        "{\"id\": \"track\", \"role\": \"mentee\", \"type\": \"single_choice\", \"label\": \"T\","
        " \"options\": [\"tech\", \"people\"]},"
        "{\"id\": \"hours\", \"role\": \"mentor\", \"type\": \"number\", \"label\": \"H\"},"
        "{\"id\": \"sure\", \"role\": \"both\", \"type\": \"scale\", \"label\": \"S\"}]}}",
        0, NULL);
    e = VERR_COLLECT;
    if (!in || program_config_normalize(in, NULL, &config, &e)) {
        fprintf(stderr, "fuzz_body: the fixed program is refused: %s: %s\n", e.field, e.msg);
        abort();
    }
    json_decref(in);
    agreement = agreement_defaults(&config, NOW + 86400 * 180);
    return 0;
}

/* The verr agrees with the answer, and every text in it serialises. */
static void check_verr(int rc, const verr *e)
{
    if (trace)
        fprintf(stderr, "fuzz_body: %s%s %s\n", rc ? "refused: " : "accepted", rc ? e->field : "",
                rc ? e->msg : "");
    if (rc == 0) {
        fuzz_assert(!v_failed(e) && v_count(e) == 0);
        return;
    }
    fuzz_assert(rc == -1 && v_failed(e) && v_count(e) >= 1);
    for (int i = 0; i < v_count(e); i++) {
        const char *field, *msg;
        fuzz_assert(verr_at(e, i, &field, &msg));
        fuzz_assert(msg && *msg);
        if (!str_utf8_valid(field, strlen(field)))
            fuzz_fail("field %d is not UTF-8: \"%s\"", i, field);
        if (!str_utf8_valid(msg, strlen(msg)))
            fuzz_fail("message %d is not UTF-8: \"%s\"", i, msg);
    }
}

static void program(const json_t *body, bool patch)
{
    struct program_config base = {0}, out = {0}, again = {0};
    verr e = VERR_COLLECT;
    json_t *empty = json_object();
    if (patch && program_config_normalize(empty, NULL, &base, &e))
        fuzz_fail("the defaults are refused: %s: %s", e.field, e.msg);
    e = VERR_COLLECT;
    int rc = program_config_normalize(body, patch ? base.doc : NULL, &out, &e);
    check_verr(rc, &e);
    if (rc == 0) {
        fuzz_assert(json_is_object(out.doc));
        verr e2 = VERR_COLLECT;
        if (program_config_normalize(out.doc, NULL, &again, &e2))
            fuzz_fail("the normalised configuration is refused: %s: %s", e2.field, e2.msg);
        fuzz_assert(json_equal(out.doc, again.doc));
    }
    program_config_cleanup(&again);
    program_config_cleanup(&out);
    program_config_cleanup(&base);
    json_decref(empty);
}

static void profile(const json_t *body)
{
    json_t *out = NULL, *again = NULL;
    verr e = VERR_COLLECT;
    int rc = profile_validate(body, NULL, NOW, &out, &e);
    check_verr(rc, &e);
    if (rc == 0) {
        fuzz_assert(json_is_object(out));
        verr e2 = VERR_COLLECT;
        if (profile_validate(out, NULL, NOW, &again, &e2))
            fuzz_fail("the clean profile is refused: %s: %s", e2.field, e2.msg);
        fuzz_assert(json_equal(out, again));
    } else {
        fuzz_assert(out == NULL);
    }
    json_decref(again);
    json_decref(out);
}

static void survey_def(const json_t *body)
{
    struct survey_def out = {0}, again = {0};
    verr e = VERR_COLLECT;
    int rc = survey_def_normalize(body, NULL, &out, &e);
    check_verr(rc, &e);
    if (rc == 0) {
        fuzz_assert(out.doc && out.title && out.nquestions >= 1);
        verr e2 = VERR_COLLECT;
        if (survey_def_normalize(out.doc, NULL, &again, &e2))
            fuzz_fail("the normalised survey is refused: %s: %s", e2.field, e2.msg);
        fuzz_assert(json_equal(out.doc, again.doc));
    }
    survey_def_cleanup(&again);
    survey_def_cleanup(&out);
}

static void answers(const json_t *body)
{
    json_t *clean = NULL;
    verr e = VERR_COLLECT;
    int rc = survey_answers_check(&survey, body, &clean, &e);
    check_verr(rc, &e);
    if (rc == 0) {
        fuzz_assert(json_is_object(clean));
        const char *key;
        json_t *v;
        json_object_foreach(clean, key, v)
        {
            fuzz_assert(survey_question(&survey, key) != NULL);
            fuzz_assert(!json_is_null(v));
        }
        fuzz_assert(json_object_get(clean, "l") != NULL); /* the required one */
    }
    json_decref(clean);
}

static void resource(const json_t *body, bool patch)
{
    struct resource_fields f = {0};
    verr e = VERR_COLLECT;
    int rc = resource_fields_read(body, patch, NULL, &f, &e);
    check_verr(rc, &e);
    if (rc == 0 && !patch)
        fuzz_assert(f.title && *f.title && (f.body_md || f.url));
    if (rc == 0 && f.roles) {
        size_t i;
        json_t *r;
        json_array_foreach(f.roles, i, r)
        {
            const char *s = json_string_value(r);
            fuzz_assert(s && (!strcmp(s, "mentor") || !strcmp(s, "mentee")));
        }
    }
    if (rc == 0 && f.url)
        fuzz_assert(resource_url_check(f.url) == NULL);
    resource_fields_cleanup(&f);
}

static void agreement_edit_(const json_t *body)
{
    json_t *out = NULL;
    verr e = VERR_COLLECT;
    int rc = agreement_edit(agreement, body, &out, &e);
    check_verr(rc, &e);
    if (rc == 0) {
        for (const char *const *k = agreement_required; *k; k++) {
            const char *v = json_string_value(json_object_get(out, *k));
            fuzz_assert(v);
            bool blank = true;
            for (const char *p = v; *p && blank; p++)
                blank = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
            fuzz_assert(!blank);
        }
    } else {
        fuzz_assert(out == NULL);
    }
    json_decref(out);
}

static void application(const json_t *body)
{
    json_t *clean = NULL;
    verr e = VERR_COLLECT;
    int rc = enrolment_check_answers(body, config.selection.questions, "mentee", "", &clean, &e);
    check_verr(rc, &e);
    if (rc == 0) {
        fuzz_assert(json_is_object(clean) && json_object_get(clean, "why"));
        fuzz_assert(!json_object_get(clean, "hours")); /* asked of mentors only */
        const char *key;
        json_t *v;
        json_object_foreach(clean, key, v)
        {
            fuzz_assert(!strcmp(key, "why") || !strcmp(key, "track") || !strcmp(key, "sure"));
        }
    } else {
        fuzz_assert(clean == NULL);
    }
    json_decref(clean);
}

static void ratings(const json_t *body)
{
    int out[HEALTH_QUALITIES];
    verr e = VERR_COLLECT;
    int rc = health_ratings_check(body, out, &e);
    check_verr(rc, &e);
    if (rc == 0)
        for (int i = 0; i < HEALTH_QUALITIES; i++)
            fuzz_assert(out[i] >= 1 && out[i] <= 5);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    int which = data[0] % 16;
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    json_t *obj = NULL;
    char why[400];
    int status =
        api_body_decode("application/json; charset=utf-8", body, len, &obj, why, sizeof why);
    /* An independent reading: UTF-8, and jansson finds an object. */
    json_t *ref =
        str_utf8_valid(body, len) ? json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
    bool object = ref && json_is_object(ref);
    json_decref(ref);
    if (status == 0) {
        fuzz_assert(object && json_is_object(obj));
    } else {
        fuzz_assert(!object && obj == NULL && status == 400 && why[0]);
        return 0;
    }
    /* The Content-Type decides before the bytes do. */
    json_t *none = (json_t *)1;
    fuzz_assert(api_body_decode("text/plain", body, len, &none, why, sizeof why) == 415 &&
                none == NULL);
    fuzz_assert(api_body_decode(NULL, body, len, &none, why, sizeof why) == 415);
    switch (which) {
    case 1:
    case 2: program(obj, which == 2); break;
    case 3: profile(obj); break;
    case 4: survey_def(obj); break;
    case 5: answers(obj); break;
    case 6:
    case 7: resource(obj, which == 7); break;
    case 8: agreement_edit_(obj); break;
    case 9: application(obj); break;
    case 10: ratings(obj); break;
    default: break;
    }
    json_decref(obj);
    return 0;
}
