#include "base/csv.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/mem.h"
#include "base/str.h"

void csv_init(csv_reader *r, const char *data, size_t len)
{
    memset(r, 0, sizeof *r);
    r->data = data;
    r->len = len;
    r->cur_line = 1;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        r->pos = 3; /* the byte-order mark is not a character of line 1 */
}

void csv_cleanup(csv_reader *r)
{
    if (!r)
        return;
    free(r->text);
    free(r->fields);
    r->text = NULL;
    r->fields = NULL;
    r->text_size = r->fields_size = 0;
}

size_t csv_offset(const csv_reader *r)
{
    return r->pos;
}

static int fail_at(csv_reader *r, unsigned line, unsigned column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail_at(csv_reader *r, unsigned line, unsigned column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->error.msg, sizeof r->error.msg, fmt, ap);
    va_end(ap);
    r->error.line = line;
    r->error.column = column;
    r->error.field = r->nfields;
    r->failed = 1;
    return -1;
}

/* Appends n bytes to the record's text; -1 past LIMIT_CSV_RECORD_BYTES. */
static int put(csv_reader *r, const char *p, size_t n)
{
    if (n > LIMIT_CSV_RECORD_BYTES || r->text_len > LIMIT_CSV_RECORD_BYTES - n)
        return fail_at(r, r->line, 1, "the record is longer than %u bytes",
                       (unsigned)LIMIT_CSV_RECORD_BYTES);
    if (r->text_len + n + 1 > r->text_size) {
        size_t size = r->text_size ? r->text_size : 1024;
        while (size < r->text_len + n + 1)
            size *= 2;
        r->text = xrealloc(r->text, size);
        r->text_size = size;
    }
    memcpy(r->text + r->text_len, p, n);
    r->text_len += n;
    return 0;
}

/* The length of the character at pos (1 to 4 bytes), or 0 after failing
 * with the position when it is not well-formed UTF-8 or a NUL byte. */
static size_t char_len(csv_reader *r)
{
    unsigned char c = (unsigned char)r->data[r->pos];
    if (c == 0) {
        fail_at(r, r->cur_line, r->cur_col + 1, "NUL byte in the text");
        return 0;
    }
    if (c < 0x80)
        return 1;
    size_t n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (!n || n > r->len - r->pos || !str_utf8_valid(r->data + r->pos, n)) {
        fail_at(r, r->cur_line, r->cur_col + 1,
                "invalid UTF-8 (byte 0x%02X); save the file as UTF-8", c);
        return 0;
    }
    return n;
}

/* At a CR or LF: consumes one line break (CRLF, LF or CR). */
static void line_break(csv_reader *r, bool keep)
{
    size_t n =
        r->data[r->pos] == '\r' && r->pos + 1 < r->len && r->data[r->pos + 1] == '\n' ? 2 : 1;
    if (keep)
        put(r, r->data + r->pos, n); /* within a field: bounded by the record cap checked after */
    r->pos += n;
    r->cur_line++;
    r->cur_col = 0;
}

static bool at_break(const csv_reader *r)
{
    return r->pos < r->len && (r->data[r->pos] == '\n' || r->data[r->pos] == '\r');
}

static int add_field(csv_reader *r, size_t start, unsigned line, unsigned column)
{
    if (r->nfields >= LIMIT_CSV_FIELDS)
        return fail_at(r, line, column, "more than %d fields in one record", LIMIT_CSV_FIELDS);
    if (r->nfields == r->fields_size) {
        r->fields_size = r->fields_size ? r->fields_size * 2 : 16;
        r->fields = xrealloc(r->fields, r->fields_size * sizeof *r->fields);
    }
    if (put(r, "", 1)) /* the NUL */
        return -1;
    /* text may move while the record grows: keep the offset for now */
    r->fields[r->nfields++] = (struct csv_field){.text = (const char *)(uintptr_t)start,
                                                 .len = r->text_len - 1 - start,
                                                 .line = line,
                                                 .column = column};
    return 0;
}

/* Copies the run of plain ASCII at pos - printable, no quote, and no
 * comma when one ends the field - in one piece: 1 when there was one, 0
 * when there was none, -1 past the record's cap. */
static int ascii_run(csv_reader *r, bool comma_ends)
{
    size_t end = r->pos;
    while (end < r->len && (unsigned char)r->data[end] >= 0x20 &&
           (unsigned char)r->data[end] < 0x80 && r->data[end] != '"' &&
           !(comma_ends && r->data[end] == ','))
        end++;
    if (end == r->pos)
        return 0;
    if (put(r, r->data + r->pos, end - r->pos))
        return -1;
    r->cur_col += (unsigned)(end - r->pos);
    r->pos = end;
    return 1;
}

static int quoted(csv_reader *r, unsigned line, unsigned column)
{
    r->pos++; /* the opening quote */
    r->cur_col++;
    for (;;) {
        if (r->pos >= r->len)
            return fail_at(r, line, column,
                           "unterminated quoted field (the quote opened here is never closed)");
        char c = r->data[r->pos];
        if (c == '"') {
            if (r->pos + 1 < r->len && r->data[r->pos + 1] == '"') {
                if (put(r, "\"", 1))
                    return -1;
                r->pos += 2;
                r->cur_col += 2;
                continue;
            }
            r->pos++;
            r->cur_col++;
            break;
        }
        if (c == '\n' || c == '\r') {
            line_break(r, true);
            if (r->failed)
                return -1;
            continue;
        }
        /* a character at a time was 4 % of an import's instructions */
        int run = ascii_run(r, false);
        if (run < 0)
            return -1;
        if (run)
            continue;
        size_t n = char_len(r);
        if (!n || put(r, r->data + r->pos, n))
            return -1;
        r->pos += n;
        r->cur_col++;
    }
    if (r->pos < r->len && r->data[r->pos] != ',' && !at_break(r))
        return fail_at(
            r, r->cur_line, r->cur_col + 1,
            "stray quote: a quoted field must be followed by a comma or the end of the line");
    return 0;
}

static int unquoted(csv_reader *r)
{
    while (r->pos < r->len) {
        char c = r->data[r->pos];
        if (c == ',' || c == '\n' || c == '\r')
            break;
        if (c == '"')
            return fail_at(r, r->cur_line, r->cur_col + 1,
                           "stray quote: quote the whole field and double the quotes inside it");
        int run = ascii_run(r, true);
        if (run < 0)
            return -1;
        if (run)
            continue;
        size_t n = char_len(r);
        if (!n || put(r, r->data + r->pos, n))
            return -1;
        r->pos += n;
        r->cur_col++;
    }
    return 0;
}

int csv_next(csv_reader *r)
{
    if (r->failed)
        return -1;
    r->nfields = 0;
    r->text_len = 0;
    while (at_break(r))
        line_break(r, false); /* empty lines */
    if (r->pos >= r->len)
        return 0;
    r->line = r->cur_line;
    for (;;) {
        size_t start = r->text_len;
        unsigned line = r->cur_line, column = r->cur_col + 1;
        int rc = r->pos < r->len && r->data[r->pos] == '"' ? quoted(r, line, column) : unquoted(r);
        if (rc || r->failed || add_field(r, start, line, column))
            return -1;
        if (r->pos < r->len && r->data[r->pos] == ',') {
            r->pos++;
            r->cur_col++;
            continue;
        }
        if (at_break(r))
            line_break(r, false);
        break;
    }
    for (size_t i = 0; i < r->nfields; i++)
        r->fields[i].text = r->text + (uintptr_t)r->fields[i].text;
    return 1;
}
