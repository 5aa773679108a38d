/* validate.h - checking JSON input field by field, naming every bad field.
 *
 * Every check takes the object, the key and the path of the object (e.g.
 * "matching.criteria[2]"); on failure it records the full field path
 * ("matching.criteria[2].weight") and a message in a verr and returns -1.
 * A successful check returns 0 and stores the value or the default; a
 * failed one stores the default (NULL, def), so the next check can run.
 * Values handed out are borrowed from the input object.
 *
 * Naming every bad field at once: a verr made with VERR_COLLECT (`verr e =
 * VERR_COLLECT;`) collects up to LIMIT_FIELD_ERRORS bad fields, and the
 * reply names them all. Run the checks one after another and look at the
 * verr at the end, instead of stopping at the first (`||`):
 *
 *     verr e = VERR_COLLECT;
 *     v_known_keys(body, "", keys, &e);
 *     v_string(body, "name", "", true, false, LIMIT_NAME_BYTES, NULL, &name, &e);
 *     v_int(body, "capacity", "", 1, LIMIT_CAPACITY_MAX, 2, false, &capacity, &e);
 *     if (v_failed(&e))
 *         return api_invalid(c, &e);
 *
 * A check that depends on an earlier one (an object's members) runs only
 * when that one gave a value. A plain verr (`verr e = {0}`) keeps one
 * error, the last recorded, as every check did before verrs collected;
 * code that reuses one verr for several attempts relies on that.
 * docs/internals/service.md has the details.
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
    int n;        /* errors recorded: 0 .. LIMIT_FIELD_ERRORS */
    bool collect; /* record every error (VERR_COLLECT); else the last one stands */
    struct verr_item more[LIMIT_FIELD_ERRORS - 1];
} verr;

/* A verr that collects every error recorded in it. */
#define VERR_COLLECT ((verr){.collect = true})

/* Records the error at path.key and returns -1. A collecting verr adds it
 * after the errors already there, or puts it in place of the message of
 * an error recorded for the same field (a check refining what an inner
 * check said); beyond LIMIT_FIELD_ERRORS the rest is dropped. A plain verr
 * holds this error alone, in place of the one it had. */
int v_fail(verr *e, const char *path, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Records one more bad field after those already there, in a plain verr
 * too (for checks that go on after a failure). Returns -1. */
int v_add(verr *e, const char *path, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Records the errors of `from` in `into` as v_fail does: all of them in a
 * collecting verr, the first in a plain one. */
void v_merge(verr *into, const verr *from);

/* true once any error is recorded. */
bool v_failed(const verr *e);
/* How many errors are recorded (0 .. LIMIT_FIELD_ERRORS). */
int v_count(const verr *e);

/* The i-th recorded error (0 is e->field / e->msg); false past the end. */
bool verr_at(const verr *e, int i, const char **field, const char **msg);

/* Joins path and key ("a.b" + "c" -> "a.b.c"; "" + "c" -> "c"). */
void v_join(char *out, size_t outlen, const char *path, const char *key);
/* path + "[i]" */
void v_index(char *out, size_t outlen, const char *path, size_t i);

/* Refuses keys of obj not in allowed (NULL-terminated), each one named.
 * obj must be an object. */
int v_known_keys(const json_t *obj, const char *path, const char *const *allowed, verr *e);

/* obj[key] must be an object (or absent: *out = NULL when !required). */
int v_object(const json_t *obj, const char *key, const char *path, bool required, json_t **out,
             verr *e);
int v_array(const json_t *obj, const char *key, const char *path, size_t max, json_t **out,
            verr *e);

/* A string of 1..maxbytes bytes (0..maxbytes when allow_empty). Absent: *out = def. */
int v_string(const json_t *obj, const char *key, const char *path, bool required, bool allow_empty,
             size_t maxbytes, const char *def, const char **out, verr *e);
/* A single-line text (a person's or program's name, a title, a subject,
 * a label): as v_string, and refused when it holds a line break or any
 * other control character (U+0000-U+001F, U+007F-U+009F, U+2028, U+2029)
 * or a bidirectional embedding, override or isolate (U+202A-U+202E,
 * U+2066-U+2069), which would end a mail header or reorder what people
 * read. The rule is v_line_problem's. */
int v_line(const json_t *obj, const char *key, const char *path, bool required, bool allow_empty,
           size_t maxbytes, const char *def, const char **out, verr *e);

/* The single-line rule for text that does not come in as JSON (CSV cells,
 * command-line arguments): NULL when s (len bytes, UTF-8) may stand on one
 * line, else a message naming the first character refused ("must be a
 * single line: U+000A at byte 4 is a control character"), valid until the
 * next call from the same thread. */
const char *v_line_problem(const char *s, size_t len);

/* One of values (NULL-terminated). Absent: *out = def (required when def is NULL). */
int v_enum(const json_t *obj, const char *key, const char *path, const char *const *values,
           const char *def, const char **out, verr *e);
int v_int(const json_t *obj, const char *key, const char *path, int64_t min, int64_t max,
          int64_t def, bool required, int64_t *out, verr *e);
int v_number(const json_t *obj, const char *key, const char *path, double min, double max,
             double def, bool required, double *out, verr *e);
int v_bool(const json_t *obj, const char *key, const char *path, bool def, bool *out, verr *e);
/* A "YYYY-MM-DD" date of the years LIMIT_YEAR_MIN .. LIMIT_YEAR_MAX, or
 * absent (*out = NULL). */
int v_date(const json_t *obj, const char *key, const char *path, const char **out, verr *e);
/* An RFC 3339 date and time with an offset ("2026-03-10T09:00:00+01:00")
 * whose instant falls in the years LIMIT_YEAR_MIN .. LIMIT_YEAR_MAX (UTC):
 * *t the Unix seconds, *text the string (borrowed). Absent: *text = NULL,
 * *t = 0 (an error when required; JSON null counts as absent). */
int v_instant(const json_t *obj, const char *key, const char *path, bool required,
              const char **text, int64_t *t, verr *e);
/* true when the Unix seconds fall in the years LIMIT_YEAR_MIN ..
 * LIMIT_YEAR_MAX (UTC). */
bool v_instant_in_range(int64_t t);
/* An array of at most max strings of 1..maxbytes each, every bad item
 * named. Absent or bad: *out = NULL. */
int v_string_list(const json_t *obj, const char *key, const char *path, size_t max, size_t maxbytes,
                  json_t **out, verr *e);

/* The `version` of a versioned change (PUT/PATCH bodies that carry the
 * changed fields beside it): required, an integer 1..max. *rest is a new
 * copy of body without it (NULL on failure), for the caller to release.
 * Returns 0, or -1 naming "version". */
int v_version_split(const json_t *body, int64_t max, int64_t *version, json_t **rest, verr *e);

#endif
