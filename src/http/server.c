#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"

/* Per-request state, created on the first callback of a request. */
struct request {
    double started;
    size_t body_limit;
    int early_status; /* non-zero: refuse with this status, body discarded */
    const char *early_detail;
    int header_count;
    int content_length_count;
    bool chunked;
    bool header_too_big;
    bool overflow; /* the body passed its limit: the rest is read and dropped */
    size_t dropped;
    buf body;
    char ip[INET6_ADDRSTRLEN];
};

static const struct http_server_config *config;
static int access_fd = -1;

/* Counters for /metrics. */
static atomic_ullong m_requests[6]; /* by status class 1xx..5xx, [0] unused */
static atomic_ullong m_bytes_out;
static atomic_llong m_in_flight;
static const double m_bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5};
#define NBOUNDS (sizeof m_bounds / sizeof m_bounds[0])
static atomic_ullong m_latency[NBOUNDS + 1];
static atomic_ullong m_latency_sum_us;

int http_parse_listen(const char *s, char *host, size_t hostlen, uint16_t *port)
{
    if (!s)
        return -1;
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s)
        return -1;
    const char *h = s;
    size_t hl = (size_t)(colon - s);
    if (h[0] == '[') {
        if (hl < 3 || h[hl - 1] != ']')
            return -1;
        h++;
        hl -= 2;
    }
    if (hl + 1 > hostlen)
        return -1;
    int64_t p;
    if (str_to_i64(colon + 1, 0, 65535, &p))
        return -1;
    memcpy(host, h, hl);
    host[hl] = '\0';
    *port = (uint16_t)p;
    return 0;
}

static enum MHD_Result inspect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    struct request *q = cls;
    q->header_count++;
    size_t kl = strlen(key), vl = value ? strlen(value) : 0;
    if (kl + vl > LIMIT_HTTP_HEADER_BYTES)
        q->header_too_big = true;
    if (strcasecmp(key, "Content-Length") == 0)
        q->content_length_count++;
    if (strcasecmp(key, "Transfer-Encoding") == 0 && value && value[0])
        q->chunked = true;
    return MHD_YES;
}

static enum http_method parse_method(const char *m)
{
    static const struct {
        const char *name;
        enum http_method m;
    } map[] = {{"GET", HTTP_GET}, {"HEAD", HTTP_HEAD},   {"POST", HTTP_POST},
               {"PUT", HTTP_PUT}, {"PATCH", HTTP_PATCH}, {"DELETE", HTTP_DELETE}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(m, map[i].name) == 0)
            return map[i].m;
    return HTTP_OTHER;
}

static void security_headers(struct MHD_Response *resp, const http_resp *w)
{
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self'; style-src 'self'; "
                            "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
                            "base-uri 'none'; form-action 'self'");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
    if (w->cache_control)
        MHD_add_response_header(resp, "Cache-Control", w->cache_control);
    else if (w->no_store)
        MHD_add_response_header(resp, "Cache-Control", "no-store");
}

static void record(struct request *q, const char *method, const char *url, int status, size_t bytes)
{
    double secs = clock_mono() - q->started;
    int cls = status / 100;
    if (cls >= 1 && cls <= 5)
        atomic_fetch_add(&m_requests[cls], 1);
    atomic_fetch_add(&m_bytes_out, bytes);
    size_t b = 0;
    while (b < NBOUNDS && secs > m_bounds[b])
        b++;
    atomic_fetch_add(&m_latency[b], 1);
    atomic_fetch_add(&m_latency_sum_us, (unsigned long long)(secs * 1e6));
    if (access_fd < 0)
        return;
    char line[LIMIT_HTTP_URL_BYTES + 256];
    char when[32];
    clock_rfc3339(clock_now(), when);
    int n = snprintf(line, sizeof line, "%s %s %s %.*s %d %zu %.3fms\n", when, q->ip, method,
                     LIMIT_HTTP_URL_BYTES, url, status, bytes, secs * 1e3);
    if (n > 0) {
        if ((size_t)n >= sizeof line)
            n = (int)sizeof line - 1;
        ssize_t wr = write(access_fd, line, (size_t)n); /* one write: lines stay whole */
        (void)wr;
    }
}

static enum MHD_Result send_resp(struct MHD_Connection *c, struct request *q, const char *method,
                                 const char *url, http_resp *w)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        w->body.len, w->body.data ? w->body.data : (void *)"", MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", w->content_type);
    for (int i = 0; i < w->nheaders; i++)
        MHD_add_response_header(resp, w->headers[i].name, w->headers[i].value);
    security_headers(resp, w);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)w->status, resp);
    MHD_destroy_response(resp);
    record(q, method, url, w->status, w->body.len);
    return ret;
}

static enum MHD_Result refuse(struct MHD_Connection *c, struct request *q, const char *method,
                              const char *url, int status, const char *detail)
{
    http_resp w;
    http_resp_init(&w);
    buf_printf(&w.body,
               "{\"type\":\"about:blank\",\"title\":\"%s\",\"status\":%d,\"detail\":\"%s\"}",
               status == 413   ? "Payload Too Large"
               : status == 414 ? "URI Too Long"
               : status == 431 ? "Request Header Fields Too Large"
                               : "Bad Request",
               status, detail);
    w.status = status;
    w.content_type = "application/problem+json";
    http_resp_header(&w, "Connection", "close");
    enum MHD_Result r = send_resp(c, q, method, url, &w);
    http_resp_cleanup(&w);
    return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)cls;
    (void)version;
    struct request *q = *con_cls;
    if (!q) {
        q = xcalloc(1, sizeof *q);
        *con_cls = q;
        q->started = clock_mono();
        atomic_fetch_add(&m_in_flight, 1);
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (ci && ci->client_addr) {
            const struct sockaddr *sa = ci->client_addr;
            if (sa->sa_family == AF_INET)
                inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, q->ip,
                          sizeof q->ip);
            else if (sa->sa_family == AF_INET6)
                inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, q->ip,
                          sizeof q->ip);
        }
        MHD_get_connection_values(c, MHD_HEADER_KIND, inspect_header, q);
        enum http_method m = parse_method(method);
        q->body_limit = config->body_limit ? config->body_limit(m, url) : LIMIT_HTTP_BODY_BYTES;
        buf_init(&q->body, q->body_limit);
        if (strlen(url) > LIMIT_HTTP_URL_BYTES)
            return refuse(c, q, method, url, 414, "request target too long");
        if (q->content_length_count > 1)
            return refuse(c, q, method, url, 400, "more than one Content-Length header");
        if (q->content_length_count && q->chunked)
            return refuse(c, q, method, url, 400, "Content-Length together with Transfer-Encoding");
        if (q->header_count > LIMIT_HTTP_HEADER_COUNT)
            return refuse(c, q, method, url, 431, "too many header fields");
        if (q->header_too_big)
            return refuse(c, q, method, url, 431, "a header field is too large");
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        int64_t n;
        if (cl && (str_to_i64(cl, 0, INT64_MAX, &n) || (uint64_t)n > q->body_limit))
            return refuse(c, q, method, url, 413, "the request body is larger than allowed");
        return MHD_YES;
    }
    if (*upload_size) {
        /* A body without Content-Length (chunked) is counted as it comes.
         * Past the limit it is read and dropped, so the 413 reaches the
         * client instead of a reset; past four times the limit the
         * connection is simply closed. */
        if (!q->overflow && buf_append(&q->body, upload, *upload_size))
            q->overflow = true;
        if (q->overflow) {
            q->dropped += *upload_size;
            if (q->dropped > 4 * q->body_limit)
                return MHD_NO;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (q->overflow)
        return refuse(c, q, method, url, 413, "the request body is larger than allowed");

    /* The whole request is here: second call or later, so the reply keeps
     * the connection alive. */
    http_req r = {0};
    r.method = parse_method(method);
    r.method_name = method;
    r.path = url;
    r.body = q->body.data ? q->body.data : "";
    r.body_len = q->body.len;
    r.client_ip = q->ip;
    r.conn = c;
    http_resp w;
    http_resp_init(&w);
    config->dispatch(&r, &w);
    enum MHD_Result ret = send_resp(c, q, method, url, &w);
    http_resp_cleanup(&w);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    struct request *q = *con_cls;
    if (!q)
        return;
    buf_cleanup(&q->body);
    free(q);
    *con_cls = NULL;
    atomic_fetch_sub(&m_in_flight, 1);
}

const char *http_req_header(const http_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *http_req_query(const http_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_req_cookie(const http_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    log_msg(LOG_DEBUG, "http", "%s", msg);
}

int http_server_run(const struct http_server_config *cfg)
{
    config = cfg;
    if (cfg->access_log && strcmp(cfg->access_log, "off") != 0) {
        if (strcmp(cfg->access_log, "-") == 0)
            access_fd = STDERR_FILENO;
        else
            access_fd = open(cfg->access_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        if (access_fd < 0) {
            log_error("http", "cannot open access log %s: %s", cfg->access_log, strerror(errno));
            return -1;
        }
    }

    struct sockaddr_storage ss = {0};
    socklen_t sslen;
    struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (inet_pton(AF_INET, cfg->host, &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons(cfg->port);
        sslen = sizeof *sin;
    } else if (inet_pton(AF_INET6, cfg->host, &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(cfg->port);
        sslen = sizeof *sin6;
        flags |= MHD_USE_IPv6;
    } else {
        log_error("http", "cannot listen on '%s': not an IP address", cfg->host);
        return -1;
    }
    (void)sslen;

    /* Workers inherit this mask: only the main thread takes the signals. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = cfg->threads ? cfg->threads : (unsigned)(cores > 0 ? cores : 1);
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, cfg->port, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)LIMIT_HTTP_CONNS_TOTAL, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        cfg->conns_per_ip ? cfg->conns_per_ip : LIMIT_HTTP_CONNS_PER_IP,
        MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s ? cfg->timeout_s : LIMIT_HTTP_TIMEOUT_S,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)LIMIT_HTTP_CONN_MEMORY,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_END);
    if (!d) {
        log_error("http", "cannot listen on %s:%u: %s", cfg->host, cfg->port, strerror(errno));
        return -1;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    log_info("http", "listening on http://%s%s%s:%u with %u threads",
             strchr(cfg->host, ':') ? "[" : "", cfg->host, strchr(cfg->host, ':') ? "]" : "",
             di ? di->port : cfg->port, threads);

    int sig = 0;
    sigwait(&set, &sig);
    log_info("http", "signal %d: finishing in-flight requests", sig);
    MHD_socket ls = MHD_quiesce_daemon(d);
    if (ls != MHD_INVALID_SOCKET)
        close(ls);
    double until = clock_mono() + 10.0;
    while (atomic_load(&m_in_flight) > 0 && clock_mono() < until)
        usleep(10000);
    MHD_stop_daemon(d);
    if (access_fd > STDERR_FILENO)
        close(access_fd);
    access_fd = -1;
    log_info("http", "stopped");
    return 0;
}

void http_metrics_write(buf *out)
{
    buf_puts(out, "# HELP tandem_http_requests_total HTTP requests answered, by status class.\n"
                  "# TYPE tandem_http_requests_total counter\n");
    for (int i = 1; i <= 5; i++)
        buf_printf(out, "tandem_http_requests_total{class=\"%dxx\"} %llu\n", i,
                   (unsigned long long)atomic_load(&m_requests[i]));
    buf_printf(out,
               "# HELP tandem_http_response_bytes_total Response body bytes sent.\n"
               "# TYPE tandem_http_response_bytes_total counter\n"
               "tandem_http_response_bytes_total %llu\n",
               (unsigned long long)atomic_load(&m_bytes_out));
    buf_printf(out,
               "# HELP tandem_http_in_flight Requests being handled now.\n"
               "# TYPE tandem_http_in_flight gauge\ntandem_http_in_flight %lld\n",
               (long long)atomic_load(&m_in_flight));
    buf_puts(out, "# HELP tandem_http_request_duration_seconds Time to answer a request.\n"
                  "# TYPE tandem_http_request_duration_seconds histogram\n");
    unsigned long long cum = 0;
    for (size_t i = 0; i < NBOUNDS; i++) {
        cum += atomic_load(&m_latency[i]);
        buf_printf(out, "tandem_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                   m_bounds[i], cum);
    }
    cum += atomic_load(&m_latency[NBOUNDS]);
    buf_printf(out, "tandem_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
    buf_printf(out, "tandem_http_request_duration_seconds_sum %.6f\n",
               (double)atomic_load(&m_latency_sum_us) / 1e6);
    buf_printf(out, "tandem_http_request_duration_seconds_count %llu\n", cum);
}
