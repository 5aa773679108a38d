/* fuzz_csv.c - the RFC 4180 reader (base/csv.h).
 *
 * Properties: every record ends in 0 or -1 and never runs past the
 * input; fields are NUL-terminated with the length given; positions
 * only move forward; after -1 the reader keeps answering -1; and a
 * re-encoding of what was read (every field quoted) reads back to the
 * same fields. */
#include "base/buf.h"
#include "base/csv.h"
#include "base/limits.h"
#include "fuzz.h"

static void quote(buf *b, const struct csv_field *f)
{
    buf_append(b, "\"", 1);
    for (size_t i = 0; i < f->len; i++) {
        if (f->text[i] == '"')
            buf_append(b, "\"", 1);
        buf_append(b, f->text + i, 1);
    }
    buf_append(b, "\"", 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    csv_reader r;
    csv_init(&r, (const char *)data, size);
    buf again;
    buf_init(&again, 64u << 20);
    size_t records = 0;
    unsigned last_line = 0;
    int rc;
    while ((rc = csv_next(&r)) == 1) {
        fuzz_assert(r.nfields >= 1 && r.nfields <= LIMIT_CSV_FIELDS);
        fuzz_assert(r.line >= last_line);
        last_line = r.line;
        fuzz_assert(csv_offset(&r) <= size);
        for (size_t i = 0; i < r.nfields; i++) {
            fuzz_assert(strlen(r.fields[i].text) == r.fields[i].len);
            fuzz_assert(r.fields[i].line >= r.line && r.fields[i].column >= 1);
            if (i)
                buf_append(&again, ",", 1);
            quote(&again, &r.fields[i]);
        }
        buf_append(&again, "\r\n", 2);
        records++;
    }
    if (rc < 0) {
        fuzz_assert(r.error.line >= 1 && r.error.msg[0]);
        fuzz_assert(csv_next(&r) == -1);
        csv_cleanup(&r);
        buf_cleanup(&again);
        return 0;
    }
    fuzz_assert(rc == 0);

    /* Reading the re-encoding gives the same records, field for field. */
    csv_reader a, b;
    csv_init(&a, (const char *)data, size);
    csv_init(&b, again.data ? again.data : "", again.len);
    size_t n = 0;
    int ra, rb;
    while ((ra = csv_next(&a)) == 1) {
        rb = csv_next(&b);
        if (rb != 1)
            fuzz_fail("record %zu read back as %d: %s", n + 1, rb, b.error.msg);
        fuzz_assert(a.nfields == b.nfields);
        for (size_t i = 0; i < a.nfields; i++)
            fuzz_assert(a.fields[i].len == b.fields[i].len &&
                        memcmp(a.fields[i].text, b.fields[i].text, a.fields[i].len) == 0);
        n++;
    }
    fuzz_assert(ra == 0 && n == records);
    csv_cleanup(&a);
    csv_cleanup(&b);
    csv_cleanup(&r);
    buf_cleanup(&again);
    return 0;
}
