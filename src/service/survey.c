#include "service/survey.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/str.h"
#include "domain/participation.h"
#include "domain/relationship.h"
#include "service/audit.h"
#include "service/outbox.h"
#include "service/program.h"
#include "service/relationship.h"
#include "service/risk.h"
#include "service/reminder.h"
#include "store/report_rows.h"

#define DAY 86400
#define OPEN_STATUSES "('active', 'paused', 'closing')"

#define SURVEY_COLS                                                                                \
    "s.id, s.program_id, s.template, s.purpose, s.title, s.intro, s.anonymous, s.audience, "       \
    "s.questions, s.trigger_on, s.after_days, s.every_days, s.times, s.status, s.version, "        \
    "s.created_by, s.created_at, s.updated_at, "                                                   \
    "(SELECT COUNT(*) FROM survey_rounds ro WHERE ro.survey_id = s.id), "                          \
    "(SELECT COUNT(*) FROM survey_asks a WHERE a.survey_id = s.id), "                              \
    "(SELECT COUNT(*) FROM survey_asks a WHERE a.survey_id = s.id AND a.answered_at IS NOT "       \
    "NULL), "                                                                                      \
    "(SELECT COUNT(*) FROM survey_responses r WHERE r.survey_id = s.id)"

void svc_survey_cleanup(struct svc_survey *s)
{
    if (!s)
        return;
    survey_def_cleanup(&s->def);
    memset(s, 0, sizeof *s);
}

void svc_surveys_free(struct svc_survey *s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        svc_survey_cleanup(&s[i]);
    free(s);
}

/* Reads a row of SURVEY_COLS. -1 when its stored definition is broken. */
static int read_survey(store_rows *rows, struct svc_survey *s)
{
    memset(s, 0, sizeof *s);
    s->id = store_col_int(rows, 0);
    s->program_id = store_col_int(rows, 1);
    str_fmt(s->template_name, sizeof s->template_name, "%s",
            store_col_text(rows, 2) ? store_col_text(rows, 2) : "");
    json_t *questions = json_loads(store_col_text(rows, 8), 0, NULL);
    json_t *doc = json_pack(
        "{s:s, s:s, s:b, s:s, s:s, s:s, s:o, s:{s:s, s:I, s:I, s:I}}", "title",
        store_col_text(rows, 4), "intro", store_col_text(rows, 5), "anonymous",
        store_col_int(rows, 6) != 0, "audience", store_col_text(rows, 7), "purpose",
        store_col_text(rows, 3), "status", store_col_text(rows, 13), "questions",
        questions ? questions : json_array(), "trigger", "on", store_col_text(rows, 9),
        "after_days", (json_int_t)store_col_int(rows, 10), "every_days",
        (json_int_t)store_col_int(rows, 11), "times", (json_int_t)store_col_int(rows, 12));
    if (survey_def_read(doc, &s->def))
        return -1;
    s->version = store_col_int(rows, 14);
    s->created_by = store_col_null(rows, 15) ? 0 : store_col_int(rows, 15);
    s->created_at = store_col_int(rows, 16);
    s->updated_at = store_col_int(rows, 17);
    s->rounds = store_col_int(rows, 18);
    s->asked = store_col_int(rows, 19);
    s->answered = store_col_int(rows, 20);
    s->responses = store_col_int(rows, 21);
    return 0;
}

/* The program's surveys, each with `access` and `coordinator` as given. */
static int list_program(store *db, int64_t program_id, enum svc_survey_access access,
                        bool coordinator, struct svc_survey **out, size_t *n)
{
    store_rows *rows = NULL;
    *out = NULL;
    *n = 0;
    store_val p[] = {SV_INT(program_id)};
    int rc = store_query(db,
                         "SELECT " SURVEY_COLS " FROM surveys s WHERE s.program_id = ?1 "
                         "ORDER BY s.id",
                         p, 1, &rows);
    if (rc != STORE_OK)
        return rc;
    *out = xcalloc(LIMIT_SURVEYS_PER_PROGRAM + 1, sizeof **out);
    while (*n <= LIMIT_SURVEYS_PER_PROGRAM && (rc = store_next(rows)) == 1) {
        struct svc_survey *s = &(*out)[*n];
        if (read_survey(rows, s) == 0) {
            s->coordinator = coordinator;
            s->access = access;
            (*n)++;
        }
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0) {
        svc_surveys_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc < 0 ? rc : STORE_OK;
}

int svc_survey_list(store *db, const svc_actor *actor, int64_t program_id, struct svc_survey **out,
                    size_t *n)
{
    perm_roles roles = 0;
    *out = NULL;
    *n = 0;
    int rc = svc_program_roles(db, actor, program_id, &roles);
    if (rc != STORE_OK)
        return rc;
    return list_program(db, program_id,
                        perm_coordinates(roles) ? SVC_SURVEY_MANAGE : SVC_SURVEY_AGGREGATES,
                        perm_coordinates(roles), out, n);
}

int svc_survey_list_aggregates(store *db, int64_t program_id, struct svc_survey **out, size_t *n)
{
    return list_program(db, program_id, SVC_SURVEY_AGGREGATES, false, out, n);
}

/* Survey `id` whoever asks: SVC_OK, SVC_NOT_FOUND, or a store status. */
static int load_survey(store *db, int64_t id, struct svc_survey *out)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(id)};
    memset(out, 0, sizeof *out);
    int rc = store_query(db, "SELECT " SURVEY_COLS " FROM surveys s WHERE s.id = ?1", p, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1)
        rc = read_survey(rows, out) == 0 ? 1 : STORE_ERROR;
    store_rows_free(rows);
    if (rc != 1) {
        svc_survey_cleanup(out);
        return rc == 0 ? SVC_NOT_FOUND : rc;
    }
    out->access = SVC_SURVEY_MANAGE;
    return SVC_OK;
}

int svc_survey_get(store *db, const svc_actor *actor, int64_t id, struct svc_survey *out)
{
    int rc = load_survey(db, id, out);
    if (rc != SVC_OK)
        return rc;
    perm_roles roles = 0;
    if ((rc = svc_program_roles(db, actor, out->program_id, &roles)) != STORE_OK) {
        svc_survey_cleanup(out);
        return rc;
    }
    out->coordinator = perm_coordinates(roles);
    if (perm_coordinates(roles)) {
        out->access = SVC_SURVEY_MANAGE;
    } else if (perm_allows(roles, PERM_REPORT, PERM_READ)) {
        out->access = SVC_SURVEY_AGGREGATES;
    } else {
        int64_t asked = 0;
        store_val q[] = {SV_INT(id), SV_INT(actor->person_id)};
        rc = store_query_int(db,
                             "SELECT 1 FROM survey_asks a JOIN participations pa ON pa.id = "
                             "a.participation_id WHERE a.survey_id = ?1 AND pa.person_id = ?2 "
                             "LIMIT 1",
                             q, 2, &asked);
        if (rc < 0) {
            svc_survey_cleanup(out);
            return rc;
        }
        out->access = asked ? SVC_SURVEY_ASKED : SVC_SURVEY_NONE;
    }
    if (out->access == SVC_SURVEY_NONE) {
        svc_survey_cleanup(out);
        return SVC_NOT_FOUND;
    }
    return SVC_OK;
}

/* Reads *s again after a change, keeping the actor's access to it. */
static int reload(store *db, struct svc_survey *s)
{
    enum svc_survey_access access = s->access;
    bool coordinator = s->coordinator;
    int64_t id = s->id;
    svc_survey_cleanup(s);
    int rc = load_survey(db, id, s);
    s->access = access;
    s->coordinator = coordinator;
    return rc > 0 ? STORE_ERROR : rc; /* it was there a moment ago */
}

/* ---- arming ---- */

static bool follows_relationships(enum survey_on on)
{
    return on == SURVEY_ON_START || on == SURVEY_ON_MIDPOINT;
}

static const char *event_of(enum survey_on on)
{
    return on == SURVEY_ON_START ? "start" : on == SURVEY_ON_MIDPOINT ? "midpoint" : "closure";
}

/* Stores (or moves) the timer of survey `sid` for a relationship. */
static int put_timer(store *db, int64_t sid, int64_t rel_id, int64_t part_id, const char *event,
                     int seq, int64_t due)
{
    char subject[32];
    if (rel_id)
        str_fmt(subject, sizeof subject, "r%lld", (long long)rel_id);
    else
        str_fmt(subject, sizeof subject, "p%lld", (long long)part_id);
    store_val p[] = {SV_INT(sid),
                     SV_TEXT(subject),
                     SV_TEXT(event),
                     rel_id ? SV_INT(rel_id) : SV_NULL,
                     part_id ? SV_INT(part_id) : SV_NULL,
                     SV_INT(seq),
                     SV_INT(due)};
    return store_exec(db,
                      "INSERT INTO survey_timers (survey_id, subject, event, relationship_id, "
                      "participation_id, seq, due_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                      "ON CONFLICT (survey_id, subject, event) DO UPDATE SET seq = excluded.seq, "
                      "due_at = excluded.due_at",
                      p, 7, NULL);
}

/* Arms survey s for every open relationship of its program, as of now. */
static int arm_program(store *db, const struct svc_survey *s, int64_t now)
{
    if (s->def.status != SURVEY_ACTIVE || !follows_relationships(s->def.trigger.on))
        return STORE_OK;
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(s->program_id)};
    int64_t *ids = NULL, *start = NULL, *end = NULL;
    size_t n = 0, cap = 0;
    int rc = store_query(db,
                         "SELECT id, started_at, planned_end_at FROM relationships WHERE "
                         "program_id = ?1 AND status IN " OPEN_STATUSES " ORDER BY id",
                         p, 1, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            ids = xrealloc(ids, cap * sizeof *ids);
            start = xrealloc(start, cap * sizeof *start);
            end = xrealloc(end, cap * sizeof *end);
        }
        ids[n] = store_col_int(rows, 0);
        start[n] = store_col_int(rows, 1);
        end[n++] = store_col_int(rows, 2);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        struct survey_rel_times t = {.started_at = start[i], .planned_end_at = end[i]};
        int64_t due;
        int seq;
        if (survey_first_due(s->def.trigger.on, s->def.trigger.after_days,
                             s->def.trigger.every_days, s->def.trigger.times, &t, now, now, &due,
                             &seq))
            rc = put_timer(db, s->id, ids[i], 0, event_of(s->def.trigger.on), seq, due);
    }
    free(ids);
    free(start);
    free(end);
    return rc < 0 ? rc : STORE_OK;
}

static int drop_timers(store *db, int64_t sid)
{
    store_val p[] = {SV_INT(sid)};
    return store_exec(db, "DELETE FROM survey_timers WHERE survey_id = ?1", p, 1, NULL);
}

/* ---- keeping surveys ---- */

static int write_def(store *db, int64_t id, const struct survey_def *d, int64_t now,
                     int64_t version, int64_t *changed)
{
    char *questions = json_dumps(d->questions, JSON_COMPACT);
    store_val p[] = {SV_INT(id),
                     SV_TEXT(survey_purposes[d->purpose]),
                     SV_TEXT(d->title),
                     SV_TEXT(d->intro),
                     SV_INT(d->anonymous),
                     SV_TEXT(survey_audiences[d->audience]),
                     SV_TEXT(questions),
                     SV_TEXT(survey_triggers[d->trigger.on]),
                     SV_INT(d->trigger.after_days),
                     SV_INT(d->trigger.every_days),
                     SV_INT(d->trigger.times),
                     SV_TEXT(survey_statuses[d->status]),
                     SV_INT(now),
                     SV_INT(version)};
    int rc = store_exec(db,
                        "UPDATE surveys SET purpose = ?2, title = ?3, intro = ?4, anonymous = ?5, "
                        "audience = ?6, questions = ?7, trigger_on = ?8, after_days = ?9, "
                        "every_days = ?10, times = ?11, status = ?12, updated_at = ?13, "
                        "version = version + 1 WHERE id = ?1 AND version = ?14",
                        p, 14, changed);
    free(questions);
    return rc;
}

int svc_survey_create(store *db, const svc_actor *actor, int64_t program_id,
                      const char *template_name, const struct survey_def *def, int64_t *id, verr *e)
{
    int64_t count = 0, now = clock_now();
    struct svc_survey s = {0};
    store_val q[] = {SV_INT(program_id)};
    int rc =
        store_query_int(db, "SELECT COUNT(*) FROM surveys WHERE program_id = ?1", q, 1, &count);
    if (rc < 0)
        return rc;
    if (count >= LIMIT_SURVEYS_PER_PROGRAM)
        return svc_fail(e, SVC_REFUSED, "", "a program keeps at most %d surveys",
                        LIMIT_SURVEYS_PER_PROGRAM);
    char *questions = json_dumps(def->questions, JSON_COMPACT);
    store_val p[] = {SV_INT(program_id),
                     SV_TEXT(template_name),
                     SV_TEXT(survey_purposes[def->purpose]),
                     SV_TEXT(def->title),
                     SV_TEXT(def->intro),
                     SV_INT(def->anonymous),
                     SV_TEXT(survey_audiences[def->audience]),
                     SV_TEXT(questions),
                     SV_TEXT(survey_triggers[def->trigger.on]),
                     SV_INT(def->trigger.after_days),
                     SV_INT(def->trigger.every_days),
                     SV_INT(def->trigger.times),
                     SV_TEXT(survey_statuses[def->status]),
                     actor->person_id ? SV_INT(actor->person_id) : SV_NULL,
                     SV_INT(now)};
    rc = store_query_int(db,
                         "INSERT INTO surveys (program_id, template, purpose, title, intro, "
                         "anonymous, audience, questions, trigger_on, after_days, every_days, "
                         "times, status, created_by, created_at, updated_at) VALUES (?1, ?2, ?3, "
                         "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15) RETURNING id",
                         p, 15, id);
    free(questions);
    if (rc != 1)
        return rc < 0 ? rc : STORE_ERROR;
    if ((rc = load_survey(db, *id, &s)) != SVC_OK)
        return rc > 0 ? STORE_ERROR : rc;
    rc = arm_program(db, &s, now);
    if (rc == STORE_OK)
        rc = svc_audit(db, actor, "survey.create", "survey", *id,
                       json_pack("{s:I, s:s}", "program_id", (json_int_t)program_id, "template",
                                 template_name ? template_name : ""));
    svc_survey_cleanup(&s);
    return rc;
}

int svc_survey_update(store *db, const svc_actor *actor, struct svc_survey *s,
                      const struct survey_def *next, int64_t version, verr *e)
{
    int64_t now = clock_now(), changed = 0;
    const char *frozen;
    if (version != s->version)
        return svc_fail(e, SVC_STALE, "version", "the survey changed meanwhile (now version %lld)",
                        (long long)s->version);
    if (s->responses > 0 && (frozen = survey_def_frozen_field(&s->def, next)))
        return svc_fail(e, SVC_REFUSED, frozen,
                        "the survey has %lld response%s: what they answered keeps its meaning "
                        "(add a new survey to ask otherwise)",
                        (long long)s->responses, s->responses == 1 ? "" : "s");
    int rc = write_def(db, s->id, next, now, version, &changed);
    if (rc != STORE_OK)
        return rc;
    if (changed != 1)
        return svc_fail(e, SVC_STALE, "version", "changed meanwhile; retry");
    bool retrigger = next->status != SURVEY_ACTIVE || s->def.status != SURVEY_ACTIVE ||
                     next->trigger.on != s->def.trigger.on ||
                     next->trigger.after_days != s->def.trigger.after_days ||
                     next->trigger.every_days != s->def.trigger.every_days ||
                     next->trigger.times != s->def.trigger.times;
    int64_t id = s->id;
    if ((rc = reload(db, s)) != SVC_OK)
        return rc;
    /* Timers of events already met (closure, meetings, training) stay
     * while the survey is active; a relationship series is armed anew. */
    if (retrigger && s->def.status != SURVEY_ACTIVE)
        rc = drop_timers(db, id);
    else if (retrigger) {
        store_val p[] = {SV_INT(id)};
        rc = store_exec(db,
                        "DELETE FROM survey_timers WHERE survey_id = ?1 AND event IN ('start', "
                        "'midpoint')",
                        p, 1, NULL);
        if (rc == STORE_OK)
            rc = arm_program(db, s, now);
    }
    if (rc == STORE_OK)
        rc = svc_audit(db, actor, "survey.update", "survey", id,
                       json_pack("{s:s}", "status", survey_statuses[s->def.status]));
    return rc;
}

/* ---- rounds ---- */

/* "with Ana" for a relationship's round: the members other than `part`. */
static int others_text(store *db, int64_t rel_id, int64_t part, char *out, size_t outlen)
{
    struct svc_rel_member m[LIMIT_RELATIONSHIP_MEMBERS];
    size_t n = 0;
    out[0] = '\0';
    int rc = svc_relationship_members(db, rel_id, m, &n);
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        if (m[i].participation_id == part)
            continue;
        size_t used = strlen(out);
        str_fmt(out + used, outlen - used, "%s%s", used ? ", " : "", m[i].name);
    }
    return rc;
}

/* Asks participation `part` in round `round` and mails them. */
static int ask(store *db, const struct svc_survey *s, int64_t round, int64_t rel_id, int64_t part,
               int64_t closes_at, int64_t now)
{
    store_val p[] = {SV_INT(round), SV_INT(part), SV_INT(s->id), SV_INT(now)};
    int64_t changes = 0;
    int rc = store_exec(db,
                        "INSERT INTO survey_asks (round_id, participation_id, survey_id, asked_at) "
                        "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (round_id, participation_id) DO "
                        "NOTHING",
                        p, 4, &changes);
    if (rc != STORE_OK || changes == 0)
        return rc;
    char with[LIMIT_NAME_BYTES * 2] = "", link[LIMIT_HTTP_URL_BYTES], until[32];
    if (rel_id && (rc = others_text(db, rel_id, part, with, sizeof with)) != STORE_OK)
        return rc;
    svc_outbox_link(link, sizeof link, "/surveys/%lld?round=%lld", (long long)s->id,
                    (long long)round);
    clock_rfc3339(closes_at, until);
    until[10] = '\0';
    struct mail_value v[] = {{"title", s->def.title},
                             {"with", with},
                             {"until", until},
                             {"anonymous", s->def.anonymous ? "yes" : ""},
                             {"link", link}};
    if ((rc = svc_outbox_mail_participation(db, part, "survey_due", v, 5, now)) != STORE_OK)
        return rc;
    return svc_reminder_survey_ask(db, round, part, now);
}

/* Opens round `seq` of survey s for a subject; *round_id is 0 when that
 * round was opened before. */
static int open_round(store *db, const struct svc_survey *s, const char *subject, const char *event,
                      int seq, int64_t rel_id, int64_t now, int64_t *round_id)
{
    *round_id = 0;
    store_val p[] = {SV_INT(s->id),
                     SV_TEXT(subject),
                     SV_TEXT(event),
                     SV_INT(seq),
                     rel_id ? SV_INT(rel_id) : SV_NULL,
                     SV_INT(now),
                     SV_INT(now + (int64_t)LIMIT_SURVEY_OPEN_DAYS * DAY)};
    int rc = store_query_int(db,
                             "INSERT INTO survey_rounds (survey_id, subject, event, seq, "
                             "relationship_id, opened_at, closes_at) VALUES (?1, ?2, ?3, ?4, ?5, "
                             "?6, ?7) ON CONFLICT (survey_id, subject, event, seq) DO NOTHING "
                             "RETURNING id",
                             p, 7, round_id);
    return rc < 0 ? rc : STORE_OK;
}

/* Asks the members of relationship rel_id in the survey's audience. */
static int ask_members(store *db, const struct svc_survey *s, int64_t round, int64_t rel_id,
                       int64_t now, int64_t *asked)
{
    struct svc_rel_member m[LIMIT_RELATIONSHIP_MEMBERS];
    size_t n = 0;
    int rc = svc_relationship_members(db, rel_id, m, &n);
    for (size_t i = 0; rc == STORE_OK && i < n; i++)
        if (survey_audience_has(s->def.audience, m[i].role)) {
            rc = ask(db, s, round, rel_id, m[i].participation_id,
                     now + (int64_t)LIMIT_SURVEY_OPEN_DAYS * DAY, now);
            *asked += rc == STORE_OK;
        }
    return rc;
}

int svc_survey_send(store *db, const svc_actor *actor, struct svc_survey *s, int64_t now,
                    int64_t *round_id, int64_t *asked, verr *e)
{
    *round_id = 0;
    *asked = 0;
    if (s->def.trigger.on != SURVEY_ON_MANUAL)
        return svc_fail(e, SVC_REFUSED, "trigger.on",
                        "this survey opens by itself (%s); only a manual survey is sent",
                        survey_triggers[s->def.trigger.on]);
    if (s->def.status == SURVEY_CLOSED)
        return svc_fail(e, SVC_REFUSED, "status", "the survey is closed; open it again first");
    int64_t seq = 0;
    store_val q[] = {SV_INT(s->id)};
    int rc = store_query_int(db,
                             "SELECT COALESCE(MAX(seq), 0) FROM survey_rounds WHERE survey_id = ?1 "
                             "AND subject = 'program'",
                             q, 1, &seq);
    if (rc < 0 ||
        (rc = open_round(db, s, "program", "manual", (int)seq + 1, 0, now, round_id)) != STORE_OK)
        return rc;
    if (!*round_id)
        return STORE_ERROR; /* the next number was free a moment ago */
    store_rows *rows = NULL;
    const char *roles = s->def.audience == SURVEY_TO_MENTORS   ? "('mentor')"
                        : s->def.audience == SURVEY_TO_MENTEES ? "('mentee')"
                                                               : "('mentor', 'mentee')";
    char sql[512];
    str_fmt(sql, sizeof sql,
            "SELECT id FROM participations WHERE program_id = ?1 AND role IN %s AND status NOT "
            "IN ('invited', 'applied', 'declined', 'withdrawn') ORDER BY id",
            roles);
    store_val p[] = {SV_INT(s->program_id)};
    int64_t *parts = NULL;
    size_t n = 0, cap = 0;
    rc = store_query(db, sql, p, 1, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            parts = xrealloc(parts, cap * sizeof *parts);
        }
        parts[n++] = store_col_int(rows, 0);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        rc = ask(db, s, *round_id, 0, parts[i], now + (int64_t)LIMIT_SURVEY_OPEN_DAYS * DAY, now);
        *asked += rc == STORE_OK;
    }
    free(parts);
    if (rc != STORE_OK)
        return rc;
    if (s->def.status == SURVEY_DRAFT) {
        store_val u[] = {SV_INT(s->id), SV_INT(now)};
        if ((rc = store_exec(db,
                             "UPDATE surveys SET status = 'active', updated_at = ?2, version = "
                             "version + 1 WHERE id = ?1",
                             u, 2, NULL)) != STORE_OK)
            return rc;
    }
    rc = svc_audit(
        db, actor, "survey.send", "survey", s->id,
        json_pack("{s:I, s:I}", "round_id", (json_int_t)*round_id, "asked", (json_int_t)*asked));
    if (rc == STORE_OK)
        rc = reload(db, s);
    return rc;
}

/* ---- answering ---- */

int svc_survey_respond(store *db, const svc_actor *actor, const struct svc_survey *s,
                       int64_t round_id, const json_t *answers, int64_t now, int64_t *response_id,
                       verr *e)
{
    store_rows *rows = NULL;
    json_t *clean = NULL;
    char *text = NULL;
    int64_t part = 0, round = 0, rel_id = 0, closes = 0, answered = 0, ever = 0;
    char role[16] = "";
    *response_id = 0;
    /* Every round of this survey the actor was asked, the requested one
     * (or the oldest open one) first. */
    store_val p[] = {SV_INT(s->id), SV_INT(actor->person_id), SV_INT(round_id), SV_INT(now)};
    int rc = store_query(db,
                         "SELECT a.round_id, a.participation_id, pa.role, ro.relationship_id, "
                         "ro.closes_at, CASE WHEN a.answered_at IS NULL THEN 0 ELSE 1 END "
                         "FROM survey_asks a JOIN participations pa ON pa.id = a.participation_id "
                         "JOIN survey_rounds ro ON ro.id = a.round_id WHERE a.survey_id = ?1 AND "
                         "pa.person_id = ?2 ORDER BY CASE WHEN a.round_id = ?3 THEN 0 ELSE 1 END, "
                         "CASE WHEN a.answered_at IS NULL AND ro.closes_at > ?4 THEN 0 ELSE 1 END, "
                         "ro.opened_at, a.round_id",
                         p, 4, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        if (!ever) {
            round = store_col_int(rows, 0);
            part = store_col_int(rows, 1);
            str_fmt(role, sizeof role, "%s", store_col_text(rows, 2));
            rel_id = store_col_null(rows, 3) ? 0 : store_col_int(rows, 3);
            closes = store_col_int(rows, 4);
            answered = store_col_int(rows, 5);
        }
        ever++;
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0)
        return rc;
    if (!ever)
        return svc_fail(e, SVC_FORBIDDEN, "", "you were not asked to answer this survey");
    if (round_id && round != round_id)
        return svc_fail(e, SVC_INVALID, "round_id", "is not a round of this survey you were asked");
    if (answered)
        return svc_fail(e, SVC_INVALID, round_id ? "round_id" : "answers",
                        "you have already answered this survey");
    if (s->def.status != SURVEY_ACTIVE)
        return svc_fail(e, SVC_REFUSED, "", "the survey is closed");
    if (closes <= now)
        return svc_fail(e, SVC_REFUSED, round_id ? "round_id" : "", "this round closed");
    if (survey_answers_check(&s->def, answers, &clean, e))
        return SVC_INVALID;
    /* Claim the ask first: a second answer at the same moment finds it
     * taken and is refused. */
    int64_t changes = 0;
    store_val u[] = {SV_INT(round), SV_INT(part), SV_INT(now)};
    if ((rc = store_exec(db,
                         "UPDATE survey_asks SET answered_at = ?3 WHERE round_id = ?1 AND "
                         "participation_id = ?2 AND answered_at IS NULL",
                         u, 3, &changes)) != STORE_OK)
        goto done;
    if (changes != 1) {
        rc = svc_fail(e, SVC_INVALID, round_id ? "round_id" : "answers",
                      "you have already answered this survey");
        goto done;
    }
    if ((rc = svc_reminder_survey_ask(db, round, part, now)) != STORE_OK)
        goto done;
    text = json_dumps(clean, JSON_COMPACT);
    bool anon = s->def.anonymous;
    store_val w[] = {SV_INT(s->id),
                     anon ? SV_NULL : SV_INT(round),
                     anon ? SV_NULL : SV_INT(part),
                     anon || !rel_id ? SV_NULL : SV_INT(rel_id),
                     anon ? SV_NULL : SV_TEXT(role),
                     SV_TEXT(text),
                     SV_INT(anon ? now - now % DAY : now)};
    int64_t id = 0;
    if ((rc = store_query_int(db,
                              "INSERT INTO survey_responses (survey_id, round_id, "
                              "participation_id, relationship_id, role, answers, submitted_at) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
                              w, 7, &id)) != 1) {
        rc = rc < 0 ? rc : STORE_ERROR;
        goto done;
    }
    *response_id = anon ? 0 : id;
    /* Its rated answers, one row per question, for the satisfaction report. */
    if ((rc = store_survey_values_derive(db, id)) != STORE_OK)
        goto done;
    /* A pairing fit answered moves the relationship's flags now. */
    if (s->def.purpose == SURVEY_PAIRING_FIT && rel_id &&
        (rc = svc_risk_record_relationship(db, rel_id, now)) != STORE_OK)
        goto done;
    rc = svc_audit(db, actor, "survey.respond", "survey", s->id,
                   anon ? NULL : json_pack("{s:I}", "response_id", (json_int_t)id));
done:
    free(text);
    json_decref(clean);
    return rc;
}

/* ---- results ---- */

void svc_survey_results_cleanup(struct svc_survey_results *r)
{
    if (!r)
        return;
    survey_tally_cleanup(&r->tally);
    memset(r, 0, sizeof *r);
}

int svc_survey_results(store *db, const struct svc_survey *s, bool aggregates_only,
                       struct svc_survey_results *out)
{
    struct program_config cfg = {0};
    memset(out, 0, sizeof *out);
    int rc = svc_program_config(db, s->program_id, &cfg, NULL, 0);
    if (rc != SVC_OK)
        return rc > 0 ? STORE_ERROR : rc;
    out->threshold = survey_threshold(cfg.surveys.anonymity_threshold);
    program_config_cleanup(&cfg);
    out->responses = s->responses;
    out->asked = s->asked;
    out->answered = s->answered;
    out->suppressed =
        survey_suppressed(s->def.anonymous, aggregates_only, s->responses, out->threshold);
    if (out->suppressed)
        return STORE_OK;
    survey_tally_init(&out->tally, &s->def);
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(s->id)};
    rc = store_query(db, "SELECT answers FROM survey_responses WHERE survey_id = ?1 ORDER BY id", p,
                     1, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        json_t *a = json_loads(store_col_text(rows, 0), 0, NULL);
        survey_tally_add(&out->tally, a);
        json_decref(a);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    out->responses = out->tally.responses;
    /* Counted in the same snapshot as the rows: never fewer than shown. */
    out->suppressed =
        survey_suppressed(s->def.anonymous, aggregates_only, out->responses, out->threshold);
    if (out->suppressed)
        survey_tally_cleanup(&out->tally);
    return rc < 0 ? rc : STORE_OK;
}

void svc_survey_responses_free(struct svc_survey_response *r, size_t n)
{
    for (size_t i = 0; r && i < n; i++)
        json_decref(r[i].answers);
    free(r);
}

int svc_survey_responses(store *db, const svc_actor *actor, const struct svc_survey *s,
                         int64_t limit, int64_t offset, struct svc_survey_response **out, size_t *n,
                         int64_t *total, verr *e)
{
    *out = NULL;
    *n = 0;
    *total = 0;
    bool all;
    if (s->access == SVC_SURVEY_ASKED) {
        all = false; /* their own */
        if (s->def.anonymous)
            return STORE_OK; /* nothing links them to their answers */
    } else if (s->coordinator) {
        if (s->def.anonymous)
            return svc_fail(e, SVC_FORBIDDEN, "",
                            "this survey is anonymous: its individual answers are never shown, "
                            "only its results");
        all = true;
    } else {
        return svc_fail(e, SVC_FORBIDDEN, "",
                        "individual answers are for the program's coordinators; you see the "
                        "results");
    }
    store_val p[] = {SV_INT(s->id), SV_INT(all ? 0 : actor->person_id), SV_INT(limit),
                     SV_INT(offset)};
    const char *where = "r.survey_id = ?1 AND (?2 = 0 OR pa.person_id = ?2)";
    char sql[1024];
    str_fmt(sql, sizeof sql,
            "SELECT COUNT(*) FROM survey_responses r JOIN participations pa ON pa.id = "
            "r.participation_id WHERE %s",
            where);
    int rc = store_query_int(db, sql, p, 2, total);
    if (rc < 0)
        return rc;
    str_fmt(sql, sizeof sql,
            "SELECT r.id, r.round_id, r.participation_id, r.relationship_id, r.submitted_at, "
            "pe.name, r.role, r.answers FROM survey_responses r JOIN participations pa ON pa.id = "
            "r.participation_id JOIN people pe ON pe.id = pa.person_id WHERE %s "
            "ORDER BY r.id DESC LIMIT ?3 OFFSET ?4",
            where);
    store_rows *rows = NULL;
    if ((rc = store_query(db, sql, p, 4, &rows)) != STORE_OK)
        return rc;
    *out = xcalloc((size_t)(limit > 0 ? limit : 1), sizeof **out);
    while ((int64_t)*n < limit && (rc = store_next(rows)) == 1) {
        struct svc_survey_response *r = &(*out)[(*n)++];
        r->id = store_col_int(rows, 0);
        r->round_id = store_col_null(rows, 1) ? 0 : store_col_int(rows, 1);
        r->participation_id = store_col_int(rows, 2);
        r->relationship_id = store_col_null(rows, 3) ? 0 : store_col_int(rows, 3);
        r->submitted_at = store_col_int(rows, 4);
        str_fmt(r->name, sizeof r->name, "%s", store_col_text(rows, 5));
        str_fmt(r->role, sizeof r->role, "%s",
                store_col_text(rows, 6) ? store_col_text(rows, 6) : "");
        r->answers = json_loads(store_col_text(rows, 7), 0, NULL);
        if (!r->answers)
            r->answers = json_object();
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0) {
        svc_survey_responses_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc < 0 ? rc : STORE_OK;
}

/* ---- due for me ---- */

static int due_query(store *db, const svc_actor *actor, int64_t survey_id, int64_t now,
                     struct svc_due_survey *out, size_t max, size_t *n)
{
    store_rows *rows = NULL;
    *n = 0;
    store_val p[] = {SV_INT(actor->person_id), SV_INT(now), SV_INT(survey_id)};
    int rc = store_query(
        db,
        "SELECT a.survey_id, a.round_id, s.program_id, ro.relationship_id, a.participation_id, "
        "ro.opened_at, ro.closes_at, s.title, pg.name, pa.role, s.anonymous "
        "FROM participations pa JOIN survey_asks a ON a.participation_id = pa.id "
        "JOIN survey_rounds ro ON ro.id = a.round_id JOIN surveys s ON s.id = a.survey_id "
        "JOIN programs pg ON pg.id = s.program_id "
        "WHERE pa.person_id = ?1 AND a.answered_at IS NULL AND ro.closes_at > ?2 "
        "AND s.status = 'active' AND (?3 = 0 OR a.survey_id = ?3) "
        "ORDER BY ro.opened_at, a.round_id",
        p, 3, &rows);
    while (rc == STORE_OK && *n < max && (rc = store_next(rows)) == 1) {
        struct svc_due_survey *d = &out[(*n)++];
        memset(d, 0, sizeof *d);
        d->survey_id = store_col_int(rows, 0);
        d->round_id = store_col_int(rows, 1);
        d->program_id = store_col_int(rows, 2);
        d->relationship_id = store_col_null(rows, 3) ? 0 : store_col_int(rows, 3);
        d->participation_id = store_col_int(rows, 4);
        d->opened_at = store_col_int(rows, 5);
        d->closes_at = store_col_int(rows, 6);
        str_fmt(d->title, sizeof d->title, "%s", store_col_text(rows, 7));
        str_fmt(d->program_name, sizeof d->program_name, "%s", store_col_text(rows, 8));
        str_fmt(d->role, sizeof d->role, "%s", store_col_text(rows, 9));
        d->anonymous = store_col_int(rows, 10) != 0;
        rc = STORE_OK;
    }
    store_rows_free(rows);
    for (size_t i = 0; rc >= 0 && i < *n; i++)
        if (out[i].relationship_id)
            rc = others_text(db, out[i].relationship_id, out[i].participation_id, out[i].with,
                             sizeof out[i].with);
    return rc < 0 ? rc : STORE_OK;
}

int svc_survey_due(store *db, const svc_actor *actor, int64_t now, struct svc_due_survey **out,
                   size_t *n)
{
    *out = xcalloc(LIMIT_PAGE_MAX, sizeof **out);
    int rc = due_query(db, actor, 0, now, *out, LIMIT_PAGE_MAX, n);
    if (rc != STORE_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

int svc_survey_my_rounds(store *db, const svc_actor *actor, const struct svc_survey *s, int64_t now,
                         struct svc_due_survey *out, size_t max, size_t *n)
{
    return due_query(db, actor, s->id, now, out, max, n);
}

/* ---- events ---- */

/* The active surveys of the program with trigger `on`, into *out. */
static int surveys_on(store *db, int64_t program_id, enum survey_on on, struct svc_survey **out,
                      size_t *n)
{
    store_rows *rows = NULL;
    *out = NULL;
    *n = 0;
    store_val p[] = {SV_INT(program_id), SV_TEXT(survey_triggers[on])};
    int rc = store_query(db,
                         "SELECT " SURVEY_COLS " FROM surveys s WHERE s.program_id = ?1 AND "
                         "s.trigger_on = ?2 AND s.status = 'active' ORDER BY s.id",
                         p, 2, &rows);
    if (rc != STORE_OK)
        return rc;
    *out = xcalloc(LIMIT_SURVEYS_PER_PROGRAM + 1, sizeof **out);
    while (*n <= LIMIT_SURVEYS_PER_PROGRAM && (rc = store_next(rows)) == 1) {
        if (read_survey(rows, &(*out)[*n]) == 0)
            (*n)++;
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

struct rel_row {
    int64_t program_id, started_at, planned_end_at;
    char status[16];
};

static int load_rel(store *db, int64_t rel_id, struct rel_row *r)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(rel_id)};
    int rc = store_query(db,
                         "SELECT program_id, started_at, planned_end_at, status FROM relationships "
                         "WHERE id = ?1",
                         p, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        r->program_id = store_col_int(rows, 0);
        r->started_at = store_col_int(rows, 1);
        r->planned_end_at = store_col_int(rows, 2);
        str_fmt(r->status, sizeof r->status, "%s", store_col_text(rows, 3));
    }
    store_rows_free(rows);
    return rc < 0 ? rc : rc == 1 ? SVC_OK : SVC_NOT_FOUND;
}

int svc_survey_on_started(store *db, int64_t rel_id, int64_t now)
{
    struct rel_row r;
    int rc = load_rel(db, rel_id, &r);
    if (rc != SVC_OK)
        return rc == SVC_NOT_FOUND ? STORE_OK : rc;
    struct survey_rel_times t = {.started_at = r.started_at, .planned_end_at = r.planned_end_at};
    for (int k = 0; k < 2 && rc == STORE_OK; k++) {
        enum survey_on on = k == 0 ? SURVEY_ON_START : SURVEY_ON_MIDPOINT;
        struct svc_survey *ss;
        size_t n;
        if ((rc = surveys_on(db, r.program_id, on, &ss, &n)) != STORE_OK)
            break;
        for (size_t i = 0; rc == STORE_OK && i < n; i++) {
            int64_t due;
            int seq;
            if (survey_first_due(on, ss[i].def.trigger.after_days, ss[i].def.trigger.every_days,
                                 ss[i].def.trigger.times, &t, now, now, &due, &seq))
                rc = put_timer(db, ss[i].id, rel_id, 0, event_of(on), seq, due);
        }
        svc_surveys_free(ss, n);
    }
    return rc;
}

int svc_survey_on_ended(store *db, int64_t rel_id, int64_t now)
{
    struct rel_row r;
    int rc = load_rel(db, rel_id, &r);
    if (rc != SVC_OK)
        return rc == SVC_NOT_FOUND ? STORE_OK : rc;
    store_val d[] = {SV_INT(rel_id)};
    if ((rc = store_exec(db,
                         "DELETE FROM survey_timers WHERE relationship_id = ?1 AND event IN "
                         "('start', 'midpoint')",
                         d, 1, NULL)) != STORE_OK)
        return rc;
    struct svc_survey *ss;
    size_t n;
    if ((rc = surveys_on(db, r.program_id, SURVEY_ON_CLOSURE, &ss, &n)) != STORE_OK)
        return rc;
    for (size_t i = 0; rc == STORE_OK && i < n; i++)
        rc = put_timer(db, ss[i].id, rel_id, 0, "closure", 1,
                       now + (int64_t)ss[i].def.trigger.after_days * DAY);
    svc_surveys_free(ss, n);
    return rc;
}

int svc_survey_on_meeting(store *db, int64_t rel_id, int64_t meeting_id, int64_t now)
{
    struct rel_row r;
    int rc = load_rel(db, rel_id, &r);
    if (rc != SVC_OK)
        return rc == SVC_NOT_FOUND ? STORE_OK : rc;
    struct svc_survey *ss;
    size_t n;
    if ((rc = surveys_on(db, r.program_id, SURVEY_ON_MEETING, &ss, &n)) != STORE_OK)
        return rc;
    char subject[32], event[32];
    str_fmt(subject, sizeof subject, "r%lld", (long long)rel_id);
    str_fmt(event, sizeof event, "m%lld", (long long)meeting_id);
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        /* How many times it has opened or will for this relationship,
         * this meeting's own timer aside. */
        int64_t before = 0;
        store_val q[] = {SV_INT(ss[i].id), SV_TEXT(subject), SV_TEXT(event)};
        rc = store_query_int(db,
                             "SELECT (SELECT COUNT(*) FROM survey_rounds WHERE survey_id = ?1 AND "
                             "subject = ?2 AND event LIKE 'm%' AND event <> ?3) + (SELECT "
                             "COUNT(*) FROM survey_timers WHERE survey_id = ?1 AND subject = ?2 "
                             "AND event LIKE 'm%' AND event <> ?3)",
                             q, 3, &before);
        if (rc < 0)
            break;
        rc = STORE_OK;
        if (ss[i].def.trigger.times > 0 && before >= ss[i].def.trigger.times)
            continue;
        /* ON CONFLICT keeps a meeting held twice to one round. */
        store_val p[] = {
            SV_INT(ss[i].id),   SV_TEXT(subject),
            SV_TEXT(event),     SV_INT(rel_id),
            SV_INT(before + 1), SV_INT(now + (int64_t)ss[i].def.trigger.after_days * DAY)};
        rc = store_exec(db,
                        "INSERT INTO survey_timers (survey_id, subject, event, relationship_id, "
                        "seq, due_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE NOT EXISTS (SELECT 1 "
                        "FROM survey_rounds WHERE survey_id = ?1 AND subject = ?2 AND event = "
                        "?3) ON CONFLICT (survey_id, subject, event) DO NOTHING",
                        p, 6, NULL);
    }
    svc_surveys_free(ss, n);
    return rc;
}

int svc_survey_on_trained(store *db, int64_t participation_id, int64_t now)
{
    store_rows *rows = NULL;
    int64_t program_id = 0;
    char role[16] = "";
    store_val p[] = {SV_INT(participation_id)};
    int rc =
        store_query(db, "SELECT program_id, role FROM participations WHERE id = ?1", p, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        program_id = store_col_int(rows, 0);
        str_fmt(role, sizeof role, "%s", store_col_text(rows, 1));
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0 || !program_id)
        return rc < 0 ? rc : STORE_OK;
    struct svc_survey *ss;
    size_t n;
    if ((rc = surveys_on(db, program_id, SURVEY_ON_TRAINING, &ss, &n)) != STORE_OK)
        return rc;
    for (size_t i = 0; rc == STORE_OK && i < n; i++)
        if (survey_audience_has(ss[i].def.audience, role))
            rc = put_timer(db, ss[i].id, 0, participation_id, "training", 1,
                           now + (int64_t)ss[i].def.trigger.after_days * DAY);
    svc_surveys_free(ss, n);
    return rc;
}

/* ---- the job's side ---- */

int svc_survey_timers_due(store *db, int64_t now, int64_t *ids, size_t max, size_t *n)
{
    store_val p[] = {SV_INT(now), SV_INT((int64_t)max)};
    return store_query_ints(db,
                            "SELECT id FROM survey_timers WHERE due_at <= ?1 ORDER BY due_at, id "
                            "LIMIT ?2",
                            p, 2, ids, max, n);
}

static int delete_timer(store *db, int64_t id)
{
    store_val p[] = {SV_INT(id)};
    return store_exec(db, "DELETE FROM survey_timers WHERE id = ?1", p, 1, NULL);
}

int svc_survey_timer_fire(store *db, int64_t id, int64_t now, bool *opened)
{
    store_rows *rows = NULL;
    struct svc_survey s = {0};
    *opened = false;
    /* The row lock first, then a fresh read: two runners never open the
     * same round, and a timer moved meanwhile waits. */
    int64_t changes = 0;
    store_val l[] = {SV_INT(id), SV_INT(now)};
    int rc = store_exec(db, "UPDATE survey_timers SET seq = seq WHERE id = ?1 AND due_at <= ?2", l,
                        2, &changes);
    if (rc != STORE_OK || changes == 0)
        return rc;
    int64_t sid = 0, rel_id = 0, part_id = 0;
    int seq = 0;
    char subject[32] = "", event[32] = "";
    store_val p[] = {SV_INT(id)};
    if ((rc = store_query(db,
                          "SELECT survey_id, subject, event, relationship_id, participation_id, "
                          "seq FROM survey_timers WHERE id = ?1",
                          p, 1, &rows)) == STORE_OK &&
        (rc = store_next(rows)) == 1) {
        sid = store_col_int(rows, 0);
        str_fmt(subject, sizeof subject, "%s", store_col_text(rows, 1));
        str_fmt(event, sizeof event, "%s", store_col_text(rows, 2));
        rel_id = store_col_null(rows, 3) ? 0 : store_col_int(rows, 3);
        part_id = store_col_null(rows, 4) ? 0 : store_col_int(rows, 4);
        seq = (int)store_col_int(rows, 5);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc != STORE_OK)
        return rc < 0 ? rc : STORE_OK;
    if ((rc = load_survey(db, sid, &s)) != SVC_OK) {
        rc = rc == SVC_NOT_FOUND ? delete_timer(db, id) : rc;
        goto done;
    }
    if (s.def.status != SURVEY_ACTIVE) {
        rc = delete_timer(db, id);
        goto done;
    }
    int64_t round = 0, asked = 0;
    if (rel_id) {
        struct rel_row r;
        if ((rc = load_rel(db, rel_id, &r)) != SVC_OK) {
            rc = rc == SVC_NOT_FOUND ? delete_timer(db, id) : rc;
            goto done;
        }
        bool series = strcmp(event, "start") == 0 || strcmp(event, "midpoint") == 0;
        bool open = rel_status_open(r.status);
        if (series && !open) {
            rc = delete_timer(db, id); /* it ended: the series with it */
            goto done;
        }
        bool skip = series && strcmp(r.status, "paused") == 0; /* no check-in while paused */
        if (!skip) {
            if ((rc = open_round(db, &s, subject, event, seq, rel_id, now, &round)) != STORE_OK)
                goto done;
            if (round && (rc = ask_members(db, &s, round, rel_id, now, &asked)) != STORE_OK)
                goto done;
        }
        int64_t due;
        int next;
        if (strcmp(event, "start") == 0 &&
            survey_next_due(s.def.trigger.after_days, s.def.trigger.every_days, s.def.trigger.times,
                            r.started_at, seq, now, &due, &next)) {
            store_val u[] = {SV_INT(id), SV_INT(due), SV_INT(next)};
            rc = store_exec(db, "UPDATE survey_timers SET due_at = ?2, seq = ?3 WHERE id = ?1", u,
                            3, NULL);
        } else {
            rc = delete_timer(db, id);
        }
    } else if (part_id) {
        int64_t live = 0;
        store_val q[] = {SV_INT(part_id)};
        if ((rc = store_query_int(db,
                                  "SELECT 1 FROM participations WHERE id = ?1 AND status NOT IN "
                                  "('declined', 'withdrawn')",
                                  q, 1, &live)) < 0)
            goto done;
        rc = STORE_OK;
        if (live && (rc = open_round(db, &s, subject, event, seq, 0, now, &round)) == STORE_OK &&
            round) {
            rc = ask(db, &s, round, 0, part_id, now + (int64_t)LIMIT_SURVEY_OPEN_DAYS * DAY, now);
            asked += rc == STORE_OK;
        }
        if (rc == STORE_OK)
            rc = delete_timer(db, id);
    } else {
        rc = delete_timer(db, id);
    }
    *opened = rc == STORE_OK && round != 0;
done:
    svc_survey_cleanup(&s);
    return rc;
}
