-- Relationships: who is matched with whom (the workspace comes with it).

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
    source TEXT NOT NULL DEFAULT 'admin',      -- admin (a published run), request, manual
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
