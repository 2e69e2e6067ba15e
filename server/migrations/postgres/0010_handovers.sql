-- Issue 13: a member who joins a role reads the role's earlier cases once a current member hands
-- them over (crypto/SPEC.md §9.11). One row per case a member should read but cannot yet; it
-- goes when the handover is done, the case is deleted or the member is removed. What it tells
-- (which members the roles' cases reach) the server knows already from the roles.
CREATE TABLE handovers (
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    member_id TEXT NOT NULL,
    PRIMARY KEY (report_id, member_id)
);
CREATE INDEX handovers_by_member ON handovers (member_id);
