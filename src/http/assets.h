/* assets.h - the web UI's built files, compiled into the binary
 * (generated from web/dist by tools/embed.py). */
#ifndef TANDEM_HTTP_ASSETS_H
#define TANDEM_HTTP_ASSETS_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

struct http_asset {
    const char *path; /* "/index.html", "/assets/index-3f2a.js" */
    const char *content_type;
    const unsigned char *data;
    size_t size;
    int immutable; /* content-hashed name: cache for a year */
};

extern const struct http_asset http_assets[]; /* ends with path NULL */

/* Answers a GET for a UI path: the file when one has that path, else
 * index.html (the UI routes in the browser). Returns false when there is
 * no UI built in. */
bool http_assets_serve(const http_req *r, http_resp *w);

#endif
