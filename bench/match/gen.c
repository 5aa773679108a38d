/* gen.c - see gen.h. */
#include "gen.h"

#include "base/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NSKILL 128
#define NLANG 16
#define NDIM 8

typedef struct person {
    uint8_t nskill, nlang;
    uint8_t skill[8], lang[3];
    int8_t tz;
    int8_t years;
    int8_t pers[NDIM];
    int8_t count;          /* wants or capacity */
    uint32_t choice[3];
    uint8_t nforb;
    uint32_t forb[3];
} person;

struct gen_data {
    gen_params p;
    person *mentee, *mentor;
};

static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int uni(uint64_t *s, int lo, int hi)
{
    return lo + (int)(rnd(s) % (uint64_t)(hi - lo + 1));
}

static double unit(uint64_t *s)
{
    return (double)(rnd(s) >> 11) / 9007199254740992.0;
}

static int zipf(uint64_t *s, const double *cdf, int n)
{
    double u = unit(s) * cdf[n - 1];
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (cdf[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void zipf_cdf(double *cdf, int n, double s)
{
    double acc = 0;
    for (int i = 0; i < n; i++) {
        acc += 1.0 / pow(i + 1, s);
        cdf[i] = acc;
    }
}

/* k distinct Zipf draws */
static uint8_t draw_set(uint64_t *s, const double *cdf, int n, int k, uint8_t *out)
{
    uint8_t m = 0;
    for (int tries = 0; m < k && tries < 64; tries++) {
        int x = zipf(s, cdf, n);
        bool dup = false;
        for (int i = 0; i < m; i++)
            dup |= out[i] == x;
        if (!dup)
            out[m++] = (uint8_t)x;
    }
    return m;
}

static int8_t draw_tz(uint64_t *s)
{
    int region = uni(s, 0, 9);
    if (region < 3)
        return (int8_t)uni(s, -8, -4); /* the Americas */
    if (region < 7)
        return (int8_t)uni(s, 0, 3);   /* Europe, Africa */
    return (int8_t)uni(s, 5, 10);      /* Asia, Oceania */
}

int gen_params_parse(const char *size, const char *caps, uint64_t seed, gen_params *p)
{
    memset(p, 0, sizeof *p);
    if (strcmp(size, "S") == 0)
        p->ne = 1000, p->nr = 200;
    else if (strcmp(size, "M") == 0)
        p->ne = 10000, p->nr = 2000;
    else if (strcmp(size, "L") == 0)
        p->ne = 100000, p->nr = 20000;
    else
        return -1;
    if (strcmp(caps, "scarce") == 0)
        p->cap_lo = 1, p->cap_hi = 5;
    else if (strcmp(caps, "balanced") == 0)
        p->cap_lo = 3, p->cap_hi = 9;
    else
        return -1;
    p->seed = seed;
    return 0;
}

gen_data *gen_new(const gen_params *p)
{
    gen_data *d = xcalloc(1, sizeof *d);
    d->p = *p;
    uint64_t s = p->seed * 1000003u + 17;
    double skill_cdf[NSKILL], lang_cdf[NLANG], mentor_cdf[64];
    zipf_cdf(skill_cdf, NSKILL, 1.07);
    zipf_cdf(lang_cdf, NLANG, 1.6);
    zipf_cdf(mentor_cdf, 64, 0.6);
    d->mentor = xcalloc(p->nr, sizeof *d->mentor);
    d->mentee = xcalloc(p->ne, sizeof *d->mentee);
    for (size_t i = 0; i < p->nr; i++) {
        person *x = &d->mentor[i];
        x->nskill = draw_set(&s, skill_cdf, NSKILL, uni(&s, 3, 8), x->skill);
        x->nlang = draw_set(&s, lang_cdf, NLANG, uni(&s, 1, 3), x->lang);
        x->tz = draw_tz(&s);
        x->years = (int8_t)uni(&s, 2, 30);
        for (int k = 0; k < NDIM; k++)
            x->pers[k] = (int8_t)uni(&s, 1, 5);
        x->count = (int8_t)uni(&s, p->cap_lo, p->cap_hi);
    }
    for (size_t i = 0; i < p->ne; i++) {
        person *x = &d->mentee[i];
        x->nskill = draw_set(&s, skill_cdf, NSKILL, uni(&s, 1, 4), x->skill);
        x->nlang = draw_set(&s, lang_cdf, NLANG, uni(&s, 1, 3), x->lang);
        x->tz = draw_tz(&s);
        x->years = (int8_t)uni(&s, 0, 12);
        for (int k = 0; k < NDIM; k++)
            x->pers[k] = (int8_t)uni(&s, 1, 5);
        x->count = (int8_t)uni(&s, 1, 3);
        /* three distinct choices, skewed to popular mentors of 64 blocks */
        for (int k = 0; k < 3; k++) {
            uint32_t c;
            bool dup;
            do {
                size_t block = p->nr / 64 ? p->nr / 64 : 1;
                c = (uint32_t)(((size_t)zipf(&s, mentor_cdf, 64) * block +
                                rnd(&s) % block) % p->nr);
                dup = false;
                for (int j = 0; j < k; j++)
                    dup |= x->choice[j] == c;
            } while (dup);
            x->choice[k] = c;
        }
        x->nforb = (uint8_t)uni(&s, 1, 3);
        for (int k = 0; k < x->nforb; k++)
            x->forb[k] = (uint32_t)(rnd(&s) % p->nr);
    }
    return d;
}

void gen_free(gen_data *d)
{
    if (!d)
        return;
    free(d->mentee);
    free(d->mentor);
    free(d);
}

static const char *skill_name(int i, char *buf)
{
    snprintf(buf, 16, "s%03d", i);
    return buf;
}

static const char *lang_name(int i)
{
    static const char *l[NLANG] = {"en", "es", "zh", "hi", "fr", "ar", "pt", "ru",
                                   "de", "ja", "id", "tr", "ko", "it", "pl", "nl"};
    return l[i];
}

static const match_criterion CRITERIA[] = {
    {.name = "skills", .kind = MATCH_OVERLAP, .mentee_field = "needs", .mentor_field = "skills",
     .weight = 3},
    {.name = "language", .kind = MATCH_SHARED, .field = "languages", .weight = 1,
     .required = true},
    {.name = "timezone", .kind = MATCH_DISTANCE, .field = "utc_offset", .scale = 6, .weight = 1},
    {.name = "seniority", .kind = MATCH_GAP, .mentee_field = "years", .mentor_field = "years",
     .min = 3, .max = 15, .scale = 5, .weight = 1},
    {.name = "personality", .kind = MATCH_SIMILARITY, .field = "personality", .weight = 1},
    {.name = "choice", .kind = MATCH_CHOICE, .weight = 2},
};
#define NCRIT (sizeof CRITERIA / sizeof CRITERIA[0])

static match_instance *build(const gen_data *d, bool slots)
{
    match_instance *in = match_instance_new();
    char id[32], sb[8][16];
    for (int side = 0; side < 2; side++) {
        bool mentor = side == 0;
        size_t n = mentor ? d->p.nr : d->p.ne;
        for (size_t i = 0; i < n; i++) {
          const person *x = mentor ? &d->mentor[i] : &d->mentee[i];
          int copies = !mentor && slots ? x->count : 1;
          for (int cp = 0; cp < copies; cp++) {
            size_t idx;
            snprintf(id, sizeof id, "%s%zu%s%d", mentor ? "m" : "e", i, cp ? "#" : "", cp);
            if (!cp)
                snprintf(id, sizeof id, "%s%zu", mentor ? "m" : "e", i);
            match_side s = mentor ? MATCH_MENTOR : MATCH_MENTEE;
            if (mentor)
                match_add_mentor(in, id, x->count, &idx, NULL, 0);
            else
                match_add_mentee(in, id, slots ? 1 : x->count, &idx, NULL, 0);
            const char *tags[8];
            for (int k = 0; k < x->nskill; k++)
                tags[k] = skill_name(x->skill[k], sb[k]);
            match_set_tags(in, s, idx, mentor ? "skills" : "needs", tags, x->nskill, NULL, 0);
            for (int k = 0; k < x->nlang; k++)
                tags[k] = lang_name(x->lang[k]);
            match_set_tags(in, s, idx, "languages", tags, x->nlang, NULL, 0);
            match_set_number(in, s, idx, "utc_offset", x->tz, NULL, 0);
            match_set_number(in, s, idx, "years", x->years, NULL, 0);
            double v[NDIM];
            for (int k = 0; k < NDIM; k++)
                v[k] = x->pers[k];
            match_set_vector(in, s, idx, "personality", v, NDIM, NULL, 0);
            if (!mentor) {
                size_t ch[3] = {x->choice[0], x->choice[1], x->choice[2]};
                match_set_choices(in, idx, ch, 3, NULL, 0);
                for (int k = 0; k < x->nforb; k++)
                    match_add_forbidden(in, idx, x->forb[k], NULL, 0);
            }
          }
        }
    }
    for (size_t k = 0; k < NCRIT; k++)
        match_add_criterion(in, &CRITERIA[k], NULL, 0);
    return in;
}

match_instance *gen_instance(const gen_data *d)
{
    return build(d, false);
}

match_instance *gen_instance_slots(const gen_data *d)
{
    return build(d, true);
}

static void person_json(FILE *f, const person *x, bool mentor, size_t i)
{
    char sb[16];
    fprintf(f, "{\"id\":\"%s%zu\",\"%s\":%d,", mentor ? "m" : "e", i,
            mentor ? "capacity" : "wants", x->count);
    if (!mentor)
        fprintf(f, "\"choices\":[\"m%u\",\"m%u\",\"m%u\"],", x->choice[0], x->choice[1],
                x->choice[2]);
    fprintf(f, "\"attrs\":{\"%s\":[", mentor ? "skills" : "needs");
    for (int k = 0; k < x->nskill; k++)
        fprintf(f, "%s\"%s\"", k ? "," : "", skill_name(x->skill[k], sb));
    fprintf(f, "],\"languages\":[");
    for (int k = 0; k < x->nlang; k++)
        fprintf(f, "%s\"%s\"", k ? "," : "", lang_name(x->lang[k]));
    fprintf(f, "],\"utc_offset\":%d,\"years\":%d,\"personality\":[", x->tz, x->years);
    for (int k = 0; k < NDIM; k++)
        fprintf(f, "%s%d", k ? "," : "", x->pers[k]);
    fprintf(f, "]}}");
}

int gen_write_json(const gen_data *d, FILE *f)
{
    fprintf(f, "{\"objective\":\"total\",\"mentors\":[\n");
    for (size_t i = 0; i < d->p.nr; i++) {
        person_json(f, &d->mentor[i], true, i);
        fprintf(f, "%s\n", i + 1 < d->p.nr ? "," : "");
    }
    fprintf(f, "],\"mentees\":[\n");
    for (size_t i = 0; i < d->p.ne; i++) {
        person_json(f, &d->mentee[i], false, i);
        fprintf(f, "%s\n", i + 1 < d->p.ne ? "," : "");
    }
    fprintf(f, "],\"criteria\":[\n");
    for (size_t k = 0; k < NCRIT; k++) {
        const match_criterion *c = &CRITERIA[k];
        fprintf(f, "{\"name\":\"%s\",\"kind\":\"%s\",\"weight\":%g", c->name,
                match_kind_name(c->kind), c->weight);
        if (c->field)
            fprintf(f, ",\"field\":\"%s\"", c->field);
        if (c->mentee_field)
            fprintf(f, ",\"mentee_field\":\"%s\",\"mentor_field\":\"%s\"", c->mentee_field,
                    c->mentor_field);
        if (c->required)
            fprintf(f, ",\"required\":true");
        if (c->kind == MATCH_DISTANCE || c->kind == MATCH_GAP)
            fprintf(f, ",\"scale\":%g", c->scale);
        if (c->kind == MATCH_GAP)
            fprintf(f, ",\"min\":%g,\"max\":%g", c->min, c->max);
        fprintf(f, "}%s\n", k + 1 < NCRIT ? "," : "");
    }
    fprintf(f, "],\"forbidden\":[\n");
    bool first = true;
    for (size_t i = 0; i < d->p.ne; i++)
        for (int k = 0; k < d->mentee[i].nforb; k++) {
            fprintf(f, "%s[\"e%zu\",\"m%u\"]", first ? "" : ",\n", i, d->mentee[i].forb[k]);
            first = false;
        }
    fprintf(f, "]}\n");
    return ferror(f) ? -1 : 0;
}
