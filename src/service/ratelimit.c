#include "service/ratelimit.h"

#include <arpa/inet.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#include "base/limits.h"
#include "base/str.h"

#define SECRET_NAME "signin_counters"
#define SECRET_BYTES 32
#define KEY_BYTES 16 /* BLAKE2b-128: the stored key, as hex */
#define KEY_HEX (2 * KEY_BYTES + 1)
#define GLOBAL_INPUT "*"

void svc_ratelimit_defaults(struct svc_ratelimit_config *cfg)
{
    cfg->account_attempts = LIMIT_LOGIN_ATTEMPTS;
    cfg->address_attempts = LIMIT_LOGIN_ADDRESS_ATTEMPTS;
    cfg->global_attempts = LIMIT_LOGIN_GLOBAL_ATTEMPTS;
    cfg->window_s = LIMIT_LOGIN_WINDOW_S;
    cfg->lock_s = LIMIT_LOGIN_LOCK_S;
    cfg->max_counters = LIMIT_LOGIN_COUNTERS;
    cfg->scope = NULL;
}

static const struct svc_ratelimit_config *or_defaults(const struct svc_ratelimit_config *cfg,
                                                      struct svc_ratelimit_config *tmp)
{
    if (cfg)
        return cfg;
    svc_ratelimit_defaults(tmp);
    return tmp;
}

/* The shared secret: 1 and *secret filled when there is one, 0 when none
 * exists yet (create set: made now, which needs a write transaction), or
 * a store status. */
static int secret_of(store *db, bool create, unsigned char secret[SECRET_BYTES], int64_t now)
{
    for (int round = 0; round < 2; round++) {
        store_rows *rows;
        store_val p[] = {SV_TEXT(SECRET_NAME)};
        int rc = store_query(db, "SELECT value FROM server_secrets WHERE name = ?1", p, 1, &rows);
        if (rc != STORE_OK)
            return rc;
        int found = 0;
        if ((rc = store_next(rows)) == 1) {
            const char *hex = store_col_text(rows, 0);
            size_t got = 0;
            found = hex &&
                    sodium_hex2bin(secret, SECRET_BYTES, hex, strlen(hex), NULL, &got, NULL) == 0 &&
                    got == SECRET_BYTES;
        }
        store_rows_free(rows);
        if (rc < 0)
            return rc;
        if (found)
            return 1;
        if (!create || round)
            return 0;
        unsigned char fresh[SECRET_BYTES];
        char hex[2 * SECRET_BYTES + 1];
        randombytes_buf(fresh, sizeof fresh);
        sodium_bin2hex(hex, sizeof hex, fresh, sizeof fresh);
        sodium_memzero(fresh, sizeof fresh);
        /* Another server may make it at the same moment: theirs then wins. */
        store_val q[] = {SV_TEXT(SECRET_NAME), SV_TEXT(hex), SV_INT(now)};
        rc = store_exec(db,
                        "INSERT INTO server_secrets (name, value, created_at) VALUES (?1, ?2, ?3) "
                        "ON CONFLICT (name) DO NOTHING",
                        q, 3, NULL);
        sodium_memzero(hex, sizeof hex);
        if (rc != STORE_OK)
            return rc;
    }
    return 0;
}

/* The text an address counts under: IPv4 as given, IPv6 as its /64. */
static void address_input(const char *ip, char *out, size_t outlen)
{
    unsigned char a[16];
    if (ip && inet_pton(AF_INET6, ip, a) == 1) {
        static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        char text[INET6_ADDRSTRLEN];
        if (memcmp(a, v4mapped, 12) == 0) {
            inet_ntop(AF_INET, a + 12, text, sizeof text);
            str_fmt(out, outlen, "i:%s", text);
            return;
        }
        memset(a + 8, 0, 8);
        inet_ntop(AF_INET6, a, text, sizeof text);
        str_fmt(out, outlen, "i:%s/64", text);
        return;
    }
    str_fmt(out, outlen, "i:%s", ip ? ip : "");
}

static void key_of(const unsigned char secret[SECRET_BYTES], const char *input, char out[KEY_HEX])
{
    unsigned char h[KEY_BYTES];
    crypto_generichash(h, sizeof h, (const unsigned char *)input, strlen(input), secret,
                       SECRET_BYTES);
    sodium_bin2hex(out, KEY_HEX, h, sizeof h);
}

/* The scope before every key: "" for the sign-in's counters (their keys
 * as they always were), "reset:" and the like for a limit of its own. */
static const char *scope_of(const struct svc_ratelimit_config *cfg)
{
    return cfg->scope ? cfg->scope : "";
}

static void account_key(const struct svc_ratelimit_config *cfg, const unsigned char *secret,
                        const char *email, char out[KEY_HEX])
{
    char text[LIMIT_EMAIL_BYTES + 40];
    str_fmt(text, sizeof text, "%sa:%s", scope_of(cfg), email ? email : "");
    str_ascii_lower(text);
    key_of(secret, text, out);
}

static void address_key(const struct svc_ratelimit_config *cfg, const unsigned char *secret,
                        const char *ip, char out[KEY_HEX])
{
    char text[INET6_ADDRSTRLEN + 8], scoped[INET6_ADDRSTRLEN + 40];
    address_input(ip, text, sizeof text);
    str_fmt(scoped, sizeof scoped, "%s%s", scope_of(cfg), text);
    key_of(secret, scoped, out);
}

static void global_key(const struct svc_ratelimit_config *cfg, const unsigned char *secret,
                       char out[KEY_HEX])
{
    char text[40];
    str_fmt(text, sizeof text, "%s" GLOBAL_INPUT, scope_of(cfg));
    key_of(secret, text, out);
}

/* The counter's lock: 1 and *until when the key has a row (until 0 when
 * it is not locked), 0 when it has none, or a store status. */
static int lock_of(store *db, const char *key, int64_t now, int64_t *until)
{
    store_rows *rows;
    store_val p[] = {SV_TEXT(key)};
    int rc = store_query(db, "SELECT locked_until FROM signin_counters WHERE counter_key = ?1", p,
                         1, &rows);
    if (rc != STORE_OK)
        return rc;
    rc = store_next(rows);
    *until = 0;
    if (rc == 1) {
        int64_t u = store_col_int(rows, 0);
        *until = u > now ? u : 0;
    }
    store_rows_free(rows);
    return rc;
}

/* Counters still in force: in their window, or locked. */
static int live_count(store *db, const struct svc_ratelimit_config *cfg, int64_t now, int64_t *n)
{
    store_val p[] = {SV_INT(now - cfg->window_s), SV_INT(now)};
    *n = 0;
    int rc = store_query_int(
        db, "SELECT COUNT(*) FROM signin_counters WHERE window_start > ?1 OR locked_until > ?2", p,
        2, n);
    return rc < 0 ? rc : 0;
}

int svc_ratelimit_check(store *db, const struct svc_ratelimit_config *cfg, const char *email,
                        const char *ip, int64_t now, int64_t *retry_after)
{
    int64_t by_address, by_account;
    int rc = svc_ratelimit_check_each(db, cfg, email, ip, now, &by_address, &by_account);
    *retry_after = by_address > by_account ? by_address : by_account;
    return rc;
}

int svc_ratelimit_check_each(store *db, const struct svc_ratelimit_config *cfg, const char *email,
                             const char *ip, int64_t now, int64_t *by_address, int64_t *by_account)
{
    struct svc_ratelimit_config tmp;
    cfg = or_defaults(cfg, &tmp);
    *by_address = *by_account = 0;
    unsigned char secret[SECRET_BYTES];
    int rc = secret_of(db, false, secret, now);
    if (rc <= 0)
        return rc; /* no secret yet: nothing was ever counted */
    char key[KEY_HEX];
    int64_t until = 0;
    int64_t *held = by_address; /* which limit a lock found is */
    /* The address first: a refused address costs nothing more. */
    address_key(cfg, secret, ip, key);
    int has_address = lock_of(db, key, now, &until);
    if (has_address < 0 || until) {
        rc = has_address;
        goto done;
    }
    held = by_account;
    account_key(cfg, secret, email, key);
    int has_account = lock_of(db, key, now, &until);
    if (has_account < 0 || until) {
        rc = has_account;
        goto done;
    }
    if (!has_address || !has_account) {
        /* A failure now would need a new counter; while the table is full
         * it would go to the global one, so that one decides (for the
         * client when it is the one without a counter). */
        int64_t live;
        if ((rc = live_count(db, cfg, now, &live)) < 0)
            goto done;
        if (live >= cfg->max_counters) {
            held = has_address ? by_account : by_address;
            global_key(cfg, secret, key);
            rc = lock_of(db, key, now, &until);
        }
    }
done:
    sodium_memzero(secret, sizeof secret);
    if (rc < 0)
        return rc;
    *held = until ? until - now : 0;
    return 0;
}

/* Adds one failure to an existing counter: 1 when the key had a row, 0
 * when not, or a store status. A count whose window and lock are over
 * starts again at 1; reaching the limit locks it for lock_s. */
static int bump(store *db, const struct svc_ratelimit_config *cfg, const char *key, int limit,
                int64_t now)
{
    store_val p[] = {SV_TEXT(key), SV_INT(now), SV_INT(cfg->window_s), SV_INT(limit),
                     SV_INT(now + cfg->lock_s)};
    int64_t changed = 0;
    int rc = store_exec(
        db,
        "UPDATE signin_counters SET "
        "failures = CASE WHEN window_start + ?3 <= ?2 AND locked_until <= ?2 THEN 1 "
        "ELSE failures + 1 END, "
        "window_start = CASE WHEN window_start + ?3 <= ?2 AND locked_until <= ?2 THEN ?2 "
        "ELSE window_start END, "
        "locked_until = CASE WHEN locked_until > ?2 THEN locked_until "
        "WHEN (CASE WHEN window_start + ?3 <= ?2 THEN 1 ELSE failures + 1 END) >= ?4 THEN ?5 "
        "ELSE locked_until END "
        "WHERE counter_key = ?1",
        p, 5, &changed);
    if (rc != STORE_OK)
        return rc;
    return changed > 0;
}

static int insert(store *db, const char *key, int limit, int64_t now, int64_t lock_until)
{
    store_val p[] = {SV_TEXT(key), SV_INT(now), SV_INT(limit <= 1 ? lock_until : 0)};
    /* Another server may add the same key at the same moment: then count
     * this failure in its row. */
    return store_exec(db,
                      "INSERT INTO signin_counters (counter_key, window_start, failures, "
                      "locked_until) VALUES (?1, ?2, 1, ?3) ON CONFLICT (counter_key) DO UPDATE "
                      "SET failures = signin_counters.failures + 1",
                      p, 3, NULL);
}

/* Removes the counters whose window and lock are over. */
static int sweep(store *db, const struct svc_ratelimit_config *cfg, int64_t now)
{
    store_val p[] = {SV_INT(now - cfg->window_s), SV_INT(now)};
    return store_exec(db,
                      "DELETE FROM signin_counters WHERE window_start <= ?1 AND locked_until <= ?2",
                      p, 2, NULL);
}

/* One failure for key in its own counter, or in a new one while the
 * table has room: 0 when counted, 1 when the table is full (the caller
 * counts it globally), or a store status. */
static int count(store *db, const struct svc_ratelimit_config *cfg, const char *key, int limit,
                 int64_t now, bool *swept)
{
    int rc = bump(db, cfg, key, limit, now);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    int64_t live;
    if ((rc = live_count(db, cfg, now, &live)) < 0)
        return rc;
    if (live >= cfg->max_counters && !*swept) {
        *swept = true;
        if ((rc = sweep(db, cfg, now)) != STORE_OK || (rc = live_count(db, cfg, now, &live)) < 0)
            return rc;
    }
    if (live >= cfg->max_counters)
        return 1;
    return insert(db, key, limit, now, now + cfg->lock_s);
}

int svc_ratelimit_failed(store *db, const struct svc_ratelimit_config *cfg, const char *email,
                         const char *ip, int64_t now)
{
    struct svc_ratelimit_config tmp;
    cfg = or_defaults(cfg, &tmp);
    unsigned char secret[SECRET_BYTES];
    int rc = secret_of(db, true, secret, now);
    if (rc <= 0)
        return rc < 0 ? rc : STORE_ERROR;
    char key[KEY_HEX];
    bool swept = false;
    address_key(cfg, secret, ip, key);
    int by_address = count(db, cfg, key, cfg->address_attempts, now, &swept);
    int by_account = 0;
    if (by_address >= 0) {
        account_key(cfg, secret, email, key);
        by_account = count(db, cfg, key, cfg->account_attempts, now, &swept);
    }
    rc = by_address < 0 ? by_address : by_account < 0 ? by_account : 0;
    if (rc == 0 && (by_address == 1 || by_account == 1)) {
        /* A key without a counter of its own, in a full table: the failure
         * counts once in the global counter, which always has room. */
        global_key(cfg, secret, key);
        rc = bump(db, cfg, key, cfg->global_attempts, now);
        if (rc == 0)
            rc = insert(db, key, cfg->global_attempts, now, now + cfg->lock_s);
        rc = rc < 0 ? rc : 0;
    }
    /* Once a minute or so, the counters that are over go. */
    static _Atomic int64_t last_sweep;
    int64_t last = atomic_load(&last_sweep);
    if (rc == STORE_OK && !swept && (now - last >= 60 || now < last) &&
        atomic_compare_exchange_strong(&last_sweep, &last, now))
        rc = sweep(db, cfg, now);
    sodium_memzero(secret, sizeof secret);
    return rc;
}

int svc_ratelimit_succeeded(store *db, const struct svc_ratelimit_config *cfg, const char *email,
                            int64_t now)
{
    struct svc_ratelimit_config tmp;
    cfg = or_defaults(cfg, &tmp);
    unsigned char secret[SECRET_BYTES];
    int rc = secret_of(db, false, secret, now);
    if (rc <= 0)
        return rc;
    char key[KEY_HEX];
    account_key(cfg, secret, email, key);
    sodium_memzero(secret, sizeof secret);
    store_val p[] = {SV_TEXT(key), SV_INT(now)};
    return store_exec(db,
                      "DELETE FROM signin_counters WHERE counter_key = ?1 AND locked_until <= ?2",
                      p, 2, NULL);
}
