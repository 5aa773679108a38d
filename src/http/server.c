#include "http/server.h"

#include <arpa/inet.h>
#include <dlfcn.h>
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
#include "http/access_log.h"
#include "http/client_addr.h"
#include "http/framing.h"

/* Per-connection state, from accept to close: when the request being
 * received started (the connection opened or the previous reply went
 * out) and whether one is being answered. The deadline thread reads it. */
struct conn {
    int fd;
    _Atomic int64_t window_ms; /* clock_mono() in ms when the current request may start */
    atomic_bool serving;       /* a whole request is here and is being answered */
    atomic_bool cut;           /* the deadline thread shut the socket down */
    struct conn *prev, *next;
};

/* Per-request state, created when the request line has been read (the
 * URI log callback) and freed when the request completes. */
struct request {
    double started;
    bool seen; /* the access handler ran once */
    size_t body_limit;
    bool overflow; /* the body passed its limit: the rest is read and dropped */
    size_t dropped;
    buf body;
    struct conn *conn;
    char ip[INET6_ADDRSTRLEN];
    size_t target_len; /* the raw request target's full length */
    char target[];     /* the raw request target, cut one byte past the limit */
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

#define XFF_FIELDS 16 /* X-Forwarded-For fields read; a request with more is refused anyway */

struct head_scan {
    struct http_framing framing;
    const char *xff[XFF_FIELDS];
    int nxff;
    bool xff_overflow;
};

static enum MHD_Result inspect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    struct head_scan *h = cls;
    http_framing_header(&h->framing, key, value);
    if (key && strcasecmp(key, "X-Forwarded-For") == 0) {
        if (h->nxff < XFF_FIELDS)
            h->xff[h->nxff++] = value;
        else
            h->xff_overflow = true;
    }
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

/* libmicrohttpd answers some requests itself, before any of our code runs
 * (a malformed request line or header, an HTTP version it does not
 * speak, a head too large for the connection's memory), and 0.9.75 has no
 * hook to change those replies. Its own calls to MHD_queue_response go
 * through the dynamic linker, so this definition takes them: a reply
 * without our headers gets them here before the library's function
 * queues it. Our own replies already carry them and pass unchanged.
 * tests/api/test_security.py checks a 505 and a 400 from the library. */
typedef enum MHD_Result (*queue_fn)(struct MHD_Connection *, unsigned int, struct MHD_Response *);
static queue_fn real_queue;
static pthread_once_t queue_once = PTHREAD_ONCE_INIT;

static void find_queue(void)
{
    void *f = dlsym(RTLD_NEXT, "MHD_queue_response");
    memcpy(&real_queue, &f, sizeof real_queue);
}

enum MHD_Result MHD_queue_response(struct MHD_Connection *connection, unsigned int status_code,
                                   struct MHD_Response *response)
{
    pthread_once(&queue_once, find_queue);
    if (!real_queue)
        return MHD_NO;
    if (response && !MHD_get_response_header(response, "X-Content-Type-Options")) {
        static const http_resp plain = {.no_store = true};
        security_headers(response, &plain);
        if (!MHD_get_response_header(response, "Content-Type"))
            MHD_add_response_header(response, "Content-Type", "text/html; charset=utf-8");
    }
    return real_queue(connection, status_code, response);
}

static void record(struct request *q, const char *method, int status, size_t bytes)
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
    /* The raw target, secrets redacted and unsafe bytes escaped, so one
     * request is one line and no line carries a terminal escape. */
    char target[3 * LIMIT_HTTP_URL_BYTES + 8], meth[64], when[32];
    access_log_target(q->target, target, sizeof target);
    access_log_escape(method, meth, sizeof meth);
    clock_rfc3339(clock_now(), when);
    char line[sizeof target + sizeof meth + 160];
    int n = snprintf(line, sizeof line, "%s %s %s %s %d %zu %.3fms\n", when, q->ip, meth, target,
                     status, bytes, secs * 1e3);
    if (n > 0) {
        if ((size_t)n >= sizeof line) {
            n = (int)sizeof line - 1;
            line[n - 1] = '\n';
        }
        ssize_t wr = write(access_fd, line, (size_t)n); /* one write: lines stay whole */
        (void)wr;
    }
}

static enum MHD_Result send_resp(struct MHD_Connection *c, struct request *q, const char *method,
                                 http_resp *w)
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
    record(q, method, w->status, w->body.len);
    return ret;
}

static enum MHD_Result refuse(struct MHD_Connection *c, struct request *q, const char *method,
                              int status, const char *detail)
{
    http_resp w;
    http_resp_init(&w);
    buf_printf(&w.body,
               "{\"type\":\"about:blank\",\"title\":\"%s\",\"status\":%d,\"detail\":\"%s\"}",
               status == 413   ? "Payload Too Large"
               : status == 414 ? "URI Too Long"
               : status == 431 ? "Request Header Fields Too Large"
               : status == 501 ? "Not Implemented"
                               : "Bad Request",
               status, detail);
    w.status = status;
    w.content_type = "application/problem+json";
    http_resp_header(&w, "Connection", "close");
    enum MHD_Result r = send_resp(c, q, method, &w);
    http_resp_cleanup(&w);
    return r;
}

static int64_t now_ms(void)
{
    return (int64_t)(clock_mono() * 1000.0);
}

/* The URI log callback: the request line has been read. The raw target
 * is what the access log shows (MHD decodes the path it hands the access
 * handler). The request state made here is freed in on_completed. */
static void *on_request_line(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    size_t len = uri ? strlen(uri) : 0;
    size_t keep = len < LIMIT_HTTP_URL_BYTES + 1 ? len : LIMIT_HTTP_URL_BYTES + 1;
    struct request *q = xcalloc(1, sizeof *q + keep + 1);
    q->started = clock_mono();
    atomic_fetch_add(&m_in_flight, 1);
    q->target_len = len;
    if (keep)
        memcpy(q->target, uri, keep);
    q->target[keep] = '\0';
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, q->ip, sizeof q->ip);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, q->ip, sizeof q->ip);
    }
    const union MHD_ConnectionInfo *sc =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    q->conn = sc ? sc->socket_context : NULL;
    return q;
}

/* The first call: the head is here. Refuses what cannot be framed
 * safely (framing.h) before a byte of the body is read. */
static enum MHD_Result on_head(struct MHD_Connection *c, struct request *q, const char *url,
                               const char *method, const char *version)
{
    struct head_scan h = {0};
    http_framing_init(&h.framing);
    MHD_get_connection_values(c, MHD_HEADER_KIND, inspect_header, &h);
    if (config->trusted_proxies && config->trusted_proxies->n) {
        char peer[INET6_ADDRSTRLEN];
        memcpy(peer, q->ip, sizeof peer);
        http_client_addr(config->trusted_proxies, peer, h.xff, h.nxff, q->ip, sizeof q->ip);
    }
    enum http_method m = parse_method(method);
    q->body_limit = config->body_limit ? config->body_limit(m, url) : LIMIT_HTTP_BODY_BYTES;
    buf_init(&q->body, q->body_limit);
    const char *detail;
    int status = http_framing_verdict(&h.framing, version, q->target_len, q->body_limit, &detail);
    if (!status && h.xff_overflow) {
        status = 431;
        detail = "too many X-Forwarded-For fields";
    }
    if (status)
        return refuse(c, q, method, status, detail);
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)cls;
    struct request *q = *con_cls;
    if (!q) /* not reached: the URI log callback made it */
        return MHD_NO;
    if (!q->seen) {
        q->seen = true;
        return on_head(c, q, url, method, version);
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
    if (q->conn)
        atomic_store(&q->conn->serving, true);
    if (q->overflow)
        return refuse(c, q, method, 413, "the request body is larger than allowed");

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
    enum MHD_Result ret = send_resp(c, q, method, &w);
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
    if (q->conn) {
        /* The next request on this connection gets a whole window. */
        atomic_store(&q->conn->window_ms, now_ms());
        atomic_store(&q->conn->serving, false);
    }
    buf_cleanup(&q->body);
    free(q);
    *con_cls = NULL;
    atomic_fetch_sub(&m_in_flight, 1);
}

/* ---- the request deadline ----
 *
 * libmicrohttpd's timeout counts idle time, so a client sending one byte
 * every few seconds holds its connection for ever. Every open connection
 * is listed here; a thread wakes each second and shuts down the socket of
 * any connection that has spent longer than the deadline receiving one
 * request (its head or its body). The library then sees the connection
 * end and closes it itself. A connection whose request is being answered
 * is left alone. The list lock is held across shutdown(), and the
 * library removes a connection (NOTIFY_CLOSED, under the same lock)
 * before it closes the socket, so a reused descriptor is never touched. */
static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conn *conns;
static unsigned deadline_s;
static pthread_t deadline_thread;
static pthread_mutex_t deadline_stop_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t deadline_stop_cond = PTHREAD_COND_INITIALIZER;
static bool deadline_stop;

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        struct conn *k = xcalloc(1, sizeof *k);
        k->fd = ci ? ci->connect_fd : -1;
        atomic_store(&k->window_ms, now_ms());
        pthread_mutex_lock(&conns_lock);
        k->next = conns;
        if (conns)
            conns->prev = k;
        conns = k;
        pthread_mutex_unlock(&conns_lock);
        *socket_context = k;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        struct conn *k = *socket_context;
        if (!k)
            return;
        pthread_mutex_lock(&conns_lock);
        if (k->prev)
            k->prev->next = k->next;
        else
            conns = k->next;
        if (k->next)
            k->next->prev = k->prev;
        pthread_mutex_unlock(&conns_lock);
        free(k);
        *socket_context = NULL;
    }
}

static void *deadline_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&deadline_stop_lock);
    while (!deadline_stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&deadline_stop_cond, &deadline_stop_lock, &ts);
        if (deadline_stop)
            break;
        int64_t limit = now_ms() - (int64_t)deadline_s * 1000;
        pthread_mutex_lock(&conns_lock);
        for (struct conn *k = conns; k; k = k->next) {
            if (k->fd < 0 || atomic_load(&k->serving) || atomic_load(&k->cut) ||
                atomic_load(&k->window_ms) > limit)
                continue;
            atomic_store(&k->cut, true);
            shutdown(k->fd, SHUT_RDWR);
        }
        pthread_mutex_unlock(&conns_lock);
    }
    pthread_mutex_unlock(&deadline_stop_lock);
    return NULL;
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

/* Set once SIGTERM or SIGINT came: connections made after it are closed
 * at once, the ones open are served until their requests are done. */
static atomic_bool stopping;

static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    (void)cls;
    (void)addr;
    (void)addrlen;
    return atomic_load(&stopping) ? MHD_NO : MHD_YES;
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
    atomic_store(&stopping, false);
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, cfg->port, accept_policy, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)LIMIT_HTTP_CONNS_TOTAL, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        cfg->conns_per_ip ? cfg->conns_per_ip : LIMIT_HTTP_CONNS_PER_IP,
        MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s ? cfg->timeout_s : LIMIT_HTTP_TIMEOUT_S,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)LIMIT_HTTP_CONN_MEMORY,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_URI_LOG_CALLBACK,
        on_request_line, NULL, MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_END);
    if (!d) {
        log_error("http", "cannot listen on %s:%u: %s", cfg->host, cfg->port, strerror(errno));
        return -1;
    }
    deadline_s = cfg->request_deadline_s ? cfg->request_deadline_s : LIMIT_HTTP_REQUEST_DEADLINE_S;
    deadline_stop = false;
    bool deadline_running = pthread_create(&deadline_thread, NULL, deadline_main, NULL) == 0;
    if (!deadline_running)
        log_warn("http", "no request deadline: cannot start its thread");
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    log_info("http", "listening on http://%s%s%s:%u with %u threads",
             strchr(cfg->host, ':') ? "[" : "", cfg->host, strchr(cfg->host, ':') ? "]" : "",
             di ? di->port : cfg->port, threads);

    int sig = 0;
    sigwait(&set, &sig);
    log_info("http", "signal %d: finishing in-flight requests", sig);
    /* No MHD_quiesce_daemon: with an epoll thread pool, 0.9.75 races its
     * workers removing the listen socket from their epoll sets and aborts
     * the process ("Failed to remove listen FD from epoll set"), now and
     * then, at every stop. New connections are closed by the accept
     * policy instead; the listening socket goes with MHD_stop_daemon. */
    atomic_store(&stopping, true);
    double until = clock_mono() + 10.0;
    while (atomic_load(&m_in_flight) > 0 && clock_mono() < until)
        usleep(10000);
    if (deadline_running) {
        pthread_mutex_lock(&deadline_stop_lock);
        deadline_stop = true;
        pthread_cond_signal(&deadline_stop_cond);
        pthread_mutex_unlock(&deadline_stop_lock);
        pthread_join(deadline_thread, NULL);
    }
    MHD_stop_daemon(d);
    if (access_fd > STDERR_FILENO)
        close(access_fd);
    access_fd = -1;
    log_info("http", "stopped");
    return 0;
}

/* ---- a server with no socket and no thread of its own ---- */

struct http_local {
    struct MHD_Daemon *d;
};

http_local *http_local_new(const struct http_server_config *cfg)
{
    config = cfg;
    http_local *l = xcalloc(1, sizeof *l);
    l->d = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request,
                            NULL, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                            (size_t)LIMIT_HTTP_CONN_MEMORY, MHD_OPTION_NOTIFY_COMPLETED,
                            on_completed, NULL, MHD_OPTION_URI_LOG_CALLBACK, on_request_line, NULL,
                            MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
                            MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_END);
    if (!l->d) {
        free(l);
        return NULL;
    }
    return l;
}

void http_local_free(http_local *l)
{
    if (!l)
        return;
    MHD_stop_daemon(l->d);
    free(l);
}

int http_local_exchange(http_local *l, const void *in, size_t n, buf *out)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0)
        return -1;
    struct sockaddr_in peer = {.sin_family = AF_INET, .sin_port = htons(40000)};
    peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (MHD_add_connection(l->d, sv[1], (struct sockaddr *)&peer, sizeof peer) != MHD_YES) {
        close(sv[0]); /* the library closed sv[1] */
        return -1;
    }
    const char *p = in;
    size_t sent = 0;
    bool half_closed = false;
    int rc = -1;
    char chunk[16384];
    for (int round = 0; round < 100000; round++) {
        if (sent < n) {
            ssize_t w = send(sv[0], p + sent, n - sent, MSG_NOSIGNAL);
            if (w > 0)
                sent += (size_t)w;
            else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
                sent = n; /* the server is gone: stop sending */
        }
        if (sent == n && !half_closed) {
            shutdown(sv[0], SHUT_WR);
            half_closed = true;
        }
        MHD_run(l->d);
        ssize_t r;
        while ((r = recv(sv[0], chunk, sizeof chunk, 0)) > 0)
            buf_append(out, chunk, (size_t)r);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
            rc = 0; /* the server closed the connection */
            break;
        }
    }
    close(sv[0]);
    /* Let the library finish with a connection it still holds. */
    for (int i = 0; i < 16; i++)
        MHD_run(l->d);
    return rc;
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
