-- +goose Up
-- A member's nationality (ISO 3166-1 alpha-2), which the distinct ALAC
-- members rule compares; NULL means the member's country.
ALTER TABLE members ADD COLUMN nationality TEXT;

-- +goose Down
ALTER TABLE members DROP COLUMN nationality;
