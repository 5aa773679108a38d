/* matching.c - admin matching: proposals (match runs) made by the engine
 * on the program's eligible participants, reviewed by a coordinator (lock,
 * exclude, add or remove a pair by hand, re-run, compare) and published as
 * relationships (product.md §5). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "service/match_input.h"
#include "api/participants.h"
#include "api/relationship.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/mem.h"
#include "base/str.h"
#include "match/rank.h"
#include "service/program.h"

/* The run's program, checked for the actor: 1 allowed, else answered. */
static int open_run(api_ctx *c, int64_t *run, int64_t *program, char status[16], int64_t *version)
{
    if (api_param_id(c, 0, run))
        return -1;
    store_rows *rows;
    store_val p[] = {SV_INT(*run)};
    int rc = store_query(c->db, "SELECT program_id, status, version FROM match_runs WHERE id = ?1",
                         p, 1, &rows);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    rc = store_next(rows);
    if (rc == 1) {
        *program = store_col_int(rows, 0);
        str_fmt(status, 16, "%s", store_col_text(rows, 1));
        *version = store_col_int(rows, 2);
    }
    store_rows_free(rows);
    if (rc != 1)
        return api_not_found(c);
    if (!perm_coordinates(api_program_roles(c, *program)))
        return api_not_found(c); /* proposals name people: coordinators only */
    return 0;
}

static json_t *explain_json(const match_result *r, const match_pair *p)
{
    json_t *ex = json_object();
    for (size_t k = 0; p->explain && k < r->ncrit; k++)
        json_object_set_new(ex, r->crit_names[k], json_real(p->explain[k]));
    return ex;
}

/* Stores a solved proposal: its pairs, the quality report, the unmatched
 * and the hard to match (by participation, with names). */
static int store_run(api_ctx *c, int64_t program, const struct match_input *mi,
                     const match_result *r, int64_t *run_id)
{
    char *text = match_json_dumps(mi->inst, r);
    json_t *doc = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    json_t *stats = json_incref(json_object_get(doc, "stats"));
    json_decref(doc);
    if (!stats)
        stats = json_object();
    json_object_del(stats, "hard_to_match");
    json_t *un = json_array(), *hard = json_array();
    for (size_t i = 0; i < r->nunmatched; i++)
        json_array_append_new(un, json_pack("{s:I, s:s, s:I, s:s}", "mentee",
                                            (json_int_t)mi->mentee_part[r->unmatched[i].mentee],
                                            "name", mi->mentee_name[r->unmatched[i].mentee],
                                            "slots", (json_int_t)r->unmatched[i].slots, "reason",
                                            r->unmatched[i].reason));
    for (size_t i = 0; i < r->nhard; i++)
        json_array_append_new(hard, json_pack("{s:I, s:s, s:I, s:s}", "mentee",
                                              (json_int_t)mi->mentee_part[r->hard[i].mentee],
                                              "name", mi->mentee_name[r->hard[i].mentee], "allowed",
                                              (json_int_t)r->hard[i].allowed, "reason",
                                              r->hard[i].reason));
    char *st = json_dumps(stats, JSON_COMPACT), *ut = json_dumps(un, JSON_COMPACT),
         *ht = json_dumps(hard, JSON_COMPACT);
    json_decref(stats);
    json_decref(un);
    json_decref(hard);
    store_val p[] = {SV_INT(program),     SV_INT(c->actor.person_id),
                     SV_INT(clock_now()), SV_TEXT(match_objective_name(r->objective)),
                     SV_TEXT(st),         SV_TEXT(ut),
                     SV_TEXT(ht)};
    store_rows *rows;
    int rc = store_query(
        c->db,
        "INSERT INTO match_runs (program_id, created_by, created_at, objective, stats, unmatched, "
        "hard_to_match) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
        p, 7, &rows);
    free(st);
    free(ut);
    free(ht);
    if (rc != STORE_OK)
        return rc;
    *run_id = store_next(rows) == 1 ? store_col_int(rows, 0) : 0;
    store_rows_free(rows);
    if (!*run_id)
        return STORE_ERROR;
    for (size_t i = 0; i < r->npairs; i++) {
        const match_pair *pr = &r->pairs[i];
        json_t *ex = explain_json(r, pr);
        char *et = json_dumps(ex, JSON_COMPACT);
        json_decref(ex);
        store_val q[] = {SV_INT(*run_id),
                         SV_INT(mi->mentee_part[pr->mentee]),
                         SV_INT(mi->mentor_part[pr->mentor]),
                         SV_REAL(pr->score),
                         SV_TEXT(et),
                         SV_INT(pr->locked ? 1 : 0)};
        rc = store_exec(
            c->db,
            "INSERT INTO match_run_pairs (run_id, mentee_id, mentor_id, score, explain, locked) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            q, 6, NULL);
        free(et);
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The run as the API shows it: pairs with names, the engine's report and
 * the statistics of the pairs as they stand after any hand edits. */
static json_t *run_json(api_ctx *c, int64_t run)
{
    store_rows *rows;
    store_val p[] = {SV_INT(run)};
    if (store_query(c->db,
                    "SELECT id, program_id, created_at, objective, status, stats, unmatched, "
                    "hard_to_match, "
                    "published_at, version FROM match_runs WHERE id = ?1",
                    p, 1, &rows) != STORE_OK)
        return NULL;
    if (store_next(rows) != 1) {
        store_rows_free(rows);
        return NULL;
    }
    json_t *o = json_pack(
        "{s:I, s:I, s:o, s:s, s:s, s:o, s:o, s:o, s:I}", "id", (json_int_t)store_col_int(rows, 0),
        "program_id", (json_int_t)store_col_int(rows, 1), "created_at",
        api_time(store_col_int(rows, 2)), "objective", store_col_text(rows, 3), "status",
        store_col_text(rows, 4), "engine_stats", json_loads(store_col_text(rows, 5), 0, NULL),
        "unmatched", json_loads(store_col_text(rows, 6), 0, NULL), "hard_to_match",
        json_loads(store_col_text(rows, 7), 0, NULL), "version",
        (json_int_t)store_col_int(rows, 9));
    json_object_set_new(o, "published_at",
                        store_col_null(rows, 8) ? json_null() : api_time(store_col_int(rows, 8)));
    store_rows_free(rows);
    json_t *pairs = json_array();
    size_t cap = 64, n = 0;
    double *scores = xcalloc(cap, sizeof *scores), total = 0;
    if (store_query(
            c->db,
            "SELECT rp.mentee_id, e.sort_name, rp.mentor_id, r.sort_name, rp.score, rp.explain, "
            "rp.locked, "
            "rp.manual FROM match_run_pairs rp JOIN participations e ON e.id = rp.mentee_id "
            "JOIN participations r ON r.id = rp.mentor_id WHERE rp.run_id = ?1 ORDER BY rp.score "
            "DESC, e.sort_name",
            p, 1, &rows) == STORE_OK) {
        while (store_next(rows) == 1) {
            double s = store_col_real(rows, 4);
            json_array_append_new(
                pairs,
                json_pack("{s:I, s:s, s:I, s:s, s:f, s:o, s:b, s:b}", "mentee",
                          (json_int_t)store_col_int(rows, 0), "mentee_name",
                          store_col_text(rows, 1), "mentor", (json_int_t)store_col_int(rows, 2),
                          "mentor_name", store_col_text(rows, 3), "score", s, "explain",
                          json_loads(store_col_text(rows, 5), 0, NULL), "locked",
                          (int)store_col_int(rows, 6), "manual", (int)store_col_int(rows, 7)));
            if (n == cap) {
                cap *= 2;
                scores = xrealloc(scores, cap * sizeof *scores);
            }
            scores[n++] = s;
            total += s;
        }
        store_rows_free(rows);
    }
    qsort(scores, n, sizeof *scores, cmp_double);
    json_t *st = json_pack("{s:I, s:f}", "matched", (json_int_t)n, "total_score", total);
    json_object_set_new(st, "mean_score", n ? json_real(total / (double)n) : json_null());
    json_object_set_new(st, "min_score", n ? json_real(scores[0]) : json_null());
    json_object_set_new(
        st, "median_score",
        n ? json_real(n % 2 ? scores[n / 2] : (scores[n / 2 - 1] + scores[n / 2]) / 2)
          : json_null());
    free(scores);
    json_object_set_new(o, "stats", st);
    json_object_set_new(o, "pairs", pairs);
    return o;
}

int h_match_run_create(api_ctx *c)
{
    int64_t pid;
    if (api_program_access(c, 0, PERM_OTHER_PROFILE, PERM_WRITE,
                           "matching is for the program's coordinators", &pid, NULL))
        return -1;
    json_t *body = NULL;
    struct program_config cfg = {0};
    int result = -1, rc;
    if (c->req->body_len && api_body_object(c, &body))
        return -1;
    static const char *const keys[] = {"objective", "min_score", NULL};
    static const char *const objs[] = {"total", "fair", "stable", NULL};
    verr e = {0};
    const char *objective;
    double min_score;
    if ((rc = svc_program_config(c->db, pid, &cfg, NULL, 0)) != SVC_OK) {
        result = api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
        goto done;
    }
    if (body &&
        (v_known_keys(body, "", keys, &e) ||
         v_enum(body, "objective", "", objs, cfg.matching.objective, &objective, &e) ||
         v_number(body, "min_score", "", 0, 1, cfg.matching.min_score, false, &min_score, &e))) {
        result = api_invalid(c, &e);
        goto done;
    }
    if (body) { /* this run only: the program keeps its own */
        cfg.matching.objective = objective;
        cfg.matching.min_score = min_score;
    }
    struct match_input mi;
    char err[512] = "";
    rc = svc_match_input_build(c->db, pid, &cfg, 0, false, &mi, err, sizeof err);
    if (rc != STORE_OK) {
        result = rc > 0 ? api_problem(c, 409, NULL, "the proposal cannot be made: %s", err)
                        : api_store_failed(c, rc);
        goto done;
    }
    match_result *res = NULL;
    match_options opts = {.threads = 1};
    if (match_solve(mi.inst, &opts, &res, err, sizeof err)) {
        svc_match_input_cleanup(&mi);
        result = api_problem(c, 409, NULL, "the proposal cannot be made: %s", err);
        goto done;
    }
    int64_t run = 0;
    rc = store_run(c, pid, &mi, res, &run);
    match_result_free(res);
    svc_match_input_cleanup(&mi);
    if (rc != STORE_OK) {
        result = api_store_failed(c, rc);
        goto done;
    }
    api_audit(c, "match_run.create", "match_run", run, NULL);
    json_t *out = run_json(c, run);
    result = out ? api_json(c, 201, out) : api_store_failed(c, STORE_ERROR);
done:
    json_decref(body);
    program_config_cleanup(&cfg);
    return result;
}

int h_match_runs_list(api_ctx *c)
{
    int64_t pid;
    if (api_program_access(c, 0, PERM_OTHER_PROFILE, PERM_WRITE,
                           "matching is for the program's coordinators", &pid, NULL))
        return -1;
    store_rows *rows;
    store_val p[] = {SV_INT(pid)};
    int rc = store_query(
        c->db,
        "SELECT r.id, r.created_at, r.objective, r.status, (SELECT COUNT(*) FROM match_run_pairs p "
        "WHERE p.run_id = r.id) FROM match_runs r WHERE r.program_id = ?1 ORDER BY r.id DESC LIMIT "
        "100",
        p, 1, &rows);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    json_t *items = json_array();
    while (store_next(rows) == 1)
        json_array_append_new(
            items, json_pack("{s:I, s:o, s:s, s:s, s:I}", "id", (json_int_t)store_col_int(rows, 0),
                             "created_at", api_time(store_col_int(rows, 1)), "objective",
                             store_col_text(rows, 2), "status", store_col_text(rows, 3), "pairs",
                             (json_int_t)store_col_int(rows, 4)));
    store_rows_free(rows);
    return api_json(c, 200, json_pack("{s:o}", "items", items));
}

int h_match_run_get(api_ctx *c)
{
    int64_t run, program, version;
    char status[16];
    if (open_run(c, &run, &program, status, &version))
        return -1;
    json_t *out = run_json(c, run);
    return out ? api_json(c, 200, out) : api_store_failed(c, STORE_ERROR);
}

/* Scores one pair as the engine would, for a hand-made pair. 1 allowed
 * (score and explain set), 0 not (why set), -1 error (why set). */
static int score_pair(api_ctx *c, int64_t program, const struct program_config *cfg, int64_t mentee,
                      int64_t mentor, double *score, json_t **explain, char *why, size_t whylen)
{
    struct match_input mi;
    int rc = svc_match_input_build(c->db, program, cfg, mentee, true, &mi, why, whylen);
    if (rc != SVC_OK)
        return rc > 0 ? -1 : rc;
    long e = svc_match_input_mentee(&mi, mentee), r = svc_match_input_mentor(&mi, mentor);
    int result = 0;
    if (e < 0 || r < 0) {
        str_fmt(why, whylen, "%s is not eligible (approved%s, with %s left)",
                e < 0 ? "the mentee" : "the mentor",
                cfg->training.required_before_matching ? " and trained" : "",
                e < 0 ? "wants" : "capacity");
        svc_match_input_cleanup(&mi);
        return 0;
    }
    match_ranking *rk = NULL;
    if (match_rank(mi.inst, (size_t)e, &rk, why, whylen)) {
        svc_match_input_cleanup(&mi);
        return -1;
    }
    for (size_t i = 0; i < rk->n; i++) {
        const match_ranked *it = &rk->items[i];
        if (it->mentor != (size_t)r)
            continue;
        *score = it->score;
        *explain = json_object();
        for (size_t k = 0; k < rk->ncrit; k++)
            json_object_set_new(*explain, rk->crit_names[k], json_real(it->explain[k]));
        if (it->allowed)
            result = 1;
        else
            str_fmt(why, whylen, "the pair is not allowed: %s", it->refusal ? it->refusal : "?");
    }
    match_ranking_free(rk);
    svc_match_input_cleanup(&mi);
    return result;
}

int h_match_run_pairs(api_ctx *c)
{
    int64_t run, program, version;
    char status[16];
    if (open_run(c, &run, &program, status, &version))
        return -1;
    if (strcmp(status, "proposed") != 0)
        return api_problem(c, 409, NULL, "this proposal is %s; re-run to make a new one", status);
    json_t *body;
    struct program_config cfg = {0};
    if (api_body_object(c, &body))
        return -1;
    static const char *const keys[] = {"action", "mentee", "mentor", NULL};
    static const char *const actions[] = {"lock", "unlock", "exclude", "include",
                                          "add",  "remove", NULL};
    verr e = {0};
    const char *action;
    int64_t mentee, mentor;
    int result = -1, rc;
    if (v_known_keys(body, "", keys, &e) ||
        v_enum(body, "action", "", actions, NULL, &action, &e) ||
        v_int(body, "mentee", "", 1, INT64_MAX / 2, 0, true, &mentee, &e) ||
        v_int(body, "mentor", "", 1, INT64_MAX / 2, 0, true, &mentor, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    int64_t in_run = 0, now = clock_now();
    store_val k[] = {SV_INT(run), SV_INT(mentee), SV_INT(mentor)};
    if ((rc = store_query_int(c->db,
                              "SELECT COUNT(*) FROM match_run_pairs WHERE run_id = ?1 AND "
                              "mentee_id = ?2 AND mentor_id = ?3",
                              k, 3, &in_run)) < 0) {
        result = api_store_failed(c, rc);
        goto done;
    }
    store_val rule[] = {SV_INT(program), SV_INT(mentee), SV_INT(mentor),
                        SV_TEXT(strcmp(action, "lock") == 0 ? "lock" : "exclude"), SV_INT(now)};
    if (strcmp(action, "lock") == 0 || strcmp(action, "unlock") == 0) {
        if (!in_run) {
            result = api_problem(c, 422, "mentee", "only a pair in the proposal can be locked");
            goto done;
        }
        bool lock = strcmp(action, "lock") == 0;
        rc = lock ? store_exec(c->db,
                               "INSERT INTO pair_rules (program_id, mentee_id, mentor_id, rule, "
                               "created_at) VALUES (?1, ?2, ?3, ?4, ?5) "
                               "ON CONFLICT (program_id, mentee_id, mentor_id) DO UPDATE SET rule "
                               "= excluded.rule",
                               rule, 5, NULL)
                  : store_exec(c->db,
                               "DELETE FROM pair_rules WHERE program_id = ?1 AND mentee_id = ?2 "
                               "AND mentor_id = ?3",
                               rule, 3, NULL);
        store_val u[] = {SV_INT(run), SV_INT(mentee), SV_INT(mentor), SV_INT(lock ? 1 : 0)};
        if (rc == STORE_OK)
            rc = store_exec(c->db,
                            "UPDATE match_run_pairs SET locked = ?4 WHERE run_id = ?1 AND "
                            "mentee_id = ?2 AND mentor_id = ?3",
                            u, 4, NULL);
    } else if (strcmp(action, "exclude") == 0 || strcmp(action, "include") == 0) {
        bool exclude = strcmp(action, "exclude") == 0;
        rc = exclude ? store_exec(c->db,
                                  "INSERT INTO pair_rules (program_id, mentee_id, mentor_id, rule, "
                                  "created_at) VALUES (?1, ?2, ?3, ?4, ?5) "
                                  "ON CONFLICT (program_id, mentee_id, mentor_id) DO UPDATE SET "
                                  "rule = excluded.rule",
                                  rule, 5, NULL)
                     : store_exec(c->db,
                                  "DELETE FROM pair_rules WHERE program_id = ?1 AND mentee_id = ?2 "
                                  "AND mentor_id = ?3 AND rule = 'exclude'",
                                  rule, 3, NULL);
        if (rc == STORE_OK && exclude)
            rc = store_exec(c->db,
                            "DELETE FROM match_run_pairs WHERE run_id = ?1 AND mentee_id = ?2 AND "
                            "mentor_id = ?3",
                            k, 3, NULL);
    } else if (strcmp(action, "remove") == 0) {
        if (!in_run) {
            result = api_problem(c, 422, "mentee", "that pair is not in the proposal");
            goto done;
        }
        rc = store_exec(
            c->db,
            "DELETE FROM match_run_pairs WHERE run_id = ?1 AND mentee_id = ?2 AND mentor_id = ?3",
            k, 3, NULL);
        if (rc == STORE_OK)
            rc = store_exec(c->db,
                            "DELETE FROM pair_rules WHERE program_id = ?1 AND mentee_id = ?2 AND "
                            "mentor_id = ?3",
                            rule, 3, NULL);
    } else { /* add: scored and explained as the engine would */
        if (in_run) {
            result = api_problem(c, 409, "mentee", "that pair is in the proposal already");
            goto done;
        }
        if ((rc = svc_program_config(c->db, program, &cfg, NULL, 0)) != SVC_OK) {
            result = api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
            goto done;
        }
        double score = 0;
        json_t *explain = NULL;
        char why[512] = "";
        int ok = score_pair(c, program, &cfg, mentee, mentor, &score, &explain, why, sizeof why);
        if (ok != 1) {
            json_decref(explain);
            result = ok < -1 || (ok == -1 && !why[0])
                         ? api_store_failed(c, ok)
                         : api_problem(c, ok == 0 ? 409 : 500, "mentor", "%s", why);
            goto done;
        }
        /* Capacity and wants within the proposal. */
        int64_t used = 0, taken = 0, cap = 1, wants = 1;
        store_val m[] = {SV_INT(run), SV_INT(mentor)}, t[] = {SV_INT(run), SV_INT(mentee)};
        store_val pm[] = {SV_INT(mentor)}, pe[] = {SV_INT(mentee)};
        if ((rc = store_query_int(
                 c->db, "SELECT COUNT(*) FROM match_run_pairs WHERE run_id = ?1 AND mentor_id = ?2",
                 m, 2, &used)) < 0 ||
            (rc = store_query_int(
                 c->db, "SELECT COUNT(*) FROM match_run_pairs WHERE run_id = ?1 AND mentee_id = ?2",
                 t, 2, &taken)) < 0 ||
            (rc = store_query_int(c->db,
                                  "SELECT COALESCE(capacity, 1) FROM participations WHERE id = ?1",
                                  pm, 1, &cap)) < 0 ||
            (rc = store_query_int(c->db,
                                  "SELECT COALESCE(wants, 1) FROM participations WHERE id = ?1", pe,
                                  1, &wants)) < 0) {
            json_decref(explain);
            result = api_store_failed(c, rc);
            goto done;
        }
        if (used >= cap || taken >= wants) {
            json_decref(explain);
            result = api_problem(
                c, 409, used >= cap ? "mentor" : "mentee",
                used >= cap
                    ? "the mentor's capacity is used up in this proposal: remove one of their "
                      "pairs first"
                    : "the mentee has all their mentors in this proposal: remove their pair first");
            goto done;
        }
        char *et = json_dumps(explain, JSON_COMPACT);
        json_decref(explain);
        store_val q[] = {SV_INT(run), SV_INT(mentee), SV_INT(mentor), SV_REAL(score), SV_TEXT(et)};
        rc = store_exec(
            c->db,
            "INSERT INTO match_run_pairs (run_id, mentee_id, mentor_id, score, explain, manual) "
            "VALUES (?1, ?2, ?3, ?4, ?5, 1)",
            q, 5, NULL);
        free(et);
    }
    if (rc == STORE_OK) {
        store_val v[] = {SV_INT(run)};
        rc = store_exec(c->db, "UPDATE match_runs SET version = version + 1 WHERE id = ?1", v, 1,
                        NULL);
    }
    if (rc != STORE_OK) {
        result = api_store_failed(c, rc);
        goto done;
    }
    api_audit(c, "match_run.pair", "match_run", run,
              json_pack("{s:s, s:I, s:I}", "action", action, "mentee", (json_int_t)mentee, "mentor",
                        (json_int_t)mentor));
    json_t *out = run_json(c, run);
    result = out ? api_json(c, 200, out) : api_store_failed(c, STORE_ERROR);
done:
    program_config_cleanup(&cfg);
    json_decref(body);
    return result;
}

/* Pairs of a run keyed "mentee:mentor" with their scores. */
static json_t *pair_map(json_t *run)
{
    json_t *m = json_object();
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(run, "pairs"), i, p)
    {
        char key[64];
        str_fmt(key, sizeof key, "%lld:%lld",
                (long long)json_integer_value(json_object_get(p, "mentee")),
                (long long)json_integer_value(json_object_get(p, "mentor")));
        json_object_set(m, key, p);
    }
    return m;
}

int h_match_run_compare(api_ctx *c)
{
    int64_t run, program, version, other;
    char status[16];
    if (open_run(c, &run, &program, status, &version))
        return -1;
    if (api_param_id(c, 1, &other))
        return -1;
    int64_t other_program = 0;
    store_val p[] = {SV_INT(other)};
    if (store_query_int(c->db, "SELECT program_id FROM match_runs WHERE id = ?1", p, 1,
                        &other_program) != 1 ||
        other_program != program)
        return api_not_found(c);
    json_t *a = run_json(c, run), *b = run_json(c, other);
    if (!a || !b) {
        json_decref(a);
        json_decref(b);
        return api_store_failed(c, STORE_ERROR);
    }
    json_t *ma = pair_map(a), *mb = pair_map(b), *only_a = json_array(), *only_b = json_array(),
           *changed = json_array();
    const char *key;
    json_t *v;
    json_object_foreach(ma, key, v) if (!json_object_get(mb, key)) json_array_append(only_a, v);
    json_object_foreach(mb, key, v) if (!json_object_get(ma, key)) json_array_append(only_b, v);
    /* Mentees whose mentor differs between the two. */
    size_t i;
    json_t *pa;
    json_array_foreach(only_a, i, pa)
    {
        size_t j;
        json_t *pb;
        json_array_foreach(only_b, j, pb) if (json_equal(json_object_get(pa, "mentee"),
                                                         json_object_get(pb, "mentee")))
            json_array_append_new(
                changed,
                json_pack("{s:O, s:O, s:O, s:O, s:O, s:O}", "mentee", json_object_get(pa, "mentee"),
                          "mentee_name", json_object_get(pa, "mentee_name"), "mentor",
                          json_object_get(pa, "mentor_name"), "other_mentor",
                          json_object_get(pb, "mentor_name"), "score", json_object_get(pa, "score"),
                          "other_score", json_object_get(pb, "score")));
    }
    json_t *out = json_pack("{s:I, s:I, s:O, s:O, s:o, s:o, s:o, s:I}", "run", (json_int_t)run,
                            "other", (json_int_t)other, "stats", json_object_get(a, "stats"),
                            "other_stats", json_object_get(b, "stats"), "only_in_run", only_a,
                            "only_in_other", only_b, "changed", changed, "same",
                            (json_int_t)(json_object_size(ma) - json_array_size(only_a)));
    json_decref(ma);
    json_decref(mb);
    json_decref(a);
    json_decref(b);
    return api_json(c, 200, out);
}

int h_match_run_publish(api_ctx *c)
{
    int64_t run, program, version;
    char status[16];
    if (open_run(c, &run, &program, status, &version))
        return -1;
    /* Publishes of one program take turns: the program's row is locked
     * first (a no-op write), so two racing publishes never wait on each
     * other's rows in opposite orders. Then the run is claimed: the later
     * publish finds it published or superseded and changes nothing. */
    store_val prog[] = {SV_INT(program)};
    int rc = store_exec(c->db, "UPDATE programs SET updated_at = updated_at WHERE id = ?1", prog, 1,
                        NULL);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    store_val claim[] = {SV_INT(run), SV_INT(clock_now()), SV_INT(c->actor.person_id)};
    int64_t changed = 0;
    rc = store_exec(
        c->db,
        "UPDATE match_runs SET status = 'published', published_at = ?2, published_by = ?3, "
        "version = version + 1 WHERE id = ?1 AND status = 'proposed'",
        claim, 3, &changed);
    if (rc != STORE_OK)
        return api_store_failed(c, rc);
    if (changed != 1) {
        store_val q[] = {SV_INT(run)};
        store_rows *now_rows;
        char now_status[16] = "published";
        if (store_query(c->db, "SELECT status FROM match_runs WHERE id = ?1", q, 1, &now_rows) ==
            STORE_OK) {
            if (store_next(now_rows) == 1)
                str_fmt(now_status, sizeof now_status, "%s", store_col_text(now_rows, 0));
            store_rows_free(now_rows);
        }
        return api_problem(c, 409, NULL, "this proposal is %s already", now_status);
    }
    struct program_config cfg;
    if ((rc = svc_program_config(c->db, program, &cfg, NULL, 0)) != SVC_OK)
        return api_store_failed(c, rc < 0 ? rc : STORE_ERROR);
    bool group = cfg.matching.relationship_type == PROGRAM_GROUP;
    store_rows *rows;
    store_val p[] = {SV_INT(run)};
    if ((rc = store_query(c->db,
                          "SELECT mentor_id, mentee_id FROM match_run_pairs WHERE run_id = ?1 "
                          "ORDER BY mentor_id, mentee_id",
                          p, 1, &rows)) != STORE_OK) {
        program_config_cleanup(&cfg);
        return api_store_failed(c, rc);
    }
    size_t cap = 64, n = 0;
    int64_t(*pairs)[2] = xcalloc(cap, sizeof *pairs);
    while (store_next(rows) == 1) {
        if (n == cap) {
            cap *= 2;
            pairs = xrealloc(pairs, cap * sizeof *pairs);
        }
        pairs[n][0] = store_col_int(rows, 0);
        pairs[n][1] = store_col_int(rows, 1);
        n++;
    }
    store_rows_free(rows);
    int result = 0;
    json_t *made = json_array();
    for (size_t i = 0; i < n && result == 0;) {
        /* One relationship per pair, or per mentor in a group program. */
        size_t j = i + 1;
        while (group && j < n && pairs[j][0] == pairs[i][0] &&
               j - i < LIMIT_RELATIONSHIP_MEMBERS - 1)
            j++;
        int64_t mentees[LIMIT_RELATIONSHIP_MEMBERS];
        for (size_t k = i; k < j; k++)
            mentees[k - i] = pairs[k][1];
        verr e = {0};
        int64_t id;
        struct svc_rel_new in = {.mentor = pairs[i][0],
                                 .mentees = mentees,
                                 .n = j - i,
                                 .source = "admin",
                                 .run_id = run};
        svc_actor actor = api_actor(c);
        rc = svc_relationship_create(c->db, &actor, program, &cfg, &in, &id, &e);
        if (rc > 0)
            result = api_problem(
                c, 409, NULL,
                "nothing was published: the pair of mentor %lld and mentee %lld breaks a rule: %s",
                (long long)pairs[i][0], (long long)mentees[0], e.msg);
        else if (rc != STORE_OK)
            result = api_store_failed(c, rc);
        else
            json_array_append_new(made, json_integer(id));
        i = j;
    }
    free(pairs);
    program_config_cleanup(&cfg);
    if (result) {
        json_decref(made);
        return result;
    }
    store_val sup[] = {SV_INT(program), SV_INT(run)};
    if ((rc = store_exec(c->db,
                         "UPDATE match_runs SET status = 'superseded' WHERE program_id = ?1 AND id "
                         "<> ?2 AND status = 'proposed'",
                         sup, 2, NULL)) != STORE_OK) {
        json_decref(made);
        return api_store_failed(c, rc);
    }
    api_audit(c, "match_run.publish", "match_run", run,
              json_pack("{s:I}", "relationships", (json_int_t)json_array_size(made)));
    json_t *out = run_json(c, run);
    if (!out) {
        json_decref(made);
        return api_store_failed(c, STORE_ERROR);
    }
    json_object_set_new(out, "relationships", made);
    return api_json(c, 200, out);
}
