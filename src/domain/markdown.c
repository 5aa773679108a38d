#include "domain/markdown.h"

#include <stdbool.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"

#define MARKDOWN_MAX_BYTES (4u << 20)

static void escape(buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '&': buf_puts(b, "&amp;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        case '\'': buf_puts(b, "&#39;"); break;
        default: buf_append(b, &s[i], 1);
        }
    }
}

static bool safe_url(const char *u, size_t n)
{
    static const char *const schemes[] = {"https://", "http://", "mailto:"};
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        size_t l = strlen(schemes[i]);
        if (n > l && strncmp(u, schemes[i], l) == 0)
            return true;
    }
    return false;
}

/* Finds the closing marker for an emphasis run starting after `open`. */
static const char *closing(const char *s, const char *end, const char *mark)
{
    size_t ml = strlen(mark);
    for (const char *p = s; p + ml <= end; p++)
        if (memcmp(p, mark, ml) == 0 && p > s)
            return p;
    return NULL;
}

static void inline_text(buf *b, const char *s, const char *end)
{
    const char *p = s;
    while (p < end) {
        if (*p == '`') {
            const char *c = memchr(p + 1, '`', (size_t)(end - p - 1));
            if (c) {
                buf_puts(b, "<code>");
                escape(b, p + 1, (size_t)(c - p - 1));
                buf_puts(b, "</code>");
                p = c + 1;
                continue;
            }
        }
        if (p + 1 < end && p[0] == '*' && p[1] == '*') {
            const char *c = closing(p + 2, end, "**");
            if (c) {
                buf_puts(b, "<strong>");
                inline_text(b, p + 2, c);
                buf_puts(b, "</strong>");
                p = c + 2;
                continue;
            }
        }
        if (*p == '*' || *p == '_') {
            char m[2] = {*p, 0};
            const char *c = closing(p + 1, end, m);
            if (c && c[-1] != ' ') {
                buf_puts(b, "<em>");
                inline_text(b, p + 1, c);
                buf_puts(b, "</em>");
                p = c + 1;
                continue;
            }
        }
        if (*p == '[') {
            const char *rb = memchr(p, ']', (size_t)(end - p));
            if (rb && rb + 1 < end && rb[1] == '(') {
                const char *rp = memchr(rb, ')', (size_t)(end - rb));
                if (rp) {
                    const char *url = rb + 2;
                    size_t ul = (size_t)(rp - url);
                    if (safe_url(url, ul) && !memchr(url, ' ', ul)) {
                        buf_puts(b, "<a href=\"");
                        escape(b, url, ul);
                        buf_puts(b, "\" rel=\"noopener noreferrer\">");
                        inline_text(b, p + 1, rb);
                        buf_puts(b, "</a>");
                    } else {
                        inline_text(b, p + 1, rb); /* unsafe target: keep the text only */
                    }
                    p = rp + 1;
                    continue;
                }
            }
        }
        escape(b, p, 1);
        p++;
    }
}

enum block { NONE, PARA, UL, OL, PRE };

static void close_block(buf *b, enum block *open)
{
    static const char *const ends[] = {"", "</p>\n", "</li>\n</ul>\n", "</li>\n</ol>\n",
                                       "</code></pre>\n"};
    buf_puts(b, ends[*open]);
    *open = NONE;
}

static size_t indent_of(const char *l, size_t n)
{
    size_t i = 0;
    while (i < n && l[i] == ' ')
        i++;
    return i;
}

char *markdown_to_html(const char *md)
{
    buf b;
    buf_init(&b, MARKDOWN_MAX_BYTES * 6);
    enum block open = NONE;
    const char *p = md ? md : "";
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n && p[n - 1] == '\r')
            n--;
        const char *line = p;
        p = nl ? nl + 1 : p + strlen(p);
        size_t ind = indent_of(line, n);
        const char *t = line + ind;
        size_t tn = n - ind;

        if (tn >= 3 && strncmp(t, "```", 3) == 0) {
            if (open == PRE) {
                close_block(&b, &open);
            } else {
                close_block(&b, &open);
                buf_puts(&b, "<pre><code>");
                open = PRE;
            }
            continue;
        }
        if (open == PRE) {
            escape(&b, line, n);
            buf_puts(&b, "\n");
            continue;
        }
        if (tn == 0) {
            close_block(&b, &open);
            continue;
        }
        size_t h = 0;
        while (h < tn && h < 7 && t[h] == '#')
            h++;
        if (h >= 1 && h <= 6 && h < tn && t[h] == ' ') {
            close_block(&b, &open);
            buf_printf(&b, "<h%zu>", h);
            inline_text(&b, t + h + 1, t + tn);
            buf_printf(&b, "</h%zu>\n", h);
            continue;
        }
        if (tn >= 3 && (strspn(t, "-") == tn || strspn(t, "*") == tn)) {
            close_block(&b, &open);
            buf_puts(&b, "<hr>\n");
            continue;
        }
        bool bullet = tn >= 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && t[1] == ' ';
        size_t digits = strspn(t, "0123456789");
        bool numbered = digits > 0 && digits < tn - 1 && t[digits] == '.' && t[digits + 1] == ' ';
        if (bullet || numbered) {
            enum block want = bullet ? UL : OL;
            if (open == want) {
                buf_puts(&b, "</li>\n<li>");
            } else {
                close_block(&b, &open);
                buf_puts(&b, want == UL ? "<ul>\n<li>" : "<ol>\n<li>");
                open = want;
            }
            const char *item = bullet ? t + 2 : t + digits + 2;
            inline_text(&b, item, t + tn);
            continue;
        }
        if (open == UL || open == OL) {
            if (ind >= 2) { /* a continuation of the list item */
                buf_puts(&b, " ");
                inline_text(&b, t, t + tn);
                continue;
            }
            close_block(&b, &open);
        }
        if (open == PARA) {
            buf_puts(&b, "\n");
        } else {
            buf_puts(&b, "<p>");
            open = PARA;
        }
        inline_text(&b, t, t + tn);
    }
    close_block(&b, &open);
    char *out = buf_take(&b);
    return out ? out : xstrdup("");
}
