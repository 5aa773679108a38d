#include "domain/profile.h"

#include <string.h>
#include <sys/stat.h>

#include "base/str.h"
#include "domain/program.h"

/* Free-text fields beside the matching fields: shown on the public card. */
static const char *const text_fields[] = {"bio", "headline", NULL};

bool profile_time_zone_valid(const char *tz)
{
    if (!tz || !*tz || strlen(tz) > 64 || tz[0] == '/' || strstr(tz, ".."))
        return false;
    for (const char *p = tz; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '/' || *p == '_' || *p == '-' || *p == '+'))
            return false;
    char path[128];
    struct stat st;
    return str_fmt(path, sizeof path, "/usr/share/zoneinfo/%s", tz) && stat(path, &st) == 0 &&
           S_ISREG(st.st_mode);
}

static bool is_text_field(const char *k)
{
    for (const char *const *t = text_fields; *t; t++)
        if (strcmp(*t, k) == 0)
            return true;
    return false;
}

int profile_validate(const json_t *in, const char *path, json_t **out, verr *e)
{
    *out = NULL;
    if (!json_is_object(in))
        return v_fail(e, path ? path : "", "", "must be an object");
    json_t *clean = json_object();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)in, key, v)
    {
        char fp[160];
        v_join(fp, sizeof fp, path, key);
        if (json_is_null(v))
            continue; /* null clears a field */
        int kind = program_profile_field_kind(key);
        if (strcmp(key, "time_zone") == 0) {
            if (!json_is_string(v) || !profile_time_zone_valid(json_string_value(v))) {
                v_fail(e, fp, "", "is not a known time zone (use a name like Europe/Lisbon)");
                goto fail;
            }
        } else if (is_text_field(key)) {
            if (!json_is_string(v) || json_string_length(v) > 2000) {
                v_fail(e, fp, "", "must be text of at most 2000 bytes");
                goto fail;
            }
        } else if (kind == 1) {
            if (!json_is_array(v) || json_array_size(v) > PROFILE_TAGS_MAX) {
                v_fail(e, fp, "", "must be a list of at most %d tags", PROFILE_TAGS_MAX);
                goto fail;
            }
            size_t i;
            json_t *t;
            json_array_foreach(v, i, t)
            {
                if (!json_is_string(t) || json_string_length(t) == 0 ||
                    json_string_length(t) > PROFILE_TAG_BYTES) {
                    char ip[176];
                    v_index(ip, sizeof ip, fp, i);
                    v_fail(e, ip, "", "must be a tag of 1 to %d bytes", PROFILE_TAG_BYTES);
                    goto fail;
                }
            }
        } else if (kind == 2) {
            if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 200) {
                v_fail(e, fp, "", "must be text of 1 to 200 bytes");
                goto fail;
            }
        } else if (kind == 3) {
            double lo = strcmp(key, "utc_offset") == 0 ? -14 : 0;
            double hi = strcmp(key, "utc_offset") == 0  ? 14
                        : strcmp(key, "job_level") == 0 ? 30
                                                        : 80;
            if (!json_is_number(v) || json_number_value(v) < lo || json_number_value(v) > hi) {
                v_fail(e, fp, "", "must be a number from %g to %g", lo, hi);
                goto fail;
            }
        } else if (kind == 4) {
            if (!json_is_array(v) || json_array_size(v) > PROFILE_VECTOR_MAX) {
                v_fail(e, fp, "", "must be a list of at most %d numbers", PROFILE_VECTOR_MAX);
                goto fail;
            }
            size_t i;
            json_t *t;
            json_array_foreach(v, i, t)
            {
                if (!json_is_number(t)) {
                    char ip[176];
                    v_index(ip, sizeof ip, fp, i);
                    v_fail(e, ip, "", "must be a number");
                    goto fail;
                }
            }
        } else {
            v_fail(e, fp, "", "is not a profile field");
            goto fail;
        }
        json_object_set(clean, key, v);
    }
    *out = clean;
    return 0;
fail:
    json_decref(clean);
    return -1;
}

static void add_unique(json_t *arr, const char *name)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) if (strcmp(json_string_value(v), name) == 0) return;
    json_array_append_new(arr, json_string(name));
}

json_t *profile_asked_fields(const json_t *criteria, const char *role)
{
    json_t *asked = json_array();
    bool mentor = role && strcmp(role, "mentor") == 0;
    size_t i;
    json_t *c;
    json_array_foreach(criteria, i, c)
    {
        const char *f = json_string_value(json_object_get(c, "field"));
        if (!f)
            f = json_string_value(json_object_get(c, mentor ? "mentor_field" : "mentee_field"));
        if (f && program_profile_field_kind(f))
            add_unique(asked, f);
    }
    return asked;
}

static bool filled(const json_t *v)
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
    json_array_foreach(asked, i, f) if (filled(json_object_get(profile, json_string_value(f))))
        have++;
    json_decref(asked);
    return n ? (double)have / (double)n : 1.0;
}
