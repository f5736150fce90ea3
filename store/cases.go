package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm/clause"
)

// Case indexes one process instance for listings and access checks.
type Case struct {
	ID        string     `gorm:"primaryKey" json:"id"`
	Process   string     `json:"process"`
	Status    string     `json:"status"`
	Title     string     `json:"title"`
	CreatedBy string     `json:"created_by"`
	Members   StringList `json:"-"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// SaveCase inserts or updates a case's index row.
func (s *Store) SaveCase(ctx context.Context, c Case) error {
	if c.Members == nil {
		c.Members = StringList{}
	}
	now := Now()
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	c.UpdatedAt = now
	return s.DB.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"status", "title", "members", "updated_at"}),
	}).Create(&c).Error
}

// GetCase reads a case's index row.
func (s *Store) GetCase(ctx context.Context, process, id string) (Case, error) {
	var c Case
	err := s.DB.WithContext(ctx).Where("process = ? AND id = ?", process, id).Take(&c).Error
	return c, notFound(err)
}

// ListCases lists a process's cases, newest first; memberID, when set,
// keeps only the cases that member may read.
func (s *Store) ListCases(ctx context.Context, process, memberID string, limit int) ([]Case, error) {
	q := s.DB.WithContext(ctx).Where("process = ?", process).Order("created_at DESC, id DESC")
	if memberID != "" {
		q = q.Where("members LIKE ?", `%"`+memberID+`"%`)
	}
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	var out []Case
	err := q.Limit(limit).Find(&out).Error
	return out, err
}

// Receipt maps the hash of a receipt code to its case.
type Receipt struct {
	Hash      string `gorm:"primaryKey"`
	Process   string
	CaseID    string
	CreatedAt time.Time
}

// NewReceipt makes a receipt code for a case and stores its hash. The code
// is random (80 bits), grouped for reading aloud over a call.
func (s *Store) NewReceipt(ctx context.Context, process, caseID string) (string, error) {
	raw := strings.ToUpper(strings.TrimPrefix(NewID("r"), "r_"))
	code := raw[0:4] + "-" + raw[4:8] + "-" + raw[8:12] + "-" + raw[12:16]
	err := s.DB.WithContext(ctx).Create(&Receipt{Hash: HashToken(code), Process: process, CaseID: caseID}).Error
	return code, err
}

// CaseByReceipt finds the case a receipt code was given for.
func (s *Store) CaseByReceipt(ctx context.Context, process, code string) (string, error) {
	var r Receipt
	err := s.DB.WithContext(ctx).Where("hash = ? AND process = ?", HashToken(strings.ToUpper(strings.TrimSpace(code))), process).Take(&r).Error
	return r.CaseID, notFound(err)
}
