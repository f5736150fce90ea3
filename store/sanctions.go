package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// Sanction kinds that take effect on a person.
const (
	SanctionWarning        = "warning"
	SanctionRecusalOrdered = "recusal_ordered"
	SanctionSuspension     = "suspension"
	SanctionRemoval        = "removal"
)

// Sanction is a final ethics decision applied to a member.
type Sanction struct {
	ID              string     `gorm:"primaryKey" json:"id"`
	CaseID          string     `json:"case_id"`
	MemberID        string     `json:"member_id"`
	Kind            string     `json:"kind"`
	Matters         StringList `json:"matters"`
	Position        string     `json:"position"`
	UntilAt         *time.Time `json:"until"`
	IneligibleUntil *time.Time `json:"ineligible_until"`
	CreatedAt       time.Time  `json:"created_at"`
}

// SanctionInput is what a final decision does.
type SanctionInput struct {
	CaseID          string
	MemberID        string
	Kind            string
	Matters         []string
	Position        string
	Until           *time.Time
	IneligibleUntil *time.Time
}

// ApplySanction records a final decision once per case and, for a removal,
// vacates the member's current holding of the named position. A retried
// call finds the sanction recorded and changes nothing.
func (s *Store) ApplySanction(ctx context.Context, in SanctionInput) (Sanction, error) {
	var out Sanction
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Where("case_id = ?", in.CaseID).Take(&out).Error
		if err == nil {
			return nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		out = Sanction{ID: NewID("s"), CaseID: in.CaseID, MemberID: in.MemberID, Kind: in.Kind,
			Matters: StringList(in.Matters), Position: in.Position, UntilAt: in.Until, IneligibleUntil: in.IneligibleUntil}
		if out.Matters == nil {
			out.Matters = StringList{}
		}
		if err := tx.Create(&out).Error; err != nil {
			return err
		}
		details := map[string]any{"sanction": out}
		if in.Kind == SanctionRemoval && in.Position != "" {
			now := Now()
			res := tx.Model(&Position{}).
				Where("holder_id = ? AND position = ? AND vacated_at IS NULL", in.MemberID, in.Position).
				Updates(map[string]any{"vacated_at": now, "vacated_reason": "removed by ethics case " + in.CaseID})
			if res.Error != nil {
				return res.Error
			}
			details["positions_vacated"] = res.RowsAffected
		}
		_, err = s.AppendAudit(tx, AuditInput{Actor: "system", Process: "ethics", ObjectID: in.CaseID,
			Action: "ethics.sanction_applied", Details: details, Audience: AudienceMembers, Members: []string{in.MemberID}})
		return err
	})
	return out, err
}

// ListSanctions lists a member's sanctions, newest first.
func (s *Store) ListSanctions(ctx context.Context, memberID string) ([]Sanction, error) {
	var out []Sanction
	err := s.DB.WithContext(ctx).Where("member_id = ?", memberID).Order("created_at DESC").Find(&out).Error
	return out, err
}

// IneligibleUntil is the latest end of a member's removal ineligibility
// still running at now, or nil: election eligibility reads it.
func (s *Store) IneligibleUntil(ctx context.Context, memberID string, now time.Time) (*time.Time, error) {
	var out []Sanction
	if err := s.DB.WithContext(ctx).Where("member_id = ? AND ineligible_until > ?", memberID, now).
		Order("ineligible_until DESC").Limit(1).Find(&out).Error; err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out[0].IneligibleUntil, nil
}

// VotingSuspended reports whether a member's voting rights are suspended at
// now by an ethics decision.
func (s *Store) VotingSuspended(ctx context.Context, memberID string, now time.Time) (bool, error) {
	var n int64
	err := s.DB.WithContext(ctx).Model(&Sanction{}).
		Where("member_id = ? AND kind = ? AND (until_at IS NULL OR until_at > ?)", memberID, SanctionSuspension, now).
		Count(&n).Error
	return n > 0, err
}
