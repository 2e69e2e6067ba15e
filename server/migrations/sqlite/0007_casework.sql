-- Issue 12: the team's casework.
-- Every version of a case's record: an envelope sealed to the case's team readers and signed
-- by its author (crypto/SPEC.md §9.10). The server never reads it.
CREATE TABLE case_records (
    id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    author_member_id TEXT NOT NULL,
    envelope BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX case_records_by_report ON case_records (report_id, seq);
-- What retention needs of the record, and nothing more: a case held until a later version
-- says otherwise (a formal complaint awaiting its decision). `delete_after` holds the date
-- after a decision; without either, a case is deleted two years after its last activity.
ALTER TABLE reports ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
-- A case a member registered from another channel: the member who signed it.
ALTER TABLE reports ADD COLUMN registered_by TEXT;
CREATE TRIGGER case_records_shuffled AFTER INSERT ON case_records BEGIN
    UPDATE case_records SET rowid = abs(random()) WHERE rowid = NEW.rowid;
END;
