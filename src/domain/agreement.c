#include "domain/agreement.h"

#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/limits.h"
#include "base/str.h"

const char *const agreement_fields[] = {"goals_summary",
                                        "mentor_responsibilities",
                                        "mentee_responsibilities",
                                        "meeting_frequency",
                                        "meeting_mode",
                                        "communication_channels",
                                        "confidentiality",
                                        "boundaries",
                                        "duration",
                                        "no_fault_exit",
                                        NULL};

static const char *mode_words(const char *mode)
{
    if (strcmp(mode, "in_person") == 0)
        return "in person";
    if (strcmp(mode, "video") == 0)
        return "by video";
    if (strcmp(mode, "phone") == 0)
        return "by phone";
    if (strcmp(mode, "chat") == 0)
        return "by chat";
    return mode;
}

/* "by video or in person" from the program's modes. */
static void modes_text(const json_t *modes, char *out, size_t outlen)
{
    buf b;
    buf_init(&b, outlen);
    size_t n = json_array_size(modes);
    for (size_t i = 0; i < n; i++) {
        const char *m = json_string_value(json_array_get(modes, i));
        if (!m)
            continue;
        if (i > 0)
            buf_puts(&b, i + 1 == n ? " or " : ", ");
        buf_puts(&b, mode_words(m));
    }
    str_fmt(out, outlen, "%s", b.len ? b.data : "as we agree");
    buf_cleanup(&b);
}

json_t *agreement_defaults(const struct program_config *cfg, int64_t planned_end)
{
    long long freq = cfg->meetings.frequency_per_month, len = cfg->meetings.length_minutes;
    long long months = cfg->duration_months;
    char frequency[128], mode[128], duration[128], end[16] = "";
    if (freq > 0 && len > 0)
        str_fmt(frequency, sizeof frequency, "%lld time%s a month, about %lld minutes each", freq,
                freq == 1 ? "" : "s", len);
    else
        str_fmt(frequency, sizeof frequency, "%s", "Twice a month, about an hour each");
    modes_text(cfg->meetings.modes, mode, sizeof mode);
    if (planned_end > 0) {
        time_t t = (time_t)planned_end;
        struct tm tm;
        if (gmtime_r(&t, &tm))
            strftime(end, sizeof end, "%Y-%m-%d", &tm);
    }
    if (months > 0)
        str_fmt(duration, sizeof duration, "%lld month%s%s%s", months, months == 1 ? "" : "s",
                end[0] ? ", until " : "", end);
    else
        str_fmt(duration, sizeof duration, "Until %s", end[0] ? end : "the program ends");
    /* Capitalise the first word of the mode text for a sentence. */
    if (mode[0] >= 'a' && mode[0] <= 'z')
        mode[0] = (char)(mode[0] - 'a' + 'A');
    return json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "goals_summary", "",
        "mentor_responsibilities",
        "Share experience and contacts, listen first, ask questions that help the mentee think, "
        "give honest feedback, and keep to what we agree.",
        "mentee_responsibilities",
        "Own the goals and the agenda, prepare for each meeting, follow up on the next steps, "
        "and ask for what is needed.",
        "meeting_frequency", frequency, "meeting_mode", mode, "communication_channels",
        "Messages in Tandem between meetings; e-mail for anything urgent.", "confidentiality",
        "What we discuss stays between us unless we both agree otherwise, or someone's safety is "
        "at risk.",
        "boundaries",
        "Mentoring is not therapy, line management or a performance review. Either of us may say "
        "a topic is off limits, and we point to the right help when it is needed.",
        "duration", duration, "no_fault_exit",
        "Either of us may end the relationship at any time, without blame, by telling the other "
        "and the program coordinator.");
}

const char *const agreement_required[] = {"confidentiality", "boundaries", "no_fault_exit", NULL};

static bool required(const char *field)
{
    for (const char *const *f = agreement_required; *f; f++)
        if (strcmp(*f, field) == 0)
            return true;
    return false;
}

static bool blank(const char *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

int agreement_edit(const json_t *current, const json_t *in, json_t **out, verr *e)
{
    *out = NULL;
    if (v_known_keys(in, "", agreement_fields, e))
        return -1;
    json_t *next = json_object();
    bool bad = false;
    for (const char *const *f = agreement_fields; *f; f++) {
        const char *was = json_string_value(json_object_get(current, *f)), *v;
        verr one = {0};
        if (v_string(in, *f, "", false, true, LIMIT_TEXT_BYTES, was ? was : "", &v, &one)) {
            bad = true;
            v_add(e, "", one.field, "%s", one.msg);
            continue;
        }
        if (required(*f) && blank(v)) {
            bad = true;
            v_add(e, "", *f, "an agreement needs this clause; write it in your own words");
            continue;
        }
        json_object_set_new(next, *f, json_string(v));
    }
    if (bad) {
        json_decref(next);
        return -1;
    }
    *out = next;
    return 0;
}

bool agreement_signed_by_all(const int64_t *signed_versions, size_t n, int64_t version)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (signed_versions[i] != version)
            return false;
    return true;
}

json_t *agreement_changes(const json_t *before, const json_t *after)
{
    json_t *a = json_array();
    for (const char *const *f = agreement_fields; *f; f++) {
        const char *x = json_string_value(json_object_get(before, *f));
        const char *y = json_string_value(json_object_get(after, *f));
        if (!before || !x || !y || strcmp(x, y) != 0)
            json_array_append_new(a, json_string(*f));
    }
    return a;
}

int agreement_put_read(const json_t *body, int64_t *version, json_t **edit, verr *e)
{
    return v_version_split(body, INT32_MAX, version, edit, e);
}

int agreement_sign_read(const json_t *body, int64_t *version, verr *e)
{
    static const char *const keys[] = {"version", NULL};
    int bad = v_known_keys(body, "", keys, e);
    bad |= v_int(body, "version", "", 1, INT32_MAX, 0, false, version, e);
    return bad ? -1 : 0;
}
