/* match.h - the matching engine: who mentors whom.
 *
 * A library with no database and no HTTP. The caller builds a
 * match_instance in memory (people, attributes, criteria, constraints),
 * runs match_solve() and reads the match_result. match_json_read() and
 * match_json_write() implement the file contract of `tandem match`
 * (product.md section 5); the server and the benchmark use the same calls.
 *
 *   match_instance *in = match_instance_new();
 *   size_t e, m;
 *   match_add_mentor(in, "m1", 2, &m);
 *   match_add_mentee(in, "e1", 1, &e);
 *   match_set_number(in, MATCH_MENTOR, m, "utc_offset", 1);
 *   ...
 *   match_criterion c = {.name = "tz", .kind = MATCH_DISTANCE,
 *                        .field = "utc_offset", .scale = 6, .weight = 1};
 *   match_add_criterion(in, &c, err, sizeof err);
 *   match_result *res;
 *   match_solve(in, NULL, &res, err, sizeof err);
 *   ... res->pairs[k].mentee, res->pairs[k].score, res->stats.optimal ...
 *   match_result_free(res);
 *   match_instance_free(in);
 *
 * Scores live in [0, 1]. The solver works on integer scores
 * round(score * MATCH_SCALE) so that `total` and `fair` are exact optima.
 * Every fallible function returns 0 on success and -1 on failure, with a
 * one-line message naming the place written to err (err may be NULL).
 */
#ifndef TANDEM_MATCH_MATCH_H
#define TANDEM_MATCH_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MATCH_SCALE 1000000        /* integer score units per 1.0 */
#define MATCH_MAX_PEOPLE 10000000  /* mentors or mentees in one instance */
#define MATCH_MAX_CAPACITY 1000000 /* one mentor's capacity or one mentee's wants */
#define MATCH_HARD_K 3             /* fewer allowed mentors makes a mentee hard to match */

typedef enum { MATCH_TOTAL, MATCH_FAIR, MATCH_STABLE } match_objective;
typedef enum { MATCH_MENTEE, MATCH_MENTOR } match_side;

typedef enum {
    MATCH_OVERLAP,    /* |A and B| / |A| over the mentee's and mentor's tag sets */
    MATCH_SHARED,     /* 1 when the tag sets meet */
    MATCH_SAME,       /* 1 when the values are equal (or differ, with different) */
    MATCH_DISTANCE,   /* max(0, 1 - |a - b| / scale) */
    MATCH_GAP,        /* d = mentor - mentee inside [min, max], else decays over scale */
    MATCH_SIMILARITY, /* cosine of two numeric vectors clipped to [0, 1] */
    MATCH_CHOICE      /* 1, 2/3, 1/3 for the mentee's 1st, 2nd, 3rd choice */
} match_kind;

/* One criterion. Strings are copied by match_add_criterion. field names the
 * attribute on both sides unless mentee_field / mentor_field are given. */
typedef struct match_criterion {
    const char *name;
    match_kind kind;
    const char *field;
    const char *mentee_field;
    const char *mentor_field;
    double weight;   /* >= 0 */
    bool required;   /* a pair scoring 0 here is not allowed */
    bool different;  /* MATCH_SAME: 1 when the values differ */
    double scale;    /* MATCH_DISTANCE (> 0), MATCH_GAP (> 0, default 1) */
    double min, max; /* MATCH_GAP: the ideal range of mentor - mentee */
} match_criterion;

typedef struct match_instance match_instance;

/* A new, empty instance (objective total, min_score 0). Never NULL. */
match_instance *match_instance_new(void);
void match_instance_free(match_instance *in); /* NULL is fine */

/* Adds a person; ids must be unique per side (an id on both sides is one
 * person, who is never matched with themself). capacity / wants >= 0.
 * *idx (may be NULL) receives the person's index, in input order. */
int match_add_mentor(match_instance *in, const char *id, int64_t capacity, size_t *idx, char *err,
                     size_t errlen);
int match_add_mentee(match_instance *in, const char *id, int64_t wants, size_t *idx, char *err,
                     size_t errlen);
size_t match_mentor_count(const match_instance *in);
size_t match_mentee_count(const match_instance *in);
const char *match_mentor_id(const match_instance *in, size_t idx);
const char *match_mentee_id(const match_instance *in, size_t idx);
/* Index of an id, or -1. */
long match_find(const match_instance *in, match_side side, const char *id);

/* Attributes. A field keeps one type across all people of both sides
 * (tags, number, string or vector); setting another type fails. An empty
 * tag list or vector is accepted as either. */
int match_set_tags(match_instance *in, match_side side, size_t idx, const char *field,
                   const char *const *tags, size_t n, char *err, size_t errlen);
int match_set_number(match_instance *in, match_side side, size_t idx, const char *field, double v,
                     char *err, size_t errlen);
int match_set_string(match_instance *in, match_side side, size_t idx, const char *field,
                     const char *v, char *err, size_t errlen);
int match_set_vector(match_instance *in, match_side side, size_t idx, const char *field,
                     const double *v, size_t n, char *err, size_t errlen);

/* Criteria (the attribute form). Fails on a bad weight, scale or range and
 * on a duplicate name. */
int match_add_criterion(match_instance *in, const match_criterion *c, char *err, size_t errlen);

/* Raw scores (the sparse form): only listed pairs are allowed. An instance
 * uses criteria or scores, never both. score in [0, 1]. */
int match_add_score(match_instance *in, size_t mentee, size_t mentor, double score, char *err,
                    size_t errlen);

/* The mentee's ranked choices (1st first); a mentor listed twice fails. */
int match_set_choices(match_instance *in, size_t mentee, const size_t *mentors, size_t n, char *err,
                      size_t errlen);
int match_add_forbidden(match_instance *in, size_t mentee, size_t mentor, char *err, size_t errlen);
/* A locked pair is kept in the result and uses capacity and wants. Its
 * admissibility is checked by match_solve (it may not be forbidden, self,
 * below min_score, failing a required criterion, or over capacity). */
int match_add_locked(match_instance *in, size_t mentee, size_t mentor, char *err, size_t errlen);
int match_set_min_score(match_instance *in, double min_score, char *err, size_t errlen);
void match_set_objective(match_instance *in, match_objective obj);
match_objective match_get_objective(const match_instance *in);
const char *match_objective_name(match_objective obj);
int match_objective_parse(const char *s, match_objective *out); /* 0 or -1 */
const char *match_kind_name(match_kind k);
int match_kind_parse(const char *s, match_kind *out); /* 0 or -1 */

/* Progress: stage is "scoring", "solving" or "proving"; done/total counts
 * units of that stage. Called from the solving thread only. */
typedef void (*match_progress_fn)(void *ctx, const char *stage, double done, double total);

/* Scoring kernels: one set of loops compiled for several instruction
 * sets, chosen at run time; all give bit-identical scores. */
enum {
    MATCH_KERNEL_AUTO,
    MATCH_KERNEL_SCALAR,
    MATCH_KERNEL_BASE,
    MATCH_KERNEL_AVX2,
    MATCH_KERNEL_AVX512
};
int match_kernel_best(void); /* the widest kernel this CPU runs */
const char *match_kernel_name(int k);

typedef struct match_options {
    int threads;    /* 0: one per online CPU */
    int top_k;      /* candidates kept per mentee; 0: 40 */
    int max_rounds; /* certification rounds before giving up; 0: 8 */
    bool no_prune;  /* score every pair into the graph (small inputs, tests) */
    int kernel;     /* MATCH_KERNEL_*: 0 picks the widest the CPU runs */
    match_progress_fn progress;
    void *progress_ctx;
} match_options;

typedef struct match_pair {
    size_t mentee, mentor; /* indexes into the instance */
    double score;
    int64_t iscore; /* round(score * MATCH_SCALE) */
    bool locked;
    double *explain; /* one share per criterion (NULL in the scores form) */
} match_pair;

typedef struct match_unmatched {
    size_t mentee;
    int64_t slots;      /* wanted slots left empty */
    const char *reason; /* static string */
} match_unmatched;

typedef struct match_hard {
    size_t mentee;
    int64_t allowed; /* allowed mentors */
    char *reason;    /* owned by the result */
} match_hard;

#define MATCH_HIST_BINS 10

typedef struct match_stats {
    int64_t matched; /* pairs, locked ones included */
    int64_t unmatched_slots;
    int64_t mentees_unmatched; /* mentees with no mentor at all */
    double total_score, min_score, mean_score, median_score;
    int64_t total_iscore;
    int64_t histogram[MATCH_HIST_BINS]; /* bins of width 0.1 over [0, 1] */
    int64_t with_choices;               /* mentees who listed choices */
    double choice_share[3];             /* share of those given their 1st / 2nd / 3rd choice */
    double top3_share;
    int64_t load_used, load_capacity, mentors_idle, mentors_full;
    bool optimal;                              /* proven optimum of the objective (stable: the
                                unique mentee-proposing stable matching) */
    int rounds;                                /* certification rounds */
    int64_t candidates;                        /* arcs in the solved graph */
    int64_t added_back;                        /* pruned pairs the certificate added back */
    double t_score, t_solve, t_prove, t_total; /* seconds */
    int64_t scored; /* pairs scored exactly (the block bounds skipped the rest) */
} match_stats;

typedef struct match_result {
    match_objective objective;
    size_t ncrit;
    char **crit_names; /* explain keys, ncrit of them */
    match_pair *pairs;
    size_t npairs;
    match_unmatched *unmatched;
    size_t nunmatched;
    match_hard *hard;
    size_t nhard;
    match_stats stats;
} match_result;

/* Validates the instance and runs its objective. On success *out is a new
 * result the caller frees with match_result_free. Fails (-1, message in
 * err) on an instance that is not consistent (e.g. a locked pair that is
 * forbidden). Not thread-safe on one instance; distinct instances may be
 * solved concurrently. opts may be NULL. */
int match_solve(match_instance *in, const match_options *opts, match_result **out, char *err,
                size_t errlen);
void match_result_free(match_result *r); /* NULL is fine */

/* The file contract (match_json.c). match_json_read parses a file into a
 * new instance; errors name the place ("input.json: mentors[3].capacity:
 * must be >= 0", "input.json:4:7: ..." for malformed JSON). */
int match_json_read(const char *path, match_instance **out, char *err, size_t errlen);
/* The same from a NUL-terminated buffer; name is used in messages. */
int match_json_read_string(const char *text, const char *name, match_instance **out, char *err,
                           size_t errlen);
/* match_json_read with a file of 1 MiB or more read by two threads when
 * threads > 1 (1: by this one alone; match_json_read uses one per online
 * CPU, at most two); the same instance, the same message. */
int match_json_read_threads(const char *path, int threads, match_instance **out, char *err,
                            size_t errlen);
/* Writes the result as JSON to path ("-" or NULL: standard output). A file
 * is written to a temporary name and renamed only on success. */
int match_json_write(const match_instance *in, const match_result *r, const char *path, char *err,
                     size_t errlen);
/* match_json_write with the matches formatted by up to `threads` threads
 * (1: in order by this one, as match_json_dumps does); the same bytes. */
int match_json_write_threads(const match_instance *in, const match_result *r, const char *path,
                             int threads, char *err, size_t errlen);
/* The result as a JSON text the caller frees with free(). */
char *match_json_dumps(const match_instance *in, const match_result *r);

/* A progress printer for a terminal (progress.c): ctx is a FILE *. */
void match_progress_print(void *ctx, const char *stage, double done, double total);
void match_progress_end(void *ctx);

#endif
