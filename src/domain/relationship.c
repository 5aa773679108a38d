#include "domain/relationship.h"

#include "base/limits.h"
#include "base/str.h"

#include <string.h>
#include <time.h>

static const char *const actions[] = {"pause", "resume",    "start_closing",
                                      "close", "end_early", "renew"};

int rel_action_parse(const char *s)
{
    for (int i = 0; s && i < (int)(sizeof actions / sizeof actions[0]); i++)
        if (strcmp(actions[i], s) == 0)
            return i;
    return -1;
}

const char *rel_action_name(enum rel_action a)
{
    return actions[a];
}

const char *rel_transition(const char *status, enum rel_action action, int renewals,
                           int renewals_allowed, const char **next)
{
    bool active = strcmp(status, "active") == 0, paused = strcmp(status, "paused") == 0;
    bool closing = strcmp(status, "closing") == 0;
    if (!active && !paused && !closing)
        return "the relationship has ended";
    switch (action) {
    case REL_PAUSE:
        if (!active)
            return "only an active relationship can be paused";
        *next = "paused";
        return NULL;
    case REL_RESUME:
        if (!paused && !closing)
            return "the relationship is active already";
        *next = "active";
        return NULL;
    case REL_START_CLOSING:
        if (closing)
            return "the relationship is closing already";
        *next = "closing";
        return NULL;
    case REL_CLOSE: *next = "completed"; return NULL;
    case REL_END_EARLY: *next = "ended_early"; return NULL;
    case REL_RENEW:
        if (renewals >= renewals_allowed)
            return renewals_allowed == 0
                       ? "this program allows no renewal"
                       : "the relationship has been renewed as often as the program allows";
        *next = "active";
        return NULL;
    }
    return "unknown action";
}

int64_t rel_planned_end(int64_t start, int months)
{
    time_t t = (time_t)start;
    struct tm tm;
    gmtime_r(&t, &tm);
    int day = tm.tm_mday;
    tm.tm_mon += months;
    tm.tm_year += tm.tm_mon / 12;
    tm.tm_mon %= 12;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = tm.tm_year + 1900;
    int last =
        mdays[tm.tm_mon] + (tm.tm_mon == 1 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    tm.tm_mday = day > last ? last : day;
    return (int64_t)timegm(&tm);
}

bool rel_status_open(const char *status)
{
    return status && (strcmp(status, "active") == 0 || strcmp(status, "paused") == 0 ||
                      strcmp(status, "closing") == 0);
}

const char *rel_kind(bool peer, size_t mentees)
{
    return peer ? "peer" : mentees > 1 ? "group" : "one_to_one";
}

bool rel_members_check(bool peer, size_t mentees, char *why, size_t whylen)
{
    if (mentees == 0 || mentees > LIMIT_RELATIONSHIP_MEMBERS - 1) {
        str_fmt(why, whylen, "a relationship has 1 to %d mentees", LIMIT_RELATIONSHIP_MEMBERS - 1);
        return false;
    }
    if (peer && mentees < 2) {
        str_fmt(why, whylen, "a peer circle has at least two members");
        return false;
    }
    return true;
}
