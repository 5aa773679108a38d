#include "domain/recognition.h"

#include <string.h>

#include "base/limits.h"
#include "base/str.h"

static const char *const names[REC_KIND_COUNT] = {
    "first_meeting",          "agreement_signed",  "first_goal_achieved", "hours",
    "relationship_completed", "program_completed", "highlighted"};

static const char *const labels[REC_KIND_COUNT] = {
    "First meeting",          "Agreement signed",  "First goal achieved", "Hours of mentoring",
    "Relationship completed", "Program completed", "Highlighted"};

const int rec_hours_thresholds[REC_HOURS_COUNT] = {1, 5, 10, 25, 50, 100, 250};

const char *rec_kind_name(enum rec_kind k)
{
    return (unsigned)k < REC_KIND_COUNT ? names[k] : NULL;
}

int rec_kind_parse(const char *name)
{
    for (int i = 0; name && i < REC_KIND_COUNT; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

bool rec_kind_per_relationship(enum rec_kind k)
{
    return k != REC_HOURS && k != REC_PROGRAM_COMPLETED;
}

size_t rec_hours_reached(int64_t minutes, int out[REC_HOURS_COUNT])
{
    size_t n = 0;
    for (size_t i = 0; i < REC_HOURS_COUNT; i++)
        if (minutes >= (int64_t)rec_hours_thresholds[i] * 60)
            out[n++] = rec_hours_thresholds[i];
    return n;
}

void rec_label(enum rec_kind k, int threshold, char *out, size_t outlen)
{
    if (k == REC_HOURS)
        str_fmt(out, outlen, "%d hour%s of mentoring", threshold, threshold == 1 ? "" : "s");
    else
        str_fmt(out, outlen, "%s", (unsigned)k < REC_KIND_COUNT ? labels[k] : "");
}

size_t rec_badges(const struct rec_milestone *m, size_t n, struct rec_badge out[REC_KIND_COUNT])
{
    struct rec_badge by[REC_KIND_COUNT];
    memset(by, 0, sizeof by);
    for (size_t i = 0; i < n; i++) {
        if ((unsigned)m[i].kind >= REC_KIND_COUNT)
            continue;
        struct rec_badge *b = &by[m[i].kind];
        b->kind = m[i].kind;
        if (m[i].kind == REC_HOURS) {
            if (b->count == 0 || m[i].threshold > b->threshold) {
                b->threshold = m[i].threshold;
                b->first_at = b->last_at = m[i].reached_at;
            }
            b->count = 1;
            continue;
        }
        if (b->count == 0 || m[i].reached_at < b->first_at)
            b->first_at = m[i].reached_at;
        if (b->count == 0 || m[i].reached_at > b->last_at)
            b->last_at = m[i].reached_at;
        b->count++;
    }
    size_t k = 0;
    for (int i = 0; i < REC_KIND_COUNT; i++)
        if (by[i].count)
            out[k++] = by[i];
    return k;
}

int kudos_input_read(const json_t *body, int64_t *to, const char **message, verr *e)
{
    static const char *const keys[] = {"to", "message", NULL};
    *to = 0;
    *message = NULL;
    int bad = v_known_keys(body, "", keys, e);
    json_t *t = json_object_get(body, "to");
    if (t && (!json_is_integer(t) || json_integer_value(t) < 1))
        bad = v_add(e, "", "to", "must be a member's participation id");
    else if (t)
        *to = json_integer_value(t);
    json_t *m = json_object_get(body, "message");
    if (!json_is_string(m))
        bad = v_add(e, "", "message", "is required: say what you appreciate");
    else if (json_string_length(m) > LIMIT_KUDOS_BYTES)
        bad = v_add(e, "", "message", "must be at most %d bytes", LIMIT_KUDOS_BYTES);
    else if (strlen(json_string_value(m)) != json_string_length(m))
        bad = v_add(e, "", "message", "must not contain NUL characters");
    else
        *message = json_string_value(m);
    return bad ? -1 : 0;
}

int highlight_input_read(const json_t *body, const char **text, verr *e)
{
    static const char *const keys[] = {"text", NULL};
    *text = NULL;
    return v_known_keys(body, "", keys, e) ||
                   v_string(body, "text", "", true, false, LIMIT_HIGHLIGHT_BYTES, NULL, text, e)
               ? -1
               : 0;
}
