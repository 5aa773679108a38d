#include "domain/program.h"

#include <string.h>

#include "base/limits.h"
#include "base/str.h"

const char *const program_config_keys[] = {"objectives", "selection", "matching",        "training",
                                           "meetings",   "goals",     "duration_months", "renewals",
                                           "phases",     "dates",     "surveys",         NULL};
const char *const program_statuses[] = {"draft",   "enrolling", "matching",
                                        "running", "closed",    NULL};

static const char *const roles3[] = {"mentor", "mentee", "both", NULL};

/* The defaults the normaliser fills in, and the reader of an older
 * document assumes. */
enum {
    DEFAULT_CAPACITY = 2,
    DEFAULT_WANTS = 1,
    DEFAULT_MAX_MENTORS = 1,
    DEFAULT_REQUEST_EXPIRY_DAYS = 7,
    DEFAULT_FREQUENCY = 2,
    DEFAULT_LENGTH_MINUTES = 60,
    DEFAULT_GOALS = 3,
    DEFAULT_GOAL_DUE_DAYS = 30,
    DEFAULT_DURATION_MONTHS = 12,
    DEFAULT_RENEWALS = 1,
    DEFAULT_ANONYMITY_THRESHOLD = 5,
    DEFAULT_HEALTH_CHECK_DAYS = 30,
};

/* ---- phase templates (the seeds' phase models) ---- */

struct phase_def {
    const char *name;
    int days;
    const char *actions[4];
    const char *resources[2];
    const char *exits[3];
};

struct template_def {
    const char *name;
    struct phase_def phases[5];
};

static const struct template_def templates[] = {
    {"zachary",
     {{"Preparation",
       14,
       {"Reflect on your motivation and what you can offer or want to learn",
        "Read each other's profiles", "Hold a first, informal conversation"},
       {"Orientation guide"},
       {"Both parties have met once", "Each has shared their expectations"}},
      {"Negotiating",
       30,
       {"Agree goals and how success will be measured", "Set meeting frequency and mode",
        "Agree confidentiality and boundaries", "Sign the partnership agreement"},
       {"Partnership agreement guide"},
       {"The partnership agreement is signed", "At least one goal is set"}},
      {"Enabling growth",
       240,
       {"Meet as agreed", "Review progress on goals", "Give and ask for feedback"},
       {"Giving feedback"},
       {"Goals are reached or reviewed"}},
      {"Closure",
       30,
       {"Reflect on what was learned", "Agree next steps for the mentee",
        "Give feedback on the program", "Celebrate and decide how to stay in touch"},
       {"Closing a mentoring relationship"},
       {"Both reflections are written"}}}},
    {"kram",
     {{"Initiation",
       30,
       {"Get to know each other", "Share expectations and hopes", "Agree how to work together"},
       {"Starting well"},
       {"The partnership agreement is signed"}},
      {"Cultivation",
       240,
       {"Work on goals with career and psychosocial support", "Meet regularly", "Review progress"},
       {"Career functions of mentoring"},
       {"Goals are reached or reviewed"}},
      {"Separation",
       45,
       {"Plan the end of the formal relationship", "Build the mentee's independence"},
       {"Separation without loss"},
       {"A closing conversation is held"}},
      {"Redefinition",
       30,
       {"Redefine the relationship as colleagues", "Reflect on the program"},
       {"Staying connected"},
       {"Both reflections are written"}}}},
    {"lifecycle",
     {{"Contemplation",
       14,
       {"Consider what each hopes to gain", "Read each other's profiles"},
       {"Is mentoring for me?"},
       {"Both parties have met once"}},
      {"Initiation",
       30,
       {"Agree goals, roles and boundaries", "Sign the partnership agreement"},
       {"Partnership agreement guide"},
       {"The partnership agreement is signed"}},
      {"Growth and maintenance",
       240,
       {"Meet regularly", "Work on goals", "Check the relationship's health"},
       {"Keeping momentum"},
       {"Goals are reached or reviewed"}},
      {"Decline and dissolution",
       30,
       {"Acknowledge the relationship is ending", "Plan the last meetings"},
       {"Ending well"},
       {"A closing conversation is held"}},
      {"Redefinition",
       30,
       {"Decide how to stay connected", "Reflect on what was learned"},
       {"Staying connected"},
       {"Both reflections are written"}}}},
    {"rapport",
     {{"Building rapport",
       21,
       {"Share backgrounds and interests", "Agree confidentiality", "Listen actively"},
       {"Building trust"},
       {"Both parties have met once"}},
      {"Setting direction",
       30,
       {"Discuss vision and career aspirations", "Assess where the career is now",
        "Name strengths and weaknesses", "Set the top three goals"},
       {"Setting direction questions"},
       {"At least one goal is set", "The partnership agreement is signed"}},
      {"Recap and progress",
       240,
       {"Recap each meeting", "Track progress on goals", "Adjust goals when needed"},
       {"Meeting recaps"},
       {"Goals are reached or reviewed"}},
      {"Closure",
       30,
       {"Reflect on what was learned", "Agree next steps", "Give feedback on the program"},
       {"Closing a mentoring relationship"},
       {"Both reflections are written"}}}},
};

static json_t *strings(const char *const *list, size_t max)
{
    json_t *a = json_array();
    for (size_t i = 0; i < max && list[i]; i++)
        json_array_append_new(a, json_string(list[i]));
    return a;
}

static json_t *template_phases(const struct template_def *t)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < 5 && t->phases[i].name; i++) {
        const struct phase_def *p = &t->phases[i];
        json_array_append_new(
            arr, json_pack("{s:s, s:o, s:i, s:o, s:o}", "name", p->name, "key_actions",
                           strings(p->actions, 4), "timeframe_days", p->days, "resources",
                           strings(p->resources, 2), "exit_criteria", strings(p->exits, 3)));
    }
    return arr;
}

json_t *program_phase_templates(void)
{
    json_t *o = json_object();
    for (size_t i = 0; i < sizeof templates / sizeof templates[0]; i++)
        json_object_set_new(o, templates[i].name, template_phases(&templates[i]));
    return o;
}

/* ---- profile fields ---- */

static const struct {
    const char *name;
    int kind;
} profile_fields[] = {
    {"expertise", 1},      {"development_needs", 1}, {"languages", 1},        {"interests", 1},
    {"communication", 1},  {"availability", 1},      {"location", 2},         {"department", 2},
    {"learning_style", 2}, {"utc_offset", 3},        {"years_experience", 3}, {"job_level", 3},
    {"values", 4},         {"personality", 4},       {"time_zone", 2},
};

int program_profile_field_kind(const char *name)
{
    for (size_t i = 0; name && i < sizeof profile_fields / sizeof profile_fields[0]; i++)
        if (strcmp(profile_fields[i].name, name) == 0)
            return profile_fields[i].kind;
    return 0;
}

/* ---- sections ---- */

static int objectives(const json_t *in, const char *path, json_t **out, verr *e)
{
    static const char *const keys[] = {"summary", "measures", NULL};
    static const char *const mkeys[] = {"name", "unit", "baseline", "target", NULL};
    const char *summary;
    json_t *measures;
    if (v_known_keys(in, path, keys, e) ||
        v_string(in, "summary", path, false, true, LIMIT_TEXT_BYTES, "", &summary, e) ||
        v_array(in, "measures", path, LIMIT_PROGRAM_LIST_ITEMS, &measures, e))
        return -1;
    json_t *ms = json_array();
    size_t i;
    json_t *m;
    json_array_foreach(measures, i, m)
    {
        char at[160], mp[176];
        v_join(at, sizeof at, path, "measures");
        v_index(mp, sizeof mp, at, i);
        const char *name, *unit;
        double baseline, target;
        if (!json_is_object(m)) {
            json_decref(ms);
            return v_fail(e, mp, "", "must be an object");
        }
        if (v_known_keys(m, mp, mkeys, e) ||
            v_string(m, "name", mp, true, false, LIMIT_NAME_BYTES, NULL, &name, e) ||
            v_string(m, "unit", mp, false, true, LIMIT_CONFIG_UNIT_BYTES, "", &unit, e) ||
            v_number(m, "baseline", mp, -1e12, 1e12, 0, false, &baseline, e) ||
            v_number(m, "target", mp, -1e12, 1e12, 0, true, &target, e)) {
            json_decref(ms);
            return -1;
        }
        json_t *baseline_v = json_object_get(m, "baseline");
        json_array_append_new(
            ms,
            json_pack("{s:s, s:s, s:o, s:f}", "name", name, "unit", unit, "baseline",
                      baseline_v && !json_is_null(baseline_v) ? json_real(baseline) : json_null(),
                      "target", target));
    }
    *out = json_pack("{s:s, s:o}", "summary", summary, "measures", ms);
    return 0;
}

static int questions(const json_t *arr, const char *path, json_t **out, verr *e)
{
    static const char *const keys[] = {"id", "role", "type", "label", "required", "options", NULL};
    static const char *const types[] = {
        "text", "long_text", "single_choice", "multiple_choice", "number", "scale", NULL};
    json_t *qs = json_array();
    size_t i;
    json_t *q;
    json_array_foreach(arr, i, q)
    {
        char qp[176];
        v_index(qp, sizeof qp, path, i);
        const char *id, *role, *type, *label;
        bool required;
        json_t *options;
        if (!json_is_object(q)) {
            v_fail(e, qp, "", "must be an object");
            goto fail;
        }
        if (v_known_keys(q, qp, keys, e) ||
            v_string(q, "id", qp, true, false, LIMIT_CONFIG_ID_BYTES, NULL, &id, e) ||
            v_enum(q, "role", qp, roles3, "both", &role, e) ||
            v_enum(q, "type", qp, types, NULL, &type, e) ||
            v_string(q, "label", qp, true, false, LIMIT_CONFIG_LABEL_BYTES, NULL, &label, e) ||
            v_bool(q, "required", qp, false, &required, e) ||
            v_string_list(q, "options", qp, LIMIT_PROGRAM_LIST_ITEMS, LIMIT_CONFIG_OPTION_BYTES,
                          &options, e))
            goto fail;
        for (const char *p = id; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) {
                v_fail(e, qp, "id", "must use only a-z, 0-9 and _");
                goto fail;
            }
        for (size_t k = 0; k < i; k++)
            if (strcmp(json_string_value(json_object_get(json_array_get(qs, k), "id")), id) == 0) {
                v_fail(e, qp, "id", "is used by another question");
                goto fail;
            }
        bool choice = strcmp(type, "single_choice") == 0 || strcmp(type, "multiple_choice") == 0;
        size_t nopt = options ? json_array_size(options) : 0;
        if (choice && nopt < 2) {
            v_fail(e, qp, "options", "needs at least two options for a %s question", type);
            goto fail;
        }
        if (!choice && nopt) {
            v_fail(e, qp, "options", "only choice questions have options");
            goto fail;
        }
        json_array_append_new(qs, json_pack("{s:s, s:s, s:s, s:s, s:b, s:o}", "id", id, "role",
                                            role, "type", type, "label", label, "required",
                                            required, "options",
                                            options ? json_deep_copy(options) : json_array()));
    }
    *out = qs;
    return 0;
fail:
    json_decref(qs);
    return -1;
}

static int selection(const json_t *in, const char *path, json_t **out, verr *e)
{
    static const char *const keys[] = {"access",        "mentor_voluntary", "default_capacity",
                                       "default_wants", "questions",        NULL};
    static const char *const access[] = {"open", "invite_only", "approval", NULL};
    const char *acc;
    bool voluntary;
    int64_t cap, wants;
    json_t *qin, *qs = NULL;
    char qpath[160];
    v_join(qpath, sizeof qpath, path, "questions");
    if (v_known_keys(in, path, keys, e) ||
        v_enum(in, "access", path, access, "approval", &acc, e) ||
        v_bool(in, "mentor_voluntary", path, true, &voluntary, e) ||
        v_int(in, "default_capacity", path, 1, LIMIT_CAPACITY_MAX, DEFAULT_CAPACITY, false, &cap,
              e) ||
        v_int(in, "default_wants", path, 1, LIMIT_WANTS_MAX, DEFAULT_WANTS, false, &wants, e) ||
        v_array(in, "questions", path, LIMIT_PROGRAM_QUESTIONS, &qin, e))
        return -1;
    if (qin) {
        if (questions(qin, qpath, &qs, e))
            return -1;
    } else {
        qs = json_pack("[{s:s, s:s, s:s, s:s, s:b, s:[]}]", "id", "motivation", "role", "both",
                       "type", "long_text", "label", "Why do you want to take part?", "required", 1,
                       "options");
    }
    *out = json_pack("{s:s, s:b, s:I, s:I, s:o}", "access", acc, "mentor_voluntary", voluntary,
                     "default_capacity", (json_int_t)cap, "default_wants", (json_int_t)wants,
                     "questions", qs);
    return 0;
}

/* A criterion field must be a profile field or an enrolment question. */
static int check_field(const json_t *crit, const char *key, const char *cp, const json_t *qs,
                       verr *e)
{
    const char *f = json_string_value(json_object_get(crit, key));
    if (!f)
        return v_fail(e, cp, key, "is required for this kind");
    if (program_profile_field_kind(f))
        return 0;
    size_t i;
    json_t *q;
    json_array_foreach(qs, i,
                       q) if (strcmp(json_string_value(json_object_get(q, "id")), f) == 0) return 0;
    return v_fail(e, cp, key, "'%s' is not a profile field or an enrolment question", f);
}

static int criteria(const json_t *arr, const char *path, const json_t *qs, json_t **out, verr *e)
{
    static const char *const keys[] = {"name",         "kind",   "field",     "mentee_field",
                                       "mentor_field", "weight", "required",  "scale",
                                       "min",          "max",    "different", NULL};
    static const char *const kinds[] = {"overlap", "shared",     "same",   "distance",
                                        "gap",     "similarity", "choice", NULL};
    json_t *cs = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(arr, i, c)
    {
        char cp[176];
        v_index(cp, sizeof cp, path, i);
        const char *name, *kind, *field, *mf, *rf;
        double weight, scale, min, max;
        bool required, different;
        if (!json_is_object(c)) {
            v_fail(e, cp, "", "must be an object");
            goto fail;
        }
        if (v_known_keys(c, cp, keys, e) ||
            v_string(c, "name", cp, true, false, LIMIT_CONFIG_ID_BYTES, NULL, &name, e) ||
            v_enum(c, "kind", cp, kinds, NULL, &kind, e) ||
            v_string(c, "field", cp, false, false, LIMIT_CONFIG_ID_BYTES, NULL, &field, e) ||
            v_string(c, "mentee_field", cp, false, false, LIMIT_CONFIG_ID_BYTES, NULL, &mf, e) ||
            v_string(c, "mentor_field", cp, false, false, LIMIT_CONFIG_ID_BYTES, NULL, &rf, e) ||
            v_number(c, "weight", cp, 0, 1e6, 1, false, &weight, e) ||
            v_bool(c, "required", cp, false, &required, e) ||
            v_bool(c, "different", cp, false, &different, e) ||
            v_number(c, "scale", cp, 1e-9, 1e9, 1, strcmp(kind, "distance") == 0, &scale, e) ||
            v_number(c, "min", cp, -1e9, 1e9, 0, strcmp(kind, "gap") == 0, &min, e) ||
            v_number(c, "max", cp, -1e9, 1e9, 0, strcmp(kind, "gap") == 0, &max, e))
            goto fail;
        for (size_t k = 0; k < i; k++)
            if (strcmp(json_string_value(json_object_get(json_array_get(cs, k), "name")), name) ==
                0) {
                v_fail(e, cp, "name", "is used by another criterion");
                goto fail;
            }
        json_t *o = json_pack("{s:s, s:s, s:f, s:b}", "name", name, "kind", kind, "weight", weight,
                              "required", required);
        json_array_append_new(cs, o);
        if (strcmp(kind, "choice") == 0) {
            if (field || mf || rf) {
                v_fail(e, cp,
                       field ? "field"
                       : mf  ? "mentee_field"
                             : "mentor_field",
                       "a choice criterion takes no field");
                goto fail;
            }
            continue;
        }
        if (field && (mf || rf)) {
            v_fail(e, cp, "field", "give either field, or mentee_field and mentor_field");
            goto fail;
        }
        if (field) {
            if (check_field(c, "field", cp, qs, e))
                goto fail;
            json_object_set_new(o, "field", json_string(field));
        } else {
            if (check_field(c, "mentee_field", cp, qs, e) ||
                check_field(c, "mentor_field", cp, qs, e))
                goto fail;
            json_object_set_new(o, "mentee_field", json_string(mf));
            json_object_set_new(o, "mentor_field", json_string(rf));
        }
        if (strcmp(kind, "distance") == 0 || strcmp(kind, "gap") == 0)
            json_object_set_new(o, "scale", json_real(scale));
        if (strcmp(kind, "gap") == 0) {
            if (min > max) {
                v_fail(e, cp, "max", "must be at least min");
                goto fail;
            }
            json_object_set_new(o, "min", json_real(min));
            json_object_set_new(o, "max", json_real(max));
        }
        if (strcmp(kind, "same") == 0)
            json_object_set_new(o, "different", json_boolean(different));
    }
    *out = cs;
    return 0;
fail:
    json_decref(cs);
    return -1;
}

static int matching(const json_t *in, const char *path, const json_t *qs, json_t **out, verr *e)
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
    json_t *cin, *cs = NULL;
    char cpath[160];
    v_join(cpath, sizeof cpath, path, "criteria");
    if (v_known_keys(in, path, keys, e) || v_enum(in, "mode", path, modes, "admin", &mode, e) ||
        v_enum(in, "relationship_type", path, types, "one_to_one", &type, e) ||
        v_enum(in, "direction", path, dirs, "senior", &dir, e) ||
        v_enum(in, "objective", path, objs, "total", &obj, e) ||
        v_number(in, "min_score", path, 0, 1, 0, false, &min_score, e) ||
        v_bool(in, "power_differential_rule", path, true, &pdr, e) ||
        v_int(in, "max_mentors_per_mentee", path, 1, LIMIT_WANTS_MAX, DEFAULT_MAX_MENTORS, false,
              &maxm, e) ||
        v_int(in, "request_expiry_days", path, 1, LIMIT_REQUEST_EXPIRY_DAYS_MAX,
              DEFAULT_REQUEST_EXPIRY_DAYS, false, &expiry, e) ||
        v_array(in, "criteria", path, LIMIT_PROGRAM_CRITERIA, &cin, e))
        return -1;
    if (cin) {
        if (criteria(cin, cpath, qs, &cs, e))
            return -1;
    } else {
        cs = json_loads("[{\"name\": \"skills\", \"kind\": \"overlap\", "
                        "\"mentee_field\": \"development_needs\", \"mentor_field\": \"expertise\", "
                        "\"weight\": 3.0, \"required\": false},"
                        " {\"name\": \"language\", \"kind\": \"shared\", \"field\": \"languages\", "
                        "\"weight\": 1.0, \"required\": true}]",
                        0, NULL);
    }
    *out = json_pack("{s:s, s:s, s:s, s:s, s:f, s:b, s:I, s:I, s:o}", "mode", mode,
                     "relationship_type", type, "direction", dir, "objective", obj, "min_score",
                     min_score, "power_differential_rule", pdr, "max_mentors_per_mentee",
                     (json_int_t)maxm, "request_expiry_days", (json_int_t)expiry, "criteria", cs);
    return 0;
}

static int training(const json_t *in, const char *path, json_t **out, verr *e)
{
    static const char *const keys[] = {"required_before_matching", "modules", NULL};
    static const char *const mkeys[] = {"id", "role", "title", "content_md", "questions", NULL};
    bool gate;
    json_t *mods;
    if (v_known_keys(in, path, keys, e) ||
        v_bool(in, "required_before_matching", path, true, &gate, e) ||
        v_array(in, "modules", path, LIMIT_PROGRAM_LIST_ITEMS, &mods, e))
        return -1;
    char mpath[160];
    v_join(mpath, sizeof mpath, path, "modules");
    json_t *ms = json_array();
    size_t i;
    json_t *m;
    json_array_foreach(mods, i, m)
    {
        char mp[176], qp[192];
        v_index(mp, sizeof mp, mpath, i);
        v_join(qp, sizeof qp, mp, "questions");
        const char *id, *role, *title, *content;
        json_t *qin, *qs = NULL;
        if (!json_is_object(m)) {
            v_fail(e, mp, "", "must be an object");
            goto fail;
        }
        if (v_known_keys(m, mp, mkeys, e) ||
            v_string(m, "id", mp, true, false, LIMIT_CONFIG_ID_BYTES, NULL, &id, e) ||
            v_enum(m, "role", mp, roles3, "both", &role, e) ||
            v_string(m, "title", mp, true, false, LIMIT_NAME_BYTES, NULL, &title, e) ||
            v_string(m, "content_md", mp, false, true, LIMIT_TEXT_BYTES * 5, "", &content, e) ||
            v_array(m, "questions", mp, LIMIT_PROGRAM_QUESTIONS, &qin, e))
            goto fail;
        for (size_t k = 0; k < i; k++)
            if (strcmp(json_string_value(json_object_get(json_array_get(ms, k), "id")), id) == 0) {
                v_fail(e, mp, "id", "is used by another module");
                goto fail;
            }
        if (qin && questions(qin, qp, &qs, e))
            goto fail;
        json_array_append_new(ms, json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", id, "role", role,
                                            "title", title, "content_md", content, "questions",
                                            qs ? qs : json_array()));
    }
    *out = json_pack("{s:b, s:o}", "required_before_matching", gate, "modules", ms);
    return 0;
fail:
    json_decref(ms);
    return -1;
}

static int meetings(const json_t *in, const char *path, json_t **out, verr *e)
{
    static const char *const keys[] = {"frequency_per_month", "length_minutes", "modes", NULL};
    static const char *const modes[] = {"in_person", "video", "phone", "chat", NULL};
    int64_t freq, len;
    json_t *ms;
    if (v_known_keys(in, path, keys, e) ||
        v_int(in, "frequency_per_month", path, 1, LIMIT_MEETINGS_PER_MONTH_MAX, DEFAULT_FREQUENCY,
              false, &freq, e) ||
        v_int(in, "length_minutes", path, LIMIT_MEETING_LENGTH_MIN, LIMIT_MEETING_LENGTH_MAX,
              DEFAULT_LENGTH_MINUTES, false, &len, e) ||
        v_string_list(in, "modes", path, 4, 16, &ms, e))
        return -1;
    json_t *out_modes = json_array();
    if (!ms) {
        json_array_append_new(out_modes, json_string("video"));
        json_array_append_new(out_modes, json_string("in_person"));
    }
    size_t i;
    json_t *m;
    json_array_foreach(ms, i, m)
    {
        char mp[176], base[160];
        v_join(base, sizeof base, path, "modes");
        v_index(mp, sizeof mp, base, i);
        bool ok = false;
        for (const char *const *v = modes; *v && !ok; v++)
            ok = strcmp(*v, json_string_value(m)) == 0;
        if (!ok) {
            json_decref(out_modes);
            return v_fail(e, mp, "", "must be one of: in_person, video, phone, chat");
        }
        json_array_append(out_modes, m);
    }
    *out = json_pack("{s:I, s:I, s:o}", "frequency_per_month", (json_int_t)freq, "length_minutes",
                     (json_int_t)len, "modes", out_modes);
    return 0;
}

static int goals(const json_t *in, const char *path, json_t **out, verr *e)
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
    if (v_known_keys(in, path, keys, e) ||
        v_int(in, "count", path, 1, LIMIT_GOALS_COUNT_MAX, DEFAULT_GOALS, false, &count, e) ||
        v_int(in, "due_days", path, 1, LIMIT_GOALS_DUE_DAYS_MAX, DEFAULT_GOAL_DUE_DAYS, false, &due,
              e) ||
        v_string_list(in, "questions", path, LIMIT_PROGRAM_LIST_ITEMS, LIMIT_CONFIG_LABEL_BYTES,
                      &qs, e))
        return -1;
    *out = json_pack("{s:I, s:I, s:o}", "count", (json_int_t)count, "due_days", (json_int_t)due,
                     "questions", qs ? json_deep_copy(qs) : strings(direction, 5));
    return 0;
}

static int phases(const json_t *in, const char *path, json_t **out, verr *e)
{
    static const char *const keys[] = {"template", "items", NULL};
    static const char *const names[] = {"zachary", "kram", "lifecycle", "rapport", "custom", NULL};
    static const char *const pkeys[] = {"name",      "key_actions",   "timeframe_days",
                                        "resources", "exit_criteria", NULL};
    const char *tmpl;
    json_t *items;
    if (v_known_keys(in, path, keys, e) ||
        v_enum(in, "template", path, names, "zachary", &tmpl, e) ||
        v_array(in, "items", path, LIMIT_PROGRAM_PHASES, &items, e))
        return -1;
    char ipath[160];
    v_join(ipath, sizeof ipath, path, "items");
    if (!items || json_array_size(items) == 0) {
        if (strcmp(tmpl, "custom") == 0)
            return v_fail(e, path, "items", "a custom phase model needs at least one phase");
        for (size_t t = 0; t < sizeof templates / sizeof templates[0]; t++)
            if (strcmp(templates[t].name, tmpl) == 0)
                *out = json_pack("{s:s, s:o}", "template", tmpl, "items",
                                 template_phases(&templates[t]));
        return 0;
    }
    json_t *ps = json_array();
    size_t i;
    json_t *p;
    json_array_foreach(items, i, p)
    {
        char pp[176];
        v_index(pp, sizeof pp, ipath, i);
        const char *name;
        int64_t days;
        json_t *ka, *res, *ex;
        if (!json_is_object(p)) {
            json_decref(ps);
            return v_fail(e, pp, "", "must be an object");
        }
        if (v_known_keys(p, pp, pkeys, e) ||
            v_string(p, "name", pp, true, false, LIMIT_NAME_BYTES, NULL, &name, e) ||
            v_int(p, "timeframe_days", pp, 1, LIMIT_PHASE_DAYS_MAX, 30, false, &days, e) ||
            v_string_list(p, "key_actions", pp, LIMIT_PROGRAM_LIST_ITEMS, LIMIT_CONFIG_LABEL_BYTES,
                          &ka, e) ||
            v_string_list(p, "resources", pp, LIMIT_PROGRAM_LIST_ITEMS, LIMIT_CONFIG_LABEL_BYTES,
                          &res, e) ||
            v_string_list(p, "exit_criteria", pp, LIMIT_PROGRAM_LIST_ITEMS,
                          LIMIT_CONFIG_LABEL_BYTES, &ex, e)) {
            json_decref(ps);
            return -1;
        }
        json_array_append_new(
            ps, json_pack("{s:s, s:o, s:I, s:o, s:o}", "name", name, "key_actions",
                          ka ? json_deep_copy(ka) : json_array(), "timeframe_days",
                          (json_int_t)days, "resources", res ? json_deep_copy(res) : json_array(),
                          "exit_criteria", ex ? json_deep_copy(ex) : json_array()));
    }
    *out = json_pack("{s:s, s:o}", "template", tmpl, "items", ps);
    return 0;
}

/* Surveys and the follow-up of relationships (issue 12): the anonymity
 * threshold of results and the health-check cadence. */
static int surveys(const json_t *in, const char *path, json_t **out, verr *e)
{
    static const char *const keys[] = {"anonymity_threshold", "health_check_days", NULL};
    int64_t threshold, days;
    if (v_known_keys(in, path, keys, e) ||
        v_int(in, "anonymity_threshold", path, LIMIT_ANONYMITY_THRESHOLD_MIN,
              LIMIT_ANONYMITY_THRESHOLD_MAX, DEFAULT_ANONYMITY_THRESHOLD, false, &threshold, e) ||
        v_int(in, "health_check_days", path, LIMIT_HEALTH_CHECK_DAYS_MIN,
              LIMIT_HEALTH_CHECK_DAYS_MAX, DEFAULT_HEALTH_CHECK_DAYS, false, &days, e))
        return -1;
    *out = json_pack("{s:I, s:I}", "anonymity_threshold", (json_int_t)threshold,
                     "health_check_days", (json_int_t)days);
    return 0;
}

static int dates(const json_t *in, const char *path, json_t **out, verr *e)
{
    static const char *const keys[] = {
        "enrolment_opens", "enrolment_closes", "matching_date", "starts", "ends", NULL};
    const char *v[5];
    if (v_known_keys(in, path, keys, e))
        return -1;
    for (int i = 0; i < 5; i++)
        if (v_date(in, keys[i], path, &v[i], e))
            return -1;
    /* Dates are YYYY-MM-DD, so text order is time order. */
    if (v[0] && v[1] && strcmp(v[1], v[0]) < 0)
        return v_fail(e, path, "enrolment_closes", "must not be before enrolment_opens");
    if (v[3] && v[4] && strcmp(v[4], v[3]) < 0)
        return v_fail(e, path, "ends", "must not be before starts");
    json_t *o = json_object();
    for (int i = 0; i < 5; i++)
        json_object_set_new(o, keys[i], v[i] ? json_string(v[i]) : json_null());
    *out = o;
    return 0;
}

/* The section named key: from `in` when there, else from `base`; NULL
 * when neither has it (the caller validates {} to get the defaults). */
static int section(const json_t *in, const json_t *base, const char *key, const json_t **out,
                   verr *e)
{
    json_t *v = json_object_get(in, key);
    if (!v && base)
        v = json_object_get(base, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_object(v))
        return v_fail(e, "", key, "must be an object");
    *out = v;
    return 0;
}

int program_config_normalize(const json_t *in, const json_t *base, struct program_config *out,
                             verr *e)
{
    json_t *empty = json_object();
    json_t *cfg = json_object();
    json_t *o = NULL;
    memset(out, 0, sizeof *out);
    const json_t *s;
#define SECTION(key) (section(in, base, key, &s, e) ? -1 : (s = s ? s : empty, 0))

    if (SECTION("objectives") || objectives(s, "objectives", &o, e))
        goto fail;
    json_object_set_new(cfg, "objectives", o);

    if (SECTION("selection") || selection(s, "selection", &o, e))
        goto fail;
    json_object_set_new(cfg, "selection", o);

    const json_t *questions = json_object_get(o, "questions"); /* the selection's */
    if (SECTION("matching") || matching(s, "matching", questions, &o, e))
        goto fail;
    json_object_set_new(cfg, "matching", o);

    if (SECTION("training") || training(s, "training", &o, e))
        goto fail;
    json_object_set_new(cfg, "training", o);

    if (SECTION("meetings") || meetings(s, "meetings", &o, e))
        goto fail;
    json_object_set_new(cfg, "meetings", o);

    if (SECTION("goals") || goals(s, "goals", &o, e))
        goto fail;
    json_object_set_new(cfg, "goals", o);

    if (SECTION("phases") || phases(s, "phases", &o, e))
        goto fail;
    json_object_set_new(cfg, "phases", o);

    if (SECTION("dates") || dates(s, "dates", &o, e))
        goto fail;
    json_object_set_new(cfg, "dates", o);

    if (SECTION("surveys") || surveys(s, "surveys", &o, e))
        goto fail;
    json_object_set_new(cfg, "surveys", o);
#undef SECTION

    /* The two scalars: from in, else base, else the default. */
    const json_t *src = json_object_get(in, "duration_months") ? in : base;
    int64_t months, renewals;
    if (v_int(src ? src : empty, "duration_months", "", 1, LIMIT_DURATION_MONTHS_MAX,
              DEFAULT_DURATION_MONTHS, false, &months, e))
        goto fail;
    src = json_object_get(in, "renewals") ? in : base;
    if (v_int(src ? src : empty, "renewals", "", 0, LIMIT_RENEWALS_MAX, DEFAULT_RENEWALS, false,
              &renewals, e))
        goto fail;
    json_object_set_new(cfg, "duration_months", json_integer(months));
    json_object_set_new(cfg, "renewals", json_integer(renewals));

    json_decref(empty);
    return program_config_read(cfg, out);
fail:
    json_decref(empty);
    json_decref(cfg);
    return -1;
}

/* ---- the typed view ---- */

static const json_t *member(const json_t *o, const char *key)
{
    return json_object_get(o, key);
}

static int int_or(const json_t *o, const char *key, int def)
{
    const json_t *v = member(o, key);
    return json_is_integer(v) ? (int)json_integer_value(v) : def;
}

static bool bool_or(const json_t *o, const char *key, bool def)
{
    const json_t *v = member(o, key);
    return json_is_boolean(v) ? json_is_true(v) : def;
}

/* The index of o[key] among names, or 0 (the default is listed first). */
static int which(const json_t *o, const char *key, const char *const *names)
{
    const char *v = json_string_value(member(o, key));
    for (int i = 0; v && names[i]; i++)
        if (strcmp(names[i], v) == 0)
            return i;
    return 0;
}

/* A list of the document, or an empty one kept in the document so the
 * pointer stays valid as long as the struct. */
static const json_t *list_of(json_t *section, const char *key)
{
    json_t *v = json_object_get(section, key);
    if (json_is_array(v) || !json_is_object(section))
        return v;
    json_object_set_new(section, key, json_array());
    return json_object_get(section, key);
}

int program_config_read(json_t *doc, struct program_config *out)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return -1;
    }
    static const char *const accesses[] = {"approval", "open", "invite_only", NULL};
    static const char *const modes[] = {"admin", "self", "hybrid", NULL};
    static const char *const types[] = {"one_to_one", "group", "peer", NULL};
    static const char *const directions[] = {"senior", "peer", "reverse", NULL};
    static const char *const objectives[] = {"total", "fair", "stable", NULL};
    out->doc = doc;
    /* Sections an older document lacks are added empty, so that every
     * list below points into the document. */
    static const char *const sections[] = {"selection", "matching", "training",
                                           "meetings",  "goals",    "phases"};
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        if (!json_is_object(json_object_get(doc, sections[i])))
            json_object_set_new(doc, sections[i], json_object());

    json_t *sel = json_object_get(doc, "selection");
    out->selection.access = (enum program_access)which(sel, "access", accesses);
    out->selection.mentor_voluntary = bool_or(sel, "mentor_voluntary", true);
    out->selection.default_capacity = int_or(sel, "default_capacity", DEFAULT_CAPACITY);
    out->selection.default_wants = int_or(sel, "default_wants", DEFAULT_WANTS);
    out->selection.questions = list_of(sel, "questions");

    json_t *m = json_object_get(doc, "matching");
    out->matching.mode = (enum program_mode)which(m, "mode", modes);
    out->matching.relationship_type = (enum program_rel_type)which(m, "relationship_type", types);
    out->matching.direction = directions[which(m, "direction", directions)];
    out->matching.objective = objectives[which(m, "objective", objectives)];
    const json_t *ms = member(m, "min_score");
    out->matching.min_score = json_is_number(ms) ? json_number_value(ms) : 0;
    out->matching.power_differential_rule = bool_or(m, "power_differential_rule", true);
    out->matching.max_mentors_per_mentee = int_or(m, "max_mentors_per_mentee", DEFAULT_MAX_MENTORS);
    out->matching.request_expiry_days =
        int_or(m, "request_expiry_days", DEFAULT_REQUEST_EXPIRY_DAYS);
    out->matching.criteria = list_of(m, "criteria");

    json_t *t = json_object_get(doc, "training");
    out->training.required_before_matching = bool_or(t, "required_before_matching", true);
    out->training.modules = list_of(t, "modules");

    json_t *mt = json_object_get(doc, "meetings");
    out->meetings.frequency_per_month = int_or(mt, "frequency_per_month", DEFAULT_FREQUENCY);
    out->meetings.length_minutes = int_or(mt, "length_minutes", DEFAULT_LENGTH_MINUTES);
    out->meetings.modes = list_of(mt, "modes");

    json_t *g = json_object_get(doc, "goals");
    out->goals.count = int_or(g, "count", DEFAULT_GOALS);
    out->goals.due_days = int_or(g, "due_days", DEFAULT_GOAL_DUE_DAYS);
    out->goals.questions = list_of(g, "questions");

    json_t *ph = json_object_get(doc, "phases");
    const char *tmpl = json_string_value(member(ph, "template"));
    out->phases.template_name = tmpl ? tmpl : "zachary";
    out->phases.items = list_of(ph, "items");
    out->phases.count = json_array_size(out->phases.items);

    json_t *sv = json_object_get(doc, "surveys");
    out->surveys.anonymity_threshold =
        int_or(sv, "anonymity_threshold", DEFAULT_ANONYMITY_THRESHOLD);
    if (out->surveys.anonymity_threshold < LIMIT_ANONYMITY_THRESHOLD_MIN)
        out->surveys.anonymity_threshold = LIMIT_ANONYMITY_THRESHOLD_MIN;
    out->surveys.health_check_days = int_or(sv, "health_check_days", DEFAULT_HEALTH_CHECK_DAYS);

    out->duration_months = int_or(doc, "duration_months", DEFAULT_DURATION_MONTHS);
    out->renewals = int_or(doc, "renewals", DEFAULT_RENEWALS);
    return 0;
}

void program_config_cleanup(struct program_config *cfg)
{
    if (!cfg)
        return;
    json_decref(cfg->doc);
    memset(cfg, 0, sizeof *cfg);
}

int program_wants_max(const struct program_config *cfg, bool by_coordinator)
{
    int max = cfg->matching.max_mentors_per_mentee;
    if (by_coordinator)
        return LIMIT_WANTS_MAX;
    return max < 1 ? 1 : max > LIMIT_WANTS_MAX ? LIMIT_WANTS_MAX : max;
}

int program_wants_default(const struct program_config *cfg)
{
    int d = cfg->selection.default_wants, max = program_wants_max(cfg, false);
    return d < 1 ? 1 : d > max ? max : d;
}

bool program_role_has_training(const struct program_config *cfg, const char *role)
{
    size_t i;
    const json_t *m;
    json_array_foreach(cfg->training.modules, i, m)
    {
        const char *r = json_string_value(json_object_get(m, "role"));
        if (r && (strcmp(r, "both") == 0 || strcmp(r, role) == 0))
            return true;
    }
    return false;
}

const json_t *program_phase(const struct program_config *cfg, int i)
{
    return i >= 0 ? json_array_get(cfg->phases.items, (size_t)i) : NULL;
}
