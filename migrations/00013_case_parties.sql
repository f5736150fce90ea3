-- +goose Up
-- The parties of a case (complainant and respondent, arbitration parties
-- and the representatives of an ALS party), written when the case is
-- opened and never shown: a party acts in their own case only as a party,
-- so staff or admin powers never widen what they read of it (its audit
-- entries, its emails in the outbox, the case list).
ALTER TABLE cases ADD COLUMN parties TEXT NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE cases DROP COLUMN parties;
