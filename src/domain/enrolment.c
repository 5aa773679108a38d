#include "domain/enrolment.h"

#include <string.h>

#include "base/limits.h"

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
