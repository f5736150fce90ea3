-- +goose Up
-- A member may opt in to the Council of Elders' mentoring sessions: the
-- standing mentoring series invites the elders and every member who did.
ALTER TABLE members ADD COLUMN mentoring_opt_in BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE members DROP COLUMN mentoring_opt_in;
