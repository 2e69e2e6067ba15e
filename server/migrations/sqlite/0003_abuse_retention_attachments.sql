-- Issue 5: proof of work, global rate limits, retention and attachments.
-- A secret shared by every instance on this database: it authenticates proof-of-work
-- challenges and derives the decoy answers for unknown follow-up codes.
CREATE TABLE server_secrets (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    secret BLOB NOT NULL
);
-- Spent proof-of-work challenges (a hash of each), kept until they expire.
CREATE TABLE pow_spent (
    id BLOB PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
CREATE INDEX pow_spent_expiry ON pow_spent (expires_at);
-- Global request counts per minute, one row per server process: what the rate limits and the
-- automatic proof-of-work difficulty read. Nothing about any client.
CREATE TABLE rate_counts (
    instance TEXT NOT NULL,
    kind TEXT NOT NULL,
    minute INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (instance, kind, minute)
);
-- Retention: a case closed with an outcome gets its deletion date.
ALTER TABLE reports ADD COLUMN closed_at INTEGER;
ALTER TABLE reports ADD COLUMN outcome TEXT;
ALTER TABLE reports ADD COLUMN delete_after INTEGER;
CREATE INDEX reports_delete_after ON reports (delete_after);
-- Encrypted attachments, uploaded in pieces; `upload_hash` is SHA-256 of the upload key.
CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    upload_hash BLOB NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    pieces INTEGER NOT NULL,
    received INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX attachments_by_report ON attachments (report_id);
CREATE TABLE attachment_pieces (
    attachment_id TEXT NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (attachment_id, idx)
);
