package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// DefaultTokenTTL is how long a bearer token is valid unless configured
// otherwise (`--token-ttl`): one year.
const DefaultTokenTTL = 365 * 24 * time.Hour

// ErrTokenExpired is returned for a token past its expires_at; it is an
// ErrBadToken, so every check for a bad token refuses it too.
var ErrTokenExpired = fmt.Errorf("%w: the token has expired", ErrBadToken)

// tokenExpiry is when a token issued now expires.
func (s *Store) tokenExpiry() *time.Time {
	ttl := s.TokenTTL
	if ttl <= 0 {
		ttl = DefaultTokenTTL
	}
	t := Now().Add(ttl)
	return &t
}

// fillTokenExpiry gives every token without an expiry (those issued before
// the column existed) one TokenTTL from now. It runs after each migration
// and finds nothing to do once the column is filled.
func (s *Store) fillTokenExpiry(ctx context.Context) error {
	return s.DB.WithContext(ctx).Model(&Token{}).Where("expires_at IS NULL").
		Update("expires_at", s.tokenExpiry()).Error
}

// renewToken pushes a configured token's expiry forward (RALO_ADMIN_TOKEN:
// the operator asserts it at each start).
func (s *Store) renewToken(tx *gorm.DB, t Token) error {
	return tx.Model(&t).Update("expires_at", s.tokenExpiry()).Error
}
