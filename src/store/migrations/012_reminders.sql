-- Reminders (issue 11 item 5, docs/internals/reminders.md): each reminder
-- a relationship, a request or a survey ask should get, armed with its due
-- time by the events of its life (service/reminder.h) and read from the
-- due index by the reminders job. A row is one occurrence: the unique key
-- (kind, subject, occurrence) keeps it from being armed - and so sent -
-- twice. A row is pending (fired_at and cleared_at NULL), sent (fired_at),
-- or cleared (its condition went, its rule was turned off, or it was
-- stale when its time came: outcome says which).
CREATE TABLE reminders (
    id {{id}},
    kind TEXT NOT NULL,              -- domain/reminder.h, or 'sync': re-arm the subject
    subject TEXT NOT NULL,           -- 'r<relationship>', 'q<request>', 'a<round>.<participation>'
    occurrence TEXT NOT NULL,
    program_id BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    relationship_id BIGINT REFERENCES relationships(id) ON DELETE CASCADE,
    request_id BIGINT REFERENCES mentoring_requests(id) ON DELETE CASCADE,
    round_id BIGINT REFERENCES survey_rounds(id) ON DELETE CASCADE,
    participation_id BIGINT REFERENCES participations(id) ON DELETE CASCADE,
    meeting_id BIGINT REFERENCES meetings(id) ON DELETE CASCADE,
    due_at BIGINT NOT NULL,
    fired_at BIGINT,
    cleared_at BIGINT,
    outcome TEXT,                    -- sent, cleared, stale, off
    UNIQUE (kind, subject, occurrence)
);
CREATE INDEX reminders_due ON reminders(due_at, id) WHERE fired_at IS NULL AND cleared_at IS NULL;
CREATE INDEX reminders_pending_subject ON reminders(subject) WHERE fired_at IS NULL AND cleared_at IS NULL;

-- What was under way before reminders existed is armed by the job's first
-- run: one 'sync' row per open relationship, pending request and
-- unanswered survey ask of an open round, due at once.
INSERT INTO reminders (kind, subject, occurrence, program_id, relationship_id, due_at)
SELECT 'sync', 'r' || id, 'migration', program_id, id, 0 FROM relationships
WHERE status IN ('active', 'paused', 'closing');
INSERT INTO reminders (kind, subject, occurrence, program_id, request_id, due_at)
SELECT 'sync', 'q' || id, 'migration', program_id, id, 0 FROM mentoring_requests
WHERE status = 'pending';
INSERT INTO reminders (kind, subject, occurrence, program_id, round_id, participation_id, due_at)
SELECT 'sync', 'a' || a.round_id || '.' || a.participation_id, 'migration', s.program_id,
       a.round_id, a.participation_id, 0
FROM survey_asks a JOIN surveys s ON s.id = a.survey_id
JOIN survey_rounds ro ON ro.id = a.round_id
WHERE a.answered_at IS NULL;
