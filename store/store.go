// Package store is ralo's application database: the registry (countries,
// ALSes, members, declarations, positions), tokens, the email outbox, the
// audit chain and the read models of the processes. It runs on SQLite for
// `ralo dev` and tests, and on PostgreSQL in production, with one set of
// migrations.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/lacralo/ralo/migrations"
)

// Dialect names the database engine behind a Store.
type Dialect string

// The engines ralo supports.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store wraps the GORM handle with the dialect, which a few queries need
// (the audit lock differs between engines).
type Store struct {
	DB      *gorm.DB
	Dialect Dialect
	// Subregions are the policy's sub-regions, which a country must name.
	Subregions []string
	// SubregionOf finds a country's sub-region in the policy's table.
	SubregionOf func(country string) (string, bool)
	// TokenTTL is how long a new bearer token is valid (DefaultTokenTTL
	// when zero).
	TokenTTL time.Duration
}

// Now is the clock of the store: UTC, truncated to microseconds, because
// PostgreSQL keeps microseconds and the audit hash must survive a round trip.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// Open connects to the database named by url: `postgres://…` or
// `postgresql://…` for PostgreSQL, otherwise a SQLite file path (optionally
// prefixed with `sqlite://` or `file:`).
func Open(url string) (*Store, error) {
	cfg := &gorm.Config{
		NowFunc:                func() time.Time { return Now() },
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		PrepareStmt:            true,
		TranslateError:         true,
	}
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		db, err := gorm.Open(postgres.Open(url), cfg)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		sqlDB, err := db.DB()
		if err != nil {
			return nil, err
		}
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(10)
		return &Store{DB: db, Dialect: Postgres}, nil
	}
	path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite://"), "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	// WAL lets readers run beside the single writer; immediate transactions
	// take the write lock up front so two writers queue on the busy timeout
	// instead of failing with SQLITE_BUSY halfway through.
	dsn := "file:" + path + "?_journal_mode=WAL&_synchronous=NORMAL&_busy_timeout=10000&_txlock=immediate&_foreign_keys=on"
	db, err := gorm.Open(sqlite.Open(dsn), cfg)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(8)
	sqlDB.SetMaxIdleConns(8)
	return &Store{DB: db, Dialect: SQLite}, nil
}

// Close releases the connection pool.
func (s *Store) Close() error {
	sqlDB, err := s.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping checks that the database answers, for /readyz.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Migrate applies every pending migration and returns the versions applied.
func (s *Store) Migrate(ctx context.Context) ([]int64, error) {
	sqlDB, err := s.DB.DB()
	if err != nil {
		return nil, err
	}
	applied, err := migrate(ctx, sqlDB, s.Dialect)
	if err != nil {
		return applied, err
	}
	return applied, s.fillTokenExpiry(ctx)
}

func migrate(ctx context.Context, db *sql.DB, d Dialect) ([]int64, error) {
	dialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if d == Postgres {
		dialect = goose.DialectPostgres
		// Several `ralo serve` and `ralo worker` may start at once; an
		// advisory lock lets one migrate while the others wait.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, db, migrations.FS, opts...)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	var applied []int64
	for _, r := range results {
		applied = append(applied, r.Source.Version)
	}
	return applied, nil
}

// NewID returns a random identifier with a readable prefix ("m_…" for a
// member), so that IDs never collide across processes and say what they name.
func NewID(prefix string) string {
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return prefix + "_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// ErrNotFound is returned when the object does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when the object is in a state that forbids the change.
var ErrConflict = errors.New("conflict")

// FieldErrors reports invalid input, field by field; the API answers 422.
// The store returns them inside a CodedFieldErrors, which adds a code
// per field.
type FieldErrors map[string]string

func (f FieldErrors) Error() string {
	var parts []string
	for _, k := range sortedKeys(f) {
		parts = append(parts, k+": "+f[k])
	}
	return "invalid fields: " + strings.Join(parts, "; ")
}

func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}
