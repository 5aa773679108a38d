/* markdown.h - a small, safe Markdown renderer for training modules.
 *
 * Safe by construction: every character of the input is HTML-escaped; the
 * only tags in the output are the ones this renderer writes (h1-h6, p,
 * ul/ol/li, em, strong, code, pre, a, hr, br), and links keep only http,
 * https and mailto targets. Raw HTML in the input shows as text.
 */
#ifndef TANDEM_DOMAIN_MARKDOWN_H
#define TANDEM_DOMAIN_MARKDOWN_H

/* Renders md as HTML; the caller frees the result. Never NULL. */
char *markdown_to_html(const char *md);

#endif
