#include "jobs/mail_smtp.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/mem.h"
#include "base/str.h"

/* ---- the configuration ---- */

static bool loopback(const char *host)
{
    return strcmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 ||
           strcmp(host, "::1") == 0 || str_starts(host, "127.");
}

static int fail(char *err, size_t errlen, const char *msg)
{
    str_fmt(err, errlen, "%s", msg);
    return -1;
}

int mail_smtp_parse(const char *url, const char *password, struct mail_smtp_config *out, char *err,
                    size_t errlen)
{
    *out = (struct mail_smtp_config){0};
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *query = NULL, *whole = NULL, *shown = NULL;
    int rc = -1;
    if (!u)
        return fail(err, errlen, "out of memory");
    if (!url || !*url || strlen(url) >= MAIL_SMTP_URL_BYTES ||
        curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
        fail(err, errlen, "not a URL like smtp://mail.example.org:587");
        goto done;
    }
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        (strcmp(scheme, "smtp") != 0 && strcmp(scheme, "smtps") != 0)) {
        fail(err, errlen, "the scheme must be smtp:// (STARTTLS) or smtps:// (TLS)");
        goto done;
    }
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !*host) {
        fail(err, errlen, "the URL names no host");
        goto done;
    }
    bool smtps = strcmp(scheme, "smtps") == 0, no_starttls = false;
    if (curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK && query) {
        if (strcmp(query, "starttls=no") != 0) {
            fail(err, errlen, "the only option is ?starttls=no");
            goto done;
        }
        if (smtps) {
            fail(err, errlen, "?starttls=no is for smtp://; smtps:// is TLS from the start");
            goto done;
        }
        if (!loopback(host)) {
            fail(err, errlen,
                 "?starttls=no is accepted only for a mail server on this machine "
                 "(localhost, 127.0.0.1, [::1]): elsewhere mail and passwords would cross the "
                 "network in the clear");
            goto done;
        }
        no_starttls = true;
        curl_url_set(u, CURLUPART_QUERY, NULL, 0);
    }
    if (curl_url_get(u, CURLUPART_URL, &whole, 0) != CURLUE_OK) {
        fail(err, errlen, "not a URL like smtp://mail.example.org:587");
        goto done;
    }
    curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
    if (curl_url_get(u, CURLUPART_URL, &shown, 0) != CURLUE_OK) {
        fail(err, errlen, "not a URL like smtp://mail.example.org:587");
        goto done;
    }
    str_fmt(out->url, sizeof out->url, "%s", whole);
    str_fmt(out->shown, sizeof out->shown, "%s%s", shown, no_starttls ? " (no STARTTLS)" : "");
    if (password && *password && !str_fmt(out->password, sizeof out->password, "%s", password)) {
        fail(err, errlen, "the password is too long");
        goto done;
    }
    out->tls_required = !no_starttls;
    rc = 0;
done:
    curl_free(scheme);
    curl_free(host);
    curl_free(query);
    curl_free(whole);
    curl_free(shown);
    curl_url_cleanup(u);
    return rc;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

void mail_smtp_global_init(void)
{
    pthread_once(&curl_once, curl_init);
}

/* ---- sending ---- */

struct mail_smtp {
    CURL *h;
    struct mail_smtp_config cfg;
    const char *data; /* the message being sent */
    size_t len, pos;
    char last_reply[LIMIT_MAIL_REPLY_BYTES + 1]; /* the server's last reply line */
    char error[CURL_ERROR_SIZE];
};

static size_t read_message(char *out, size_t size, size_t nitems, void *arg)
{
    mail_smtp *s = arg;
    size_t room = size * nitems, left = s->len - s->pos;
    size_t n = left < room ? left : room;
    memcpy(out, s->data + s->pos, n);
    s->pos += n;
    return n;
}

/* Keeps the server's last reply line (libcurl shows replies as incoming
 * headers). */
static int debug(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
    (void)h;
    mail_smtp *s = arg;
    if (type != CURLINFO_HEADER_IN || size == 0)
        return 0;
    while (size > 0 && (data[size - 1] == '\n' || data[size - 1] == '\r'))
        size--;
    if (size >= sizeof s->last_reply)
        size = sizeof s->last_reply - 1;
    size_t w = 0;
    for (size_t i = 0; i < size; i++) /* a reply is kept as one line of printable text */
        s->last_reply[w++] = (unsigned char)data[i] < 0x20 ? ' ' : data[i];
    s->last_reply[w] = '\0';
    return 0;
}

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
    (void)p;
    (void)arg;
    return size * n;
}

mail_smtp *mail_smtp_new(const struct mail_smtp_config *cfg)
{
    mail_smtp_global_init();
    CURL *h = curl_easy_init();
    if (!h)
        return NULL;
    mail_smtp *s = xcalloc(1, sizeof *s);
    s->h = h;
    s->cfg = *cfg;
    curl_easy_setopt(h, CURLOPT_URL, s->cfg.url);
    if (s->cfg.password[0])
        curl_easy_setopt(h, CURLOPT_PASSWORD, s->cfg.password);
    curl_easy_setopt(h, CURLOPT_USE_SSL,
                     (long)(cfg->tls_required ? CURLUSESSL_ALL : CURLUSESSL_NONE));
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(h, CURLOPT_READDATA, s);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug);
    curl_easy_setopt(h, CURLOPT_DEBUGDATA, s);
    curl_easy_setopt(h, CURLOPT_VERBOSE, 1L); /* for debug(): nothing is printed */
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, s->error);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)LIMIT_MAIL_CONNECT_TIMEOUT_S);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)LIMIT_MAIL_SEND_TIMEOUT_S);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, 65536L);
    return s;
}

void mail_smtp_free(mail_smtp *s)
{
    if (!s)
        return;
    curl_easy_cleanup(s->h); /* sends QUIT on an open connection */
    free(s);
}

enum mail_smtp_result mail_smtp_send(mail_smtp *s, const char *from, const char *to,
                                     const char *message, size_t len, char *reply, size_t replylen)
{
    char from_path[LIMIT_EMAIL_BYTES + 3], to_path[LIMIT_EMAIL_BYTES + 3];
    str_fmt(from_path, sizeof from_path, "<%s>", from);
    str_fmt(to_path, sizeof to_path, "<%s>", to);
    struct curl_slist *rcpt = curl_slist_append(NULL, to_path);
    if (!rcpt) {
        str_fmt(reply, replylen, "out of memory");
        return MAIL_SMTP_TRANSIENT;
    }
    s->data = message;
    s->len = len;
    s->pos = 0;
    s->last_reply[0] = '\0';
    s->error[0] = '\0';
    curl_easy_setopt(s->h, CURLOPT_MAIL_FROM, from_path);
    curl_easy_setopt(s->h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(s->h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
    CURLcode rc = curl_easy_perform(s->h);
    curl_easy_setopt(s->h, CURLOPT_MAIL_RCPT, NULL);
    curl_slist_free_all(rcpt);
    long code = 0;
    curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &code);
    if (rc == CURLE_OK) {
        str_fmt(reply, replylen, "%s", s->last_reply[0] ? s->last_reply : "250");
        return MAIL_SMTP_SENT;
    }
    const char *why = s->error[0] ? s->error : curl_easy_strerror(rc);
    if (s->last_reply[0] && code >= 400)
        str_fmt(reply, replylen, "%s", s->last_reply); /* the server's own words */
    else
        str_fmt(reply, replylen, "%s", why);
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_LOGIN_DENIED: return MAIL_SMTP_DOWN;
    default: break;
    }
    if (code >= 500 && code <= 599)
        return MAIL_SMTP_PERMANENT;
    return MAIL_SMTP_TRANSIENT;
}
