-- Matching and relationships: proposals (match runs), self-matching
-- requests, relationships and their workspace (product.md §5-6).

CREATE TABLE match_runs (
    id {{id}},
    program_id BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    created_by BIGINT REFERENCES people(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    objective TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'proposed',   -- proposed, published, superseded
    stats TEXT NOT NULL DEFAULT '{}',          -- JSON: the quality report
    unmatched TEXT NOT NULL DEFAULT '[]',      -- JSON
    hard_to_match TEXT NOT NULL DEFAULT '[]',  -- JSON
    published_at BIGINT,
    published_by BIGINT REFERENCES people(id) ON DELETE SET NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX match_runs_program ON match_runs(program_id, id);

CREATE TABLE match_run_pairs (
    run_id BIGINT NOT NULL REFERENCES match_runs(id) ON DELETE CASCADE,
    mentee_id BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    mentor_id BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    score {{real}} NOT NULL,
    explain TEXT NOT NULL DEFAULT '{}',        -- JSON: criterion -> share
    locked INTEGER NOT NULL DEFAULT 0,
    manual INTEGER NOT NULL DEFAULT 0,         -- added by hand
    PRIMARY KEY (run_id, mentee_id, mentor_id)
);

-- A coordinator's standing decisions about pairs, kept across re-runs.
CREATE TABLE pair_rules (
    program_id BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    mentee_id BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    mentor_id BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    rule TEXT NOT NULL,                        -- lock, exclude
    created_at BIGINT NOT NULL,
    PRIMARY KEY (program_id, mentee_id, mentor_id)
);

CREATE TABLE relationships (
    id {{id}},
    program_id BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    kind TEXT NOT NULL DEFAULT 'one_to_one',   -- one_to_one, group, peer
    status TEXT NOT NULL DEFAULT 'active',     -- active, paused, closing, completed, ended_early
    phase INTEGER NOT NULL DEFAULT 0,          -- index into the program's phase model
    phase_started_at BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    planned_end_at BIGINT NOT NULL,
    renewals INTEGER NOT NULL DEFAULT 0,
    ended_at BIGINT,
    end_reason TEXT,
    source TEXT NOT NULL DEFAULT 'admin',      -- admin (a published run), request, manual
    run_id BIGINT REFERENCES match_runs(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX relationships_program ON relationships(program_id, status);

CREATE TABLE relationship_members (
    relationship_id BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    participation_id BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    role TEXT NOT NULL,                        -- mentor, mentee, peer
    PRIMARY KEY (relationship_id, participation_id)
);
CREATE INDEX relationship_members_participation ON relationship_members(participation_id);

CREATE TABLE mentoring_requests (
    id {{id}},
    program_id BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    mentee_id BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    choices TEXT NOT NULL,                     -- JSON: mentor participation ids, 1st first
    current INTEGER NOT NULL DEFAULT 0,        -- index of the mentor asked now
    mentor_id BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'pending',    -- pending, accepted, declined, withdrawn, expired
    message TEXT NOT NULL DEFAULT '',
    history TEXT NOT NULL DEFAULT '[]',        -- JSON: each mentor's answer
    created_at BIGINT NOT NULL,
    asked_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    responded_at BIGINT,
    relationship_id BIGINT REFERENCES relationships(id) ON DELETE SET NULL
);
CREATE INDEX mentoring_requests_mentor ON mentoring_requests(mentor_id, status);
CREATE INDEX mentoring_requests_mentee ON mentoring_requests(mentee_id, status);

CREATE TABLE agreements (
    relationship_id BIGINT PRIMARY KEY REFERENCES relationships(id) ON DELETE CASCADE,
    content TEXT NOT NULL,                     -- JSON: the fields of product.md §6
    version INTEGER NOT NULL DEFAULT 1,
    updated_by BIGINT REFERENCES people(id) ON DELETE SET NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE agreement_signatures (
    relationship_id BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    participation_id BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,                  -- the agreement version signed
    signed_at BIGINT NOT NULL,
    PRIMARY KEY (relationship_id, participation_id)
);

CREATE TABLE phase_checks (
    relationship_id BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    phase INTEGER NOT NULL,
    item INTEGER NOT NULL,
    done_by BIGINT REFERENCES people(id) ON DELETE SET NULL,
    done_at BIGINT NOT NULL,
    PRIMARY KEY (relationship_id, phase, item)
);

CREATE TABLE phase_moves (
    id {{id}},
    relationship_id BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    from_phase INTEGER NOT NULL,
    to_phase INTEGER NOT NULL,
    moved_at BIGINT NOT NULL,
    moved_by BIGINT REFERENCES people(id) ON DELETE SET NULL,
    override INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX phase_moves_relationship ON phase_moves(relationship_id);

CREATE TABLE goals (
    id {{id}},
    relationship_id BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    statement TEXT NOT NULL,                   -- specific
    measure TEXT NOT NULL DEFAULT '',          -- measurable: how success shows
    why TEXT NOT NULL DEFAULT '',              -- relevant
    target_date TEXT,                          -- time-bound, YYYY-MM-DD
    status TEXT NOT NULL DEFAULT 'open',       -- open, achieved, dropped
    progress INTEGER NOT NULL DEFAULT 0,       -- percent
    created_by BIGINT REFERENCES people(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX goals_relationship ON goals(relationship_id);

CREATE TABLE milestones (
    id {{id}},
    goal_id BIGINT NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    due_date TEXT,
    done_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX milestones_goal ON milestones(goal_id);

CREATE TABLE meetings (
    id {{id}},
    relationship_id BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    uid TEXT NOT NULL UNIQUE,                  -- stable iCalendar UID
    sequence INTEGER NOT NULL DEFAULT 0,       -- iCalendar SEQUENCE, bumped on every change
    starts_at BIGINT NOT NULL,
    duration_minutes INTEGER NOT NULL,
    time_zone TEXT NOT NULL DEFAULT 'UTC',
    mode TEXT NOT NULL,                        -- in_person, video, phone, chat
    location TEXT NOT NULL DEFAULT '',
    agenda TEXT NOT NULL DEFAULT '[]',         -- JSON: agenda items
    recap TEXT,                                -- JSON: discussed, decisions, next_steps
    status TEXT NOT NULL DEFAULT 'scheduled',  -- scheduled, held, cancelled
    created_by BIGINT REFERENCES people(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX meetings_relationship ON meetings(relationship_id, starts_at);

CREATE TABLE meeting_attendance (
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    participation_id BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    attended INTEGER,
    rating INTEGER,                            -- 1-5, each party's own
    PRIMARY KEY (meeting_id, participation_id)
);

CREATE TABLE notes (
    id {{id}},
    relationship_id BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    visibility TEXT NOT NULL,                  -- private (author only), shared
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX notes_relationship ON notes(relationship_id);

CREATE TABLE messages (
    id {{id}},
    relationship_id BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX messages_relationship ON messages(relationship_id, id);

CREATE TABLE reflections (
    relationship_id BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    participation_id BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    learned TEXT NOT NULL,
    next_steps TEXT NOT NULL DEFAULT '',
    program_feedback TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    PRIMARY KEY (relationship_id, participation_id)
);

-- One private calendar feed per person; rotating the token revokes the old.
CREATE TABLE calendar_feeds (
    person_id BIGINT PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
