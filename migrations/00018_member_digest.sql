-- +goose Up
-- A member may unsubscribe from the monthly digest email (issue 15: keeping
-- members informed); every member receives it until they do.
ALTER TABLE members ADD COLUMN digest_opt_out BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE members DROP COLUMN digest_opt_out;
