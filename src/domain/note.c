#include "domain/note.h"

#include "base/limits.h"

const char *const note_visibilities[] = {"private", "shared", NULL};

int note_input_read(const json_t *body, bool create, const char **text, const char **vis, verr *e)
{
    static const char *const keys[] = {"body", "visibility", NULL};
    *text = *vis = NULL;
    if (v_known_keys(body, "", keys, e) ||
        v_string(body, "body", "", create, false, LIMIT_TEXT_BYTES, NULL, text, e) ||
        v_enum(body, "visibility", "", note_visibilities, "", vis, e))
        return -1;
    if (json_is_null(json_object_get(body, "body")))
        return v_fail(e, "", "body", "is required");
    if (!**vis)
        *vis = NULL; /* absent: kept, or private for a new note */
    return 0;
}

int message_input_read(const json_t *body, const char **text, verr *e)
{
    static const char *const keys[] = {"body", NULL};
    *text = NULL;
    return v_known_keys(body, "", keys, e) ||
                   v_string(body, "body", "", true, false, LIMIT_MESSAGE_BYTES, NULL, text, e)
               ? -1
               : 0;
}
