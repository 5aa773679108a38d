/* engine.h - what the modules of src/match share; not part of the public API.
 *
 * instance.c  holds the people, attributes and constraints as given;
 * criteria.c  compiles them into columns and scores pairs (the kernel);
 * candidates.c keeps each mentee's best mentors and re-scores pruned pairs;
 * flow.c      solves max-cardinality, max-score b-matching exactly and
 *             returns LP duals; stable.c runs deferred acceptance;
 * solve.c     drives objective, certificate and report (report.c).
 */
#ifndef TANDEM_MATCH_ENGINE_H
#define TANDEM_MATCH_ENGINE_H

#include "match/match.h"

#include "base/limits.h"

#include <math.h>
#include <stdint.h>

#define MATCH_MAX_CRITERIA LIMIT_PROGRAM_CRITERIA
#define MATCH_MAX_CHOICES 64

enum { FT_NONE = 0, FT_TAGS, FT_NUMBER, FT_STRING, FT_VECTOR };

typedef struct match_attr {
    uint32_t person, field;
    int type;
    uint32_t n; /* tags, vector */
    double num;
    int32_t str;   /* interned string */
    int32_t *tags; /* interned strings */
    double *vec;
} match_attr;

/* one slot: the hash's high bits and the key's first bytes (zero-padded;
 * the whole key when it is shorter than MATCH_STRMAP_HEAD) sit next to the
 * value, so a probe and, for short keys such as ids, the comparison touch
 * one cache line and never the key itself */
#define MATCH_STRMAP_HEAD 16
typedef struct match_strslot {
    uint32_t hash;
    int32_t val;
    char *key; /* owned; NULL: an empty slot */
    char head[MATCH_STRMAP_HEAD];
} match_strslot;

typedef struct match_strmap {
    match_strslot *slots;
    size_t size, count; /* size is a power of two */
} match_strmap;

typedef struct match_triple {
    uint32_t mentee, mentor;
    double score;
} match_triple;

typedef struct match_ipair {
    uint32_t mentee, mentor;
} match_ipair;

struct match_instance {
    size_t n[2]; /* [MATCH_MENTEE], [MATCH_MENTOR] */
    size_t cap_people[2];
    char **ids[2];
    int64_t *count[2]; /* wants, capacity */
    match_strmap idmap[2];
    char **field_names;
    int *field_types;
    size_t nfields, cap_fields;
    match_strmap fieldmap;
    match_attr *attrs[2];
    size_t nattrs[2], cap_attrs[2];
    match_strmap strings; /* interned strings: tags and same-values */
    size_t nstrings;
    match_criterion *crit;
    size_t ncrit, cap_crit;
    match_triple *scores;
    size_t nscores, cap_scores;
    bool scores_mode;   /* at least one score given */
    uint32_t **choices; /* per mentee, NULL when none */
    uint32_t *nchoices;
    match_ipair *forbidden, *locked;
    size_t nforbidden, cap_forbidden, nlocked, cap_locked;
    double min_score;
    match_objective objective;
    uint32_t field_next; /* field_for's first guess: the field after the last one asked for */
};

/* Attributes set by a second thread (match_json.c): a scratch instance
 * that takes match_set_* for people [0, people) of either side without
 * holding the people themselves (it has no ids); free it with
 * match_instance_free. match_attrs_merge appends its attributes of `side`
 * to in exactly as if they had been set on in in the same order (fields
 * and strings in has not seen get the next numbers in the order the
 * scratch first met them) and empties the scratch's. -1 when a field's
 * type differs between them: in is then fit only to be freed (the reader
 * reads again on one thread for the message). */
match_instance *match_attrs_scratch(size_t people);
int match_attrs_merge(match_instance *in, match_instance *scratch, match_side side);

int match_strmap_get(const match_strmap *m, const char *key);        /* -1 if absent */
int match_strmap_put(match_strmap *m, const char *key, int32_t val); /* copies key */
void match_strmap_cleanup(match_strmap *m);

/* ---- the compiled model (criteria.c) ---- */

typedef struct match_col {
    match_kind kind;
    double w;
    bool required, different;
    double scale, min, max;
    double *num[2];    /* distance, gap: NaN when missing */
    int32_t *str[2];   /* same: -1 when missing */
    uint64_t *bits[2]; /* overlap, shared: words per person */
    int32_t *pop0;     /* overlap: |A| of each mentee */
    size_t words;
    double *vec[2]; /* similarity: stride dims */
    int32_t *vlen[2];
    double *norm[2];
    size_t dims;
    /* a reordered model's mentee columns transposed for the column kernel:
     * bitsT[w * ne + e], vecT[k * ne + e] */
    uint64_t *bitsT;
    double *vecT;
} match_col;

typedef struct match_model {
    size_t ne, nr, ncrit;
    match_col *col;
    double wsum;
    double min_score;
    bool sparse;
    /* per-mentee CSR lists */
    size_t *ch_off;
    uint32_t *ch_m;
    uint8_t *ch_rank; /* choices, rank 1.. */
    size_t *fb_off;
    uint32_t *fb_m; /* forbidden, sorted */
    size_t *sc_off;
    uint32_t *sc_m;
    double *sc_s;    /* sparse scores, sorted by mentor */
    int64_t *self;   /* mentor index of the same person, or -1 */
    int64_t *self_r; /* per mentor: mentee index of the same person, or -1 */
    int kernel;      /* MATCH_KERNEL_*: which compiled row kernel runs */
    /* a reordered model only: per mentor, the mentees that chose it and the
     * mentees that forbid it (sorted) */
    size_t *ich_off;
    uint32_t *ich_e;
    size_t *ifb_off;
    uint32_t *ifb_e;
} match_model;

int match_model_build(const match_instance *in, match_model *m, char *err, size_t errlen);
void match_model_cleanup(match_model *m);
/* Scores one pair exactly (scalar). Returns true when the pair is allowed
 * (not self, not forbidden, required criteria met, score >= min_score). In
 * the sparse form an unlisted pair is not allowed. explain (ncrit) may be NULL. */
bool match_model_pair(const match_model *m, size_t e, size_t r, double *score, double *explain);
/* Why a pair is not allowed: "self", "forbidden", "required:<i>", "min_score",
 * "unlisted", or NULL when allowed. */
const char *match_model_refusal(const match_model *m, size_t e, size_t r, size_t *crit);
/* Scores mentee e against every mentor: score[r], and ok[r] = 1 when allowed.
 * Bit-identical to match_model_pair. */
void match_model_row(const match_model *m, size_t e, double *score, uint8_t *ok);
/* The same for the first n mentors only. */
void match_model_row_n(const match_model *m, size_t e, size_t n, double *score, uint8_t *ok);
/* Scores mentee e against mentors [b, b + n): score[i], ok[i] for mentor b + i. */
void match_model_block(const match_model *m, size_t e, size_t b, size_t n, double *score,
                       uint8_t *ok);
/* A copy of m whose mentee i is m's mentee perm_e[i] and mentor j is m's
 * mentor perm_r[j], with the mentee columns also transposed and the
 * per-mentor lists the column kernel needs. Freed by match_model_cleanup. */
void match_model_reorder(const match_model *m, const uint32_t *perm_e, const uint32_t *perm_r,
                         match_model *out);
/* Scores mentor r of a reordered model against mentees [b, b + n), bit-identical
 * to match_model_pair, except that pairs the mentee chose get ok = 0. */
void match_model_col(const match_model *m, size_t r, size_t b, size_t n, double *score,
                     uint8_t *ok);
/* round(s * MATCH_SCALE), halves away from zero: exactly llround's
 * result, inline, because it runs once per scored pair (a libm call was
 * 4 % of the instructions at M). Below 2^52 the fraction x - trunc(x) is
 * exact, so the comparison with 0.5 decides as llround does; NaN and
 * larger values go to llround itself. */
static inline int64_t match_iscore(double s)
{
    double x = s * MATCH_SCALE;
    if (!(x > -4503599627370496.0 && x < 4503599627370496.0))
        return (int64_t)llround(x);
    double a = x < 0.0 ? -x : x;
    int64_t i = (int64_t)a;
    i += a - (double)i >= 0.5;
    return x < 0.0 ? -i : i;
}

/* ---- block bounds (bounds.c) ---- */

#define MATCH_BLOCK 64 /* people per block */
#define MATCH_GROUP 16 /* blocks per group: a mentor bounds a group before its blocks */
#define MATCH_TOP_K 8  /* mentors kept per mentee when its row is kept in full */

typedef struct match_bcol {
    double *lo, *hi;     /* distance, gap: the block's range (lo > hi: all missing) */
    uint64_t *uni;       /* overlap, shared: union of the tag bits, word-major */
    int32_t *popmin;     /* overlap, mentee blocks: the least non-zero |A| */
    uint64_t *bloom;     /* same: a 64-bit set of the values present */
    int32_t *uniq;       /* same: the value all share, -1 all missing, -2 mixed */
    double *cen;         /* similarity: unit centre, dimension-major */
    double *ccos, *csin; /* similarity: the cone's angle (ccos 2: no direction) */
    /* overlap, mentee blocks: the union of the tag bits of the members with
     * |A| = q + 1 for q < MATCH_POP_CLASSES - 1, and in the last class of
     * those with more, whose least |A| is cpop; cuni[(q * words + w) * nb + b] */
    uint64_t *cuni;
    int32_t *cpop;
} match_bcol;
#define MATCH_POP_CLASSES 4

typedef struct match_bounds {
    int side; /* 0: mentee blocks, 1: mentor blocks */
    size_t n, nb, ncol;
    size_t bs; /* people per block: MATCH_BLOCK, or MATCH_BLOCK * MATCH_GROUP for groups */
    match_bcol *col;
} match_bounds;

/* An order of one side's people (side 0 mentees, 1 mentors) that puts
 * similar ones together: perm[i] is the person at position i. */
void match_bounds_order(const match_model *m, int side, uint32_t *perm);
/* Block summaries of one side of a reordered model. */
void match_bounds_build(const match_model *rm, int side, match_bounds *B);
/* The same with bs people per block (groups of blocks: bs a multiple of
 * MATCH_BLOCK, so group g holds blocks g * bs / MATCH_BLOCK onwards). */
void match_bounds_build_n(const match_model *rm, int side, size_t bs, match_bounds *B);
void match_bounds_free(match_bounds *B);
/* false when no member of block b can meet the required criteria with
 * person x of the other side (a quick test of the tag and value ones). */
bool match_bounds_may(const match_model *rm, const match_bounds *B, size_t x, size_t b);
/* ub[b] >= the score of every allowed, not chosen pair of person x of the
 * other side with a member of block b; -1 when no such pair is allowed.
 * ws: scratch of 2 * nb doubles. */
void match_bounds_ub(const match_model *rm, const match_bounds *B, size_t x, double *ub,
                     double *ws);
/* The same for blocks b0 .. b1 - 1 only (ub and ws indexed as above). */
void match_bounds_ub_range(const match_model *rm, const match_bounds *B, size_t x, size_t b0,
                           size_t b1, double *ub, double *ws);

/* ---- the candidate graph (candidates.c) ---- */

/* The reordered model and the block summaries of both sides, kept with a
 * pruned graph for the proof (and stable's longer lists). */
typedef struct match_index {
    match_model rm;
    uint32_t *perm_e, *perm_r; /* position -> person */
    uint32_t *pos_e, *pos_r;   /* person -> position */
    match_bounds be, br;       /* mentee blocks, mentor blocks */
    match_bounds ge, gr;       /* mentee groups, mentor groups of MATCH_GROUP blocks */
} match_index;
void match_index_free(match_index *ix);

typedef struct match_graph {
    size_t ne, nr;
    size_t *off;    /* ne + 1 */
    uint32_t *head; /* mentor of each arc, arcs of a mentee sorted by mentor */
    int64_t *w;     /* integer score of each arc */
    size_t narcs;
    int64_t *allowed; /* allowed mentors per mentee (all pairs, not only arcs) */
    int64_t *cut;     /* per mentee: every allowed pair that is not an arc scores
                           <= cut[e] (the top_k-th best); -1 when none is missing */
    int64_t *cut_r;   /* per mentor: the same bound from the mentor's list; -1 when
                           every allowed pair of the mentor is an arc */
    bool pruned;      /* some allowed pairs are not arcs */
    match_index *ix;  /* NULL when the graph holds every allowed pair */
    int64_t scored;   /* pairs scored exactly to build it */
} match_graph;

void match_graph_cleanup(match_graph *g);
/* Builds the graph: all allowed pairs when the model is sparse, small or
 * no_prune, else each mentee's top_k (at least wants + 1 and MATCH_HARD_K)
 * plus its choices plus each mentor's best mentees (mentor_top of them;
 * < 0: its capacity and 8 more; 0: none). wants, caps may be NULL.
 * Blocks whose bound cannot enter a list are never scored. Multithreaded. */
void match_graph_build(const match_model *m, int top_k, int mentor_top, bool no_prune,
                       const int64_t *wants, const int64_t *caps, int threads, match_graph *g,
                       match_progress_fn progress, void *pctx);
/* true when (e, r) is an arc */
bool match_graph_has(const match_graph *g, size_t e, uint32_t r);
/* Adds arcs (mentee, mentor, w) to the graph (no duplicates given). */
void match_graph_add(match_graph *g, const match_ipair *p, const int64_t *w, size_t n);

/* The check of a pruned pair: a callback receives every allowed pair that is
 * not an arc and returns true to add it back. */
typedef struct match_check {
    /* dual certificate of the objective: u_i + v_j >= M + w_ij (when u != NULL) */
    const int64_t *u, *v;
    int64_t M;
    /* min cuts: a pair with w > thr[k] from inside[k] mentee to outside
     * mentor crosses cut k (when cut_in[k] != NULL) */
    const uint8_t *cut_e[2], *cut_r[2];
    int64_t cut_thr[2];
    int64_t dual_thr_min; /* only pairs with w >= this take part in the dual check */
    int64_t margin;       /* also collect pairs within this much of breaking the dual
                             (likely to break it once the duals move) */
    const int64_t *caps;  /* when given, a mentor adds at most 2 caps[r] + 8 pairs */
} match_check;

/* Re-scores every allowed pair that is not an arc and collects those that
 * break the certificate or come within margin of breaking its dual. Returns
 * the count; *nbreak the number that break it (0: proven); *out (owned by
 * caller) receives the pairs and *outw their scores. */
size_t match_graph_violations(const match_model *m, const match_graph *g, const match_check *c,
                              int threads, match_ipair **out, int64_t **outw, size_t *nbreak,
                              size_t *scored, match_progress_fn progress, void *pctx);

/* The allowed mentors r of mentee e that are not arcs and score at least
 * lim[r] (by mentor; blim[b] <= the least lim of the index's mentor block
 * b, ignored without an index), in any order: the rest of a stable list
 * (a mentor whose mentees all beat e leaves it out). Caller frees both. */
size_t match_graph_rest(const match_model *m, const match_graph *g, size_t e, const int64_t *lim,
                        const int64_t *blim, uint32_t **mentors, int64_t **w);
/* Full sorted row of allowed mentors of one mentee. */
size_t match_model_allowed(const match_model *m, size_t e, uint32_t **mentors, int64_t **w);

int match_threads(int requested);

/* ---- exact b-matching (flow.c) ---- */

typedef struct match_flow {
    uint8_t *x;     /* per arc: 1 when matched */
    int64_t *u, *v; /* LP duals of max sum (M + w) */
    int64_t M;
    int64_t matched, total;
    bool cert;                  /* the duals certify the arcs of the graph */
    uint8_t *reach_e, *reach_r; /* residual reachability from free mentees (a min cut) */
    /* the cost-scaling solver's potentials (scaled, in its own node order;
     * NULL when the shortest-path solver ran), to warm-start the next solve */
    int64_t *pot;
    size_t npot;
} match_flow;

/* A start for match_flow_solve on a graph that grew: the previous flow
 * (per arc of the new graph) and the previous potentials. */
typedef struct match_warm {
    const uint8_t *x;
    const int64_t *pot;
    size_t npot;
} match_warm;

/* Max-cardinality then max-weight b-matching on the arcs with w >= thr
 * (arcs below are ignored): wants[e], caps[r] are residual counts. */
void match_flow_solve(const match_graph *g, const int64_t *wants, const int64_t *caps, int64_t thr,
                      match_flow *f, match_progress_fn progress, void *pctx);
/* The same from a warm start (NULL: cold), with a solver: MATCH_SOLVER_AUTO
 * picks as measured, the others force one (cost scaling falls back to
 * shortest paths when some unit cannot be matched). */
enum { MATCH_SOLVER_AUTO, MATCH_SOLVER_SSP, MATCH_SOLVER_CS };
void match_flow_solve_warm(const match_graph *g, const int64_t *wants, const int64_t *caps,
                           int64_t thr, const match_warm *warm, int solver, match_flow *f,
                           match_progress_fn progress, void *pctx);
/* index of arc (e, r) or -1 */
int64_t match_graph_find(const match_graph *g, size_t e, uint32_t r);
/* Max cardinality only on arcs with w >= thr (Hopcroft-Karp style);
 * fills reach (a min cut) when reach_e / reach_r are not NULL. */
int64_t match_flow_maxcard(const match_graph *g, const int64_t *wants, const int64_t *caps,
                           int64_t thr, uint8_t *reach_e, uint8_t *reach_r);
void match_flow_cleanup(match_flow *f);

/* ---- stable (stable.c) ---- */
/* Mentee-proposing deferred acceptance; x per arc of g may be extended by
 * lazy rows (the graph grows). Returns matched pairs in *pairs. */
size_t match_stable_run(const match_model *m, match_graph *g, const int64_t *wants,
                        const int64_t *caps, match_ipair **pairs);

/* ---- report (report.c) ---- */
void match_report(const match_instance *in, const match_model *m, const match_graph *g,
                  match_result *r, bool maxcard_proven);

#endif
