#include "domain/training.h"

int training_answers_check(const json_t *module, const json_t *answers, verr *e)
{
    int bad = 0;
    size_t i;
    const json_t *q;
    json_array_foreach(json_object_get(module, "questions"), i, q)
    {
        const char *qid = json_string_value(json_object_get(q, "id"));
        const json_t *a = json_object_get(answers, qid);
        if (qid && json_is_true(json_object_get(q, "required")) &&
            (!a || json_is_null(a) || (json_is_string(a) && json_string_length(a) == 0)))
            bad = v_fail(e, "answers", qid, "is required");
    }
    return bad;
}

int training_completion_read(const json_t *body, const json_t *module, const char **role,
                             const json_t **answers, verr *e)
{
    static const char *const keys[] = {"answers", "role", NULL};
    json_t *a = NULL;
    int bad = v_known_keys(body, "", keys, e);
    bad |= v_string(body, "role", "", false, false, 16, NULL, role, e);
    bad |= v_object(body, "answers", "", false, &a, e);
    *answers = a;
    bad |= training_answers_check(module, a, e);
    return bad ? -1 : 0;
}
