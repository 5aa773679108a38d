-- Knowing how each relationship is going (issue 12): surveys and their
-- rounds, health checks, at-risk flags with their history, coordinators'
-- notes, and the rematch queue's decisions.

CREATE TABLE surveys (
    id {{id}},
    program_id BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    template TEXT,                             -- the built-in template it began as, or NULL
    purpose TEXT NOT NULL DEFAULT 'feedback',  -- feedback, pairing_fit
    title TEXT NOT NULL,
    intro TEXT NOT NULL DEFAULT '',
    anonymous INTEGER NOT NULL DEFAULT 0,
    audience TEXT NOT NULL DEFAULT 'both',     -- both, mentors, mentees
    questions TEXT NOT NULL,                   -- JSON: [{id, kind, label, options, required}]
    trigger_on TEXT NOT NULL DEFAULT 'manual', -- manual, training_completed, relationship_started,
                                               -- midpoint, closure, meeting_held
    after_days INTEGER NOT NULL DEFAULT 0,
    every_days INTEGER NOT NULL DEFAULT 0,
    times INTEGER NOT NULL DEFAULT 0,          -- rounds per relationship; 0: no limit
    status TEXT NOT NULL DEFAULT 'draft',      -- draft, active, closed
    version INTEGER NOT NULL DEFAULT 1,
    created_by BIGINT REFERENCES people(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX surveys_program ON surveys(program_id, trigger_on, status);

-- When a survey next opens for a relationship or a participation. The
-- survey-triggers job reads the due ones from surveys_timers_due; a
-- relationship_started series re-arms its timer after each round.
CREATE TABLE survey_timers (
    id {{id}},
    survey_id BIGINT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    subject TEXT NOT NULL,                     -- 'r<relationship id>', 'p<participation id>'
    event TEXT NOT NULL,                       -- start, midpoint, closure, training, m<meeting id>
    relationship_id BIGINT REFERENCES relationships(id) ON DELETE CASCADE,
    participation_id BIGINT REFERENCES participations(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL DEFAULT 1,            -- the round it opens
    due_at BIGINT NOT NULL,
    UNIQUE (survey_id, subject, event)
);
CREATE INDEX survey_timers_due ON survey_timers(due_at, id);
CREATE INDEX survey_timers_relationship ON survey_timers(relationship_id);

-- One round of a survey: a manual sending (subject 'program'), or one
-- time it opened for a relationship or a participation.
CREATE TABLE survey_rounds (
    id {{id}},
    survey_id BIGINT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    event TEXT NOT NULL,
    seq INTEGER NOT NULL,
    relationship_id BIGINT REFERENCES relationships(id) ON DELETE SET NULL,
    opened_at BIGINT NOT NULL,
    closes_at BIGINT NOT NULL,
    UNIQUE (survey_id, subject, event, seq)
);

-- Who a round asks and whether they answered. For an anonymous survey
-- this is the only link between a person and the survey: the response
-- itself names nobody.
CREATE TABLE survey_asks (
    round_id BIGINT NOT NULL REFERENCES survey_rounds(id) ON DELETE CASCADE,
    participation_id BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    survey_id BIGINT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    asked_at BIGINT NOT NULL,
    answered_at BIGINT,
    PRIMARY KEY (round_id, participation_id)
);
CREATE INDEX survey_asks_participation ON survey_asks(participation_id, answered_at);
CREATE INDEX survey_asks_survey ON survey_asks(survey_id, answered_at);

-- Answers. An anonymous survey's keep neither the round, the person, the
-- relationship nor the role, and only the day they came in.
CREATE TABLE survey_responses (
    id {{id}},
    survey_id BIGINT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    round_id BIGINT REFERENCES survey_rounds(id) ON DELETE SET NULL,
    participation_id BIGINT REFERENCES participations(id) ON DELETE SET NULL,
    relationship_id BIGINT REFERENCES relationships(id) ON DELETE SET NULL,
    role TEXT,
    answers TEXT NOT NULL,                     -- JSON: question id -> answer
    submitted_at BIGINT NOT NULL
);
CREATE INDEX survey_responses_survey ON survey_responses(survey_id, id);
CREATE INDEX survey_responses_relationship ON survey_responses(relationship_id, survey_id, id);

-- Each party's rating of the eight qualities of a successful relationship.
CREATE TABLE health_checks (
    id {{id}},
    relationship_id BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    participation_id BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    articulation INTEGER NOT NULL,
    listening INTEGER NOT NULL,
    respect INTEGER NOT NULL,
    goal_clarity INTEGER NOT NULL,
    challenge INTEGER NOT NULL,
    self_awareness INTEGER NOT NULL,
    commitment_to_learning INTEGER NOT NULL,
    reflection_and_preparation INTEGER NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX health_checks_party ON health_checks(relationship_id, participation_id, id);

-- Per party: whether they share their checks with the pair, and when
-- their next check is due (the cadence's reminder, read by the job).
CREATE TABLE health_parties (
    relationship_id BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    participation_id BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    share INTEGER NOT NULL DEFAULT 0,
    due_at BIGINT,
    reminded_at BIGINT,
    PRIMARY KEY (relationship_id, participation_id)
);
CREATE INDEX health_parties_due ON health_parties(due_at) WHERE reminded_at IS NULL;
CREATE INDEX health_parties_participation ON health_parties(participation_id);
-- The relationships already under way: every party is due a check 30
-- days (the default cadence) after its start.
INSERT INTO health_parties (relationship_id, participation_id, due_at)
SELECT m.relationship_id, m.participation_id, r.started_at + 30 * 86400
FROM relationship_members m JOIN relationships r ON r.id = m.relationship_id
WHERE r.status IN ('active', 'paused', 'closing');

-- Every at-risk flag raised and when it cleared, for the at-risk report
-- (how many were flagged, and how many recovered).
CREATE TABLE risk_flags (
    id {{id}},
    relationship_id BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    program_id BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    code TEXT NOT NULL,                        -- low_rating, rating_drop, no_meeting, ...
    text TEXT NOT NULL,                        -- the reason as it read when raised
    raised_at BIGINT NOT NULL,
    cleared_at BIGINT
);
CREATE INDEX risk_flags_relationship ON risk_flags(relationship_id, cleared_at);
CREATE INDEX risk_flags_program ON risk_flags(program_id, cleared_at);

-- A coordinator's notes on a relationship: coordinators read them, its
-- members never do.
CREATE TABLE coordinator_notes (
    id {{id}},
    relationship_id BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    author_id BIGINT REFERENCES people(id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX coordinator_notes_relationship ON coordinator_notes(relationship_id, id);

-- The rematch queue is every mentee of a relationship that ended early
-- and has had no relationship since; a row here says why (a pairing fit
-- the coordinator agreed with) or that the coordinator took them out.
CREATE TABLE rematch_entries (
    relationship_id BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    participation_id BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    program_id BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,                      -- ended_early, pairing_fit
    state TEXT NOT NULL DEFAULT 'waiting',     -- waiting, dismissed
    decided_by BIGINT REFERENCES people(id) ON DELETE SET NULL,
    decided_at BIGINT NOT NULL,
    PRIMARY KEY (relationship_id, participation_id)
);
CREATE INDEX rematch_entries_program ON rematch_entries(program_id, state);
