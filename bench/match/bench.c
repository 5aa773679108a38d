/* bench.c - the matching benchmark's harness (run by bench/match/run.py).
 *
 *   bench engine SIZE CAPS SEED [K] [THREADS]  our engine, instance in memory (parse excluded)
 *   bench engine-slots SIZE CAPS SEED          the same on the slot-expanded relaxation
 *                                              (each wanted mentor a separate mentee)
 *   bench json FILE [K]                        our engine from a JSON file (parse included)
 *   bench parse FILE [THREADS]                 the JSON reader alone (wall and CPU seconds)
 *   bench greedy SIZE CAPS SEED                best-score-first greedy on the top-32 graph
 *   bench gen SIZE CAPS SEED OUT.json          write the instance as JSON
 *   bench dump SIZE CAPS SEED K OUT            the top-K candidate graph for lemon_oracle
 *   bench top3 SIZE CAPS SEED PAIRS            top-3 share of "mentee mentor" lines
 *   bench dense SIZE CAPS SEED OUT             every pair's integer score (-1: not allowed)
 *                                              with wants and capacities, for SciPy
 *   bench dump-engine SIZE CAPS SEED OUT       the engine's first candidate graph (as
 *                                              match_solve builds it), for lemon_oracle
 *   bench solve-graph FILE auto|ssp|cs         our solver alone on a dumped graph
 *   bench write FILE OUT [ROUNDS]              solves FILE once, then writes the result to
 *                                              OUT ROUNDS times (default 3) with one thread
 *                                              and with two, interleaved: wall and CPU
 *                                              seconds of each write, and whether the
 *                                              files are byte for byte the same
 *
 * Each prints "key=value" lines: seconds, matched, total (integer score),
 * min, top3 share, optimal, maxrss_kb (peak resident memory).
 */
#include "gen.h"

#include "base/clock.h"
#include "base/mem.h"
#include "match/engine.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* peak resident memory of this program (VmHWM: unlike getrusage's maxrss
 * it does not count the parent process that forked us) */
/* CPU seconds of the process (every thread): steadier than the wall
 * clock on a loaded machine */
static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

static long maxrss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    if (kb < 0) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        kb = ru.ru_maxrss;
    }
    return kb;
}

static gen_data *gen_args(char **argv)
{
    gen_params p;
    if (gen_params_parse(argv[0], argv[1], strtoull(argv[2], NULL, 10), &p)) {
        fprintf(stderr, "bench: size S|M|L, caps scarce|balanced\n");
        exit(2);
    }
    return gen_new(&p);
}

static void print_result(const match_result *r, double secs)
{
    const match_stats *s = &r->stats;
    int64_t mn = 0;
    for (size_t i = 0; i < r->npairs; i++)
        if (i == 0 || r->pairs[i].iscore < mn)
            mn = r->pairs[i].iscore;
    printf("seconds=%.4f\nt_score=%.4f\nt_solve=%.4f\nt_prove=%.4f\n", secs, s->t_score,
           s->t_solve, s->t_prove);
    printf("matched=%lld\ntotal=%lld\nmin=%lld\ntop3=%.4f\noptimal=%d\nrounds=%d\n"
           "added_back=%lld\ncandidates=%lld\nscored=%lld\n",
           (long long)s->matched, (long long)s->total_iscore, (long long)mn, s->top3_share,
           s->optimal, s->rounds, (long long)s->added_back, (long long)s->candidates,
           (long long)s->scored);
}

static int run_engine(char **argv, int argc, bool slots)
{
    gen_data *d = gen_args(argv);
    match_instance *in = slots ? gen_instance_slots(d) : gen_instance(d);
    gen_free(d);
    match_options o = {0};
    if (argc > 3)
        o.top_k = atoi(argv[3]);
    if (argc > 4)
        o.threads = atoi(argv[4]);
    match_result *r;
    char err[256];
    double t = clock_mono();
    if (match_solve(in, &o, &r, err, sizeof err)) {
        fprintf(stderr, "bench: %s\n", err);
        return 1;
    }
    double secs = clock_mono() - t;
    print_result(r, secs);
    printf("kernel=%s\nmaxrss_kb=%ld\n", match_kernel_name(match_kernel_best()), maxrss_kb());
    match_result_free(r);
    match_instance_free(in);
    return 0;
}

static int run_json(char **argv, int argc)
{
    match_options o = {0};
    if (argc > 1)
        o.top_k = atoi(argv[1]);
    char err[512];
    double t = clock_mono();
    match_instance *in;
    if (match_json_read(argv[0], &in, err, sizeof err)) {
        fprintf(stderr, "bench: %s\n", err);
        return 1;
    }
    double t_parse = clock_mono() - t;
    match_result *r;
    if (match_solve(in, &o, &r, err, sizeof err)) {
        fprintf(stderr, "bench: %s\n", err);
        return 1;
    }
    double secs = clock_mono() - t;
    print_result(r, secs);
    printf("t_parse=%.4f\nmaxrss_kb=%ld\n", t_parse, maxrss_kb());
    match_result_free(r);
    match_instance_free(in);
    return 0;
}

/* CPU seconds of the calling thread alone */
static double thread_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* the file contract's reader alone: wall and CPU seconds of the parse
 * (the process, and the calling thread: the reader's second thread works
 * beside it, so on an idle core the wall is about the latter); THREADS
 * (default: the cores) as match_json_read_threads takes it */
static int run_parse(char **argv, int argc)
{
    char err[512];
    int threads = argc > 1 ? (int)strtol(argv[1], NULL, 10) : match_threads(0);
    double t = clock_mono(), c = cpu_seconds(), tc = thread_cpu_seconds();
    match_instance *in;
    if (match_json_read_threads(argv[0], threads, &in, err, sizeof err)) {
        fprintf(stderr, "bench: %s\n", err);
        return 1;
    }
    double secs = clock_mono() - t;
    c = cpu_seconds() - c;
    tc = thread_cpu_seconds() - tc;
    printf("t_parse=%.4f\ncpu_parse=%.4f\nthread_cpu_parse=%.4f\nmaxrss_kb=%ld\n", secs, c, tc,
           maxrss_kb());
    match_instance_free(in);
    return 0;
}

typedef struct arc {
    int64_t w;
    uint32_t e, r;
} arc;

static int cmp_arc(const void *a, const void *b)
{
    const arc *x = a, *y = b;
    if (x->w != y->w)
        return x->w > y->w ? -1 : 1;
    if (x->e != y->e)
        return x->e < y->e ? -1 : 1;
    return x->r < y->r ? -1 : x->r > y->r;
}

static int run_greedy(char **argv)
{
    gen_data *d = gen_args(argv);
    match_instance *in = gen_instance(d);
    gen_free(d);
    char err[256];
    double t = clock_mono();
    match_model m;
    if (match_model_build(in, &m, err, sizeof err))
        return 1;
    m.kernel = match_kernel_best();
    match_graph g;
    match_graph_build(&m, 32, 0, false, NULL, NULL, 0, &g, NULL, NULL);
    arc *a = xcalloc(g.narcs + 1, sizeof *a);
    for (size_t e = 0; e < g.ne; e++)
        for (size_t q = g.off[e]; q < g.off[e + 1]; q++)
            a[q] = (arc){g.w[q], (uint32_t)e, g.head[q]};
    qsort(a, g.narcs, sizeof *a, cmp_arc);
    size_t ne = match_mentee_count(in), nr = match_mentor_count(in);
    int64_t *left_e = xcalloc(ne, sizeof *left_e), *left_r = xcalloc(nr, sizeof *left_r);
    for (size_t e = 0; e < ne; e++)
        left_e[e] = in->count[MATCH_MENTEE][e];
    for (size_t r = 0; r < nr; r++)
        left_r[r] = in->count[MATCH_MENTOR][r];
    int64_t matched = 0, total = 0, mn = 0;
    uint8_t *top3 = xcalloc(ne, 1);
    for (size_t i = 0; i < g.narcs; i++) {
        if (!left_e[a[i].e] || !left_r[a[i].r])
            continue;
        left_e[a[i].e]--;
        left_r[a[i].r]--;
        if (!matched || a[i].w < mn)
            mn = a[i].w;
        matched++;
        total += a[i].w;
        for (uint32_t k = 0; k < in->nchoices[a[i].e] && k < 3; k++)
            if (in->choices[a[i].e][k] == a[i].r)
                top3[a[i].e] = 1;
    }
    double secs = clock_mono() - t;
    size_t got = 0, with = 0;
    for (size_t e = 0; e < ne; e++) {
        got += top3[e];
        with += in->nchoices[e] > 0;
    }
    printf("seconds=%.4f\nmatched=%lld\ntotal=%lld\nmin=%lld\ntop3=%.4f\noptimal=0\n"
           "maxrss_kb=%ld\n", secs, (long long)matched, (long long)total, (long long)mn,
           with ? (double)got / (double)with : 0.0, maxrss_kb());
    free(a);
    free(left_e);
    free(left_r);
    free(top3);
    match_graph_cleanup(&g);
    match_model_cleanup(&m);
    match_instance_free(in);
    return 0;
}

static int run_gen(char **argv)
{
    gen_data *d = gen_args(argv);
    FILE *f = fopen(argv[3], "w");
    if (!f || gen_write_json(d, f) || fclose(f)) {
        perror(argv[3]);
        return 1;
    }
    gen_free(d);
    return 0;
}

static void write_graph(FILE *f, const match_graph *g, const int64_t *wants,
                        const int64_t *caps)
{
    fprintf(f, "%zu %zu %zu\n", g->ne, g->nr, g->narcs);
    for (size_t e = 0; e < g->ne; e++)
        fprintf(f, "%lld ", (long long)wants[e]);
    fprintf(f, "\n");
    for (size_t r = 0; r < g->nr; r++)
        fprintf(f, "%lld ", (long long)caps[r]);
    fprintf(f, "\n");
    for (size_t e = 0; e < g->ne; e++)
        for (size_t q = g->off[e]; q < g->off[e + 1]; q++)
            fprintf(f, "%zu %u %lld\n", e, g->head[q], (long long)g->w[q]);
}

static int run_dump(char **argv)
{
    gen_data *d = gen_args(argv);
    match_instance *in = gen_instance(d);
    gen_free(d);
    char err[256];
    match_model m;
    if (match_model_build(in, &m, err, sizeof err))
        return 1;
    m.kernel = match_kernel_best();
    match_graph g;
    double t = clock_mono();
    match_graph_build(&m, atoi(argv[3]), 0, false, NULL, NULL, 0, &g, NULL, NULL);
    double secs = clock_mono() - t;
    FILE *f = fopen(argv[4], "w");
    if (!f)
        return 1;
    write_graph(f, &g, in->count[MATCH_MENTEE], in->count[MATCH_MENTOR]);
    fclose(f);
    printf("t_candidates=%.4f\narcs=%zu\nmaxrss_kb=%ld\n", secs, g.narcs, maxrss_kb());
    match_graph_cleanup(&g);
    match_model_cleanup(&m);
    match_instance_free(in);
    return 0;
}

/* the graph match_solve solves first: default lists, mentor lists */
static int run_dump_engine(char **argv)
{
    gen_data *d = gen_args(argv);
    match_instance *in = gen_instance(d);
    gen_free(d);
    char err[256];
    match_model m;
    if (match_model_build(in, &m, err, sizeof err))
        return 1;
    m.kernel = match_kernel_best();
    match_graph g;
    match_graph_build(&m, 0, -1, false, in->count[MATCH_MENTEE], in->count[MATCH_MENTOR], 0, &g,
                      NULL, NULL);
    FILE *f = fopen(argv[3], "w");
    if (!f)
        return 1;
    write_graph(f, &g, in->count[MATCH_MENTEE], in->count[MATCH_MENTOR]);
    fclose(f);
    printf("arcs=%zu\nmaxrss_kb=%ld\n", g.narcs, maxrss_kb());
    match_graph_cleanup(&g);
    match_model_cleanup(&m);
    match_instance_free(in);
    return 0;
}

/* our solver alone on a graph in lemon_oracle's format */
static int run_solve_graph(char **argv)
{
    FILE *f = fopen(argv[0], "r");
    size_t ne, nr, na;
    if (!f || fscanf(f, "%zu %zu %zu", &ne, &nr, &na) != 3)
        return 1;
    int64_t *wants = xcalloc(ne + 1, sizeof *wants), *caps = xcalloc(nr + 1, sizeof *caps);
    for (size_t e = 0; e < ne; e++)
        if (fscanf(f, "%" SCNd64, &wants[e]) != 1)
            return 1;
    for (size_t r = 0; r < nr; r++)
        if (fscanf(f, "%" SCNd64, &caps[r]) != 1)
            return 1;
    match_graph g = {.ne = ne, .nr = nr, .narcs = na};
    g.off = xcalloc(ne + 1, sizeof *g.off);
    g.head = xcalloc(na + 1, sizeof *g.head);
    g.w = xcalloc(na + 1, sizeof *g.w);
    for (size_t a = 0; a < na; a++) {
        size_t e;
        unsigned r;
        long long w;
        if (fscanf(f, "%zu %u %lld", &e, &r, &w) != 3)
            return 1;
        g.off[e + 1]++;
        g.head[a] = r;
        g.w[a] = w;
    }
    fclose(f);
    for (size_t e = 0; e < ne; e++)
        g.off[e + 1] += g.off[e];
    int solver = strcmp(argv[1], "ssp") == 0  ? MATCH_SOLVER_SSP
                 : strcmp(argv[1], "cs") == 0 ? MATCH_SOLVER_CS
                                              : MATCH_SOLVER_AUTO;
    match_flow fl;
    double t = clock_mono(), c = cpu_seconds();
    match_flow_solve_warm(&g, wants, caps, 0, NULL, solver, &fl, NULL, NULL);
    double secs = clock_mono() - t;
    c = cpu_seconds() - c;
    printf("seconds=%.4f\ncpu_seconds=%.4f\nmatched=%lld\ntotal=%lld\noptimal=%d\nmaxrss_kb=%ld\n",
           secs, c, (long long)fl.matched, (long long)fl.total, fl.cert, maxrss_kb());
    /* FNV-1a over the flow and both duals: solver variants must agree bit for bit */
    uint64_t hx = 1469598103934665603ull;
    for (size_t a = 0; a < na; a++)
        hx = (hx ^ fl.x[a]) * 1099511628211ull;
    for (size_t e = 0; e < ne; e++)
        hx = (hx ^ (uint64_t)fl.u[e]) * 1099511628211ull;
    for (size_t r = 0; r < nr; r++)
        hx = (hx ^ (uint64_t)fl.v[r]) * 1099511628211ull;
    printf("flow_hash=%016llx\n", (unsigned long long)hx);
    match_flow_cleanup(&fl);
    free(g.off);
    free(g.head);
    free(g.w);
    free(wants);
    free(caps);
    return 0;
}

static int run_dense(char **argv)
{
    gen_data *d = gen_args(argv);
    match_instance *in = gen_instance(d);
    gen_free(d);
    char err[256];
    match_model m;
    if (match_model_build(in, &m, err, sizeof err))
        return 1;
    m.kernel = match_kernel_best();
    FILE *f = fopen(argv[3], "wb");
    if (!f)
        return 1;
    int32_t hdr[2] = {(int32_t)m.ne, (int32_t)m.nr};
    fwrite(hdr, sizeof hdr, 1, f);
    for (size_t e = 0; e < m.ne; e++) {
        int32_t v = (int32_t)in->count[MATCH_MENTEE][e];
        fwrite(&v, sizeof v, 1, f);
    }
    for (size_t r = 0; r < m.nr; r++) {
        int32_t v = (int32_t)in->count[MATCH_MENTOR][r];
        fwrite(&v, sizeof v, 1, f);
    }
    double *s = xcalloc(m.nr, sizeof *s);
    uint8_t *ok = xcalloc(m.nr, 1);
    int32_t *row = xcalloc(m.nr, sizeof *row);
    double *tmp = xcalloc(2 * m.nr, sizeof *tmp);
    for (size_t e = 0; e < m.ne; e++) {
        match_model_row(&m, e, s, ok);
        for (size_t r = 0; r < m.nr; r++)
            row[r] = ok[r] ? (int32_t)match_iscore(s[r]) : -1;
        fwrite(row, sizeof *row, m.nr, f);
    }
    fclose(f);
    free(s);
    free(ok);
    free(row);
    free(tmp);
    match_model_cleanup(&m);
    match_instance_free(in);
    return 0;
}

/* top-3 share of a pairs file ("mentee mentor" per line, indexes) */
static int run_top3(char **argv)
{
    gen_data *d = gen_args(argv);
    match_instance *in = gen_instance(d);
    gen_free(d);
    FILE *f = fopen(argv[3], "r");
    if (!f)
        return 1;
    size_t ne = match_mentee_count(in);
    uint8_t *got = xcalloc(ne + 1, 1);
    unsigned long e, r;
    while (fscanf(f, "%lu %lu", &e, &r) == 2)
        if (e < ne)
            for (uint32_t k = 0; k < in->nchoices[e] && k < 3; k++)
                if (in->choices[e][k] == r)
                    got[e] = 1;
    fclose(f);
    size_t n = 0, with = 0;
    for (size_t i = 0; i < ne; i++) {
        n += got[i];
        with += in->nchoices[i] > 0;
    }
    printf("top3=%.4f\n", with ? (double)n / (double)with : 0.0);
    free(got);
    match_instance_free(in);
    return 0;
}

static char *slurp_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    *n = 0;
    if (!f)
        return NULL;
    size_t cap = 0;
    for (;;) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 1 << 20;
            buf = xrealloc(buf, cap);
        }
        size_t got = fread(buf + *n, 1, cap - *n, f);
        if (!got)
            break;
        *n += got;
    }
    fclose(f);
    return buf;
}

static int run_write(char **argv, int argc)
{
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    char err[512], path[4096];
    match_instance *in;
    match_result *r;
    if (match_json_read(argv[0], &in, err, sizeof err) || match_solve(in, NULL, &r, err, sizeof err)) {
        fprintf(stderr, "bench: %s\n", err);
        return 1;
    }
    bool same = true;
    for (int i = 0; i < rounds; i++)
        for (int threads = 1; threads <= 2; threads++) {
            snprintf(path, sizeof path, "%s.%d", argv[1], threads);
            double t = clock_mono(), c = cpu_seconds();
            if (match_json_write_threads(in, r, path, threads, err, sizeof err)) {
                fprintf(stderr, "bench: %s\n", err);
                return 1;
            }
            printf("write threads=%d seconds=%.4f cpu_seconds=%.4f\n", threads, clock_mono() - t,
                   cpu_seconds() - c);
        }
    size_t n1, n2;
    snprintf(path, sizeof path, "%s.1", argv[1]);
    char *a = slurp_file(path, &n1);
    snprintf(path, sizeof path, "%s.2", argv[1]);
    char *b = slurp_file(path, &n2);
    same = a && b && n1 == n2 && memcmp(a, b, n1) == 0;
    printf("bytes=%zu\nsame=%d\n", n1, same);
    free(a);
    free(b);
    match_result_free(r);
    match_instance_free(in);
    return same ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: see bench/match/bench.c\n");
        return 2;
    }
    const char *mode = argv[1];
    if (strcmp(mode, "engine") == 0 && argc >= 5)
        return run_engine(argv + 2, argc - 2, false);
    if (strcmp(mode, "engine-slots") == 0 && argc >= 5)
        return run_engine(argv + 2, argc - 2, true);
    if (strcmp(mode, "json") == 0)
        return run_json(argv + 2, argc - 2);
    if (strcmp(mode, "parse") == 0 && argc >= 3)
        return run_parse(argv + 2, argc - 2);
    if (strcmp(mode, "greedy") == 0 && argc >= 5)
        return run_greedy(argv + 2);
    if (strcmp(mode, "gen") == 0 && argc >= 6)
        return run_gen(argv + 2);
    if (strcmp(mode, "dump") == 0 && argc >= 7)
        return run_dump(argv + 2);
    if (strcmp(mode, "top3") == 0 && argc >= 6)
        return run_top3(argv + 2);
    if (strcmp(mode, "dense") == 0 && argc >= 6)
        return run_dense(argv + 2);
    if (strcmp(mode, "dump-engine") == 0 && argc >= 6)
        return run_dump_engine(argv + 2);
    if (strcmp(mode, "solve-graph") == 0 && argc >= 4)
        return run_solve_graph(argv + 2);
    if (strcmp(mode, "write") == 0 && argc >= 4)
        return run_write(argv + 2, argc - 2);
    fprintf(stderr, "bench: unknown mode or missing arguments\n");
    return 2;
}
