/* pool.h - a string pool: many small strings that live and die together.
 *
 * Strings are copied into large chunks and freed all at once by
 * pool_cleanup(), so a job that keeps a few strings per input row (the
 * CSV import keeps hundreds of thousands) pays one allocation per chunk
 * instead of one per string. Allocation cannot fail (base/mem.h).
 */
#ifndef TANDEM_BASE_POOL_H
#define TANDEM_BASE_POOL_H

#include <stddef.h>

#define POOL_CHUNK_BYTES (1u << 20) /* a chunk's size; a longer string gets a chunk of its own */

typedef struct pool {
    struct pool_chunk *chunks; /* newest first; NULL when empty */
} pool;

/* A zeroed pool is empty and ready (`pool p = {0};`). */

/* Copies s[0..n) into the pool with a NUL after it and returns the copy,
 * valid until pool_cleanup(). s need not be NUL-terminated. */
char *pool_dup(pool *p, const char *s, size_t n);

/* pool_dup() of a NUL-terminated string; NULL in, NULL out. */
char *pool_strdup(pool *p, const char *s);

/* Frees every string of the pool; p may be NULL. The pool is empty after
 * and may be used again. */
void pool_cleanup(pool *p);

#endif
