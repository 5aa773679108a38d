/* calendar.c - meetings as iCalendar (product.md §6, RFC 5545): each
 * person's private feed URL of every meeting in every relationship they
 * are a member of, and one meeting as a .ics download.
 *
 * The feed URL carries a random token; only its SHA-256 is stored, one
 * per person, so creating a new one (rotating) revokes the old URL. The
 * feed itself needs no session: calendar clients fetch it unattended. */
#include <string.h>

#include "api/handlers.h"
#include "api/identity.h"
#include "api/relationship.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/str.h"
#include "domain/ical.h"

#define FEED_PREFIX "cal_"
#define PRODID "-//Tandem//Tandem " TANDEM_VERSION "//EN"
#define CALENDAR_TYPE "text/calendar; charset=utf-8"

#define EVENT_COLS                                                                                 \
    "mt.id, mt.uid, mt.sequence, mt.starts_at, mt.duration_minutes, mt.time_zone, mt.mode, "       \
    "mt.location, mt.agenda, mt.status, mt.created_at, mt.updated_at, mt.relationship_id"

/* ---- the feed token ---- */

int h_calendar_feed_create(api_ctx *c)
{
    char token[IDENTITY_TOKEN_CHARS], hash[IDENTITY_HASH_HEX];
    identity_new_secret(FEED_PREFIX, token);
    identity_secret_hash(token, hash);
    store_val p[] = {SV_INT(c->actor.person_id), SV_TEXT(hash), SV_INT(clock_now())};
    int rc = store_exec(
        c->db,
        "INSERT INTO calendar_feeds (person_id, token_hash, created_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (person_id) DO UPDATE SET token_hash = excluded.token_hash, "
        "created_at = excluded.created_at",
        p, 3, NULL);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    api_audit(c, "calendar.feed", "person", c->actor.person_id, NULL);
    char url[LIMIT_HTTP_URL_BYTES];
    str_fmt(url, sizeof url, "%s/api/v1/calendar/%s.ics", api_config()->public_url, token);
    return api_json(c, 201, json_pack("{s:s}", "url", url));
}

/* Whether the actor has a feed, and since when. The address itself is
 * shown once, when it is made: only its hash is stored. */
int h_calendar_feed_get(api_ctx *c)
{
    int64_t created = 0;
    store_val p[] = {SV_INT(c->actor.person_id)};
    int rc = store_query_int(c->db, "SELECT created_at FROM calendar_feeds WHERE person_id = ?1", p,
                             1, &created);
    if (rc < 0)
        return api_store_failed(c, rc);
    return api_json(c, 200,
                    json_pack("{s:b, s:o}", "exists", rc == 1, "created_at",
                              rc == 1 ? api_time(created) : json_null()));
}

int h_calendar_feed_delete(api_ctx *c)
{
    store_val p[] = {SV_INT(c->actor.person_id)};
    int rc = store_exec(c->db, "DELETE FROM calendar_feeds WHERE person_id = ?1", p, 1, NULL);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    api_audit(c, "calendar.revoke", "person", c->actor.person_id, NULL);
    return api_no_content(c);
}

/* ---- events ---- */

/* "Mentoring: Mentor & Mentee" for each relationship the query's rows
 * (relationship_id, role, name; mentors first) name, keyed by id. */
static int summaries(store *db, const char *sql, int64_t key, json_t *out)
{
    store_rows *rows;
    store_val p[] = {SV_INT(key)};
    int rc = store_query(db, sql, p, 1, &rows);
    if (rc != STORE_OK)
        return rc;
    json_t *groups = json_object(); /* id -> [mentors, others] */
    while (store_next(rows) == 1) {
        char id[24];
        str_fmt(id, sizeof id, "%lld", (long long)store_col_int(rows, 0));
        json_t *g = json_object_get(groups, id);
        if (!g) {
            g = json_pack("[[], []]");
            json_object_set_new(groups, id, g);
        }
        bool mentor = str_eq(store_col_text(rows, 1), "mentor");
        json_array_append_new(json_array_get(g, mentor ? 0 : 1),
                              json_string(store_col_text(rows, 2)));
    }
    store_rows_free(rows);
    const char *id;
    json_t *g;
    json_object_foreach(groups, id, g)
    {
        buf b;
        buf_init(&b, 4096);
        buf_puts(&b, "Mentoring: ");
        json_t *mentors = json_array_get(g, 0), *others = json_array_get(g, 1);
        size_t nm = json_array_size(mentors), no = json_array_size(others);
        for (size_t i = 0; i < nm; i++)
            buf_printf(&b, "%s%s", i ? ", " : "", json_string_value(json_array_get(mentors, i)));
        for (size_t i = 0; i < no; i++) {
            const char *sep = i == 0 ? (nm ? " & " : "") : (!nm && i + 1 == no ? " & " : ", ");
            buf_printf(&b, "%s%s", sep, json_string_value(json_array_get(others, i)));
        }
        json_object_set_new(out, id, json_string(b.data));
        buf_cleanup(&b);
    }
    json_decref(groups);
    return STORE_OK;
}

static const char *mode_words(const char *mode)
{
    if (str_eq(mode, "in_person"))
        return "in person";
    if (str_eq(mode, "video"))
        return "video call";
    if (str_eq(mode, "phone"))
        return "phone call";
    if (str_eq(mode, "chat"))
        return "chat";
    return mode ? mode : "";
}

/* Writes one VEVENT from a row of EVENT_COLS. */
static int write_event(buf *out, store_rows *rows, const json_t *names)
{
    char rel_id[24], link[LIMIT_HTTP_URL_BYTES];
    int64_t rid = store_col_int(rows, 12);
    str_fmt(rel_id, sizeof rel_id, "%lld", (long long)rid);
    str_fmt(link, sizeof link, "%s/relationships/%lld/meetings/%lld", api_config()->public_url,
            (long long)rid, (long long)store_col_int(rows, 0));
    buf desc;
    buf_init(&desc, LIMIT_CALENDAR_BYTES);
    json_t *agenda = json_loads(store_col_text(rows, 8), 0, NULL);
    if (json_array_size(agenda) > 0) {
        buf_puts(&desc, "Agenda:\n");
        size_t i;
        json_t *item;
        json_array_foreach(agenda, i, item) buf_printf(&desc, "- %s\n", json_string_value(item));
        buf_puts(&desc, "\n");
    }
    json_decref(agenda);
    buf_printf(&desc, "Mode: %s\nTime zone: %s\n%s", mode_words(store_col_text(rows, 6)),
               store_col_text(rows, 5), link);
    const char *loc = store_col_text(rows, 7);
    struct ical_event e = {
        .uid = store_col_text(rows, 1),
        .sequence = (int)store_col_int(rows, 2),
        .stamp = store_col_int(rows, 11),
        .created = store_col_int(rows, 10),
        .start = store_col_int(rows, 3),
        .duration_s = store_col_int(rows, 4) * 60,
        .summary = json_string_value(json_object_get(names, rel_id)),
        .description = desc.data,
        .location = loc && *loc ? loc : mode_words(store_col_text(rows, 6)),
        .url = link,
        .cancelled = str_eq(store_col_text(rows, 9), "cancelled"),
    };
    if (!e.summary)
        e.summary = "Mentoring meeting";
    int rc = ical_event(out, &e);
    buf_cleanup(&desc);
    return rc;
}

static int send_calendar(api_ctx *c, buf *cal, const char *filename)
{
    if (filename) {
        char disp[128];
        str_fmt(disp, sizeof disp, "attachment; filename=\"%s\"", filename);
        http_resp_header(c->resp, "Content-Disposition", disp);
    }
    http_resp_body(c->resp, 200, CALENDAR_TYPE, cal->data, cal->len);
    return 0;
}

/* The rows of a meetings query written as a whole calendar into cal. */
static int write_calendar(api_ctx *c, buf *cal, const char *sql, const store_val *p, int n,
                          const json_t *names, const char *time_zone, int *count)
{
    store_rows *rows;
    int rc = store_query(c->db, sql, p, n, &rows);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    *count = 0;
    int bad = ical_begin(cal, PRODID, "Mentoring meetings", time_zone);
    while (!bad && store_next(rows) == 1) {
        bad = write_event(cal, rows, names);
        (*count)++;
    }
    store_rows_free(rows);
    if (bad || ical_end(cal))
        return api_problem(c, 500, NULL, "the calendar is too large to send");
    return 0;
}

int h_calendar_get(api_ctx *c)
{
    const char *token = c->req->nparams > 0 ? c->req->params[0] : NULL;
    if (!token || !str_starts(token, FEED_PREFIX) || strlen(token) >= IDENTITY_TOKEN_CHARS)
        return api_not_found(c);
    char hash[IDENTITY_HASH_HEX];
    identity_secret_hash(token, hash);
    store_rows *rows;
    store_val p[] = {SV_TEXT(hash)};
    int rc = store_query(c->db,
                         "SELECT f.person_id, pe.time_zone FROM calendar_feeds f JOIN people pe ON "
                         "pe.id = f.person_id "
                         "WHERE f.token_hash = ?1",
                         p, 1, &rows);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    int64_t person = 0;
    char tz[72] = "";
    if (store_next(rows) == 1) {
        person = store_col_int(rows, 0);
        str_fmt(tz, sizeof tz, "%s", store_col_text(rows, 1) ? store_col_text(rows, 1) : "");
    }
    store_rows_free(rows);
    if (!person)
        return api_not_found(c);
    json_t *names = json_object();
    if ((rc = summaries(
             c->db,
             "SELECT m.relationship_id, m.role, pe.name FROM relationship_members m "
             "JOIN participations pa ON pa.id = m.participation_id JOIN people pe ON pe.id = "
             "pa.person_id "
             "WHERE m.relationship_id IN (SELECT m2.relationship_id FROM relationship_members m2 "
             "JOIN participations p2 ON p2.id = m2.participation_id WHERE p2.person_id = ?1) "
             "ORDER BY m.relationship_id, pe.name, m.participation_id",
             person, names)) != STORE_OK) {
        json_decref(names);
        return api_store_failed(c, rc);
    }
    buf cal;
    buf_init(&cal, LIMIT_CALENDAR_BYTES);
    store_val q[] = {SV_INT(person), SV_INT(LIMIT_CALENDAR_EVENTS)};
    int count, result = write_calendar(
                   c, &cal,
                   "SELECT " EVENT_COLS " FROM meetings mt WHERE mt.relationship_id IN "
                   "(SELECT m.relationship_id FROM relationship_members m "
                   "JOIN participations pa ON pa.id = m.participation_id WHERE pa.person_id = ?1) "
                   "ORDER BY mt.starts_at DESC, mt.id DESC LIMIT ?2",
                   q, 2, names, tz, &count);
    if (result == 0)
        result = send_calendar(c, &cal, NULL);
    buf_cleanup(&cal);
    json_decref(names);
    return result;
}

int h_meeting_ics(api_ctx *c)
{
    struct svc_rel r;
    int64_t mid;
    if (rel_open(c, 0, PERM_READ, &r) || api_param_id(c, 1, &mid))
        return -1;
    char tz[72] = "";
    store_rows *rows;
    store_val p[] = {SV_INT(mid), SV_INT(r.id)};
    int rc =
        store_query(c->db, "SELECT time_zone FROM meetings WHERE id = ?1 AND relationship_id = ?2",
                    p, 2, &rows);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    bool found = store_next(rows) == 1;
    if (found)
        str_fmt(tz, sizeof tz, "%s", store_col_text(rows, 0));
    store_rows_free(rows);
    if (!found)
        return api_not_found(c);
    json_t *names = json_object();
    if ((rc = summaries(c->db,
                        "SELECT m.relationship_id, m.role, pe.name FROM relationship_members m "
                        "JOIN participations pa ON pa.id = m.participation_id JOIN people pe ON "
                        "pe.id = pa.person_id "
                        "WHERE m.relationship_id = ?1 ORDER BY pe.name, m.participation_id",
                        r.id, names)) != STORE_OK) {
        json_decref(names);
        return api_store_failed(c, rc);
    }
    buf cal;
    buf_init(&cal, LIMIT_CALENDAR_BYTES);
    char filename[64];
    str_fmt(filename, sizeof filename, "meeting-%lld.ics", (long long)mid);
    int count, result = write_calendar(c, &cal,
                                       "SELECT " EVENT_COLS " FROM meetings mt WHERE mt.id = ?1 "
                                       "AND mt.relationship_id = ?2",
                                       p, 2, names, tz, &count);
    if (result == 0)
        result = send_calendar(c, &cal, filename);
    buf_cleanup(&cal);
    json_decref(names);
    return result;
}
