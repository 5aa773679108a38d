/* match_json.c - the engine's file contract (product.md section 5).
 *
 * The only file of src/match that knows JSON. Reading validates every key
 * and names the place of the first problem: "in.json: mentors[3].capacity:
 * must be >= 0", or "in.json:4:7: <parser message>" for malformed JSON.
 * Writing goes to a temporary file renamed over the target on success.
 */
#include "match/engine.h"

#include "base/mem.h"
#include "base/str.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct rd {
    const char *name;
    char *err;
    size_t errlen;
    match_instance *in;
} rd;

static int fail(rd *R, const char *place, const char *msg)
{
    if (R->err)
        str_fmt(R->err, R->errlen, "%s: %s: %s", R->name, place, msg);
    return -1;
}

/* keys of obj must be among the NULL-terminated list */
static int only_keys(rd *R, const char *place, json_t *obj, const char *const *keys)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v)
    {
        bool ok = false;
        for (size_t i = 0; keys[i]; i++)
            if (strcmp(k, keys[i]) == 0)
                ok = true;
        if (!ok) {
            char p[256];
            if (place[0])
                str_fmt(p, sizeof p, "%s.%.80s", place, k);
            else
                str_fmt(p, sizeof p, "%.80s", k);
            return fail(R, p, "unknown key");
        }
    }
    return 0;
}

static int api_fail(rd *R, const char *place, const char *apierr)
{
    /* API messages start with the field they concern: "capacity: must be >= 0" */
    if (R->err)
        str_fmt(R->err, R->errlen, "%s: %s.%s", R->name, place, apierr);
    return -1;
}

static int get_count(rd *R, const char *place, json_t *obj, const char *key, int64_t *out)
{
    json_t *v = json_object_get(obj, key);
    char p[256];
    str_fmt(p, sizeof p, "%s.%s", place, key);
    if (!v) {
        *out = 1;
        return 0;
    }
    if (!json_is_integer(v))
        return fail(R, p, "must be an integer");
    *out = json_integer_value(v);
    if (*out < 0)
        return fail(R, p, "must be >= 0");
    if (*out > MATCH_MAX_CAPACITY)
        return fail(R, p, "too large");
    return 0;
}

static int read_attrs(rd *R, const char *place, json_t *attrs, match_side side, size_t idx)
{
    char err[256];
    const char *k;
    json_t *v;
    if (!json_is_object(attrs))
        return fail(R, place, "must be an object");
    json_object_foreach(attrs, k, v)
    {
        char p[320];
        str_fmt(p, sizeof p, "%s.%.80s", place, k);
        int rc = 0;
        if (json_is_string(v)) {
            rc = match_set_string(R->in, side, idx, k, json_string_value(v), err, sizeof err);
        } else if (json_is_number(v)) {
            rc = match_set_number(R->in, side, idx, k, json_number_value(v), err, sizeof err);
        } else if (json_is_array(v)) {
            size_t n = json_array_size(v), ns = 0, nn = 0;
            json_t *x;
            size_t i;
            json_array_foreach(v, i, x)
            {
                ns += json_is_string(x);
                nn += json_is_number(x);
            }
            if (n && ns == n) {
                const char **tags = xcalloc(n, sizeof *tags);
                json_array_foreach(v, i, x) tags[i] = json_string_value(x);
                rc = match_set_tags(R->in, side, idx, k, tags, n, err, sizeof err);
                free(tags);
            } else if (n && nn == n) {
                double *vec = xcalloc(n, sizeof *vec);
                json_array_foreach(v, i, x) vec[i] = json_number_value(x);
                rc = match_set_vector(R->in, side, idx, k, vec, n, err, sizeof err);
                free(vec);
            } else if (!n) {
                rc = match_set_tags(R->in, side, idx, k, NULL, 0, err, sizeof err);
            } else {
                return fail(R, p, "must be a list of strings or a list of numbers");
            }
        } else {
            return fail(R, p, "must be a string, a number, or a list of strings or numbers");
        }
        if (rc) {
            /* the API message starts with the field name; keep only its reason */
            const char *why = strstr(err, ": ");
            return fail(R, p, why ? why + 2 : err);
        }
    }
    return 0;
}

static int read_people(rd *R, json_t *root, match_side side)
{
    const char *key = side == MATCH_MENTOR ? "mentors" : "mentees";
    static const char *const mentor_keys[] = {"id", "capacity", "attrs", "name", NULL};
    static const char *const mentee_keys[] = {"id", "wants", "choices", "attrs", "name", NULL};
    json_t *arr = json_object_get(root, key);
    if (!arr)
        return fail(R, key, "required");
    if (!json_is_array(arr))
        return fail(R, key, "must be a list");
    size_t i;
    json_t *p;
    char err[256];
    json_array_foreach(arr, i, p)
    {
        char place[64];
        str_fmt(place, sizeof place, "%s[%zu]", key, i);
        if (!json_is_object(p))
            return fail(R, place, "must be an object");
        if (only_keys(R, place, p, side == MATCH_MENTOR ? mentor_keys : mentee_keys))
            return -1;
        json_t *id = json_object_get(p, "id");
        if (!json_is_string(id) || !json_string_length(id)) {
            char pp[80];
            str_fmt(pp, sizeof pp, "%s.id", place);
            return fail(R, pp, "must be a non-empty string");
        }
        json_t *nm = json_object_get(p, "name");
        if (nm && !json_is_string(nm)) {
            char pp[80];
            str_fmt(pp, sizeof pp, "%s.name", place);
            return fail(R, pp, "must be a string");
        }
        int64_t count;
        if (get_count(R, place, p, side == MATCH_MENTOR ? "capacity" : "wants", &count))
            return -1;
        size_t idx;
        int rc = side == MATCH_MENTOR
                     ? match_add_mentor(R->in, json_string_value(id), count, &idx, err, sizeof err)
                     : match_add_mentee(R->in, json_string_value(id), count, &idx, err, sizeof err);
        if (rc)
            return api_fail(R, place, err);
        json_t *attrs = json_object_get(p, "attrs");
        if (attrs) {
            char pp[80];
            str_fmt(pp, sizeof pp, "%s.attrs", place);
            if (read_attrs(R, pp, attrs, side, idx))
                return -1;
        }
    }
    return 0;
}

static int read_choices(rd *R, json_t *root)
{
    json_t *arr = json_object_get(root, "mentees");
    size_t i;
    json_t *p;
    json_array_foreach(arr, i, p)
    {
        json_t *ch = json_object_get(p, "choices");
        if (!ch)
            continue;
        char place[80];
        str_fmt(place, sizeof place, "mentees[%zu].choices", i);
        if (!json_is_array(ch))
            return fail(R, place, "must be a list of mentor ids");
        size_t n = json_array_size(ch);
        if (n > MATCH_MAX_CHOICES)
            return fail(R, place, "too many choices");
        size_t *ms = xcalloc(n + 1, sizeof *ms);
        size_t k;
        json_t *x;
        json_array_foreach(ch, k, x)
        {
            char pk[100];
            str_fmt(pk, sizeof pk, "%s[%zu]", place, k);
            long r = json_is_string(x) ? match_find(R->in, MATCH_MENTOR, json_string_value(x)) : -1;
            if (!json_is_string(x)) {
                free(ms);
                return fail(R, pk, "must be a mentor id");
            }
            if (r < 0) {
                char msg[160];
                str_fmt(msg, sizeof msg, "unknown mentor \"%.80s\"", json_string_value(x));
                free(ms);
                return fail(R, pk, msg);
            }
            ms[k] = (size_t)r;
        }
        char err[256];
        int rc = match_set_choices(R->in, i, ms, n, err, sizeof err);
        free(ms);
        if (rc) {
            const char *why = strstr(err, ": ");
            return fail(R, place, why ? why + 2 : err);
        }
    }
    return 0;
}

static int read_criteria(rd *R, json_t *arr)
{
    static const char *const keys[] = {"name",         "kind",   "field",    "mentee_field",
                                       "mentor_field", "weight", "required", "different",
                                       "scale",        "min",    "max",      NULL};
    if (!json_is_array(arr))
        return fail(R, "criteria", "must be a list");
    if (!json_array_size(arr))
        return fail(R, "criteria", "must list at least one criterion");
    size_t i;
    json_t *c;
    json_array_foreach(arr, i, c)
    {
        char place[64], p[128];
        str_fmt(place, sizeof place, "criteria[%zu]", i);
        if (!json_is_object(c))
            return fail(R, place, "must be an object");
        if (only_keys(R, place, c, keys))
            return -1;
        match_criterion cr = {0};
        cr.weight = 1;
        json_t *v;
        const char *strs[] = {"name", "field", "mentee_field", "mentor_field", "kind"};
        const char **dst[] = {&cr.name, &cr.field, &cr.mentee_field, &cr.mentor_field, NULL};
        const char *kind = NULL;
        for (int k = 0; k < 5; k++) {
            v = json_object_get(c, strs[k]);
            if (!v)
                continue;
            str_fmt(p, sizeof p, "%s.%s", place, strs[k]);
            if (!json_is_string(v) || !json_string_length(v))
                return fail(R, p, "must be a non-empty string");
            if (dst[k])
                *dst[k] = json_string_value(v);
            else
                kind = json_string_value(v);
        }
        str_fmt(p, sizeof p, "%s.kind", place);
        if (!kind)
            return fail(R, p, "required");
        if (match_kind_parse(kind, &cr.kind)) {
            char msg[160];
            str_fmt(msg, sizeof msg,
                    "unknown kind \"%.60s\" (overlap, shared, same, distance, "
                    "gap, similarity, choice)",
                    kind);
            return fail(R, p, msg);
        }
        const char *nums[] = {"weight", "scale", "min", "max"};
        double *nd[] = {&cr.weight, &cr.scale, &cr.min, &cr.max};
        for (int k = 0; k < 4; k++) {
            v = json_object_get(c, nums[k]);
            if (!v)
                continue;
            str_fmt(p, sizeof p, "%s.%s", place, nums[k]);
            if (!json_is_number(v))
                return fail(R, p, "must be a number");
            *nd[k] = json_number_value(v);
        }
        const char *bools[] = {"required", "different"};
        bool *bd[] = {&cr.required, &cr.different};
        for (int k = 0; k < 2; k++) {
            v = json_object_get(c, bools[k]);
            if (!v)
                continue;
            str_fmt(p, sizeof p, "%s.%s", place, bools[k]);
            if (!json_is_boolean(v))
                return fail(R, p, "must be true or false");
            *bd[k] = json_is_true(v);
        }
        if (cr.kind == MATCH_GAP && json_object_get(c, "scale") && cr.scale <= 0) {
            str_fmt(p, sizeof p, "%s.scale", place);
            return fail(R, p, "must be a number > 0");
        }
        if (!cr.name)
            cr.name = cr.field ? cr.field : (cr.mentee_field ? cr.mentee_field : kind);
        char err[256];
        if (match_add_criterion(R->in, &cr, err, sizeof err))
            return api_fail(R, place, err);
    }
    return 0;
}

static int pair_ids(rd *R, const char *place, json_t *x, size_t want_len, size_t *e, size_t *r)
{
    if (!json_is_array(x) || json_array_size(x) != want_len)
        return fail(R, place,
                    want_len == 3 ? "must be [mentee id, mentor id, score]"
                                  : "must be [mentee id, mentor id]");
    json_t *a = json_array_get(x, 0), *b = json_array_get(x, 1);
    if (!json_is_string(a) || !json_is_string(b))
        return fail(R, place, "ids must be strings");
    long ei = match_find(R->in, MATCH_MENTEE, json_string_value(a));
    long ri = match_find(R->in, MATCH_MENTOR, json_string_value(b));
    char msg[160];
    if (ei < 0) {
        str_fmt(msg, sizeof msg, "unknown mentee \"%.80s\"", json_string_value(a));
        return fail(R, place, msg);
    }
    if (ri < 0) {
        str_fmt(msg, sizeof msg, "unknown mentor \"%.80s\"", json_string_value(b));
        return fail(R, place, msg);
    }
    *e = (size_t)ei;
    *r = (size_t)ri;
    return 0;
}

static int read_pairs(rd *R, json_t *root, const char *key)
{
    json_t *arr = json_object_get(root, key);
    if (!arr)
        return 0;
    if (!json_is_array(arr))
        return fail(R, key, "must be a list");
    size_t i;
    json_t *x;
    char err[256];
    json_array_foreach(arr, i, x)
    {
        char place[64];
        str_fmt(place, sizeof place, "%s[%zu]", key, i);
        size_t e, r;
        bool scores = strcmp(key, "scores") == 0;
        if (pair_ids(R, place, x, scores ? 3 : 2, &e, &r))
            return -1;
        int rc;
        if (scores) {
            json_t *s = json_array_get(x, 2);
            if (!json_is_number(s))
                return fail(R, place, "score must be a number");
            rc = match_add_score(R->in, e, r, json_number_value(s), err, sizeof err);
        } else if (strcmp(key, "forbidden") == 0) {
            rc = match_add_forbidden(R->in, e, r, err, sizeof err);
        } else {
            rc = match_add_locked(R->in, e, r, err, sizeof err);
        }
        if (rc) {
            const char *why = strstr(err, ": ");
            return fail(R, place, why ? why + 2 : err);
        }
    }
    return 0;
}

static int read_root(rd *R, json_t *root)
{
    static const char *const keys[] = {"objective", "min_score", "mentors", "mentees", "criteria",
                                       "scores",    "forbidden", "locked",  NULL};
    if (!json_is_object(root))
        return fail(R, "(top)", "must be an object");
    if (only_keys(R, "", root, keys))
        return -1;
    json_t *v = json_object_get(root, "objective");
    if (v) {
        match_objective o;
        if (!json_is_string(v) || match_objective_parse(json_string_value(v), &o))
            return fail(R, "objective", "must be \"total\", \"fair\" or \"stable\"");
        match_set_objective(R->in, o);
    }
    v = json_object_get(root, "min_score");
    if (v) {
        if (!json_is_number(v) || match_set_min_score(R->in, json_number_value(v), NULL, 0))
            return fail(R, "min_score", "must be a number in [0, 1]");
    }
    if (read_people(R, root, MATCH_MENTOR) || read_people(R, root, MATCH_MENTEE) ||
        read_choices(R, root))
        return -1;
    json_t *crit = json_object_get(root, "criteria"), *scores = json_object_get(root, "scores");
    if (crit && scores)
        return fail(R, "scores", "give either scores or criteria, not both");
    if (!crit && !scores)
        return fail(R, "criteria", "give either scores or criteria");
    if (crit && read_criteria(R, crit))
        return -1;
    if (scores && read_pairs(R, root, "scores"))
        return -1;
    if (read_pairs(R, root, "forbidden") || read_pairs(R, root, "locked"))
        return -1;
    return 0;
}

static int finish_read(rd *R, json_t *root, json_error_t *je, match_instance **out)
{
    if (!root) {
        if (R->err) {
            if (je->line > 0)
                str_fmt(R->err, R->errlen, "%s:%d:%d: %s", R->name, je->line, je->column, je->text);
            else
                str_fmt(R->err, R->errlen, "%s: %s", R->name, je->text);
        }
        return -1;
    }
    R->in = match_instance_new();
    int rc = read_root(R, root);
    json_decref(root);
    if (rc) {
        match_instance_free(R->in);
        return -1;
    }
    *out = R->in;
    return 0;
}

/* A message may quote the input (a key, a token near a syntax error):
 * it stays one line, whatever the input holds. */
static int one_line(int rc, char *err)
{
    for (char *p = err; rc && p && *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return rc;
}

int match_json_read(const char *path, match_instance **out, char *err, size_t errlen)
{
    rd R = {path, err, errlen, NULL};
    json_error_t je;
    *out = NULL;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    return one_line(finish_read(&R, root, &je, out), err);
}

int match_json_read_string(const char *text, const char *name, match_instance **out, char *err,
                           size_t errlen)
{
    rd R = {name ? name : "input", err, errlen, NULL};
    json_error_t je;
    *out = NULL;
    json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &je);
    return one_line(finish_read(&R, root, &je, out), err);
}

/* ---- writing ---- */

static json_t *result_json(const match_instance *in, const match_result *r)
{
    json_t *root = json_object();
    json_object_set_new(root, "objective", json_string(match_objective_name(r->objective)));
    json_t *ms = json_array();
    for (size_t i = 0; i < r->npairs; i++) {
        const match_pair *p = &r->pairs[i];
        json_t *o = json_object();
        json_object_set_new(o, "mentee", json_string(match_mentee_id(in, p->mentee)));
        json_object_set_new(o, "mentor", json_string(match_mentor_id(in, p->mentor)));
        json_object_set_new(o, "score", json_real(p->score));
        json_t *ex = json_object();
        if (p->explain)
            for (size_t k = 0; k < r->ncrit; k++)
                json_object_set_new(ex, r->crit_names[k], json_real(p->explain[k]));
        else
            json_object_set_new(ex, "score", json_real(p->score));
        json_object_set_new(o, "explain", ex);
        if (p->locked)
            json_object_set_new(o, "locked", json_true());
        json_array_append_new(ms, o);
    }
    json_object_set_new(root, "matches", ms);
    json_t *un = json_array();
    for (size_t i = 0; i < r->nunmatched; i++) {
        const match_unmatched *u = &r->unmatched[i];
        json_t *o = json_object();
        json_object_set_new(o, "mentee", json_string(match_mentee_id(in, u->mentee)));
        json_object_set_new(o, "slots", json_integer(u->slots));
        json_object_set_new(o, "reason", json_string(u->reason));
        json_array_append_new(un, o);
    }
    json_object_set_new(root, "unmatched", un);

    const match_stats *s = &r->stats;
    json_t *st = json_object();
    json_object_set_new(st, "matched", json_integer(s->matched));
    json_object_set_new(st, "unmatched_slots", json_integer(s->unmatched_slots));
    json_object_set_new(st, "mentees_unmatched", json_integer(s->mentees_unmatched));
    json_object_set_new(st, "total_score", json_real(s->total_score));
    json_object_set_new(st, "min_score", json_real(s->min_score));
    json_object_set_new(st, "mean_score", json_real(s->mean_score));
    json_object_set_new(st, "median_score", json_real(s->median_score));
    json_t *h = json_object(), *counts = json_array();
    for (int b = 0; b < MATCH_HIST_BINS; b++)
        json_array_append_new(counts, json_integer(s->histogram[b]));
    json_object_set_new(h, "bin_width", json_real(1.0 / MATCH_HIST_BINS));
    json_object_set_new(h, "counts", counts);
    json_object_set_new(st, "histogram", h);
    json_t *ch = json_object();
    json_object_set_new(ch, "mentees_with_choices", json_integer(s->with_choices));
    json_object_set_new(ch, "first", json_real(s->choice_share[0]));
    json_object_set_new(ch, "second", json_real(s->choice_share[1]));
    json_object_set_new(ch, "third", json_real(s->choice_share[2]));
    json_object_set_new(st, "choices", ch);
    json_object_set_new(st, "top3_share", json_real(s->top3_share));
    json_t *ld = json_object();
    json_object_set_new(ld, "used", json_integer(s->load_used));
    json_object_set_new(ld, "capacity", json_integer(s->load_capacity));
    json_object_set_new(ld, "mentors_with_no_mentee", json_integer(s->mentors_idle));
    json_object_set_new(ld, "mentors_full", json_integer(s->mentors_full));
    json_object_set_new(st, "mentor_load", ld);
    json_t *hd = json_array();
    for (size_t i = 0; i < r->nhard; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "mentee", json_string(match_mentee_id(in, r->hard[i].mentee)));
        json_object_set_new(o, "allowed", json_integer(r->hard[i].allowed));
        json_object_set_new(o, "reason", json_string(r->hard[i].reason));
        json_array_append_new(hd, o);
    }
    json_object_set_new(st, "hard_to_match", hd);
    json_object_set_new(st, "optimal", json_boolean(s->optimal));
    json_object_set_new(st, "rounds", json_integer(s->rounds));
    json_object_set_new(st, "candidates", json_integer(s->candidates));
    json_object_set_new(st, "added_back", json_integer(s->added_back));
    json_t *t = json_object();
    json_object_set_new(t, "scoring", json_real(s->t_score));
    json_object_set_new(t, "solving", json_real(s->t_solve));
    json_object_set_new(t, "proving", json_real(s->t_prove));
    json_object_set_new(t, "total", json_real(s->t_total));
    json_object_set_new(st, "seconds", t);
    json_object_set_new(root, "stats", st);
    return root;
}

#define DUMP_FLAGS (JSON_INDENT(1) | JSON_REAL_PRECISION(12))

char *match_json_dumps(const match_instance *in, const match_result *r)
{
    json_t *root = result_json(in, r);
    char *s = json_dumps(root, DUMP_FLAGS);
    json_decref(root);
    return s;
}

int match_json_write(const match_instance *in, const match_result *r, const char *path, char *err,
                     size_t errlen)
{
    json_t *root = result_json(in, r);
    int rc = -1;
    if (!path || strcmp(path, "-") == 0) {
        rc = json_dumpf(root, stdout, DUMP_FLAGS);
        if (rc == 0 && (fputc('\n', stdout) == EOF || fflush(stdout)))
            rc = -1;
        if (rc && err)
            str_fmt(err, errlen, "standard output: write failed");
        json_decref(root);
        return rc ? -1 : 0;
    }
    size_t n = strlen(path) + 16;
    char *tmp = xmalloc(n);
    str_fmt(tmp, n, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd >= 0) {
        mode_t um = umask(0);
        umask(um);
        fchmod(fd, 0666 & ~um);
    }
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (err)
            str_fmt(err, errlen, "%s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        goto out;
    }
    bool ok = json_dumpf(root, f, DUMP_FLAGS) == 0 && fputc('\n', f) != EOF;
    ok = fflush(f) == 0 && ok;
    ok = fsync(fileno(f)) == 0 && ok;
    ok = fclose(f) == 0 && ok;
    if (ok && rename(tmp, path) == 0) {
        rc = 0;
    } else {
        if (err)
            str_fmt(err, errlen, "%s: %s", path, strerror(errno ? errno : EIO));
        unlink(tmp);
    }
out:
    free(tmp);
    json_decref(root);
    return rc;
}
