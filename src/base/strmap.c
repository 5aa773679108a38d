/* strmap.c - the string hash table (see strmap.h). */
#include "base/strmap.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

struct strmap_slot {
    const char *key; /* NULL: empty */
    uint64_t hash;
    size_t value;
};

uint64_t strmap_hash(const char *s)
{
    uint64_t h = 14695981039346656037u; /* the FNV offset basis */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211u;
    }
    return h;
}

/* The slot holding key, or the empty slot where it would go. */
static struct strmap_slot *find(const strmap *m, const char *key, uint64_t h)
{
    size_t mask = m->nslots - 1, i = (size_t)h & mask;
    for (;;) {
        struct strmap_slot *s = &m->slots[i];
        if (!s->key || (s->hash == h && strcmp(s->key, key) == 0))
            return s;
        i = (i + 1) & mask;
    }
}

static void grow(strmap *m)
{
    size_t n = m->nslots ? m->nslots * 2 : STRMAP_MIN_SLOTS;
    struct strmap_slot *old = m->slots;
    size_t nold = m->nslots;
    m->slots = xcalloc(n, sizeof *m->slots);
    m->nslots = n;
    for (size_t i = 0; i < nold; i++)
        if (old[i].key)
            *find(m, old[i].key, old[i].hash) = old[i];
    free(old);
}

bool strmap_get(const strmap *m, const char *key, size_t *value)
{
    if (!m->nslots)
        return false;
    const struct strmap_slot *s = find(m, key, strmap_hash(key));
    if (!s->key)
        return false;
    *value = s->value;
    return true;
}

bool strmap_add(strmap *m, const char *key, size_t value, size_t *existing)
{
    if ((m->len + 1) * 2 > m->nslots)
        grow(m);
    uint64_t h = strmap_hash(key);
    struct strmap_slot *s = find(m, key, h);
    if (s->key) {
        if (existing)
            *existing = s->value;
        return false;
    }
    *s = (struct strmap_slot){.key = key, .hash = h, .value = value};
    m->len++;
    return true;
}

void strmap_cleanup(strmap *m)
{
    if (!m)
        return;
    free(m->slots);
    m->slots = NULL;
    m->nslots = m->len = 0;
}
