#include "domain/markdown.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include "base/buf.h"
#include "base/mem.h"

/* cmark's own safe mode stays on (CMARK_OPT_UNSAFE is not set): whatever
 * the rewrite below misses is omitted by the renderer, never emitted. */
#define OPTIONS (CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8)

static const char *const EXTENSIONS[] = {"table", "autolink", "strikethrough"};

static pthread_once_t registered = PTHREAD_ONCE_INIT;

static void register_extensions(void)
{
    cmark_gfm_core_extensions_ensure_registered();
}

/* Only web and mail addresses become links; javascript:, data:, relative
 * and every other target do not. The check runs on the URL as cmark
 * decoded it, after entities and backslash escapes. */
static bool safe_url(const char *u)
{
    static const char *const schemes[] = {"https://", "http://", "mailto:"};
    for (size_t i = 0; u && i < sizeof schemes / sizeof schemes[0]; i++) {
        size_t l = strlen(schemes[i]);
        if (strlen(u) > l && strncasecmp(u, schemes[i], l) == 0)
            return true;
    }
    return false;
}

static void attr(buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '&': buf_puts(b, "&amp;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        case '\'': buf_puts(b, "&#39;"); break;
        default: buf_append(b, s, 1);
        }
    }
}

/* Moves node's children in front of it, then frees it. */
static void unwrap(cmark_node *node)
{
    cmark_node *child;
    while ((child = cmark_node_first_child(node)) != NULL) {
        /* A child the parent refuses is dropped rather than left to loop
         * on (not reached: nothing of ours is put in a table cell). */
        if (!cmark_node_insert_before(node, child)) {
            cmark_node_unlink(child);
            cmark_node_free(child);
        }
    }
    cmark_node_free(node);
}

static cmark_node *text_node(const char *literal, size_t n)
{
    cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
    char *s = xstrndup(literal ? literal : "", n);
    cmark_node_set_literal(t, s);
    free(s);
    return t;
}

/* Raw HTML is shown as the text the author typed. */
static void html_as_text(cmark_node *node)
{
    const char *lit = cmark_node_get_literal(node);
    size_t n = lit ? strlen(lit) : 0;
    while (n && (lit[n - 1] == '\n' || lit[n - 1] == '\r'))
        n--;
    cmark_node *t = text_node(lit, n);
    if (cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK) {
        cmark_node *p = cmark_node_new(CMARK_NODE_PARAGRAPH);
        cmark_node_append_child(p, t);
        t = p;
    }
    cmark_node_replace(node, t);
    cmark_node_free(node);
}

static bool inside_link(cmark_node *node)
{
    for (cmark_node *p = cmark_node_parent(node); p; p = cmark_node_parent(p))
        if (cmark_node_get_type(p) == CMARK_NODE_LINK)
            return true;
    return false;
}

static bool inside_table_cell(cmark_node *node)
{
    for (cmark_node *p = cmark_node_parent(node); p; p = cmark_node_parent(p))
        if (strcmp(cmark_node_get_type_string(p), "table_cell") == 0)
            return true; /* the extension's node type has no public constant here */
    return false;
}

/* Replaces an image with a plain link to the picture, its alt text the
 * link's text. */
static void image_to_link(cmark_node *image, const char *url)
{
    cmark_node *link = cmark_node_new(CMARK_NODE_LINK), *child;
    cmark_node_set_url(link, url);
    const char *title = cmark_node_get_title(image);
    if (title && *title)
        cmark_node_set_title(link, title);
    while ((child = cmark_node_first_child(image)) != NULL)
        cmark_node_append_child(link, child);
    if (!cmark_node_first_child(link))
        cmark_node_append_child(link, text_node(url, strlen(url)));
    cmark_node_replace(image, link);
    cmark_node_free(image);
}

/* A link (or an image, which becomes a link to the picture) with a safe
 * target is written by this module, with rel="noopener noreferrer"; with
 * any other target it is reduced to its text. */
static void rewrite_link(cmark_node *node)
{
    const char *url = cmark_node_get_url(node);
    bool image = cmark_node_get_type(node) == CMARK_NODE_IMAGE;
    if (!safe_url(url) || (image && (strncasecmp(url, "mailto:", 7) == 0 || inside_link(node)))) {
        unwrap(node);
        return;
    }
    if (inside_table_cell(node)) {
        /* A table cell refuses custom nodes: a link there stays one cmark
         * writes itself (the same safe target and title, without rel; the
         * pages send Referrer-Policy: no-referrer), an image becomes such a
         * link. Replacing them failed quietly before: the link and its text
         * were lost and the new node leaked; unwrapping a link around one
         * looped for ever (tests/fuzz/corpus/markdown/crash-*). */
        if (image)
            image_to_link(node, url);
        return;
    }
    buf open;
    buf_init(&open, (size_t)-1);
    buf_puts(&open, "<a href=\"");
    attr(&open, url);
    buf_puts(&open, "\"");
    const char *title = cmark_node_get_title(node);
    if (title && *title) {
        buf_puts(&open, " title=\"");
        attr(&open, title);
        buf_puts(&open, "\"");
    }
    buf_puts(&open, " rel=\"noopener noreferrer\">");
    cmark_node *a = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
    cmark_node_set_on_enter(a, open.data);
    cmark_node_set_on_exit(a, "</a>");
    buf_cleanup(&open);
    cmark_node *child;
    while ((child = cmark_node_first_child(node)) != NULL)
        cmark_node_append_child(a, child);
    if (!cmark_node_first_child(a))
        cmark_node_append_child(a, text_node(url, strlen(url)));
    cmark_node_replace(node, a);
    cmark_node_free(node);
}

/* The nodes to rewrite, collected first: the tree is changed only after
 * the walk. Images come before the links that hold them (exit order). */
typedef struct {
    cmark_node **v;
    size_t n, cap;
} nodes;

static void push(nodes *ns, cmark_node *node)
{
    if (ns->n == ns->cap) {
        ns->cap = ns->cap ? 2 * ns->cap : 16;
        size_t bytes;
        if (!mem_mul_ok(ns->cap, sizeof *ns->v, &bytes))
            abort();
        ns->v = xrealloc(ns->v, bytes);
    }
    ns->v[ns->n++] = node;
}

static void make_safe(cmark_node *doc)
{
    nodes ns = {0};
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(node);
        bool leaf = t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE;
        if ((leaf && ev == CMARK_EVENT_ENTER) ||
            ((t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) && ev == CMARK_EVENT_EXIT))
            push(&ns, node);
    }
    cmark_iter_free(it);
    for (size_t i = 0; i < ns.n; i++) {
        cmark_node_type t = cmark_node_get_type(ns.v[i]);
        if (t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE)
            html_as_text(ns.v[i]);
        else
            rewrite_link(ns.v[i]);
    }
    free(ns.v);
}

char *markdown_to_html(const char *md)
{
    pthread_once(&registered, register_extensions);
    const char *src = md ? md : "";
    cmark_parser *parser = cmark_parser_new(OPTIONS);
    for (size_t i = 0; i < sizeof EXTENSIONS / sizeof EXTENSIONS[0]; i++) {
        cmark_syntax_extension *ext = cmark_find_syntax_extension(EXTENSIONS[i]);
        if (ext)
            cmark_parser_attach_syntax_extension(parser, ext);
    }
    cmark_parser_feed(parser, src, strlen(src));
    cmark_node *doc = cmark_parser_finish(parser);
    make_safe(doc);
    char *html = cmark_render_html(doc, OPTIONS, cmark_parser_get_syntax_extensions(parser));
    cmark_node_free(doc);
    cmark_parser_free(parser);
    char *out = xstrdup(html ? html : "");
    free(html);
    return out;
}
