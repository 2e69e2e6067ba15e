-- Issue 5: proof of work, global rate limits, retention and attachments.
-- A secret shared by every instance on this database: it authenticates proof-of-work
-- challenges and derives the decoy answers for unknown follow-up codes.
CREATE TABLE server_secrets (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    secret BYTEA NOT NULL
);
-- Spent proof-of-work challenges (a hash of each), kept until they expire.
CREATE TABLE pow_spent (
    id BYTEA PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
CREATE INDEX pow_spent_expiry ON pow_spent (expires_at);
-- Global request counts per minute, one row per server process: what the rate limits and the
-- automatic proof-of-work difficulty read. Nothing about any client.
CREATE TABLE rate_counts (
    instance TEXT NOT NULL,
    kind TEXT NOT NULL,
    minute BIGINT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (instance, kind, minute)
);
-- Retention: a case closed with an outcome gets its deletion date.
ALTER TABLE reports ADD COLUMN closed_at BIGINT;
ALTER TABLE reports ADD COLUMN outcome TEXT;
ALTER TABLE reports ADD COLUMN delete_after BIGINT;
CREATE INDEX reports_delete_after ON reports (delete_after);
-- Encrypted attachments, uploaded in pieces; `upload_hash` is SHA-256 of the upload key.
CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    upload_hash BYTEA NOT NULL UNIQUE,
    size BIGINT NOT NULL,
    pieces BIGINT NOT NULL,
    received BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX attachments_by_report ON attachments (report_id);
CREATE TABLE attachment_pieces (
    attachment_id TEXT NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
    idx BIGINT NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (attachment_id, idx)
);
