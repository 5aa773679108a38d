#include "domain/validate.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/str.h"

/* Field names are built for every value checked, error or not (an
 * import checks hundreds of thousands), so by copying, not by
 * snprintf: the same bytes, cut at outlen - 1 as snprintf cuts, or
 * before it at the start of the character it would split. */
static size_t put(char *out, size_t outlen, size_t at, const char *s)
{
    if (!s)
        s = "(null)"; /* as printf's %s */
    size_t n = strlen(s);
    if (at + 1 >= outlen)
        return at;
    if (n > outlen - 1 - at) {
        n = outlen - 1 - at;
        /* never inside a character: a name cut there is not UTF-8, and a
         * reply naming it would not serialise */
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(out + at, s, n);
    out[at + n] = '\0';
    return at + n;
}

void v_join(char *out, size_t outlen, const char *path, const char *key)
{
    if (!outlen)
        return;
    out[0] = '\0';
    if (!path || !*path)
        put(out, outlen, 0, key);
    else if (!key || !*key)
        put(out, outlen, 0, path);
    else
        put(out, outlen, put(out, outlen, put(out, outlen, 0, path), "."), key);
}

void v_index(char *out, size_t outlen, const char *path, size_t i)
{
    char num[24];
    size_t k = sizeof num;
    num[--k] = '\0';
    num[--k] = ']';
    do
        num[--k] = (char)('0' + i % 10);
    while (i /= 10);
    num[--k] = '[';
    if (!outlen)
        return;
    out[0] = '\0';
    put(out, outlen, put(out, outlen, 0, path), num + k);
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

/* The code point starting at s[i] (UTF-8, as jansson checked it) and its
 * length in bytes; a broken sequence is taken one byte at a time, as
 * U+FFFD. */
static uint32_t code_point(const unsigned char *s, size_t len, size_t i, size_t *n)
{
    unsigned c = s[i];
    size_t k = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    *n = 1;
    if (k == 1)
        return c;
    if (c < 0xC0 || i + k > len)
        return 0xFFFD; /* a stray or cut byte: no control character */
    uint32_t cp = c & (0x7F >> k);
    for (size_t j = 1; j < k; j++)
        cp = (cp << 6) | (s[i + j] & 0x3F);
    *n = k;
    return cp;
}

const char *v_line_problem(const char *s, size_t len)
{
    static _Thread_local char msg[128];
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0, n; i < len; i += n) {
        uint32_t cp = code_point(u, len, i, &n);
        const char *what = NULL;
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
            what = cp == '\n' || cp == '\r' ? "a line break" : "a control character";
        else if (cp == 0x2028 || cp == 0x2029)
            what = "a line break";
        else if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
            what = "a bidirectional override";
        if (what) {
            snprintf(msg, sizeof msg, "must be a single line: U+%04X at byte %zu is %s",
                     (unsigned)cp, i + 1, what);
            return msg;
        }
    }
    return NULL;
}

int v_line(const json_t *obj, const char *key, const char *path, bool required, bool allow_empty,
           size_t maxbytes, const char *def, const char **out, verr *e)
{
    if (v_string(obj, key, path, required, allow_empty, maxbytes, def, out, e))
        return -1;
    const char *why = *out && *out != def ? v_line_problem(*out, strlen(*out)) : NULL;
    if (why) {
        *out = def;
        return v_fail(e, path, key, "%s", why);
    }
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

/* The first second of a year, UTC. */
static int64_t year_start(int year)
{
    char s[16];
    int64_t t = 0;
    snprintf(s, sizeof s, "%04d-01-01", year);
    if (clock_parse(s, &t)) /* cannot fail for the years of the limits */
        return 0;
    return t;
}

bool v_instant_in_range(int64_t t)
{
    return t >= year_start(LIMIT_YEAR_MIN) && t < year_start(LIMIT_YEAR_MAX + 1);
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
    if (s && !v_instant_in_range(t))
        return v_fail(e, path, key, "must be a date from %d-01-01 to %d-12-31", LIMIT_YEAR_MIN,
                      LIMIT_YEAR_MAX);
    *out = s;
    return 0;
}

int v_instant(const json_t *obj, const char *key, const char *path, bool required,
              const char **text, int64_t *t, verr *e)
{
    const char *s;
    *text = NULL;
    *t = 0;
    if (v_string(obj, key, path, required, false, 64, NULL, &s, e))
        return -1;
    if (!s)
        return 0;
    int64_t at;
    if (!strchr(s, 'T') || clock_parse(s, &at))
        return v_fail(e, path, key,
                      "must be an RFC 3339 date and time with an offset, like "
                      "2026-03-10T09:00:00+01:00, from %d-01-01T00:00:00Z to %d-12-31T23:59:59Z",
                      LIMIT_YEAR_MIN, LIMIT_YEAR_MAX);
    if (!v_instant_in_range(at))
        return v_fail(e, path, key, "must be from %d-01-01T00:00:00Z to %d-12-31T23:59:59Z",
                      LIMIT_YEAR_MIN, LIMIT_YEAR_MAX);
    *text = s;
    *t = at;
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

int v_version_split(const json_t *body, int64_t max, int64_t *version, json_t **rest, verr *e)
{
    *rest = NULL;
    if (v_int(body, "version", "", 1, max, 0, true, version, e))
        return -1;
    if (!(*rest = json_copy((json_t *)body)))
        return v_fail(e, "", "", "out of memory");
    json_object_del(*rest, "version");
    return 0;
}
