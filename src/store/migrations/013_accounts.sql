-- Accounts by mail: single-use links that act for someone by themselves,
-- and the site's self sign-up setting (docs/internals/identity.md).

-- A password reset (for a person) or a self sign-up waiting for its
-- address to be proven (no person yet: the account is made, with the
-- password chosen at sign-up, when the link is used). Only the SHA-256 of
-- the link's secret is kept.
CREATE TABLE account_links (
    id {{id}},
    token_hash TEXT NOT NULL UNIQUE,
    purpose TEXT NOT NULL,                 -- 'password_reset', 'sign_up'
    person_id BIGINT REFERENCES people(id) ON DELETE CASCADE, -- password_reset
    email TEXT NOT NULL,                   -- lower-cased
    name TEXT,                             -- sign_up
    password_hash TEXT,                    -- sign_up: argon2id of the chosen password
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX account_links_email ON account_links(email, purpose);

-- Self sign-up: one row (id 1); off until an admin turns it on for a
-- list of e-mail domains.
CREATE TABLE signup_settings (
    id INTEGER PRIMARY KEY,
    enabled INTEGER NOT NULL DEFAULT 0,
    domains TEXT NOT NULL DEFAULT '[]',    -- JSON array of lower-case domains
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES people(id) ON DELETE SET NULL
);
