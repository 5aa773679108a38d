#include "http/assets.h"

#include <string.h>

static const struct http_asset *find(const char *path)
{
    for (const struct http_asset *a = http_assets; a->path; a++)
        if (strcmp(a->path, path) == 0)
            return a;
    return NULL;
}

bool http_assets_serve(const http_req *r, http_resp *w)
{
    const struct http_asset *a = strcmp(r->path, "/") == 0 ? NULL : find(r->path);
    if (!a) {
        /* Unknown files under /assets/ are real 404s, not the app shell. */
        if (strncmp(r->path, "/assets/", 8) == 0)
            return false;
        a = find("/index.html");
    }
    if (!a)
        return false;
    http_resp_body(w, 200, a->content_type, a->data, a->size);
    w->no_store = false;
    w->cache_control = a->immutable ? "public, max-age=31536000, immutable" : "no-cache";
    return true;
}
