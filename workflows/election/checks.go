package election

import (
	"strings"
	"time"

	"github.com/lacralo/ralo/workflows"
	"github.com/lacralo/ralo/workflows/process"
)

func (e *election) seat(name string) *SeatState {
	for i := range e.st.Seats {
		if e.st.Seats[i].Seat == name {
			return &e.st.Seats[i]
		}
	}
	return nil
}

// eligible are the accepted, eligible nominees of a seat, sorted.
func (e *election) eligible(seat string) []string {
	var ids []string
	for _, n := range e.st.Nominations {
		if n.Seat == seat && n.Accepted && n.Eligible {
			ids = append(ids, n.NomineeID)
		}
	}
	return process.Set(ids)
}

func (e *election) nomination(id string) *Nomination {
	for i := range e.st.Nominations {
		if e.st.Nominations[i].ID == id {
			return &e.st.Nominations[i]
		}
	}
	return nil
}

func (e *election) rollEntry(als string) (workflows.ElectionRollEntry, bool) {
	for _, r := range e.st.Roll {
		if r.ALSID == als {
			return r, true
		}
	}
	return workflows.ElectionRollEntry{}, false
}

// acceptanceUntil is the acceptance deadline of a seat: the calendar's, or
// the end of its reopened nominations.
func (e *election) acceptanceUntil(s *SeatState) time.Time {
	if s.NominationsUntil.After(e.in.Calendar.AcceptanceClose) {
		return s.NominationsUntil
	}
	return e.in.Calendar.AcceptanceClose
}

// phaseEnd points at the calendar date that ends a phase.
func phaseEnd(c *Calendar, phase string) *time.Time {
	switch phase {
	case PhaseNominations:
		return &c.NominationsClose
	case PhaseAcceptance:
		return &c.AcceptanceClose
	case PhaseObjections:
		return &c.ObjectionsClose
	case PhaseVoting:
		return &c.VotingClose
	}
	return nil
}

func (e *election) checkMember(a workflows.Actor) error {
	if strings.TrimSpace(a.MemberID) == "" {
		return process.ForbiddenCode("election.members_only", "only members may take part")
	}
	return nil
}

// memberSeat checks that the actor is a member and names a seat of the
// cycle, and returns the seat.
func (e *election) memberSeat(a workflows.Actor, seat string) (*SeatState, error) {
	if err := e.checkMember(a); err != nil {
		return nil, err
	}
	s := e.seat(seat)
	if s == nil {
		return nil, process.InvalidInputCode("election.no_such_seat", "seat: no such seat in this election")
	}
	return s, nil
}
