/* reminder.c - reminders armed by events, sent when due
 * (service/reminder.h). */
#include "service/reminder.h"

#include <string.h>

#include "base/clock.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/str.h"
#include "domain/reminder.h"
#include "domain/risk.h"
#include "domain/when.h"
#include "service/outbox.h"
#include "service/program.h"
#include "service/risk.h"
#include "service/workspace.h"

#define DAY 86400

#define PENDING "fired_at IS NULL AND cleared_at IS NULL"

/* ---- a subject's facts and plan ---- */

/* A subject: what a reminders row is about. */
struct subject {
    char key[48]; /* 'r12', 'q7', 'a3.9' */
    int64_t program_id, relationship_id, request_id, round_id, participation_id;
};

/* What the plan of a relationship needs besides the items, to mail. */
struct rel_facts {
    struct reminder_rel r;
    struct reminder_meeting meetings[LIMIT_REMINDER_MEETINGS];
    char status[16];
    char phase_name[LIMIT_NAME_BYTES + 1];
};

static int read_relationship(store *db, int64_t rel_id, int64_t now, int64_t *program_id,
                             struct rel_facts *f, bool *found)
{
    store_rows *rows = NULL;
    store_val p1[] = {SV_INT(rel_id)};
    store_val p[] = {SV_INT(rel_id), SV_INT(now - DAY), SV_INT(LIMIT_REMINDER_MEETINGS)};
    memset(f, 0, sizeof *f);
    *found = false;
    int rc = store_query(
        db,
        "SELECT r.program_id, r.status, r.started_at, r.phase, r.phase_started_at, "
        "COALESCE((SELECT a.version FROM agreements a WHERE a.relationship_id = r.id), 0), "
        "COALESCE((SELECT v.edited_at FROM agreements a JOIN agreement_versions v ON "
        "v.relationship_id = a.relationship_id AND v.version = a.version WHERE a.relationship_id "
        "= r.id), 0), "
        "(SELECT COUNT(*) FROM relationship_members m WHERE m.relationship_id = r.id AND NOT "
        "EXISTS (SELECT 1 FROM agreements a JOIN agreement_signings s ON s.relationship_id = "
        "a.relationship_id AND s.version = a.version WHERE a.relationship_id = r.id AND "
        "s.participation_id = m.participation_id)), "
        "(SELECT COUNT(*) FROM goals g WHERE g.relationship_id = r.id AND g.status <> "
        "'dropped'), "
        "COALESCE((SELECT MAX(mt.starts_at) FROM meetings mt WHERE mt.relationship_id = r.id AND "
        "mt.status = 'held'), 0), "
        "COALESCE((SELECT MAX(x.created_at) FROM messages x WHERE x.relationship_id = r.id), 0), "
        "COALESCE((SELECT MAX(mt.updated_at) FROM meetings mt WHERE mt.relationship_id = r.id), "
        "0), "
        "COALESCE((SELECT MAX(g.updated_at) FROM goals g WHERE g.relationship_id = r.id), 0), "
        "COALESCE((SELECT MAX(s.signed_at) FROM agreement_signings s WHERE s.relationship_id = "
        "r.id), 0) "
        "FROM relationships r WHERE r.id = ?1",
        p1, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        *found = true;
        *program_id = store_col_int(rows, 0);
        str_fmt(f->status, sizeof f->status, "%s", store_col_text(rows, 1));
        f->r.status = f->status;
        f->r.started_at = store_col_int(rows, 2);
        f->r.phase = (int)store_col_int(rows, 3);
        f->r.phase_started_at = store_col_int(rows, 4);
        f->r.agreement_version = (int)store_col_int(rows, 5);
        f->r.agreement_since = store_col_int(rows, 6);
        f->r.agreement_signed = f->r.agreement_version > 0 && store_col_int(rows, 7) == 0;
        f->r.goals = store_col_int(rows, 8);
        f->r.last_meeting_at = store_col_int(rows, 9);
        int64_t last = f->r.started_at;
        for (int c = 10; c <= 13; c++)
            last = store_col_int(rows, c) > last ? store_col_int(rows, c) : last;
        f->r.last_activity_at = last;
        rc = STORE_OK;
    }
    store_rows_free(rows);
    rows = NULL;
    if (rc < 0 || !*found)
        return rc < 0 ? rc : STORE_OK;
    /* The scheduled meetings not begun more than a day ago (a meeting
     * just past is judged stale, not unknown). */
    rc = store_query(db,
                     "SELECT id, starts_at FROM meetings WHERE relationship_id = ?1 AND status = "
                     "'scheduled' AND starts_at > ?2 ORDER BY starts_at, id LIMIT ?3",
                     p, 3, &rows);
    while (rc == STORE_OK && f->r.nmeetings < LIMIT_REMINDER_MEETINGS &&
           (rc = store_next(rows)) == 1) {
        f->meetings[f->r.nmeetings++] =
            (struct reminder_meeting){store_col_int(rows, 0), store_col_int(rows, 1)};
        rc = STORE_OK;
    }
    store_rows_free(rows);
    f->r.meetings = f->meetings;
    return rc < 0 ? rc : STORE_OK;
}

/* The phase's timeframe and name, from the program's model. */
static void phase_of(const struct program_config *cfg, struct rel_facts *f)
{
    const json_t *ph = program_phase(cfg, f->r.phase);
    f->r.phase_timeframe_days = (int)json_integer_value(json_object_get(ph, "timeframe_days"));
    const char *name = json_string_value(json_object_get(ph, "name"));
    str_fmt(f->phase_name, sizeof f->phase_name, "%s", name ? name : "");
}

struct plan {
    struct subject s;
    struct program_config cfg;
    struct rel_facts rel; /* a relationship's */
    struct reminder_item items[REMINDER_PLAN_MAX];
    size_t n;
    bool found;
};

static void plan_cleanup(struct plan *p)
{
    program_config_cleanup(&p->cfg);
}

static int plan_relationship(store *db, int64_t rel_id, int64_t now, struct plan *out)
{
    memset(out, 0, sizeof *out);
    str_fmt(out->s.key, sizeof out->s.key, "r%lld", (long long)rel_id);
    out->s.relationship_id = rel_id;
    int rc = read_relationship(db, rel_id, now, &out->s.program_id, &out->rel, &out->found);
    if (rc != STORE_OK || !out->found)
        return rc;
    if ((rc = svc_program_config(db, out->s.program_id, &out->cfg, NULL, 0)) != SVC_OK)
        return rc > 0 ? STORE_OK : rc; /* the program is gone with it */
    phase_of(&out->cfg, &out->rel);
    out->n = reminder_plan_relationship(&out->cfg, &out->rel.r, now, out->items);
    return STORE_OK;
}

static int plan_request(store *db, int64_t req_id, struct plan *out)
{
    memset(out, 0, sizeof *out);
    str_fmt(out->s.key, sizeof out->s.key, "q%lld", (long long)req_id);
    out->s.request_id = req_id;
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(req_id)};
    int64_t mentor = 0, asked = 0, expires = 0;
    bool pending = false;
    int rc = store_query(db,
                         "SELECT program_id, status, mentor_id, asked_at, expires_at FROM "
                         "mentoring_requests WHERE id = ?1",
                         p, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        out->found = true;
        out->s.program_id = store_col_int(rows, 0);
        pending = strcmp(store_col_text(rows, 1), "pending") == 0;
        mentor = store_col_int(rows, 2);
        asked = store_col_int(rows, 3);
        expires = store_col_int(rows, 4);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0 || !out->found)
        return rc < 0 ? rc : STORE_OK;
    out->s.participation_id = mentor;
    if ((rc = svc_program_config(db, out->s.program_id, &out->cfg, NULL, 0)) != SVC_OK)
        return rc > 0 ? STORE_OK : rc;
    out->n = reminder_plan_request(&out->cfg, pending, mentor, asked, expires, out->items);
    return STORE_OK;
}

static int plan_ask(store *db, int64_t round, int64_t part, struct plan *out)
{
    memset(out, 0, sizeof *out);
    str_fmt(out->s.key, sizeof out->s.key, "a%lld.%lld", (long long)round, (long long)part);
    out->s.round_id = round;
    out->s.participation_id = part;
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(round), SV_INT(part)};
    int64_t asked = 0, closes = 0;
    bool answered = false;
    int rc = store_query(db,
                         "SELECT s.program_id, a.asked_at, a.answered_at IS NOT NULL, "
                         "ro.closes_at, s.status FROM survey_asks a JOIN survey_rounds ro ON "
                         "ro.id = a.round_id JOIN surveys s ON s.id = a.survey_id WHERE "
                         "a.round_id = ?1 AND a.participation_id = ?2",
                         p, 2, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        out->found = true;
        out->s.program_id = store_col_int(rows, 0);
        asked = store_col_int(rows, 1);
        /* A closed survey takes no more answers: nothing to remind of. */
        answered = store_col_int(rows, 2) != 0 || strcmp(store_col_text(rows, 4), "closed") == 0;
        closes = store_col_int(rows, 3);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0 || !out->found)
        return rc < 0 ? rc : STORE_OK;
    if ((rc = svc_program_config(db, out->s.program_id, &out->cfg, NULL, 0)) != SVC_OK)
        return rc > 0 ? STORE_OK : rc;
    out->n = reminder_plan_survey(&out->cfg, answered, asked, closes, out->items);
    return STORE_OK;
}

/* ---- arming ---- */

static bool in_plan(const struct plan *p, const char *kind, const char *occ)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(reminder_kind_name(p->items[i].kind), kind) == 0 &&
            strcmp(p->items[i].occurrence, occ) == 0)
            return true;
    return false;
}

/* Makes the subject's pending rows what its plan says: each item armed
 * (a new one inserted, a pending one's due time moved, one cleared
 * because its condition had gone or its rule was off armed again; one
 * sent stays sent - at most once per occurrence - and one dropped as
 * stale or born late stays dropped), every pending row the plan no
 * longer has cleared. */
static int arm(store *db, const struct plan *p, int64_t now)
{
    store_rows *rows = NULL;
    store_val q[] = {SV_TEXT(p->s.key)};
    int64_t gone[REMINDER_PLAN_MAX * 2];
    size_t ngone = 0;
    int rc = store_query(db,
                         "SELECT id, kind, occurrence FROM reminders WHERE subject = ?1 AND "
                         "kind <> 'sync' AND " PENDING,
                         q, 1, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        if (!in_plan(p, store_col_text(rows, 1), store_col_text(rows, 2)) &&
            ngone < sizeof gone / sizeof gone[0])
            gone[ngone++] = store_col_int(rows, 0);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < ngone && rc == STORE_OK; i++) {
        store_val c[] = {SV_INT(gone[i]), SV_INT(now)};
        rc = store_exec(db,
                        "UPDATE reminders SET cleared_at = ?2, outcome = 'cleared' WHERE id = ?1 "
                        "AND " PENDING,
                        c, 2, NULL);
    }
    for (size_t i = 0; i < p->n && rc == STORE_OK; i++) {
        const struct reminder_item *it = &p->items[i];
        bool late = reminder_born_late(it, now);
#define OPT(v) ((v) ? SV_INT(v) : SV_NULL)
        store_val v[] = {SV_TEXT(reminder_kind_name(it->kind)),
                         SV_TEXT(p->s.key),
                         SV_TEXT(it->occurrence),
                         SV_INT(p->s.program_id),
                         OPT(p->s.relationship_id),
                         OPT(p->s.request_id),
                         OPT(p->s.round_id),
                         OPT(p->s.participation_id),
                         OPT(it->meeting_id),
                         SV_INT(it->due_at),
                         late ? SV_INT(now) : SV_NULL,
                         SV_TEXT(late ? "late" : NULL)};
#undef OPT
        rc = store_exec(db,
                        "INSERT INTO reminders (kind, subject, occurrence, program_id, "
                        "relationship_id, request_id, round_id, participation_id, meeting_id, "
                        "due_at, cleared_at, outcome) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                        "?10, ?11, ?12) ON CONFLICT (kind, subject, occurrence) DO UPDATE SET "
                        "due_at = excluded.due_at, cleared_at = NULL, outcome = NULL WHERE "
                        "reminders.fired_at IS NULL AND (reminders.cleared_at IS NULL OR "
                        "reminders.outcome IN ('cleared', 'off'))",
                        v, 12, NULL);
    }
    return rc;
}

/* Arms a planned subject; a subject that is gone has its rows cleared. */
static int arm_planned(store *db, struct plan *p, int rc, int64_t now)
{
    if (rc == STORE_OK && p->found)
        rc = arm(db, p, now);
    else if (rc == STORE_OK) {
        store_val c[] = {SV_TEXT(p->s.key), SV_INT(now)};
        rc = store_exec(db,
                        "UPDATE reminders SET cleared_at = ?2, outcome = 'cleared' WHERE subject "
                        "= ?1 AND " PENDING,
                        c, 2, NULL);
    }
    plan_cleanup(p);
    return rc;
}

int svc_reminder_relationship(store *db, int64_t rel_id, int64_t now)
{
    struct plan p;
    int rc = plan_relationship(db, rel_id, now, &p);
    return arm_planned(db, &p, rc, now);
}

int svc_reminder_request(store *db, int64_t request_id, int64_t now)
{
    struct plan p;
    int rc = plan_request(db, request_id, &p);
    return arm_planned(db, &p, rc, now);
}

int svc_reminder_survey_ask(store *db, int64_t round_id, int64_t part, int64_t now)
{
    struct plan p;
    int rc = plan_ask(db, round_id, part, &p);
    return arm_planned(db, &p, rc, now);
}

/* A re-arming row queued again within the same second is due again. */
#define REQUEUE                                                                                    \
    "ON CONFLICT (kind, subject, occurrence) DO UPDATE SET due_at = excluded.due_at, fired_at = "  \
    "NULL, cleared_at = NULL, outcome = NULL"

int svc_reminder_program(store *db, int64_t program_id, int64_t now, int64_t *queued)
{
    char occ[32];
    str_fmt(occ, sizeof occ, "rules@%lld", (long long)now);
    store_val p[] = {SV_INT(program_id), SV_TEXT(occ), SV_INT(now)};
    int64_t a = 0, b = 0, c = 0;
    int rc = store_exec(db,
                        "INSERT INTO reminders (kind, subject, occurrence, program_id, "
                        "relationship_id, due_at) SELECT 'sync', 'r' || id, ?2, program_id, id, "
                        "?3 FROM relationships WHERE program_id = ?1 AND status IN ('active', "
                        "'paused', 'closing') " REQUEUE,
                        p, 3, &a);
    if (rc == STORE_OK)
        rc = store_exec(
            db,
            "INSERT INTO reminders (kind, subject, occurrence, program_id, "
            "request_id, due_at) SELECT 'sync', 'q' || id, ?2, program_id, id, ?3 "
            "FROM mentoring_requests WHERE program_id = ?1 AND status = 'pending' " REQUEUE,
            p, 3, &b);
    if (rc == STORE_OK)
        rc = store_exec(
            db,
            "INSERT INTO reminders (kind, subject, occurrence, program_id, round_id, "
            "participation_id, due_at) SELECT 'sync', 'a' || a.round_id || '.' || "
            "a.participation_id, ?2, s.program_id, a.round_id, a.participation_id, ?3 "
            "FROM surveys s JOIN survey_asks a ON a.survey_id = s.id WHERE "
            "s.program_id = ?1 AND s.status = 'active' AND a.answered_at IS NULL " REQUEUE,
            p, 3, &c);
    if (queued)
        *queued = a + b + c;
    return rc;
}

/* ---- firing ---- */

int svc_reminders_due(store *db, int64_t now, bool sync, int64_t *ids, size_t max, size_t *n)
{
    store_val p[] = {SV_INT(now), SV_INT((int64_t)max), SV_INT(sync)};
    return store_query_ints(db,
                            "SELECT id FROM reminders WHERE due_at <= ?1 AND " PENDING
                            " AND (kind = 'sync') = (?3 = 1) ORDER BY due_at, id LIMIT ?2",
                            p, 3, ids, max, n);
}

/* A pending row. */
struct row {
    int64_t id, due_at;
    int kind;
    char occurrence[REMINDER_OCCURRENCE_BYTES];
    struct subject s;
    int64_t meeting_id;
};

static int read_row(store *db, int64_t id, struct row *out, bool *found)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(id)};
    *found = false;
    int rc =
        store_query(db,
                    "SELECT kind, subject, occurrence, program_id, "
                    "COALESCE(relationship_id, 0), COALESCE(request_id, 0), "
                    "COALESCE(round_id, 0), COALESCE(participation_id, 0), "
                    "COALESCE(meeting_id, 0), due_at FROM reminders WHERE id = ?1 AND " PENDING,
                    p, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        *found = true;
        memset(out, 0, sizeof *out);
        out->id = id;
        out->kind = reminder_kind_parse(store_col_text(rows, 0));
        str_fmt(out->s.key, sizeof out->s.key, "%s", store_col_text(rows, 1));
        str_fmt(out->occurrence, sizeof out->occurrence, "%s", store_col_text(rows, 2));
        out->s.program_id = store_col_int(rows, 3);
        out->s.relationship_id = store_col_int(rows, 4);
        out->s.request_id = store_col_int(rows, 5);
        out->s.round_id = store_col_int(rows, 6);
        out->s.participation_id = store_col_int(rows, 7);
        out->meeting_id = store_col_int(rows, 8);
        out->due_at = store_col_int(rows, 9);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

/* The subject's plan, as it stands now. */
static int plan_of(store *db, const struct row *r, int64_t now, struct plan *p)
{
    if (r->s.relationship_id)
        return plan_relationship(db, r->s.relationship_id, now, p);
    if (r->s.request_id)
        return plan_request(db, r->s.request_id, p);
    return plan_ask(db, r->s.round_id, r->s.participation_id, p);
}

/* ---- the mail ---- */

static const svc_actor nobody = {0};

static void days_text(char *out, size_t size, int64_t seconds)
{
    str_fmt(out, size, "%lld", (long long)((seconds + DAY / 2) / DAY));
}

/* Mails the members of relationship p (all, or those who have not signed
 * its current agreement) the reminder of kind k. */
static int tell_members(store *db, const struct plan *p, const struct row *r, int64_t now,
                        bool *sent)
{
    struct svc_ws_person to[LIMIT_RELATIONSHIP_MEMBERS];
    size_t n = 0;
    char program[LIMIT_NAME_BYTES + 1] = "", link[LIMIT_HTTP_URL_BYTES], days[24] = "",
                                    when[160] = "", section[48] = "";
    int64_t rel = p->s.relationship_id;
    int rc = svc_workspace_others(db, &nobody, rel, to, &n);
    if (rc == STORE_OK)
        rc = svc_outbox_program_name(db, p->s.program_id, program, sizeof program);
    const struct program_config *cfg = &p->cfg;
    switch (r->kind) {
    case REMINDER_AGREEMENT:
        str_fmt(section, sizeof section, "agreement");
        days_text(days, sizeof days, now - p->rel.r.started_at);
        break;
    case REMINDER_NO_GOALS:
        str_fmt(section, sizeof section, "goals");
        days_text(days, sizeof days, now - p->rel.r.started_at);
        break;
    case REMINDER_MEETING_SOON:
        str_fmt(section, sizeof section, "meetings/%lld", (long long)r->meeting_id);
        break;
    case REMINDER_NO_MEETING:
        str_fmt(section, sizeof section, "meetings");
        days_text(days, sizeof days,
                  now -
                      (p->rel.r.last_meeting_at ? p->rel.r.last_meeting_at : p->rel.r.started_at));
        break;
    case REMINDER_PHASE:
        str_fmt(section, sizeof section, "phase");
        days_text(days, sizeof days, (int64_t)p->rel.r.phase_timeframe_days * DAY);
        break;
    default: /* REMINDER_INACTIVE */
        days_text(days, sizeof days, now - p->rel.r.last_activity_at);
        break;
    }
    svc_workspace_link(link, sizeof link, rel, section[0] ? section : NULL);
    int64_t starts = 0;
    for (size_t i = 0; i < p->rel.r.nmeetings; i++)
        if (p->rel.meetings[i].id == r->meeting_id)
            starts = p->rel.meetings[i].starts_at;
    char freq[16];
    str_fmt(freq, sizeof freq, "%d", cfg->meetings.frequency_per_month);
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        if (r->kind == REMINDER_AGREEMENT && p->rel.r.agreement_version > 0) {
            int64_t signed_it = 0;
            store_val q[] = {SV_INT(rel), SV_INT(to[i].participation_id)};
            if ((rc = store_query_int(db,
                                      "SELECT 1 FROM agreements a JOIN agreement_signings s ON "
                                      "s.relationship_id = a.relationship_id AND s.version = "
                                      "a.version WHERE a.relationship_id = ?1 AND "
                                      "s.participation_id = ?2",
                                      q, 2, &signed_it)) < 0)
                break;
            rc = STORE_OK;
            if (signed_it)
                continue; /* they signed; their partner has not */
        }
        if (starts)
            when_text(starts, to[i].time_zone, when, sizeof when);
        struct mail_value v[] = {{"link", link},
                                 {"days", days},
                                 {"when", when},
                                 {"phase", p->rel.phase_name},
                                 {"frequency", freq}};
        struct svc_mail m = {.kind = reminder_kind_mail(r->kind),
                             .to = to[i].email,
                             .person_id = to[i].person_id,
                             .program_id = p->s.program_id,
                             .name = to[i].name,
                             .program = program,
                             .values = v,
                             .nvalues = 5};
        verr e = {0};
        rc = svc_outbox_mail(db, &m, now, &e);
        rc = rc > 0 ? STORE_ERROR : rc; /* a template refusal is a bug, logged */
        *sent = *sent || rc == STORE_OK;
    }
    return rc;
}

/* The members' names, "Ada Lovelace and Alan Turing". */
static int member_names(store *db, int64_t rel, char *out, size_t size)
{
    struct svc_ws_person to[LIMIT_RELATIONSHIP_MEMBERS];
    size_t n = 0;
    out[0] = '\0';
    int rc = svc_workspace_others(db, &nobody, rel, to, &n);
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        size_t used = strlen(out);
        str_fmt(out + used, size - used, "%s%s",
                i == 0       ? ""
                : i + 1 == n ? " and "
                             : ", ",
                to[i].name);
    }
    return rc;
}

static int tell_coordinators_of(store *db, const struct plan *p, const struct row *r, int64_t now,
                                bool *sent)
{
    char names[LIMIT_NAME_BYTES * 4], link[LIMIT_HTTP_URL_BYTES], days[24], freq[16];
    int64_t rel = p->s.relationship_id;
    int rc = member_names(db, rel, names, sizeof names);
    if (rc != STORE_OK)
        return rc;
    str_fmt(freq, sizeof freq, "%d", p->cfg.meetings.frequency_per_month);
    if (r->kind == REMINDER_NO_MEETING_2X) {
        /* The at-risk list flags it from the same moment; record the flag
         * now rather than at the hourly job. */
        if ((rc = svc_risk_record_relationship(db, rel, now)) != STORE_OK)
            return rc;
        days_text(days, sizeof days,
                  now -
                      (p->rel.r.last_meeting_at ? p->rel.r.last_meeting_at : p->rel.r.started_at));
        svc_outbox_link(link, sizeof link, "/programs/%lld/at-risk", (long long)p->s.program_id);
    } else {
        days_text(days, sizeof days, now - p->rel.r.last_activity_at);
        svc_workspace_link(link, sizeof link, rel, "status");
    }
    struct mail_value v[] = {{"names", names}, {"days", days}, {"frequency", freq}, {"link", link}};
    rc =
        svc_reminder_tell_coordinators(db, p->s.program_id, reminder_kind_mail(r->kind), v, 4, now);
    *sent = rc == STORE_OK;
    return rc;
}

static int tell_mentor(store *db, const struct plan *p, const struct row *r, int64_t now,
                       bool *sent)
{
    char link[LIMIT_HTTP_URL_BYTES], days[24], mentee[LIMIT_NAME_BYTES + 1] = "";
    store_rows *rows = NULL;
    store_val q[] = {SV_INT(p->s.request_id)};
    int64_t asked = now;
    int rc = store_query(db,
                         "SELECT pe.name, q.asked_at FROM mentoring_requests q JOIN "
                         "participations pa ON pa.id = q.mentee_id JOIN people pe ON pe.id = "
                         "pa.person_id WHERE q.id = ?1",
                         q, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        str_fmt(mentee, sizeof mentee, "%s", store_col_text(rows, 0));
        asked = store_col_int(rows, 1);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0)
        return rc;
    (void)r;
    days_text(days, sizeof days, now - asked);
    svc_outbox_link(link, sizeof link, "/programs/%lld/requests", (long long)p->s.program_id);
    struct mail_value v[] = {{"mentee", mentee}, {"days", days}, {"link", link}};
    rc = svc_outbox_mail_participation(db, p->s.participation_id, "reminder_request", v, 3, now);
    *sent = rc == STORE_OK;
    return rc;
}

static int tell_asked(store *db, const struct plan *p, int64_t now, bool *sent)
{
    char link[LIMIT_HTTP_URL_BYTES], title[LIMIT_NAME_BYTES + 1] = "", until[32] = "";
    store_rows *rows = NULL;
    store_val q[] = {SV_INT(p->s.round_id)};
    int64_t survey = 0;
    int rc = store_query(db,
                         "SELECT s.id, s.title, ro.closes_at FROM survey_rounds ro JOIN surveys s "
                         "ON s.id = ro.survey_id WHERE ro.id = ?1",
                         q, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        survey = store_col_int(rows, 0);
        str_fmt(title, sizeof title, "%s", store_col_text(rows, 1));
        clock_rfc3339(store_col_int(rows, 2), until);
        until[10] = '\0';
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0)
        return rc;
    svc_outbox_link(link, sizeof link, "/surveys/%lld?round=%lld", (long long)survey,
                    (long long)p->s.round_id);
    struct mail_value v[] = {{"title", title}, {"until", until}, {"link", link}};
    rc = svc_outbox_mail_participation(db, p->s.participation_id, "reminder_survey", v, 3, now);
    *sent = rc == STORE_OK;
    return rc;
}

static int send(store *db, const struct plan *p, const struct row *r, int64_t now, bool *sent)
{
    switch (r->kind) {
    case REMINDER_NO_MEETING_2X:
    case REMINDER_INACTIVE_2X: return tell_coordinators_of(db, p, r, now, sent);
    case REMINDER_REQUEST: return tell_mentor(db, p, r, now, sent);
    case REMINDER_SURVEY: return tell_asked(db, p, now, sent);
    default: return tell_members(db, p, r, now, sent);
    }
}

int svc_reminder_fire(store *db, int64_t id, int64_t now, bool *did)
{
    *did = false;
    struct row r;
    bool found;
    int rc = read_row(db, id, &r, &found);
    if (rc != STORE_OK || !found || r.due_at > now)
        return rc;
    /* Take the row under the write lock first: two runners never handle
     * it twice, and the re-arming below leaves it alone. */
    int64_t changes = 0;
    store_val t[] = {SV_INT(id), SV_INT(now)};
    if ((rc = store_exec(db,
                         "UPDATE reminders SET fired_at = ?2, outcome = 'sent' WHERE id = ?1 AND "
                         "due_at <= ?2 AND " PENDING,
                         t, 2, &changes)) != STORE_OK ||
        changes == 0)
        return rc;
    *did = true;
    struct plan p;
    if ((rc = plan_of(db, &r, now, &p)) != STORE_OK) {
        plan_cleanup(&p);
        return rc;
    }
    if (r.kind == REMINDER_SYNC) {
        rc = arm_planned(db, &p, rc, now);
        if (rc == STORE_OK)
            rc = store_exec(db, "UPDATE reminders SET outcome = 'armed' WHERE id = ?1", t, 1, NULL);
        return rc;
    }
    int64_t due = 0;
    enum reminder_verdict v =
        p.found ? reminder_judge(p.items, p.n, (enum reminder_kind)r.kind, r.occurrence, now, &due)
                : REMINDER_CLEAR;
    bool sent = false;
    const char *outcome = "cleared";
    if (v == REMINDER_FIRE) {
        rc = send(db, &p, &r, now, &sent);
        outcome = sent ? "sent" : "nobody";
    } else if (v == REMINDER_STALE)
        outcome = "stale";
    else if (v == REMINDER_CLEAR && p.found &&
             reminder_kind_rule((enum reminder_kind)r.kind) >= 0 &&
             !p.cfg.reminders.rule[reminder_kind_rule((enum reminder_kind)r.kind)].enabled)
        outcome = "off";
    if (rc == STORE_OK && v == REMINDER_LATER) {
        store_val u[] = {SV_INT(id), SV_INT(due)};
        rc = store_exec(db,
                        "UPDATE reminders SET fired_at = NULL, outcome = NULL, due_at = ?2 WHERE "
                        "id = ?1",
                        u, 2, NULL);
    } else if (rc == STORE_OK && v != REMINDER_FIRE) {
        store_val u[] = {SV_INT(id), SV_INT(now), SV_TEXT(outcome)};
        rc = store_exec(db,
                        "UPDATE reminders SET fired_at = NULL, cleared_at = ?2, outcome = ?3 "
                        "WHERE id = ?1",
                        u, 3, NULL);
    } else if (rc == STORE_OK && !sent) {
        store_val u[] = {SV_INT(id), SV_TEXT(outcome)};
        rc = store_exec(db, "UPDATE reminders SET outcome = ?2 WHERE id = ?1", u, 2, NULL);
    }
    /* The rest of the subject's plan, armed as it is now. */
    if (rc == STORE_OK && p.found)
        rc = arm(db, &p, now);
    plan_cleanup(&p);
    return rc;
}

int svc_reminder_tell_coordinators(store *db, int64_t program_id, const char *kind,
                                   const struct mail_value *values, size_t n, int64_t now)
{
    store_val p[] = {SV_INT(program_id)};
    int64_t people[LIMIT_PAGE_MAX];
    size_t np = 0;
    int rc = store_query_ints(db,
                              "SELECT person_id FROM participations WHERE program_id = ?1 AND "
                              "role = 'coordinator' AND status = 'approved' ORDER BY person_id",
                              p, 1, people, LIMIT_PAGE_MAX, &np);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < np && rc == STORE_OK; i++)
        rc = svc_outbox_mail_person(db, people[i], program_id, kind, values, n, now);
    if (np == 0)
        log_info("reminders", "program %lld has no coordinator to tell (%s)", (long long)program_id,
                 kind);
    return rc;
}
