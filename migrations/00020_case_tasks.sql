-- +goose Up
-- What each member must do in a case now and by when, as the case's
-- workflow last wrote it (issue 17: the dashboard reads this projection
-- instead of querying every open case's workflow). A case whose workflow
-- has not written it yet (started before the projection) keeps
-- tasks_projected false, and the dashboard asks its workflow as before.
CREATE TABLE case_tasks (
    case_id   TEXT NOT NULL,
    process   TEXT NOT NULL,
    member_id TEXT NOT NULL,
    action    TEXT NOT NULL,
    due       TIMESTAMP,
    PRIMARY KEY (case_id, member_id, action)
);
CREATE INDEX case_tasks_member ON case_tasks (member_id, process);
ALTER TABLE cases ADD COLUMN tasks_projected BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX cases_process_status ON cases (process, status);

-- +goose Down
DROP INDEX cases_process_status;
ALTER TABLE cases DROP COLUMN tasks_projected;
DROP TABLE case_tasks;
