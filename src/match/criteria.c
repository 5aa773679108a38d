/* criteria.c - compiles criteria into columns and scores pairs.
 *
 * Each criterion becomes a column per side (numbers, interned strings, tag
 * bitsets, vectors). match_model_pair() scores one pair; match_model_row()
 * scores a mentee against every mentor with loops over the mentor columns
 * that the compiler vectorises. Both evaluate the same inline value
 * functions in the same order, and the build uses ISO C (no contraction of
 * a*b+c into fma), so a row is bit-identical to the pairs one by one; the
 * row kernel is cloned per instruction set and the widest one the CPU has
 * is picked at load time.
 */
#include "match/engine.h"

#include "base/mem.h"
#include "base/str.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void seterr(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        str_fmt(err, errlen, "%s", msg);
}

int64_t match_iscore(double s)
{
    return (int64_t)llround(s * MATCH_SCALE);
}

/* ---- value of one criterion for one pair ---- */

static inline double v_overlap(const uint64_t *a, const uint64_t *b, size_t words, int32_t popa)
{
    int c = 0;
    for (size_t w = 0; w < words; w++)
        c += __builtin_popcountll(a[w] & b[w]);
    return popa > 0 ? (double)c / (double)popa : 0.0;
}

static inline double v_shared(const uint64_t *a, const uint64_t *b, size_t words)
{
    uint64_t any = 0;
    for (size_t w = 0; w < words; w++)
        any |= a[w] & b[w];
    return any ? 1.0 : 0.0;
}

static inline double v_same(int32_t a, int32_t b, bool different)
{
    if (a < 0 || b < 0)
        return 0.0;
    return (a == b) != different ? 1.0 : 0.0;
}

static inline double v_distance(double a, double b, double scale)
{
    double d = fabs(a - b);
    return d < scale ? 1.0 - d / scale : 0.0; /* NaN (missing) compares false */
}

static inline double v_gap(double mentee, double mentor, double lo, double hi, double scale)
{
    double d = mentor - mentee;
    if (d >= lo && d <= hi)
        return 1.0;
    double out = d < lo ? lo - d : d - hi;
    return out < scale ? 1.0 - out / scale : 0.0;
}

static inline double v_cos(const double *a, const double *b, size_t dims, double na, double nb)
{
    double dot = 0.0;
    for (size_t k = 0; k < dims; k++)
        dot += a[k] * b[k];
    double nn = na * nb;
    double c = nn > 0.0 ? dot / nn : 0.0;
    return c > 0.0 ? (c < 1.0 ? c : 1.0) : 0.0;
}

static inline double v_choice(int rank)
{
    return rank == 1 ? 1.0 : rank == 2 ? 2.0 / 3.0 : rank == 3 ? 1.0 / 3.0 : 0.0;
}

static int choice_rank(const match_model *m, size_t e, size_t r)
{
    for (size_t k = m->ch_off[e]; k < m->ch_off[e + 1]; k++)
        if (m->ch_m[k] == r)
            return m->ch_rank[k];
    return 0;
}

static double col_value(const match_model *m, const match_col *c, size_t e, size_t r)
{
    switch (c->kind) {
    case MATCH_OVERLAP:
        return v_overlap(c->bits[0] + e * c->words, c->bits[1] + r * c->words, c->words,
                         c->pop0[e]);
    case MATCH_SHARED:
        return v_shared(c->bits[0] + e * c->words, c->bits[1] + r * c->words, c->words);
    case MATCH_SAME:
        return v_same(c->str[0][e], c->str[1][r], c->different);
    case MATCH_DISTANCE:
        return v_distance(c->num[0][e], c->num[1][r], c->scale);
    case MATCH_GAP:
        return v_gap(c->num[0][e], c->num[1][r], c->min, c->max, c->scale);
    case MATCH_SIMILARITY:
        if (c->vlen[0][e] != c->vlen[1][r])
            return 0.0;
        return v_cos(c->vec[0] + e * c->dims, c->vec[1] + r * c->dims, c->dims, c->norm[0][e],
                     c->norm[1][r]);
    case MATCH_CHOICE:
        return v_choice(choice_rank(m, e, r));
    }
    return 0.0;
}

static bool listed(const size_t *off, const uint32_t *arr, size_t e, size_t r)
{
    size_t lo = off[e], hi = off[e + 1];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (arr[mid] < r)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < off[e + 1] && arr[lo] == r;
}

static bool sparse_score(const match_model *m, size_t e, size_t r, double *s)
{
    size_t lo = m->sc_off[e], hi = m->sc_off[e + 1];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m->sc_m[mid] < r)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < m->sc_off[e + 1] && m->sc_m[lo] == r) {
        *s = m->sc_s[lo];
        return true;
    }
    return false;
}

const char *match_model_refusal(const match_model *m, size_t e, size_t r, size_t *crit)
{
    if (m->self[e] == (int64_t)r)
        return "self";
    if (listed(m->fb_off, m->fb_m, e, r))
        return "forbidden";
    double s = 0.0;
    if (m->sparse) {
        if (!sparse_score(m, e, r, &s))
            return "unlisted";
    } else {
        double acc = 0.0;
        const char *why = NULL;
        for (size_t k = 0; k < m->ncrit; k++) {
            const match_col *c = &m->col[k];
            double v = col_value(m, c, e, r);
            if (c->required && !(v > 0.0) && !why) {
                why = "required";
                if (crit)
                    *crit = k;
            }
            acc += c->w * v;
        }
        if (why)
            return why;
        s = m->wsum > 0.0 ? acc / m->wsum : 0.0;
    }
    if (!(s >= m->min_score))
        return "min_score";
    return NULL;
}

bool match_model_pair(const match_model *m, size_t e, size_t r, double *score, double *explain)
{
    bool ok = m->self[e] != (int64_t)r && !listed(m->fb_off, m->fb_m, e, r);
    double s = 0.0;
    if (m->sparse) {
        ok = sparse_score(m, e, r, &s) && ok;
    } else {
        double acc = 0.0;
        for (size_t k = 0; k < m->ncrit; k++) {
            const match_col *c = &m->col[k];
            double v = col_value(m, c, e, r);
            if (c->required && !(v > 0.0))
                ok = false;
            acc += c->w * v;
            if (explain)
                explain[k] = m->wsum > 0.0 ? c->w * v / m->wsum : 0.0;
        }
        s = m->wsum > 0.0 ? acc / m->wsum : 0.0;
    }
    if (!(s >= m->min_score))
        ok = false;
    *score = s;
    return ok;
}

/* ---- the row kernel ---- */

static inline __attribute__((always_inline)) void row_body(const match_model *m, size_t e,
                                                          double *acc, uint8_t *ok)
{
    size_t nr = m->nr;
    for (size_t r = 0; r < nr; r++) {
        acc[r] = 0.0;
        ok[r] = 1;
    }
    for (size_t k = 0; k < m->ncrit; k++) {
        const match_col *c = &m->col[k];
        const double w = c->w;
        const bool req = c->required;
        switch (c->kind) {
        case MATCH_OVERLAP: {
            const uint64_t *a = c->bits[0] + e * c->words, *b = c->bits[1];
            int32_t pa = c->pop0[e];
            if (c->words == 2) {
                uint64_t a0 = a[0], a1 = a[1];
                for (size_t r = 0; r < nr; r++) {
                    int cnt = __builtin_popcountll(a0 & b[2 * r]) +
                              __builtin_popcountll(a1 & b[2 * r + 1]);
                    double v = pa > 0 ? (double)cnt / (double)pa : 0.0;
                    ok[r] &= (uint8_t)(!req | (v > 0.0));
                    acc[r] += w * v;
                }
            } else {
                for (size_t r = 0; r < nr; r++) {
                    double v = v_overlap(a, b + r * c->words, c->words, pa);
                    ok[r] &= (uint8_t)(!req | (v > 0.0));
                    acc[r] += w * v;
                }
            }
            break;
        }
        case MATCH_SHARED: {
            const uint64_t *a = c->bits[0] + e * c->words, *b = c->bits[1];
            if (c->words == 1) {
                uint64_t a0 = a[0];
                for (size_t r = 0; r < nr; r++) {
                    double v = (a0 & b[r]) ? 1.0 : 0.0;
                    ok[r] &= (uint8_t)(!req | (v > 0.0));
                    acc[r] += w * v;
                }
            } else {
                for (size_t r = 0; r < nr; r++) {
                    double v = v_shared(a, b + r * c->words, c->words);
                    ok[r] &= (uint8_t)(!req | (v > 0.0));
                    acc[r] += w * v;
                }
            }
            break;
        }
        case MATCH_SAME: {
            int32_t a = c->str[0][e];
            const int32_t *b = c->str[1];
            bool diff = c->different;
            for (size_t r = 0; r < nr; r++) {
                double v = v_same(a, b[r], diff);
                ok[r] &= (uint8_t)(!req | (v > 0.0));
                acc[r] += w * v;
            }
            break;
        }
        case MATCH_DISTANCE: {
            double a = c->num[0][e], scale = c->scale;
            const double *b = c->num[1];
            for (size_t r = 0; r < nr; r++) {
                double v = v_distance(a, b[r], scale);
                ok[r] &= (uint8_t)(!req | (v > 0.0));
                acc[r] += w * v;
            }
            break;
        }
        case MATCH_GAP: {
            double a = c->num[0][e], lo = c->min, hi = c->max, scale = c->scale;
            const double *b = c->num[1];
            for (size_t r = 0; r < nr; r++) {
                double v = v_gap(a, b[r], lo, hi, scale);
                ok[r] &= (uint8_t)(!req | (v > 0.0));
                acc[r] += w * v;
            }
            break;
        }
        case MATCH_SIMILARITY: {
            const double *a = c->vec[0] + e * c->dims, *b = c->vec[1];
            const int32_t *lb = c->vlen[1];
            const double *nb = c->norm[1];
            int32_t la = c->vlen[0][e];
            double na = c->norm[0][e];
            size_t dims = c->dims;
            if (dims == 8) {
                for (size_t r = 0; r < nr; r++) {
                    const double *br = b + 8 * r;
                    double dot = 0.0;
                    dot += a[0] * br[0];
                    dot += a[1] * br[1];
                    dot += a[2] * br[2];
                    dot += a[3] * br[3];
                    dot += a[4] * br[4];
                    dot += a[5] * br[5];
                    dot += a[6] * br[6];
                    dot += a[7] * br[7];
                    double nn = na * nb[r];
                    double cs = nn > 0.0 ? dot / nn : 0.0;
                    double v = cs > 0.0 ? (cs < 1.0 ? cs : 1.0) : 0.0;
                    v = la == lb[r] ? v : 0.0;
                    ok[r] &= (uint8_t)(!req | (v > 0.0));
                    acc[r] += w * v;
                }
            } else {
                for (size_t r = 0; r < nr; r++) {
                    double v = la == lb[r] ? v_cos(a, b + r * dims, dims, na, nb[r]) : 0.0;
                    ok[r] &= (uint8_t)(!req | (v > 0.0));
                    acc[r] += w * v;
                }
            }
            break;
        }
        case MATCH_CHOICE: {
            /* zero for every mentor but the chosen: acc += w * 0 changes nothing */
            size_t lo = m->ch_off[e], hi = m->ch_off[e + 1];
            if (req) {
                uint8_t keep[MATCH_MAX_CHOICES];
                for (size_t q = lo; q < hi; q++)
                    keep[q - lo] = ok[m->ch_m[q]];
                for (size_t r = 0; r < nr; r++)
                    ok[r] = 0;
                for (size_t q = lo; q < hi; q++)
                    ok[m->ch_m[q]] = keep[q - lo] & (uint8_t)(v_choice(m->ch_rank[q]) > 0.0);
            }
            for (size_t q = lo; q < hi; q++)
                acc[m->ch_m[q]] += w * v_choice(m->ch_rank[q]);
            break;
        }
        }
    }
    double wsum = m->wsum, min = m->min_score;
    for (size_t r = 0; r < nr; r++) {
        double s = wsum > 0.0 ? acc[r] / wsum : 0.0;
        acc[r] = s;
        ok[r] &= (uint8_t)(s >= min);
    }
}

/* The same loops compiled for three instruction sets; match_model_row
 * picks the widest the CPU has (or the one m->kernel names, for tests). */
static void row_base(const match_model *m, size_t e, double *acc, uint8_t *ok)
{
    row_body(m, e, acc, ok);
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void row_avx2(const match_model *m, size_t e,
                                                     double *acc, uint8_t *ok)
{
    row_body(m, e, acc, ok);
}

__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx512vpopcntdq"))) static void
row_avx512(const match_model *m, size_t e, double *acc, uint8_t *ok)
{
    row_body(m, e, acc, ok);
}
#endif

int match_kernel_best(void)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vpopcntdq"))
        return MATCH_KERNEL_AVX512;
    if (__builtin_cpu_supports("avx2"))
        return MATCH_KERNEL_AVX2;
#endif
    return MATCH_KERNEL_BASE;
}

const char *match_kernel_name(int k)
{
    switch (k) {
    case MATCH_KERNEL_SCALAR: return "scalar";
    case MATCH_KERNEL_BASE: return "baseline";
    case MATCH_KERNEL_AVX2: return "avx2";
    case MATCH_KERNEL_AVX512: return "avx512";
    }
    return "auto";
}

static void row_scalar(const match_model *m, size_t e, double *acc, uint8_t *ok)
{
    for (size_t r = 0; r < m->nr; r++) {
        double acc1 = 0.0;
        bool good = true;
        for (size_t k = 0; k < m->ncrit; k++) {
            const match_col *c = &m->col[k];
            double v = col_value(m, c, e, r);
            if (c->required && !(v > 0.0))
                good = false;
            acc1 += c->w * v;
        }
        double s = m->wsum > 0.0 ? acc1 / m->wsum : 0.0;
        acc[r] = s;
        ok[r] = good && s >= m->min_score;
    }
}

void match_model_row(const match_model *m, size_t e, double *score, uint8_t *ok)
{
    if (m->sparse) {
        for (size_t r = 0; r < m->nr; r++) {
            score[r] = 0.0;
            ok[r] = 0;
        }
        for (size_t q = m->sc_off[e]; q < m->sc_off[e + 1]; q++) {
            score[m->sc_m[q]] = m->sc_s[q];
            ok[m->sc_m[q]] = m->sc_s[q] >= m->min_score;
        }
    } else {
        switch (m->kernel) {
        case MATCH_KERNEL_SCALAR: row_scalar(m, e, score, ok); break;
#if defined(__x86_64__)
        case MATCH_KERNEL_AVX2: row_avx2(m, e, score, ok); break;
        case MATCH_KERNEL_AVX512: row_avx512(m, e, score, ok); break;
#endif
        default: row_base(m, e, score, ok); break;
        }
    }
    if (m->self[e] >= 0)
        ok[m->self[e]] = 0;
    for (size_t q = m->fb_off[e]; q < m->fb_off[e + 1]; q++)
        ok[m->fb_m[q]] = 0;
}

/* ---- building the model ---- */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_triple(const void *a, const void *b)
{
    const match_triple *x = a, *y = b;
    if (x->mentee != y->mentee)
        return x->mentee < y->mentee ? -1 : 1;
    return x->mentor < y->mentor ? -1 : x->mentor > y->mentor;
}

/* CSR from (mentee, mentor) pairs, sorted and de-duplicated */
static void pairs_csr(size_t ne, const match_ipair *p, size_t n, size_t **off_out,
                      uint32_t **arr_out)
{
    size_t *off = xcalloc(ne + 1, sizeof *off);
    uint32_t *arr = xcalloc(n ? n : 1, sizeof *arr);
    for (size_t i = 0; i < n; i++)
        off[p[i].mentee + 1]++;
    for (size_t i = 0; i < ne; i++)
        off[i + 1] += off[i];
    size_t *pos = xcalloc(ne + 1, sizeof *pos);
    memcpy(pos, off, (ne + 1) * sizeof *pos);
    for (size_t i = 0; i < n; i++)
        arr[pos[p[i].mentee]++] = p[i].mentor;
    free(pos);
    /* sort and drop duplicates, compacting */
    size_t w = 0;
    for (size_t e = 0; e < ne; e++) {
        size_t lo = off[e], hi = off[e + 1];
        qsort(arr + lo, hi - lo, sizeof *arr, cmp_u32);
        off[e] = w;
        for (size_t q = lo; q < hi; q++)
            if (q == lo || arr[q] != arr[q - 1])
                arr[w++] = arr[q];
    }
    off[ne] = w;
    *off_out = off;
    *arr_out = arr;
}

static const char *type_name(int t)
{
    switch (t) {
    case FT_TAGS: return "a list of strings";
    case FT_NUMBER: return "a number";
    case FT_STRING: return "a string";
    case FT_VECTOR: return "a list of numbers";
    }
    return "missing";
}

static int build_col(const match_instance *in, const match_criterion *cr, match_col *c,
                     char *err, size_t errlen)
{
    size_t n[2] = {in->n[MATCH_MENTEE], in->n[MATCH_MENTOR]};
    const char *fname[2] = {cr->mentee_field, cr->mentor_field};
    int fid[2];
    c->kind = cr->kind;
    c->w = cr->weight;
    c->required = cr->required;
    c->different = cr->different;
    c->scale = cr->scale;
    c->min = cr->min;
    c->max = cr->max;
    if (cr->kind == MATCH_CHOICE)
        return 0;
    for (int s = 0; s < 2; s++) {
        fid[s] = match_strmap_get(&in->fieldmap, fname[s]);
        int t = fid[s] >= 0 ? in->field_types[fid[s]] : FT_NONE;
        bool fits = t == FT_NONE;
        switch (cr->kind) {
        case MATCH_OVERLAP:
        case MATCH_SHARED: fits |= t == FT_TAGS || t == FT_STRING; break;
        case MATCH_SAME: fits |= t == FT_STRING || t == FT_NUMBER; break;
        case MATCH_DISTANCE:
        case MATCH_GAP: fits |= t == FT_NUMBER; break;
        case MATCH_SIMILARITY: fits |= t == FT_VECTOR; break;
        case MATCH_CHOICE: break;
        }
        if (!fits) {
            if (err)
                str_fmt(err, errlen, "criterion \"%.60s\" (%s): attribute \"%.60s\" is %s",
                        cr->name, match_kind_name(cr->kind), fname[s], type_name(t));
            return -1;
        }
    }
    switch (cr->kind) {
    case MATCH_OVERLAP:
    case MATCH_SHARED: {
        int32_t *bit = xmalloc((in->nstrings ? in->nstrings : 1) * sizeof *bit);
        for (size_t i = 0; i < in->nstrings; i++)
            bit[i] = -1;
        int32_t nbits = 0;
        for (int s = 0; s < 2; s++)
            for (size_t i = 0; i < in->nattrs[s]; i++) {
                const match_attr *a = &in->attrs[s][i];
                if ((int)a->field != fid[s])
                    continue;
                for (uint32_t q = 0; q < a->n; q++)
                    if (bit[a->tags[q]] < 0)
                        bit[a->tags[q]] = nbits++;
                if (a->type == FT_STRING && bit[a->str] < 0)
                    bit[a->str] = nbits++;
            }
        c->words = nbits ? ((size_t)nbits + 63) / 64 : 1;
        for (int s = 0; s < 2; s++) {
            size_t total;
            if (!mem_mul_ok(n[s] ? n[s] : 1, c->words, &total)) {
                free(bit);
                seterr(err, errlen, "too many tags");
                return -1;
            }
            c->bits[s] = xcalloc(total, sizeof(uint64_t));
            for (size_t i = 0; i < in->nattrs[s]; i++) {
                const match_attr *a = &in->attrs[s][i];
                if ((int)a->field != fid[s])
                    continue;
                uint64_t *row = c->bits[s] + a->person * c->words;
                memset(row, 0, c->words * sizeof *row);
                if (a->type == FT_STRING) {
                    int32_t b = bit[a->str];
                    row[b / 64] |= 1ull << (b % 64);
                }
                for (uint32_t q = 0; q < a->n; q++) {
                    int32_t b = bit[a->tags[q]];
                    row[b / 64] |= 1ull << (b % 64);
                }
            }
        }
        free(bit);
        c->pop0 = xcalloc(n[0] ? n[0] : 1, sizeof *c->pop0);
        for (size_t e = 0; e < n[0]; e++) {
            int p = 0;
            for (size_t w = 0; w < c->words; w++)
                p += __builtin_popcountll(c->bits[0][e * c->words + w]);
            c->pop0[e] = p;
        }
        break;
    }
    case MATCH_SAME:
        for (int s = 0; s < 2; s++) {
            c->str[s] = xmalloc((n[s] ? n[s] : 1) * sizeof(int32_t));
            for (size_t i = 0; i < n[s]; i++)
                c->str[s][i] = -1;
        }
        {
            /* numbers compare by value: intern their exact text in a local map */
            match_strmap nums = {0};
            int32_t next = (int32_t)in->nstrings;
            for (int s = 0; s < 2; s++)
                for (size_t i = 0; i < in->nattrs[s]; i++) {
                    const match_attr *a = &in->attrs[s][i];
                    if ((int)a->field != fid[s])
                        continue;
                    if (a->type == FT_STRING) {
                        c->str[s][a->person] = a->str;
                    } else if (a->type == FT_NUMBER) {
                        char key[40];
                        str_fmt(key, sizeof key, "%.17g", a->num == 0 ? 0.0 : a->num);
                        int v = match_strmap_get(&nums, key);
                        if (v < 0) {
                            v = next++;
                            match_strmap_put(&nums, key, v);
                        }
                        c->str[s][a->person] = v;
                    }
                }
            match_strmap_cleanup(&nums);
        }
        break;
    case MATCH_DISTANCE:
    case MATCH_GAP:
        for (int s = 0; s < 2; s++) {
            c->num[s] = xmalloc((n[s] ? n[s] : 1) * sizeof(double));
            for (size_t i = 0; i < n[s]; i++)
                c->num[s][i] = NAN;
            for (size_t i = 0; i < in->nattrs[s]; i++) {
                const match_attr *a = &in->attrs[s][i];
                if ((int)a->field == fid[s] && a->type == FT_NUMBER)
                    c->num[s][a->person] = a->num;
            }
        }
        break;
    case MATCH_SIMILARITY: {
        size_t dims = 1;
        for (int s = 0; s < 2; s++)
            for (size_t i = 0; i < in->nattrs[s]; i++) {
                const match_attr *a = &in->attrs[s][i];
                if ((int)a->field == fid[s] && a->n > dims)
                    dims = a->n;
            }
        c->dims = dims;
        for (int s = 0; s < 2; s++) {
            size_t total;
            if (!mem_mul_ok(n[s] ? n[s] : 1, dims, &total)) {
                seterr(err, errlen, "vectors too long");
                return -1;
            }
            c->vec[s] = xcalloc(total, sizeof(double));
            c->vlen[s] = xcalloc(n[s] ? n[s] : 1, sizeof(int32_t));
            c->norm[s] = xcalloc(n[s] ? n[s] : 1, sizeof(double));
            for (size_t i = 0; i < n[s]; i++)
                c->vlen[s][i] = s == 0 ? -1 : -2; /* missing never equals */
            for (size_t i = 0; i < in->nattrs[s]; i++) {
                const match_attr *a = &in->attrs[s][i];
                if ((int)a->field != fid[s] || a->type != FT_VECTOR)
                    continue;
                double *row = c->vec[s] + a->person * dims;
                memset(row, 0, dims * sizeof *row);
                double nn = 0.0;
                for (uint32_t q = 0; q < a->n; q++) {
                    row[q] = a->vec[q];
                    nn += a->vec[q] * a->vec[q];
                }
                c->vlen[s][a->person] = (int32_t)a->n;
                c->norm[s][a->person] = sqrt(nn);
            }
        }
        break;
    }
    case MATCH_CHOICE:
        break;
    }
    return 0;
}

int match_model_build(const match_instance *in, match_model *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    size_t ne = in->n[MATCH_MENTEE], nr = in->n[MATCH_MENTOR];
    m->ne = ne;
    m->nr = nr;
    m->min_score = in->min_score;
    m->sparse = in->scores_mode || in->ncrit == 0;
    m->ncrit = m->sparse ? 0 : in->ncrit;
    m->col = xcalloc(m->ncrit ? m->ncrit : 1, sizeof *m->col);
    for (size_t k = 0; k < m->ncrit; k++) {
        if (build_col(in, &in->crit[k], &m->col[k], err, errlen))
            goto fail;
        m->wsum += in->crit[k].weight;
    }
    /* choices */
    m->ch_off = xcalloc(ne + 1, sizeof *m->ch_off);
    for (size_t e = 0; e < ne; e++)
        m->ch_off[e + 1] = m->ch_off[e] + in->nchoices[e];
    m->ch_m = xcalloc(m->ch_off[ne] ? m->ch_off[ne] : 1, sizeof *m->ch_m);
    m->ch_rank = xcalloc(m->ch_off[ne] ? m->ch_off[ne] : 1, 1);
    for (size_t e = 0; e < ne; e++)
        for (uint32_t q = 0; q < in->nchoices[e]; q++) {
            m->ch_m[m->ch_off[e] + q] = in->choices[e][q];
            m->ch_rank[m->ch_off[e] + q] = (uint8_t)(q < 254 ? q + 1 : 255);
        }
    pairs_csr(ne, in->forbidden, in->nforbidden, &m->fb_off, &m->fb_m);
    /* self: the same id on both sides is one person */
    m->self = xmalloc((ne ? ne : 1) * sizeof *m->self);
    m->self_r = xmalloc((nr ? nr : 1) * sizeof *m->self_r);
    for (size_t r = 0; r < nr; r++)
        m->self_r[r] = -1;
    for (size_t e = 0; e < ne; e++) {
        m->self[e] = match_strmap_get(&in->idmap[MATCH_MENTOR], in->ids[MATCH_MENTEE][e]);
        if (m->self[e] >= 0)
            m->self_r[m->self[e]] = (int64_t)e;
    }
    /* sparse scores */
    m->sc_off = xcalloc(ne + 1, sizeof *m->sc_off);
    if (m->sparse) {
        match_triple *t = xcalloc(in->nscores ? in->nscores : 1, sizeof *t);
        if (in->nscores)
            memcpy(t, in->scores, in->nscores * sizeof *t);
        qsort(t, in->nscores, sizeof *t, cmp_triple);
        m->sc_m = xcalloc(in->nscores ? in->nscores : 1, sizeof *m->sc_m);
        m->sc_s = xcalloc(in->nscores ? in->nscores : 1, sizeof *m->sc_s);
        for (size_t i = 0; i < in->nscores; i++) {
            if (i && t[i].mentee == t[i - 1].mentee && t[i].mentor == t[i - 1].mentor) {
                if (err)
                    str_fmt(err, errlen, "scores: pair [\"%.60s\", \"%.60s\"] listed twice",
                            in->ids[MATCH_MENTEE][t[i].mentee], in->ids[MATCH_MENTOR][t[i].mentor]);
                free(t);
                goto fail;
            }
            m->sc_off[t[i].mentee + 1]++;
            m->sc_m[i] = t[i].mentor;
            m->sc_s[i] = t[i].score;
        }
        for (size_t e = 0; e < ne; e++)
            m->sc_off[e + 1] += m->sc_off[e];
        free(t);
    } else {
        m->sc_m = xcalloc(1, sizeof *m->sc_m);
        m->sc_s = xcalloc(1, sizeof *m->sc_s);
    }
    return 0;
fail:
    match_model_cleanup(m);
    return -1;
}

void match_model_cleanup(match_model *m)
{
    for (size_t k = 0; m->col && k < m->ncrit; k++) {
        match_col *c = &m->col[k];
        for (int s = 0; s < 2; s++) {
            free(c->num[s]);
            free(c->str[s]);
            free(c->bits[s]);
            free(c->vec[s]);
            free(c->vlen[s]);
            free(c->norm[s]);
        }
        free(c->pop0);
    }
    free(m->col);
    free(m->ch_off);
    free(m->ch_m);
    free(m->ch_rank);
    free(m->fb_off);
    free(m->fb_m);
    free(m->sc_off);
    free(m->sc_m);
    free(m->sc_s);
    free(m->self);
    free(m->self_r);
    memset(m, 0, sizeof *m);
}
