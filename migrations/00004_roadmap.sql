-- +goose Up
CREATE TABLE roadmap_items (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    owner       TEXT NOT NULL DEFAULT '',
    start_at    TIMESTAMP NOT NULL,
    due_at      TIMESTAMP NOT NULL,
    depends_on  TEXT NOT NULL DEFAULT '[]',
    status      TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE roadmap_items;
