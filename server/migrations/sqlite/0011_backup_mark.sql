-- `loket backup` writes the hour it starts here just before it takes its snapshot, so every
-- backup carries (to the hour) a time no later than its own. `loket restore` compares it with
-- the start of the deletion journal, which must cover every deletion since then
-- (docs/operations.md, "Backup and restore"). One row, id 1.
CREATE TABLE backup_mark (
    id INTEGER PRIMARY KEY,
    taken_at INTEGER NOT NULL
);
