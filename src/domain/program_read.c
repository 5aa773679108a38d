/* program_read.c - the typed view of a program's configuration, and the
 * questions code asks of it (domain/program.h). */
#include <string.h>

#include "base/clock.h"
#include "base/limits.h"
#include "domain/program.h"

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

/* An object of the document, or an empty one kept in it. */
static const json_t *object_of(json_t *section, const char *key)
{
    json_t *v = json_object_get(section, key);
    if (json_is_object(v) || !json_is_object(section))
        return v;
    json_object_set_new(section, key, json_object());
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
    out->selection.default_capacity = int_or(sel, "default_capacity", PROGRAM_DEFAULT_CAPACITY);
    out->selection.default_wants = int_or(sel, "default_wants", PROGRAM_DEFAULT_WANTS);
    out->selection.questions = list_of(sel, "questions");
    out->selection.profile_fields = object_of(sel, "profile_fields");

    json_t *m = json_object_get(doc, "matching");
    out->matching.mode = (enum program_mode)which(m, "mode", modes);
    out->matching.relationship_type = (enum program_rel_type)which(m, "relationship_type", types);
    out->matching.direction = directions[which(m, "direction", directions)];
    out->matching.objective = objectives[which(m, "objective", objectives)];
    const json_t *ms = member(m, "min_score");
    out->matching.min_score = json_is_number(ms) ? json_number_value(ms) : 0;
    out->matching.power_differential_rule = bool_or(m, "power_differential_rule", true);
    out->matching.max_mentors_per_mentee =
        int_or(m, "max_mentors_per_mentee", PROGRAM_DEFAULT_MAX_MENTORS);
    out->matching.request_expiry_days =
        int_or(m, "request_expiry_days", PROGRAM_DEFAULT_REQUEST_EXPIRY_DAYS);
    out->matching.criteria = list_of(m, "criteria");

    json_t *t = json_object_get(doc, "training");
    out->training.required_before_matching = bool_or(t, "required_before_matching", true);
    out->training.modules = list_of(t, "modules");

    json_t *mt = json_object_get(doc, "meetings");
    out->meetings.frequency_per_month =
        int_or(mt, "frequency_per_month", PROGRAM_DEFAULT_FREQUENCY);
    out->meetings.length_minutes = int_or(mt, "length_minutes", PROGRAM_DEFAULT_LENGTH_MINUTES);
    out->meetings.modes = list_of(mt, "modes");

    json_t *g = json_object_get(doc, "goals");
    out->goals.count = int_or(g, "count", PROGRAM_DEFAULT_GOALS);
    out->goals.due_days = int_or(g, "due_days", PROGRAM_DEFAULT_GOAL_DUE_DAYS);
    out->goals.questions = list_of(g, "questions");

    json_t *ph = json_object_get(doc, "phases");
    const char *tmpl = json_string_value(member(ph, "template"));
    out->phases.template_name = tmpl ? tmpl : "zachary";
    out->phases.items = list_of(ph, "items");
    out->phases.count = json_array_size(out->phases.items);

    json_t *d = json_object_get(doc, "dates");
    out->dates.enrolment_opens = json_string_value(member(d, "enrolment_opens"));
    out->dates.enrolment_closes = json_string_value(member(d, "enrolment_closes"));
    out->dates.matching_date = json_string_value(member(d, "matching_date"));
    out->dates.starts = json_string_value(member(d, "starts"));
    out->dates.ends = json_string_value(member(d, "ends"));

    json_t *ob = json_object_get(doc, "objectives");
    const json_t *measures = json_is_object(ob) ? json_object_get(ob, "measures") : NULL;
    for (size_t i = 0; i < json_array_size(measures) && i < LIMIT_PROGRAM_LIST_ITEMS; i++) {
        const json_t *mj = json_array_get(measures, i);
        struct program_objective *o = &out->objectives.items[out->objectives.count++];
        const char *tr = json_string_value(json_object_get(mj, "tracks"));
        o->name = json_string_value(json_object_get(mj, "name"));
        o->name = o->name ? o->name : "";
        o->unit = json_string_value(json_object_get(mj, "unit"));
        o->unit = o->unit ? o->unit : "";
        o->tracks = tr ? tr : "";
        o->by = json_string_value(json_object_get(mj, "by"));
        const json_t *b = json_object_get(mj, "baseline");
        o->has_baseline = json_is_number(b);
        o->baseline = o->has_baseline ? json_number_value(b) : 0;
        o->target = json_number_value(json_object_get(mj, "target"));
    }

    json_t *sv = json_object_get(doc, "surveys");
    out->surveys.anonymity_threshold =
        int_or(sv, "anonymity_threshold", PROGRAM_DEFAULT_ANONYMITY_THRESHOLD);
    if (out->surveys.anonymity_threshold < LIMIT_ANONYMITY_THRESHOLD_MIN)
        out->surveys.anonymity_threshold = LIMIT_ANONYMITY_THRESHOLD_MIN;
    out->surveys.health_check_days =
        int_or(sv, "health_check_days", PROGRAM_DEFAULT_HEALTH_CHECK_DAYS);

    json_t *rm = json_object_get(doc, "reminders");
    for (int i = 0; i < PROGRAM_REMIND_COUNT; i++) {
        const struct program_remind_spec *sp = &program_remind_specs[i];
        json_t *r = json_object_get(rm, sp->name);
        out->reminders.rule[i].enabled = bool_or(r, "enabled", sp->enabled);
        out->reminders.rule[i].n = sp->unit ? int_or(r, sp->unit, sp->n) : 0;
        if (sp->unit && out->reminders.rule[i].n < 1)
            out->reminders.rule[i].n = sp->n;
    }
    json_t *rp = json_object_get(doc, "reports");
    if (!json_is_object(rp)) {
        json_object_set_new(doc, "reports", json_object());
        rp = json_object_get(doc, "reports");
    }
    out->reports.equity_groups = list_of(rp, "equity_groups");
    const char *hook = json_string_value(member(json_object_get(doc, "alerts"), "webhook_url"));
    out->alerts.webhook_url = hook ? hook : "";

    out->duration_months = int_or(doc, "duration_months", PROGRAM_DEFAULT_DURATION_MONTHS);
    out->renewals = int_or(doc, "renewals", PROGRAM_DEFAULT_RENEWALS);
    out->renewal_window_days =
        int_or(doc, "renewal_window_days", PROGRAM_DEFAULT_RENEWAL_WINDOW_DAYS);
    if (!json_is_integer(member(doc, "renewal_window_days"))) /* older than the setting */
        json_object_set_new(doc, "renewal_window_days", json_integer(out->renewal_window_days));
    return 0;
}

void program_config_cleanup(struct program_config *cfg)
{
    if (!cfg)
        return;
    json_decref(cfg->doc);
    memset(cfg, 0, sizeof *cfg);
}

int program_wants_max(const struct program_config *cfg)
{
    int max = cfg->matching.max_mentors_per_mentee;
    return max < 1 ? 1 : max > LIMIT_WANTS_MAX ? LIMIT_WANTS_MAX : max;
}

int program_wants_default(const struct program_config *cfg)
{
    int d = cfg->selection.default_wants, max = program_wants_max(cfg);
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

/* ---- enrolment ---- */

enum program_enrolment program_enrolment_at(const struct program_config *cfg, int64_t now)
{
    int64_t t;
    const char *opens = cfg->dates.enrolment_opens, *closes = cfg->dates.enrolment_closes;
    if (opens && clock_parse(opens, &t) == 0 && now < t)
        return PROGRAM_ENROLMENT_NOT_YET;
    if (closes && clock_parse(closes, &t) == 0 && now >= t + 86400)
        return PROGRAM_ENROLMENT_CLOSED;
    return PROGRAM_ENROLMENT_OPEN;
}

/* ---- measurable objectives ---- */

const char *const program_measures[] = {"match_rate",
                                        "share_active",
                                        "share_meeting_guideline",
                                        "goal_completion",
                                        "nps",
                                        "mean_rating",
                                        NULL};

bool program_tracks_valid(const char *tracks)
{
    if (strncmp(tracks, "outcome:", 8) == 0) {
        const char *k = tracks + 8;
        if (!*k || strlen(k) > LIMIT_OUTCOME_KIND_BYTES)
            return false;
        for (; *k; k++)
            if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '_'))
                return false;
        return true;
    }
    for (size_t i = 0; program_measures[i]; i++)
        if (strcmp(program_measures[i], tracks) == 0)
            return true;
    return false;
}

const char *objective_status_name(enum objective_status s)
{
    static const char *const names[] = {"no_data", "met", "on_track", "behind"};
    return names[s];
}

enum objective_status program_objective_status(const struct program_objective *o, bool has_current,
                                               double current, int64_t start, int64_t now)
{
    if (!has_current)
        return OBJECTIVE_NO_DATA;
    bool up = !o->has_baseline || o->target >= o->baseline;
    if (up ? current >= o->target : current <= o->target)
        return OBJECTIVE_MET;
    int64_t by;
    if (!o->has_baseline || !o->by || !start || clock_parse(o->by, &by) || by + 86399 <= start)
        return OBJECTIVE_BEHIND;
    by += 86399; /* the end of that day */
    double f = now <= start ? 0 : now >= by ? 1 : (double)(now - start) / (double)(by - start);
    double expected = o->baseline + (o->target - o->baseline) * f;
    return (up ? current >= expected : current <= expected) ? OBJECTIVE_ON_TRACK : OBJECTIVE_BEHIND;
}
