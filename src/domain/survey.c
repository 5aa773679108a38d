#include "domain/survey.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"

const char *const survey_kinds[] = {"likert", "nps", "single", "multi", "text", NULL};
const char *const survey_audiences[] = {"both", "mentors", "mentees", NULL};
const char *const survey_triggers[] = {
    "manual", "training_completed", "relationship_started", "midpoint", "closure", "meeting_held",
    NULL};
const char *const survey_statuses[] = {"draft", "active", "closed", NULL};
const char *const survey_purposes[] = {"feedback", "pairing_fit", NULL};
const char *const survey_fit_options[] = {"Yes", "Not sure", "No", NULL};

#define DAY 86400
enum { DEFAULT_START_AFTER = 30, DEFAULT_START_EVERY = 60 };

int survey_name_index(const char *const *names, const char *name)
{
    for (int i = 0; name && names[i]; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

/* A member of in, else of base. */
static const json_t *pick(const json_t *in, const json_t *base, const char *key)
{
    const json_t *v = json_object_get(in, key);
    return v ? v : json_object_get(base, key);
}

static bool id_ok(const char *id)
{
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return *id != '\0';
}

static bool is_choice(enum survey_kind k)
{
    return k == SURVEY_SINGLE || k == SURVEY_MULTI;
}

/* Checks one question at qp; appends the clean one to qs. Every bad
 * field is added to e; returns -1 when one was. */
static int question(const json_t *q, const char *qp, size_t i, json_t *qs, verr *e)
{
    static const char *const keys[] = {"id", "kind", "label", "options", "required", NULL};
    const char *id, *kind, *label;
    bool required;
    json_t *options;
    verr one = {0};
    if (!json_is_object(q))
        return v_add(e, qp, "", "must be an object");
    if (v_known_keys(q, qp, keys, &one) ||
        v_string(q, "id", qp, false, false, LIMIT_CONFIG_ID_BYTES, NULL, &id, &one) ||
        v_enum(q, "kind", qp, survey_kinds, NULL, &kind, &one) ||
        v_string(q, "label", qp, true, false, LIMIT_CONFIG_LABEL_BYTES, NULL, &label, &one) ||
        v_bool(q, "required", qp, false, &required, &one) ||
        v_string_list(q, "options", qp, LIMIT_SURVEY_OPTIONS, LIMIT_CONFIG_OPTION_BYTES, &options,
                      &one))
        return v_add(e, "", one.field, "%s", one.msg);
    char gen[16];
    if (!id) {
        /* The first free "qN". */
        for (size_t n = i + 1;; n++) {
            str_fmt(gen, sizeof gen, "q%zu", n);
            bool used = false;
            size_t k;
            json_t *o;
            json_array_foreach(qs, k, o) used =
                used || strcmp(json_string_value(json_object_get(o, "id")), gen) == 0;
            if (!used)
                break;
        }
        id = gen;
    } else if (!id_ok(id)) {
        return v_add(e, qp, "id", "must use only a-z, 0-9 and _");
    }
    size_t k;
    json_t *o;
    json_array_foreach(qs, k, o) if (strcmp(json_string_value(json_object_get(o, "id")), id) ==
                                     0) return v_add(e, qp, "id", "is used by another question");
    enum survey_kind kd = (enum survey_kind)survey_name_index(survey_kinds, kind);
    size_t nopt = options ? json_array_size(options) : 0;
    if (is_choice(kd) && nopt < 2)
        return v_add(e, qp, "options", "a %s question needs at least two options", kind);
    if (!is_choice(kd) && nopt)
        return v_add(e, qp, "options", "only single and multi questions have options");
    for (size_t a = 0; a < nopt; a++)
        for (size_t b = 0; b < a; b++)
            if (strcmp(json_string_value(json_array_get(options, a)),
                       json_string_value(json_array_get(options, b))) == 0) {
                char op[200];
                v_join(op, sizeof op, qp, "options");
                char oi[210];
                v_index(oi, sizeof oi, op, a);
                return v_add(e, oi, "", "repeats an option");
            }
    json_array_append_new(qs, json_pack("{s:s, s:s, s:s, s:o, s:b}", "id", id, "kind", kind,
                                        "label", label, "options",
                                        options ? json_deep_copy(options) : json_array(),
                                        "required", required));
    return 0;
}

/* Checks the trigger object (or its absence: manual). */
static int trigger(const json_t *t, const json_t *base, json_t **out, verr *e)
{
    static const char *const keys[] = {"on", "after_days", "every_days", "times", NULL};
    const char *on;
    int64_t after, every, times;
    json_t *empty = json_object();
    const json_t *src = t ? t : base ? base : empty;
    int rc = -1;
    if (!json_is_object(src)) {
        v_add(e, "", "trigger", "must be an object");
        goto done;
    }
    if (v_known_keys(src, "trigger", keys, e) ||
        v_enum(src, "on", "trigger", survey_triggers, "manual", &on, e))
        goto done;
    enum survey_on kind = (enum survey_on)survey_name_index(survey_triggers, on);
    bool start = kind == SURVEY_ON_START;
    if (v_int(src, "after_days", "trigger", 0, LIMIT_SURVEY_DAYS_MAX,
              start ? DEFAULT_START_AFTER : 0, false, &after, e) ||
        v_int(src, "every_days", "trigger", 0, LIMIT_SURVEY_DAYS_MAX,
              start ? DEFAULT_START_EVERY : 0, false, &every, e) ||
        v_int(src, "times", "trigger", 0, LIMIT_SURVEY_TIMES_MAX, 0, false, &times, e))
        goto done;
    if (kind == SURVEY_ON_MANUAL && after) {
        v_fail(e, "trigger", "after_days", "a manual survey opens when it is sent");
        goto done;
    }
    if (!start && every) {
        v_fail(e, "trigger", "every_days", "only a relationship_started survey repeats");
        goto done;
    }
    if (!start && kind != SURVEY_ON_MEETING && times) {
        v_fail(e, "trigger", "times",
               "only relationship_started and meeting_held surveys open more than once");
        goto done;
    }
    if (start && every && every < 7) {
        v_fail(e, "trigger", "every_days", "must be at least 7 days (or 0 to ask once)");
        goto done;
    }
    *out = json_pack("{s:s, s:I, s:I, s:I}", "on", on, "after_days", (json_int_t)after,
                     "every_days", (json_int_t)every, "times", (json_int_t)times);
    rc = 0;
done:
    json_decref(empty);
    return rc;
}

/* A pairing_fit survey's own rules. */
static int fit_rules(const json_t *doc, verr *e)
{
    if (json_is_true(json_object_get(doc, "anonymous")))
        return v_fail(e, "", "anonymous",
                      "a pairing-fit survey is not anonymous: its coordinator acts on a \"No\"");
    const char *on = json_string_value(json_object_get(json_object_get(doc, "trigger"), "on"));
    if (strcmp(on, "meeting_held") != 0 && strcmp(on, "relationship_started") != 0 &&
        strcmp(on, "midpoint") != 0)
        return v_fail(e, "trigger", "on",
                      "a pairing-fit survey follows a relationship (meeting_held, "
                      "relationship_started or midpoint)");
    size_t i;
    json_t *q;
    json_array_foreach(json_object_get(doc, "questions"), i, q)
    {
        if (strcmp(json_string_value(json_object_get(q, "id")), SURVEY_FIT_QUESTION) != 0)
            continue;
        json_t *opts = json_object_get(q, "options");
        bool same = strcmp(json_string_value(json_object_get(q, "kind")), "single") == 0 &&
                    json_array_size(opts) == 3;
        for (size_t k = 0; same && k < 3; k++)
            same = strcmp(json_string_value(json_array_get(opts, k)), survey_fit_options[k]) == 0;
        if (!same || !json_is_true(json_object_get(q, "required"))) {
            char qp[32];
            v_index(qp, sizeof qp, "questions", i);
            return v_fail(e, qp, "",
                          "the pairing-fit question is a required single choice of Yes, Not "
                          "sure, No");
        }
        return 0;
    }
    return v_fail(e, "", "questions",
                  "a pairing-fit survey asks \"%s\" (a required single choice of Yes, Not sure, "
                  "No)",
                  SURVEY_FIT_QUESTION);
}

int survey_def_normalize(const json_t *in, const struct survey_def *base, struct survey_def *out,
                         verr *e)
{
    static const char *const keys[] = {"title",  "intro",     "anonymous", "audience", "purpose",
                                       "status", "questions", "trigger",   NULL};
    const json_t *b = base ? base->doc : NULL;
    json_t *empty = json_object(), *qs = json_array(), *trig = NULL, *doc = NULL;
    memset(out, 0, sizeof *out);
    const char *title, *intro, *audience, *purpose, *status;
    bool anonymous;
    json_t *merged = json_object();
    for (const char *const *k = keys; *k; k++) {
        const json_t *v = pick(in, b, *k);
        if (v)
            json_object_set(merged, *k, (json_t *)v);
    }
    if (!json_is_object(in)) {
        v_fail(e, "", "", "must be an object");
        goto fail;
    }
    if (v_known_keys(in, "", keys, e))
        goto fail;
    bool bad = false;
    if (v_string(merged, "title", "", true, false, LIMIT_NAME_BYTES, NULL, &title, e)) {
        bad = true;
        title = "";
    }
    verr one = {0};
    if (v_string(merged, "intro", "", false, true, LIMIT_SURVEY_INTRO_BYTES, "", &intro, &one))
        bad = v_add(e, "", one.field, "%s", one.msg) != 0;
    one = (verr){0};
    if (v_bool(merged, "anonymous", "", false, &anonymous, &one))
        bad = v_add(e, "", one.field, "%s", one.msg) != 0;
    one = (verr){0};
    if (v_enum(merged, "audience", "", survey_audiences, "both", &audience, &one))
        bad = v_add(e, "", one.field, "%s", one.msg) != 0;
    one = (verr){0};
    if (v_enum(merged, "purpose", "", survey_purposes, "feedback", &purpose, &one))
        bad = v_add(e, "", one.field, "%s", one.msg) != 0;
    one = (verr){0};
    if (v_enum(merged, "status", "", survey_statuses, "draft", &status, &one))
        bad = v_add(e, "", one.field, "%s", one.msg) != 0;
    one = (verr){0};
    if (trigger(json_object_get(in, "trigger"), b ? json_object_get(b, "trigger") : NULL, &trig,
                &one))
        bad = v_add(e, "", one.field, "%s", one.msg) != 0;
    json_t *qin = json_object_get(merged, "questions");
    if (!qin || json_is_null(qin)) {
        bad = v_add(e, "", "questions", "a survey asks at least one question") != 0;
    } else if (!json_is_array(qin)) {
        bad = v_add(e, "", "questions", "must be an array") != 0;
    } else if (json_array_size(qin) == 0) {
        bad = v_add(e, "", "questions", "a survey asks at least one question") != 0;
    } else if (json_array_size(qin) > LIMIT_SURVEY_QUESTIONS) {
        bad = v_add(e, "", "questions", "has more than %d questions", LIMIT_SURVEY_QUESTIONS) != 0;
    } else {
        size_t i;
        json_t *q;
        json_array_foreach(qin, i, q)
        {
            char qp[32];
            v_index(qp, sizeof qp, "questions", i);
            if (question(q, qp, i, qs, e))
                bad = true;
        }
    }
    if (bad)
        goto fail;
    if (anonymous) {
        size_t i;
        json_t *q;
        json_array_foreach(
            qs, i, q) if (strcmp(json_string_value(json_object_get(q, "kind")), "text") == 0)
        {
            char qp[32];
            v_index(qp, sizeof qp, "questions", i);
            bad = v_add(e, qp, "kind",
                        "an anonymous survey asks no free text: a written answer can be "
                        "recognised, and individual answers are never shown") != 0;
        }
        if (bad)
            goto fail;
    }
    doc = json_pack("{s:s, s:s, s:b, s:s, s:s, s:s, s:O, s:O}", "title", title, "intro", intro,
                    "anonymous", anonymous, "audience", audience, "purpose", purpose, "status",
                    status, "questions", qs, "trigger", trig);
    if (strcmp(purpose, "pairing_fit") == 0 && fit_rules(doc, e))
        goto fail;
    json_decref(merged);
    json_decref(empty);
    json_decref(qs);
    json_decref(trig);
    return survey_def_read(doc, out);
fail:
    json_decref(merged);
    json_decref(empty);
    json_decref(qs);
    json_decref(trig);
    json_decref(doc);
    return -1;
}

static int int_of(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? (int)json_integer_value(v) : 0;
}

static int index_or_zero(const char *const *names, const json_t *v)
{
    int i = survey_name_index(names, json_string_value(v));
    return i < 0 ? 0 : i;
}

int survey_def_read(json_t *doc, struct survey_def *out)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(doc) || !json_is_array(json_object_get(doc, "questions"))) {
        json_decref(doc);
        return -1;
    }
    out->doc = doc;
    const char *t = json_string_value(json_object_get(doc, "title"));
    const char *i = json_string_value(json_object_get(doc, "intro"));
    out->title = t ? t : "";
    out->intro = i ? i : "";
    out->anonymous = json_is_true(json_object_get(doc, "anonymous"));
    out->audience =
        (enum survey_audience)index_or_zero(survey_audiences, json_object_get(doc, "audience"));
    out->purpose =
        (enum survey_purpose)index_or_zero(survey_purposes, json_object_get(doc, "purpose"));
    out->status =
        (enum survey_status)index_or_zero(survey_statuses, json_object_get(doc, "status"));
    const json_t *tr = json_object_get(doc, "trigger");
    out->trigger.on = (enum survey_on)index_or_zero(survey_triggers, json_object_get(tr, "on"));
    out->trigger.after_days = int_of(tr, "after_days");
    out->trigger.every_days = int_of(tr, "every_days");
    out->trigger.times = int_of(tr, "times");
    out->questions = json_object_get(doc, "questions");
    out->nquestions = json_array_size(out->questions);
    return 0;
}

void survey_def_cleanup(struct survey_def *d)
{
    if (!d)
        return;
    json_decref(d->doc);
    memset(d, 0, sizeof *d);
}

const char *survey_def_frozen_field(const struct survey_def *was, const struct survey_def *next)
{
    if (!json_equal(was->questions, next->questions))
        return "questions";
    if (was->anonymous != next->anonymous)
        return "anonymous";
    if (was->purpose != next->purpose)
        return "purpose";
    return NULL;
}

const json_t *survey_question(const struct survey_def *d, const char *id)
{
    size_t i;
    const json_t *q;
    json_array_foreach(d->questions, i,
                       q) if (str_eq(json_string_value(json_object_get(q, "id")), id)) return q;
    return NULL;
}

enum survey_kind survey_question_kind(const json_t *q)
{
    return (enum survey_kind)index_or_zero(survey_kinds, json_object_get(q, "kind"));
}

bool survey_audience_has(enum survey_audience a, const char *role)
{
    switch (a) {
    case SURVEY_TO_BOTH:
        return str_eq(role, "mentor") || str_eq(role, "mentee") || str_eq(role, "peer");
    case SURVEY_TO_MENTORS: return str_eq(role, "mentor");
    case SURVEY_TO_MENTEES: return str_eq(role, "mentee");
    }
    return false;
}

/* The index of s among the question's options, or -1. */
static int option_index(const json_t *q, const char *s)
{
    size_t i;
    const json_t *o;
    json_array_foreach(json_object_get(q, "options"), i,
                       o) if (str_eq(json_string_value(o), s)) return (int)i;
    return -1;
}

/* Checks one answer; 0 with *keep (a new reference, or NULL for "none"),
 * or -1 with the reason added to e. */
static int answer(const json_t *q, const char *path, const json_t *v, json_t **keep, verr *e)
{
    *keep = NULL;
    if (!v || json_is_null(v))
        return 0;
    switch (survey_question_kind(q)) {
    case SURVEY_LIKERT:
    case SURVEY_NPS: {
        bool likert = survey_question_kind(q) == SURVEY_LIKERT;
        int lo = likert ? 1 : 0, hi = likert ? 5 : 10;
        if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
            return v_add(e, "answers", path, "must be a whole number from %d to %d", lo, hi);
        *keep = json_incref((json_t *)v);
        return 0;
    }
    case SURVEY_SINGLE:
        if (!json_is_string(v))
            return v_add(e, "answers", path, "must be one of the question's options");
        if (json_string_length(v) == 0)
            return 0;
        if (option_index(q, json_string_value(v)) < 0)
            return v_add(e, "answers", path, "'%.60s' is not one of the question's options",
                         json_string_value(v));
        *keep = json_incref((json_t *)v);
        return 0;
    case SURVEY_MULTI: {
        if (!json_is_array(v))
            return v_add(e, "answers", path, "must be a list of the question's options");
        if (json_array_size(v) == 0)
            return 0;
        bool seen[LIMIT_SURVEY_OPTIONS] = {false};
        size_t i;
        const json_t *o;
        json_array_foreach(v, i, o)
        {
            int k = json_is_string(o) ? option_index(q, json_string_value(o)) : -1;
            if (k < 0 || k >= LIMIT_SURVEY_OPTIONS)
                return v_add(e, "answers", path, "item %zu is not one of the question's options",
                             i);
            if (seen[k])
                return v_add(e, "answers", path, "names '%.60s' twice", json_string_value(o));
            seen[k] = true;
        }
        *keep = json_incref((json_t *)v);
        return 0;
    }
    case SURVEY_TEXT:
        if (!json_is_string(v) || json_string_length(v) != strlen(json_string_value(v)))
            return v_add(e, "answers", path, "must be text");
        if (json_string_length(v) > LIMIT_SURVEY_ANSWER_BYTES)
            return v_add(e, "answers", path, "must be at most %d bytes", LIMIT_SURVEY_ANSWER_BYTES);
        {
            bool blank = true;
            for (const char *p = json_string_value(v); *p && blank; p++)
                blank = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
            if (!blank)
                *keep = json_incref((json_t *)v);
        }
        return 0;
    }
    return v_add(e, "answers", path, "cannot be answered");
}

int survey_answers_check(const struct survey_def *d, const json_t *answers, json_t **clean, verr *e)
{
    *clean = NULL;
    if (!answers || json_is_null(answers))
        return v_fail(e, "", "answers", "is required");
    if (!json_is_object(answers))
        return v_fail(e, "", "answers", "must be an object of question id to answer");
    json_t *out = json_object();
    bool bad = false;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)answers, key, v)
    {
        const json_t *q = survey_question(d, key);
        if (!q) {
            bad = v_add(e, "answers", key, "is not a question of this survey") != 0;
            continue;
        }
        json_t *keep;
        if (answer(q, key, v, &keep, e))
            bad = true;
        else if (keep)
            json_object_set_new(out, key, keep);
    }
    size_t i;
    const json_t *q;
    json_array_foreach(d->questions, i, q)
    {
        const char *id = json_string_value(json_object_get(q, "id"));
        if (json_is_true(json_object_get(q, "required")) && !json_object_get(out, id)) {
            /* Not already named as a bad answer. */
            bool named = false;
            for (int k = 0; k < e->n && !named; k++) {
                const char *f, *m;
                char want[96];
                str_fmt(want, sizeof want, "answers.%s", id);
                named = verr_at(e, k, &f, &m) && strcmp(f, want) == 0;
            }
            if (!named)
                bad = v_add(e, "answers", id, "is required") != 0;
        }
    }
    if (bad) {
        json_decref(out);
        return -1;
    }
    *clean = out;
    return 0;
}

/* ---- results ---- */

int survey_threshold(int configured)
{
    return configured < LIMIT_ANONYMITY_THRESHOLD_MIN ? LIMIT_ANONYMITY_THRESHOLD_MIN : configured;
}

bool survey_suppressed(bool anonymous, bool aggregates_only, int64_t responses, int threshold)
{
    return (anonymous || aggregates_only) && responses < survey_threshold(threshold);
}

bool survey_nps(const int64_t counts[11], double *nps)
{
    int64_t n = 0, promoters = counts[9] + counts[10], detractors = 0;
    for (int i = 0; i <= 10; i++)
        n += counts[i];
    for (int i = 0; i <= 6; i++)
        detractors += counts[i];
    if (n <= 0)
        return false;
    *nps = 100.0 * (double)(promoters - detractors) / (double)n;
    return true;
}

void survey_tally_init(struct survey_tally *t, const struct survey_def *d)
{
    memset(t, 0, sizeof *t);
    t->n = d->nquestions;
    t->q = t->n ? xcalloc(t->n, sizeof *t->q) : NULL;
    for (size_t i = 0; i < t->n; i++) {
        struct survey_qstat *s = &t->q[i];
        s->q = json_array_get(d->questions, i);
        s->kind = survey_question_kind(s->q);
        s->ncounts = s->kind == SURVEY_LIKERT ? 5
                     : s->kind == SURVEY_NPS  ? 11
                     : is_choice(s->kind)     ? json_array_size(json_object_get(s->q, "options"))
                                              : 0;
        if (s->ncounts > sizeof s->counts / sizeof s->counts[0])
            s->ncounts = sizeof s->counts / sizeof s->counts[0];
    }
}

/* n answers x to rated question s, when x is in its range. */
static void add_rated(struct survey_qstat *s, int64_t x, int64_t n)
{
    int64_t lo = s->kind == SURVEY_LIKERT ? 1 : 0;
    if (x < lo || x - lo >= (int64_t)s->ncounts)
        return;
    s->counts[x - lo] += n;
    s->sum += (double)x * (double)n;
    s->answered += n;
}

void survey_tally_add_rated(struct survey_tally *t, const char *question, int64_t value, int64_t n)
{
    for (size_t i = 0; question && i < t->n; i++) {
        struct survey_qstat *s = &t->q[i];
        const char *id = json_string_value(json_object_get(s->q, "id"));
        if ((s->kind == SURVEY_LIKERT || s->kind == SURVEY_NPS) && id &&
            strcmp(id, question) == 0) {
            add_rated(s, value, n);
            return;
        }
    }
}

void survey_tally_add(struct survey_tally *t, const json_t *answers)
{
    if (!json_is_object(answers))
        return;
    t->responses++;
    for (size_t i = 0; i < t->n; i++) {
        struct survey_qstat *s = &t->q[i];
        const json_t *v = json_object_get(answers, json_string_value(json_object_get(s->q, "id")));
        if (!v)
            continue;
        switch (s->kind) {
        case SURVEY_LIKERT:
        case SURVEY_NPS:
            if (json_is_integer(v))
                add_rated(s, json_integer_value(v), 1);
            break;
        case SURVEY_SINGLE: {
            int k = json_is_string(v) ? option_index(s->q, json_string_value(v)) : -1;
            if (k >= 0 && (size_t)k < s->ncounts) {
                s->counts[k]++;
                s->answered++;
            }
            break;
        }
        case SURVEY_MULTI: {
            bool any = false;
            size_t j;
            const json_t *o;
            json_array_foreach(v, j, o)
            {
                int k = json_is_string(o) ? option_index(s->q, json_string_value(o)) : -1;
                if (k >= 0 && (size_t)k < s->ncounts) {
                    s->counts[k]++;
                    any = true;
                }
            }
            s->answered += any;
            break;
        }
        case SURVEY_TEXT: s->answered += json_is_string(v) && json_string_length(v) > 0; break;
        }
    }
}

void survey_tally_cleanup(struct survey_tally *t)
{
    if (!t)
        return;
    free(t->q);
    memset(t, 0, sizeof *t);
}

const char *survey_count_label(const struct survey_qstat *s, size_t i, char buf[8])
{
    if (s->kind == SURVEY_LIKERT || s->kind == SURVEY_NPS) {
        str_fmt(buf, 8, "%zu", i + (s->kind == SURVEY_LIKERT ? 1 : 0));
        return buf;
    }
    const char *o = json_string_value(json_array_get(json_object_get(s->q, "options"), i));
    return o ? o : "";
}

bool survey_mean(const struct survey_qstat *s, double *mean)
{
    if ((s->kind != SURVEY_LIKERT && s->kind != SURVEY_NPS) || s->answered <= 0)
        return false;
    *mean = s->sum / (double)s->answered;
    return true;
}

/* ---- when rounds open ---- */

bool survey_first_due(enum survey_on on, int after_days, int every_days, int times,
                      const struct survey_rel_times *rel, int64_t event_at, int64_t arming_at,
                      int64_t *due, int *seq)
{
    int64_t after = (int64_t)after_days * DAY;
    *seq = 1;
    switch (on) {
    case SURVEY_ON_MANUAL: return false;
    case SURVEY_ON_TRAINING:
    case SURVEY_ON_CLOSURE:
    case SURVEY_ON_MEETING: *due = event_at + after; return true;
    case SURVEY_ON_START: {
        int64_t first = rel->started_at + after;
        if (first >= arming_at) {
            *due = first;
            return true;
        }
        if (every_days <= 0) {
            *due = arming_at; /* missed once: ask now */
            return true;
        }
        /* Under way: the round of the current period opens now. */
        int64_t k = (arming_at - first) / ((int64_t)every_days * DAY);
        if (times > 0 && k >= times)
            return false;
        *seq = (int)k + 1;
        *due = arming_at;
        return true;
    }
    case SURVEY_ON_MIDPOINT: {
        int64_t mid = rel->started_at + (rel->planned_end_at - rel->started_at) / 2 + after;
        if (mid >= arming_at) {
            *due = mid;
            return true;
        }
        if (rel->planned_end_at <= arming_at)
            return false;
        *due = arming_at;
        return true;
    }
    }
    return false;
}

bool survey_next_due(int after_days, int every_days, int times, int64_t started_at, int seq,
                     int64_t now, int64_t *due, int *next_seq)
{
    if (every_days <= 0)
        return false;
    int64_t first = started_at + (int64_t)after_days * DAY, every = (int64_t)every_days * DAY;
    int64_t k = seq; /* round seq is the (seq-1)-th point; the next is the seq-th */
    int64_t t = first + k * every;
    if (t <= now)
        k = (now - first) / every + 1, t = first + k * every;
    if (times > 0 && k >= times)
        return false;
    *due = t;
    *next_seq = (int)k + 1;
    return true;
}

int survey_patch_read(const json_t *body, int64_t *version, json_t **changes, verr *e)
{
    return v_version_split(body, INT64_MAX / 2, version, changes, e);
}

int survey_response_read(const json_t *body, int64_t *round, const json_t **answers, verr *e)
{
    static const char *const keys[] = {"answers", "round_id", NULL};
    int bad = v_known_keys(body, "", keys, e);
    bad |= v_int(body, "round_id", "", 1, INT64_MAX / 2, 0, false, round, e);
    *answers = json_object_get(body, "answers");
    return bad ? -1 : 0;
}
