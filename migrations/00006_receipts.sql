-- +goose Up
-- receipts let a complainant follow their case without a token; only the
-- SHA-256 of the code is kept, like tokens.
CREATE TABLE receipts (
    hash       TEXT PRIMARY KEY,
    process    TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE receipts;
