/* jsonbuf.c - compact JSON text of a jansson value (see jsonbuf.h). */
#include "base/jsonbuf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

/* The text is built in a scratch area of its own and appended to the buf
 * once: appending piece by piece (a quote, a key, a colon) cost more than
 * the text itself. */
static void room(struct jsonbuf_out *o, size_t n)
{
    if (o->cap - o->len >= n)
        return;
    size_t cap = o->cap ? o->cap : 512;
    while (cap - o->len < n)
        cap *= 2;
    o->p = xrealloc(o->p, cap);
    o->cap = cap;
}

static inline void put(struct jsonbuf_out *o, const char *s, size_t n)
{
    room(o, n);
    memcpy(o->p + o->len, s, n);
    o->len += n;
}

static inline void put1(struct jsonbuf_out *o, char c)
{
    room(o, 1);
    o->p[o->len++] = c;
}

static void text(struct jsonbuf_out *o, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF"; /* as jansson writes them */
    room(o, len + 2);
    o->p[o->len++] = '"';
    const char *run = s, *end = s + len;
    for (; s < end; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        put(o, run, (size_t)(s - run));
        char esc[6] = {'\\', (char)c, 0, 0, 0, 0};
        size_t n = 2;
        switch (c) {
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '"':
        case '\\': break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n = 6;
        }
        put(o, esc, n);
        run = s + 1;
    }
    put(o, run, (size_t)(s - run));
    put1(o, '"');
}

static void integer(struct jsonbuf_out *o, json_int_t x)
{
    char n[24];
    unsigned long long u = x < 0 ? 0ull - (unsigned long long)x : (unsigned long long)x;
    size_t k = sizeof n;
    do
        n[--k] = (char)('0' + u % 10);
    while (u /= 10);
    if (x < 0)
        n[--k] = '-';
    put(o, n + k, sizeof n - k);
}

/* As jansson's jsonp_dtostr with its default precision. */
static void real(struct jsonbuf_out *o, double d)
{
    char n[48];
    int len = snprintf(n, sizeof n, "%.17g", d);
    if (len < 0 || (size_t)len >= sizeof n - 3)
        len = snprintf(n, sizeof n, "null"); /* cannot be: %.17g fits */
    else if (!strpbrk(n, ".eE")) {           /* stays a real when read back */
        memcpy(n + len, ".0", 3);
        len += 2;
    }
    char *e = strchr(n, 'e');
    if (e) { /* "1e+05" -> "1e5", "1e-05" -> "1e-5" */
        char *start = e + 1, *digits;
        if (*start == '-')
            start++;
        digits = start;
        while (*digits == '+' || *digits == '0')
            digits++;
        if (!*digits)
            digits--; /* keep one zero */
        memmove(start, digits, strlen(digits) + 1);
        len = (int)strlen(n);
    }
    put(o, n, (size_t)len);
}

static void value(struct jsonbuf_out *o, const json_t *v)
{
    size_t i;
    json_t *item;
    const char *key;
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_STRING: text(o, json_string_value(v), json_string_length(v)); break;
    case JSON_INTEGER: integer(o, json_integer_value(v)); break;
    case JSON_REAL: real(o, json_real_value(v)); break;
    case JSON_TRUE: put(o, "true", 4); break;
    case JSON_FALSE: put(o, "false", 5); break;
    case JSON_NULL: put(o, "null", 4); break;
    case JSON_ARRAY:
        put1(o, '[');
        json_array_foreach((json_t *)v, i, item)
        {
            if (i)
                put1(o, ',');
            value(o, item);
        }
        put1(o, ']');
        break;
    case JSON_OBJECT: {
        put1(o, '{');
        bool first = true;
        json_object_foreach((json_t *)v, key, item)
        {
            if (!first)
                put1(o, ',');
            first = false;
            text(o, key, strlen(key));
            put1(o, ':');
            value(o, item);
        }
        put1(o, '}');
        break;
    }
    }
}

int jsonbuf_value(buf *b, const json_t *v)
{
    struct jsonbuf_out o = {0};
    value(&o, v);
    int rc = buf_append(b, o.p, o.len);
    free(o.p);
    return rc;
}

/* The pieces, for a reply written without building a tree. */
int jsonbuf_string(buf *b, const char *s, size_t n)
{
    struct jsonbuf_out o = {0};
    text(&o, s, n);
    int rc = buf_append(b, o.p, o.len);
    free(o.p);
    return rc;
}

int jsonbuf_integer(buf *b, json_int_t x)
{
    struct jsonbuf_out o = {.p = (char[24]){0}, .cap = 24};
    integer(&o, x);
    return buf_append(b, o.p, o.len);
}

/* ---- a text written piece by piece ---- */

void jsonbuf_put(struct jsonbuf_out *o, const char *s, size_t n)
{
    put(o, s, n);
}

void jsonbuf_put_string(struct jsonbuf_out *o, const char *s, size_t n)
{
    text(o, s, n);
}

void jsonbuf_put_integer(struct jsonbuf_out *o, json_int_t x)
{
    integer(o, x);
}

void jsonbuf_put_real(struct jsonbuf_out *o, double d)
{
    real(o, d);
}

void jsonbuf_out_free(struct jsonbuf_out *o)
{
    if (!o)
        return;
    free(o->p);
    *o = (struct jsonbuf_out){0};
}
