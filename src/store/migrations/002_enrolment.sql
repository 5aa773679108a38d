-- Enrolment: invitations, the mail outbox, training completions.

CREATE TABLE invitations (
    id {{id}},
    token_hash TEXT NOT NULL UNIQUE,         -- hex SHA-256 of the link's token
    program_id BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    participation_id BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    created_by BIGINT REFERENCES people(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT                           -- single use
);
CREATE INDEX invitations_participation ON invitations(participation_id);

-- Every e-mail is stored here in the transaction of the event that caused
-- it; a sender delivers and marks it (see jobs/).
CREATE TABLE outbox (
    id {{id}},
    created_at BIGINT NOT NULL,
    to_address TEXT NOT NULL,
    to_person_id BIGINT REFERENCES people(id) ON DELETE SET NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    kind TEXT NOT NULL,                      -- invitation, approved, declined, ...
    program_id BIGINT REFERENCES programs(id) ON DELETE SET NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    sent_at BIGINT,
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox(sent_at, next_attempt_at);

CREATE TABLE training_completions (
    participation_id BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    module_id TEXT NOT NULL,
    completed_at BIGINT NOT NULL,
    answers TEXT NOT NULL DEFAULT '{}',      -- JSON: the end-of-training questions' answers
    PRIMARY KEY (participation_id, module_id)
);

-- The participant table sorts and filters by name and e-mail within a
-- program; keep a copy of both on the participation so a page is one
-- index range scan. `furthest` is the furthest funnel stage reached
-- (0 invited ... 8 completed), kept by every stage change, so the funnel
-- report is one grouped count over an index.
ALTER TABLE participations ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';
ALTER TABLE participations ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE participations ADD COLUMN furthest INTEGER NOT NULL DEFAULT 0;
CREATE INDEX participations_program_name ON participations(program_id, sort_name, id);
CREATE INDEX participations_program_stage ON participations(program_id, status, sort_name, id);
CREATE INDEX participations_program_furthest ON participations(program_id, role, furthest);
