/* check.c - the import's rules for the header and each row (see check.h). */
#include "import/check.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonbuf.h"
#include "base/mem.h"
#include "base/str.h"
#include "domain/profile.h"

/* How a column feeds the profile. */
enum pkind { P_NONE, P_TAGS, P_STRING, P_NUMBER };

static const struct {
    const char *name;
    enum pkind profile;
} columns[IMPORT_NCOLS] = {
    [IMPORT_COL_EMAIL] = {"email", P_NONE},
    [IMPORT_COL_NAME] = {"name", P_NONE},
    [IMPORT_COL_ROLE] = {"role", P_NONE},
    [IMPORT_COL_DEPARTMENT] = {"department", P_STRING},
    [IMPORT_COL_JOB_TITLE] = {"job_title", P_NONE},
    [IMPORT_COL_JOB_LEVEL] = {"job_level", P_NUMBER},
    [IMPORT_COL_LOCATION] = {"location", P_STRING},
    [IMPORT_COL_TIME_ZONE] = {"time_zone", P_STRING},
    [IMPORT_COL_MANAGER] = {"manager_email", P_NONE},
    [IMPORT_COL_CAPACITY] = {"capacity", P_NONE},
    [IMPORT_COL_WANTS] = {"wants", P_NONE},
    [IMPORT_COL_LANGUAGES] = {"languages", P_TAGS},
    [IMPORT_COL_EXPERTISE] = {"expertise", P_TAGS},
    [IMPORT_COL_DEVELOPMENT_NEEDS] = {"development_needs", P_TAGS},
    [IMPORT_COL_INTERESTS] = {"interests", P_TAGS},
    [IMPORT_COL_COMMUNICATION] = {"communication", P_TAGS},
    [IMPORT_COL_AVAILABILITY] = {"availability", P_TAGS},
    [IMPORT_COL_LEARNING_STYLE] = {"learning_style", P_STRING},
    [IMPORT_COL_UTC_OFFSET] = {"utc_offset", P_NUMBER},
    [IMPORT_COL_YEARS_EXPERIENCE] = {"years_experience", P_NUMBER},
    [IMPORT_COL_BIO] = {"bio", P_STRING},
    [IMPORT_COL_HEADLINE] = {"headline", P_STRING},
};

static const char *const roles[IMPORT_NROLES] = {"mentor", "mentee", "coordinator", "viewer"};

const char *import_col_name(enum import_col c)
{
    return c < IMPORT_NCOLS ? columns[c].name : NULL;
}

const char *import_role_name(enum import_role r)
{
    return r < IMPORT_NROLES ? roles[r] : NULL;
}

/* ---- problems ---- */

void import_problem(struct import_problems *ps, pool *p, unsigned line, unsigned column,
                    const char *field, const char *cell, const char *fmt, ...)
{
    ps->count++;
    if (ps->list.len >= LIMIT_IMPORT_ERRORS)
        return;
    char msg[IMPORT_MESSAGE_BYTES];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    *VEC_PUSH(&ps->list) = (struct import_problem){.line = line,
                                                   .column = column,
                                                   .field = field,
                                                   .cell = cell,
                                                   .message = pool_strdup(p, msg)};
}

struct tagged {
    struct import_problem p;
    size_t i; /* the order found, to keep among equals */
};

static int by_position(const void *a, const void *b)
{
    const struct tagged *x = a, *y = b;
    if (x->p.line != y->p.line)
        return x->p.line < y->p.line ? -1 : 1;
    if (x->p.column != y->p.column)
        return x->p.column < y->p.column ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

void import_problems_sort(struct import_problems *ps)
{
    size_t n = ps->list.len;
    if (n < 2)
        return;
    struct tagged *t = xmalloc(sizeof *t * n);
    for (size_t i = 0; i < n; i++)
        t[i] = (struct tagged){ps->list.items[i], i};
    qsort(t, n, sizeof *t, by_position);
    for (size_t i = 0; i < n; i++)
        ps->list.items[i] = t[i].p;
    free(t);
}

void import_problems_cleanup(struct import_problems *ps)
{
    if (!ps)
        return;
    VEC_FREE(&ps->list);
    ps->count = 0;
}

void import_where(const struct import_problem *p, char *out, size_t n)
{
    if (p->cell)
        str_fmt(out, n, "line %u, column \"%s\"", p->line, p->cell);
    else
        str_fmt(out, n, "line %u", p->line);
}

const char *import_quote(char out[IMPORT_QUOTE_BYTES + 4], const char *s)
{
    size_t n = strlen(s);
    bool cut = n > IMPORT_QUOTE_BYTES;
    if (cut) {
        n = IMPORT_QUOTE_BYTES;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? ' ' : s[i];
    memcpy(out + n, cut ? "..." : "", cut ? 4 : 1);
    return out;
}

/* ---- the checker ---- */

void import_checker_init(struct import_checker *c, pool *p, struct import_problems *found)
{
    *c = (struct import_checker){.pool = p, .found = found, .wants_max = LIMIT_IMPORT_WANTS};
    for (int i = 0; i < IMPORT_NCOLS; i++)
        c->pos[i] = -1;
    buf_init(&c->json, LIMIT_CSV_RECORD_BYTES * 6 + 4096); /* \u00XX: six bytes for one */
}

void import_checker_cleanup(struct import_checker *c)
{
    if (!c)
        return;
    strmap_cleanup(&c->time_zones);
    buf_cleanup(&c->json);
    jsonbuf_out_free(&c->direct);
}

/* s[0..n) without the spaces and tabs around it. */
static const char *trim(const char *s, size_t *n)
{
    while (*n && (*s == ' ' || *s == '\t'))
        s++, (*n)--;
    while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
        (*n)--;
    return s;
}

int import_check_header(struct import_checker *c, csv_reader *r)
{
    int rc = csv_next(r);
    if (rc < 0) {
        import_problem(c->found, c->pool, r->error.line, r->error.column, NULL, NULL, "%s",
                       r->error.msg);
        return -1;
    }
    if (rc == 0) {
        import_problem(c->found, c->pool, 1, 1, NULL, NULL,
                       "the file is empty: its first line must name the columns (email, name, "
                       "role, ...)");
        return -1;
    }
    c->ncols = r->nfields;
    bool bad = false;
    char q[IMPORT_QUOTE_BYTES + 4];
    for (size_t i = 0; i < r->nfields; i++) {
        const struct csv_field *f = &r->fields[i];
        size_t n = f->len;
        const char *s = trim(f->text, &n);
        char *name = str_ascii_lower(pool_dup(c->pool, s, n));
        int k = 0;
        while (k < IMPORT_NCOLS && strcmp(columns[k].name, name) != 0)
            k++;
        if (k == IMPORT_NCOLS) {
            import_problem(c->found, c->pool, f->line, f->column, name, NULL, "unknown column '%s'",
                           import_quote(q, name));
            bad = true;
        } else if (c->pos[k] >= 0) {
            import_problem(c->found, c->pool, f->line, f->column, columns[k].name, NULL,
                           "column '%s' appears twice", columns[k].name);
            bad = true;
        } else {
            c->pos[k] = (int)i;
            c->names[i] = columns[k].name;
        }
    }
    for (int k = IMPORT_COL_EMAIL; k <= IMPORT_COL_ROLE; k++)
        if (c->pos[k] < 0) {
            import_problem(c->found, c->pool, r->line, 1, columns[k].name, NULL,
                           "the required column '%s' is missing", columns[k].name);
            bad = true;
        }
    return bad ? -1 : 0;
}

void import_check_csv_error(struct import_checker *c, const csv_reader *r)
{
    const char *cell = c->ncols && r->error.line > 1 && r->error.field < c->ncols
                           ? c->names[r->error.field]
                           : NULL;
    import_problem(c->found, c->pool, r->error.line, r->error.column, cell, cell, "%s",
                   r->error.msg);
}

/* ---- one row ---- */

struct cells {
    struct import_checker *c;
    const csv_reader *r;
    bool bad;
};

/* The trimmed cell of column k, pooled; NULL when the column is absent or
 * the cell empty. */
static char *cell(struct cells *x, enum import_col k)
{
    if (x->c->pos[k] < 0)
        return NULL;
    const struct csv_field *f = &x->r->fields[x->c->pos[k]];
    size_t n = f->len;
    const char *s = trim(f->text, &n);
    return n ? pool_dup(x->c->pool, s, n) : NULL;
}

static void bad(struct cells *x, enum import_col k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void bad(struct cells *x, enum import_col k, const char *fmt, ...)
{
    const struct csv_field *f = &x->r->fields[x->c->pos[k]];
    char msg[IMPORT_MESSAGE_BYTES];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    import_problem(x->c->found, x->c->pool, f->line, f->column, columns[k].name, columns[k].name,
                   "%s", msg);
    x->bad = true;
}

/* A whole number cell in [min, max]; -1 when empty (or bad). */
static int64_t whole(struct cells *x, enum import_col k, int64_t min, int64_t max)
{
    const char *s = cell(x, k);
    int64_t v;
    if (!s)
        return -1;
    if (str_to_i64(s, min, max, &v) == 0)
        return v;
    char q[IMPORT_QUOTE_BYTES + 4];
    bad(x, k, "'%s' is not a whole number from %lld to %lld", import_quote(q, s), (long long)min,
        (long long)max);
    return -1;
}

static const char *attribute(struct cells *x, enum import_col k)
{
    const char *s = cell(x, k);
    if (s && strlen(s) > IMPORT_ATTR_BYTES) {
        bad(x, k, "must be at most %d bytes", IMPORT_ATTR_BYTES);
        return NULL;
    }
    return s;
}

static bool time_zone_known(struct import_checker *c, const char *tz)
{
    size_t known;
    if (strmap_get(&c->time_zones, tz, &known))
        return known;
    bool ok = profile_time_zone_valid(tz);
    strmap_add(&c->time_zones, tz, ok, NULL); /* tz is pooled */
    return ok;
}

/* The next trimmed, non-empty tag of a list "a; b;c" at *s, its length
 * in *m; *s moves past it. NULL at the end of the list. */
static const char *next_tag(const char **s, size_t *m)
{
    while (**s) {
        const char *end = strchr(*s, ';');
        size_t n = end ? (size_t)(end - *s) : strlen(*s);
        *m = n;
        const char *t = trim(*s, m);
        *s += n;
        if (**s == ';')
            (*s)++;
        if (*m)
            return t;
    }
    return NULL;
}

/* Splits "a; b;c" into a JSON array of the trimmed, non-empty, distinct tags. */
static json_t *tags(const char *s)
{
    json_t *a = json_array();
    const char *t;
    size_t m;
    while ((t = next_tag(&s, &m))) {
        bool dup = false;
        for (size_t i = 0; i < json_array_size(a) && !dup; i++) {
            const json_t *w = json_array_get(a, i);
            dup = json_string_length(w) == m && memcmp(json_string_value(w), t, m) == 0;
        }
        if (!dup)
            json_array_append_new(a, json_stringn(t, m));
    }
    return a;
}

/* Column k's cell as a profile value, or NULL when it is empty or cannot
 * be one (reported). profile_validate judges the value afterwards. */
static json_t *profile_value(struct cells *x, enum import_col k)
{
    const char *s = cell(x, k);
    if (!s)
        return NULL;
    char q[IMPORT_QUOTE_BYTES + 4];
    switch (columns[k].profile) {
    case P_TAGS: {
        json_t *v = tags(s);
        if (json_array_size(v) == 0) {
            json_decref(v);
            return NULL;
        }
        return v;
    }
    case P_STRING:
        if (k == IMPORT_COL_TIME_ZONE && !time_zone_known(x->c, s)) {
            bad(x, k, "'%s' is not a known time zone (use a name like Europe/Lisbon)",
                import_quote(q, s));
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
        bad(x, k, "'%s' is not a number", import_quote(q, s));
        return NULL;
    }
    case P_NONE: break;
    }
    return NULL;
}

static enum import_col col_named(const char *key)
{
    int k = 0;
    while (k < IMPORT_NCOLS && strcmp(columns[k].name, key) != 0)
        k++;
    return (enum import_col)k;
}

/* The row's profile, checked by profile_validate: one call for the whole
 * row, and only when that refuses it, one per cell to name every bad one.
 * The time zone was checked through the cache already. */
static json_t *profile_of(struct cells *x, int64_t job_level)
{
    json_t *profile = json_object();
    for (int k = 0; k < IMPORT_NCOLS; k++) {
        if (columns[k].profile == P_NONE || k == IMPORT_COL_JOB_LEVEL || k == IMPORT_COL_TIME_ZONE)
            continue;
        json_t *v = profile_value(x, (enum import_col)k);
        if (v)
            json_object_set_new(profile, columns[k].name, v);
    }
    if (job_level >= 0)
        json_object_set_new(profile, "job_level", json_integer(job_level));
    json_t *clean = NULL;
    verr e = {0};
    /* now = 0: the profile checked holds no time_zone (added below), so no
     * offset is derived from one; the file's utc_offset column stands. */
    if (profile_validate(profile, "", 0, &clean, &e) != 0) {
        const char *key;
        json_t *v;
        json_object_foreach(profile, key, v)
        {
            json_t *one = json_object();
            json_object_set(one, key, v);
            json_t *ok = NULL;
            e = (verr){0}; /* a verr collects: one per cell */
            if (profile_validate(one, "", 0, &ok, &e) != 0) {
                enum import_col k = col_named(key);
                if (strcmp(e.field, key) == 0)
                    bad(x, k, "%s", e.msg);
                else
                    bad(x, k, "%s %s", e.field, e.msg); /* "languages[3] must be ..." */
            }
            json_decref(ok);
            json_decref(one);
        }
    }
    json_decref(clean);
    json_t *tz = profile_value(x, IMPORT_COL_TIME_ZONE);
    if (tz)
        json_object_set_new(profile, "time_zone", tz);
    return profile;
}

/* ---- the profile written from its cells ---- */

/* One profile column's cell as the direct writer reads it. */
struct pvalue {
    enum import_col k;
    const char *s; /* the trimmed cell, pooled */
    size_t len;
    size_t ntags; /* P_TAGS: the distinct tags, in order */
    const char *tag[LIMIT_PROFILE_TAGS];
    size_t tag_len[LIMIT_PROFILE_TAGS];
    bool integer; /* P_NUMBER: a whole number (i) or a real (d) */
    int64_t i;
    double d;
};

/* Reads a tag list as tags() does: false when it has more distinct tags
 * than a profile takes, or one of a length the profile refuses. */
static bool read_tags(struct pvalue *v)
{
    const char *s = v->s, *t;
    size_t m, shortest = SIZE_MAX, longest = 0;
    while ((t = next_tag(&s, &m))) {
        bool dup = false;
        for (size_t i = 0; i < v->ntags && !dup; i++)
            dup = v->tag_len[i] == m && memcmp(v->tag[i], t, m) == 0;
        if (dup)
            continue;
        if (v->ntags == LIMIT_PROFILE_TAGS)
            return false;
        v->tag[v->ntags] = t;
        v->tag_len[v->ntags++] = m;
        shortest = m < shortest ? m : shortest;
        longest = m > longest ? m : longest;
    }
    return profile_tags_fit(columns[v->k].name, v->ntags, shortest, longest);
}

/* Reads column k's cell into *v. Returns 1 when it is a value the
 * profile takes, 0 when the cell adds nothing (empty, or a list of no
 * tags), -1 when it is one profile_of must report. */
static int read_pvalue(struct cells *x, enum import_col k, struct pvalue *v)
{
    v->k = k;
    v->s = cell(x, k);
    if (!v->s)
        return 0;
    v->len = strlen(v->s);
    const char *name = columns[k].name;
    switch (columns[k].profile) {
    case P_TAGS:
        v->ntags = 0;
        if (!read_tags(v))
            return -1;
        return v->ntags ? 1 : 0;
    case P_STRING:
        if (k == IMPORT_COL_TIME_ZONE)
            return time_zone_known(x->c, v->s) ? 1 : -1;
        return profile_text_fits(name, v->len) ? 1 : -1;
    case P_NUMBER:
        v->integer = str_to_i64(v->s, INT32_MIN, INT32_MAX, &v->i) == 0;
        if (v->integer)
            v->d = (double)v->i;
        else if (str_to_double(v->s, &v->d) != 0)
            return -1;
        return profile_number_fits(name, v->d) ? 1 : -1;
    case P_NONE: break;
    }
    return 0;
}

static void put_key(struct jsonbuf_out *o, bool *first, const char *key)
{
    if (!*first)
        jsonbuf_put(o, ",", 1);
    *first = false;
    jsonbuf_put_string(o, key, strlen(key));
    jsonbuf_put(o, ":", 1);
}

static void put_pvalue(struct jsonbuf_out *o, const struct pvalue *v)
{
    switch (columns[v->k].profile) {
    case P_TAGS:
        jsonbuf_put(o, "[", 1);
        for (size_t i = 0; i < v->ntags; i++) {
            if (i)
                jsonbuf_put(o, ",", 1);
            jsonbuf_put_string(o, v->tag[i], v->tag_len[i]);
        }
        jsonbuf_put(o, "]", 1);
        break;
    case P_STRING: jsonbuf_put_string(o, v->s, v->len); break;
    case P_NUMBER:
        if (v->integer)
            jsonbuf_put_integer(o, v->i);
        else
            jsonbuf_put_real(o, v->d);
        break;
    case P_NONE: break;
    }
}

/* The row's profile written straight from its cells, the same text
 * profile_of and json_pooled give (keys in column order, job_level and
 * time_zone last), when every value is one profile_validate takes - the
 * measures judged by profile_*_fits, the rules' one place. Building the
 * profile as jansson objects, checking the tree and freeing it was a
 * third of the import's instructions (bench/README.md). Fills w's
 * profile, languages and the attributes the profile took, and returns
 * true; returns false, having written and reported nothing, when a cell
 * is not such a value: profile_of then builds the tree and names the bad
 * cells as before. */
static bool profile_direct(struct cells *x, struct import_row *w)
{
    struct import_checker *c = x->c;
    struct pvalue v, tz = {0};
    struct jsonbuf_out *o = &c->direct;
    o->len = 0;
    jsonbuf_put(o, "{", 1);
    bool first = true;
    size_t langs_at = 0, langs_len = 0;
    for (int k = 0; k < IMPORT_NCOLS; k++) {
        if (columns[k].profile == P_NONE || k == IMPORT_COL_JOB_LEVEL)
            continue;
        int got = read_pvalue(x, (enum import_col)k, k == IMPORT_COL_TIME_ZONE ? &tz : &v);
        if (got < 0)
            return false;
        if (!got || k == IMPORT_COL_TIME_ZONE)
            continue;
        put_key(o, &first, columns[k].name);
        if (k == IMPORT_COL_LANGUAGES)
            langs_at = o->len;
        put_pvalue(o, &v);
        if (k == IMPORT_COL_LANGUAGES)
            langs_len = o->len - langs_at;
        if (k == IMPORT_COL_DEPARTMENT)
            w->department = v.s;
        else if (k == IMPORT_COL_LOCATION)
            w->location = v.s;
    }
    if (w->job_level >= 0) {
        if (!profile_number_fits("job_level", (double)w->job_level))
            return false;
        put_key(o, &first, "job_level");
        jsonbuf_put_integer(o, w->job_level);
    }
    if (tz.s) {
        put_key(o, &first, "time_zone");
        put_pvalue(o, &tz);
        w->time_zone = tz.s;
    }
    jsonbuf_put(o, "}", 1);
    w->profile = pool_dup(c->pool, o->p, o->len);
    if (langs_len)
        w->languages = pool_dup(c->pool, o->p + langs_at, langs_len);
    return true;
}

/* v as compact JSON, pooled. Written by base/jsonbuf, not json_dumps:
 * jansson's writer was a fifth of the import's instructions (callgrind,
 * bench/README.md); the text is the same. */
static const char *json_pooled(struct import_checker *c, const json_t *v)
{
    buf_reset(&c->json);
    if (jsonbuf_value(&c->json, v) != 0) {
        char *t = json_dumps(v, JSON_COMPACT); /* past the cap: cannot be, a record is capped */
        const char *out = pool_strdup(c->pool, t ? t : "{}");
        free(t);
        return out;
    }
    return pool_dup(c->pool, c->json.data, c->json.len);
}

/* The row's profile built as a tree and checked by profile_validate,
 * each bad cell named: for a row profile_direct did not take. */
static void profile_tree(struct cells *x, struct import_row *w)
{
    struct import_checker *c = x->c;
    w->department = w->location = w->time_zone = w->languages = NULL;
    json_t *profile = profile_of(x, w->job_level);
    /* person attributes that are profile fields too: as the profile took them */
    w->time_zone = json_object_get(profile, "time_zone") ? cell(x, IMPORT_COL_TIME_ZONE) : NULL;
    w->department = json_object_get(profile, "department") ? cell(x, IMPORT_COL_DEPARTMENT) : NULL;
    w->location = json_object_get(profile, "location") ? cell(x, IMPORT_COL_LOCATION) : NULL;
    json_t *langs = json_object_get(profile, "languages");
    if (langs)
        w->languages = json_pooled(c, langs);
    w->profile = json_pooled(c, profile);
    json_decref(profile);
}

static void check_role(struct cells *x, struct import_row *w, bool *role_ok)
{
    char q[IMPORT_QUOTE_BYTES + 4];
    char *role = cell(x, IMPORT_COL_ROLE);
    *role_ok = false;
    if (role) {
        str_ascii_lower(role);
        for (int i = 0; i < IMPORT_NROLES; i++)
            if (strcmp(role, roles[i]) == 0) {
                w->role = (enum import_role)i;
                *role_ok = true;
            }
    }
    if (!role)
        bad(x, IMPORT_COL_ROLE, "is required (mentor, mentee, coordinator or viewer)");
    else if (!*role_ok)
        bad(x, IMPORT_COL_ROLE, "'%s' is not a role (mentor, mentee, coordinator or viewer)",
            import_quote(q, role));
}

static void check_manager(struct cells *x, struct import_row *w)
{
    char q[IMPORT_QUOTE_BYTES + 4];
    char *manager = cell(x, IMPORT_COL_MANAGER);
    if (!manager)
        return;
    str_ascii_lower(manager);
    if (!str_email_valid(manager)) {
        bad(x, IMPORT_COL_MANAGER, "'%s' is not a valid e-mail address", import_quote(q, manager));
    } else if (w->email && strcmp(manager, w->email) == 0) {
        bad(x, IMPORT_COL_MANAGER, "a person cannot be their own manager");
    } else {
        const struct csv_field *f = &x->r->fields[x->c->pos[IMPORT_COL_MANAGER]];
        w->manager = manager;
        w->manager_line = f->line;
        w->manager_column = f->column;
    }
}

bool import_check_row(struct import_checker *c, const csv_reader *r, struct import_row *w)
{
    *w = (struct import_row){.line = r->line, .role = IMPORT_NROLES, .job_level = -1};
    if (r->nfields != c->ncols) {
        unsigned column =
            r->nfields > c->ncols ? r->fields[c->ncols].column : r->fields[r->nfields - 1].column;
        import_problem(c->found, c->pool, r->line, column, NULL, NULL,
                       "the row has %zu cells where the header names %zu", r->nfields, c->ncols);
        return false;
    }
    struct cells x = {.c = c, .r = r};
    char q[IMPORT_QUOTE_BYTES + 4];

    char *email = cell(&x, IMPORT_COL_EMAIL);
    if (!email)
        bad(&x, IMPORT_COL_EMAIL, "is required");
    else if (!str_email_valid(email))
        bad(&x, IMPORT_COL_EMAIL, "'%s' is not a valid e-mail address", import_quote(q, email));
    else {
        const struct csv_field *f = &r->fields[c->pos[IMPORT_COL_EMAIL]];
        w->email = str_ascii_lower(email);
        w->email_line = f->line;
        w->email_column = f->column;
    }
    w->name = cell(&x, IMPORT_COL_NAME);
    if (!w->name)
        bad(&x, IMPORT_COL_NAME, "is required");
    else if (strlen(w->name) > LIMIT_NAME_BYTES)
        bad(&x, IMPORT_COL_NAME, "must be at most %d bytes", LIMIT_NAME_BYTES);
    else if (v_line_problem(w->name, strlen(w->name)))
        bad(&x, IMPORT_COL_NAME, "%s", v_line_problem(w->name, strlen(w->name)));
    bool role_ok;
    check_role(&x, w, &role_ok);

    w->job_title = attribute(&x, IMPORT_COL_JOB_TITLE);
    w->job_level = whole(&x, IMPORT_COL_JOB_LEVEL, 0, 30);
    check_manager(&x, w);

    int64_t capacity = whole(&x, IMPORT_COL_CAPACITY, 1, LIMIT_IMPORT_CAPACITY);
    if (capacity > 0 && role_ok && w->role != IMPORT_MENTOR)
        bad(&x, IMPORT_COL_CAPACITY, "is set for mentors only (this row is a %s)", roles[w->role]);
    w->capacity = capacity > 0 ? capacity : 0;
    int64_t wants = whole(&x, IMPORT_COL_WANTS, 1, LIMIT_IMPORT_WANTS);
    if (wants > c->wants_max) {
        bad(&x, IMPORT_COL_WANTS,
            "%lld is more than the program allows (max_mentors_per_mentee %lld)", (long long)wants,
            (long long)c->wants_max);
        wants = -1;
    }
    if (wants > 0 && role_ok && w->role != IMPORT_MENTEE)
        bad(&x, IMPORT_COL_WANTS, "is set for mentees only (this row is a %s)", roles[w->role]);
    w->wants = wants > 0 ? wants : 0;

    if (c->tree_only || !profile_direct(&x, w))
        profile_tree(&x, w);
    if (!role_ok)
        w->role = IMPORT_NROLES;
    return !x.bad && w->email && role_ok;
}
