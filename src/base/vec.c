/* vec.c - the growable array (see vec.h). */
#include "base/vec.h"

#include <stdio.h>
#include <string.h>

#include "base/mem.h"

void vec_reserve(void **items, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return;
    size_t want = *cap ? *cap : VEC_MIN_CAP;
    while (want < need) {
        if (want > (size_t)-1 / 2) {
            want = need;
            break;
        }
        want *= 2;
    }
    size_t bytes, old;
    if (!mem_mul_ok(want, elem, &bytes) || !mem_mul_ok(*cap, elem, &old)) {
        fputs("tandem: array size overflows\n", stderr);
        abort();
    }
    *items = xrealloc(*items, bytes);
    memset((char *)*items + old, 0, bytes - old);
    *cap = want;
}

size_t vec_lower_bound(const void *items, size_t n, size_t elem, size_t key_at, int64_t key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t k;
        memcpy(&k, (const char *)items + mid * elem + key_at, sizeof k);
        if (k < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
