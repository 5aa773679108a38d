/* program.c - validating and normalising a program's configuration
 * (domain/program.h). Every section is checked in full: a check records
 * what is wrong and the next one runs, so one refusal names every bad
 * field; the document is built from what passed and thrown away when
 * anything failed. */
#include "domain/program.h"

#include <string.h>

#include "base/limits.h"
#include "base/str.h"

const char *const program_config_keys[] = {"objectives",
                                           "selection",
                                           "matching",
                                           "training",
                                           "meetings",
                                           "goals",
                                           "duration_months",
                                           "renewals",
                                           "renewal_window_days",
                                           "phases",
                                           "dates",
                                           "surveys",
                                           "reminders",
                                           "alerts",
                                           "reports",
                                           NULL};
const char *const program_statuses[] = {"draft",   "enrolling", "matching",
                                        "running", "closed",    NULL};

static const char *const roles3[] = {"mentor", "mentee", "both", NULL};

/* A string for json_pack when a failed check left none (the document is
 * thrown away then; this keeps it well formed meanwhile). */
static const char *or_empty(const char *s)
{
    return s ? s : "";
}

/* true when obj[key] is there and not null. */
static bool present(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return v && !json_is_null(v);
}

static json_t *strings(const char *const *list)
{
    json_t *a = json_array();
    for (size_t i = 0; list[i]; i++)
        json_array_append_new(a, json_string(list[i]));
    return a;
}

/* The items of obj[key] that are objects, each checked by fn with its
 * path; an item that is no object is named. Absent: nothing happens. */
static void each_object(const json_t *arr, const char *path,
                        void (*fn)(const json_t *item, const char *ip, size_t i, void *ctx),
                        void *ctx, verr *e)
{
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item)
    {
        char ip[176];
        v_index(ip, sizeof ip, path, i);
        if (!json_is_object(item))
            v_fail(e, ip, "", "must be an object");
        else
            fn(item, ip, i, ctx);
    }
}

/* true when the string value of member key of some earlier item of arr
 * (before index i) equals s. */
static bool taken_before(const json_t *arr, size_t i, const char *key, const char *s)
{
    for (size_t k = 0; k < i && s; k++) {
        const char *o = json_string_value(json_object_get(json_array_get(arr, k), key));
        if (o && strcmp(o, s) == 0)
            return true;
    }
    return false;
}

/* ---- objectives ---- */

static void measure(const json_t *m, const char *mp, size_t i, void *ctx)
{
    (void)i;
    void **c = ctx;
    json_t *ms = c[0];
    verr *e = c[1];
    static const char *const mkeys[] = {"name", "unit", "baseline", "target", "tracks", "by", NULL};
    const char *name, *unit, *tracks, *by;
    double baseline, target;
    v_known_keys(m, mp, mkeys, e);
    v_line(m, "name", mp, true, false, LIMIT_NAME_BYTES, NULL, &name, e);
    v_string(m, "unit", mp, false, true, LIMIT_CONFIG_UNIT_BYTES, "", &unit, e);
    v_number(m, "baseline", mp, -1e12, 1e12, 0, false, &baseline, e);
    v_number(m, "target", mp, -1e12, 1e12, 0, true, &target, e);
    /* What makes it measurable (program_objective_tracks). */
    if (v_line(m, "tracks", mp, false, true, LIMIT_OUTCOME_KIND_BYTES + 8, "", &tracks, e) == 0 &&
        tracks && *tracks && !program_tracks_valid(tracks))
        v_add(e, mp, "tracks", "must be an outcome kind as outcome:KIND, or one of %s",
              PROGRAM_MEASURES_TEXT);
    v_date(m, "by", mp, &by, e);
    json_t *baseline_v = json_object_get(m, "baseline");
    json_array_append_new(
        ms, json_pack("{s:s, s:s, s:o, s:f, s:s, s:o}", "name", or_empty(name), "unit",
                      or_empty(unit), "baseline",
                      baseline_v && !json_is_null(baseline_v) ? json_real(baseline) : json_null(),
                      "target", target, "tracks", or_empty(tracks), "by",
                      by ? json_string(by) : json_null()));
}

static json_t *objectives(const json_t *in, const char *path, verr *e)
{
    static const char *const keys[] = {"summary", "measures", NULL};
    const char *summary;
    json_t *measures;
    char mpath[160];
    v_join(mpath, sizeof mpath, path, "measures");
    v_known_keys(in, path, keys, e);
    v_string(in, "summary", path, false, true, LIMIT_TEXT_BYTES, "", &summary, e);
    v_array(in, "measures", path, LIMIT_PROGRAM_LIST_ITEMS, &measures, e);
    json_t *ms = json_array();
    void *ctx[] = {ms, e};
    each_object(measures, mpath, measure, ctx, e);
    return json_pack("{s:s, s:o}", "summary", or_empty(summary), "measures", ms);
}

/* ---- selection: questions and the profile fields' choices ---- */

struct list_ctx {
    json_t *out;
    verr *e;
    const json_t *questions; /* criteria: the enrolment questions */
};

static void question(const json_t *q, const char *qp, size_t i, void *ctx)
{
    struct list_ctx *c = ctx;
    verr *e = c->e;
    static const char *const keys[] = {"id", "role", "type", "label", "required", "options", NULL};
    static const char *const types[] = {
        "text", "long_text", "single_choice", "multiple_choice", "number", "scale", NULL};
    const char *id, *role, *type, *label;
    bool required;
    json_t *options;
    v_known_keys(q, qp, keys, e);
    v_string(q, "id", qp, true, false, LIMIT_CONFIG_ID_BYTES, NULL, &id, e);
    v_enum(q, "role", qp, roles3, "both", &role, e);
    v_enum(q, "type", qp, types, NULL, &type, e);
    v_line(q, "label", qp, true, false, LIMIT_CONFIG_LABEL_BYTES, NULL, &label, e);
    v_bool(q, "required", qp, false, &required, e);
    v_string_list(q, "options", qp, LIMIT_PROGRAM_LIST_ITEMS, LIMIT_CONFIG_OPTION_BYTES, &options,
                  e);
    if (id) {
        for (const char *p = id; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) {
                v_fail(e, qp, "id", "must use only a-z, 0-9 and _");
                break;
            }
        if (taken_before(c->out, i, "id", id))
            v_fail(e, qp, "id", "is used by another question");
    }
    if (type) {
        bool choice = strcmp(type, "single_choice") == 0 || strcmp(type, "multiple_choice") == 0;
        size_t nopt = options ? json_array_size(options) : 0;
        if (choice && nopt < 2)
            v_fail(e, qp, "options", "needs at least two options for a %s question", type);
        if (!choice && nopt)
            v_fail(e, qp, "options", "only choice questions have options");
    }
    json_array_append_new(c->out, json_pack("{s:s, s:s, s:s, s:s, s:b, s:o}", "id", or_empty(id),
                                            "role", or_empty(role), "type", or_empty(type), "label",
                                            or_empty(label), "required", required, "options",
                                            options ? json_deep_copy(options) : json_array()));
}

static json_t *choices(const json_t *d, const char *fp, verr *e)
{
    static const char *const keys[] = {"options", "other", NULL};
    json_t *options;
    bool other;
    v_known_keys(d, fp, keys, e);
    v_string_list(d, "options", fp, LIMIT_PROFILE_OPTIONS, LIMIT_PROFILE_VALUE_BYTES, &options, e);
    v_bool(d, "other", fp, false, &other, e);
    char op[176];
    v_join(op, sizeof op, fp, "options");
    size_t i;
    json_t *o;
    json_array_foreach(options, i, o)
    {
        for (size_t k = 0; k < i; k++)
            if (json_equal(json_array_get(options, k), o)) {
                char ip[192];
                v_index(ip, sizeof ip, op, i);
                v_fail(e, ip, "", "is listed twice");
                break;
            }
    }
    if (!options || json_array_size(options) == 0)
        v_fail(e, fp, "options", "list the values people choose from");
    return json_pack("{s:o, s:b}", "options", options ? json_deep_copy(options) : json_array(),
                     "other", other);
}

static void statement(const json_t *s, const char *sp, size_t i, void *ctx)
{
    (void)i;
    struct list_ctx *c = ctx;
    static const char *const keys[] = {"label", "low", "high", NULL};
    const char *label, *low, *high;
    v_known_keys(s, sp, keys, c->e);
    v_line(s, "label", sp, true, false, LIMIT_CONFIG_LABEL_BYTES, NULL, &label, c->e);
    v_line(s, "low", sp, false, true, LIMIT_QUESTIONNAIRE_LABEL_BYTES, "", &low, c->e);
    v_line(s, "high", sp, false, true, LIMIT_QUESTIONNAIRE_LABEL_BYTES, "", &high, c->e);
    json_array_append_new(c->out, json_pack("{s:s, s:s, s:s}", "label", or_empty(label), "low",
                                            or_empty(low), "high", or_empty(high)));
}

static json_t *questionnaire(const json_t *d, const char *fp, verr *e)
{
    static const char *const keys[] = {"questions", "scale", NULL};
    json_t *qs;
    int64_t scale;
    char qp[176];
    v_join(qp, sizeof qp, fp, "questions");
    v_known_keys(d, fp, keys, e);
    v_array(d, "questions", fp, LIMIT_PROFILE_VECTOR_ITEMS, &qs, e);
    v_int(d, "scale", fp, 2, LIMIT_QUESTIONNAIRE_SCALE_MAX, PROGRAM_DEFAULT_QUESTIONNAIRE_SCALE,
          false, &scale, e);
    if (!qs || json_array_size(qs) == 0)
        v_fail(e, fp, "questions", "write at least one statement to answer");
    struct list_ctx c = {.out = json_array(), .e = e};
    each_object(qs, qp, statement, &c, e);
    return json_pack("{s:o, s:I}", "questions", c.out, "scale", (json_int_t)scale);
}

static json_t *profile_fields(const json_t *in, const char *path, verr *e)
{
    json_t *out = json_object();
    if (!in)
        return out;
    const char *key;
    json_t *d;
    json_object_foreach((json_t *)in, key, d)
    {
        char fp[160];
        v_join(fp, sizeof fp, path, key);
        int kind = program_profile_field_kind(key);
        if (!json_is_object(d)) {
            v_fail(e, fp, "", "must be an object");
        } else if (kind == 1 || (kind == 2 && strcmp(key, "time_zone") != 0)) {
            json_object_set_new(out, key, choices(d, fp, e));
        } else if (kind == 4) {
            json_object_set_new(out, key, questionnaire(d, fp, e));
        } else if (kind) {
            v_fail(e, fp, "", "takes no list of choices (a number or a time zone)");
        } else {
            v_fail(e, fp, "", "is not a profile field");
        }
    }
    return out;
}

static json_t *selection(const json_t *in, const char *path, verr *e)
{
    static const char *const keys[] = {"access",
                                       "mentor_voluntary",
                                       "default_capacity",
                                       "default_wants",
                                       "questions",
                                       "profile_fields",
                                       NULL};
    static const char *const access[] = {"open", "invite_only", "approval", NULL};
    const char *acc;
    bool voluntary;
    int64_t cap, wants;
    json_t *qin, *pin;
    char qpath[160], ppath[160];
    v_join(qpath, sizeof qpath, path, "questions");
    v_join(ppath, sizeof ppath, path, "profile_fields");
    v_known_keys(in, path, keys, e);
    v_enum(in, "access", path, access, "approval", &acc, e);
    v_bool(in, "mentor_voluntary", path, true, &voluntary, e);
    v_int(in, "default_capacity", path, 1, LIMIT_CAPACITY_MAX, PROGRAM_DEFAULT_CAPACITY, false,
          &cap, e);
    v_int(in, "default_wants", path, 1, LIMIT_WANTS_MAX, PROGRAM_DEFAULT_WANTS, false, &wants, e);
    v_array(in, "questions", path, LIMIT_PROGRAM_QUESTIONS, &qin, e);
    v_object(in, "profile_fields", path, false, &pin, e);
    json_t *qs;
    if (present(in, "questions")) {
        struct list_ctx c = {.out = json_array(), .e = e};
        each_object(qin, qpath, question, &c, e);
        qs = c.out;
    } else {
        qs = json_pack("[{s:s, s:s, s:s, s:s, s:b, s:[]}]", "id", "motivation", "role", "both",
                       "type", "long_text", "label", "Why do you want to take part?", "required", 1,
                       "options");
    }
    return json_pack("{s:s, s:b, s:I, s:I, s:o, s:o}", "access", or_empty(acc), "mentor_voluntary",
                     voluntary, "default_capacity", (json_int_t)cap, "default_wants",
                     (json_int_t)wants, "questions", qs, "profile_fields",
                     profile_fields(pin, ppath, e));
}

/* ---- matching ---- */

/* A criterion field must be a profile field or an enrolment question. */
static void check_field(const json_t *crit, const char *key, const char *cp, const json_t *qs,
                        verr *e)
{
    const char *f = json_string_value(json_object_get(crit, key));
    if (!f) {
        v_fail(e, cp, key, "is required for this kind");
        return;
    }
    if (program_profile_field_kind(f))
        return;
    size_t i;
    json_t *q;
    json_array_foreach(qs, i, q)
    {
        const char *id = json_string_value(json_object_get(q, "id"));
        if (id && strcmp(id, f) == 0)
            return;
    }
    v_fail(e, cp, key, "'%s' is not a profile field or an enrolment question", f);
}

static void criterion(const json_t *c, const char *cp, size_t i, void *ctx)
{
    struct list_ctx *lc = ctx;
    verr *e = lc->e;
    static const char *const keys[] = {"name",         "kind",   "field",     "mentee_field",
                                       "mentor_field", "weight", "required",  "scale",
                                       "min",          "max",    "different", NULL};
    static const char *const kinds[] = {"overlap", "shared",     "same",   "distance",
                                        "gap",     "similarity", "choice", NULL};
    const char *name, *kind, *field, *mf, *rf;
    double weight, scale, min, max;
    bool required, different;
    v_known_keys(c, cp, keys, e);
    v_line(c, "name", cp, true, false, LIMIT_CONFIG_ID_BYTES, NULL, &name, e);
    v_enum(c, "kind", cp, kinds, NULL, &kind, e);
    v_string(c, "field", cp, false, false, LIMIT_CONFIG_ID_BYTES, NULL, &field, e);
    v_string(c, "mentee_field", cp, false, false, LIMIT_CONFIG_ID_BYTES, NULL, &mf, e);
    v_string(c, "mentor_field", cp, false, false, LIMIT_CONFIG_ID_BYTES, NULL, &rf, e);
    v_number(c, "weight", cp, 0, 1e6, 1, false, &weight, e);
    v_bool(c, "required", cp, false, &required, e);
    v_bool(c, "different", cp, false, &different, e);
    bool distance = kind && strcmp(kind, "distance") == 0, gap = kind && strcmp(kind, "gap") == 0;
    v_number(c, "scale", cp, 1e-9, 1e9, 1, distance, &scale, e);
    v_number(c, "min", cp, -1e9, 1e9, 0, gap, &min, e);
    v_number(c, "max", cp, -1e9, 1e9, 0, gap, &max, e);
    if (name && taken_before(lc->out, i, "name", name))
        v_fail(e, cp, "name", "is used by another criterion");
    json_t *o = json_pack("{s:s, s:s, s:f, s:b}", "name", or_empty(name), "kind", or_empty(kind),
                          "weight", weight, "required", required);
    json_array_append_new(lc->out, o);
    if (!kind)
        return;
    if (strcmp(kind, "choice") == 0) {
        if (field || mf || rf)
            v_fail(e, cp,
                   field ? "field"
                   : mf  ? "mentee_field"
                         : "mentor_field",
                   "a choice criterion takes no field");
        return;
    }
    if (field && (mf || rf)) {
        v_fail(e, cp, "field", "give either field, or mentee_field and mentor_field");
    } else if (field) {
        check_field(c, "field", cp, lc->questions, e);
        json_object_set_new(o, "field", json_string(field));
    } else {
        check_field(c, "mentee_field", cp, lc->questions, e);
        check_field(c, "mentor_field", cp, lc->questions, e);
        json_object_set_new(o, "mentee_field", json_string(or_empty(mf)));
        json_object_set_new(o, "mentor_field", json_string(or_empty(rf)));
    }
    if (strcmp(kind, "distance") == 0 || strcmp(kind, "gap") == 0)
        json_object_set_new(o, "scale", json_real(scale));
    if (strcmp(kind, "gap") == 0) {
        if (min > max)
            v_fail(e, cp, "max", "must be at least min");
        json_object_set_new(o, "min", json_real(min));
        json_object_set_new(o, "max", json_real(max));
    }
    if (strcmp(kind, "same") == 0)
        json_object_set_new(o, "different", json_boolean(different));
}

static json_t *matching(const json_t *in, const char *path, const json_t *qs, verr *e)
{
    static const char *const keys[] = {"mode",
                                       "relationship_type",
                                       "direction",
                                       "objective",
                                       "min_score",
                                       "power_differential_rule",
                                       "max_mentors_per_mentee",
                                       "request_expiry_days",
                                       "criteria",
                                       NULL};
    static const char *const modes[] = {"self", "admin", "hybrid", NULL};
    static const char *const types[] = {"one_to_one", "group", "peer", NULL};
    static const char *const dirs[] = {"senior", "peer", "reverse", NULL};
    static const char *const objs[] = {"total", "fair", "stable", NULL};
    const char *mode, *type, *dir, *obj;
    double min_score;
    bool pdr;
    int64_t maxm, expiry;
    json_t *cin, *cs;
    char cpath[160];
    v_join(cpath, sizeof cpath, path, "criteria");
    v_known_keys(in, path, keys, e);
    v_enum(in, "mode", path, modes, "admin", &mode, e);
    v_enum(in, "relationship_type", path, types, "one_to_one", &type, e);
    v_enum(in, "direction", path, dirs, "senior", &dir, e);
    v_enum(in, "objective", path, objs, "total", &obj, e);
    v_number(in, "min_score", path, 0, 1, 0, false, &min_score, e);
    v_bool(in, "power_differential_rule", path, true, &pdr, e);
    v_int(in, "max_mentors_per_mentee", path, 1, LIMIT_WANTS_MAX, PROGRAM_DEFAULT_MAX_MENTORS,
          false, &maxm, e);
    v_int(in, "request_expiry_days", path, 1, LIMIT_REQUEST_EXPIRY_DAYS_MAX,
          PROGRAM_DEFAULT_REQUEST_EXPIRY_DAYS, false, &expiry, e);
    v_array(in, "criteria", path, LIMIT_PROGRAM_CRITERIA, &cin, e);
    if (present(in, "criteria")) {
        struct list_ctx c = {.out = json_array(), .e = e, .questions = qs};
        each_object(cin, cpath, criterion, &c, e);
        cs = c.out;
    } else {
        cs = json_loads("[{\"name\": \"skills\", \"kind\": \"overlap\", "
                        "\"mentee_field\": \"development_needs\", \"mentor_field\": \"expertise\", "
                        "\"weight\": 3.0, \"required\": false},"
                        " {\"name\": \"language\", \"kind\": \"shared\", \"field\": \"languages\", "
                        "\"weight\": 1.0, \"required\": true}]",
                        0, NULL);
    }
    return json_pack("{s:s, s:s, s:s, s:s, s:f, s:b, s:I, s:I, s:o}", "mode", or_empty(mode),
                     "relationship_type", or_empty(type), "direction", or_empty(dir), "objective",
                     or_empty(obj), "min_score", min_score, "power_differential_rule", pdr,
                     "max_mentors_per_mentee", (json_int_t)maxm, "request_expiry_days",
                     (json_int_t)expiry, "criteria", cs);
}

/* ---- training ---- */

static void module(const json_t *m, const char *mp, size_t i, void *ctx)
{
    struct list_ctx *c = ctx;
    verr *e = c->e;
    static const char *const mkeys[] = {"id", "role", "title", "content_md", "questions", NULL};
    const char *id, *role, *title, *content;
    json_t *qin;
    char qp[192];
    v_join(qp, sizeof qp, mp, "questions");
    v_known_keys(m, mp, mkeys, e);
    v_string(m, "id", mp, true, false, LIMIT_CONFIG_ID_BYTES, NULL, &id, e);
    v_enum(m, "role", mp, roles3, "both", &role, e);
    v_line(m, "title", mp, true, false, LIMIT_NAME_BYTES, NULL, &title, e);
    v_string(m, "content_md", mp, false, true, LIMIT_TEXT_BYTES * 5, "", &content, e);
    v_array(m, "questions", mp, LIMIT_PROGRAM_QUESTIONS, &qin, e);
    if (id && taken_before(c->out, i, "id", id))
        v_fail(e, mp, "id", "is used by another module");
    struct list_ctx qc = {.out = json_array(), .e = e};
    each_object(qin, qp, question, &qc, e);
    json_array_append_new(c->out, json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", or_empty(id), "role",
                                            or_empty(role), "title", or_empty(title), "content_md",
                                            or_empty(content), "questions", qc.out));
}

static json_t *training(const json_t *in, const char *path, verr *e)
{
    static const char *const keys[] = {"required_before_matching", "modules", NULL};
    bool gate;
    json_t *mods;
    char mpath[160];
    v_join(mpath, sizeof mpath, path, "modules");
    v_known_keys(in, path, keys, e);
    v_bool(in, "required_before_matching", path, true, &gate, e);
    v_array(in, "modules", path, LIMIT_PROGRAM_LIST_ITEMS, &mods, e);
    struct list_ctx c = {.out = json_array(), .e = e};
    each_object(mods, mpath, module, &c, e);
    return json_pack("{s:b, s:o}", "required_before_matching", gate, "modules", c.out);
}

/* ---- meetings, goals ---- */

static json_t *meetings(const json_t *in, const char *path, verr *e)
{
    static const char *const keys[] = {"frequency_per_month", "length_minutes", "modes", NULL};
    static const char *const modes[] = {"in_person", "video", "phone", "chat", NULL};
    int64_t freq, len;
    json_t *ms;
    v_known_keys(in, path, keys, e);
    v_int(in, "frequency_per_month", path, 1, LIMIT_MEETINGS_PER_MONTH_MAX,
          PROGRAM_DEFAULT_FREQUENCY, false, &freq, e);
    v_int(in, "length_minutes", path, LIMIT_MEETING_LENGTH_MIN, LIMIT_MEETING_LENGTH_MAX,
          PROGRAM_DEFAULT_LENGTH_MINUTES, false, &len, e);
    v_string_list(in, "modes", path, 4, 16, &ms, e);
    json_t *out_modes = json_array();
    if (!present(in, "modes")) {
        json_array_append_new(out_modes, json_string("video"));
        json_array_append_new(out_modes, json_string("in_person"));
    }
    char base[160];
    v_join(base, sizeof base, path, "modes");
    size_t i;
    json_t *m;
    json_array_foreach(ms, i, m)
    {
        char mp[176];
        v_index(mp, sizeof mp, base, i);
        bool ok = false;
        for (const char *const *v = modes; *v && !ok; v++)
            ok = strcmp(*v, json_string_value(m)) == 0;
        if (!ok)
            v_fail(e, mp, "", "must be one of: in_person, video, phone, chat");
        json_array_append(out_modes, m);
    }
    return json_pack("{s:I, s:I, s:o}", "frequency_per_month", (json_int_t)freq, "length_minutes",
                     (json_int_t)len, "modes", out_modes);
}

static json_t *goals(const json_t *in, const char *path, verr *e)
{
    static const char *const keys[] = {"count", "due_days", "questions", NULL};
    static const char *const direction[] = {
        "What is your vision, and what are your career aspirations?",
        "Where is your career now?",
        "What are your strengths and weaknesses?",
        "How would you describe your behavioural and leadership style?",
        "What are your top three goals?",
        NULL};
    int64_t count, due;
    json_t *qs;
    v_known_keys(in, path, keys, e);
    v_int(in, "count", path, 1, LIMIT_GOALS_COUNT_MAX, PROGRAM_DEFAULT_GOALS, false, &count, e);
    v_int(in, "due_days", path, 1, LIMIT_GOALS_DUE_DAYS_MAX, PROGRAM_DEFAULT_GOAL_DUE_DAYS, false,
          &due, e);
    v_string_list(in, "questions", path, LIMIT_PROGRAM_LIST_ITEMS, LIMIT_CONFIG_LABEL_BYTES, &qs,
                  e);
    return json_pack("{s:I, s:I, s:o}", "count", (json_int_t)count, "due_days", (json_int_t)due,
                     "questions", qs ? json_deep_copy(qs) : strings(direction));
}

/* ---- phases ---- */

static void phase(const json_t *p, const char *pp, size_t i, void *ctx)
{
    (void)i;
    struct list_ctx *c = ctx;
    verr *e = c->e;
    static const char *const pkeys[] = {"name",      "key_actions",   "timeframe_days",
                                        "resources", "exit_criteria", NULL};
    const char *name;
    int64_t days;
    json_t *ka, *res, *ex;
    v_known_keys(p, pp, pkeys, e);
    v_line(p, "name", pp, true, false, LIMIT_NAME_BYTES, NULL, &name, e);
    v_int(p, "timeframe_days", pp, 1, LIMIT_PHASE_DAYS_MAX, 30, false, &days, e);
    v_string_list(p, "key_actions", pp, LIMIT_PROGRAM_LIST_ITEMS, LIMIT_CONFIG_LABEL_BYTES, &ka, e);
    v_string_list(p, "resources", pp, LIMIT_PROGRAM_LIST_ITEMS, LIMIT_CONFIG_LABEL_BYTES, &res, e);
    v_string_list(p, "exit_criteria", pp, LIMIT_PROGRAM_LIST_ITEMS, LIMIT_CONFIG_LABEL_BYTES, &ex,
                  e);
    json_array_append_new(
        c->out, json_pack("{s:s, s:o, s:I, s:o, s:o}", "name", or_empty(name), "key_actions",
                          ka ? json_deep_copy(ka) : json_array(), "timeframe_days",
                          (json_int_t)days, "resources", res ? json_deep_copy(res) : json_array(),
                          "exit_criteria", ex ? json_deep_copy(ex) : json_array()));
}

static json_t *phases(const json_t *in, const char *path, verr *e)
{
    static const char *const keys[] = {"template", "items", NULL};
    static const char *const names[] = {"zachary", "kram", "lifecycle", "rapport", "custom", NULL};
    const char *tmpl;
    json_t *items;
    char ipath[160];
    v_join(ipath, sizeof ipath, path, "items");
    v_known_keys(in, path, keys, e);
    v_enum(in, "template", path, names, "zachary", &tmpl, e);
    v_array(in, "items", path, LIMIT_PROGRAM_PHASES, &items, e);
    tmpl = tmpl ? tmpl : "zachary";
    if (!items || json_array_size(items) == 0) {
        json_t *from = program_template_phases(tmpl);
        if (!from) {
            v_fail(e, path, "items", "a custom phase model needs at least one phase");
            from = json_array();
        }
        return json_pack("{s:s, s:o}", "template", tmpl, "items", from);
    }
    struct list_ctx c = {.out = json_array(), .e = e};
    each_object(items, ipath, phase, &c, e);
    return json_pack("{s:s, s:o}", "template", tmpl, "items", c.out);
}

/* Surveys and the follow-up of relationships (issue 12): the anonymity
 * threshold of results and the health-check cadence. */
static json_t *surveys(const json_t *in, const char *path, verr *e)
{
    static const char *const keys[] = {"anonymity_threshold", "health_check_days", NULL};
    int64_t threshold, days;
    v_known_keys(in, path, keys, e);
    v_int(in, "anonymity_threshold", path, LIMIT_ANONYMITY_THRESHOLD_MIN,
          LIMIT_ANONYMITY_THRESHOLD_MAX, PROGRAM_DEFAULT_ANONYMITY_THRESHOLD, false, &threshold, e);
    v_int(in, "health_check_days", path, LIMIT_HEALTH_CHECK_DAYS_MIN, LIMIT_HEALTH_CHECK_DAYS_MAX,
          PROGRAM_DEFAULT_HEALTH_CHECK_DAYS, false, &days, e);
    return json_pack("{s:I, s:I}", "anonymity_threshold", (json_int_t)threshold,
                     "health_check_days", (json_int_t)days);
}

/* ---- reminders ---- */

const struct program_remind_spec program_remind_specs[PROGRAM_REMIND_COUNT] = {
    [PROGRAM_REMIND_AGREEMENT] = {"agreement_unsigned", "days", true, 7},
    [PROGRAM_REMIND_NO_GOALS] = {"no_goals", "days", true, 14},
    [PROGRAM_REMIND_MEETING] = {"meeting_soon", "hours", true, 24},
    [PROGRAM_REMIND_NO_MEETING] = {"no_meeting", NULL, true, 0},
    [PROGRAM_REMIND_REQUEST] = {"request_pending", "days", true, 3},
    [PROGRAM_REMIND_SURVEY] = {"survey_unanswered", "days", true, 3},
    [PROGRAM_REMIND_PHASE] = {"phase_overdue", NULL, true, 0},
    [PROGRAM_REMIND_INACTIVE] = {"inactive", "days", false, 30},
};

/* The reminder rules: each {"enabled": bool, "days" | "hours": N}. (A
 * request reminder that would fall due once the request has moved on to
 * its next choice is not armed: domain/reminder.h.) */
static json_t *reminders(const json_t *in, const json_t *base, const char *path, verr *e)
{
    const char *keys[PROGRAM_REMIND_COUNT + 1];
    for (int i = 0; i < PROGRAM_REMIND_COUNT; i++)
        keys[i] = program_remind_specs[i].name;
    keys[PROGRAM_REMIND_COUNT] = NULL;
    v_known_keys(in, path, keys, e);
    json_t *out = json_object();
    for (int i = 0; i < PROGRAM_REMIND_COUNT; i++) {
        const struct program_remind_spec *sp = &program_remind_specs[i];
        char rp[160];
        v_join(rp, sizeof rp, path, sp->name);
        /* A rule's fields not named keep the values they had (PATCH). */
        const json_t *given = json_object_get(in, sp->name);
        json_t *r = json_is_object(json_object_get(base, sp->name))
                        ? json_deep_copy(json_object_get(base, sp->name))
                        : json_object();
        if (given && !json_is_null(given) && !json_is_object(given))
            v_fail(e, path, sp->name, "must be an object");
        else if (json_is_object(given))
            json_object_update(r, (json_t *)given);
        const char *const rkeys[] = {"enabled", sp->unit, NULL};
        v_known_keys(r, rp, rkeys, e);
        bool on = sp->enabled;
        v_bool(r, "enabled", rp, sp->enabled, &on, e);
        json_t *o = json_pack("{s:b}", "enabled", on);
        if (sp->unit) {
            bool hours = strcmp(sp->unit, "hours") == 0;
            int64_t n = sp->n;
            v_int(r, sp->unit, rp, hours ? LIMIT_REMINDER_HOURS_MIN : LIMIT_REMINDER_DAYS_MIN,
                  hours ? LIMIT_REMINDER_HOURS_MAX : LIMIT_REMINDER_DAYS_MAX, sp->n, false, &n, e);
            json_object_set_new(o, sp->unit, json_integer(n));
        }
        json_decref(r);
        json_object_set_new(out, sp->name, o);
    }
    return out;
}

/* ---- chat alerts ---- */

const char *program_webhook_problem(const char *url)
{
    if (!url || !*url)
        return NULL; /* none: no alerts are posted */
    size_t len = strlen(url);
    if (len > LIMIT_WEBHOOK_URL_BYTES)
        return "is too long";
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)url[i] <= 0x20 || url[i] == 0x7f || (unsigned char)url[i] >= 0x80)
            return "must be a URL without spaces or control characters";
    const char *host;
    bool https = strncmp(url, "https://", 8) == 0;
    if (https)
        host = url + 8;
    else if (strncmp(url, "http://", 7) == 0)
        host = url + 7;
    else
        return "must be an https:// URL (http:// only to this machine: 127.0.0.1, localhost, "
               "[::1])";
    size_t hl = strcspn(host, "/?#");
    if (hl == 0 || memchr(host, '@', hl))
        return "must name a host (and no user or password)";
    if (https)
        return NULL;
    /* Plain HTTP only on the loopback: a receiver on the same machine. */
    static const char *const loopback[] = {"127.0.0.1", "localhost", "[::1]"};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(loopback[i]);
        if (hl >= n && strncmp(host, loopback[i], n) == 0 && (hl == n || host[n] == ':'))
            return NULL;
    }
    return "must be an https:// URL (http:// only to this machine: 127.0.0.1, localhost, [::1])";
}

/* Coordinator alerts posted to a chat's incoming webhook. */
static json_t *alerts(const json_t *in, const char *path, verr *e)
{
    static const char *const keys[] = {"webhook_url", NULL};
    const char *url = NULL;
    v_known_keys(in, path, keys, e);
    const json_t *u = json_object_get(in, "webhook_url");
    if (u && !json_is_null(u)) {
        v_string(in, "webhook_url", path, false, true, LIMIT_WEBHOOK_URL_BYTES, "", &url, e);
        const char *why = url ? program_webhook_problem(url) : NULL;
        if (why)
            v_fail(e, path, "webhook_url", "%s", why);
    }
    return json_pack("{s:s}", "webhook_url", or_empty(url));
}

/* ---- reports: the equity report's declared group fields ---- */

const char *program_group_field_problem(const char *name, const json_t *questions)
{
    static const char *const builtin[] = {"department", "job_level", "location", NULL};
    for (size_t i = 0; builtin[i]; i++)
        if (strcmp(builtin[i], name) == 0)
            return "is grouped by already (the person's record)";
    if (strcmp(name, "job_title") == 0 || strcmp(name, "learning_style") == 0 ||
        strcmp(name, "time_zone") == 0)
        return NULL;
    size_t i;
    const json_t *q;
    json_array_foreach(questions, i, q)
    {
        const char *id = json_string_value(json_object_get(q, "id"));
        const char *type = json_string_value(json_object_get(q, "type"));
        if (!id || strcmp(id, name) != 0)
            continue;
        if (strcmp(or_empty(type), "single_choice") == 0 || strcmp(or_empty(type), "scale") == 0)
            return NULL;
        return "must be a single-choice or scale question (one answer each)";
    }
    return "is not a single-choice or scale enrolment question, learning_style, time_zone or "
           "job_title";
}

/* What the reports group by besides the built-in fields. */
static json_t *reports(const json_t *in, const char *path, const json_t *questions, verr *e)
{
    static const char *const keys[] = {"equity_groups", NULL};
    json_t *groups;
    v_known_keys(in, path, keys, e);
    v_string_list(in, "equity_groups", path, LIMIT_EQUITY_GROUP_FIELDS, LIMIT_CONFIG_ID_BYTES,
                  &groups, e);
    char gp[160];
    v_join(gp, sizeof gp, path, "equity_groups");
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g)
    {
        char ip[176];
        v_index(ip, sizeof ip, gp, i);
        const char *name = json_string_value(g);
        const char *why = program_group_field_problem(name, questions);
        for (size_t k = 0; !why && k < i; k++)
            if (json_equal(json_array_get(groups, k), g))
                why = "is listed twice";
        if (why)
            v_fail(e, ip, "", "'%s' %s", name, why);
    }
    return json_pack("{s:o}", "equity_groups", groups ? json_deep_copy(groups) : json_array());
}

/* ---- dates ---- */

/* The dates, in the order a program runs through them. */
enum { D_OPENS, D_CLOSES, D_MATCHING, D_STARTS, D_ENDS, D_COUNT };

static json_t *dates(const json_t *in, const char *path, verr *e)
{
    static const char *const keys[] = {
        "enrolment_opens", "enrolment_closes", "matching_date", "starts", "ends", NULL};
    const char *v[D_COUNT];
    v_known_keys(in, path, keys, e);
    for (int i = 0; i < D_COUNT; i++)
        v_date(in, keys[i], path, &v[i], e);
    /* Orderings that make no sense (YYYY-MM-DD: text order is time
     * order): enrolment closes after it opens, matching happens once it has
     * opened, the program ends after it starts and after enrolment opens,
     * and nothing of enrolment or matching comes after its end. (A program
     * may start before enrolment opens: people join a running program.)
     * The date out of place is named, each once. */
    static const struct {
        int field, other;
        bool after; /* false: field must not be before other; true: not after */
    } rules[] = {
        {D_CLOSES, D_OPENS, false}, {D_MATCHING, D_OPENS, false}, {D_ENDS, D_OPENS, false},
        {D_ENDS, D_STARTS, false},  {D_MATCHING, D_ENDS, true},   {D_CLOSES, D_ENDS, true},
    };
    static const char *const words[] = {"enrolment opens", "enrolment closes", "matching",
                                        "the program starts", "the program ends"};
    bool named[D_COUNT] = {false};
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        int f = rules[i].field, o = rules[i].other;
        if (!v[f] || !v[o] || named[f])
            continue;
        int cmp = strcmp(v[f], v[o]);
        if (rules[i].after ? cmp > 0 : cmp < 0) {
            named[f] = true;
            v_fail(e, path, keys[f], "must not be %s %s (%s)", rules[i].after ? "after" : "before",
                   words[o], v[o]);
        }
    }
    json_t *o = json_object();
    for (int i = 0; i < D_COUNT; i++)
        json_object_set_new(o, keys[i], v[i] ? json_string(v[i]) : json_null());
    return o;
}

/* ---- default questionnaires ---- */

/* The statements people answer for a score field a criterion compares and
 * the program gave no questionnaire for: people answer words, not numbers. */
static const struct {
    const char *field, *low, *high;
    const char *statements[9];
} default_questions[] = {
    {"personality",
     "Not like me",
     "Very like me",
     {"I enjoy meeting new people", "I plan my work well ahead", "I stay calm under pressure",
      "I like trying new ways of doing things", "I say what I think, directly",
      "I like to decide quickly", "I like to talk ideas through with others",
      "I put the team's goals before my own", NULL}},
    {"values",
     "Matters little",
     "Matters a lot",
     {"Learning and growing", "Being recognised for my work", "Security and stability",
      "Working independently", "Helping others", "Achieving ambitious goals",
      "Balance between work and the rest of life", "Honesty and openness", NULL}},
};

static void default_questionnaires(json_t *selection, const json_t *criteria)
{
    json_t *pf = json_object_get(selection, "profile_fields");
    static const char *const keys[] = {"field", "mentee_field", "mentor_field"};
    size_t i;
    const json_t *c;
    json_array_foreach(criteria, i, c)
    {
        for (size_t k = 0; k < 3; k++) {
            const char *f = json_string_value(json_object_get(c, keys[k]));
            if (!f || program_profile_field_kind(f) != 4 || json_object_get(pf, f))
                continue;
            for (size_t d = 0; d < sizeof default_questions / sizeof default_questions[0]; d++) {
                if (strcmp(default_questions[d].field, f) != 0)
                    continue;
                json_t *qs = json_array();
                for (const char *const *st = default_questions[d].statements; *st; st++)
                    json_array_append_new(qs, json_pack("{s:s, s:s, s:s}", "label", *st, "low",
                                                        default_questions[d].low, "high",
                                                        default_questions[d].high));
                json_object_set_new(pf, f,
                                    json_pack("{s:o, s:i}", "questions", qs, "scale",
                                              PROGRAM_DEFAULT_QUESTIONNAIRE_SCALE));
            }
        }
    }
}

/* ---- the whole configuration ---- */

/* The section named key: from `in` when there, else from `base`; an empty
 * object when neither has it (validated to get the defaults). */
static const json_t *section(const json_t *in, const json_t *base, const char *key,
                             const json_t *empty, verr *e)
{
    json_t *v = json_object_get(in, key);
    if (!v && base)
        v = json_object_get(base, key);
    if (!v || json_is_null(v))
        return empty;
    if (!json_is_object(v)) {
        v_fail(e, "", key, "must be an object");
        return empty;
    }
    return v;
}

int program_config_normalize(const json_t *in, const json_t *base, struct program_config *out,
                             verr *caller)
{
    verr all = VERR_COLLECT, *e = &all; /* every section is checked, whatever the caller keeps */
    json_t *empty = json_object();
    json_t *cfg = json_object();
    memset(out, 0, sizeof *out);
#define SECTION(key) section(in, base, key, empty, e)
    json_object_set_new(cfg, "objectives", objectives(SECTION("objectives"), "objectives", e));
    json_object_set_new(cfg, "selection", selection(SECTION("selection"), "selection", e));
    const json_t *questions = json_object_get(json_object_get(cfg, "selection"), "questions");
    json_object_set_new(cfg, "matching", matching(SECTION("matching"), "matching", questions, e));
    default_questionnaires(json_object_get(cfg, "selection"),
                           json_object_get(json_object_get(cfg, "matching"), "criteria"));
    json_object_set_new(cfg, "training", training(SECTION("training"), "training", e));
    json_object_set_new(cfg, "meetings", meetings(SECTION("meetings"), "meetings", e));
    json_object_set_new(cfg, "goals", goals(SECTION("goals"), "goals", e));
    json_object_set_new(cfg, "phases", phases(SECTION("phases"), "phases", e));
    json_object_set_new(cfg, "dates", dates(SECTION("dates"), "dates", e));
    json_object_set_new(cfg, "surveys", surveys(SECTION("surveys"), "surveys", e));
    /* The rules named in `in` over those of base, field by field. */
    json_object_set_new(
        cfg, "reminders",
        reminders(SECTION("reminders"), json_object_get(base, "reminders"), "reminders", e));
    json_object_set_new(cfg, "alerts", alerts(SECTION("alerts"), "alerts", e));
    json_object_set_new(cfg, "reports", reports(SECTION("reports"), "reports", questions, e));
#undef SECTION

    /* The scalars: from in, else base, else the default. */
    const json_t *src = json_object_get(in, "duration_months") ? in : base;
    int64_t months, renewals, window;
    v_int(src ? src : empty, "duration_months", "", 1, LIMIT_DURATION_MONTHS_MAX,
          PROGRAM_DEFAULT_DURATION_MONTHS, false, &months, e);
    src = json_object_get(in, "renewals") ? in : base;
    v_int(src ? src : empty, "renewals", "", 0, LIMIT_RENEWALS_MAX, PROGRAM_DEFAULT_RENEWALS, false,
          &renewals, e);
    src = json_object_get(in, "renewal_window_days") ? in : base;
    v_int(src ? src : empty, "renewal_window_days", "", 1, LIMIT_RENEWAL_WINDOW_DAYS_MAX,
          PROGRAM_DEFAULT_RENEWAL_WINDOW_DAYS, false, &window, e);
    json_object_set_new(cfg, "duration_months", json_integer(months));
    json_object_set_new(cfg, "renewals", json_integer(renewals));
    json_object_set_new(cfg, "renewal_window_days", json_integer(window));
    json_decref(empty);
    if (v_failed(e)) {
        v_merge(caller, e);
        json_decref(cfg);
        return -1;
    }
    return program_config_read(cfg, out);
}
