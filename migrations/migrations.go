// Package migrations holds the versioned SQL schema of ralo's application
// database. The same files run on SQLite (ralo dev) and PostgreSQL
// (production), so they use only the types both understand: TEXT, BIGINT,
// BOOLEAN, DOUBLE PRECISION and TIMESTAMP (always written in UTC).
package migrations

import "embed"

// FS holds the goose SQL migrations, applied in file-name order.
//
//go:embed *.sql
var FS embed.FS
