/* Unit tests for the training-module Markdown renderer: its output is
 * safe whatever the input, and the common forms render. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "domain/markdown.h"

static void renders(const char *md, const char *want)
{
    char *html = markdown_to_html(md);
    if (strcmp(html, want) != 0)
        fail_msg("markdown %s\n  got:  %s\n  want: %s", md, html, want);
    free(html);
}

/* The tags and attributes the renderer may write; nothing else may come
 * out, whatever the input. */
static const char *const TAGS[] = {"h1",    "h2", "h3", "h4",         "h5",     "h6",    "p",
                                   "ul",    "ol", "li", "em",         "strong", "code",  "pre",
                                   "a",     "hr", "br", "blockquote", "del",    "table", "thead",
                                   "tbody", "tr", "th", "td",         NULL};
static const char *const ATTRS[] = {"href", "title", "rel", "align", "start", NULL};

static bool listed(const char *const *list, const char *s, size_t n)
{
    for (; *list; list++)
        if (strlen(*list) == n && strncmp(*list, s, n) == 0)
            return true;
    return false;
}

static void check_attr(const char *html, const char *name, size_t nl, const char *val, size_t vl)
{
    if (!listed(ATTRS, name, nl))
        fail_msg("attribute %.*s in %s", (int)nl, name, html);
    if (nl == 4 && strncmp(name, "href", 4) == 0 && strncasecmp(val, "https://", 8) != 0 &&
        strncasecmp(val, "http://", 7) != 0 && strncasecmp(val, "mailto:", 7) != 0)
        fail_msg("link target %.*s in %s", (int)vl, val, html);
    if (memchr(val, '<', vl) || memchr(val, '>', vl))
        fail_msg("unescaped < or > in an attribute of %s", html);
}

/* Walks every tag of html: known name, known attributes, quoted values,
 * safe link targets. Text between tags may hold no '>' alone. */
static void assert_safe(const char *md)
{
    char *html = markdown_to_html(md);
    const char *p = html;
    while ((p = strchr(p, '<')) != NULL) {
        p++;
        if (*p == '/')
            p++;
        size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz123456");
        if (!listed(TAGS, p, n))
            fail_msg("tag <%.*s in %s (from %s)", (int)n, p, html, md);
        p += n;
        while (*p && *p != '>') {
            while (*p == ' ')
                p++;
            if (*p == '/' || *p == '>')
                break;
            const char *name = p;
            size_t nl = strspn(p, "abcdefghijklmnopqrstuvwxyz");
            p += nl;
            if (nl == 0 || p[0] != '=' || p[1] != '"')
                fail_msg("malformed attribute in %s (from %s)", html, md);
            const char *val = p + 2;
            const char *end = strchr(val, '"');
            if (!end)
                fail_msg("unterminated attribute in %s", html);
            check_attr(html, name, nl, val, (size_t)(end - val));
            p = end + 1;
        }
        if (*p == '/')
            p++;
        if (*p != '>')
            fail_msg("unterminated tag in %s (from %s)", html, md);
    }
    free(html);
}

static void test_headings_paragraphs_lists(void **state)
{
    (void)state;
    renders("# Welcome\n\nHello *you* and **all**.",
            "<h1>Welcome</h1>\n<p>Hello <em>you</em> and <strong>all</strong>.</p>\n");
    renders(
        "- one\n- two\n\n1. first\n2. second",
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<ol>\n<li>first</li>\n<li>second</li>\n</ol>\n");
    renders("a `b<c` d", "<p>a <code>b&lt;c</code> d</p>\n");
    renders("```\n<x>\n```", "<pre><code>&lt;x&gt;\n</code></pre>\n");
    renders("---", "<hr />\n");
    renders("line one\nline two", "<p>line one\nline two</p>\n");
    renders("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>\n");
}

static void test_tables_and_strikethrough(void **state)
{
    (void)state;
    renders("| Week | Topic |\n|---|:-:|\n| 1 | ~~Intro~~ Goals |",
            "<table>\n<thead>\n<tr>\n<th>Week</th>\n<th align=\"center\">Topic</th>\n</tr>\n"
            "</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td align=\"center\"><del>Intro</del> "
            "Goals</td>\n</tr>\n</tbody>\n</table>\n");
    /* HTML in a cell is text, like everywhere else. */
    renders("| a |\n|---|\n| <b onclick=x>b</b> |",
            "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n"
            "<td>&lt;b onclick=x&gt;b&lt;/b&gt;</td>\n</tr>\n</tbody>\n</table>\n");
}

static void test_autolinks(void **state)
{
    (void)state;
    renders(
        "See www.example.org or https://example.org/guide.",
        "<p>See <a href=\"http://www.example.org\" rel=\"noopener noreferrer\">www.example.org</a>"
        " or <a href=\"https://example.org/guide\" rel=\"noopener "
        "noreferrer\">https://example.org/guide</a>.</p>\n");
    renders("Write to help@example.org",
            "<p>Write to <a href=\"mailto:help@example.org\" rel=\"noopener "
            "noreferrer\">help@example.org</a></p>\n");
    renders("<https://example.org>", "<p><a href=\"https://example.org\" rel=\"noopener "
                                     "noreferrer\">https://example.org</a></p>\n");
    /* An autolink of another scheme is text. */
    renders("<javascript:alert(1)>", "<p>javascript:alert(1)</p>\n");
}

static void test_html_is_text(void **state)
{
    (void)state;
    renders("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
    renders("<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n");
    renders("# <b>x</b>", "<h1>&lt;b&gt;x&lt;/b&gt;</h1>\n");
    /* An HTML block over several lines, and inline HTML in a sentence. */
    renders("<div>\n<iframe src=\"https://e.org\"></iframe>\n</div>",
            "<p>&lt;div&gt;\n&lt;iframe src=&quot;https://e.org&quot;&gt;&lt;/iframe&gt;\n"
            "&lt;/div&gt;</p>\n");
    renders("Hello <span style=\"x\">you</span>!",
            "<p>Hello &lt;span style=&quot;x&quot;&gt;you&lt;/span&gt;!</p>\n");
    renders("<!-- a comment -->", "<p>&lt;!-- a comment --&gt;</p>\n");
    renders("a <?php x ?> b", "<p>a &lt;?php x ?&gt; b</p>\n");
}

static void test_links_keep_only_safe_targets(void **state)
{
    (void)state;
    renders("[guide](https://example.org/a?b=1&c=2)",
            "<p><a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"noopener "
            "noreferrer\">guide</a></p>\n");
    renders("[x](javascript:alert(1))", "<p>x</p>\n"); /* no link, and the text stays text */
    /* The quote ends nothing: the address is autolinked up to it, the rest is text. */
    renders("[x](https://e.org\" onclick=\"y)",
            "<p>[x](<a href=\"https://e.org\" rel=\"noopener noreferrer\">https://e.org</a>&quot; "
            "onclick=&quot;y)</p>\n");
    renders("[mail](mailto:a@b.org)",
            "<p><a href=\"mailto:a@b.org\" rel=\"noopener noreferrer\">mail</a></p>\n");
    renders("[t](https://e.org \"say \\\"hi\\\" <now>\")",
            "<p><a href=\"https://e.org\" title=\"say &quot;hi&quot; &lt;now&gt;\" rel=\"noopener "
            "noreferrer\">t</a></p>\n");
    renders("[x](data:text/html;base64,PHNjcmlwdD4=)", "<p>x</p>\n");
    renders("[x](vbscript:msgbox)", "<p>x</p>\n");
    renders("[x](/relative/path)", "<p>x</p>\n");
    renders("[x](//evil.example)", "<p>x</p>\n");
    renders("[x](JavaScript:alert(1))", "<p>x</p>\n");
    renders("[x](HTTPS://EXAMPLE.ORG)",
            "<p><a href=\"HTTPS://EXAMPLE.ORG\" rel=\"noopener noreferrer\">x</a></p>\n");
    /* A reference definition is no way around it. */
    renders("[x][r]\n\n[r]: javascript:alert(1)", "<p>x</p>\n");
}

static void test_entity_tricks(void **state)
{
    (void)state;
    /* cmark decodes entities and escapes in a destination; the check runs after. */
    renders("[x](jav&#x61;script:alert(1))", "<p>x</p>\n");
    renders("[x](&#106;avascript:alert(1))", "<p>x</p>\n");
    renders("[x](javascript&colon;alert(1))", "<p>x</p>\n");
    renders("[x](java\\script:alert(1))", "<p>x</p>\n");
    renders("[x](<javascript:alert(1)>)", "<p>x</p>\n");
    /* Entities in text stay text: &lt;script&gt; is shown, never made a tag. */
    renders("&lt;script&gt;alert(1)&lt;/script&gt;",
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
    renders("&#60;img src=x onerror=alert(1)&#62;", "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n");
}

static void test_images_become_links(void **state)
{
    (void)state;
    renders("![The phases](https://example.org/phases.png)",
            "<p><a href=\"https://example.org/phases.png\" rel=\"noopener noreferrer\">The "
            "phases</a></p>\n");
    renders("![](https://example.org/p.png)",
            "<p><a href=\"https://example.org/p.png\" rel=\"noopener "
            "noreferrer\">https://example.org/p.png</a></p>\n");
    /* Any other source leaves the alt text. */
    renders("![pixel](data:image/png;base64,iVBORw0KGgo=)", "<p>pixel</p>\n");
    renders("![x](javascript:alert(1))", "<p>x</p>\n");
    renders("![x](mailto:a@b.org)", "<p>x</p>\n");
    renders("![x](local.png)", "<p>x</p>\n");
    /* An image inside a link: one link, no link in a link. */
    renders("[![logo](https://e.org/l.png)](https://e.org/)",
            "<p><a href=\"https://e.org/\" rel=\"noopener noreferrer\">logo</a></p>\n");
    renders("[![logo](https://e.org/l.png)](javascript:x)", "<p>logo</p>\n");
}

/* A table cell holds no node of the renderer's own: links and images in
 * cells used to vanish with their text (and the node made for them
 * leaked; tests/fuzz/corpus/markdown/crash-link-in-a-table-cell.md). */
static void test_links_in_table_cells(void **state)
{
    (void)state;
    char *html = markdown_to_html(
        "| [a link](https://example.org \"T\") | ![pic](https://example.org/p.png) "
        "| [bad](javascript:alert(1)) |\n|---|---|---|\n| x | y | z |");
    if (!strstr(html, "<th><a href=\"https://example.org\" title=\"T\">a link</a></th>") ||
        !strstr(html, "<th><a href=\"https://example.org/p.png\">pic</a></th>") ||
        !strstr(html, "<th>bad</th>"))
        fail_msg("links in cells: %s", html);
    free(html);
    assert_safe("| [a](https://example.org) ![b](http://e/x.png) [c](mailto:x@y.z) |\n|-|");
    /* An unsafe link around a safe one: unwrapping it looped for ever. */
    html = markdown_to_html("| ![[in](https://a.example)](javascript:x) |\n|-|");
    if (!strstr(html, "<th><a href=\"https://a.example\">in</a></th>"))
        fail_msg("a link in an unwrapped image in a cell: %s", html);
    free(html);
}

static void test_odd_input_does_not_break(void **state)
{
    (void)state;
    renders("", "");
    renders("**", "<p>**</p>\n");
    renders("[unclosed](", "<p>[unclosed](</p>\n");
    renders("####### seven", "<p>####### seven</p>\n");
    renders("\r\n\r\n", "");
    renders("bad \xff byte", "<p>bad \xef\xbf\xbd byte</p>\n"); /* replaced, not passed on */
    char *html = markdown_to_html(NULL);
    assert_string_equal(html, "");
    free(html);
    /* Deep nesting and long runs finish. */
    char deep[4001];
    memset(deep, '>', 4000);
    deep[4000] = 0;
    assert_safe(deep);
    memset(deep, '[', 4000);
    assert_safe(deep);
    memset(deep, '|', 4000);
    assert_safe(deep);
}

/* Every hostile form at once, through the tag checker. */
static void test_output_holds_only_known_tags(void **state)
{
    (void)state;
    static const char *const hostile[] = {
        "<script>alert(1)</script>",
        "<svg onload=alert(1)>",
        "x <img src=x onerror=alert(1)> y",
        "<a href=\"javascript:alert(1)\">x</a>",
        "[a](javascript:alert(1)) [b](data:text/html,x) [c](vbscript:x) [d](file:///etc/passwd)",
        "![a](javascript:alert(1)) ![b](data:image/svg+xml,<svg onload=alert(1)>)",
        "[a](https://e.org\"onmouseover=\"alert(1))",
        "[a](https://e.org 'x\" onclick=\"y')",
        "[a](<https://e.org/\"><script>>)",
        "<style>body{display:none}</style>",
        "<iframe src=https://e.org></iframe>",
        "<form action=https://e.org><input name=x></form>",
        "| <script>x</script> |\n|---|\n| [a](javascript:x) |",
        "~~<b>x</b>~~ www.e.org/<script> a@b.org<script>",
        "&#x3C;script&#x3E; &lt;b&gt; &amp;lt;",
        "`<script>` ```\n<script>\n```",
        "<!--><script>alert(1)</script>-->",
        "<![CDATA[<script>alert(1)</script>]]>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "[x](https://e.org)<script>",
        "> <script>\n> - [a](javascript:x)",
        "\x00<script>",
        NULL,
    };
    for (const char *const *h = hostile; *h; h++)
        assert_safe(*h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headings_paragraphs_lists),
        cmocka_unit_test(test_tables_and_strikethrough),
        cmocka_unit_test(test_autolinks),
        cmocka_unit_test(test_html_is_text),
        cmocka_unit_test(test_links_keep_only_safe_targets),
        cmocka_unit_test(test_entity_tricks),
        cmocka_unit_test(test_images_become_links),
        cmocka_unit_test(test_links_in_table_cells),
        cmocka_unit_test(test_odd_input_does_not_break),
        cmocka_unit_test(test_output_holds_only_known_tags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
