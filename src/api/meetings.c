/* meetings.c - a relationship's meetings (product.md §2, §6): scheduled
 * or logged, with time, length, time zone, mode, place and agenda; later
 * rescheduled, cancelled, or held with a recap, attendance and each
 * member's own rating. Every change bumps the meeting's iCalendar
 * SEQUENCE so calendar clients replace the event (see calendar.c). The
 * first meeting held moves every member to the funnel stage active. */
#include <string.h>

#include <sodium.h>

#include "api/handlers.h"
#include "api/participants.h"
#include "api/relationship.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/str.h"
#include "domain/profile.h"
#include "service/program.h"

static const char *const modes[] = {"in_person", "video", "phone", "chat", NULL};
static const char *const statuses[] = {"scheduled", "held", "cancelled", NULL};

#define MEETING_COLS                                                                               \
    "id, uid, sequence, starts_at, duration_minutes, time_zone, mode, location, agenda, recap, "   \
    "status, created_by, created_at, updated_at"

/* Attendance and ratings: every member with "attended" (true, false or
 * null when nobody said); a rating shows to the member who gave it only. */
static json_t *attendance_json(api_ctx *c, int64_t rel_id, int64_t mid, int64_t my_part,
                               json_t **my_rating)
{
    json_t *a = json_array();
    *my_rating = json_null();
    store_rows *rows;
    store_val p[] = {SV_INT(rel_id), SV_INT(mid)};
    if (store_query(
            c->db,
            "SELECT m.participation_id, pa.person_id, pe.name, m.role, at.attended, at.rating "
            "FROM relationship_members m JOIN participations pa ON pa.id = m.participation_id "
            "JOIN people pe ON pe.id = pa.person_id "
            "LEFT JOIN meeting_attendance at ON at.meeting_id = ?2 AND at.participation_id = "
            "m.participation_id "
            "WHERE m.relationship_id = ?1 ORDER BY m.role DESC, pe.name, m.participation_id",
            p, 2, &rows) != STORE_OK)
        return a;
    while (store_next(rows) == 1) {
        int64_t part = store_col_int(rows, 0);
        json_t *it = json_pack("{s:I, s:I, s:s, s:s}", "participation_id", (json_int_t)part,
                               "person_id", (json_int_t)store_col_int(rows, 1), "name",
                               store_col_text(rows, 2), "role", store_col_text(rows, 3));
        json_object_set_new(it, "attended",
                            store_col_null(rows, 4) ? json_null()
                                                    : json_boolean(store_col_int(rows, 4) != 0));
        json_array_append_new(a, it);
        if (part == my_part && !store_col_null(rows, 5)) {
            json_decref(*my_rating);
            *my_rating = json_integer(store_col_int(rows, 5));
        }
    }
    store_rows_free(rows);
    return a;
}

static json_t *meeting_row_json(store_rows *rows, const struct svc_rel *r)
{
    int64_t id = store_col_int(rows, 0), starts = store_col_int(rows, 3);
    int64_t minutes = store_col_int(rows, 4);
    json_t *agenda = json_loads(store_col_text(rows, 8), 0, NULL);
    json_t *recap = store_col_null(rows, 9) ? NULL : json_loads(store_col_text(rows, 9), 0, NULL);
    char ics[128];
    str_fmt(ics, sizeof ics, "/api/v1/relationships/%lld/meetings/%lld.ics", (long long)r->id,
            (long long)id);
    json_t *m = json_pack(
        "{s:I, s:I, s:s, s:I, s:o, s:o, s:I, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:s}", "id",
        (json_int_t)id, "relationship_id", (json_int_t)r->id, "uid", store_col_text(rows, 1),
        "sequence", (json_int_t)store_col_int(rows, 2), "starts_at", api_time(starts), "ends_at",
        api_time(starts + minutes * 60), "duration_minutes", (json_int_t)minutes, "time_zone",
        store_col_text(rows, 5), "mode", store_col_text(rows, 6), "location",
        store_col_text(rows, 7), "agenda", agenda ? agenda : json_array(), "recap",
        recap ? recap : json_null(), "status", store_col_text(rows, 10), "created_at",
        api_time(store_col_int(rows, 12)), "updated_at", api_time(store_col_int(rows, 13)),
        "ics_url", ics);
    json_object_set_new(m, "created_by",
                        store_col_null(rows, 11) ? json_null()
                                                 : json_integer(store_col_int(rows, 11)));
    return m;
}

/* Adds attendance and the actor's rating (a separate query: rows of the
 * meetings must be freed first). */
static void add_attendance(api_ctx *c, const struct svc_rel *r, json_t *m)
{
    json_t *mine;
    json_object_set_new(
        m, "attendance",
        attendance_json(c, r->id, json_integer_value(json_object_get(m, "id")), r->my_part, &mine));
    json_object_set_new(m, "my_rating", mine);
}

/* Meeting `mid` of the relationship as JSON: 1, 0 none, < 0. */
static int meeting_load(api_ctx *c, const struct svc_rel *r, int64_t mid, json_t **out)
{
    *out = NULL;
    store_rows *rows;
    store_val p[] = {SV_INT(mid), SV_INT(r->id)};
    int rc = store_query(
        c->db, "SELECT " MEETING_COLS " FROM meetings WHERE id = ?1 AND relationship_id = ?2", p, 2,
        &rows);
    if (rc != STORE_OK)
        return rc;
    rc = store_next(rows);
    if (rc == 1)
        *out = meeting_row_json(rows, r);
    store_rows_free(rows);
    if (rc == 1)
        add_attendance(c, r, *out);
    return rc;
}

int h_meetings_list(api_ctx *c)
{
    struct svc_rel r;
    int64_t limit, offset, total = 0;
    if (rel_open(c, 0, PERM_READ, &r) || api_page(c, &limit, &offset))
        return -1;
    store_val p[] = {SV_INT(r.id), SV_INT(limit), SV_INT(offset)};
    int rc = store_query_int(c->db, "SELECT COUNT(*) FROM meetings WHERE relationship_id = ?1", p,
                             1, &total);
    if (rc < 0)
        return api_store_failed(c, rc);
    store_rows *rows;
    if ((rc = store_query(c->db,
                          "SELECT " MEETING_COLS " FROM meetings WHERE relationship_id = ?1 "
                          "ORDER BY starts_at, id LIMIT ?2 OFFSET ?3",
                          p, 3, &rows)) != STORE_OK)
        return api_store_failed(c, rc);
    json_t *items = json_array();
    while (store_next(rows) == 1)
        json_array_append_new(items, meeting_row_json(rows, &r));
    store_rows_free(rows);
    size_t i;
    json_t *m;
    json_array_foreach(items, i, m) add_attendance(c, &r, m);
    return api_json(c, 200,
                    json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total,
                              "limit", (json_int_t)limit, "offset", (json_int_t)offset));
}

int h_meeting_get(api_ctx *c)
{
    struct svc_rel r;
    int64_t mid;
    if (rel_open(c, 0, PERM_READ, &r) || api_param_id(c, 1, &mid))
        return -1;
    json_t *m;
    int rc = meeting_load(c, &r, mid, &m);
    if (rc != 1)
        return rc == 0 ? api_not_found(c) : api_store_failed(c, rc);
    return api_json(c, 200, m);
}

/* The schedule fields of a meeting, checked; absent ones keep *s. */
struct schedule {
    int64_t starts_at, minutes;
    const char *time_zone, *mode, *location;
    json_t *agenda; /* borrowed */
};

static int check_schedule(const json_t *body, bool create, struct schedule *s, verr *e)
{
    const char *starts;
    if (v_string(body, "starts_at", "", create, false, 64, NULL, &starts, e))
        return -1;
    if (starts && (!strchr(starts, 'T') || clock_parse(starts, &s->starts_at)))
        return v_fail(
            e, "", "starts_at",
            "must be an RFC 3339 date and time with an offset, like 2026-03-10T09:00:00+01:00");
    if (!create && json_is_null(json_object_get(body, "starts_at")))
        return v_fail(e, "", "starts_at", "is required");
    json_t *d = json_object_get(body, "duration_minutes");
    if (json_is_integer(d) && json_integer_value(d) <= 0)
        return v_fail(e, "", "duration_minutes",
                      "a meeting must end after it starts (give at least 1 minute)");
    if (v_int(body, "duration_minutes", "", 1, LIMIT_MEETING_MINUTES, s->minutes, false,
              &s->minutes, e) ||
        v_string(body, "time_zone", "", false, false, 64, s->time_zone, &s->time_zone, e))
        return -1;
    if (!profile_time_zone_valid(s->time_zone))
        return v_fail(e, "", "time_zone",
                      "is not a known time zone (use a name like Europe/Lisbon)");
    if (v_enum(body, "mode", "", modes, s->mode, &s->mode, e) ||
        v_string(body, "location", "", false, true, LIMIT_WORKSPACE_SHORT_BYTES, s->location,
                 &s->location, e))
        return -1;
    json_t *agenda;
    if (v_string_list(body, "agenda", "", LIMIT_MEETING_AGENDA_ITEMS, LIMIT_WORKSPACE_SHORT_BYTES,
                      &agenda, e))
        return -1;
    if (agenda)
        s->agenda = agenda;
    else if (json_object_get(body, "agenda") && json_is_null(json_object_get(body, "agenda")))
        s->agenda = NULL;
    return 0;
}

/* The actor's time zone from their account, "UTC" when unset or unknown. */
static void actor_time_zone(api_ctx *c, char *out, size_t outlen)
{
    store_rows *rows;
    store_val p[] = {SV_INT(c->actor.person_id)};
    str_fmt(out, outlen, "UTC");
    if (store_query(c->db, "SELECT time_zone FROM people WHERE id = ?1", p, 1, &rows) != STORE_OK)
        return;
    if (store_next(rows) == 1 && store_col_text(rows, 0) &&
        profile_time_zone_valid(store_col_text(rows, 0)))
        str_fmt(out, outlen, "%s", store_col_text(rows, 0));
    store_rows_free(rows);
}

/* "2027-03-02 10:00", in UTC, for mail. */
static void when_text(int64_t t, char out[32])
{
    clock_rfc3339(t, out);
    out[10] = ' ';
    out[16] = '\0';
}

int h_meeting_create(api_ctx *c)
{
    static const char *const keys[] = {"starts_at", "duration_minutes", "time_zone", "mode",
                                       "location",  "agenda",           NULL};
    struct svc_rel r;
    json_t *body = NULL;
    struct program_config cfg = {0};
    int result = -1, rc;
    if (rel_open_writable(c, &r) || api_body_object(c, &body))
        goto done;
    if ((rc = svc_program_config(c->db, r.program_id, &cfg, NULL, 0)) != SVC_OK)
        goto store_fail;
    const char *first_mode = json_string_value(json_array_get(cfg.meetings.modes, 0));
    int len = cfg.meetings.length_minutes;
    char tz[72];
    actor_time_zone(c, tz, sizeof tz);
    struct schedule s = {.minutes = len > 0 ? len : 60,
                         .time_zone = tz,
                         .mode = first_mode ? first_mode : "video",
                         .location = ""};
    verr e = {0};
    if (v_known_keys(body, "", keys, &e) || check_schedule(body, true, &s, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    int64_t count = 0, now = clock_now(), id = 0;
    store_val q[] = {SV_INT(r.id)};
    if ((rc = store_query_int(c->db, "SELECT COUNT(*) FROM meetings WHERE relationship_id = ?1", q,
                              1, &count)) < 0)
        goto store_fail;
    if (count >= LIMIT_MEETINGS_PER_RELATIONSHIP) {
        result = api_problem(c, 409, NULL, "a relationship keeps at most %d meetings",
                             LIMIT_MEETINGS_PER_RELATIONSHIP);
        goto done;
    }
    /* The UID names the meeting and a random part, so it is unique across
     * installations and never guessable from the id alone. */
    unsigned char raw[8];
    char hex[17], uid[96];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    json_t *none = json_array();
    char *agenda = json_dumps(s.agenda ? s.agenda : none, JSON_COMPACT);
    json_decref(none);
    store_val p[] = {SV_INT(r.id),        SV_TEXT(hex),         SV_INT(s.starts_at),
                     SV_INT(s.minutes),   SV_TEXT(s.time_zone), SV_TEXT(s.mode),
                     SV_TEXT(s.location), SV_TEXT(agenda),      SV_INT(c->actor.person_id),
                     SV_INT(now)};
    rc = store_query_int(
        c->db,
        "INSERT INTO meetings (relationship_id, uid, starts_at, duration_minutes, time_zone, mode, "
        "location, agenda, created_by, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) RETURNING id",
        p, 10, &id);
    free(agenda);
    if (rc != 1)
        goto store_fail;
    str_fmt(uid, sizeof uid, "meeting-%lld-%s@tandem", (long long)id, hex);
    store_val u[] = {SV_INT(id), SV_TEXT(uid)};
    if ((rc = store_exec(c->db, "UPDATE meetings SET uid = ?2 WHERE id = ?1", u, 2, NULL)) !=
        STORE_OK)
        goto store_fail;
    char when[32], minutes[24];
    when_text(s.starts_at, when);
    str_fmt(minutes, sizeof minutes, "%lld", (long long)s.minutes);
    struct mail_value mv[] = {{"when", when}, {"minutes", minutes}};
    if ((rc = rel_notify_others(c, &r, "meeting_scheduled", mv, 2)) != STORE_OK)
        goto store_fail;
    api_audit(c, "meeting.create", "meeting", id,
              json_pack("{s:I}", "relationship_id", (json_int_t)r.id));
    json_t *out;
    if ((rc = meeting_load(c, &r, id, &out)) != 1)
        goto store_fail;
    result = api_json(c, 201, out);
    goto done;
store_fail:
    result = api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
done:
    program_config_cleanup(&cfg);
    json_decref(body);
    return result;
}

/* true when participation `part` is a member of the relationship. */
static int is_member(api_ctx *c, int64_t rel_id, int64_t part)
{
    int64_t n = 0;
    store_val p[] = {SV_INT(rel_id), SV_INT(part)};
    int rc = store_query_int(c->db,
                             "SELECT COUNT(*) FROM relationship_members WHERE relationship_id = ?1 "
                             "AND participation_id = ?2",
                             p, 2, &n);
    return rc < 0 ? rc : n > 0;
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

/* NULL when a meeting may go from status `from` to `to`, else why not. */
static const char *status_move(const char *from, const char *to)
{
    if (strcmp(from, to) == 0 || strcmp(from, "scheduled") == 0 ||
        (strcmp(from, "cancelled") == 0 && strcmp(to, "scheduled") == 0))
        return NULL;
    if (strcmp(from, "cancelled") == 0)
        return "a cancelled meeting cannot be held; schedule it again first";
    return "a meeting that was held stays held";
}

/* Stores the attendance given as {"<participation id>": true|false|null}. */
static int save_attendance(api_ctx *c, const struct svc_rel *r, int64_t mid, const json_t *att,
                           verr *e, int *store_rc)
{
    const char *key;
    json_t *v;
    *store_rc = STORE_OK;
    json_object_foreach((json_t *)att, key, v)
    {
        int64_t part;
        if (str_to_i64(key, 1, INT64_MAX / 2, &part) ||
            (*store_rc = is_member(c, r->id, part)) == 0)
            return v_fail(e, "attendance", key,
                          "is not a participation id of this relationship's members");
        if (*store_rc < 0)
            return -1;
        if (!json_is_boolean(v) && !json_is_null(v))
            return v_fail(e, "attendance", key, "must be true, false or null");
        store_val p[] = {SV_INT(mid), SV_INT(part),
                         json_is_null(v) ? SV_NULL : SV_INT(json_is_true(v) ? 1 : 0)};
        if ((*store_rc = store_exec(
                 c->db,
                 "INSERT INTO meeting_attendance (meeting_id, participation_id, attended) "
                 "VALUES (?1, ?2, ?3) ON CONFLICT (meeting_id, participation_id) "
                 "DO UPDATE SET attended = excluded.attended",
                 p, 3, NULL)) != STORE_OK)
            return -1;
    }
    *store_rc = STORE_OK;
    return 0;
}

int h_meeting_patch(api_ctx *c)
{
    static const char *const keys[] = {"starts_at",  "duration_minutes", "time_zone", "mode",
                                       "location",   "agenda",           "status",    "recap",
                                       "attendance", "rating",           NULL};
    struct svc_rel r;
    json_t *body = NULL, *cur = NULL, *recap = NULL;
    int64_t mid;
    int result = -1, rc;
    if (rel_open_writable(c, &r) || api_param_id(c, 1, &mid) || api_body_object(c, &body))
        goto done;
    verr e = {0};
    if (v_known_keys(body, "", keys, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    /* Bump the SEQUENCE first: it locks the row and tells whether the
     * meeting is this relationship's. An empty body changes nothing. */
    int64_t now = clock_now(), changes = 0;
    store_val l[] = {SV_INT(mid), SV_INT(r.id), SV_INT(json_object_size(body) > 0 ? 1 : 0),
                     SV_INT(now)};
    if ((rc = store_exec(c->db,
                         "UPDATE meetings SET sequence = sequence + ?3, "
                         "updated_at = CASE WHEN ?3 = 1 THEN ?4 ELSE updated_at END "
                         "WHERE id = ?1 AND relationship_id = ?2",
                         l, 4, &changes)) != STORE_OK)
        goto store_fail;
    if (changes == 0) {
        result = api_not_found(c);
        goto done;
    }
    if ((rc = meeting_load(c, &r, mid, &cur)) != 1)
        goto store_fail;
    const char *was = json_string_value(json_object_get(cur, "status"));
    struct schedule s = {
        .minutes = json_integer_value(json_object_get(cur, "duration_minutes")),
        .time_zone = json_string_value(json_object_get(cur, "time_zone")),
        .mode = json_string_value(json_object_get(cur, "mode")),
        .location = json_string_value(json_object_get(cur, "location")),
        .agenda = json_object_get(cur, "agenda"),
    };
    clock_parse(json_string_value(json_object_get(cur, "starts_at")), &s.starts_at);
    int64_t old_start = s.starts_at, old_minutes = s.minutes, rating;
    const char *status;
    json_t *recap_in;
    if (check_schedule(body, false, &s, &e) ||
        v_enum(body, "status", "", statuses, was, &status, &e) ||
        v_object(body, "recap", "", false, &recap_in, &e) ||
        (recap_in && check_recap(recap_in, &recap, &e)) ||
        v_int(body, "rating", "", 1, 5, 0, false, &rating, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    json_t *att = json_object_get(body, "attendance");
    if (att && !json_is_object(att) && !json_is_null(att)) {
        result = api_problem(c, 422, "attendance",
                             "attendance: must be an object keyed by participation id");
        goto done;
    }
    if (recap && !json_object_get(body, "status"))
        status = "held"; /* a recap means it took place */
    const char *why = status_move(was, status);
    if (why) {
        result = api_problem(c, 409, "status", "%s", why);
        goto done;
    }
    if (recap && strcmp(status, "held") != 0) {
        result = api_problem(c, 409, "recap", "only a meeting that was held has a recap");
        goto done;
    }
    if (rating && strcmp(status, "held") != 0) {
        result = api_problem(c, 409, "rating", "rate a meeting once it was held");
        goto done;
    }
    json_t *none = json_array();
    char *agenda = json_dumps(s.agenda ? s.agenda : none, JSON_COMPACT);
    char *recap_text = recap ? json_dumps(recap, JSON_COMPACT) : NULL;
    json_decref(none);
    store_val p[] = {SV_INT(mid),          SV_INT(s.starts_at), SV_INT(s.minutes),
                     SV_TEXT(s.time_zone), SV_TEXT(s.mode),     SV_TEXT(s.location),
                     SV_TEXT(agenda),      SV_TEXT(recap_text), SV_TEXT(status)};
    rc = store_exec(
        c->db,
        "UPDATE meetings SET starts_at = ?2, duration_minutes = ?3, time_zone = ?4, mode = ?5, "
        "location = ?6, agenda = ?7, recap = COALESCE(CAST(?8 AS TEXT), recap), status = ?9 "
        "WHERE id = ?1",
        p, 9, NULL);
    free(agenda);
    free(recap_text);
    if (rc != STORE_OK)
        goto store_fail;
    if (att && json_is_object(att) && save_attendance(c, &r, mid, att, &e, &rc)) {
        result = rc < 0 ? api_store_failed(c, rc) : api_invalid(c, &e);
        goto done;
    }
    if (rating) {
        store_val q[] = {SV_INT(mid), SV_INT(r.my_part), SV_INT(rating)};
        if ((rc =
                 store_exec(c->db,
                            "INSERT INTO meeting_attendance (meeting_id, participation_id, rating) "
                            "VALUES (?1, ?2, ?3) ON CONFLICT (meeting_id, participation_id) "
                            "DO UPDATE SET rating = excluded.rating",
                            q, 3, NULL)) != STORE_OK)
            goto store_fail;
    }
    if (strcmp(status, "held") == 0 &&
        (rc = svc_relationship_stage_all(c->db, r.id, STAGE_ACTIVE, now)) != STORE_OK)
        goto store_fail;
    bool cancelled = strcmp(status, "cancelled") == 0 && strcmp(was, "cancelled") != 0;
    bool moved =
        strcmp(status, "cancelled") != 0 && (s.starts_at != old_start || s.minutes != old_minutes);
    if (cancelled || moved) {
        char when[32], minutes[24];
        when_text(cancelled ? old_start : s.starts_at, when);
        str_fmt(minutes, sizeof minutes, "%lld", (long long)s.minutes);
        struct mail_value mv[] = {{"when", when}, {"minutes", minutes}};
        if ((rc = rel_notify_others(c, &r, cancelled ? "meeting_cancelled" : "meeting_moved", mv,
                                    2)) != STORE_OK)
            goto store_fail;
    }
    api_audit(c, "meeting.update", "meeting", mid, json_pack("{s:s}", "status", status));
    json_t *out;
    if ((rc = meeting_load(c, &r, mid, &out)) != 1)
        goto store_fail;
    result = api_json(c, 200, out);
    goto done;
store_fail:
    result = api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
done:
    json_decref(recap);
    json_decref(cur);
    json_decref(body);
    return result;
}
