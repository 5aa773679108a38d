#include "domain/request.h"

#include <string.h>

#include "base/str.h"

int request_new_read(const json_t *body, int64_t ids[LIMIT_REQUEST_CHOICES],
                     struct request_new *out, verr *e)
{
    static const char *const keys[] = {"mentors", "message", NULL};
    json_t *list;
    out->mentors = ids;
    out->n = 0;
    if (v_known_keys(body, "", keys, e) ||
        v_array(body, "mentors", "", LIMIT_REQUEST_CHOICES, &list, e) ||
        v_string(body, "message", "", false, true, LIMIT_REQUEST_MESSAGE_BYTES, "", &out->message,
                 e))
        return -1;
    if (!list || json_array_size(list) == 0)
        return v_fail(e, "", "mentors", "name one mentor, or up to three in order of preference");
    size_t i;
    const json_t *v;
    json_array_foreach(list, i, v)
    {
        if (!json_is_integer(v)) {
            char f[32];
            str_fmt(f, sizeof f, "mentors[%zu]", i);
            out->n = 0;
            return v_fail(e, "", f, "not a mentor of this program");
        }
        ids[out->n++] = json_integer_value(v);
    }
    return 0;
}

int request_answer_read(const json_t *body, enum request_action *action, const char **message,
                        verr *e)
{
    static const char *const keys[] = {"action", "message", NULL};
    static const char *const actions[] = {"accept", "decline", "withdraw", NULL};
    const char *a;
    if (v_known_keys(body, "", keys, e) || v_enum(body, "action", "", actions, NULL, &a, e) ||
        v_string(body, "message", "", false, true, LIMIT_REASON_BYTES, "", message, e))
        return -1;
    *action = strcmp(a, "accept") == 0    ? REQUEST_ACCEPT
              : strcmp(a, "decline") == 0 ? REQUEST_DECLINE
                                          : REQUEST_WITHDRAW;
    return 0;
}
