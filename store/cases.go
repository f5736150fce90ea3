package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
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
	// Parties are the case's parties, set when the case is opened (a
	// later SaveCase keeps them): staff or admin powers never widen what
	// a party reads of their own case (PartyOf in AuditFilter,
	// OutboxFilter and ListCases).
	Parties   StringList `json:"-"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	// TasksProjected says that the case's workflow writes its Tasks (the
	// case_tasks rows); SaveCase replaces them when it is set, and a
	// later save without it (the service's, when the case opens) keeps
	// them.
	TasksProjected bool       `json:"-"`
	Tasks          []CaseTask `gorm:"-" json:"-"`
}

// CaseTask is a member's next act in a case (the dashboard's task), as
// the case's workflow last wrote it.
type CaseTask struct {
	CaseID   string `gorm:"primaryKey"`
	Process  string
	MemberID string `gorm:"primaryKey"`
	Action   string `gorm:"primaryKey"`
	Due      *time.Time
}

// SaveCase inserts or updates a case's index row.
func (s *Store) SaveCase(ctx context.Context, c Case) error {
	if c.Members == nil {
		c.Members = StringList{}
	}
	if c.Parties == nil {
		c.Parties = StringList{}
	}
	now := Now()
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	c.UpdatedAt = now
	updates := []string{"status", "title", "members", "updated_at"}
	if !c.TasksProjected {
		return s.DB.WithContext(ctx).Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "id"}},
			DoUpdates: clause.AssignmentColumns(updates),
		}).Create(&c).Error
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "id"}},
			DoUpdates: clause.AssignmentColumns(append(updates, "tasks_projected")),
		}).Create(&c).Error; err != nil {
			return err
		}
		if err := tx.Where("case_id = ?", c.ID).Delete(&CaseTask{}).Error; err != nil {
			return err
		}
		if len(c.Tasks) == 0 {
			return nil
		}
		rows := make([]CaseTask, 0, len(c.Tasks))
		seen := map[[2]string]bool{}
		for _, t := range c.Tasks {
			if k := [2]string{t.MemberID, t.Action}; t.MemberID != "" && !seen[k] {
				seen[k] = true
				if t.Due != nil {
					due := t.Due.UTC()
					t.Due = &due
				}
				rows = append(rows, CaseTask{CaseID: c.ID, Process: c.Process, MemberID: t.MemberID, Action: t.Action, Due: t.Due})
			}
		}
		return tx.Create(&rows).Error
	})
}

// MemberTask is a member's task with its case's title.
type MemberTask struct {
	CaseTask
	Title string
}

// TasksOf is what a member must do in the open cases of a process whose
// workflows write their tasks, soonest first (tasks without a time last).
func (s *Store) TasksOf(ctx context.Context, process, memberID string) ([]MemberTask, error) {
	var out []MemberTask
	err := s.DB.WithContext(ctx).Table("case_tasks").
		Select("case_tasks.case_id, case_tasks.process, case_tasks.member_id, case_tasks.action, case_tasks.due, cases.title").
		Joins("JOIN cases ON cases.id = case_tasks.case_id").
		Where("case_tasks.member_id = ? AND case_tasks.process = ? AND cases.tasks_projected", memberID, process).
		Order("case_tasks.due IS NULL, case_tasks.due, case_tasks.case_id").
		Scan(&out).Error
	return out, err
}

// ListUnprojected lists a process's cases in the given statuses whose
// workflows do not write their tasks (started before the projection),
// newest first; memberID, when set, keeps only those the member may read.
func (s *Store) ListUnprojected(ctx context.Context, process, memberID string, statuses []string, limit int) ([]Case, error) {
	q := s.DB.WithContext(ctx).Where("process = ? AND NOT tasks_projected AND status IN ?", process, statuses).
		Order("created_at DESC, id DESC")
	if memberID != "" {
		q = q.Where("members LIKE ?", quotedLike(memberID))
	}
	var out []Case
	err := q.Limit(max(limit, 1)).Find(&out).Error
	return out, err
}

// ListCasesIn lists a process's cases in the given statuses, newest first.
func (s *Store) ListCasesIn(ctx context.Context, process string, statuses []string, limit int) ([]Case, error) {
	var out []Case
	err := s.DB.WithContext(ctx).Where("process = ? AND status IN ?", process, statuses).
		Order("created_at DESC, id DESC").Limit(max(limit, 1)).Find(&out).Error
	return out, err
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
	return s.ListCasesFor(ctx, process, memberID, "", limit)
}

// ListCasesFor is ListCases for a reader who sees every case by role
// (memberID empty) but is a party to some: partyOf keeps, of their own
// cases, only those they may read as a member.
func (s *Store) ListCasesFor(ctx context.Context, process, memberID, partyOf string, limit int) ([]Case, error) {
	q := s.DB.WithContext(ctx).Where("process = ?", process).Order("created_at DESC, id DESC")
	if memberID != "" {
		q = q.Where("members LIKE ?", quotedLike(memberID))
	} else if partyOf != "" {
		q = q.Where("parties NOT LIKE ? OR members LIKE ?", quotedLike(partyOf), quotedLike(partyOf))
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

// quotedLike matches an ID inside a JSON array of IDs; IDs are generated
// and contain no quote, so the quoted match is exact.
func quotedLike(id string) string { return `%"` + id + `"%` }

// partyCases is the subquery of the IDs of the cases id is a party to.
func (s *Store) partyCases(id string) any {
	return s.DB.Model(&Case{}).Select("id").Where("parties LIKE ?", quotedLike(id))
}
