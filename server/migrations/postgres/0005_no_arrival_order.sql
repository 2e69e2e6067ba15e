-- Issue 10: nothing in the database orders reports or messages by arrival.
-- Messages get random ids (written by the server, store::random_message_id) and a position in
-- their own thread (`seq`); existing rows keep their order in the thread and get random ids.
-- (PostgreSQL keeps its own traces of write order, such as `xmin`: docs/operations.md.)
ALTER TABLE messages ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
UPDATE messages SET seq = id;
UPDATE messages SET id = -id;
UPDATE messages SET id = floor(random() * 9007199254740990)::BIGINT + 1;
ALTER TABLE messages ALTER COLUMN id DROP DEFAULT;
DROP SEQUENCE IF EXISTS messages_id_seq;
DROP INDEX messages_by_report;
CREATE INDEX messages_in_thread ON messages (report_id, seq);
-- Spent proof of work is kept to the hour after it expires (policy::pow): round what is here.
UPDATE pow_spent SET expires_at = ((expires_at + 3599) / 3600) * 3600;
DELETE FROM rate_counts;
-- Spam: a member may mark a report as spam, and delete it then; both are audited.
ALTER TABLE reports ADD COLUMN spam INTEGER NOT NULL DEFAULT 0;
-- What members did to reports, with when (team-side time) and who. Nothing of the content.
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    member_id TEXT NOT NULL,
    action TEXT NOT NULL,
    report_id TEXT NOT NULL
);
CREATE INDEX audit_log_by_report ON audit_log (report_id);
