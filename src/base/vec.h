/* vec.h - a growable array of any element type.
 *
 *     VEC(struct row) rows = {0};
 *     struct row *w = VEC_PUSH(&rows);   // zeroed, at rows.items[rows.len - 1]
 *     ...
 *     VEC_FREE(&rows);
 *
 * The array doubles when full (from VEC_MIN_CAP), so pushing n elements
 * costs O(n). Pointers into items are valid until the next push.
 * Allocation cannot fail (base/mem.h); a size that overflows aborts.
 */
#ifndef TANDEM_BASE_VEC_H
#define TANDEM_BASE_VEC_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define VEC_MIN_CAP 16

#define VEC(T)                                                                                     \
    struct {                                                                                       \
        T *items;                                                                                  \
        size_t len, cap;                                                                           \
    }

/* Makes room for at least `need` elements of `elem` bytes in *items (of
 * capacity *cap), moving them when it must. The new room is zeroed. */
void vec_reserve(void **items, size_t *cap, size_t need, size_t elem);

/* A pointer to a new zeroed element at the end. */
#define VEC_PUSH(v)                                                                                \
    (vec_reserve((void **)&(v)->items, &(v)->cap, (v)->len + 1, sizeof *(v)->items),               \
     &(v)->items[(v)->len++])

/* Frees the elements; the vector is empty after and may be used again. */
#define VEC_FREE(v) (free((v)->items), (v)->items = NULL, (v)->len = (v)->cap = 0)

/* In items[0..n) - elements of `elem` bytes, sorted ascending by the
 * int64_t at byte `key_at` of each - the index of the first element whose
 * key is >= key, or n when there is none. O(log n). */
size_t vec_lower_bound(const void *items, size_t n, size_t elem, size_t key_at, int64_t key);

#endif
