/* fuzz.h - what the harnesses in tests/fuzz/ share.
 *
 * Each fuzz_<target>.c defines LLVMFuzzerTestOneInput (and may define
 * LLVMFuzzerInitialize); mk/fuzz.mk builds it twice: with libFuzzer
 * (clang, `make fuzz`) and with replay.c as its main (gcc's sanitizer
 * build, `make fuzz-replay`, part of `make check`), which runs it over
 * tests/fuzz/corpus/<target>/ once. A harness checks properties of the
 * output as well as the absence of crashes: a broken property calls
 * fuzz_fail, which aborts, so libFuzzer keeps the input as a crash.
 */
#ifndef TANDEM_TESTS_FUZZ_H
#define TANDEM_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define fuzz_fail(...)                                                                             \
    do {                                                                                           \
        fprintf(stderr, "fuzz: property broken at %s:%d: ", __FILE__, __LINE__);                   \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fputc('\n', stderr);                                                                       \
        abort();                                                                                   \
    } while (0)

#define fuzz_assert(cond)                                                                          \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fuzz_fail("%s", #cond);                                                                \
    } while (0)

/* A reader over the input that hands out typed pieces, so one input can
 * drive several parameters. Past the end it hands out zeros and "". */
struct fuzz_in {
    const uint8_t *p;
    size_t n;
};

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

static inline int64_t fuzz_i64(struct fuzz_in *in)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | fuzz_u8(in);
    int64_t out;
    memcpy(&out, &v, sizeof out);
    return out;
}

/* The bytes up to the next NUL (or the end) as a new NUL-terminated
 * string the caller frees. */
static inline char *fuzz_str(struct fuzz_in *in)
{
    const uint8_t *end = memchr(in->p, 0, in->n);
    size_t len = end ? (size_t)(end - in->p) : in->n;
    char *s = malloc(len + 1);
    if (!s)
        abort();
    memcpy(s, in->p, len);
    s[len] = '\0';
    in->p += len;
    in->n -= len;
    if (in->n) {
        in->p++;
        in->n--;
    }
    return s;
}

/* The whole input as a new NUL-terminated string (NUL bytes kept inside). */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

#endif
