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
	// TermEnd ends the elected's term (the seat's term); nil: no end.
	TermEnd  *time.Time
	Capacity int
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
				ALSID: m.ALSID, Country: &country, TermStart: start, TermEnd: in.TermEnd}
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

// SuccessionInput gives MemberID the position To from At (for a term
// ending at TermEnd, nil for none): the elect's succession.
type SuccessionInput struct {
	ElectionID string
	Seat       string
	MemberID   string
	From       string
	To         string
	At         time.Time
	TermEnd    *time.Time
}

// Succeed carries out an elect's succession (the chair-elect becoming
// chair) at At: the elect's term in From and the sitting holders' terms in
// To end then, and the elect holds To from then; each change is audited.
// It returns the outgoing holders, or why it could not: the elect no longer
// holds From (removed, resigned). It is idempotent: a retried call finds
// the position it created and changes nothing.
func (s *Store) Succeed(ctx context.Context, in SuccessionInput) (outgoing []string, skipped string, err error) {
	at := in.At.UTC()
	id := electedPositionID(in.ElectionID, in.Seat+"\x00succession", in.MemberID)
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		outgoing, skipped = nil, ""
		var done Position
		switch err := tx.Where("id = ?", id).Take(&done).Error; {
		case err == nil:
			var ended []Position
			if err := tx.Where("position = ? AND term_end = ? AND id <> ?", in.To, at, id).Find(&ended).Error; err != nil {
				return err
			}
			for _, p := range ended {
				if p.HolderID != nil {
					outgoing = append(outgoing, *p.HolderID)
				}
			}
			return nil
		case !errors.Is(err, gorm.ErrRecordNotFound):
			return err
		}
		var elect Position
		err := tx.Where("holder_id = ? AND position = ? AND vacated_at IS NULL AND term_start <= ? AND (term_end IS NULL OR term_end >= ?)",
			in.MemberID, in.From, at, at).Order("term_start DESC").Take(&elect).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			skipped = in.MemberID + " no longer holds " + in.From + " at " + at.Format(time.RFC3339) + ": staff fill " + in.To
			return nil
		}
		if err != nil {
			return err
		}
		var m Member
		if err := tx.Where("id = ?", in.MemberID).Take(&m).Error; err != nil {
			return notFound(err)
		}
		// The sitting holders: those whose term ends now (as planned)
		// or would run on.
		var sitting []Position
		if err := tx.Where("position = ? AND vacated_at IS NULL AND term_start <= ? AND (term_end IS NULL OR term_end >= ?)",
			in.To, at, at).Find(&sitting).Error; err != nil {
			return err
		}
		end := func(p Position, action string) error {
			if err := tx.Model(&Position{}).Where("id = ?", p.ID).Update("term_end", at).Error; err != nil {
				return err
			}
			_, err := s.AppendAudit(tx, AuditInput{Actor: "system", Process: "registry", ObjectID: p.ID, Action: action,
				Details: map[string]any{"position": p.Position, "holder_id": p.HolderID, "term_end": at, "election_id": in.ElectionID,
					"successor_id": in.MemberID},
				Audience: AudiencePublic, IdemKey: "succession_ended/" + id + "/" + p.ID})
			return err
		}
		for _, p := range sitting {
			if p.HolderID != nil && *p.HolderID == in.MemberID {
				continue
			}
			if p.TermEnd == nil || p.TermEnd.After(at) {
				if err := end(p, "position.term_ended"); err != nil {
					return err
				}
			}
			if p.HolderID != nil {
				outgoing = append(outgoing, *p.HolderID)
			}
		}
		if elect.TermEnd == nil || elect.TermEnd.After(at) {
			if err := end(elect, "position.term_ended"); err != nil {
				return err
			}
		}
		country := m.Country
		p := Position{ID: id, Position: in.To, HolderID: &m.ID, ALSID: m.ALSID, Country: &country, TermStart: at, TermEnd: in.TermEnd}
		if err := tx.Create(&p).Error; err != nil {
			return err
		}
		_, err = s.AppendAudit(tx, AuditInput{Actor: "system", Process: "registry", ObjectID: p.ID, Action: "position.succeeded",
			Details:  map[string]any{"position": p, "from": in.From, "election_id": in.ElectionID, "seat": in.Seat, "outgoing": outgoing},
			Audience: AudiencePublic, IdemKey: "succeeded/" + p.ID})
		return err
	})
	return outgoing, skipped, err
}
