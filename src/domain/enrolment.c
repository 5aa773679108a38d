#include "domain/enrolment.h"

#include <string.h>

#include "base/limits.h"
#include "base/mem.h"
#include "base/str.h"
#include "domain/profile.h"

static bool asked_of(const json_t *q, const char *role)
{
    const char *r = json_string_value(json_object_get(q, "role"));
    return r && (strcmp(r, "both") == 0 || strcmp(r, role) == 0);
}

static bool empty_answer(const json_t *a)
{
    return !a || json_is_null(a) || (json_is_string(a) && json_string_length(a) == 0) ||
           (json_is_array(a) && json_array_size(a) == 0);
}

static bool one_of(const json_t *options, const json_t *v)
{
    size_t k;
    json_t *o;
    json_array_foreach(options, k, o) if (json_equal(o, v)) return true;
    return false;
}

/* Whether a is a valid answer to a question of the type. */
static bool fits(const char *type, const json_t *a, const json_t *options)
{
    if (strcmp(type, "text") == 0)
        return json_is_string(a) && json_string_length(a) <= LIMIT_ANSWER_BYTES;
    if (strcmp(type, "long_text") == 0)
        return json_is_string(a) && json_string_length(a) <= LIMIT_TEXT_BYTES;
    if (strcmp(type, "number") == 0)
        return json_is_number(a);
    if (strcmp(type, "scale") == 0)
        return json_is_integer(a) && json_integer_value(a) >= 1 &&
               json_integer_value(a) <= LIMIT_ANSWER_SCALE_MAX;
    if (strcmp(type, "single_choice") == 0)
        return json_is_string(a) && one_of(options, a);
    if (strcmp(type, "multiple_choice") == 0) {
        if (!json_is_array(a))
            return false;
        size_t i;
        json_t *v;
        json_array_foreach(a, i, v) if (!one_of(options, v)) return false;
        return true;
    }
    return false;
}

int enrolment_check_answers(const json_t *answers, const json_t *questions, const char *role,
                            const char *path, json_t **clean, verr *e)
{
    char here[160];
    v_join(here, sizeof here, path, "answers");
    *clean = NULL;
    if (answers && !json_is_null(answers) && !json_is_object(answers))
        return v_fail(e, here, "", "must be an object keyed by question id");
    int rc = 0;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)answers, key, v)
    {
        bool known = false;
        size_t i;
        json_t *q;
        json_array_foreach(questions, i, q)
        {
            const char *id = json_string_value(json_object_get(q, "id"));
            known = known || (id && strcmp(id, key) == 0 && asked_of(q, role));
        }
        if (!known)
            rc = v_fail(e, here, key, "is not a question of this program for a %s", role);
    }
    json_t *out = json_object();
    size_t i;
    json_t *q;
    json_array_foreach(questions, i, q)
    {
        const char *id = json_string_value(json_object_get(q, "id"));
        const char *type = json_string_value(json_object_get(q, "type"));
        if (!id || !type || !asked_of(q, role))
            continue;
        json_t *a = json_object_get(answers, id);
        if (empty_answer(a)) {
            if (json_is_true(json_object_get(q, "required")))
                rc = v_fail(e, here, id, "is required");
            continue;
        }
        if (!fits(type, a, json_object_get(q, "options")))
            rc = v_fail(e, here, id, "is not a valid answer to a %s question", type);
        else
            json_object_set(out, id, a);
    }
    if (rc) {
        json_decref(out);
        return -1;
    }
    *clean = out;
    return 0;
}

/* capacity and wants: integers when given (their bounds are the
 * service's rule). Records what is wrong and goes on. */
static void read_numbers(const json_t *body, struct enrolment_numbers *n, verr *e)
{
    n->has_capacity = json_object_get(body, "capacity") != NULL;
    n->has_wants = json_object_get(body, "wants") != NULL;
    if (v_int(body, "capacity", "", INT64_MIN / 2, INT64_MAX / 2, 0, false, &n->capacity, e))
        n->has_capacity = false;
    if (v_int(body, "wants", "", INT64_MIN / 2, INT64_MAX / 2, 0, false, &n->wants, e))
        n->has_wants = false;
    if (json_is_null(json_object_get(body, "capacity")))
        n->has_capacity = false;
    if (json_is_null(json_object_get(body, "wants")))
        n->has_wants = false;
}

/* The body's profile, validated (*profile NULL when absent or bad). */
static void read_profile(const json_t *body, int64_t now, json_t **profile, verr *e)
{
    json_t *in;
    *profile = NULL;
    if (!v_object(body, "profile", "", false, &in, e) && in)
        profile_validate(in, "profile", now, profile, e);
}

int enrolment_application_read(const json_t *body, int64_t now, struct enrolment_application *in,
                               json_t **profile, verr *e)
{
    static const char *const keys[] = {"role", "answers", "profile", "capacity", "wants", NULL};
    static const char *const roles[] = {"mentor", "mentee", NULL};
    int before = v_count(e);
    in->answers = json_object_get(body, "answers");
    v_known_keys(body, "", keys, e);
    v_enum(body, "role", "", roles, NULL, &in->role, e);
    read_numbers(body, &in->numbers, e);
    read_profile(body, now, profile, e);
    in->profile = *profile;
    return v_count(e) > before ? -1 : 0;
}

int enrolment_add_read(const json_t *body, int64_t now, struct enrolment_add *in, json_t **profile,
                       verr *e)
{
    static const char *const keys[] = {"email",    "name",  "role",    "invite",
                                       "capacity", "wants", "profile", NULL};
    static const char *const roles[] = {"mentor", "mentee", "coordinator", "viewer", NULL};
    int before = v_count(e);
    v_known_keys(body, "", keys, e);
    v_string(body, "email", "", true, false, LIMIT_EMAIL_BYTES, NULL, &in->email, e);
    v_line(body, "name", "", false, false, LIMIT_NAME_BYTES, NULL, &in->name, e);
    v_enum(body, "role", "", roles, NULL, &in->role, e);
    v_bool(body, "invite", "", true, &in->invite, e);
    read_numbers(body, &in->numbers, e);
    read_profile(body, now, profile, e);
    in->profile = *profile;
    return v_count(e) > before ? -1 : 0;
}

int enrolment_change_read(const json_t *body, int64_t now, struct enrolment_change *in,
                          const char **status, const char **reason, json_t **profile, verr *e)
{
    static const char *const keys[] = {"status", "decline_reason", "profile", "capacity",
                                       "wants",  "answers",        NULL};
    static const char *const statuses[] = {"approved", "declined", "withdrawn", NULL};
    int before = v_count(e);
    in->answers = json_object_get(body, "answers");
    v_known_keys(body, "", keys, e);
    v_enum(body, "status", "", statuses, "", status, e);
    v_string(body, "decline_reason", "", false, false, LIMIT_REASON_BYTES, NULL, reason, e);
    read_numbers(body, &in->numbers, e);
    read_profile(body, now, profile, e);
    in->profile = *profile;
    *status = *status ? *status : "";
    if (strcmp(*status, "declined") == 0 && !*reason)
        v_fail(e, "", "decline_reason", "say why, kindly");
    return v_count(e) > before ? -1 : 0;
}

int enrolment_bulk_read(const json_t *body, const char **action, const char **reason, int64_t **ids,
                        size_t *n, verr *e)
{
    static const char *const keys[] = {"action", "ids", "decline_reason", NULL};
    static const char *const actions[] = {"approve", "decline", NULL};
    int before = v_count(e);
    json_t *list;
    v_known_keys(body, "", keys, e);
    v_enum(body, "action", "", actions, NULL, action, e);
    v_string(body, "decline_reason", "", false, false, LIMIT_REASON_BYTES, NULL, reason, e);
    v_array(body, "ids", "", LIMIT_PAGE_MAX * 10, &list, e);
    size_t i;
    json_t *v;
    *n = json_array_size(list);
    *ids = xmalloc((*n ? *n : 1) * sizeof **ids);
    json_array_foreach(list, i, v)
    {
        if (!json_is_integer(v)) {
            char field[32];
            str_fmt(field, sizeof field, "ids[%zu]", i);
            v_fail(e, "", field, "must be the id of a participation");
        }
        (*ids)[i] = json_integer_value(v);
    }
    return v_count(e) > before ? -1 : 0;
}
