/* markdown.h - safe Markdown for training modules, through libcmark-gfm.
 *
 * GitHub-flavoured Markdown (CommonMark with tables, autolinks and
 * strikethrough). Safe whatever the input:
 *  - raw HTML, as a block or inline, is shown as the text the author typed
 *    (escaped), never passed through; cmark's safe mode stays on beneath;
 *  - links keep only http, https and mailto targets (checked after entity
 *    and escape decoding); any other target leaves the link text alone;
 *  - images are never loaded: an http(s) image becomes a plain link to the
 *    picture, its alt text the link text (the page's CSP refuses remote
 *    images, and a picture fetched on load would tell its host who read
 *    the module); any other image leaves its alt text.
 * Every link written carries rel="noopener noreferrer", except in a table
 * cell, where cmark writes the link itself (same safe target and title).
 */
#ifndef TANDEM_DOMAIN_MARKDOWN_H
#define TANDEM_DOMAIN_MARKDOWN_H

/* Renders md (UTF-8; invalid bytes are replaced; NULL is empty) as HTML.
 * The caller frees the result. Never NULL; cannot fail (out of memory
 * aborts). Thread-safe. */
char *markdown_to_html(const char *md);

#endif
