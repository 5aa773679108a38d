/* reminder.c - when each reminder is due (domain/reminder.h). */
#include "domain/reminder.h"

#include <string.h>

#include "base/str.h"
#include "domain/risk.h"

#define DAY 86400
#define HOUR 3600

static const struct {
    const char *name, *mail;
    int rule;
} kinds[REMINDER_KINDS] = {
    [REMINDER_AGREEMENT] = {"agreement_unsigned", "reminder_agreement", PROGRAM_REMIND_AGREEMENT},
    [REMINDER_NO_GOALS] = {"no_goals", "reminder_goals", PROGRAM_REMIND_NO_GOALS},
    [REMINDER_MEETING_SOON] = {"meeting_soon", "reminder_meeting", PROGRAM_REMIND_MEETING},
    [REMINDER_NO_MEETING] = {"no_meeting", "reminder_no_meeting", PROGRAM_REMIND_NO_MEETING},
    [REMINDER_NO_MEETING_2X] = {"no_meeting_2x", "reminder_coordinator_no_meeting",
                                PROGRAM_REMIND_NO_MEETING},
    [REMINDER_REQUEST] = {"request_pending", "reminder_request", PROGRAM_REMIND_REQUEST},
    [REMINDER_SURVEY] = {"survey_unanswered", "reminder_survey", PROGRAM_REMIND_SURVEY},
    [REMINDER_PHASE] = {"phase_overdue", "reminder_phase", PROGRAM_REMIND_PHASE},
    [REMINDER_INACTIVE] = {"inactive", "reminder_inactive", PROGRAM_REMIND_INACTIVE},
    [REMINDER_INACTIVE_2X] = {"inactive_2x", "reminder_coordinator_inactive",
                              PROGRAM_REMIND_INACTIVE},
    [REMINDER_SYNC] = {"sync", NULL, -1},
};

const char *reminder_kind_name(enum reminder_kind k)
{
    return (unsigned)k < REMINDER_KINDS ? kinds[k].name : "";
}

int reminder_kind_parse(const char *name)
{
    for (int k = 0; name && k < REMINDER_KINDS; k++)
        if (strcmp(kinds[k].name, name) == 0)
            return k;
    return -1;
}

const char *reminder_kind_mail(enum reminder_kind k)
{
    return (unsigned)k < REMINDER_KINDS ? kinds[k].mail : NULL;
}

int reminder_kind_rule(enum reminder_kind k)
{
    return (unsigned)k < REMINDER_KINDS ? kinds[k].rule : -1;
}

const char *reminder_verdict_name(enum reminder_verdict v)
{
    static const char *const names[] = {"fire", "later", "clear", "stale"};
    return (unsigned)v < 4 ? names[v] : "";
}

static bool on(const struct program_config *cfg, enum program_remind rule)
{
    return cfg->reminders.rule[rule].enabled;
}

static int64_t n_of(const struct program_config *cfg, enum program_remind rule)
{
    return cfg->reminders.rule[rule].n;
}

static struct reminder_item *add(struct reminder_item *out, size_t *n, enum reminder_kind kind,
                                 int64_t due, int64_t stale, const char *fmt, int64_t a, int64_t b)
{
    struct reminder_item *it = &out[(*n)++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->due_at = due;
    it->stale_at = stale;
    str_fmt(it->occurrence, sizeof it->occurrence, fmt, (long long)a, (long long)b);
    return it;
}

size_t reminder_plan_relationship(const struct program_config *cfg, const struct reminder_rel *r,
                                  int64_t now, struct reminder_item out[REMINDER_PLAN_MAX])
{
    size_t n = 0;
    if (!r->status || strcmp(r->status, "active") != 0)
        return 0;

    /* The agreement: N days after the start, or after the current
     * version was written; each version is its own occurrence. */
    if (on(cfg, PROGRAM_REMIND_AGREEMENT) && !r->agreement_signed) {
        int64_t since = r->agreement_since > r->started_at ? r->agreement_since : r->started_at;
        add(out, &n, REMINDER_AGREEMENT, since + n_of(cfg, PROGRAM_REMIND_AGREEMENT) * DAY, 0,
            "v%lld", r->agreement_version, 0);
    }
    if (on(cfg, PROGRAM_REMIND_NO_GOALS) && r->goals == 0)
        add(out, &n, REMINDER_NO_GOALS, r->started_at + n_of(cfg, PROGRAM_REMIND_NO_GOALS) * DAY, 0,
            "start", 0, 0);

    /* Each scheduled meeting, its hours before; moved, it is another
     * occurrence. Once it has begun the reminder is of no use. */
    bool ahead = false;
    for (size_t i = 0; i < r->nmeetings && i < LIMIT_REMINDER_MEETINGS; i++) {
        const struct reminder_meeting *m = &r->meetings[i];
        ahead = ahead || m->starts_at > now;
        if (!on(cfg, PROGRAM_REMIND_MEETING))
            continue;
        struct reminder_item *it = add(out, &n, REMINDER_MEETING_SOON,
                                       m->starts_at - n_of(cfg, PROGRAM_REMIND_MEETING) * HOUR,
                                       m->starts_at, "m%lld@%lld", m->id, m->starts_at);
        it->meeting_id = m->id;
    }

    /* No meeting held within the guideline interval since the last one
     * (or the start): a nudge at 1x, unless a meeting is planned; the
     * coordinators at 2x, when the at-risk list flags it too (it counts
     * from the same moment and uses the same gap). */
    if (on(cfg, PROGRAM_REMIND_NO_MEETING)) {
        int64_t since = r->last_meeting_at ? r->last_meeting_at : r->started_at;
        int64_t gap2 = risk_meeting_gap_s(cfg->meetings.frequency_per_month);
        int64_t at2 = since + gap2 + 1; /* the at-risk rule: more than the gap */
        if (!ahead)
            add(out, &n, REMINDER_NO_MEETING, since + gap2 / 2, at2, "since%lld", since, 0);
        add(out, &n, REMINDER_NO_MEETING_2X, at2, 0, "since%lld", since, 0);
    }

    if (on(cfg, PROGRAM_REMIND_PHASE) && r->phase_timeframe_days > 0)
        add(out, &n, REMINDER_PHASE, r->phase_started_at + (int64_t)r->phase_timeframe_days * DAY,
            0, "p%lld@%lld", r->phase, r->phase_started_at);

    /* Inactive: a warning after N days, the coordinators asked after N
     * more; the warning is stale once the question is due. */
    if (on(cfg, PROGRAM_REMIND_INACTIVE)) {
        int64_t since = r->last_activity_at > r->started_at ? r->last_activity_at : r->started_at;
        int64_t d = n_of(cfg, PROGRAM_REMIND_INACTIVE) * DAY;
        add(out, &n, REMINDER_INACTIVE, since + d, since + 2 * d, "since%lld", since, 0);
        add(out, &n, REMINDER_INACTIVE_2X, since + 2 * d, 0, "since%lld", since, 0);
    }
    return n;
}

size_t reminder_plan_request(const struct program_config *cfg, bool pending, int64_t mentor_id,
                             int64_t asked_at, int64_t expires_at, struct reminder_item *out)
{
    size_t n = 0;
    if (!pending || !on(cfg, PROGRAM_REMIND_REQUEST))
        return 0;
    int64_t due = asked_at + n_of(cfg, PROGRAM_REMIND_REQUEST) * DAY;
    if (due >= expires_at)
        return 0; /* it moves on to the next choice first */
    add(out, &n, REMINDER_REQUEST, due, expires_at, "m%lld@%lld", mentor_id, asked_at);
    return n;
}

size_t reminder_plan_survey(const struct program_config *cfg, bool answered, int64_t asked_at,
                            int64_t closes_at, struct reminder_item *out)
{
    size_t n = 0;
    if (answered || !on(cfg, PROGRAM_REMIND_SURVEY))
        return 0;
    int64_t due = asked_at + n_of(cfg, PROGRAM_REMIND_SURVEY) * DAY;
    if (due >= closes_at)
        return 0;
    add(out, &n, REMINDER_SURVEY, due, closes_at, "asked%lld", asked_at, 0);
    return n;
}

enum reminder_verdict reminder_judge(const struct reminder_item *plan, size_t n,
                                     enum reminder_kind kind, const char *occurrence, int64_t now,
                                     int64_t *due_at)
{
    for (size_t i = 0; i < n; i++) {
        const struct reminder_item *it = &plan[i];
        if (it->kind != kind || strcmp(it->occurrence, occurrence) != 0)
            continue;
        if (it->stale_at && now >= it->stale_at)
            return REMINDER_STALE;
        if (it->due_at > now) {
            *due_at = it->due_at;
            return REMINDER_LATER;
        }
        return REMINDER_FIRE;
    }
    return REMINDER_CLEAR;
}

bool reminder_born_late(const struct reminder_item *it, int64_t now)
{
    return it->kind == REMINDER_MEETING_SOON && it->due_at <= now;
}
