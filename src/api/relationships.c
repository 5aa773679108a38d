/* relationships.c - creating relationships (by hand; publishing and
 * accepted requests call rel_create too), listing them, and their status:
 * pause, resume, closing, closure with reflection, ending early without
 * blame, renewal (product.md §5-6). */
#include <stdio.h>
#include <string.h>

#include "api/enrolment.h"
#include "api/handlers.h"
#include "api/participants.h"
#include "api/relationship.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/str.h"
#include "domain/relationship.h"
#include "service/outbox.h"
#include "service/program.h"

/* Locks participation `id` (a no-op write takes the row lock on PostgreSQL;
 * SQLite holds the database lock already) and reads what the rules need.
 * 1 found with that role in the program, 0 not, < 0 store status. */
static int lock_part(store *db, int64_t program, int64_t id, const char *role, int64_t *person,
                     int *status, int64_t *capacity, int64_t *wants, bool *trained)
{
    store_val p[] = {SV_INT(id), SV_INT(program), SV_TEXT(role)};
    int64_t changed = 0;
    int rc = store_exec(
        db,
        "UPDATE participations SET updated_at = updated_at WHERE id = ?1 AND program_id = ?2 "
        "AND role = ?3",
        p, 3, &changed);
    if (rc != STORE_OK)
        return rc;
    if (changed != 1)
        return 0;
    store_rows *rows;
    store_val q[] = {SV_INT(id)};
    if ((rc = store_query(
             db,
             "SELECT person_id, status, COALESCE(capacity, 1), COALESCE(wants, 1), "
             "(SELECT COUNT(*) FROM participation_stages s WHERE s.participation_id = pa.id "
             " AND s.stage = 'trained') FROM participations pa WHERE id = ?1",
             q, 1, &rows)) != STORE_OK)
        return rc;
    rc = store_next(rows);
    if (rc == 1) {
        *person = store_col_int(rows, 0);
        *status = stage_parse(store_col_text(rows, 1));
        *capacity = store_col_int(rows, 2);
        *wants = store_col_int(rows, 3);
        *trained = store_col_int(rows, 4) > 0;
    }
    store_rows_free(rows);
    return rc;
}

/* Open relationships the participation is a member of, in *n; a store status. */
static int open_count(store *db, int64_t part, int64_t *n)
{
    *n = 0;
    store_val p[] = {SV_INT(part)};
    int rc = store_query_int(
        db,
        "SELECT COUNT(*) FROM relationship_members m JOIN relationships r ON r.id = "
        "m.relationship_id "
        "WHERE m.participation_id = ?1 AND r.status IN ('active', 'paused', 'closing')",
        p, 1, n);
    return rc < 0 ? rc : STORE_OK;
}

static bool matchable(int status)
{
    /* Approved onwards, and a mentee whose relationship ended may be matched again. */
    return status >= STAGE_APPROVED && status != STAGE_DECLINED && status != STAGE_WITHDRAWN;
}

int rel_create(api_ctx *c, int64_t program_id, const struct program_config *cfg, int64_t mentor,
               const int64_t *mentees, size_t n, const char *source, int64_t run_id, int64_t *id,
               verr *e)
{
    bool gate = cfg->training.required_before_matching;
    bool pdr = cfg->matching.power_differential_rule;
    bool peer = mentor == 0;
    int64_t mperson = 0, cap = 0, wants, now = clock_now();
    int status = 0, rc;
    bool trained = false;
    char f[64];
    if (n == 0 || n > LIMIT_RELATIONSHIP_MEMBERS - 1)
        return svc_fail(e, SVC_REFUSED, "mentees", "a relationship has 1 to %d mentees",
                        LIMIT_RELATIONSHIP_MEMBERS - 1);
    if (peer && n < 2)
        return svc_fail(e, SVC_REFUSED, "peers", "a peer circle has at least two members");
    if (!peer) {
        rc = lock_part(c->db, program_id, mentor, "mentor", &mperson, &status, &cap, &wants,
                       &trained);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return svc_fail(e, SVC_REFUSED, "mentor", "%lld is not a mentor in this program",
                            (long long)mentor);
        if (!matchable(status))
            return svc_fail(e, SVC_REFUSED, "mentor", "the mentor is not approved (%s)",
                            stage_name((enum stage)status));
        if (gate && !trained)
            return svc_fail(e, SVC_REFUSED, "mentor", "the mentor has not completed training");
        int64_t open;
        if ((rc = open_count(c->db, mentor, &open)) != STORE_OK)
            return rc;
        if (open + (int64_t)n > cap)
            return svc_fail(e, SVC_REFUSED, "mentor", "the mentor is at capacity (%lld)",
                            (long long)cap);
    }
    int64_t persons[LIMIT_RELATIONSHIP_MEMBERS];
    for (size_t i = 0; i < n; i++) {
        str_fmt(f, sizeof f, "%s[%zu]", peer ? "peers" : "mentees", i);
        int64_t mcap, mwants, person;
        int st;
        bool tr;
        rc = lock_part(c->db, program_id, mentees[i], peer ? "mentor" : "mentee", &person, &st,
                       &mcap, &mwants, &tr);
        if (rc == 0 && peer)
            rc = lock_part(c->db, program_id, mentees[i], "mentee", &person, &st, &mcap, &mwants,
                           &tr);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return svc_fail(e, SVC_REFUSED, f, "%lld is not a %s in this program",
                            (long long)mentees[i], peer ? "participant" : "mentee");
        if (!matchable(st))
            return svc_fail(e, SVC_REFUSED, f, "not approved (%s)", stage_name((enum stage)st));
        if (gate && !tr)
            return svc_fail(e, SVC_REFUSED, f, "has not completed training");
        int64_t open = 0;
        if (!peer && (rc = open_count(c->db, mentees[i], &open)) != STORE_OK)
            return rc;
        if (!peer && open + 1 > mwants)
            return svc_fail(e, SVC_REFUSED, f, "has all the mentors they want (%lld)",
                            (long long)mwants);
        for (size_t k = 0; k < i; k++)
            if (persons[k] == person)
                return svc_fail(e, SVC_REFUSED, f, "is listed twice");
        if (!peer && person == mperson)
            return svc_fail(e, SVC_REFUSED, f, "a person is never matched with themself");
        persons[i] = person;
        if (!peer) {
            if (pdr) {
                int64_t managed = 0;
                store_val q[] = {SV_INT(person), SV_INT(mperson)};
                if ((rc = store_query_int(
                         c->db,
                         "SELECT COUNT(*) FROM people a JOIN people b ON a.id = ?1 AND b.id = ?2 "
                         "WHERE a.manager_id = b.id OR b.manager_id = a.id",
                         q, 2, &managed)) < 0)
                    return rc;
                if (managed)
                    return svc_fail(
                        e, SVC_REFUSED, f,
                        "the mentor is their manager or direct report (power-differential rule)");
            }
            int64_t before = 0;
            store_val d[] = {SV_INT(mentees[i]), SV_INT(mentor)};
            if ((rc = store_query_int(
                     c->db,
                     "SELECT COUNT(*) FROM relationship_members a JOIN relationship_members b "
                     "ON a.relationship_id = b.relationship_id WHERE a.participation_id = ?1 "
                     "AND b.participation_id = ?2",
                     d, 2, &before)) < 0)
                return rc;
            if (before)
                return svc_fail(e, SVC_REFUSED, f,
                                "this pair has been matched in this program before");
        }
    }
    const char *kind = peer ? "peer" : n > 1 ? "group" : "one_to_one";
    int months = cfg->duration_months;
    store_val r[] = {SV_INT(program_id), SV_TEXT(kind),
                     SV_INT(now),        SV_INT(rel_planned_end(now, months ? months : 12)),
                     SV_TEXT(source),    run_id ? SV_INT(run_id) : SV_NULL};
    store_rows *rows;
    if ((rc = store_query(
             c->db,
             "INSERT INTO relationships (program_id, kind, phase_started_at, started_at, "
             "planned_end_at, "
             "source, run_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?3, ?3) "
             "RETURNING id",
             r, 6, &rows)) != STORE_OK)
        return rc;
    *id = store_next(rows) == 1 ? store_col_int(rows, 0) : 0;
    store_rows_free(rows);
    if (!*id)
        return STORE_ERROR;
    for (size_t i = 0; i <= n; i++) {
        if (i == n && peer)
            break;
        int64_t part = i < n ? mentees[i] : mentor;
        store_val m[] = {SV_INT(*id), SV_INT(part),
                         SV_TEXT(peer    ? "peer"
                                 : i < n ? "mentee"
                                         : "mentor")};
        if ((rc = store_exec(c->db,
                             "INSERT INTO relationship_members (relationship_id, participation_id, "
                             "role) VALUES (?1, ?2, ?3)",
                             m, 3, NULL)) != STORE_OK)
            return rc;
    }
    if ((rc = rel_stage_all(c->db, *id, STAGE_MATCHED, now)) != STORE_OK)
        return rc;
    /* Both parties are told, and where to start. */
    struct rel made = {.id = *id, .program_id = program_id};
    char body[600];
    str_fmt(body, sizeof body,
            "You have been matched in a mentoring relationship. Sign in to meet your %s, "
            "agree your partnership and set your first goals:\n%s/relationships/%lld\n",
            peer ? "peers" : "partner", api_config()->public_url, (long long)*id);
    struct api_actor saved = c->actor;
    c->actor.person_id = 0; /* mail every member, the actor included */
    rc = rel_notify_others(c, &made, "matched", "You have been matched", body);
    c->actor = saved;
    return rc;
}

json_t *rel_json(api_ctx *c, const struct rel *r, const struct program_config *cfg)
{
    const json_t *phase = program_phase(cfg, r->phase);
    json_t *o = json_pack(
        "{s:I, s:I, s:s, s:s, s:i, s:O, s:i, s:o, s:o, s:o, s:i, s:i, s:I, s:o, s:b}", "id",
        (json_int_t)r->id, "program_id", (json_int_t)r->program_id, "kind", r->kind, "status",
        r->status, "phase", r->phase, "phase_name",
        phase ? json_object_get(phase, "name") : json_null(), "phase_count", (int)cfg->phases.count,
        "phase_started_at", api_time(r->phase_started_at), "started_at", api_time(r->started_at),
        "planned_end_at", api_time(r->planned_end_at), "renewals", r->renewals, "renewals_allowed",
        cfg->renewals, "version", (json_int_t)r->version, "members", rel_members_json(c->db, r->id),
        "alumni", strcmp(r->status, "completed") == 0);
    json_object_set_new(o, "ended_at", r->ended_at ? api_time(r->ended_at) : json_null());
    json_object_set_new(o, "my_role", r->my_part ? json_string(r->my_role) : json_null());
    return o;
}

int h_relationship_create(api_ctx *c)
{
    int64_t pid;
    if (api_program_access(c, 0, PERM_OTHER_PROFILE, PERM_WRITE,
                           "only the program's coordinators pair people by hand", &pid, NULL))
        return -1;
    json_t *body;
    struct program_config cfg = {0};
    if (api_body_object(c, &body))
        return -1;
    static const char *const keys[] = {"mentor", "mentees", "peers", NULL};
    verr e = {0};
    int64_t mentor = 0, ids[LIMIT_RELATIONSHIP_MEMBERS];
    json_t *list;
    int result = -1, rc;
    size_t n = 0;
    bool peer = json_object_get(body, "peers") != NULL;
    if (v_known_keys(body, "", keys, &e) ||
        (!peer && v_int(body, "mentor", "", 1, INT64_MAX / 2, 0, true, &mentor, &e)) ||
        v_array(body, peer ? "peers" : "mentees", "", LIMIT_RELATIONSHIP_MEMBERS - 1, &list, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        if (!json_is_integer(v)) {
            char f[32];
            str_fmt(f, sizeof f, "%s[%zu]", peer ? "peers" : "mentees", i);
            result = api_problem(c, 422, f, "%s: must be a participation id", f);
            goto done;
        }
        ids[n++] = json_integer_value(v);
    }
    if ((rc = svc_program_config(c->db, pid, &cfg, NULL, 0)) != SVC_OK) {
        result = api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
        goto done;
    }
    int64_t id;
    rc = rel_create(c, pid, &cfg, peer ? 0 : mentor, ids, n, "manual", 0, &id, &e);
    if (rc != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    api_audit(c, "relationship.create", "relationship", id, NULL);
    struct rel r;
    if ((rc = rel_load(c, id, PERM_READ, &r)) != SVC_OK) {
        result = api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
        goto done;
    }
    result = api_json(c, 201, rel_json(c, &r, &cfg));
done:
    program_config_cleanup(&cfg);
    json_decref(body);
    return result;
}

int h_relationships_list(api_ctx *c)
{
    int64_t pid;
    perm_roles roles;
    if (api_program_access(c, 0, PERM_RELATIONSHIP, PERM_READ,
                           "stakeholders see reports, not relationships", &pid, &roles))
        return -1;
    bool all = perm_allows(roles, PERM_OTHER_PROFILE, PERM_READ);
    int64_t limit, offset;
    if (api_page(c, &limit, &offset))
        return -1;
    const char *status = http_req_query(c->req, "status");
    struct program_config cfg;
    int rc = svc_program_config(c->db, pid, &cfg, NULL, 0);
    if (rc != SVC_OK)
        return api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
    store_rows *rows;
    store_val p[] = {SV_INT(pid), SV_INT(all ? 0 : c->actor.person_id), SV_TEXT(status),
                     SV_INT(limit), SV_INT(offset)};
    rc = store_query(
        c->db,
        "SELECT r.id FROM relationships r WHERE r.program_id = ?1 "
        "AND (CAST(?3 AS TEXT) IS NULL OR r.status = ?3) AND (?2 = 0 OR EXISTS ("
        " SELECT 1 FROM relationship_members m JOIN participations pa ON pa.id = "
        "m.participation_id "
        " WHERE m.relationship_id = r.id AND pa.person_id = ?2)) ORDER BY r.id LIMIT ?4 OFFSET ?5",
        p, 5, &rows);
    if (rc != STORE_OK) {
        program_config_cleanup(&cfg);
        return api_store_failed(c, rc);
    }
    int64_t ids[LIMIT_PAGE_MAX];
    size_t n = 0;
    while (n < LIMIT_PAGE_MAX && store_next(rows) == 1)
        ids[n++] = store_col_int(rows, 0);
    store_rows_free(rows);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        struct rel r;
        if ((rc = rel_load(c, ids[i], PERM_READ, &r)) < 0) {
            json_decref(items);
            program_config_cleanup(&cfg);
            return api_store_failed(c, rc);
        }
        if (rc == SVC_OK)
            json_array_append_new(items, rel_json(c, &r, &cfg));
    }
    program_config_cleanup(&cfg);
    return api_json(c, 200,
                    json_pack("{s:o, s:I, s:I}", "items", items, "limit", (json_int_t)limit,
                              "offset", (json_int_t)offset));
}

int h_relationship_get(api_ctx *c)
{
    struct rel r;
    if (rel_open(c, 0, PERM_READ, &r))
        return -1;
    struct program_config cfg;
    int rc = svc_program_config(c->db, r.program_id, &cfg, NULL, 0);
    if (rc != SVC_OK)
        return api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
    json_t *out = rel_json(c, &r, &cfg);
    program_config_cleanup(&cfg);
    return api_json(c, 200, out);
}

/* Stores the actor's reflection (what was learned, next steps, feedback). */
static int save_reflection(api_ctx *c, const struct rel *r, const json_t *refl, verr *e)
{
    static const char *const keys[] = {"learned", "next_steps", "program_feedback", NULL};
    const char *learned, *next, *feedback;
    if (!json_is_object(refl))
        return svc_fail(e, SVC_INVALID, "reflection", "must be an object");
    if (v_known_keys(refl, "reflection", keys, e) ||
        v_string(refl, "learned", "reflection", true, false, LIMIT_TEXT_BYTES, NULL, &learned, e) ||
        v_string(refl, "next_steps", "reflection", false, true, LIMIT_TEXT_BYTES, "", &next, e) ||
        v_string(refl, "program_feedback", "reflection", false, true, LIMIT_TEXT_BYTES, "",
                 &feedback, e))
        return SVC_INVALID;
    store_val p[] = {SV_INT(r->id), SV_INT(r->my_part), SV_TEXT(learned),
                     SV_TEXT(next), SV_TEXT(feedback),  SV_INT(clock_now())};
    return store_exec(
        c->db,
        "INSERT INTO reflections (relationship_id, participation_id, learned, next_steps, "
        "program_feedback, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
        "ON CONFLICT (relationship_id, participation_id) DO UPDATE SET learned = excluded.learned, "
        "next_steps = excluded.next_steps, program_feedback = excluded.program_feedback",
        p, 6, NULL);
}

/* Mails the program's coordinators. */
static int tell_coordinators(api_ctx *c, int64_t program, const char *kind, const char *subject,
                             const char *body)
{
    store_rows *rows;
    store_val p[] = {SV_INT(program)};
    int rc = store_query(
        c->db,
        "SELECT pe.email, pe.id FROM participations pa JOIN people pe ON pe.id = pa.person_id "
        "WHERE pa.program_id = ?1 AND pa.role = 'coordinator' AND pa.status = 'approved'",
        p, 1, &rows);
    if (rc != STORE_OK)
        return rc;
    char to[16][LIMIT_EMAIL_BYTES + 1];
    int64_t ids[16];
    int n = 0;
    while (n < 16 && store_next(rows) == 1) {
        str_fmt(to[n], sizeof to[n], "%s", store_col_text(rows, 0));
        ids[n++] = store_col_int(rows, 1);
    }
    store_rows_free(rows);
    for (int i = 0; i < n && rc == STORE_OK; i++)
        rc = svc_outbox_add(c->db, to[i], ids[i], program, kind, subject, body, clock_now());
    return rc;
}

int h_relationship_patch(api_ctx *c)
{
    struct rel r;
    if (rel_open(c, 0, PERM_READ, &r))
        return -1;
    bool coordinator = perm_coordinates(r.roles);
    if (!r.my_part && !coordinator)
        return api_not_found(c);
    json_t *body;
    struct program_config cfg = {0};
    if (api_body_object(c, &body))
        return -1;
    static const char *const keys[] = {"action", "reason", "reflection", "version", NULL};
    verr e = {0};
    const char *action_s, *reason;
    int64_t version;
    int result = -1, rc;
    if (v_known_keys(body, "", keys, &e) ||
        v_string(body, "action", "", true, false, 32, NULL, &action_s, &e) ||
        v_string(body, "reason", "", false, true, LIMIT_REASON_BYTES, "", &reason, &e) ||
        v_int(body, "version", "", 1, INT64_MAX / 2, r.version, false, &version, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    int action = rel_action_parse(action_s);
    if (action < 0) {
        result =
            api_problem(c, 422, "action",
                        "action: one of pause, resume, start_closing, close, end_early, renew");
        goto done;
    }
    if (version != r.version) {
        result =
            api_problem(c, 409, "version", "the relationship changed meanwhile (now version %lld)",
                        (long long)r.version);
        goto done;
    }
    if ((action == REL_PAUSE || action == REL_RESUME || action == REL_RENEW) && !r.my_part &&
        !coordinator) {
        result = api_not_found(c);
        goto done;
    }
    if ((rc = svc_program_config(c->db, r.program_id, &cfg, NULL, 0)) != SVC_OK) {
        result = api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
        goto done;
    }
    int allowed = cfg.renewals;
    const char *next = NULL,
               *why = rel_transition(r.status, (enum rel_action)action, r.renewals, allowed, &next);
    if (why) {
        result = api_problem(c, 409, "action", "action: %s", why);
        goto done;
    }
    int64_t now = clock_now();
    json_t *refl = json_object_get(body, "reflection");
    if (refl) {
        if (!r.my_part) {
            result = api_problem(c, 422, "reflection",
                                 "reflection: only the partners write reflections");
            goto done;
        }
        if ((rc = save_reflection(c, &r, refl, &e)) != SVC_OK) {
            result = api_fail(c, rc, &e);
            goto done;
        }
    }
    if (action == REL_CLOSE && r.my_part) {
        int64_t has = 0;
        store_val q[] = {SV_INT(r.id), SV_INT(r.my_part)};
        if ((rc = store_query_int(c->db,
                                  "SELECT COUNT(*) FROM reflections WHERE relationship_id = ?1 "
                                  "AND participation_id = ?2",
                                  q, 2, &has)) < 0) {
            result = api_store_failed(c, rc);
            goto done;
        }
        if (!has) {
            result = api_problem(c, 422, "reflection",
                                 "reflection: closing asks what you learned (reflection.learned)");
            goto done;
        }
    }
    int64_t end = r.planned_end_at;
    if (action == REL_RENEW) {
        int months = cfg.duration_months;
        end = rel_planned_end(r.planned_end_at, months ? months : 12);
    }
    bool ending = action == REL_CLOSE || action == REL_END_EARLY;
    store_val u[] = {SV_INT(r.id),
                     SV_TEXT(next),
                     SV_INT(now),
                     SV_INT(end),
                     SV_INT(action == REL_RENEW ? 1 : 0),
                     ending ? SV_INT(now) : SV_NULL,
                     SV_TEXT(ending && *reason ? reason : NULL),
                     SV_INT(r.version)};
    int64_t changed = 0;
    rc = store_exec(c->db,
                    "UPDATE relationships SET status = ?2, updated_at = ?3, planned_end_at = ?4, "
                    "renewals = renewals + ?5, ended_at = COALESCE(?6, ended_at), "
                    "end_reason = COALESCE(CAST(?7 AS TEXT), end_reason), version = version + 1 "
                    "WHERE id = ?1 AND version = ?8",
                    u, 8, &changed);
    if (rc != STORE_OK || changed != 1) {
        result = rc != STORE_OK ? api_store_failed(c, rc)
                                : api_problem(c, 409, "version", "changed meanwhile; retry");
        goto done;
    }
    if (action == REL_CLOSE) {
        rc = rel_stage_all(c->db, r.id, STAGE_COMPLETED, now);
        if (rc == STORE_OK)
            rc = rel_notify_others(
                c, &r, "closed", "Your mentoring relationship is complete",
                "Your mentoring relationship has been closed. Thank you! You stay connected "
                "as alumni; write your reflection if you have not yet.");
    } else if (action == REL_END_EARLY) {
        /* Without blame: the mentee may be matched again. */
        store_val q[] = {SV_INT(r.id), SV_INT(now)};
        rc = store_exec(c->db,
                        "INSERT INTO participation_stages (participation_id, stage, reached_at) "
                        "SELECT participation_id, 'ended_early', ?2 FROM relationship_members "
                        "WHERE relationship_id = ?1 "
                        "ON CONFLICT (participation_id, stage) DO NOTHING",
                        q, 2, NULL);
        /* The mentees (or peers) leave the funnel here until matched again;
         * a mentor may have other mentees, so their status stays. */
        if (rc == STORE_OK)
            rc = store_exec(
                c->db,
                "UPDATE participations SET status = 'ended_early', updated_at = ?2 WHERE id IN ("
                "SELECT participation_id FROM relationship_members WHERE relationship_id = ?1 "
                "AND role IN ('mentee', 'peer'))",
                q, 2, NULL);
        if (rc == STORE_OK)
            rc = rel_notify_others(
                c, &r, "ended_early", "Your mentoring relationship has ended",
                "Your mentoring relationship has ended early. That happens, and nobody is to "
                "blame. Your coordinator can help you find a new match if you wish.");
        if (rc == STORE_OK) {
            char text[2200];
            str_fmt(text, sizeof text, "Relationship %lld ended early.%s%s\n", (long long)r.id,
                    *reason ? " Reason given: " : "", reason);
            rc = tell_coordinators(c, r.program_id, "ended_early", "A relationship ended early",
                                   text);
        }
    }
    if (rc != STORE_OK) {
        result = api_store_failed(c, rc);
        goto done;
    }
    api_audit(c, "relationship.update", "relationship", r.id,
              json_pack("{s:s}", "action", action_s));
    if ((rc = rel_load(c, r.id, PERM_READ, &r)) != SVC_OK) {
        result = api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
        goto done;
    }
    result = api_json(c, 200, rel_json(c, &r, &cfg));
done:
    program_config_cleanup(&cfg);
    json_decref(body);
    return result;
}
