/* Unit tests for the training-module Markdown renderer: its output is
 * safe whatever the input, and the common forms render. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/markdown.h"

static void renders(const char *md, const char *want)
{
    char *html = markdown_to_html(md);
    if (strcmp(html, want) != 0)
        fail_msg("markdown %s\n  got:  %s\n  want: %s", md, html, want);
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
    renders("---", "<hr>\n");
    renders("line one\nline two", "<p>line one\nline two</p>\n");
}

static void test_html_is_text(void **state)
{
    (void)state;
    renders("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
    renders("<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n");
    renders("# <b>x</b>", "<h1>&lt;b&gt;x&lt;/b&gt;</h1>\n");
}

static void test_links_keep_only_safe_targets(void **state)
{
    (void)state;
    renders("[guide](https://example.org/a?b=1&c=2)",
            "<p><a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"noopener "
            "noreferrer\">guide</a></p>\n");
    renders("[x](javascript:alert(1))", "<p>x)</p>\n"); /* no link, and the text stays text */
    renders("[x](https://e.org\" onclick=\"y)", "<p>x</p>\n");
    renders("[mail](mailto:a@b.org)",
            "<p><a href=\"mailto:a@b.org\" rel=\"noopener noreferrer\">mail</a></p>\n");
}

static void test_odd_input_does_not_break(void **state)
{
    (void)state;
    renders("", "");
    renders("**", "<p>**</p>\n");
    renders("[unclosed](", "<p>[unclosed](</p>\n");
    renders("####### seven", "<p>####### seven</p>\n");
    renders("\r\n\r\n", "");
    char *html = markdown_to_html(NULL);
    assert_string_equal(html, "");
    free(html);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headings_paragraphs_lists),
        cmocka_unit_test(test_html_is_text),
        cmocka_unit_test(test_links_keep_only_safe_targets),
        cmocka_unit_test(test_odd_input_does_not_break),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
