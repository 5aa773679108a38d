/* match_json.c - the engine's file contract (product.md section 5).
 *
 * The only file of src/match that knows JSON, with its own reader and
 * writer (a 24 MB instance is read in a fraction of a second; a generic
 * tree library took seconds). Reading validates every key and names the
 * place of the first problem: "in.json: mentors[3].capacity: must be >= 0",
 * or "in.json:4:7: <parser message>" for malformed JSON. Writing goes to a
 * temporary file renamed over the target on success.
 */
#include "match/engine.h"

#include "base/mem.h"
#include "base/str.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- a JSON reader for the file contract ----
 *
 * The whole text is parsed into a compact tree (one node per value, the
 * children of a container in one array, strings decoded into an arena),
 * then walked by the checks below, which name the place of a problem. It
 * takes RFC 8259 JSON, as jansson did: UTF-8, no NUL in strings, integers
 * that fit 64 bits, finite reals, unique keys in each object. */

typedef enum { JV_NULL, JV_FALSE, JV_TRUE, JV_INT, JV_REAL, JV_STR, JV_ARR, JV_OBJ } jv_type;

typedef struct jv {
    uint8_t t;
    uint32_t n; /* string bytes, array items, object keys */
    union {
        int64_t i;
        double d;
        const char *s;
        struct jv *kids; /* arrays: items; objects: key, value, key, value ... */
    } u;
} jv;

typedef struct jerr {
    int line, column;
    char text[200];
} jerr;

typedef struct jchunk {
    struct jchunk *next;
    size_t used, cap;
    char mem[];
} jchunk;

typedef struct jdoc {
    jchunk *arena;
    jv *stack; /* values of the containers being read */
    size_t sn, scap;
    const char *p, *end, *line_start;
    int line, depth;
    jerr *je;
    bool root_obj;       /* the root is an object */
    struct jtail *tail;  /* the second thread's part, until taken or passed */
    struct jtail *taken; /* taken: its root members are pushed after the array */
} jdoc;

/* The second half of a long file parsed by a second thread (see jparse):
 * from `start`, the first byte of an item of an array that is a member of
 * the root object, through that array's ']' (its items), and then through
 * the root's '}' (its members after the array). The main parse takes them
 * only if it reaches `start` itself as the start of an item of an array
 * at depth 2 inside the root object; otherwise, or when the tail did not
 * parse, it parses those bytes itself, so every error is the one the
 * single-threaded parse gives, at the same line and column. */
typedef struct jtail {
    jdoc d;            /* the tail's own arena, stack and position */
    jerr je;           /* its error, never reported */
    const char *start; /* the first byte of its first item */
    const char *stop;  /* just after the root's '}' */
    size_t nitems;     /* the array's items, then the root's keys and values, on d's stack */
    bool ok;
    pthread_t th;
} jtail;

static void *arena_alloc(jdoc *d, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    jchunk *c = d->arena;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > (1u << 20) ? n : (1u << 20);
        c = xmalloc(sizeof *c + cap);
        c->next = d->arena;
        c->used = 0;
        c->cap = cap;
        d->arena = c;
    }
    void *r = c->mem + c->used;
    c->used += n;
    return r;
}

static void jdoc_free(jdoc *d)
{
    for (jchunk *c = d->arena, *nx; c; c = nx) {
        nx = c->next;
        free(c);
    }
    free(d->stack);
    memset(d, 0, sizeof *d);
}

static int jfail(jdoc *d, const char *msg)
{
    if (!d->je->text[0]) {
        d->je->line = d->line;
        d->je->column = (int)(d->p - d->line_start) + 1;
        const char *near = d->p < d->end ? d->p : "end of input";
        size_t nl = 0;
        /* printable ASCII only: the message goes to terminals and logs */
        while (d->p + nl < d->end && nl < 20 && (unsigned char)d->p[nl] >= 0x20 &&
               (unsigned char)d->p[nl] < 0x7f)
            nl++;
        if (d->p < d->end && nl)
            str_fmt(d->je->text, sizeof d->je->text, "%s near '%.*s'", msg, (int)nl, near);
        else
            str_fmt(d->je->text, sizeof d->je->text, "%s near end of input", msg);
    }
    return -1;
}

static void push(jdoc *d, jv v)
{
    if (d->sn == d->scap) {
        d->scap = d->scap ? d->scap * 2 : 1024;
        d->stack = xrealloc(d->stack, d->scap * sizeof *d->stack);
    }
    d->stack[d->sn++] = v;
}

static void skip_ws_run(jdoc *d)
{
    const char *p = d->p, *e = d->end;
    while (p < e) {
        char c = *p;
        if (c == ' ' || c == '\t' || c == '\r')
            p++;
        else if (c == '\n') {
            p++;
            d->line++;
            d->line_start = p;
        } else
            break;
    }
    d->p = p;
}

/* most tokens of a compact file follow each other with no space: that
 * case is one test at the call */
static inline void skip_ws(jdoc *d)
{
    if (d->p < d->end && (unsigned char)*d->p > ' ')
        return;
    skip_ws_run(d);
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

static int read_hex4(jdoc *d, const char *p, uint32_t *out)
{
    if (d->end - p < 4)
        return -1;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + (uint32_t)h;
    }
    *out = v;
    return 0;
}

/* length of the UTF-8 sequence at p (valid, shortest form, no surrogates), or 0 */
static size_t utf8_len(const unsigned char *p, const unsigned char *e)
{
    unsigned c = p[0];
    size_t n = c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
    if (!n || (size_t)(e - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    if (n == 3 && ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0)))
        return 0;
    if (n == 4 && ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90)))
        return 0;
    return n;
}

static int parse_string(jdoc *d, jv *out)
{
    const char *p = d->p + 1, *e = d->end;
    /* the decoded text is never longer than the source */
    const char *q = p;
    while (q < e && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20 &&
           (unsigned char)*q < 0x80)
        q++;
    if (q < e && *q == '"') { /* plain ASCII: one copy */
        size_t n = (size_t)(q - p);
        char *s = arena_alloc(d, n + 1);
        memcpy(s, p, n);
        s[n] = 0;
        *out = (jv){.t = JV_STR, .n = (uint32_t)n, .u.s = s};
        d->p = q + 1;
        return 0;
    }
    const char *close = q;
    while (close < e && *close != '"') /* an upper bound on the length */
        close += *close == '\\' && close + 1 < e ? 2 : 1;
    size_t cap = (size_t)(close - p) + 1;
    char *s = arena_alloc(d, cap), *w = s;
    for (;;) {
        if (p >= e) {
            d->p = p;
            return jfail(d, "premature end of input");
        }
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            break;
        if (c < 0x20) {
            d->p = p;
            return jfail(d, "control character in a string");
        }
        if (c == '\\') {
            if (p + 1 >= e) {
                d->p = p;
                return jfail(d, "premature end of input");
            }
            char x = p[1];
            const char *esc = "\"\\/bfnrt", *val = "\"\\/\b\f\n\r\t";
            const char *f = x ? strchr(esc, x) : NULL;
            if (f) {
                *w++ = val[f - esc];
                p += 2;
                continue;
            }
            uint32_t cp;
            if (x != 'u' || read_hex4(d, p + 2, &cp)) {
                d->p = p;
                return jfail(d, "invalid escape");
            }
            p += 6;
            if (cp >= 0xD800 && cp < 0xDC00) {
                uint32_t lo;
                if (e - p < 6 || p[0] != '\\' || p[1] != 'u' || read_hex4(d, p + 2, &lo) ||
                    lo < 0xDC00 || lo > 0xDFFF) {
                    d->p = p;
                    return jfail(d, "invalid Unicode surrogate pair");
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                p += 6;
            } else if (cp >= 0xDC00 && cp < 0xE000) {
                d->p = p;
                return jfail(d, "invalid Unicode surrogate pair");
            }
            if (cp == 0) {
                d->p = p;
                return jfail(d, "\\u0000 is not allowed");
            }
            if (cp < 0x80) {
                *w++ = (char)cp;
            } else if (cp < 0x800) {
                *w++ = (char)(0xC0 | cp >> 6);
                *w++ = (char)(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                *w++ = (char)(0xE0 | cp >> 12);
                *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *w++ = (char)(0x80 | (cp & 0x3F));
            } else {
                *w++ = (char)(0xF0 | cp >> 18);
                *w++ = (char)(0x80 | ((cp >> 12) & 0x3F));
                *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *w++ = (char)(0x80 | (cp & 0x3F));
            }
            continue;
        }
        if (c < 0x80) {
            *w++ = (char)c;
            p++;
            continue;
        }
        size_t n = utf8_len((const unsigned char *)p, (const unsigned char *)e);
        if (!n) {
            d->p = p;
            return jfail(d, "invalid UTF-8");
        }
        memcpy(w, p, n);
        w += n;
        p += n;
    }
    *w = 0;
    if ((size_t)(w - s) > LIMIT_JSON_STRING_BYTES) {
        d->p = p;
        return jfail(d, "string too long");
    }
    *out = (jv){.t = JV_STR, .n = (uint32_t)(w - s), .u.s = s};
    d->p = p + 1;
    return 0;
}

static int parse_number(jdoc *d, jv *out)
{
    const char *p = d->p, *e = d->end, *b = p;
    bool neg = false, real = false;
    if (p < e && *p == '-') {
        neg = true;
        p++;
    }
    if (p >= e || *p < '0' || *p > '9')
        return jfail(d, "invalid token");
    if (*p == '0' && p + 1 < e && p[1] >= '0' && p[1] <= '9')
        return jfail(d, "invalid token");
    uint64_t v = 0;
    bool big = false;
    for (; p < e && *p >= '0' && *p <= '9'; p++) {
        unsigned dg = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - dg) / 10)
            big = true;
        else
            v = v * 10 + dg;
    }
    if (p < e && *p == '.') {
        real = true;
        p++;
        if (p >= e || *p < '0' || *p > '9')
            return jfail(d, "invalid token");
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        real = true;
        p++;
        if (p < e && (*p == '+' || *p == '-'))
            p++;
        if (p >= e || *p < '0' || *p > '9')
            return jfail(d, "invalid token");
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    }
    if (!real) {
        if (big || v > (uint64_t)INT64_MAX + neg)
            return jfail(d, "too big integer");
        *out = (jv){.t = JV_INT, .u.i = neg ? (int64_t)(0 - v) : (int64_t)v};
        d->p = p;
        return 0;
    }
    char local[64], *tok = local;
    size_t n = (size_t)(p - b);
    if (n >= sizeof local)
        tok = xmalloc(n + 1);
    memcpy(tok, b, n);
    tok[n] = 0;
    double x = strtod(tok, NULL);
    if (tok != local)
        free(tok);
    if (!isfinite(x))
        return jfail(d, "real number overflow");
    *out = (jv){.t = JV_REAL, .u.d = x};
    d->p = p;
    return 0;
}

static int parse_value(jdoc *d, jv *out);

/* the last n values on the stack become the children of a container */
static jv *take_kids(jdoc *d, size_t n)
{
    jv *k = arena_alloc(d, (n ? n : 1) * sizeof *k);
    if (n)
        memcpy(k, d->stack + d->sn - n, n * sizeof *k);
    d->sn -= n;
    return k;
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *dup_key(const jv *kids, uint32_t n)
{
    if (n <= 16) {
        for (uint32_t i = 1; i < n; i++)
            for (uint32_t j = 0; j < i; j++)
                if (kids[2 * i].n == kids[2 * j].n && strcmp(kids[2 * i].u.s, kids[2 * j].u.s) == 0)
                    return kids[2 * i].u.s;
        return NULL;
    }
    const char **keys = xmalloc(n * sizeof *keys);
    for (uint32_t i = 0; i < n; i++)
        keys[i] = kids[2 * i].u.s;
    qsort(keys, n, sizeof *keys, cmp_key);
    const char *dup = NULL;
    for (uint32_t i = 1; i < n && !dup; i++)
        if (strcmp(keys[i], keys[i - 1]) == 0)
            dup = keys[i];
    free(keys);
    return dup;
}

static void push_n(jdoc *d, const jv *v, size_t n)
{
    if (d->sn + n > d->scap) {
        while (d->sn + n > d->scap)
            d->scap = d->scap ? d->scap * 2 : 1024;
        d->stack = xrealloc(d->stack, d->scap * sizeof *d->stack);
    }
    memcpy(d->stack + d->sn, v, n * sizeof *v);
    d->sn += n;
}

/* d is at the tail's start, as the next item of an array in the root:
 * when the tail parsed, its items go on d's stack, d is after the array,
 * and the root's members follow (rest_of_root). false: d parses it all. */
static bool take_tail(jdoc *d)
{
    jtail *t = d->tail;
    d->tail = NULL;
    pthread_join(t->th, NULL);
    if (!t->ok)
        return false;
    push_n(d, t->d.stack, t->nitems);
    d->taken = t;
    return true;
}

/* after the array of the tail: the root's members of the tail, and d at
 * the end of the root, on the line the tail counted to */
static void rest_of_root(jdoc *d)
{
    jtail *t = d->taken;
    d->taken = NULL;
    push_n(d, t->d.stack + t->nitems, t->d.sn - t->nitems);
    d->p = t->stop;
    if (t->d.line > 1) {
        d->line += t->d.line - 1;
        d->line_start = t->d.line_start;
    }
    /* the tail's strings and containers now belong to d */
    jchunk **last = &d->arena;
    while (*last)
        last = &(*last)->next;
    *last = t->d.arena;
    t->d.arena = NULL;
}

static int parse_container(jdoc *d, jv *out)
{
    bool obj = *d->p == '{';
    char close = obj ? '}' : ']';
    if (++d->depth > LIMIT_JSON_DEPTH)
        return jfail(d, "maximum nesting depth reached");
    if (d->depth == 1)
        d->root_obj = obj;
    d->p++;
    size_t base = d->sn;
    skip_ws(d);
    if (d->p < d->end && *d->p == close) {
        d->p++;
    } else {
        for (;;) {
            jv v;
            skip_ws(d);
            if (obj) {
                if (d->p >= d->end || *d->p != '"')
                    return jfail(d, "string or '}' expected");
                if (parse_string(d, &v))
                    return -1;
                push(d, v);
                skip_ws(d);
                if (d->p >= d->end || *d->p != ':')
                    return jfail(d, "':' expected");
                d->p++;
                skip_ws(d);
            }
            if (!obj && d->tail && d->p == d->tail->start && d->depth == 2 && d->root_obj &&
                take_tail(d))
                break;
            if (parse_value(d, &v))
                return -1;
            push(d, v);
            if (obj && d->taken) {
                rest_of_root(d);
                break;
            }
            skip_ws(d);
            if (d->p < d->end && *d->p == ',') {
                d->p++;
                continue;
            }
            if (d->p < d->end && *d->p == close) {
                d->p++;
                break;
            }
            return jfail(d, obj ? "'}' expected" : "']' expected");
        }
    }
    size_t n = d->sn - base;
    if (n > UINT32_MAX)
        return jfail(d, "too many values");
    *out = (jv){.t = obj ? JV_OBJ : JV_ARR, .n = (uint32_t)(obj ? n / 2 : n)};
    out->u.kids = take_kids(d, n);
    if (obj) {
        const char *dup = dup_key(out->u.kids, out->n);
        if (dup) {
            char msg[140];
            str_fmt(msg, sizeof msg, "duplicate object key \"%.80s\"", dup);
            d->p--;
            return jfail(d, msg);
        }
    }
    d->depth--;
    return 0;
}

static int parse_word(jdoc *d, const char *w, jv_type t, jv *out)
{
    size_t n = strlen(w);
    if ((size_t)(d->end - d->p) < n || memcmp(d->p, w, n) != 0)
        return jfail(d, "invalid token");
    d->p += n;
    *out = (jv){.t = (uint8_t)t};
    return 0;
}

static int parse_value(jdoc *d, jv *out)
{
    if (d->p >= d->end)
        return jfail(d, "premature end of input");
    switch (*d->p) {
    case '{':
    case '[': return parse_container(d, out);
    case '"': return parse_string(d, out);
    case 't': return parse_word(d, "true", JV_TRUE, out);
    case 'f': return parse_word(d, "false", JV_FALSE, out);
    case 'n': return parse_word(d, "null", JV_NULL, out);
    default: return parse_number(d, out);
    }
}

/* the second thread: the items of an array from t->start through its
 * ']', then the members of the object around it through its '}', as the
 * main parse would read them at depths 2 and 1 */
static void *parse_tail(void *arg)
{
    jtail *t = arg;
    jdoc *d = &t->d;
    jv v;
    for (;;) {
        skip_ws(d);
        if (parse_value(d, &v))
            return NULL;
        push(d, v);
        skip_ws(d);
        if (d->p < d->end && *d->p == ',') {
            d->p++;
            continue;
        }
        if (d->p < d->end && *d->p == ']')
            break;
        return NULL;
    }
    d->p++;
    t->nitems = d->sn;
    d->depth = 1;
    for (;;) {
        skip_ws(d);
        if (d->p < d->end && *d->p == '}')
            break;
        if (d->p >= d->end || *d->p != ',')
            return NULL;
        d->p++;
        skip_ws(d);
        if (d->p >= d->end || *d->p != '"' || parse_string(d, &v))
            return NULL;
        push(d, v);
        skip_ws(d);
        if (d->p >= d->end || *d->p != ':')
            return NULL;
        d->p++;
        skip_ws(d);
        if (parse_value(d, &v))
            return NULL;
        push(d, v);
    }
    t->stop = d->p + 1;
    t->ok = true;
    return NULL;
}

/* Files of TAIL_MIN_BYTES and more are read by two threads: the second
 * starts at the first '{' after the middle that follows a ',' (an item of
 * the mentees array, in a file of the contract). A guess that is wrong
 * (inside a string, say) costs only the second thread's work. */
#define TAIL_MIN_BYTES (1u << 20)
#define TAIL_SCAN_BYTES (1u << 16)

static const char *tail_start(const char *text, size_t n)
{
    const char *p = text + n / 2, *e = text + n;
    const char *lim = (size_t)(e - p) > TAIL_SCAN_BYTES ? p + TAIL_SCAN_BYTES : e;
    while (p < lim && (p = memchr(p, '{', (size_t)(lim - p)))) {
        const char *q = p;
        while (q > text && (q[-1] == ' ' || q[-1] == '\n' || q[-1] == '\t' || q[-1] == '\r'))
            q--;
        if (q > text && q[-1] == ',')
            return p;
        p++;
    }
    return NULL;
}

static void tail_begin(jdoc *d, jtail *t, const char *text, size_t n)
{
    memset(t, 0, sizeof *t);
    t->start = n >= TAIL_MIN_BYTES ? tail_start(text, n) : NULL;
    if (!t->start)
        return;
    t->d.p = t->d.line_start = t->start;
    t->d.end = text + n;
    t->d.line = 1;
    t->d.depth = 2;
    t->d.je = &t->je;
    if (pthread_create(&t->th, NULL, parse_tail, t) == 0)
        d->tail = t;
}

static void tail_end(jdoc *d, jtail *t)
{
    if (d->tail) /* never reached: the main parse stopped before it */
        pthread_join(d->tail->th, NULL);
    d->tail = d->taken = NULL;
    jdoc_free(&t->d);
}

/* the root of text, or NULL with je set; d is freed by jdoc_free either
 * way. threads > 1 lets a long text be read by two. */
static jv *jparse(jdoc *d, const char *text, size_t n, jerr *je, int threads)
{
    memset(d, 0, sizeof *d);
    d->p = d->line_start = text;
    d->end = text + n;
    d->line = 1;
    d->je = je;
    jtail t;
    memset(&t, 0, sizeof t);
    if (threads > 1)
        tail_begin(d, &t, text, n);
    jv *root = arena_alloc(d, sizeof *root);
    skip_ws(d);
    if (d->p >= d->end || (*d->p != '{' && *d->p != '[')) {
        jfail(d, "'[' or '{' expected");
        root = NULL;
    } else if (parse_container(d, root)) {
        root = NULL;
    } else {
        skip_ws(d);
        if (d->p < d->end) {
            jfail(d, "end of file expected");
            root = NULL;
        }
    }
    tail_end(d, &t);
    return root;
}

static char *slurp(const char *path, size_t *n, jerr *je)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    if (!f)
        goto fail;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && st.st_size > 0 &&
        (uint64_t)st.st_size < LIMIT_MATCH_FILE_BYTES) {
        cap = (size_t)st.st_size + 1;
        buf = xmalloc(cap);
    }
    for (;;) {
        if (len + 1 >= cap) {
            if (cap > LIMIT_MATCH_FILE_BYTES) {
                errno = EFBIG;
                goto fail;
            }
            cap = cap ? cap * 2 : 65536;
            buf = xrealloc(buf, cap);
        }
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f))
        goto fail;
    fclose(f);
    buf[len] = 0;
    *n = len;
    return buf;
fail:
    str_fmt(je->text, sizeof je->text, "%s", strerror(errno ? errno : EIO));
    if (f)
        fclose(f);
    free(buf);
    return NULL;
}

/* the tree's accessors, shaped like the checks below use them; a key's
 * length is compared before its bytes (the keys asked for are literals,
 * so their length is known when this is inlined) */
static inline jv *jv_get(const jv *o, const char *key)
{
    if (!o || o->t != JV_OBJ)
        return NULL;
    size_t n = strlen(key);
    for (uint32_t i = 0; i < o->n; i++)
        if (o->u.kids[2 * i].n == n && memcmp(o->u.kids[2 * i].u.s, key, n) == 0)
            return &o->u.kids[2 * i + 1];
    return NULL;
}

static bool jv_is_object(const jv *v)
{
    return v && v->t == JV_OBJ;
}
static bool jv_is_array(const jv *v)
{
    return v && v->t == JV_ARR;
}
static bool jv_is_string(const jv *v)
{
    return v && v->t == JV_STR;
}
static bool jv_is_integer(const jv *v)
{
    return v && v->t == JV_INT;
}
static bool jv_is_number(const jv *v)
{
    return v && (v->t == JV_INT || v->t == JV_REAL);
}
static bool jv_is_bool(const jv *v)
{
    return v && (v->t == JV_TRUE || v->t == JV_FALSE);
}
static bool jv_is_true(const jv *v)
{
    return v && v->t == JV_TRUE;
}
static int64_t jv_int(const jv *v)
{
    return jv_is_integer(v) ? v->u.i : 0;
}
static double jv_num(const jv *v)
{
    return !v ? 0.0 : v->t == JV_INT ? (double)v->u.i : v->t == JV_REAL ? v->u.d : 0.0;
}
static const char *jv_str(const jv *v)
{
    return jv_is_string(v) ? v->u.s : NULL;
}
static size_t jv_len(const jv *v)
{
    return jv_is_string(v) ? v->n : 0;
}
static size_t jv_size(const jv *v)
{
    return jv_is_array(v) ? v->n : 0;
}
static jv *jv_at(const jv *a, size_t i)
{
    return jv_is_array(a) && i < a->n ? &a->u.kids[i] : NULL;
}

#define jv_array_foreach(a, i, x)                                                                  \
    for ((i) = 0; jv_is_array(a) && (i) < (a)->n && ((x) = &(a)->u.kids[i], 1); (i)++)
#define jv_object_foreach(o, k, v)                                                                 \
    for (uint32_t jv_i_ = 0;                                                                       \
         jv_is_object(o) && jv_i_ < (o)->n &&                                                      \
         ((k) = (o)->u.kids[2 * jv_i_].u.s, (v) = &(o)->u.kids[2 * jv_i_ + 1], 1);                 \
         jv_i_++)

typedef struct rd {
    const char *name;
    char *err;
    size_t errlen;
    match_instance *in;
    int threads;   /* > 1: the mentees' attributes may be read by two */
    bool parallel; /* they were: an error is found again on one thread */
} rd;

static int fail(rd *R, const char *place, const char *msg)
{
    if (R->err)
        str_fmt(R->err, R->errlen, "%s: %s: %s", R->name, place, msg);
    return -1;
}

/* places of the checks ("mentors[3].attrs.x"), built for every value
 * without printf: a + sep + b (b cut at 80 bytes), and a + "[i]" */
static void pcat(char *dst, size_t n, const char *a, const char *sep, const char *b)
{
    size_t la = strlen(a), ls = strlen(sep), lb = strnlen(b, 80);
    if (la + ls + lb >= n) {
        str_fmt(dst, n, "%s%s%.80s", a, sep, b);
        return;
    }
    memcpy(dst, a, la);
    memcpy(dst + la, sep, ls);
    memcpy(dst + la + ls, b, lb);
    dst[la + ls + lb] = 0;
}

static void pidx(char *dst, size_t n, const char *a, size_t i)
{
    char num[24];
    size_t k = sizeof num;
    num[--k] = 0;
    do {
        num[--k] = (char)('0' + i % 10);
        i /= 10;
    } while (i);
    size_t la = strlen(a), ln = sizeof num - 1 - k;
    if (la + ln + 3 > n) {
        str_fmt(dst, n, "%s[%s]", a, num + k);
        return;
    }
    memcpy(dst, a, la);
    dst[la] = '[';
    memcpy(dst + la + 1, num + k, ln);
    dst[la + 1 + ln] = ']';
    dst[la + 2 + ln] = 0;
}

/* keys of obj must be among the NULL-terminated list */
static int only_keys(rd *R, const char *place, jv *obj, const char *const *keys)
{
    const char *k;
    jv *v;
    jv_object_foreach(obj, k, v)
    {
        (void)v;
        bool ok = false;
        for (size_t i = 0; keys[i]; i++)
            if (strcmp(k, keys[i]) == 0)
                ok = true;
        if (!ok) {
            char p[256];
            if (place[0])
                pcat(p, sizeof p, place, ".", k);
            else
                str_fmt(p, sizeof p, "%.80s", k);
            return fail(R, p, "unknown key");
        }
    }
    return 0;
}

/* true when every key of obj is among the NULL-terminated list */
static bool keys_known(const jv *obj, const char *const *keys)
{
    for (uint32_t j = 0; j < obj->n; j++) {
        const char *k = obj->u.kids[2 * j].u.s;
        size_t i = 0;
        while (keys[i] && strcmp(k, keys[i]) != 0)
            i++;
        if (!keys[i])
            return false;
    }
    return true;
}

static int api_fail(rd *R, const char *place, const char *apierr)
{
    /* API messages start with the field they concern: "capacity: must be >= 0" */
    if (R->err)
        str_fmt(R->err, R->errlen, "%s: %s.%s", R->name, place, apierr);
    return -1;
}

static int get_count(rd *R, const char *place, jv *obj, const char *key, int64_t *out)
{
    jv *v = jv_get(obj, key);
    if (!v) {
        *out = 1;
        return 0;
    }
    const char *why = NULL;
    if (!jv_is_integer(v))
        why = "must be an integer";
    else if ((*out = jv_int(v)) < 0)
        why = "must be >= 0";
    else if (*out > MATCH_MAX_CAPACITY)
        why = "too large";
    if (!why)
        return 0;
    char p[256];
    pcat(p, sizeof p, place, ".", key);
    return fail(R, p, why);
}

/* "mentees[i].attrs", built only for a message */
static void attrs_place(char *dst, size_t n, match_side side, size_t i)
{
    char pm[64];
    pidx(pm, sizeof pm, side == MATCH_MENTOR ? "mentors" : "mentees", i);
    pcat(dst, n, pm, ".", "attrs");
}

static int read_attrs(rd *R, jv *attrs, match_side side, size_t idx)
{
    char err[256], place[80], p[320];
    const char *k;
    jv *v;
    if (!jv_is_object(attrs)) {
        attrs_place(place, sizeof place, side, idx);
        return fail(R, place, "must be an object");
    }
    jv_object_foreach(attrs, k, v)
    {
#define ATTR_PLACE()                                                                               \
    (attrs_place(place, sizeof place, side, idx), pcat(p, sizeof p, place, ".", k), p)
        int rc = 0;
        if (jv_is_string(v)) {
            rc = match_set_string(R->in, side, idx, k, jv_str(v), err, sizeof err);
        } else if (jv_is_number(v)) {
            rc = match_set_number(R->in, side, idx, k, jv_num(v), err, sizeof err);
        } else if (jv_is_array(v)) {
            size_t n = jv_size(v), ns = 0, nn = 0;
            jv *x;
            size_t i;
            jv_array_foreach(v, i, x)
            {
                ns += jv_is_string(x);
                nn += jv_is_number(x);
            }
            if (n && ns == n) {
                const char *local[32];
                const char **tags = n <= 32 ? local : xcalloc(n, sizeof *tags);
                jv_array_foreach(v, i, x) tags[i] = jv_str(x);
                rc = match_set_tags(R->in, side, idx, k, tags, n, err, sizeof err);
                if (tags != local)
                    free(tags);
            } else if (n && nn == n) {
                double local[32];
                double *vec = n <= 32 ? local : xcalloc(n, sizeof *vec);
                jv_array_foreach(v, i, x) vec[i] = jv_num(x);
                rc = match_set_vector(R->in, side, idx, k, vec, n, err, sizeof err);
                if (vec != local)
                    free(vec);
            } else if (!n) {
                rc = match_set_tags(R->in, side, idx, k, NULL, 0, err, sizeof err);
            } else {
                return fail(R, ATTR_PLACE(), "must be a list of strings or a list of numbers");
            }
        } else {
            return fail(R, ATTR_PLACE(),
                        "must be a string, a number, or a list of strings or numbers");
        }
        if (rc) {
            /* the API message starts with the field name; keep only its reason */
            const char *why = strstr(err, ": ");
            return fail(R, ATTR_PLACE(), why ? why + 2 : err);
        }
#undef ATTR_PLACE
    }
    return 0;
}

/* In a long file the people's attributes are set by a second thread, the
 * mentors' and then the mentees', into a scratch instance, while this one
 * reads the people (ids, counts, keys), and then merged into the instance
 * (match_attrs_merge): the same instance as on one thread, since the
 * scratch meets every field and string in the same order. Any problem on
 * either side, or at the merge, and the file is read again on one thread,
 * so the message is the one that reader gives. */
#define ATTRS_SPLIT_MIN 4096

/* a part of the reading done by a second thread, with its own message */
typedef struct part {
    rd R;
    jv *arr[2]; /* the attributes: the people, [MATCH_MENTEE] and [MATCH_MENTOR] */
    jv *root;   /* the choices: the root */
    int rc;
    char err[512];
    pthread_t th;
} part;

static void *attrs_thread(void *arg)
{
    part *P = arg;
    match_side order[2] = {MATCH_MENTOR, MATCH_MENTEE};
    for (int k = 0; k < 2 && !P->rc; k++) {
        match_side side = order[k];
        size_t i;
        jv *p;
        jv_array_foreach(P->arr[side], i, p)
        {
            jv *attrs = jv_is_object(p) ? jv_get(p, "attrs") : NULL;
            if (attrs && read_attrs(&P->R, attrs, side, i)) {
                P->rc = -1;
                break;
            }
        }
    }
    return NULL;
}

static int read_people_of(rd *R, jv *root, match_side side, bool attrs);

/* the mentors, then the mentees; their attributes by a second thread
 * when R may use two and the file is long */
static int read_people(rd *R, jv *root)
{
    jv *e = jv_get(root, "mentees"), *r = jv_get(root, "mentors");
    part P;
    bool two = false;
    if (R->threads > 1 && jv_is_array(e) && jv_is_array(r) &&
        jv_size(e) + jv_size(r) >= ATTRS_SPLIT_MIN) {
        size_t most = jv_size(e) > jv_size(r) ? jv_size(e) : jv_size(r);
        P = (part){.arr = {e, r}};
        P.R = (rd){R->name, P.err, sizeof P.err, match_attrs_scratch(most), 1, false};
        two = pthread_create(&P.th, NULL, attrs_thread, &P) == 0;
        if (!two)
            match_instance_free(P.R.in);
        R->parallel = two;
    }
    int rc = read_people_of(R, root, MATCH_MENTOR, !two);
    if (!rc)
        rc = read_people_of(R, root, MATCH_MENTEE, !two);
    if (two) {
        pthread_join(P.th, NULL);
        if (!rc && (P.rc || match_attrs_merge(R->in, P.R.in, MATCH_MENTOR) ||
                    match_attrs_merge(R->in, P.R.in, MATCH_MENTEE)))
            rc = -1;
        match_instance_free(P.R.in);
    }
    return rc;
}

static int read_people_from(rd *R, jv *arr, match_side side, const char *const *keys, bool attrs);

static int read_people_of(rd *R, jv *root, match_side side, bool attrs)
{
    const char *key = side == MATCH_MENTOR ? "mentors" : "mentees";
    static const char *const mentor_keys[] = {"id", "capacity", "attrs", "name", NULL};
    static const char *const mentee_keys[] = {"id", "wants", "choices", "attrs", "name", NULL};
    jv *arr = jv_get(root, key);
    if (!arr)
        return fail(R, key, "required");
    if (!jv_is_array(arr))
        return fail(R, key, "must be a list");
    return read_people_from(R, arr, side, side == MATCH_MENTOR ? mentor_keys : mentee_keys, attrs);
}

/* the people of arr, with their attributes unless another thread sets them */
static int read_people_from(rd *R, jv *arr, match_side side, const char *const *keys,
                            bool with_attrs)
{
    const char *key = side == MATCH_MENTOR ? "mentors" : "mentees";
    size_t i;
    jv *p;
    char err[256];
    jv_array_foreach(arr, i, p)
    {
        /* the place ("mentees[12]") is built only for a message */
        char place[64], pp[80];
#define PERSON_PLACE() (pidx(place, sizeof place, key, i), place)
#define PERSON_FIELD(f) (pcat(pp, sizeof pp, PERSON_PLACE(), ".", f), pp)
        if (!jv_is_object(p))
            return fail(R, PERSON_PLACE(), "must be an object");
        if (!keys_known(p, keys) && only_keys(R, PERSON_PLACE(), p, keys))
            return -1;
        jv *id = jv_get(p, "id");
        if (!jv_is_string(id) || !jv_len(id))
            return fail(R, PERSON_FIELD("id"), "must be a non-empty string");
        jv *nm = jv_get(p, "name");
        if (nm && !jv_is_string(nm))
            return fail(R, PERSON_FIELD("name"), "must be a string");
        int64_t count;
        const char *ck = side == MATCH_MENTOR ? "capacity" : "wants";
        jv *cv = jv_get(p, ck);
        if (!cv)
            count = 1;
        else if (!jv_is_integer(cv) || jv_int(cv) < 0 || jv_int(cv) > MATCH_MAX_CAPACITY) {
            if (get_count(R, PERSON_PLACE(), p, ck, &count))
                return -1;
        } else
            count = jv_int(cv);
        size_t idx;
        int rc = side == MATCH_MENTOR
                     ? match_add_mentor(R->in, jv_str(id), count, &idx, err, sizeof err)
                     : match_add_mentee(R->in, jv_str(id), count, &idx, err, sizeof err);
        if (rc)
            return api_fail(R, PERSON_PLACE(), err);
        jv *attrs = with_attrs ? jv_get(p, "attrs") : NULL;
        if (attrs && read_attrs(R, attrs, side, idx))
            return -1;
#undef PERSON_FIELD
#undef PERSON_PLACE
    }
    return 0;
}

static int read_choices(rd *R, jv *root)
{
    jv *arr = jv_get(root, "mentees");
    size_t i;
    jv *p;
    jv_array_foreach(arr, i, p)
    {
        jv *ch = jv_get(p, "choices");
        if (!ch)
            continue;
        /* the place ("mentees[12].choices") is built only for a message */
        char place[80], pm[40], pk[100];
#define CHOICES_PLACE()                                                                            \
    (pidx(pm, sizeof pm, "mentees", i), pcat(place, sizeof place, pm, ".", "choices"), place)
        if (!jv_is_array(ch))
            return fail(R, CHOICES_PLACE(), "must be a list of mentor ids");
        size_t n = jv_size(ch);
        if (n > MATCH_MAX_CHOICES)
            return fail(R, CHOICES_PLACE(), "too many choices");
        size_t ms[MATCH_MAX_CHOICES + 1];
        size_t k;
        jv *x;
        jv_array_foreach(ch, k, x)
        {
            if (!jv_is_string(x))
                return fail(R, (pidx(pk, sizeof pk, CHOICES_PLACE(), k), pk),
                            "must be a mentor id");
            long r = match_find(R->in, MATCH_MENTOR, jv_str(x));
            if (r < 0) {
                char msg[160];
                str_fmt(msg, sizeof msg, "unknown mentor \"%.80s\"", jv_str(x));
                return fail(R, (pidx(pk, sizeof pk, CHOICES_PLACE(), k), pk), msg);
            }
            ms[k] = (size_t)r;
        }
        char err[256];
        if (match_set_choices(R->in, i, ms, n, err, sizeof err)) {
            const char *why = strstr(err, ": ");
            return fail(R, CHOICES_PLACE(), why ? why + 2 : err);
        }
#undef CHOICES_PLACE
    }
    return 0;
}

static int read_criteria(rd *R, jv *arr)
{
    static const char *const keys[] = {"name",         "kind",   "field",    "mentee_field",
                                       "mentor_field", "weight", "required", "different",
                                       "scale",        "min",    "max",      NULL};
    if (!jv_is_array(arr))
        return fail(R, "criteria", "must be a list");
    if (!jv_size(arr))
        return fail(R, "criteria", "must list at least one criterion");
    size_t i;
    jv *c;
    jv_array_foreach(arr, i, c)
    {
        char place[64], p[128];
        str_fmt(place, sizeof place, "criteria[%zu]", i);
        if (!jv_is_object(c))
            return fail(R, place, "must be an object");
        if (only_keys(R, place, c, keys))
            return -1;
        match_criterion cr = {0};
        cr.weight = 1;
        jv *v;
        const char *strs[] = {"name", "field", "mentee_field", "mentor_field", "kind"};
        const char **dst[] = {&cr.name, &cr.field, &cr.mentee_field, &cr.mentor_field, NULL};
        const char *kind = NULL;
        for (int k = 0; k < 5; k++) {
            v = jv_get(c, strs[k]);
            if (!v)
                continue;
            str_fmt(p, sizeof p, "%s.%s", place, strs[k]);
            if (!jv_is_string(v) || !jv_len(v))
                return fail(R, p, "must be a non-empty string");
            if (dst[k])
                *dst[k] = jv_str(v);
            else
                kind = jv_str(v);
        }
        str_fmt(p, sizeof p, "%s.kind", place);
        if (!kind)
            return fail(R, p, "required");
        if (match_kind_parse(kind, &cr.kind)) {
            char msg[160];
            str_fmt(msg, sizeof msg,
                    "unknown kind \"%.60s\" (overlap, shared, same, distance, "
                    "gap, similarity, choice)",
                    kind);
            return fail(R, p, msg);
        }
        const char *nums[] = {"weight", "scale", "min", "max"};
        double *nd[] = {&cr.weight, &cr.scale, &cr.min, &cr.max};
        for (int k = 0; k < 4; k++) {
            v = jv_get(c, nums[k]);
            if (!v)
                continue;
            str_fmt(p, sizeof p, "%s.%s", place, nums[k]);
            if (!jv_is_number(v))
                return fail(R, p, "must be a number");
            *nd[k] = jv_num(v);
        }
        const char *bools[] = {"required", "different"};
        bool *bd[] = {&cr.required, &cr.different};
        for (int k = 0; k < 2; k++) {
            v = jv_get(c, bools[k]);
            if (!v)
                continue;
            str_fmt(p, sizeof p, "%s.%s", place, bools[k]);
            if (!jv_is_bool(v))
                return fail(R, p, "must be true or false");
            *bd[k] = jv_is_true(v);
        }
        if (cr.kind == MATCH_GAP && jv_get(c, "scale") && cr.scale <= 0) {
            str_fmt(p, sizeof p, "%s.scale", place);
            return fail(R, p, "must be a number > 0");
        }
        if (!cr.name)
            cr.name = cr.field ? cr.field : (cr.mentee_field ? cr.mentee_field : kind);
        char err[256];
        if (match_add_criterion(R->in, &cr, err, sizeof err))
            return api_fail(R, place, err);
    }
    return 0;
}

static int pair_ids(rd *R, const char *key, size_t i, jv *x, size_t want_len, size_t *e, size_t *r)
{
    /* the place ("forbidden[12]") is built only for a message */
    char place[64];
#define PAIR_PLACE() (pidx(place, sizeof place, key, i), place)
    if (!jv_is_array(x) || jv_size(x) != want_len)
        return fail(R, PAIR_PLACE(),
                    want_len == 3 ? "must be [mentee id, mentor id, score]"
                                  : "must be [mentee id, mentor id]");
    jv *a = jv_at(x, 0), *b = jv_at(x, 1);
    if (!jv_is_string(a) || !jv_is_string(b))
        return fail(R, PAIR_PLACE(), "ids must be strings");
    long ei = match_find(R->in, MATCH_MENTEE, jv_str(a));
    long ri = match_find(R->in, MATCH_MENTOR, jv_str(b));
    char msg[160];
    if (ei < 0) {
        str_fmt(msg, sizeof msg, "unknown mentee \"%.80s\"", jv_str(a));
        return fail(R, PAIR_PLACE(), msg);
    }
    if (ri < 0) {
        str_fmt(msg, sizeof msg, "unknown mentor \"%.80s\"", jv_str(b));
        return fail(R, PAIR_PLACE(), msg);
    }
#undef PAIR_PLACE
    *e = (size_t)ei;
    *r = (size_t)ri;
    return 0;
}

static int read_pairs(rd *R, jv *root, const char *key)
{
    jv *arr = jv_get(root, key);
    if (!arr)
        return 0;
    if (!jv_is_array(arr))
        return fail(R, key, "must be a list");
    size_t i;
    jv *x;
    char err[256];
    jv_array_foreach(arr, i, x)
    {
        char place[64];
        size_t e, r;
        bool scores = strcmp(key, "scores") == 0;
        if (pair_ids(R, key, i, x, scores ? 3 : 2, &e, &r))
            return -1;
        int rc;
        if (scores) {
            jv *s = jv_at(x, 2);
            if (!jv_is_number(s))
                return fail(R, (pidx(place, sizeof place, key, i), place),
                            "score must be a number");
            rc = match_add_score(R->in, e, r, jv_num(s), err, sizeof err);
        } else if (strcmp(key, "forbidden") == 0) {
            rc = match_add_forbidden(R->in, e, r, err, sizeof err);
        } else {
            rc = match_add_locked(R->in, e, r, err, sizeof err);
        }
        if (rc) {
            const char *why = strstr(err, ": ");
            pidx(place, sizeof place, key, i);
            return fail(R, place, why ? why + 2 : err);
        }
    }
    return 0;
}

/* what follows the people and their choices */
static int read_rest(rd *R, jv *root)
{
    jv *crit = jv_get(root, "criteria"), *scores = jv_get(root, "scores");
    if (crit && scores)
        return fail(R, "scores", "give either scores or criteria, not both");
    if (!crit && !scores)
        return fail(R, "criteria", "give either scores or criteria");
    if (crit && read_criteria(R, crit))
        return -1;
    if (scores && read_pairs(R, root, "scores"))
        return -1;
    if (read_pairs(R, root, "forbidden") || read_pairs(R, root, "locked"))
        return -1;
    return 0;
}

static void *choices_thread(void *arg)
{
    part *C = arg;
    C->rc = read_choices(&C->R, C->root);
    return NULL;
}

static int read_root(rd *R, jv *root)
{
    static const char *const keys[] = {"objective", "min_score", "mentors", "mentees", "criteria",
                                       "scores",    "forbidden", "locked",  NULL};
    if (!jv_is_object(root))
        return fail(R, "(top)", "must be an object");
    if (only_keys(R, "", root, keys))
        return -1;
    jv *v = jv_get(root, "objective");
    if (v) {
        match_objective o;
        if (!jv_is_string(v) || match_objective_parse(jv_str(v), &o))
            return fail(R, "objective", "must be \"total\", \"fair\" or \"stable\"");
        match_set_objective(R->in, o);
    }
    v = jv_get(root, "min_score");
    if (v) {
        if (!jv_is_number(v) || match_set_min_score(R->in, jv_num(v), NULL, 0))
            return fail(R, "min_score", "must be a number in [0, 1]");
    }
    if (read_people(R, root))
        return -1;
    /* the choices touch only in's mentor ids and each mentee's choices, the
     * rest never those: a second thread reads them, and its message, if
     * any, comes first, as on one thread */
    part C = {.R = {R->name, NULL, 0, R->in, 1, false}, .root = root};
    C.R.err = R->err ? C.err : NULL;
    C.R.errlen = R->err ? sizeof C.err : 0;
    bool two = R->parallel && pthread_create(&C.th, NULL, choices_thread, &C) == 0;
    if (!two && read_choices(R, root))
        return -1;
    int rc = read_rest(R, root);
    if (two) {
        pthread_join(C.th, NULL);
        if (C.rc) {
            if (R->err)
                str_fmt(R->err, R->errlen, "%s", C.err);
            rc = -1;
        }
    }
    return rc;
}

static int finish_read(rd *R, jv *root, const jerr *je, match_instance **out)
{
    if (!root) {
        if (R->err) {
            if (je->line > 0)
                str_fmt(R->err, R->errlen, "%s:%d:%d: %s", R->name, je->line, je->column, je->text);
            else
                str_fmt(R->err, R->errlen, "%s: %s", R->name, je->text);
        }
        return -1;
    }
    R->in = match_instance_new();
    int rc = read_root(R, root);
    if (rc && R->parallel) {
        /* find the first problem in file order, as one thread does */
        match_instance_free(R->in);
        R->in = match_instance_new();
        R->threads = 1;
        R->parallel = false;
        rc = read_root(R, root);
    }
    if (rc) {
        match_instance_free(R->in);
        return -1;
    }
    *out = R->in;
    return 0;
}

/* A message may quote the input (a key, a token near a syntax error):
 * it stays one line, whatever the input holds. */
static int one_line(int rc, char *err)
{
    for (char *p = err; rc && p && *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return rc;
}

int match_json_read(const char *path, match_instance **out, char *err, size_t errlen)
{
    return match_json_read_threads(path, match_threads(0), out, err, errlen);
}

int match_json_read_threads(const char *path, int threads, match_instance **out, char *err,
                            size_t errlen)
{
    rd R = {path, err, errlen, NULL, threads, false};
    jerr je = {0};
    *out = NULL;
    size_t n = 0;
    char *text = slurp(path, &n, &je);
    jdoc d;
    jv *root = text ? jparse(&d, text, n, &je, threads) : NULL;
    int rc = finish_read(&R, root, &je, out);
    if (text)
        jdoc_free(&d);
    free(text);
    return one_line(rc, err);
}

int match_json_read_string(const char *text, const char *name, match_instance **out, char *err,
                           size_t errlen)
{
    rd R = {name ? name : "input", err, errlen, NULL, 1, false};
    jerr je = {0};
    *out = NULL;
    jdoc d;
    jv *root = jparse(&d, text, strlen(text), &je, 1);
    int rc = finish_read(&R, root, &je, out);
    jdoc_free(&d);
    return one_line(rc, err);
}

/* ---- writing ---- */

/* The result is written as it is walked, with the layout jansson gave it
 * (one space of indent per level, reals as %.12g with ".0" when they look
 * like integers), into a FILE. */

typedef struct wr {
    FILE *f;
    int depth;
    bool first; /* no item yet at this level */
} wr;

static void w_nl(wr *W)
{
    /* a line break and the indent in one write: a call per space was a
     * tenth of writing the L result */
    static const char nl[] = "\n                                ";
    int n = W->depth;
    fwrite(nl, 1, (size_t)(n < 32 ? n : 32) + 1, W->f);
    for (n -= 32; n > 0; n--)
        fputc(' ', W->f);
}

static void w_str(wr *W, const char *s)
{
    FILE *f = W->f;
    fputc('"', f);
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        fwrite(run, 1, (size_t)(s - run), f);
        run = s + 1;
        switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        case '\b': fputs("\\b", f); break;
        case '\f': fputs("\\f", f); break;
        default: fprintf(f, "\\u%04X", c); break;
        }
    }
    fwrite(run, 1, (size_t)(s - run), f);
    fputc('"', f);
}

/* the next member of an object (key given) or item of an array */
static void w_key(wr *W, const char *key)
{
    if (!W->first)
        fputc(',', W->f);
    W->first = false;
    w_nl(W);
    if (key) {
        w_str(W, key);
        fputs(": ", W->f);
    }
}

static void w_open(wr *W, const char *key, char c)
{
    w_key(W, key);
    fputc(c, W->f);
    W->depth++;
    W->first = true;
}

static void w_close(wr *W, char c)
{
    bool empty = W->first;
    W->depth--;
    if (!empty)
        w_nl(W);
    fputc(c, W->f);
    W->first = false;
}

static void w_int(wr *W, const char *key, int64_t v)
{
    w_key(W, key);
    fprintf(W->f, "%lld", (long long)v);
}

/* a real as jansson wrote it: %.12g, with ".0" when it looks like an
 * integer; its length */
static size_t real_text(char b[40], double v)
{
    int n = snprintf(b, 40, "%.12g", v);
    if (n > 0 && !strpbrk(b, ".eE") && !strchr(b, 'n') && !strchr(b, 'i')) {
        memcpy(b + n, ".0", 3);
        n += 2;
    }
    return n > 0 ? (size_t)n : 0;
}

static void w_real(wr *W, const char *key, double v)
{
    w_key(W, key);
    char b[40];
    fwrite(b, 1, real_text(b, v), W->f);
}

/* The shares of an explanation repeat: most criteria take few values (a
 * choice or not, a shared language, whole hours apart), so each criterion
 * keeps the text of the reals it wrote last, by their bits, in a small
 * direct-mapped table, and writes a real it holds without formatting it
 * again: the same bytes, and %.12g was most of writing a result. */
#define MEMO_SLOTS 64
typedef struct memo_slot {
    uint64_t bits;
    uint8_t len; /* 0: empty */
    char s[31];
} memo_slot;

static void w_real_memo(wr *W, const char *key, double v, memo_slot *memo)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    memo_slot *sl = &memo[(bits * 0x9E3779B97F4A7C15ull) >> 58];
    if (!sl->len || sl->bits != bits) {
        char b[40];
        size_t n = real_text(b, v);
        if (!n || n >= sizeof sl->s) {
            w_key(W, key);
            fwrite(b, 1, n, W->f);
            return;
        }
        memcpy(sl->s, b, n);
        sl->len = (uint8_t)n;
        sl->bits = bits;
    }
    w_key(W, key);
    fwrite(sl->s, 1, sl->len, W->f);
}

static void w_sval(wr *W, const char *key, const char *v)
{
    w_key(W, key);
    w_str(W, v);
}

static void w_bool(wr *W, const char *key, bool v)
{
    w_key(W, key);
    fputs(v ? "true" : "false", W->f);
}

/* matches [from, to) as items of the open "matches" array (W at its depth) */
static void write_matches(wr *W, const match_instance *in, const match_result *r, size_t from,
                          size_t to)
{
    memo_slot *memo = xcalloc((r->ncrit ? r->ncrit : 1) * MEMO_SLOTS, sizeof *memo);
    for (size_t i = from; i < to; i++) {
        const match_pair *p = &r->pairs[i];
        w_open(W, NULL, '{');
        w_sval(W, "mentee", match_mentee_id(in, p->mentee));
        w_sval(W, "mentor", match_mentor_id(in, p->mentor));
        w_real(W, "score", p->score);
        w_open(W, "explain", '{');
        if (p->explain)
            for (size_t k = 0; k < r->ncrit; k++)
                w_real_memo(W, r->crit_names[k], p->explain[k], memo + k * MEMO_SLOTS);
        else
            w_real(W, "score", p->score);
        w_close(W, '}');
        if (p->locked)
            w_bool(W, "locked", true);
        w_close(W, '}');
    }
    free(memo);
}

/* The matches are most of the result (25 MB at 60,000 pairs, nearly all
 * of it reals through %.12g), so above WRITE_SPLIT pairs the second half
 * is formatted into memory by a second thread while this one writes the
 * first half, then appended: the same bytes, in about half the time. */
#define WRITE_SPLIT 4096

typedef struct half {
    const match_instance *in;
    const match_result *r;
    size_t from, to;
    char *buf;
    size_t len;
    bool ok;
} half;

static void *write_half(void *arg)
{
    half *H = arg;
    FILE *m = open_memstream(&H->buf, &H->len);
    if (!m)
        return NULL;
    /* an item after others: the first of this half starts with its comma */
    wr T = {m, 2, false};
    write_matches(&T, H->in, H->r, H->from, H->to);
    H->ok = fclose(m) == 0;
    return NULL;
}

static void write_all_matches(wr *W, const match_instance *in, const match_result *r, int threads)
{
    size_t n = r->npairs, mid = n / 2;
    half H = {in, r, mid, n, NULL, 0, false};
    pthread_t th;
    bool split = n >= WRITE_SPLIT && threads > 1 && pthread_create(&th, NULL, write_half, &H) == 0;
    if (!split) {
        write_matches(W, in, r, 0, n);
        return;
    }
    write_matches(W, in, r, 0, mid);
    pthread_join(th, NULL);
    if (H.ok)
        fwrite(H.buf, 1, H.len, W->f);
    else /* out of memory for the buffer: format it here */
        write_matches(W, in, r, mid, n);
    free(H.buf);
}

static void result_write(FILE *f, const match_instance *in, const match_result *r, int threads)
{
    wr W = {f, 0, true};
    fputc('{', f);
    W.depth = 1;
    w_sval(&W, "objective", match_objective_name(r->objective));
    w_open(&W, "matches", '[');
    write_all_matches(&W, in, r, threads);
    w_close(&W, ']');
    w_open(&W, "unmatched", '[');
    for (size_t i = 0; i < r->nunmatched; i++) {
        const match_unmatched *u = &r->unmatched[i];
        w_open(&W, NULL, '{');
        w_sval(&W, "mentee", match_mentee_id(in, u->mentee));
        w_int(&W, "slots", u->slots);
        w_sval(&W, "reason", u->reason);
        w_close(&W, '}');
    }
    w_close(&W, ']');

    const match_stats *s = &r->stats;
    w_open(&W, "stats", '{');
    w_int(&W, "matched", s->matched);
    w_int(&W, "unmatched_slots", s->unmatched_slots);
    w_int(&W, "mentees_unmatched", s->mentees_unmatched);
    w_real(&W, "total_score", s->total_score);
    w_real(&W, "min_score", s->min_score);
    w_real(&W, "mean_score", s->mean_score);
    w_real(&W, "median_score", s->median_score);
    w_open(&W, "histogram", '{');
    w_real(&W, "bin_width", 1.0 / MATCH_HIST_BINS);
    w_open(&W, "counts", '[');
    for (int b = 0; b < MATCH_HIST_BINS; b++)
        w_int(&W, NULL, s->histogram[b]);
    w_close(&W, ']');
    w_close(&W, '}');
    w_open(&W, "choices", '{');
    w_int(&W, "mentees_with_choices", s->with_choices);
    w_real(&W, "first", s->choice_share[0]);
    w_real(&W, "second", s->choice_share[1]);
    w_real(&W, "third", s->choice_share[2]);
    w_close(&W, '}');
    w_real(&W, "top3_share", s->top3_share);
    w_open(&W, "mentor_load", '{');
    w_int(&W, "used", s->load_used);
    w_int(&W, "capacity", s->load_capacity);
    w_int(&W, "mentors_with_no_mentee", s->mentors_idle);
    w_int(&W, "mentors_full", s->mentors_full);
    w_close(&W, '}');
    w_open(&W, "hard_to_match", '[');
    for (size_t i = 0; i < r->nhard; i++) {
        w_open(&W, NULL, '{');
        w_sval(&W, "mentee", match_mentee_id(in, r->hard[i].mentee));
        w_int(&W, "allowed", r->hard[i].allowed);
        w_sval(&W, "reason", r->hard[i].reason);
        w_close(&W, '}');
    }
    w_close(&W, ']');
    w_bool(&W, "optimal", s->optimal);
    w_int(&W, "rounds", s->rounds);
    w_int(&W, "candidates", s->candidates);
    w_int(&W, "added_back", s->added_back);
    w_open(&W, "seconds", '{');
    w_real(&W, "scoring", s->t_score);
    w_real(&W, "solving", s->t_solve);
    w_real(&W, "proving", s->t_prove);
    w_real(&W, "total", s->t_total);
    w_close(&W, '}');
    w_close(&W, '}');
    W.depth = 0;
    w_nl(&W);
    fputc('}', f);
}

char *match_json_dumps(const match_instance *in, const match_result *r)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f)
        return NULL;
    result_write(f, in, r, 1);
    if (fclose(f)) {
        free(buf);
        return NULL;
    }
    return buf;
}

int match_json_write(const match_instance *in, const match_result *r, const char *path, char *err,
                     size_t errlen)
{
    return match_json_write_threads(in, r, path, match_threads(0), err, errlen);
}

int match_json_write_threads(const match_instance *in, const match_result *r, const char *path,
                             int threads, char *err, size_t errlen)
{
    int rc = -1;
    if (!path || strcmp(path, "-") == 0) {
        result_write(stdout, in, r, threads);
        rc = fputc('\n', stdout) == EOF || fflush(stdout) || ferror(stdout) ? -1 : 0;
        if (rc && err)
            str_fmt(err, errlen, "standard output: write failed");
        return rc;
    }
    size_t n = strlen(path) + 16;
    char *tmp = xmalloc(n);
    str_fmt(tmp, n, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd >= 0) {
        mode_t um = umask(0);
        umask(um);
        fchmod(fd, 0666 & ~um);
    }
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (err)
            str_fmt(err, errlen, "%s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        goto out;
    }
    char *fbuf = xmalloc(1 << 16);
    setvbuf(f, fbuf, _IOFBF, 1 << 16);
    result_write(f, in, r, threads);
    bool ok = fputc('\n', f) != EOF && !ferror(f);
    ok = fflush(f) == 0 && ok;
    ok = fsync(fileno(f)) == 0 && ok;
    ok = fclose(f) == 0 && ok;
    free(fbuf);
    if (ok && rename(tmp, path) == 0) {
        rc = 0;
    } else {
        if (err)
            str_fmt(err, errlen, "%s: %s", path, strerror(errno ? errno : EIO));
        unlink(tmp);
    }
out:
    free(tmp);
    return rc;
}
