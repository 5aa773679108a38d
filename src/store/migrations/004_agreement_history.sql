-- Every version of a partnership agreement and every signature given, kept
-- (issue 9 item 15): the agreement row holds the current text, these the
-- history a person reads to see what changed between versions.

CREATE TABLE agreement_versions (
    relationship_id BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    content TEXT NOT NULL,                     -- JSON: the fields, as in agreements
    edited_by BIGINT REFERENCES people(id) ON DELETE SET NULL,
    edited_at BIGINT NOT NULL,
    PRIMARY KEY (relationship_id, version)
);
INSERT INTO agreement_versions (relationship_id, version, content, edited_by, edited_at)
SELECT relationship_id, version, content, updated_by, updated_at FROM agreements;

CREATE TABLE agreement_signings (
    relationship_id BIGINT NOT NULL REFERENCES relationships(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    participation_id BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    signed_at BIGINT NOT NULL,
    PRIMARY KEY (relationship_id, version, participation_id)
);
INSERT INTO agreement_signings (relationship_id, version, participation_id, signed_at)
SELECT relationship_id, version, participation_id, signed_at FROM agreement_signatures;
