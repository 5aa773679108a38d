-- Outcome records: what happened to people afterwards (a promotion,
-- still employed after 12 months, a performance band), imported from HR
-- data by an admin; the outcomes report compares participants with people
-- who never joined a program.
CREATE TABLE outcome_records (
    id {{id}},
    person_id BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                        -- promotion, retention_12m, performance_band, ...
    recorded_on TEXT NOT NULL,                 -- YYYY-MM-DD: when it was observed
    value TEXT NOT NULL,                       -- 1 / 0 for yes-no kinds, else a label
    imported_at BIGINT NOT NULL,
    imported_by BIGINT REFERENCES people(id) ON DELETE SET NULL,
    UNIQUE (person_id, kind, recorded_on)
);
CREATE INDEX outcome_records_kind ON outcome_records(kind, recorded_on);
