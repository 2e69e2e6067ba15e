-- Loket schema, SQLite. Only ciphertext, opaque ids, hashes of tokens and hour-rounded times.
CREATE TABLE organisation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    deployment_salt BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE roles (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    position INTEGER NOT NULL
);
CREATE TABLE members (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    x25519 BLOB NOT NULL UNIQUE,
    ed25519 BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
CREATE TABLE member_roles (
    member_id TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    PRIMARY KEY (member_id, role_id)
);
CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    lookup_hash BLOB NOT NULL UNIQUE,
    envelope BLOB NOT NULL,
    received_at INTEGER NOT NULL,
    first_response_at INTEGER,
    last_activity_at INTEGER NOT NULL
);
CREATE TABLE report_roles (
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    role_id TEXT NOT NULL REFERENCES roles(id),
    PRIMARY KEY (report_id, role_id)
);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    author_member_id TEXT,
    envelope BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX messages_by_report ON messages (report_id, id);
CREATE TABLE challenges (
    hash BLOB PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
);
