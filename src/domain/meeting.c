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
