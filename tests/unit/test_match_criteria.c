/* test_match_criteria.c - every criterion kind worked by hand, missing
 * fields, required criteria, explain shares, and the kernels agreeing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "match/engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char err[256];

/* one mentee "e", one mentor "m", and one criterion; returns the value */
static double one(match_instance *in, const match_criterion *c, bool *allowed)
{
    assert_int_equal(match_add_criterion(in, c, err, sizeof err), 0);
    match_model m;
    assert_int_equal(match_model_build(in, &m, err, sizeof err), 0);
    double s, ex[4];
    bool ok = match_model_pair(&m, 0, 0, &s, ex);
    if (allowed)
        *allowed = ok;
    assert_true(fabs(ex[0] - s) < 1e-15);
    match_model_cleanup(&m);
    return s;
}

static match_instance *pair(void)
{
    match_instance *in = match_instance_new();
    assert_int_equal(match_add_mentor(in, "m", 1, NULL, err, sizeof err), 0);
    assert_int_equal(match_add_mentee(in, "e", 1, NULL, err, sizeof err), 0);
    return in;
}

static void test_overlap(void **state)
{
    (void)state;
    match_instance *in = pair();
    const char *need[] = {"sql", "c", "go", "sql"}; /* a set: sql once */
    const char *have[] = {"c", "sql", "rust"};
    match_set_tags(in, MATCH_MENTEE, 0, "needs", need, 4, err, sizeof err);
    match_set_tags(in, MATCH_MENTOR, 0, "skills", have, 3, err, sizeof err);
    match_criterion c = {.name = "k",
                         .kind = MATCH_OVERLAP,
                         .mentee_field = "needs",
                         .mentor_field = "skills",
                         .weight = 2};
    assert_true(fabs(one(in, &c, NULL) - 2.0 / 3.0) < 1e-15);
    match_instance_free(in);

    in = pair(); /* empty mentee set gives 0 */
    match_set_tags(in, MATCH_MENTEE, 0, "needs", NULL, 0, err, sizeof err);
    match_set_tags(in, MATCH_MENTOR, 0, "skills", have, 3, err, sizeof err);
    assert_true(one(in, &c, NULL) == 0.0);
    match_instance_free(in);
}

static void test_shared(void **state)
{
    (void)state;
    match_instance *in = pair();
    const char *a[] = {"fr", "en"}, *b[] = {"de", "en"}, *x[] = {"es"};
    match_set_tags(in, MATCH_MENTEE, 0, "lang", a, 2, err, sizeof err);
    match_set_tags(in, MATCH_MENTOR, 0, "lang", b, 2, err, sizeof err);
    match_criterion c = {
        .name = "k", .kind = MATCH_SHARED, .field = "lang", .weight = 1, .required = true};
    bool ok;
    assert_true(one(in, &c, &ok) == 1.0);
    assert_true(ok);
    match_instance_free(in);
    in = pair();
    match_set_tags(in, MATCH_MENTEE, 0, "lang", a, 2, err, sizeof err);
    match_set_tags(in, MATCH_MENTOR, 0, "lang", x, 1, err, sizeof err);
    assert_true(one(in, &c, &ok) == 0.0);
    assert_false(ok); /* required and 0: not allowed */
    match_instance_free(in);
}

static void test_same(void **state)
{
    (void)state;
    match_instance *in = pair();
    match_set_string(in, MATCH_MENTEE, 0, "city", "Lyon", err, sizeof err);
    match_set_string(in, MATCH_MENTOR, 0, "city", "Lyon", err, sizeof err);
    match_criterion c = {.name = "k", .kind = MATCH_SAME, .field = "city", .weight = 1};
    assert_true(one(in, &c, NULL) == 1.0);
    match_instance_free(in);
    in = pair();
    match_set_string(in, MATCH_MENTEE, 0, "dept", "ops", err, sizeof err);
    match_set_string(in, MATCH_MENTOR, 0, "dept", "ops", err, sizeof err);
    match_criterion d = {
        .name = "k", .kind = MATCH_SAME, .field = "dept", .weight = 1, .different = true};
    assert_true(one(in, &d, NULL) == 0.0);
    match_instance_free(in);
    in = pair(); /* numbers compare by value */
    match_set_number(in, MATCH_MENTEE, 0, "level", 3, err, sizeof err);
    match_set_number(in, MATCH_MENTOR, 0, "level", 3.0, err, sizeof err);
    match_criterion l = {.name = "k", .kind = MATCH_SAME, .field = "level", .weight = 1};
    assert_true(one(in, &l, NULL) == 1.0);
    match_instance_free(in);
    in = pair(); /* missing on one side: 0 even for different */
    match_set_string(in, MATCH_MENTEE, 0, "dept", "ops", err, sizeof err);
    assert_true(one(in, &d, NULL) == 0.0);
    match_instance_free(in);
}

static void test_distance(void **state)
{
    (void)state;
    match_instance *in = pair();
    match_set_number(in, MATCH_MENTEE, 0, "tz", 2, err, sizeof err);
    match_set_number(in, MATCH_MENTOR, 0, "tz", -1, err, sizeof err);
    match_criterion c = {
        .name = "k", .kind = MATCH_DISTANCE, .field = "tz", .scale = 6, .weight = 1};
    assert_true(fabs(one(in, &c, NULL) - 0.5) < 1e-15);
    match_instance_free(in);
    in = pair();
    match_set_number(in, MATCH_MENTEE, 0, "tz", 9, err, sizeof err);
    match_set_number(in, MATCH_MENTOR, 0, "tz", -1, err, sizeof err);
    assert_true(one(in, &c, NULL) == 0.0);
    match_instance_free(in);
    in = pair(); /* missing */
    match_set_number(in, MATCH_MENTEE, 0, "tz", 9, err, sizeof err);
    assert_true(one(in, &c, NULL) == 0.0);
    match_instance_free(in);
}

static double gap(double mentee, double mentor, double lo, double hi, double scale)
{
    match_instance *in = pair();
    match_set_number(in, MATCH_MENTEE, 0, "y", mentee, err, sizeof err);
    match_set_number(in, MATCH_MENTOR, 0, "y", mentor, err, sizeof err);
    match_criterion c = {.name = "k",
                         .kind = MATCH_GAP,
                         .field = "y",
                         .min = lo,
                         .max = hi,
                         .scale = scale,
                         .weight = 1};
    double v = one(in, &c, NULL);
    match_instance_free(in);
    return v;
}

static void test_gap(void **state)
{
    (void)state;
    assert_true(gap(2, 7, 3, 8, 4) == 1.0);               /* d = 5 inside */
    assert_true(fabs(gap(2, 4, 3, 8, 4) - 0.75) < 1e-15); /* d = 2, 1 below */
    assert_true(fabs(gap(0, 10, 3, 8, 4) - 0.5) < 1e-15); /* d = 10, 2 above */
    assert_true(gap(0, 20, 3, 8, 4) == 0.0);
    assert_true(gap(5, 5, 3, 8, 0) == 0.0); /* scale defaults to 1: 3 below */
    assert_true(fabs(gap(5, 7.5, 3, 8, 0) - 0.5) < 1e-15);
}

static void test_similarity(void **state)
{
    (void)state;
    double a[] = {1, 0, 1}, b[] = {1, 1, 0}, n[] = {-1, 0, -1}, z[] = {0, 0, 0}, s2[] = {1, 0};
    double(*cases[][2]) = {{a, b}, {a, n}, {a, z}};
    double want[] = {0.5, 0.0, 0.0};
    match_criterion c = {.name = "k", .kind = MATCH_SIMILARITY, .field = "p", .weight = 1};
    for (int i = 0; i < 3; i++) {
        match_instance *in = pair();
        match_set_vector(in, MATCH_MENTEE, 0, "p", cases[i][0], 3, err, sizeof err);
        match_set_vector(in, MATCH_MENTOR, 0, "p", cases[i][1], 3, err, sizeof err);
        assert_true(fabs(one(in, &c, NULL) - want[i]) < 1e-12);
        match_instance_free(in);
    }
    match_instance *in = pair(); /* lengths differ */
    match_set_vector(in, MATCH_MENTEE, 0, "p", a, 3, err, sizeof err);
    match_set_vector(in, MATCH_MENTOR, 0, "p", s2, 2, err, sizeof err);
    assert_true(one(in, &c, NULL) == 0.0);
    match_instance_free(in);
}

static void test_choice(void **state)
{
    (void)state;
    match_instance *in = match_instance_new();
    for (int i = 0; i < 4; i++) {
        char id[32];
        snprintf(id, sizeof id, "m%d", i);
        match_add_mentor(in, id, 1, NULL, err, sizeof err);
    }
    match_add_mentee(in, "e", 1, NULL, err, sizeof err);
    size_t ch[] = {2, 0, 3};
    assert_int_equal(match_set_choices(in, 0, ch, 3, err, sizeof err), 0);
    match_criterion c = {.name = "k", .kind = MATCH_CHOICE, .weight = 1, .required = true};
    match_add_criterion(in, &c, err, sizeof err);
    match_model m;
    assert_int_equal(match_model_build(in, &m, err, sizeof err), 0);
    double want[] = {2.0 / 3.0, 0.0, 1.0, 1.0 / 3.0}, s;
    for (int r = 0; r < 4; r++) {
        bool ok = match_model_pair(&m, 0, (size_t)r, &s, NULL);
        assert_true(fabs(s - want[r]) < 1e-15);
        assert_true(ok == (r != 1)); /* required: unchosen is not allowed */
    }
    match_model_cleanup(&m);
    match_instance_free(in);
}

static void test_weights_explain(void **state)
{
    (void)state;
    match_instance *in = pair();
    match_set_number(in, MATCH_MENTEE, 0, "tz", 0, err, sizeof err);
    match_set_number(in, MATCH_MENTOR, 0, "tz", 3, err, sizeof err);
    match_set_string(in, MATCH_MENTEE, 0, "city", "a", err, sizeof err);
    match_set_string(in, MATCH_MENTOR, 0, "city", "a", err, sizeof err);
    match_criterion c1 = {
        .name = "tz", .kind = MATCH_DISTANCE, .field = "tz", .scale = 6, .weight = 3};
    match_criterion c2 = {.name = "city", .kind = MATCH_SAME, .field = "city", .weight = 1};
    match_criterion c3 = {.name = "none", .kind = MATCH_SAME, .field = "absent", .weight = 0};
    match_add_criterion(in, &c1, err, sizeof err);
    match_add_criterion(in, &c2, err, sizeof err);
    match_add_criterion(in, &c3, err, sizeof err);
    match_model m;
    assert_int_equal(match_model_build(in, &m, err, sizeof err), 0);
    double s, ex[3];
    assert_true(match_model_pair(&m, 0, 0, &s, ex));
    assert_true(fabs(s - (3 * 0.5 + 1) / 4) < 1e-15);
    assert_true(fabs(ex[0] - 0.375) < 1e-15 && fabs(ex[1] - 0.25) < 1e-15 && ex[2] == 0.0);
    assert_true(fabs(ex[0] + ex[1] + ex[2] - s) < 1e-15);
    match_model_cleanup(&m);
    match_instance_free(in);
}

static void test_bad_criteria(void **state)
{
    (void)state;
    match_instance *in = pair();
    match_criterion c = {
        .name = "k", .kind = MATCH_DISTANCE, .field = "tz", .weight = -1, .scale = 1};
    assert_int_equal(match_add_criterion(in, &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "weight"));
    c.weight = 1;
    c.scale = 0;
    assert_int_equal(match_add_criterion(in, &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "scale"));
    c.scale = 1;
    c.kind = (match_kind)42;
    assert_int_equal(match_add_criterion(in, &c, err, sizeof err), -1);
    c.kind = MATCH_SAME;
    c.field = NULL;
    assert_int_equal(match_add_criterion(in, &c, err, sizeof err), -1);
    c.field = "x";
    assert_int_equal(match_add_criterion(in, &c, err, sizeof err), 0);
    assert_int_equal(match_add_criterion(in, &c, err, sizeof err), -1);    /* duplicate name */
    assert_int_equal(match_add_score(in, 0, 0, 0.5, err, sizeof err), -1); /* both forms */
    /* a field keeps its type */
    assert_int_equal(match_set_number(in, MATCH_MENTEE, 0, "f", 1, err, sizeof err), 0);
    assert_int_equal(match_set_string(in, MATCH_MENTOR, 0, "f", "x", err, sizeof err), -1);
    match_instance_free(in);
}

/* a random instance with every kind */
/* maxt 0: up to 3 of 8 tags a person; else up to maxt of ntags (t0, t1 ...) */
static match_instance *random_instance_tags(size_t ne, size_t nr, unsigned seed, size_t maxt,
                                            size_t ntags)
{
    srand(seed);
    match_instance *in = match_instance_new();
    const char *tags[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
    static char names[256][8];
    const char *many[256];
    for (size_t k = 0; k < 256; k++) {
        snprintf(names[k], sizeof names[k], "t%zu", k);
        many[k] = names[k];
    }
    for (size_t i = 0; i < nr + ne; i++) {
        char id[32];
        bool mentor = i < nr;
        snprintf(id, sizeof id, "%s%zu", mentor ? "m" : "e", i);
        size_t idx;
        if (mentor)
            match_add_mentor(in, id, 1, &idx, err, sizeof err);
        else
            match_add_mentee(in, id, 1, &idx, err, sizeof err);
        match_side s = mentor ? MATCH_MENTOR : MATCH_MENTEE;
        const char *t[16];
        size_t nt = maxt ? (size_t)rand() % (maxt + 1) : (size_t)(rand() % 4);
        for (size_t k = 0; k < nt; k++)
            t[k] = maxt ? many[(size_t)rand() % ntags] : tags[rand() % 8];
        if (rand() % 10)
            match_set_tags(in, s, idx, "tags", t, nt, err, sizeof err);
        if (rand() % 10)
            match_set_number(in, s, idx, "x", rand() % 100 / 7.0, err, sizeof err);
        if (rand() % 10)
            match_set_string(in, s, idx, "c", tags[rand() % 3], err, sizeof err);
        double v[8];
        for (int k = 0; k < 8; k++)
            v[k] = rand() % 11 - 3;
        if (rand() % 10)
            match_set_vector(in, s, idx, "v", v, rand() % 20 ? 8 : 5, err, sizeof err);
    }
    for (size_t e = 0; e < ne; e++) {
        size_t ch[3] = {(size_t)rand() % nr, 0, 0};
        ch[1] = (ch[0] + 1) % nr;
        ch[2] = (ch[0] + 7) % nr;
        match_set_choices(in, e, ch, 3, err, sizeof err);
    }
    match_criterion cs[] = {
        {.name = "o", .kind = MATCH_OVERLAP, .field = "tags", .weight = 2},
        {.name = "s", .kind = MATCH_SHARED, .field = "tags", .weight = 1},
        {.name = "q", .kind = MATCH_SAME, .field = "c", .weight = 1, .different = true},
        {.name = "d", .kind = MATCH_DISTANCE, .field = "x", .scale = 5, .weight = 1.5},
        {.name = "g",
         .kind = MATCH_GAP,
         .field = "x",
         .min = 1,
         .max = 3,
         .scale = 2,
         .weight = 0.7},
        {.name = "v", .kind = MATCH_SIMILARITY, .field = "v", .weight = 1},
        {.name = "h", .kind = MATCH_CHOICE, .weight = 1},
    };
    for (size_t k = 0; k < 7; k++)
        assert_int_equal(match_add_criterion(in, &cs[k], err, sizeof err), 0);
    match_set_min_score(in, 0.2, err, sizeof err);
    for (size_t e = 0; e < ne; e += 5)
        match_add_forbidden(in, e, (e * 7) % nr, err, sizeof err);
    return in;
}

static match_instance *random_instance(size_t ne, size_t nr, unsigned seed)
{
    return random_instance_tags(ne, nr, seed, 0, 8);
}

/* a random instance with every kind, scored by each kernel the CPU runs */
static void test_kernels_agree(void **state)
{
    (void)state;
    size_t nr = 203, ne = 61;
    match_instance *in = random_instance(ne, nr, 7);
    match_model m;
    assert_int_equal(match_model_build(in, &m, err, sizeof err), 0);
    double *ref = malloc(nr * sizeof *ref), *got = malloc(nr * sizeof *got);
    uint8_t *rok = malloc(nr), *gok = malloc(nr);
    double *tmp = malloc(2 * nr * sizeof *tmp);
    int best = match_kernel_best();
    for (size_t e = 0; e < ne; e++) {
        m.kernel = MATCH_KERNEL_SCALAR;
        match_model_row(&m, e, ref, rok);
        for (size_t r = 0; r < nr; r++) {
            double s;
            bool ok = match_model_pair(&m, e, r, &s, NULL);
            assert_true(s == ref[r] && ok == (rok[r] != 0));
        }
        for (int k = MATCH_KERNEL_BASE; k <= best; k++) {
            m.kernel = k;
            match_model_row(&m, e, got, gok);
            assert_memory_equal(got, ref, nr * sizeof *ref); /* bit-identical */
            assert_memory_equal(gok, rok, nr);
        }
    }
    print_message("kernels checked: scalar..%s\n", match_kernel_name(best));
    free(ref);
    free(got);
    free(rok);
    free(gok);
    free(tmp);
    match_model_cleanup(&m);
    match_instance_free(in);
}

/* The column kernel (one mentor against a run of mentees, on a model with
 * both sides reordered) gives each pair bit for bit the scalar score, for
 * every kernel the CPU runs; chosen pairs are left to the mentee's side. */
static void test_col_kernels_agree(void **state)
{
    (void)state;
    size_t nr = 150, ne = 211;
    match_instance *in = random_instance(ne, nr, 11);
    match_model m, rm;
    assert_int_equal(match_model_build(in, &m, err, sizeof err), 0);
    uint32_t *pe = malloc(ne * sizeof *pe), *pr = malloc(nr * sizeof *pr);
    match_bounds_order(&m, 0, pe);
    match_bounds_order(&m, 1, pr);
    match_model_reorder(&m, pe, pr, &rm);
    double got[64];
    uint8_t gok[64];
    int best = match_kernel_best();
    for (int k = MATCH_KERNEL_SCALAR; k <= best; k++) {
        rm.kernel = k;
        for (size_t j = 0; j < nr; j++)
            for (size_t b = 0; b < ne; b += 64) {
                size_t n = ne - b < 64 ? ne - b : 64;
                match_model_col(&rm, j, b, n, got, gok);
                for (size_t i = 0; i < n; i++) {
                    double s;
                    bool ok = match_model_pair(&m, pe[b + i], pr[j], &s, NULL);
                    bool chosen = false;
                    for (size_t q = m.ch_off[pe[b + i]]; q < m.ch_off[pe[b + i] + 1]; q++)
                        chosen |= m.ch_m[q] == pr[j];
                    if (chosen) {
                        assert_int_equal(gok[i], 0);
                        continue;
                    }
                    assert_memory_equal(&got[i], &s, sizeof s);
                    assert_int_equal(gok[i] != 0, ok);
                }
            }
        /* the row kernel over a run of mentors, on the reordered model */
        for (size_t i = 0; i < ne; i++)
            for (size_t b = 0; b < nr; b += 64) {
                size_t n = nr - b < 64 ? nr - b : 64;
                match_model_block(&rm, i, b, n, got, gok);
                for (size_t a = 0; a < n; a++) {
                    double s;
                    bool ok = match_model_pair(&m, pe[i], pr[b + a], &s, NULL);
                    assert_memory_equal(&got[a], &s, sizeof s);
                    assert_int_equal(gok[a] != 0, ok);
                }
            }
    }
    free(pe);
    free(pr);
    match_model_cleanup(&rm);
    match_model_cleanup(&m);
    match_instance_free(in);
}

/* Each block bound is at least every allowed, not chosen member's score,
 * and -1 only when no member is allowed; on both sides. */
/* every bound of one side's blocks of bs people against every person of
 * the other side is >= the score of each allowed, not chosen pair with a
 * member; returns how many blocks' bounds are within 1e-6 of their best */
static size_t bounds_hold(const match_model *rm, int side, size_t bs)
{
    match_bounds B;
    match_bounds_build_n(rm, side, bs, &B);
    size_t ne = rm->ne, nr = rm->nr;
    size_t nx = side ? ne : nr, nb = B.nb;
    double *ub = malloc((nb + 1) * sizeof *ub), *ws = malloc((2 * nb + 2) * sizeof *ws);
    size_t tight = 0;
    for (size_t x = 0; x < nx; x++) {
        match_bounds_ub(rm, &B, x, ub, ws);
        for (size_t b = 0; b < nb; b++) {
            double hi = -1;
            for (size_t i = b * bs; i < B.n && i < (b + 1) * bs; i++) {
                size_t e = side ? x : i, r = side ? i : x;
                bool chosen = false;
                for (size_t q = rm->ch_off[e]; q < rm->ch_off[e + 1]; q++)
                    chosen |= rm->ch_m[q] == r;
                double s;
                if (chosen || !match_model_pair(rm, e, r, &s, NULL))
                    continue;
                if (!(s <= ub[b]))
                    fail_msg("side %d bs %zu person %zu block %zu: score %.17g > bound %.17g", side,
                             bs, x, b, s, ub[b]);
                hi = s > hi ? s : hi;
            }
            tight += hi >= 0 && ub[b] - hi < 1e-6;
        }
    }
    free(ub);
    free(ws);
    match_bounds_free(&B);
    return tight;
}

static void reordered(const match_instance *in, match_model *m, match_model *rm)
{
    assert_int_equal(match_model_build(in, m, err, sizeof err), 0);
    uint32_t *pe = malloc((m->ne + 1) * sizeof *pe), *pr = malloc((m->nr + 1) * sizeof *pr);
    match_bounds_order(m, 0, pe);
    match_bounds_order(m, 1, pr);
    match_model_reorder(m, pe, pr, rm);
    rm->kernel = match_kernel_best();
    free(pe);
    free(pr);
}

/* bounds_hold on one side of a random instance of random_instance_tags,
 * with the bounds of every kernel variant the CPU runs */
static size_t random_bounds_hold(size_t ne, size_t nr, unsigned seed, size_t maxt, size_t ntags,
                                 int side, size_t bs)
{
    match_instance *in = random_instance_tags(ne, nr, seed, maxt, ntags);
    match_model m, rm;
    reordered(in, &m, &rm);
    size_t tight = 0;
    for (int k = MATCH_KERNEL_SCALAR; k <= match_kernel_best(); k++) {
        rm.kernel = k;
        tight = bounds_hold(&rm, side, bs);
    }
    match_model_cleanup(&rm);
    match_model_cleanup(&m);
    match_instance_free(in);
    return tight;
}

static void test_bounds_hold(void **state)
{
    (void)state;
    for (unsigned seed = 1; seed <= 3; seed++) {
        size_t nr = 140 + seed, ne = 300 - seed;
        match_instance *in = random_instance(ne, nr, seed);
        match_model m, rm;
        reordered(in, &m, &rm);
        for (int side = 0; side < 2; side++)
            print_message("side %d: %zu blocks with a bound within 1e-6 of their best\n", side,
                          bounds_hold(&rm, side, MATCH_BLOCK));
        match_model_cleanup(&rm);
        match_model_cleanup(&m);
        match_instance_free(in);
    }
}

/* The overlap bound of mentee blocks by class of |A| (1, 2, 3, and 4 or
 * more with the class's least |A|): people with up to 9 of 100 or 150 tags
 * (two words and the wider path), every class present in most blocks. */
static void test_overlap_class_bounds(void **state)
{
    (void)state;
    for (unsigned seed = 1; seed <= 4; seed++)
        print_message("seed %u: %zu tight mentee blocks\n", seed,
                      random_bounds_hold(700, 90, seed, 9, seed % 2 ? 100 : 150, 0, MATCH_BLOCK));
    /* one block by hand: one mentee needs {t0, t1, t2, t3, t4}, one {t5};
     * a mentor with {t0, t1} scores 2/5 and 0 with them; the bound is the
     * |A| >= 4 class's 2/5, where the least |A| of the block would give 1 */
    match_instance *in = match_instance_new();
    size_t idx;
    assert_int_equal(match_add_mentor(in, "m", 1, &idx, err, sizeof err), 0);
    const char *r_t[] = {"t0", "t1"}, *e1[] = {"t0", "t1", "t2", "t3", "t4"}, *e2[] = {"t5"};
    match_set_tags(in, MATCH_MENTOR, 0, "tags", r_t, 2, err, sizeof err);
    assert_int_equal(match_add_mentee(in, "a", 1, &idx, err, sizeof err), 0);
    match_set_tags(in, MATCH_MENTEE, 0, "tags", e1, 5, err, sizeof err);
    assert_int_equal(match_add_mentee(in, "b", 1, &idx, err, sizeof err), 0);
    match_set_tags(in, MATCH_MENTEE, 1, "tags", e2, 1, err, sizeof err);
    match_criterion o = {.name = "o", .kind = MATCH_OVERLAP, .field = "tags", .weight = 1};
    assert_int_equal(match_add_criterion(in, &o, err, sizeof err), 0);
    match_model m, rm;
    reordered(in, &m, &rm);
    match_bounds B;
    match_bounds_build(&rm, 0, &B);
    double ub[2], ws[4];
    match_bounds_ub(&rm, &B, 0, ub, ws);
    assert_true(ub[0] >= 0.4 && ub[0] < 0.4 + 1e-6);
    match_bounds_free(&B);
    match_model_cleanup(&rm);
    match_model_cleanup(&m);
    match_instance_free(in);
}

/* Groups of MATCH_GROUP blocks (match_bounds_build_n with 1,024 people a
 * block, as the candidate graph's groups are): every group's bound holds
 * for each of its members on both sides, over more than two groups with
 * a last one partly filled; groups of one block are the blocks. */
static void test_group_bounds_hold(void **state)
{
    (void)state;
    const size_t gs = (size_t)MATCH_BLOCK * MATCH_GROUP;
    for (unsigned seed = 1; seed <= 2; seed++) {
        print_message("seed %u: %zu tight mentee groups\n", seed,
                      random_bounds_hold(2 * gs + 300 + seed, 40, seed, 6, 100, 0, gs));
        match_instance *in = random_instance_tags(60, gs + 200 + seed, seed + 10, 6, 100);
        match_model m, rm;
        reordered(in, &m, &rm);
        print_message("seed %u: %zu tight mentor groups\n", seed, bounds_hold(&rm, 1, gs));
        /* a group of one block is summarised as the block is */
        match_bounds B1, G1;
        match_bounds_build(&rm, 1, &B1);
        match_bounds_build_n(&rm, 1, MATCH_BLOCK, &G1);
        double *u1 = malloc((B1.nb + 1) * sizeof *u1), *u2 = malloc((B1.nb + 1) * sizeof *u2);
        double *ws = malloc((2 * B1.nb + 2) * sizeof *ws);
        for (size_t x = 0; x < rm.ne; x++) {
            match_bounds_ub(&rm, &B1, x, u1, ws);
            match_bounds_ub(&rm, &G1, x, u2, ws);
            assert_memory_equal(u1, u2, B1.nb * sizeof *u1);
        }
        free(u1);
        free(u2);
        free(ws);
        match_bounds_free(&B1);
        match_bounds_free(&G1);
        match_model_cleanup(&rm);
        match_model_cleanup(&m);
        match_instance_free(in);
    }
}

static void test_iscore_is_llround(void **state)
{
    (void)state;
    /* 4.9999999999999994e-7: x + 0.5 rounds up to 1 where llround gives 0 */
    double edge[] = {4.9999999999999994e-7,
                     0.0,
                     -0.0,
                     1.0,
                     -1.0,
                     0.5e-6,
                     1.5e-6,
                     2.5e-6,
                     0.4999995,
                     0.5000005,
                     0.9999995,
                     1e-7,
                     4.4e-7,
                     123456.5,
                     -2.5e-6,
                     4503599627.370496,
                     4503599627.370497,
                     1e300,
                     -1e300,
                     NAN};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
        double v = edge[i];
        for (int k = -3; k <= 3; k++) {
            double x = v;
            for (int j = 0; j < (k < 0 ? -k : k); j++)
                x = nextafter(x, k < 0 ? -INFINITY : INFINITY);
            if (isnan(x) || fabs(x * MATCH_SCALE) < 9e18)
                assert_int_equal(match_iscore(x), (int64_t)llround(x * MATCH_SCALE));
        }
    }
    /* every half-unit in [0, 1] and its neighbours */
    for (int64_t n = 0; n <= 2 * MATCH_SCALE; n += 1) {
        double x = (double)n / (2.0 * MATCH_SCALE);
        double c[] = {x, nextafter(x, 0.0), nextafter(x, 2.0)};
        for (size_t j = 0; j < 3; j++)
            if (match_iscore(c[j]) != (int64_t)llround(c[j] * MATCH_SCALE))
                fail_msg("%.17g: %lld against llround's %lld", c[j], (long long)match_iscore(c[j]),
                         (long long)llround(c[j] * MATCH_SCALE));
    }
    srand(7);
    for (int i = 0; i < 1000000; i++) {
        double x = (double)rand() / RAND_MAX;
        assert_int_equal(match_iscore(x), (int64_t)llround(x * MATCH_SCALE));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iscore_is_llround),
        cmocka_unit_test(test_overlap),
        cmocka_unit_test(test_shared),
        cmocka_unit_test(test_same),
        cmocka_unit_test(test_distance),
        cmocka_unit_test(test_gap),
        cmocka_unit_test(test_similarity),
        cmocka_unit_test(test_choice),
        cmocka_unit_test(test_weights_explain),
        cmocka_unit_test(test_bad_criteria),
        cmocka_unit_test(test_kernels_agree),
        cmocka_unit_test(test_col_kernels_agree),
        cmocka_unit_test(test_bounds_hold),
        cmocka_unit_test(test_overlap_class_bounds),
        cmocka_unit_test(test_group_bounds_hold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
