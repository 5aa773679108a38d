/* importer.c - CSV import of participants (see importer.h).
 *
 * Two passes over the parsed file. The first checks every row and looks
 * up, in batches, the people and participations it refers to; it writes
 * nothing and collects every problem. The second, only for a clean file
 * and a real import, writes in batches: multi-row INSERTs and
 * UPDATE ... FROM (VALUES ...), the same SQL on both backends, so 50,000
 * rows cost a few hundred statements instead of a few hundred thousand.
 */
#include "api/importer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/enrolment.h"
#include "api/identity.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/csv.h"
#include "base/limits.h"
#include "base/mem.h"
#include "base/str.h"
#include "domain/participation.h"
#include "domain/profile.h"
#include "service/participation.h"

/* ---- columns ---- */

enum col {
    C_EMAIL,
    C_NAME,
    C_ROLE,
    C_DEPARTMENT,
    C_JOB_TITLE,
    C_JOB_LEVEL,
    C_LOCATION,
    C_TIME_ZONE,
    C_MANAGER,
    C_CAPACITY,
    C_WANTS,
    C_LANGUAGES,
    C_EXPERTISE,
    C_DEVELOPMENT_NEEDS,
    C_INTERESTS,
    C_COMMUNICATION,
    C_AVAILABILITY,
    C_LEARNING_STYLE,
    C_UTC_OFFSET,
    C_YEARS_EXPERIENCE,
    C_BIO,
    C_HEADLINE,
    C_COUNT
};

/* How a column feeds the profile. */
enum pkind { P_NONE, P_TAGS, P_STRING, P_NUMBER };

static const struct {
    const char *name;
    enum pkind profile;
} columns[C_COUNT] = {
    [C_EMAIL] = {"email", P_NONE},
    [C_NAME] = {"name", P_NONE},
    [C_ROLE] = {"role", P_NONE},
    [C_DEPARTMENT] = {"department", P_STRING},
    [C_JOB_TITLE] = {"job_title", P_NONE},
    [C_JOB_LEVEL] = {"job_level", P_NUMBER},
    [C_LOCATION] = {"location", P_STRING},
    [C_TIME_ZONE] = {"time_zone", P_STRING},
    [C_MANAGER] = {"manager_email", P_NONE},
    [C_CAPACITY] = {"capacity", P_NONE},
    [C_WANTS] = {"wants", P_NONE},
    [C_LANGUAGES] = {"languages", P_TAGS},
    [C_EXPERTISE] = {"expertise", P_TAGS},
    [C_DEVELOPMENT_NEEDS] = {"development_needs", P_TAGS},
    [C_INTERESTS] = {"interests", P_TAGS},
    [C_COMMUNICATION] = {"communication", P_TAGS},
    [C_AVAILABILITY] = {"availability", P_TAGS},
    [C_LEARNING_STYLE] = {"learning_style", P_STRING},
    [C_UTC_OFFSET] = {"utc_offset", P_NUMBER},
    [C_YEARS_EXPERIENCE] = {"years_experience", P_NUMBER},
    [C_BIO] = {"bio", P_STRING},
    [C_HEADLINE] = {"headline", P_STRING},
};

enum { NROLES = 4 };
static const char *const roles[NROLES] = {"mentor", "mentee", "coordinator", "viewer"};
enum { ROLE_MENTOR = 0, ROLE_MENTEE = 1 };

#define ATTR_BYTES 200          /* a person attribute (department, job title, location) */
#define SQLITE_QUERY_PARAMS 256 /* parameters of one look-up query on SQLite */
#define QUOTE_BYTES 60          /* how much of a bad value a message quotes */

/* ---- a string pool: the import's strings live and die together ---- */

struct chunk {
    struct chunk *next;
    size_t used, size;
    char data[];
};

static char *pool_dup(struct chunk **pool, const char *s, size_t n)
{
    struct chunk *c = *pool;
    if (!c || c->size - c->used < n + 1) {
        size_t size = n + 1 > (1u << 20) ? n + 1 : (1u << 20);
        c = xmalloc(sizeof *c + size);
        c->next = *pool;
        c->used = 0;
        c->size = size;
        *pool = c;
    }
    char *p = c->data + c->used;
    memcpy(p, s, n);
    p[n] = '\0';
    c->used += n + 1;
    return p;
}

static void pool_free(struct chunk *c)
{
    while (c) {
        struct chunk *next = c->next;
        free(c);
        c = next;
    }
}

/* ---- the import's state ---- */

enum action { ACT_CREATE, ACT_UPDATE, ACT_SAME };

struct row {
    unsigned line;
    int role;
    const char *email, *name, *department, *job_title, *location, *time_zone, *manager;
    int64_t job_level;       /* -1: not given */
    int64_t capacity, wants; /* 0: not given */
    const char *profile;     /* compact JSON, sorted keys */
    const char *languages;   /* JSON array for people.languages, or NULL */
    size_t person;           /* index in im->people */
    enum action action;
    int64_t participation_id;
    const char *store_profile; /* what ACT_UPDATE writes */
    int64_t store_capacity, store_wants;
    const char *token_hash, *mail, *mail_html;
};

struct person {
    const char *email;
    const char *name;      /* in the database (existing people) */
    int64_t id;            /* 0: not in the database (yet) */
    bool in_file;          /* some row has this e-mail */
    size_t first_row;      /* the first good row with it, SIZE_MAX when none */
    unsigned seen[NROLES]; /* the line a role was first seen on, 0 when not */
    size_t row[NROLES];    /* the good row per role, SIZE_MAX when none */
    int depth;             /* new people: managers in the file above them; -1 unknown */
    bool link_later;       /* new, in a cycle of managers: linked after all are in */
};

struct problem {
    unsigned line, column;
    const char *field;   /* static or pooled; NULL for the row as a whole */
    const char *message; /* pooled */
};

struct manager_ref {
    size_t manager; /* index in im->people */
    unsigned line, column;
};

struct import {
    store *db;
    const struct import_opts *o;
    struct chunk *pool;
    int pos[C_COUNT]; /* header position of each column, -1 when absent */
    size_t ncols;
    struct row *rows;
    size_t nrows, rows_size, records;
    struct person *people;
    size_t npeople, people_size;
    uint32_t *slots; /* open addressing over people, index + 1 */
    size_t nslots;
    struct problem *problems;
    size_t nproblems, problems_size, problem_count;
    struct manager_ref *managers;
    size_t nmanagers, managers_size;
    json_t *tz_known; /* time zone -> true/false, so each is checked once */
    char *program_name;
    int64_t default_capacity, default_wants;
    int64_t now;
    size_t writes, written; /* items the write pass has, and has done */
    buf text;               /* scratch for a row's profile JSON */
    size_t created_people, created, updated, unchanged;
};

static void grow(void **p, size_t *size, size_t n, size_t elem)
{
    if (n < *size)
        return;
    size_t want = *size ? *size * 2 : 64;
    size_t bytes;
    if (!mem_mul_ok(want, elem, &bytes))
        abort();
    *p = xrealloc(*p, bytes);
    *size = want;
}

/* Progress runs from 0 to PROGRESS_END: checking takes all of it on a
 * dry run and the first half otherwise (measured in bytes read), writing
 * the second half (measured in items written). */
#define PROGRESS_END 1000

static void tell(struct import *im, size_t done)
{
    if (im->o->progress)
        im->o->progress(im->o->arg, done, PROGRESS_END);
}

static void checked(struct import *im, size_t offset, size_t len)
{
    size_t span = im->o->dry_run ? PROGRESS_END : PROGRESS_END / 2;
    tell(im, len ? (size_t)((double)offset / (double)len * (double)span) : span);
}

static void wrote(struct import *im, size_t n)
{
    if (!im->writes)
        return; /* the look-ups before writing */
    im->written += n;
    if (im->written > im->writes)
        im->written = im->writes; /* the counts are estimated beforehand */
    tell(im, PROGRESS_END / 2 +
                 (size_t)((double)im->written / (double)im->writes * (PROGRESS_END / 2)));
}

/* ---- problems ---- */

static void problem(struct import *im, unsigned line, unsigned column, const char *field,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void problem(struct import *im, unsigned line, unsigned column, const char *field,
                    const char *fmt, ...)
{
    im->problem_count++;
    if (im->nproblems >= LIMIT_IMPORT_ERRORS)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    grow((void **)&im->problems, &im->problems_size, im->nproblems, sizeof *im->problems);
    im->problems[im->nproblems++] =
        (struct problem){.line = line,
                         .column = column,
                         .field = field,
                         .message = pool_dup(&im->pool, msg, strlen(msg))};
}

/* A bad value as a message quotes it: at most QUOTE_BYTES, cut on a
 * character boundary, control characters (line breaks of a quoted cell)
 * shown as spaces so that each message stays one line. */
static const char *quote(char out[QUOTE_BYTES + 4], const char *s)
{
    size_t n = strlen(s);
    bool cut = n > QUOTE_BYTES;
    if (cut) {
        n = QUOTE_BYTES;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? ' ' : s[i];
    memcpy(out + n, cut ? "..." : "", cut ? 4 : 1);
    return out;
}

static int by_position(const void *a, const void *b)
{
    const struct problem *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->column != y->column)
        return x->column < y->column ? -1 : 1;
    return 0;
}

/* ---- people by e-mail ---- */

static uint64_t hash_text(const char *s)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211u;
    }
    return h;
}

static void rehash(struct import *im)
{
    size_t n = im->nslots ? im->nslots * 2 : 1024;
    free(im->slots);
    im->slots = xcalloc(n, sizeof *im->slots);
    im->nslots = n;
    for (size_t i = 0; i < im->npeople; i++) {
        size_t s = hash_text(im->people[i].email) & (n - 1);
        while (im->slots[s])
            s = (s + 1) & (n - 1);
        im->slots[s] = (uint32_t)(i + 1);
    }
}

/* The person with this (lower-cased, pooled) e-mail, added when new. */
static size_t person_of(struct import *im, const char *email)
{
    if ((im->npeople + 1) * 2 > im->nslots)
        rehash(im);
    size_t s = hash_text(email) & (im->nslots - 1);
    while (im->slots[s]) {
        size_t i = im->slots[s] - 1;
        if (strcmp(im->people[i].email, email) == 0)
            return i;
        s = (s + 1) & (im->nslots - 1);
    }
    grow((void **)&im->people, &im->people_size, im->npeople, sizeof *im->people);
    struct person *p = &im->people[im->npeople];
    *p = (struct person){.email = email, .first_row = SIZE_MAX, .depth = -1};
    for (int r = 0; r < NROLES; r++)
        p->row[r] = SIZE_MAX;
    im->slots[s] = (uint32_t)(im->npeople + 1);
    return im->npeople++;
}

static struct person *person_find(struct import *im, const char *email)
{
    if (!im->nslots)
        return NULL;
    size_t s = hash_text(email) & (im->nslots - 1);
    while (im->slots[s]) {
        size_t i = im->slots[s] - 1;
        if (strcmp(im->people[i].email, email) == 0)
            return &im->people[i];
        s = (s + 1) & (im->nslots - 1);
    }
    return NULL;
}

/* ---- the header ---- */

static int read_header(struct import *im, csv_reader *r)
{
    for (int c = 0; c < C_COUNT; c++)
        im->pos[c] = -1;
    int rc = csv_next(r);
    if (rc < 0) {
        problem(im, r->error.line, r->error.column, NULL, "%s", r->error.msg);
        return -1;
    }
    if (rc == 0) {
        problem(im, 1, 1, NULL,
                "the file is empty: its first line must name the columns (email, name, role, ...)");
        return -1;
    }
    im->ncols = r->nfields;
    bool bad = false;
    for (size_t i = 0; i < r->nfields; i++) {
        const struct csv_field *f = &r->fields[i];
        const char *s = f->text;
        size_t n = f->len;
        while (n && (*s == ' ' || *s == '\t'))
            s++, n--;
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        char *name = str_ascii_lower(pool_dup(&im->pool, s, n));
        int c = 0;
        while (c < C_COUNT && strcmp(columns[c].name, name) != 0)
            c++;
        char q[QUOTE_BYTES + 4];
        if (c == C_COUNT) {
            problem(im, f->line, f->column, name, "unknown column '%s'", quote(q, name));
            bad = true;
        } else if (im->pos[c] >= 0) {
            problem(im, f->line, f->column, columns[c].name, "column '%s' appears twice",
                    columns[c].name);
            bad = true;
        } else {
            im->pos[c] = (int)i;
        }
    }
    for (int c = C_EMAIL; c <= C_ROLE; c++)
        if (im->pos[c] < 0) {
            problem(im, r->line, 1, columns[c].name, "the required column '%s' is missing",
                    columns[c].name);
            bad = true;
        }
    return bad ? -1 : 0;
}

/* ---- one row ---- */

struct cells {
    struct import *im;
    const csv_reader *r;
    bool bad;
};

/* The trimmed cell of column c, pooled; NULL when the column is absent or
 * the cell empty. */
static char *cell(struct cells *x, enum col c)
{
    if (x->im->pos[c] < 0)
        return NULL;
    const struct csv_field *f = &x->r->fields[x->im->pos[c]];
    const char *s = f->text;
    size_t n = f->len;
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return n ? pool_dup(&x->im->pool, s, n) : NULL;
}

static void bad(struct cells *x, enum col c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void bad(struct cells *x, enum col c, const char *fmt, ...)
{
    const struct csv_field *f = &x->r->fields[x->im->pos[c]];
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    problem(x->im, f->line, f->column, columns[c].name, "%s: %s", columns[c].name, msg);
    x->bad = true;
}

/* A whole number cell in [min, max]; -1 when empty (or bad). */
static int64_t whole(struct cells *x, enum col c, int64_t min, int64_t max)
{
    const char *s = cell(x, c);
    int64_t v;
    if (!s)
        return -1;
    if (str_to_i64(s, min, max, &v) == 0)
        return v;
    char q[QUOTE_BYTES + 4];
    bad(x, c, "'%s' is not a whole number from %lld to %lld", quote(q, s), (long long)min,
        (long long)max);
    return -1;
}

static const char *attribute(struct cells *x, enum col c)
{
    const char *s = cell(x, c);
    if (s && strlen(s) > ATTR_BYTES) {
        bad(x, c, "must be at most %d bytes", ATTR_BYTES);
        return NULL;
    }
    return s;
}

static bool time_zone_known(struct import *im, const char *tz)
{
    json_t *k = json_object_get(im->tz_known, tz);
    if (k)
        return json_is_true(k);
    bool ok = profile_time_zone_valid(tz);
    json_object_set_new(im->tz_known, tz, json_boolean(ok));
    return ok;
}

/* Splits "a; b;c" into a JSON array of the trimmed, non-empty, distinct tags. */
static json_t *tags(const char *s)
{
    json_t *a = json_array();
    while (*s) {
        const char *end = strchr(s, ';');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        const char *t = s;
        size_t m = n;
        while (m && (*t == ' ' || *t == '\t'))
            t++, m--;
        while (m && (t[m - 1] == ' ' || t[m - 1] == '\t'))
            m--;
        if (m) {
            json_t *v = json_stringn(t, m);
            bool dup = false;
            size_t i;
            json_t *w;
            json_array_foreach(a, i, w) dup = dup || json_equal(v, w);
            if (dup)
                json_decref(v);
            else
                json_array_append_new(a, v);
        }
        s += n;
        if (*s == ';')
            s++;
    }
    return a;
}

/* Column c's cell as a profile value, or NULL when it is empty or cannot
 * be one (reported). profile_validate judges the value afterwards. */
static json_t *profile_value(struct cells *x, enum col c)
{
    const char *s = cell(x, c);
    if (!s)
        return NULL;
    char q[QUOTE_BYTES + 4];
    switch (columns[c].profile) {
    case P_TAGS: {
        json_t *v = tags(s);
        if (json_array_size(v) == 0) {
            json_decref(v);
            return NULL;
        }
        return v;
    }
    case P_STRING:
        if (c == C_TIME_ZONE && !time_zone_known(x->im, s)) {
            bad(x, c, "'%s' is not a known time zone (use a name like Europe/Lisbon)", quote(q, s));
            return NULL;
        }
        return json_string(s);
    case P_NUMBER: {
        int64_t i;
        double d;
        if (str_to_i64(s, INT32_MIN, INT32_MAX, &i) == 0)
            return json_integer(i);
        if (str_to_double(s, &d) == 0)
            return json_real(d);
        bad(x, c, "'%s' is not a number", quote(q, s));
        return NULL;
    }
    case P_NONE: break;
    }
    return NULL;
}

/* The row's profile, checked by profile_validate: one call for the whole
 * row, and only when that refuses it, one per cell to name every bad one.
 * The time zone was checked through the cache already. */
static json_t *profile_of(struct cells *x, int64_t job_level)
{
    json_t *profile = json_object();
    for (int c = 0; c < C_COUNT; c++) {
        if (columns[c].profile == P_NONE || c == C_JOB_LEVEL || c == C_TIME_ZONE)
            continue;
        json_t *v = profile_value(x, (enum col)c);
        if (v)
            json_object_set_new(profile, columns[c].name, v);
    }
    if (job_level >= 0)
        json_object_set_new(profile, "job_level", json_integer(job_level));
    json_t *clean = NULL;
    verr e = {0};
    if (profile_validate(profile, "", &clean, &e) != 0) {
        const char *key;
        json_t *v;
        json_object_foreach(profile, key, v)
        {
            json_t *one = json_object();
            json_object_set(one, key, v);
            if (profile_validate(one, "", &clean, &e) != 0) {
                int c = 0;
                while (c < C_COUNT && strcmp(columns[c].name, key) != 0)
                    c++;
                if (strcmp(e.field, key) == 0)
                    bad(x, (enum col)c, "%s", e.msg);
                else
                    bad(x, (enum col)c, "%s %s", e.field, e.msg); /* "languages[3] must be ..." */
            }
            json_decref(clean);
            json_decref(one);
        }
        clean = NULL;
    }
    json_decref(clean);
    json_t *tz = profile_value(x, C_TIME_ZONE);
    if (tz)
        json_object_set_new(profile, "time_zone", tz);
    return profile;
}

/* Appends s as a JSON string. */
static void text_json(buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    buf_append(b, "\"", 1);
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        buf_append(b, run, (size_t)(s - run));
        char esc[6] = {'\\', (char)c, 0, 0, 0, 0};
        size_t n = 2;
        if (c == '\n' || c == '\r' || c == '\t') {
            esc[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
        } else if (c < 0x20) {
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n = 6;
        }
        buf_append(b, esc, n);
        run = s + 1;
    }
    buf_append(b, run, (size_t)(s - run));
    buf_append(b, "\"", 1);
}

static void value_json(buf *b, const json_t *v)
{
    size_t i;
    json_t *t;
    switch (json_typeof(v)) {
    case JSON_STRING: text_json(b, json_string_value(v)); break;
    case JSON_INTEGER: {
        char n[24];
        json_int_t x = json_integer_value(v);
        unsigned long long u = x < 0 ? 0ull - (unsigned long long)x : (unsigned long long)x;
        size_t k = sizeof n;
        do
            n[--k] = (char)('0' + u % 10);
        while (u /= 10);
        if (x < 0)
            n[--k] = '-';
        buf_append(b, n + k, sizeof n - k);
        break;
    }
    case JSON_REAL: {
        char n[40];
        str_fmt(n, sizeof n, "%.17g", json_real_value(v));
        buf_puts(b, n);
        if (!strpbrk(n, ".eE"))
            buf_puts(b, ".0"); /* stays a real when read back, as jansson writes it */
        break;
    }
    case JSON_ARRAY:
        buf_append(b, "[", 1);
        json_array_foreach(v, i, t)
        {
            if (i)
                buf_append(b, ",", 1);
            value_json(b, t);
        }
        buf_append(b, "]", 1);
        break;
    default:
        buf_puts(b, "null"); /* a profile built here holds none */
        break;
    }
}

/* The row's profile as compact JSON into b, keys in column order: what
 * json_dumps(JSON_COMPACT) writes for these values, without its cost per
 * call (it was a third of checking a row). */
static void compact(buf *b, const json_t *profile)
{
    buf_reset(b);
    buf_append(b, "{", 1);
    const char *key;
    json_t *v;
    bool first = true;
    json_object_foreach((json_t *)profile, key, v)
    {
        if (!first)
            buf_append(b, ",", 1);
        first = false;
        text_json(b, key);
        buf_append(b, ":", 1);
        value_json(b, v);
    }
    buf_append(b, "}", 1);
}

static void check_row(struct import *im, const csv_reader *r)
{
    if (r->nfields != im->ncols) {
        unsigned column =
            r->nfields > im->ncols ? r->fields[im->ncols].column : r->fields[r->nfields - 1].column;
        problem(im, r->line, column, NULL, "the row has %zu cells where the header names %zu",
                r->nfields, im->ncols);
        return;
    }
    struct cells x = {.im = im, .r = r};
    struct row w = {.line = r->line, .role = -1, .job_level = -1};
    char q[QUOTE_BYTES + 4];

    char *email = cell(&x, C_EMAIL);
    if (!email)
        bad(&x, C_EMAIL, "is required");
    else if (!str_email_valid(email))
        bad(&x, C_EMAIL, "'%s' is not a valid e-mail address", quote(q, email));
    else
        w.email = str_ascii_lower(email);
    w.name = cell(&x, C_NAME);
    if (!w.name)
        bad(&x, C_NAME, "is required");
    else if (strlen(w.name) > LIMIT_NAME_BYTES)
        bad(&x, C_NAME, "must be at most %d bytes", LIMIT_NAME_BYTES);
    char *role = cell(&x, C_ROLE);
    if (role) {
        str_ascii_lower(role);
        for (int i = 0; i < NROLES; i++)
            if (strcmp(role, roles[i]) == 0)
                w.role = i;
    }
    if (!role)
        bad(&x, C_ROLE, "is required (mentor, mentee, coordinator or viewer)");
    else if (w.role < 0)
        bad(&x, C_ROLE, "'%s' is not a role (mentor, mentee, coordinator or viewer)",
            quote(q, role));

    w.job_title = attribute(&x, C_JOB_TITLE);
    w.job_level = whole(&x, C_JOB_LEVEL, 0, 30);
    w.time_zone = cell(&x, C_TIME_ZONE);

    char *manager = cell(&x, C_MANAGER);
    if (manager) {
        str_ascii_lower(manager);
        if (!str_email_valid(manager))
            bad(&x, C_MANAGER, "'%s' is not a valid e-mail address", quote(q, manager));
        else if (w.email && strcmp(manager, w.email) == 0)
            bad(&x, C_MANAGER, "a person cannot be their own manager");
        else {
            const struct csv_field *f = &r->fields[im->pos[C_MANAGER]];
            grow((void **)&im->managers, &im->managers_size, im->nmanagers, sizeof *im->managers);
            im->managers[im->nmanagers++] = (struct manager_ref){
                .manager = person_of(im, manager), .line = f->line, .column = f->column};
            w.manager = manager;
        }
    }

    int64_t capacity = whole(&x, C_CAPACITY, 1, LIMIT_IMPORT_CAPACITY);
    if (capacity > 0 && w.role >= 0 && w.role != ROLE_MENTOR)
        bad(&x, C_CAPACITY, "is set for mentors only (this row is a %s)", roles[w.role]);
    w.capacity = capacity > 0 ? capacity : 0;
    int64_t wants = whole(&x, C_WANTS, 1, LIMIT_IMPORT_WANTS);
    if (wants > 0 && w.role >= 0 && w.role != ROLE_MENTEE)
        bad(&x, C_WANTS, "is set for mentees only (this row is a %s)", roles[w.role]);
    w.wants = wants > 0 ? wants : 0;

    json_t *profile = profile_of(&x, w.job_level);
    /* person attributes that are profile fields too: as the profile took them */
    if (!json_object_get(profile, "time_zone"))
        w.time_zone = NULL;
    w.department = json_object_get(profile, "department") ? cell(&x, C_DEPARTMENT) : NULL;
    w.location = json_object_get(profile, "location") ? cell(&x, C_LOCATION) : NULL;
    json_t *langs = json_object_get(profile, "languages");
    if (langs) {
        char *t = json_dumps(langs, JSON_COMPACT);
        w.languages = pool_dup(&im->pool, t, strlen(t));
        free(t);
    }
    compact(&im->text, profile);
    w.profile = pool_dup(&im->pool, im->text.data, im->text.len);
    json_decref(profile);

    if (w.email && w.role >= 0) {
        size_t p = person_of(im, w.email);
        struct person *pe = &im->people[p];
        pe->in_file = true;
        if (pe->seen[w.role]) {
            bad(&x, C_EMAIL, "'%s' is listed as %s twice (first on line %u)", quote(q, w.email),
                roles[w.role], pe->seen[w.role]);
        } else {
            pe->seen[w.role] = w.line;
        }
        if (!x.bad) {
            w.person = p;
            grow((void **)&im->rows, &im->rows_size, im->nrows, sizeof *im->rows);
            pe->row[w.role] = im->nrows;
            if (pe->first_row == SIZE_MAX)
                pe->first_row = im->nrows;
            im->rows[im->nrows++] = w;
        }
    }
}

/* ---- batched statements ----
 *
 * Integers that may be absent are bound as numbers with a stand-in for
 * "none" and turned into NULL by NULLIF in the SQL: PostgreSQL prepares a
 * statement per set of parameter types, and a NULL here and a number there
 * would give every batch a new (large) statement to prepare. */

/* Appends "head tuple, tuple, ... tail" for n rows to b, where each '#'
 * in tuple becomes the next parameter after the shared ones. */
static void batch_sql(buf *b, const char *head, const char *tuple, const char *tail, int nshared,
                      size_t n)
{
    int next = nshared + 1;
    buf_reset(b);
    buf_puts(b, head);
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_puts(b, ", ");
        for (const char *t = tuple; *t; t++) {
            if (*t != '#') {
                buf_append(b, t, 1);
                continue;
            }
            char num[16];
            size_t k = sizeof num;
            for (int v = next++; v; v /= 10)
                num[--k] = (char)('0' + v % 10);
            num[--k] = '?';
            buf_append(b, num + k, sizeof num - k);
        }
    }
    buf_puts(b, tail);
}

struct batch {
    const char *head, *tuple, *tail;
    int per_row; /* '#' marks in tuple */
    const store_val *shared;
    int nshared; /* ?1 .. ?nshared */
    void (*fill)(struct import *im, size_t item, store_val *vals);
    int (*read)(struct import *im, store_rows *rows); /* for a query; NULL for a change */
};

/* How many rows one statement of b carries. On PostgreSQL every statement
 * is a round trip, so as many as the parameter limit allows. On SQLite
 * queries take as many, but changes go one row at a time: a statement
 * that writes several rows keeps a statement journal of every page it
 * touches (to undo itself half-way), which for batches spills to a
 * temporary file and costs far more than the statements saved, while a
 * one-row INSERT needs no journal and a cached statement costs a few
 * microseconds. */
static size_t rows_per_statement(const struct import *im, const struct batch *b)
{
    if (store_backend_of(im->db) == STORE_SQLITE) {
        if (!b->read)
            return 1;
        /* preparing a statement costs SQLite time quadratic in its
         * parameters; a query is cheap, so keep them short */
        return (size_t)(SQLITE_QUERY_PARAMS - b->nshared) / (size_t)b->per_row;
    }
    return (size_t)(LIMIT_STORE_PARAMS - b->nshared) / (size_t)b->per_row;
}

static int run_batches(struct import *im, const struct batch *b, const size_t *items, size_t n)
{
    size_t per = rows_per_statement(im, b);
    buf full, part;
    buf_init(&full, SIZE_MAX / 2);
    buf_init(&part, SIZE_MAX / 2);
    store_val *vals = xmalloc(sizeof *vals * LIMIT_STORE_PARAMS);
    int rc = STORE_OK;
    for (size_t i = 0; i < n && rc == STORE_OK; i += per) {
        size_t k = n - i < per ? n - i : per;
        const buf *sql = &full;
        if (k == per && !full.len)
            batch_sql(&full, b->head, b->tuple, b->tail, b->nshared, k);
        else if (k != per) {
            batch_sql(&part, b->head, b->tuple, b->tail, b->nshared, k);
            sql = &part;
        }
        if (b->nshared)
            memcpy(vals, b->shared, sizeof *vals * (size_t)b->nshared);
        for (size_t j = 0; j < k; j++)
            b->fill(im, items[i + j], vals + b->nshared + j * (size_t)b->per_row);
        int np = b->nshared + (int)k * b->per_row;
        if (b->read) {
            store_rows *rows;
            rc = store_query(im->db, sql->data, vals, np, &rows);
            if (rc != STORE_OK)
                break;
            while ((rc = store_next(rows)) == 1)
                if ((rc = b->read(im, rows)) != STORE_OK)
                    break;
            store_rows_free(rows);
            if (rc == 0)
                rc = STORE_OK;
        } else {
            rc = store_exec(im->db, sql->data, vals, np, NULL);
        }
        wrote(im, k);
    }
    free(vals);
    buf_cleanup(&full);
    buf_cleanup(&part);
    return rc;
}

/* ---- looking up what exists ---- */

static void fill_email(struct import *im, size_t item, store_val *v)
{
    v[0] = SV_TEXT(im->people[item].email);
}

static int read_person(struct import *im, store_rows *rows)
{
    struct person *p = person_find(im, store_col_text(rows, 1));
    if (p) {
        p->id = store_col_int(rows, 0);
        const char *name = store_col_text(rows, 2);
        p->name = pool_dup(&im->pool, name ? name : "", name ? strlen(name) : 0);
    }
    return STORE_OK;
}

static void fill_person_id(struct import *im, size_t item, store_val *v)
{
    v[0] = SV_INT(im->people[item].id);
}

static int read_participation(struct import *im, store_rows *rows)
{
    if (store_col_int(rows, 6) != im->o->program_id)
        return STORE_OK;
    struct person *p = person_find(im, store_col_text(rows, 1));
    const char *role = store_col_text(rows, 2);
    int ri = -1;
    for (int i = 0; role && i < NROLES; i++)
        if (strcmp(role, roles[i]) == 0)
            ri = i;
    if (!p || ri < 0 || p->row[ri] == SIZE_MAX)
        return STORE_OK;
    struct row *w = &im->rows[p->row[ri]];
    w->participation_id = store_col_int(rows, 0);
    int64_t cap = store_col_int(rows, 4), wants = store_col_int(rows, 5);
    w->store_capacity = w->capacity ? w->capacity : cap;
    w->store_wants = w->wants ? w->wants : wants;
    const char *stored = store_col_text(rows, 3);
    if (stored && strcmp(stored, w->profile) == 0 && w->store_capacity == cap &&
        w->store_wants == wants) {
        w->action = ACT_SAME; /* written by the same file before: no need to parse */
        return STORE_OK;
    }
    json_t *old = json_loads(store_col_text(rows, 3) ? store_col_text(rows, 3) : "{}", 0, NULL);
    if (!json_is_object(old)) {
        json_decref(old);
        old = json_object();
    }
    json_t *merged = json_deep_copy(old);
    json_t *mine = json_loads(w->profile, 0, NULL);
    json_object_update(merged, mine);
    json_decref(mine);
    if (json_equal(merged, old) && w->store_capacity == cap && w->store_wants == wants) {
        w->action = ACT_SAME;
    } else {
        w->action = ACT_UPDATE;
        char *t = json_dumps(merged, JSON_COMPACT);
        w->store_profile = pool_dup(&im->pool, t, strlen(t));
        free(t);
    }
    json_decref(merged);
    json_decref(old);
    return STORE_OK;
}

/* Finds which people and participations exist, checks the managers and
 * decides what each good row will do. */
static int look_up(struct import *im)
{
    size_t *items = xmalloc(sizeof *items * (im->npeople + 1));
    for (size_t i = 0; i < im->npeople; i++)
        items[i] = i;
    struct batch people = {.head = "SELECT id, email, name FROM people WHERE email IN (",
                           .tuple = "#",
                           .tail = ")",
                           .per_row = 1,
                           .fill = fill_email,
                           .read = read_person};
    int rc = run_batches(im, &people, items, im->npeople);
    if (rc != STORE_OK)
        goto done;

    for (size_t i = 0; i < im->nmanagers; i++) {
        struct person *m = &im->people[im->managers[i].manager];
        char q[QUOTE_BYTES + 4];
        if (!m->in_file && !m->id)
            problem(im, im->managers[i].line, im->managers[i].column, columns[C_MANAGER].name,
                    "manager_email: no one with the e-mail '%s' is in the database or in this file",
                    quote(q, m->email));
    }

    size_t n = 0;
    for (size_t i = 0; i < im->npeople; i++)
        if (im->people[i].id && im->people[i].first_row != SIZE_MAX)
            items[n++] = i;
    for (size_t i = 0; i < im->nrows; i++)
        im->rows[i].action = ACT_CREATE;
    /* by person only, the program compared here: with the program in the
     * WHERE clause PostgreSQL may read the whole program's rows through
     * its index for every batch instead of a few rows per person */
    struct batch parts = {
        .head = "SELECT pa.id, pe.email, pa.role, pa.profile, pa.capacity, pa.wants, "
                "pa.program_id FROM participations pa JOIN people pe ON pe.id = pa.person_id "
                "WHERE pa.person_id IN (",
        .tuple = "#",
        .tail = ")",
        .per_row = 1,
        .fill = fill_person_id,
        .read = read_participation};
    rc = run_batches(im, &parts, items, n);
    if (rc != STORE_OK)
        goto done;
    for (size_t i = 0; i < im->npeople; i++)
        if (im->people[i].in_file && !im->people[i].id)
            im->created_people++;
    for (size_t i = 0; i < im->nrows; i++) {
        enum action a = im->rows[i].action;
        im->created += a == ACT_CREATE;
        im->updated += a == ACT_UPDATE;
        im->unchanged += a == ACT_SAME;
    }
done:
    free(items);
    return rc;
}

/* ---- writing ---- */

static void fill_new_person(struct import *im, size_t item, store_val *v)
{
    const struct row *w = &im->rows[im->people[item].first_row];
    v[0] = SV_TEXT(w->email);
    v[1] = SV_TEXT(w->name);
    v[2] = SV_TEXT(w->department);
    v[3] = SV_TEXT(w->job_title);
    v[4] = SV_INT(w->job_level); /* -1: none */
    v[5] = SV_TEXT(w->location);
    v[6] = SV_TEXT(w->time_zone);
    v[7] = SV_TEXT(w->languages ? w->languages : "[]");
    const struct person *m = w->manager ? person_find(im, w->manager) : NULL;
    v[8] = SV_INT(m && !im->people[item].link_later ? m->id : 0); /* 0: none (yet) */
}

static void fill_manager(struct import *im, size_t item, store_val *v)
{
    const struct person *p = &im->people[item];
    v[0] = SV_INT(p->id);
    v[1] = SV_INT(person_find(im, im->rows[p->first_row].manager)->id);
}

static void fill_participation(struct import *im, size_t item, store_val *v)
{
    const struct row *w = &im->rows[item];
    const struct person *p = &im->people[w->person];
    int64_t cap = w->capacity ? w->capacity : w->role == ROLE_MENTOR ? im->default_capacity : 0;
    int64_t wants = w->wants ? w->wants : w->role == ROLE_MENTEE ? im->default_wants : 0;
    v[0] = SV_INT(p->id);
    v[1] = SV_TEXT(roles[w->role]);
    v[2] = SV_TEXT(w->profile);
    v[3] = SV_INT(cap); /* 0: none */
    v[4] = SV_INT(wants);
    v[5] = SV_TEXT(p->name);
    v[6] = SV_TEXT(p->email);
}

static int read_participation_id(struct import *im, store_rows *rows)
{
    if (store_col_int(rows, 3) != im->o->program_id)
        return STORE_OK;
    struct person *p = person_find(im, store_col_text(rows, 1));
    const char *role = store_col_text(rows, 2);
    for (int i = 0; p && role && i < NROLES; i++)
        if (strcmp(role, roles[i]) == 0 && p->row[i] != SIZE_MAX &&
            im->rows[p->row[i]].action == ACT_CREATE)
            im->rows[p->row[i]].participation_id = store_col_int(rows, 0);
    return STORE_OK;
}

static void fill_stage(struct import *im, size_t item, store_val *v)
{
    v[0] = SV_INT(im->rows[item].participation_id);
}

static void fill_invitation(struct import *im, size_t item, store_val *v)
{
    v[0] = SV_TEXT(im->rows[item].token_hash);
    v[1] = SV_INT(im->rows[item].participation_id);
}

static void fill_mail(struct import *im, size_t item, store_val *v)
{
    const struct row *w = &im->rows[item];
    v[0] = SV_TEXT(w->email);
    v[1] = SV_INT(im->people[w->person].id);
    v[2] = SV_TEXT(w->mail);
    v[3] = SV_TEXT(w->mail_html);
}

static void fill_update(struct import *im, size_t item, store_val *v)
{
    const struct row *w = &im->rows[item];
    v[0] = SV_INT(w->participation_id);
    v[1] = SV_TEXT(w->store_profile);
    v[2] = SV_INT(w->store_capacity); /* 0: none */
    v[3] = SV_INT(w->store_wants);
}

/* The invitation's token and e-mail for a new participation, worded as
 * enrol_invite() words one. */
static int invitation(struct import *im, struct row *w, char *subject, size_t size)
{
    char token[IDENTITY_TOKEN_CHARS], hash[IDENTITY_HASH_HEX];
    identity_new_secret("", token);
    identity_secret_hash(token, hash);
    w->token_hash = pool_dup(&im->pool, hash, strlen(hash));
    struct mail_rendered m;
    if (enrol_invitation_mail(im->people[w->person].name, im->program_name, roles[w->role],
                              im->o->base_url, token, &m) != SVC_OK)
        return STORE_ERROR; /* the template wants a value: a bug, logged */
    w->mail = pool_dup(&im->pool, m.text, strlen(m.text));
    w->mail_html = pool_dup(&im->pool, m.html, strlen(m.html));
    str_fmt(subject, size, "%s", m.subject); /* the same for every row: the program's */
    mail_rendered_cleanup(&m);
    return STORE_OK;
}

/* SQLite keeps 2 MB of pages per connection by default; a transaction
 * that writes more than that spills pages to the WAL and writes them
 * again and again (50,000 rows: over a million page writes instead of
 * twenty thousand). So the cache grows for the import, to about 4 KiB a
 * row within LIMIT_IMPORT_SQLITE_CACHE, and shrinks back after. *old is 0
 * when nothing was changed. */
static int cache_grow(struct import *im, int64_t *old)
{
    *old = 0;
    if (store_backend_of(im->db) != STORE_SQLITE)
        return STORE_OK;
    int64_t cur = 0;
    int rc = store_query_int(im->db, "PRAGMA cache_size", NULL, 0, &cur);
    if (rc < 0)
        return rc;
    int64_t want_kib = (int64_t)im->nrows * 4;
    if (want_kib > LIMIT_IMPORT_SQLITE_CACHE / 1024)
        want_kib = LIMIT_IMPORT_SQLITE_CACHE / 1024;
    /* negative: KiB; positive: pages (of 4 KiB here) */
    int64_t cur_kib = cur < 0 ? -cur : cur * 4;
    if (want_kib <= cur_kib)
        return STORE_OK;
    char sql[64];
    str_fmt(sql, sizeof sql, "PRAGMA cache_size = -%lld", (long long)want_kib);
    if ((rc = store_exec(im->db, sql, NULL, 0, NULL)) != STORE_OK)
        return rc;
    *old = cur ? cur : -2000;
    return STORE_OK;
}

static int cache_restore(struct import *im, int64_t old)
{
    if (!old)
        return STORE_OK;
    char sql[64];
    str_fmt(sql, sizeof sql, "PRAGMA cache_size = %lld", (long long)old);
    return store_exec(im->db, sql, NULL, 0, NULL);
}

struct named {
    const char *name;
    size_t item;
};

static int by_name(const void *a, const void *b)
{
    const struct named *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : x->item < y->item ? -1 : x->item > y->item;
}

/* Orders items (people when persons, else rows) by name. Rows written in
 * the order of the name indexes (people, and the participant list's
 * sort_name) add to the end of those indexes instead of all over them. */
static void sort_by_name(struct import *im, size_t *items, size_t n, bool persons)
{
    struct named *v = xmalloc(sizeof *v * (n + 1));
    for (size_t k = 0; k < n; k++) {
        const struct row *w = &im->rows[persons ? im->people[items[k]].first_row : items[k]];
        v[k] = (struct named){.name = persons ? w->name : im->people[w->person].name,
                              .item = items[k]};
    }
    if (n)
        qsort(v, n, sizeof *v, by_name);
    for (size_t k = 0; k < n; k++)
        items[k] = v[k].item;
    free(v);
}

/* The new person's manager when that is a new person too, else NULL. */
static struct person *new_manager(struct import *im, const struct person *p)
{
    const char *email = im->rows[p->first_row].manager;
    struct person *m = email ? person_find(im, email) : NULL;
    return m && m->in_file && !m->id ? m : NULL;
}

/* Gives each new person a depth: 0 when their manager is nobody or
 * someone already in the database, else one more than their manager's.
 * Inserting by depth puts every manager in before their reports, so each
 * insert names its manager's id. A cycle of managers in the file is cut
 * at one person, who is linked after everyone is in. Returns the deepest
 * depth. */
static int depths(struct import *im, const size_t *items, size_t n)
{
    size_t *stack = xmalloc(sizeof *stack * (n + 1));
    bool *on_stack = xcalloc(im->npeople + 1, sizeof *on_stack);
    int deepest = 0;
    for (size_t k = 0; k < n; k++) {
        size_t top = 0;
        struct person *q = &im->people[items[k]];
        while (q && q->depth < 0 && !on_stack[q - im->people]) {
            on_stack[q - im->people] = true;
            stack[top++] = (size_t)(q - im->people);
            q = new_manager(im, q);
        }
        if (q && q->depth < 0) { /* back on the stack: a cycle; cut it here */
            q->depth = 0;
            q->link_later = true;
        }
        while (top > 0) {
            struct person *p = &im->people[stack[--top]];
            on_stack[p - im->people] = false;
            if (p->depth >= 0)
                continue; /* the cut */
            struct person *m = new_manager(im, p);
            p->depth = m ? m->depth + 1 : 0;
            if (p->depth > deepest)
                deepest = p->depth;
        }
    }
    free(stack);
    free(on_stack);
    return deepest;
}

/* Creates the new people, managers before their reports (see depths()),
 * reading the ids of each depth before the next. Returns a store status. */
static int write_people(struct import *im, size_t *items)
{
    size_t n = 0;
    for (size_t i = 0; i < im->npeople; i++)
        if (im->people[i].in_file && !im->people[i].id)
            items[n++] = i;
    int deepest = depths(im, items, n);
    size_t *level = xmalloc(sizeof *level * (n + 1));
    store_val now[] = {SV_INT(im->now)};
    struct batch people = {
        .head = "INSERT INTO people (email, name, department, job_title, job_level, "
                "location, time_zone, languages, manager_id, created_at, updated_at) VALUES ",
        .tuple = "(#, #, #, #, NULLIF(#, -1), #, #, #, NULLIF(#, 0), ?1, ?1)",
        .tail = "",
        .per_row = 9,
        .shared = now,
        .nshared = 1,
        .fill = fill_new_person};
    struct batch ids = {.head = "SELECT id, email, name FROM people WHERE email IN (",
                        .tuple = "#",
                        .tail = ")",
                        .per_row = 1,
                        .fill = fill_email,
                        .read = read_person};
    int rc = STORE_OK;
    for (int d = 0; d <= deepest && rc == STORE_OK; d++) {
        size_t m = 0;
        for (size_t k = 0; k < n; k++)
            if (im->people[items[k]].depth == d)
                level[m++] = items[k];
        sort_by_name(im, level, m, true);
        rc = run_batches(im, &people, level, m);
        if (rc == STORE_OK)
            rc = run_batches(im, &ids, level, m);
    }
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        if (im->people[items[k]].link_later)
            level[m++] = items[k];
    /* column1/column2 are the names both databases give VALUES columns */
    struct batch managers = {.head = "UPDATE people SET manager_id = v.column2 FROM (VALUES ",
                             .tuple = "(#, #)",
                             .tail = ") AS v WHERE people.id = v.column1",
                             .per_row = 2,
                             .fill = fill_manager};
    if (rc == STORE_OK)
        rc = run_batches(im, &managers, level, m);
    free(level);
    return rc;
}

/* Creates the new participations, invited: their stage, invitation and
 * e-mail. Returns a store status. */
static int write_participations(struct import *im, size_t *items)
{
    size_t n = 0;
    for (size_t i = 0; i < im->nrows; i++)
        if (im->rows[i].action == ACT_CREATE)
            items[n++] = i;
    sort_by_name(im, items, n, false);
    store_val pnow[] = {SV_INT(im->o->program_id), SV_INT(im->now)};
    struct batch parts = {
        .head = "INSERT INTO participations (program_id, person_id, role, status, profile, "
                "capacity, wants, sort_name, email, created_at, updated_at) VALUES ",
        .tuple = "(?1, #, #, 'invited', #, NULLIF(#, 0), NULLIF(#, 0), #, #, ?2, ?2)",
        .tail = "",
        .per_row = 7,
        .shared = pnow,
        .nshared = 2,
        .fill = fill_participation};
    int rc = run_batches(im, &parts, items, n);
    if (rc != STORE_OK)
        return rc;
    /* their ids, by person (the people's rows list is the distinct persons) */
    size_t *persons = xmalloc(sizeof *persons * (im->npeople + 1));
    size_t np = 0;
    for (size_t i = 0; i < im->npeople; i++)
        if (im->people[i].first_row != SIZE_MAX)
            for (int r = 0; r < NROLES; r++)
                if (im->people[i].row[r] != SIZE_MAX &&
                    im->rows[im->people[i].row[r]].action == ACT_CREATE) {
                    persons[np++] = i;
                    break;
                }
    /* by person only, as in look_up() */
    struct batch ids = {
        .head = "SELECT id, email, role, program_id FROM participations WHERE person_id IN (",
        .tuple = "#",
        .tail = ")",
        .per_row = 1,
        .fill = fill_person_id,
        .read = read_participation_id};
    rc = run_batches(im, &ids, persons, np);
    free(persons);
    if (rc != STORE_OK)
        return rc;

    /* the stage, as svc_participation_stage() records it */
    store_val stage[] = {SV_TEXT(stage_name(STAGE_INVITED)), SV_INT(im->now)};
    struct batch stages = {
        .head = "INSERT INTO participation_stages (participation_id, stage, reached_at) VALUES ",
        .tuple = "(#, ?1, ?2)",
        .tail = " ON CONFLICT (participation_id, stage) DO NOTHING",
        .per_row = 1,
        .shared = stage,
        .nshared = 2,
        .fill = fill_stage};
    if ((rc = run_batches(im, &stages, items, n)) != STORE_OK)
        return rc;

    char subject[LIMIT_NAME_BYTES + 64] = "";
    for (size_t k = 0; k < n; k++)
        if ((rc = invitation(im, &im->rows[items[k]], subject, sizeof subject)) != STORE_OK)
            return rc;
    store_val inv[] = {SV_INT(im->o->program_id),
                       im->o->actor_id ? SV_INT(im->o->actor_id) : SV_NULL, SV_INT(im->now),
                       SV_INT(im->now + (int64_t)INVITATION_DAYS * 86400)};
    struct batch invitations = {
        .head = "INSERT INTO invitations (token_hash, program_id, participation_id, "
                "created_by, created_at, expires_at) VALUES ",
        .tuple = "(#, ?1, #, ?2, ?3, ?4)",
        .tail = "",
        .per_row = 2,
        .shared = inv,
        .nshared = 4,
        .fill = fill_invitation};
    if ((rc = run_batches(im, &invitations, items, n)) != STORE_OK)
        return rc;

    store_val mail[] = {SV_INT(im->now), SV_TEXT(subject), SV_INT(im->o->program_id)};
    struct batch outbox = {
        .head = "INSERT INTO outbox (created_at, to_address, to_person_id, subject, body, "
                "html, kind, program_id, next_attempt_at) VALUES ",
        .tuple = "(?1, #, #, ?2, #, #, 'invitation', ?3, ?1)",
        .tail = "",
        .per_row = 4,
        .shared = mail,
        .nshared = 3,
        .fill = fill_mail};
    return run_batches(im, &outbox, items, n);
}

static int write_all(struct import *im)
{
    size_t *items = xmalloc(sizeof *items * (im->nrows + im->npeople + 1));
    int rc = write_people(im, items);
    if (rc == STORE_OK)
        rc = write_participations(im, items);
    if (rc != STORE_OK)
        goto done;

    size_t n = 0;
    for (size_t i = 0; i < im->nrows; i++)
        if (im->rows[i].action == ACT_UPDATE)
            items[n++] = i;
    store_val now[] = {SV_INT(im->now)};
    struct batch updates = {.head =
                                "UPDATE participations SET profile = v.column2, "
                                "capacity = NULLIF(v.column3, 0), wants = NULLIF(v.column4, 0), "
                                "updated_at = ?1 FROM (VALUES ",
                            .tuple = "(#, #, #, #)",
                            .tail = ") AS v WHERE participations.id = v.column1",
                            .per_row = 4,
                            .shared = now,
                            .nshared = 1,
                            .fill = fill_update};
    if ((rc = run_batches(im, &updates, items, n)) != STORE_OK)
        goto done;

    char detail[200];
    str_fmt(detail, sizeof detail,
            "{\"rows\":%zu,\"created_people\":%zu,\"created_participants\":%zu,\"updated\":%zu,"
            "\"unchanged\":%zu}",
            im->records, im->created_people, im->created, im->updated, im->unchanged);
    store_val audit[] = {SV_INT(im->now), im->o->actor_id ? SV_INT(im->o->actor_id) : SV_NULL,
                         SV_INT(im->o->program_id), SV_TEXT(detail)};
    rc = store_exec(im->db,
                    "INSERT INTO audit_events (at, actor_id, action, entity, entity_id, detail) "
                    "VALUES (?1, ?2, 'program.import', 'program', ?3, ?4)",
                    audit, 4, NULL);
done:
    free(items);
    return rc;
}

/* ---- the run ---- */

static int load_program(struct import *im)
{
    store_rows *rows;
    store_val p[] = {SV_INT(im->o->program_id)};
    int rc = store_query(im->db, "SELECT name, config FROM programs WHERE id = ?1", p, 1, &rows);
    if (rc != STORE_OK)
        return rc;
    rc = store_next(rows);
    if (rc == 1) {
        im->program_name = xstrdup(store_col_text(rows, 0));
        json_t *cfg = json_loads(store_col_text(rows, 1) ? store_col_text(rows, 1) : "{}", 0, NULL);
        json_t *sel = json_object_get(cfg, "selection");
        im->default_capacity = json_integer_value(json_object_get(sel, "default_capacity"));
        im->default_wants = json_integer_value(json_object_get(sel, "default_wants"));
        json_decref(cfg);
    }
    store_rows_free(rows);
    return rc;
}

static json_t *report_of(struct import *im)
{
    if (im->nproblems)
        qsort(im->problems, im->nproblems, sizeof *im->problems, by_position);
    json_t *errors = json_array();
    for (size_t i = 0; i < im->nproblems; i++) {
        const struct problem *p = &im->problems[i];
        json_array_append_new(errors, json_pack("{s:i, s:i, s:o, s:s}", "line", (int)p->line,
                                                "column", (int)p->column, "field",
                                                p->field ? json_string(p->field) : json_null(),
                                                "message", p->message));
    }
    return json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:o, s:I}", "dry_run", im->o->dry_run, "rows",
                     (json_int_t)im->records, "created_people", (json_int_t)im->created_people,
                     "created_participants", (json_int_t)im->created, "updated",
                     (json_int_t)im->updated, "unchanged", (json_int_t)im->unchanged, "errors",
                     errors, "error_count", (json_int_t)im->problem_count);
}

static void cleanup(struct import *im)
{
    pool_free(im->pool);
    free(im->rows);
    free(im->people);
    free(im->slots);
    free(im->problems);
    free(im->managers);
    free(im->program_name);
    json_decref(im->tz_known);
    buf_cleanup(&im->text);
}

int import_run(store *db, const struct import_opts *o, const char *data, size_t len,
               json_t **report)
{
    *report = NULL;
    struct import im = {.db = db, .o = o, .tz_known = json_object(), .now = clock_now()};
    buf_init(&im.text, LIMIT_CSV_RECORD_BYTES * 6); /* \u00XX: six bytes for one */
    csv_reader r;
    csv_init(&r, data, len);
    int rc = load_program(&im);
    if (rc != 1) {
        rc = rc == 0 ? IMPORT_NO_PROGRAM : rc;
        goto done;
    }
    if (read_header(&im, &r) == 0) {
        int got;
        while ((got = csv_next(&r)) == 1) {
            if (++im.records > LIMIT_IMPORT_ROWS) {
                im.records--;
                problem(&im, r.line, 1, NULL, "more than %d rows: split the file",
                        LIMIT_IMPORT_ROWS);
                break;
            }
            check_row(&im, &r);
            if ((im.records & 1023) == 0)
                checked(&im, csv_offset(&r), len);
        }
        if (got < 0)
            problem(&im, r.error.line, r.error.column, NULL, "%s", r.error.msg);
        if ((rc = look_up(&im)) != STORE_OK)
            goto done;
    }
    checked(&im, len, len);
    if (!im.problem_count && !o->dry_run) {
        im.writes = 2 * im.created_people + 5 * im.created + im.updated;
        int64_t cache = 0;
        if ((rc = cache_grow(&im, &cache)) != STORE_OK || (rc = write_all(&im)) != STORE_OK ||
            (rc = cache_restore(&im, cache)) != STORE_OK)
            goto done; /* a failed transaction keeps the larger cache until the connection closes */
    }
    *report = report_of(&im);
    rc = im.problem_count ? IMPORT_INVALID : IMPORT_OK;
done:
    csv_cleanup(&r);
    cleanup(&im);
    return rc;
}
