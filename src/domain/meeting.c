#include "domain/meeting.h"

#include <string.h>
#include <time.h>

#include "base/limits.h"
#include "base/str.h"

#define DAY_S 86400

const char *const meeting_modes[] = {"in_person", "video", "phone", "chat", NULL};
const char *const meeting_statuses[] = {"scheduled", "held", "cancelled", NULL};

const char *meeting_status_move(const char *from, const char *to)
{
    if (strcmp(from, to) == 0 || strcmp(from, "scheduled") == 0 ||
        (strcmp(from, "cancelled") == 0 && strcmp(to, "scheduled") == 0))
        return NULL;
    if (strcmp(from, "cancelled") == 0)
        return "a cancelled meeting cannot be held; schedule it again first";
    return "a meeting that was held stays held";
}

const char *meeting_start_check(int64_t starts_at, int64_t rel_started_at, char *why, size_t whylen)
{
    int64_t earliest = rel_started_at - (int64_t)LIMIT_MEETING_BEFORE_START_DAYS * DAY_S;
    if (starts_at >= earliest)
        return NULL;
    time_t t = (time_t)rel_started_at;
    struct tm tm;
    char day[16] = "";
    if (gmtime_r(&t, &tm))
        strftime(day, sizeof day, "%Y-%m-%d", &tm);
    str_fmt(why, whylen,
            "is long before the relationship began (%s); a meeting may be at most %d days "
            "before it",
            day, LIMIT_MEETING_BEFORE_START_DAYS);
    return why;
}

const char *meeting_held_check(int64_t starts_at, int64_t now)
{
    return starts_at <= now ? NULL : "the meeting has not started yet";
}

const char *meeting_move_check(const char *status, int64_t to, int64_t now)
{
    if (strcmp(status, "held") == 0 && to > now)
        return "a meeting that was held cannot move into the future";
    return NULL;
}

const char *meeting_mode_words(const char *mode)
{
    if (!mode)
        return "";
    if (strcmp(mode, "in_person") == 0)
        return "in person";
    if (strcmp(mode, "video") == 0)
        return "video call";
    if (strcmp(mode, "phone") == 0)
        return "phone call";
    return mode;
}

/* Checks "recap": {"discussed", "decisions", "next_steps"}; *out is a new
 * clean object. */
static int check_recap(const json_t *in, json_t **out, verr *e)
{
    static const char *const keys[] = {"discussed", "decisions", "next_steps", NULL};
    *out = NULL;
    if (v_known_keys(in, "recap", keys, e))
        return -1;
    json_t *o = json_object();
    for (const char *const *k = keys; *k; k++) {
        const char *v;
        if (v_string(in, *k, "recap", false, true, LIMIT_TEXT_BYTES, "", &v, e)) {
            json_decref(o);
            return -1;
        }
        json_object_set_new(o, *k, json_string(v));
    }
    *out = o;
    return 0;
}

int meeting_change_read(const json_t *body, bool create, struct meeting_change *in, json_t **recap,
                        verr *e)
{
    static const char *const create_keys[] = {"starts_at", "duration_minutes", "time_zone", "mode",
                                              "location",  "agenda",           NULL};
    static const char *const keys[] = {"starts_at",  "duration_minutes", "time_zone", "mode",
                                       "location",   "agenda",           "status",    "recap",
                                       "attendance", "rating",           NULL};
    const char *starts;
    json_t *agenda, *recap_in, *d = json_object_get(body, "duration_minutes");
    *recap = NULL;
    if (v_known_keys(body, "", create ? create_keys : keys, e) ||
        v_instant(body, "starts_at", "", create, &starts, &in->starts_at, e))
        return -1;
    if (!create && json_is_null(json_object_get(body, "starts_at")))
        return v_fail(e, "", "starts_at", "is required");
    in->set_starts_at = starts != NULL;
    if (json_is_integer(d) && json_integer_value(d) <= 0)
        return v_fail(e, "", "duration_minutes",
                      "a meeting must end after it starts (give at least 1 minute)");
    if (v_int(body, "duration_minutes", "", 1, LIMIT_MEETING_MINUTES, 0, false, &in->minutes, e) ||
        v_string(body, "time_zone", "", false, false, 64, NULL, &in->time_zone, e) ||
        v_enum(body, "mode", "", meeting_modes, "", &in->mode, e) ||
        v_string(body, "location", "", false, true, LIMIT_WORKSPACE_SHORT_BYTES, NULL,
                 &in->location, e) ||
        v_string_list(body, "agenda", "", LIMIT_MEETING_AGENDA_ITEMS, LIMIT_WORKSPACE_SHORT_BYTES,
                      &agenda, e) ||
        v_enum(body, "status", "", meeting_statuses, "", &in->status, e) ||
        v_object(body, "recap", "", false, &recap_in, e) ||
        (recap_in && check_recap(recap_in, recap, e)) ||
        v_int(body, "rating", "", 1, 5, 0, false, &in->rating, e))
        return -1;
    in->set_minutes = d != NULL;
    if (!*in->mode)
        in->mode = NULL; /* absent: kept */
    if (!*in->status)
        in->status = NULL;
    in->set_agenda = json_object_get(body, "agenda") != NULL;
    in->agenda = agenda;
    in->recap = *recap;
    json_t *att = json_object_get(body, "attendance");
    if (att && !json_is_object(att) && !json_is_null(att))
        return v_fail(e, "", "attendance", "must be an object keyed by participation id");
    in->attendance = json_is_object(att) ? att : NULL;
    return 0;
}
