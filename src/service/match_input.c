#include "service/match_input.h"

#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "base/str.h"
#include "domain/participation.h"
#include "service/matchable.h"
#include "service/participation.h"

void svc_match_input_cleanup(struct match_input *mi)
{
    if (!mi)
        return;
    match_instance_free(mi->inst);
    for (size_t i = 0; i < mi->nmentors; i++)
        free(mi->mentor_name[i]);
    for (size_t i = 0; i < mi->nmentees; i++)
        free(mi->mentee_name[i]);
    free(mi->mentor_part);
    free(mi->mentee_part);
    free(mi->mentor_name);
    free(mi->mentee_name);
    free(mi->mentor_free);
    free(mi->mentee_free);
    memset(mi, 0, sizeof *mi);
}

/* Participations are loaded in id order, so each side is sorted. */
static long find_sorted(const int64_t *ids, size_t n, int64_t part)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < part)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && ids[lo] == part ? (long)lo : -1;
}

long svc_match_input_mentor(const struct match_input *mi, int64_t part)
{
    return find_sorted(mi->mentor_part, mi->nmentors, part);
}

long svc_match_input_mentee(const struct match_input *mi, int64_t part)
{
    return find_sorted(mi->mentee_part, mi->nmentees, part);
}

/* What type a field takes, from the first criterion naming it. */
static match_kind field_kind(const json_t *criteria, const char *field)
{
    size_t i;
    json_t *c;
    json_array_foreach(criteria, i, c)
    {
        const char *f = json_string_value(json_object_get(c, "field"));
        const char *a = json_string_value(json_object_get(c, "mentee_field"));
        const char *b = json_string_value(json_object_get(c, "mentor_field"));
        if (str_eq(f, field) || str_eq(a, field) || str_eq(b, field)) {
            match_kind k = MATCH_SAME;
            match_kind_parse(json_string_value(json_object_get(c, "kind")), &k);
            return k;
        }
    }
    return MATCH_SAME;
}

/* Sets one attribute from the profile (or the enrolment answers). Values
 * of the wrong shape are left out: a missing field scores 0. */
static void set_attr(match_instance *in, match_side side, size_t idx, const char *field,
                     match_kind kind, const json_t *v)
{
    if (!v || json_is_null(v))
        return;
    if (kind == MATCH_OVERLAP || kind == MATCH_SHARED) {
        const char *tags[64];
        size_t n = 0;
        if (json_is_string(v)) {
            tags[n++] = json_string_value(v);
        } else if (json_is_array(v)) {
            size_t i;
            json_t *t;
            json_array_foreach(v, i, t) if (json_is_string(t) && n < 64) tags[n++] =
                json_string_value(t);
        }
        match_set_tags(in, side, idx, field, tags, n, NULL, 0);
    } else if (kind == MATCH_DISTANCE || kind == MATCH_GAP) {
        if (json_is_number(v))
            match_set_number(in, side, idx, field, json_number_value(v), NULL, 0);
    } else if (kind == MATCH_SIMILARITY) {
        double vec[64];
        size_t n = 0, i;
        json_t *t;
        json_array_foreach(v, i, t) if (json_is_number(t) && n < 64) vec[n++] =
            json_number_value(t);
        if (json_is_array(v))
            match_set_vector(in, side, idx, field, vec, n, NULL, 0);
    } else if (kind == MATCH_SAME) {
        char num[32];
        if (json_is_string(v))
            match_set_string(in, side, idx, field, json_string_value(v), NULL, 0);
        else if (json_is_number(v) && str_fmt(num, sizeof num, "%g", json_number_value(v)))
            match_set_string(in, side, idx, field, num, NULL, 0);
    }
}

static void set_attrs(match_instance *in, match_side side, size_t idx, const json_t *criteria,
                      const json_t *profile, const json_t *answers)
{
    size_t i;
    json_t *c;
    json_array_foreach(criteria, i, c)
    {
        const char *f = json_string_value(json_object_get(c, "field"));
        if (!f)
            f = json_string_value(
                json_object_get(c, side == MATCH_MENTOR ? "mentor_field" : "mentee_field"));
        if (!f)
            continue;
        const json_t *v = json_object_get(profile, f);
        if (!v)
            v = json_object_get(answers, f);
        set_attr(in, side, idx, f, field_kind(criteria, f), v);
    }
}

struct person {
    int64_t part, person, manager, free;
    char *name;
    json_t *profile, *answers;
};

/* Loads the participations of one role that participation_eligible()
 * allows (and the one `only` when > 0), with what they have free. */
static int load_side(store *db, int64_t program, const char *role, bool gate, int64_t only,
                     bool include_full, struct person **out, size_t *n)
{
    char statuses[256], sql[2048];
    svc_participation_matchable_sql(statuses, sizeof statuses);
    str_fmt(sql, sizeof sql,
            "SELECT pa.id, pa.person_id, pe.manager_id, pe.name, pa.profile, pa.application, "
            "COALESCE(CASE WHEN pa.role = 'mentor' THEN pa.capacity ELSE pa.wants END, 1) "
            "- " SVC_TAKEN_SQL ", pa.status, "
            "CASE WHEN ?3 = 0 THEN 0 WHEN EXISTS (SELECT 1 FROM participation_stages s WHERE "
            "s.participation_id = pa.id AND s.stage = 'trained') THEN 1 ELSE 0 END "
            "FROM participations pa JOIN people pe ON pe.id = pa.person_id "
            "WHERE pa.program_id = ?1 AND pa.role = ?2 AND (?4 = 0 OR pa.id = ?4) "
            "AND pa.status IN (%s) ORDER BY pa.id",
            statuses);
    store_rows *rows = NULL;
    store_val p[] = {SV_INT(program), SV_TEXT(role), SV_INT(gate ? 1 : 0), SV_INT(only)};
    size_t cap = 64;
    *out = xcalloc(cap, sizeof **out);
    *n = 0;
    int rc = store_query(db, sql, p, 4, &rows);
    while (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        rc = STORE_OK;
        int64_t free_slots = store_col_int(rows, 6);
        int status = stage_parse(store_col_text(rows, 7));
        if (status < 0 || participation_eligible((enum stage)status, store_col_int(rows, 8) != 0,
                                                 gate) != ELIGIBLE)
            continue;
        if (free_slots <= 0 && !include_full)
            continue;
        if (*n == cap) {
            cap *= 2;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        struct person *q = &(*out)[(*n)++];
        q->part = store_col_int(rows, 0);
        q->person = store_col_int(rows, 1);
        q->manager = store_col_null(rows, 2) ? 0 : store_col_int(rows, 2);
        q->name = xstrdup(store_col_text(rows, 3));
        q->profile = json_loads(store_col_text(rows, 4), 0, NULL);
        q->answers = json_loads(store_col_text(rows, 5), 0, NULL);
        q->free = free_slots > 0 ? free_slots : 0;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

static void free_people(struct person *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].name); /* NULL once handed to the input */
        json_decref(p[i].profile);
        json_decref(p[i].answers);
    }
    free(p);
}

/* Adds the pairs a query returns (mentee part, mentor part) as forbidden or locked. */
static int add_pairs(store *db, struct match_input *mi, const char *sql, int64_t program, bool lock,
                     char *err, size_t errlen)
{
    store_rows *rows;
    store_val p[] = {SV_INT(program)};
    int rc = store_query(db, sql, p, 1, &rows);
    if (rc != STORE_OK)
        return rc;
    size_t cap = 16, n = 0;
    long(*pairs)[2] = xcalloc(cap, sizeof *pairs);
    while ((rc = store_next(rows)) == 1) {
        long e = svc_match_input_mentee(mi, store_col_int(rows, 0)),
             r = svc_match_input_mentor(mi, store_col_int(rows, 1));
        if (e < 0 || r < 0)
            continue;
        if (n == cap) {
            cap *= 2;
            pairs = xrealloc(pairs, cap * sizeof *pairs);
        }
        pairs[n][0] = e;
        pairs[n][1] = r;
        n++;
    }
    store_rows_free(rows);
    for (size_t i = 0; i < n && rc == STORE_OK; i++)
        if ((lock ? match_add_locked : match_add_forbidden)(mi->inst, (size_t)pairs[i][0],
                                                            (size_t)pairs[i][1], err, errlen))
            rc = SVC_REFUSED;
    free(pairs);
    return rc;
}

int svc_match_input_build(store *db, int64_t program_id, const struct program_config *cfg,
                          int64_t only_mentee, bool include_full_mentors, struct match_input *out,
                          char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const json_t *criteria = cfg->matching.criteria;
    bool gate = cfg->training.required_before_matching;
    struct person *mentors = NULL, *mentees = NULL;
    size_t nr = 0, ne = 0;
    int rc = load_side(db, program_id, "mentor", gate, 0, include_full_mentors, &mentors, &nr);
    if (rc == STORE_OK)
        rc = load_side(db, program_id, "mentee", gate, only_mentee, false, &mentees, &ne);
    if (rc != STORE_OK)
        goto done;
    match_instance *in = out->inst = match_instance_new();
    match_objective obj = MATCH_TOTAL;
    match_objective_parse(cfg->matching.objective, &obj);
    match_set_objective(in, obj);
    if (match_set_min_score(in, cfg->matching.min_score, err, errlen)) {
        rc = SVC_REFUSED;
        goto done;
    }
    out->mentor_part = xcalloc(nr + 1, sizeof *out->mentor_part);
    out->mentor_name = xcalloc(nr + 1, sizeof *out->mentor_name);
    out->mentor_free = xcalloc(nr + 1, sizeof *out->mentor_free);
    out->mentee_part = xcalloc(ne + 1, sizeof *out->mentee_part);
    out->mentee_name = xcalloc(ne + 1, sizeof *out->mentee_name);
    out->mentee_free = xcalloc(ne + 1, sizeof *out->mentee_free);
    char id[32];
    for (size_t i = 0; i < nr; i++) {
        /* Ids are person ids: the same person on both sides is never matched with themself. */
        str_fmt(id, sizeof id, "%lld", (long long)mentors[i].person);
        if (match_add_mentor(in, id, mentors[i].free, NULL, err, errlen)) {
            rc = SVC_REFUSED;
            goto done;
        }
        out->mentor_part[i] = mentors[i].part;
        out->mentor_name[i] = mentors[i].name;
        mentors[i].name = NULL;
        out->mentor_free[i] = mentors[i].free;
        out->nmentors++;
        set_attrs(in, MATCH_MENTOR, i, criteria, mentors[i].profile, mentors[i].answers);
    }
    for (size_t i = 0; i < ne; i++) {
        str_fmt(id, sizeof id, "%lld", (long long)mentees[i].person);
        if (match_add_mentee(in, id, mentees[i].free, NULL, err, errlen)) {
            rc = SVC_REFUSED;
            goto done;
        }
        out->mentee_part[i] = mentees[i].part;
        out->mentee_name[i] = mentees[i].name;
        mentees[i].name = NULL;
        out->mentee_free[i] = mentees[i].free;
        out->nmentees++;
        set_attrs(in, MATCH_MENTEE, i, criteria, mentees[i].profile, mentees[i].answers);
    }
    size_t i;
    json_t *cj;
    json_array_foreach(criteria, i, cj)
    {
        match_criterion mc = {
            .name = json_string_value(json_object_get(cj, "name")),
            .field = json_string_value(json_object_get(cj, "field")),
            .mentee_field = json_string_value(json_object_get(cj, "mentee_field")),
            .mentor_field = json_string_value(json_object_get(cj, "mentor_field")),
            .weight = json_number_value(json_object_get(cj, "weight")),
            .required = json_is_true(json_object_get(cj, "required")),
            .different = json_is_true(json_object_get(cj, "different")),
            .scale =
                json_object_get(cj, "scale") ? json_number_value(json_object_get(cj, "scale")) : 1,
            .min = json_number_value(json_object_get(cj, "min")),
            .max = json_number_value(json_object_get(cj, "max")),
        };
        match_kind_parse(json_string_value(json_object_get(cj, "kind")), &mc.kind);
        if (match_add_criterion(in, &mc, err, errlen)) {
            rc = SVC_REFUSED;
            goto done;
        }
    }
    /* Top-three choices: from each mentee's latest request, when any (one
     * query for the program; later requests replace earlier ones). */
    {
        store_rows *rows;
        store_val p[] = {SV_INT(program_id)};
        if ((rc = store_query(
                 db,
                 "SELECT mentee_id, choices FROM mentoring_requests WHERE program_id = ?1 "
                 "AND status <> 'withdrawn' ORDER BY id",
                 p, 1, &rows)) != STORE_OK)
            goto done;
        while ((rc = store_next(rows)) == 1) {
            long e = svc_match_input_mentee(out, store_col_int(rows, 0));
            json_t *choices = e >= 0 ? json_loads(store_col_text(rows, 1), 0, NULL) : NULL;
            size_t picks[3], np = 0, k;
            json_t *v;
            json_array_foreach(choices, k, v)
            {
                long r = svc_match_input_mentor(out, json_integer_value(v));
                if (r >= 0 && np < 3)
                    picks[np++] = (size_t)r;
            }
            json_decref(choices);
            if (e >= 0) /* the latest request counts, even with no choice still eligible */
                match_set_choices(in, (size_t)e, picks, np, NULL, 0);
        }
        store_rows_free(rows);
        if (rc < 0)
            goto done;
    }
    /* Hard constraints. */
    if (cfg->matching.power_differential_rule) {
        for (size_t e = 0; e < ne; e++)
            for (size_t r = 0; r < nr; r++)
                if ((mentees[e].manager && mentees[e].manager == mentors[r].person) ||
                    (mentors[r].manager && mentors[r].manager == mentees[e].person))
                    match_add_forbidden(in, e, r, NULL, 0);
    }
    rc = add_pairs(db, out,
                   "SELECT a.participation_id, b.participation_id FROM relationship_members a "
                   "JOIN relationship_members b ON a.relationship_id = b.relationship_id "
                   "JOIN relationships r ON r.id = a.relationship_id "
                   "WHERE r.program_id = ?1 AND a.role = 'mentee' AND b.role = 'mentor'",
                   program_id, false, err, errlen);
    if (rc == STORE_OK)
        rc = add_pairs(db, out,
                       "SELECT mentee_id, mentor_id FROM pair_rules WHERE program_id = ?1 AND rule "
                       "= 'exclude'",
                       program_id, false, err, errlen);
    if (rc == STORE_OK)
        rc = add_pairs(
            db, out,
            "SELECT mentee_id, mentor_id FROM pair_rules WHERE program_id = ?1 AND rule = 'lock'",
            program_id, true, err, errlen);
done:
    free_people(mentors, nr);
    free_people(mentees, ne);
    if (rc != STORE_OK)
        svc_match_input_cleanup(out);
    return rc;
}
