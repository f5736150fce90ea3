-- +goose Up
-- cases indexes every process instance (arbitration, ethics, election,
-- statement) for listings and access checks; the workflow holds the
-- authoritative state, which reads of one case query live.
CREATE TABLE cases (
    id          TEXT PRIMARY KEY,
    process     TEXT NOT NULL,
    status      TEXT NOT NULL,
    title       TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    -- members who may read the case (parties, assigned arbitrator, ...)
    members     TEXT NOT NULL DEFAULT '[]',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX cases_process ON cases (process, created_at);

-- +goose Down
DROP TABLE cases;
