/* jsonbuf.c - compact JSON text of a jansson value (see jsonbuf.h). */
#include "base/jsonbuf.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int text(buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF"; /* as jansson writes them */
    int rc = buf_append(b, "\"", 1);
    const char *run = s, *end = s + len;
    for (; s < end; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        rc |= buf_append(b, run, (size_t)(s - run));
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
        rc |= buf_append(b, esc, n);
        run = s + 1;
    }
    rc |= buf_append(b, run, (size_t)(s - run));
    rc |= buf_append(b, "\"", 1);
    return rc ? -1 : 0;
}

static int integer(buf *b, json_int_t x)
{
    char n[24];
    unsigned long long u = x < 0 ? 0ull - (unsigned long long)x : (unsigned long long)x;
    size_t k = sizeof n;
    do
        n[--k] = (char)('0' + u % 10);
    while (u /= 10);
    if (x < 0)
        n[--k] = '-';
    return buf_append(b, n + k, sizeof n - k);
}

/* As jansson's jsonp_dtostr with its default precision. */
static int real(buf *b, double d)
{
    char n[48];
    int len = snprintf(n, sizeof n, "%.17g", d);
    if (len < 0 || (size_t)len >= sizeof n - 3)
        return -1;
    if (!strpbrk(n, ".eE")) { /* stays a real when read back */
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
    return buf_append(b, n, (size_t)len);
}

int jsonbuf_value(buf *b, const json_t *v)
{
    size_t i;
    json_t *item;
    const char *key;
    int rc = 0;
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_STRING: return text(b, json_string_value(v), json_string_length(v));
    case JSON_INTEGER: return integer(b, json_integer_value(v));
    case JSON_REAL: return real(b, json_real_value(v));
    case JSON_TRUE: return buf_append(b, "true", 4);
    case JSON_FALSE: return buf_append(b, "false", 5);
    case JSON_NULL: return buf_append(b, "null", 4);
    case JSON_ARRAY:
        rc |= buf_append(b, "[", 1);
        json_array_foreach((json_t *)v, i, item)
        {
            if (i)
                rc |= buf_append(b, ",", 1);
            rc |= jsonbuf_value(b, item);
        }
        rc |= buf_append(b, "]", 1);
        return rc ? -1 : 0;
    case JSON_OBJECT: {
        rc |= buf_append(b, "{", 1);
        bool first = true;
        json_object_foreach((json_t *)v, key, item)
        {
            if (!first)
                rc |= buf_append(b, ",", 1);
            first = false;
            rc |= text(b, key, strlen(key));
            rc |= buf_append(b, ":", 1);
            rc |= jsonbuf_value(b, item);
        }
        rc |= buf_append(b, "}", 1);
        return rc ? -1 : 0;
    }
    }
    return -1;
}
