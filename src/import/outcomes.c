#include "import/outcomes.h"

#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/csv.h"
#include "base/limits.h"
#include "base/str.h"
#include "base/strmap.h"
#include "base/vec.h"
#include "store/report_rows.h"

enum col { C_EMAIL, C_DATE, C_KIND, C_VALUE, NCOLS };
static const char *const NAMES[NCOLS] = {"email", "date", "kind", "value"};

struct row {
    int64_t person;
    const char *date, *kind, *value;
};

static void problem(struct outcome_import_report *out, unsigned line, unsigned column, int col,
                    const char *fmt, const char *arg)
{
    char quoted[IMPORT_QUOTE_BYTES + 4];
    import_problem(&out->problems, &out->pool, line, column, col >= 0 ? NAMES[col] : NULL,
                   col >= 0 ? NAMES[col] : NULL, fmt, arg ? import_quote(quoted, arg) : "");
}

/* Trimmed, lower-cased header name matching. */
static int col_of(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    for (int c = 0; c < NCOLS; c++)
        if (strlen(NAMES[c]) == n && strncasecmp(NAMES[c], s, n) == 0)
            return c;
    return -1;
}

static bool kind_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > LIMIT_OUTCOME_KIND_BYTES)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static bool yes_no_kind(const char *kind)
{
    return strcmp(kind, "promotion") == 0 || strcmp(kind, "retention_12m") == 0;
}

static int find_person(store *db, const char *email, int64_t *id)
{
    store_rows *rows = NULL;
    store_val pv[] = {SV_TEXT(email)};
    *id = 0;
    int rc = store_query(db, "SELECT id FROM people WHERE email = ?1", pv, 1, &rows);
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        *id = store_col_int(rows, 0);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    return rc < 0 ? rc : STORE_OK;
}

/* Writes one record: created, updated or unchanged. */
static int write_row(store *db, const svc_actor *actor, const struct row *w, int64_t now,
                     bool dry_run, struct outcome_import_report *out)
{
    store_rows *rows = NULL;
    store_val key[] = {SV_INT(w->person), SV_TEXT(w->kind), SV_TEXT(w->date)};
    int rc = store_query(db,
                         "SELECT value FROM outcome_records WHERE person_id = ?1 AND kind = ?2 "
                         "AND recorded_on = ?3",
                         key, 3, &rows);
    int found = 0;
    bool same = false;
    if (rc == STORE_OK && (rc = store_next(rows)) == 1) {
        found = 1;
        same = str_eq(store_col_text(rows, 0), w->value);
        rc = STORE_OK;
    }
    store_rows_free(rows);
    if (rc < 0)
        return rc;
    if (found && same) {
        out->unchanged++;
        return STORE_OK;
    }
    if (dry_run) {
        if (found)
            out->updated++;
        else
            out->created++;
        return STORE_OK;
    }
    store_val pv[] = {SV_INT(w->person), SV_TEXT(w->kind),
                      SV_TEXT(w->date),  SV_TEXT(w->value),
                      SV_INT(now),       actor->person_id ? SV_INT(actor->person_id) : SV_NULL};
    if (found) {
        rc = store_exec(db,
                        "UPDATE outcome_records SET value = ?4, imported_at = ?5, imported_by = ?6 "
                        "WHERE person_id = ?1 AND kind = ?2 AND recorded_on = ?3",
                        pv, 6, NULL);
        out->updated += rc == STORE_OK;
    } else {
        rc = store_exec(db,
                        "INSERT INTO outcome_records (person_id, kind, recorded_on, value, "
                        "imported_at, imported_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        pv, 6, NULL);
        out->created += rc == STORE_OK;
    }
    /* The person's latest record of the kind, for the reports. */
    return rc != STORE_OK ? rc : store_outcome_latest_derive(db, w->person, w->kind);
}

void outcome_import_cleanup(struct outcome_import_report *r)
{
    if (!r)
        return;
    import_problems_cleanup(&r->problems);
    pool_cleanup(&r->pool);
    r->errors = NULL;
    r->nerrors = 0;
}

int outcome_import_run(store *db, const svc_actor *actor, bool dry_run, const char *data,
                       size_t len, struct outcome_import_report *out)
{
    memset(out, 0, sizeof *out);
    out->dry_run = dry_run;
    VEC(struct row) good = {0};
    strmap seen = {0}; /* email \t kind \t date of each row (pooled), for duplicates */
    csv_reader r;
    csv_init(&r, data, len);
    int pos[NCOLS] = {-1, -1, -1, -1}, rc = STORE_OK, got;
    /* The header. */
    got = csv_next(&r);
    if (got == 0)
        problem(out, 1, 1, -1, "the file is empty: it needs the header email,date,kind,value%s",
                NULL);
    else if (got == 1) {
        for (size_t i = 0; i < r.nfields; i++) {
            int c = col_of(r.fields[i].text, r.fields[i].len);
            if (c < 0)
                problem(out, r.fields[i].line, r.fields[i].column, -1,
                        "unknown column '%s' (the columns are email, date, kind, value)",
                        r.fields[i].text);
            else if (pos[c] >= 0)
                problem(out, r.fields[i].line, r.fields[i].column, c, "the column %s is repeated",
                        NAMES[c]);
            else
                pos[c] = (int)i;
        }
        for (int c = 0; c < NCOLS; c++)
            if (pos[c] < 0)
                problem(out, r.line, 1, c, "the header lacks the column %s", NAMES[c]);
    }
    if (got < 0)
        problem(out, r.error.line, r.error.column, -1, "%s", r.error.msg);
    if (out->problems.count)
        goto checked;
    while ((got = csv_next(&r)) == 1) {
        if (++out->rows > LIMIT_IMPORT_ROWS) {
            out->rows--;
            problem(out, r.line, 1, -1, "more than 1000000 rows: split the file%s", NULL);
            break;
        }
        const struct csv_field *f[NCOLS];
        for (int c = 0; c < NCOLS; c++)
            f[c] = (size_t)pos[c] < r.nfields ? &r.fields[pos[c]] : NULL;
        bool ok = true;
        struct row w = {0};
        for (int c = 0; c < NCOLS; c++)
            if (!f[c] || f[c]->len == 0) {
                problem(out, r.line, f[c] ? f[c]->column : 1, c, "is empty: it is required%s",
                        NULL);
                ok = false;
            }
        if (!ok)
            continue;
        char email[LIMIT_EMAIL_BYTES + 1];
        if (f[C_EMAIL]->len > LIMIT_EMAIL_BYTES || !str_email_valid(f[C_EMAIL]->text)) {
            problem(out, r.line, f[C_EMAIL]->column, C_EMAIL, "'%s' is not an e-mail address",
                    f[C_EMAIL]->text);
            ok = false;
        } else {
            memcpy(email, f[C_EMAIL]->text, f[C_EMAIL]->len + 1);
            str_ascii_lower(email);
            if ((rc = find_person(db, email, &w.person)) < 0)
                goto done;
            if (!w.person) {
                problem(out, r.line, f[C_EMAIL]->column, C_EMAIL,
                        "nobody has the e-mail '%s' (import the people first)", email);
                ok = false;
            }
        }
        int64_t t;
        if (f[C_DATE]->len != 10 || clock_parse(f[C_DATE]->text, &t)) {
            problem(out, r.line, f[C_DATE]->column, C_DATE, "'%s' is not a date YYYY-MM-DD",
                    f[C_DATE]->text);
            ok = false;
        }
        bool kind_good = kind_ok(f[C_KIND]->text);
        if (!kind_good) {
            problem(out, r.line, f[C_KIND]->column, C_KIND,
                    "'%s' is not a kind (lower-case letters, digits and _, at most 40)",
                    f[C_KIND]->text);
            ok = false;
        }
        const char *v = f[C_VALUE]->text;
        if (f[C_VALUE]->len > LIMIT_OUTCOME_VALUE_BYTES) {
            problem(out, r.line, f[C_VALUE]->column, C_VALUE, "'%s' is longer than 80 bytes", v);
            ok = false;
        } else if (kind_good && yes_no_kind(f[C_KIND]->text) && strcmp(v, "1") != 0 &&
                   strcmp(v, "0") != 0) {
            problem(out, r.line, f[C_VALUE]->column, C_VALUE,
                    "'%s' is not 1 or 0 (this kind is yes or no)", v);
            ok = false;
        }
        if (!ok)
            continue;
        char key[LIMIT_EMAIL_BYTES + LIMIT_OUTCOME_KIND_BYTES + 16];
        str_fmt(key, sizeof key, "%s\t%s\t%s", email, f[C_KIND]->text, f[C_DATE]->text);
        if (!strmap_add(&seen, pool_strdup(&out->pool, key), 1, NULL)) {
            problem(out, r.line, f[C_EMAIL]->column, C_EMAIL,
                    "a second record for this person, kind and date (%s)", f[C_DATE]->text);
            continue;
        }
        w.date = pool_strdup(&out->pool, f[C_DATE]->text);
        w.kind = pool_strdup(&out->pool, f[C_KIND]->text);
        w.value = pool_strdup(&out->pool, v);
        *VEC_PUSH(&good) = w;
    }
    if (got < 0)
        problem(out, r.error.line, r.error.column, -1, "%s", r.error.msg);
checked:
    import_problems_sort(&out->problems);
    out->errors = out->problems.list.items;
    out->nerrors = out->problems.list.len;
    out->error_count = out->problems.count;
    if (out->error_count) {
        rc = SVC_INVALID;
        goto done;
    }
    int64_t now = clock_now();
    for (size_t i = 0; i < good.len; i++)
        if ((rc = write_row(db, actor, &good.items[i], now, dry_run, out)) < 0)
            goto done;
    rc = SVC_OK;
done:
    csv_cleanup(&r);
    strmap_cleanup(&seen);
    VEC_FREE(&good);
    return rc;
}
