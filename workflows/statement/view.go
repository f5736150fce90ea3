package statement

import (
	"slices"

	"github.com/lacralo/ralo/workflows/process"
)

// snapshot copies the state for a query or an update's answer.
func (s *statement) snapshot() State {
	st := s.st
	st.Languages = slices.Clone(st.Languages)
	st.Groups = make([]LanguageGroup, len(s.st.Groups))
	for i, g := range s.st.Groups {
		g.Penholders = slices.Clone(g.Penholders)
		g.Versions = slices.Clone(g.Versions)
		st.Groups[i] = g
	}
	st.Translations = slices.Clone(st.Translations)
	st.CommentPeriods = slices.Clone(st.CommentPeriods)
	for i := range st.CommentPeriods {
		st.CommentPeriods[i].Versions = slices.Clone(st.CommentPeriods[i].Versions)
	}
	st.Comments = slices.Clone(st.Comments)
	if c := st.Consolidation; c != nil {
		cc := *c
		cc.Texts = process.CloneMap(c.Texts)
		cc.NotAdopted = slices.Clone(c.NotAdopted)
		st.Consolidation = &cc
	}
	st.Ratifications = make([]Ratification, len(s.st.Ratifications))
	for i, r := range s.st.Ratifications {
		st.Ratifications[i] = cloneRatification(r)
	}
	if sub := st.Submission; sub != nil {
		c := *sub
		c.Texts = process.CloneMap(sub.Texts)
		st.Submission = &c
	}
	st.Declined = process.Clone(st.Declined)
	st.RemindersSent = slices.Clone(st.RemindersSent)
	st.DeadlineAlertAt, st.DeadlineAlerted = process.Clone(st.DeadlineAlertAt), process.Clone(st.DeadlineAlerted)
	st.Deadlines = slices.Clone(st.Deadlines)
	return st
}

func cloneRatification(r Ratification) Ratification {
	r.Objections = slices.Clone(r.Objections)
	r.Roll = slices.Clone(r.Roll)
	r.Voted = slices.Clone(r.Voted)
	r.VoteOpens, r.VoteCloses = process.Clone(r.VoteOpens), process.Clone(r.VoteCloses)
	if r.Result != nil {
		res := *r.Result
		res.Ballots = slices.Clone(res.Ballots)
		res.Quorum = process.Clone(res.Quorum)
		res.Threshold = process.Clone(res.Threshold)
		r.Result = &res
	}
	return r
}

// public is the public record: what was submitted, the divergent views and
// the vote that ratified it; no comment or draft.
func (s *statement) public() Public {
	st := s.snapshot()
	p := Public{
		StatementID: st.StatementID, Title: st.Title, Proceeding: st.Proceeding, Kind: st.Kind, Languages: st.Languages,
		Texts: st.Submission.Texts, Submission: *st.Submission, Status: st.Status,
	}
	if st.Consolidation != nil {
		p.DivergentViews = st.Consolidation.DivergentViews
	}
	if r := s.current(); r != nil && r.Result != nil {
		res := cloneRatification(*r).Result
		p.Ratification = res
	}
	return p
}
