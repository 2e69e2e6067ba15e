-- Issue 12: referral with consent (crypto/SPEC.md §9.8).
-- Members a reporter let read a report by name, besides the members of its roles.
CREATE TABLE report_members (
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    member_id TEXT NOT NULL,
    PRIMARY KEY (report_id, member_id)
);
-- That a reporter let a role or a member read the report, and the hour; never what was shared
-- (the envelopes are replaced in place).
CREATE TABLE report_shares (
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    role_id TEXT,
    member_id TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX report_shares_by_report ON report_shares (report_id);
