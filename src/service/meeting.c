#include "service/meeting.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/str.h"
#include "domain/meeting.h"
#include "domain/profile.h"
#include "domain/when.h"
#include "service/audit.h"
#include "service/facts.h"
#include "service/calendar.h"
#include "service/followup.h"
#include "service/outbox.h"
#include "service/workspace.h"
#include "service/recognition.h"
#include "service/reminder.h"

#define MEETING_COLS                                                                               \
    "id, uid, sequence, starts_at, duration_minutes, time_zone, mode, location, agenda, recap, "   \
    "status, created_by, created_at, updated_at"

void svc_meeting_cleanup(struct svc_meeting *m)
{
    if (!m)
        return;
    free(m->location);
    json_decref(m->agenda);
    json_decref(m->recap);
    free(m->attendance);
    memset(m, 0, sizeof *m);
}

void svc_meetings_free(struct svc_meeting *m, size_t n)
{
    for (size_t i = 0; m && i < n; i++)
        svc_meeting_cleanup(&m[i]);
    free(m);
}

static void read_meeting(store_rows *rows, int64_t rel_id, struct svc_meeting *m)
{
    memset(m, 0, sizeof *m);
    m->id = store_col_int(rows, 0);
    m->relationship_id = rel_id;
    str_fmt(m->uid, sizeof m->uid, "%s", store_col_text(rows, 1));
    m->sequence = store_col_int(rows, 2);
    m->starts_at = store_col_int(rows, 3);
    m->duration_minutes = store_col_int(rows, 4);
    str_fmt(m->time_zone, sizeof m->time_zone, "%s", store_col_text(rows, 5));
    str_fmt(m->mode, sizeof m->mode, "%s", store_col_text(rows, 6));
    m->location = xstrdup(store_col_text(rows, 7) ? store_col_text(rows, 7) : "");
    m->agenda = json_loads(store_col_text(rows, 8), 0, NULL);
    if (!json_is_array(m->agenda)) {
        json_decref(m->agenda);
        m->agenda = json_array();
    }
    m->recap = store_col_null(rows, 9) ? NULL : json_loads(store_col_text(rows, 9), 0, NULL);
    str_fmt(m->status, sizeof m->status, "%s", store_col_text(rows, 10));
    m->created_by = store_col_null(rows, 11) ? 0 : store_col_int(rows, 11);
    m->created_at = store_col_int(rows, 12);
    m->updated_at = store_col_int(rows, 13);
}

/* Every member with "attended", and the reader's own rating. */
static int add_attendance(store *db, const struct svc_rel *r, struct svc_meeting *m)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(r->id), SV_INT(m->id)};
    int rc = store_query(
        db,
        "SELECT m.participation_id, pa.person_id, pe.name, m.role, at.attended, at.rating "
        "FROM relationship_members m JOIN participations pa ON pa.id = m.participation_id "
        "JOIN people pe ON pe.id = pa.person_id "
        "LEFT JOIN meeting_attendance at ON at.meeting_id = ?2 AND at.participation_id = "
        "m.participation_id "
        "WHERE m.relationship_id = ?1 ORDER BY m.role DESC, pe.name, m.participation_id",
        p, 2, &rows);
    m->attendance = xcalloc(LIMIT_RELATIONSHIP_MEMBERS, sizeof *m->attendance);
    while (rc == STORE_OK && m->nattendance < LIMIT_RELATIONSHIP_MEMBERS &&
           (rc = store_next(rows)) == 1) {
        struct svc_attendance *a = &m->attendance[m->nattendance++];
        a->who.participation_id = store_col_int(rows, 0);
        a->who.person_id = store_col_int(rows, 1);
        str_fmt(a->who.name, sizeof a->who.name, "%s", store_col_text(rows, 2));
        str_fmt(a->who.role, sizeof a->who.role, "%s", store_col_text(rows, 3));
        a->attended = store_col_null(rows, 4) ? -1 : store_col_int(rows, 4) != 0;
        if (a->who.participation_id == r->my_part && !store_col_null(rows, 5))
            m->my_rating = store_col_int(rows, 5);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

int svc_meeting_list(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t limit,
                     int64_t offset, struct svc_meeting **out, size_t *n, int64_t *total)
{
    (void)actor;
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(r->id), SV_INT(limit), SV_INT(offset)};
    *out = NULL;
    *n = 0;
    *total = 0;
    int rc;
    if ((rc = store_query_int(db, "SELECT COUNT(*) FROM meetings WHERE relationship_id = ?1", p, 1,
                              total)) < 0 ||
        (rc = store_query(db,
                          "SELECT " MEETING_COLS " FROM meetings WHERE relationship_id = ?1 "
                          "ORDER BY starts_at, id LIMIT ?2 OFFSET ?3",
                          p, 3, &rows)) != STORE_OK)
        return rc < 0 ? rc : STORE_ERROR;
    *out = xcalloc((size_t)(limit > 0 ? limit : 1), sizeof **out);
    while ((int64_t)*n < limit && (rc = store_next(rows)) == 1) {
        read_meeting(rows, r->id, &(*out)[(*n)++]);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    for (size_t i = 0; rc >= 0 && i < *n; i++)
        rc = add_attendance(db, r, &(*out)[i]);
    if (rc < 0) {
        svc_meetings_free(*out, *n);
        *out = NULL;
        *n = 0;
        return rc;
    }
    return STORE_OK;
}

int svc_meeting_get(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t mid,
                    struct svc_meeting *out)
{
    (void)actor;
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(mid), SV_INT(r->id)};
    memset(out, 0, sizeof *out);
    int rc = store_query(
        db, "SELECT " MEETING_COLS " FROM meetings WHERE id = ?1 AND relationship_id = ?2", p, 2,
        &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1)
        read_meeting(rows, r->id, out);
    store_rows_free(rows);
    if (rc != 1)
        return rc == 0 ? SVC_NOT_FOUND : rc;
    if ((rc = add_attendance(db, r, out)) != STORE_OK)
        svc_meeting_cleanup(out);
    return rc;
}

int svc_meeting_default_zone(store *db, const svc_actor *actor, const struct svc_rel *r,
                             char out[72])
{
    struct svc_ws_person me;
    str_fmt(out, 72, "UTC");
    int rc = actor->person_id ? svc_workspace_person(db, actor->person_id, r->my_part, &me)
                              : SVC_NOT_FOUND;
    if (rc == SVC_OK)
        str_fmt(out, 72, "%s", me.time_zone);
    return rc < 0 ? rc : STORE_OK;
}

/* What the mail about a meeting says. */
enum news { NEWS_SCHEDULED, NEWS_MOVED, NEWS_CANCELLED, NEWS_RESTORED };

#define PRODID "-//Tandem//Tandem " TANDEM_VERSION "//EN"

/* One meeting mail of kind to a member, with the calendar part. */
static int mail_member(store *db, const char *kind, const struct svc_ws_person *to,
                       const struct svc_rel *r, const char *program, const struct mail_value *v,
                       size_t nv, const char *ics, int64_t now)
{
    struct svc_mail mail = {.kind = kind,
                            .to = to->email,
                            .person_id = to->person_id,
                            .program_id = r->program_id,
                            .name = to->name,
                            .program = program,
                            .values = v,
                            .nvalues = nv,
                            .ics = ics};
    verr e = {0};
    int rc = svc_outbox_mail(db, &mail, now, &e);
    return rc > 0 ? STORE_ERROR : rc; /* a template refusal is a bug, logged */
}

/* Mails every member but the actor about meeting m, with its time in the
 * recipient's zone and the link to the meeting's page, and the actor a
 * copy for their calendar; each mail carries the meeting as an iCalendar
 * invitation (METHOD:REQUEST, or CANCEL once cancelled) with the
 * meeting's UID and its SEQUENCE of now, so calendar clients add, move or
 * remove the one event. */
static int tell_others(store *db, const svc_actor *actor, const struct svc_rel *r,
                       const struct svc_meeting *m, enum news what, int64_t was)
{
    static const char *const kinds[] = {"meeting_scheduled", "meeting_moved", "meeting_cancelled",
                                        "meeting_scheduled"};
    static const char *const verbs[] = {"scheduled", "moved", "cancelled", "scheduled again"};
    struct svc_ws_person to[LIMIT_RELATIONSHIP_MEMBERS], all[LIMIT_RELATIONSHIP_MEMBERS];
    size_t n, nall = 0;
    buf ics;
    buf_init(&ics, LIMIT_CALENDAR_BYTES);
    char link[LIMIT_HTTP_URL_BYTES], section[48], when[160], before[160], minutes[24];
    char program[LIMIT_NAME_BYTES + 1] = "";
    const svc_actor nobody = {0}; /* every member */
    int rc = svc_workspace_others(db, actor, r->id, to, &n);
    if (rc == STORE_OK)
        rc = svc_workspace_others(db, &nobody, r->id, all, &nall);
    if (rc == STORE_OK && nall > 0)
        rc = svc_outbox_program_name(db, r->program_id, program, sizeof program);
    if (rc == STORE_OK && nall > 0) {
        int got = svc_calendar_invitation(db, PRODID, r, m->id,
                                          what == NEWS_CANCELLED ? "CANCEL" : "REQUEST", &ics);
        rc = got == SVC_OK ? STORE_OK : got < 0 ? got : STORE_ERROR;
    }
    str_fmt(section, sizeof section, "meetings/%lld", (long long)m->id);
    svc_workspace_link(link, sizeof link, r->id, section);
    str_fmt(minutes, sizeof minutes, "%lld", (long long)m->duration_minutes);
    int64_t now = clock_now();
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        when_text(m->starts_at, to[i].time_zone, when, sizeof when);
        when_text(was, to[i].time_zone, before, sizeof before);
        struct mail_value v[] = {{"when", when},
                                 {"before", before},
                                 {"minutes", minutes},
                                 {"mode", meeting_mode_words(m->mode)},
                                 {"link", link}};
        rc = mail_member(db, kinds[what], &to[i], r, program, v, 5, ics.data, now);
    }
    /* The actor's own copy, for their calendar. */
    for (size_t i = 0; rc == STORE_OK && i < nall; i++) {
        if (all[i].person_id != actor->person_id)
            continue;
        when_text(m->starts_at, all[i].time_zone, when, sizeof when);
        struct mail_value v[] = {{"when", when},
                                 {"what", verbs[what]},
                                 {"minutes", minutes},
                                 {"mode", meeting_mode_words(m->mode)},
                                 {"link", link}};
        rc = mail_member(db, "meeting_calendar", &all[i], r, program, v, 5, ics.data, now);
        break;
    }
    buf_cleanup(&ics);
    return rc;
}

/* Checks the schedule fields of a change against meeting *m (which they
 * update) and the relationship; every bad field is named. */
static int apply_schedule(const struct meeting_change *in, const struct svc_rel *r,
                          struct svc_meeting *m, int64_t now, verr *e)
{
    char why[200];
    const char *w;
    bool bad = false;
    if (in->set_starts_at) {
        if ((w = meeting_start_check(in->starts_at, r->started_at, why, sizeof why)))
            bad = v_add(e, "", "starts_at", "%s", w) != 0;
        else if ((w = meeting_move_check(m->status, in->starts_at, now)))
            bad = v_add(e, "", "starts_at", "%s", w) != 0;
        m->starts_at = in->starts_at;
    }
    if (in->set_minutes) {
        if (in->minutes <= 0)
            bad = v_add(e, "", "duration_minutes",
                        "a meeting must end after it starts (give at least 1 minute)") != 0;
        else if (in->minutes > LIMIT_MEETING_MINUTES)
            bad =
                v_add(e, "", "duration_minutes", "must be at most %d", LIMIT_MEETING_MINUTES) != 0;
        m->duration_minutes = in->minutes;
    }
    if (in->time_zone) {
        if (!profile_time_zone_valid(in->time_zone) || !when_zone_known(in->time_zone))
            bad = v_add(e, "", "time_zone",
                        "is not a known time zone (use a name like Europe/Lisbon)") != 0;
        str_fmt(m->time_zone, sizeof m->time_zone, "%s", in->time_zone);
    }
    if (in->mode)
        str_fmt(m->mode, sizeof m->mode, "%s", in->mode);
    if (in->location) {
        free(m->location);
        m->location = xstrdup(in->location);
    }
    if (in->set_agenda) {
        json_decref(m->agenda);
        m->agenda = in->agenda ? json_deep_copy(in->agenda) : json_array();
    }
    return bad ? SVC_INVALID : SVC_OK;
}

/* A new UID: the meeting and a random part, so it is unique across
 * installations and never guessable from the id alone. */
static void new_uid_part(char hex[17])
{
    unsigned char raw[8];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(hex, 17, raw, sizeof raw);
}

int svc_meeting_create(store *db, const svc_actor *actor, const struct svc_rel *r,
                       const struct program_config *cfg, const struct meeting_change *in,
                       struct svc_meeting *out, verr *e)
{
    struct svc_meeting m = {0};
    int64_t count = 0, now = clock_now(), id = 0;
    char *agenda = NULL, hex[17];
    memset(out, 0, sizeof *out);
    int rc = svc_workspace_writable(r, e);
    if (rc != SVC_OK)
        return rc;
    if (!in->set_starts_at)
        return svc_fail(e, SVC_INVALID, "starts_at", "is required");
    const char *first = json_string_value(json_array_get(cfg->meetings.modes, 0));
    str_fmt(m.mode, sizeof m.mode, "%s", first ? first : "video");
    m.duration_minutes = cfg->meetings.length_minutes > 0 ? cfg->meetings.length_minutes : 60;
    str_fmt(m.status, sizeof m.status, "scheduled");
    m.location = xstrdup("");
    m.agenda = json_array();
    if ((rc = svc_meeting_default_zone(db, actor, r, m.time_zone)) != STORE_OK ||
        (rc = apply_schedule(in, r, &m, now, e)) != SVC_OK)
        goto done;
    store_val q[] = {SV_INT(r->id)};
    if ((rc = store_query_int(db, "SELECT COUNT(*) FROM meetings WHERE relationship_id = ?1", q, 1,
                              &count)) < 0)
        goto done;
    if (count >= LIMIT_MEETINGS_PER_RELATIONSHIP) {
        rc = svc_fail(e, SVC_REFUSED, "", "a relationship keeps at most %d meetings",
                      LIMIT_MEETINGS_PER_RELATIONSHIP);
        goto done;
    }
    new_uid_part(hex);
    agenda = json_dumps(m.agenda, JSON_COMPACT);
    store_val p[] = {SV_INT(r->id),
                     SV_TEXT(hex),
                     SV_INT(m.starts_at),
                     SV_INT(m.duration_minutes),
                     SV_TEXT(m.time_zone),
                     SV_TEXT(m.mode),
                     SV_TEXT(m.location),
                     SV_TEXT(agenda),
                     actor->person_id ? SV_INT(actor->person_id) : SV_NULL,
                     SV_INT(now)};
    if ((rc = store_query_int(db,
                              "INSERT INTO meetings (relationship_id, uid, starts_at, "
                              "duration_minutes, time_zone, mode, location, agenda, created_by, "
                              "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                              "?9, ?10, ?10) RETURNING id",
                              p, 10, &id)) != 1) {
        rc = rc < 0 ? rc : STORE_ERROR;
        goto done;
    }
    char uid[96];
    str_fmt(uid, sizeof uid, "meeting-%lld-%s@tandem", (long long)id, hex);
    store_val u[] = {SV_INT(id), SV_TEXT(uid)};
    if ((rc = store_exec(db, "UPDATE meetings SET uid = ?2 WHERE id = ?1", u, 2, NULL)) !=
            STORE_OK ||
        (rc = svc_meeting_get(db, actor, r, id, out)) != SVC_OK ||
        (rc = tell_others(db, actor, r, out, NEWS_SCHEDULED, 0)) != STORE_OK)
        goto done;
    if ((rc = svc_reminder_relationship(db, r->id, now)) != STORE_OK ||
        (rc = svc_facts_refresh(db, r->id)) != STORE_OK)
        goto done;
    rc = svc_audit(db, actor, "meeting.create", "meeting", id,
                   json_pack("{s:I}", "relationship_id", (json_int_t)r->id));
done:
    if (rc == SVC_NOT_FOUND)
        rc = STORE_ERROR; /* written a moment ago */
    if (rc != SVC_OK)
        svc_meeting_cleanup(out);
    free(agenda);
    svc_meeting_cleanup(&m);
    return rc;
}

static bool change_asked(const struct meeting_change *in)
{
    return in->set_starts_at || in->set_minutes || in->time_zone || in->mode || in->location ||
           in->set_agenda || in->status || in->recap || in->attendance || in->rating;
}

/* Checks the attendance given as {"<participation id>": true|false|null}:
 * members of the meeting's relationship only; every bad key is named. */
static int check_attendance(const struct svc_meeting *m, const json_t *att, verr *e)
{
    const char *key;
    json_t *v;
    bool bad = false;
    json_object_foreach((json_t *)att, key, v)
    {
        int64_t part;
        bool member = false;
        if (str_to_i64(key, 1, INT64_MAX / 2, &part) == 0)
            for (size_t i = 0; i < m->nattendance; i++)
                member = member || m->attendance[i].who.participation_id == part;
        if (!member)
            bad = v_add(e, "attendance", key,
                        "is not a participation id of this relationship's members") != 0;
        else if (!json_is_boolean(v) && !json_is_null(v))
            bad = v_add(e, "attendance", key, "must be true, false or null") != 0;
    }
    return bad ? SVC_INVALID : SVC_OK;
}

/* Stores the attendance checked by check_attendance. */
static int save_attendance(store *db, int64_t mid, const json_t *att)
{
    const char *key;
    json_t *v;
    int rc = STORE_OK;
    json_object_foreach((json_t *)att, key, v)
    {
        int64_t part = 0;
        if (str_to_i64(key, 1, INT64_MAX / 2, &part))
            continue;
        store_val p[] = {SV_INT(mid), SV_INT(part),
                         json_is_null(v) ? SV_NULL : SV_INT(json_is_true(v) ? 1 : 0)};
        if ((rc = store_exec(db,
                             "INSERT INTO meeting_attendance (meeting_id, participation_id, "
                             "attended) VALUES (?1, ?2, ?3) ON CONFLICT (meeting_id, "
                             "participation_id) DO UPDATE SET attended = excluded.attended",
                             p, 3, NULL)) != STORE_OK)
            return rc;
    }
    return rc;
}

int svc_meeting_update(store *db, const svc_actor *actor, const struct svc_rel *r, int64_t mid,
                       const struct meeting_change *in, struct svc_meeting *out, verr *e)
{
    struct svc_meeting m = {0};
    char *agenda = NULL, *recap = NULL;
    int64_t now = clock_now(), changes = 0;
    const char *why;
    memset(out, 0, sizeof *out);
    int rc = svc_workspace_writable(r, e);
    if (rc != SVC_OK)
        return rc;
    /* Lock the row first (a no-op UPDATE), which also tells whether the
     * meeting is this relationship's; every check runs under the lock and
     * before anything is written. */
    bool asked = change_asked(in);
    store_val l[] = {SV_INT(mid), SV_INT(r->id)};
    if ((rc = store_exec(db,
                         "UPDATE meetings SET sequence = sequence WHERE id = ?1 AND "
                         "relationship_id = ?2",
                         l, 2, &changes)) != STORE_OK)
        return rc;
    if (changes == 0)
        return SVC_NOT_FOUND;
    if ((rc = svc_meeting_get(db, actor, r, mid, &m)) != SVC_OK)
        goto done;
    char was[16];
    str_fmt(was, sizeof was, "%s", m.status);
    int64_t old_start = m.starts_at, old_minutes = m.duration_minutes;
    if ((rc = apply_schedule(in, r, &m, now, e)) != SVC_OK)
        goto done;
    const char *status = in->status ? in->status : in->recap ? "held" : was;
    if ((why = meeting_status_move(was, status))) {
        rc = svc_fail(e, SVC_REFUSED, "status", "%s", why);
        goto done;
    }
    bool holding = strcmp(status, "held") == 0 && strcmp(was, "held") != 0;
    if ((holding || in->recap) && (why = meeting_held_check(m.starts_at, now))) {
        rc = svc_fail(e, SVC_INVALID, in->recap ? "recap" : "status",
                      "%s; write the recap once it has taken place", why);
        goto done;
    }
    if (in->recap && strcmp(status, "held") != 0) {
        rc = svc_fail(e, SVC_REFUSED, "recap", "only a meeting that was held has a recap");
        goto done;
    }
    if (in->rating && strcmp(status, "held") != 0) {
        rc = svc_fail(e, SVC_REFUSED, "rating", "rate a meeting once it was held");
        goto done;
    }
    if (in->rating && !r->my_part) {
        rc = svc_fail(e, SVC_FORBIDDEN, "rating", "only the partners rate their meetings");
        goto done;
    }
    if (in->attendance && (rc = check_attendance(&m, in->attendance, e)) != SVC_OK)
        goto done;
    if (!asked) /* nothing asked, nothing changed: not even the SEQUENCE */
        goto reply;
    agenda = json_dumps(m.agenda, JSON_COMPACT);
    recap = in->recap ? json_dumps(in->recap, JSON_COMPACT) : NULL;
    /* Every change gets a new SEQUENCE, so calendar clients replace the
     * event. */
    store_val p[] = {SV_INT(mid),          SV_INT(m.starts_at), SV_INT(m.duration_minutes),
                     SV_TEXT(m.time_zone), SV_TEXT(m.mode),     SV_TEXT(m.location),
                     SV_TEXT(agenda),      SV_TEXT(recap),      SV_TEXT(status),
                     SV_INT(now)};
    if ((rc = store_exec(db,
                         "UPDATE meetings SET starts_at = ?2, duration_minutes = ?3, time_zone = "
                         "?4, mode = ?5, location = ?6, agenda = ?7, recap = COALESCE(CAST(?8 AS "
                         "TEXT), recap), status = ?9, sequence = sequence + 1, updated_at = ?10 "
                         "WHERE id = ?1",
                         p, 10, NULL)) != STORE_OK ||
        (rc = svc_facts_refresh(db, r->id)) != STORE_OK)
        goto done;
    if (in->attendance && (rc = save_attendance(db, mid, in->attendance)) != STORE_OK)
        goto done;
    if (in->rating) {
        store_val q[] = {SV_INT(mid), SV_INT(r->my_part), SV_INT(in->rating)};
        if ((rc = store_exec(db,
                             "INSERT INTO meeting_attendance (meeting_id, participation_id, "
                             "rating) VALUES (?1, ?2, ?3) ON CONFLICT (meeting_id, "
                             "participation_id) DO UPDATE SET rating = excluded.rating",
                             q, 3, NULL)) != STORE_OK)
            goto done;
    }
    if (strcmp(status, "held") == 0 &&
        ((rc = svc_relationship_stage_all(db, r->id, STAGE_ACTIVE, now)) != STORE_OK ||
         (rc = svc_recognition_update(db, r->id, now)) != STORE_OK))
        goto done;
    if (holding && (rc = svc_followup_meeting_held(db, r->id, mid, now)) != STORE_OK)
        goto done;
reply:
    if ((rc = svc_meeting_get(db, actor, r, mid, out)) != SVC_OK || !asked)
        goto done;
    bool cancelled = strcmp(status, "cancelled") == 0 && strcmp(was, "cancelled") != 0;
    bool restored = strcmp(status, "scheduled") == 0 && strcmp(was, "cancelled") == 0;
    bool moved = !restored && strcmp(status, "cancelled") != 0 && strcmp(status, "held") != 0 &&
                 (m.starts_at != old_start || m.duration_minutes != old_minutes);
    enum news news = cancelled ? NEWS_CANCELLED : restored ? NEWS_RESTORED : NEWS_MOVED;
    if ((cancelled || moved || restored) &&
        (rc = tell_others(db, actor, r, out, news, old_start)) != STORE_OK)
        goto done;
    if ((rc = svc_reminder_relationship(db, r->id, now)) != STORE_OK)
        goto done;
    rc = svc_audit(db, actor, "meeting.update", "meeting", mid,
                   json_pack("{s:s}", "status", status));
done:
    if (rc == SVC_NOT_FOUND)
        rc = STORE_ERROR; /* locked a moment ago */
    if (rc != SVC_OK)
        svc_meeting_cleanup(out);
    free(agenda);
    free(recap);
    svc_meeting_cleanup(&m);
    return rc;
}
