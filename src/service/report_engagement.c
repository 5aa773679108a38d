/* report_engagement.c - the engagement report: meetings per relationship
 * per month, the share meeting the program's guideline, agreements and
 * goals set on time, goal and milestone completion, messages, the share
 * active lately. Over the relationships open at some time in the period. */
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/vec.h"
#include "service/reports.h"

#define AGREEMENT_DAYS 14 /* an agreement signed by everyone within this of the start */
#define ACTIVE_DAYS 30    /* active: a meeting held or a message in the last days */
#define STR_(x) #x
#define STR(x) STR_(x)
#define LATELY "?3 - " STR(ACTIVE_DAYS) " * 86400" /* the end less ACTIVE_DAYS, in SQL */
#define MONTH_DAYS 30.436875

struct rel_row {
    int64_t id, started, ended; /* ended 0: open */
    int64_t held, messages, first_goal, last_activity;
    int64_t members, signers, signed_all; /* signed_all: when the last first signature came */
    bool outside; /* from the facts: a meeting held before its start or after its end */
};

typedef VEC(struct rel_row) rel_vec;

struct held {
    size_t rel; /* index into the relationships */
    int64_t at;
};
typedef VEC(struct held) held_vec;

static int month_of(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

static int64_t month_start(int m)
{
    struct tm tm = {.tm_year = m / 12 - 1900, .tm_mon = m % 12, .tm_mday = 1};
    return (int64_t)timegm(&tm);
}

/* The two numbers of a one-row query over the program and period (pv). */
static int two_counts(store *db, const char *sql, const store_val *pv, int64_t *a, int64_t *b)
{
    store_rows *rows = NULL;
    int rc = store_query(db, sql, pv, 3, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        *a = store_col_int(rows, 0);
        *b = store_col_int(rows, 1);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

static void share(struct report_table *t, const char *metric, int64_t part, int64_t whole)
{
    report_text(t, metric);
    if (whole > 0)
        report_real(t, (double)part / (double)whole);
    else
        report_null(t);
}

static void count(struct report_table *t, const char *metric, int64_t v)
{
    report_text(t, metric);
    report_int(t, v);
}

/* The relationship with this id among rels[0..n) (sorted by id), or NULL. */
static struct rel_row *find_rel(struct rel_row *rels, size_t n, int64_t id)
{
    size_t i = vec_lower_bound(rels, n, sizeof *rels, offsetof(struct rel_row, id), id);
    return i < n && rels[i].id == id ? &rels[i] : NULL;
}

/* The relationships of the period: open at some time in it. */
#define OF_PERIOD                                                                                  \
    "rel.program_id = ?1 AND rel.started_at <= ?3 AND (rel.ended_at IS NULL OR rel.ended_at >= "   \
    "?2)"

/* What each grouped query gives a relationship of the period. */
enum fact { F_MEMBERS, F_MESSAGES, F_FIRST_GOAL, F_LAST_MEETING, F_LAST_MESSAGE, F_SIGNERS };

static void put_fact(struct rel_row *w, enum fact which, store_rows *rows)
{
    int64_t v = store_col_null(rows, 1) ? -1 : store_col_int(rows, 1);
    switch (which) {
    case F_MEMBERS: w->members = v; break;
    case F_MESSAGES: w->messages = v; break;
    case F_FIRST_GOAL: w->first_goal = v; break;
    case F_LAST_MEETING:
    case F_LAST_MESSAGE:
        if (v > w->last_activity)
            w->last_activity = v;
        break;
    case F_SIGNERS:
        w->signers = v;
        w->signed_all = store_col_null(rows, 2) ? -1 : store_col_int(rows, 2);
        break;
    }
}

/* One pass over each table, grouped by relationship (a relationship
 * without rows keeps its zero or -1). */
static const struct {
    enum fact which;
    const char *sql;
} FACTS[] = {
    {F_MEMBERS, "SELECT rm.relationship_id, COUNT(*) FROM relationships rel JOIN "
                "relationship_members rm ON rm.relationship_id = rel.id WHERE " OF_PERIOD
                " GROUP BY rm.relationship_id"},
    {F_MESSAGES, "SELECT g.relationship_id, COUNT(*) FROM relationships rel JOIN messages g ON "
                 "g.relationship_id = rel.id WHERE " OF_PERIOD
                 " AND g.created_at BETWEEN ?2 AND ?3 GROUP BY g.relationship_id"},
    {F_FIRST_GOAL,
     "SELECT o.relationship_id, MIN(o.created_at) FROM relationships rel JOIN goals "
     "o ON o.relationship_id = rel.id WHERE " OF_PERIOD " GROUP BY o.relationship_id"},
    /* Active lately: the latest meeting held or message in the
     * ACTIVE_DAYS before the end (an older one does not make it active). */
    {F_LAST_MEETING,
     "SELECT m.relationship_id, MAX(m.starts_at) FROM relationships rel JOIN "
     "meetings m ON m.relationship_id = rel.id WHERE " OF_PERIOD
     " AND m.status = 'held' AND m.starts_at BETWEEN " LATELY " AND ?3 GROUP BY m.relationship_id"},
    {F_LAST_MESSAGE, "SELECT g.relationship_id, MAX(g.created_at) FROM relationships rel JOIN "
                     "messages g ON g.relationship_id = rel.id WHERE " OF_PERIOD
                     " AND g.created_at BETWEEN " LATELY " AND ?3 GROUP BY g.relationship_id"},
    /* Who signed, and when the last of them first signed (any version). */
    {F_SIGNERS,
     "SELECT s.relationship_id, COUNT(*), MAX(s.first_at) FROM (SELECT "
     "s.relationship_id, s.participation_id, MIN(s.signed_at) AS first_at FROM "
     "relationships rel JOIN agreement_signings s ON s.relationship_id = rel.id WHERE " OF_PERIOD
     " GROUP BY s.relationship_id, s.participation_id) s GROUP BY s.relationship_id"},
};

/* The sums over the relationships of the period. */
struct totals {
    int64_t goals, achieved, milestones, milestones_done;
    int64_t first_held; /* the first meeting held, from the facts (INT64_MAX: none) */
};

/* The whole-life case from the facts kept on write (relationship_facts,
 * service/facts.h): when the period starts at the beginning and ends now,
 * and no relationship starts later or has a meeting held or a message
 * after the end, every relationship of the program is of the period and
 * each count of the period is the relationship's count. Fills *rels and
 * *t and sets *used; leaves both empty (and *used false) when the period
 * or a relationship needs the raw rows. */
static int from_facts(store *db, int64_t program_id, const struct svc_period *p, int64_t end,
                      rel_vec *rels, struct totals *t, bool *used)
{
    store_rows *rows = NULL;
    *used = false;
    if (p->from_t > 0 || p->to_t < p->now)
        return STORE_OK;
    store_val pv[] = {SV_INT(program_id)};
    int rc = store_query(
        db,
        "SELECT rel.id, rel.started_at, rel.ended_at, f.relationship_id, f.members, f.held, "
        "f.last_held_at, f.messages, f.last_message_at, f.first_goal_at, f.signers, "
        "f.signed_all_at, f.goals, f.goals_achieved, f.milestones, f.milestones_done, "
        "f.first_held_at FROM "
        "relationships rel LEFT JOIN relationship_facts f ON f.relationship_id = rel.id WHERE "
        "rel.program_id = ?1 ORDER BY rel.id",
        pv, 1, &rows);
    bool whole = true;
    int64_t lately = end - ACTIVE_DAYS * 86400;
    while (whole && rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        int64_t last_held = store_col_null(rows, 6) ? -1 : store_col_int(rows, 6);
        int64_t last_message = store_col_null(rows, 8) ? -1 : store_col_int(rows, 8);
        if (store_col_null(rows, 3) || store_col_int(rows, 1) > end || last_held > end ||
            last_message > end) {
            whole = false; /* the raw rows answer it */
            break;
        }
        struct rel_row *w = VEC_PUSH(rels);
        w->id = store_col_int(rows, 0);
        w->started = store_col_int(rows, 1);
        w->ended = store_col_null(rows, 2) ? 0 : store_col_int(rows, 2);
        w->members = store_col_int(rows, 4);
        w->held = store_col_int(rows, 5);
        w->messages = store_col_int(rows, 7);
        w->first_goal = store_col_null(rows, 9) ? -1 : store_col_int(rows, 9);
        w->signers = store_col_int(rows, 10);
        w->signed_all = store_col_null(rows, 11) ? -1 : store_col_int(rows, 11);
        w->last_activity = -1;
        if (last_held >= lately)
            w->last_activity = last_held;
        if (last_message >= lately && last_message > w->last_activity)
            w->last_activity = last_message;
        t->goals += store_col_int(rows, 12);
        t->achieved += store_col_int(rows, 13);
        t->milestones += store_col_int(rows, 14);
        t->milestones_done += store_col_int(rows, 15);
        int64_t first_held = store_col_null(rows, 16) ? -1 : store_col_int(rows, 16);
        if (first_held >= 0 && first_held < t->first_held)
            t->first_held = first_held;
        w->outside =
            (first_held >= 0 && first_held < w->started) || (w->ended && last_held > w->ended);
    }
    store_rows_free(rows);
    if (rc < 0 || !whole) {
        rels->len = 0;
        memset(t, 0, sizeof *t);
        t->first_held = INT64_MAX;
    }
    *used = rc >= 0 && whole;
    return rc < 0 ? rc : STORE_OK;
}

/* Any period from the raw rows: the relationships open at some time in
 * it, their members, messages, first goal, latest activity, signers, and
 * the goals' and milestones' sums (the held meetings are counted by the
 * caller). */
static int raw_facts(store *db, const store_val *pv, rel_vec *rels, struct totals *t)
{
    store_rows *rows = NULL;
    int rc = store_query(db,
                         "SELECT rel.id, rel.started_at, rel.ended_at FROM relationships rel "
                         "WHERE " OF_PERIOD " ORDER BY rel.id",
                         pv, 3, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        struct rel_row *w = VEC_PUSH(rels);
        w->id = store_col_int(rows, 0);
        w->started = store_col_int(rows, 1);
        w->ended = store_col_null(rows, 2) ? 0 : store_col_int(rows, 2);
        w->first_goal = w->last_activity = w->signed_all = -1;
        rc = STORE_OK;
    }
    store_rows_free(rows);
    rows = NULL;
    if (rc < 0)
        return rc;
    for (size_t q = 0; q < sizeof FACTS / sizeof FACTS[0]; q++) {
        rc = store_query(db, FACTS[q].sql, pv, 3, &rows);
        while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
            struct rel_row *w = find_rel(rels->items, rels->len, store_col_int(rows, 0));
            if (w)
                put_fact(w, FACTS[q].which, rows);
            rc = STORE_OK;
        }
        store_rows_free(rows);
        rows = NULL;
        if (rc < 0)
            return rc;
    }
    if ((rc =
             two_counts(db,
                        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN o.status = 'achieved' THEN 1 "
                        "ELSE 0 END), 0) FROM goals o JOIN relationships rel ON rel.id = "
                        "o.relationship_id WHERE rel.program_id = ?1 AND o.status <> 'dropped' "
                        "AND rel.started_at <= ?3 AND (rel.ended_at IS NULL OR rel.ended_at >= ?2)",
                        pv, &t->goals, &t->achieved)) < 0)
        return rc;
    return two_counts(db,
                      "SELECT COUNT(*), COALESCE(SUM(CASE WHEN ms.done_at IS NULL THEN 0 ELSE 1 "
                      "END), 0) FROM milestones ms JOIN goals o ON o.id = ms.goal_id JOIN "
                      "relationships rel ON rel.id = o.relationship_id WHERE rel.program_id = "
                      "?1 AND o.status <> 'dropped' AND rel.started_at <= ?3 "
                      "AND (rel.ended_at IS NULL OR rel.ended_at >= ?2)",
                      pv, &t->milestones, &t->milestones_done);
}

/* The meetings held in the period, counted per relationship of rels and
 * kept with their times (for the table by month). */
static int raw_held(store *db, const store_val *pv, rel_vec *rels, held_vec *held_at)
{
    store_rows *rows = NULL;
    int rc = store_query(db,
                         "SELECT m.relationship_id, m.starts_at FROM meetings m JOIN relationships "
                         "rel ON rel.id = m.relationship_id WHERE rel.program_id = ?1 AND m.status "
                         "= 'held' AND m.starts_at BETWEEN ?2 AND ?3 ORDER BY m.relationship_id",
                         pv, 3, &rows);
    size_t at = 0;
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        int64_t id = store_col_int(rows, 0);
        while (at < rels->len && rels->items[at].id < id)
            at++;
        if (at < rels->len && rels->items[at].id == id) { /* a relationship of the period */
            *VEC_PUSH(held_at) = (struct held){at, store_col_int(rows, 1)};
            rels->items[at].held++;
        }
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

/* The whole-life table by month from the facts (relationship_months):
 * into met_by[m - m0] the meetings held in month m, into extra_by[m - m0]
 * the relationships that met in m while not open in it (a meeting logged
 * before the start or after the end: only the months of the relationships
 * whose facts say so are read, the range of their ids). */
static int months_from_facts(store *db, int64_t program_id, const rel_vec *rels, int m0, int m1,
                             int64_t *met_by, int64_t *extra_by)
{
    store_rows *rows = NULL;
    int64_t lo = 0, hi = -1;
    for (size_t i = 0; i < rels->len; i++)
        if (rels->items[i].outside) {
            if (hi < lo)
                lo = rels->items[i].id;
            hi = rels->items[i].id;
        }
    store_val pv[] = {SV_INT(program_id), SV_INT(lo), SV_INT(hi)};
    int rc = store_query(db,
                         "SELECT month_start, SUM(held) FROM relationship_months WHERE program_id "
                         "= ?1 GROUP BY month_start",
                         pv, 1, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        int m = month_of(store_col_int(rows, 0));
        if (m >= m0 && m <= m1)
            met_by[m - m0] += store_col_int(rows, 1);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    rows = NULL;
    if (rc < 0 || hi < lo)
        return rc < 0 ? rc : STORE_OK;
    rc = store_query(db,
                     "SELECT relationship_id, month_start FROM relationship_months WHERE "
                     "program_id = ?1 AND relationship_id BETWEEN ?2 AND ?3",
                     pv, 3, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        const struct rel_row *w = find_rel(rels->items, rels->len, store_col_int(rows, 0));
        int m = month_of(store_col_int(rows, 1));
        int64_t a = month_start(m), b = month_start(m + 1) - 1;
        if (w && w->outside && m >= m0 && m <= m1 &&
            !(w->started <= b && (!w->ended || w->ended >= a)))
            extra_by[m - m0]++;
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

int svc_report_engagement(store *db, int64_t program_id, const struct program_config *cfg,
                          const struct svc_period *p, struct report *r)
{
    rel_vec rels = {0};
    held_vec held_at = {0};
    char *in_month = NULL; /* per relationship: counted in the month at hand */
    int64_t met_by[LIMIT_REPORT_MONTHS] = {0}, extra_by[LIMIT_REPORT_MONTHS] = {0};
    int64_t end = p->to_t < p->now ? p->to_t : p->now;
    store_val pv[] = {SV_INT(program_id), SV_INT(p->from_t), SV_INT(end)};
    struct totals tot = {.first_held = INT64_MAX};
    bool whole;
    int rc = from_facts(db, program_id, p, end, &rels, &tot, &whole);
    if (rc < 0)
        goto done;
    if (!whole)
        rc = raw_facts(db, pv, &rels, &tot);
    if (rc < 0)
        goto done;
    /* Any other period: the meetings held in it, counted per relationship
     * here and by month below. */
    if (!whole && (rc = raw_held(db, pv, &rels, &held_at)) < 0)
        goto done;
    int64_t goals = tot.goals, achieved = tot.achieved, milestones = tot.milestones,
            milestones_done = tot.milestones_done;
    /* Per relationship: the guideline, the agreement, the goals, activity. */
    int64_t meeting_guideline = 0, agreement_on_time = 0, goals_on_time = 0, active = 0;
    int64_t held = 0, messages = 0;
    int64_t goal_days = cfg->goals.due_days > 0 ? cfg->goals.due_days : 30;
    for (size_t i = 0; i < rels.len; i++) {
        const struct rel_row *w = &rels.items[i];
        int64_t a = w->started > p->from_t ? w->started : p->from_t;
        int64_t b = w->ended && w->ended < end ? w->ended : end;
        double months = (double)(b - a) / 86400.0 / MONTH_DAYS;
        if (months < 1)
            months = 1;
        if ((double)w->held >= cfg->meetings.frequency_per_month * months)
            meeting_guideline++;
        if (w->members > 0 && w->signers >= w->members && w->signed_all >= 0 &&
            w->signed_all - w->started <= AGREEMENT_DAYS * 86400)
            agreement_on_time++;
        if (w->first_goal >= 0 && w->first_goal - w->started <= goal_days * 86400)
            goals_on_time++;
        if (!w->ended && w->last_activity >= end - ACTIVE_DAYS * 86400)
            active++;
        held += w->held;
        messages += w->messages;
    }
    int64_t n = (int64_t)rels.len;
    struct report_table *s = report_table(r, "summary", "Engagement", "metric:s,value:n");
    count(s, "relationships", n);
    count(s, "meetings_held", held);
    count(s, "guideline_meetings_per_month", cfg->meetings.frequency_per_month);
    share(s, "share_meeting_guideline", meeting_guideline, n);
    share(s, "share_agreement_signed_within_14_days", agreement_on_time, n);
    count(s, "goal_due_days", goal_days);
    share(s, "share_goals_set_within_due_days", goals_on_time, n);
    count(s, "goals", goals);
    count(s, "goals_achieved", achieved);
    share(s, "goal_completion", achieved, goals);
    count(s, "milestones", milestones);
    count(s, "milestones_done", milestones_done);
    share(s, "milestone_completion", milestones_done, milestones);
    count(s, "messages", messages);
    share(s, "share_active_last_30_days", active, n);

    /* By month: from the first month with a relationship or a meeting in
     * it. A relationship counts in a month it was open in or met in (a
     * meeting may be logged as held before the relationship's start). */
    struct report_table *t = report_table(r, "by_month", "Meetings per relationship by month",
                                          "month:s,relationships:i,meetings_held:i,"
                                          "meetings_per_relationship:n");
    if (n > 0) {
        int64_t first = end;
        for (size_t i = 0; i < rels.len; i++)
            if (rels.items[i].started < first)
                first = rels.items[i].started;
        for (size_t i = 0; i < held_at.len; i++)
            if (held_at.items[i].at < first)
                first = held_at.items[i].at;
        if (tot.first_held < first)
            first = tot.first_held;
        if (first < p->from_t)
            first = p->from_t;
        in_month = calloc(rels.len, 1);
        int m0 = month_of(first), m1 = month_of(end);
        if (m1 - m0 >= LIMIT_REPORT_MONTHS)
            m0 = m1 - LIMIT_REPORT_MONTHS + 1;
        if (whole && (rc = months_from_facts(db, program_id, &rels, m0, m1, met_by, extra_by)) < 0)
            goto done;
        for (int m = m0; m <= m1; m++) {
            int64_t a = month_start(m), b = month_start(m + 1) - 1, open = 0, met = 0;
            if (whole) {
                met = met_by[m - m0];
                open = extra_by[m - m0];
            }
            memset(in_month, 0, rels.len);
            for (size_t i = 0; i < rels.len; i++)
                if (rels.items[i].started <= b &&
                    (!rels.items[i].ended || rels.items[i].ended >= a))
                    in_month[i] = 1;
            for (size_t i = 0; i < held_at.len; i++)
                if (held_at.items[i].at >= a && held_at.items[i].at <= b) {
                    met++;
                    in_month[held_at.items[i].rel] = 1;
                }
            for (size_t i = 0; i < rels.len; i++)
                open += in_month[i];
            char label[16];
            snprintf(label, sizeof label, "%04d-%02d", m / 12, m % 12 + 1);
            report_text(t, label);
            report_int(t, open);
            report_int(t, met);
            if (open)
                report_real(t, (double)met / (double)open);
            else
                report_null(t);
        }
    }
    rc = SVC_OK;
done:
    free(in_month);
    VEC_FREE(&rels);
    VEC_FREE(&held_at);
    return rc;
}
