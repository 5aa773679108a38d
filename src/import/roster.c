/* roster.c - the people of an import file (see roster.h). */
#include "import/roster.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"

#define CIRCLE_NAMED 6 /* rows a circle's message lists before "..." */

void import_roster_cleanup(struct import_roster *r)
{
    if (!r)
        return;
    VEC_FREE(&r->rows);
    VEC_FREE(&r->people);
    VEC_FREE(&r->managers);
    strmap_cleanup(&r->by_email);
}

size_t import_roster_person(struct import_roster *r, const char *email)
{
    size_t i;
    if (strmap_get(&r->by_email, email, &i))
        return i;
    i = r->people.len;
    struct import_person *p = VEC_PUSH(&r->people);
    *p = (struct import_person){.email = email, .first_row = IMPORT_NONE, .depth = -1};
    for (int k = 0; k < IMPORT_NROLES; k++)
        p->row[k] = IMPORT_NONE;
    strmap_add(&r->by_email, email, i, NULL);
    return i;
}

struct import_person *import_roster_find(const struct import_roster *r, const char *email)
{
    size_t i;
    return email && strmap_get(&r->by_email, email, &i) ? &r->people.items[i] : NULL;
}

bool import_roster_add(struct import_roster *r, const struct import_row *w, bool good,
                       struct import_problems *ps, pool *p)
{
    if (w->manager)
        *VEC_PUSH(&r->managers) =
            (struct import_manager_ref){.manager = import_roster_person(r, w->manager),
                                        .line = w->manager_line,
                                        .column = w->manager_column};
    if (!w->email || w->role >= IMPORT_NROLES)
        return false;
    size_t i = import_roster_person(r, w->email);
    struct import_person *pe = &r->people.items[i];
    pe->in_file = true;
    if (pe->seen[w->role]) {
        char q[IMPORT_QUOTE_BYTES + 4];
        import_problem(ps, p, w->email_line, w->email_column, import_col_name(IMPORT_COL_EMAIL),
                       import_col_name(IMPORT_COL_EMAIL),
                       "'%s' is listed as %s twice (first on line %u)", import_quote(q, w->email),
                       import_role_name(w->role), pe->seen[w->role]);
        return false;
    }
    pe->seen[w->role] = w->line;
    if (!good)
        return false;
    pe->row[w->role] = r->rows.len;
    if (pe->first_row == IMPORT_NONE)
        pe->first_row = r->rows.len;
    *VEC_PUSH(&r->rows) = *w;
    return true;
}

void import_roster_check_managers(const struct import_roster *r, struct import_problems *ps,
                                  pool *p)
{
    for (size_t i = 0; i < r->managers.len; i++) {
        const struct import_manager_ref *m = &r->managers.items[i];
        const struct import_person *who = &r->people.items[m->manager];
        char q[IMPORT_QUOTE_BYTES + 4];
        if (!who->in_file && !who->id)
            import_problem(ps, p, m->line, m->column, import_col_name(IMPORT_COL_MANAGER),
                           import_col_name(IMPORT_COL_MANAGER),
                           "no one with the e-mail '%s' is in the database or in this file",
                           import_quote(q, who->email));
    }
}

struct import_person *import_roster_new_manager(const struct import_roster *r,
                                                const struct import_person *p)
{
    if (p->first_row == IMPORT_NONE)
        return NULL;
    struct import_person *m = import_roster_find(r, r->rows.items[p->first_row].manager);
    return m && m->in_file && !m->id && m->first_row != IMPORT_NONE ? m : NULL;
}

static unsigned line_of(const struct import_roster *r, size_t person)
{
    return r->rows.items[r->people.items[person].first_row].line;
}

/* Records the circle stack[from..top) (each one's manager is the next,
 * and the last one's is stack[from]): one problem per person, at their
 * row's manager cell, listing the circle's rows from the first line. */
static void circle(const struct import_roster *r, const size_t *stack, size_t from, size_t top,
                   struct import_problems *ps, pool *p)
{
    size_t n = top - from, first = from;
    for (size_t k = from; k < top; k++)
        if (line_of(r, stack[k]) < line_of(r, stack[first]))
            first = k;
    buf list;
    buf_init(&list, 4096);
    for (size_t i = 0; i < n && i < CIRCLE_NAMED; i++) {
        size_t person = stack[from + (first - from + i) % n];
        buf_printf(&list, "%sline %u (%s)", i ? " -> " : "", line_of(r, person),
                   r->people.items[person].email);
    }
    if (n > CIRCLE_NAMED)
        buf_printf(&list, " -> ... (%zu people)", n);
    buf_printf(&list, " -> line %u", line_of(r, stack[first]));
    for (size_t k = from; k < top; k++) {
        const struct import_row *w = &r->rows.items[r->people.items[stack[k]].first_row];
        import_problem(ps, p, w->manager_line, w->manager_column,
                       import_col_name(IMPORT_COL_MANAGER), import_col_name(IMPORT_COL_MANAGER),
                       "the managers go round in a circle: %s (each row's manager_email names "
                       "the next); give one of them another manager or none",
                       list.data);
    }
    buf_cleanup(&list);
}

int import_roster_order(struct import_roster *r, struct import_problems *ps, pool *p)
{
    size_t n = r->people.len;
    size_t *stack = xmalloc(sizeof *stack * (n + 1));
    bool *on_stack = xcalloc(n + 1, sizeof *on_stack);
    int deepest = 0;
    bool circles = false;
    for (size_t i = 0; i < n; i++) {
        struct import_person *start = &r->people.items[i];
        if (!start->in_file || start->id || start->first_row == IMPORT_NONE || start->depth >= 0)
            continue;
        /* follow the managers up until one with a depth, none, or a repeat */
        size_t top = 0;
        struct import_person *q = start;
        while (q && q->depth < 0 && !on_stack[q - r->people.items]) {
            on_stack[q - r->people.items] = true;
            stack[top++] = (size_t)(q - r->people.items);
            q = import_roster_new_manager(r, q);
        }
        if (q && q->depth < 0) { /* back on the stack: a circle from q up */
            size_t from = 0;
            while (stack[from] != (size_t)(q - r->people.items))
                from++;
            circle(r, stack, from, top, ps, p);
            for (size_t k = from; k < top; k++)
                r->people.items[stack[k]].depth = 0; /* done with; never written */
            circles = true;
        }
        while (top > 0) {
            struct import_person *e = &r->people.items[stack[--top]];
            on_stack[e - r->people.items] = false;
            if (e->depth >= 0)
                continue;
            struct import_person *m = import_roster_new_manager(r, e);
            e->depth = m ? m->depth + 1 : 0;
            if (e->depth > deepest)
                deepest = e->depth;
        }
    }
    free(stack);
    free(on_stack);
    return circles ? -1 : deepest;
}
