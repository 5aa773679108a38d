/* notification.c - modes, the signed unsubscribe token, and the digest's
 * list (see notification.h). */
#include "domain/notification.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "domain/mail.h"

#define KIND_MAX 48
#define MAC_B64 44 /* base64url of 32 bytes without padding, with the NUL */

static const char *const mode_names[] = {"immediately", "daily", "off"};

const char *notification_mode_name(enum notification_mode m)
{
    return (unsigned)m < 3 ? mode_names[m] : "immediately";
}

int notification_mode_parse(const char *name)
{
    for (int i = 0; name && i < 3; i++)
        if (strcmp(name, mode_names[i]) == 0)
            return i;
    return -1;
}

static bool kind_ok(const char *kind, size_t len)
{
    if (len == 0 || len > KIND_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = kind[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return true;
}

/* The MAC of the token's first three fields, base64url. */
static void mac_of(const unsigned char key[NOTIFICATION_KEY_BYTES], const char *fields, size_t len,
                   char out[MAC_B64])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    static const char domain[] = "unsubscribe:";
    crypto_auth_hmacsha256_init(&st, key, NOTIFICATION_KEY_BYTES);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)domain, sizeof domain - 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)fields, len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2base64(out, MAC_B64, mac, sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool notification_token_make(const unsigned char key[NOTIFICATION_KEY_BYTES], int64_t person_id,
                             const char *kind, int64_t expires, char out[NOTIFICATION_TOKEN_CHARS])
{
    out[0] = '\0';
    if (!kind || !kind_ok(kind, strlen(kind)) || person_id <= 0 || expires < 0)
        return false;
    char fields[NOTIFICATION_TOKEN_CHARS];
    if (!str_fmt(fields, sizeof fields, "%lld.%s.%lld", (long long)person_id, kind,
                 (long long)expires))
        return false;
    char mac[MAC_B64];
    mac_of(key, fields, strlen(fields), mac);
    return str_fmt(out, NOTIFICATION_TOKEN_CHARS, "%s.%s", fields, mac);
}

/* A decimal number of digits only, no sign, no leading zero. */
static bool number(const char *s, size_t len, int64_t *out)
{
    if (len == 0 || len > 18 || (len > 1 && s[0] == '0'))
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

enum notification_token_check
notification_token_check(const unsigned char key[NOTIFICATION_KEY_BYTES], const char *token,
                         int64_t now, int64_t *person_id, char *kind, size_t kind_size,
                         int64_t *expires)
{
    kind[0] = '\0';
    *person_id = *expires = 0;
    if (!token || strlen(token) >= NOTIFICATION_TOKEN_CHARS)
        return NOTIFY_TOKEN_FORGED;
    const char *d1 = strchr(token, '.');
    const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    const char *d3 = d2 ? strchr(d2 + 1, '.') : NULL;
    if (!d3 || strchr(d3 + 1, '.'))
        return NOTIFY_TOKEN_FORGED;
    int64_t person, exp;
    size_t klen = (size_t)(d2 - d1 - 1);
    if (!number(token, (size_t)(d1 - token), &person) || person <= 0 || !kind_ok(d1 + 1, klen) ||
        !number(d2 + 1, (size_t)(d3 - d2 - 1), &exp) || klen >= kind_size)
        return NOTIFY_TOKEN_FORGED;
    char want[MAC_B64];
    mac_of(key, token, (size_t)(d3 - token), want);
    const char *mac = d3 + 1;
    if (strlen(mac) != strlen(want) || sodium_memcmp(mac, want, strlen(want)) != 0)
        return NOTIFY_TOKEN_FORGED;
    *person_id = person;
    *expires = exp;
    memcpy(kind, d1 + 1, klen);
    kind[klen] = '\0';
    return now >= exp ? NOTIFY_TOKEN_EXPIRED : NOTIFY_TOKEN_OK;
}

int64_t notification_day(int64_t t)
{
    int64_t d = t / NOTIFICATION_DAY_S;
    if (t < 0 && t % NOTIFICATION_DAY_S)
        d--;
    return d * NOTIFICATION_DAY_S;
}

int notification_digest_list(const struct notification_item *items, size_t n, size_t more,
                             buf *text, buf *html)
{
    if (n && buf_puts(html, "<ul>\n"))
        return -1;
    for (size_t i = 0; i < n; i++) {
        const struct notification_item *it = &items[i];
        bool prog = it->program && *it->program;
        /* A title is one line, whatever it holds. */
        char title[512];
        str_fmt(title, sizeof title, "%s", it->title ? it->title : "");
        for (char *c = title; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                *c = ' ';
        if (buf_printf(text, "- %s%s%s%s\n  %s\n", title, prog ? " (" : "", prog ? it->program : "",
                       prog ? ")" : "", it->link ? it->link : "") ||
            buf_puts(html, "<li><a href=\"") || mail_html_escape(html, it->link) ||
            buf_puts(html, "\">") || mail_html_escape(html, title) || buf_puts(html, "</a>"))
            return -1;
        if (prog &&
            (buf_puts(html, " (") || mail_html_escape(html, it->program) || buf_puts(html, ")")))
            return -1;
        if (buf_puts(html, "</li>\n"))
            return -1;
    }
    if (n && buf_puts(html, "</ul>\n"))
        return -1;
    if (more && (buf_printf(text, "... and %zu more in Tandem.\n", more) ||
                 buf_printf(html, "<p>... and %zu more in Tandem.</p>\n", more)))
        return -1;
    return 0;
}

int notification_changes_read(const json_t *body, struct notification_change *ch, size_t max,
                              size_t *n, verr *e)
{
    static const char *const keys[] = {"kinds", NULL};
    static const char *const item_keys[] = {"kind", "mode", NULL};
    json_t *list = NULL;
    *n = 0;
    v_known_keys(body, "", keys, e);
    if (!json_object_get(body, "kinds"))
        v_fail(e, "", "kinds", "name the kinds to change: [{\"kind\", \"mode\"}]");
    v_array(body, "kinds", "", max, &list, e);
    for (size_t i = 0; list && i < json_array_size(list); i++) {
        char path[32];
        str_fmt(path, sizeof path, "kinds[%zu]", i);
        json_t *it = json_array_get(list, i);
        if (!json_is_object(it)) {
            v_fail(e, "", path, "must be an object {\"kind\", \"mode\"}");
            continue;
        }
        v_known_keys(it, path, item_keys, e);
        const char *kind = NULL, *mode = NULL;
        v_string(it, "kind", path, true, false, 64, NULL, &kind, e);
        v_string(it, "mode", path, true, false, 32, NULL, &mode, e);
        ch[(*n)++] = (struct notification_change){kind, mode};
    }
    return v_failed(e) ? -1 : 0;
}
