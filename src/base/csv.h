/* csv.h - an RFC 4180 reader over a buffer in memory.
 *
 * The input is UTF-8 (a leading byte-order mark is skipped); records end
 * with CRLF, LF or a lone CR; fields are separated by commas and may be
 * quoted, with "" standing for one quote inside a quoted field and line
 * breaks kept as they are. Lines holding nothing at all are skipped. The
 * reader does no I/O and never modifies the input.
 *
 * Positions are physical: line 1 is the first line of the buffer and a
 * quoted field spanning lines moves the count on; columns count
 * characters (code points) from 1. Every field carries the line and
 * column where it starts, so callers can point at a bad cell.
 *
 * Usage:
 *
 *     csv_reader r;
 *     csv_init(&r, data, len);
 *     while ((rc = csv_next(&r)) == 1)
 *         ... r.fields[0 .. r.nfields) ...
 *     if (rc < 0) ... r.error.line, r.error.column, r.error.msg ...
 *     csv_cleanup(&r);
 */
#ifndef TANDEM_BASE_CSV_H
#define TANDEM_BASE_CSV_H

#include <stddef.h>

struct csv_field {
    const char *text; /* unescaped and NUL-terminated; valid until the next csv_next */
    size_t len;       /* bytes, without the NUL */
    unsigned line;    /* where the field starts */
    unsigned column;
};

struct csv_error {
    unsigned line, column;
    size_t field; /* the record's field (from 0) being read when it failed */
    char msg[160];
};

typedef struct csv_reader {
    /* the current record, after csv_next returned 1 */
    struct csv_field *fields;
    size_t nfields;
    unsigned line;          /* the line the record starts on */
    struct csv_error error; /* after csv_next returned -1 */
    /* private */
    const char *data;
    size_t len, pos;
    unsigned cur_line, cur_col;
    char *text;
    size_t text_len, text_size;
    size_t fields_size;
    int failed;
} csv_reader;

/* Prepares r to read data[0..len). Nothing is copied: data must outlive r.
 * Cannot fail. */
void csv_init(csv_reader *r, const char *data, size_t len);

/* Frees what the reader allocated; r may be NULL. */
void csv_cleanup(csv_reader *r);

/* Reads the next record. Returns 1 when a record is in r->fields, 0 at
 * the end of the input, -1 on malformed input with r->error naming the
 * line, column and reason (invalid UTF-8, a NUL byte, an unterminated
 * quoted field, a stray quote, a record over LIMIT_CSV_FIELDS fields or
 * LIMIT_CSV_RECORD_BYTES bytes). After -1 every further call returns -1. */
int csv_next(csv_reader *r);

/* Bytes of the input consumed so far (for progress displays). */
size_t csv_offset(const csv_reader *r);

#endif
