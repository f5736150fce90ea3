-- +goose Up
-- statement_surveys are the priorities surveys of policy statements (SPEC
-- §4.8): staff list policy topics, members rank them until closes_at. The
-- weighting is the policy's when the survey opened, so a later policy
-- change never alters its results.
CREATE TABLE statement_surveys (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    topics     TEXT NOT NULL,
    closes_at  TIMESTAMP NOT NULL,
    weighting  TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX statement_surveys_closes ON statement_surveys (closes_at);

-- survey_rankings keep each member's last ranking (one row per member and
-- survey: ranking again replaces it). country is copied when the member
-- ranks, as the national weighting counts it then.
CREATE TABLE survey_rankings (
    survey_id  TEXT NOT NULL REFERENCES statement_surveys(id),
    member_id  TEXT NOT NULL REFERENCES members(id),
    country    TEXT NOT NULL,
    ranking    TEXT NOT NULL,
    ranked_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (survey_id, member_id)
);

-- +goose Down
DROP TABLE survey_rankings;
DROP TABLE statement_surveys;
