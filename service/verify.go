package service

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/lacralo/ralo/store"
)

// BallotCheck is what a ballot receipt shows in the certified results:
// the election, the seat and round it was counted in.
type BallotCheck struct {
	ElectionID  string    `json:"election_id"`
	Seat        string    `json:"seat"`
	Round       int       `json:"round"`
	CertifiedAt time.Time `json:"certified_at"`
}

// VerifyBallot looks a ballot receipt up in the certified results, which
// are public records; not found means no certified result lists it.
func (s *Service) VerifyBallot(ctx context.Context, receipt string) (BallotCheck, error) {
	receipt = strings.TrimSpace(receipt)
	if receipt == "" {
		return BallotCheck{}, InvalidCoded(map[string]string{"receipt": "is required"}, map[string]string{"receipt": store.FieldRequired})
	}
	entries, err := s.store.ListAudit(ctx, storeCertified)
	if err != nil {
		return BallotCheck{}, err
	}
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		var doc struct {
			Seats []struct {
				Seat    string `json:"seat"`
				Ballots []struct {
					Receipt string `json:"receipt"`
					Round   int    `json:"round"`
				} `json:"ballots"`
			} `json:"seats"`
		}
		if err := json.Unmarshal([]byte(e.Details), &doc); err != nil {
			continue
		}
		for _, seat := range doc.Seats {
			for _, b := range seat.Ballots {
				if strings.EqualFold(b.Receipt, receipt) {
					return BallotCheck{ElectionID: e.ObjectID, Seat: seat.Seat, Round: b.Round, CertifiedAt: e.At}, nil
				}
			}
		}
	}
	return BallotCheck{}, NotFound()
}

// storeCertified selects the certified results in the audit log.
var storeCertified = store.AuditFilter{Process: "election", Action: "election.certified", Audience: store.AudiencePublic, All: true, Limit: 1000}
