package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sort"
	"time"

	"gorm.io/gorm"
)

// ElectedInput gives the members elected to a position of an election its
// places from TermStart. Capacity is how many holders the position has
// (the policy's count); 0 means as many as elected.
type ElectedInput struct {
	ElectionID string
	Seat       string
	Position   string
	Elected    []string
	TermStart  time.Time
	Capacity   int
}

// AssignElected records the elected as holders of their position from the
// term start. The outgoing holders whose places they take (the longest
// serving first, so that staggered seats such as the two ALAC members
// rotate) see their term end at the term start. It is idempotent: a
// retried call finds the positions it created and changes nothing.
func (s *Store) AssignElected(ctx context.Context, in ElectedInput) ([]Position, error) {
	var out []Position
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var fresh []string
		for _, holder := range in.Elected {
			id := electedPositionID(in.ElectionID, in.Seat, holder)
			var p Position
			err := tx.Where("id = ?", id).Take(&p).Error
			switch {
			case err == nil:
				out = append(out, p)
				continue
			case !errors.Is(err, gorm.ErrRecordNotFound):
				return err
			}
			fresh = append(fresh, holder)
		}
		if len(fresh) == 0 {
			return nil
		}
		start := in.TermStart.UTC()
		var current []Position
		if err := tx.Where("position = ? AND vacated_at IS NULL AND term_start <= ? AND (term_end IS NULL OR term_end > ?)",
			in.Position, start, start).Find(&current).Error; err != nil {
			return err
		}
		capacity := in.Capacity
		if capacity <= 0 {
			capacity = len(in.Elected)
		}
		sort.SliceStable(current, func(i, j int) bool { return current[i].TermStart.Before(current[j].TermStart) })
		for i := 0; i < len(current)+len(fresh)-capacity && i < len(current); i++ {
			p := current[i]
			if err := tx.Model(&Position{}).Where("id = ?", p.ID).Update("term_end", start).Error; err != nil {
				return err
			}
			if _, err := s.AppendAudit(tx, AuditInput{Actor: "system", Process: "registry", ObjectID: p.ID,
				Action: "position.term_ended", Details: map[string]any{"position": p.Position, "holder_id": p.HolderID,
					"term_end": start, "election_id": in.ElectionID},
				Audience: AudiencePublic, IdemKey: "term_ended/" + in.ElectionID + "/" + p.ID}); err != nil {
				return err
			}
		}
		for _, holder := range fresh {
			var m Member
			if err := tx.Where("id = ?", holder).Take(&m).Error; err != nil {
				return notFound(err)
			}
			country := m.Country
			p := Position{ID: electedPositionID(in.ElectionID, in.Seat, holder), Position: in.Position, HolderID: &m.ID,
				ALSID: m.ALSID, Country: &country, TermStart: start}
			if err := tx.Create(&p).Error; err != nil {
				return err
			}
			if _, err := s.AppendAudit(tx, AuditInput{Actor: "system", Process: "registry", ObjectID: p.ID,
				Action: "position.assigned", Details: map[string]any{"position": p, "election_id": in.ElectionID, "seat": in.Seat},
				Audience: AudiencePublic, IdemKey: "assigned/" + p.ID}); err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// electedPositionID is the stable ID of a place won in an election.
func electedPositionID(electionID, seat, holder string) string {
	sum := sha256.Sum256([]byte(electionID + "\x00" + seat + "\x00" + holder))
	return "p_" + hex.EncodeToString(sum[:10])
}
