-- Loket schema, PostgreSQL. Only ciphertext, opaque ids, hashes of tokens and hour-rounded times.
CREATE TABLE organisation (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    deployment_salt BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE roles (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    position BIGINT NOT NULL
);
CREATE TABLE members (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    x25519 BYTEA NOT NULL UNIQUE,
    ed25519 BYTEA NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE TABLE member_roles (
    member_id TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    PRIMARY KEY (member_id, role_id)
);
CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    lookup_hash BYTEA NOT NULL UNIQUE,
    envelope BYTEA NOT NULL,
    received_at BIGINT NOT NULL,
    first_response_at BIGINT,
    last_activity_at BIGINT NOT NULL
);
CREATE TABLE report_roles (
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    role_id TEXT NOT NULL REFERENCES roles(id),
    PRIMARY KEY (report_id, role_id)
);
CREATE TABLE messages (
    id BIGSERIAL PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    author_member_id TEXT,
    envelope BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX messages_by_report ON messages (report_id, id);
CREATE TABLE challenges (
    hash BYTEA PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
CREATE TABLE sessions (
    token_hash BYTEA PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);
