package store

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// StringList is a list of strings kept as a JSON array in one TEXT column,
// which both SQLite and PostgreSQL store the same way.
type StringList []string

// Value implements driver.Valuer.
func (l StringList) Value() (driver.Value, error) {
	if l == nil {
		return "[]", nil
	}
	b, err := json.Marshal([]string(l))
	return string(b), err
}

// Scan implements sql.Scanner.
func (l *StringList) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		*l = nil
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("store: cannot scan %T into StringList", src)
	}
	var out []string
	if err := json.Unmarshal(b, &out); err != nil {
		return err
	}
	*l = out
	return nil
}

// Has reports whether s is in the list.
func (l StringList) Has(s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// Country is a country of the region, in one sub-region.
type Country struct {
	Code      string    `gorm:"primaryKey" json:"code"`
	Name      string    `json:"name"`
	Subregion string    `json:"subregion"`
	CreatedAt time.Time `json:"created_at"`
}

// ALS statuses.
const (
	ALSAccredited  = "accredited"
	ALSInactive    = "inactive"
	ALSDecertified = "decertified"
)

// ALS is an At-Large Structure, accredited in one country.
type ALS struct {
	ID        string    `gorm:"primaryKey" json:"id"`
	Name      string    `json:"name"`
	Country   string    `json:"country"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TableName keeps the table name singular-looking: "als".
func (ALS) TableName() string { return "als" }

// Member is a person in the registry.
type Member struct {
	ID      string `gorm:"primaryKey" json:"id"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Country string `json:"country"`
	// Nationality is the member's nationality (ISO 3166-1 alpha-2); nil
	// means their country. See [Member.EffectiveNationality].
	Nationality  *string    `json:"nationality"`
	ALSID        *string    `gorm:"column:als_id" json:"als_id"`
	Language     string     `json:"language"`
	Gender       *string    `json:"gender"`
	Skills       StringList `json:"skills"`
	SkillsPublic bool       `json:"skills_public"`
	// MentoringOptIn: invited to the Council of Elders' mentoring sessions.
	MentoringOptIn bool `json:"mentoring_opt_in"`
	// DigestOptOut: unsubscribed from the monthly digest email.
	DigestOptOut bool       `json:"digest_opt_out"`
	Roles        StringList `json:"roles"`
	// TimeZone is the IANA zone the web shows times in; empty: the
	// country's (see the web interface).
	TimeZone  string    `json:"time_zone"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// EffectiveNationality is the recorded nationality, else the country.
func (m Member) EffectiveNationality() string {
	if m.Nationality != nil && *m.Nationality != "" {
		return *m.Nationality
	}
	return m.Country
}

// Token is a bearer token; only its SHA-256 is stored.
type Token struct {
	ID        string     `gorm:"primaryKey" json:"id"`
	MemberID  string     `json:"member_id"`
	Hash      string     `json:"-"`
	Label     string     `json:"label"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at"`
	ExpiresAt *time.Time `json:"expires_at"`
}

// Declaration is a conflict-of-interest declaration. Declarations are
// history: a new one supersedes the previous one, which is kept.
type Declaration struct {
	ID           string     `gorm:"primaryKey" json:"id"`
	MemberID     string     `json:"member_id"`
	Kind         string     `json:"kind"`
	Organization string     `json:"organization"`
	Description  string     `json:"description"`
	Categories   StringList `json:"categories"`
	// Subjects names members or ALSes the declared interest involves; the
	// ethics and arbitration processes read it to recuse.
	Subjects     StringList `json:"subjects"`
	CreatedAt    time.Time  `json:"created_at"`
	SupersededAt *time.Time `json:"superseded_at"`
	SupersededBy *string    `json:"superseded_by"`
}

// Position is a leadership position held by a member for a term.
type Position struct {
	ID            string     `gorm:"primaryKey" json:"id"`
	Position      string     `json:"position"`
	HolderID      *string    `json:"holder_id"`
	ALSID         *string    `gorm:"column:als_id" json:"als_id"`
	Country       *string    `json:"country"`
	TermStart     time.Time  `json:"term_start"`
	TermEnd       *time.Time `json:"term_end"`
	VacatedAt     *time.Time `json:"vacated_at"`
	VacatedReason string     `json:"vacated_reason,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
}

// Outbox statuses.
const (
	OutboxPending = "pending" // waiting for delivery by the worker
	OutboxHeld    = "held"    // no SMTP server configured: kept in the outbox
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
)

// OutboxMessage is one email, written before it is sent.
type OutboxMessage struct {
	ID          string     `gorm:"primaryKey" json:"id"`
	IdemKey     string     `json:"idempotency_key"`
	Process     string     `json:"process"`
	Step        string     `json:"step"`
	MemberID    *string    `json:"member_id"`
	ToEmail     string     `json:"to"`
	Language    string     `json:"language"`
	Event       string     `json:"event"`
	Subject     string     `json:"subject"`
	Body        string     `json:"body"`
	Attachments string     `json:"-"`
	Status      string     `json:"status"`
	Attempts    int        `json:"attempts"`
	LastError   string     `json:"last_error,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	SentAt      *time.Time `json:"sent_at"`
}

// TableName is "outbox".
func (OutboxMessage) TableName() string { return "outbox" }

// AuditEntry is one link of the audit chain.
type AuditEntry struct {
	Seq      int64     `gorm:"primaryKey;autoIncrement:false" json:"seq"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Process  string    `json:"process"`
	ObjectID string    `json:"object_id"`
	Action   string    `json:"action"`
	Details  string    `json:"-"`
	// Audience is who may read the entry: "public", "staff", or "members"
	// (staff plus the members listed in Members).
	Audience string     `json:"audience"`
	Members  StringList `json:"-"`
	IdemKey  *string    `json:"-"`
	PrevHash string     `json:"prev_hash"`
	Hash     string     `json:"hash"`
}

// TableName is "audit".
func (AuditEntry) TableName() string { return "audit" }

// Idempotency remembers the answer to a creating request sent with an
// Idempotency-Key header, so a retry gets the same answer.
type Idempotency struct {
	MemberID  string `gorm:"primaryKey"`
	Key       string `gorm:"primaryKey"`
	Method    string
	Path      string
	Status    int
	Body      string
	CreatedAt time.Time
}

// TableName is "idempotency".
func (Idempotency) TableName() string { return "idempotency" }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
