-- +goose Up
-- A bearer token expires (issue 16): existing tokens get one year from the
-- migration, which the store fills in right after it runs (the same SQL
-- file serves SQLite and PostgreSQL, whose date arithmetic differs).
ALTER TABLE tokens ADD COLUMN expires_at TIMESTAMP;

-- +goose Down
ALTER TABLE tokens DROP COLUMN expires_at;
