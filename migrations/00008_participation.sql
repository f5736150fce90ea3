-- +goose Up
-- meeting_series are recurring meetings; each is backed by a Temporal
-- Schedule that starts one Meeting workflow per occurrence.
CREATE TABLE meeting_series (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    starts_at    TIMESTAMP NOT NULL,
    duration_ns  BIGINT NOT NULL,
    location     TEXT NOT NULL DEFAULT '',
    every        TEXT NOT NULL,
    until_at     TIMESTAMP,
    paused       BOOLEAN NOT NULL DEFAULT FALSE,
    cancelled_at TIMESTAMP,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);

-- meetings are single occurrences, one-off or of a series.
CREATE TABLE meetings (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    starts_at   TIMESTAMP NOT NULL,
    duration_ns BIGINT NOT NULL,
    location    TEXT NOT NULL DEFAULT '',
    series_id   TEXT REFERENCES meeting_series(id),
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX meetings_starts ON meetings (starts_at);
CREATE UNIQUE INDEX meetings_series_start ON meetings (series_id, starts_at);

-- attendance is recorded per member and counts for the ALS the member
-- represented at the time (als_id is copied, not joined, so a later move
-- to another ALS does not rewrite history).
CREATE TABLE attendance (
    meeting_id  TEXT NOT NULL REFERENCES meetings(id),
    member_id   TEXT NOT NULL REFERENCES members(id),
    als_id      TEXT,
    recorded_by TEXT NOT NULL,
    at          TIMESTAMP NOT NULL,
    PRIMARY KEY (meeting_id, member_id)
);
CREATE INDEX attendance_als ON attendance (als_id);

-- participation_events are the other acts that count for an ALS (ballots,
-- comments, drafts), appended by the processes; ref makes an append
-- idempotent.
CREATE TABLE participation_events (
    ref        TEXT PRIMARY KEY,
    als_id     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    at         TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX participation_events_als ON participation_events (als_id, at);

-- als_participation is each ALS's standing under the inactivity rule,
-- kept apart from its accreditation (als.status). evaluated_at and
-- transitions make a retried evaluation return what the first one found.
CREATE TABLE als_participation (
    als_id       TEXT PRIMARY KEY REFERENCES als(id),
    status       TEXT NOT NULL,
    since        TIMESTAMP NOT NULL,
    warned_at    TIMESTAMP,
    inactive_at  TIMESTAMP,
    evaluated_at TIMESTAMP,
    transitions  TEXT NOT NULL DEFAULT '[]',
    updated_at   TIMESTAMP NOT NULL
);

-- feed_tokens open a member's calendar feed and nothing else; only their
-- SHA-256 is kept.
CREATE TABLE feed_tokens (
    id         TEXT PRIMARY KEY,
    member_id  TEXT NOT NULL REFERENCES members(id),
    hash       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE UNIQUE INDEX feed_tokens_hash ON feed_tokens (hash);
CREATE INDEX feed_tokens_member ON feed_tokens (member_id);

-- +goose Down
DROP TABLE feed_tokens;
DROP TABLE als_participation;
DROP TABLE participation_events;
DROP TABLE attendance;
DROP TABLE meetings;
DROP TABLE meeting_series;
