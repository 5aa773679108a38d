-- Rows kept for the reports (docs/internals/reports.md, "Rows kept for
-- the reports"), derived from the rows they name and written in the same
-- transaction on every write (store/report_rows.c). The rows already
-- there are derived by store_report_rows_rebuild(), which the migrator
-- runs after this script (keyed on this migration's name).

-- The rated answers (an integer: likert 1-5, nps 0-10) of the survey
-- responses counted by survey, question, role ('' for none: anonymous),
-- day (submitted_at / 86400) and value, and the responses by survey and
-- day, so the satisfaction report sums a few thousand counts instead of
-- parsing every response's JSON. A period is whole UTC days, so the day
-- is all it needs of the time.
CREATE TABLE survey_answer_counts (
    survey_id BIGINT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    role TEXT NOT NULL,
    day BIGINT NOT NULL,
    value INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (survey_id, question, role, day, value)
);
CREATE TABLE survey_response_days (
    survey_id BIGINT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    day BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (survey_id, day)
);

-- Each person's latest outcome record of each kind (the one with the
-- latest date), kept by the outcome import.
CREATE TABLE outcome_latest (
    person_id BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    recorded_on TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (person_id, kind)
);
CREATE INDEX outcome_latest_kind ON outcome_latest(kind, recorded_on);
