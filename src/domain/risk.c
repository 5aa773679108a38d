#include "domain/risk.h"

#include <stdio.h>
#include <string.h>

#include "base/str.h"

#define DAY 86400

static const char *const names[RISK_COUNT] = {"low_rating",   "rating_drop",        "no_meeting",
                                              "pairing_fit",  "agreement_unsigned", "no_goals",
                                              "phase_overdue"};

const char *risk_code_name(enum risk_code c)
{
    return (unsigned)c < RISK_COUNT ? names[c] : "";
}

int risk_code_parse(const char *name)
{
    for (int i = 0; name && i < RISK_COUNT; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

int64_t risk_meeting_gap_s(int meetings_per_month)
{
    int f = meetings_per_month > 0 ? meetings_per_month : 1;
    return 2 * 30 * (int64_t)DAY / f;
}

/* "the mentee (Ana)" */
static void who(const struct risk_party *p, char *out, size_t n)
{
    if (p->name[0])
        str_fmt(out, n, "the %s (%s)", p->role[0] ? p->role : "partner", p->name);
    else
        str_fmt(out, n, "the %s", p->role[0] ? p->role : "partner");
}

/* Appends "; " and then fmt to out. */
static void add(char *out, size_t n, const char *text)
{
    size_t used = strlen(out);
    if (used && used + 2 < n)
        str_fmt(out + used, n - used, "; "), used += 2;
    if (used < n)
        str_fmt(out + used, n - used, "%s", text);
}

static bool waits(const char *status)
{
    return str_eq(status, "paused");
}

static bool ended(const char *status)
{
    return str_eq(status, "completed") || str_eq(status, "ended_early");
}

static int days_of(int64_t s)
{
    return (int)(s / DAY);
}

size_t risk_assess(const struct risk_input *in, int64_t now, struct risk_reason out[RISK_COUNT])
{
    size_t n = 0;
    if (ended(in->status))
        return 0;
    char text[400], part[300], w[260];

    /* low_rating */
    text[0] = '\0';
    for (size_t i = 0; i < in->nparties; i++) {
        const struct risk_party *p = &in->parties[i];
        if (!p->has_last)
            continue;
        char low[240] = "";
        for (int q = 0; q < HEALTH_QUALITIES; q++) {
            if (p->last[q] > RISK_LOW_RATING_MAX)
                continue;
            size_t used = strlen(low);
            str_fmt(low + used, sizeof low - used, "%s%s %d", used ? ", " : "",
                    health_qualities[q].label, p->last[q]);
        }
        if (!low[0])
            continue;
        who(p, w, sizeof w);
        str_fmt(part, sizeof part, "%s rated %s (of 5)", w, low);
        add(text, sizeof text, part);
    }
    if (text[0]) {
        out[n].code = RISK_LOW_RATING;
        str_fmt(out[n].text, sizeof out[n].text, "Low health-check ratings: %s.", text);
        n++;
    }

    /* rating_drop */
    text[0] = '\0';
    for (size_t i = 0; i < in->nparties; i++) {
        const struct risk_party *p = &in->parties[i];
        if (!p->has_last || !p->has_prev)
            continue;
        double a = health_average(p->prev), b = health_average(p->last);
        if (a - b < RISK_DROP_MIN - 1e-9)
            continue;
        who(p, w, sizeof w);
        str_fmt(part, sizeof part, "%s went from %.1f to %.1f on average", w, a, b);
        add(text, sizeof text, part);
    }
    if (text[0]) {
        out[n].code = RISK_RATING_DROP;
        str_fmt(out[n].text, sizeof out[n].text, "Ratings dropped since the last check: %s.", text);
        n++;
    }

    /* no_meeting */
    int64_t since = in->last_meeting_at ? in->last_meeting_at : in->started_at;
    int64_t gap = risk_meeting_gap_s(in->meetings_per_month);
    if (!waits(in->status) && now - since > gap) {
        out[n].code = RISK_NO_MEETING;
        if (in->last_meeting_at)
            str_fmt(out[n].text, sizeof out[n].text,
                    "No meeting held for %d days (the guideline is %d a month, so at most %d "
                    "days between meetings is twice the interval).",
                    days_of(now - since), in->meetings_per_month, days_of(gap));
        else
            str_fmt(out[n].text, sizeof out[n].text,
                    "No meeting held in the %d days since the start (the guideline is %d a "
                    "month).",
                    days_of(now - since), in->meetings_per_month);
        n++;
    }

    /* pairing_fit */
    text[0] = '\0';
    for (size_t i = 0; i < in->nparties; i++) {
        const struct risk_party *p = &in->parties[i];
        if (!p->fit_no)
            continue;
        who(p, w, sizeof w);
        if (p->fit_why[0])
            str_fmt(part, sizeof part, "%s said \"No\": %s", w, p->fit_why);
        else
            str_fmt(part, sizeof part, "%s said \"No\"", w);
        add(text, sizeof text, part);
    }
    if (text[0]) {
        out[n].code = RISK_PAIRING_FIT;
        str_fmt(out[n].text, sizeof out[n].text, "Not a good match: %s.", text);
        n++;
    }

    int64_t due = (int64_t)in->due_days * DAY;
    bool late = !waits(in->status) && now - in->started_at > due;
    if (late && !in->agreement_signed) {
        out[n].code = RISK_AGREEMENT_UNSIGNED;
        str_fmt(out[n].text, sizeof out[n].text,
                "The partnership agreement is not signed by everyone %d days after the start "
                "(the program allows %d).",
                days_of(now - in->started_at), in->due_days);
        n++;
    }
    if (late && in->goals <= 0) {
        out[n].code = RISK_NO_GOALS;
        str_fmt(out[n].text, sizeof out[n].text,
                "No goals set %d days after the start (the program asks for them within %d).",
                days_of(now - in->started_at), in->due_days);
        n++;
    }

    int64_t frame = (int64_t)in->phase_timeframe_days * DAY;
    if (!waits(in->status) && frame > 0 && now - in->phase_started_at > 2 * frame) {
        out[n].code = RISK_PHASE_OVERDUE;
        str_fmt(out[n].text, sizeof out[n].text,
                "The phase \"%s\" has lasted %d days, more than twice its timeframe of %d.",
                in->phase_name ? in->phase_name : "", days_of(now - in->phase_started_at),
                in->phase_timeframe_days);
        n++;
    }
    return n;
}

int risk_note_read(const json_t *body, const char **text, verr *e)
{
    static const char *const keys[] = {"body", NULL};
    *text = NULL;
    int bad = v_known_keys(body, "", keys, e);
    bad |= v_string(body, "body", "", true, false, LIMIT_RISK_NOTE_BYTES, NULL, text, e);
    return bad ? -1 : 0;
}

int risk_nudge_read(const json_t *body, const char **message, verr *e)
{
    static const char *const keys[] = {"message", NULL};
    int bad = v_known_keys(body, "", keys, e);
    bad |= v_string(body, "message", "", false, true, LIMIT_NUDGE_BYTES, "", message, e);
    return bad ? -1 : 0;
}

int risk_followup_read(const json_t *body, bool with_mentor, struct risk_followup *out, verr *e)
{
    static const char *const with[] = {"mentor", "reason", "version", NULL};
    static const char *const plain[] = {"reason", "version", NULL};
    int bad = v_known_keys(body, "", with_mentor ? with : plain, e);
    bad |= v_string(body, "reason", "", false, true, LIMIT_REASON_BYTES, "", &out->reason, e);
    bad |= v_int(body, "version", "", 1, INT64_MAX / 2, out->version, false, &out->version, e);
    out->mentor = 0;
    if (with_mentor)
        bad |= v_int(body, "mentor", "", 1, INT64_MAX / 2, 0, true, &out->mentor, e);
    return bad ? -1 : 0;
}
