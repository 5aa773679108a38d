/* matching.c - admin matching: proposals (match runs) made by the engine
 * on the program's eligible participants, reviewed by a coordinator (lock,
 * exclude, add or remove a pair by hand, re-run, compare) and published as
 * relationships (product.md §5). The rules are service/proposals.c's;
 * this file reads bodies and shapes replies. */
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "base/str.h"
#include "service/program.h"
#include "service/proposals.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The figures of the pairs as they stand after any hand edits. */
static json_t *pair_stats(const struct svc_run *r, const struct svc_run_figures *f)
{
    size_t n = r->npairs;
    double *scores = malloc((n + 1) * sizeof *scores), total = 0;
    for (size_t i = 0; i < n; i++)
        total += scores[i] = r->pairs[i].score;
    qsort(scores, n, sizeof *scores, cmp_double);
    json_t *st = json_pack("{s:I, s:f}", "matched", (json_int_t)n, "total_score", total);
    json_object_set_new(st, "mean_score", n ? json_real(total / (double)n) : json_null());
    json_object_set_new(st, "min_score", n ? json_real(scores[0]) : json_null());
    json_object_set_new(
        st, "median_score",
        n ? json_real(n % 2 ? scores[n / 2] : (scores[n / 2 - 1] + scores[n / 2]) / 2)
          : json_null());
    free(scores);
    json_object_set_new(st, "unmatched", json_integer((json_int_t)f->nunmatched));
    json_object_set_new(st, "mentor_load",
                        json_pack("{s:I, s:I, s:I, s:I}", "used", (json_int_t)f->load_used,
                                  "capacity", (json_int_t)f->load_capacity, "mentors_full",
                                  (json_int_t)f->mentors_full, "mentors_with_no_mentee",
                                  (json_int_t)f->mentors_idle));
    json_object_set_new(st, "edited", json_boolean(f->edited));
    json_object_set_new(st, "engine_total_score", json_real(f->engine_total));
    return st;
}

static json_t *left_json(const struct svc_run_left *l, size_t n, const char *key, bool reasons)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:I, s:s, s:I}", key, (json_int_t)l[i].part, "name", l[i].name,
                              reasons ? "slots" : "free", (json_int_t)l[i].slots);
        if (reasons)
            json_object_set_new(o, "reason", json_string(l[i].reason ? l[i].reason : ""));
        json_array_append_new(a, o);
    }
    return a;
}

/* Those the run left out, with why. */
static json_t *left_out_json(const struct svc_run *r)
{
    json_t *a = json_array();
    for (size_t i = 0; i < r->npeople; i++) {
        const struct svc_run_person *p = &r->people[i];
        if (p->reason)
            json_array_append_new(a,
                                  json_pack("{s:I, s:s, s:s, s:s}", "participation",
                                            (json_int_t)p->part, "name", p->name, "role",
                                            p->mentor ? "mentor" : "mentee", "reason", p->reason));
    }
    return a;
}

/* The run as the API shows it: pairs with names, the engine's report, the
 * figures as the pairs stand (unmatched and mentor load included), who was
 * left out of the run and why, and who can be added by hand. */
static json_t *run_json(const struct svc_run *r)
{
    struct svc_run_figures f;
    svc_proposal_figures(r, &f);
    json_t *pairs = json_array();
    for (size_t i = 0; i < r->npairs; i++) {
        const struct svc_run_pair *p = &r->pairs[i];
        json_array_append_new(pairs,
                              json_pack("{s:I, s:s, s:I, s:s, s:f, s:O, s:b, s:b}", "mentee",
                                        (json_int_t)p->mentee, "mentee_name", p->mentee_name,
                                        "mentor", (json_int_t)p->mentor, "mentor_name",
                                        p->mentor_name, "score", p->score, "explain", p->explain,
                                        "locked", p->locked, "manual", p->manual));
    }
    json_t *o = json_pack(
        "{s:I, s:I, s:o, s:s, s:s, s:O, s:o, s:O, s:I, s:o, s:o}", "id", (json_int_t)r->id,
        "program_id", (json_int_t)r->program_id, "created_at", api_time(r->created_at), "objective",
        r->objective, "status", r->status, "engine_stats", r->engine_stats, "unmatched",
        left_json(f.unmatched, f.nunmatched, "mentee", true), "hard_to_match", r->hard_to_match,
        "version", (json_int_t)r->version, "stats", pair_stats(r, &f), "pairs", pairs);
    json_object_set_new(o, "published_at",
                        r->published_at ? api_time(r->published_at) : json_null());
    json_object_set_new(o, "not_in_run", left_out_json(r));
    json_object_set_new(
        o, "candidates",
        json_pack("{s:o, s:o}", "mentees",
                  left_json(f.mentees_free, f.nmentees_free, "participation", false), "mentors",
                  left_json(f.mentors_free, f.nmentors_free, "participation", false)));
    svc_run_figures_cleanup(&f);
    return o;
}

/* Loads run `id` into *out as JSON (new reference). A service status. */
static int load_run_json(api_ctx *c, int64_t id, json_t **out)
{
    struct svc_run r;
    int rc = svc_proposal_get(c->db, id, &r);
    *out = rc == SVC_OK ? run_json(&r) : NULL;
    svc_run_cleanup(&r);
    return rc;
}

/* Answers run `id`, with the status. */
static int reply_run(api_ctx *c, int64_t id, int status)
{
    json_t *out;
    int rc = load_run_json(c, id, &out);
    return rc == SVC_OK ? api_json(c, status, out) : api_fail(c, rc > 0 ? STORE_ERROR : rc, NULL);
}

/* The proposal of route parameter 0 for a coordinator of its program;
 * with `editing`, one still proposed. Answers and returns -1 otherwise. */
static int open_run(api_ctx *c, bool editing, struct svc_run_head *run)
{
    int64_t id;
    if (api_param_id(c, 0, &id))
        return -1;
    svc_actor actor = api_actor(c);
    verr e = {0};
    int rc = svc_proposal_open(c->db, &actor, id, editing, run, &e);
    return rc == SVC_OK ? 0 : api_fail(c, rc, &e);
}

int h_match_run_create(api_ctx *c)
{
    int64_t pid, id;
    if (api_program_access(c, 0, PERM_OTHER_PROFILE, PERM_WRITE,
                           "matching is for the program's coordinators", &pid, NULL))
        return -1;
    json_t *body = NULL;
    struct program_config cfg = {0};
    verr e = {0};
    int result = -1, rc;
    if (c->req->body_len && api_body_object(c, &body))
        goto done;
    if ((rc = svc_program_config(c->db, pid, &cfg, NULL, 0)) != SVC_OK) {
        result = api_fail(c, rc, NULL);
        goto done;
    }
    /* The body may change the objective and the minimum score for this run
     * only: the program keeps its own. */
    if (body && proposal_run_read(body, &cfg.matching.objective, &cfg.matching.min_score, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    if ((rc = svc_proposal_make(c->db, &actor, pid, &cfg, &id, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = reply_run(c, id, 201);
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
    struct svc_run_summary *runs;
    size_t n;
    int rc = svc_proposal_list(c->db, pid, &runs, &n);
    if (rc != SVC_OK)
        return api_fail(c, rc, NULL);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items,
                              json_pack("{s:I, s:o, s:s, s:s, s:I}", "id", (json_int_t)runs[i].id,
                                        "created_at", api_time(runs[i].created_at), "objective",
                                        runs[i].objective, "status", runs[i].status, "pairs",
                                        (json_int_t)runs[i].pairs));
    free(runs);
    return api_json(c, 200, json_pack("{s:o}", "items", items));
}

int h_match_run_get(api_ctx *c)
{
    struct svc_run_head run;
    if (open_run(c, false, &run))
        return -1;
    return reply_run(c, run.id, 200);
}

int h_match_run_pairs(api_ctx *c)
{
    struct svc_run_head run;
    if (open_run(c, true, &run))
        return -1;
    json_t *body;
    verr e = {0};
    enum proposal_pair_action a;
    int64_t mentee, mentor;
    int result = -1, rc;
    if (api_body_object(c, &body))
        return -1;
    if (proposal_pair_read(body, &a, &mentee, &mentor, &e)) {
        result = api_invalid(c, &e);
        goto done;
    }
    svc_actor actor = api_actor(c);
    if ((rc = svc_proposal_edit(c->db, &actor, &run, a, mentee, mentor, &e)) != SVC_OK) {
        result = api_fail(c, rc, &e);
        goto done;
    }
    result = reply_run(c, run.id, 200);
done:
    json_decref(body);
    return result;
}

/* Pairs of a run keyed "mentee:mentor". */
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
    struct svc_run_head run;
    int64_t other;
    if (open_run(c, false, &run) || api_param_id(c, 1, &other))
        return -1;
    json_t *a = NULL, *b = NULL;
    int rc = load_run_json(c, run.id, &a);
    if (rc == SVC_OK)
        rc = load_run_json(c, other, &b);
    if (rc == SVC_OK && json_integer_value(json_object_get(b, "program_id")) != run.program_id)
        rc = SVC_NOT_FOUND; /* runs of one program only */
    if (rc != SVC_OK) {
        json_decref(a);
        json_decref(b);
        return api_fail(c, rc, NULL);
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
    json_t *out = json_pack("{s:I, s:I, s:O, s:O, s:o, s:o, s:o, s:I}", "run", (json_int_t)run.id,
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
    struct svc_run_head run;
    if (open_run(c, false, &run))
        return -1;
    svc_actor actor = api_actor(c);
    int64_t *made;
    size_t n;
    verr e = {0};
    int rc = svc_proposal_publish(c->db, &actor, &run, &made, &n, &e);
    if (rc != SVC_OK)
        return api_fail(c, rc, &e);
    json_t *ids = json_array(), *out;
    for (size_t i = 0; i < n; i++)
        json_array_append_new(ids, json_integer(made[i]));
    free(made);
    if ((rc = load_run_json(c, run.id, &out)) != SVC_OK) {
        json_decref(ids);
        return api_fail(c, rc > 0 ? STORE_ERROR : rc, NULL);
    }
    json_object_set_new(out, "relationships", ids);
    return api_json(c, 200, out);
}
