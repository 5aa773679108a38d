-- Notifications (docs/internals/notifications.md): what each person is
-- told in the app, how they want each kind of mail, the daily digests
-- sent, and the chat alerts posted to a program's incoming webhook.

-- One row per notification mail an event made for a person with an
-- account, whether the mail went out, waits for a digest or was turned
-- off. digest_day: the day (Unix seconds of 00:00 UTC) of the digest it
-- waits for; NULL once the digest is stored, or when it needs none.
CREATE TABLE notifications (
    id {{id}},
    person_id BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    program_id BIGINT REFERENCES programs(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,                 -- the mail's subject
    link TEXT NOT NULL,                  -- a path of the UI ("/relationships/5")
    created_at BIGINT NOT NULL,
    read_at BIGINT,
    digest_day BIGINT
);
-- The list (unread first, then newest) and the bell's count.
CREATE INDEX notifications_person ON notifications(person_id, id);
CREATE INDEX notifications_unread ON notifications(person_id, id) WHERE read_at IS NULL;
-- The digest job reads what waits from here.
CREATE INDEX notifications_digest ON notifications(digest_day, person_id) WHERE digest_day IS NOT NULL;

-- A person's choice per kind of notification mail; no row: immediately.
CREATE TABLE notification_settings (
    person_id BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    mode TEXT NOT NULL,                  -- immediately, daily, off
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (person_id, kind)
);

-- Each digest stored, once per person and day: the unique key makes a
-- second run of the job (or a second server) store none.
CREATE TABLE notification_digests (
    person_id BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    day BIGINT NOT NULL,
    items INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (person_id, day)
);

-- Coordinator alerts to post to a program's incoming webhook, delivered
-- by the alerts job: pending until posted (sent_at), retried with
-- back-off, dead after too many attempts or a permanent refusal, with the
-- last HTTP status kept. A post is claimed with a lease.
CREATE TABLE chat_alerts (
    id {{id}},
    program_id BIGINT NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                  -- at_risk, ended_early, dead_letter, request_waiting, test
    url TEXT NOT NULL,                   -- the webhook when it was stored
    body TEXT NOT NULL,                  -- the JSON posted: {"text": ...}
    created_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until BIGINT,
    last_status INTEGER,                 -- the last HTTP status; 0: no answer
    last_error TEXT,
    sent_at BIGINT,
    dead_at BIGINT
);
CREATE INDEX chat_alerts_due ON chat_alerts(next_attempt_at, id) WHERE sent_at IS NULL AND dead_at IS NULL;
CREATE INDEX chat_alerts_program ON chat_alerts(program_id, id);
