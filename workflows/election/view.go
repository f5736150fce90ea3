package election

import (
	"cmp"
	"slices"

	"github.com/lacralo/ralo/workflows/process"
)

// Snapshot copies the state for a query or an update's answer.
func (e *election) Snapshot() State {
	st := e.st
	st.Seats = make([]SeatState, len(e.st.Seats))
	for i, s := range e.st.Seats {
		s.Candidates = slices.Clone(s.Candidates)
		s.Elected = slices.Clone(s.Elected)
		st.Seats[i] = s
	}
	st.Nominations = slices.Clone(st.Nominations)
	st.Objections = slices.Clone(st.Objections)
	st.Proxies = slices.Clone(st.Proxies)
	st.Roll = slices.Clone(st.Roll)
	st.Voted = slices.Clone(st.Voted)
	st.Exceptions = slices.Clone(st.Exceptions)
	st.Deadlines = slices.Clone(st.Deadlines)
	st.Contests = slices.Clone(st.Contests)
	st.Successions = slices.Clone(st.Successions)
	return st
}

// resultsDoc builds the results document in the order of the seats.
func (e *election) resultsDoc() Results {
	status := StatusClosed
	if e.st.CertifiedAt != nil {
		status = StatusCertified
	}
	doc := Results{ElectionID: e.in.ElectionID, Status: status, Roll: slices.Clone(e.st.Roll), Seats: []SeatResult{},
		ContestUntil: process.Clone(e.st.ContestUntil), Contests: slices.Clone(e.st.Contests)}
	for _, s := range e.st.Seats {
		r, ok := e.results[s.Seat]
		if !ok {
			continue
		}
		c := *r
		c.Rounds, c.Elected, c.Ballots = slices.Clone(c.Rounds), slices.Clone(c.Elected), slices.Clone(c.Ballots)
		c.Quorum, c.Draw = process.Clone(c.Quorum), process.Clone(c.Draw)
		if e.outcomes {
			c.Outcome = cmp.Or(s.Outcome, OutcomeElected)
		}
		if e.v5 {
			c.Succession = e.succession(s.Seat)
		}
		doc.Seats = append(doc.Seats, c)
	}
	return doc
}
