#include "service/calendar.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/clock.h"
#include "base/str.h"
#include "domain/ical.h"
#include "base/mem.h"
#include "domain/meeting.h"
#include "domain/tz.h"
#include "service/audit.h"
#include "service/workspace.h"

#define EVENT_COLS                                                                                 \
    "mt.id, mt.uid, mt.sequence, mt.starts_at, mt.duration_minutes, mt.time_zone, mt.mode, "       \
    "mt.location, mt.agenda, mt.status, mt.created_at, mt.updated_at, mt.relationship_id, "        \
    "mt.created_by, COALESCE(cp.time_zone, '')"
#define EVENT_FROM "FROM meetings mt LEFT JOIN people cp ON cp.id = mt.created_by "

/* The zone an event is written in: the meeting's own, else (a zone this
 * machine's tz database no longer has) its organiser's, else UTC. */
static const char *event_zone(store_rows *rows)
{
    const char *own = store_col_text(rows, 5), *organiser = store_col_text(rows, 14);
    if (own && tz_known(own))
        return own;
    if (organiser && tz_known(organiser))
        return organiser;
    return "UTC";
}

/* The zones of a calendar's events and the span of each. */
struct zone_span {
    char name[TZ_NAME_BYTES];
    int64_t first, last;
};

struct zone_spans {
    struct zone_span *items;
    size_t n, cap;
};

static void span_add(struct zone_spans *z, const char *zone, int64_t start, int64_t end)
{
    for (size_t i = 0; i < z->n; i++)
        if (str_eq(z->items[i].name, zone)) {
            if (start < z->items[i].first)
                z->items[i].first = start;
            if (end > z->items[i].last)
                z->items[i].last = end;
            return;
        }
    if (z->n == z->cap) {
        z->cap = z->cap ? 2 * z->cap : 4;
        z->items = xrealloc(z->items, z->cap * sizeof *z->items);
    }
    struct zone_span *s = &z->items[z->n++];
    str_copy(s->name, sizeof s->name, zone);
    s->first = start;
    s->last = end;
}

/* A VTIMEZONE for each zone, covering its events and a year either side. */
static int write_zones(buf *out, const struct zone_spans *z)
{
    for (size_t i = 0; i < z->n; i++)
        if (ical_timezone(out, z->items[i].name, z->items[i].first - LIMIT_ICAL_TZ_MARGIN_S,
                          z->items[i].last + LIMIT_ICAL_TZ_MARGIN_S))
            return -1;
    return 0;
}

int svc_calendar_feed_set(store *db, const svc_actor *actor, const char *hash)
{
    store_val p[] = {SV_INT(actor->person_id), SV_TEXT(hash), SV_INT(clock_now())};
    int rc = store_exec(
        db,
        "INSERT INTO calendar_feeds (person_id, token_hash, created_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (person_id) DO UPDATE SET token_hash = excluded.token_hash, "
        "created_at = excluded.created_at",
        p, 3, NULL);
    return rc != STORE_OK ? rc
                          : svc_audit(db, actor, "calendar.feed", "person", actor->person_id, NULL);
}

int svc_calendar_feed_info(store *db, const svc_actor *actor, bool *exists, int64_t *created)
{
    store_val p[] = {SV_INT(actor->person_id)};
    *created = 0;
    int rc = store_query_int(db, "SELECT created_at FROM calendar_feeds WHERE person_id = ?1", p, 1,
                             created);
    *exists = rc == 1;
    return rc < 0 ? rc : STORE_OK;
}

int svc_calendar_feed_revoke(store *db, const svc_actor *actor)
{
    store_val p[] = {SV_INT(actor->person_id)};
    int rc = store_exec(db, "DELETE FROM calendar_feeds WHERE person_id = ?1", p, 1, NULL);
    return rc != STORE_OK
               ? rc
               : svc_audit(db, actor, "calendar.revoke", "person", actor->person_id, NULL);
}

/* "Mentoring: Mentor & Mentee" for each relationship the query's rows
 * (relationship_id, role, name; mentors first) name, keyed by id. */
static int summaries(store *db, const char *sql, int64_t key, json_t *out)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(key)};
    json_t *groups = json_object(); /* id -> [mentors, others] */
    int rc = store_query(db, sql, p, 1, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
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
        rc = STORE_OK;
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
    return rc < 0 ? rc : STORE_OK;
}

/* Writes one VEVENT from a row of EVENT_COLS, with the people given. */
static int write_event(buf *out, store_rows *rows, const json_t *names,
                       const struct ical_person *org, const struct ical_person *att, size_t natt)
{
    char rel_id[24], section[48], link[LIMIT_HTTP_URL_BYTES];
    int64_t rid = store_col_int(rows, 12);
    const char *mode = meeting_mode_words(store_col_text(rows, 6));
    str_fmt(rel_id, sizeof rel_id, "%lld", (long long)rid);
    str_fmt(section, sizeof section, "meetings/%lld", (long long)store_col_int(rows, 0));
    svc_workspace_link(link, sizeof link, rid, section);
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
    buf_printf(&desc, "Mode: %s\nTime zone: %s\n%s", mode, store_col_text(rows, 5), link);
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
        .location = loc && *loc ? loc : mode,
        .url = link,
        .cancelled = str_eq(store_col_text(rows, 9), "cancelled"),
        .organizer = org,
        .attendees = att,
        .n_attendees = natt,
        .tzid = event_zone(rows),
    };
    if (!e.summary)
        e.summary = "Mentoring meeting";
    int rc = ical_event(out, &e);
    buf_cleanup(&desc);
    return rc;
}

int svc_calendar_feed(store *db, const char *prodid, const char *hash, buf *out)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_TEXT(hash)};
    int64_t person = 0;
    char tz[72] = "";
    int rc = store_query(db,
                         "SELECT f.person_id, pe.time_zone FROM calendar_feeds f JOIN people pe "
                         "ON pe.id = f.person_id WHERE f.token_hash = ?1",
                         p, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        person = store_col_int(rows, 0);
        str_fmt(tz, sizeof tz, "%s", store_col_text(rows, 1) ? store_col_text(rows, 1) : "");
        rc = STORE_OK;
    }
    store_rows_free(rows);
    rows = NULL;
    if (rc < 0)
        return rc;
    if (!person)
        return SVC_NOT_FOUND;
    json_t *names = json_object();
    if ((rc = summaries(
             db,
             "SELECT m.relationship_id, m.role, pe.name FROM relationship_members m "
             "JOIN participations pa ON pa.id = m.participation_id JOIN people pe ON pe.id = "
             "pa.person_id WHERE m.relationship_id IN (SELECT m2.relationship_id FROM "
             "relationship_members m2 JOIN participations p2 ON p2.id = m2.participation_id "
             "WHERE p2.person_id = ?1) ORDER BY m.relationship_id, pe.name, m.participation_id",
             person, names)) != STORE_OK)
        goto done;
    store_val q[] = {SV_INT(person), SV_INT(LIMIT_CALENDAR_EVENTS)};
    if ((rc = store_query(db,
                          "SELECT " EVENT_COLS " " EVENT_FROM "WHERE mt.relationship_id IN "
                          "(SELECT m.relationship_id FROM relationship_members m JOIN "
                          "participations pa ON pa.id = m.participation_id WHERE pa.person_id = "
                          "?1) ORDER BY mt.starts_at DESC, mt.id DESC LIMIT ?2",
                          q, 2, &rows)) != STORE_OK)
        goto done;
    /* The events first, apart, to learn which zones they need. */
    buf events;
    buf_init(&events, out->cap);
    struct zone_spans zones = {0};
    int bad = 0;
    while (!bad && (rc = store_next(rows)) == 1) {
        int64_t start = store_col_int(rows, 3);
        span_add(&zones, event_zone(rows), start, start + store_col_int(rows, 4) * 60);
        bad = write_event(&events, rows, names, NULL, NULL, 0);
        rc = STORE_OK;
    }
    if (rc >= 0)
        rc = bad || ical_begin(out, prodid, "PUBLISH", "Mentoring meetings", tz) ||
                     write_zones(out, &zones) || buf_append(out, events.data, events.len) ||
                     ical_end(out)
                 ? SVC_REFUSED
                 : STORE_OK;
    buf_cleanup(&events);
    free(zones.items);
done:
    store_rows_free(rows);
    json_decref(names);
    return rc;
}

int svc_calendar_meeting(store *db, const char *prodid, const struct svc_rel *r, int64_t mid,
                         buf *out)
{
    return svc_calendar_invitation(db, prodid, r, mid, NULL, out);
}

int svc_calendar_invitation(store *db, const char *prodid, const struct svc_rel *r, int64_t mid,
                            const char *method, buf *out)
{
    store_rows *rows = NULL;
    json_t *names = json_object();
    struct svc_ws_person who[LIMIT_RELATIONSHIP_MEMBERS];
    struct ical_person att[LIMIT_RELATIONSHIP_MEMBERS];
    size_t n = 0;
    const svc_actor nobody = {0}; /* every member */
    int rc = summaries(db,
                       "SELECT m.relationship_id, m.role, pe.name FROM relationship_members m "
                       "JOIN participations pa ON pa.id = m.participation_id JOIN people pe ON "
                       "pe.id = pa.person_id WHERE m.relationship_id = ?1 ORDER BY pe.name, "
                       "m.participation_id",
                       r->id, names);
    if (rc == STORE_OK)
        rc = svc_workspace_others(db, &nobody, r->id, who, &n);
    store_val p[] = {SV_INT(mid), SV_INT(r->id)};
    if (rc == STORE_OK)
        rc = store_query(db,
                         "SELECT " EVENT_COLS " " EVENT_FROM "WHERE mt.id = ?1 AND "
                         "mt.relationship_id = ?2",
                         p, 2, &rows);
    if (rc != STORE_OK || (rc = store_next(rows)) != 1) {
        rc = rc == 0 ? SVC_NOT_FOUND : rc;
        goto done;
    }
    const struct ical_person *org = NULL;
    int64_t creator = store_col_null(rows, 13) ? 0 : store_col_int(rows, 13);
    for (size_t i = 0; i < n; i++) {
        att[i] = (struct ical_person){.name = who[i].name, .email = who[i].email};
        if (who[i].person_id == creator)
            org = &att[i];
    }
    if (!org && n)
        org = &att[0]; /* the mentor, or the first peer */
    bool cancelled = str_eq(store_col_text(rows, 9), "cancelled");
    if (!method)
        method = cancelled ? "CANCEL" : "PUBLISH";
    struct zone_spans zones = {0};
    int64_t start = store_col_int(rows, 3);
    span_add(&zones, event_zone(rows), start, start + store_col_int(rows, 4) * 60);
    int bad = ical_begin(out, prodid, method, NULL, event_zone(rows)) || write_zones(out, &zones) ||
              write_event(out, rows, names, org, att, n) || ical_end(out);
    free(zones.items);
    if (bad)
        rc = SVC_REFUSED;
    else
        rc = SVC_OK;
done:
    store_rows_free(rows);
    json_decref(names);
    return rc;
}
