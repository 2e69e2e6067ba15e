-- Issue 12: referral with consent (crypto/SPEC.md §9.8). That a reporter let another role read
-- the report, and the hour; never what was shared (the envelopes are replaced in place).
CREATE TABLE report_shares (
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    role_id TEXT NOT NULL REFERENCES roles(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (report_id, role_id)
);
