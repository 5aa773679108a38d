/* validate.h - checking JSON input field by field, naming the field.
 *
 * Every check takes the object, the key and the path of the object (e.g.
 * "matching.criteria[2]"); on failure it fills a verr with the full field
 * path ("matching.criteria[2].weight") and a message, and returns -1. A
 * successful check returns 0 and stores the value or the default.
 * Values handed out are borrowed from the input object.
 */
#ifndef TANDEM_DOMAIN_VALIDATE_H
#define TANDEM_DOMAIN_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/limits.h"

/* One bad field: its path ("matching.criteria[2].weight"; "" when the
 * refusal is about the whole input) and what is wrong with it. */
struct verr_item {
    char field[160];
    char msg[256];
};

/* What was wrong with an input: up to LIMIT_FIELD_ERRORS bad fields. The
 * first one is `field` and `msg`, which most callers read; the others are
 * in `more`. Start from `verr e = {0}`; every reply built from a verr
 * names all of them (api/api.h). */
typedef struct verr {
    char field[160];
    char msg[256];
    int n; /* errors recorded: 0 .. LIMIT_FIELD_ERRORS */
    struct verr_item more[LIMIT_FIELD_ERRORS - 1];
} verr;

/* Sets the error at path.key (replacing the first one, as every check
 * below does when it fails) and returns -1. */
int v_fail(verr *e, const char *path, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Records one more bad field after those already there (the first when
 * there is none), for checks that go on after a failure so that the reply
 * names every bad field; beyond LIMIT_FIELD_ERRORS the rest is dropped.
 * Returns -1. */
int v_add(verr *e, const char *path, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The i-th recorded error (0 is e->field / e->msg); false past the end. */
bool verr_at(const verr *e, int i, const char **field, const char **msg);

/* Joins path and key ("a.b" + "c" -> "a.b.c"; "" + "c" -> "c"). */
void v_join(char *out, size_t outlen, const char *path, const char *key);
/* path + "[i]" */
void v_index(char *out, size_t outlen, const char *path, size_t i);

/* Refuses keys of obj not in allowed (NULL-terminated). obj must be an object. */
int v_known_keys(const json_t *obj, const char *path, const char *const *allowed, verr *e);

/* obj[key] must be an object (or absent: *out = NULL when !required). */
int v_object(const json_t *obj, const char *key, const char *path, bool required, json_t **out,
             verr *e);
int v_array(const json_t *obj, const char *key, const char *path, size_t max, json_t **out,
            verr *e);

/* A string of 1..maxbytes bytes (0..maxbytes when allow_empty). Absent: *out = def. */
int v_string(const json_t *obj, const char *key, const char *path, bool required, bool allow_empty,
             size_t maxbytes, const char *def, const char **out, verr *e);
/* One of values (NULL-terminated). Absent: *out = def (required when def is NULL). */
int v_enum(const json_t *obj, const char *key, const char *path, const char *const *values,
           const char *def, const char **out, verr *e);
int v_int(const json_t *obj, const char *key, const char *path, int64_t min, int64_t max,
          int64_t def, bool required, int64_t *out, verr *e);
int v_number(const json_t *obj, const char *key, const char *path, double min, double max,
             double def, bool required, double *out, verr *e);
int v_bool(const json_t *obj, const char *key, const char *path, bool def, bool *out, verr *e);
/* A "YYYY-MM-DD" date or absent (*out = NULL). */
int v_date(const json_t *obj, const char *key, const char *path, const char **out, verr *e);
/* An array of at most max strings of 1..maxbytes each. Absent: *out = NULL. */
int v_string_list(const json_t *obj, const char *key, const char *path, size_t max, size_t maxbytes,
                  json_t **out, verr *e);

#endif
