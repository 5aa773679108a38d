#include "domain/profile.h"

#include <string.h>

#include "base/limits.h"
#include "base/str.h"
#include "domain/program.h"
#include "domain/tz.h"
#include "domain/when.h"

/* Free-text fields beside the matching fields: shown on the public card. */
static const char *const text_fields[] = {"bio", "headline", NULL};

/* The range of each number field. */
static const struct {
    const char *name;
    double lo, hi;
} ranges[] = {
    {"utc_offset", -14, 14},
    {"job_level", 0, 30},
    {"years_experience", 0, 80},
};

bool profile_time_zone_valid(const char *tz)
{
    /* a zone file here, and one ICU formats times in (domain/when.h) */
    return tz_known(tz) && when_zone_known(tz);
}

static bool is_text_field(const char *k)
{
    for (const char *const *t = text_fields; *t; t++)
        if (strcmp(*t, k) == 0)
            return true;
    return false;
}

static void range_of(const char *key, double *lo, double *hi)
{
    *lo = 0;
    *hi = 80;
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        if (strcmp(ranges[i].name, key) == 0) {
            *lo = ranges[i].lo;
            *hi = ranges[i].hi;
        }
}

/* The measures each kind of field may have: one place for the rules that
 * check_value words as messages and profile_*_fits answers for callers
 * holding the values unparsed (the CSV import). */
static bool text_fits(const char *key, size_t len)
{
    if (is_text_field(key))
        return len <= LIMIT_PROFILE_TEXT_BYTES;
    return program_profile_field_kind(key) == 2 && len >= 1 && len <= LIMIT_PROFILE_VALUE_BYTES;
}

static bool tag_fits(size_t len)
{
    return len >= 1 && len <= LIMIT_PROFILE_VALUE_BYTES;
}

static bool number_fits(const char *key, double v)
{
    double lo, hi;
    range_of(key, &lo, &hi);
    return v >= lo && v <= hi;
}

bool profile_text_fits(const char *key, size_t len)
{
    return strcmp(key, "time_zone") != 0 && text_fits(key, len);
}

bool profile_tags_fit(const char *key, size_t count, size_t shortest, size_t longest)
{
    return program_profile_field_kind(key) == 1 && count <= LIMIT_PROFILE_TAGS &&
           (count == 0 || (tag_fits(shortest) && tag_fits(longest)));
}

bool profile_number_fits(const char *key, double v)
{
    return program_profile_field_kind(key) == 3 && number_fits(key, v);
}

/* One field's value; records what is wrong with it and returns -1. */
static int check_value(const char *key, const json_t *v, const char *fp, verr *e)
{
    int kind = program_profile_field_kind(key);
    if (strcmp(key, "time_zone") == 0) {
        if (!json_is_string(v) || !profile_time_zone_valid(json_string_value(v)))
            return v_fail(e, fp, "", "is not a known time zone (use a name like Europe/Lisbon)");
        return 0;
    }
    if (is_text_field(key)) {
        if (!json_is_string(v) || !text_fits(key, json_string_length(v)))
            return v_fail(e, fp, "", "must be text of at most %d bytes", LIMIT_PROFILE_TEXT_BYTES);
        return 0;
    }
    if (kind == 1 || kind == 4) { /* tags, numbers */
        if (!json_is_array(v) ||
            json_array_size(v) > (kind == 1 ? LIMIT_PROFILE_TAGS : LIMIT_PROFILE_VECTOR_ITEMS))
            return kind == 1
                       ? v_fail(e, fp, "", "must be a list of at most %d tags", LIMIT_PROFILE_TAGS)
                       : v_fail(e, fp, "", "must be a list of at most %d numbers",
                                LIMIT_PROFILE_VECTOR_ITEMS);
        int rc = 0;
        size_t i;
        json_t *t;
        json_array_foreach(v, i, t)
        {
            char ip[176];
            v_index(ip, sizeof ip, fp, i);
            if (kind == 1 && (!json_is_string(t) || !tag_fits(json_string_length(t))))
                rc = v_fail(e, ip, "", "must be a tag of 1 to %d bytes", LIMIT_PROFILE_VALUE_BYTES);
            else if (kind == 4 && !json_is_number(t))
                rc = v_fail(e, ip, "", "must be a number");
        }
        return rc;
    }
    if (kind == 2) {
        if (!json_is_string(v) || !text_fits(key, json_string_length(v)))
            return v_fail(e, fp, "", "must be text of 1 to %d bytes", LIMIT_PROFILE_VALUE_BYTES);
        return 0;
    }
    if (kind == 3) {
        double lo, hi;
        range_of(key, &lo, &hi);
        if (!json_is_number(v) || !number_fits(key, json_number_value(v)))
            return v_fail(e, fp, "", "must be a number from %g to %g", lo, hi);
        return 0;
    }
    return v_fail(e, fp, "", "is not a profile field");
}

int profile_validate(const json_t *in, const char *path, int64_t now, json_t **out, verr *e)
{
    *out = NULL;
    if (!json_is_object(in))
        return v_fail(e, path ? path : "", "", "must be an object");
    json_t *clean = json_object();
    int rc = 0;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)in, key, v)
    {
        char fp[160];
        v_join(fp, sizeof fp, path, key);
        if (json_is_null(v))
            continue; /* null clears a field */
        if (check_value(key, v, fp, e))
            rc = -1;
        else
            json_object_set(clean, key, v);
    }
    /* The offset follows the zone: its standard offset, in hours. */
    json_t *zone = json_object_get(in, "time_zone");
    int offset;
    if (json_is_null(zone))
        json_object_del(clean, "utc_offset");
    else if (rc == 0 && zone && tz_standard_offset(json_string_value(zone), now, &offset) == 0)
        json_object_set_new(clean, "utc_offset",
                            offset % 3600 == 0 ? json_integer(offset / 3600)
                                               : json_real(offset / 3600.0));
    if (rc) {
        json_decref(clean);
        return -1;
    }
    *out = clean;
    return 0;
}

/* ---- the program's choices ---- */

static bool listed(const json_t *options, const json_t *v)
{
    size_t i;
    json_t *o;
    json_array_foreach(options, i, o) if (json_equal(o, v)) return true;
    return false;
}

int profile_check_program(const json_t *profile, const struct program_config *cfg, const char *path,
                          verr *e)
{
    int rc = 0;
    const char *key;
    json_t *def;
    json_object_foreach((json_t *)cfg->selection.profile_fields, key, def)
    {
        json_t *v = json_object_get(profile, key);
        if (!v || json_is_null(v))
            continue;
        char fp[160];
        v_join(fp, sizeof fp, path, key);
        const json_t *options = json_object_get(def, "options");
        const json_t *statements = json_object_get(def, "questions");
        bool other = json_is_true(json_object_get(def, "other"));
        int kind = program_profile_field_kind(key);
        if (statements) {
            size_t n = json_array_size(statements);
            json_int_t scale = json_integer_value(json_object_get(def, "scale"));
            if (!json_is_array(v) || json_array_size(v) != n) {
                rc = v_fail(e, fp, "", "answer all %zu statements of the questionnaire", n);
                continue;
            }
            size_t i;
            json_t *a;
            json_array_foreach(v, i, a)
            {
                double d = json_number_value(a);
                if (!json_is_number(a) || d != (double)(json_int_t)d || d < 1 ||
                    d > (double)scale) {
                    char ip[176];
                    v_index(ip, sizeof ip, fp, i);
                    rc = v_fail(e, ip, "", "must be a whole number from 1 to %lld",
                                (long long)scale);
                }
            }
        } else if (json_array_size(options) && !other) {
            if (kind == 2 && !listed(options, v)) {
                rc = v_fail(e, fp, "", "choose one of the program's values");
            } else if (kind == 1) {
                size_t i;
                json_t *t;
                json_array_foreach(v, i, t)
                {
                    if (listed(options, t))
                        continue;
                    char ip[176];
                    v_index(ip, sizeof ip, fp, i);
                    rc = v_fail(e, ip, "", "'%s' is not one of the program's values",
                                json_string_value(t));
                }
            }
        }
    }
    return rc;
}

/* ---- what a program asks ---- */

static void add_unique(json_t *arr, const char *name)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) if (strcmp(json_string_value(v), name) == 0) return;
    json_array_append_new(arr, json_string(name));
}

static json_t *fields_of(const json_t *criteria, const char *role, bool required_only)
{
    json_t *asked = json_array();
    bool mentor = role && strcmp(role, "mentor") == 0;
    size_t i;
    json_t *c;
    json_array_foreach(criteria, i, c)
    {
        if (required_only && !json_is_true(json_object_get(c, "required")))
            continue;
        const char *f = json_string_value(json_object_get(c, "field"));
        if (!f)
            f = json_string_value(json_object_get(c, mentor ? "mentor_field" : "mentee_field"));
        if (f && program_profile_field_kind(f))
            add_unique(asked, f);
    }
    return asked;
}

json_t *profile_asked_fields(const json_t *criteria, const char *role)
{
    return fields_of(criteria, role, false);
}

json_t *profile_required_fields(const json_t *criteria, const char *role)
{
    return fields_of(criteria, role, true);
}

bool profile_value_filled(const json_t *v)
{
    if (!v || json_is_null(v))
        return false;
    if (json_is_array(v))
        return json_array_size(v) > 0;
    if (json_is_string(v))
        return json_string_length(v) > 0;
    return true;
}

double profile_completeness(const json_t *profile, const json_t *criteria, const char *role)
{
    json_t *asked = profile_asked_fields(criteria, role);
    size_t n = json_array_size(asked), have = 0;
    size_t i;
    json_t *f;
    json_array_foreach(asked, i,
                       f) if (profile_value_filled(json_object_get(profile, json_string_value(f))))
        have++;
    json_decref(asked);
    return n ? (double)have / (double)n : 1.0;
}
