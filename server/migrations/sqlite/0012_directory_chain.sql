-- Issue 13: every published directory, as signed, so that a former member's messages still
-- verify against the directory that listed them (crypto/SPEC.md §12.6). Each directory names
-- the SHA-256 of the body before it; clients check the chain. Public data: what the server
-- serves anyway.
CREATE TABLE directory_history (
    serial INTEGER PRIMARY KEY,
    body BLOB NOT NULL,
    signature BLOB NOT NULL
);
INSERT INTO directory_history (serial, body, signature)
    SELECT serial, body, signature FROM signed_directory;
