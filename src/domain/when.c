#include "domain/when.h"

#include <string.h>
#include <time.h>
#include <unicode/ucal.h>
#include <unicode/udat.h>
#include <unicode/ustring.h>

#include "base/str.h"

#define ZONE_UCHARS 80

/* tz as UTF-16 for ICU; "UTC" when absent or unknown. */
static void zone_id(const char *tz, UChar out[ZONE_UCHARS], const char **name)
{
    *name = tz && *tz && when_zone_known(tz) ? tz : "UTC";
    u_uastrncpy(out, *name, ZONE_UCHARS - 1);
    out[ZONE_UCHARS - 1] = 0;
}

int when_zone_known(const char *tz)
{
    if (!tz || !*tz || strlen(tz) >= ZONE_UCHARS)
        return 0;
    UChar id[ZONE_UCHARS], canon[ZONE_UCHARS];
    u_uastrncpy(id, tz, ZONE_UCHARS - 1);
    id[ZONE_UCHARS - 1] = 0;
    UErrorCode st = U_ZERO_ERROR;
    UBool system = 0;
    ucal_getCanonicalTimeZoneID(id, -1, canon, ZONE_UCHARS, &system, &st);
    return U_SUCCESS(st) && system;
}

/* Formats t with an ICU pattern in zone tz into out (UTF-8). 0 or -1. */
static int format(int64_t t, const char *tz, const char *pattern, char *out, size_t outlen)
{
    UChar zone[ZONE_UCHARS], pat[64], text[160];
    const char *name;
    zone_id(tz, zone, &name);
    u_uastrncpy(pat, pattern, 63);
    pat[63] = 0;
    UErrorCode st = U_ZERO_ERROR;
    UDateFormat *f = udat_open(UDAT_PATTERN, UDAT_PATTERN, "en_GB", zone, -1, pat, -1, &st);
    if (U_FAILURE(st))
        return -1;
    int32_t n =
        udat_format(f, (UDate)t * 1000.0, text, (int32_t)(sizeof text / sizeof *text), NULL, &st);
    udat_close(f);
    if (U_FAILURE(st) || n <= 0)
        return -1;
    int32_t len = 0;
    u_strToUTF8(out, (int32_t)outlen, &len, text, n, &st);
    if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING || (size_t)len >= outlen)
        return -1;
    return 0;
}

int when_text(int64_t t, const char *tz, char *out, size_t outlen)
{
    char local[128];
    const char *name = tz && *tz && when_zone_known(tz) ? tz : "UTC";
    if (format(t, name, "EEEE d MMMM y, HH:mm", local, sizeof local) == 0 &&
        str_fmt(out, outlen, "%s (%s)", local, name))
        return 0;
    /* ICU failed, or out is small: the UTC instant, still readable. */
    time_t tt = (time_t)t;
    struct tm tm;
    char utc[40] = "";
    if (gmtime_r(&tt, &tm))
        strftime(utc, sizeof utc, "%Y-%m-%d %H:%M (UTC)", &tm);
    str_fmt(out, outlen, "%s", utc);
    return -1;
}

void when_date(int64_t t, const char *tz, char out[11])
{
    if (format(t, tz, "yyyy-MM-dd", out, 11) == 0)
        return;
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) == 0)
        str_fmt(out, 11, "1970-01-01");
}
