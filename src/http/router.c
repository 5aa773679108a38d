#include "http/router.h"

#include <string.h>

/* Length of the segment starting at s (up to '/' or the end). */
static size_t seglen(const char *s)
{
    return strcspn(s, "/");
}

bool http_route_match(const char *pattern, const char *path, http_req *r, char *store,
                      size_t storelen)
{
    size_t used = 0;
    r->nparams = 0;
    const char *p = pattern, *u = path;
    for (;;) {
        if (*p != '/' || *u != '/')
            return *p == '\0' && *u == '\0';
        p++;
        u++;
        size_t pl = seglen(p), ul = seglen(u);
        if (pl > 1 && p[0] == '{') {
            const char *close = memchr(p, '}', pl);
            if (!close)
                return false;
            size_t suffix = pl - (size_t)(close + 1 - p);
            if (ul <= suffix || memcmp(u + ul - suffix, close + 1, suffix) != 0)
                return false;
            size_t vl = ul - suffix;
            if (r->nparams >= LIMIT_HTTP_PATH_SEGMENTS || used + vl + 1 > storelen)
                return false;
            memcpy(store + used, u, vl);
            store[used + vl] = '\0';
            r->params[r->nparams++] = store + used;
            used += vl + 1;
        } else if (pl != ul || memcmp(p, u, pl) != 0) {
            return false;
        }
        p += pl;
        u += ul;
    }
}
