-- The organisation's Ed25519 public key, and the current team directory as it signed it
-- (crypto/SPEC.md §10). The secret key never enters the database.
ALTER TABLE organisation ADD COLUMN organisation_key BYTEA;
CREATE TABLE signed_directory (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    serial BIGINT NOT NULL,
    body BYTEA NOT NULL,
    signature BYTEA NOT NULL
);
