#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "http/http.h"

#define RESP_BODY_CAP                                                                              \
    (256u << 20) /* a reply never exceeds this; the import report is the largest */

void http_resp_init(http_resp *w)
{
    memset(w, 0, sizeof *w);
    w->status = 200;
    w->content_type = "application/json";
    w->no_store = true;
    buf_init(&w->body, RESP_BODY_CAP);
}

void http_resp_cleanup(http_resp *w)
{
    if (!w)
        return;
    buf_cleanup(&w->body);
    for (int i = 0; i < w->nheaders; i++)
        free(w->headers[i].value);
    w->nheaders = 0;
}

void http_resp_header(http_resp *w, const char *name, const char *value)
{
    if (w->nheaders >= HTTP_MAX_RESP_HEADERS)
        return;
    w->headers[w->nheaders].name = name;
    w->headers[w->nheaders].value = xstrdup(value);
    w->nheaders++;
}

void http_resp_body(http_resp *w, int status, const char *content_type, const void *data, size_t n)
{
    w->status = status;
    w->content_type = content_type;
    buf_reset(&w->body);
    buf_append(&w->body, data, n);
}

const char *http_method_str(enum http_method m)
{
    static const char *const names[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OTHER"};
    return names[m];
}
