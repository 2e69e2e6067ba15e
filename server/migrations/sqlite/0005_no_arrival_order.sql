-- Issue 10: nothing in the database orders reports or messages by arrival.
-- Messages get random ids (written by the server, store::random_message_id) and a position in
-- their own thread (`seq`); existing rows keep their order in the thread and get random ids.
ALTER TABLE messages ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE messages SET seq = id;
UPDATE messages SET id = -id;
UPDATE messages SET id = (abs(random()) % 9007199254740990) + 1;
DROP INDEX messages_by_report;
CREATE INDEX messages_in_thread ON messages (report_id, seq);
-- SQLite stores a table's rows in the order of their rowid, which otherwise counts up with
-- every insert. Each row written about a report gets a random rowid instead: reports and
-- attachment pieces (large rows) in their INSERT, the small rows of the other tables by a
-- trigger right after it, in the same transaction. Existing rows are shuffled once here.
UPDATE reports SET rowid = -rowid;
UPDATE reports SET rowid = abs(random());
UPDATE report_roles SET rowid = -rowid;
UPDATE report_roles SET rowid = abs(random());
UPDATE attachments SET rowid = -rowid;
UPDATE attachments SET rowid = abs(random());
UPDATE attachment_pieces SET rowid = -rowid;
UPDATE attachment_pieces SET rowid = abs(random());
UPDATE pow_spent SET rowid = -rowid;
UPDATE pow_spent SET rowid = abs(random());
CREATE TRIGGER report_roles_shuffled AFTER INSERT ON report_roles BEGIN
    UPDATE report_roles SET rowid = abs(random()) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER attachments_shuffled AFTER INSERT ON attachments BEGIN
    UPDATE attachments SET rowid = abs(random()) WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER pow_spent_shuffled AFTER INSERT ON pow_spent BEGIN
    UPDATE pow_spent SET rowid = abs(random()) WHERE rowid = NEW.rowid;
END;
-- Spent proof of work is kept to the hour after it expires (policy::pow): round what is here.
UPDATE pow_spent SET expires_at = ((expires_at + 3599) / 3600) * 3600;
DELETE FROM rate_counts;
-- Spam: a member may mark a report as spam, and delete it then; both are audited.
ALTER TABLE reports ADD COLUMN spam INTEGER NOT NULL DEFAULT 0;
-- What members did to reports, with when (team-side time) and who. Nothing of the content.
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    at INTEGER NOT NULL,
    member_id TEXT NOT NULL,
    action TEXT NOT NULL,
    report_id TEXT NOT NULL
);
CREATE INDEX audit_log_by_report ON audit_log (report_id);
