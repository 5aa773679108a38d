/* fuzz_body.c - a request body from its bytes to the typed input a
 * handler hands the service: api_body_decode (the pure part of
 * api_body_object), then the body validator the first byte picks.
 *
 * The first byte chooses (its distance from '0', modulo 80, so '0' + n
 * picks n: ':' picks 10, ';' 11, '@' 16, 'A' 17, 'Z' 42, 'a' 49):
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
 *  11  a goal on create                      (goal_change_read)
 *  12  a goal on PATCH
 *  13  a milestone on create                 (milestone_change_read)
 *  14  a milestone on PATCH
 *  15  a meeting on create                   (meeting_change_read)
 *  16  a meeting on PATCH: reschedule, cancel, recap, attendance, rating
 *  17  a relationship's PATCH: an action     (rel_change_read)
 *  18  a reflection, PUT                     (rel_reflection_read)
 *  19  a mentee's request to mentors         (request_new_read)
 *  20  the answer to a request               (request_answer_read)
 *  21  a note on create                      (note_input_read)
 *  22  a note on PATCH
 *  23  a message                             (message_input_read)
 *  24  an application to a program           (enrolment_application_read)
 *  25  someone a coordinator adds            (enrolment_add_read)
 *  26  a participation's PATCH               (enrolment_change_read)
 *  27  a review of many applications         (enrolment_bulk_read)
 *  28  a sign-in                             (account_sign_in_read)
 *  29  a password reset request              (account_reset_read)
 *  30  a password reset's completion         (account_reset_complete_read)
 *  31  a self sign-up                        (account_signup_read)
 *  32  a sign-up's verification              (account_verify_read)
 *  33  an invitation's acceptance            (account_invitation_read)
 *  34  kudos                                 (kudos_input_read)
 *  35  a relationship's highlight            (highlight_input_read)
 *  36  notification settings                 (notification_changes_read)
 *  37  a phase checklist tick                (phase_check_read)
 *  38  a phase advance                       (phase_advance_read)
 *  39  a matching run's options              (proposal_run_read)
 *  40  a hand edit of a proposed pair        (proposal_pair_read)
 *  41  an account an admin makes             (account_person_read)
 *  42  a relationship made by hand           (rel_new_read)
 *  43  an API token                          (token_request_read)
 *  44  a coordinator's note on a relationship (risk_note_read)
 *  45  a nudge                               (risk_nudge_read)
 *  46  agreeing to a rematch                 (risk_followup_read)
 *  47  a reassignment to another mentor      (risk_followup_read, with mentor)
 *  48  a health check's envelope, ratings too (health_check_read)
 *  49  a health check's share flag           (health_share_read)
 *  50  an agreement edit's envelope, then the edit (agreement_put_read)
 *  51  an agreement's signature              (agreement_sign_read)
 *  52  a resource's hidden flag              (resource_hidden_read)
 *  53  a survey on create, from a template or not (survey_create_doc)
 *  54  a survey's PATCH, over the fixed survey (survey_patch_read)
 *  55  a survey response's envelope, then the answers (survey_response_read)
 *  56  a training module's completion         (training_completion_read)
 *  57  the sign-up settings                  (signup_settings_read)
 *  58  a program's body on create            (program_body_read)
 *  59  a program's body on PATCH, over the defaults
 * (60-79 as 0) and the rest is the body, sent as application/json.
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
 *  - a goal, milestone or meeting read has what its service needs: a
 *    non-blank statement or title (one line for a milestone) on create and
 *    never a cleared one; dates that an independent calendar reading finds
 *    real, years LIMIT_YEAR_MIN..MAX; a status among its enum's values;
 *    progress 0-100; a meeting's start inside the year range, its length
 *    1..LIMIT_MEETING_MINUTES, its rating 1-5, a recap of the three texts
 *    only, attendance an object; what the body did not name is kept
 *  - a relationship change has a known action, a version >= 1 and a
 *    reason; a reflection has a non-blank `learned` (and the others as
 *    text, "" when absent)
 *  - a request names 1..LIMIT_REQUEST_CHOICES mentors, the body's own
 *    integers in its order; an answer is accept, decline or withdraw as
 *    the body says
 *  - a note's text is non-blank (required on create), its visibility
 *    private or shared; a message's text is non-blank and in its limit
 *  - the enrolment readers (which collect every error and leave the rest
 *    to the service) give a role among their values, numbers only when
 *    the body has them as integers, a profile exactly when the body's
 *    validates; accepted, an application has a role, an added person an
 *    e-mail and a one-line name if any, a decline a reason; a review's ids
 *    are the body's, in order
 *  - an address read is lower-case, within LIMIT_EMAIL_BYTES and (but at
 *    sign-in, which only compares it) a valid address; tokens, passwords
 *    and names are present and within their limits, names on one line;
 *    a sign-in takes exactly email and password as strings (its one
 *    refusal without a field is of other keys)
 *  - kudos go to a positive participation (or 0: not named) with a
 *    message without NUL within LIMIT_KUDOS_BYTES; a highlight is
 *    non-blank; notification changes are the body's items, in order, each
 *    with a kind and a mode
 *  - a phase tick names an item >= 0 and a phase >= -1; a run's
 *    objective is total, fair or stable and its minimum score in 0..1
 *    (the program's kept when not given); a pair edit has positive ids
 *  - an account made by an admin has an address (its lower-cased copy),
 *    a one-line name, a role among admin, coordinator and member, and a
 *    password (if any) that password_weakness accepts
 *  - a relationship made by hand has the body's integers in its order
 *    (at most LIMIT_RELATIONSHIP_MEMBERS - 1) and a mentor >= 1 unless it
 *    is a peer circle; a token a one-line name, a lifetime within the
 *    maximum (the default when not given) and a password
 *  - a coordinator's note is non-blank, a nudge and a follow-up's reason
 *    within their limits ("" when absent); a follow-up's version is >= 1
 *    (the relationship's when not given), a reassignment names a mentor
 *  - a health check's share is -1 exactly when the body leaves it out,
 *    its ratings 1-5; a share flag, a hidden flag and a signature's
 *    version are what the body says
 *  - an agreement edit and a survey PATCH carry a version >= 1 and the
 *    rest of the body without it; a survey made from no template is the
 *    body itself, from one never keeps the key "template"; what follows
 *    (the edit, the survey) holds as in cases 4 and 8
 *  - a survey response's answers are the body's; a training completion
 *    answers the module's required question
 *  - sign-up domains are the body's, trimmed and lower-cased, in order;
 *    no reader takes a reference to the body it does not give back (the
 *    body's values keep their count)
 *  - a program's body has a one-line name, a description, a status among
 *    program_statuses and (on PATCH) a version >= 1, what it does not name
 *    kept from before, and a normalised configuration that is a fixed point
 */
#include "fuzz.h"

#include <jansson.h>
#include <strings.h>

#include "api/api.h"
#include "base/limits.h"
#include "base/str.h"
#include "domain/account.h"
#include "domain/agreement.h"
#include "domain/enrolment.h"
#include "domain/goal.h"
#include "domain/health.h"
#include "domain/meeting.h"
#include "domain/notification.h"
#include "domain/password.h"
#include "domain/phase.h"
#include "domain/note.h"
#include "domain/profile.h"
#include "domain/relationship.h"
#include "domain/request.h"
#include "domain/program.h"
#include "domain/proposal.h"
#include "domain/recognition.h"
#include "domain/resource.h"
#include "domain/risk.h"
#include "domain/session.h"
#include "domain/signup.h"
#include "domain/survey.h"
#include "domain/survey_template.h"
#include "domain/training.h"
#include "domain/validate.h"

#define NOW 1780000000 /* 2026-05-28 */

static struct survey_def survey;     /* every kind of question, for the answers */
static struct program_config config; /* selection questions of every type */
static json_t *agreement;            /* the defaults an edit starts from */
static json_t *module;               /* a training module with a required question */
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
    module = json_loads("{\"id\": \"m1\", \"role\": \"both\", \"title\": \"T\", \"questions\": ["
                        "{\"id\": \"q1\", \"label\": \"Q\", \"required\": true},"
                        "{\"id\": \"q2\", \"label\": \"R\"}]}",
                        0, NULL);
    if (!agreement || !module)
        abort();
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

static bool blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

static bool among(const char *s, const char *const *values)
{
    for (; *values; values++)
        if (!strcmp(s, *values))
            return true;
    return false;
}

/* An independent reading of "YYYY-MM-DD": digits, a real day of the
 * Gregorian calendar, a year of the accepted range. */
static bool real_date(const char *s)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < LIMIT_YEAR_MIN || y > LIMIT_YEAR_MAX || m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

/* The first and the last second of the accepted years, counted here. */
static int64_t year_start(int y)
{
    int64_t days = 0;
    for (int k = 1970; k < y; k++)
        days += 365 + ((k % 4 == 0 && k % 100 != 0) || k % 400 == 0);
    for (int k = y; k < 1970; k++)
        days -= 365 + ((k % 4 == 0 && k % 100 != 0) || k % 400 == 0);
    return days * 86400;
}

static void goal(const json_t *body, bool create)
{
    struct goal_change g = {0};
    verr e = VERR_COLLECT;
    int rc = goal_change_read(body, create, &g, &e);
    check_verr(rc, &e);
    if (rc)
        return;
    if (create)
        fuzz_assert(g.statement && !blank(g.statement));
    if (g.statement)
        fuzz_assert(!blank(g.statement) && strlen(g.statement) <= LIMIT_WORKSPACE_SHORT_BYTES);
    else
        fuzz_assert(!json_object_get(body, "statement"));
    fuzz_assert(!g.measure || strlen(g.measure) <= LIMIT_WORKSPACE_SHORT_BYTES);
    fuzz_assert(!g.why || strlen(g.why) <= LIMIT_WORKSPACE_SHORT_BYTES);
    fuzz_assert(!g.status || among(g.status, goal_statuses));
    fuzz_assert(g.status || !json_object_get(body, "status"));
    if (g.target_date)
        fuzz_assert(g.set_target_date && real_date(g.target_date));
    fuzz_assert(g.set_target_date == (json_object_get(body, "target_date") != NULL));
    fuzz_assert(g.set_progress == (json_object_get(body, "progress") != NULL));
    fuzz_assert(!g.set_progress || (g.progress >= 0 && g.progress <= 100));
}

static void milestone(const json_t *body, bool create)
{
    struct milestone_change m = {0};
    verr e = VERR_COLLECT;
    int rc = milestone_change_read(body, create, &m, &e);
    check_verr(rc, &e);
    if (rc)
        return;
    if (create)
        fuzz_assert(m.title && m.done == -1);
    if (m.title)
        fuzz_assert(!blank(m.title) && v_line_problem(m.title, strlen(m.title)) == NULL &&
                    strlen(m.title) <= LIMIT_WORKSPACE_SHORT_BYTES);
    else
        fuzz_assert(!json_object_get(body, "title"));
    if (m.due_date)
        fuzz_assert(m.set_due_date && real_date(m.due_date));
    fuzz_assert(m.set_due_date == (json_object_get(body, "due_date") != NULL));
    fuzz_assert(m.done >= -1 && m.done <= 1);
    fuzz_assert((m.done == -1) == !json_object_get(body, "done"));
}

static void meeting(const json_t *body, bool create)
{
    static const char *const recap_keys[] = {"discussed", "decisions", "next_steps", NULL};
    struct meeting_change m = {0};
    json_t *recap = NULL;
    verr e = VERR_COLLECT;
    int rc = meeting_change_read(body, create, &m, &recap, &e);
    check_verr(rc, &e);
    if (rc == 0) {
        if (create)
            fuzz_assert(m.set_starts_at);
        if (m.set_starts_at)
            fuzz_assert(m.starts_at >= year_start(LIMIT_YEAR_MIN) &&
                        m.starts_at < year_start(LIMIT_YEAR_MAX + 1));
        else
            fuzz_assert(!json_object_get(body, "starts_at"));
        fuzz_assert(m.set_minutes == (json_object_get(body, "duration_minutes") != NULL));
        if (m.set_minutes && !json_is_null(json_object_get(body, "duration_minutes")))
            fuzz_assert(m.minutes >= 1 && m.minutes <= LIMIT_MEETING_MINUTES);
        fuzz_assert(!m.mode || among(m.mode, meeting_modes));
        fuzz_assert(!m.status || among(m.status, meeting_statuses));
        fuzz_assert(m.status || !json_object_get(body, "status") ||
                    json_is_null(json_object_get(body, "status")));
        fuzz_assert(m.rating == 0 || (m.rating >= 1 && m.rating <= 5));
        if (m.agenda) {
            size_t i;
            json_t *item;
            fuzz_assert(json_array_size(m.agenda) <= LIMIT_MEETING_AGENDA_ITEMS);
            json_array_foreach(m.agenda, i, item) fuzz_assert(json_is_string(item));
        }
        fuzz_assert(m.recap == recap);
        if (recap) {
            fuzz_assert(json_object_size(recap) == 3);
            for (const char *const *k = recap_keys; *k; k++)
                fuzz_assert(json_is_string(json_object_get(recap, *k)));
        }
        fuzz_assert(!m.attendance || json_is_object(m.attendance));
        if (create)
            fuzz_assert(!m.status && !m.recap && !m.attendance && !m.rating);
    }
    json_decref(recap);
}

static void reflection_check(const struct rel_reflection *r)
{
    fuzz_assert(r->learned && !blank(r->learned) && strlen(r->learned) <= LIMIT_TEXT_BYTES);
    fuzz_assert(r->next_steps && strlen(r->next_steps) <= LIMIT_TEXT_BYTES);
    fuzz_assert(r->program_feedback && strlen(r->program_feedback) <= LIMIT_TEXT_BYTES);
}

static void rel_change(const json_t *body)
{
    struct rel_change c = {0};
    struct rel_reflection r = {0};
    verr e = VERR_COLLECT;
    int rc = rel_change_read(body, &c, &r, &e);
    check_verr(rc, &e);
    if (rc)
        return;
    fuzz_assert((int)c.action >= 0 && (int)c.action < REL_ACTION_COUNT);
    fuzz_assert(
        !strcmp(rel_action_name(c.action), json_string_value(json_object_get(body, "action"))));
    fuzz_assert(c.version >= 1 && c.reason && strlen(c.reason) <= LIMIT_REASON_BYTES);
    fuzz_assert((c.reflection != NULL) == (json_object_get(body, "reflection") != NULL));
    if (c.reflection)
        reflection_check(c.reflection);
}

static void reflection(const json_t *body)
{
    struct rel_reflection r = {0};
    verr e = VERR_COLLECT;
    int rc = rel_reflection_read(body, "", &r, &e);
    check_verr(rc, &e);
    if (rc == 0)
        reflection_check(&r);
}

static void request_new(const json_t *body)
{
    int64_t ids[LIMIT_REQUEST_CHOICES];
    struct request_new in = {0};
    verr e = VERR_COLLECT;
    int rc = request_new_read(body, ids, &in, &e);
    check_verr(rc, &e);
    if (rc)
        return;
    const json_t *list = json_object_get(body, "mentors");
    fuzz_assert(in.mentors == ids && in.n >= 1 && in.n <= LIMIT_REQUEST_CHOICES);
    fuzz_assert(in.n == json_array_size(list));
    for (size_t i = 0; i < in.n; i++)
        fuzz_assert(ids[i] == json_integer_value(json_array_get(list, i)));
    fuzz_assert(in.message && strlen(in.message) <= LIMIT_REQUEST_MESSAGE_BYTES);
}

static void request_answer(const json_t *body)
{
    static const char *const names[] = {"accept", "decline", "withdraw"};
    enum request_action a = (enum request_action) - 1;
    const char *message = NULL;
    verr e = VERR_COLLECT;
    int rc = request_answer_read(body, &a, &message, &e);
    check_verr(rc, &e);
    if (rc)
        return;
    fuzz_assert((unsigned)a <= REQUEST_WITHDRAW);
    fuzz_assert(!strcmp(names[a], json_string_value(json_object_get(body, "action"))));
    fuzz_assert(message && strlen(message) <= LIMIT_REASON_BYTES);
}

static void note(const json_t *body, bool create)
{
    const char *text = "x", *vis = "x";
    verr e = VERR_COLLECT;
    int rc = note_input_read(body, create, &text, &vis, &e);
    check_verr(rc, &e);
    if (rc)
        return;
    if (create)
        fuzz_assert(text);
    if (text)
        fuzz_assert(!blank(text) && strlen(text) <= LIMIT_TEXT_BYTES);
    else
        fuzz_assert(!json_object_get(body, "body"));
    fuzz_assert(!vis || among(vis, note_visibilities));
    fuzz_assert(vis || !json_object_get(body, "visibility") ||
                json_is_null(json_object_get(body, "visibility")));
}

static void message(const json_t *body)
{
    const char *text = NULL;
    verr e = VERR_COLLECT;
    int rc = message_input_read(body, &text, &e);
    check_verr(rc, &e);
    if (rc == 0)
        fuzz_assert(text && !blank(text) && strlen(text) <= LIMIT_MESSAGE_BYTES);
}

static void numbers_check(const json_t *body, const struct enrolment_numbers *n)
{
    const json_t *c = json_object_get(body, "capacity"), *w = json_object_get(body, "wants");
    if (n->has_capacity)
        fuzz_assert(json_is_integer(c) && json_integer_value(c) == n->capacity);
    if (n->has_wants)
        fuzz_assert(json_is_integer(w) && json_integer_value(w) == n->wants);
}

/* The clean profile is there exactly when the body's profile is good. */
static void profile_check(const json_t *body, const json_t *profile, int rc)
{
    const json_t *in = json_object_get(body, "profile");
    if (profile)
        fuzz_assert(json_is_object(in) && json_is_object(profile));
    if (rc == 0 && json_is_object(in))
        fuzz_assert(profile != NULL);
    if (!in || json_is_null(in))
        fuzz_assert(profile == NULL);
}

static void enrol_apply(const json_t *body)
{
    static const char *const roles[] = {"mentor", "mentee", NULL};
    struct enrolment_application in = {0};
    json_t *profile = NULL;
    verr e = VERR_COLLECT;
    int rc = enrolment_application_read(body, NOW, &in, &profile, &e);
    check_verr(rc, &e);
    fuzz_assert(!in.role || among(in.role, roles));
    fuzz_assert(rc || in.role);
    fuzz_assert(in.answers == json_object_get(body, "answers") && in.profile == profile);
    numbers_check(body, &in.numbers);
    profile_check(body, profile, rc);
    json_decref(profile);
}

static void enrol_add(const json_t *body)
{
    static const char *const roles[] = {"mentor", "mentee", "coordinator", "viewer", NULL};
    struct enrolment_add in = {0};
    json_t *profile = NULL;
    verr e = VERR_COLLECT;
    int rc = enrolment_add_read(body, NOW, &in, &profile, &e);
    check_verr(rc, &e);
    fuzz_assert(!in.role || among(in.role, roles));
    if (in.name)
        fuzz_assert(!blank(in.name) && v_line_problem(in.name, strlen(in.name)) == NULL);
    if (rc == 0) {
        fuzz_assert(in.role && in.email && !blank(in.email) &&
                    strlen(in.email) <= LIMIT_EMAIL_BYTES);
        fuzz_assert(in.invite == !json_is_false(json_object_get(body, "invite")));
    }
    numbers_check(body, &in.numbers);
    profile_check(body, profile, rc);
    json_decref(profile);
}

static void enrol_change(const json_t *body)
{
    static const char *const statuses[] = {"", "approved", "declined", "withdrawn", NULL};
    struct enrolment_change in = {0};
    const char *status = NULL, *reason = NULL;
    json_t *profile = NULL;
    verr e = VERR_COLLECT;
    int rc = enrolment_change_read(body, NOW, &in, &status, &reason, &profile, &e);
    check_verr(rc, &e);
    fuzz_assert(status && among(status, statuses));
    if (rc == 0 && !strcmp(status, "declined"))
        fuzz_assert(reason && !blank(reason) && strlen(reason) <= LIMIT_REASON_BYTES);
    numbers_check(body, &in.numbers);
    profile_check(body, profile, rc);
    json_decref(profile);
}

static void enrol_bulk(const json_t *body)
{
    static const char *const actions[] = {"approve", "decline", NULL};
    const char *action = NULL, *reason = NULL;
    int64_t *ids = NULL;
    size_t n = 0;
    verr e = VERR_COLLECT;
    int rc = enrolment_bulk_read(body, &action, &reason, &ids, &n, &e);
    check_verr(rc, &e);
    fuzz_assert(ids != NULL && (!action || among(action, actions)));
    fuzz_assert(rc || action);
    const json_t *list = json_object_get(body, "ids");
    if (rc == 0) {
        fuzz_assert(n == json_array_size(list) && n <= LIMIT_PAGE_MAX * 10);
        for (size_t i = 0; i < n; i++)
            fuzz_assert(ids[i] == json_integer_value(json_array_get(list, i)));
    }
    free(ids);
}

static bool lower_case(const char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            return false;
    return true;
}

static void sign_in(const json_t *body)
{
    char email[LIMIT_EMAIL_BYTES + 1];
    const char *password = NULL;
    verr e = VERR_COLLECT;
    int rc = account_sign_in_read(body, email, &password, &e);
    check_verr(rc, &e);
    bool shape = json_object_size(body) == 2 && json_is_string(json_object_get(body, "email")) &&
                 json_is_string(json_object_get(body, "password"));
    fuzz_assert((rc == 0) == (shape && strlen(json_string_value(json_object_get(body, "email"))) <=
                                           LIMIT_EMAIL_BYTES));
    if (rc == 0)
        fuzz_assert(password && lower_case(email) && strlen(email) <= LIMIT_EMAIL_BYTES);
}

static void address_check(const char *email)
{
    fuzz_assert(lower_case(email) && strlen(email) <= LIMIT_EMAIL_BYTES && str_email_valid(email));
}

static void secret_check(const char *token, const char *password)
{
    fuzz_assert(token && !blank(token) && strlen(token) <= 128);
    fuzz_assert(password && !blank(password) && strlen(password) <= LIMIT_PASSWORD_MAX);
}

static void account(const json_t *body, int which)
{
    char email[LIMIT_EMAIL_BYTES + 1] = "";
    const char *token = NULL, *password = NULL, *name = NULL;
    bool email_ok = false;
    verr e = VERR_COLLECT;
    int rc = -1;
    switch (which) {
    case 29: rc = account_reset_read(body, email, &e); break;
    case 30: rc = account_reset_complete_read(body, &token, &password, &e); break;
    case 31: rc = account_signup_read(body, email, &name, &password, &email_ok, &e); break;
    case 32: rc = account_verify_read(body, &token, &e); break;
    default: rc = account_invitation_read(body, &token, &password, &name, &e); break;
    }
    check_verr(rc, &e);
    if (email_ok)
        address_check(email);
    if (name)
        fuzz_assert(!blank(name) && strlen(name) <= LIMIT_NAME_BYTES &&
                    v_line_problem(name, strlen(name)) == NULL);
    if (rc)
        return;
    switch (which) {
    case 29: address_check(email); break;
    case 30: secret_check(token, password); break;
    case 31:
        fuzz_assert(email_ok && name && password && !blank(password));
        address_check(email);
        break;
    case 32: fuzz_assert(token && !blank(token) && strlen(token) <= 128); break;
    default: secret_check(token, password); break;
    }
}

static void kudos(const json_t *body)
{
    int64_t to = -1;
    const char *message = NULL;
    verr e = VERR_COLLECT;
    int rc = kudos_input_read(body, &to, &message, &e);
    check_verr(rc, &e);
    if (rc)
        return;
    fuzz_assert(to >= 0 && (to > 0) == (json_object_get(body, "to") != NULL));
    fuzz_assert(message && strlen(message) <= LIMIT_KUDOS_BYTES &&
                strlen(message) == json_string_length(json_object_get(body, "message")));
}

static void highlight(const json_t *body)
{
    const char *text = NULL;
    verr e = VERR_COLLECT;
    int rc = highlight_input_read(body, &text, &e);
    check_verr(rc, &e);
    if (rc == 0)
        fuzz_assert(text && !blank(text) && strlen(text) <= LIMIT_HIGHLIGHT_BYTES);
}

static void notification_settings(const json_t *body)
{
    struct notification_change ch[8];
    size_t n = 99;
    verr e = VERR_COLLECT;
    int rc = notification_changes_read(body, ch, 8, &n, &e);
    check_verr(rc, &e);
    fuzz_assert(n <= 8);
    if (rc)
        return;
    const json_t *list = json_object_get(body, "kinds");
    fuzz_assert(n == json_array_size(list));
    for (size_t i = 0; i < n; i++) {
        const json_t *it = json_array_get(list, i);
        fuzz_assert(ch[i].kind && ch[i].mode && !blank(ch[i].kind) && !blank(ch[i].mode));
        fuzz_assert(!strcmp(ch[i].kind, json_string_value(json_object_get(it, "kind"))));
        fuzz_assert(!strcmp(ch[i].mode, json_string_value(json_object_get(it, "mode"))));
    }
}

static void phase(const json_t *body, bool advance)
{
    verr e = VERR_COLLECT;
    int64_t ph = -2, item = -2;
    bool done = false, override = true;
    int rc = advance ? phase_advance_read(body, &override, &e)
                     : phase_check_read(body, &ph, &item, &done, &e);
    check_verr(rc, &e);
    if (rc)
        return;
    if (advance) {
        fuzz_assert(override == json_is_true(json_object_get(body, "override")));
    } else {
        fuzz_assert(item >= 0 && item <= INT32_MAX && ph >= -1 && ph <= INT32_MAX);
        fuzz_assert((ph == -1) == !json_is_integer(json_object_get(body, "phase")));
        fuzz_assert(done == !json_is_false(json_object_get(body, "done")));
    }
}

static void match_run(const json_t *body)
{
    static const char *const objs[] = {"total", "fair", "stable", NULL};
    const char *objective = "fair";
    double min_score = 0.25;
    verr e = VERR_COLLECT;
    int rc = proposal_run_read(body, &objective, &min_score, &e);
    check_verr(rc, &e);
    if (rc)
        return;
    fuzz_assert(objective && among(objective, objs) && min_score >= 0 && min_score <= 1);
    if (!json_object_get(body, "objective") || json_is_null(json_object_get(body, "objective")))
        fuzz_assert(!strcmp(objective, "fair"));
    if (!json_object_get(body, "min_score") || json_is_null(json_object_get(body, "min_score")))
        fuzz_assert(min_score == 0.25);
}

static void match_pair(const json_t *body)
{
    static const char *const names[] = {"lock", "unlock", "exclude", "include", "add", "remove"};
    enum proposal_pair_action a = (enum proposal_pair_action) - 1;
    int64_t mentee = 0, mentor = 0;
    verr e = VERR_COLLECT;
    int rc = proposal_pair_read(body, &a, &mentee, &mentor, &e);
    check_verr(rc, &e);
    if (rc)
        return;
    fuzz_assert((unsigned)a <= PAIR_REMOVE && mentee >= 1 && mentor >= 1);
    fuzz_assert(!strcmp(names[a], json_string_value(json_object_get(body, "action"))));
}

static void person(const json_t *body)
{
    static const char *const roles[] = {"admin", "coordinator", "member", NULL};
    const char *email = NULL, *name = NULL, *password = NULL, *role = NULL;
    char lower[LIMIT_EMAIL_BYTES + 1];
    verr e = VERR_COLLECT;
    int rc = account_person_read(body, &email, &name, &password, &role, lower, &e);
    check_verr(rc, &e);
    if (rc)
        return;
    fuzz_assert(email && name && role && among(role, roles) && lower_case(lower));
    fuzz_assert(strlen(lower) == strlen(email) && strlen(email) <= LIMIT_EMAIL_BYTES);
    fuzz_assert(!blank(name) && v_line_problem(name, strlen(name)) == NULL);
    fuzz_assert(!password || password_weakness(password, lower) == NULL);
}

static void rel_new(const json_t *body)
{
    int64_t ids[LIMIT_RELATIONSHIP_MEMBERS];
    struct rel_new_input in;
    verr e = VERR_COLLECT;
    int rc = rel_new_read(body, ids, &in, &e);
    check_verr(rc, &e);
    fuzz_assert(in.ids == ids && in.n <= LIMIT_RELATIONSHIP_MEMBERS - 1);
    fuzz_assert(in.peer == (json_object_get(body, "peers") != NULL));
    if (rc)
        return;
    const json_t *list = json_object_get(body, in.peer ? "peers" : "mentees");
    fuzz_assert(in.peer ? in.mentor == 0 : in.mentor >= 1);
    fuzz_assert(in.n == json_array_size(list));
    for (size_t i = 0; i < in.n; i++)
        fuzz_assert(ids[i] == json_integer_value(json_array_get(list, i)));
}

static bool absent(const json_t *body, const char *key)
{
    const json_t *v = json_object_get(body, key);
    return !v || json_is_null(v);
}

static void token(const json_t *body)
{
    struct token_request t;
    verr e = VERR_COLLECT;
    int rc = token_request_read(body, LIMIT_TOKEN_DAYS_DEFAULT, LIMIT_TOKEN_DAYS_MAX, &t, &e);
    check_verr(rc, &e);
    if (rc)
        return;
    fuzz_assert(t.name && !blank(t.name) && strlen(t.name) <= LIMIT_NAME_BYTES &&
                v_line_problem(t.name, strlen(t.name)) == NULL);
    fuzz_assert(t.days >= 1 && t.days <= LIMIT_TOKEN_DAYS_MAX);
    if (absent(body, "expires_in_days"))
        fuzz_assert(t.days == LIMIT_TOKEN_DAYS_DEFAULT);
    fuzz_assert(t.password && !blank(t.password) && strlen(t.password) <= LIMIT_PASSWORD_MAX);
}

static void risk_note(const json_t *body, bool nudge)
{
    const char *text = NULL;
    verr e = VERR_COLLECT;
    int rc = nudge ? risk_nudge_read(body, &text, &e) : risk_note_read(body, &text, &e);
    check_verr(rc, &e);
    if (rc)
        return;
    fuzz_assert(text && strlen(text) <= (nudge ? LIMIT_NUDGE_BYTES : LIMIT_RISK_NOTE_BYTES));
    if (nudge)
        fuzz_assert(!absent(body, "message") || !*text);
    else
        fuzz_assert(!blank(text));
}

static void followup(const json_t *body, bool with_mentor)
{
    struct risk_followup f = {.version = 7};
    verr e = VERR_COLLECT;
    int rc = risk_followup_read(body, with_mentor, &f, &e);
    check_verr(rc, &e);
    if (rc)
        return;
    fuzz_assert(f.reason && strlen(f.reason) <= LIMIT_REASON_BYTES);
    fuzz_assert(f.version >= 1 && (!absent(body, "version") || f.version == 7));
    fuzz_assert(with_mentor ? f.mentor >= 1 : f.mentor == 0);
}

static void health_check(const json_t *body)
{
    int r[HEALTH_QUALITIES];
    const char *comment = NULL;
    int share = 9;
    verr e = VERR_COLLECT;
    int rc = health_check_read(body, r, &comment, &share, &e);
    check_verr(rc, &e);
    if (rc)
        return;
    for (int i = 0; i < HEALTH_QUALITIES; i++)
        fuzz_assert(r[i] >= 1 && r[i] <= 5);
    fuzz_assert(comment && strlen(comment) <= LIMIT_HEALTH_COMMENT_BYTES);
    fuzz_assert(share ==
                (absent(body, "share") ? -1 : json_is_true(json_object_get(body, "share"))));
}

static void flag(const json_t *body, int which)
{
    bool v = false;
    int64_t version = -1;
    verr e = VERR_COLLECT;
    int rc = which == 49   ? health_share_read(body, &v, &e)
             : which == 52 ? resource_hidden_read(body, &v, &e)
                           : agreement_sign_read(body, &version, &e);
    check_verr(rc, &e);
    if (rc)
        return;
    if (which == 51) {
        fuzz_assert(absent(body, "version") ? version == 0 : version >= 1 && version <= INT32_MAX);
        return;
    }
    const json_t *f = json_object_get(body, which == 49 ? "share" : "hidden");
    fuzz_assert(json_is_boolean(f) && v == json_is_true(f) && json_object_size(body) == 1);
}

/* A versioned change split: the version in range, the rest without it. */
static void split_check(const json_t *body, int64_t version, int64_t max, const json_t *rest)
{
    fuzz_assert(version >= 1 && version <= max && json_is_object(rest));
    fuzz_assert(!json_object_get(rest, "version"));
    fuzz_assert(json_object_size(rest) + 1 == json_object_size(body));
}

static void agreement_put(const json_t *body)
{
    int64_t version = -1;
    json_t *edit = NULL;
    verr e = VERR_COLLECT;
    int rc = agreement_put_read(body, &version, &edit, &e);
    check_verr(rc, &e);
    if (rc == 0) {
        split_check(body, version, INT32_MAX, edit);
        agreement_edit_(edit);
    } else {
        fuzz_assert(edit == NULL);
    }
    json_decref(edit);
}

static void survey_create(const json_t *body)
{
    const char *tmpl = "x";
    json_t *doc = NULL;
    verr e = VERR_COLLECT;
    int rc = survey_create_doc(body, &tmpl, &doc, &e);
    check_verr(rc, &e);
    if (rc == 0) {
        fuzz_assert(json_is_object(doc) && !json_object_get(doc, "template"));
        if (absent(body, "template")) {
            fuzz_assert(!tmpl);
            fuzz_assert(json_object_size(doc) + (json_object_get(body, "template") != NULL) ==
                        json_object_size(body));
            const char *key;
            json_t *v;
            json_object_foreach(doc, key, v) fuzz_assert(json_equal(v, json_object_get(body, key)));
        } else
            fuzz_assert(tmpl &&
                        !strcmp(tmpl, json_string_value(json_object_get(body, "template"))));
        survey_def(doc);
    } else {
        fuzz_assert(doc == NULL);
    }
    json_decref(doc);
}

static void survey_patch(const json_t *body)
{
    int64_t version = -1;
    json_t *changes = NULL;
    struct survey_def out = {0}, again = {0};
    verr e = VERR_COLLECT;
    int rc = survey_patch_read(body, &version, &changes, &e);
    check_verr(rc, &e);
    if (rc) {
        fuzz_assert(changes == NULL);
        return;
    }
    split_check(body, version, INT64_MAX / 2, changes);
    verr e2 = VERR_COLLECT;
    rc = survey_def_normalize(changes, &survey, &out, &e2);
    check_verr(rc, &e2);
    if (rc == 0) {
        verr e3 = VERR_COLLECT;
        if (survey_def_normalize(out.doc, NULL, &again, &e3))
            fuzz_fail("the changed survey is refused: %s: %s", e3.field, e3.msg);
        fuzz_assert(json_equal(out.doc, again.doc));
    }
    survey_def_cleanup(&again);
    survey_def_cleanup(&out);
    json_decref(changes);
}

static void survey_response(const json_t *body)
{
    int64_t round = -1;
    const json_t *given = (const json_t *)1;
    verr e = VERR_COLLECT;
    int rc = survey_response_read(body, &round, &given, &e);
    check_verr(rc, &e);
    fuzz_assert(given == json_object_get(body, "answers"));
    if (rc)
        return;
    fuzz_assert(absent(body, "round_id") ? round == 0 : round >= 1);
    answers(given);
}

static void training(const json_t *body)
{
    const char *role = "x";
    const json_t *given = (const json_t *)1;
    verr e = VERR_COLLECT;
    int rc = training_completion_read(body, module, &role, &given, &e);
    check_verr(rc, &e);
    if (rc)
        return;
    fuzz_assert(!role || (!blank(role) && strlen(role) <= 16));
    fuzz_assert(json_is_object(given) && given == json_object_get(body, "answers"));
    const json_t *q1 = json_object_get(given, "q1");
    fuzz_assert(q1 && !json_is_null(q1) && !(json_is_string(q1) && !json_string_length(q1)));
}

static void signup_settings(const json_t *body)
{
    static char domains[LIMIT_SIGNUP_DOMAINS][LIMIT_DOMAIN_BYTES + 1];
    bool enabled = true;
    size_t n = 99;
    const json_t *list = json_object_get(body, "domains");
    size_t refs = list ? list->refcount : 0;
    verr e = VERR_COLLECT;
    int rc = signup_settings_read(body, &enabled, domains, &n, &e);
    check_verr(rc, &e);
    fuzz_assert(n <= LIMIT_SIGNUP_DOMAINS);
    if (list)
        fuzz_assert(list->refcount == refs);
    if (rc)
        return;
    fuzz_assert(enabled == json_is_true(json_object_get(body, "enabled")));
    fuzz_assert(json_is_array(list) && n == json_array_size(list));
    for (size_t i = 0; i < n; i++) {
        const char *d = domains[i];
        size_t len = strlen(d);
        fuzz_assert(lower_case(d) && len <= LIMIT_DOMAIN_BYTES);
        /* the item trimmed of spaces, compared without regard to case */
        const char *src = json_string_value(json_array_get(list, i));
        size_t sl;
        while (*src == ' ')
            src++;
        for (sl = strlen(src); sl > 0 && src[sl - 1] == ' '; sl--)
            ;
        fuzz_assert(len == sl && strncasecmp(d, src, sl) == 0);
    }
}

static void program_body(const json_t *body, bool patch)
{
    struct program_config base = {0}, cfg = {0}, again = {0};
    verr e = VERR_COLLECT;
    json_t *empty = json_object();
    if (patch && program_config_normalize(empty, NULL, &base, &e))
        fuzz_fail("the defaults are refused: %s: %s", e.field, e.msg);
    struct program_fields was = {.name = patch ? "Before" : NULL,
                                 .description = patch ? "As it was" : "",
                                 .status = patch ? "running" : "draft",
                                 .version = patch ? 3 : 0};
    struct program_fields f = was;
    e = VERR_COLLECT;
    int rc = program_body_read(body, patch ? base.doc : NULL, &f, &cfg, &e);
    check_verr(rc, &e);
    if (rc) {
        fuzz_assert(cfg.doc == NULL);
    } else {
        fuzz_assert(f.name && !blank(f.name) && strlen(f.name) <= LIMIT_NAME_BYTES &&
                    v_line_problem(f.name, strlen(f.name)) == NULL);
        fuzz_assert(f.description && strlen(f.description) <= LIMIT_TEXT_BYTES);
        fuzz_assert(f.status && among(f.status, program_statuses));
        fuzz_assert(!patch || f.version >= 1);
        if (absent(body, "description"))
            fuzz_assert(!strcmp(f.description, was.description));
        if (absent(body, "status"))
            fuzz_assert(!strcmp(f.status, was.status));
        if (patch && absent(body, "name"))
            fuzz_assert(!strcmp(f.name, was.name));
        verr e2 = VERR_COLLECT;
        if (program_config_normalize(cfg.doc, NULL, &again, &e2))
            fuzz_fail("the normalised configuration is refused: %s: %s", e2.field, e2.msg);
        fuzz_assert(json_equal(cfg.doc, again.doc));
    }
    program_config_cleanup(&again);
    program_config_cleanup(&cfg);
    program_config_cleanup(&base);
    json_decref(empty);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    int which = (uint8_t)(data[0] - '0') % 80;
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
    case 11:
    case 12: goal(obj, which == 11); break;
    case 13:
    case 14: milestone(obj, which == 13); break;
    case 15:
    case 16: meeting(obj, which == 15); break;
    case 17: rel_change(obj); break;
    case 18: reflection(obj); break;
    case 19: request_new(obj); break;
    case 20: request_answer(obj); break;
    case 21:
    case 22: note(obj, which == 21); break;
    case 23: message(obj); break;
    case 24: enrol_apply(obj); break;
    case 25: enrol_add(obj); break;
    case 26: enrol_change(obj); break;
    case 27: enrol_bulk(obj); break;
    case 28: sign_in(obj); break;
    case 29:
    case 30:
    case 31:
    case 32:
    case 33: account(obj, which); break;
    case 34: kudos(obj); break;
    case 35: highlight(obj); break;
    case 36: notification_settings(obj); break;
    case 37:
    case 38: phase(obj, which == 38); break;
    case 39: match_run(obj); break;
    case 40: match_pair(obj); break;
    case 41: person(obj); break;
    case 42: rel_new(obj); break;
    case 43: token(obj); break;
    case 44:
    case 45: risk_note(obj, which == 45); break;
    case 46:
    case 47: followup(obj, which == 47); break;
    case 48: health_check(obj); break;
    case 49:
    case 51:
    case 52: flag(obj, which); break;
    case 50: agreement_put(obj); break;
    case 53: survey_create(obj); break;
    case 54: survey_patch(obj); break;
    case 55: survey_response(obj); break;
    case 56: training(obj); break;
    case 57: signup_settings(obj); break;
    case 58:
    case 59: program_body(obj, which == 59); break;
    default: break;
    }
    json_decref(obj);
    return 0;
}
