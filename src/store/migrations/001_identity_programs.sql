-- People, accounts, sessions, API tokens, programs, participations, audit.
-- Times are Unix seconds; JSON documents are TEXT.

CREATE TABLE people (
    id {{id}},
    email TEXT NOT NULL UNIQUE,              -- lower-cased
    name TEXT NOT NULL,
    password_hash TEXT,                      -- argon2id PHC string; NULL until set (invited)
    site_role TEXT NOT NULL DEFAULT 'member', -- admin, coordinator (may create programs), member
    manager_id BIGINT REFERENCES people(id) ON DELETE SET NULL,
    department TEXT,
    job_title TEXT,
    job_level INTEGER,
    location TEXT,
    time_zone TEXT,
    languages TEXT NOT NULL DEFAULT '[]',    -- JSON array of strings
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX people_manager ON people(manager_id);

CREATE TABLE sessions (
    id {{id}},
    token_hash TEXT NOT NULL UNIQUE,         -- hex SHA-256 of the cookie value
    person_id BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL               -- absolute expiry
);
CREATE INDEX sessions_person ON sessions(person_id);

CREATE TABLE api_tokens (
    id {{id}},
    token_hash TEXT NOT NULL UNIQUE,         -- hex SHA-256 of the bearer token
    person_id BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,                       -- NULL: no expiry
    revoked_at BIGINT
);
CREATE INDEX api_tokens_person ON api_tokens(person_id);

CREATE TABLE programs (
    id {{id}},
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'draft',    -- draft, enrolling, matching, running, closed
    config TEXT NOT NULL,                    -- JSON: the configuration model of product.md §3
    version INTEGER NOT NULL DEFAULT 1,      -- bumped by every change (optimistic locking)
    created_by BIGINT REFERENCES people(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE participations (
    id {{id}},
    program_id BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    role TEXT NOT NULL,                      -- coordinator, mentor, mentee, viewer
    status TEXT NOT NULL,                    -- the funnel stage reached last, or an exit
    profile TEXT NOT NULL DEFAULT '{}',      -- JSON: matching answers
    application TEXT NOT NULL DEFAULT '{}',  -- JSON: enrolment answers
    capacity INTEGER,                        -- mentors: mentees at once
    wants INTEGER,                           -- mentees: mentors wanted
    decline_reason TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (program_id, person_id, role)
);
CREATE INDEX participations_person ON participations(person_id);

-- The time each participation reached each funnel stage (product.md §4).
CREATE TABLE participation_stages (
    participation_id BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    reached_at BIGINT NOT NULL,
    PRIMARY KEY (participation_id, stage)
);

CREATE TABLE audit_events (
    id {{id}},
    at BIGINT NOT NULL,
    actor_id BIGINT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_entity ON audit_events(entity, entity_id);
