-- Sign-in counters in the database, so every server on it shares them;
-- server secrets; when an API token was last used.

-- Failed sign-ins per account, per client address and (while the table is
-- full) for everyone else together. Keys are keyed hashes (BLAKE2b with
-- the 'signin_counters' secret below), so the table holds no e-mail
-- address or IP address in clear. A row is removed only once its window
-- and its lock are over: a flood cannot push a live counter out.
CREATE TABLE signin_counters (
    counter_key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,        -- when the current count began
    failures INTEGER NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX signin_counters_window ON signin_counters(window_start);

-- Random secrets the servers sharing this database must agree on.
CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,                 -- hex
    created_at BIGINT NOT NULL
);

ALTER TABLE api_tokens ADD COLUMN last_used_at BIGINT;
