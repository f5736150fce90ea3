-- +goose Up
-- A meeting may name its chair, who records its attendance (staff may
-- too); a series passes its chair on to every occurrence.
ALTER TABLE meeting_series ADD COLUMN chair_id TEXT REFERENCES members(id);
ALTER TABLE meetings ADD COLUMN chair_id TEXT REFERENCES members(id);
-- A cancelled meeting stays (its invitees got an iCalendar CANCEL for it,
-- and the calendar feed shows it cancelled) but no longer counts as held.
ALTER TABLE meetings ADD COLUMN cancelled_at TIMESTAMP;
CREATE INDEX meetings_chair ON meetings (chair_id);

-- +goose Down
DROP INDEX meetings_chair;
ALTER TABLE meetings DROP COLUMN cancelled_at;
ALTER TABLE meetings DROP COLUMN chair_id;
ALTER TABLE meeting_series DROP COLUMN chair_id;
