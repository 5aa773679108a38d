/* meetings.c - GET, POST /relationships/{rid}/meetings; GET, PATCH
 * meetings/{mid}: a relationship's meetings (product.md §2, §6). The
 * rules are service/meeting.h's and domain/meeting.h's; the .ics is
 * calendar.c's. */
#include <string.h>

#include "api/handlers.h"
#include "api/relationship.h"
#include "base/clock.h"
#include "base/str.h"
#include "domain/meeting.h"
#include "service/meeting.h"
#include "service/program.h"

static json_t *meeting_json(const struct svc_meeting *m)
{
    char ics[128], page[96];
    str_fmt(ics, sizeof ics, "/api/v1/relationships/%lld/meetings/%lld.ics",
            (long long)m->relationship_id, (long long)m->id);
    str_fmt(page, sizeof page, "/relationships/%lld/meetings/%lld", (long long)m->relationship_id,
            (long long)m->id);
    json_t *att = json_array();
    for (size_t i = 0; i < m->nattendance; i++) {
        const struct svc_attendance *a = &m->attendance[i];
        json_t *o = json_pack(
            "{s:I, s:I, s:s, s:s}", "participation_id", (json_int_t)a->who.participation_id,
            "person_id", (json_int_t)a->who.person_id, "name", a->who.name, "role", a->who.role);
        json_object_set_new(o, "attended",
                            a->attended < 0 ? json_null() : json_boolean(a->attended));
        json_array_append_new(att, o);
    }
    json_t *o = json_pack(
        "{s:I, s:I, s:s, s:I, s:o, s:o, s:I, s:s, s:s, s:s, s:O, s:O, s:s, s:o, s:o, s:s, s:s, "
        "s:o}",
        "id", (json_int_t)m->id, "relationship_id", (json_int_t)m->relationship_id, "uid", m->uid,
        "sequence", (json_int_t)m->sequence, "starts_at", api_time(m->starts_at), "ends_at",
        api_time(m->starts_at + m->duration_minutes * 60), "duration_minutes",
        (json_int_t)m->duration_minutes, "time_zone", m->time_zone, "mode", m->mode, "location",
        m->location ? m->location : "", "agenda", m->agenda, "recap",
        m->recap ? m->recap : json_null(), "status", m->status, "created_at",
        api_time(m->created_at), "updated_at", api_time(m->updated_at), "ics_url", ics, "url", page,
        "attendance", att);
    json_object_set_new(o, "created_by", m->created_by ? json_integer(m->created_by) : json_null());
    json_object_set_new(o, "my_rating", m->my_rating ? json_integer(m->my_rating) : json_null());
    json_object_set_new(o, "started", json_boolean(m->starts_at <= clock_now()));
    return o;
}

int h_meetings_list(api_ctx *c)
{
    struct svc_rel r;
    int64_t limit, offset, total;
    struct svc_meeting *ms;
    size_t n;
    char zone[72];
    if (rel_open(c, 0, PERM_READ, &r) || api_page(c, &limit, &offset))
        return -1;
    svc_actor actor = api_actor(c);
    int rc = svc_meeting_list(c->db, &actor, &r, limit, offset, &ms, &n, &total);
    if (rc != STORE_OK || (rc = svc_meeting_default_zone(c->db, &actor, &r, zone)) != STORE_OK) {
        if (rc == STORE_OK)
            svc_meetings_free(ms, n);
        return api_fail(c, rc, NULL);
    }
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, meeting_json(&ms[i]));
    svc_meetings_free(ms, n);
    return api_json(c, 200,
                    json_pack("{s:o, s:I, s:I, s:I, s:s}", "items", items, "total",
                              (json_int_t)total, "limit", (json_int_t)limit, "offset",
                              (json_int_t)offset, "default_time_zone", zone));
}

int h_meeting_get(api_ctx *c)
{
    struct svc_rel r;
    struct svc_meeting m;
    int64_t mid;
    if (rel_open(c, 0, PERM_READ, &r) || api_param_id(c, 1, &mid))
        return -1;
    svc_actor actor = api_actor(c);
    int rc = svc_meeting_get(c->db, &actor, &r, mid, &m);
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL);
    json_t *o = meeting_json(&m);
    svc_meeting_cleanup(&m);
    return api_json(c, 200, o);
}

static int meeting_reply(api_ctx *c, int status, int rc, struct svc_meeting *m, verr *e)
{
    if (rc != SVC_OK)
        return api_fail(c, rc, e);
    int result = api_json(c, status, meeting_json(m));
    svc_meeting_cleanup(m);
    return result;
}

int h_meeting_create(api_ctx *c)
{
    struct svc_rel r;
    json_t *body = NULL, *recap = NULL;
    struct program_config cfg = {0};
    struct svc_meeting m = {0};
    struct meeting_change in = {0};
    verr e = {0};
    int result = -1, rc;
    if (rel_open(c, 0, PERM_WRITE, &r) || api_body_object(c, &body))
        goto done;
    if (meeting_change_read(body, true, &in, &recap, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    if ((rc = svc_program_config(c->db, r.program_id, &cfg, NULL, 0)) != SVC_OK) {
        result = api_fail(c, rc < 0 ? rc : STORE_ERROR, NULL);
        goto done;
    }
    svc_actor actor = api_actor(c);
    result =
        meeting_reply(c, 201, svc_meeting_create(c->db, &actor, &r, &cfg, &in, &m, &e), &m, &e);
done:
    program_config_cleanup(&cfg);
    json_decref(recap);
    json_decref(body);
    return result;
}

int h_meeting_patch(api_ctx *c)
{
    struct svc_rel r;
    json_t *body = NULL, *recap = NULL;
    struct svc_meeting m = {0};
    struct meeting_change in = {0};
    verr e = {0};
    int64_t mid;
    int result = -1;
    if (rel_open(c, 0, PERM_WRITE, &r) || api_param_id(c, 1, &mid) || api_body_object(c, &body))
        goto done;
    if (meeting_change_read(body, false, &in, &recap, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    result = meeting_reply(c, 200, svc_meeting_update(c->db, &actor, &r, mid, &in, &m, &e), &m, &e);
done:
    json_decref(recap);
    json_decref(body);
    return result;
}
