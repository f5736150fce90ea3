package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
)

// LoginLink is a one-time sign-in link sent by email; only the SHA-256 of
// its secret is stored.
type LoginLink struct {
	ID        string `gorm:"primaryKey"`
	Hash      string
	MemberID  string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// Session is a signed-in browser; only the SHA-256 of its cookie is
// stored. It expires after a period without use.
type Session struct {
	ID         string     `gorm:"primaryKey" json:"id"`
	Hash       string     `json:"-"`
	MemberID   string     `json:"member_id"`
	UserAgent  string     `json:"user_agent"`
	CreatedAt  time.Time  `json:"created_at"`
	LastSeenAt time.Time  `json:"last_seen_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// Errors of a sign-in link that cannot be used.
var (
	ErrLinkUsed    = errors.New("sign-in link already used")
	ErrLinkExpired = errors.New("sign-in link expired")
)

// MemberByEmail finds a member by email address (case-insensitive).
func (s *Store) MemberByEmail(ctx context.Context, email string) (Member, error) {
	var m Member
	err := s.DB.WithContext(ctx).Where("email = ?", normalizeEmail(email)).Take(&m).Error
	return m, notFound(err)
}

// FirstAdmin is the administrator created on the first start.
func (s *Store) FirstAdmin(ctx context.Context) (Member, error) {
	var m Member
	err := s.DB.WithContext(ctx).Where("roles LIKE ?", `%"admin"%`).Order("created_at").Take(&m).Error
	return m, notFound(err)
}

// CreateLoginLink makes a one-time sign-in link for a member, valid for
// ttl, and returns its secret in clear, once.
func (s *Store) CreateLoginLink(ctx context.Context, memberID string, ttl time.Duration) (LoginLink, string, error) {
	secret := strings.TrimPrefix(newTokenSecret(), tokenPrefix)
	now := Now()
	l := LoginLink{ID: NewID("ll"), Hash: HashToken(secret), MemberID: memberID, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	err := s.DB.WithContext(ctx).Create(&l).Error
	return l, secret, err
}

// UseLoginLink marks a link used and returns its member; an unknown link is
// ErrNotFound, a used one ErrLinkUsed, an expired one ErrLinkExpired. Two
// concurrent uses cannot both succeed.
func (s *Store) UseLoginLink(ctx context.Context, secret string) (Member, error) {
	var m Member
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var l LoginLink
		if err := tx.Where("hash = ?", HashToken(secret)).Take(&l).Error; err != nil {
			return notFound(err)
		}
		now := Now()
		switch {
		case l.UsedAt != nil:
			return ErrLinkUsed
		case now.After(l.ExpiresAt):
			return ErrLinkExpired
		}
		res := tx.Model(&LoginLink{}).Where("id = ? AND used_at IS NULL", l.ID).Update("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrLinkUsed
		}
		if err := tx.Where("id = ?", l.MemberID).Take(&m).Error; err != nil {
			return notFound(err)
		}
		_, err := s.AppendAudit(tx, AuditInput{Actor: m.ID, Process: "registry", ObjectID: m.ID,
			Action: "session.signed_in", Audience: AudienceMembers, Members: []string{m.ID}})
		return err
	})
	return m, err
}

// CreateSession opens a session for a member and returns its secret in
// clear, once.
func (s *Store) CreateSession(ctx context.Context, memberID, userAgent string, idle time.Duration) (Session, string, error) {
	secret := strings.TrimPrefix(newTokenSecret(), tokenPrefix)
	now := Now()
	if len(userAgent) > 200 {
		userAgent = userAgent[:200]
	}
	ss := Session{ID: NewID("s"), Hash: HashToken(secret), MemberID: memberID, UserAgent: userAgent,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(idle)}
	err := s.DB.WithContext(ctx).Create(&ss).Error
	return ss, secret, err
}

// touchEvery bounds how often a session's last use is written.
const touchEvery = time.Minute

// SessionMember finds the member behind a session cookie and extends the
// session's idle expiry; an unknown, revoked or expired session is
// ErrBadToken.
func (s *Store) SessionMember(ctx context.Context, secret string, idle time.Duration) (Member, Session, error) {
	var ss Session
	err := s.DB.WithContext(ctx).Where("hash = ? AND revoked_at IS NULL", HashToken(secret)).Take(&ss).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Member{}, Session{}, ErrBadToken
	}
	if err != nil {
		return Member{}, Session{}, err
	}
	now := Now()
	if now.After(ss.ExpiresAt) {
		return Member{}, Session{}, ErrBadToken
	}
	if now.Sub(ss.LastSeenAt) > touchEvery {
		ss.LastSeenAt, ss.ExpiresAt = now, now.Add(idle)
		if err := s.DB.WithContext(ctx).Model(&Session{}).Where("id = ?", ss.ID).
			Updates(map[string]any{"last_seen_at": ss.LastSeenAt, "expires_at": ss.ExpiresAt}).Error; err != nil {
			return Member{}, Session{}, err
		}
	}
	m, err := s.GetMember(ctx, ss.MemberID)
	if errors.Is(err, ErrNotFound) {
		return Member{}, Session{}, ErrBadToken
	}
	return m, ss, err
}

// ListSessions lists a member's open sessions, most recently used first.
func (s *Store) ListSessions(ctx context.Context, memberID string) ([]Session, error) {
	var out []Session
	err := s.DB.WithContext(ctx).Where("member_id = ? AND revoked_at IS NULL AND expires_at > ?", memberID, Now()).
		Order("last_seen_at DESC, id").Find(&out).Error
	return out, err
}

// RevokeSession closes one of a member's sessions; closing twice is harmless.
func (s *Store) RevokeSession(ctx context.Context, memberID, sessionID string) error {
	return s.DB.WithContext(ctx).Model(&Session{}).Where("id = ? AND member_id = ? AND revoked_at IS NULL", sessionID, memberID).
		Update("revoked_at", Now()).Error
}

// RevokeSessions closes every session of a member.
func (s *Store) RevokeSessions(ctx context.Context, memberID string) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&Session{}).Where("member_id = ? AND revoked_at IS NULL", memberID).Update("revoked_at", Now()).Error; err != nil {
			return err
		}
		_, err := s.AppendAudit(tx, AuditInput{Actor: memberID, Process: "registry", ObjectID: memberID,
			Action: "session.signed_out_everywhere", Audience: AudienceMembers, Members: []string{memberID}})
		return err
	})
}

// SetTimeZone sets a member's time zone (an IANA name, or empty for the
// country's).
func (s *Store) SetTimeZone(ctx context.Context, memberID, zone string) error {
	return s.DB.WithContext(ctx).Model(&Member{}).Where("id = ?", memberID).Update("time_zone", zone).Error
}
