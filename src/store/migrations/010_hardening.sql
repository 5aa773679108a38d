-- One pending mentoring request per mentee, held by the database: the
-- service counts before it inserts, which two concurrent requests on
-- PostgreSQL (READ COMMITTED) could both pass. Pairs that slipped in
-- before keep the first request; the later ones are withdrawn.
UPDATE mentoring_requests SET status = 'withdrawn', responded_at = created_at
WHERE status = 'pending' AND EXISTS (
    SELECT 1 FROM mentoring_requests o
    WHERE o.mentee_id = mentoring_requests.mentee_id AND o.status = 'pending'
      AND o.id < mentoring_requests.id);
CREATE UNIQUE INDEX mentoring_requests_one_pending ON mentoring_requests(mentee_id)
    WHERE status = 'pending';
