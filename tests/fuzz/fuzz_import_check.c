/* fuzz_import_check.c - the CSV import's checks beyond the reader: the
 * header (import_check_header), each row (import_check_row), the file's
 * people (import_roster_add: repeats, managers that exist) and their
 * order (import_roster_order: managers in a circle), as import.c runs
 * them, with no database.
 *
 * Properties, beyond no crash, leak or undefined behaviour:
 *  - every problem has a place (line >= 1), a message that is UTF-8,
 *    non-empty and on one line, and a cell that is a header name
 *  - a good row has an e-mail with one '@', lower-cased, a name, a role,
 *    a manager (if any) lower-cased and not the person themself, and its
 *    profile is a JSON object
 *  - the number of good rows never exceeds the rows read; a circle of
 *    managers is refused with problems, and otherwise each new person's
 *    depth is one more than their new manager's, so managers go in first
 */
#include "fuzz.h"

#include <ctype.h>
#include <jansson.h>

#include "base/csv.h"
#include "base/str.h"
#include "import/check.h"
#include "import/roster.h"

static void good_row(const struct import_row *w)
{
    fuzz_assert(w->email && w->name && *w->name);
    const char *at = strchr(w->email, '@');
    fuzz_assert(at && !strchr(at + 1, '@'));
    for (const char *p = w->email; *p; p++)
        fuzz_assert(!isupper((unsigned char)*p));
    fuzz_assert(w->role < IMPORT_NROLES);
    if (w->manager) {
        for (const char *p = w->manager; *p; p++)
            fuzz_assert(!isupper((unsigned char)*p));
        fuzz_assert(strcmp(w->manager, w->email) != 0);
    }
    fuzz_assert(w->capacity >= 0 && w->wants >= 0);
    if (w->profile) {
        json_t *p = json_loads(w->profile, 0, NULL);
        fuzz_assert(json_is_object(p));
        json_decref(p);
    }
}

static void check_problem(const struct import_problem *p)
{
    fuzz_assert(p->line >= 1);
    fuzz_assert(p->message && *p->message);
    if (!str_utf8_valid(p->message, strlen(p->message)))
        fuzz_fail("message is not UTF-8: \"%s\"", p->message);
    if (strchr(p->message, '\n') || strchr(p->message, '\r'))
        fuzz_fail("message breaks its line: \"%s\"", p->message);
    if (p->cell) {
        bool known = false;
        for (int c = 0; c < IMPORT_NCOLS && !known; c++)
            known = strcmp(p->cell, import_col_name((enum import_col)c)) == 0;
        fuzz_assert(known);
    }
    char where[200];
    import_where(p, where, sizeof where);
    fuzz_assert(strncmp(where, "line ", 5) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    pool mem = {0};
    struct import_problems problems = {0};
    struct import_checker c;
    struct import_roster roster = {0};
    import_checker_init(&c, &mem, &problems);
    csv_reader r;
    csv_init(&r, (const char *)data, size);
    size_t rows = 0, good = 0;
    if (import_check_header(&c, &r) == 0) {
        int got;
        while ((got = csv_next(&r)) == 1) {
            struct import_row w;
            memset(&w, 0, sizeof w);
            bool ok = import_check_row(&c, &r, &w);
            if (ok)
                good_row(&w);
            rows++;
            good += import_roster_add(&roster, &w, ok, &problems, &mem);
        }
        if (got < 0)
            import_check_csv_error(&c, &r);
        import_roster_check_managers(&roster, &problems, &mem);
        size_t before = problems.count;
        int ordered = import_roster_order(&roster, &problems, &mem);
        /* A circle is recorded as problems; no problem means an order. */
        if (ordered >= 0) {
            fuzz_assert(problems.count == before);
            for (size_t i = 0; i < roster.people.len; i++) {
                const struct import_person *p = &roster.people.items[i];
                if (!p->in_file || p->first_row == IMPORT_NONE)
                    continue;
                const struct import_person *m = import_roster_new_manager(&roster, p);
                if (m && m->in_file && m->first_row != IMPORT_NONE)
                    fuzz_assert(m->depth >= 0 && p->depth == m->depth + 1);
            }
        } else {
            fuzz_assert(ordered == -1 && problems.count > before);
        }
    } else {
        fuzz_assert(problems.count >= 1);
    }
    fuzz_assert(good <= rows);
    fuzz_assert(problems.list.len <= problems.count);
    import_problems_sort(&problems);
    for (size_t i = 0; i < problems.list.len; i++) {
        check_problem(&problems.list.items[i]);
        if (i)
            fuzz_assert(problems.list.items[i - 1].line <= problems.list.items[i].line);
    }
    csv_cleanup(&r);
    import_checker_cleanup(&c);
    import_roster_cleanup(&roster);
    import_problems_cleanup(&problems);
    pool_cleanup(&mem);
    return 0;
}
