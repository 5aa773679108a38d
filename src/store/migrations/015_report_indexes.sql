-- Reports (docs/internals/reports.md): the meetings of a relationship
-- by status and start, so that the engagement and at-risk figures (held
-- meetings per relationship, the latest one held, those of a period)
-- read the index alone instead of each meeting's row.
CREATE INDEX meetings_relationship_status ON meetings(relationship_id, status, starts_at);
