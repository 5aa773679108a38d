-- Mail delivery (docs/internals/mail.md): what the sender needs on each
-- outbox row. A row is pending (never tried), retrying (tried, due again at
-- next_attempt_at), sent (sent_at) or dead (dead_at: given up, last_error
-- keeps the mail server's last reply). A sender claims due rows with a
-- lease (lease_owner until lease_until) so two senders never take the same
-- row; a sender that dies leaves its lease to run out and the row is
-- taken again.
ALTER TABLE outbox ADD COLUMN html TEXT;             -- the HTML alternative; NULL: text only
ALTER TABLE outbox ADD COLUMN ics TEXT;              -- an iCalendar part (with its METHOD); NULL: none
ALTER TABLE outbox ADD COLUMN list_unsubscribe TEXT; -- the List-Unsubscribe URL; NULL on mail a person must get
ALTER TABLE outbox ADD COLUMN lease_owner TEXT;
ALTER TABLE outbox ADD COLUMN lease_until BIGINT;
ALTER TABLE outbox ADD COLUMN last_attempt_at BIGINT;
ALTER TABLE outbox ADD COLUMN dead_at BIGINT;

-- The sender reads what is due from here; sent and dead rows leave it.
DROP INDEX outbox_pending;
CREATE INDEX outbox_due ON outbox(next_attempt_at, id) WHERE sent_at IS NULL AND dead_at IS NULL;
-- The admin page filters by recipient and by kind, newest first.
CREATE INDEX outbox_to ON outbox(to_address, id);
CREATE INDEX outbox_kind ON outbox(kind, id);
