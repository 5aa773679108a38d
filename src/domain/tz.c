#include "domain/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/mem.h"
#include "base/str.h"

#define TZ_DIR "/usr/share/zoneinfo"
#define TZ_FILE_MAX (1u << 20) /* zone files are a few KiB */

bool tz_known(const char *zone)
{
    if (!zone || !*zone || strlen(zone) >= TZ_NAME_BYTES || zone[0] == '/' || strstr(zone, ".."))
        return false;
    for (const char *p = zone; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '/' || *p == '_' || *p == '-' || *p == '+'))
            return false;
    char path[128];
    struct stat st;
    return str_fmt(path, sizeof path, TZ_DIR "/%s", zone) && stat(path, &st) == 0 &&
           S_ISREG(st.st_mode);
}

/* ---- reading a TZif file ---- */

struct ttinfo {
    int32_t utoff;
    bool dst;
};

/* A POSIX TZ rule date: Mm.w.d, Jn or n, and the local time of day. */
struct rule_date {
    char kind; /* 'M', 'J' or 'n' */
    int m, w, d;
    int32_t secs;
};

struct posix_tz {
    bool ok, has_dst;
    int32_t std_off, dst_off; /* seconds east of UTC */
    struct rule_date start, end;
};

struct zone {
    uint8_t *data; /* owned: the file */
    size_t len;
    const uint8_t *times; /* timecnt 8-byte big-endian transition times */
    const uint8_t *idx;   /* timecnt type indices */
    uint32_t timecnt, typecnt;
    struct ttinfo types[256];
    struct posix_tz footer;
};

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static int read_file(const char *zone, uint8_t **out, size_t *len)
{
    char path[128];
    if (!tz_known(zone) || !str_fmt(path, sizeof path, TZ_DIR "/%s", zone))
        return -1;
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size <= 0 || (uint64_t)st.st_size > TZ_FILE_MAX) {
        fclose(f);
        return -1;
    }
    size_t size = (size_t)st.st_size;
    uint8_t *buf = xmalloc(size);
    size_t n = fread(buf, 1, size, f);
    fclose(f);
    if (n != size) {
        free(buf);
        return -1;
    }
    *out = buf;
    *len = n;
    return 0;
}

/* "hh[:mm[:ss]]" with an optional sign, into seconds; the end in *end. */
static bool parse_hms(const char *s, const char **end, int32_t *out)
{
    int sign = 1;
    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    int32_t part[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        if (*s < '0' || *s > '9')
            return false;
        int v = 0;
        while (*s >= '0' && *s <= '9' && v < 1000)
            v = v * 10 + (*s++ - '0');
        part[i] = v;
        if (*s != ':' || i == 2)
            break;
        s++;
    }
    *out = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
    *end = s;
    return true;
}

static bool parse_name(const char *s, const char **end)
{
    if (*s == '<') {
        const char *q = strchr(s, '>');
        if (!q)
            return false;
        *end = q + 1;
        return true;
    }
    const char *p = s;
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
        p++;
    *end = p;
    return p - s >= 3;
}

static bool parse_rule(const char *s, const char **end, struct rule_date *r)
{
    r->secs = 7200;
    if (*s == 'M') {
        r->kind = 'M';
        if (sscanf(s + 1, "%d.%d.%d", &r->m, &r->w, &r->d) != 3 || r->m < 1 || r->m > 12 ||
            r->w < 1 || r->w > 5 || r->d < 0 || r->d > 6)
            return false;
        s++;
        while ((*s >= '0' && *s <= '9') || *s == '.')
            s++;
    } else {
        r->kind = *s == 'J' ? 'J' : 'n';
        if (*s == 'J')
            s++;
        if (*s < '0' || *s > '9')
            return false;
        r->d = 0;
        while (*s >= '0' && *s <= '9' && r->d < 1000)
            r->d = r->d * 10 + (*s++ - '0');
    }
    if (*s == '/' && !parse_hms(s + 1, &s, &r->secs))
        return false;
    *end = s;
    return true;
}

/* The POSIX TZ string of a TZif footer, e.g. "CET-1CEST,M3.5.0,M10.5.0/3".
 * POSIX offsets count west of UTC; ours count east. */
static void parse_posix(const char *s, struct posix_tz *tz)
{
    memset(tz, 0, sizeof *tz);
    int32_t off;
    if (!parse_name(s, &s) || !parse_hms(s, &s, &off))
        return;
    tz->std_off = -off;
    tz->ok = true;
    if (!*s)
        return;
    if (!parse_name(s, &s))
        goto bad;
    tz->dst_off = tz->std_off + 3600;
    if (*s && *s != ',') {
        if (!parse_hms(s, &s, &off))
            goto bad;
        tz->dst_off = -off;
    }
    if (*s != ',' || !parse_rule(s + 1, &s, &tz->start) || *s != ',' ||
        !parse_rule(s + 1, &s, &tz->end) || *s)
        goto bad;
    tz->has_dst = true;
    return;
bad:
    tz->ok = false;
}

static int load(const char *zone, struct zone *z)
{
    memset(z, 0, sizeof *z);
    if (read_file(zone, &z->data, &z->len))
        return -1;
    const uint8_t *p = z->data, *end = z->data + z->len;
    if (z->len < 44 || memcmp(p, "TZif", 4) != 0)
        goto bad;
    bool v2 = p[4] >= '2';
    /* counts: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt */
    uint32_t c[6];
    for (int i = 0; i < 6; i++)
        c[i] = be32(p + 20 + 4 * i);
    size_t tsize = 4;
    if (v2) { /* skip the 32-bit block to the 64-bit one */
        size_t skip =
            44 + (size_t)c[3] * 5 + (size_t)c[4] * 6 + c[5] + (size_t)c[2] * 8 + c[1] + c[0];
        if (skip + 44 > z->len)
            goto bad;
        p += skip;
        if (memcmp(p, "TZif", 4) != 0)
            goto bad;
        for (int i = 0; i < 6; i++)
            c[i] = be32(p + 20 + 4 * i);
        tsize = 8;
    }
    if (c[4] == 0 || c[4] > 256)
        goto bad;
    p += 44;
    size_t need = (size_t)c[3] * (tsize + 1) + (size_t)c[4] * 6 + c[5] +
                  (size_t)c[2] * (tsize + 4) + c[1] + c[0];
    if (need > (size_t)(end - p))
        goto bad;
    z->timecnt = c[3];
    z->typecnt = c[4];
    z->times = p;
    z->idx = p + (size_t)c[3] * tsize;
    const uint8_t *types = z->idx + c[3];
    for (uint32_t i = 0; i < c[4]; i++) {
        z->types[i].utoff = (int32_t)be32(types + 6 * i);
        z->types[i].dst = types[6 * i + 4] != 0;
    }
    for (uint32_t i = 0; i < z->timecnt; i++)
        if (z->idx[i] >= z->typecnt)
            goto bad;
    if (!v2) {
        /* 32-bit times: widen them into a buffer of our own, so lookups
         * read one way */
        uint8_t *both = xmalloc((size_t)z->timecnt * 9 + 1);
        for (uint32_t i = 0; i < z->timecnt; i++) {
            uint64_t t = (uint64_t)(int64_t)(int32_t)be32(z->times + 4 * (size_t)i);
            for (int k = 0; k < 8; k++)
                both[8 * (size_t)i + (size_t)k] = (uint8_t)(t >> (56 - 8 * k));
        }
        memcpy(both + (size_t)z->timecnt * 8, z->idx, z->timecnt);
        free(z->data);
        z->data = both;
        z->times = both;
        z->idx = both + (size_t)z->timecnt * 8;
        return 0;
    }
    /* the footer: "\nTZ string\n" after the 64-bit data */
    const uint8_t *f = p + need;
    if (f < end && *f == '\n') {
        const uint8_t *nl = memchr(f + 1, '\n', (size_t)(end - f - 1));
        if (nl && nl - f - 1 < 128) {
            char text[128];
            memcpy(text, f + 1, (size_t)(nl - f - 1));
            text[nl - f - 1] = '\0';
            parse_posix(text, &z->footer);
        }
    }
    return 0;
bad:
    free(z->data);
    z->data = NULL;
    return -1;
}

static int64_t transition(const struct zone *z, uint32_t i)
{
    return be64(z->times + 8 * (size_t)i);
}

/* ---- the POSIX rule for times past the table ---- */

static bool leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; m 1..12). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int64_t year_of(int64_t t)
{
    int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    int64_t y = 1970 + days / 366;
    while (days_from_civil(y + 1, 1, 1) <= days)
        y++;
    while (days_from_civil(y, 1, 1) > days)
        y--;
    return y;
}

/* The local seconds since 1970 at which rule r falls in year y. */
static int64_t rule_local(const struct rule_date *r, int64_t y)
{
    int64_t day;
    if (r->kind == 'M') {
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int64_t first = days_from_civil(y, r->m, 1);
        int wd = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
        int64_t d = first + (r->d - wd + 7) % 7 + 7 * (r->w - 1);
        int len = mdays[r->m - 1] + (r->m == 2 && leap(y));
        while (d >= first + len)
            d -= 7;
        day = d;
    } else if (r->kind == 'J') { /* 1..365, February 29 never counted */
        day = days_from_civil(y, 1, 1) + r->d - 1 + (leap(y) && r->d >= 60);
    } else { /* 0..365, February 29 counted */
        day = days_from_civil(y, 1, 1) + r->d;
    }
    return day * 86400 + r->secs;
}

static void posix_at(const struct posix_tz *tz, int64_t t, int *offset, bool *dst)
{
    *offset = tz->std_off;
    *dst = false;
    if (!tz->has_dst)
        return;
    int64_t y = year_of(t);
    int64_t start = rule_local(&tz->start, y) - tz->std_off; /* in standard time */
    int64_t end = rule_local(&tz->end, y) - tz->dst_off;     /* in daylight time */
    bool in = start < end ? (t >= start && t < end) : (t >= start || t < end);
    if (in) {
        *offset = tz->dst_off;
        *dst = true;
    }
}

/* The type in force at t, or -1 when the footer governs. */
static int type_at(const struct zone *z, int64_t t)
{
    if (z->timecnt == 0 || t < transition(z, 0))
        return z->timecnt == 0 && z->footer.ok ? -1 : 0;
    if (t >= transition(z, z->timecnt - 1) && z->footer.ok)
        return -1;
    uint32_t lo = 0, hi = z->timecnt; /* the last transition <= t */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (transition(z, mid) <= t)
            lo = mid;
        else
            hi = mid;
    }
    return z->idx[lo];
}

/* The offset at t and whether it is daylight time, of a loaded zone. */
static void offset_at(const struct zone *z, int64_t t, int *offset, bool *dst)
{
    int ty = type_at(z, t);
    if (ty < 0) {
        posix_at(&z->footer, t, offset, dst);
    } else {
        *offset = z->types[ty].utoff;
        *dst = z->types[ty].dst;
    }
}

/* The standard offset at t of a loaded zone. */
static int standard_at(const struct zone *z, int64_t t)
{
    int ty = type_at(z, t);
    if (ty < 0)
        return z->footer.std_off;
    if (!z->types[ty].dst)
        return z->types[ty].utoff;
    /* In daylight time: the standard type in force before it, or the first
     * one after when there is none before. */
    uint32_t i = 0;
    while (i < z->timecnt && transition(z, i) <= t)
        i++;
    for (uint32_t k = i; k-- > 0;)
        if (!z->types[z->idx[k]].dst)
            return z->types[z->idx[k]].utoff;
    for (uint32_t k = i; k < z->timecnt; k++)
        if (!z->types[z->idx[k]].dst)
            return z->types[z->idx[k]].utoff;
    return z->types[ty].utoff - 3600;
}

int tz_offset(const char *zone, int64_t t, int *offset, bool *dst)
{
    int standard;
    return tz_describe(zone, t, offset, dst, &standard);
}

int tz_standard_offset(const char *zone, int64_t t, int *offset)
{
    int now;
    bool dst;
    return tz_describe(zone, t, &now, &dst, offset);
}

int tz_describe(const char *zone, int64_t t, int *offset, bool *dst, int *standard)
{
    struct zone z;
    if (load(zone, &z))
        return -1;
    bool d = false;
    offset_at(&z, t, offset, &d);
    if (dst)
        *dst = d;
    *standard = standard_at(&z, t);
    free(z.data);
    return 0;
}

void tz_offset_text(int offset, char out[8])
{
    int a = offset < 0 ? -offset : offset;
    snprintf(out, 8, "%c%02d:%02d", offset < 0 ? '-' : '+', (a / 3600) % 100, (a / 60) % 60);
}

/* ---- the names people choose from ---- */

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int tz_each_zone(void (*fn)(const char *zone, void *ctx), void *ctx)
{
    FILE *f = fopen(TZ_DIR "/zone.tab", "r");
    if (!f)
        return -1;
    char line[512];
    char **names = NULL;
    size_t n = 0, cap = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        /* code <TAB> coordinates <TAB> TZ [<TAB> comment] */
        char *a = strchr(line, '\t');
        char *b = a ? strchr(a + 1, '\t') : NULL;
        if (!b)
            continue;
        char *name = b + 1;
        name[strcspn(name, "\t\r\n")] = '\0';
        if (!tz_known(name))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 512;
            names = xrealloc(names, cap * sizeof *names);
        }
        names[n++] = xstrdup(name);
    }
    fclose(f);
    qsort(names, n, sizeof *names, by_name);
    int count = 0;
    bool utc = false;
    for (size_t i = 0; i < n; i++) {
        if (!utc && strcmp(names[i], "UTC") > 0 && tz_known("UTC")) {
            fn("UTC", ctx);
            utc = true;
            count++;
        }
        if (i == 0 || strcmp(names[i], names[i - 1]) != 0) {
            fn(names[i], ctx);
            count++;
        }
    }
    if (!utc && tz_known("UTC")) {
        fn("UTC", ctx);
        count++;
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return count;
}

/* ---- the changes of a zone's offset, for VTIMEZONE ---- */

/* Appends a change to out when it changes anything, keeping the last
 * offset in *off and *dst. */
static void add_change(struct tz_change *out, size_t max, size_t *n, int64_t at, int to, bool dst,
                       int *off, bool *was_dst)
{
    if (to == *off && dst == *was_dst)
        return;
    if (*n < max)
        out[*n] = (struct tz_change){.at = at, .from = *off, .to = to, .dst = dst};
    (*n)++;
    *off = to;
    *was_dst = dst;
}

int tz_changes(const char *zone, int64_t from, int64_t to, struct tz_change *out, size_t max,
               size_t *n, int *offset, bool *dst)
{
    struct zone z;
    *n = 0;
    /* Years 1 to 9999: what a calendar can hold, and no overflow below. */
    const int64_t lo = -62135596800, hi = 253402300799;
    from = from < lo ? lo : from > hi ? hi : from;
    to = to < lo ? lo : to > hi ? hi : to;
    if (load(zone, &z))
        return -1;
    offset_at(&z, from, offset, dst);
    int off = *offset;
    bool d = *dst;
    /* The table's transitions after from, while the table governs. */
    int64_t table_end = INT64_MIN;
    for (uint32_t i = 0; i < z.timecnt && *n <= max; i++) {
        int64_t t = transition(&z, i);
        table_end = t;
        if (t <= from || t >= to)
            continue;
        const struct ttinfo *ty = &z.types[z.idx[i]];
        add_change(out, max, n, t, ty->utoff, ty->dst, &off, &d);
    }
    /* Past the table, the footer's rule, year by year. */
    if (z.footer.ok && z.footer.has_dst) {
        int64_t begin = from > table_end ? from : table_end;
        for (int64_t y = year_of(begin); y <= year_of(to) && *n <= max; y++) {
            int64_t start = rule_local(&z.footer.start, y) - z.footer.std_off;
            int64_t end = rule_local(&z.footer.end, y) - z.footer.dst_off;
            int64_t first = start < end ? start : end, second = start < end ? end : start;
            bool first_dst = start < end;
            if (first > begin && first > from && first < to)
                add_change(out, max, n, first, first_dst ? z.footer.dst_off : z.footer.std_off,
                           first_dst, &off, &d);
            if (second > begin && second > from && second < to)
                add_change(out, max, n, second, first_dst ? z.footer.std_off : z.footer.dst_off,
                           !first_dst, &off, &d);
        }
    }
    free(z.data);
    if (*n > max)
        *n = max;
    return 0;
}
