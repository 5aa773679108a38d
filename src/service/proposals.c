#include "service/proposals.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/str.h"
#include "match/rank.h"
#include "service/audit.h"
#include "service/match_input.h"
#include "service/matchable.h"
#include "service/program.h"
#include "service/relationship.h"

/* ---- reading ---- */

int svc_proposal_open(store *db, const svc_actor *actor, int64_t id, bool editing,
                      struct svc_run_head *out, verr *e)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(id)};
    memset(out, 0, sizeof *out);
    int rc = store_query(db, "SELECT id, program_id, status, version FROM match_runs WHERE id = ?1",
                         p, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        out->id = store_col_int(rows, 0);
        out->program_id = store_col_int(rows, 1);
        str_fmt(out->status, sizeof out->status, "%s", store_col_text(rows, 2));
        out->version = store_col_int(rows, 3);
        rc = SVC_OK;
    } else if (rc == 0) {
        rc = SVC_NOT_FOUND;
    }
    store_rows_free(rows);
    perm_roles roles = 0;
    if (rc == SVC_OK && (rc = svc_program_roles(db, actor, out->program_id, &roles)) == STORE_OK)
        rc = perm_coordinates(roles) ? SVC_OK : SVC_NOT_FOUND;
    if (rc == SVC_OK && editing && strcmp(out->status, "proposed") != 0)
        rc = svc_fail(e, SVC_REFUSED, NULL, "this proposal is %s; re-run to make a new one",
                      out->status);
    return rc;
}

void svc_run_cleanup(struct svc_run *r)
{
    if (!r)
        return;
    json_decref(r->engine_stats);
    json_decref(r->unmatched);
    json_decref(r->hard_to_match);
    for (size_t i = 0; i < r->npairs; i++)
        json_decref(r->pairs[i].explain);
    free(r->pairs);
    for (size_t i = 0; i < r->npeople; i++)
        free(r->people[i].reason);
    free(r->people);
    memset(r, 0, sizeof *r);
}

static json_t *doc(const char *text)
{
    json_t *v = text ? json_loads(text, 0, NULL) : NULL;
    return v ? v : json_null();
}

int svc_proposal_get(store *db, int64_t id, struct svc_run *out)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(id)};
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    int rc = store_query(db,
                         "SELECT id, program_id, created_at, objective, status, stats, unmatched, "
                         "hard_to_match, published_at, version FROM match_runs WHERE id = ?1",
                         p, 1, &rows);
    if (rc != STORE_OK)
        goto done;
    if ((rc = store_next(rows)) != 1) {
        rc = rc == 0 ? SVC_NOT_FOUND : rc;
        goto done;
    }
    out->id = store_col_int(rows, 0);
    out->program_id = store_col_int(rows, 1);
    out->created_at = store_col_int(rows, 2);
    str_fmt(out->objective, sizeof out->objective, "%s", store_col_text(rows, 3));
    str_fmt(out->status, sizeof out->status, "%s", store_col_text(rows, 4));
    out->engine_stats = doc(store_col_text(rows, 5));
    out->unmatched = doc(store_col_text(rows, 6));
    out->hard_to_match = doc(store_col_text(rows, 7));
    out->published_at = store_col_null(rows, 8) ? 0 : store_col_int(rows, 8);
    out->version = store_col_int(rows, 9);
    store_rows_free(rows);
    rows = NULL;
    rc = store_query(
        db,
        "SELECT rp.mentee_id, e.sort_name, rp.mentor_id, r.sort_name, rp.score, rp.explain, "
        "rp.locked, rp.manual FROM match_run_pairs rp JOIN participations e ON e.id = "
        "rp.mentee_id JOIN participations r ON r.id = rp.mentor_id WHERE rp.run_id = ?1 "
        "ORDER BY rp.score DESC, e.sort_name",
        p, 1, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        if (out->npairs == cap) {
            cap = cap ? cap * 2 : 64;
            out->pairs = xrealloc(out->pairs, cap * sizeof *out->pairs);
        }
        struct svc_run_pair *pr = &out->pairs[out->npairs++];
        pr->mentee = store_col_int(rows, 0);
        str_fmt(pr->mentee_name, sizeof pr->mentee_name, "%s", store_col_text(rows, 1));
        pr->mentor = store_col_int(rows, 2);
        str_fmt(pr->mentor_name, sizeof pr->mentor_name, "%s", store_col_text(rows, 3));
        pr->score = store_col_real(rows, 4);
        pr->explain = doc(store_col_text(rows, 5));
        pr->locked = store_col_int(rows, 6) != 0;
        pr->manual = store_col_int(rows, 7) != 0;
    }
    store_rows_free(rows);
    rows = NULL;
    cap = 0;
    if (rc >= 0)
        rc = store_query(db,
                         "SELECT mp.participation_id, pa.sort_name, mp.side, mp.slots, mp.reason "
                         "FROM match_run_people mp JOIN participations pa ON pa.id = "
                         "mp.participation_id WHERE mp.run_id = ?1 ORDER BY mp.side, "
                         "pa.sort_name, mp.participation_id",
                         p, 1, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        if (out->npeople == cap) {
            cap = cap ? cap * 2 : 64;
            out->people = xrealloc(out->people, cap * sizeof *out->people);
        }
        struct svc_run_person *pp = &out->people[out->npeople++];
        pp->part = store_col_int(rows, 0);
        str_fmt(pp->name, sizeof pp->name, "%s", store_col_text(rows, 1));
        pp->mentor = strcmp(store_col_text(rows, 2), "mentor") == 0;
        pp->slots = store_col_int(rows, 3);
        pp->reason = store_col_null(rows, 4) ? NULL : xstrdup(store_col_text(rows, 4));
    }
    rc = rc < 0 ? rc : SVC_OK;
done:
    store_rows_free(rows);
    if (rc != SVC_OK)
        svc_run_cleanup(out);
    return rc;
}

/* ---- the figures after hand edits ---- */

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* How often `id` occurs in the sorted ids[0..n). */
static int64_t occurrences(const int64_t *ids, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    int64_t k = 0;
    while (lo < n && ids[lo++] == id)
        k++;
    return k;
}

/* The engine's reason for leaving mentee `part` unmatched, or NULL. */
static const char *engine_reason(const json_t *unmatched, int64_t part)
{
    size_t i;
    const json_t *u;
    json_array_foreach(unmatched, i,
                       u) if (json_integer_value(json_object_get(u, "mentee")) ==
                              part) return json_string_value(json_object_get(u, "reason"));
    return NULL;
}

static int64_t stat_int(const json_t *stats, const char *a, const char *b)
{
    const json_t *v = json_object_get(stats, a);
    return json_integer_value(b ? json_object_get(v, b) : v);
}

void svc_proposal_figures(const struct svc_run *r, struct svc_run_figures *out)
{
    memset(out, 0, sizeof *out);
    const json_t *es = r->engine_stats;
    out->engine_total = json_number_value(json_object_get(es, "total_score"));
    bool manual = false;
    for (size_t i = 0; i < r->npairs; i++)
        manual = manual || r->pairs[i].manual;
    out->edited = manual || (int64_t)r->npairs != stat_int(es, "matched", NULL);
    out->known = r->npeople > 0;
    out->unmatched =
        xcalloc(r->npeople + json_array_size(r->unmatched) + 1, sizeof *out->unmatched);
    out->mentees_free = xcalloc(r->npeople + 1, sizeof *out->mentees_free);
    out->mentors_free = xcalloc(r->npeople + 1, sizeof *out->mentors_free);
    if (!out->known) {
        /* Made before its people were recorded: the engine's figures. */
        size_t i;
        const json_t *u;
        json_array_foreach(r->unmatched, i, u)
        {
            struct svc_run_left *l = &out->unmatched[out->nunmatched++];
            l->part = json_integer_value(json_object_get(u, "mentee"));
            const char *name = json_string_value(json_object_get(u, "name"));
            str_fmt(l->name, sizeof l->name, "%s", name ? name : "");
            l->slots = json_integer_value(json_object_get(u, "slots"));
            l->reason = json_string_value(json_object_get(u, "reason"));
        }
        out->load_used = stat_int(es, "mentor_load", "used");
        out->load_capacity = stat_int(es, "mentor_load", "capacity");
        out->mentors_full = stat_int(es, "mentor_load", "mentors_full");
        out->mentors_idle = stat_int(es, "mentor_load", "mentors_with_no_mentee");
        return;
    }
    int64_t *mentees = xcalloc(r->npairs + 1, sizeof *mentees),
            *mentors = xcalloc(r->npairs + 1, sizeof *mentors);
    for (size_t i = 0; i < r->npairs; i++) {
        mentees[i] = r->pairs[i].mentee;
        mentors[i] = r->pairs[i].mentor;
    }
    qsort(mentees, r->npairs, sizeof *mentees, cmp_id);
    qsort(mentors, r->npairs, sizeof *mentors, cmp_id);
    for (size_t i = 0; i < r->npeople; i++) {
        const struct svc_run_person *p = &r->people[i];
        if (p->reason)
            continue; /* left out of the run: listed apart */
        int64_t used = occurrences(p->mentor ? mentors : mentees, r->npairs, p->part);
        int64_t left = p->slots > used ? p->slots - used : 0;
        if (p->mentor) {
            out->load_used += used < p->slots ? used : p->slots;
            out->load_capacity += p->slots;
            out->mentors_full += used >= p->slots;
            out->mentors_idle += used == 0;
        } else if (left > 0) {
            struct svc_run_left *l = &out->unmatched[out->nunmatched++];
            l->part = p->part;
            str_fmt(l->name, sizeof l->name, "%s", p->name);
            l->slots = left;
            l->reason = engine_reason(r->unmatched, p->part);
            if (!l->reason)
                l->reason = "removed from this proposal by hand";
        }
        if (left > 0) {
            struct svc_run_left *f = p->mentor ? &out->mentors_free[out->nmentors_free++]
                                               : &out->mentees_free[out->nmentees_free++];
            f->part = p->part;
            str_fmt(f->name, sizeof f->name, "%s", p->name);
            f->slots = left;
        }
    }
    free(mentees);
    free(mentors);
}

void svc_run_figures_cleanup(struct svc_run_figures *f)
{
    if (!f)
        return;
    free(f->unmatched);
    free(f->mentees_free);
    free(f->mentors_free);
    memset(f, 0, sizeof *f);
}

int svc_proposal_list(store *db, int64_t program_id, struct svc_run_summary **out, size_t *n)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(program_id), SV_INT(LIMIT_RUNS_LISTED)};
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int rc = store_query(db,
                         "SELECT r.id, r.created_at, r.objective, r.status, (SELECT COUNT(*) FROM "
                         "match_run_pairs p WHERE p.run_id = r.id) FROM match_runs r WHERE "
                         "r.program_id = ?1 ORDER BY r.id DESC LIMIT ?2",
                         p, 2, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        struct svc_run_summary *s = &(*out)[(*n)++];
        s->id = store_col_int(rows, 0);
        s->created_at = store_col_int(rows, 1);
        str_fmt(s->objective, sizeof s->objective, "%s", store_col_text(rows, 2));
        str_fmt(s->status, sizeof s->status, "%s", store_col_text(rows, 3));
        s->pairs = store_col_int(rows, 4);
    }
    store_rows_free(rows);
    if (rc < 0) {
        free(*out);
        *out = NULL;
        *n = 0;
        return rc;
    }
    return STORE_OK;
}

/* ---- making one ---- */

static json_t *explain_json(const match_result *r, const match_pair *p)
{
    json_t *ex = json_object();
    for (size_t k = 0; p->explain && k < r->ncrit; k++)
        json_object_set_new(ex, r->crit_names[k], json_real(p->explain[k]));
    return ex;
}

static int add_person(store *db, int64_t run, int64_t part, const char *side, int64_t slots,
                      const char *reason)
{
    store_val p[] = {SV_INT(run), SV_INT(part), SV_TEXT(side), SV_INT(slots),
                     reason ? SV_TEXT(reason) : SV_NULL};
    return store_exec(db,
                      "INSERT INTO match_run_people (run_id, participation_id, side, slots, "
                      "reason) VALUES (?1, ?2, ?3, ?4, ?5)",
                      p, 5, NULL);
}

/* Records the run's people: each one given to the engine with the places
 * they had free, and each approved one of the side left out, with why. */
static int store_people(store *db, int64_t run, int64_t program, const struct program_config *cfg,
                        const struct match_input *mi, bool mentor)
{
    const char *side = mentor ? "mentor" : "mentee";
    size_t n = mentor ? mi->nmentors : mi->nmentees;
    int rc = STORE_OK;
    for (size_t i = 0; i < n && rc == STORE_OK; i++)
        rc = add_person(db, run, mentor ? mi->mentor_part[i] : mi->mentee_part[i], side,
                        mentor ? mi->mentor_free[i] : mi->mentee_free[i], NULL);
    struct svc_matchable *all = NULL;
    size_t nall = 0;
    if (rc == STORE_OK)
        rc = svc_matchable_list(db, program, side, 0, &all, &nall);
    for (size_t i = 0; i < nall && rc == STORE_OK; i++) {
        char why[160];
        const struct svc_matchable *m = &all[i];
        long at = mentor ? svc_match_input_mentor(mi, m->participation_id)
                         : svc_match_input_mentee(mi, m->participation_id);
        /* Approved ones only: applications wait in review, exits left. */
        if (at >= 0 || m->status < STAGE_APPROVED || m->status == STAGE_DECLINED ||
            m->status == STAGE_WITHDRAWN || !svc_matchable_why_not(m, cfg, why, sizeof why))
            continue;
        rc = add_person(db, run, m->participation_id, side, 0, why);
    }
    free(all);
    return rc;
}

/* Stores a solved proposal: its pairs, the quality report, the unmatched
 * and the hard to match (by participation, with names), and its people. */
static int store_run(store *db, const svc_actor *actor, int64_t program,
                     const struct program_config *cfg, const struct match_input *mi,
                     const match_result *r, int64_t *run_id)
{
    char *text = match_json_dumps(mi->inst, r);
    json_t *d = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    json_t *stats = json_incref(json_object_get(d, "stats"));
    json_decref(d);
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
    store_val p[] = {SV_INT(program),     SV_INT(actor->person_id),
                     SV_INT(clock_now()), SV_TEXT(match_objective_name(r->objective)),
                     SV_TEXT(st),         SV_TEXT(ut),
                     SV_TEXT(ht)};
    int rc = store_query_int(db,
                             "INSERT INTO match_runs (program_id, created_by, created_at, "
                             "objective, stats, unmatched, hard_to_match) VALUES (?1, ?2, ?3, ?4, "
                             "?5, ?6, ?7) RETURNING id",
                             p, 7, run_id);
    free(st);
    free(ut);
    free(ht);
    if (rc != 1)
        return rc < 0 ? rc : STORE_ERROR;
    rc = STORE_OK;
    for (size_t i = 0; i < r->npairs && rc == STORE_OK; i++) {
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
        rc = store_exec(db,
                        "INSERT INTO match_run_pairs (run_id, mentee_id, mentor_id, score, "
                        "explain, locked) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        q, 6, NULL);
        free(et);
    }
    if (rc == STORE_OK)
        rc = store_people(db, *run_id, program, cfg, mi, false);
    if (rc == STORE_OK)
        rc = store_people(db, *run_id, program, cfg, mi, true);
    return rc;
}

int svc_proposal_make(store *db, const svc_actor *actor, int64_t program_id,
                      const struct program_config *cfg, int64_t *id, verr *e)
{
    struct match_input mi;
    match_result *res = NULL;
    match_options opts = {.threads = 1};
    char err[512] = "";
    *id = 0;
    int rc = svc_match_input_build(db, program_id, cfg, 0, false, &mi, err, sizeof err);
    if (rc != SVC_OK)
        return rc > 0 ? svc_fail(e, rc, NULL, "the proposal cannot be made: %s", err) : rc;
    if (match_solve(mi.inst, &opts, &res, err, sizeof err))
        rc = svc_fail(e, SVC_REFUSED, NULL, "the proposal cannot be made: %s", err);
    else
        rc = store_run(db, actor, program_id, cfg, &mi, res, id);
    match_result_free(res);
    svc_match_input_cleanup(&mi);
    if (rc == STORE_OK)
        rc = svc_audit(db, actor, "match_run.create", "match_run", *id, NULL);
    return rc;
}

/* ---- hand edits ---- */

/* Scores one pair as the engine would, for a hand-made pair: SVC_OK with
 * score and *explain (new object), SVC_REFUSED with e naming "mentor", or
 * a store status. */
static int score_pair(store *db, int64_t program, const struct program_config *cfg, int64_t mentee,
                      int64_t mentor, double *score, json_t **explain, verr *e)
{
    struct match_input mi;
    match_ranking *rk = NULL;
    char why[512] = "";
    *explain = NULL;
    int rc = svc_match_input_build(db, program, cfg, mentee, true, &mi, why, sizeof why);
    if (rc != SVC_OK)
        return rc > 0 ? svc_fail(e, rc, "mentor", "%s", why) : rc;
    long m = svc_match_input_mentee(&mi, mentee), r = svc_match_input_mentor(&mi, mentor);
    if (m < 0 || r < 0) { /* check_side() said why; this is a change meanwhile */
        rc = svc_fail(e, SVC_REFUSED, m < 0 ? "mentee" : "mentor", "the %s cannot be matched now",
                      m < 0 ? "mentee" : "mentor");
        goto done;
    }
    if (match_rank(mi.inst, (size_t)m, &rk, why, sizeof why)) {
        rc = svc_fail(e, SVC_REFUSED, "mentor", "%s", why);
        goto done;
    }
    rc = SVC_REFUSED;
    for (size_t i = 0; i < rk->n; i++) {
        const match_ranked *it = &rk->items[i];
        if (it->mentor != (size_t)r)
            continue;
        *score = it->score;
        *explain = json_object();
        for (size_t k = 0; k < rk->ncrit; k++)
            json_object_set_new(*explain, rk->crit_names[k], json_real(it->explain[k]));
        if (it->allowed)
            rc = SVC_OK;
        else
            svc_fail(e, SVC_REFUSED, "mentor", "the pair is not allowed: %s",
                     it->refusal ? it->refusal : "?");
    }
    if (rc != SVC_OK && !e->msg[0])
        svc_fail(e, SVC_REFUSED, "mentor", "the pair cannot be scored");
done:
    if (rc != SVC_OK) {
        json_decref(*explain);
        *explain = NULL;
    }
    match_ranking_free(rk);
    svc_match_input_cleanup(&mi);
    return rc;
}

static int count_of(store *db, const char *sql, int64_t a, int64_t b, int64_t *n)
{
    store_val p[] = {SV_INT(a), SV_INT(b)};
    *n = 0;
    int rc = store_query_int(db, sql, p, 2, n);
    return rc < 0 ? rc : STORE_OK;
}

/* Whether `part` may go into a hand-made pair on its side of the run,
 * naming the condition that fails; *free receives the places it has for
 * this proposal: those recorded when it was made, else those free now. */
static int check_side(store *db, const struct svc_run_head *run, const struct program_config *cfg,
                      int64_t part, bool mentor, int64_t *free_places, verr *e)
{
    const char *side = mentor ? "mentor" : "mentee";
    struct svc_matchable *m = NULL;
    size_t n = 0;
    char why[160];
    int64_t recorded = -1;
    int rc = svc_matchable_list(db, run->program_id, side, part, &m, &n);
    if (rc != STORE_OK)
        return rc;
    if (n == 0) {
        rc = svc_fail(e, SVC_REFUSED, side, "%lld is not a %s of this program", (long long)part,
                      side);
    } else if (svc_matchable_why_not(&m[0], cfg, why, sizeof why)) {
        rc = svc_fail(e, SVC_REFUSED, side, "%s %s", m[0].name, why);
    } else {
        store_val q[] = {SV_INT(run->id), SV_INT(part)};
        if ((rc = store_query_int(db,
                                  "SELECT slots FROM match_run_people WHERE run_id = ?1 AND "
                                  "participation_id = ?2 AND reason IS NULL",
                                  q, 2, &recorded)) >= 0) {
            *free_places = rc == 1 ? recorded : m[0].slots - m[0].taken;
            rc = SVC_OK;
        }
    }
    free(m);
    return rc;
}

/* Adds a pair by hand, within the places this proposal leaves. */
static int add_pair(store *db, const struct svc_run_head *run, int64_t mentee, int64_t mentor,
                    verr *e)
{
    struct program_config cfg;
    json_t *explain = NULL;
    double score = 0;
    int64_t used = 0, taken = 0, cap = 0, wants = 0;
    int rc = svc_program_config(db, run->program_id, &cfg, NULL, 0);
    if (rc != SVC_OK)
        return rc > 0 ? STORE_ERROR : rc;
    if ((rc = check_side(db, run, &cfg, mentee, false, &wants, e)) ||
        (rc = check_side(db, run, &cfg, mentor, true, &cap, e)))
        goto done;
    if ((rc = count_of(db,
                       "SELECT COUNT(*) FROM match_run_pairs WHERE run_id = ?1 AND mentor_id = ?2",
                       run->id, mentor, &used)) ||
        (rc = count_of(db,
                       "SELECT COUNT(*) FROM match_run_pairs WHERE run_id = ?1 AND mentee_id = ?2",
                       run->id, mentee, &taken)))
        goto done;
    if (used >= cap) {
        rc = svc_fail(e, SVC_REFUSED, "mentor",
                      "the mentor's free places are all used in this proposal (%lld of %lld): "
                      "remove one of their pairs first",
                      (long long)used, (long long)cap);
        goto done;
    }
    if (taken >= wants) {
        rc = svc_fail(e, SVC_REFUSED, "mentee",
                      "the mentee has all the mentors they want in this proposal (%lld of %lld): "
                      "remove their pair first",
                      (long long)taken, (long long)wants);
        goto done;
    }
    if ((rc = score_pair(db, run->program_id, &cfg, mentee, mentor, &score, &explain, e)))
        goto done;
    char *et = json_dumps(explain, JSON_COMPACT);
    store_val q[] = {SV_INT(run->id), SV_INT(mentee), SV_INT(mentor), SV_REAL(score), SV_TEXT(et)};
    rc = store_exec(db,
                    "INSERT INTO match_run_pairs (run_id, mentee_id, mentor_id, score, explain, "
                    "manual) VALUES (?1, ?2, ?3, ?4, ?5, 1)",
                    q, 5, NULL);
    free(et);
done:
    json_decref(explain);
    program_config_cleanup(&cfg);
    return rc;
}

int svc_proposal_edit(store *db, const svc_actor *actor, const struct svc_run_head *run,
                      enum proposal_pair_action action, int64_t mentee, int64_t mentor, verr *e)
{
    static const char *const names[] = {"lock", "unlock", "exclude", "include", "add", "remove"};
    int64_t in_run = 0, now = clock_now();
    store_val k[] = {SV_INT(run->id), SV_INT(mentee), SV_INT(mentor)};
    store_val rule[] = {SV_INT(run->program_id), SV_INT(mentee), SV_INT(mentor),
                        SV_TEXT(action == PAIR_LOCK ? "lock" : "exclude"), SV_INT(now)};
    static const char set_rule[] =
        "INSERT INTO pair_rules (program_id, mentee_id, mentor_id, rule, created_at) VALUES "
        "(?1, ?2, ?3, ?4, ?5) ON CONFLICT (program_id, mentee_id, mentor_id) DO UPDATE SET rule "
        "= excluded.rule";
    static const char drop_pair[] =
        "DELETE FROM match_run_pairs WHERE run_id = ?1 AND mentee_id = ?2 AND mentor_id = ?3";
    int rc = store_query_int(db,
                             "SELECT COUNT(*) FROM match_run_pairs WHERE run_id = ?1 AND "
                             "mentee_id = ?2 AND mentor_id = ?3",
                             k, 3, &in_run);
    if (rc < 0)
        return rc;
    switch (action) {
    case PAIR_LOCK:
    case PAIR_UNLOCK:
        if (!in_run)
            return svc_fail(e, SVC_INVALID, "mentee", "only a pair in the proposal can be locked");
        rc = action == PAIR_LOCK
                 ? store_exec(db, set_rule, rule, 5, NULL)
                 : store_exec(db,
                              "DELETE FROM pair_rules WHERE program_id = ?1 AND mentee_id = ?2 "
                              "AND mentor_id = ?3",
                              rule, 3, NULL);
        if (rc == STORE_OK) {
            store_val u[] = {SV_INT(run->id), SV_INT(mentee), SV_INT(mentor),
                             SV_INT(action == PAIR_LOCK ? 1 : 0)};
            rc = store_exec(db,
                            "UPDATE match_run_pairs SET locked = ?4 WHERE run_id = ?1 AND "
                            "mentee_id = ?2 AND mentor_id = ?3",
                            u, 4, NULL);
        }
        break;
    case PAIR_EXCLUDE:
        rc = store_exec(db, set_rule, rule, 5, NULL);
        if (rc == STORE_OK)
            rc = store_exec(db, drop_pair, k, 3, NULL);
        break;
    case PAIR_INCLUDE:
        rc = store_exec(db,
                        "DELETE FROM pair_rules WHERE program_id = ?1 AND mentee_id = ?2 AND "
                        "mentor_id = ?3 AND rule = 'exclude'",
                        rule, 3, NULL);
        break;
    case PAIR_REMOVE:
        if (!in_run)
            return svc_fail(e, SVC_INVALID, "mentee", "that pair is not in the proposal");
        rc = store_exec(db, drop_pair, k, 3, NULL);
        if (rc == STORE_OK)
            rc = store_exec(db,
                            "DELETE FROM pair_rules WHERE program_id = ?1 AND mentee_id = ?2 AND "
                            "mentor_id = ?3",
                            rule, 3, NULL);
        break;
    case PAIR_ADD:
        if (in_run)
            return svc_fail(e, SVC_REFUSED, "mentee", "that pair is in the proposal already");
        rc = add_pair(db, run, mentee, mentor, e);
        break;
    }
    if (rc == STORE_OK) {
        store_val v[] = {SV_INT(run->id)};
        rc =
            store_exec(db, "UPDATE match_runs SET version = version + 1 WHERE id = ?1", v, 1, NULL);
    }
    if (rc == STORE_OK)
        rc = svc_audit(db, actor, "match_run.pair", "match_run", run->id,
                       json_pack("{s:s, s:I, s:I}", "action", names[action], "mentee",
                                 (json_int_t)mentee, "mentor", (json_int_t)mentor));
    return rc;
}

/* ---- publishing ---- */

/* Claims the run for publishing: publishes of one program take turns (the
 * program's row is locked first, a no-op write, so two racing publishes
 * never wait on each other's rows in opposite orders); the later one
 * finds the run published or superseded and changes nothing. */
static int claim(store *db, const svc_actor *actor, const struct svc_run_head *run, verr *e)
{
    store_val prog[] = {SV_INT(run->program_id)};
    int rc =
        store_exec(db, "UPDATE programs SET updated_at = updated_at WHERE id = ?1", prog, 1, NULL);
    if (rc != STORE_OK)
        return rc;
    store_val c[] = {SV_INT(run->id), SV_INT(clock_now()), SV_INT(actor->person_id)};
    int64_t changed = 0;
    rc = store_exec(db,
                    "UPDATE match_runs SET status = 'published', published_at = ?2, "
                    "published_by = ?3, version = version + 1 WHERE id = ?1 AND status = "
                    "'proposed'",
                    c, 3, &changed);
    if (rc != STORE_OK || changed == 1)
        return rc;
    store_rows *rows = NULL;
    store_val q[] = {SV_INT(run->id)};
    char status[16] = "published";
    if ((rc = store_query(db, "SELECT status FROM match_runs WHERE id = ?1", q, 1, &rows)) ==
            STORE_OK &&
        (rc = store_next(rows)) == 1)
        str_fmt(status, sizeof status, "%s", store_col_text(rows, 0));
    store_rows_free(rows);
    return rc < 0 ? rc : svc_fail(e, SVC_REFUSED, NULL, "this proposal is %s already", status);
}

/* The run's pairs as (mentor, mentee), by mentor. */
static int pairs_of(store *db, int64_t run, int64_t (**out)[2], size_t *n)
{
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(run)};
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int rc = store_query(db,
                         "SELECT mentor_id, mentee_id FROM match_run_pairs WHERE run_id = ?1 "
                         "ORDER BY mentor_id, mentee_id",
                         p, 1, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        (*out)[*n][0] = store_col_int(rows, 0);
        (*out)[*n][1] = store_col_int(rows, 1);
        (*n)++;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

int svc_proposal_publish(store *db, const svc_actor *actor, const struct svc_run_head *run,
                         int64_t **made, size_t *nmade, verr *e)
{
    struct program_config cfg = {0};
    int64_t(*pairs)[2] = NULL;
    size_t n = 0;
    *made = NULL;
    *nmade = 0;
    int rc = claim(db, actor, run, e);
    if (rc != SVC_OK)
        return rc;
    if ((rc = svc_program_config(db, run->program_id, &cfg, NULL, 0)) != SVC_OK) {
        rc = rc > 0 ? STORE_ERROR : rc;
        goto done;
    }
    if ((rc = pairs_of(db, run->id, &pairs, &n)) != STORE_OK)
        goto done;
    bool group = cfg.matching.relationship_type == PROGRAM_GROUP;
    *made = xcalloc(n + 1, sizeof **made);
    for (size_t i = 0; i < n && rc == SVC_OK;) {
        /* One relationship per pair, or per mentor in a group program. */
        size_t j = i + 1;
        while (group && j < n && pairs[j][0] == pairs[i][0] &&
               j - i < LIMIT_RELATIONSHIP_MEMBERS - 1)
            j++;
        int64_t mentees[LIMIT_RELATIONSHIP_MEMBERS], id;
        for (size_t k = i; k < j; k++)
            mentees[k - i] = pairs[k][1];
        struct svc_rel_new in = {.mentor = pairs[i][0],
                                 .mentees = mentees,
                                 .n = j - i,
                                 .source = "admin",
                                 .run_id = run->id};
        rc = svc_relationship_create(db, actor, run->program_id, &cfg, &in, &id, e);
        if (rc > 0) {
            char why[sizeof e->msg];
            str_fmt(why, sizeof why, "%s", e->msg);
            rc = svc_fail(e, SVC_REFUSED, NULL,
                          "nothing was published: the pair of mentor %lld and mentee %lld "
                          "breaks a rule: %s",
                          (long long)pairs[i][0], (long long)mentees[0], why);
        } else if (rc == STORE_OK) {
            (*made)[(*nmade)++] = id;
        }
        i = j;
    }
    if (rc == STORE_OK) {
        store_val sup[] = {SV_INT(run->program_id), SV_INT(run->id)};
        rc = store_exec(db,
                        "UPDATE match_runs SET status = 'superseded' WHERE program_id = ?1 AND id "
                        "<> ?2 AND status = 'proposed'",
                        sup, 2, NULL);
    }
    if (rc == STORE_OK)
        rc = svc_audit(db, actor, "match_run.publish", "match_run", run->id,
                       json_pack("{s:I}", "relationships", (json_int_t)*nmade));
done:
    free(pairs);
    program_config_cleanup(&cfg);
    if (rc != SVC_OK) {
        free(*made);
        *made = NULL;
        *nmade = 0;
    }
    return rc;
}
