package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"

	"gorm.io/gorm"
)

// tokenPrefix marks ralo tokens so a leaked one is recognisable by secret
// scanners.
const tokenPrefix = "ralo_"

// HashToken is how a token is stored and looked up: its SHA-256. Tokens are
// 256 random bits, so a fast hash is enough (no password stretching needed).
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func newTokenSecret() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// IssueToken creates a token for a member and returns it in clear, once.
func (s *Store) IssueToken(ctx context.Context, actor Actor, memberID, label string) (Token, string, error) {
	secret := newTokenSecret()
	t, err := s.storeToken(ctx, actor, memberID, label, secret)
	return t, secret, err
}

func (s *Store) storeToken(ctx context.Context, actor Actor, memberID, label, secret string) (Token, error) {
	t := Token{ID: NewID("t"), MemberID: memberID, Hash: HashToken(secret), Label: label, ExpiresAt: s.tokenExpiry()}
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Member{}).Where("id = ?", memberID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		if err := tx.Create(&t).Error; err != nil {
			return err
		}
		_, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "registry", ObjectID: memberID,
			Action: "token.issued", Details: map[string]any{"token_id": t.ID, "label": label, "expires_at": t.ExpiresAt},
			Audience: AudienceMembers, Members: []string{memberID}})
		return err
	})
	return t, err
}

// ListTokens lists a member's tokens (never their secrets).
func (s *Store) ListTokens(ctx context.Context, memberID string) ([]Token, error) {
	var out []Token
	err := s.DB.WithContext(ctx).Where("member_id = ?", memberID).Order("created_at").Find(&out).Error
	return out, err
}

// RevokeToken revokes one of a member's tokens; revoking twice is harmless.
func (s *Store) RevokeToken(ctx context.Context, actor Actor, memberID, tokenID string) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var t Token
		if err := tx.Where("id = ? AND member_id = ?", tokenID, memberID).Take(&t).Error; err != nil {
			return notFound(err)
		}
		if t.RevokedAt != nil {
			return nil
		}
		now := Now()
		if err := tx.Model(&t).Update("revoked_at", now).Error; err != nil {
			return err
		}
		_, err := s.AppendAudit(tx, AuditInput{Actor: actor.String(), Process: "registry", ObjectID: memberID,
			Action: "token.revoked", Details: map[string]any{"token_id": t.ID},
			Audience: AudienceMembers, Members: []string{memberID}})
		return err
	})
}

// ErrBadToken is returned for an unknown or revoked token.
var ErrBadToken = errors.New("unknown or revoked token")

// Authenticate finds the member behind a bearer token.
func (s *Store) Authenticate(ctx context.Context, token string) (Member, error) {
	var t Token
	err := s.DB.WithContext(ctx).Where("hash = ? AND revoked_at IS NULL", HashToken(token)).Take(&t).Error
	if err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return Member{}, ErrBadToken
		}
		return Member{}, err
	}
	if t.ExpiresAt != nil && !Now().Before(*t.ExpiresAt) {
		return Member{}, ErrTokenExpired
	}
	m, err := s.GetMember(ctx, t.MemberID)
	if errors.Is(err, ErrNotFound) {
		return Member{}, ErrBadToken
	}
	return m, err
}

// BootstrapAdmin creates the first administrator on an empty database. The
// token is the given one (RALO_ADMIN_TOKEN) or a random one; it is returned
// only when the account was created now, so it is printed once.
func (s *Store) BootstrapAdmin(ctx context.Context, token string) (created bool, secret string, err error) {
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Processes starting together must not each create an admin.
		if err := s.lockAudit(tx); err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&Member{}).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		// Spanish, the language most LACRALO members share: a newcomer
		// opening `ralo dev`'s sign-in link reads the pages in it.
		m := Member{ID: NewID("m"), Name: "Administrator", Email: "admin@ralo.invalid", Language: "es",
			Skills: StringList{}, Roles: StringList{RoleMember, RoleAdmin}}
		if err := tx.Create(&m).Error; err != nil {
			return err
		}
		secret = token
		if secret == "" {
			secret = newTokenSecret()
		}
		t := Token{ID: NewID("t"), MemberID: m.ID, Hash: HashToken(secret), Label: "bootstrap", ExpiresAt: s.tokenExpiry()}
		if err := tx.Create(&t).Error; err != nil {
			return err
		}
		created = true
		_, err := s.AppendAudit(tx, AuditInput{Actor: "system", Process: "registry", ObjectID: m.ID,
			Action: "admin.bootstrapped", Audience: AudienceStaff})
		return err
	})
	if !created {
		secret = ""
	}
	return created, secret, err
}

// EnsureAdminToken makes sure the given token belongs to the first admin.
// It lets RALO_ADMIN_TOKEN be set on a database created without it.
func (s *Store) EnsureAdminToken(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	var t Token
	err := s.DB.WithContext(ctx).Where("hash = ?", HashToken(token)).Take(&t).Error
	if err == nil {
		return s.renewToken(s.DB.WithContext(ctx), t)
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return err
	}
	var admin Member
	if err := s.DB.WithContext(ctx).Where("roles LIKE ?", `%"admin"%`).Order("created_at").Take(&admin).Error; err != nil {
		return notFound(err)
	}
	_, err = s.storeToken(ctx, Actor{}, admin.ID, "RALO_ADMIN_TOKEN", token)
	return err
}
