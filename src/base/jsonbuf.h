/* jsonbuf.h - compact JSON text of a jansson value, fast.
 *
 * Writes what json_dumps(v, JSON_COMPACT) writes, byte for byte (keys in
 * the object's order, non-ASCII text as it is, the short escapes \b \f \n
 * \r \t and \uXXXX for other control characters, reals as "%.17g" with
 * ".0" added when they would read back as integers and the exponent's
 * "+" and leading zeros dropped), at a fraction of the cost: jansson
 * formats through a callback per piece and printf per number, which made
 * it a fifth of the CSV import's instructions when it wrote each row's
 * profile (measured with callgrind, bench/README.md).
 */
#ifndef TANDEM_BASE_JSONBUF_H
#define TANDEM_BASE_JSONBUF_H

#include <jansson.h>

#include "base/buf.h"

/* Appends v as compact JSON to b. Returns 0, or -1 when it would pass
 * b's cap (b is then unchanged). NULL writes null. Allocation cannot fail
 * (base/mem.h). */
int jsonbuf_value(buf *b, const json_t *v);

/* Appends n bytes of UTF-8 as a JSON string, or an integer, exactly as
 * jsonbuf_value writes them inside a value: for a reply written piece by
 * piece where building the tree would cost more than the text. 0, or -1
 * past b's cap (b unchanged). */
int jsonbuf_string(buf *b, const char *s, size_t n);
int jsonbuf_integer(buf *b, json_int_t x);

/* A JSON text written piece by piece, in a scratch area it owns (start
 * it as {0}; set len to 0 to reuse it; free with jsonbuf_out_free): for a
 * caller that writes a value from fields it holds, where building a
 * jansson tree would cost more than the text (the CSV import's profiles).
 * The pieces are written as jsonbuf_value writes them. Cannot fail
 * (base/mem.h); the caller bounds the size. */
struct jsonbuf_out {
    char *p;
    size_t len, cap;
};

void jsonbuf_put(struct jsonbuf_out *o, const char *s, size_t n); /* raw bytes: punctuation */
void jsonbuf_put_string(struct jsonbuf_out *o, const char *s, size_t n);
void jsonbuf_put_integer(struct jsonbuf_out *o, json_int_t x);
void jsonbuf_put_real(struct jsonbuf_out *o, double d);
void jsonbuf_out_free(struct jsonbuf_out *o); /* o may be NULL */

#endif
