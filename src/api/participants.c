/* participants.c - enrolment: applications, invitations by coordinators,
 * review (approve / decline, one by one or in bulk), withdrawal and
 * profiles (product.md §2-4, §9). */
#include <stdio.h>
#include <string.h>

#include "api/enrolment.h"
#include "api/handlers.h"
#include "api/identity.h"
#include "api/participants.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/mem.h"
#include "base/str.h"
#include "domain/profile.h"
#include "domain/program.h"
#include "service/identity.h"
#include "service/program.h"
#include "service/participation.h"
#include "service/outbox.h"

#define PART_COLS                                                                                  \
    "pa.id, pa.program_id, pa.person_id, pa.role, pa.status, pa.profile, pa.application, "         \
    "pa.capacity, pa.wants, pa.created_at, pa.updated_at"

static void read_row(store_rows *r, struct participation *p)
{
    p->id = store_col_int(r, 0);
    p->program_id = store_col_int(r, 1);
    p->person_id = store_col_int(r, 2);
    str_fmt(p->role, sizeof p->role, "%s", store_col_text(r, 3));
    int s = stage_parse(store_col_text(r, 4));
    p->status = s < 0 ? STAGE_INVITED : (enum stage)s;
    p->profile = json_loads(store_col_text(r, 5), 0, NULL);
    p->application = json_loads(store_col_text(r, 6), 0, NULL);
    if (!p->profile)
        p->profile = json_object();
    if (!p->application)
        p->application = json_object();
    p->capacity = store_col_int(r, 7);
    p->wants = store_col_int(r, 8);
    p->created_at = store_col_int(r, 9);
    p->updated_at = store_col_int(r, 10);
}

void participation_cleanup(struct participation *p)
{
    if (!p)
        return;
    json_decref(p->profile);
    json_decref(p->application);
    p->profile = p->application = NULL;
}

int participation_load(store *db, int64_t program_id, int64_t id, struct participation *out)
{
    memset(out, 0, sizeof *out);
    store_rows *rows;
    store_val p[] = {SV_INT(id), SV_INT(program_id)};
    int rc = store_query(
        db, "SELECT " PART_COLS " FROM participations pa WHERE pa.id = ?1 AND pa.program_id = ?2",
        p, 2, &rows);
    if (rc != STORE_OK)
        return rc;
    rc = store_next(rows);
    if (rc == 1)
        read_row(rows, out);
    store_rows_free(rows);
    return rc;
}

/* The stages a participation reached, {"invited": "2026-...", ...}. */
static json_t *stages_json(store *db, int64_t id)
{
    json_t *o = json_object();
    store_rows *rows;
    store_val p[] = {SV_INT(id)};
    if (store_query(
            db, "SELECT stage, reached_at FROM participation_stages WHERE participation_id = ?1", p,
            1, &rows) != STORE_OK)
        return o;
    while (store_next(rows) == 1)
        json_object_set_new(o, store_col_text(rows, 0), api_time(store_col_int(rows, 1)));
    store_rows_free(rows);
    return o;
}

static json_t *completed_modules(store *db, int64_t id)
{
    json_t *a = json_array();
    store_rows *rows;
    store_val p[] = {SV_INT(id)};
    if (store_query(db,
                    "SELECT module_id FROM training_completions WHERE participation_id = ?1 ORDER "
                    "BY module_id",
                    p, 1, &rows) != STORE_OK)
        return a;
    while (store_next(rows) == 1)
        json_array_append_new(a, json_string(store_col_text(rows, 0)));
    store_rows_free(rows);
    return a;
}

/* The full participation as the API shows it. */
static json_t *participation_json(api_ctx *c, const struct participation *p,
                                  const struct program_config *cfg)
{
    json_t *person = NULL;
    store_rows *rows;
    store_val q[] = {SV_INT(p->person_id)};
    if (store_query(c->db,
                    "SELECT id, name, email, department, job_title, job_level, location, time_zone "
                    "FROM people WHERE id = ?1",
                    q, 1, &rows) == STORE_OK) {
        if (store_next(rows) == 1) {
            person = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)store_col_int(rows, 0), "name",
                               store_col_text(rows, 1), "email", store_col_text(rows, 2));
            static const char *const cols[] = {"department", "job_title", NULL, "location",
                                               "time_zone"};
            for (int i = 0; i < 5; i++)
                if (cols[i])
                    json_object_set_new(person, cols[i],
                                        store_col_null(rows, 3 + i)
                                            ? json_null()
                                            : json_string(store_col_text(rows, 3 + i)));
            json_object_set_new(person, "job_level",
                                store_col_null(rows, 5) ? json_null()
                                                        : json_integer(store_col_int(rows, 5)));
        }
        store_rows_free(rows);
    }
    const json_t *criteria = cfg->matching.criteria;
    json_t *o = json_pack(
        "{s:I, s:I, s:o, s:s, s:s, s:O, s:O, s:f, s:O, s:o, s:o, s:o, s:o}", "id",
        (json_int_t)p->id, "program_id", (json_int_t)p->program_id, "person",
        person ? person : json_null(), "role", p->role, "status", stage_name(p->status), "profile",
        p->profile, "application", p->application, "completeness",
        profile_completeness(p->profile, criteria, p->role), "asked_fields", json_null(), "stages",
        stages_json(c->db, p->id), "training_completed", completed_modules(c->db, p->id),
        "created_at", api_time(p->created_at), "updated_at", api_time(p->updated_at));
    json_object_set_new(o, "asked_fields", profile_asked_fields(criteria, p->role));
    json_object_set_new(o, "capacity", p->capacity ? json_integer(p->capacity) : json_null());
    json_object_set_new(o, "wants", p->wants ? json_integer(p->wants) : json_null());
    return o;
}

/* ---- list ---- */

/* Statuses in funnel order, exits last. */
#define STAGE_ORDER                                                                                \
    "CASE status WHEN 'invited' THEN 0 WHEN 'applied' THEN 1 WHEN 'approved' THEN 2 "              \
    "WHEN 'trained' THEN 3 WHEN 'matched' THEN 4 WHEN 'agreement_signed' THEN 5 "                  \
    "WHEN 'goals_set' THEN 6 WHEN 'active' THEN 7 WHEN 'completed' THEN 8 WHEN 'declined' THEN 9 " \
    "WHEN 'withdrawn' THEN 10 ELSE 11 END"

int h_participants_list(api_ctx *c)
{
    int64_t pid;
    if (api_program_access(c, 0, PERM_OTHER_PROFILE, PERM_READ,
                           "only the program's coordinators see its participants", &pid, NULL))
        return -1;
    int64_t limit, offset;
    if (api_page(c, &limit, &offset))
        return -1;
    const char *role = http_req_query(c->req, "role"), *status = http_req_query(c->req, "status");
    const char *q = http_req_query(c->req, "q"), *sort = http_req_query(c->req, "sort");
    if (role && !participation_role_valid(role))
        return api_problem(c, 400, "role", "role must be mentor, mentee, coordinator or viewer");
    if (status && stage_parse(status) < 0)
        return api_problem(c, 400, "status", "status '%s' is not a funnel stage", status);
    if (q && strlen(q) > LIMIT_NAME_BYTES)
        return api_problem(c, 400, "q", "the search text is too long");
    static const struct {
        const char *name, *order;
    } sorts[] = {{"name", "sort_name ASC, id ASC"},
                 {"-name", "sort_name DESC, id DESC"},
                 {"status", STAGE_ORDER " ASC, sort_name ASC, id ASC"},
                 {"-status", STAGE_ORDER " DESC, sort_name DESC, id DESC"},
                 {"created_at", "created_at ASC, id ASC"},
                 {"-created_at", "created_at DESC, id DESC"}};
    const char *order = sorts[0].order;
    if (sort) {
        order = NULL;
        for (size_t i = 0; i < sizeof sorts / sizeof sorts[0]; i++)
            if (strcmp(sort, sorts[i].name) == 0)
                order = sorts[i].order;
        if (!order)
            return api_problem(c, 400, "sort",
                               "sort by name, status or created_at (prefix - to reverse)");
    }
    char pattern[LIMIT_NAME_BYTES + 3];
    str_fmt(pattern, sizeof pattern, "%%%s%%", q ? q : "");
    str_ascii_lower(pattern);
    /* Only the filters given go into the statement, so each shape of query
     * gets a plan that uses the (program, status, name) or (program, name)
     * index; a catch-all "?N IS NULL OR ..." defeats them on PostgreSQL. */
    store_val p[6] = {SV_INT(pid)};
    int n = 1;
    char where[512] = "program_id = ?1";
    size_t wl = strlen(where);
    if (role) {
        p[n++] = SV_TEXT(role);
        wl += (size_t)snprintf(where + wl, sizeof where - wl, " AND role = ?%d", n);
    }
    if (status) {
        p[n++] = SV_TEXT(status);
        wl += (size_t)snprintf(where + wl, sizeof where - wl, " AND status = ?%d", n);
    }
    if (q) {
        p[n++] = SV_TEXT(pattern);
        snprintf(where + wl, sizeof where - wl,
                 " AND (lower(sort_name) LIKE ?%d OR email LIKE ?%d)", n, n);
    }
    char sql[1024];
    int64_t total = 0;
    str_fmt(sql, sizeof sql, "SELECT COUNT(*) FROM participations WHERE %s", where);
    int rc = store_query_int(c->db, sql, p, n, &total);
    if (rc < 0)
        return api_store_failed(c, rc);
    p[n] = SV_INT(limit);
    p[n + 1] = SV_INT(offset);
    str_fmt(sql, sizeof sql,
            "SELECT id, person_id, sort_name, email, role, status, capacity, wants, created_at "
            "FROM participations WHERE %s ORDER BY %s LIMIT ?%d OFFSET ?%d",
            where, order, n + 1, n + 2);
    store_rows *rows;
    if ((rc = store_query(c->db, sql, p, n + 2, &rows)) != STORE_OK)
        return api_store_failed(c, rc);
    json_t *items = json_array();
    while (store_next(rows) == 1) {
        json_t *it = json_pack(
            "{s:I, s:I, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)store_col_int(rows, 0),
            "person_id", (json_int_t)store_col_int(rows, 1), "name", store_col_text(rows, 2),
            "email", store_col_text(rows, 3), "role", store_col_text(rows, 4), "status",
            store_col_text(rows, 5), "created_at", api_time(store_col_int(rows, 8)));
        json_object_set_new(it, "capacity",
                            store_col_null(rows, 6) ? json_null()
                                                    : json_integer(store_col_int(rows, 6)));
        json_object_set_new(it, "wants",
                            store_col_null(rows, 7) ? json_null()
                                                    : json_integer(store_col_int(rows, 7)));
        json_array_append_new(items, it);
    }
    store_rows_free(rows);
    return api_json(c, 200,
                    json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total,
                              "limit", (json_int_t)limit, "offset", (json_int_t)offset));
}

/* ---- answers to the program's enrolment questions ---- */

/* Validates answers (an object keyed by question id) against the questions
 * asked of role. Returns a new clean object or NULL with *e set. */
static json_t *check_answers(const json_t *answers, const struct program_config *cfg,
                             const char *role, verr *e)
{
    const json_t *qs = cfg->selection.questions;
    json_t *clean = json_object();
    if (answers && !json_is_object(answers)) {
        v_fail(e, "", "answers", "must be an object keyed by question id");
        goto fail;
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)answers, key, v)
    {
        bool known = false;
        size_t i;
        json_t *q;
        json_array_foreach(qs, i, q)
        {
            const char *qrole = json_string_value(json_object_get(q, "role"));
            if (strcmp(json_string_value(json_object_get(q, "id")), key) == 0 &&
                (strcmp(qrole, "both") == 0 || strcmp(qrole, role) == 0))
                known = true;
        }
        if (!known) {
            v_fail(e, "answers", key, "is not a question of this program for a %s", role);
            goto fail;
        }
    }
    size_t i;
    json_t *q;
    json_array_foreach(qs, i, q)
    {
        const char *id = json_string_value(json_object_get(q, "id"));
        const char *qrole = json_string_value(json_object_get(q, "role"));
        const char *type = json_string_value(json_object_get(q, "type"));
        if (strcmp(qrole, "both") != 0 && strcmp(qrole, role) != 0)
            continue;
        json_t *a = json_object_get(answers, id);
        bool empty = !a || json_is_null(a) || (json_is_string(a) && json_string_length(a) == 0) ||
                     (json_is_array(a) && json_array_size(a) == 0);
        if (empty) {
            if (json_is_true(json_object_get(q, "required"))) {
                v_fail(e, "answers", id, "is required");
                goto fail;
            }
            continue;
        }
        json_t *opts = json_object_get(q, "options");
        bool ok;
        if (strcmp(type, "text") == 0)
            ok = json_is_string(a) && json_string_length(a) <= LIMIT_ANSWER_BYTES;
        else if (strcmp(type, "long_text") == 0)
            ok = json_is_string(a) && json_string_length(a) <= LIMIT_TEXT_BYTES;
        else if (strcmp(type, "number") == 0)
            ok = json_is_number(a);
        else if (strcmp(type, "scale") == 0)
            ok = json_is_integer(a) && json_integer_value(a) >= 1 &&
                 json_integer_value(a) <= LIMIT_ANSWER_SCALE_MAX;
        else {
            json_t *picked = json_is_string(a) ? NULL : a;
            ok = strcmp(type, "single_choice") == 0 ? json_is_string(a) : json_is_array(a);
            size_t k, j;
            json_t *pv, *ov;
            if (ok && !picked) {
                bool found = false;
                json_array_foreach(opts, k, ov) found = found || json_equal(ov, a);
                ok = found;
            }
            if (ok && picked)
                json_array_foreach(picked, j, pv)
                {
                    bool found = false;
                    json_array_foreach(opts, k, ov) found = found || json_equal(ov, pv);
                    ok = ok && found;
                }
        }
        if (!ok) {
            v_fail(e, "answers", id, "is not a valid answer to a %s question", type);
            goto fail;
        }
        json_object_set(clean, id, a);
    }
    return clean;
fail:
    json_decref(clean);
    return NULL;
}

/* ---- create: apply, or a coordinator adds someone ---- */

/* What a new participation of the role carries when the body names no
 * number: a mentor the program's default capacity, a mentee its default
 * wants. */
static void role_defaults(const struct program_config *cfg, const char *role, int64_t *capacity,
                          int64_t *wants)
{
    *capacity = strcmp(role, "mentor") == 0 ? cfg->selection.default_capacity : 0;
    *wants = strcmp(role, "mentee") == 0 ? program_wants_default(cfg) : 0;
}

/* The body's capacity and wants, each checked by its one rule: a mentor
 * takes 1..LIMIT_CAPACITY_MAX mentees, a mentee wants what
 * program_wants_max() allows them (more when a coordinator sets it).
 * Absent ones keep *capacity and *wants. */
static int check_numbers(const json_t *body, const struct program_config *cfg, bool coordinator,
                         int64_t *capacity, int64_t *wants, verr *e)
{
    if (v_int(body, "capacity", "", 1, LIMIT_CAPACITY_MAX, *capacity, false, capacity, e) ||
        v_int(body, "wants", "", 1, program_wants_max(cfg, coordinator), *wants, false, wants, e))
        return -1;
    return 0;
}

static int insert_participation(store *db, int64_t program, int64_t person, const char *role,
                                const json_t *profile, const json_t *answers, int64_t capacity,
                                int64_t wants, int64_t now, int64_t *id)
{
    char *prof = json_dumps(profile, JSON_COMPACT), *app = json_dumps(answers, JSON_COMPACT);
    store_val p[] = {SV_INT(program),
                     SV_INT(person),
                     SV_TEXT(role),
                     SV_TEXT(prof),
                     SV_TEXT(app),
                     capacity ? SV_INT(capacity) : SV_NULL,
                     wants ? SV_INT(wants) : SV_NULL,
                     SV_INT(now)};
    store_rows *rows;
    int rc =
        store_query(db,
                    "INSERT INTO participations (program_id, person_id, role, status, profile, "
                    "application, capacity, wants, created_at, updated_at, sort_name, email) "
                    "SELECT ?1, ?2, ?3, 'invited', ?4, ?5, ?6, ?7, ?8, ?8, name, email "
                    "FROM people WHERE id = ?2 RETURNING id",
                    p, 8, &rows);
    free(prof);
    free(app);
    if (rc != STORE_OK)
        return rc;
    rc = store_next(rows);
    *id = rc == 1 ? store_col_int(rows, 0) : 0;
    store_rows_free(rows);
    return rc == 1 ? STORE_OK : rc == 0 ? STORE_ERROR : rc;
}

/* Moves an approved participation on to trained when its role has no
 * training to do. */
static int maybe_trained(store *db, const struct program_config *cfg, int64_t part_id,
                         const char *role, int64_t now)
{
    if (program_role_has_training(cfg, role))
        return STORE_OK; /* there is training to complete first */
    return svc_participation_stage(db, part_id, STAGE_TRAINED, now);
}

static int notify(store *db, int64_t part_id, const char *kind, const char *subject_fmt,
                  const char *body_fmt, const char *extra, int64_t now)
{
    struct svc_recipient to;
    int rc = svc_outbox_recipient(db, part_id, &to);
    if (rc != SVC_OK)
        return rc > 0 ? STORE_ERROR : rc;
    char subject[400];
    buf body;
    buf_init(&body, 16384);
    str_fmt(subject, sizeof subject, subject_fmt, to.program_name);
    buf_printf(&body, "Hello %s,\n\n", to.name);
    buf_printf(&body, body_fmt, to.program_name, extra ? extra : "");
    buf_puts(&body, "\n\nTandem\n");
    rc = svc_outbox_add(db, to.email, to.person_id, to.program_id, kind, subject, body.data, now);
    buf_cleanup(&body);
    return rc;
}

static int add_by_coordinator(api_ctx *c, int64_t pid, const struct program_config *cfg,
                              json_t *body)
{
    static const char *const keys[] = {"email",    "name",  "role",    "invite",
                                       "capacity", "wants", "profile", NULL};
    static const char *const roles[] = {"mentor", "mentee", "coordinator", "viewer", NULL};
    verr e = {0};
    const char *email, *name, *role;
    bool invite;
    int64_t capacity, wants;
    json_t *profile_in, *profile = NULL;
    if (v_known_keys(body, "", keys, &e) ||
        v_string(body, "email", "", true, false, LIMIT_EMAIL_BYTES, NULL, &email, &e) ||
        v_string(body, "name", "", false, false, LIMIT_NAME_BYTES, NULL, &name, &e) ||
        v_enum(body, "role", "", roles, NULL, &role, &e) ||
        v_bool(body, "invite", "", true, &invite, &e))
        return api_invalid(c, &e);
    role_defaults(cfg, role, &capacity, &wants);
    if (check_numbers(body, cfg, true, &capacity, &wants, &e) ||
        v_object(body, "profile", "", false, &profile_in, &e) ||
        (profile_in && profile_validate(profile_in, "profile", &profile, &e)))
        return api_invalid(c, &e);
    if (!str_email_valid(email)) {
        json_decref(profile);
        return api_problem(c, 422, "email", "email: is not a valid e-mail address");
    }
    char lower[LIMIT_EMAIL_BYTES + 1];
    str_fmt(lower, sizeof lower, "%s", email);
    str_ascii_lower(lower);
    int64_t now = clock_now(), person = 0, part = 0;
    store_val q[] = {SV_TEXT(lower)};
    int rc = store_query_int(c->db, "SELECT id FROM people WHERE email = ?1", q, 1, &person);
    if (rc < 0)
        goto store_fail;
    if (rc == 0) {
        if (!name) {
            json_decref(profile);
            return api_problem(c, 422, "name", "name: is required for someone new");
        }
        rc = svc_identity_create_person(c->db, lower, name, NULL, SITE_MEMBER, &person, &e);
        if (rc != SVC_OK) {
            json_decref(profile);
            return api_fail(c, rc, &e);
        }
    }
    store_val d[] = {SV_INT(pid), SV_INT(person), SV_TEXT(role)};
    int64_t dup;
    if ((rc = store_query_int(
             c->db,
             "SELECT id FROM participations WHERE program_id = ?1 AND person_id = ?2 AND role = ?3",
             d, 3, &dup)) != 0) {
        json_decref(profile);
        return rc < 0 ? api_store_failed(c, rc)
                      : api_problem(c, 409, "email", "%s takes part as %s already", lower, role);
    }
    json_t *empty = json_object();
    rc = insert_participation(c->db, pid, person, role, profile ? profile : empty, empty, capacity,
                              wants, now, &part);
    json_decref(empty);
    json_decref(profile);
    profile = NULL;
    if (rc != STORE_OK)
        goto store_fail;
    if ((rc = svc_participation_stage(c->db, part, STAGE_INVITED, now)) != STORE_OK)
        goto store_fail;
    /* Coordinators and viewers need no review; they take part at once. */
    if (strcmp(role, "coordinator") == 0 || strcmp(role, "viewer") == 0) {
        if ((rc = svc_participation_stage(c->db, part, STAGE_APPROVED, now)) != STORE_OK)
            goto store_fail;
    }
    if (invite && (rc = enrol_invite(c->db, part, c->actor.person_id, api_config()->public_url,
                                     now)) != STORE_OK)
        goto store_fail;
    api_audit(c, "participant.add", "participation", part, json_pack("{s:s}", "role", role));
    struct participation p;
    if ((rc = participation_load(c->db, pid, part, &p)) != 1)
        goto store_fail;
    json_t *out = participation_json(c, &p, cfg);
    participation_cleanup(&p);
    return api_json(c, 201, out);
store_fail:
    json_decref(profile);
    return api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
}

static int apply(api_ctx *c, int64_t pid, const struct program_config *cfg, json_t *body)
{
    static const char *const keys[] = {"role", "answers", "profile", "capacity", "wants", NULL};
    static const char *const roles[] = {"mentor", "mentee", NULL};
    verr e = {0};
    const char *role;
    int64_t capacity, wants;
    json_t *profile_in, *profile = NULL, *answers = NULL;
    if (v_known_keys(body, "", keys, &e) || v_enum(body, "role", "", roles, NULL, &role, &e))
        return api_invalid(c, &e);
    role_defaults(cfg, role, &capacity, &wants);
    if (check_numbers(body, cfg, false, &capacity, &wants, &e) ||
        v_object(body, "profile", "", false, &profile_in, &e) ||
        (profile_in && profile_validate(profile_in, "profile", &profile, &e)) ||
        !(answers = check_answers(json_object_get(body, "answers"), cfg, role, &e))) {
        json_decref(profile);
        return api_invalid(c, &e);
    }
    if (strcmp(role, "mentor") != 0)
        capacity = 0;
    if (strcmp(role, "mentee") != 0)
        wants = 0;
    enum program_access access = cfg->selection.access;
    int64_t now = clock_now(), part = 0;
    store_rows *rows;
    store_val d[] = {SV_INT(pid), SV_INT(c->actor.person_id), SV_TEXT(role)};
    int rc = store_query(c->db,
                         "SELECT id, status FROM participations WHERE program_id = ?1 AND "
                         "person_id = ?2 AND role = ?3",
                         d, 3, &rows);
    if (rc != STORE_OK)
        goto store_fail;
    int existing_stage = -1;
    if (store_next(rows) == 1) {
        part = store_col_int(rows, 0);
        existing_stage = stage_parse(store_col_text(rows, 1));
    }
    store_rows_free(rows);
    int result;
    if (part && existing_stage != STAGE_INVITED && existing_stage != STAGE_WITHDRAWN) {
        result = api_problem(c, 409, "role", "you have applied as %s already", role);
        goto done;
    }
    if (!part && access == PROGRAM_INVITE_ONLY) {
        result = api_problem(c, 403, NULL, "this program takes invited people only");
        goto done;
    }
    if (part) {
        char *ptext = profile ? json_dumps(profile, JSON_COMPACT) : NULL;
        char *atext = json_dumps(answers, JSON_COMPACT);
        store_val u[] = {SV_INT(part),
                         SV_TEXT(atext),
                         capacity ? SV_INT(capacity) : SV_NULL,
                         wants ? SV_INT(wants) : SV_NULL,
                         SV_INT(now),
                         SV_TEXT(ptext)};
        rc = store_exec(
            c->db,
            "UPDATE participations SET application = ?2, capacity = ?3, wants = ?4, updated_at = "
            "?5, "
            "profile = COALESCE(CAST(?6 AS TEXT), profile), decline_reason = NULL WHERE id = ?1",
            u, 6, NULL);
        free(ptext);
        free(atext);
    } else {
        json_t *empty = json_object();
        rc = insert_participation(c->db, pid, c->actor.person_id, role, profile ? profile : empty,
                                  answers, capacity, wants, now, &part);
        json_decref(empty);
    }
    if (rc != STORE_OK ||
        (rc = svc_participation_stage(c->db, part, STAGE_APPLIED, now)) != STORE_OK)
        goto store_fail;
    if (access == PROGRAM_OPEN) {
        if ((rc = svc_participation_stage(c->db, part, STAGE_APPROVED, now)) != STORE_OK ||
            (rc = maybe_trained(c->db, cfg, part, role, now)) != STORE_OK)
            goto store_fail;
    }
    api_audit(c, "participant.apply", "participation", part, json_pack("{s:s}", "role", role));
    struct participation p;
    if ((rc = participation_load(c->db, pid, part, &p)) != 1)
        goto store_fail;
    result = api_json(c, 201, participation_json(c, &p, cfg));
    participation_cleanup(&p);
done:
    json_decref(profile);
    json_decref(answers);
    return result;
store_fail:
    json_decref(profile);
    json_decref(answers);
    return api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
}

int h_participants_create(api_ctx *c)
{
    int64_t pid;
    if (api_param_id(c, 0, &pid))
        return -1;
    struct program_config cfg;
    int rc = svc_program_config(c->db, pid, &cfg, NULL, 0);
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL);
    json_t *body = NULL;
    int result;
    perm_roles roles = api_program_roles(c, pid);
    bool invite_only = cfg.selection.access == PROGRAM_INVITE_ONLY;
    if (api_body_object(c, &body)) {
        result = -1;
    } else if (json_object_get(body, "email")) {
        if (!perm_allows(roles, PERM_OTHER_PROFILE, PERM_WRITE))
            result = perm_allows(roles, PERM_PROGRAM, PERM_READ) || !invite_only
                         ? api_problem(c, 403, NULL, "only the program's coordinators add people")
                         : api_not_found(c);
        else
            result = add_by_coordinator(c, pid, &cfg, body);
    } else {
        /* Anyone signed in may apply to an open or approval program; an
         * invite-only program is visible to its invited people alone. */
        if (invite_only && !perm_allows(roles, PERM_PROGRAM, PERM_READ)) {
            int64_t invited = 0;
            store_val q[] = {SV_INT(pid), SV_INT(c->actor.person_id)};
            rc = store_query_int(
                c->db,
                "SELECT COUNT(*) FROM participations WHERE program_id = ?1 AND person_id = ?2", q,
                2, &invited);
            result = rc < 0    ? api_store_failed(c, rc)
                     : invited ? apply(c, pid, &cfg, body)
                               : api_not_found(c);
        } else {
            result = apply(c, pid, &cfg, body);
        }
    }
    json_decref(body);
    program_config_cleanup(&cfg);
    return result;
}

/* ---- one participation ---- */

/* What the actor may do with participation p: PERM_NONE (answer 404),
 * PERM_READ or PERM_WRITE. `self` tells whether it is their own. */
static enum perm_access access_to(api_ctx *c, const struct participation *p, bool *self)
{
    perm_roles roles = api_program_roles(c, p->program_id);
    *self = p->person_id == c->actor.person_id;
    /* A matched partner reads the profile (relationships come with matching). */
    int64_t partner = 0;
    store_val q[] = {SV_INT(p->id), SV_INT(c->actor.person_id)};
    if (!*self && !perm_allows(roles, PERM_OTHER_PROFILE, PERM_READ) &&
        store_query_int(c->db,
                        "SELECT COUNT(*) FROM relationship_members a JOIN relationship_members b "
                        "ON a.relationship_id = b.relationship_id JOIN participations o ON o.id = "
                        "b.participation_id "
                        "WHERE a.participation_id = ?1 AND o.person_id = ?2",
                        q, 2, &partner) < 0)
        partner = 0; /* a failed read shows nothing */
    return perm_participation_access(roles, *self, partner > 0);
}

static int load_visible(api_ctx *c, struct participation *p, bool *self, enum perm_access *acc)
{
    int64_t pid, id;
    if (api_param_id(c, 0, &pid) || api_param_id(c, 1, &id))
        return -1;
    int rc = participation_load(c->db, pid, id, p);
    if (rc != 1)
        return rc < 0 ? api_store_failed(c, rc) : api_not_found(c);
    *acc = access_to(c, p, self);
    if (*acc == PERM_NONE) {
        participation_cleanup(p);
        return api_not_found(c);
    }
    return 0;
}

int h_participant_get(api_ctx *c)
{
    struct participation p;
    bool self;
    enum perm_access acc;
    if (load_visible(c, &p, &self, &acc))
        return -1;
    struct program_config cfg;
    int rc = svc_program_config(c->db, p.program_id, &cfg, NULL, 0);
    if (rc != SVC_OK) {
        participation_cleanup(&p);
        return api_fail(c, rc > 0 ? STORE_ERROR : rc, NULL);
    }
    json_t *out = participation_json(c, &p, &cfg);
    if (!self && !perm_allows(api_program_roles(c, p.program_id), PERM_OTHER_PROFILE, PERM_READ)) {
        /* A partner sees the profile, not the application or the funnel. */
        json_object_del(out, "application");
        json_object_del(out, "stages");
        json_object_del(json_object_get(out, "person"), "email");
    }
    program_config_cleanup(&cfg);
    participation_cleanup(&p);
    return api_json(c, 200, out);
}

/* Approves or declines p; the caller has checked the actor may review. */
static int review(api_ctx *c, const struct participation *p, const struct program_config *cfg,
                  enum stage to, const char *reason, const char *field)
{
    const char *why = participation_review(p->status, to);
    if (why)
        return api_problem(c, 409, field, "%s: this participation %s", field, why);
    int64_t now = clock_now();
    int rc = svc_participation_stage(c->db, p->id, to, now);
    if (rc == STORE_OK && to == STAGE_APPROVED) {
        store_val u[] = {SV_INT(p->id)};
        rc = store_exec(c->db, "UPDATE participations SET decline_reason = NULL WHERE id = ?1", u,
                        1, NULL);
        if (rc == STORE_OK)
            rc = maybe_trained(c->db, cfg, p->id, p->role, now);
        if (rc == STORE_OK)
            rc =
                notify(c->db, p->id, "approved", "You are in: %s",
                       "your application to \"%s\" is approved.%s Sign in to complete your profile "
                       "and training.",
                       NULL, now);
    } else if (rc == STORE_OK) {
        store_val u[] = {SV_INT(p->id), SV_TEXT(reason)};
        rc = store_exec(c->db, "UPDATE participations SET decline_reason = ?2 WHERE id = ?1", u, 2,
                        NULL);
        if (rc == STORE_OK)
            rc = notify(
                c->db, p->id, "declined", "About your application: %s",
                "thank you for applying to \"%s\". This time the coordinators could not offer you "
                "a place: %s",
                reason, now);
    }
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    api_audit(c, to == STAGE_APPROVED ? "participant.approve" : "participant.decline",
              "participation", p->id, NULL);
    return 0;
}

int h_participant_patch(api_ctx *c)
{
    struct participation p;
    bool self;
    enum perm_access acc;
    if (load_visible(c, &p, &self, &acc))
        return -1;
    json_t *body = NULL, *profile = NULL, *answers = NULL;
    struct program_config cfg = {0};
    int result = -1, rc;
    perm_roles roles = api_program_roles(c, p.program_id);
    bool coordinator = perm_coordinates(roles);
    if (acc != PERM_WRITE) {
        result = api_problem(c, 403, NULL, "you may read this participation, not change it");
        goto done;
    }
    if (api_body_object(c, &body))
        goto done;
    if ((rc = svc_program_config(c->db, p.program_id, &cfg, NULL, 0)) != SVC_OK) {
        result = api_fail(c, rc > 0 ? STORE_ERROR : rc, NULL);
        goto done;
    }
    static const char *const keys[] = {"status", "decline_reason", "profile", "capacity",
                                       "wants",  "answers",        NULL};
    static const char *const statuses[] = {"approved", "declined", "withdrawn", NULL};
    verr e = {0};
    const char *status, *reason;
    int64_t capacity = p.capacity, wants = p.wants;
    json_t *profile_in;
    if (v_known_keys(body, "", keys, &e) || v_enum(body, "status", "", statuses, "", &status, &e) ||
        v_string(body, "decline_reason", "", false, false, LIMIT_REASON_BYTES, NULL, &reason, &e) ||
        check_numbers(body, &cfg, coordinator, &capacity, &wants, &e) ||
        v_object(body, "profile", "", false, &profile_in, &e) ||
        (profile_in && profile_validate(profile_in, "profile", &profile, &e))) {
        result = api_invalid(c, &e);
        goto done;
    }
    if (json_object_get(body, "answers") &&
        !(answers = check_answers(json_object_get(body, "answers"), &cfg, p.role, &e))) {
        result = api_invalid(c, &e);
        goto done;
    }
    if (*status && strcmp(status, "withdrawn") != 0 && !coordinator) {
        result = api_problem(c, 403, "status", "only coordinators approve or decline");
        goto done;
    }
    int64_t now = clock_now();
    /* Field changes first, then the move, all in this request's transaction. */
    char *ptext = profile ? json_dumps(profile, JSON_COMPACT) : NULL;
    char *atext = answers ? json_dumps(answers, JSON_COMPACT) : NULL;
    store_val u[] = {SV_INT(p.id),
                     SV_TEXT(ptext),
                     SV_TEXT(atext),
                     strcmp(p.role, "mentor") == 0 && capacity ? SV_INT(capacity) : SV_NULL,
                     strcmp(p.role, "mentee") == 0 && wants ? SV_INT(wants) : SV_NULL,
                     SV_INT(now)};
    rc = store_exec(
        c->db,
        "UPDATE participations SET profile = COALESCE(CAST(?2 AS TEXT), profile), "
        "application = COALESCE(CAST(?3 AS TEXT), application), capacity = ?4, wants = ?5, "
        "updated_at = ?6 WHERE id = ?1",
        u, 6, NULL);
    free(ptext);
    free(atext);
    if (rc != STORE_OK) {
        result = api_store_failed(c, rc);
        goto done;
    }
    if (strcmp(status, "approved") == 0) {
        if (review(c, &p, &cfg, STAGE_APPROVED, NULL, "status"))
            goto done;
    } else if (strcmp(status, "declined") == 0) {
        if (!reason) {
            result = api_problem(c, 422, "decline_reason", "decline_reason: say why, kindly");
            goto done;
        }
        if (review(c, &p, &cfg, STAGE_DECLINED, reason, "status"))
            goto done;
    } else if (strcmp(status, "withdrawn") == 0) {
        const char *why = participation_withdraw(p.status);
        if (why) {
            result = api_problem(c, 409, "status", "status: this participation %s", why);
            goto done;
        }
        if ((rc = svc_participation_stage(c->db, p.id, STAGE_WITHDRAWN, now)) != STORE_OK) {
            result = api_store_failed(c, rc);
            goto done;
        }
        api_audit(c, "participant.withdraw", "participation", p.id, NULL);
    }
    participation_cleanup(&p);
    if ((rc = participation_load(c->db, p.program_id, p.id, &p)) != 1) {
        result = api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
        goto done;
    }
    result = api_json(c, 200, participation_json(c, &p, &cfg));
done:
    participation_cleanup(&p);
    json_decref(answers);
    json_decref(profile);
    program_config_cleanup(&cfg);
    json_decref(body);
    return result;
}

int h_participants_bulk(api_ctx *c)
{
    int64_t pid;
    if (api_program_access(c, 0, PERM_OTHER_PROFILE, PERM_WRITE,
                           "only the program's coordinators review applications", &pid, NULL))
        return -1;
    json_t *body;
    struct program_config cfg = {0};
    if (api_body_object(c, &body))
        return -1;
    static const char *const keys[] = {"action", "ids", "decline_reason", NULL};
    static const char *const actions[] = {"approve", "decline", NULL};
    verr e = {0};
    const char *action, *reason;
    json_t *ids;
    int result = -1, rc;
    if (v_known_keys(body, "", keys, &e) ||
        v_enum(body, "action", "", actions, NULL, &action, &e) ||
        v_string(body, "decline_reason", "", false, false, LIMIT_REASON_BYTES, NULL, &reason, &e) ||
        v_array(body, "ids", "", LIMIT_PAGE_MAX * 10, &ids, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    if (!ids || json_array_size(ids) == 0) {
        result = api_problem(c, 422, "ids", "ids: list the participations to %s", action);
        goto done;
    }
    bool approve = strcmp(action, "approve") == 0;
    if (!approve && !reason) {
        result = api_problem(c, 422, "decline_reason", "decline_reason: say why, kindly");
        goto done;
    }
    if ((rc = svc_program_config(c->db, pid, &cfg, NULL, 0)) != SVC_OK) {
        result = api_fail(c, rc > 0 ? STORE_ERROR : rc, NULL);
        goto done;
    }
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v)
    {
        char field[32];
        str_fmt(field, sizeof field, "ids[%zu]", i);
        struct participation p;
        if (!json_is_integer(v) ||
            (rc = participation_load(c->db, pid, json_integer_value(v), &p)) == 0) {
            result = api_problem(c, 422, field, "%s: no such participation in this program", field);
            goto done;
        }
        if (rc < 0) {
            result = api_store_failed(c, rc);
            goto done;
        }
        rc = review(c, &p, &cfg, approve ? STAGE_APPROVED : STAGE_DECLINED, reason, field);
        participation_cleanup(&p);
        if (rc)
            goto done; /* all or nothing: the transaction rolls back */
    }
    result = api_json(
        c, 200,
        json_pack("{s:s, s:I}", "action", action, "count", (json_int_t)json_array_size(ids)));
done:
    program_config_cleanup(&cfg);
    json_decref(body);
    return result;
}
