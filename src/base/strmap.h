/* strmap.h - a hash table from strings to numbers (open addressing).
 *
 * Keys are borrowed: the caller keeps them alive (a pool, base/pool.h, is
 * the usual home) for as long as the map. Values are size_t, typically
 * an index into an array the caller owns. Linear probing over a power of
 * two of slots, kept at most half full; FNV-1a hashes. Allocation cannot
 * fail (base/mem.h). There is no removal: the maps it serves only grow.
 */
#ifndef TANDEM_BASE_STRMAP_H
#define TANDEM_BASE_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STRMAP_MIN_SLOTS 64

typedef struct strmap {
    struct strmap_slot *slots; /* NULL until the first put */
    size_t nslots, len;
} strmap;

/* A zeroed map is empty and ready (`strmap m = {0};`). */

/* Looks key up: true and *value set when it is there, else false (*value
 * untouched). */
bool strmap_get(const strmap *m, const char *key, size_t *value);

/* Adds key -> value when key is absent and returns true; when key is
 * there already, leaves it, sets *value to its value (when existing is not
 * NULL) and returns false. key must outlive the map. */
bool strmap_add(strmap *m, const char *key, size_t value, size_t *existing);

/* Frees the table (not the keys); m may be NULL; empty and usable after. */
void strmap_cleanup(strmap *m);

/* The FNV-1a hash of s, as the map uses it. */
uint64_t strmap_hash(const char *s);

#endif
