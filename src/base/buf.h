/* buf.h - a growable byte buffer with a cap.
 *
 * A buf owns its bytes. Appends past the cap fail (return -1) and leave the
 * buffer unchanged, so input-driven growth is always bounded. The data is
 * kept NUL-terminated for convenience; len does not count the NUL.
 */
#ifndef TANDEM_BASE_BUF_H
#define TANDEM_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
    char *data; /* NULL until the first append */
    size_t len;
    size_t size; /* allocated bytes */
    size_t cap;  /* the most len may reach */
} buf;

void buf_init(buf *b, size_t cap);
void buf_cleanup(buf *b); /* frees the bytes; b may be reused after buf_init */
void buf_reset(buf *b);   /* len = 0, keeps the allocation */
int buf_append(buf *b, const void *p, size_t n); /* 0, or -1 over the cap */
int buf_puts(buf *b, const char *s);
int buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(buf *b, const char *fmt, va_list ap);
char *buf_take(buf *b); /* hands the NUL-terminated bytes to the caller; b is reset */

#endif
