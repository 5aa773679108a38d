/* mem.h - allocation that cannot fail.
 *
 * Out of memory is not a condition Tandem recovers from: every allocation
 * goes through these wrappers, which abort with a message instead of
 * returning NULL. Sizes computed from input must be checked with
 * mem_mul_ok() before they reach an allocation.
 */
#ifndef TANDEM_BASE_MEM_H
#define TANDEM_BASE_MEM_H

#include <stdbool.h>
#include <stddef.h>

void *xmalloc(size_t n);               /* never NULL; n == 0 gives a unique pointer */
void *xcalloc(size_t count, size_t n); /* zeroed; aborts on overflow */
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s); /* NULL in, NULL out */
char *xstrndup(const char *s, size_t n);

/* true when a * b fits in size_t; *out receives the product. */
bool mem_mul_ok(size_t a, size_t b, size_t *out);

#endif
