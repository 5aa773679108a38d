/* str.h - string parsing and checks that do not trust their input. */
#ifndef TANDEM_BASE_STR_H
#define TANDEM_BASE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses a whole decimal integer in [min, max]; 0 on success, -1 otherwise
 * (empty, trailing bytes, out of range). */
int str_to_i64(const char *s, int64_t min, int64_t max, int64_t *out);

/* Parses a whole finite decimal number; 0 on success, -1 otherwise. */
int str_to_double(const char *s, double *out);

/* true when s[0..n) is well-formed UTF-8 with no NUL and no overlong forms. */
bool str_utf8_valid(const char *s, size_t n);

/* Number of code points in well-formed UTF-8. */
size_t str_utf8_len(const char *s);

/* true for a plausible e-mail address: one '@', non-empty local part and a
 * domain with a dot, no spaces or control bytes, at most LIMIT_EMAIL_BYTES. */
bool str_email_valid(const char *s);

/* Lower-cases ASCII letters of s in place and returns s. */
char *str_ascii_lower(char *s);

/* snprintf into a fixed array that always terminates; returns false when
 * the output was truncated. */
bool str_fmt(char *dst, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Copies src (NULL as "") into a fixed array that always terminates, as
 * str_fmt(dst, size, "%s", src) does without the cost of a format; returns
 * false when it was cut. size > 0. */
bool str_copy(char *dst, size_t size, const char *src);

bool str_eq(const char *a, const char *b); /* NULL-safe equality */
bool str_starts(const char *s, const char *prefix);

#endif
