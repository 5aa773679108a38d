#include "domain/validate.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/str.h"

void v_join(char *out, size_t outlen, const char *path, const char *key)
{
    if (!path || !*path)
        str_fmt(out, outlen, "%s", key);
    else if (!key || !*key)
        str_fmt(out, outlen, "%s", path);
    else
        str_fmt(out, outlen, "%s.%s", path, key);
}

void v_index(char *out, size_t outlen, const char *path, size_t i)
{
    str_fmt(out, outlen, "%s[%zu]", path, i);
}

/* Where the error for `field` goes: the entry already naming it (its
 * message is replaced), the next free one, or NULL when the list is full. */
static struct verr_item *slot(verr *e, const char *field, bool *first)
{
    int n = e->n > 0 ? e->n : (e->field[0] || e->msg[0]); /* set by hand: one */
    *first = false;
    if (n > 0 && strcmp(e->field, field) == 0) {
        *first = true;
        return NULL;
    }
    for (int i = 1; i < n; i++)
        if (strcmp(e->more[i - 1].field, field) == 0)
            return &e->more[i - 1];
    if (n == 0) {
        *first = true;
        e->n = 1;
        return NULL;
    }
    if (n >= LIMIT_FIELD_ERRORS)
        return NULL; /* full: the rest is dropped */
    e->n = n + 1;
    return &e->more[n - 1];
}

static int record(verr *e, const char *path, const char *key, const char *fmt, va_list ap)
{
    char field[sizeof e->field];
    v_join(field, sizeof field, path, key);
    bool first;
    struct verr_item *it = slot(e, field, &first);
    char *f = first ? e->field : it ? it->field : NULL;
    char *m = first ? e->msg : it ? it->msg : NULL;
    if (!f)
        return -1;
    str_fmt(f, sizeof e->field, "%s", field);
    vsnprintf(m, sizeof e->msg, fmt, ap);
    return -1;
}

int v_fail(verr *e, const char *path, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (e->collect) {
        record(e, path, key, fmt, ap);
    } else { /* the last error stands, alone in field and msg */
        v_join(e->field, sizeof e->field, path, key);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        if (e->n < 1)
            e->n = 1;
    }
    va_end(ap);
    return -1;
}

int v_add(verr *e, const char *path, const char *key, const char *fmt, ...)
{
    char *field, *msg;
    size_t flen, mlen;
    va_list ap;
    va_start(ap, fmt);
    if (e->collect) {
        record(e, path, key, fmt, ap);
        va_end(ap);
        return -1;
    }
    if (e->n <= 0) {
        field = e->field, msg = e->msg;
        flen = sizeof e->field, mlen = sizeof e->msg;
    } else if (e->n < LIMIT_FIELD_ERRORS) {
        struct verr_item *it = &e->more[e->n - 1];
        field = it->field, msg = it->msg;
        flen = sizeof it->field, mlen = sizeof it->msg;
    } else {
        va_end(ap);
        return -1;
    }
    v_join(field, flen, path, key);
    vsnprintf(msg, mlen, fmt, ap);
    va_end(ap);
    e->n = e->n <= 0 ? 1 : e->n + 1;
    return -1;
}

void v_merge(verr *into, const verr *from)
{
    const char *field, *msg;
    for (int i = 0; verr_at(from, i, &field, &msg); i++) {
        v_fail(into, "", field, "%s", msg);
        if (!into->collect)
            break; /* a verr that keeps one error keeps the first of these */
    }
}

bool v_failed(const verr *e)
{
    return e->n > 0 || e->field[0] || e->msg[0];
}

int v_count(const verr *e)
{
    return e->n > 0 ? e->n : (e->field[0] || e->msg[0]);
}

bool verr_at(const verr *e, int i, const char **field, const char **msg)
{
    int n = v_count(e);
    if (i < 0 || i >= n)
        return false;
    *field = i == 0 ? e->field : e->more[i - 1].field;
    *msg = i == 0 ? e->msg : e->more[i - 1].msg;
    return true;
}

int v_known_keys(const json_t *obj, const char *path, const char *const *allowed, verr *e)
{
    const char *key;
    json_t *val;
    int rc = 0;
    json_object_foreach((json_t *)obj, key, val)
    {
        (void)val;
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, key) == 0;
        if (!ok)
            rc = v_fail(e, path, key, "unknown field");
    }
    return rc;
}

int v_object(const json_t *obj, const char *key, const char *path, bool required, json_t **out,
             verr *e)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return required ? v_fail(e, path, key, "is required") : 0;
    if (!json_is_object(v))
        return v_fail(e, path, key, "must be an object");
    *out = v;
    return 0;
}

int v_array(const json_t *obj, const char *key, const char *path, size_t max, json_t **out, verr *e)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return v_fail(e, path, key, "must be an array");
    if (json_array_size(v) > max)
        return v_fail(e, path, key, "has more than %zu items", max);
    *out = v;
    return 0;
}

int v_string(const json_t *obj, const char *key, const char *path, bool required, bool allow_empty,
             size_t maxbytes, const char *def, const char **out, verr *e)
{
    json_t *v = json_object_get(obj, key);
    *out = def;
    if (!v || json_is_null(v))
        return required ? v_fail(e, path, key, "is required") : 0;
    if (!json_is_string(v))
        return v_fail(e, path, key, "must be a string");
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n != strlen(s))
        return v_fail(e, path, key, "must not contain NUL");
    if (!allow_empty) {
        bool blank = true;
        for (const char *p = s; *p && blank; p++)
            blank = (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r');
        if (blank)
            return v_fail(e, path, key, "must not be empty");
    }
    if (n > maxbytes)
        return v_fail(e, path, key, "must be at most %zu bytes", maxbytes);
    *out = s;
    return 0;
}

int v_enum(const json_t *obj, const char *key, const char *path, const char *const *values,
           const char *def, const char **out, verr *e)
{
    const char *s;
    *out = def;
    if (v_string(obj, key, path, def == NULL, false, 64, def, &s, e))
        return -1;
    if (s == def) { /* absent: the default stands, whatever it is */
        *out = def;
        return 0;
    }
    for (const char *const *v = values; *v; v++)
        if (strcmp(*v, s) == 0) {
            *out = *v;
            return 0;
        }
    char list[256] = "";
    size_t used = 0;
    for (const char *const *v = values; *v; v++) {
        int n = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", *v);
        if (n < 0 || (size_t)n >= sizeof list - used)
            break;
        used += (size_t)n;
    }
    return v_fail(e, path, key, "must be one of: %s", list);
}

int v_int(const json_t *obj, const char *key, const char *path, int64_t min, int64_t max,
          int64_t def, bool required, int64_t *out, verr *e)
{
    json_t *v = json_object_get(obj, key);
    *out = def;
    if (!v || json_is_null(v))
        return required ? v_fail(e, path, key, "is required") : 0;
    if (!json_is_integer(v))
        return v_fail(e, path, key, "must be an integer");
    json_int_t i = json_integer_value(v);
    if (i < min || i > max)
        return v_fail(e, path, key, "must be between %lld and %lld", (long long)min,
                      (long long)max);
    *out = i;
    return 0;
}

int v_number(const json_t *obj, const char *key, const char *path, double min, double max,
             double def, bool required, double *out, verr *e)
{
    json_t *v = json_object_get(obj, key);
    *out = def;
    if (!v || json_is_null(v))
        return required ? v_fail(e, path, key, "is required") : 0;
    if (!json_is_number(v))
        return v_fail(e, path, key, "must be a number");
    double d = json_number_value(v);
    if (!isfinite(d) || d < min || d > max)
        return v_fail(e, path, key, "must be between %g and %g", min, max);
    *out = d;
    return 0;
}

int v_bool(const json_t *obj, const char *key, const char *path, bool def, bool *out, verr *e)
{
    json_t *v = json_object_get(obj, key);
    *out = def;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return v_fail(e, path, key, "must be true or false");
    *out = json_is_true(v);
    return 0;
}

int v_date(const json_t *obj, const char *key, const char *path, const char **out, verr *e)
{
    const char *s;
    int64_t t;
    *out = NULL;
    /* one message whatever is wrong (v_fail replaces the string check's) */
    if (v_string(obj, key, path, false, false, 10, NULL, &s, e) ||
        (s && (strlen(s) != 10 || clock_parse(s, &t))))
        return v_fail(e, path, key, "must be a date YYYY-MM-DD");
    *out = s;
    return 0;
}

int v_string_list(const json_t *obj, const char *key, const char *path, size_t max, size_t maxbytes,
                  json_t **out, verr *e)
{
    json_t *arr;
    *out = NULL;
    if (v_array(obj, key, path, max, &arr, e))
        return -1;
    if (!arr)
        return 0;
    char here[160];
    v_join(here, sizeof here, path, key);
    size_t i;
    json_t *item;
    int rc = 0;
    json_array_foreach(arr, i, item)
    {
        char at[176];
        v_index(at, sizeof at, here, i);
        if (!json_is_string(item) || json_string_length(item) == 0)
            rc = v_fail(e, at, "", "must be a non-empty string");
        else if (json_string_length(item) > maxbytes)
            rc = v_fail(e, at, "", "must be at most %zu bytes", maxbytes);
    }
    if (rc == 0)
        *out = arr;
    return rc;
}
