-- +goose Up
CREATE TABLE countries (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    subregion  TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE als (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    country    TEXT NOT NULL REFERENCES countries(code),
    status     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX als_name_country ON als (country, name);

CREATE TABLE members (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL,
    -- empty only for the bootstrap administrator; validated by the service
    country       TEXT NOT NULL DEFAULT '',
    als_id        TEXT REFERENCES als(id),
    language      TEXT NOT NULL,
    gender        TEXT,
    skills        TEXT NOT NULL DEFAULT '[]',
    skills_public BOOLEAN NOT NULL DEFAULT FALSE,
    roles         TEXT NOT NULL DEFAULT '[]',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX members_email ON members (email);
CREATE INDEX members_als ON members (als_id);

CREATE TABLE tokens (
    id           TEXT PRIMARY KEY,
    member_id    TEXT NOT NULL REFERENCES members(id),
    hash         TEXT NOT NULL,
    label        TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP
);
CREATE UNIQUE INDEX tokens_hash ON tokens (hash);
CREATE INDEX tokens_member ON tokens (member_id);

CREATE TABLE declarations (
    id            TEXT PRIMARY KEY,
    member_id     TEXT NOT NULL REFERENCES members(id),
    kind          TEXT NOT NULL,
    organization  TEXT NOT NULL DEFAULT '',
    description   TEXT NOT NULL DEFAULT '',
    categories    TEXT NOT NULL DEFAULT '[]',
    subjects      TEXT NOT NULL DEFAULT '[]',
    created_at    TIMESTAMP NOT NULL,
    superseded_at TIMESTAMP,
    superseded_by TEXT
);
CREATE INDEX declarations_member ON declarations (member_id, created_at);

CREATE TABLE positions (
    id             TEXT PRIMARY KEY,
    position       TEXT NOT NULL,
    holder_id      TEXT REFERENCES members(id),
    als_id         TEXT REFERENCES als(id),
    country        TEXT,
    term_start     TIMESTAMP NOT NULL,
    term_end       TIMESTAMP,
    vacated_at     TIMESTAMP,
    vacated_reason TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX positions_holder ON positions (holder_id);

-- +goose Down
DROP TABLE positions;
DROP TABLE declarations;
DROP TABLE tokens;
DROP TABLE members;
DROP TABLE als;
DROP TABLE countries;
