-- The relationship lifecycle agreed by both sides, and a proposal's people.

-- Closing or renewing a relationship is proposed by one member and agreed
-- by every other (product.md §6); at most one proposal waits at a time.
CREATE TABLE relationship_proposals (
    relationship_id BIGINT PRIMARY KEY REFERENCES relationships(id) ON DELETE CASCADE,
    action TEXT NOT NULL,                      -- close, renew
    proposed_by BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    proposed_at BIGINT NOT NULL
);

-- Who has agreed to the waiting proposal (its proposer included).
CREATE TABLE relationship_consents (
    relationship_id BIGINT NOT NULL REFERENCES relationship_proposals(relationship_id)
        ON DELETE CASCADE,
    participation_id BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    given_at BIGINT NOT NULL,
    PRIMARY KEY (relationship_id, participation_id)
);

-- The people a proposal was made from: each one the engine was given,
-- with the places they had free, and each approved one left out, with why.
-- The proposal's figures after hand edits are counted from these.
CREATE TABLE match_run_people (
    run_id BIGINT NOT NULL REFERENCES match_runs(id) ON DELETE CASCADE,
    participation_id BIGINT NOT NULL REFERENCES participations(id) ON DELETE CASCADE,
    side TEXT NOT NULL,                        -- mentee, mentor
    slots INTEGER NOT NULL,                    -- wants or capacity free; 0 when left out
    reason TEXT,                               -- why left out of the run; NULL when in it
    PRIMARY KEY (run_id, participation_id)
);
