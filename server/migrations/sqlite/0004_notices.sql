-- Issue 5: optional e-mail notices to the team (docs/notices.md). One row shared by every
-- instance: whether a new report or a new reporter message arrived since the last notice
-- (set inside the write batch that stored it), and the start of the period whose notice was
-- last claimed (Unix seconds, a multiple of the notice period). Nothing about any report.
CREATE TABLE notice_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pending INTEGER NOT NULL DEFAULT 0,
    last_sent INTEGER NOT NULL DEFAULT 0
);
INSERT INTO notice_state (id, pending, last_sent) VALUES (1, 0, 0);
