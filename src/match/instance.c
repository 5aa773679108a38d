/* instance.c - the in-memory model of a matching problem, as given. */
#include "match/engine.h"

#include "base/mem.h"
#include "base/str.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void seterr(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        str_fmt(err, errlen, "%s", msg);
}

/* ---- string map: open addressing, FNV-1a ---- */

/* the key's hash; *len its length and head its first bytes, zero-padded */
static uint64_t hash(const char *s, size_t *len, char head[MATCH_STRMAP_HEAD])
{
    uint64_t h = 1469598103934665603ull;
    size_t n = 0;
    memset(head, 0, MATCH_STRMAP_HEAD);
    for (; s[n]; n++) {
        if (n < MATCH_STRMAP_HEAD)
            head[n] = s[n];
        h = (h ^ (unsigned char)s[n]) * 1099511628211ull;
    }
    /* FNV's low bits cluster on ids like "m1", "m2": mix before masking */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    *len = n;
    return h;
}

/* a key shorter than the head is equal when its head is; a longer one
 * compares the rest too */
static bool slot_is(const match_strslot *sl, uint32_t h32, const char *key, size_t len,
                    const char head[MATCH_STRMAP_HEAD])
{
    if (sl->hash != h32 || memcmp(sl->head, head, MATCH_STRMAP_HEAD) != 0)
        return false;
    return len < MATCH_STRMAP_HEAD || strcmp(sl->key, key) == 0;
}

int match_strmap_get(const match_strmap *m, const char *key)
{
    if (!m->size)
        return -1;
    size_t mask = m->size - 1, len;
    char head[MATCH_STRMAP_HEAD];
    uint64_t h = hash(key, &len, head);
    uint32_t h32 = (uint32_t)(h >> 32);
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        const match_strslot *sl = &m->slots[i];
        if (!sl->key)
            return -1;
        if (slot_is(sl, h32, key, len, head))
            return sl->val;
    }
}

static void strmap_grow(match_strmap *m)
{
    size_t nsize = m->size ? m->size * 2 : 16;
    match_strslot *slots = xcalloc(nsize, sizeof *slots);
    for (size_t i = 0; i < m->size; i++) {
        if (!m->slots[i].key)
            continue;
        size_t len;
        char head[MATCH_STRMAP_HEAD];
        uint64_t h = hash(m->slots[i].key, &len, head);
        size_t j = h & (nsize - 1);
        while (slots[j].key)
            j = (j + 1) & (nsize - 1);
        slots[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->size = nsize;
}

/* puts a copy of key; the copy, or NULL when key is there already */
static const char *strmap_put(match_strmap *m, const char *key, int32_t val)
{
    if ((m->count + 1) * 2 > m->size)
        strmap_grow(m);
    size_t mask = m->size - 1, len;
    char head[MATCH_STRMAP_HEAD];
    uint64_t h = hash(key, &len, head);
    uint32_t h32 = (uint32_t)(h >> 32);
    size_t i = h & mask;
    while (m->slots[i].key) {
        if (slot_is(&m->slots[i], h32, key, len, head))
            return NULL;
        i = (i + 1) & mask;
    }
    match_strslot *sl = &m->slots[i];
    sl->key = xstrndup(key, len);
    sl->val = val;
    sl->hash = h32;
    memcpy(sl->head, head, MATCH_STRMAP_HEAD);
    m->count++;
    return sl->key;
}

int match_strmap_put(match_strmap *m, const char *key, int32_t val)
{
    return strmap_put(m, key, val) ? 0 : -1;
}

void match_strmap_cleanup(match_strmap *m)
{
    for (size_t i = 0; i < m->size; i++)
        free(m->slots[i].key);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

/* ---- the instance ---- */

match_instance *match_instance_new(void)
{
    match_instance *in = xcalloc(1, sizeof *in);
    in->objective = MATCH_TOTAL;
    return in;
}

void match_instance_free(match_instance *in)
{
    if (!in)
        return;
    for (int s = 0; s < 2; s++) {
        free(in->ids[s]); /* the id strings are the id map's keys */
        free(in->count[s]);
        match_strmap_cleanup(&in->idmap[s]);
        for (size_t i = 0; i < in->nattrs[s]; i++) {
            free(in->attrs[s][i].tags);
            free(in->attrs[s][i].vec);
        }
        free(in->attrs[s]);
    }
    for (size_t i = 0; i < in->nfields; i++)
        free(in->field_names[i]);
    free(in->field_names);
    free(in->field_types);
    match_strmap_cleanup(&in->fieldmap);
    match_strmap_cleanup(&in->strings);
    for (size_t i = 0; i < in->ncrit; i++) {
        free((char *)in->crit[i].name);
        free((char *)in->crit[i].field);
        free((char *)in->crit[i].mentee_field);
        free((char *)in->crit[i].mentor_field);
    }
    free(in->crit);
    free(in->scores);
    if (in->choices)
        for (size_t i = 0; i < in->n[MATCH_MENTEE]; i++)
            free(in->choices[i]);
    free(in->choices);
    free(in->nchoices);
    free(in->forbidden);
    free(in->locked);
    free(in);
}

static int add_person(match_instance *in, int side, const char *id, int64_t count, size_t *idx,
                      char *err, size_t errlen)
{
    const char *what = side == MATCH_MENTOR ? "capacity" : "wants";
    if (!id || !*id) {
        seterr(err, errlen, "id: must be a non-empty string");
        return -1;
    }
    if (count < 0) {
        if (err)
            str_fmt(err, errlen, "%s: must be >= 0", what);
        return -1;
    }
    if (count > MATCH_MAX_CAPACITY) {
        if (err)
            str_fmt(err, errlen, "%s: must be <= %d", what, MATCH_MAX_CAPACITY);
        return -1;
    }
    if (in->n[side] >= MATCH_MAX_PEOPLE) {
        seterr(err, errlen, "too many people");
        return -1;
    }
    /* one probe finds a duplicate or keeps the id: the map's copy is ids[k] */
    const char *kept = strmap_put(&in->idmap[side], id, (int32_t)in->n[side]);
    if (!kept) {
        if (err)
            str_fmt(err, errlen, "id: duplicate id \"%.80s\"", id);
        return -1;
    }
    if (in->n[side] == in->cap_people[side]) {
        size_t nc = in->cap_people[side] ? in->cap_people[side] * 2 : 64;
        in->ids[side] = xrealloc(in->ids[side], nc * sizeof(char *));
        in->count[side] = xrealloc(in->count[side], nc * sizeof(int64_t));
        if (side == MATCH_MENTEE) {
            in->choices = xrealloc(in->choices, nc * sizeof(uint32_t *));
            in->nchoices = xrealloc(in->nchoices, nc * sizeof(uint32_t));
        }
        in->cap_people[side] = nc;
    }
    size_t k = in->n[side]++;
    in->ids[side][k] = (char *)kept;
    in->count[side][k] = count;
    if (side == MATCH_MENTEE) {
        in->choices[k] = NULL;
        in->nchoices[k] = 0;
    }
    if (idx)
        *idx = k;
    return 0;
}

int match_add_mentor(match_instance *in, const char *id, int64_t capacity, size_t *idx, char *err,
                     size_t errlen)
{
    return add_person(in, MATCH_MENTOR, id, capacity, idx, err, errlen);
}

int match_add_mentee(match_instance *in, const char *id, int64_t wants, size_t *idx, char *err,
                     size_t errlen)
{
    return add_person(in, MATCH_MENTEE, id, wants, idx, err, errlen);
}

size_t match_mentor_count(const match_instance *in)
{
    return in->n[MATCH_MENTOR];
}
size_t match_mentee_count(const match_instance *in)
{
    return in->n[MATCH_MENTEE];
}
const char *match_mentor_id(const match_instance *in, size_t i)
{
    return in->ids[MATCH_MENTOR][i];
}
const char *match_mentee_id(const match_instance *in, size_t i)
{
    return in->ids[MATCH_MENTEE][i];
}

long match_find(const match_instance *in, match_side side, const char *id)
{
    return match_strmap_get(&in->idmap[side], id);
}

/* ---- attributes ---- */

static int field_for(match_instance *in, const char *field, int type, uint32_t *out, char *err,
                     size_t errlen)
{
    static const char *tname[] = {"", "a list of strings", "a number", "a string",
                                  "a list of numbers"};
    if (!field || !*field) {
        seterr(err, errlen, "attribute name must be non-empty");
        return -1;
    }
    /* people list their attributes in the same order: the field after the
     * last one (or the first) is nearly always the one asked for */
    uint32_t g = in->field_next < in->nfields ? in->field_next : 0;
    int f = g < in->nfields && strcmp(in->field_names[g], field) == 0
                ? (int)g
                : match_strmap_get(&in->fieldmap, field);
    if (f < 0) {
        if (in->nfields == in->cap_fields) {
            in->cap_fields = in->cap_fields ? in->cap_fields * 2 : 16;
            in->field_names = xrealloc(in->field_names, in->cap_fields * sizeof(char *));
            in->field_types = xrealloc(in->field_types, in->cap_fields * sizeof(int));
        }
        f = (int)in->nfields++;
        in->field_names[f] = xstrdup(field);
        in->field_types[f] = type;
        match_strmap_put(&in->fieldmap, field, f);
    } else if (type != FT_NONE) {
        int have = in->field_types[f];
        if (have == FT_NONE)
            in->field_types[f] = type;
        else if (have != type) {
            if (err)
                str_fmt(err, errlen, "%.80s: must be %s, like elsewhere", field, tname[have]);
            return -1;
        }
    }
    in->field_next = (uint32_t)f + 1;
    *out = (uint32_t)f;
    return 0;
}

static match_attr *new_attr(match_instance *in, int side, size_t idx, uint32_t field, int type)
{
    if (in->nattrs[side] == in->cap_attrs[side]) {
        in->cap_attrs[side] = in->cap_attrs[side] ? in->cap_attrs[side] * 2 : 256;
        in->attrs[side] = xrealloc(in->attrs[side], in->cap_attrs[side] * sizeof(match_attr));
    }
    match_attr *a = &in->attrs[side][in->nattrs[side]++];
    memset(a, 0, sizeof *a);
    a->person = (uint32_t)idx;
    a->field = field;
    a->type = type;
    a->str = -1;
    return a;
}

static int check_person(const match_instance *in, int side, size_t idx, char *err, size_t errlen)
{
    if (idx >= in->n[side]) {
        seterr(err, errlen, "no such person");
        return -1;
    }
    return 0;
}

static int32_t intern(match_instance *in, const char *s)
{
    int v = match_strmap_get(&in->strings, s);
    if (v >= 0)
        return v;
    v = (int)in->nstrings++;
    match_strmap_put(&in->strings, s, v);
    return v;
}

int match_set_tags(match_instance *in, match_side side, size_t idx, const char *field,
                   const char *const *tags, size_t n, char *err, size_t errlen)
{
    uint32_t f;
    if (check_person(in, side, idx, err, errlen) ||
        field_for(in, field, n ? FT_TAGS : FT_NONE, &f, err, errlen))
        return -1;
    match_attr *a = new_attr(in, side, idx, f, FT_TAGS);
    a->n = (uint32_t)n;
    a->tags = xcalloc(n ? n : 1, sizeof(int32_t));
    for (size_t i = 0; i < n; i++)
        a->tags[i] = intern(in, tags[i]);
    return 0;
}

int match_set_number(match_instance *in, match_side side, size_t idx, const char *field, double v,
                     char *err, size_t errlen)
{
    uint32_t f;
    if (check_person(in, side, idx, err, errlen) ||
        field_for(in, field, FT_NUMBER, &f, err, errlen))
        return -1;
    if (!isfinite(v)) {
        seterr(err, errlen, "number must be finite");
        return -1;
    }
    new_attr(in, side, idx, f, FT_NUMBER)->num = v;
    return 0;
}

int match_set_string(match_instance *in, match_side side, size_t idx, const char *field,
                     const char *v, char *err, size_t errlen)
{
    uint32_t f;
    if (check_person(in, side, idx, err, errlen) ||
        field_for(in, field, FT_STRING, &f, err, errlen))
        return -1;
    new_attr(in, side, idx, f, FT_STRING)->str = intern(in, v ? v : "");
    return 0;
}

int match_set_vector(match_instance *in, match_side side, size_t idx, const char *field,
                     const double *v, size_t n, char *err, size_t errlen)
{
    uint32_t f;
    if (check_person(in, side, idx, err, errlen) ||
        field_for(in, field, n ? FT_VECTOR : FT_NONE, &f, err, errlen))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i])) {
            seterr(err, errlen, "vector entries must be finite");
            return -1;
        }
    match_attr *a = new_attr(in, side, idx, f, FT_VECTOR);
    a->n = (uint32_t)n;
    a->vec = xcalloc(n ? n : 1, sizeof(double));
    if (n)
        memcpy(a->vec, v, n * sizeof(double));
    return 0;
}

/* ---- attributes set apart and merged ---- */

match_instance *match_attrs_scratch(size_t people)
{
    match_instance *sc = match_instance_new();
    /* people to check indexes against, with no ids (match_instance_free
     * skips them) */
    sc->n[MATCH_MENTEE] = sc->n[MATCH_MENTOR] = people;
    return sc;
}

int match_attrs_merge(match_instance *in, match_instance *sc, match_side side)
{
    int rc = -1;
    uint32_t *fmap = xcalloc(sc->nfields + 1, sizeof *fmap);
    int32_t *smap = xcalloc(sc->nstrings + 1, sizeof *smap);
    const char **names = xcalloc(sc->nstrings + 1, sizeof *names);
    /* a field in in lacks a type only when it has been empty there: the
     * checks give what setting them one by one gives */
    for (size_t f = 0; f < sc->nfields; f++)
        if (field_for(in, sc->field_names[f], sc->field_types[f], &fmap[f], NULL, 0))
            goto done;
    for (size_t i = 0; i < sc->strings.size; i++)
        if (sc->strings.slots[i].key)
            names[sc->strings.slots[i].val] = sc->strings.slots[i].key;
    for (size_t i = 0; i < sc->nstrings; i++)
        smap[i] = intern(in, names[i]);
    bool same = true; /* numbered alike: nothing to renumber */
    for (size_t f = 0; f < sc->nfields; f++)
        same = same && fmap[f] == f;
    for (size_t i = 0; i < sc->nstrings; i++)
        same = same && smap[i] == (int32_t)i;
    size_t n = sc->nattrs[side];
    match_attr *dst;
    if (!in->nattrs[side]) { /* the scratch's array becomes in's */
        free(in->attrs[side]);
        in->attrs[side] = sc->attrs[side];
        in->cap_attrs[side] = sc->cap_attrs[side];
        sc->attrs[side] = NULL;
        sc->cap_attrs[side] = 0;
        dst = in->attrs[side];
    } else {
        if (in->nattrs[side] + n > in->cap_attrs[side]) {
            size_t cap = in->cap_attrs[side];
            while (cap < in->nattrs[side] + n)
                cap *= 2;
            in->attrs[side] = xrealloc(in->attrs[side], cap * sizeof(match_attr));
            in->cap_attrs[side] = cap;
        }
        dst = in->attrs[side] + in->nattrs[side];
        memcpy(dst, sc->attrs[side], n * sizeof *dst);
    }
    for (size_t i = 0; i < n && !same; i++) {
        match_attr *a = &dst[i];
        a->field = fmap[a->field];
        if (a->str >= 0)
            a->str = smap[a->str];
        if (a->type == FT_TAGS)
            for (uint32_t k = 0; k < a->n; k++)
                a->tags[k] = smap[a->tags[k]];
    }
    in->nattrs[side] += n;
    sc->nattrs[side] = 0; /* their tags and vectors belong to in now */
    rc = 0;
done:
    free(fmap);
    free(smap);
    free(names);
    return rc;
}

/* ---- criteria and constraints ---- */

static const char *kind_names[] = {"overlap", "shared",     "same",  "distance",
                                   "gap",     "similarity", "choice"};

const char *match_kind_name(match_kind k)
{
    return kind_names[k];
}

int match_kind_parse(const char *s, match_kind *out)
{
    for (int i = 0; i < 7; i++)
        if (strcmp(s, kind_names[i]) == 0) {
            *out = (match_kind)i;
            return 0;
        }
    return -1;
}

int match_add_criterion(match_instance *in, const match_criterion *c, char *err, size_t errlen)
{
    const char *name = c->name ? c->name : kind_names[c->kind];
    if ((unsigned)c->kind > MATCH_CHOICE) {
        seterr(err, errlen, "kind: unknown criterion kind");
        return -1;
    }
    /* the cap keeps the sum of up to MATCH_MAX_CRITERIA weights far from
     * overflow: an infinite sum would score every pair 0 */
    if (!(c->weight >= 0)) {
        seterr(err, errlen, "weight: must be a number >= 0");
        return -1;
    }
    if (!(c->weight <= LIMIT_CRITERION_WEIGHT_MAX)) {
        if (err)
            str_fmt(err, errlen, "weight: must be at most %d", LIMIT_CRITERION_WEIGHT_MAX);
        return -1;
    }
    if (in->scores_mode) {
        seterr(err, errlen, "criteria: give either scores or criteria, not both");
        return -1;
    }
    if (in->ncrit >= MATCH_MAX_CRITERIA) {
        seterr(err, errlen, "criteria: too many criteria");
        return -1;
    }
    for (size_t i = 0; i < in->ncrit; i++)
        if (strcmp(in->crit[i].name, name) == 0) {
            if (err)
                str_fmt(err, errlen, "name: duplicate criterion name \"%.80s\"", name);
            return -1;
        }
    const char *fe = c->mentee_field ? c->mentee_field : c->field;
    const char *fr = c->mentor_field ? c->mentor_field : c->field;
    if (c->kind != MATCH_CHOICE && (!fe || !fr || !*fe || !*fr)) {
        seterr(err, errlen, "field: required (or mentee_field and mentor_field)");
        return -1;
    }
    double scale = c->scale;
    if (c->kind == MATCH_DISTANCE && !(scale > 0 && isfinite(scale))) {
        seterr(err, errlen, "scale: must be a number > 0");
        return -1;
    }
    if (c->kind == MATCH_GAP) {
        if (scale == 0)
            scale = 1;
        if (!(scale > 0 && isfinite(scale))) {
            seterr(err, errlen, "scale: must be a number > 0");
            return -1;
        }
        if (!isfinite(c->min) || !isfinite(c->max) || c->min > c->max) {
            seterr(err, errlen, "min: must be a number <= max");
            return -1;
        }
    }
    if (in->ncrit == in->cap_crit) {
        in->cap_crit = in->cap_crit ? in->cap_crit * 2 : 8;
        in->crit = xrealloc(in->crit, in->cap_crit * sizeof *in->crit);
    }
    match_criterion *d = &in->crit[in->ncrit++];
    *d = *c;
    d->scale = scale;
    d->name = xstrdup(name);
    d->field = NULL;
    d->mentee_field = c->kind == MATCH_CHOICE ? NULL : xstrdup(fe);
    d->mentor_field = c->kind == MATCH_CHOICE ? NULL : xstrdup(fr);
    return 0;
}

int match_add_score(match_instance *in, size_t mentee, size_t mentor, double score, char *err,
                    size_t errlen)
{
    if (check_person(in, MATCH_MENTEE, mentee, err, errlen) ||
        check_person(in, MATCH_MENTOR, mentor, err, errlen))
        return -1;
    if (in->ncrit) {
        seterr(err, errlen, "scores: give either scores or criteria, not both");
        return -1;
    }
    if (!(score >= 0 && score <= 1)) {
        seterr(err, errlen, "score: must be a number in [0, 1]");
        return -1;
    }
    if (in->nscores == in->cap_scores) {
        in->cap_scores = in->cap_scores ? in->cap_scores * 2 : 256;
        in->scores = xrealloc(in->scores, in->cap_scores * sizeof *in->scores);
    }
    in->scores[in->nscores++] = (match_triple){(uint32_t)mentee, (uint32_t)mentor, score};
    in->scores_mode = true;
    return 0;
}

int match_set_choices(match_instance *in, size_t mentee, const size_t *mentors, size_t n, char *err,
                      size_t errlen)
{
    if (check_person(in, MATCH_MENTEE, mentee, err, errlen))
        return -1;
    if (n > MATCH_MAX_CHOICES) {
        seterr(err, errlen, "choices: too many");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (mentors[i] >= in->n[MATCH_MENTOR]) {
            seterr(err, errlen, "choices: unknown mentor");
            return -1;
        }
        for (size_t k = 0; k < i; k++)
            if (mentors[k] == mentors[i]) {
                seterr(err, errlen, "choices: a mentor is listed twice");
                return -1;
            }
    }
    free(in->choices[mentee]);
    in->choices[mentee] = xcalloc(n ? n : 1, sizeof(uint32_t));
    for (size_t i = 0; i < n; i++)
        in->choices[mentee][i] = (uint32_t)mentors[i];
    in->nchoices[mentee] = (uint32_t)n;
    return 0;
}

static int add_pair(match_instance *in, match_ipair **arr, size_t *n, size_t *cap, size_t e,
                    size_t r, char *err, size_t errlen)
{
    if (check_person(in, MATCH_MENTEE, e, err, errlen) ||
        check_person(in, MATCH_MENTOR, r, err, errlen))
        return -1;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        *arr = xrealloc(*arr, *cap * sizeof **arr);
    }
    (*arr)[(*n)++] = (match_ipair){(uint32_t)e, (uint32_t)r};
    return 0;
}

int match_add_forbidden(match_instance *in, size_t mentee, size_t mentor, char *err, size_t errlen)
{
    return add_pair(in, &in->forbidden, &in->nforbidden, &in->cap_forbidden, mentee, mentor, err,
                    errlen);
}

int match_add_locked(match_instance *in, size_t mentee, size_t mentor, char *err, size_t errlen)
{
    for (size_t i = 0; i < in->nlocked; i++)
        if (in->locked[i].mentee == mentee && in->locked[i].mentor == mentor) {
            seterr(err, errlen, "locked: pair listed twice");
            return -1;
        }
    return add_pair(in, &in->locked, &in->nlocked, &in->cap_locked, mentee, mentor, err, errlen);
}

int match_set_min_score(match_instance *in, double min_score, char *err, size_t errlen)
{
    if (!(min_score >= 0 && min_score <= 1)) {
        seterr(err, errlen, "min_score: must be a number in [0, 1]");
        return -1;
    }
    in->min_score = min_score;
    return 0;
}

void match_set_objective(match_instance *in, match_objective obj)
{
    in->objective = obj;
}
match_objective match_get_objective(const match_instance *in)
{
    return in->objective;
}

static const char *obj_names[] = {"total", "fair", "stable"};

const char *match_objective_name(match_objective obj)
{
    return obj_names[obj];
}

int match_objective_parse(const char *s, match_objective *out)
{
    for (int i = 0; i < 3; i++)
        if (s && strcmp(s, obj_names[i]) == 0) {
            *out = (match_objective)i;
            return 0;
        }
    return -1;
}
