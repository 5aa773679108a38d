/* requests.c - self-matching (product.md §5, §9): recommendations for a
 * mentee, mentoring requests to one mentor or a ranked list of up to
 * three that cascades on decline or expiry, and the mentor's answer. */
#include <stdio.h>
#include <string.h>

#include "api/enrolment.h"
#include "api/handlers.h"
#include "api/match_input.h"
#include "api/mentors.h"
#include "api/participants.h"
#include "api/relationship.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/str.h"
#include "match/rank.h"
#include "service/outbox.h"
#include "service/program.h"

#define REQUEST_CHOICES 3

/* The actor's participation in the program in `role` (*id 0 when none); a
 * store status. */
static int my_part(api_ctx *c, int64_t program, const char *role, int64_t *id)
{
    *id = 0;
    store_val p[] = {SV_INT(program), SV_INT(c->actor.person_id), SV_TEXT(role)};
    int rc = store_query_int(c->db,
                             "SELECT id FROM participations WHERE program_id = ?1 AND person_id = "
                             "?2 AND role = ?3",
                             p, 3, id);
    return rc < 0 ? rc : STORE_OK;
}

static bool self_matching(const struct program_config *cfg)
{
    return cfg->matching.mode != PROGRAM_MATCH_ADMIN;
}

/* Ranks every mentor with free capacity for the mentee: SVC_OK ranked,
 * SVC_REFUSED the mentee cannot be matched now or the engine refused (why
 * set), or a store status. */
static int rank_for(api_ctx *c, int64_t program, const struct program_config *cfg, int64_t mentee,
                    struct match_input *mi, match_ranking **rk, char *why, size_t whylen)
{
    int rc = match_input_build(c, program, cfg, mentee, false, mi, why, whylen);
    if (rc != SVC_OK)
        return rc;
    long e = match_input_mentee(mi, mentee);
    if (e < 0) {
        bool gate = cfg->training.required_before_matching;
        str_fmt(why, whylen,
                "you can ask for a mentor once you are approved%s and have a mentor slot free",
                gate ? " and trained" : "");
        match_input_cleanup(mi);
        return SVC_REFUSED;
    }
    if (match_rank(mi->inst, (size_t)e, rk, why, whylen)) {
        match_input_cleanup(mi);
        return SVC_REFUSED;
    }
    return SVC_OK;
}

int h_recommendations(api_ctx *c)
{
    int64_t pid;
    if (api_program_access(c, 0, PERM_PROGRAM, PERM_READ, "", &pid, NULL))
        return -1;
    int64_t mentee;
    int rc = my_part(c, pid, "mentee", &mentee);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    if (!mentee)
        return api_problem(c, 403, NULL, "recommendations are for the program's mentees");
    struct program_config cfg;
    rc = svc_program_config(c->db, pid, &cfg, NULL, 0);
    if (rc != SVC_OK)
        return api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
    int result;
    if (!self_matching(&cfg)) {
        program_config_cleanup(&cfg);
        return api_problem(c, 403, NULL, "in this program the coordinators make the matches");
    }
    struct match_input mi;
    match_ranking *rk = NULL;
    char why[512] = "";
    rc = rank_for(c, pid, &cfg, mentee, &mi, &rk, why, sizeof why);
    if (rc != SVC_OK) {
        program_config_cleanup(&cfg);
        return rc > 0 ? api_problem(c, 409, NULL, "%s", why) : api_store_failed(c, rc);
    }
    json_t *cards = mentor_cards(c->db, pid), *items = json_array();
    size_t not_allowed = 0;
    for (size_t i = 0; i < rk->n; i++) {
        const match_ranked *it = &rk->items[i];
        if (!it->allowed) {
            not_allowed++;
            continue;
        }
        char key[32];
        str_fmt(key, sizeof key, "%lld", (long long)mi.mentor_part[it->mentor]);
        json_t *card = json_object_get(cards, key);
        json_t *ex = json_object();
        for (size_t k = 0; k < rk->ncrit; k++)
            json_object_set_new(ex, rk->crit_names[k], json_real(it->explain[k]));
        json_array_append_new(items,
                              json_pack("{s:I, s:f, s:o, s:O}", "mentor",
                                        (json_int_t)mi.mentor_part[it->mentor], "score", it->score,
                                        "explain", ex, "card", card ? card : json_null()));
    }
    result = api_json(c, 200,
                      json_pack("{s:I, s:o, s:I}", "mentee", (json_int_t)mentee, "items", items,
                                "not_allowed", (json_int_t)not_allowed));
    json_decref(cards);
    match_ranking_free(rk);
    match_input_cleanup(&mi);
    program_config_cleanup(&cfg);
    return result;
}

/* ---- requests ---- */

#define REQ_COLS                                                                                   \
    "id, program_id, mentee_id, choices, current, mentor_id, status, message, history, "           \
    "created_at, "                                                                                 \
    "asked_at, expires_at, responded_at, relationship_id"

static json_t *request_row(store_rows *r)
{
    json_t *o = json_pack(
        "{s:I, s:I, s:I, s:o, s:i, s:I, s:s, s:s, s:o, s:o, s:o, s:o}", "id",
        (json_int_t)store_col_int(r, 0), "program_id", (json_int_t)store_col_int(r, 1), "mentee",
        (json_int_t)store_col_int(r, 2), "choices", json_loads(store_col_text(r, 3), 0, NULL),
        "current", (int)store_col_int(r, 4), "mentor", (json_int_t)store_col_int(r, 5), "status",
        store_col_text(r, 6), "message", store_col_text(r, 7), "history",
        json_loads(store_col_text(r, 8), 0, NULL), "created_at", api_time(store_col_int(r, 9)),
        "asked_at", api_time(store_col_int(r, 10)), "expires_at", api_time(store_col_int(r, 11)));
    json_object_set_new(o, "responded_at",
                        store_col_null(r, 12) ? json_null() : api_time(store_col_int(r, 12)));
    json_object_set_new(o, "relationship_id",
                        store_col_null(r, 13) ? json_null() : json_integer(store_col_int(r, 13)));
    return o;
}

static json_t *load_request(store *db, int64_t id)
{
    store_rows *rows;
    store_val p[] = {SV_INT(id)};
    if (store_query(db, "SELECT " REQ_COLS " FROM mentoring_requests WHERE id = ?1", p, 1, &rows) !=
        STORE_OK)
        return NULL;
    json_t *o = store_next(rows) == 1 ? request_row(rows) : NULL;
    store_rows_free(rows);
    return o;
}

static int mail_participant(store *db, int64_t part, const char *kind, const char *subject,
                            const char *body)
{
    return svc_outbox_to_participation(db, part, kind, subject, body, clock_now());
}

/* Moves a pending request on after a decline or an expiry: to the next
 * choice, asked now, or to its end (`final`) when none is left. */
static int cascade(store *db, json_t *req, const char *outcome, const char *final,
                   int64_t expiry_days, int64_t now)
{
    json_t *choices = json_object_get(req, "choices");
    int current = (int)json_integer_value(json_object_get(req, "current"));
    json_t *history = json_deep_copy(json_object_get(req, "history"));
    json_array_append_new(history,
                          json_pack("{s:O, s:s, s:o}", "mentor", json_object_get(req, "mentor"),
                                    "outcome", outcome, "at", api_time(now)));
    char *ht = json_dumps(history, JSON_COMPACT);
    json_decref(history);
    int64_t id = json_integer_value(json_object_get(req, "id"));
    int rc;
    if ((size_t)current + 1 < json_array_size(choices)) {
        int64_t next = json_integer_value(json_array_get(choices, (size_t)current + 1));
        store_val p[] = {SV_INT(id),  SV_INT(current + 1), SV_INT(next),
                         SV_TEXT(ht), SV_INT(now),         SV_INT(now + expiry_days * 86400)};
        rc = store_exec(db,
                        "UPDATE mentoring_requests SET current = ?2, mentor_id = ?3, history = ?4, "
                        "asked_at = ?5, "
                        "expires_at = ?6 WHERE id = ?1",
                        p, 6, NULL);
        if (rc == STORE_OK)
            rc = mail_participant(db, next, "request", "A mentee asks you to mentor them",
                                  "A mentee has asked you to be their mentor. Sign in to read "
                                  "their request and answer.");
    } else {
        store_val p[] = {SV_INT(id), SV_TEXT(final), SV_TEXT(ht), SV_INT(now)};
        rc = store_exec(db,
                        "UPDATE mentoring_requests SET status = ?2, history = ?3, responded_at = "
                        "?4 WHERE id = ?1",
                        p, 4, NULL);
        if (rc == STORE_OK)
            rc = mail_participant(db, json_integer_value(json_object_get(req, "mentee")),
                                  "request_closed", "Your mentoring request",
                                  "None of the mentors you asked could take you on this time. "
                                  "Look at the recommendations again, or ask your coordinator.");
    }
    free(ht);
    return rc;
}

/* Requests whose time ran out move on to the next choice. Runs in the
 * caller's transaction. */
static int expire_due(api_ctx *c, int64_t program, int64_t expiry_days)
{
    int64_t now = clock_now(), ids[LIMIT_PAGE_MAX];
    size_t n = 0;
    store_rows *rows;
    store_val p[] = {SV_INT(program), SV_INT(now)};
    int rc = store_query(c->db,
                         "SELECT id FROM mentoring_requests WHERE program_id = ?1 AND status = "
                         "'pending' AND expires_at <= ?2",
                         p, 2, &rows);
    if (rc != STORE_OK)
        return rc;
    while (n < LIMIT_PAGE_MAX && store_next(rows) == 1)
        ids[n++] = store_col_int(rows, 0);
    store_rows_free(rows);
    for (size_t i = 0; i < n && rc == STORE_OK; i++) {
        json_t *req = load_request(c->db, ids[i]);
        if (!req)
            return STORE_ERROR;
        rc = cascade(c->db, req, "expired", "expired", expiry_days, now);
        json_decref(req);
    }
    return rc;
}

static int64_t expiry_days_of(const struct program_config *cfg)
{
    return cfg->matching.request_expiry_days;
}

int h_request_create(api_ctx *c)
{
    int64_t pid;
    if (api_program_access(c, 0, PERM_PROGRAM, PERM_READ, "", &pid, NULL))
        return -1;
    int64_t mentee;
    int rc = my_part(c, pid, "mentee", &mentee);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    if (!mentee)
        return api_problem(c, 403, NULL, "requests are made by the program's mentees");
    json_t *body = NULL;
    struct program_config cfg;
    int result = -1;
    if ((rc = svc_program_config(c->db, pid, &cfg, NULL, 0)) != SVC_OK)
        return api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
    if (!self_matching(&cfg)) {
        result = api_problem(c, 403, NULL, "in this program the coordinators make the matches");
        goto done;
    }
    if (api_body_object(c, &body))
        goto done;
    static const char *const keys[] = {"mentors", "message", NULL};
    verr e = {0};
    json_t *mentors;
    const char *message;
    if (v_known_keys(body, "", keys, &e) ||
        v_array(body, "mentors", "", REQUEST_CHOICES, &mentors, &e) ||
        v_string(body, "message", "", false, true, LIMIT_REASON_BYTES, "", &message, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    if (!mentors || json_array_size(mentors) == 0) {
        result = api_problem(c, 422, "mentors",
                             "mentors: name one mentor, or up to three in order of preference");
        goto done;
    }
    int64_t expiry = expiry_days_of(&cfg);
    if ((rc = expire_due(c, pid, expiry)) != STORE_OK) {
        result = api_store_failed(c, rc);
        goto done;
    }
    int64_t pending = 0;
    store_val q[] = {SV_INT(mentee)};
    if ((rc = store_query_int(
             c->db,
             "SELECT COUNT(*) FROM mentoring_requests WHERE mentee_id = ?1 AND status = 'pending'",
             q, 1, &pending)) < 0) {
        result = api_store_failed(c, rc);
        goto done;
    }
    if (pending) {
        result = api_problem(c, 409, "mentors",
                             "you have a request waiting for an answer; withdraw it first");
        goto done;
    }
    struct match_input mi;
    match_ranking *rk = NULL;
    char why[512] = "";
    rc = rank_for(c, pid, &cfg, mentee, &mi, &rk, why, sizeof why);
    if (rc != SVC_OK) {
        result = rc > 0 ? api_problem(c, 409, NULL, "%s", why) : api_store_failed(c, rc);
        goto done;
    }
    /* Every choice must be a mentor with free capacity the mentee may be matched with. */
    bool bad = false;
    size_t i;
    json_t *v;
    json_array_foreach(mentors, i, v)
    {
        char f[32];
        str_fmt(f, sizeof f, "mentors[%zu]", i);
        for (size_t k = 0; k < i && !bad; k++)
            if (json_equal(json_array_get(mentors, k), v)) {
                api_problem(c, 422, f, "%s: listed twice", f);
                bad = true;
            }
        if (bad)
            break;
        long r = json_is_integer(v) ? match_input_mentor(&mi, json_integer_value(v)) : -1;
        const match_ranked *it = NULL;
        for (size_t k = 0; r >= 0 && k < rk->n; k++)
            if (rk->items[k].mentor == (size_t)r)
                it = &rk->items[k];
        if (!it) {
            int64_t is_mentor = 0;
            store_val m[] = {SV_INT(json_integer_value(v)), SV_INT(pid)};
            rc = store_query_int(c->db,
                                 "SELECT COUNT(*) FROM participations WHERE id = ?1 AND "
                                 "program_id = ?2 AND role = 'mentor'",
                                 m, 2, &is_mentor);
            if (rc < 0)
                api_store_failed(c, rc);
            else
                api_problem(c, is_mentor ? 409 : 422, f,
                            is_mentor ? "%s: this mentor has no free place now"
                                      : "%s: not a mentor of this program",
                            f);
            bad = true;
            break;
        }
        if (!it->allowed) {
            api_problem(c, 409, f, "%s: you cannot be matched with this mentor (%s)", f,
                        it->refusal);
            bad = true;
            break;
        }
    }
    match_ranking_free(rk);
    match_input_cleanup(&mi);
    if (bad)
        goto done;
    int64_t now = clock_now(), first = json_integer_value(json_array_get(mentors, 0));
    char *ct = json_dumps(mentors, JSON_COMPACT);
    store_val ins[] = {SV_INT(pid),
                       SV_INT(mentee),
                       SV_TEXT(ct),
                       SV_INT(first),
                       SV_TEXT(message),
                       SV_INT(now),
                       SV_INT(now + expiry * 86400)};
    store_rows *rows;
    rc = store_query(c->db,
                     "INSERT INTO mentoring_requests (program_id, mentee_id, choices, mentor_id, "
                     "message, created_at, "
                     "asked_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7) RETURNING id",
                     ins, 7, &rows);
    free(ct);
    if (rc != STORE_OK) {
        result = api_store_failed(c, rc);
        goto done;
    }
    int64_t id = store_next(rows) == 1 ? store_col_int(rows, 0) : 0;
    store_rows_free(rows);
    if ((rc = mail_participant(c->db, first, "request", "A mentee asks you to mentor them",
                               "A mentee has asked you to be their mentor. Sign in to read their "
                               "request and answer.")) != STORE_OK) {
        result = api_store_failed(c, rc);
        goto done;
    }
    api_audit(c, "request.create", "request", id, NULL);
    json_t *out = load_request(c->db, id);
    result = out ? api_json(c, 201, out) : api_store_failed(c, STORE_ERROR);
done:
    json_decref(body);
    program_config_cleanup(&cfg);
    return result;
}

int h_requests_list(api_ctx *c)
{
    int64_t pid;
    perm_roles roles;
    if (api_program_access(c, 0, PERM_MATCH_REQUEST, PERM_READ,
                           "requests are between mentees and mentors", &pid, &roles))
        return -1;
    bool all = perm_allows(roles, PERM_OTHER_PROFILE, PERM_READ);
    struct program_config cfg;
    int rc = svc_program_config(c->db, pid, &cfg, NULL, 0);
    if (rc != SVC_OK)
        return api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
    /* Expiry moves requests on; do it, in a write transaction of its own,
     * before showing them. */
    api_end_read(c);
    if ((rc = store_begin(c->db)) == STORE_OK) {
        rc = expire_due(c, pid, expiry_days_of(&cfg));
        rc = rc == STORE_OK ? store_commit(c->db) : (store_rollback(c->db), rc);
    }
    program_config_cleanup(&cfg);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    store_rows *rows;
    store_val p[] = {SV_INT(pid), SV_INT(all ? 0 : c->actor.person_id)};
    rc = store_query(c->db,
                     "SELECT " REQ_COLS
                     " FROM mentoring_requests r WHERE r.program_id = ?1 AND (?2 = 0 OR EXISTS ("
                     " SELECT 1 FROM participations pa WHERE pa.person_id = ?2 AND (pa.id = "
                     "r.mentee_id OR pa.id = r.mentor_id "
                     " OR (',' || replace(replace(r.choices, '[', ''), ']', '') || ',') LIKE ('%,' "
                     "|| pa.id || ',%')))) "
                     "ORDER BY r.id DESC LIMIT 200",
                     p, 2, &rows);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    json_t *items = json_array();
    while (store_next(rows) == 1)
        json_array_append_new(items, request_row(rows));
    store_rows_free(rows);
    /* A mentor sees the requests that reached them (asked now, or asked
     * before and answered), not the ones still waiting for an earlier
     * choice. */
    int64_t my_mentor = 0, my_mentee_part = 0;
    if (!all && ((rc = my_part(c, pid, "mentor", &my_mentor)) != STORE_OK ||
                 (rc = my_part(c, pid, "mentee", &my_mentee_part)) != STORE_OK)) {
        json_decref(items);
        return api_store_failed(c, rc);
    }
    size_t i;
    json_t *it;
    for (i = 0; !all && i < json_array_size(items);) {
        it = json_array_get(items, i);
        json_t *choices = json_object_get(it, "choices");
        long at = -1;
        for (size_t k = 0; k < json_array_size(choices); k++)
            if (my_mentor && json_integer_value(json_array_get(choices, k)) == my_mentor)
                at = (long)k;
        bool keep = json_integer_value(json_object_get(it, "mentee")) == my_mentee_part ||
                    (at >= 0 && at <= json_integer_value(json_object_get(it, "current")));
        if (keep)
            i++;
        else
            json_array_remove(items, i);
    }
    /* Names, for the inbox. */
    json_array_foreach(items, i, it)
    {
        json_t *names = json_array();
        size_t k;
        json_t *ch;
        json_array_foreach(json_object_get(it, "choices"), k, ch)
        {
            store_val q[] = {SV_INT(json_integer_value(ch))};
            store_rows *nr;
            const char *name = NULL;
            if (store_query(c->db, "SELECT sort_name FROM participations WHERE id = ?1", q, 1,
                            &nr) == STORE_OK) {
                if (store_next(nr) == 1)
                    name = store_col_text(nr, 0);
                json_array_append_new(names, json_string(name ? name : ""));
                store_rows_free(nr);
            }
        }
        json_object_set_new(it, "choice_names", names);
        store_val q[] = {SV_INT(json_integer_value(json_object_get(it, "mentee"))),
                         SV_INT(json_integer_value(json_object_get(it, "mentor")))};
        store_rows *nr;
        if (store_query(c->db,
                        "SELECT (SELECT sort_name FROM participations WHERE id = ?1), "
                        "(SELECT sort_name FROM participations WHERE id = ?2)",
                        q, 2, &nr) == STORE_OK) {
            if (store_next(nr) == 1) {
                json_object_set_new(
                    it, "mentee_name",
                    json_string(store_col_text(nr, 0) ? store_col_text(nr, 0) : ""));
                json_object_set_new(
                    it, "mentor_name",
                    json_string(store_col_text(nr, 1) ? store_col_text(nr, 1) : ""));
            }
            store_rows_free(nr);
        }
    }
    return api_json(c, 200, json_pack("{s:o}", "items", items));
}

int h_request_patch(api_ctx *c)
{
    int64_t rid;
    if (api_param_id(c, 0, &rid))
        return -1;
    json_t *req = load_request(c->db, rid), *body = NULL;
    struct program_config cfg = {0};
    if (!req)
        return api_not_found(c);
    int result = -1, rc;
    int64_t program = json_integer_value(json_object_get(req, "program_id"));
    int64_t mentee = json_integer_value(json_object_get(req, "mentee"));
    int64_t mentor = json_integer_value(json_object_get(req, "mentor"));
    int64_t me_mentee = 0, me_mentor = 0;
    store_val q[] = {SV_INT(mentee), SV_INT(mentor), SV_INT(c->actor.person_id)};
    if ((rc = store_query_int(c->db,
                              "SELECT COUNT(*) FROM participations WHERE id = ?1 AND person_id = "
                              "?3",
                              q, 3, &me_mentee)) < 0 ||
        (rc = store_query_int(c->db,
                              "SELECT COUNT(*) FROM participations WHERE id = ?2 AND person_id = "
                              "?3",
                              q, 3, &me_mentor)) < 0) {
        result = api_store_failed(c, rc);
        goto done;
    }
    if (!me_mentee && !me_mentor) {
        result = api_not_found(c);
        goto done;
    }
    if (api_body_object(c, &body))
        goto done;
    static const char *const keys[] = {"action", "message", NULL};
    static const char *const actions[] = {"accept", "decline", "withdraw", NULL};
    verr e = {0};
    const char *action, *message;
    if (v_known_keys(body, "", keys, &e) ||
        v_enum(body, "action", "", actions, NULL, &action, &e) ||
        v_string(body, "message", "", false, true, LIMIT_REASON_BYTES, "", &message, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    if ((rc = svc_program_config(c->db, program, &cfg, NULL, 0)) != SVC_OK) {
        result = api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
        goto done;
    }
    int64_t now = clock_now(), expiry = expiry_days_of(&cfg);
    const char *status = json_string_value(json_object_get(req, "status"));
    bool withdraw = strcmp(action, "withdraw") == 0;
    if (withdraw ? !me_mentee : !me_mentor) {
        result = api_problem(c, 403, "action",
                             withdraw ? "only the mentee withdraws a request"
                                      : "only the mentor asked answers a request");
        goto done;
    }
    if (strcmp(status, "pending") != 0) {
        result = api_problem(c, 409, "action", "this request is %s", status);
        goto done;
    }
    int64_t expires = 0;
    store_val x[] = {SV_INT(rid)};
    if ((rc = store_query_int(c->db, "SELECT expires_at FROM mentoring_requests WHERE id = ?1", x,
                              1, &expires)) < 0) {
        result = api_store_failed(c, rc);
        goto done;
    }
    if (!withdraw && expires <= now) {
        /* Too late: it moves on (committed by the expiry on the next list). */
        result = api_problem(c, 409, "action", "this request expired before your answer");
        goto done;
    }
    if (withdraw) {
        store_val w[] = {SV_INT(rid), SV_INT(now)};
        rc = store_exec(
            c->db,
            "UPDATE mentoring_requests SET status = 'withdrawn', responded_at = ?2 WHERE id = ?1",
            w, 2, NULL);
    } else if (strcmp(action, "decline") == 0) {
        rc = cascade(c->db, req, *message ? message : "declined", "declined", expiry, now);
    } else {
        int64_t rel = 0;
        struct svc_rel_new in = {.mentor = mentor, .mentees = &mentee, .n = 1, .source = "request"};
        svc_actor actor = api_actor(c);
        rc = svc_relationship_create(c->db, &actor, program, &cfg, &in, &rel, &e);
        if (rc > 0) {
            result = api_problem(c, 409, "action", "the match cannot be made: %s", e.msg);
            goto done;
        }
        json_t *history = json_deep_copy(json_object_get(req, "history"));
        json_array_append_new(history, json_pack("{s:I, s:s, s:o}", "mentor", (json_int_t)mentor,
                                                 "outcome", "accepted", "at", api_time(now)));
        char *ht = json_dumps(history, JSON_COMPACT);
        json_decref(history);
        store_val a[] = {SV_INT(rid), SV_INT(now), SV_INT(rel), SV_TEXT(ht)};
        if (rc == STORE_OK)
            rc = store_exec(c->db,
                            "UPDATE mentoring_requests SET status = 'accepted', responded_at = ?2, "
                            "relationship_id = ?3, "
                            "history = ?4 WHERE id = ?1 AND status = 'pending'",
                            a, 4, NULL);
        free(ht);
        if (rc == STORE_OK && *message)
            rc = mail_participant(c->db, mentee, "request_accepted", "Your mentor said yes",
                                  message);
    }
    if (rc != STORE_OK) {
        result = api_store_failed(c, rc);
        goto done;
    }
    api_audit(c, "request.answer", "request", rid, json_pack("{s:s}", "action", action));
    json_t *out = load_request(c->db, rid);
    result = out ? api_json(c, 200, out) : api_store_failed(c, STORE_ERROR);
done:
    json_decref(req);
    json_decref(body);
    program_config_cleanup(&cfg);
    return result;
}
