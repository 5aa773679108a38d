/* fuzz_router.c - the router's path matcher (http/router.h).
 *
 * The input is a pattern and a path separated by a NUL. Properties: a
 * match never writes past the parameter store; every placeholder took a
 * non-empty value with no '/'; and putting the values back into the
 * pattern gives the path again. The path is also run against the real
 * route table through api_body_limit, which walks every pattern. */
#include "api/api.h"
#include "base/buf.h"
#include "fuzz.h"
#include "http/router.h"

/* The pattern with its placeholders replaced by the matched values. */
static void rebuild(const char *pattern, const http_req *r, buf *out)
{
    int k = 0;
    for (const char *p = pattern; *p;) {
        if (*p == '{' && (p == pattern || p[-1] == '/')) {
            const char *seg_end = p + strcspn(p, "/");
            const char *close = memchr(p, '}', (size_t)(seg_end - p));
            if (close && seg_end - p > 1) {
                buf_puts(out, k < r->nparams ? r->params[k] : "");
                k++;
                p = close + 1;
                continue;
            }
        }
        buf_append(out, p, 1);
        p++;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192)
        return 0;
    struct fuzz_in in = {data, size};
    char *pattern = fuzz_str(&in), *path = fuzz_str(&in);
    http_req r = {0};
    /* An exact-size store, so a write past it is caught. */
    size_t storelen = 1 + (strlen(path) & 0xff);
    char *params = malloc(storelen);
    if (http_route_match(pattern, path, &r, params, storelen)) {
        fuzz_assert(r.nparams >= 0 && r.nparams <= LIMIT_HTTP_PATH_SEGMENTS);
        for (int i = 0; i < r.nparams; i++) {
            fuzz_assert(r.params[i] >= params && r.params[i] < params + storelen);
            fuzz_assert(*r.params[i] && !strchr(r.params[i], '/'));
        }
        buf again;
        buf_init(&again, 1 << 16);
        rebuild(pattern, &r, &again);
        if (strcmp(again.data ? again.data : "", path) != 0)
            fuzz_fail("\"%s\" matched \"%s\" but rebuilds as \"%s\"", path, pattern, again.data);
        buf_cleanup(&again);
    }
    for (int m = HTTP_GET; m <= HTTP_OTHER; m++) {
        size_t limit = api_body_limit((enum http_method)m, path);
        fuzz_assert(limit == LIMIT_HTTP_BODY_BYTES || limit == LIMIT_HTTP_IMPORT_BODY_BYTES);
    }
    free(params);
    free(pattern);
    free(path);
    return 0;
}
