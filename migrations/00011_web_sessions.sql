-- +goose Up
-- The web interface: a member's time zone (empty: derived from the
-- country), one-time sign-in links and browser sessions. Only the SHA-256
-- of a link's or a session's secret is kept, like tokens.
ALTER TABLE members ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';

CREATE TABLE login_links (
    id         TEXT PRIMARY KEY,
    hash       TEXT NOT NULL,
    member_id  TEXT NOT NULL REFERENCES members(id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
CREATE UNIQUE INDEX login_links_hash ON login_links (hash);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    hash         TEXT NOT NULL,
    member_id    TEXT NOT NULL REFERENCES members(id),
    user_agent   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP
);
CREATE UNIQUE INDEX sessions_hash ON sessions (hash);
CREATE INDEX sessions_member ON sessions (member_id);

-- +goose Down
DROP TABLE sessions;
DROP TABLE login_links;
ALTER TABLE members DROP COLUMN time_zone;
