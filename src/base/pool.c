/* pool.c - the string pool (see pool.h). */
#include "base/pool.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

struct pool_chunk {
    struct pool_chunk *next;
    size_t used, size;
    char data[];
};

char *pool_dup(pool *p, const char *s, size_t n)
{
    struct pool_chunk *c = p->chunks;
    if (!c || c->size - c->used < n + 1) {
        size_t size = n + 1 > POOL_CHUNK_BYTES ? n + 1 : POOL_CHUNK_BYTES;
        c = xmalloc(sizeof *c + size);
        c->used = 0;
        c->size = size;
        if (p->chunks && size > POOL_CHUNK_BYTES) {
            /* a long string: behind the current chunk, which keeps filling */
            c->next = p->chunks->next;
            p->chunks->next = c;
        } else {
            c->next = p->chunks;
            p->chunks = c;
        }
    }
    char *out = c->data + c->used;
    if (n)
        memcpy(out, s, n);
    out[n] = '\0';
    c->used += n + 1;
    return out;
}

char *pool_strdup(pool *p, const char *s)
{
    return s ? pool_dup(p, s, strlen(s)) : NULL;
}

void pool_cleanup(pool *p)
{
    if (!p)
        return;
    struct pool_chunk *c = p->chunks;
    while (c) {
        struct pool_chunk *next = c->next;
        free(c);
        c = next;
    }
    p->chunks = NULL;
}
