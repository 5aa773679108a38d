#include "base/clock.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/str.h"

static pthread_once_t fixed_once = PTHREAD_ONCE_INIT;
static int64_t fixed; /* TANDEM_NOW, read once; 0: the real clock */

static void read_fixed(void)
{
    const char *s = getenv("TANDEM_NOW");
    if (s && str_to_i64(s, 0, INT64_MAX / 2, &fixed) != 0)
        fixed = 0;
}

/* TANDEM_NOW is read once, by whichever thread asks first: pthread_once
 * (a plain flag was a data race between the jobs thread and the server's
 * workers, found by ThreadSanitizer). */
int64_t clock_now(void)
{
    pthread_once(&fixed_once, read_fixed);
    return fixed ? fixed : (int64_t)time(NULL);
}

double clock_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void clock_rfc3339(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

/* true when s holds `pattern`'s characters, where each 'd' is a digit:
 * sscanf's %d alone would also take a space or a sign ("2027-03- 1"). */
static bool shaped(const char *s, const char *pattern)
{
    for (; *pattern; s++, pattern++)
        if (*pattern == 'd' ? !(*s >= '0' && *s <= '9') : *s != *pattern)
            return false;
    return true;
}

int clock_parse(const char *s, int64_t *out)
{
    int y, mo, d, h = 0, mi = 0, se = 0, n = 0;
    if (!s)
        return -1;
    size_t len = strlen(s);
    if (!shaped(s, len == 10 ? "dddd-dd-dd" : "dddd-dd-ddTdd:dd:dd"))
        return -1;
    if (len == 10) {
        if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
            return -1;
    } else {
        if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 || n != 19)
            return -1;
    }
    if (y < 1900 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
        mi > 59 || se > 60 || s[4] != '-' || s[7] != '-')
        return -1;
    long offset = 0;
    const char *rest = s + n;
    if (len != 10) {
        if (*rest == '.') { /* fractional seconds are accepted and dropped */
            rest++;
            while (*rest >= '0' && *rest <= '9')
                rest++;
        }
        if ((rest[0] == 'Z' || rest[0] == 'z') && rest[1] == '\0') {
            offset = 0;
        } else if ((rest[0] == '+' || rest[0] == '-') && strlen(rest) == 6 &&
                   shaped(rest + 1, "dd:dd")) {
            int oh, om;
            if (sscanf(rest + 1, "%2d:%2d", &oh, &om) != 2 || oh > 23 || om > 59)
                return -1;
            offset = (oh * 3600L + om * 60L) * (rest[0] == '+' ? 1 : -1);
        } else {
            return -1;
        }
    }
    /* days from civil (Howard Hinnant's algorithm) */
    int yy = y - (mo <= 2);
    int era = (yy >= 0 ? yy : yy - 399) / 400;
    unsigned yoe = (unsigned)(yy - era * 400);
    unsigned doy = (unsigned)((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = (int64_t)era * 146097 + (int64_t)doe - 719468;
    *out = days * 86400 + h * 3600 + mi * 60 + se - offset;
    return 0;
}
