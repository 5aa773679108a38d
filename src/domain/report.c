#include "domain/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void report_init(struct report *r, const char *name, int64_t program_id)
{
    memset(r, 0, sizeof *r);
    r->name = name;
    r->program_id = program_id;
}

void report_cleanup(struct report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->ntables; i++)
        VEC_FREE(&r->tables[i].cells);
    pool_cleanup(&r->pool);
    r->ntables = 0;
}

struct report_table *report_table(struct report *r, const char *name, const char *title,
                                  const char *spec)
{
    if (r->ntables == LIMIT_REPORT_TABLES)
        abort();
    struct report_table *t = &r->tables[r->ntables++];
    memset(t, 0, sizeof *t);
    t->name = name;
    t->title = title;
    t->pool = &r->pool;
    const char *p = spec;
    while (*p) {
        const char *colon = strchr(p, ':');
        if (!colon || t->ncols == LIMIT_REPORT_COLUMNS || !strchr("ins", colon[1]) ||
            (colon[2] != ',' && colon[2] != '\0'))
            abort();
        t->cols[t->ncols] = pool_dup(&r->pool, p, (size_t)(colon - p));
        t->types[t->ncols++] = colon[1];
        p = colon[2] ? colon + 3 : colon + 2;
    }
    return t;
}

struct report_table *report_find(struct report *r, const char *name)
{
    for (size_t i = 0; i < r->ntables; i++)
        if (strcmp(r->tables[i].name, name) == 0)
            return &r->tables[i];
    return NULL;
}

void report_int(struct report_table *t, int64_t v)
{
    struct report_cell *c = VEC_PUSH(&t->cells);
    c->kind = REPORT_INT;
    c->i = v;
}

void report_real(struct report_table *t, double v)
{
    struct report_cell *c = VEC_PUSH(&t->cells);
    c->kind = isfinite(v) ? REPORT_REAL : REPORT_NULL;
    c->r = v;
}

void report_text(struct report_table *t, const char *s)
{
    struct report_cell *c = VEC_PUSH(&t->cells);
    c->kind = s ? REPORT_TEXT : REPORT_NULL;
    c->s = s ? pool_strdup(t->pool, s) : NULL;
}

void report_null(struct report_table *t)
{
    VEC_PUSH(&t->cells);
}

size_t report_rows(const struct report_table *t)
{
    return t->ncols ? t->cells.len / t->ncols : 0;
}

const struct report_cell *report_cell_at(const struct report_table *t, size_t row, size_t col)
{
    return &t->cells.items[row * t->ncols + col];
}

static const char *type_name(char t)
{
    return t == 'i' ? "integer" : t == 'n' ? "number" : "string";
}

static json_t *cell_json(const struct report_cell *c)
{
    switch (c->kind) {
    case REPORT_INT: return json_integer((json_int_t)c->i);
    case REPORT_REAL: return json_real(c->r);
    case REPORT_TEXT: return json_string(c->s);
    default: return json_null();
    }
}

json_t *report_json(const struct report *r)
{
    json_t *tables = json_array();
    for (size_t i = 0; i < r->ntables; i++) {
        const struct report_table *t = &r->tables[i];
        json_t *cols = json_array(), *rows = json_array();
        for (size_t c = 0; c < t->ncols; c++)
            json_array_append_new(
                cols, json_pack("{s:s, s:s}", "name", t->cols[c], "type", type_name(t->types[c])));
        for (size_t row = 0; row < report_rows(t); row++) {
            json_t *cells = json_array();
            for (size_t c = 0; c < t->ncols; c++)
                json_array_append_new(cells, cell_json(report_cell_at(t, row, c)));
            json_array_append_new(rows, cells);
        }
        json_array_append_new(tables, json_pack("{s:s, s:s, s:o, s:o}", "name", t->name, "title",
                                                t->title, "columns", cols, "rows", rows));
    }
    return json_pack("{s:s, s:o, s:o, s:o, s:o}", "report", r->name, "program_id",
                     r->program_id ? json_integer((json_int_t)r->program_id) : json_null(), "from",
                     r->from[0] ? json_string(r->from) : json_null(), "to",
                     r->to[0] ? json_string(r->to) : json_null(), "tables", tables);
}

static int putch(buf *b, char c)
{
    return buf_append(b, &c, 1);
}

/* The shortest of %.15g .. %.17g that reads back as v. */
static int put_real(buf *b, double v)
{
    char s[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(s, sizeof s, "%.*g", prec, v);
        if (strtod(s, NULL) == v)
            break;
    }
    return buf_puts(b, s);
}

static int put_text(buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n"))
        return buf_puts(b, s);
    int rc = putch(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            rc |= putch(b, '"');
        rc |= putch(b, *s);
    }
    return rc | putch(b, '"');
}

int report_csv(const struct report_table *t, buf *b)
{
    int rc = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        if (c)
            rc |= putch(b, ',');
        rc |= put_text(b, t->cols[c]);
    }
    rc |= buf_puts(b, "\r\n");
    for (size_t row = 0; row < report_rows(t); row++) {
        for (size_t c = 0; c < t->ncols; c++) {
            const struct report_cell *cell = report_cell_at(t, row, c);
            if (c)
                rc |= putch(b, ',');
            if (cell->kind == REPORT_INT)
                rc |= buf_printf(b, "%lld", (long long)cell->i);
            else if (cell->kind == REPORT_REAL)
                rc |= put_real(b, cell->r);
            else if (cell->kind == REPORT_TEXT)
                rc |= put_text(b, cell->s);
        }
        rc |= buf_puts(b, "\r\n");
    }
    return rc ? -1 : 0;
}
