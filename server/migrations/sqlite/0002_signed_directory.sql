-- The organisation's Ed25519 public key, and the current team directory as it signed it
-- (crypto/SPEC.md §10). The secret key never enters the database.
ALTER TABLE organisation ADD COLUMN organisation_key BLOB;
CREATE TABLE signed_directory (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    serial INTEGER NOT NULL,
    body BLOB NOT NULL,
    signature BLOB NOT NULL
);
