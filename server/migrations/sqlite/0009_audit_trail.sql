-- Issue 13: the team's audit trail, without content: who (a member; none for the server's own
-- purge or the reporter's share), what, about which case (none for a login), at the hour. It
-- takes over the spam acts of `audit_log`.
CREATE TABLE audit_trail (
    id TEXT PRIMARY KEY,
    hour INTEGER NOT NULL,
    member_id TEXT,
    action TEXT NOT NULL,
    report_id TEXT
);
CREATE INDEX audit_trail_by_report ON audit_trail (report_id);
INSERT INTO audit_trail (id, hour, member_id, action, report_id)
    SELECT id, at - (at % 3600), member_id, action, report_id FROM audit_log;
DROP TABLE audit_log;
CREATE TRIGGER audit_trail_shuffled AFTER INSERT ON audit_trail BEGIN
    UPDATE audit_trail SET rowid = abs(random()) WHERE rowid = NEW.rowid;
END;
