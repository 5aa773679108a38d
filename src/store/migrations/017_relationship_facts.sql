-- Per-relationship facts (docs/internals/reports.md, "Facts kept on
-- write"): what the at-risk list and the engagement report need of a
-- relationship's meetings, goals, milestones, messages, agreement,
-- signings, coordinators' notes and risk flags, kept up to date in the
-- transaction of every write to those rows (svc_facts_refresh), so that
-- the reports read one row per relationship instead of the raw rows.
--
-- relationship_facts_source computes the same facts from the raw rows: it
-- is the one definition, used by the refresh of one relationship, by the
-- rebuild of all (`tandem facts --rebuild`, the backfill below) and by the
-- check that the kept facts equal it (`tandem facts --check`, the tests).
-- The risk flags' codes are bits: low_rating 1, rating_drop 2, no_meeting
-- 4, pairing_fit 8, agreement_unsigned 16, no_goals 32, phase_overdue 64
-- (the order of enum risk_code, domain/risk.h).
CREATE VIEW relationship_facts_source AS
SELECT r.id AS relationship_id, r.program_id AS program_id,
    (SELECT COUNT(*) FROM relationship_members m WHERE m.relationship_id = r.id) AS members,
    (SELECT COUNT(*) FROM meetings mt WHERE mt.relationship_id = r.id AND mt.status = 'held')
        AS held,
    (SELECT MIN(mt.starts_at) FROM meetings mt WHERE mt.relationship_id = r.id
        AND mt.status = 'held') AS first_held_at,
    (SELECT MAX(mt.starts_at) FROM meetings mt WHERE mt.relationship_id = r.id
        AND mt.status = 'held') AS last_held_at,
    (SELECT MIN(g.created_at) FROM goals g WHERE g.relationship_id = r.id) AS first_goal_at,
    (SELECT COUNT(*) FROM goals g WHERE g.relationship_id = r.id AND g.status <> 'dropped')
        AS goals,
    (SELECT COUNT(*) FROM goals g WHERE g.relationship_id = r.id AND g.status = 'achieved')
        AS goals_achieved,
    (SELECT COUNT(*) FROM milestones ms JOIN goals g ON g.id = ms.goal_id
        WHERE g.relationship_id = r.id AND g.status <> 'dropped') AS milestones,
    (SELECT COUNT(ms.done_at) FROM milestones ms JOIN goals g ON g.id = ms.goal_id
        WHERE g.relationship_id = r.id AND g.status <> 'dropped') AS milestones_done,
    (SELECT COUNT(*) FROM messages x WHERE x.relationship_id = r.id) AS messages,
    (SELECT MIN(x.created_at) FROM messages x WHERE x.relationship_id = r.id) AS first_message_at,
    (SELECT MAX(x.created_at) FROM messages x WHERE x.relationship_id = r.id) AS last_message_at,
    (SELECT COUNT(*) FROM agreements a WHERE a.relationship_id = r.id) AS agreement,
    (SELECT COUNT(*) FROM agreements a JOIN agreement_signings s ON s.relationship_id =
        a.relationship_id AND s.version = a.version WHERE a.relationship_id = r.id)
        AS signings_current,
    (SELECT COUNT(DISTINCT s.participation_id) FROM agreement_signings s
        WHERE s.relationship_id = r.id) AS signers,
    (SELECT MAX(f.first_at) FROM (SELECT MIN(s.signed_at) AS first_at FROM agreement_signings s
        WHERE s.relationship_id = r.id GROUP BY s.participation_id) f) AS signed_all_at,
    (SELECT COUNT(*) FROM coordinator_notes cn WHERE cn.relationship_id = r.id) AS notes,
    (SELECT MAX(cn.created_at) FROM coordinator_notes cn WHERE cn.relationship_id = r.id)
        AS last_note_at,
    (SELECT COALESCE(SUM(DISTINCT CASE rf.code WHEN 'low_rating' THEN 1 WHEN 'rating_drop' THEN 2
        WHEN 'no_meeting' THEN 4 WHEN 'pairing_fit' THEN 8 WHEN 'agreement_unsigned' THEN 16
        WHEN 'no_goals' THEN 32 WHEN 'phase_overdue' THEN 64 END), 0) FROM risk_flags rf
        WHERE rf.relationship_id = r.id AND rf.cleared_at IS NULL) AS flags_open,
    (SELECT COALESCE(SUM(DISTINCT CASE rf.code WHEN 'low_rating' THEN 1 WHEN 'rating_drop' THEN 2
        WHEN 'no_meeting' THEN 4 WHEN 'pairing_fit' THEN 8 WHEN 'agreement_unsigned' THEN 16
        WHEN 'no_goals' THEN 32 WHEN 'phase_overdue' THEN 64 END), 0) FROM risk_flags rf
        WHERE rf.relationship_id = r.id) AS flags_ever
FROM relationships r;

CREATE TABLE relationship_facts (
    relationship_id BIGINT PRIMARY KEY REFERENCES relationships(id) ON DELETE CASCADE,
    program_id BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    members BIGINT NOT NULL,
    held BIGINT NOT NULL,                      -- meetings held
    first_held_at BIGINT,                      -- their first and last start
    last_held_at BIGINT,
    first_goal_at BIGINT,                      -- any goal, dropped ones too
    goals BIGINT NOT NULL,                     -- not dropped
    goals_achieved BIGINT NOT NULL,
    milestones BIGINT NOT NULL,                -- of the goals not dropped
    milestones_done BIGINT NOT NULL,
    messages BIGINT NOT NULL,
    first_message_at BIGINT,
    last_message_at BIGINT,
    agreement BIGINT NOT NULL,                 -- 1 when there is one
    signings_current BIGINT NOT NULL,          -- signatures of its current version
    signers BIGINT NOT NULL,                   -- members who signed some version
    signed_all_at BIGINT,                      -- when the last of them first signed
    notes BIGINT NOT NULL,
    last_note_at BIGINT,
    flags_open BIGINT NOT NULL,                -- risk flags' codes, as bits (above)
    flags_ever BIGINT NOT NULL
);
CREATE INDEX relationship_facts_program ON relationship_facts(program_id, relationship_id);

INSERT INTO relationship_facts SELECT * FROM relationship_facts_source;

-- The meetings held per relationship and calendar month (UTC), for the
-- engagement report's table by month. month_start is the month's first
-- second, worked out with integers alone so that both databases give the
-- same (the days since 1970 to a civil date and back to the 1st, as in
-- H. Hinnant's days_from_civil; starts_at >= 0): z counts days from
-- 0000-03-01, doe is the day of its 400-year era, yoe the year of the era,
-- doy the day of a year that starts on 1 March, mp its month (0 = March).
CREATE VIEW relationship_months_source AS
SELECT y.relationship_id, y.program_id,
    (y.days - y.doy + (153 * ((5 * y.doy + 2) / 153) + 2) / 5) * 86400 AS month_start,
    COUNT(*) AS held
FROM (SELECT x.relationship_id, x.program_id, x.days,
        x.doe - (365 * x.yoe + x.yoe / 4 - x.yoe / 100) AS doy
    FROM (SELECT w.relationship_id, w.program_id, w.days, w.doe,
            (w.doe - w.doe / 1460 + w.doe / 36524 - w.doe / 146096) / 365 AS yoe
        FROM (SELECT mt.relationship_id, r.program_id, mt.starts_at / 86400 AS days,
                mt.starts_at / 86400 + 719468 - ((mt.starts_at / 86400 + 719468) / 146097)
                    * 146097 AS doe
            FROM meetings mt JOIN relationships r ON r.id = mt.relationship_id
            WHERE mt.status = 'held' AND mt.starts_at >= 0) w) x) y
GROUP BY y.relationship_id, y.program_id,
    (y.days - y.doy + (153 * ((5 * y.doy + 2) / 153) + 2) / 5) * 86400;

CREATE TABLE relationship_months (
    relationship_id BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    program_id BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    month_start BIGINT NOT NULL,               -- the month's first second, UTC
    held BIGINT NOT NULL,                      -- meetings held in it
    PRIMARY KEY (relationship_id, month_start)
);
CREATE INDEX relationship_months_program ON relationship_months(program_id, month_start, held);

INSERT INTO relationship_months SELECT * FROM relationship_months_source;
