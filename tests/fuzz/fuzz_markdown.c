/* fuzz_markdown.c - the Markdown renderer (domain/markdown.h), through its
 * public function only.
 *
 * Properties, whatever the renderer: it returns a string; no tag it
 * writes is one that runs script or loads content (script, style,
 * iframe, object, embed, svg, math, form, base, meta, link), no tag
 * carries an event-handler attribute, and no href or src attribute holds
 * a javascript:, vbscript: or data: URL. */
#include <ctype.h>
#include <stdbool.h>
#include <strings.h>

#include "domain/markdown.h"
#include "fuzz.h"

static const char *const banned_tags[] = {"script", "style", "iframe", "object", "embed", "svg",
                                          "math",   "form",  "base",   "meta",   "link",  "frame"};

/* Checks one tag's text (between '<' and '>'). */
static void check_tag(const char *t, size_t n)
{
    size_t i = 0;
    if (i < n && t[i] == '/')
        i++;
    size_t name = i;
    while (i < n && (isalnum((unsigned char)t[i]) || t[i] == '-'))
        i++;
    size_t nl = i - name;
    if (nl == 0)
        return; /* "<!--" or a bare "<": not a tag */
    for (size_t k = 0; k < sizeof banned_tags / sizeof banned_tags[0]; k++)
        if (strlen(banned_tags[k]) == nl && strncasecmp(t + name, banned_tags[k], nl) == 0)
            fuzz_fail("the output holds a <%.*s> tag", (int)nl, t + name);
    /* Attributes: name[=value] pairs. */
    while (i < n) {
        while (i < n && (isspace((unsigned char)t[i]) || t[i] == '/'))
            i++;
        size_t an = i;
        while (i < n && !isspace((unsigned char)t[i]) && t[i] != '=' && t[i] != '/')
            i++;
        size_t al = i - an;
        if (al >= 2 && strncasecmp(t + an, "on", 2) == 0)
            fuzz_fail("an event handler attribute %.*s", (int)al, t + an);
        if (i < n && t[i] == '=') {
            i++;
            char q = i < n && (t[i] == '"' || t[i] == '\'') ? t[i++] : 0;
            size_t vs = i;
            while (i < n && (q ? t[i] != q : !isspace((unsigned char)t[i])))
                i++;
            size_t vl = i - vs;
            if (q && i < n)
                i++;
            bool url = (al == 4 && strncasecmp(t + an, "href", 4) == 0) ||
                       (al == 3 && strncasecmp(t + an, "src", 3) == 0);
            if (url) {
                /* Entities and spaces are how a scheme hides; decode enough to see it. */
                char scheme[16];
                size_t sl = 0;
                for (size_t k = vs; k < vs + vl && sl < sizeof scheme - 1; k++) {
                    char ch = t[k];
                    if (isspace((unsigned char)ch) || (unsigned char)ch < 0x20)
                        continue;
                    if (ch == '&')
                        break; /* an entity inside the scheme: not one a browser runs below */
                    scheme[sl++] = (char)tolower((unsigned char)ch);
                    if (ch == ':')
                        break;
                }
                scheme[sl] = '\0';
                if (strncmp(scheme, "javascript:", 11) == 0 ||
                    strncmp(scheme, "vbscript:", 9) == 0 || strncmp(scheme, "data:", 5) == 0)
                    fuzz_fail("a %.*s URL with the scheme %s", (int)al, t + an, scheme);
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    char *md = fuzz_text(data, size);
    char *html = markdown_to_html(md);
    fuzz_assert(html != NULL);
    for (const char *p = html; (p = strchr(p, '<'));) {
        const char *end = strchr(p + 1, '>');
        if (!end)
            break;
        check_tag(p + 1, (size_t)(end - p - 1));
        p = end + 1;
    }
    free(html);
    free(md);
    return 0;
}
