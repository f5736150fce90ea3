-- +goose Up
-- sanctions are the final ethics decisions that take effect on a person:
-- elections read ineligibility from here, ballots read suspensions.
CREATE TABLE sanctions (
    id               TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL,
    member_id        TEXT NOT NULL REFERENCES members(id),
    kind             TEXT NOT NULL,
    matters          TEXT NOT NULL DEFAULT '[]',
    position         TEXT NOT NULL DEFAULT '',
    until_at         TIMESTAMP,
    ineligible_until TIMESTAMP,
    created_at       TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX sanctions_case ON sanctions (case_id);
CREATE INDEX sanctions_member ON sanctions (member_id);

-- +goose Down
DROP TABLE sanctions;
