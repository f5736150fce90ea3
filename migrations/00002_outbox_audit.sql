-- +goose Up
CREATE TABLE outbox (
    id          TEXT PRIMARY KEY,
    idem_key    TEXT NOT NULL,
    process     TEXT NOT NULL,
    step        TEXT NOT NULL,
    member_id   TEXT REFERENCES members(id),
    to_email    TEXT NOT NULL,
    language    TEXT NOT NULL,
    event       TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    attachments TEXT NOT NULL DEFAULT '[]',
    status      TEXT NOT NULL,
    attempts    BIGINT NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    sent_at     TIMESTAMP
);
CREATE UNIQUE INDEX outbox_idem_key ON outbox (idem_key);
CREATE INDEX outbox_member ON outbox (member_id, created_at);
CREATE INDEX outbox_status ON outbox (status);

CREATE TABLE audit (
    seq        BIGINT PRIMARY KEY,
    at         TIMESTAMP NOT NULL,
    actor      TEXT NOT NULL,
    process    TEXT NOT NULL,
    object_id  TEXT NOT NULL DEFAULT '',
    action     TEXT NOT NULL,
    details    TEXT NOT NULL DEFAULT '{}',
    audience   TEXT NOT NULL DEFAULT 'staff',
    members    TEXT NOT NULL DEFAULT '[]',
    idem_key   TEXT,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_object ON audit (process, object_id);
CREATE UNIQUE INDEX audit_idem_key ON audit (idem_key);

CREATE TABLE idempotency (
    member_id  TEXT NOT NULL,
    key        TEXT NOT NULL,
    method     TEXT NOT NULL,
    path       TEXT NOT NULL,
    status     BIGINT NOT NULL DEFAULT 0,
    body       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (member_id, key)
);

-- +goose Down
DROP TABLE idempotency;
DROP TABLE audit;
DROP TABLE outbox;
